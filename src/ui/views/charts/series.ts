/**
 * Chart series extraction (pure, no DOM, no d3): per TCP flow (cwnd, ssthresh, RTT samples and
 * SRTT, bytes in flight, retransmissions, goodput) and per link (queue length per direction,
 * drops), read from the typed trace columns. Extractors are incremental: each `update()` scans
 * only the events appended since the previous one, so a live run costs what it adds.
 */
import type { TraceBuffer } from '../../trace/trace-buffer.ts';
import { ConnectionNames } from '../events/flows.ts';

/** A growable series of (time ns, value, trace event index) points, sorted by time. */
export class Series {
  t = new Float64Array(256);
  v = new Float64Array(256);
  ev = new Int32Array(256);
  length = 0;

  push(t: number, v: number, ev: number): void {
    if (this.length === this.t.length) {
      const n = this.t.length * 2;
      const t2 = new Float64Array(n);
      t2.set(this.t);
      const v2 = new Float64Array(n);
      v2.set(this.v);
      const e2 = new Int32Array(n);
      e2.set(this.ev);
      this.t = t2;
      this.v = v2;
      this.ev = e2;
    }
    this.t[this.length] = t;
    this.v[this.length] = v;
    this.ev[this.length] = ev;
    this.length++;
  }

  /** Index of the first point with time >= t. */
  lowerBoundTime(t: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.t[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Number of points from events before `events` (the part of the series at or before the cursor). */
  countBeforeEvent(events: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ev[mid]! < events) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The value in effect at time t (last point at or before t), or NaN. */
  valueAt(t: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.t[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? this.v[lo - 1]! : NaN;
  }

  get firstT(): number {
    return this.length ? this.t[0]! : NaN;
  }
  get lastT(): number {
    return this.length ? this.t[this.length - 1]! : NaN;
  }
}

/** Marker points with a label (retransmission reason, drop reason). */
export class Markers extends Series {
  labels: string[] = [];
  mark(t: number, v: number, ev: number, label: string): void {
    this.push(t, v, ev);
    this.labels.push(label);
  }
}

function kindIds(trace: TraceBuffer, names: readonly string[]): number[] {
  return names.map((n) => trace.kindId(n));
}

export interface FlowSeries {
  readonly flow: string;
  /** The far end's name for the same connection (goodput is measured there), if known. */
  readonly peer: string | null;
  readonly cwnd: Series;
  /** NaN where ssthresh is still infinite (no loss yet). */
  readonly ssthresh: Series;
  readonly rttSample: Series;
  readonly srtt: Series;
  readonly inflight: Series;
  readonly pacing: Series;
  /** Retransmissions: value = cwnd at that time; label = reason. */
  readonly retransmits: Markers;
  /** Bytes of new data per receive event at the peer (in-order progress of the highest byte). */
  readonly received: Series;
  /** Bytes of new data per send event at the flow's end (fallback when the peer is unknown). */
  readonly sent: Series;
  /** Largest data segment the flow sent (bytes), for "packets" units. */
  readonly mss: number;
}

/** Incremental extraction of one TCP flow's series. */
export class FlowExtractor {
  private scanned = 0;
  private readonly k: number[];
  private readonly s: { -readonly [K in keyof FlowSeries]: FlowSeries[K] };
  // Sequence numbers in the trace are relative to the ISN; data starts at 1 (the SYN takes 0).
  private highestRx = 1;
  private highestTx = 1;
  private lastCwnd = NaN;
  private readonly names: ConnectionNames;

  constructor(
    private readonly trace: TraceBuffer,
    flow: string,
    peer: string | null,
  ) {
    this.names = new ConnectionNames(trace);
    this.k = kindIds(trace, ['tcp.cwnd', 'tcp.rtt', 'tcp.inflight', 'tcp.retransmit', 'tcp.rx', 'tcp.tx']);
    this.s = {
      flow,
      peer,
      cwnd: new Series(),
      ssthresh: new Series(),
      rttSample: new Series(),
      srtt: new Series(),
      inflight: new Series(),
      pacing: new Series(),
      retransmits: new Markers(),
      received: new Series(),
      sent: new Series(),
      mss: 0,
    };
  }

  update(): FlowSeries {
    const t = this.trace;
    const [kCwnd, kRtt, kInflight, kRetx, kRx, kTx] = this.k as [number, number, number, number, number, number];
    const s = this.s;
    for (let i = this.scanned; i < t.length; i++) {
      const kind = t.kindAt(i);
      if (kind !== kCwnd && kind !== kRtt && kind !== kInflight && kind !== kRetx && kind !== kRx && kind !== kTx) continue;
      const conn = this.names.at(i);
      if (conn === null) continue;
      const time = t.timeAt(i);
      if (conn === s.flow) {
        if (kind === kCwnd) {
          this.lastCwnd = t.aAt(i);
          s.cwnd.push(time, t.aAt(i), i);
          const ss = t.bAt(i);
          s.ssthresh.push(time, ss < 0 ? NaN : ss, i);
        } else if (kind === kRtt) {
          s.rttSample.push(time, t.aAt(i), i);
          s.srtt.push(time, t.bAt(i), i);
        } else if (kind === kInflight) {
          s.inflight.push(time, t.aAt(i), i);
          s.pacing.push(time, t.bAt(i), i);
        } else if (kind === kRetx) {
          const text = t.textAt(i) ?? '';
          s.retransmits.mark(time, this.lastCwnd, i, text.slice(conn.length + 1) || 'retransmission');
        } else if (kind === kTx) {
          const len = t.bAt(i);
          if (len > s.mss) s.mss = len;
          const end = t.aAt(i) + len;
          if (end > this.highestTx) {
            s.sent.push(time, end - this.highestTx, i);
            this.highestTx = end;
          }
        }
      } else if (conn === s.peer && kind === kRx) {
        const end = t.aAt(i) + t.bAt(i);
        if (t.bAt(i) > 0 && end > this.highestRx) {
          s.received.push(time, end - this.highestRx, i);
          this.highestRx = end;
        }
      }
    }
    this.scanned = t.length;
    return s;
  }
}

export interface QueueDirection {
  /** Sending interface id (the queue's owner). */
  readonly iface: number;
  /** Sending node id. */
  readonly node: number;
  readonly length: Series;
  /** Drops on this queue (value = queue length then; label = reason). */
  readonly drops: Markers;
  /** AQM CE marks. */
  readonly marks: Series;
}

export interface LinkSeries {
  readonly link: number;
  /** One entry per direction that queued anything, in order of first appearance. */
  readonly directions: readonly QueueDirection[];
}

/** Incremental extraction of a link's queue lengths (link.enqueue/dequeue/drop/mark). */
export class LinkExtractor {
  private scanned = 0;
  private readonly k: number[];
  private readonly dirs = new Map<number, QueueDirection>();
  private readonly order: QueueDirection[] = [];

  constructor(
    private readonly trace: TraceBuffer,
    readonly link: number,
  ) {
    this.k = kindIds(trace, ['link.enqueue', 'link.dequeue', 'link.drop', 'link.mark']);
  }

  update(): LinkSeries {
    const t = this.trace;
    const [kEnq, kDeq, kDrop, kMark] = this.k as [number, number, number, number];
    for (let i = this.scanned; i < t.length; i++) {
      const kind = t.kindAt(i);
      if (kind !== kEnq && kind !== kDeq && kind !== kDrop && kind !== kMark) continue;
      if (t.aAt(i) !== this.link) continue;
      const iface = t.ifaceAt(i);
      let d = this.dirs.get(iface);
      if (!d) {
        d = { iface, node: t.nodeAt(i), length: new Series(), drops: new Markers(), marks: new Series() };
        this.dirs.set(iface, d);
        this.order.push(d);
      }
      const time = t.timeAt(i);
      const q = t.bAt(i);
      d.length.push(time, q, i);
      if (kind === kDrop) d.drops.mark(time, q, i, t.textAt(i) ?? 'drop');
      else if (kind === kMark) d.marks.push(time, q, i);
    }
    this.scanned = t.length;
    return { link: this.link, directions: this.order };
  }
}

/** Per-link count of queue events (enqueue, drop), to pick the most interesting link; incremental. */
export class LinkActivity {
  private scanned = 0;
  readonly counts = new Map<number, number>();
  private readonly kEnq: number;
  private readonly kDrop: number;

  constructor(private readonly trace: TraceBuffer) {
    this.kEnq = trace.kindId('link.enqueue');
    this.kDrop = trace.kindId('link.drop');
  }

  update(): ReadonlyMap<number, number> {
    const t = this.trace;
    for (let i = this.scanned; i < t.length; i++) {
      const k = t.kindAt(i);
      if (k !== this.kEnq && k !== this.kDrop) continue;
      const l = t.aAt(i);
      if (l >= 0) this.counts.set(l, (this.counts.get(l) ?? 0) + 1);
    }
    this.scanned = t.length;
    return this.counts;
  }

  /** The link with the most queue activity, or null. */
  busiest(): number | null {
    let best: number | null = null;
    let n = 0;
    for (const [l, c] of this.counts) if (c > n) [best, n] = [l, c];
    return best;
  }
}

/**
 * A rate series from a series of byte counts: bytes summed per `binNs` bin, as bits per second,
 * one point at each bin's END (drawn as a step that holds until the next bin ends: the rate over
 * the last completed bin, never a bin still in progress). Bins run from the first point's bin to
 * the last point's bin; empty bins in between are zeros. A bin's point carries the index of the
 * last trace event at or before the bin's end, so it is history once the cursor passed the bin.
 * A bin that ends after the trace's last event (still filling in a live run) is left out.
 */
export function rateSeries(bytes: Series, binNs: number, trace: Pick<TraceBuffer, 'upperBound' | 'length' | 'timeAt'>): Series {
  const out = new Series();
  if (bytes.length === 0) return out;
  // A bin the trace has not reached the end of yet (a live run) is still filling: leave it out.
  const traceEnd = trace.length > 0 ? trace.timeAt(trace.length - 1) : -Infinity;
  const t0 = Math.floor(bytes.firstT / binNs) * binNs;
  const n = Math.floor((bytes.lastT - t0) / binNs) + 1;
  const sums = new Float64Array(n);
  for (let i = 0; i < bytes.length; i++) sums[Math.floor((bytes.t[i]! - t0) / binNs)]! += bytes.v[i]!;
  const secs = binNs / 1e9;
  for (let b = 0; b < n; b++) {
    const end = t0 + (b + 1) * binNs;
    if (end - 1 > traceEnd) break;
    out.push(end, (sums[b]! * 8) / secs, trace.upperBound(end - 1) - 1);
  }
  return out;
}
