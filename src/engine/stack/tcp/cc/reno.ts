/**
 * Reno congestion control (RFC 5681 §3.1–3.2), the window part of NewReno (RFC 6582).
 *
 * - Slow start (cwnd < ssthresh): cwnd += min(N, L) per ACK, N = bytes newly acknowledged,
 *   L = 2·SMSS by default (RFC 3465 §2.2 Appropriate Byte Counting); `abcLimitSegments: 1` gives
 *   RFC 5681's cwnd += min(N, SMSS).
 * - Congestion avoidance: byte counting (RFC 5681 §3.1, RFC 3465 §2.1): once a full window's worth
 *   of bytes has been acknowledged, cwnd += SMSS — the integer form of cwnd += SMSS·SMSS/cwnd.
 * - Congestion event (RFC 5681 §3.2 step 2, eq. 4): ssthresh = max(FlightSize/2, 2·SMSS),
 *   cwnd = ssthresh. The socket inflates/deflates the window during fast recovery itself
 *   (RFC 6582 §3.2); `cwnd` here is always the post-recovery value, and `onRecoveryExit` applies
 *   RFC 6582 §3.2 step 3 option 2: cwnd = ssthresh.
 * - RTO (RFC 5681 §3.1 eq. 4 and the paragraph after it): ssthresh = max(FlightSize/2, 2·SMSS),
 *   cwnd = LW = 1·SMSS. If the timer fires again before any new data is acknowledged (the same
 *   segment timed out twice), ssthresh is held constant.
 * - No growth while the socket is in recovery or application-limited (RFC 7661).
 *
 * All values are integer bytes. No pacing (pacingRate 0).
 */
import type { AckEvent, CongestionControl, CongestionControlName } from './types.ts';

export interface RenoOptions {
  /** Slow-start byte-counting limit L in SMSS (RFC 3465 §2.2). Default 2. */
  readonly abcLimitSegments?: number;
}

export class Reno implements CongestionControl {
  readonly name: CongestionControlName = 'reno';
  private mss = 1460;
  private cwndBytes = 0;
  private ssthreshBytes = Infinity;
  /** Bytes acknowledged since cwnd last grew in congestion avoidance. */
  private bytesAcked = 0;
  /** The RTO fired and no new data has been acknowledged since (RFC 5681 eq. 4 note). */
  private rtoPending = false;
  private readonly abcLimit: number;

  constructor(opts: RenoOptions = {}) {
    this.abcLimit = Math.max(1, opts.abcLimitSegments ?? 2);
  }

  get cwnd(): number {
    return this.cwndBytes;
  }

  get ssthresh(): number {
    return this.ssthreshBytes;
  }

  get pacingRate(): number {
    return 0;
  }

  init(mss: number, initialCwnd: number, _now: number): void {
    this.mss = mss;
    this.cwndBytes = Math.max(mss, initialCwnd);
    this.ssthreshBytes = Infinity;
    this.bytesAcked = 0;
    this.rtoPending = false;
  }

  onAck(e: AckEvent): void {
    if (e.ackedBytes <= 0) return;
    this.rtoPending = false;
    if (e.inRecovery || e.appLimited) return;
    if (this.cwndBytes < this.ssthreshBytes) {
      // RFC 5681 §3.1 eq. 2 with RFC 3465 byte counting.
      this.cwndBytes += Math.min(e.ackedBytes, this.abcLimit * this.mss);
      return;
    }
    // RFC 5681 §3.1 eq. 3, byte-counting form.
    this.bytesAcked += e.ackedBytes;
    while (this.bytesAcked >= this.cwndBytes) {
      this.bytesAcked -= this.cwndBytes;
      this.cwndBytes += this.mss;
    }
  }

  onCongestionEvent(_now: number, inflight: number, _cause: 'loss' | 'ecn'): void {
    // RFC 5681 §3.2 step 2 (eq. 4); RFC 3168 §6.1.2 reacts to ECN-Echo the same way.
    this.ssthreshBytes = this.halfFlight(inflight);
    this.cwndBytes = this.ssthreshBytes;
    this.bytesAcked = 0;
  }

  onRecoveryExit(_now: number): void {
    // RFC 6582 §3.2 step 3: "Set cwnd to ssthresh" (the socket's inflation is undone).
    if (Number.isFinite(this.ssthreshBytes)) this.cwndBytes = this.ssthreshBytes;
    this.bytesAcked = 0;
  }

  onRto(_now: number, inflight: number): void {
    // RFC 5681 §3.1: eq. 4 unless the same segment already timed out; then cwnd = LW = 1·SMSS.
    if (!this.rtoPending) this.ssthreshBytes = this.halfFlight(inflight);
    this.rtoPending = true;
    this.cwndBytes = this.mss;
    this.bytesAcked = 0;
  }

  describe(): string {
    const ss = Number.isFinite(this.ssthreshBytes) ? `,ssthresh:${Math.floor(this.ssthreshBytes / this.mss)}` : '';
    return `reno:(cwnd:${Math.floor(this.cwndBytes / this.mss)}${ss})`;
  }

  /** max(FlightSize/2, 2·SMSS), rounded down to whole bytes. */
  private halfFlight(inflight: number): number {
    return Math.max(Math.floor(inflight / 2), 2 * this.mss);
  }
}
