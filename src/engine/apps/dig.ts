/**
 * `dig` (BIND 9.18): queries over UDP (TCP with +tcp, for ANY, and after a truncated answer),
 * EDNS(0) with a client COOKIE by default, retries (+tries/+timeout), +trace walking the
 * delegations from the root (NS names resolved through the host's stub resolver, as dig uses
 * getaddrinfo), and the exact output layout of dig-format.ts.
 * Exit status: 0 answer received, 1 usage error / unknown server name, 9 no reply, 10 bad value.
 */
import type { DnsMessage, DnsRecord } from '../wire/dns/types.ts';
import { RCODE, RR_TYPE } from '../wire/dns/types.ts';
import { dnsFlags, emitDnsMessage } from '../wire/dns/message.ts';
import { EDNS_OPTION } from '../wire/dns/edns.ts';
import { parseIpv4, parseIpv6 } from '../wire/addr.ts';
import type { Command, CommandContext } from './registry.ts';
import { exchange, newQueryId } from '../stack/dns/transport.ts';
import type { ExchangeResult } from '../stack/dns/transport.ts';
import { nameservers, stubResolver } from '../stack/dns/host-dns.ts';
import { isSubdomain, key, labelCount } from '../stack/dns/dname.ts';
import type { DigLookup, DigOptions } from './dig-args.ts';
import { parseDigArgs } from './dig-args.ts';
import { DIG_USAGE, digGreeting, formatDigMessage, formatDigStats, formatQuerySize, formatReceived, serverText } from './dig-format.ts';

interface Server {
  readonly addr: string;
  /** As the user named it ("a.root-servers.net", or the address). */
  readonly name: string;
}

interface DigRun {
  readonly ctx: CommandContext;
  readonly args: readonly string[];
  readonly port: number;
  readonly cookie: Uint8Array;
  greeted: boolean;
  serversFound: number;
  status: number;
}

export const digCommand: Command = {
  name: 'dig',
  summary: 'DNS lookup utility (BIND 9.18)',
  usage: 'dig [@server] [-p port] [-t type] [-x addr] [name] [type] [class] [+[no]option ...]',
  run(ctx, args) {
    const p = parseDigArgs(args);
    if (p.ok === 'info') {
      for (const l of p.lines) ctx.print(l);
      return ctx.exit(0);
    }
    if (!p.ok) {
      for (const l of p.lines) ctx.print(l);
      if (p.usage) for (const l of DIG_USAGE) ctx.print(l);
      return ctx.exit(p.status);
    }
    const a = p.value;
    for (const w of a.warnings) ctx.print(w);
    const rng = ctx.world.rng.stream(`host:${ctx.host.name}:dig-cookie`);
    const cookie = new Uint8Array(8).map(() => rng.int(0, 255));
    const run: DigRun = { ctx, args, port: a.port, cookie, greeted: false, serversFound: 0, status: 0 };
    ctx.onInterrupt(() => ctx.exit(0));
    const next = (i: number): void => {
      if (ctx.exited) return;
      if (i >= a.lookups.length) return ctx.exit(run.status);
      const l = a.lookups[i]!;
      const serverText = l.server ?? a.server;
      serversFor(run, serverText, (servers) => {
        if (!servers) return ctx.exit(1);
        if (l.opts.trace) trace(run, l, servers, () => next(i + 1));
        else lookup(run, l, servers, () => next(i + 1));
      });
    };
    next(0);
  },
};

/** The servers to ask: @server (a name is looked up first), else the resolver configuration. */
function serversFor(run: DigRun, text: string | undefined, done: (s: Server[] | undefined) => void): void {
  const { ctx } = run;
  if (text === undefined) {
    const ns = nameservers(ctx.host);
    return done(ns.length ? ns.map((x) => ({ addr: x, name: x })) : [{ addr: '127.0.0.1', name: '127.0.0.1' }]);
  }
  if (parseIpv4(text) !== undefined || (text.includes(':') && parseIpv6(text))) {
    run.serversFound = 1;
    return done([{ addr: text, name: text }]);
  }
  stubResolver(ctx.host).getaddrinfo(text, 4, (r) => {
    if (!r.ok) {
      ctx.print(`dig: couldn't get address for '${text}': not found`);
      return done(undefined);
    }
    run.serversFound = r.value.addrs.length;
    done(r.value.addrs.map((x) => ({ addr: x, name: text })));
  });
}

function greet(run: DigRun, o: DigOptions): void {
  if (run.greeted) return;
  run.greeted = true;
  if (o.cmd && !o.short) for (const l of digGreeting(run.args, run.serversFound, o.short)) run.ctx.print(l);
}

function buildQuery(run: DigRun, name: string, type: number, cls: number, o: DigOptions): DnsMessage {
  return {
    id: newQueryId(run.ctx.host),
    flags: dnsFlags({ rd: o.recurse, ad: o.adflag, cd: o.cdflag, aa: o.aaflag }),
    questions: [{ name, type, class: cls }],
    answers: [],
    authorities: [],
    additionals: [],
    ...(o.edns ? { edns: { udpPayloadSize: o.bufsize, extendedRcode: 0, version: 0, dnssecOk: o.dnssec, options: o.cookie ? [{ code: EDNS_OPTION.COOKIE, data: run.cookie }] : [] } } : {}),
  };
}

function failureText(r: ExchangeResult & { ok: false }): string {
  return r.error === 'timeout' ? 'timed out' : r.error === 'refused' ? 'connection refused' : r.error === 'reset' ? 'connection reset' : 'host unreachable';
}

/** One ordinary lookup: tries × servers, TC → TCP, SERVFAIL → next server, then print. */
function lookup(run: DigRun, l: DigLookup, servers: readonly Server[], done: () => void): void {
  const { ctx } = run;
  const o = l.opts;
  const w = ctx.world;
  const useTcp = o.tcp ?? (l.type === RR_TYPE.ANY || l.type === 252 || l.type === 251);
  let attempt = 0;
  let si = 0;
  const noReply = (): void => {
    greet(run, o);
    ctx.print(';; no servers could be reached');
    run.status = 9;
    done();
  };
  const tryNext = (): void => {
    if (ctx.exited) return;
    if (si >= servers.length) {
      si = 0;
      attempt++;
    }
    if (attempt >= o.tries) return noReply();
    const server = servers[si++]!;
    if (server.addr === '127.0.0.1') {
      // No nameserver configured and nothing listens on this host's loopback.
      ctx.print(`;; communications error to ${serverText(server.addr, run.port)}: connection refused`);
      w.sched.after(0, tryNext);
      return;
    }
    ask(server, useTcp);
  };
  const ask = (server: Server, tcp: boolean): void => {
    const query = buildQuery(run, l.name, l.type, l.cls, o);
    if (o.qr) {
      greet(run, o);
      for (const line of formatDigMessage(query, { ...o, short: false }, { sending: true })) ctx.print(line);
      for (const line of formatQuerySize(emitDnsMessage(query).length)) ctx.print(line);
    }
    exchange(ctx.host, query, { server: server.addr, port: run.port, timeoutNs: o.timeoutS * 1e9, tcp }, (r) => {
      if (ctx.exited) return;
      if (!r.ok) {
        if (tcp) {
          ctx.print(`;; Connection to ${serverText(server.addr, run.port)}(${server.name}) for ${l.name} failed: ${failureText(r)}.`);
          if (r.error !== 'timeout') ctx.print(';; no servers could be reached');
        } else {
          ctx.print(`;; communications error to ${serverText(server.addr, run.port)}: ${failureText(r)}`);
        }
        return tryNext();
      }
      const m = r.msg;
      if (m.flags.tc && !tcp && !o.ignoreTc) {
        ctx.print(';; Truncated, retrying in TCP mode.');
        return ask(server, true);
      }
      if (m.flags.rcode === RCODE.SERVFAIL && !o.failStops && si < servers.length) {
        ctx.print(`;; Got SERVFAIL reply from ${serverText(server.addr, run.port)}, trying next server`);
        return tryNext();
      }
      greet(run, o);
      printAnswer(run, o, query, r, server);
      done();
    });
  };
  tryNext();
}

function printAnswer(run: DigRun, o: DigOptions, query: DnsMessage, r: ExchangeResult & { ok: true }, server: Server): void {
  const { ctx } = run;
  const lines = formatDigMessage(r.msg, o, { sentCookie: run.cookie, querySent: query });
  if (o.short && o.identify) {
    const ms = Math.floor(r.rttNs / 1e6);
    for (const l of lines) ctx.print(`${l} from server ${server.name} in ${ms} ms.`);
  } else {
    for (const l of lines) ctx.print(l);
  }
  if (o.stats && !o.short) {
    for (const l of formatDigStats({ rttNs: r.rttNs, server: server.addr, port: run.port, serverName: server.name, tcp: r.transport === 'tcp', whenSecs: Math.floor(ctx.world.now / 1e9), size: r.size })) ctx.print(l);
  } else if (o.identify && !o.short) {
    for (const l of formatReceived(r.size, server.addr, run.port, server.name, r.rttNs)) ctx.print(l);
  }
}

/**
 * +trace: ". NS" from the configured server, then non-recursive queries down the delegations,
 * printing each step's answer and authority records and a ";; Received …" line.
 */
function trace(run: DigRun, l: DigLookup, servers: readonly Server[], done: () => void): void {
  const { ctx } = run;
  const o = l.opts;
  const show = { ...o, comments: false, question: false, additional: false, stats: false, short: false, answer: true, authority: true };
  const rng = ctx.world.rng.stream(`host:${ctx.host.name}:dig-trace`);
  greet(run, o);
  const fail = (): void => {
    ctx.print(';; no servers could be reached');
    run.status = 9;
    done();
  };
  /** Sends `name type` to the first answering server of `list` (tries each once per attempt). */
  const query = (list: Server[], name: string, type: number, rd: boolean, then: (m: DnsMessage, server: Server) => void): void => {
    let i = 0;
    let attempt = 0;
    const step = (): void => {
      if (ctx.exited) return;
      if (i >= list.length) {
        i = 0;
        attempt++;
      }
      if (attempt >= o.tries || list.length === 0) return fail();
      const server = list[i++]!;
      const q = buildQuery(run, name, type, l.cls, { ...o, recurse: rd });
      const send = (tcp: boolean): void => {
        exchange(ctx.host, q, { server: server.addr, port: run.port, timeoutNs: o.timeoutS * 1e9, tcp }, (r) => {
          if (ctx.exited) return;
          if (!r.ok) {
            ctx.print(`;; communications error to ${serverText(server.addr, run.port)}: ${failureText(r)}`);
            return step();
          }
          if (r.msg.flags.tc && !tcp && !o.ignoreTc) {
            ctx.print(';; Truncated, retrying in TCP mode.');
            return send(true);
          }
          for (const line of formatDigMessage(r.msg, show, {})) ctx.print(line);
          for (const line of formatReceived(r.size, server.addr, run.port, server.name, r.rttNs)) ctx.print(line);
          then(r.msg, server);
        });
      };
      send(o.tcp ?? false);
    };
    step();
  };
  /** Picks NS names in random order and resolves them through the stub resolver (getaddrinfo). */
  const follow = (zone: string, ns: DnsRecord[]): void => {
    const names = ns.map((r) => (r.data.type === 'NS' ? r.data.target : '')).filter((x) => x !== '');
    const start = names.length ? rng.int(0, names.length - 1) : 0;
    const order = names.map((_, k) => names[(start + k) % names.length]!);
    const resolveNext = (k: number): void => {
      if (k >= order.length) {
        ctx.print(`dig: couldn't get address for '${order[0] ?? zone}': not found`);
        run.status = 1;
        return done();
      }
      stubResolver(ctx.host).getaddrinfo(order[k]!, 4, (r) => {
        if (ctx.exited) return;
        if (!r.ok) return resolveNext(k + 1);
        const list = r.value.addrs.map((addr) => ({ addr, name: order[k]! }));
        query(list, l.name, l.type, false, (m) => onStep(zone, m));
      });
    };
    resolveNext(0);
  };
  const onStep = (zone: string, m: DnsMessage): void => {
    const ns = m.authorities.filter((r) => r.type === RR_TYPE.NS);
    const cut = ns[0]?.name;
    const referral = m.answers.length === 0 && m.flags.rcode === RCODE.NOERROR && cut !== undefined && isSubdomain(l.name, cut) && labelCount(cut) > labelCount(zone);
    if (!referral) return done();
    follow(cut, ns.filter((r) => key(r.name) === key(cut)));
  };
  query([...servers], '.', RR_TYPE.NS, true, (m) => {
    const rootNs = m.answers.filter((r) => r.type === RR_TYPE.NS && r.name === '.');
    if (rootNs.length === 0) return done();
    follow('.', rootNs);
  });
}
