/**
 * CUBIC (RFC 9438). Window formula in segments, state in bytes:
 *
 *   W_cubic(t) = C·(t − K)³ + W_max            (§4.2, Figure 1)
 *   K = cubic_root((W_max − cwnd_epoch) / C)    (§4.2, Figure 2; = cubic_root(W_max·(1−β)/C)
 *                                                when cwnd_epoch = β·W_max)
 *   target = clamp(W_cubic(t + RTT), cwnd, 1.5·cwnd), cwnd += (target − cwnd)/cwnd per segment ACKed
 *   W_est += α_cubic·segments_acked/cwnd, α_cubic = 3(1−β)/(1+β), 1 once W_est ≥ cwnd_prior (§4.3)
 *
 * t counts from the first ACK of the congestion-avoidance stage (the epoch); application-limited
 * stretches are cut out of t (§4.2, §5.8). Constants C = 0.4 (§5), β_cubic = 0.7 (§4.6).
 *
 * Choices (all permitted by the RFC):
 * - §4.6 reduces from cwnd, not flight_size ("Some implementations of CUBIC currently use cwnd
 *   instead of flight_size"); the MUST that comes with it — do not let cwnd grow while flight_size
 *   is smaller — is the socket's `appLimited` flag, on which we do not grow.
 * - Slow start (§4.10) is Reno's with RFC 3465 byte counting, L = 2·SMSS. HyStart++ (RFC 9406) is
 *   not implemented, so the first slow start ends with the first loss.
 * - Spurious-event undo (§4.9) needs a socket hook the contract does not have.
 * - Cube roots use Newton's method on + − × ÷ only, so results are bit-identical in every JS
 *   engine (Math.cbrt is not required to be correctly rounded).
 *
 * Compared with Linux net/ipv4/tcp_cubic.c (qualitatively the same concave/plateau/convex curve):
 * Linux keeps time in 2^-10 s units and takes the cube root from a 64-entry table plus one
 * Newton–Raphson step (cubic_root()); β = 717/1024 and C = 41·10/1024 ≈ 0.4004; it aims at
 * W_cubic(t + min RTT) rather than + SRTT; it grows by counting ACKs per +1 segment (ca->cnt), and
 * with no previous loss it grows at least 5 % per RTT; its Reno-friendly estimate never switches α
 * to 1 (an RFC 9438 change over RFC 8312); and HyStart (delay increase / ACK train) is on by default,
 * so Linux usually leaves the first slow start before any loss; our HyStart++ plays that role.
 * The curves differ by a fraction of a segment per RTT.
 */
import { HYSTART, HyStartPlusPlus } from './hystart.ts';
import type { AckEvent, CongestionControl, CongestionControlName } from './types.ts';

/** RFC 9438 §4.2/§5: C = 0.4 (segments/s³). */
export const CUBIC_C = 0.4;
/** RFC 9438 §4.6: β_cubic = 0.7. */
export const CUBIC_BETA = 0.7;
/** RFC 9438 §4.3: α_cubic = 3(1 − β)/(1 + β) ≈ 0.529. */
export const CUBIC_ALPHA = (3 * (1 - CUBIC_BETA)) / (1 + CUBIC_BETA);

const NS_PER_S = 1e9;

/** Real cube root (sign-preserving) by Newton's method from above; deterministic across engines. */
export function cbrt(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  if (x < 0) return -cbrt(-x);
  let y = 1;
  while (y * y * y < x) y *= 2;
  // f(y) = y³ − x is convex for y > 0, so Newton iterates decrease monotonically to the root.
  for (let i = 0; i < 200; i++) {
    const next = (2 * y + x / (y * y)) / 3;
    if (!(next < y)) break;
    y = next;
  }
  return y;
}

/** RFC 9438 §4.2 (Figure 2 with cwnd_epoch = β·W_max): K = cubic_root(W_max·(1−β)/C), seconds. */
export function cubicK(wMaxSeg: number, beta: number = CUBIC_BETA, c: number = CUBIC_C): number {
  return cbrt((wMaxSeg * (1 - beta)) / c);
}

/** RFC 9438 §4.2 Figure 1: W_cubic(t) = C·(t − K)³ + W_max, in segments. */
export function cubicWindow(tSeconds: number, wMaxSeg: number, k: number, c: number = CUBIC_C): number {
  const d = tSeconds - k;
  return c * d * d * d + wMaxSeg;
}

export interface CubicOptions {
  /** RFC 9438 §4.7 fast convergence. Default on. */
  readonly fastConvergence?: boolean;
  /** Slow-start byte-counting limit L in SMSS (RFC 3465 §2.2). Default 2. */
  readonly abcLimitSegments?: number;
  /** HyStart++ (RFC 9406) in slow start; on by default like Linux's HyStart. */
  readonly hystart?: boolean;
}

export type CubicRegion = 'slow-start' | 'reno-friendly' | 'concave' | 'convex' | 'recovery';

export class Cubic implements CongestionControl {
  readonly name: CongestionControlName = 'cubic';
  private mss = 1460;
  /** cwnd in bytes, fractional internally; `cwnd` exposes whole bytes. */
  private w = 0;
  private ssthreshBytes = Infinity;
  /** W_max in segments; null before the first congestion event. */
  private wMax: number | null = null;
  private k = 0;
  private cwndEpoch = 0;
  /** cwnd_prior (segments): cwnd before the last reduction. */
  private cwndPrior = 0;
  private wEst = 0;
  /** Start of the current congestion-avoidance stage (ns), null until its first ACK. */
  private tEpoch: number | null = null;
  private appLimitedSince: number | null = null;
  /** The next congestion-avoidance stage follows an RTO (§4.8: K = 0, W_max = cwnd_epoch). */
  private afterTimeout = false;
  /** The RTO fired and nothing new was acknowledged since (RFC 5681 eq. 4 note). */
  private rtoPending = false;
  private lastRegion: CubicRegion = 'slow-start';
  private readonly fastConvergence: boolean;
  private readonly abcLimit: number;
  private readonly hystart: HyStartPlusPlus | null;

  constructor(opts: CubicOptions = {}) {
    this.fastConvergence = opts.fastConvergence ?? true;
    this.abcLimit = Math.max(1, opts.abcLimitSegments ?? 2);
    this.hystart = opts.hystart === false ? null : new HyStartPlusPlus();
  }

  get cwnd(): number {
    return Math.max(this.mss, Math.floor(this.w));
  }

  get ssthresh(): number {
    return this.ssthreshBytes;
  }

  get pacingRate(): number {
    return 0;
  }

  /** W_max in segments (NaN before the first congestion event or RTO-started epoch). */
  get wMaxSegments(): number {
    return this.wMax ?? NaN;
  }

  /** K of the current epoch, seconds. */
  get kSeconds(): number {
    return this.k;
  }

  /** cwnd_epoch of the current congestion-avoidance stage, segments. */
  get cwndEpochSegments(): number {
    return this.cwndEpoch;
  }

  /** W_est (§4.3), segments. */
  get wEstSegments(): number {
    return this.wEst;
  }

  /** Which §4 region the last ACK was handled in. */
  get region(): CubicRegion {
    return this.lastRegion;
  }

  init(mss: number, initialCwnd: number, _now: number): void {
    this.mss = mss;
    this.w = Math.max(mss, initialCwnd);
    this.ssthreshBytes = Infinity;
    this.wMax = null;
    this.k = 0;
    this.cwndEpoch = 0;
    this.cwndPrior = 0;
    this.wEst = 0;
    this.tEpoch = null;
    this.appLimitedSince = null;
    this.afterTimeout = false;
    this.rtoPending = false;
    this.lastRegion = 'slow-start';
  }

  onAck(e: AckEvent): void {
    if (e.ackedBytes <= 0) return;
    this.rtoPending = false;
    if (e.inRecovery) {
      this.lastRegion = 'recovery';
      return;
    }
    if (e.appLimited) {
      // §4.2/§5.8: t must not include time during which cwnd was not updated.
      if (this.tEpoch !== null && this.appLimitedSince === null) this.appLimitedSince = e.now;
      return;
    }
    if (this.appLimitedSince !== null) {
      if (this.tEpoch !== null) this.tEpoch += e.now - this.appLimitedSince;
      this.appLimitedSince = null;
    }
    if (this.w < this.ssthreshBytes) {
      // §4.10 slow start, with HyStart++ (RFC 9406) deciding when to leave it.
      const phase = this.hystart ? this.hystart.onAck(e) : 'slow-start';
      if (phase === 'exit') {
        this.ssthreshBytes = this.w;
      } else {
        const inc = Math.min(e.ackedBytes, this.abcLimit * this.mss);
        this.w += phase === 'css' ? Math.floor(inc / HYSTART.CSS_GROWTH_DIVISOR) : inc;
        this.lastRegion = 'slow-start';
        return;
      }
    }
    this.congestionAvoidance(e);
  }

  onCongestionEvent(_now: number, _inflight: number, cause: 'loss' | 'ecn'): void {
    const cwnd = this.cwnd;
    const cwndSeg = cwnd / this.mss;
    // §4.7 fast convergence: the saturation point dropped, release bandwidth sooner.
    this.wMax = this.fastConvergence && this.wMax !== null && cwndSeg < this.wMax ? (cwndSeg * (1 + CUBIC_BETA)) / 2 : cwndSeg;
    this.cwndPrior = cwndSeg;
    // §4.6 multiplicative decrease (from cwnd, see the module comment).
    const reduced = Math.floor(cwnd * CUBIC_BETA);
    this.w = Math.max(reduced, (cause === 'loss' ? 2 : 1) * this.mss);
    this.ssthreshBytes = Math.max(reduced, 2 * this.mss);
    this.tEpoch = null;
    this.appLimitedSince = null;
    this.afterTimeout = false;
    this.lastRegion = 'recovery';
  }

  onRecoveryExit(_now: number): void {
    // cwnd already holds the post-recovery value: it was set at the congestion event and does
    // not grow during recovery. The next ACK starts the new congestion-avoidance epoch.
  }

  onRto(_now: number, _inflight: number): void {
    // §4.8: reduce cwnd like Reno (1 MSS), but ssthresh with β_cubic as in §4.6; held constant if
    // the same segment times out again (RFC 5681 §3.1).
    if (!this.rtoPending) this.ssthreshBytes = Math.max(Math.floor(this.cwnd * CUBIC_BETA), 2 * this.mss);
    this.rtoPending = true;
    this.w = this.mss;
    this.tEpoch = null;
    this.appLimitedSince = null;
    this.afterTimeout = true;
    this.lastRegion = 'slow-start';
    this.hystart?.reset();
  }

  describe(): string {
    const seg = (b: number): number => Math.floor(b / this.mss);
    const ss = Number.isFinite(this.ssthreshBytes) ? `,ssthresh:${seg(this.ssthreshBytes)}` : '';
    const wmax = this.wMax === null ? '' : `,wmax:${fmt(this.wMax)},k:${fmt(this.k)}`;
    return `cubic:(cwnd:${seg(this.cwnd)}${ss}${wmax})`;
  }

  private startEpoch(now: number): void {
    this.tEpoch = now;
    this.cwndEpoch = this.w / this.mss;
    if (this.afterTimeout || this.wMax === null) {
      // §4.8 (and §4.10 for a loss-free slow-start exit): K = 0, W_max = cwnd_epoch.
      this.wMax = this.cwndEpoch;
      this.cwndPrior = this.cwndEpoch;
      this.k = 0;
    } else {
      this.k = cbrt((this.wMax - this.cwndEpoch) / CUBIC_C);
    }
    this.wEst = this.cwndEpoch;
    this.afterTimeout = false;
  }

  private congestionAvoidance(e: AckEvent): void {
    if (this.tEpoch === null) this.startEpoch(e.now);
    const wMax = this.wMax ?? this.cwndEpoch;
    const cwndSeg = this.w / this.mss;
    const segAcked = e.ackedBytes / this.mss;
    const t = (e.now - (this.tEpoch ?? e.now)) / NS_PER_S;
    const rtt = (e.srttNs > 0 ? e.srttNs : Math.max(0, e.minRttNs)) / NS_PER_S;

    // §4.3 Reno-friendly region.
    const alpha = this.wEst >= this.cwndPrior ? 1 : CUBIC_ALPHA;
    this.wEst += (alpha * segAcked) / cwndSeg;
    if (cubicWindow(t, wMax, this.k) < this.wEst) {
      this.lastRegion = 'reno-friendly';
      // "cwnd SHOULD be set to W_est"; never shrink on an ACK (cf. §4.2's lower bound).
      this.w = Math.max(this.w, this.wEst * this.mss);
      return;
    }
    // §4.4 concave / §4.5 convex, with the §4.2 target bounds.
    const target = Math.min(Math.max(cubicWindow(t + rtt, wMax, this.k), cwndSeg), 1.5 * cwndSeg);
    this.lastRegion = cwndSeg < wMax ? 'concave' : 'convex';
    this.w += ((target - cwndSeg) / cwndSeg) * segAcked * this.mss;
  }
}

function fmt(x: number): string {
  return String(Math.round(x * 1000) / 1000);
}
