/**
 * `reqresp`: a request/response client and server for the Nagle + delayed-ACK pitfall
 * (RFC 896, RFC 1122 §4.2.3.2) and TCP Fast Open (RFC 7413). Not a standard tool, so its output
 * is its own: one line per transaction and a summary, like a tiny netperf TCP_RR.
 *
 *  server: reqresp -s [-p port] [-F]        answers each complete request with a response;
 *          -F sets TCP_FASTOPEN on the listener (queue of 16 pending Fast Open connections)
 *  client: reqresp -c host [-p port] [-n N] [-N] [-Q] [-F]
 *          each request is written in two parts (header, then body: write-write-read);
 *          -N sets TCP_NODELAY, -Q sets TCP_QUICKACK on the client.
 *          -F sets TCP_FASTOPEN_CONNECT and writes the first request in one write right after
 *          connect(), so with a cached cookie it rides in the SYN; request 1's time then counts
 *          from connect(), handshake included, and a last line tells what Fast Open did.
 */
import type { Command, CommandContext } from './registry.ts';
import { getopt } from './getopt.ts';
import { resolveTarget } from './resolve.ts';
import { TCP_ERROR_TEXT } from '../stack/tcp/types.ts';
import { fastOpenSummary } from '../stack/tcp/fastopen.ts';

const DEFAULT_PORT = 7000;
const HEADER = 100;
const BODY = 200;
const RESPONSE = 300;
/** TCP_FASTOPEN queue length the server sets with -F. */
const FASTOPEN_QUEUE = 16;

function ms(ns: number): string {
  return (ns / 1e6).toFixed(1);
}

export const reqrespCommand: Command = {
  name: 'reqresp',
  summary: 'request/response latency over TCP (write-write-read)',
  usage: 'reqresp -s [-p port] [-F] | reqresp -c host [-p port] [-n count] [-N] [-Q] [-F]',
  run(ctx, args) {
    const g = getopt(args, 'sc:p:n:NQF');
    const usage = (): void => {
      ctx.print(`usage: ${reqrespCommand.usage}`);
      ctx.exit(2);
    };
    if (!g.ok) {
      ctx.print(g.error.kind === 'invalid' ? `reqresp: invalid option -- '${g.error.flag}'` : `reqresp: option requires an argument -- '${g.error.flag}'`);
      return usage();
    }
    const o = new Map(g.value.opts.map((x) => [x.flag, x.value ?? '']));
    const port = o.has('p') ? Number(o.get('p')) : DEFAULT_PORT;
    const count = o.has('n') ? Number(o.get('n')) : 5;
    if (!Number.isInteger(port) || port < 1 || port > 65535 || !Number.isInteger(count) || count < 1) return usage();
    if (o.has('s') === o.has('c')) return usage();
    if (o.has('s')) return server(ctx, port, o.has('F'));
    return client(ctx, o.get('c')!, port, count, o.has('N'), o.has('Q'), o.has('F'));
  },
};

function server(ctx: CommandContext, port: number, fastOpen: boolean): void {
  ctx.print(`reqresp: listening on port ${port}${fastOpen ? ` (TCP_FASTOPEN ${FASTOPEN_QUEUE})` : ''}`);
  const l = ctx.host.tcp.listen(port, (s) => {
    let pending = 0;
    s.onData = (d) => {
      pending += d.length;
      // Answer only once the whole request (header + body) is in: like an HTTP server.
      while (pending >= HEADER + BODY) {
        pending -= HEADER + BODY;
        s.send(RESPONSE);
      }
    };
    s.onEof = () => s.close();
  }, fastOpen ? { fastOpenQueue: FASTOPEN_QUEUE } : {});
  ctx.onInterrupt(() => {
    l.close();
    ctx.exit(130);
  });
}

function client(ctx: CommandContext, target: string, port: number, count: number, nodelay: boolean, quickack: boolean, fastOpen: boolean): void {
  const { host, world } = ctx;
  const dest = resolveTarget(world, target, undefined);
  if (!dest) {
    ctx.print(`reqresp: ${target}: Name or service not known`);
    return ctx.exit(2);
  }
  const s = host.tcp.connect(dest.addr, port, { ...(nodelay ? { nodelay: true } : {}), ...(quickack ? { quickack: true } : {}), ...(fastOpen ? { fastOpenConnect: true } : {}) });
  if (typeof s === 'string') {
    ctx.print(`reqresp: connect: ${s === 'ENETUNREACH' ? 'Network is unreachable' : TCP_ERROR_TEXT[s]}`);
    return ctx.exit(1);
  }
  const times: number[] = [];
  let n = 0;
  let got = 0;
  let sentAt = 0;
  const opts = [nodelay ? 'TCP_NODELAY' : 'Nagle on', quickack ? 'TCP_QUICKACK' : 'delayed ACKs', ...(fastOpen ? ['TCP Fast Open'] : [])].join(', ');
  const next = (): void => {
    n++;
    sentAt = world.now;
    if (fastOpen) {
      s.send(HEADER + BODY); // one write, so that it fits in a Fast Open SYN
      return;
    }
    s.send(HEADER); // write #1: the header
    s.send(BODY); // write #2: the body (Nagle holds it while the header is unacknowledged)
  };
  if (fastOpen) {
    // TCP_FASTOPEN_CONNECT: write at once; with a cookie the request goes in the SYN (RFC 7413).
    ctx.print(`reqresp: ${count} requests to ${dest.text} port ${port} (${HEADER + BODY} bytes in one write, ${RESPONSE}-byte responses; ${opts}); request 1 timed from connect()`);
    next(); // at connect() time: request 1 includes the handshake
  } else {
    s.onConnect = () => {
      ctx.print(`reqresp: ${count} requests to ${dest.text} port ${port} (${HEADER}+${BODY} bytes in two writes, ${RESPONSE}-byte responses; ${opts})`);
      next();
    };
  }
  s.onData = (d) => {
    got += d.length;
    if (got < RESPONSE) return;
    got -= RESPONSE;
    const t = world.now - sentAt;
    times.push(t);
    ctx.print(`request ${n}: ${ms(t)} ms`);
    if (n < count) return next();
    const avg = times.reduce((a, b) => a + b, 0) / times.length;
    ctx.print(`${count} transactions: min ${ms(Math.min(...times))} ms, avg ${ms(avg)} ms, max ${ms(Math.max(...times))} ms`);
    const tfo = fastOpen ? fastOpenSummary(s) : undefined;
    if (fastOpen) ctx.print(`TCP Fast Open: ${tfo ?? 'not used (net.ipv4.tcp_fastopen has no client bit, or Fast Open to this server is suspended)'}`);
    s.close();
    ctx.exit(0);
  };
  s.onClose = (err) => {
    if (ctx.exited) return;
    ctx.print(`reqresp: ${TCP_ERROR_TEXT[err ?? 'ECONNRESET']}`);
    ctx.exit(1);
  };
  ctx.onInterrupt(() => {
    s.abort('interrupted');
    ctx.exit(130);
  });
}
