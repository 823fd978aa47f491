import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Reno } from './reno.ts';
import type { AckEvent } from './types.ts';

const MSS = 1000;
const MS = 1_000_000;

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

function reno(initialSegments = 10, opts?: ConstructorParameters<typeof Reno>[0]): Reno {
  const r = new Reno(opts);
  r.init(MSS, initialSegments * MSS, 0);
  return r;
}

/** One round trip: every segment of the window is ACKed separately. */
function ackWindow(r: Reno, now: number, extra: Partial<AckEvent> = {}): void {
  const segs = Math.floor(r.cwnd / MSS);
  for (let i = 0; i < segs; i++) r.onAck(ackEvent(now, MSS, extra));
}

describe('Reno', () => {
  it('RFC 5681 §3.1: ssthresh starts arbitrarily high and cwnd at the initial window', () => {
    const r = reno(10);
    expect(r.cwnd).toBe(10 * MSS);
    expect(r.ssthresh).toBe(Infinity);
    expect(r.pacingRate).toBe(0);
    expect(r.describe()).toBe('reno:(cwnd:10)');
  });

  it('RFC 5681 §3.1 eq. 2 / RFC 3465 §2.2: slow start adds min(N, L) per ACK, L = 2·SMSS by default', () => {
    const r = reno(10);
    r.onAck(ackEvent(0, MSS));
    expect(r.cwnd).toBe(11 * MSS);
    r.onAck(ackEvent(0, 3 * MSS)); // stretch ACK
    expect(r.cwnd).toBe(13 * MSS);
    const strict = reno(10, { abcLimitSegments: 1 });
    strict.onAck(ackEvent(0, 3 * MSS));
    expect(strict.cwnd).toBe(11 * MSS);
  });

  it('RFC 5681 §3.1: slow start doubles cwnd every round trip', () => {
    const r = reno(10);
    for (let round = 0; round < 4; round++) {
      const before = r.cwnd;
      ackWindow(r, round * 100 * MS);
      expect(r.cwnd).toBe(2 * before);
    }
  });

  it('RFC 5681 §3.1 eq. 3: congestion avoidance adds one SMSS per window of ACKed data', () => {
    const r = reno(40);
    r.onCongestionEvent(0, 40 * MSS, 'loss');
    r.onRecoveryExit(0);
    expect(r.cwnd).toBe(20 * MSS);
    ackWindow(r, 100 * MS);
    expect(r.cwnd).toBe(21 * MSS);
    // A partial window does not grow it.
    for (let i = 0; i < 20; i++) r.onAck(ackEvent(200 * MS, MSS));
    expect(r.cwnd).toBe(21 * MSS);
  });

  it('RFC 5681 §3.2: ssthresh = max(FlightSize/2, 2·SMSS), cwnd = ssthresh', () => {
    const r = reno(40);
    r.onCongestionEvent(0, 30 * MSS, 'loss');
    expect(r.ssthresh).toBe(15 * MSS);
    expect(r.cwnd).toBe(15 * MSS);
    r.onCongestionEvent(0, 1 * MSS, 'loss');
    expect(r.ssthresh).toBe(2 * MSS);
    expect(r.cwnd).toBe(2 * MSS);
    r.onCongestionEvent(0, 4001, 'ecn');
    expect(r.ssthresh).toBe(2000);
  });

  it('RFC 6582 §3.2 step 3: cwnd does not grow during recovery and is ssthresh on exit', () => {
    const r = reno(40);
    r.onCongestionEvent(0, 40 * MSS, 'loss');
    for (let i = 0; i < 50; i++) r.onAck(ackEvent(i * MS, MSS, { inRecovery: true }));
    expect(r.cwnd).toBe(20 * MSS);
    r.onRecoveryExit(60 * MS);
    expect(r.cwnd).toBe(r.ssthresh);
  });

  it('RFC 7661: no growth while application-limited', () => {
    const r = reno(10);
    ackWindow(r, 0, { appLimited: true });
    expect(r.cwnd).toBe(10 * MSS);
  });

  it('RFC 5681 §3.1 eq. 4: RTO sets cwnd to 1 MSS and ssthresh to max(FlightSize/2, 2·SMSS)', () => {
    const r = reno(40);
    r.onRto(0, 40 * MSS);
    expect(r.cwnd).toBe(MSS);
    expect(r.ssthresh).toBe(20 * MSS);
    // The same segment times out again (nothing ACKed in between): ssthresh is held.
    r.onRto(1000 * MS, MSS);
    expect(r.ssthresh).toBe(20 * MSS);
    // After the RTO, slow start back to ssthresh.
    r.onAck(ackEvent(1100 * MS, MSS));
    expect(r.cwnd).toBe(2 * MSS);
    r.onRto(3000 * MS, 2 * MSS);
    expect(r.ssthresh).toBe(2 * MSS);
  });

  it("RFC 5681: Reno's sawtooth over a fixed path halves on each loss and climbs 1 SMSS per RTT", () => {
    // Path: BDP + buffer hold 41 segments; a window beyond that loses one packet that round.
    // (41 + 1 is even, so every window is whole segments and byte counting adds exactly 1 SMSS/RTT.)
    const capacity = 41;
    const r = reno(10);
    const reductions: { before: number; after: number }[] = [];
    let growthRounds = 0;
    for (let round = 0; round < 200; round++) {
      const now = round * 100 * MS;
      const before = r.cwnd;
      if (before / MSS > capacity) {
        r.onCongestionEvent(now, before, 'loss');
        reductions.push({ before, after: r.cwnd });
        ackWindow(r, now, { inRecovery: true });
        r.onRecoveryExit(now + 100 * MS);
        continue;
      }
      ackWindow(r, now);
      if (before >= r.ssthresh) {
        expect(r.cwnd - before).toBe(MSS); // linear phase
        growthRounds++;
      }
    }
    expect(reductions.length).toBeGreaterThan(5);
    expect(growthRounds).toBeGreaterThan(100);
    for (const { before, after } of reductions) expect(after).toBe(Math.floor(before / 2));
    // Steady state: every later loss happens at capacity + 1 and halves it.
    for (const { before } of reductions.slice(1)) expect(before).toBe((capacity + 1) * MSS);
  });

  it('invariants: cwnd ≥ 1 MSS, finite; ssthresh ≥ 2·SMSS after any reduction', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('ack' as const), acked: fc.integer({ min: 0, max: 20 * MSS }), rec: fc.boolean(), app: fc.boolean() }),
      fc.record({ kind: fc.constant('loss' as const), inflight: fc.integer({ min: 0, max: 200 * MSS }) }),
      fc.record({ kind: fc.constant('exit' as const) }),
      fc.record({ kind: fc.constant('rto' as const), inflight: fc.integer({ min: 0, max: 200 * MSS }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.array(op, { maxLength: 200 }), (iw, ops) => {
        const r = reno(iw);
        let reduced = false;
        let t = 0;
        for (const o of ops) {
          t += MS;
          if (o.kind === 'ack') r.onAck(ackEvent(t, o.acked, { inRecovery: o.rec, appLimited: o.app }));
          else if (o.kind === 'loss') r.onCongestionEvent(t, o.inflight, 'loss');
          else if (o.kind === 'exit') r.onRecoveryExit(t);
          else r.onRto(t, o.inflight);
          if (o.kind === 'loss' || o.kind === 'rto') reduced = true;
          expect(Number.isFinite(r.cwnd)).toBe(true);
          expect(Number.isInteger(r.cwnd)).toBe(true);
          expect(r.cwnd).toBeGreaterThanOrEqual(MSS);
          if (reduced) expect(r.ssthresh).toBeGreaterThanOrEqual(2 * MSS);
        }
      }),
    );
  });
});
