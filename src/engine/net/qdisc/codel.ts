/**
 * CoDel, Controlled Delay AQM (RFC 8289), as a single-FIFO qdisc plus the per-queue state machine
 * (`CodelMachine`) that fq_codel reuses for each of its flow queues.
 *
 * CoDel watches the sojourn time (now − enqueuedAt, measured at dequeue) of the packets it
 * sends. Once sojourn time has stayed at or above `target` (5 ms) for a whole `interval`
 * (100 ms), it enters the dropping state: it drops (or, with ECN, CE-marks) one head packet and
 * schedules the next drop at control_law(t) = t + interval/√count, so the drop rate rises
 * slowly until the standing queue is gone. One packet below target (or a queue holding at most
 * one MTU of bytes) ends the dropping state.
 *
 * The state machine follows the RFC 8289 §5 pseudocode and Linux `include/net/codel_impl.h`
 * (codel_should_drop, codel_dequeue), from which it takes:
 * - the re-entry rule: when dropping starts again soon after it stopped (now − drop_next <
 *   16·interval) and the last cycle dropped more than one packet (delta = count − lastcount > 1),
 *   count restarts at delta rather than 1 (RFC 8289 §5.5 uses the same rule);
 * - the MTU rule: no drop while the backlog after taking the packet is ≤ one MTU (`mtuBytes`,
 *   Linux psched_mtu = 1514 for Ethernet; the RFC's MAXPACKET);
 * - ECN: when `ecn` is on and the packet is ECT(0)/ECT(1), mark CE instead of dropping; a mark
 *   counts like a drop (count++, next drop scheduled) but the packet is sent (RFC 3168 §5);
 * - `first_above_time` armed at now + interval and fired strictly after it (codel_time_after).
 * Two deliberate differences: an empty queue resets first_above_time (RFC 8289 dodequeue; Linux
 * leaves it alone when the queue was already empty), and √count is exact rather than Linux's
 * Newton-iterated fixed-point reciprocal (see `codelControlLaw`).
 *
 * All times are integer nanoseconds. Drops happen only at dequeue, from the head.
 */
import { FrameFifo, NO_DROPS } from './droptail.ts';
import type { DequeueResult, Qdisc, QdiscKind, QueuedFrame } from './types.ts';

export const CODEL_TARGET_NS = 5_000_000;
export const CODEL_INTERVAL_NS = 100_000_000;
/** Linux psched_mtu(): interface MTU 1500 + Ethernet header 14. */
export const CODEL_MTU_BYTES = 1514;

export interface CodelParams {
  readonly targetNs: number;
  readonly intervalNs: number;
  /** CE-mark ECN-capable packets instead of dropping them. */
  readonly ecn: boolean;
  /** Never drop while the queue (after dequeue) holds at most this many bytes (RFC 8289 MAXPACKET). */
  readonly mtuBytes: number;
}

export interface CodelOptions {
  /** Hard packet limit (Linux sch_codel default 1000). */
  limit: number;
  targetNs?: number;
  intervalNs?: number;
  ecn?: boolean;
  mtuBytes?: number;
}

/** Validated CoDel parameters with RFC 8289 / Linux defaults filled in. */
export function codelParams(o: Omit<CodelOptions, 'limit'>, ecnDefault: boolean): CodelParams {
  const p: CodelParams = {
    targetNs: o.targetNs ?? CODEL_TARGET_NS,
    intervalNs: o.intervalNs ?? CODEL_INTERVAL_NS,
    ecn: o.ecn ?? ecnDefault,
    mtuBytes: o.mtuBytes ?? CODEL_MTU_BYTES,
  };
  for (const [name, v] of [['targetNs', p.targetNs], ['intervalNs', p.intervalNs]] as const) {
    if (!Number.isSafeInteger(v) || v <= 0) throw new RangeError(`codel ${name} must be a positive integer (ns), got ${v}`);
  }
  if (!Number.isSafeInteger(p.mtuBytes) || p.mtuBytes < 0) throw new RangeError(`codel mtuBytes must be a non-negative integer, got ${p.mtuBytes}`);
  return p;
}

/**
 * RFC 8289 control law: t + interval/√count, rounded down to whole nanoseconds.
 *
 * The quotient is exact: a Math.sqrt estimate (IEEE-754 sqrt is correctly rounded in every JS
 * engine, but ECMAScript does not promise it) is corrected with integer BigInt arithmetic to the
 * largest q with q²·count ≤ interval², so the result never depends on the engine's floating
 * point. BigInt runs only once per drop, not per packet.
 */
export function codelControlLaw(t: number, interval: number, count: number): number {
  if (count <= 1) return t + interval;
  let q = Math.floor(interval / Math.sqrt(count));
  const i2 = BigInt(interval) * BigInt(interval);
  const c = BigInt(count);
  while (BigInt(q + 1) * BigInt(q + 1) * c <= i2) q++;
  while (q > 0 && BigInt(q) * BigInt(q) * c > i2) q--;
  return t + q;
}

/** The queue a CodelMachine guards: it takes packets from the head and looks at the backlog. */
export interface CodelQueue {
  /** Removes and returns the head packet, or undefined when empty. */
  shift(): QueuedFrame | undefined;
  /** Bytes still queued, for the MTU rule (fq_codel passes the whole qdisc's backlog, as Linux does). */
  readonly bytes: number;
}

export type DropList = Array<{ item: QueuedFrame; reason: string }>;

function ms(ns: number): string {
  return `${+(ns / 1e6).toFixed(3)} ms`;
}

/** Per-queue CoDel state (Linux struct codel_vars) and the dequeue-time control loop. */
export class CodelMachine {
  /** Packets dropped or marked since dropping began (grows the drop rate as √count). */
  count = 0;
  /** count when the dropping state was last entered (for the re-entry rule). */
  lastCount = 0;
  /** In the dropping state. */
  dropping = false;
  /** When sojourn time has been above target for an interval (0: sojourn is below target). */
  firstAboveTime = 0;
  /** Time of the next scheduled drop while dropping. */
  dropNext = 0;
  /** Sojourn time of the last packet examined (Linux ldelay). */
  ldelay = 0;
  /** Totals for views: packets dropped and CE-marked by this machine. */
  drops = 0;
  marks = 0;

  constructor(
    readonly params: CodelParams,
    /** Prefix of drop reasons, e.g. "codel" or "fq_codel". */
    private readonly label: string,
  ) {}

  /** RFC 8289 dodequeue / Linux codel_should_drop: ok to drop once above target for an interval. */
  private shouldDrop(item: QueuedFrame | undefined, q: CodelQueue, now: number): boolean {
    if (item === undefined) {
      this.firstAboveTime = 0;
      return false;
    }
    this.ldelay = now - item.enqueuedAt;
    const p = this.params;
    if (this.ldelay < p.targetNs || q.bytes <= p.mtuBytes) {
      this.firstAboveTime = 0;
      return false;
    }
    if (this.firstAboveTime === 0) {
      this.firstAboveTime = now + p.intervalNs;
      return false;
    }
    return now > this.firstAboveTime;
  }

  private drop(item: QueuedFrame, drops: DropList): void {
    this.drops++;
    drops.push({ item, reason: `${this.label}: sojourn ${ms(this.ldelay)} above target ${ms(this.params.targetNs)} (count ${this.count})` });
  }

  private canMark(item: QueuedFrame): boolean {
    if (!this.params.ecn || !item.ecnCapable) return false;
    this.marks++;
    return true;
  }

  /**
   * Takes the next packet to send from `q`, dropping from the head as the control law says
   * (drops are appended to `drops`). `markCe`: send the packet CE-marked (it replaced a drop).
   */
  dequeue(q: CodelQueue, now: number, drops: DropList): { item: QueuedFrame | undefined; markCe: boolean } {
    let item = q.shift();
    if (item === undefined) {
      this.dropping = false;
      this.firstAboveTime = 0;
      return { item, markCe: false };
    }
    const p = this.params;
    const ok = this.shouldDrop(item, q, now);
    if (this.dropping) {
      if (!ok) {
        // Sojourn time went below target: leave the dropping state.
        this.dropping = false;
      } else {
        // Drop at each scheduled time that has passed; a big backlog may need several at once.
        while (this.dropping && item !== undefined && now >= this.dropNext) {
          this.count++;
          if (this.canMark(item)) {
            this.dropNext = codelControlLaw(this.dropNext, p.intervalNs, this.count);
            return { item, markCe: true };
          }
          this.drop(item, drops);
          item = q.shift();
          if (!this.shouldDrop(item, q, now)) this.dropping = false;
          else this.dropNext = codelControlLaw(this.dropNext, p.intervalNs, this.count);
        }
      }
      return { item, markCe: false };
    }
    if (!ok) return { item, markCe: false };
    // Enter the dropping state. Re-entry soon after the last dropping state resumes near the
    // drop rate that worked then (Linux computes this after the first drop; nothing it reads
    // changes in between, so doing it first lets the drop reason show the count).
    const delta = this.count - this.lastCount;
    this.count = delta > 1 && now - this.dropNext < 16 * p.intervalNs ? delta : 1;
    this.lastCount = this.count;
    this.dropping = true;
    this.dropNext = codelControlLaw(now, p.intervalNs, this.count);
    // Drop (or mark) this packet now; later drops are paced by the control law.
    if (this.canMark(item)) return { item, markCe: true };
    this.drop(item, drops);
    item = q.shift();
    this.shouldDrop(item, q, now);
    return { item, markCe: false };
  }
}

/** CoDel on one FIFO (Linux sch_codel): hard packet limit at enqueue, CoDel at dequeue. */
export class CoDel implements Qdisc {
  readonly kind: QdiscKind = 'codel';
  readonly limit: number;
  /** The control loop's state, for views (dropping, count, ldelay, drops, marks). */
  readonly codel: CodelMachine;
  private readonly fifo = new FrameFifo();

  /** ECN marking defaults to off, as in Linux sch_codel. */
  constructor(opts: CodelOptions) {
    if (!Number.isInteger(opts.limit) || opts.limit < 1) throw new RangeError(`codel limit must be a positive integer, got ${opts.limit}`);
    this.limit = opts.limit;
    this.codel = new CodelMachine(codelParams(opts, false), 'codel');
  }

  get length(): number {
    return this.fifo.length;
  }

  get bytes(): number {
    return this.fifo.bytes;
  }

  enqueue(item: QueuedFrame, now: number): { refused?: string } {
    if (this.fifo.length >= this.limit) return { refused: 'queue full (codel limit)' };
    item.enqueuedAt = now;
    this.fifo.push(item);
    return {};
  }

  dequeue(now: number): DequeueResult {
    const drops: DropList = [];
    const r = this.codel.dequeue(this.fifo, now, drops);
    const dropped = drops.length > 0 ? drops : NO_DROPS;
    if (r.item === undefined) return { dropped };
    return r.markCe ? { item: r.item, markCe: true, dropped } : { item: r.item, dropped };
  }
}
