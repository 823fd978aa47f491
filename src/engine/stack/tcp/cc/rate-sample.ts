/**
 * Delivery-rate estimation (draft-cheng-iccrg-delivery-rate-estimation, as in Linux
 * net/ipv4/tcp_rate.c). The socket drives it:
 *
 *   onSend(id, bytes, now, inflightBefore)   per (re)transmitted packet; keep the returned SentMeta
 *   onDelivered(meta, now)                   per packet newly cumulatively ACKed or SACKed
 *   finishAck(now, priorInFlight, ...)       once per ACK, after all onDelivered calls → RateSample
 *   markAppLimited(inflight)                 when the sender runs out of data (draft §3.4)
 *
 * Names follow the draft: C.* is connection state, P.* a packet's snapshot at send time, rs.* the
 * sample under construction for the current ACK.
 *
 * Invariants: pure integer-ns arithmetic apart from the final bytes/second division; a sample whose
 * interval is shorter than the minimum RTT is discarded (§3.3: ACK compression or a spurious
 * retransmission would overestimate the rate) — then `intervalNs` and `deliveryRate` are 0 but
 * `delivered` still holds C.delivered − rs.prior_delivered, so `totalDelivered − delivered` is
 * always rs.prior_delivered (BBR's round counting needs it).
 */
import type { RateSample } from './types.ts';

/** Per-packet snapshot taken at (re)transmission (the draft's P.* fields). */
export interface SentMeta {
  /** Opaque packet id from the socket (not used for ordering). */
  readonly seq: number;
  readonly bytes: number;
  /** P.sent_time. */
  readonly sentTime: number;
  /** P.delivered: C.delivered when the packet was sent. */
  readonly delivered: number;
  /** P.delivered_time: C.delivered_time when the packet was sent. */
  readonly deliveredTime: number;
  /** P.first_sent_time: C.first_sent_time when the packet was sent. */
  readonly firstSentTime: number;
  /** P.is_app_limited. */
  readonly isAppLimited: boolean;
  /**
   * Transmission order. The draft picks the "newest" acknowledged packet by send time, breaking ties
   * by sequence (Linux tcp_skb_sent_after); in a simulator many packets leave in the same ns, so a
   * send counter gives the same order without needing sequence numbers.
   */
  readonly order: number;
  /** Already counted as delivered (the draft sets P.delivered_time = 0 for this). */
  counted: boolean;
}

const NS_PER_S = 1e9;

export class DeliveryRateEstimator {
  /** C.delivered: bytes delivered so far. */
  private cDelivered = 0;
  /** C.delivered_time. */
  private cDeliveredTime = 0;
  /** C.first_sent_time. */
  private cFirstSentTime = 0;
  /** C.app_limited: 0, or the C.delivered value that ends the app-limited bubble. */
  private cAppLimited = 0;
  private sendOrder = 0;
  /** Minimum RTT seen (ns), for discarding too-short intervals. Infinity until the first sample. */
  private minRttNs = Infinity;

  // rs.* for the ACK being processed.
  private rsHasData = false;
  private rsOrder = -1;
  private rsPriorDelivered = 0;
  private rsIsAppLimited = false;
  private rsSendElapsed = 0;
  /** rs.prior_time: P.delivered_time of the newest delivered packet. */
  private rsPriorTime = 0;

  /** C.delivered. */
  get delivered(): number {
    return this.cDelivered;
  }

  /** True while an app-limited bubble is still in flight (C.app_limited != 0). */
  get appLimited(): boolean {
    return this.cAppLimited !== 0;
  }

  /** Draft §3.2 "Upon transmitting a data packet". `inflightBefore` is bytes in flight before it. */
  onSend(seq: number, bytes: number, now: number, inflightBefore: number): SentMeta {
    if (inflightBefore <= 0) {
      // Nothing in flight: start a new sampling interval at this send.
      this.cFirstSentTime = now;
      this.cDeliveredTime = now;
    }
    return {
      seq,
      bytes,
      sentTime: now,
      delivered: this.cDelivered,
      deliveredTime: this.cDeliveredTime,
      firstSentTime: this.cFirstSentTime,
      isAppLimited: this.cAppLimited !== 0,
      order: this.sendOrder++,
      counted: false,
    };
  }

  /** Draft §3.3 UpdateRateSample(P): one packet newly ACKed or SACKed. */
  onDelivered(meta: SentMeta, now: number): void {
    if (meta.counted) return; // SACKed earlier, now cumulatively ACKed.
    meta.counted = true;
    this.cDelivered += meta.bytes;
    this.cDeliveredTime = now;
    // Use the most recently sent packet to describe the sample.
    if (!this.rsHasData || meta.order > this.rsOrder) {
      this.rsHasData = true;
      this.rsOrder = meta.order;
      this.rsPriorDelivered = meta.delivered;
      this.rsPriorTime = meta.deliveredTime;
      this.rsIsAppLimited = meta.isAppLimited;
      this.rsSendElapsed = meta.sentTime - meta.firstSentTime;
      this.cFirstSentTime = meta.sentTime;
    }
  }

  /**
   * Draft §3.3 GenerateRateSample, once per ACK after every onDelivered. `rttNs` is the ACK's RTT
   * sample (Karn's rule applied) or -1; it also feeds the estimator's minimum RTT.
   */
  finishAck(now: number, priorInFlight: number, newlyLost: number, newlyAcked: number, rttNs: number): RateSample {
    if (rttNs >= 0 && rttNs < this.minRttNs) this.minRttNs = rttNs;
    // Clear the app-limited marker once the bubble has been delivered.
    if (this.cAppLimited !== 0 && this.cDelivered > this.cAppLimited) this.cAppLimited = 0;

    const totalDelivered = this.cDelivered;
    const hasData = this.rsHasData;
    const delivered = this.cDelivered - this.rsPriorDelivered;
    const isAppLimited = this.rsIsAppLimited;
    // interval = max(send_elapsed, ack_elapsed), ack_elapsed = C.delivered_time (this ACK) − P.delivered_time.
    const interval = Math.max(this.rsSendElapsed, now - this.rsPriorTime);
    this.resetRs();

    // Plain object literals (no spreads): this runs once per ACK.
    if (!hasData) return { rttNs, priorInFlight, newlyLost, newlyAcked, totalDelivered, delivered: 0, intervalNs: 0, deliveryRate: 0, isAppLimited: false };
    // Normally interval >= min RTT; a shorter one means ACK compression or a spurious
    // retransmission, which would overestimate the rate: keep the count, drop the rate.
    if (interval <= 0 || interval < this.minRttNs) {
      return { rttNs, priorInFlight, newlyLost, newlyAcked, totalDelivered, delivered, intervalNs: 0, deliveryRate: 0, isAppLimited };
    }
    return { rttNs, priorInFlight, newlyLost, newlyAcked, totalDelivered, delivered, intervalNs: interval, deliveryRate: (delivered * NS_PER_S) / interval, isAppLimited };
  }

  /**
   * Draft §3.4: the sender is application-limited (less data than cwnd allows, nothing pending
   * retransmission). Samples of packets sent until this bubble is delivered are flagged app-limited.
   */
  markAppLimited(inflight: number): void {
    this.cAppLimited = this.cDelivered + inflight || 1;
  }

  private resetRs(): void {
    this.rsHasData = false;
    this.rsOrder = -1;
    this.rsPriorDelivered = 0;
    this.rsPriorTime = 0;
    this.rsIsAppLimited = false;
    this.rsSendElapsed = 0;
  }
}
