/**
 * BBR v1 (draft-cardwell-iccrg-bbr-congestion-control-00), following Linux net/ipv4/tcp_bbr.c.
 *
 * Model: BtlBw = windowed max of delivery-rate samples over 10 packet-timed rounds; RTprop = min
 * RTT over 10 s. BDP = BtlBw·RTprop. State machine:
 *
 *   Startup (pacing/cwnd gain 2/ln2 ≈ 2.885) ──3 rounds with < 25 % BtlBw growth──▶ Drain
 *   (pacing gain 1/2.885 until inflight ≤ BDP) ──▶ ProbeBW (gains 1.25, 0.75, 1×6, one RTprop each,
 *   random start phase ≠ 0.75) ──10 s without a lower RTT──▶ ProbeRTT (cwnd 4 packets for
 *   max(200 ms, 1 round)) ──▶ back to ProbeBW (or Startup if the pipe was never full).
 *
 * cwnd = cwnd_gain·BDP + quantization budget (3 packets, rounded up to even, +2 in the 1.25 phase:
 * Linux bbr_quantization_budget with tso_segs_goal = 1, no TSO here); pacing rate =
 * pacing_gain·BtlBw·(1 − 1 %). Loss does not reduce the model; during the first round of fast
 * recovery cwnd follows packet conservation (inflight + acked), lost bytes are deducted, and the
 * pre-recovery cwnd is restored on exit (Linux bbr_set_cwnd_to_recover_or_restore). Like Linux,
 * that conservation round and an RTO (cwnd = 1 packet, as tcp_enter_loss) may take cwnd below the
 * 4-packet floor until the next ACK outside recovery.
 *
 * Not modelled (Linux v1 extras): long-term bandwidth sampling for policers (lt_bw), the ACK
 * aggregation allowance (extra_acked), EDT adjustments and idle restart (no TX-start hook).
 * Sizes in bytes (Linux counts packets: we convert with the MSS), rates in bytes/s, times in ns.
 */
import type { AckEvent, CongestionControl, CongestionControlName } from './types.ts';

export type BbrMode = 'startup' | 'drain' | 'probe_bw' | 'probe_rtt';

/** Loss-recovery state as Linux's icsk_ca_state sees it (Open < Recovery < Loss). */
type CaState = 0 | 3 | 4;
const CA_OPEN: CaState = 0;
const CA_RECOVERY: CaState = 3;
const CA_LOSS: CaState = 4;

/** 2/ln 2: the smallest gain that doubles the sending rate each round (draft §4.3.2.1). */
export const BBR_HIGH_GAIN = 2 / Math.LN2;
export const BBR_DRAIN_GAIN = 1 / BBR_HIGH_GAIN;
export const BBR_CWND_GAIN = 2;
export const BBR_PACING_GAIN_CYCLE: readonly number[] = [1.25, 0.75, 1, 1, 1, 1, 1, 1];
/** [pacing_gain, cwnd_gain] per mode (bbr_update_gains); ProbeBW's pacing gain comes from the cycle. */
const GAINS: Readonly<Record<BbrMode, readonly [number, number]>> = {
  startup: [BBR_HIGH_GAIN, BBR_HIGH_GAIN],
  drain: [BBR_DRAIN_GAIN, BBR_HIGH_GAIN], // slow to drain the queue, keep cwnd
  probe_bw: [1, BBR_CWND_GAIN],
  probe_rtt: [1, 1],
};
const CYCLE_RAND = 7;
const BW_FILTER_ROUNDS = 10;
const MIN_RTT_WINDOW_NS = 10_000_000_000;
const PROBE_RTT_DURATION_NS = 200_000_000;
const MIN_CWND_PACKETS = 4;
const INIT_CWND_PACKETS = 10;
const FULL_BW_THRESH = 1.25;
const FULL_BW_COUNT = 3;
const PACING_MARGIN = 0.01;
const TSO_SEGS_GOAL = 1;
const NS_PER_S = 1e9;
const NOMINAL_RTT_NS = 1_000_000;

interface Sample {
  readonly t: number;
  readonly v: number;
}

/** Kathleen Nichols' windowed max filter (Linux lib/win_minmax.c), time measured in rounds. */
class WindowedMax {
  /** Best, second-best and third-best samples of the window, by age. */
  private s: [Sample, Sample, Sample];

  constructor(private readonly win: number) {
    const zero = { t: 0, v: 0 };
    this.s = [zero, zero, zero];
  }

  get value(): number {
    return this.s[0].v;
  }

  update(t: number, v: number): void {
    const val = { t, v };
    if (v >= this.s[0].v || t - this.s[2].t > this.win) {
      this.s = [val, val, val]; // new max, or nothing left in the window
      return;
    }
    if (v >= this.s[1].v) this.s = [this.s[0], val, val];
    else if (v >= this.s[2].v) this.s = [this.s[0], this.s[1], val];
    const dt = t - this.s[0].t;
    if (dt > this.win) {
      // The best sample aged out: promote the second and third choices.
      this.s = [this.s[1], this.s[2], val];
      if (t - this.s[0].t > this.win) this.s = [this.s[1], this.s[2], val];
    } else if (this.s[1].t === this.s[0].t && dt > this.win / 4) {
      this.s = [this.s[0], val, val]; // a quarter of the window passed without a second choice
    } else if (this.s[2].t === this.s[1].t && dt > this.win / 2) {
      this.s = [this.s[0], this.s[1], val]; // half the window passed without a third choice
    }
  }
}

export class Bbr implements CongestionControl {
  readonly name: CongestionControlName = 'bbr';
  private mss = 1460;
  private cwndBytes = 0;
  private ssthreshBytes = Infinity;
  private pacing = 0;
  private bbrMode: BbrMode = 'startup';
  private caState: CaState = CA_OPEN;
  private prevCaState: CaState = CA_OPEN;
  private packetConservation = false;
  private priorCwnd = 0;
  private readonly bw = new WindowedMax(BW_FILTER_ROUNDS);
  private rounds = 0;
  private nextRoundDelivered = 0;
  private roundStart = false;
  private minRtt = Infinity;
  private minRttStamp = 0;
  private probeRttDoneStamp: number | null = null;
  private probeRttRoundDone = false;
  private fullBw = 0;
  private fullBwCount = 0;
  private fullBwReachedFlag = false;
  private cycleIdx = 0;
  private cycleStamp = 0;
  private pacingGainNow = BBR_HIGH_GAIN;
  private cwndGainNow = BBR_HIGH_GAIN;
  private hasSeenRtt = false;
  /** tp->delivered and tp->delivered_mstamp. */
  private delivered = 0;
  private deliveredTime = 0;

  /** `rand` yields [0, 1): the engine passes a seeded stream (random ProbeBW start phase). */
  constructor(private readonly rand: () => number) {}

  get cwnd(): number {
    return this.cwndBytes;
  }
  get ssthresh(): number {
    return this.ssthreshBytes;
  }
  get pacingRate(): number {
    return this.pacing;
  }
  get mode(): BbrMode {
    return this.bbrMode;
  }
  /** BtlBw estimate, bytes/s. */
  get btlBw(): number {
    return this.bw.value;
  }
  /** RTprop estimate, ns (Infinity before the first RTT sample). */
  get minRttNs(): number {
    return this.minRtt;
  }
  get pacingGain(): number {
    return this.pacingGainNow;
  }
  get cwndGain(): number {
    return this.cwndGainNow;
  }
  get cycleIndex(): number {
    return this.cycleIdx;
  }
  get roundCount(): number {
    return this.rounds;
  }
  get fullBwReached(): boolean {
    return this.fullBwReachedFlag;
  }
  /**
   * In ProbeRTT Linux marks the connection application-limited so that low-rate samples do not
   * lower BtlBw (tp->app_limited = delivered + inflight). The contract gives the algorithm no handle
   * on the estimator, so while this is true the socket should call
   * `DeliveryRateEstimator.markAppLimited(inflight)` after `onAck`.
   */
  get wantsAppLimited(): boolean {
    return this.bbrMode === 'probe_rtt';
  }
  /** BDP (BtlBw·RTprop) in bytes, 0 before both are known. */
  get bdpBytes(): number {
    return Number.isFinite(this.minRtt) ? (this.bw.value * this.minRtt) / NS_PER_S : 0;
  }

  init(mss: number, initialCwnd: number, now: number): void {
    this.mss = mss;
    this.cwndBytes = Math.max(mss, initialCwnd);
    this.ssthreshBytes = Infinity;
    this.minRttStamp = now;
    this.deliveredTime = now;
    this.cycleStamp = now;
    this.initPacingFromRtt(0);
    this.bbrMode = 'startup';
    this.updateGains();
  }

  onAck(e: AckEvent): void {
    const rs = e.rs;
    this.delivered = rs.totalDelivered;
    if (e.ackedBytes > 0) this.deliveredTime = e.now;
    // bbr_update_model
    this.updateBw(e);
    if (this.bbrMode === 'probe_bw' && this.isNextCyclePhase(e)) this.advanceCyclePhase();
    this.checkFullBwReached(e);
    this.checkDrain(e);
    this.updateMinRtt(e);
    this.updateGains();
    // bbr_main
    this.setPacingRate(e.srttNs);
    this.setCwnd(e);
  }

  onCongestionEvent(_now: number, _inflight: number, cause: 'loss' | 'ecn'): void {
    // bbr_ssthresh: remember cwnd for the restore; ssthresh itself is left alone. ECN (CWR state)
    // changes nothing else in BBR v1. A fast-recovery episode also ends an RTO's Loss state, in case
    // the socket did not report that one's end.
    this.saveCwnd();
    if (cause === 'loss') this.caState = CA_RECOVERY;
  }

  onRecoveryExit(_now: number): void {
    // The next ACK sees Recovery/Loss → Open and restores the saved cwnd.
    this.caState = CA_OPEN;
  }

  onRto(_now: number, _inflight: number): void {
    // tcp_enter_loss: ssthresh() (save cwnd), cwnd = packets_in_flight + 1 = 1 packet (all marked
    // lost), then bbr_set_state(TCP_CA_Loss).
    this.saveCwnd();
    this.cwndBytes = this.mss;
    this.caState = CA_LOSS;
    this.prevCaState = CA_LOSS;
    this.fullBw = 0;
  }

  describe(): string {
    const mrtt = Number.isFinite(this.minRtt) ? this.minRtt / 1e6 : 0;
    return `bbr:(bw:${formatBw(this.bw.value * 8)}bps,mrtt:${formatG(mrtt)},pacing_gain:${formatG(this.pacingGainNow)},cwnd_gain:${formatG(this.cwndGainNow)})`;
  }

  private updateBw(e: AckEvent): void {
    const rs = e.rs;
    this.roundStart = false;
    if (rs.intervalNs <= 0 || rs.delivered <= 0) return; // not a valid observation
    // A round ends when a packet sent after the previous round's end is delivered.
    const priorDelivered = rs.totalDelivered - rs.delivered;
    if (priorDelivered >= this.nextRoundDelivered) {
      this.nextRoundDelivered = this.delivered;
      this.rounds++;
      this.roundStart = true;
      this.packetConservation = false;
    }
    // App-limited samples only count if they raise the estimate.
    if (!rs.isAppLimited || rs.deliveryRate >= this.bw.value) this.bw.update(this.rounds, rs.deliveryRate);
  }

  private isNextCyclePhase(e: AckEvent): boolean {
    const isFullLength = this.deliveredTime - this.cycleStamp > this.minRtt;
    if (this.pacingGainNow === 1) return isFullLength;
    const bw = this.bw.value;
    if (this.pacingGainNow > 1) {
      const inflight = e.rs.priorInFlight + TSO_SEGS_GOAL * this.mss; // include the next skb (EDT)
      return isFullLength && (e.rs.newlyLost > 0 || inflight >= this.inflightTarget(bw, this.pacingGainNow));
    }
    return isFullLength || e.rs.priorInFlight <= this.inflightTarget(bw, 1);
  }

  private advanceCyclePhase(): void {
    this.cycleIdx = (this.cycleIdx + 1) % BBR_PACING_GAIN_CYCLE.length;
    this.cycleStamp = this.deliveredTime;
  }

  private checkFullBwReached(e: AckEvent): void {
    if (this.fullBwReachedFlag || !this.roundStart || e.rs.isAppLimited) return;
    if (this.bw.value >= this.fullBw * FULL_BW_THRESH) {
      this.fullBw = this.bw.value;
      this.fullBwCount = 0;
      return;
    }
    this.fullBwCount++;
    this.fullBwReachedFlag = this.fullBwCount >= FULL_BW_COUNT;
  }

  private checkDrain(e: AckEvent): void {
    if (this.bbrMode === 'startup' && this.fullBwReachedFlag) {
      this.bbrMode = 'drain';
      this.ssthreshBytes = this.inflightTarget(this.bw.value, 1);
    }
    if (this.bbrMode === 'drain' && e.inflight <= this.inflightTarget(this.bw.value, 1)) this.resetProbeBwMode();
  }

  private updateMinRtt(e: AckEvent): void {
    const now = e.now;
    const rtt = e.rs.rttNs >= 0 ? e.rs.rttNs : e.rttSampleNs;
    const expired = now > this.minRttStamp + MIN_RTT_WINDOW_NS;
    if (rtt >= 0 && (rtt < this.minRtt || expired)) {
      this.minRtt = rtt;
      this.minRttStamp = now;
    }
    if (expired && this.bbrMode !== 'probe_rtt') {
      this.bbrMode = 'probe_rtt'; // dip, drain the queue
      this.saveCwnd();
      this.probeRttDoneStamp = null;
    }
    if (this.bbrMode !== 'probe_rtt') return;
    // Hold at most 4 packets in flight for max(200 ms, one round).
    if (this.probeRttDoneStamp === null && e.inflight <= MIN_CWND_PACKETS * this.mss) {
      this.probeRttDoneStamp = now + PROBE_RTT_DURATION_NS;
      this.probeRttRoundDone = false;
      this.nextRoundDelivered = this.delivered;
    } else if (this.probeRttDoneStamp !== null) {
      if (this.roundStart) this.probeRttRoundDone = true;
      if (this.probeRttRoundDone && now > this.probeRttDoneStamp) {
        this.minRttStamp = now; // wait another 10 s before the next ProbeRTT
        this.cwndBytes = Math.max(this.cwndBytes, this.priorCwnd);
        this.resetMode();
      }
    }
  }

  private updateGains(): void {
    const [pacing, cwnd] = GAINS[this.bbrMode];
    this.pacingGainNow = this.bbrMode === 'probe_bw' ? (BBR_PACING_GAIN_CYCLE[this.cycleIdx] ?? 1) : pacing;
    this.cwndGainNow = cwnd;
  }

  private resetMode(): void {
    if (!this.fullBwReachedFlag) this.bbrMode = 'startup';
    else this.resetProbeBwMode();
  }

  private resetProbeBwMode(): void {
    this.bbrMode = 'probe_bw';
    // Start in a random phase other than the 0.75 drain phase (Linux: 7 − rand(7), then advance).
    const r = Math.min(CYCLE_RAND - 1, Math.max(0, Math.floor(this.rand() * CYCLE_RAND)));
    this.cycleIdx = BBR_PACING_GAIN_CYCLE.length - 1 - r;
    this.advanceCyclePhase();
  }

  private saveCwnd(): void {
    if (this.prevCaState < CA_RECOVERY && this.bbrMode !== 'probe_rtt') this.priorCwnd = this.cwndBytes;
    else this.priorCwnd = Math.max(this.priorCwnd, this.cwndBytes);
  }

  private initPacingFromRtt(srttNs: number): void {
    this.hasSeenRtt = srttNs > 0;
    const rtt = srttNs > 0 ? Math.max(srttNs, 1000) : NOMINAL_RTT_NS;
    this.pacing = this.pacingFor((this.cwndBytes * NS_PER_S) / rtt, BBR_HIGH_GAIN);
  }

  private setPacingRate(srttNs: number): void {
    const rate = this.pacingFor(this.bw.value, this.pacingGainNow);
    if (!this.hasSeenRtt && srttNs > 0) this.initPacingFromRtt(srttNs);
    if (this.fullBwReachedFlag || rate > this.pacing) this.pacing = rate;
  }

  private pacingFor(bw: number, gain: number): number {
    return bw * gain * (1 - PACING_MARGIN);
  }

  /** bbr_bdp in whole packets: ceil(bw·min_rtt·gain), or the initial window before any RTT. */
  private bdpPackets(bw: number, gain: number): number {
    if (!Number.isFinite(this.minRtt)) return INIT_CWND_PACKETS;
    return Math.ceil((bw * this.minRtt * gain) / (NS_PER_S * this.mss));
  }

  /** bbr_quantization_budget, packets. */
  private quantizationBudget(packets: number): number {
    let cwnd = packets + 3 * TSO_SEGS_GOAL;
    cwnd += cwnd % 2; // round up to even: fewer delayed ACKs
    if (this.bbrMode === 'probe_bw' && this.cycleIdx === 0) cwnd += 2;
    return cwnd;
  }

  /** bbr_inflight in bytes. */
  private inflightTarget(bw: number, gain: number): number {
    return this.quantizationBudget(this.bdpPackets(bw, gain)) * this.mss;
  }

  private setCwnd(e: AckEvent): void {
    const acked = e.ackedBytes;
    let cwnd = this.cwndBytes;
    if (acked > 0) {
      const r = this.recoverOrRestore(e, acked);
      cwnd = r.cwnd;
      if (!r.conserving) {
        const target = this.inflightTarget(this.bw.value, this.cwndGainNow);
        if (this.fullBwReachedFlag) cwnd = Math.min(cwnd + acked, target);
        else if (cwnd < target || this.delivered < INIT_CWND_PACKETS * this.mss) cwnd += acked;
        cwnd = Math.max(cwnd, MIN_CWND_PACKETS * this.mss);
      }
    }
    if (this.bbrMode === 'probe_rtt') cwnd = Math.min(cwnd, MIN_CWND_PACKETS * this.mss);
    this.cwndBytes = cwnd;
  }

  private recoverOrRestore(e: AckEvent, acked: number): { cwnd: number; conserving: boolean } {
    const state = this.caState;
    const prev = this.prevCaState;
    let cwnd = this.cwndBytes;
    // An ACK for P packets releases at most 2P: deduct losses here, grow toward target later.
    if (e.rs.newlyLost > 0) cwnd = Math.max(cwnd - e.rs.newlyLost, this.mss);
    if (state === CA_RECOVERY && prev !== CA_RECOVERY) {
      // First round of recovery: packet conservation, starting a new round now.
      this.packetConservation = true;
      this.nextRoundDelivered = this.delivered;
      cwnd = Math.max(e.inflight + acked, this.mss); // (Linux counts packets: ≥ 1)
    } else if (prev >= CA_RECOVERY && state < CA_RECOVERY) {
      cwnd = Math.max(cwnd, this.priorCwnd); // recovery over: restore
      this.packetConservation = false;
    }
    this.prevCaState = state;
    if (this.packetConservation) return { cwnd: Math.max(cwnd, e.inflight + acked), conserving: true };
    return { cwnd, conserving: false };
  }
}

/** printf's %g (6 significant digits, trailing zeros removed), as `ss` prints gains and mrtt. */
export function formatG(x: number): string {
  const s = x.toPrecision(6);
  const [mant = s, exp] = s.split('e');
  const trimmed = mant.includes('.') ? mant.replace(/0+$/, '').replace(/\.$/, '') : mant;
  return exp === undefined ? trimmed : `${trimmed}e${exp}`;
}

/** iproute2 ss sprint_bw: bits/s with one decimal and a K/M/G prefix. */
export function formatBw(bitsPerSecond: number): string {
  if (bitsPerSecond >= 1e9) return `${(bitsPerSecond / 1e9).toFixed(1)}G`;
  if (bitsPerSecond >= 1e6) return `${(bitsPerSecond / 1e6).toFixed(1)}M`;
  if (bitsPerSecond >= 1e3) return `${(bitsPerSecond / 1e3).toFixed(1)}K`;
  return formatG(bitsPerSecond);
}
