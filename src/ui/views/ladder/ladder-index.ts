/**
 * Incremental index of ladder arrows, built from the trace as it grows (no rescans).
 *
 * An arrow is one message between two lanes (endpoints): it starts at the first frame's
 * phy.txBegin at its origin lane and ends at the last hop's phy.rxEnd at the destination lane,
 * following rewrites (router forwarding, NAT: TraceBuffer packetParent) and switch hops (same
 * uid), so its slant is the real end-to-end delay. Lanes are hosts, and routers either always
 * (`showRouters`: every router hop splits the arrow) or only where a router is itself an
 * endpoint (it originates or receives IP traffic, e.g. ICMP time exceeded, a ping to it).
 * Link-local ARP/NDP to or from a hidden router is left out.
 *
 * Arrows are stored in typed columns in the order they complete (by end time), so the arrows
 * crossing a time window are found with a binary search and a max-duration bound.
 */
import type { Topology } from '../../../engine/index.ts';
import type { TraceBuffer } from '../../trace/trace-buffer.ts';

/** Lost before reaching a lane: the arrow ends mid-way with ✕. */
export const A_DROPPED = 1;
/** Reached its lane and was dropped there (TTL expired, firewall, ...). */
export const A_END_DROP = 2;
/** A TCP retransmission. */
export const A_RETRANSMIT = 4;
/** Reached a host that ignored it (not addressed to it): not drawn. */
export const A_DISCARDED = 8;

const UNSET = -2;
const NONE = -1;

const BENIGN_RX_DROPS = new Set(['not addressed to this interface']);

function grow<T extends Float64Array<ArrayBuffer> | Int32Array<ArrayBuffer> | Uint8Array<ArrayBuffer>>(a: T, n: number, fill?: number): T {
  if (a.length >= n) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(n, a.length * 2, 256));
  if (fill !== undefined) b.fill(fill);
  b.set(a);
  return b;
}

interface Kinds {
  txBegin: number;
  rxEnd: number;
  linkDrop: number;
  ethRxDrop: number;
  ipDrop: number;
  fwDrop: number;
  natDrop: number;
  ipDeliver: number;
  ipTx: number;
  tcpRetransmit: number;
}

export class LadderIndex {
  readonly showRouters: boolean;
  // Arrows, in completion order (tEnd nondecreasing).
  n = 0;
  tStart = new Float64Array(0);
  tEnd = new Float64Array(0);
  from = new Int32Array(0);
  /** Destination lane node, or -1 when a dropped arrow's destination is unknown. */
  to = new Int32Array(0);
  /** The first frame of the arrow (its label) and the last one (on the final hop). */
  uid = new Int32Array(0);
  lastUid = new Int32Array(0);
  origin = new Int32Array(0);
  proto = new Uint8Array(0);
  flags = new Uint8Array(0);
  /** Index into `strings` (drop reason), or -1. */
  reason = new Int32Array(0);
  strings: string[] = [];
  /** Longest tEnd - tStart of any arrow. */
  maxDur = 0;
  /** TCP retransmissions: uid → reason ("SACK recovery", "RTO", "SYN timeout", ...). */
  retransmits = new Map<number, string>();
  /** Nodes that are lanes (start or end of at least one arrow, or a host). */
  endpoints = new Set<number>();
  processed = 0;

  private nodeKind: string[] = [];
  private kinds: Kinds | null = null;
  private traceRef: TraceBuffer | null = null;
  private topologyRef: Topology | null = null;
  private kindsRef: unknown = null;
  private stringIds = new Map<string, number>();
  // Per packet uid: where its arrow started.
  private startNode = new Int32Array(0);
  private startT = new Float64Array(0);
  private startUid = new Int32Array(0);
  private originOf = new Int32Array(0);
  // Same-instant follow-ups: (uid, node) → arrow index / receive time at a hidden router.
  private recentTime = -1;
  private recentArrow = new Map<number, number>();
  private recentRx = new Map<number, number>();
  /** node → retransmit reason waiting for the segment sent right after it (SYN retransmits). */
  private retransWaiting = new Map<number, { t: number; reason: string }>();
  /** link id + "/" + sending node → destination lane guess for drops. */
  private towards = new Map<string, number>();
  private adj = new Map<number, { node: number; link: number }[]>();

  constructor(opts: { showRouters: boolean }) {
    this.showRouters = opts.showRouters;
  }

  sync(trace: TraceBuffer, topology: Topology | null): boolean {
    if (trace !== this.traceRef || topology !== this.topologyRef || trace.kinds !== this.kindsRef || trace.length < this.processed) this.reset(trace, topology);
    if (!this.kinds || this.processed >= trace.length) return false;
    this.consume(trace);
    return true;
  }

  private reset(trace: TraceBuffer, topology: Topology | null): void {
    this.traceRef = trace;
    this.topologyRef = topology;
    this.kindsRef = trace.kinds;
    this.n = 0;
    this.maxDur = 0;
    this.processed = 0;
    this.strings = [];
    this.stringIds.clear();
    this.retransmits.clear();
    this.endpoints.clear();
    this.startNode = new Int32Array(0);
    this.startT = new Float64Array(0);
    this.startUid = new Int32Array(0);
    this.originOf = new Int32Array(0);
    this.recentTime = -1;
    this.recentArrow.clear();
    this.recentRx.clear();
    this.retransWaiting.clear();
    this.towards.clear();
    this.adj.clear();
    this.nodeKind = [];
    if (!topology) {
      this.kinds = null;
      return;
    }
    for (const n of topology.nodes) {
      this.nodeKind[n.id] = n.kind;
      this.adj.set(n.id, []);
      if (n.kind === 'host' || (n.kind === 'router' && this.showRouters)) this.endpoints.add(n.id);
    }
    for (const l of topology.links) {
      this.adj.get(l.a.node)?.push({ node: l.b.node, link: l.id });
      this.adj.get(l.b.node)?.push({ node: l.a.node, link: l.id });
    }
    this.kinds = {
      txBegin: trace.kindId('phy.txBegin'),
      rxEnd: trace.kindId('phy.rxEnd'),
      linkDrop: trace.kindId('link.drop'),
      ethRxDrop: trace.kindId('eth.rx.drop'),
      ipDrop: trace.kindId('ip.drop'),
      fwDrop: trace.kindId('fw.drop'),
      natDrop: trace.kindId('nat.drop'),
      ipDeliver: trace.kindId('ip.rx.deliver'),
      ipTx: trace.kindId('ip.tx'),
      tcpRetransmit: trace.kindId('tcp.retransmit'),
    };
  }

  /** A node where arrows split: hosts, and routers when they are shown as lanes. */
  private splits(node: number): boolean {
    const k = this.nodeKind[node];
    return k === 'host' || (k === 'router' && this.showRouters);
  }

  private str(s: string): number {
    let id = this.stringIds.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.stringIds.set(s, id);
    }
    return id;
  }

  private ensurePackets(uid: number): void {
    if (this.startNode.length > uid) return;
    const n = uid + 1;
    this.startNode = grow(this.startNode, n, UNSET);
    this.startT = grow(this.startT, n);
    this.startUid = grow(this.startUid, n);
    this.originOf = grow(this.originOf, n, UNSET);
  }

  private originUid(trace: TraceBuffer, uid: number): number {
    this.ensurePackets(uid);
    let o = this.originOf[uid]!;
    if (o === UNSET) {
      const p = trace.packetParent(uid);
      o = p >= 0 && p < uid ? this.originUid(trace, p) : uid;
      this.originOf[uid] = o;
    }
    return o;
  }

  /** Decides where the arrow carrying `uid` started (once, at its first transmission). */
  private ensureStart(trace: TraceBuffer, uid: number, node: number, t: number): void {
    this.ensurePackets(uid);
    if (this.startNode[uid] !== UNSET) return;
    const parent = trace.packetParent(uid);
    const kind = this.nodeKind[node];
    const inherit = () => {
      if (parent >= 0 && parent < uid) {
        this.ensurePackets(parent);
        const ps = this.startNode[parent]!;
        this.startNode[uid] = ps === UNSET ? NONE : ps;
        this.startT[uid] = this.startT[parent]!;
        this.startUid[uid] = this.startUid[parent]!;
      } else {
        this.startNode[uid] = NONE;
      }
    };
    if (this.splits(node)) {
      this.startNode[uid] = node;
      this.startT[uid] = t;
      this.startUid[uid] = uid;
    } else if (kind === 'router') {
      if (parent >= 0) inherit();
      else {
        const proto = trace.packetProtoName(uid);
        if (proto === 'arp' || proto === 'ndp') this.startNode[uid] = NONE;
        else {
          this.startNode[uid] = node;
          this.startT[uid] = t;
          this.startUid[uid] = uid;
        }
      }
    } else {
      inherit();
    }
  }

  private addArrow(trace: TraceBuffer, uid: number, to: number, tEnd: number, flags: number, reason: string | undefined): number {
    const i = this.n++;
    if (this.tStart.length < this.n) {
      this.tStart = grow(this.tStart, this.n);
      this.tEnd = grow(this.tEnd, this.n);
      this.from = grow(this.from, this.n);
      this.to = grow(this.to, this.n);
      this.uid = grow(this.uid, this.n);
      this.lastUid = grow(this.lastUid, this.n);
      this.origin = grow(this.origin, this.n);
      this.proto = grow(this.proto, this.n);
      this.flags = grow(this.flags, this.n);
      this.reason = grow(this.reason, this.n);
    }
    const first = this.startUid[uid]!;
    const from = this.startNode[uid]!;
    this.tStart[i] = this.startT[uid]!;
    this.tEnd[i] = tEnd;
    this.from[i] = from;
    this.to[i] = to;
    this.uid[i] = first;
    this.lastUid[i] = uid;
    this.origin[i] = this.originUid(trace, uid);
    this.proto[i] = trace.packetProto(first);
    this.flags[i] = flags | (this.retransmits.has(first) ? A_RETRANSMIT : 0);
    this.reason[i] = reason === undefined ? -1 : this.str(reason);
    this.endpoints.add(from);
    if (to >= 0) this.endpoints.add(to);
    const d = tEnd - this.tStart[i]!;
    if (d > this.maxDur) this.maxDur = d;
    return i;
  }

  private atTime(t: number): void {
    if (t !== this.recentTime) {
      this.recentTime = t;
      this.recentArrow.clear();
      this.recentRx.clear();
    }
  }

  private consume(trace: TraceBuffer): void {
    const k = this.kinds!;
    const end = trace.length;
    const K = 65536;
    for (let i = this.processed; i < end; i++) {
      const kind = trace.kindAt(i);
      const t = trace.timeAt(i);
      if (kind === k.txBegin) {
        const uid = trace.pktAt(i);
        if (uid >= 0) this.ensureStart(trace, uid, trace.nodeAt(i), t);
      } else if (kind === k.rxEnd) {
        const uid = trace.pktAt(i);
        if (uid < 0) continue;
        this.ensurePackets(uid);
        const s = this.startNode[uid]!;
        const y = trace.nodeAt(i);
        if (s < 0 || y === s) continue;
        this.atTime(t);
        if (this.splits(y)) this.recentArrow.set(uid * K + y, this.addArrow(trace, uid, y, t, 0, undefined));
        else if (this.nodeKind[y] === 'router') this.recentRx.set(uid * K + y, t);
      } else if (kind === k.ethRxDrop || kind === k.ipDrop || kind === k.fwDrop || kind === k.natDrop) {
        const uid = trace.pktAt(i);
        if (uid < 0) continue;
        this.atTime(t);
        const y = trace.nodeAt(i);
        const reason = trace.textAt(i) ?? 'dropped';
        const a = this.recentArrow.get(uid * K + y);
        if (a !== undefined) {
          if (kind === k.ethRxDrop && BENIGN_RX_DROPS.has(reason)) this.flags[a]! |= A_DISCARDED;
          else {
            this.flags[a]! |= A_END_DROP;
            this.reason[a] = this.str(reason);
          }
        } else if (kind !== k.ethRxDrop) {
          // Dropped inside a hidden router: the arrow ends there, with ✕.
          const rx = this.recentRx.get(uid * K + y);
          if (rx !== undefined) {
            this.recentRx.delete(uid * K + y);
            this.recentArrow.set(uid * K + y, this.addArrow(trace, uid, y, rx, A_END_DROP, reason));
          }
        }
      } else if (kind === k.ipDeliver) {
        const uid = trace.pktAt(i);
        if (uid < 0) continue;
        this.atTime(t);
        const y = trace.nodeAt(i);
        const rx = this.recentRx.get(uid * K + y);
        const proto = trace.packetProtoName(uid);
        if (rx !== undefined && proto !== 'arp' && proto !== 'ndp') {
          // Delivered to a hidden router itself (a ping to it, a BGP session): it is an endpoint.
          this.recentRx.delete(uid * K + y);
          this.recentArrow.set(uid * K + y, this.addArrow(trace, uid, y, rx, 0, undefined));
        }
      } else if (kind === k.linkDrop) {
        const uid = trace.pktAt(i);
        if (uid < 0) continue;
        const x = trace.nodeAt(i);
        this.ensureStart(trace, uid, x, t);
        const s = this.startNode[uid]!;
        if (s < 0) continue;
        const link = trace.aAt(i);
        this.addArrow(trace, uid, this.towardsLane(x, link, s), t, A_DROPPED, trace.textAt(i) ?? 'dropped');
      } else if (kind === k.tcpRetransmit) {
        const node = trace.nodeAt(i);
        const text = trace.textAt(i) ?? '';
        // text = "<connection> <reason>"
        const sp = text.indexOf(' ');
        const reason = sp >= 0 ? text.slice(sp + 1) : text;
        if (/^SYN/.test(reason)) {
          // SYN retransmits are traced before the segment is sent.
          this.retransWaiting.set(node, { t, reason });
          continue;
        }
        for (let j = i - 1; j >= 0 && trace.timeAt(j) === t; j--) {
          if (trace.kindAt(j) === k.ipTx && trace.nodeAt(j) === node && trace.pktAt(j) >= 0) {
            this.markRetransmit(trace.pktAt(j), reason);
            break;
          }
        }
      } else if (kind === k.ipTx) {
        const node = trace.nodeAt(i);
        const w = this.retransWaiting.get(node);
        if (w) {
          this.retransWaiting.delete(node);
          if (w.t === t && trace.pktAt(i) >= 0) this.markRetransmit(trace.pktAt(i), w.reason);
        }
      }
    }
    this.processed = end;
  }

  private markRetransmit(uid: number, reason: string): void {
    this.retransmits.set(uid, reason);
  }

  /**
   * The lane a frame dropped on `link` (sent by `from`) was heading for: the far end if it is a
   * lane, else the nearest host beyond it (breadth first, lowest id first), else -1.
   */
  private towardsLane(from: number, link: number, start: number): number {
    const key = `${link}/${from}`;
    const hit = this.towards.get(key);
    if (hit !== undefined) return hit;
    const far = (this.adj.get(from) ?? []).find((e) => e.link === link)?.node;
    let result = -1;
    if (far !== undefined) {
      if (this.splits(far)) result = far;
      else {
        const seen = new Set([from, far]);
        let frontier = [far];
        while (frontier.length > 0 && result < 0) {
          const next: number[] = [];
          for (const n of frontier) {
            for (const e of [...(this.adj.get(n) ?? [])].sort((a, b) => a.node - b.node)) {
              if (seen.has(e.node)) continue;
              seen.add(e.node);
              if (this.nodeKind[e.node] === 'host' || this.splits(e.node)) {
                if (result < 0 || e.node < result) result = e.node;
              } else next.push(e.node);
            }
          }
          frontier = next;
        }
      }
    }
    if (result === start) result = -1;
    this.towards.set(key, result);
    return result;
  }

  /** Index of the first arrow with tEnd >= t. */
  lowerBoundEnd(t: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.tEnd[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  reasonOf(i: number): string | undefined {
    const r = this.reason[i]!;
    return r >= 0 ? this.strings[r] : undefined;
  }
}

const indexes = new WeakMap<TraceBuffer, Map<boolean, LadderIndex>>();

/** The shared ladder index of a trace for a lane mode, brought up to date. */
export function ladderIndexFor(trace: TraceBuffer, topology: Topology | null, showRouters: boolean): LadderIndex {
  let byMode = indexes.get(trace);
  if (!byMode) {
    byMode = new Map();
    indexes.set(trace, byMode);
  }
  let ix = byMode.get(showRouters);
  if (!ix) {
    ix = new LadderIndex({ showRouters });
    byMode.set(showRouters, ix);
  }
  ix.sync(trace, topology);
  return ix;
}
