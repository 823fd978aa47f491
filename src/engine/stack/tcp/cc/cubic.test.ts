import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cbrt, Cubic, CUBIC_ALPHA, CUBIC_BETA, CUBIC_C, cubicK, cubicWindow } from './cubic.ts';
import type { CubicOptions } from './cubic.ts';
import type { AckEvent } from './types.ts';

const MSS = 1000;
const MS = 1_000_000;
const S = 1_000_000_000;

function ackEvent(now: number, ackedBytes: number, extra: Partial<AckEvent> = {}): AckEvent {
  return {
    now,
    ackedBytes,
    inflight: 0,
    srttNs: 100 * MS,
    minRttNs: 100 * MS,
    rttSampleNs: 100 * MS,
    inRecovery: false,
    appLimited: false,
    rs: { delivered: 0, intervalNs: 0, deliveryRate: 0, rttNs: -1, isAppLimited: false, priorInFlight: 0, newlyLost: 0, newlyAcked: ackedBytes, totalDelivered: 0 },
    ...extra,
  };
}

function cubic(initialSegments: number, opts?: CubicOptions): Cubic {
  const c = new Cubic(opts);
  c.init(MSS, initialSegments * MSS, 0);
  return c;
}

/** A CUBIC flow that just reduced from `wMaxSeg` segments on a loss and left recovery. */
function afterLoss(wMaxSeg: number, opts?: CubicOptions): Cubic {
  const c = cubic(wMaxSeg, opts);
  c.onCongestionEvent(0, wMaxSeg * MSS, 'loss');
  c.onRecoveryExit(0);
  return c;
}

/** One round trip on a path with the given RTT: every segment of the window is ACKed, spread over the RTT. */
function ackRound(c: Cubic, start: number, rttNs: number, extra: Partial<AckEvent> = {}): void {
  const segs = Math.max(1, Math.floor(c.cwnd / MSS));
  for (let i = 0; i < segs; i++) c.onAck(ackEvent(start + Math.floor((i * rttNs) / segs), MSS, { srttNs: rttNs, minRttNs: rttNs, ...extra }));
}

describe('CUBIC helpers', () => {
  it('cube root: deterministic Newton iteration agrees with Math.cbrt', () => {
    expect(cbrt(27)).toBe(3);
    expect(cbrt(-8)).toBe(-2);
    expect(cbrt(0)).toBe(0);
    fc.assert(
      fc.property(fc.double({ min: 1e-9, max: 1e12, noNaN: true }), (x) => {
        expect(Math.abs(cbrt(x) - Math.cbrt(x)) / Math.cbrt(x)).toBeLessThan(1e-15);
      }),
    );
  });

  it('RFC 9438 §4.3: α_cubic = 3(1−β)/(1+β) ≈ 0.529 with β = 0.7, C = 0.4', () => {
    expect(CUBIC_BETA).toBe(0.7);
    expect(CUBIC_C).toBe(0.4);
    expect(CUBIC_ALPHA).toBeCloseTo(0.5294, 4);
  });

  it('RFC 9438 §4.2: W_cubic(0) = β·W_max after a reduction', () => {
    fc.assert(
      fc.property(fc.double({ min: 2, max: 1e6, noNaN: true }), (wMax) => {
        const k = cubicK(wMax, CUBIC_BETA, CUBIC_C);
        expect(cubicWindow(0, wMax, k, CUBIC_C)).toBeCloseTo(CUBIC_BETA * wMax, 6);
      }),
    );
  });

  it('RFC 9438 §4.2: W_cubic(K) = W_max', () => {
    fc.assert(
      fc.property(fc.double({ min: 2, max: 1e6, noNaN: true }), (wMax) => {
        expect(cubicWindow(cubicK(wMax), wMax, cubicK(wMax))).toBe(wMax);
      }),
    );
    // K for W_max = 100 segments: cbrt(100·0.3/0.4) = cbrt(75) ≈ 4.217 s.
    expect(cubicK(100)).toBeCloseTo(4.2172, 4);
  });
});

describe('Cubic', () => {
  it('RFC 9438 §4.10: slow start below ssthresh (Reno with byte counting)', () => {
    const c = cubic(10);
    ackRound(c, 0, 100 * MS);
    expect(c.cwnd).toBe(20 * MSS);
    expect(c.region).toBe('slow-start');
    expect(c.describe()).toBe('cubic:(cwnd:20)');
  });

  it('RFC 9438 §4.6: ssthresh = 0.7·cwnd on loss, cwnd = ssthresh (≥ 2 MSS; ≥ 1 MSS on ECE)', () => {
    const c = cubic(100);
    c.onCongestionEvent(0, 100 * MSS, 'loss');
    expect(c.ssthresh).toBe(70 * MSS);
    expect(c.cwnd).toBe(70 * MSS);
    expect(c.wMaxSegments).toBe(100);
    const tiny = cubic(2);
    tiny.onCongestionEvent(0, 2 * MSS, 'loss');
    expect(tiny.ssthresh).toBe(2 * MSS);
    expect(tiny.cwnd).toBe(2 * MSS);
    const ece = cubic(1);
    ece.onCongestionEvent(0, MSS, 'ecn');
    expect(ece.cwnd).toBe(MSS);
    expect(ece.ssthresh).toBe(2 * MSS);
  });

  it('RFC 9438 §4.2: the first ACK of the epoch sees W_cubic(0) = cwnd_epoch = β·W_max and K = cubic_root(W_max(1−β)/C)', () => {
    const c = afterLoss(100);
    c.onAck(ackEvent(1 * S, MSS));
    expect(c.cwndEpochSegments).toBe(70);
    expect(c.kSeconds).toBeCloseTo(cubicK(100), 12);
    expect(cubicWindow(0, c.wMaxSegments, c.kSeconds)).toBeCloseTo(70, 9);
  });

  it('RFC 9438 §4.4–4.5: concave growth up to W_max at t ≈ K, then convex probing', () => {
    const rtt = 100 * MS;
    const c = afterLoss(100);
    const k = cubicK(100);
    const samples: { t: number; w: number; region: string }[] = [];
    for (let r = 0; r < 80; r++) {
      ackRound(c, r * rtt, rtt);
      samples.push({ t: ((r + 1) * rtt) / S, w: c.cwnd / MSS, region: c.region });
    }
    // Plateau: at t = K the window is W_max (the target looks one RTT ahead, so within ~1 segment).
    const atK = samples.find((s) => s.t >= k);
    expect(atK).toBeDefined();
    expect(Math.abs((atK?.w ?? 0) - 100)).toBeLessThan(1.5);
    expect(samples.filter((s) => s.t < k - 0.5).every((s) => s.region === 'concave' && s.w < 100)).toBe(true);
    // Past the plateau the window probes above W_max: convex, or Reno-friendly once W_est (now at
    // α_cubic = 1, §4.3) overtakes the still-slow convex curve.
    expect(samples.filter((s) => s.t > k + 0.5).every((s) => s.region !== 'concave' && s.w > 100)).toBe(true);
    expect(samples.some((s) => s.region === 'convex')).toBe(true);
    // Growth per RTT shrinks toward K and grows after it.
    const step = (i: number): number => (samples[i]?.w ?? 0) - (samples[i - 1]?.w ?? 0);
    expect(step(5)).toBeGreaterThan(step(30));
    expect(step(75)).toBeGreaterThan(step(45));
    // And follows the curve: cwnd after round r ≈ W_cubic(t + RTT) within a segment.
    for (const s of samples.slice(1, 60)) expect(Math.abs(s.w - cubicWindow(s.t, 100, k))).toBeLessThan(2);
  });

  it('RFC 9438 §4.2: target is capped at 1.5·cwnd, so cwnd grows at most 50 % per RTT', () => {
    const c = afterLoss(100);
    c.onAck(ackEvent(0, MSS)); // start the epoch
    const before = c.cwnd;
    ackRound(c, 100 * S, 100 * MS); // t ≫ K: W_cubic(t) is astronomically large
    expect(c.region).toBe('convex');
    expect(c.cwnd / before).toBeLessThanOrEqual(1.5 + 1e-9);
    expect(c.cwnd / before).toBeGreaterThan(1.45);
  });

  it('RFC 9438 §4.3: Reno-friendly region while W_est > W_cubic', () => {
    // Short RTT (1 ms), small window: W_est grows α_cubic per RTT while W_cubic hardly moves.
    const rtt = 1 * MS;
    const c = afterLoss(20);
    const rounds: number[] = [];
    for (let r = 0; r < 30; r++) {
      ackRound(c, r * rtt, rtt);
      rounds.push(c.wEstSegments);
      expect(c.region).toBe('reno-friendly');
      expect(c.cwnd).toBe(Math.floor(c.wEstSegments * MSS));
    }
    // W_est starts at cwnd_epoch = 14 and grows ≈ α_cubic per RTT until it reaches cwnd_prior = 20…
    expect((rounds[4] ?? 0) - (rounds[3] ?? 0)).toBeCloseTo(CUBIC_ALPHA, 1);
    // …then α_cubic = 1: Reno's AIMD(1, 0.5) rate.
    expect((rounds[29] ?? 0) - (rounds[28] ?? 0)).toBeCloseTo(1, 1);
  });

  it('RFC 9438 §4.7: fast convergence sets W_max = cwnd·(1+β)/2 when cwnd < W_max', () => {
    const c = afterLoss(100);
    c.onCongestionEvent(0, 70 * MSS, 'loss'); // a second loss below the old W_max
    expect(c.wMaxSegments).toBeCloseTo(70 * 0.85, 9);
    expect(c.cwnd).toBe(49 * MSS);
    const slow = afterLoss(100, { fastConvergence: false });
    slow.onCongestionEvent(0, 70 * MSS, 'loss');
    expect(slow.wMaxSegments).toBe(70);
  });

  it('RFC 9438 §4.8: RTO sets cwnd to 1 MSS, ssthresh = β·cwnd; the next epoch has K = 0 and W_max = cwnd_epoch', () => {
    const c = cubic(100);
    c.onRto(0, 100 * MSS);
    expect(c.cwnd).toBe(MSS);
    expect(c.ssthresh).toBe(70 * MSS);
    c.onRto(S, MSS); // the same segment again: ssthresh held (RFC 5681 §3.1)
    expect(c.ssthresh).toBe(70 * MSS);
    let t = 2 * S;
    while (c.cwnd < c.ssthresh) c.onAck(ackEvent((t += MS), MSS));
    expect(c.region).toBe('slow-start');
    c.onAck(ackEvent(t + MS, MSS));
    expect(c.kSeconds).toBe(0);
    expect(c.wMaxSegments).toBe(c.cwndEpochSegments);
    expect(c.wEstSegments).toBeGreaterThanOrEqual(c.cwndEpochSegments);
  });

  it('RFC 9438 §4.2/§5.8: application-limited time does not count in t', () => {
    const a = afterLoss(100);
    const b = afterLoss(100);
    a.onAck(ackEvent(0, MSS));
    b.onAck(ackEvent(0, MSS));
    b.onAck(ackEvent(1 * S, MSS, { appLimited: true }));
    b.onAck(ackEvent(3 * S, MSS)); // 2 s app-limited: b's t is 1 s
    a.onAck(ackEvent(1 * S, MSS));
    expect(b.cwnd).toBe(a.cwnd);
  });

  it('no growth during recovery', () => {
    const c = afterLoss(100);
    c.onCongestionEvent(0, 70 * MSS, 'loss');
    const w = c.cwnd;
    ackRound(c, S, 100 * MS, { inRecovery: true });
    expect(c.cwnd).toBe(w);
    expect(c.region).toBe('recovery');
  });

  it('RFC 9438: sawtooth on a fixed path reduces to 0.7·cwnd at each loss, about K apart', () => {
    // One flow alone: without fast convergence every epoch climbs back to the same W_max in ≈ K.
    // (With it, a lone flow alternates W_max between cwnd and 0.85·cwnd — §4.7 working as designed.)
    const rtt = 100 * MS;
    const capacity = 100;
    const c = cubic(10, { fastConvergence: false });
    const losses: { t: number; before: number; after: number }[] = [];
    for (let r = 0; r < 600; r++) {
      const now = r * rtt;
      const before = c.cwnd;
      if (before / MSS > capacity) {
        c.onCongestionEvent(now, before, 'loss');
        losses.push({ t: now / S, before, after: c.cwnd });
        ackRound(c, now, rtt, { inRecovery: true });
        c.onRecoveryExit(now + rtt);
        continue;
      }
      ackRound(c, now, rtt);
    }
    expect(losses.length).toBeGreaterThan(10);
    for (const l of losses) expect(l.after).toBe(Math.floor(l.before * CUBIC_BETA));
    const steady = losses.slice(3);
    for (let i = 1; i < steady.length; i++) {
      const gap = (steady[i]?.t ?? 0) - (steady[i - 1]?.t ?? 0);
      const k = cubicK((steady[i - 1]?.before ?? 0) / MSS);
      // ≈ K: the recovery round and the plateau crossing add time, aiming at W_cubic(t + RTT) saves one RTT.
      expect(gap).toBeGreaterThan(k - 0.3);
      expect(gap).toBeLessThan(k + 0.5);
    }
  });

  it('invariants: cwnd ≥ 1 MSS, never NaN; ssthresh ≥ 2·SMSS after any reduction', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('ack' as const), acked: fc.integer({ min: 0, max: 20 * MSS }), dt: fc.integer({ min: 0, max: 2 * S }), rec: fc.boolean(), app: fc.boolean(), srtt: fc.integer({ min: 0, max: S }) }),
      fc.record({ kind: fc.constant('loss' as const), ecn: fc.boolean(), dt: fc.integer({ min: 0, max: S }) }),
      fc.record({ kind: fc.constant('exit' as const), dt: fc.integer({ min: 0, max: S }) }),
      fc.record({ kind: fc.constant('rto' as const), dt: fc.integer({ min: 0, max: S }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.boolean(), fc.array(op, { maxLength: 300 }), (iw, fastConvergence, ops) => {
        const c = cubic(iw, { fastConvergence });
        let reduced = false;
        let t = 0;
        for (const o of ops) {
          t += o.dt;
          if (o.kind === 'ack') c.onAck(ackEvent(t, o.acked, { inRecovery: o.rec, appLimited: o.app, srttNs: o.srtt }));
          else if (o.kind === 'loss') c.onCongestionEvent(t, c.cwnd, o.ecn ? 'ecn' : 'loss');
          else if (o.kind === 'exit') c.onRecoveryExit(t);
          else c.onRto(t, c.cwnd);
          if (o.kind === 'loss' || o.kind === 'rto') reduced = true;
          expect(Number.isFinite(c.cwnd)).toBe(true);
          expect(c.cwnd).toBeGreaterThanOrEqual(MSS);
          expect(Number.isNaN(c.ssthresh)).toBe(false);
          if (reduced) expect(c.ssthresh).toBeGreaterThanOrEqual(2 * MSS);
        }
      }),
    );
  });
});
