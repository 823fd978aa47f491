/**
 * `tcpdump` (4.99) on a simulated host: a live capture on one interface (or `any`), printing a
 * line per frame seen in either direction — frames leaving when they start onto the wire, frames
 * arriving when their last bit is in, as the trace's phy.txBegin / phy.rxEnd report them — until
 * -c packets or Ctrl-C, then the statistics lines.
 *
 * Options: -c count, -e, -i interface|any, -n/-nn (names are never resolved anyway), -p (no
 * promiscuous mode), -q, -S (absolute TCP sequence numbers), -t/-tt/-ttt/-tttt/-ttttt, -l (no-op),
 * -h/--help, --version, and a pcap-filter expression (tcpdump-filter.ts).
 * Not modelled: -v (full protocol decode), -X/-A (payload dumps), -w/-r (files: use the capture
 * export), byte-offset filter expressions.
 */
import type { Command, CommandContext } from './registry.ts';
import { getopt } from './getopt.ts';
import type { Interface } from '../net/iface.ts';
import { tap } from '../trace/capture.ts';
import type { CapturedFrame } from '../trace/capture.ts';
import { summarizeFrame, TcpSeqTracker } from '../wire/summary.ts';
import type { SummaryOptions } from '../wire/summary.ts';
import { ipv4Mask, readMac } from '../wire/addr.ts';
import { compileFilter } from './tcpdump-filter.ts';
import { formatCookedLine, formatTcpdumpBanner, formatTcpdumpNoDevice, formatTcpdumpStats, formatTcpdumpTimestamp, TCPDUMP_USAGE } from './tcpdump-format.ts';
import type { SllPacketType } from './tcpdump-format.ts';
import { ifindexOf } from './netdev.ts';

interface TcpdumpOptions {
  count: number;
  iface: string | undefined;
  link: boolean;
  quiet: boolean;
  absolute: boolean;
  promisc: boolean;
  tFlags: number;
  expression: string;
}

const UNSUPPORTED: Record<string, string> = {
  v: '-v (full protocol decode) is not modelled; the packet inspector shows every field',
  X: '-X (hex and ASCII payload dump) is not modelled; the packet inspector shows the bytes',
  x: '-x (hex payload dump) is not modelled; the packet inspector shows the bytes',
  A: '-A (ASCII payload dump) is not modelled; the packet inspector shows the bytes',
  w: '-w (write a capture file) is not available here: export the capture instead',
  r: '-r (read a capture file) is not available here',
  D: '-D (list interfaces) is not modelled: use ip link',
};

function parseOptions(ctx: CommandContext, args: string[]): TcpdumpOptions | undefined {
  const fail = (lines: string[], status: number): undefined => {
    for (const l of lines) ctx.print(l);
    ctx.exit(status);
    return undefined;
  };
  if (args.includes('--help')) return fail(TCPDUMP_USAGE, 0);
  if (args.includes('--version')) return fail(TCPDUMP_USAGE.slice(0, 2), 0);
  const g = getopt(
    args.filter((a) => a !== '--'),
    'c:ei:nNpqStlhvXxAw:r:D',
  );
  if (!g.ok) {
    const e = g.error;
    return fail([e.kind === 'invalid' ? `tcpdump: invalid option -- '${e.flag}'` : `tcpdump: option requires an argument -- '${e.flag}'`, ...TCPDUMP_USAGE], 1);
  }
  const o: TcpdumpOptions = { count: Infinity, iface: undefined, link: false, quiet: false, absolute: false, promisc: true, tFlags: 0, expression: g.value.operands.join(' ') };
  for (const { flag, value = '' } of g.value.opts) {
    const unsupported = UNSUPPORTED[flag];
    if (unsupported) return fail([`tcpdump: ${unsupported}`], 1);
    switch (flag) {
      case 'c':
        if (!/^[0-9]+$/.test(value) || Number(value) < 1) return fail([`tcpdump: invalid packet count ${value}`], 1);
        o.count = Number(value);
        break;
      case 'e':
        o.link = true;
        break;
      case 'i':
        o.iface = value;
        break;
      case 'p':
        o.promisc = false;
        break;
      case 'q':
        o.quiet = true;
        break;
      case 'S':
        o.absolute = true;
        break;
      case 't':
        o.tFlags++;
        break;
      case 'h':
        return fail(TCPDUMP_USAGE, 0);
      default:
        break; // -n, -N, -l: nothing to do
    }
  }
  return o;
}

/** The interface column of a `-i any` line: what the kernel calls the frame's packet type. */
function sllType(f: CapturedFrame): SllPacketType {
  if (f.direction === 'out') return 'Out';
  const dst = readMac(f.bytes, 0);
  if (dst === 0xffffffffffff) return 'B';
  if (f.bytes[0]! & 1) return 'M';
  return dst === f.iface.mac ? 'In' : 'P';
}

function startCapture(ctx: CommandContext, o: TcpdumpOptions): void {
  const host = ctx.host;
  const ifaceName = o.iface ?? host.ifaces[0]?.name ?? 'lo';
  let ifaces: Interface[];
  if (ifaceName === 'any') ifaces = [...host.ifaces];
  else if (ifaceName === 'lo') ifaces = [];
  else {
    const i = host.iface(ifaceName);
    if (!i) {
      for (const l of formatTcpdumpNoDevice(ifaceName)) ctx.print(l);
      ctx.exit(1);
      return;
    }
    ifaces = [i];
  }
  const world = ctx.world;
  // libpcap takes `ip broadcast`'s netmask from the capture interface (unknown on `any`).
  const v4 = ifaces.length === 1 ? ifaces[0]!.ipv4[0] : undefined;
  const netmask = ifaceName === 'any' ? undefined : v4 ? ipv4Mask(v4.prefixLen) : 0;
  const filter = compileFilter(o.expression, (name) => world.hosts.byName.get(name), netmask);
  if (!filter.ok) {
    ctx.print(`tcpdump: ${filter.error}`);
    ctx.exit(1);
    return;
  }
  for (const l of formatTcpdumpBanner(ifaceName, { verbose: false })) ctx.print(l);
  const any = ifaceName === 'any';
  const summaryOpts: SummaryOptions = { link: o.link, quiet: o.quiet, ...(o.absolute ? {} : { tcpSeq: new TcpSeqTracker() }) };
  let captured = 0;
  let received = 0;
  let prevNs: number | undefined;
  let firstNs: number | undefined;
  let stop: (() => void) | null = null;
  const finish = (): void => {
    stop?.();
    stop = null;
    for (const l of formatTcpdumpStats(captured, received)) ctx.print(l);
    ctx.exit(0);
  };
  stop = tap(world, ifaces, (f) => {
    if (ctx.exited || captured >= o.count) return;
    const b = f.bytes;
    if (!o.promisc && f.direction === 'in' && (b[0]! & 1) === 0 && readMac(b, 0) !== f.iface.mac) return;
    if (!filter.match(b, f.direction)) return;
    received++;
    captured++;
    let line = formatTcpdumpTimestamp(o.tFlags, f.timeNs, prevNs, firstNs);
    prevNs = f.timeNs;
    firstNs ??= f.timeNs;
    line += any ? formatCookedLine(f.iface.name, sllType(f), ifindexOf(f.iface), b, summaryOpts) : summarizeFrame(b, summaryOpts);
    ctx.print(line);
    if (captured >= o.count) finish();
  });
  ctx.onInterrupt(finish);
}

export const tcpdumpCommand: Command = {
  name: 'tcpdump',
  summary: 'dump traffic on a network interface (tcpdump 4.99)',
  usage: 'tcpdump [-enpqSt] [-c count] [-i interface|any] [expression]',
  run(ctx, args) {
    const o = parseOptions(ctx, args);
    if (o) startCapture(ctx, o);
  },
};
