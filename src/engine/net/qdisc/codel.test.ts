import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CODEL_INTERVAL_NS, CODEL_TARGET_NS, CoDel, codelControlLaw } from './codel.ts';
import { createQdisc } from './index.ts';
import type { Qdisc, QueuedFrame } from './types.ts';

const MS = 1_000_000;
/** 1500-byte packets on a 10 Mbit/s link: 1.2 ms each; fed at 20 Mbit/s: one every 0.6 ms. */
const SERVICE_NS = 1_200_000;
const FEED_NS = 600_000;

interface Pkt extends QueuedFrame {
  readonly flow: number;
  readonly seq: number;
}

let uid = 0;
function pkt(bytes = 1500, flow = 0, seq = 0, ecnCapable = false): Pkt {
  return { frame: { uid: ++uid, bytes: new Uint8Array(0) }, bytes, flowHash: flow * 0x9e3779b1, ecnCapable, enqueuedAt: -1, flow, seq };
}

/**
 * Open-loop overload: a packet arrives every FEED_NS, the link takes one every SERVICE_NS.
 * Returns the dequeue times at which CoDel dropped (or marked) a packet.
 */
function overload(q: Qdisc, untilNs: number, ecnCapable = false): { dropTimes: number[]; markTimes: number[]; firstAboveNs: number } {
  const dropTimes: number[] = [];
  const markTimes: number[] = [];
  let firstAboveNs = -1;
  let nextArrival = 0;
  for (let t = 0; t <= untilNs; t += SERVICE_NS) {
    for (; nextArrival <= t; nextArrival += FEED_NS) q.enqueue(pkt(1500, 0, 0, ecnCapable), nextArrival);
    const r = q.dequeue(t);
    if (r.dropped.length > 0) dropTimes.push(t);
    if (r.markCe === true) markTimes.push(t);
    if (firstAboveNs < 0 && r.item !== undefined && t - r.item.enqueuedAt >= CODEL_TARGET_NS && r.dropped.length === 0) firstAboveNs = t;
  }
  return { dropTimes, markTimes, firstAboveNs };
}

/** Drop times the RFC 8289 control law predicts on a SERVICE_NS dequeue grid. */
function predictedDrops(firstDrop: number, n: number): number[] {
  const out = [firstDrop];
  let next = codelControlLaw(firstDrop, CODEL_INTERVAL_NS, 1);
  for (let count = 2; out.length < n; count++) {
    const t = Math.ceil(next / SERVICE_NS) * SERVICE_NS;
    out.push(t);
    next = codelControlLaw(next, CODEL_INTERVAL_NS, count);
  }
  return out;
}

describe('CoDel control law', () => {
  it('RFC 8289 §5.6: control_law(t) = t + interval/sqrt(count), in whole ns', () => {
    expect(codelControlLaw(7, 100 * MS, 1)).toBe(7 + 100 * MS);
    expect(codelControlLaw(0, 100 * MS, 4)).toBe(50 * MS);
    expect(codelControlLaw(0, 100 * MS, 2)).toBe(70_710_678); // floor(1e8 / 1.41421356…)
    expect(codelControlLaw(0, 100 * MS, 100)).toBe(10 * MS);
  });

  it('the quotient is exactly floor(interval/√count) for any interval and count', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000_000 }), fc.integer({ min: 1, max: 1_000_000 }), (interval, count) => {
        const q = BigInt(codelControlLaw(0, interval, count));
        const i2 = BigInt(interval) ** 2n;
        const c = BigInt(count);
        expect(q * q * c <= i2).toBe(true);
        expect((q + 1n) * (q + 1n) * c > i2).toBe(true);
      }),
    );
  });
});

describe('CoDel qdisc', () => {
  it('RFC 8289 §5: no drop while sojourn time stays below target', () => {
    const q = new CoDel({ limit: 1000 });
    // Three packets every 4 ms, all sent within 3.6 ms: sojourn never reaches 5 ms.
    for (let t = 0; t < 10_000 * MS; t += 4 * MS) {
      for (let i = 0; i < 3; i++) q.enqueue(pkt(), t);
      for (let i = 0; i < 3; i++) {
        const r = q.dequeue(t + (i + 1) * SERVICE_NS);
        expect(r.dropped).toHaveLength(0);
        expect(r.item).toBeDefined();
      }
    }
    expect(q.codel.drops).toBe(0);
  });

  it('RFC 8289 §5: first drop one interval after sojourn exceeds target, then at interval/sqrt(count)', () => {
    const q = new CoDel({ limit: 10_000 });
    const { dropTimes, firstAboveNs } = overload(q, 2000 * MS);
    // The packet sent at k·1.2 ms arrived at k·0.6 ms: sojourn first reaches 5 ms at k = 9.
    expect(firstAboveNs).toBe(10_800_000);
    // First drop: the first dequeue strictly after first_above_time = 10.8 ms + interval.
    expect(dropTimes[0]).toBe(111_600_000);
    expect(dropTimes.slice(0, 12)).toEqual(predictedDrops(111_600_000, 12));
    const gaps = dropTimes.slice(1, 6).map((t, i) => t - dropTimes[i]!);
    expect(gaps[0]).toBe(100_800_000); // interval/√1 = 100 ms, on the 1.2 ms grid
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeLessThanOrEqual(gaps[i - 1]!);
  });

  it('RFC 8289 §5.5: a sojourn below target ends the dropping state; re-entry soon after resumes at count − lastcount', () => {
    const q = new CoDel({ limit: 10_000 });
    overload(q, 1500 * MS);
    const c = q.codel;
    expect(c.dropping).toBe(true);
    // Drain: dequeue until a packet below target ends the dropping state.
    let t = 1500 * MS;
    while (c.dropping) q.dequeue((t += SERVICE_NS));
    const countAtExit = c.count;
    const lastCount = c.lastCount;
    expect(countAtExit - lastCount).toBeGreaterThan(1);
    while (q.length > 0) q.dequeue((t += SERVICE_NS));
    // Overload again straight away: dropping restarts within 16 intervals of drop_next.
    const start = t;
    let nextArrival = start;
    while (!c.dropping) {
      t += SERVICE_NS;
      for (; nextArrival <= t; nextArrival += FEED_NS) q.enqueue(pkt(), nextArrival);
      q.dequeue(t);
    }
    expect(c.count).toBe(countAtExit - lastCount);
  });

  it('RFC 8289 §5.5: re-entry long after the last dropping state starts again at count 1', () => {
    const q = new CoDel({ limit: 10_000 });
    overload(q, 1500 * MS);
    let t = 1500 * MS;
    while (q.length > 0) q.dequeue((t += SERVICE_NS));
    const later = t + 20 * CODEL_INTERVAL_NS;
    let nextArrival = later;
    t = later;
    while (!q.codel.dropping) {
      t += SERVICE_NS;
      for (; nextArrival <= t; nextArrival += FEED_NS) q.enqueue(pkt(), nextArrival);
      q.dequeue(t);
    }
    expect(q.codel.count).toBe(1);
  });

  it('RFC 8289 §5: never drops while the backlog is at most one MTU (maxpacket)', () => {
    const q = new CoDel({ limit: 1000 });
    // One packet every 300 ms, each waiting 200 ms (far above target): the queue is never more than one MTU.
    for (let t = 0; t < 5000 * MS; t += 300 * MS) {
      q.enqueue(pkt(1514), t);
      const r = q.dequeue(t + 200 * MS);
      expect(r.dropped).toHaveLength(0);
      expect(r.item).toBeDefined();
    }
  });

  it('RFC 3168 §5: ECN-capable packets are marked CE, not dropped, when ecn is on', () => {
    const marking = new CoDel({ limit: 10_000, ecn: true });
    const m = overload(marking, 2000 * MS, true);
    expect(m.dropTimes).toEqual([]);
    expect(m.markTimes.length).toBeGreaterThan(5);
    expect(m.markTimes[0]).toBe(111_600_000);
    expect(marking.codel.marks).toBe(m.markTimes.length);
    // The same traffic without ECN is dropped on the same schedule.
    const dropping = new CoDel({ limit: 10_000, ecn: false });
    expect(overload(dropping, 2000 * MS, true).dropTimes.slice(0, 3)).toEqual(m.markTimes.slice(0, 3));
  });

  it('RFC 3168 §5: Not-ECT packets are still dropped when ecn is on', () => {
    const q = new CoDel({ limit: 10_000, ecn: true });
    const r = overload(q, 2000 * MS, false);
    expect(r.markTimes).toEqual([]);
    expect(r.dropTimes[0]).toBe(111_600_000);
  });

  it('refuses arrivals beyond the hard limit with "queue full (codel limit)"', () => {
    const q = new CoDel({ limit: 2 });
    expect(q.enqueue(pkt(), 0)).toEqual({});
    expect(q.enqueue(pkt(), 0)).toEqual({});
    expect(q.enqueue(pkt(), 0)).toEqual({ refused: 'queue full (codel limit)' });
    expect(() => new CoDel({ limit: 0 })).toThrow(RangeError);
    expect(() => new CoDel({ limit: 1, targetNs: 0 })).toThrow(RangeError);
  });

  it('drop reasons say the sojourn time, the target and the drop number', () => {
    const q = new CoDel({ limit: 10_000 });
    for (let i = 0; i < 100; i++) q.enqueue(pkt(), 0);
    q.dequeue(10 * MS); // arms first_above_time = 110 ms
    const r = q.dequeue(111 * MS);
    expect(r.dropped.map((d) => d.reason)).toEqual(['codel: sojourn 111 ms above target 5 ms (count 1)']);
  });
});

// ------------------------------------------------------------------------------------------
// Synthetic bottleneck: a 10 Mbit/s link fed at up to 20 Mbit/s by window-based (Reno-like
// AIMD) senders. Feedback (ack, loss, CE echo) reaches the sender one base RTT after the packet
// leaves or is dropped. One congestion response per window (NewReno-style recovery point).

interface Sender {
  cwnd: number;
  ssthresh: number;
  inflight: number;
  nextSeq: number;
  recover: number;
}

interface BottleneckResult {
  /** Mean sojourn of packets sent in the last second (ms). */
  meanDelayMs: number;
  /** Largest sojourn in the last second, and over the whole run (ms). */
  maxDelayMs: number;
  maxDelayEverMs: number;
  /** Link busy fraction over the last second. */
  utilisation: number;
  drops: number;
  marks: number;
}

function bottleneck(q: Qdisc, o: { flows: number; rttNs: number; durationNs: number; ecn: boolean }): BottleneckResult {
  const senders: Sender[] = Array.from({ length: o.flows }, () => ({ cwnd: 10, ssthresh: Infinity, inflight: 0, nextSeq: 0, recover: -1 }));
  const feedback: Array<{ at: number; flow: number; seq: number; congestion: boolean }> = [];
  let fbHead = 0;
  let linkFreeAt = 0;
  let linkBusy = false;
  let feedFreeAt = 0;
  let rr = 0;
  const lastSecond = o.durationNs - 1000 * MS;
  let sumDelay = 0;
  let nDelay = 0;
  let maxDelay = 0;
  let maxDelayEver = 0;
  let busyNs = 0;
  let drops = 0;
  let marks = 0;
  const lost = (p: QueuedFrame, now: number): void => {
    const k = p as Pkt;
    drops++;
    feedback.push({ at: now + o.rttNs, flow: k.flow, seq: k.seq, congestion: true });
  };
  const startTx = (now: number): void => {
    const r = q.dequeue(now);
    for (const d of r.dropped) lost(d.item, now);
    if (r.item === undefined) return;
    const p = r.item as Pkt;
    const delay = now - p.enqueuedAt;
    maxDelayEver = Math.max(maxDelayEver, delay);
    if (now >= lastSecond) {
      maxDelay = Math.max(maxDelay, delay);
      sumDelay += delay;
      nDelay++;
      busyNs += SERVICE_NS;
    }
    if (r.markCe === true) marks++;
    linkBusy = true;
    linkFreeAt = now + SERVICE_NS;
    feedback.push({ at: now + o.rttNs, flow: p.flow, seq: p.seq, congestion: r.markCe === true });
  };
  const canSend = (s: Sender): boolean => s.inflight < Math.floor(s.cwnd);
  for (let now = 0; now < o.durationNs; ) {
    const fbAt = fbHead < feedback.length ? feedback[fbHead]!.at : Infinity;
    const sendAt = senders.some(canSend) ? Math.max(feedFreeAt, now) : Infinity;
    now = Math.min(fbAt, linkBusy ? linkFreeAt : Infinity, sendAt);
    if (now === fbAt) {
      const f = feedback[fbHead++]!;
      const s = senders[f.flow]!;
      s.inflight--;
      if (f.congestion && f.seq > s.recover) {
        s.ssthresh = Math.max(2, s.cwnd / 2);
        s.cwnd = s.ssthresh;
        s.recover = s.nextSeq - 1;
      } else if (!f.congestion) {
        s.cwnd += s.cwnd < s.ssthresh ? 1 : 1 / s.cwnd;
      }
    } else if (linkBusy && now === linkFreeAt) {
      linkBusy = false;
      startTx(now);
    } else {
      let i = rr;
      while (!canSend(senders[i]!)) i = (i + 1) % senders.length;
      rr = (i + 1) % senders.length;
      const s = senders[i]!;
      const p = pkt(1500, i, s.nextSeq++, o.ecn);
      s.inflight++;
      feedFreeAt = now + FEED_NS;
      const r = q.enqueue(p, now);
      if (r.refused !== undefined) lost(p, now);
      for (const e of r.evicted ?? []) lost(e.item, now);
      if (!linkBusy) startTx(now);
    }
  }
  return { meanDelayMs: sumDelay / Math.max(1, nDelay) / MS, maxDelayMs: maxDelay / MS, maxDelayEverMs: maxDelayEver / MS, utilisation: busyNs / (1000 * MS), drops, marks };
}

describe('synthetic bottleneck: 10 Mbit/s link fed at 20 Mbit/s by 4 AIMD flows, 50 ms RTT, 10 s', () => {
  const run = (q: Qdisc, ecn = false): BottleneckResult => bottleneck(q, { flows: 4, rttNs: 50 * MS, durationNs: 10_000 * MS, ecn });
  const LIMIT = 1000;

  it('RFC 8289 §4.3: CoDel holds the standing queue delay near the 5 ms target, drop-tail grows it to limit × serialisation', () => {
    const dt = run(createQdisc({ kind: 'droptail', limit: LIMIT }));
    const cd = run(createQdisc({ kind: 'codel', limit: LIMIT }));
    const fq = run(createQdisc({ kind: 'fq_codel', limit: LIMIT }));
    const show = (name: string, r: BottleneckResult): string =>
      `${name}: mean ${r.meanDelayMs.toFixed(2)} ms, max ${r.maxDelayMs.toFixed(1)} ms (whole run ${r.maxDelayEverMs.toFixed(1)} ms), util ${r.utilisation.toFixed(3)}, drops ${r.drops}`;
    console.info(`sojourn over the last second —\n  ${show('drop-tail', dt)}\n  ${show('codel', cd)}\n  ${show('fq_codel', fq)}`);
    for (const r of [cd, fq]) {
      expect(r.meanDelayMs).toBeGreaterThan(2);
      expect(r.meanDelayMs).toBeLessThan(15);
      expect(r.utilisation).toBeGreaterThan(0.9);
    }
    // Drop-tail: the queue fills to the limit, so a packet can wait limit × 1.2 ms.
    expect(dt.maxDelayEverMs).toBeGreaterThan(0.99 * LIMIT * (SERVICE_NS / MS));
    expect(dt.maxDelayEverMs).toBeLessThanOrEqual((LIMIT + 1) * (SERVICE_NS / MS));
    expect(dt.meanDelayMs).toBeGreaterThan(20 * cd.meanDelayMs);
    expect(dt.utilisation).toBeGreaterThan(0.99);
  });

  it('RFC 3168 §5: with ECN-capable senders CoDel marks instead of dropping and still holds the delay', () => {
    const cd = run(createQdisc({ kind: 'codel', limit: LIMIT, ecn: true }), true);
    console.info(`codel+ecn: mean ${cd.meanDelayMs.toFixed(2)} ms, util ${cd.utilisation.toFixed(3)}, marks ${cd.marks}, drops ${cd.drops}`);
    expect(cd.drops).toBe(0);
    expect(cd.marks).toBeGreaterThan(0);
    expect(cd.meanDelayMs).toBeGreaterThan(2);
    expect(cd.meanDelayMs).toBeLessThan(15);
  });

  it('is deterministic: the same run gives the same figures', () => {
    const a = run(createQdisc({ kind: 'codel', limit: LIMIT }));
    const b = run(createQdisc({ kind: 'codel', limit: LIMIT }));
    expect(a).toEqual(b);
  });
});
