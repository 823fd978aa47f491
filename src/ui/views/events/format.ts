/**
 * Event-list row formatting (pure): time in seconds with microseconds, node name, kind and a
 * short description built from the kind's argument names and text ("link 2, 98 B").
 * Formatters are compiled once per run's kind table, so formatting a row is a few lookups.
 */
import type { Topology, TraceKindInfo } from '../../../engine/index.ts';
import type { TraceBuffer } from '../../trace/trace-buffer.ts';

/** "1.234567" (seconds, microsecond precision). */
export function formatTime(ns: number): string {
  return (ns / 1e9).toFixed(6);
}

/** "12.3 ms", "850 µs", "1.20 s". */
export function formatDuration(ns: number): string {
  const a = Math.abs(ns);
  if (a >= 1e9) return `${(ns / 1e9).toFixed(a >= 10e9 ? 1 : 2)} s`;
  if (a >= 1e6) return `${(ns / 1e6).toFixed(a >= 100e6 ? 0 : 1)} ms`;
  if (a >= 1e3) return `${(ns / 1e3).toFixed(a >= 100e3 ? 0 : 1)} µs`;
  return `${ns} ns`;
}

/** "12.5 Mbit/s" from bytes per second. */
export function formatRate(bytesPerS: number): string {
  const bits = bytesPerS * 8;
  if (bits >= 1e9) return `${(bits / 1e9).toFixed(2)} Gbit/s`;
  if (bits >= 1e6) return `${(bits / 1e6).toFixed(1)} Mbit/s`;
  if (bits >= 1e3) return `${(bits / 1e3).toFixed(1)} kbit/s`;
  return `${Math.round(bits)} bit/s`;
}

export function formatIpv4(n: number): string {
  const v = n >>> 0;
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

export function formatMac(n: number): string {
  const parts: string[] = [];
  let v = n;
  for (let i = 0; i < 6; i++) {
    parts.unshift((v % 256).toString(16).padStart(2, '0'));
    v = Math.floor(v / 256);
  }
  return parts.join(':');
}

const IP_PROTOCOLS: Record<number, string> = { 1: 'ICMP', 2: 'IGMP', 6: 'TCP', 17: 'UDP', 41: 'IPv6', 47: 'GRE', 50: 'ESP', 58: 'ICMPv6', 89: 'OSPF', 132: 'SCTP' };

function num(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
}

type ArgFormatter = (v: number) => string;

const bytes = (label: string): ArgFormatter => (v) => `${label} ${num(v)} B`;
const duration = (label: string): ArgFormatter => (v) => `${label} ${formatDuration(v)}`;
const plain = (label: string): ArgFormatter => (v) => `${label} ${num(v)}`;

/** How an argument is shown, by its name in the kind table (unknown names: "name value"). */
function argFormatter(name: string): ArgFormatter {
  switch (name) {
    case 'link':
      return (v) => (v < 0 ? 'no link' : `link ${v}`);
    case 'wireBytes':
      return (v) => `${num(v)} B`;
    case 'queueLen':
      return (v) => `queue ${num(v)}`;
    case 'length':
      return bytes('len');
    case 'cwnd':
    case 'inflight':
    case 'window':
      return bytes(name);
    case 'ssthresh':
      return (v) => (v < 0 ? 'ssthresh ∞' : `ssthresh ${num(v)} B`);
    case 'pacingRate':
      return (v) => (v > 0 ? `pacing ${formatRate(v)}` : 'unpaced');
    case 'sample':
      return duration('rtt');
    case 'srtt':
      return duration('srtt');
    case 'rto':
      return duration('rto');
    case 'delayNs':
      return duration('delay');
    case 'lifetime':
      return (v) => `lifetime ${num(v)} s`;
    case 'targetIp':
    case 'senderIp':
    case 'ip':
      return (v) => formatIpv4(v);
    case 'mac':
      return (v) => formatMac(v);
    case 'protocol':
      return (v) => IP_PROTOCOLS[v] ?? `proto ${num(v)}`;
    case 'entered':
      return (v) => (v ? 'entered' : 'left');
    case 'sent':
      return (v) => (v ? 'sent' : 'received');
    case 'op':
      return (v) => (v === 1 ? 'request' : v === 2 ? 'reply' : `op ${num(v)}`);
    case 'nudState':
      return (v) => NUD_STATES[v] ?? `state ${num(v)}`;
    default:
      return plain(name);
  }
}

/** The numbering of ndp.cache.* events' state (the engine's NEIGHBOR_STATE_NAMES; the UI imports engine types only). */
const NUD_STATES = ['INCOMPLETE', 'REACHABLE', 'STALE', 'DELAY', 'PROBE'] as const;

/** Argument names whose value 0 says nothing (left out of the description). */
const SKIP_ZERO = new Set(['parentPacket', 'recoveryPoint', 'code', 'old']);

export interface NodeNames {
  name(node: number): string;
}

export function nodeNames(topology: Topology | null): NodeNames {
  const map = new Map<number, string>();
  for (const n of topology?.nodes ?? []) map.set(n.id, n.name);
  return { name: (id) => map.get(id) ?? (id < 0 ? '' : `node ${id}`) };
}

export interface EventRow {
  readonly index: number;
  readonly time: string;
  readonly node: string;
  readonly kind: string;
  readonly description: string;
  /** Packet uid, or '' when the event has none. */
  readonly packet: string;
}

export class EventFormatter {
  private readonly argFns: ({ a?: ArgFormatter; b?: ArgFormatter; skipZeroA: boolean; skipZeroB: boolean } | undefined)[];

  constructor(
    readonly kinds: readonly TraceKindInfo[],
    readonly names: NodeNames,
  ) {
    this.argFns = kinds.map((k) => {
      const [a, b] = k.args ?? [];
      return {
        ...(a ? { a: argFormatter(a) } : {}),
        ...(b ? { b: argFormatter(b) } : {}),
        skipZeroA: a !== undefined && SKIP_ZERO.has(a),
        skipZeroB: b !== undefined && SKIP_ZERO.has(b),
      };
    });
  }

  /** The short description column: formatted arguments, then the text. */
  describe(trace: TraceBuffer, i: number): string {
    const f = this.argFns[trace.kindAt(i)];
    let s = '';
    if (f?.a) {
      const a = trace.aAt(i);
      if (!(f.skipZeroA && a === 0)) s = f.a(a);
    }
    if (f?.b) {
      const b = trace.bAt(i);
      if (!(f.skipZeroB && b === 0)) s = s ? `${s}, ${f.b(b)}` : f.b(b);
    }
    const text = trace.textAt(i);
    if (text) s = s ? `${s} · ${text}` : text;
    return s;
  }

  row(trace: TraceBuffer, i: number): EventRow {
    const pkt = trace.pktAt(i);
    return {
      index: i,
      time: formatTime(trace.timeAt(i)),
      node: this.names.name(trace.nodeAt(i)),
      kind: trace.kindName(i),
      description: this.describe(trace, i),
      packet: pkt >= 0 ? String(pkt) : '',
    };
  }

  /** One line for screen readers and copying: "1.000123 s, sender, tcp.cwnd: cwnd 14480 B, …". */
  sentence(trace: TraceBuffer, i: number): string {
    const r = this.row(trace, i);
    return `${r.time} s, ${r.node || 'no node'}, ${r.kind}${r.description ? `: ${r.description}` : ''}${r.packet ? `, packet ${r.packet}` : ''}`;
  }
}

/** The layer of a kind name: its first component ("tcp" for "tcp.cwnd"). */
export function kindLayer(name: string): string {
  const dot = name.indexOf('.');
  return dot < 0 ? name : name.slice(0, dot);
}

/** Layers in the order they first appear in the kind table (bottom of the stack first). */
export function layersOf(kinds: readonly TraceKindInfo[]): string[] {
  const out: string[] = [];
  for (const k of kinds) {
    const l = kindLayer(k.name);
    if (!out.includes(l)) out.push(l);
  }
  return out;
}
