/**
 * `churn`: opens many short TCP connections (connect, one request/response, client closes) to
 * show TIME-WAIT piling up and ephemeral ports running out. Not a standard tool; its output is
 * its own. Talks to `reqresp -s` (300-byte request, 300-byte response).
 *
 *  churn -c host [-p port] [-n count] [-k concurrency] [-R] [-P]
 *    -R  reuse ports still in TIME-WAIT (net.ipv4.tcp_tw_reuse)
 *    -P  one persistent connection for all requests (connection pooling)
 */
import type { Command, CommandContext } from './registry.ts';
import { getopt } from './getopt.ts';
import { resolveTarget } from './resolve.ts';
import type { Resolved } from './resolve.ts';
import { TCP_ERROR_TEXT } from '../stack/tcp/types.ts';
import type { TcpError } from '../stack/tcp/types.ts';

const REQUEST = 300;
const RESPONSE = 300;

export const churnCommand: Command = {
  name: 'churn',
  summary: 'many short TCP connections (TIME-WAIT and ephemeral ports)',
  usage: 'churn -c host [-p port] [-n count] [-k concurrency] [-R] [-P]',
  run(ctx, args) {
    const g = getopt(args, 'c:p:n:k:RP');
    const o = g.ok ? new Map(g.value.opts.map((x) => [x.flag, x.value ?? ''])) : undefined;
    const port = o?.has('p') ? Number(o.get('p')) : 80;
    const count = o?.has('n') ? Number(o.get('n')) : 1000;
    const conc = o?.has('k') ? Number(o.get('k')) : 8;
    if (!g.ok || !o?.has('c') || ![port, count, conc].every((v) => Number.isInteger(v) && v > 0) || port > 65535) {
      if (!g.ok) ctx.print(g.error.kind === 'invalid' ? `churn: invalid option -- '${g.error.flag}'` : `churn: option requires an argument -- '${g.error.flag}'`);
      ctx.print(`usage: ${churnCommand.usage}`);
      return ctx.exit(2);
    }
    const dest = resolveTarget(ctx.world, o.get('c')!, undefined);
    if (!dest) {
      ctx.print(`churn: ${o.get('c')}: Name or service not known`);
      return ctx.exit(2);
    }
    if (o.has('P')) return pooled(ctx, dest, port, count);
    return churnRun(ctx, dest, port, count, conc, o.has('R'));
  },
};

function summary(ctx: CommandContext, ok: number, failed: Map<string, number>, started: number): void {
  const timeWait = ctx.host.tcp.connections().filter((s) => s.state === 'TIME-WAIT').length;
  const secs = (ctx.world.now - started) / 1e9;
  const fails = [...failed].map(([e, n]) => `${n} failed: ${e}`).join(', ');
  ctx.print(`${ok + [...failed.values()].reduce((a, b) => a + b, 0)} connections in ${secs.toFixed(2)} s: ${ok} completed${fails ? `, ${fails}` : ''}`);
  ctx.print(`${timeWait} sockets in TIME-WAIT on this host`);
}

function churnRun(ctx: CommandContext, dest: Resolved, port: number, count: number, conc: number, reuse: boolean): void {
  const { host, world } = ctx;
  const started = world.now;
  let launched = 0;
  let done = 0;
  let ok = 0;
  const failed = new Map<string, number>();
  let reported = false;
  ctx.print(`churn: ${count} connections to ${dest.text} port ${port}, ${conc} at a time${reuse ? ', reusing TIME-WAIT ports' : ''}`);
  const finishOne = (err?: string): void => {
    done++;
    if (err) {
      failed.set(err, (failed.get(err) ?? 0) + 1);
      if (!reported) {
        reported = true;
        ctx.print(`churn: connect: ${err} (after ${ok} connections)`);
      }
    } else ok++;
    if (done === count) {
      summary(ctx, ok, failed, started);
      return ctx.exit([...failed.values()].some((n) => n > 0) ? 1 : 0);
    }
    // Launch the next one from a fresh event, so thousands of failures do not recurse.
    if (launched < count) world.sched.after(0, launch);
  };
  const launch = (): void => {
    if (ctx.exited || launched >= count) return;
    launched++;
    const s = host.tcp.connect(dest.addr, port, reuse ? { twReuse: true } : {});
    if (typeof s === 'string') return finishOne(s === 'ENETUNREACH' ? 'Network is unreachable' : TCP_ERROR_TEXT[s]);
    let got = 0;
    let settled = false;
    const settle = (err?: TcpError): void => {
      if (settled) return;
      settled = true;
      finishOne(err ? TCP_ERROR_TEXT[err] : undefined);
    };
    s.onConnect = () => void s.send(REQUEST);
    s.onData = (d) => {
      got += d.length;
      if (got >= RESPONSE) {
        s.close(); // the client closes first: its side goes to TIME-WAIT
        settle();
      }
    };
    s.onClose = (err) => settle(err ?? 'ECONNRESET');
  };
  for (let i = 0; i < Math.min(conc, count); i++) launch();
  ctx.onInterrupt(() => {
    summary(ctx, ok, failed, started);
    ctx.exit(130);
  });
}

function pooled(ctx: CommandContext, dest: Resolved, port: number, count: number): void {
  const { host, world } = ctx;
  const started = world.now;
  ctx.print(`churn: ${count} requests to ${dest.text} port ${port} over one persistent connection`);
  const s = host.tcp.connect(dest.addr, port);
  if (typeof s === 'string') {
    ctx.print(`churn: connect: ${TCP_ERROR_TEXT[s === 'ENETUNREACH' ? 'ENETUNREACH' : s]}`);
    return ctx.exit(1);
  }
  let n = 0;
  let got = 0;
  s.onConnect = () => {
    n++;
    s.send(REQUEST);
  };
  s.onData = (d) => {
    got += d.length;
    while (got >= RESPONSE) {
      got -= RESPONSE;
      if (n < count) {
        n++;
        s.send(REQUEST);
      } else {
        s.close();
        summary(ctx, count, new Map(), started);
        return ctx.exit(0);
      }
    }
  };
  s.onClose = (err) => {
    if (ctx.exited) return;
    ctx.print(`churn: ${TCP_ERROR_TEXT[err ?? 'ECONNRESET']}`);
    ctx.exit(1);
  };
}
