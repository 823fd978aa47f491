/**
 * The event list's filter index (pure, no DOM): the sorted indices of the trace events that
 * pass a filter, built by scanning the typed trace columns once per filter change and then
 * extended incrementally as the trace grows (the trace is append-only). Scanning is resumable
 * (`advance(budget)`), so a slow text search over a million events can be spread over frames.
 *
 * With no criteria the index is the identity and costs nothing.
 */
import type { TraceBuffer } from '../../trace/trace-buffer.ts';
import type { EventFormatter } from './format.ts';
import { formatTime, kindLayer } from './format.ts';
import { connectionOf, reverseConnection } from './flows.ts';

export type EventScope = 'all' | 'packet' | 'flow';

export interface EventFilter {
  /** Node id, or null for all nodes. */
  readonly node: number | null;
  /** Layer (first component of the kind name: "tcp"), or null. */
  readonly layer: string | null;
  /** Kind id, or null. */
  readonly kind: number | null;
  /** Case-insensitive substring of any column (time, node, kind, description, packet uid). */
  readonly text: string;
  /** Only the selected packet (and its rewrites on other hops) or the selected TCP flow. */
  readonly scope: EventScope;
  readonly packet: number | null;
  readonly flow: string | null;
}

export const NO_FILTER: EventFilter = { node: null, layer: null, kind: null, text: '', scope: 'all', packet: null, flow: null };

export function isIdentity(f: EventFilter): boolean {
  return f.node === null && f.layer === null && f.kind === null && f.text.trim() === '' && (f.scope === 'all' || (f.scope === 'packet' ? f.packet === null : f.flow === null));
}

/** Per-packet origin uid (the first packet of a chain of rewrites), extended as packets arrive. */
class Origins {
  private origin = new Int32Array(0);
  private known = 0;

  constructor(private readonly trace: TraceBuffer) {}

  of(uid: number): number {
    if (uid < 0) return -1;
    if (uid >= this.known) this.extend();
    return uid < this.known ? this.origin[uid]! : uid;
  }

  private extend(): void {
    const t = this.trace;
    const n = t.packetCount;
    if (n <= this.known) return;
    if (this.origin.length < n) {
      const next = new Int32Array(Math.max(n, this.origin.length * 2, 1024));
      next.set(this.origin.subarray(0, this.known));
      this.origin = next;
    }
    for (let u = this.known; u < n; u++) {
      const p = t.packetParent(u);
      // A parent is always created before its child, so its origin is already known.
      this.origin[u] = p >= 0 && p < u ? this.origin[p]! : u;
    }
    this.known = n;
  }
}

export class EventIndex {
  private matches = new Int32Array(0);
  private count_ = 0;
  private scanned = 0;
  readonly identity: boolean;

  private readonly layerOfKind: Int16Array;
  private readonly layerId: number;
  private readonly query: string;
  private readonly nodeMatch = new Map<number, boolean>();
  private readonly kindMatch: boolean[];
  private readonly textMatch = new Map<string, boolean>();
  private readonly origins: Origins;
  private readonly packetOrigin: number;
  // Flow scope state.
  private readonly flowNames = new Set<string>();
  private readonly flowOrigins = new Set<number>();
  private readonly tcpKinds: Uint8Array;
  private readonly kIpTx: number;
  private readonly kTcpTx: number;
  private readonly kTcpRx: number;
  private readonly lastIpTx = new Map<number, number>();

  constructor(
    readonly trace: TraceBuffer,
    readonly filter: EventFilter,
    private readonly fmt: EventFormatter,
  ) {
    this.identity = isIdentity(filter);
    const layers: string[] = [];
    this.layerOfKind = new Int16Array(trace.kinds.length);
    this.tcpKinds = new Uint8Array(trace.kinds.length);
    trace.kinds.forEach((k, id) => {
      const l = kindLayer(k.name);
      let li = layers.indexOf(l);
      if (li < 0) li = layers.push(l) - 1;
      this.layerOfKind[id] = li;
      if (l === 'tcp') this.tcpKinds[id] = 1;
    });
    this.layerId = filter.layer === null ? -1 : layers.indexOf(filter.layer);
    this.query = filter.text.trim().toLowerCase();
    this.kindMatch = trace.kinds.map((k) => k.name.toLowerCase().includes(this.query));
    this.origins = new Origins(trace);
    this.packetOrigin = filter.scope === 'packet' && filter.packet !== null ? this.origins.of(filter.packet) : -1;
    if (filter.scope === 'flow' && filter.flow !== null) {
      this.flowNames.add(filter.flow);
      this.flowNames.add(reverseConnection(filter.flow));
    }
    this.kIpTx = trace.kindId('ip.tx');
    this.kTcpTx = trace.kindId('tcp.tx');
    this.kTcpRx = trace.kindId('tcp.rx');
  }

  /** Number of matching events scanned so far. */
  get count(): number {
    return this.identity ? this.trace.length : this.count_;
  }

  /** Whether every event in the trace has been scanned. */
  get done(): boolean {
    return this.identity || this.scanned >= this.trace.length;
  }

  /** Fraction of the trace scanned (0..1). */
  get progress(): number {
    return this.identity || this.trace.length === 0 ? 1 : Math.min(1, this.scanned / this.trace.length);
  }

  /** Event index of the k-th match. */
  at(k: number): number {
    return this.identity ? k : this.matches[k]!;
  }

  /** Number of matches with event index < `events` (the rows at or before the cursor). */
  countBefore(events: number): number {
    if (this.identity) return Math.max(0, Math.min(events, this.trace.length));
    let lo = 0;
    let hi = this.count_;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.matches[mid]! < events) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Position of event `i` among the matches, or -1. */
  positionOf(i: number): number {
    if (this.identity) return i >= 0 && i < this.trace.length ? i : -1;
    const k = this.countBefore(i);
    return k < this.count_ && this.matches[k] === i ? k : -1;
  }

  /** Position of the last match with event index ≤ i, or -1. */
  positionAtOrBefore(i: number): number {
    return this.countBefore(i + 1) - 1;
  }

  /** Scans up to `budget` more events; returns true when the whole trace has been scanned. */
  advance(budget = Infinity): boolean {
    if (this.identity) return true;
    const t = this.trace;
    if (t.length < this.scanned) {
      // The buffer was reset under us (a new run): start over.
      this.scanned = 0;
      this.count_ = 0;
    }
    const end = Math.min(t.length, this.scanned + budget);
    for (let i = this.scanned; i < end; i++) {
      if (!this.test(i)) continue;
      if (this.count_ >= this.matches.length) this.growTo(this.count_ + 1);
      this.matches[this.count_++] = i;
    }
    this.scanned = end;
    return end >= t.length;
  }

  private growTo(n: number): void {
    let cap = Math.max(1024, this.matches.length);
    while (cap < n) cap *= 2;
    const next = new Int32Array(cap);
    next.set(this.matches.subarray(0, this.count_));
    this.matches = next;
  }

  private test(i: number): boolean {
    const t = this.trace;
    const f = this.filter;
    const kind = t.kindAt(i);
    // The flow scope must see every event (it learns packets and aliases as it goes), so it
    // runs first; the cheap column checks then narrow the result.
    if (f.scope === 'flow' && f.flow !== null && !this.inFlow(i, kind)) return false;
    if (f.node !== null && t.nodeAt(i) !== f.node) return false;
    if (this.layerId >= 0 && this.layerOfKind[kind] !== this.layerId) return false;
    if (f.layer !== null && this.layerId < 0) return false;
    if (f.kind !== null && kind !== f.kind) return false;
    if (this.packetOrigin >= 0 && this.origins.of(t.pktAt(i)) !== this.packetOrigin) return false;
    if (this.query !== '' && !this.matchesText(i, kind)) return false;
    return true;
  }

  private matchesText(i: number, kind: number): boolean {
    const t = this.trace;
    const q = this.query;
    if (this.kindMatch[kind]) return true;
    const node = t.nodeAt(i);
    let nm = this.nodeMatch.get(node);
    if (nm === undefined) {
      nm = this.fmt.names.name(node).toLowerCase().includes(q);
      this.nodeMatch.set(node, nm);
    }
    if (nm) return true;
    const text = t.textAt(i);
    if (text !== undefined) {
      let tm = this.textMatch.get(text);
      if (tm === undefined) {
        tm = text.toLowerCase().includes(q);
        if (this.textMatch.size < 100_000) this.textMatch.set(text, tm);
      }
      if (tm) return true;
    }
    const pkt = t.pktAt(i);
    if (pkt >= 0 && String(pkt).includes(q)) return true;
    if (formatTime(t.timeAt(i)).includes(q)) return true;
    return this.fmt.describe(t, i).toLowerCase().includes(q);
  }

  /**
   * Flow scope: the connection's own tcp.* events (either end; a NAT'd far end is learned when
   * it receives one of the flow's packets) and every event of the packets the flow sent. A
   * tcp.tx follows the ip.tx of its packet on the same node at the same time, so the packet is
   * linked then and its earlier events at that instant are added retroactively.
   */
  private inFlow(i: number, kind: number): boolean {
    const t = this.trace;
    if (kind === this.kIpTx) this.lastIpTx.set(t.nodeAt(i), i);
    const pkt = t.pktAt(i);
    const origin = pkt >= 0 ? this.origins.of(pkt) : -1;
    if (this.tcpKinds[kind] === 1) {
      const conn = connectionOf(t.textAt(i));
      if (conn !== null) {
        if (!this.flowNames.has(conn)) {
          if (kind === this.kTcpRx && origin >= 0 && this.flowOrigins.has(origin)) this.flowNames.add(conn);
          else return false;
        }
        if (kind === this.kTcpTx) this.linkSent(i);
        else if (origin >= 0) this.flowOrigins.add(origin);
        return true;
      }
    }
    return origin >= 0 && this.flowOrigins.has(origin);
  }

  private linkSent(i: number): void {
    const t = this.trace;
    const node = t.nodeAt(i);
    const j = this.lastIpTx.get(node);
    if (j === undefined || t.timeAt(j) !== t.timeAt(i)) return;
    const origin = this.origins.of(t.pktAt(j));
    if (origin < 0 || this.flowOrigins.has(origin)) return;
    this.flowOrigins.add(origin);
    // Events of this packet between its ip.tx and now (queueing, serialisation start) were
    // scanned before the link was known: add the ones that pass the other criteria.
    for (let k = j; k < i; k++) {
      if (this.origins.of(t.pktAt(k)) !== origin) continue;
      if (this.positionOf(k) >= 0) continue;
      if (!this.passesColumns(k)) continue;
      this.insertSorted(k);
    }
  }

  private passesColumns(i: number): boolean {
    const t = this.trace;
    const f = this.filter;
    const kind = t.kindAt(i);
    if (f.node !== null && t.nodeAt(i) !== f.node) return false;
    if (f.layer !== null && this.layerOfKind[kind] !== this.layerId) return false;
    if (f.kind !== null && kind !== f.kind) return false;
    if (this.query !== '' && !this.matchesText(i, kind)) return false;
    return true;
  }

  private insertSorted(i: number): void {
    if (this.matches.length < this.count_ + 1) this.growTo(this.count_ + 1);
    const k = this.countBefore(i);
    this.matches.copyWithin(k + 1, k, this.count_);
    this.matches[k] = i;
    this.count_++;
  }
}
