/**
 * Incremental interval index of frames on links, for drawing packets in flight at any time
 * without scanning the trace every animation frame.
 *
 * Each link keeps its transmissions in struct-of-arrays typed columns sorted by txBegin time
 * (trace order), and the longest time a frame spent on it (`maxDur`). Frames on the link at
 * time t are then the ones with t0 in [t - maxDur, t] (two binary searches) whose end is after t.
 * The index is fed the trace as it grows (`sync`) and rebuilt when the run changes.
 *
 * Timing (DESIGN: real timing): a frame starts at phy.txBegin (t0, first bit), its last bit leaves
 * at phy.txEnd (t1) and arrives at phy.rxEnd = t1 + delay. At time t its head is at
 * min(1, (t - t0) / delay) of the link from the sender and its tail at max(0, (t - t1) / delay).
 * Until txEnd/rxEnd are in the trace (the engine has not got there yet) they are estimated from
 * the link's bandwidth and delay exactly as the engine computes them.
 *
 * Lost frames (random loss, MTU, scripted drop: txBegin without rxEnd) travel to the middle of the
 * link and vanish there; a drop marker (✕) shows where. Queue drops (never transmitted) show at the
 * sender end of the link; IP/firewall/NAT drops at the node.
 */
import type { Topology } from '../../../engine/index.ts';
import type { TraceBuffer } from '../../trace/trace-buffer.ts';

const F_T1 = 1;
const F_ARRIVED = 2;
const F_LOST = 4;

/** Where a frame that is lost on a link disappears (fraction of the link from the sender). */
export const LOST_AT = 0.5;
/** Where a frame refused by the transmit queue is marked (fraction of the link from the sender). */
export const QUEUE_DROP_AT = 0.08;

function growF64(a: Float64Array<ArrayBuffer>, n: number): Float64Array<ArrayBuffer> {
  if (a.length >= n) return a;
  const b = new Float64Array(Math.max(n, a.length * 2, 64));
  b.set(a);
  return b;
}
function growI32(a: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> {
  if (a.length >= n) return a;
  const b = new Int32Array(Math.max(n, a.length * 2, 64));
  b.set(a);
  return b;
}
function growU8(a: Uint8Array<ArrayBuffer>, n: number): Uint8Array<ArrayBuffer> {
  if (a.length >= n) return a;
  const b = new Uint8Array(Math.max(n, a.length * 2, 64));
  b.set(a);
  return b;
}

/** The transmissions on one link (both directions), sorted by t0. */
export class LinkFrames {
  n = 0;
  uid = new Int32Array(0);
  origin = new Int32Array(0);
  side = new Uint8Array(0);
  proto = new Uint8Array(0);
  flags = new Uint8Array(0);
  t0 = new Float64Array(0);
  /** Index of the frame's phy.txBegin event (stepping one event at a time within an instant). */
  ev = new Int32Array(0);
  t1 = new Float64Array(0);
  /** When the frame has left the link: arrival (rxEnd), or vanishing point for lost frames. */
  tEnd = new Float64Array(0);
  /** Longest tEnd - t0 of any frame here. */
  maxDur = 0;

  constructor(
    readonly link: number,
    readonly delayNs: number,
    readonly bandwidthBps: number,
  ) {}

  push(uid: number, origin: number, side: number, proto: number, t0: number, wireBytes: number, ev = -1): number {
    const i = this.n++;
    if (this.uid.length < this.n) {
      this.uid = growI32(this.uid, this.n);
      this.origin = growI32(this.origin, this.n);
      this.side = growU8(this.side, this.n);
      this.proto = growU8(this.proto, this.n);
      this.flags = growU8(this.flags, this.n);
      this.t0 = growF64(this.t0, this.n);
      this.ev = growI32(this.ev, this.n);
      this.t1 = growF64(this.t1, this.n);
      this.tEnd = growF64(this.tEnd, this.n);
    }
    this.uid[i] = uid;
    this.origin[i] = origin;
    this.side[i] = side;
    this.proto[i] = proto;
    this.flags[i] = 0;
    this.t0[i] = t0;
    this.ev[i] = ev;
    // The engine's timing: last bit after (padded + 12) bytes, i.e. wire bytes minus preamble/SFD and IFG.
    const lastBit = this.bandwidthBps > 0 ? Math.ceil((Math.max(wireBytes - 12, 1) * 8e9) / this.bandwidthBps) : 0;
    this.t1[i] = t0 + lastBit;
    this.tEnd[i] = t0 + lastBit + this.delayNs;
    this.bump(i);
    return i;
  }

  bump(i: number): void {
    const d = this.tEnd[i]! - this.t0[i]!;
    if (d > this.maxDur) this.maxDur = d;
  }

  /** First index with t0 >= t. */
  lowerBound(t: number): number {
    let lo = 0;
    let hi = this.n;
    const a = this.t0;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (a[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First index with t0 > t. */
  upperBound(t: number): number {
    let lo = 0;
    let hi = this.n;
    const a = this.t0;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (a[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export const DROP_QUEUE = 0;
export const DROP_IN_TRANSIT = 1;
export const DROP_NODE = 2;

/** Drop markers, sorted by the time of their drop event. */
export class DropStore {
  n = 0;
  te = new Float64Array(0);
  tShow = new Float64Array(0);
  tGone = new Float64Array(0);
  kind = new Uint8Array(0);
  link = new Int32Array(0);
  side = new Uint8Array(0);
  node = new Int32Array(0);
  uid = new Int32Array(0);
  origin = new Int32Array(0);
  reason = new Int32Array(0);
  reasons: string[] = [];
  private reasonIds = new Map<string, number>();
  /** max(te - tShow) and max(tGone - te) over all markers. */
  maxBefore = 0;
  maxAfter = 0;

  push(te: number, tShow: number, tGone: number, kind: number, link: number, side: number, node: number, uid: number, origin: number, reason: string): void {
    const i = this.n++;
    if (this.te.length < this.n) {
      this.te = growF64(this.te, this.n);
      this.tShow = growF64(this.tShow, this.n);
      this.tGone = growF64(this.tGone, this.n);
      this.kind = growU8(this.kind, this.n);
      this.link = growI32(this.link, this.n);
      this.side = growU8(this.side, this.n);
      this.node = growI32(this.node, this.n);
      this.uid = growI32(this.uid, this.n);
      this.origin = growI32(this.origin, this.n);
      this.reason = growI32(this.reason, this.n);
    }
    let r = this.reasonIds.get(reason);
    if (r === undefined) {
      r = this.reasons.length;
      this.reasons.push(reason);
      this.reasonIds.set(reason, r);
    }
    this.te[i] = te;
    this.tShow[i] = tShow;
    this.tGone[i] = tGone;
    this.kind[i] = kind;
    this.link[i] = link;
    this.side[i] = side;
    this.node[i] = node;
    this.uid[i] = uid;
    this.origin[i] = origin;
    this.reason[i] = r;
    this.maxBefore = Math.max(this.maxBefore, te - tShow);
    this.maxAfter = Math.max(this.maxAfter, tGone - te);
  }

  lowerBound(t: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.te[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

interface Kinds {
  txBegin: number;
  txEnd: number;
  rxEnd: number;
  linkDrop: number;
  ipDrop: number;
  fwDrop: number;
  natDrop: number;
  ethRxDrop: number;
}

/** eth.rx.drop reasons that are normal filtering, not a loss worth a marker. */
const BENIGN_RX_DROPS = new Set(['not addressed to this interface']);

const KEY_LINKS = 8192;

export class FlightIndex {
  links: LinkFrames[] = [];
  drops = new DropStore();
  /** Events of the trace consumed so far. */
  processed = 0;
  /** Interface id → link id and side (0 = the link's a end). */
  private ifaceLink = new Map<number, { link: number; side: number }>();
  /** uid * KEY_LINKS + link → index in that link's columns, for frames not yet arrived. */
  private pending = new Map<number, number>();
  private kinds: Kinds | null = null;
  private kindsRef: unknown = null;
  private traceRef: TraceBuffer | null = null;
  private topologyRef: Topology | null = null;
  private origins = new Int32Array(0);

  /** Brings the index up to date with the trace; returns true if anything was added. */
  sync(trace: TraceBuffer, topology: Topology | null): boolean {
    if (trace !== this.traceRef || topology !== this.topologyRef || trace.kinds !== this.kindsRef || trace.length < this.processed) {
      this.reset(trace, topology);
    }
    if (!this.kinds || this.processed >= trace.length) return false;
    this.consume(trace, trace.length);
    return true;
  }

  private reset(trace: TraceBuffer, topology: Topology | null): void {
    this.traceRef = trace;
    this.topologyRef = topology;
    this.kindsRef = trace.kinds;
    this.processed = 0;
    this.pending.clear();
    this.drops = new DropStore();
    this.origins = new Int32Array(0);
    this.ifaceLink.clear();
    this.links = [];
    if (!topology) {
      this.kinds = null;
      return;
    }
    for (const l of topology.links) {
      this.links[l.id] = new LinkFrames(l.id, l.delayNs, l.bandwidthBps);
      this.ifaceLink.set(l.a.iface, { link: l.id, side: 0 });
      this.ifaceLink.set(l.b.iface, { link: l.id, side: 1 });
    }
    this.kinds = {
      txBegin: trace.kindId('phy.txBegin'),
      txEnd: trace.kindId('phy.txEnd'),
      rxEnd: trace.kindId('phy.rxEnd'),
      linkDrop: trace.kindId('link.drop'),
      ipDrop: trace.kindId('ip.drop'),
      fwDrop: trace.kindId('fw.drop'),
      natDrop: trace.kindId('nat.drop'),
      ethRxDrop: trace.kindId('eth.rx.drop'),
    };
  }

  /** Origin of a packet's rewrite chain (memoised per uid). */
  private originOf(trace: TraceBuffer, uid: number): number {
    if (uid < 0) return uid;
    if (this.origins.length <= uid) {
      const next = new Int32Array(Math.max(uid + 1, this.origins.length * 2, 1024)).fill(-2);
      next.set(this.origins);
      this.origins = next;
    }
    const known = this.origins[uid]!;
    if (known !== -2) return known;
    const p = uid < trace.packetCount ? trace.packetParent(uid) : -1;
    const o = p >= 0 && p < uid ? this.originOf(trace, p) : uid;
    this.origins[uid] = o;
    return o;
  }

  private consume(trace: TraceBuffer, end: number): void {
    const k = this.kinds!;
    for (let i = this.processed; i < end; i++) {
      const kind = trace.kindAt(i);
      if (kind === k.txBegin) {
        const link = trace.aAt(i);
        const lf = this.links[link];
        const uid = trace.pktAt(i);
        if (!lf || uid < 0) continue;
        const side = this.ifaceLink.get(trace.ifaceAt(i))?.side ?? 0;
        const proto = uid < trace.packetCount ? trace.packetProto(uid) : 0;
        const j = lf.push(uid, this.originOf(trace, uid), side, proto, trace.timeAt(i), trace.bAt(i), i);
        this.pending.set(uid * KEY_LINKS + link, j);
      } else if (kind === k.txEnd) {
        const link = trace.aAt(i);
        const lf = this.links[link];
        const j = this.pending.get(trace.pktAt(i) * KEY_LINKS + link);
        if (!lf || j === undefined) continue;
        const t1 = trace.timeAt(i);
        lf.t1[j] = t1;
        lf.flags[j]! |= F_T1;
        if (!(lf.flags[j]! & F_ARRIVED)) lf.tEnd[j] = t1 + lf.delayNs;
        lf.bump(j);
      } else if (kind === k.rxEnd) {
        const link = trace.aAt(i);
        const lf = this.links[link];
        const key = trace.pktAt(i) * KEY_LINKS + link;
        const j = this.pending.get(key);
        if (!lf || j === undefined) continue;
        lf.tEnd[j] = trace.timeAt(i);
        lf.flags[j]! |= F_ARRIVED;
        lf.bump(j);
        this.pending.delete(key);
      } else if (kind === k.linkDrop) {
        this.linkDrop(trace, i);
      } else if (kind === k.ipDrop || kind === k.fwDrop || kind === k.natDrop || kind === k.ethRxDrop) {
        const reason = trace.textAt(i) ?? 'dropped';
        if (kind === k.ethRxDrop && BENIGN_RX_DROPS.has(reason)) continue;
        const t = trace.timeAt(i);
        const uid = trace.pktAt(i);
        this.drops.push(t, t, t, DROP_NODE, -1, 0, trace.nodeAt(i), uid, this.originOf(trace, uid), reason);
      }
    }
    this.processed = end;
  }

  private linkDrop(trace: TraceBuffer, i: number): void {
    const link = trace.aAt(i);
    const uid = trace.pktAt(i);
    const t = trace.timeAt(i);
    const reason = trace.textAt(i) ?? 'dropped';
    const origin = this.originOf(trace, uid);
    const lf = this.links[link];
    if (!lf) {
      // No link (interface unplugged): mark at the node.
      this.drops.push(t, t, t, DROP_NODE, -1, 0, trace.nodeAt(i), uid, origin, reason);
      return;
    }
    const key = uid * KEY_LINKS + link;
    const j = this.pending.get(key);
    const side = this.ifaceLink.get(trace.ifaceAt(i))?.side ?? 0;
    if (j !== undefined && lf.t0[j]! <= t) {
      // Transmitted, then lost on the wire: it travels to the middle of the link and vanishes.
      this.pending.delete(key);
      const half = lf.delayNs * LOST_AT;
      // The engine decides the loss when the last bit leaves (txEnd, traced just before).
      if (!(lf.flags[j]! & F_T1)) lf.t1[j] = t;
      lf.flags[j]! |= F_LOST | F_T1;
      lf.tEnd[j] = lf.t1[j]! + half;
      lf.bump(j);
      this.drops.push(t, lf.t0[j]! + half, lf.tEnd[j]!, DROP_IN_TRANSIT, link, lf.side[j]!, trace.nodeAt(i), uid, origin, reason);
      return;
    }
    // Refused or evicted by the transmit queue (or an AQM): never left the sender.
    this.drops.push(t, t, t, DROP_QUEUE, link, side, trace.nodeAt(i), uid, origin, reason);
  }
}

const indexes = new WeakMap<TraceBuffer, FlightIndex>();

/** The (shared) flight index of a trace buffer, brought up to date. */
export function flightIndexFor(trace: TraceBuffer, topology: Topology | null): FlightIndex {
  let ix = indexes.get(trace);
  if (!ix) {
    ix = new FlightIndex();
    indexes.set(trace, ix);
  }
  ix.sync(trace, topology);
  return ix;
}

/** Reusable output of `framesInFlight` (no allocation per animation frame). */
export class FrameSet {
  n = 0;
  link = new Int32Array(256);
  side = new Uint8Array(256);
  proto = new Uint8Array(256);
  lost = new Uint8Array(256);
  uid = new Int32Array(256);
  origin = new Int32Array(256);
  /** Fractions of the link from the sender end. */
  head = new Float32Array(256);
  tail = new Float32Array(256);

  reserve(n: number): void {
    if (this.link.length >= n) return;
    const m = Math.max(n, this.link.length * 2);
    const cp = <T extends Int32Array | Uint8Array | Float32Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(m);
      b.set(a);
      return b;
    };
    this.link = cp(this.link);
    this.side = cp(this.side);
    this.proto = cp(this.proto);
    this.lost = cp(this.lost);
    this.uid = cp(this.uid);
    this.origin = cp(this.origin);
    this.head = cp(this.head);
    this.tail = cp(this.tail);
  }
}

/**
 * Frames on a link at time t (pure: reads the index, writes `out`). Cost is proportional to the
 * frames that started within one maximum link-transit time before t, not to the trace length.
 */
/**
 * Frames on the wire at time t. With `events` (the cursor's applied-event count), a frame whose
 * txBegin event is not applied yet is not drawn, so stepping back one event within an instant
 * takes its frame off the wire.
 */
export function framesInFlight(ix: FlightIndex, t: number, out: FrameSet = new FrameSet(), events = Infinity): FrameSet {
  out.n = 0;
  for (const lf of ix.links) {
    if (!lf || lf.n === 0) continue;
    const end = lf.upperBound(t);
    if (end === 0) continue;
    const start = lf.lowerBound(t - lf.maxDur);
    const d = lf.delayNs > 0 ? lf.delayNs : 1;
    for (let j = start; j < end; j++) {
      if (lf.tEnd[j]! <= t || lf.ev[j]! >= events) continue;
      const lost = (lf.flags[j]! & F_LOST) !== 0;
      let head = (t - lf.t0[j]!) / d;
      let tail = (t - lf.t1[j]!) / d;
      if (head > 1) head = 1;
      if (tail < 0) tail = 0;
      if (lost) {
        if (head > LOST_AT) head = LOST_AT;
        if (tail > LOST_AT) continue;
      }
      const k = out.n++;
      if (k >= out.link.length) out.reserve(k + 1);
      out.link[k] = lf.link;
      out.side[k] = lf.side[j]!;
      out.proto[k] = lf.proto[j]!;
      out.lost[k] = lost ? 1 : 0;
      out.uid[k] = lf.uid[j]!;
      out.origin[k] = lf.origin[j]!;
      out.head[k] = head;
      out.tail[k] = tail;
    }
  }
  return out;
}

/** Reusable output of `dropMarkersAt`. */
export class MarkerSet {
  n = 0;
  kind = new Uint8Array(64);
  link = new Int32Array(64);
  side = new Uint8Array(64);
  node = new Int32Array(64);
  uid = new Int32Array(64);
  origin = new Int32Array(64);
  reason = new Int32Array(64);
  /** Fraction of the link from the sender end (link markers). */
  frac = new Float32Array(64);
  /** 0 while the drop is happening, rising to 1 when the marker disappears. */
  age = new Float32Array(64);

  reserve(n: number): void {
    if (this.kind.length >= n) return;
    const m = Math.max(n, this.kind.length * 2);
    const cp = <T extends Int32Array | Uint8Array | Float32Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(m);
      b.set(a);
      return b;
    };
    this.kind = cp(this.kind);
    this.link = cp(this.link);
    this.side = cp(this.side);
    this.node = cp(this.node);
    this.uid = cp(this.uid);
    this.origin = cp(this.origin);
    this.reason = cp(this.reason);
    this.frac = cp(this.frac);
    this.age = cp(this.age);
  }
}

/** Drop markers visible at t: from the drop until `lingerNs` after it. */
export function dropMarkersAt(ix: FlightIndex, t: number, lingerNs: number, out: MarkerSet = new MarkerSet()): MarkerSet {
  out.n = 0;
  const d = ix.drops;
  const linger = Math.max(lingerNs, 1);
  for (let i = d.lowerBound(t - linger - d.maxAfter); i < d.n && d.te[i]! <= t + d.maxBefore; i++) {
    const show = d.tShow[i]!;
    const gone = d.tGone[i]!;
    if (t < show || t > gone + linger) continue;
    const k = out.n++;
    if (k >= out.kind.length) out.reserve(k + 1);
    const kind = d.kind[i]!;
    out.kind[k] = kind;
    out.link[k] = d.link[i]!;
    out.side[k] = d.side[i]!;
    out.node[k] = d.node[i]!;
    out.uid[k] = d.uid[i]!;
    out.origin[k] = d.origin[i]!;
    out.reason[k] = d.reason[i]!;
    out.frac[k] = kind === DROP_IN_TRANSIT ? LOST_AT : kind === DROP_QUEUE ? QUEUE_DROP_AT : 0;
    out.age[k] = t <= gone ? 0 : (t - gone) / linger;
  }
  return out;
}

/** Plain-object view of a FrameSet (tests, accessible list). */
export interface InFlightFrame {
  readonly uid: number;
  readonly origin: number;
  readonly link: number;
  readonly side: number;
  readonly head: number;
  readonly tail: number;
  readonly proto: number;
  readonly lost: boolean;
}

export function frameList(fs: FrameSet, limit = Infinity): InFlightFrame[] {
  const out: InFlightFrame[] = [];
  for (let k = 0; k < fs.n && out.length < limit; k++) {
    out.push({ uid: fs.uid[k]!, origin: fs.origin[k]!, link: fs.link[k]!, side: fs.side[k]!, head: fs.head[k]!, tail: fs.tail[k]!, proto: fs.proto[k]!, lost: fs.lost[k] === 1 });
  }
  return out;
}

export interface DropMarker {
  readonly kind: 'queue' | 'in-transit' | 'node';
  readonly link: number;
  readonly side: number;
  readonly node: number;
  readonly uid: number;
  readonly origin: number;
  readonly frac: number;
  readonly age: number;
  readonly reason: string;
}

export function markerList(ix: FlightIndex, ms: MarkerSet): DropMarker[] {
  const out: DropMarker[] = [];
  for (let k = 0; k < ms.n; k++) {
    const kind = ms.kind[k] === DROP_QUEUE ? 'queue' : ms.kind[k] === DROP_IN_TRANSIT ? 'in-transit' : 'node';
    out.push({ kind, link: ms.link[k]!, side: ms.side[k]!, node: ms.node[k]!, uid: ms.uid[k]!, origin: ms.origin[k]!, frac: ms.frac[k]!, age: ms.age[k]!, reason: ix.drops.reasons[ms.reason[k]!] ?? '' });
  }
  return out;
}
