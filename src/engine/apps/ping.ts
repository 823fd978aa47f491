/**
 * `ping` as iputils ping: ICMP echo requests every interval, replies timed from the send,
 * ICMP errors reported as "From X icmp_seq=N ...", statistics on exit or Ctrl-C.
 * Options: -4 -6 -c count -i interval -s size -t ttl -W timeout -M do|want|dont -n -q.
 */
import type { Ipv4, Ipv6 } from '../wire/addr.ts';
import type { Command, CommandContext } from './registry.ts';
import { getopt } from './getopt.ts';
import type { Resolved } from './resolve.ts';
import { lookupTarget, reverseLookup, reverseName } from './resolve.ts';
import type { PmtuDisc } from '../stack/ipv4.ts';
import {
  formatPingBadOption,
  formatPingHeader,
  formatPingIcmpError,
  formatPingInvalidArgument,
  formatPingLocalError,
  formatPingMissingArgument,
  formatPingNoDestination,
  formatPingReply,
  formatPingStats,
  formatPingUnknownHost,
  pingAddress,
} from './ping-format.ts';

interface PingOptions {
  family?: 4 | 6;
  count: number;
  intervalNs: number;
  size: number;
  ttl?: number;
  timeoutNs: number;
  pmtudisc: PmtuDisc;
  numeric: boolean;
  quiet: boolean;
}

const MAX_COUNT = '9223372036854775807';

function parseOptions(ctx: CommandContext, args: string[]): { opts: PingOptions; target: string } | undefined {
  const fail = (lines: string[], status: number): undefined => {
    for (const l of lines) ctx.print(l);
    ctx.exit(status);
    return undefined;
  };
  const g = getopt(args, '46c:i:s:t:W:M:nqh');
  if (!g.ok) return fail(g.error.kind === 'invalid' ? formatPingBadOption(g.error.flag) : formatPingMissingArgument(g.error.flag), 2);
  const opts: PingOptions = { count: Infinity, intervalNs: 1e9, size: 56, timeoutNs: 10e9, pmtudisc: 'want', numeric: false, quiet: false };
  for (const { flag, value = '' } of g.value.opts) {
    const num = Number(value);
    const isInt = /^[0-9]+$/.test(value);
    switch (flag) {
      case '4':
      case '6':
        opts.family = flag === '4' ? 4 : 6;
        break;
      case 'c':
        if (!isInt) return fail([formatPingInvalidArgument(value)], 1);
        if (num < 1) return fail([formatPingInvalidArgument(value, { min: 1, max: MAX_COUNT })], 1);
        opts.count = num;
        break;
      case 'i':
        if (!/^[0-9]*\.?[0-9]+$/.test(value)) return fail([`ping: bad timing interval: ${value}`], 1);
        // iputils: intervals below 2 ms are refused ("cannot flood").
        if (num < 0.002) return fail([`ping: cannot flood, minimal interval for user must be >= 2 ms, use -i 0.002 (or higher)`], 1);
        opts.intervalNs = Math.round(num * 1e9);
        break;
      case 's':
        if (!isInt) return fail([formatPingInvalidArgument(value)], 1);
        if (num > 65507) return fail([formatPingInvalidArgument(value, { min: 0, max: 2147483647 })], 1);
        opts.size = num;
        break;
      case 't':
        if (!isInt) return fail([formatPingInvalidArgument(value)], 1);
        if (num < 1 || num > 255) return fail([formatPingInvalidArgument(value, { min: 1, max: 255 })], 1);
        opts.ttl = num;
        break;
      case 'W':
        if (!/^[0-9]*\.?[0-9]+$/.test(value)) return fail([`ping: bad linger time: ${value}`], 1);
        opts.timeoutNs = Math.round(num * 1e9);
        break;
      case 'M':
        if (value !== 'do' && value !== 'want' && value !== 'dont') return fail([`ping: invalid -M argument: ${value}`], 2);
        opts.pmtudisc = value;
        break;
      case 'n':
        opts.numeric = true;
        break;
      case 'q':
        opts.quiet = true;
        break;
      case 'h':
        return fail(formatPingBadOption('h').slice(1), 2);
    }
  }
  const target = g.value.operands[0];
  if (target === undefined) return fail([formatPingNoDestination()], 1);
  return { opts, target };
}

export const pingCommand: Command = {
  name: 'ping',
  summary: 'send ICMP ECHO_REQUEST to network hosts',
  usage: 'ping [-46nq] [-c count] [-i interval] [-s size] [-t ttl] [-W timeout] [-M do|want|dont] destination',
  run(ctx, args) {
    const parsed = parseOptions(ctx, args);
    if (!parsed) return;
    const { opts, target } = parsed;
    lookupTarget(ctx.host, target, opts.family, (r) => {
      if (!r.ok) {
        ctx.print(formatPingUnknownHost(target, r.error));
        ctx.exit(2);
        return;
      }
      const dest = r.value;
      // iputils resolves reply addresses with getnameinfo: a PTR lookup for a DNS-learned target.
      if (dest.dns && !opts.numeric) reverseLookup(ctx.host, dest.text, (name) => startPing(ctx, opts, target, dest, name));
      else startPing(ctx, opts, target, dest);
    });
  },
};

function startPing(ctx: CommandContext, opts: PingOptions, target: string, dest: Resolved, ptrName?: string): void {
  const { world, host } = ctx;
  const v6 = dest.v6;
  const numeric = opts.numeric || dest.literal;
  const shown = dest.name ?? target;
  const ident = world.rng.stream(`host:${host.name}:ping-ident`).int(0, 0xffff);
  const sched = world.sched;
  const sent = new Map<number, number>();
  const seen = new Set<number>();
  const rtts: number[] = [];
  let transmitted = 0;
  let received = 0;
  let errors = 0;
  let duplicates = 0;
  let start = -1;
  let lastSend = 0;
  let maxRttNs = 0;
  let finishTimer: ReturnType<typeof sched.at> | null = null;
  let sendTimer: ReturnType<typeof sched.at> | null = null;

  ctx.print(formatPingHeader({ target: v6 ? target : shown, address: dest.text, v6, dataLen: opts.size }));

  const fromText = (addr: string): string => pingAddress(addr, numeric ? undefined : addr === dest.text && ptrName !== undefined ? ptrName : reverseName(world, addr), numeric);

  const finish = (): void => {
    if (ctx.exited) return;
    unlisten();
    sched.cancel(sendTimer);
    sched.cancel(finishTimer);
    const elapsedMs = start < 0 ? 0 : Math.floor((lastSend - start) / 1e6);
    const lines = formatPingStats({ target: shown, transmitted, received, errors, duplicates, elapsedMs, rttsUs: rtts, timing: opts.size >= 16 });
    // formatPingStats ends with "" when nothing came back; a terminal shows that as a blank line.
    for (const l of lines) ctx.print(l);
    ctx.exit(received > 0 ? 0 : 1);
  };

  const checkDone = (): void => {
    if (transmitted >= opts.count && received + errors >= opts.count) finish();
  };

  const unlisten = host.onIcmp((e) => {
    if (e.v6 !== v6 || ctx.exited) return;
    const replyType = v6 ? 129 : 0;
    if (e.type === replyType) {
      if (e.ident !== ident || e.seq === undefined) return;
      const sentAt = sent.get(e.seq);
      if (sentAt === undefined) return;
      const rttUs = Math.floor((e.now - sentAt) / 1e3);
      const dup = seen.has(e.seq);
      seen.add(e.seq);
      if (dup) duplicates++;
      else received++;
      if (opts.size >= 16) rtts.push(rttUs);
      maxRttNs = Math.max(maxRttNs, e.now - sentAt);
      if (!opts.quiet) {
        const reply: Parameters<typeof formatPingReply>[0] = { bytes: e.length, from: fromText(e.from), seq: e.seq, ttl: e.ttl, duplicate: dup };
        if (opts.size >= 16) reply.rttUs = rttUs;
        ctx.print(formatPingReply(reply));
      }
      checkDone();
      return;
    }
    const q = e.quoted;
    if (!q || q.echoIdent !== ident || q.echoSeq === undefined) return;
    errors++;
    if (!opts.quiet) {
      const info = e.mtu;
      ctx.print(formatPingIcmpError({ from: fromText(e.from), seq: q.echoSeq, v6, type: e.type, code: e.code, ...(info !== undefined ? { info } : {}) }));
    }
    checkDone();
  });

  ctx.onInterrupt(finish);

  const payload = (): Uint8Array => {
    const data = new Uint8Array(opts.size);
    // iputils: a struct timeval (16 bytes) first, then bytes counting up from 0x10.
    if (opts.size >= 16) {
      const t = world.now;
      const sec = Math.floor(t / 1e9);
      const usec = Math.floor((t % 1e9) / 1e3);
      writeLe64(data, 0, sec);
      writeLe64(data, 8, usec);
    }
    for (let i = opts.size >= 16 ? 16 : 0; i < opts.size; i++) data[i] = i & 0xff;
    return data;
  };

  const sendOne = (): void => {
    if (ctx.exited) return;
    const seq = (transmitted + 1) & 0xffff;
    const now = world.now;
    if (start < 0) start = now;
    lastSend = now;
    transmitted++;
    sent.set(seq, now);
    const data = payload();
    let r;
    if (v6) {
      r = host.ipv6.sendIcmp(dest.addr as Ipv6, { kind: 'echoRequest', ident, seq, data }, undefined, opts.ttl, undefined, opts.pmtudisc);
    } else {
      const bytes = data;
      r = host.ipv4.sendEcho(dest.addr as Ipv4, ident, seq, bytes, { ...(opts.ttl !== undefined ? { ttl: opts.ttl } : {}), pmtudisc: opts.pmtudisc });
    }
    if (!r.ok) {
      if (r.error === 'ENETUNREACH' && transmitted === 1) {
        ctx.print('ping: connect: Network is unreachable');
        unlisten();
        ctx.exit(2);
        return;
      }
      if (r.error === 'EMSGSIZE') {
        errors++;
        ctx.print(formatPingLocalError('messageTooLong', r.mtu ?? 0, v6));
      } else {
        errors++;
        ctx.print(`ping: sendmsg: ${r.error === 'EPERM' ? 'Operation not permitted' : 'Network is unreachable'}`);
      }
    }
    if (transmitted < opts.count) {
      sendTimer = sched.after(opts.intervalNs, sendOne);
    } else {
      // After the last probe: wait for 2×max RTT if something came back, else the -W time.
      const wait = received > 0 ? Math.max(2 * maxRttNs, 1e6) : opts.timeoutNs;
      finishTimer = sched.after(wait, finish);
      checkDone();
    }
  };
  sendOne();
}

function writeLe64(b: Uint8Array, off: number, v: number): void {
  let x = v;
  for (let i = 0; i < 8; i++) {
    b[off + i] = x % 256;
    x = Math.floor(x / 256);
  }
}
