/**
 * Queue disciplines on a link's transmit side (one per direction): drop-tail, CoDel
 * (RFC 8289) and fq_codel (RFC 8290). The link calls `enqueue` when a frame arrives and
 * `dequeue` whenever the transmitter is free. Time is integer ns and is always passed in.
 *
 * ECN (RFC 3168 §5): an AQM may mark instead of drop when the packet is ECN-capable (ECT(0) or
 * ECT(1)); the link then rewrites the IP header's ECN field to CE and fixes the checksum.
 */
import type { Frame } from '../frame.ts';

export interface QueuedFrame {
  readonly frame: Frame;
  /** Frame length in bytes (what byte limits and fq_codel quanta count). */
  readonly bytes: number;
  /** Flow hash (5-tuple) for fair queueing; 0 for non-IP frames. */
  readonly flowHash: number;
  /** The IP header says ECT(0)/ECT(1): it may be CE-marked instead of dropped. */
  readonly ecnCapable: boolean;
  /** Time the frame entered the queue (set by the qdisc on enqueue). */
  enqueuedAt: number;
}

export interface DequeueResult {
  /** The frame to transmit, or undefined if the queue is empty (after any AQM drops). */
  readonly item?: QueuedFrame;
  /** Mark this frame CE instead of having dropped it (RFC 3168). */
  readonly markCe?: boolean;
  /** Frames the AQM dropped at dequeue time (CoDel drops from the head), with a reason. */
  readonly dropped: ReadonlyArray<{ item: QueuedFrame; reason: string }>;
}

export interface Qdisc {
  readonly kind: QdiscKind;
  /** Packets currently queued. */
  readonly length: number;
  /** Bytes currently queued. */
  readonly bytes: number;
  /**
   * Adds a frame; returns a drop reason if the frame was refused (tail drop), else undefined.
   * For fq_codel, an overflowing enqueue may drop from the fattest flow instead: those are
   * reported in `evicted` (if the arriving frame itself is evicted, it is reported as `refused`).
   */
  enqueue(item: QueuedFrame, now: number): { refused?: string; evicted?: ReadonlyArray<{ item: QueuedFrame; reason: string }> };
  dequeue(now: number): DequeueResult;
}

export type QdiscKind = 'droptail' | 'codel' | 'fq_codel';

export interface QdiscConfig {
  kind: QdiscKind;
  /** Packet limit (drop-tail limit; CoDel/fq_codel hard limit, Linux default 10240 for fq_codel, 1000 for codel). */
  limit: number;
  /** CoDel target (ns), RFC 8289 default 5 ms. */
  targetNs?: number;
  /** CoDel interval (ns), RFC 8289 default 100 ms. */
  intervalNs?: number;
  /** Mark ECN-capable packets instead of dropping (Linux default: codel ecn off, fq_codel ecn on). */
  ecn?: boolean;
  /** fq_codel: number of flow queues (default 1024) and quantum in bytes (default 1514). */
  flows?: number;
  quantum?: number;
  /** Largest frame in bytes (CoDel never drops when no more than this is queued, RFC 8289 §5.5). */
  mtuBytes?: number;
}
