import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeliveryRateEstimator } from './rate-sample.ts';
import type { SentMeta } from './rate-sample.ts';
import type { RateSample } from './types.ts';

const MSS = 1000;
const MS = 1_000_000;

/**
 * A window-limited sender over one bottleneck: `window` packets in flight, the bottleneck serves
 * one packet per `serviceNs`, each ACK returns `baseRttNs` after the packet leaves the bottleneck.
 */
function windowedFlow(window: number, serviceNs: number, baseRttNs: number, packets: number): RateSample[] {
  const est = new DeliveryRateEstimator();
  const inflight: { meta: SentMeta; ackAt: number }[] = [];
  const samples: RateSample[] = [];
  let lastDepart = 0;
  let sent = 0;
  const send = (now: number): void => {
    const meta = est.onSend(sent++, MSS, now, inflight.length * MSS);
    lastDepart = Math.max(now, lastDepart) + serviceNs;
    inflight.push({ meta, ackAt: lastDepart + baseRttNs });
  };
  while (inflight.length < window) send(0);
  while (sent < packets) {
    const p = inflight.shift();
    if (p === undefined) break;
    const prior = (inflight.length + 1) * MSS;
    est.onDelivered(p.meta, p.ackAt);
    samples.push(est.finishAck(p.ackAt, prior, 0, MSS, p.ackAt - p.meta.sentTime));
    send(p.ackAt);
  }
  return samples;
}

describe('DeliveryRateEstimator', () => {
  it('draft §3: a window-limited flow through a 1 MB/s bottleneck samples exactly 1 MB/s', () => {
    const samples = windowedFlow(40, 1 * MS, 20 * MS, 400);
    // Until the packets of the initial burst (all sent at t = 0) are out of the send phase,
    // send_elapsed stretches the interval and the estimate is conservative (40 packets / 41 ms).
    expect(samples[60]?.deliveryRate).toBeCloseTo(40_000 / 0.041, 6);
    for (const s of samples.slice(80)) {
      expect(s.deliveryRate).toBe(1_000_000);
      expect(s.intervalNs).toBeGreaterThanOrEqual(20 * MS);
      expect(s.isAppLimited).toBe(false);
    }
  });

  it('draft §3.3: a burst is measured at the ACK rate (interval = ack_elapsed when it is longer)', () => {
    // 10 packets leave at t = 0; the bottleneck spaces them 1 ms apart; base RTT 20 ms.
    const samples = windowedFlow(10, 1 * MS, 20 * MS, 11);
    // The i-th ACK (at 21 + i ms) delivers i + 1 packets over 21 + i ms; send_elapsed is 0.
    samples.forEach((s, i) => {
      expect(s.intervalNs).toBe((21 + i) * MS);
      expect(s.delivered).toBe((i + 1) * MSS);
      expect(s.deliveryRate).toBeCloseTo(((i + 1) * MSS * 1e9) / ((21 + i) * MS), 6);
    });
  });

  it('draft §3.3: interval = send_elapsed when the send phase was longer (RTT fell)', () => {
    const est = new DeliveryRateEstimator();
    const a = est.onSend(1, MSS, 0, 0);
    const b = est.onSend(2, MSS, 10 * MS, MSS);
    est.onDelivered(a, 100 * MS);
    est.finishAck(100 * MS, 2 * MSS, 0, MSS, 100 * MS);
    const p = est.onSend(3, MSS, 150 * MS, MSS); // P.first_sent_time = A's send (0), P.delivered_time = 100 ms
    est.onDelivered(b, 160 * MS);
    est.finishAck(160 * MS, 2 * MSS, 0, MSS, 150 * MS);
    est.onDelivered(p, 200 * MS); // RTT 50 ms
    const s = est.finishAck(200 * MS, MSS, 0, MSS, 50 * MS);
    // send_elapsed = 150 − 0 = 150 ms > ack_elapsed = 200 − 100 = 100 ms.
    expect(s.intervalNs).toBe(150 * MS);
    expect(s.delivered).toBe(2 * MSS);
    expect(s.totalDelivered - s.delivered).toBe(p.delivered);
  });

  it('draft §3.3: a sample with interval < min RTT is discarded (spurious retransmission after RTO)', () => {
    const est = new DeliveryRateEstimator();
    const x = est.onSend(1, MSS, 0, 0);
    est.onDelivered(x, 100 * MS);
    est.finishAck(100 * MS, MSS, 0, MSS, 100 * MS); // min RTT 100 ms
    est.onSend(2, MSS, 100 * MS, 0);
    // RTO at 300 ms marks everything lost; the retransmission starts a fresh interval…
    const rexmit = est.onSend(2, MSS, 300 * MS, 0);
    // …and the ACK for the original arrives 5 ms later and is credited to the retransmission.
    est.onDelivered(rexmit, 305 * MS);
    const s = est.finishAck(305 * MS, MSS, 0, MSS, -1);
    expect(s.intervalNs).toBe(0);
    expect(s.deliveryRate).toBe(0);
    expect(s.delivered).toBe(MSS); // still counted: totalDelivered − delivered = rs.prior_delivered
    expect(s.totalDelivered).toBe(2 * MSS);
  });

  it('draft §3.3: a packet SACKed and later cumulatively ACKed is delivered once', () => {
    const est = new DeliveryRateEstimator();
    const a = est.onSend(1, MSS, 0, 0);
    const b = est.onSend(2, MSS, 0, MSS);
    est.onDelivered(b, 50 * MS); // SACK
    est.finishAck(50 * MS, 2 * MSS, 0, MSS, 50 * MS);
    est.onDelivered(a, 60 * MS);
    est.onDelivered(b, 60 * MS); // cumulative ACK covers b again
    const s = est.finishAck(60 * MS, MSS, 0, MSS, 60 * MS);
    expect(est.delivered).toBe(2 * MSS);
    expect(s.totalDelivered).toBe(2 * MSS);
  });

  it('draft §3.4: packets sent in an app-limited bubble are flagged until the bubble is delivered', () => {
    const est = new DeliveryRateEstimator();
    const a = est.onSend(1, MSS, 0, 0);
    est.markAppLimited(MSS); // bubble ends once C.delivered passes 0 + 1000
    expect(est.appLimited).toBe(true);
    const b = est.onSend(2, MSS, 1 * MS, MSS);
    expect(b.isAppLimited).toBe(true);
    est.onDelivered(a, 20 * MS);
    expect(est.finishAck(20 * MS, 2 * MSS, 0, MSS, 20 * MS).isAppLimited).toBe(false);
    expect(est.appLimited).toBe(true); // delivered == marker, not past it
    est.onDelivered(b, 21 * MS);
    expect(est.finishAck(21 * MS, MSS, 0, MSS, 20 * MS).isAppLimited).toBe(true);
    expect(est.appLimited).toBe(false);
    expect(est.onSend(3, MSS, 22 * MS, 0).isAppLimited).toBe(false);
  });

  it('a pure duplicate ACK carries no sample', () => {
    const est = new DeliveryRateEstimator();
    est.onSend(1, MSS, 0, 0);
    const s = est.finishAck(10 * MS, MSS, 0, 0, -1);
    expect(s).toEqual({ delivered: 0, intervalNs: 0, deliveryRate: 0, rttNs: -1, isAppLimited: false, priorInFlight: MSS, newlyLost: 0, newlyAcked: 0, totalDelivered: 0 });
  });

  it('invariants: rate ≤ what the bottleneck can deliver, finite, and prior_delivered is recoverable', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 50 }), (window, serviceMs, rttMs) => {
        const samples = windowedFlow(window, serviceMs * MS, rttMs * MS, 200);
        const bottleneck = (MSS * 1e9) / (serviceMs * MS);
        for (const s of samples) {
          expect(Number.isFinite(s.deliveryRate)).toBe(true);
          expect(s.deliveryRate).toBeLessThanOrEqual(bottleneck * (1 + 1e-12));
          expect(s.totalDelivered - s.delivered).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });
});
