/**
 * HyStart++ (RFC 9406): leave slow start when the round-trip time starts to grow (a queue is
 * building) instead of at the first loss. Linux CUBIC uses HyStart by default, which is why a
 * real CUBIC flow does not overshoot a deep buffer by 2×; without it a bufferbloated path
 * turns slow start into hundreds of losses.
 *
 * Rounds are counted with the delivery-rate sample (a round ends when a packet sent after the
 * round began is delivered), so the algorithm needs no sequence numbers.
 */
import type { AckEvent } from './types.ts';

/** RFC 9406 §4.3 constants. */
export const HYSTART = {
  MIN_RTT_THRESH_NS: 4e6,
  MAX_RTT_THRESH_NS: 16e6,
  MIN_RTT_DIVISOR: 8,
  N_RTT_SAMPLE: 8,
  CSS_GROWTH_DIVISOR: 4,
  CSS_ROUNDS: 5,
} as const;

export type HyStartPhase = 'slow-start' | 'css' | 'exit';

export class HyStartPlusPlus {
  private lastRoundMinRtt = Infinity;
  private currentRoundMinRtt = Infinity;
  private rttSampleCount = 0;
  private nextRoundDelivered = 0;
  private cssBaselineMinRtt = Infinity;
  private cssRounds = 0;
  inCss = false;

  /** Start over (a new slow-start phase, e.g. after an RTO). */
  reset(): void {
    this.lastRoundMinRtt = Infinity;
    this.currentRoundMinRtt = Infinity;
    this.rttSampleCount = 0;
    this.cssBaselineMinRtt = Infinity;
    this.cssRounds = 0;
    this.inCss = false;
  }

  /** RFC 9406 §4.2, called for each ACK in slow start. */
  onAck(e: AckEvent): HyStartPhase {
    const rs = e.rs;
    const priorDelivered = rs.totalDelivered - rs.delivered;
    if (priorDelivered >= this.nextRoundDelivered) {
      // A new round begins.
      this.nextRoundDelivered = rs.totalDelivered;
      this.lastRoundMinRtt = this.currentRoundMinRtt;
      this.currentRoundMinRtt = Infinity;
      this.rttSampleCount = 0;
      if (this.inCss && ++this.cssRounds >= HYSTART.CSS_ROUNDS) return 'exit';
    }
    if (e.rttSampleNs >= 0) {
      this.currentRoundMinRtt = Math.min(this.currentRoundMinRtt, e.rttSampleNs);
      this.rttSampleCount++;
    }
    if (this.inCss) {
      // §4.2: an RTT back below the baseline means the increase was spurious: resume slow start.
      if (this.currentRoundMinRtt < this.cssBaselineMinRtt) {
        this.inCss = false;
        this.cssRounds = 0;
        this.cssBaselineMinRtt = Infinity;
        return 'slow-start';
      }
      return 'css';
    }
    if (this.rttSampleCount >= HYSTART.N_RTT_SAMPLE && Number.isFinite(this.currentRoundMinRtt) && Number.isFinite(this.lastRoundMinRtt)) {
      const thresh = Math.min(Math.max(this.lastRoundMinRtt / HYSTART.MIN_RTT_DIVISOR, HYSTART.MIN_RTT_THRESH_NS), HYSTART.MAX_RTT_THRESH_NS);
      if (this.currentRoundMinRtt >= this.lastRoundMinRtt + thresh) {
        this.cssBaselineMinRtt = this.currentRoundMinRtt;
        this.inCss = true;
        this.cssRounds = 0;
        return 'css';
      }
    }
    return 'slow-start';
  }
}
