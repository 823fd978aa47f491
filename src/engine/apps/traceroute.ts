/**
 * `traceroute` as Linux traceroute 2.1: probes with increasing TTL (UDP to port 33434+N by
 * default, ICMP echo with -I), up to 16 in flight, each hop printed once all its probes are
 * answered or timed out. Timeouts follow traceroute's -w MAX,HERE,NEAR rule: wait at most MAX
 * seconds, HERE times the RTT of an answer from the same hop, NEAR times one from a later hop.
 * Options: -4 -6 -I -n -f first_ttl -m max_ttl -q nqueries -w MAX[,HERE,NEAR] -p port -N sim.
 */
import type { Ipv4, Ipv6 } from '../wire/addr.ts';
import type { Command, CommandContext } from './registry.ts';
import type { Resolved } from './resolve.ts';
import { lookupTarget, reverseName } from './resolve.ts';
import type { UdpSocket } from '../stack/udp.ts';
import type { IcmpEvent } from '../stack/icmp-events.ts';
import {
  TRACEROUTE_RANGE_ERRORS,
  formatTracerouteBadArgument,
  formatTracerouteBadOption,
  formatTracerouteExtraArg,
  formatTracerouteHeader,
  formatTracerouteHop,
  formatTracerouteMissingArgument,
  formatTracerouteUnknownHost,
  formatTracerouteUsage,
  tracerouteAnnotation,
  tracerouteDefaultPacketLen,
} from './traceroute-format.ts';
import type { TracerouteProbe } from './traceroute-format.ts';

interface Options {
  family?: 4 | 6;
  icmp: boolean;
  numeric: boolean;
  firstTtl: number;
  maxTtl: number;
  nqueries: number;
  waitMax: number;
  waitHere: number;
  waitNear: number;
  port: number;
  simProbes: number;
  packetLen?: number;
}

interface Probe {
  ttl: number;
  index: number;
  sentAt: number;
  done: boolean;
  result: TracerouteProbe;
  final: boolean;
  rttNs?: number;
  socket?: UdpSocket;
  srcPort?: number;
  dstPort: number;
  seq: number;
}

const FLAGS = new Set(['4', '6', 'I', 'n']);
const WITH_ARG = new Set(['f', 'm', 'q', 'w', 'p', 'N']);

function parse(ctx: CommandContext, args: string[]): { opts: Options; target: string } | undefined {
  const fail = (lines: string[], status = 2): undefined => {
    for (const l of lines) ctx.print(l);
    ctx.exit(status);
    return undefined;
  };
  const o: Options = { icmp: false, numeric: false, firstTtl: 1, maxTtl: 30, nqueries: 3, waitMax: 5, waitHere: 3, waitNear: 10, port: 33434, simProbes: 16 };
  const operands: Array<{ text: string; argc: number }> = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const argc = i + 1;
    if (a.length < 2 || a[0] !== '-') {
      operands.push({ text: a, argc });
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const f = a[j]!;
      if (FLAGS.has(f)) {
        if (f === '4' || f === '6') o.family = f === '4' ? 4 : 6;
        if (f === 'I') o.icmp = true;
        if (f === 'n') o.numeric = true;
        continue;
      }
      if (!WITH_ARG.has(f)) return fail(formatTracerouteBadOption(`-${f}`, argc));
      let value = a.slice(j + 1);
      let vargc = argc;
      if (value === '') {
        if (i + 1 >= args.length) return fail(formatTracerouteMissingArgument(`-${f}`, argc));
        value = args[++i]!;
        vargc = i + 1;
      }
      const bad = (): undefined => fail(formatTracerouteBadArgument(`-${f}`, value, vargc));
      if (f === 'w') {
        const parts = value.split(/[,/]/);
        const nums = parts.map(Number);
        if (nums.some((n) => !Number.isFinite(n) || n < 0) || parts.length > 3) return bad();
        o.waitMax = nums[0]!;
        if (nums[1] !== undefined) o.waitHere = nums[1];
        if (nums[2] !== undefined) o.waitNear = nums[2];
      } else {
        if (!/^[0-9]+$/.test(value)) return bad();
        const n = Number(value);
        if (f === 'f') o.firstTtl = n;
        if (f === 'm') o.maxTtl = n;
        if (f === 'q') o.nqueries = n;
        if (f === 'p') o.port = n;
        if (f === 'N') o.simProbes = Math.max(1, n);
      }
      break;
    }
  }
  if (operands.length === 0) return fail(formatTracerouteUsage());
  if (operands.length > 2) return fail(formatTracerouteExtraArg(operands[2]!.text, 3, operands[2]!.argc));
  if (operands[1]) {
    if (!/^[0-9]+$/.test(operands[1].text)) return fail([`Cannot handle "packetlen" cmdline arg \`${operands[1].text}' on position 2 (argc ${operands[1].argc})`]);
    o.packetLen = Number(operands[1].text);
  }
  if (o.nqueries < 1 || o.nqueries > 10) return fail([TRACEROUTE_RANGE_ERRORS.probesPerHop]);
  if (o.maxTtl > 255) return fail([TRACEROUTE_RANGE_ERRORS.maxHops]);
  if (o.firstTtl < 1 || o.firstTtl > o.maxTtl) return fail([TRACEROUTE_RANGE_ERRORS.firstHop]);
  return { opts: o, target: operands[0]!.text };
}

export const tracerouteCommand: Command = {
  name: 'traceroute',
  summary: 'print the route packets trace to network host',
  usage: 'traceroute [-46In] [-f first_ttl] [-m max_ttl] [-q nqueries] [-w MAX,HERE,NEAR] [-p port] [-N squeries] host [packetlen]',
  run(ctx, args) {
    const parsed = parse(ctx, args);
    if (!parsed) return;
    const { opts, target } = parsed;
    lookupTarget(ctx.host, target, opts.family, (r) => {
      if (!r.ok) {
        for (const l of formatTracerouteUnknownHost(target, args.indexOf(target) + 1)) ctx.print(l);
        ctx.exit(2);
        return;
      }
      startTraceroute(ctx, opts, target, r.value);
    });
  },
};

function startTraceroute(ctx: CommandContext, opts: Options, target: string, dest: Resolved): void {
  const { world, host } = ctx;
  const v6 = dest.v6;
  const ipHeader = v6 ? 40 : 20;
  const packetLen = Math.max(opts.packetLen ?? tracerouteDefaultPacketLen(v6), ipHeader + 8);
  const dataLen = packetLen - ipHeader - 8;
  ctx.print(formatTracerouteHeader({ target, address: dest.text, maxHops: opts.maxTtl, packetLen }));

  const sched = world.sched;
  const ident = world.rng.stream(`host:${host.name}:traceroute-ident`).int(0, 0xffff);
  const data = new Uint8Array(dataLen);
  for (let i = 0; i < dataLen; i++) data[i] = 0x40 + (i & 0x3f);
  const probes: Probe[] = [];
  for (let ttl = opts.firstTtl; ttl <= opts.maxTtl; ttl++) {
    for (let q = 0; q < opts.nqueries; q++) {
      const index = probes.length;
      probes.push({ ttl, index, sentAt: -1, done: false, result: {}, final: false, dstPort: opts.port + index, seq: index + 1 });
    }
  }
  let nextToSend = 0;
  let printedTtl = opts.firstTtl - 1;
  let lastTtl = opts.maxTtl;
  let timer: ReturnType<typeof sched.at> | null = null;

  const finish = (status: number): void => {
    unlisten();
    sched.cancel(timer);
    for (const p of probes) p.socket?.close();
    ctx.exit(status);
  };
  ctx.onInterrupt(() => finish(130));

  const sendProbe = (p: Probe): void => {
    p.sentAt = world.now;
    if (opts.icmp) {
      if (v6) host.ipv6.sendIcmp(dest.addr as Ipv6, { kind: 'echoRequest', ident, seq: p.seq, data }, undefined, p.ttl);
      else host.ipv4.sendEcho(dest.addr as Ipv4, ident, p.seq, data, { ttl: p.ttl, pmtudisc: 'dont' });
      return;
    }
    const sock = host.udp.bind();
    p.socket = sock;
    p.srcPort = sock.port;
    sock.sendTo(dest.addr, p.dstPort, data, { ttl: p.ttl, pmtudisc: 'dont' });
  };

  const inFlight = (): number => probes.filter((p) => p.sentAt >= 0 && !p.done).length;

  /** traceroute's get_timeout(): MAX, or HERE×rtt of the same hop, or NEAR×rtt of a later hop. */
  const deadline = (p: Probe): number => {
    let t = p.sentAt + opts.waitMax * 1e9;
    const here = probes.find((x) => x.ttl === p.ttl && x.done && x.rttNs !== undefined);
    if (here && opts.waitHere > 0) t = Math.min(t, p.sentAt + opts.waitHere * here.rttNs!);
    else if (opts.waitNear > 0) {
      const near = probes.find((x) => x.ttl > p.ttl && x.done && x.rttNs !== undefined);
      if (near) t = Math.min(t, p.sentAt + opts.waitNear * near.rttNs!);
    }
    return Math.ceil(t);
  };

  const pump = (): void => {
    if (ctx.exited) return;
    const now = world.now;
    for (const p of probes) if (p.sentAt >= 0 && !p.done && deadline(p) <= now) p.done = true;
    // Print every hop whose probes are all done, in order.
    while (printedTtl < lastTtl) {
      const ttl = printedTtl + 1;
      const hop = probes.filter((p) => p.ttl === ttl);
      if (!hop.every((p) => p.done)) break;
      ctx.print(formatTracerouteHop(ttl, hop.map((p) => p.result), { numeric: opts.numeric }));
      printedTtl = ttl;
      if (hop.some((p) => p.final)) {
        lastTtl = ttl;
        break;
      }
    }
    if (printedTtl >= lastTtl) {
      finish(0);
      return;
    }
    while (nextToSend < probes.length && probes[nextToSend]!.ttl <= lastTtl && inFlight() < opts.simProbes) sendProbe(probes[nextToSend++]!);
    sched.cancel(timer);
    const pending = probes.filter((p) => p.sentAt >= 0 && !p.done);
    if (pending.length > 0) timer = sched.at(Math.max(now, Math.min(...pending.map(deadline))), pump);
  };

  const match = (e: IcmpEvent): Probe | undefined => {
    if (e.v6 !== v6) return undefined;
    if (opts.icmp) {
      const echoReply = v6 ? 129 : 0;
      if (e.type === echoReply) return e.ident === ident ? probes.find((p) => p.seq === e.seq) : undefined;
      const q = e.quoted;
      return q && q.echoIdent === ident ? probes.find((p) => p.seq === q.echoSeq) : undefined;
    }
    const q = e.quoted;
    if (!q || q.protocol !== 17) return undefined;
    return probes.find((p) => p.srcPort === q.srcPort && p.dstPort === q.dstPort);
  };

  const unlisten = host.onIcmp((e) => {
    if (ctx.exited) return;
    const p = match(e);
    if (!p || p.done || p.sentAt < 0) return;
    p.done = true;
    p.rttNs = e.now - p.sentAt;
    const result: TracerouteProbe = { address: e.from, rttUs: Math.round(p.rttNs / 1e3) };
    if (!opts.numeric) {
      const name = reverseName(world, e.from);
      if (name !== undefined) result.name = name;
    }
    const timeExceeded = v6 ? e.type === 3 : e.type === 11;
    if (!timeExceeded) {
      p.final = true;
      const ann = tracerouteAnnotation({ v6, type: e.type, code: e.code, ...(e.mtu !== undefined ? { mtu: e.mtu } : {}) });
      if (ann !== undefined) result.annotation = ann;
    }
    p.result = result;
    p.socket?.close();
    pump();
  });

  pump();
}
