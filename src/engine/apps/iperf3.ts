/**
 * `iperf3` (3.12 output format): a TCP bulk sender/sink with per-interval reports.
 *  server: iperf3 -s [-p port] [-1]
 *  client: iperf3 -c host [-p port] [-t secs | -n bytes] [-i secs] [-C reno|cubic|bbr] [-R]
 *
 * Simplification (documented): real iperf3 first opens a control connection and exchanges JSON
 * parameters and results over it; here one TCP connection carries the data, and the results
 * exchange happens out of band (the client reads the server's byte count at the end).
 * Payload bytes are iperf3's --repeating-payload style pattern, stored lazily in the trace.
 */
import type { Command, CommandContext } from './registry.ts';
import { getopt } from './getopt.ts';
import { resolveTarget } from './resolve.ts';
import type { TcpSocket } from '../stack/tcp/socket.ts';
import { TCP_ERROR_TEXT } from '../stack/tcp/types.ts';
import type { CongestionControlName } from '../stack/tcp/cc/types.ts';
import {
  IPERF_DEFAULT_PORT,
  IPERF_ERRORS,
  IPERF_SEPARATOR,
  formatIperfAccepted,
  formatIperfBadOption,
  formatIperfConnected,
  formatIperfConnecting,
  formatIperfDone,
  formatIperfError,
  formatIperfHeader,
  formatIperfInterval,
  formatIperfMissingArgument,
  formatIperfReverse,
  formatIperfServerListening,
  formatIperfSummary,
} from './iperf3-format.ts';

const STREAM_ID = 5;

interface ServerRecord {
  bytes: number;
  firstByteAt: number;
  lastByteAt: number;
}

function resultsKey(host: string, port: number): string {
  return `iperf3:${host}:${port}`;
}

export const iperf3Command: Command = {
  name: 'iperf3',
  summary: 'measure TCP throughput between two hosts',
  usage: 'iperf3 -s [-p port] [-1] | iperf3 -c host [-p port] [-t secs | -n bytes] [-i secs] [-C algo] [-R]',
  run(ctx, args) {
    const g = getopt(args, 'sc:p:t:n:i:C:R1V');
    if (!g.ok) {
      for (const l of g.error.kind === 'invalid' ? formatIperfBadOption(g.error.flag) : formatIperfMissingArgument(g.error.flag)) ctx.print(l);
      return ctx.exit(1);
    }
    const o = new Map(g.value.opts.map((x) => [x.flag, x.value ?? '']));
    const num = (flag: string, dflt: number): number | undefined => {
      if (!o.has(flag)) return dflt;
      const v = Number(o.get(flag));
      return Number.isFinite(v) && v >= 0 ? v : undefined;
    };
    const port = num('p', IPERF_DEFAULT_PORT);
    const interval = num('i', 1);
    const seconds = num('t', 10);
    if (port === undefined || interval === undefined || seconds === undefined) {
      ctx.print(formatIperfError('parameter error - invalid value'));
      return ctx.exit(1);
    }
    const cc = o.get('C');
    if (cc !== undefined && !['reno', 'cubic', 'bbr'].includes(cc)) {
      ctx.print(formatIperfError('unable to set TCP_CONGESTION: Supplied congestion control algorithm not supported on this host'));
      return ctx.exit(1);
    }
    if (o.has('s') === o.has('c')) {
      ctx.print(formatIperfError('parameter error - must either be a client (-c) or server (-s)'));
      return ctx.exit(1);
    }
    if (o.has('s')) return server(ctx, port, interval, o.has('1'));
    const bytes = o.has('n') ? parseBytes(o.get('n')!) : undefined;
    if (o.has('n') && bytes === undefined) {
      ctx.print(formatIperfError('parameter error - invalid value'));
      return ctx.exit(1);
    }
    return client(ctx, o.get('c')!, { port, interval, seconds, bytes, reverse: o.has('R'), cc: cc as CongestionControlName | undefined });
  },
};

/** iperf3's -n suffixes: K, M, G (powers of 1024). */
function parseBytes(v: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([KMGkmg])?$/.exec(v);
  if (!m) return undefined;
  const mult = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m[2] ?? '').toLowerCase()] ?? 1;
  return Math.round(Number(m[1]) * mult);
}

/** Periodic interval reports for one direction of a test. */
class Reporter {
  private lastBytes = 0;
  private lastRetrans = 0;
  private timer: ReturnType<CommandContext['world']['sched']['at']> | null = null;
  private index = 0;

  constructor(
    private readonly ctx: CommandContext,
    private readonly start: number,
    private readonly intervalS: number,
    private readonly sender: boolean,
    private readonly counts: () => { bytes: number; retrans: number; cwnd: number },
  ) {}

  begin(): void {
    if (this.intervalS > 0) this.schedule();
  }

  private schedule(): void {
    const sched = this.ctx.world.sched;
    this.timer = sched.at(this.start + (this.index + 1) * this.intervalS * 1e9, () => this.report(this.start + (this.index + 1) * this.intervalS * 1e9));
  }

  /** Prints the interval ending at `t` (or the partial one ending now at `final`). */
  report(t: number): void {
    const c = this.counts();
    const startS = this.index * this.intervalS;
    const endS = (t - this.start) / 1e9;
    if (endS - startS > 1e-9) {
      const line: Parameters<typeof formatIperfInterval>[0] = { id: STREAM_ID, start: startS, end: endS, bytes: c.bytes - this.lastBytes };
      if (this.sender) {
        line.retr = c.retrans - this.lastRetrans;
        line.cwndBytes = c.cwnd;
      }
      this.ctx.print(formatIperfInterval(line));
    }
    this.lastBytes = c.bytes;
    this.lastRetrans = c.retrans;
    this.index++;
    if (t === this.start + this.index * this.intervalS * 1e9) this.schedule();
  }

  stop(final: boolean): void {
    this.ctx.world.sched.cancel(this.timer);
    if (final) this.report(this.ctx.world.now);
  }
}

function server(ctx: CommandContext, port: number, intervalS: number, oneOff: boolean): void {
  const { host, world } = ctx;
  let testNo = 1;
  for (const l of formatIperfServerListening(port, testNo)) ctx.print(l);
  let busy = false;
  let listener: ReturnType<typeof host.tcp.listen>;
  try {
    listener = host.tcp.listen(port, (s) => {
      if (busy) return s.abort('server busy');
      busy = true;
      ctx.print(formatIperfAccepted(s.remote.text, s.remotePort));
      ctx.print(formatIperfConnected({ id: STREAM_ID, localAddress: s.local.text, localPort: s.localPort, remoteAddress: s.remote.text, remotePort: s.remotePort }));
      const rec: ServerRecord = { bytes: 0, firstByteAt: -1, lastByteAt: -1 };
      world.appState.set(resultsKey(s.remote.text, s.remotePort), rec);
      const start = world.now;
      const rep = new Reporter(ctx, start, intervalS, false, () => ({ bytes: rec.bytes, retrans: 0, cwnd: 0 }));
      ctx.print(formatIperfHeader());
      rep.begin();
      s.onData = (d) => {
        if (rec.firstByteAt < 0) rec.firstByteAt = world.now;
        rec.lastByteAt = world.now;
        rec.bytes += d.length;
      };
      const reverse = world.appState.get(`iperf3-reverse:${s.remote.text}:${s.remotePort}`) as { seconds: number; bytes?: number } | undefined;
      if (reverse) pump(s, world.now + reverse.seconds * 1e9, reverse.bytes);
      const finish = (): void => {
        rep.stop(true);
        const secs = (world.now - start) / 1e9;
        ctx.print(IPERF_SEPARATOR);
        ctx.print(formatIperfHeader({ retr: false }));
        ctx.print(formatIperfSummary({ id: STREAM_ID, start: 0, end: secs, bytes: rec.bytes, kind: 'receiver' }));
        busy = false;
        if (oneOff) {
          listener.close();
          ctx.exit(0);
          return;
        }
        testNo++;
        for (const l of formatIperfServerListening(port, testNo)) ctx.print(l);
      };
      s.onEof = () => {
        s.shutdown();
        finish();
      };
      s.onClose = (err) => {
        if (busy && err) finish();
      };
    });
  } catch {
    ctx.print(formatIperfError(IPERF_ERRORS.listen, 'Address already in use'));
    return ctx.exit(1);
  }
  ctx.onInterrupt(() => {
    listener.close();
    ctx.print('iperf3: interrupt - the server has terminated');
    ctx.exit(1);
  });
}

/**
 * Keeps the socket busy until `until` (or until `limit` bytes were written), then sends FIN.
 * Like Linux's send-buffer autotuning (tcp_sndbuf_expand, ~2×cwnd), at most two congestion
 * windows of data wait in the buffer, so "bytes written" tracks what the network carries.
 */
function pump(s: TcpSocket, until: number, limit?: number): { written: () => number } {
  let written = 0;
  const world = s.node.world;
  const fill = (): void => {
    if (s.finQueued) return;
    if (world.now >= until || (limit !== undefined && written >= limit)) {
      s.shutdown();
      return;
    }
    const budget = Math.max(0, 2 * s.cwnd - s.sendBuf.length);
    let room = Math.min(s.writable, budget);
    if (limit !== undefined) room = Math.min(room, limit - written);
    if (room > 0) written += Math.max(0, s.send(room));
    if (limit !== undefined && written >= limit) s.shutdown();
  };
  s.onWritable = fill;
  const origAck = s.onAckHook;
  s.onAckHook = () => {
    origAck?.();
    fill();
  };
  fill();
  if (limit === undefined) world.sched.at(until, fill);
  return { written: () => written };
}

interface ClientOptions {
  port: number;
  interval: number;
  seconds: number;
  bytes: number | undefined;
  reverse: boolean;
  cc: CongestionControlName | undefined;
}

function client(ctx: CommandContext, target: string, o: ClientOptions): void {
  const { host, world } = ctx;
  const dest = resolveTarget(world, target, undefined);
  if (!dest) {
    ctx.print(formatIperfError(`unable to resolve host`, `Name or service not known`).replace('resolve host:', `resolve host ${target}:`));
    return ctx.exit(1);
  }
  ctx.print(formatIperfConnecting(target, o.port));
  const s = host.tcp.connect(dest.addr, o.port, o.cc ? { cc: o.cc } : {});
  if (typeof s === 'string') {
    ctx.print(formatIperfError(IPERF_ERRORS.connect, s === 'ENETUNREACH' ? 'Network is unreachable' : TCP_ERROR_TEXT[s]));
    return ctx.exit(1);
  }
  let start = 0;
  let rep: Reporter | null = null;
  let received = 0;
  s.onClose = (err) => {
    if (ctx.exited) return;
    if (start === 0) {
      ctx.print(formatIperfError(IPERF_ERRORS.connect, TCP_ERROR_TEXT[err ?? 'ECONNRESET']));
      return ctx.exit(1);
    }
    if (err) {
      rep?.stop(false);
      ctx.print(formatIperfError(IPERF_ERRORS.controlClosed));
      ctx.exit(1);
    }
  };
  ctx.onInterrupt(() => {
    rep?.stop(false);
    s.abort('interrupted');
    ctx.print('iperf3: interrupt - the client has terminated');
    ctx.exit(1);
  });
  s.onConnect = () => {
    start = world.now;
    if (o.reverse) world.appState.set(`iperf3-reverse:${s.local.text}:${s.localPort}`, { seconds: o.seconds, ...(o.bytes !== undefined ? { bytes: o.bytes } : {}) });
    ctx.print(formatIperfConnected({ id: STREAM_ID, localAddress: s.local.text, localPort: s.localPort, remoteAddress: s.remote.text, remotePort: s.remotePort }));
    if (o.reverse) {
      ctx.print(formatIperfReverse(target));
      ctx.print(formatIperfHeader());
      rep = new Reporter(ctx, start, o.interval, false, () => ({ bytes: received, retrans: 0, cwnd: 0 }));
      s.onData = (d) => (received += d.length);
      s.onEof = () => {
        rep?.stop(true);
        const secs = (world.now - start) / 1e9;
        ctx.print(IPERF_SEPARATOR);
        ctx.print(formatIperfHeader({ retr: true }));
        ctx.print(formatIperfSummary({ id: STREAM_ID, start: 0, end: secs, bytes: received, retr: 0, kind: 'sender' }));
        ctx.print(formatIperfSummary({ id: STREAM_ID, start: 0, end: secs, bytes: received, kind: 'receiver' }));
        for (const l of formatIperfDone()) ctx.print(l);
        s.close();
        ctx.exit(0);
      };
      rep.begin();
      // The server starts sending when it sees the connection (reverse mode).
      s.send(new Uint8Array(0));
      return;
    }
    ctx.print(formatIperfHeader({ retr: true, cwnd: true }));
    // Like iperf3, the sender's Transfer column counts bytes written to the socket.
    const p = pump(s, start + o.seconds * 1e9, o.bytes);
    rep = new Reporter(ctx, start, o.interval, true, () => ({ bytes: p.written(), retrans: s.retransTotal, cwnd: s.cwnd }));
    rep.begin();
    s.onEof = () => s.close();
    let sendEnd = -1;
    const done = (): void => {
      const secs = (sendEnd - start) / 1e9;
      const rec = world.appState.get(resultsKey(s.local.text, s.localPort)) as ServerRecord | undefined;
      ctx.print(IPERF_SEPARATOR);
      ctx.print(formatIperfHeader({ retr: true }));
      ctx.print(formatIperfSummary({ id: STREAM_ID, start: 0, end: secs, bytes: p.written(), retr: s.retransTotal, kind: 'sender' }));
      const rsecs = rec && rec.lastByteAt > 0 ? (rec.lastByteAt - start) / 1e9 : secs;
      ctx.print(formatIperfSummary({ id: STREAM_ID, start: 0, end: rsecs, bytes: rec?.bytes ?? 0, kind: 'receiver' }));
      for (const l of formatIperfDone()) ctx.print(l);
      ctx.exit(0);
    };
    // The sending phase ends at -t (or when -n bytes are written); results come once our FIN is acknowledged.
    const check = world.sched;
    const poll = (): void => {
      if (ctx.exited) return;
      if (s.finQueued && sendEnd < 0) {
        sendEnd = world.now;
        rep?.stop(true);
      }
      if (s.state === 'FIN-WAIT-2' || s.state === 'TIME-WAIT' || s.state === 'CLOSED' || s.finAcked) return done();
      check.after(1e6, poll);
    };
    check.at(start + (o.bytes !== undefined ? 1e6 : o.seconds * 1e9), poll);
  };
}
