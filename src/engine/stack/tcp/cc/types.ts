/**
 * Congestion control as plug-ins (like Linux's tcp_congestion_ops). The socket owns loss
 * detection and recovery (RFC 5681/6582/6675); the algorithm owns cwnd, ssthresh and the
 * pacing rate. All sizes are in bytes, times in integer nanoseconds, rates in bytes/second.
 *
 * Call order per ACK: the socket updates its RTT estimator, builds a RateSample, then calls
 * `onAck`. When it detects loss (3 dup ACKs / RFC 6675 IsLost) it calls `onCongestionEvent`
 * once per recovery episode (RFC 5681 §3.2), `onRecoveryExit` when the recovery point is
 * acknowledged, and `onRto` when the retransmission timer fires (RFC 5681 §3.1 eq. 4).
 * An ECN-Echo (RFC 3168 §6.1.2) is a congestion event too, at most once per RTT.
 */

/** Delivery-rate sample (draft-cheng-iccrg-delivery-rate-estimation §3). */
export interface RateSample {
  /** Bytes delivered (cumulatively ACKed or SACKed) during the sample interval. */
  readonly delivered: number;
  /** Sample interval in ns (max of send and ACK elapsed); 0 when no sample. */
  readonly intervalNs: number;
  /** delivered / interval in bytes per second; 0 when no valid sample. */
  readonly deliveryRate: number;
  /** RTT of the most recently sent segment this ACK covered, in ns (-1 if none). */
  readonly rttNs: number;
  /** The sample was taken while the sender was application-limited. */
  readonly isAppLimited: boolean;
  /** Bytes in flight before this ACK was processed. */
  readonly priorInFlight: number;
  /** Bytes newly marked lost while processing this ACK. */
  readonly newlyLost: number;
  /** Bytes newly acknowledged (cumulative + SACK) by this ACK. */
  readonly newlyAcked: number;
  /** Total bytes delivered over the connection's lifetime after this ACK ("C.delivered"). */
  readonly totalDelivered: number;
}

export interface AckEvent {
  readonly now: number;
  /** Bytes newly acknowledged by this ACK (cumulative + SACK). 0 for a pure duplicate. */
  readonly ackedBytes: number;
  /** Bytes in flight after processing the ACK. */
  readonly inflight: number;
  /** Smoothed RTT and the minimum RTT seen so far, ns (0 if none yet). */
  readonly srttNs: number;
  readonly minRttNs: number;
  /** The latest valid RTT sample from this ACK (Karn's rule applied), or -1. */
  readonly rttSampleNs: number;
  /** The socket is in fast recovery (RFC 6582/6675): Reno/CUBIC must not grow cwnd then. */
  readonly inRecovery: boolean;
  /** True when the sender had less data than cwnd allowed (cwnd should not grow: RFC 7661). */
  readonly appLimited: boolean;
  readonly rs: RateSample;
}

export interface CongestionControl {
  readonly name: CongestionControlName;
  /** Congestion window in bytes. */
  readonly cwnd: number;
  /** Slow-start threshold in bytes (Infinity initially, RFC 5681 §3.1). */
  readonly ssthresh: number;
  /** Pacing rate in bytes/s; 0 means "do not pace" (send as the window allows). */
  readonly pacingRate: number;
  /** Called once when the connection is established; `initialCwnd` per RFC 6928 (10 × MSS). */
  init(mss: number, initialCwnd: number, now: number): void;
  onAck(e: AckEvent): void;
  /** Loss detected by dup ACKs/SACK, or ECN-Echo: reduce once (RFC 5681 §3.2 step 2, RFC 9438 §4.6). */
  onCongestionEvent(now: number, inflight: number, cause: 'loss' | 'ecn'): void;
  onRecoveryExit(now: number): void;
  /** The RTO fired (RFC 5681 §3.1 eq. 4 for loss-based algorithms; cwnd = 1 MSS). */
  onRto(now: number, inflight: number): void;
  /** Human-readable state for `ss -i`/traces, e.g. "bbr:(bw:95.2Mbps,mrtt:20.1,pacing_gain:1.25,cwnd_gain:2)". */
  describe(): string;
}

export type CongestionControlName = 'reno' | 'cubic' | 'bbr';
