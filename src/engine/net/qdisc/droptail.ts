/**
 * Drop-tail: a FIFO with a packet limit, the classic (bufferbloat-prone) transmit queue. An
 * arrival that finds `limit` packets waiting is refused; nothing is ever dropped at dequeue.
 *
 * Also home of `FrameFifo`, the packet FIFO every qdisc here builds on (CoDel's single queue,
 * each fq_codel flow queue). Invariants: `length` and `bytes` equal the count and byte sum of
 * the queued items and are never negative; items leave in arrival order.
 */
import type { DequeueResult, Qdisc, QdiscKind, QueuedFrame } from './types.ts';

/** A shared empty drop list, so the common dequeue allocates only its result object. */
export const NO_DROPS: ReadonlyArray<{ item: QueuedFrame; reason: string }> = Object.freeze([]);

/** Array-backed FIFO with a moving head (amortised O(1) push and shift) and a byte count. */
export class FrameFifo {
  private items: Array<QueuedFrame | undefined> = [];
  private head = 0;
  private byteCount = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  get bytes(): number {
    return this.byteCount;
  }

  push(item: QueuedFrame): void {
    this.items.push(item);
    this.byteCount += item.bytes;
  }

  peek(): QueuedFrame | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  shift(): QueuedFrame | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head]!;
    this.items[this.head] = undefined;
    this.head++;
    this.byteCount -= item.bytes;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
    return item;
  }
}

const ACCEPTED: { refused?: string } = Object.freeze({});
const REFUSED: { refused?: string } = Object.freeze({ refused: 'queue full (drop-tail)' });

export class DropTail implements Qdisc {
  readonly kind: QdiscKind = 'droptail';
  private readonly fifo = new FrameFifo();

  /** `limit`: packets that may wait (not counting the one on the wire), at least 0. */
  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`drop-tail limit must be a non-negative integer, got ${limit}`);
  }

  get length(): number {
    return this.fifo.length;
  }

  get bytes(): number {
    return this.fifo.bytes;
  }

  enqueue(item: QueuedFrame, now: number): { refused?: string } {
    if (this.fifo.length >= this.limit) return REFUSED;
    item.enqueuedAt = now;
    this.fifo.push(item);
    return ACCEPTED;
  }

  dequeue(_now: number): DequeueResult {
    const item = this.fifo.shift();
    return item === undefined ? { dropped: NO_DROPS } : { item, dropped: NO_DROPS };
  }
}
