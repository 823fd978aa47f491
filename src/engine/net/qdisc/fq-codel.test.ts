import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FqCodel } from './fq-codel.ts';
import { createQdisc } from './index.ts';
import type { Qdisc, QdiscConfig, QueuedFrame } from './types.ts';

const MS = 1_000_000;

interface Pkt extends QueuedFrame {
  readonly flow: number;
  readonly seq: number;
}

let uid = 0;
/** A packet of `flow`; the flow number is its hash, so flows 0..n-1 land in distinct queues. */
function pkt(flow: number, bytes = 1500, seq = 0, ecnCapable = false): Pkt {
  return { frame: { uid: ++uid, bytes: new Uint8Array(0) }, bytes, flowHash: flow, ecnCapable, enqueuedAt: -1, flow, seq };
}

const flowOf = (r: { item?: QueuedFrame }): number | undefined => (r.item as Pkt | undefined)?.flow;

describe('FqCodel scheduling', () => {
  it('RFC 8290 §4.2: a sparse flow\'s packet is dequeued before a bulk flow\'s backlog', () => {
    const q = new FqCodel();
    for (let i = 0; i < 100; i++) q.enqueue(pkt(1), 0);
    for (let i = 0; i < 3; i++) expect(flowOf(q.dequeue(0))).toBe(1);
    q.enqueue(pkt(2, 100), 1 * MS);
    const r = q.dequeue(1 * MS);
    expect(flowOf(r)).toBe(2);
    expect(r.item!.enqueuedAt).toBe(1 * MS);
    expect(flowOf(q.dequeue(1 * MS))).toBe(1);
  });

  it('RFC 8290 §4.1: DRR shares bytes fairly between two bulk flows (within one quantum)', () => {
    const q = new FqCodel();
    for (let i = 0; i < 2000; i++) {
      q.enqueue(pkt(1, 1500), 0);
      q.enqueue(pkt(2, 300), 0);
    }
    const sent = [0, 0, 0];
    let prev = 0;
    let rounds = 0;
    for (let i = 0; i < 2400; i++) {
      const r = q.dequeue(0); // sojourn 0: CoDel stays out of the way
      const flow = flowOf(r)!;
      // Round boundary (flow 2's turn ends, flow 1's begins): both had the same number of quanta.
      if (prev === 2 && flow === 1) {
        rounds++;
        expect(Math.abs(sent[1]! - sent[2]!)).toBeLessThanOrEqual(q.quantum);
      }
      sent[flow]! += r.item!.bytes;
      prev = flow;
      // Mid-round the counts never drift apart by more than a quantum plus a packet.
      expect(Math.abs(sent[1]! - sent[2]!)).toBeLessThanOrEqual(q.quantum + 1500);
    }
    expect(rounds).toBeGreaterThan(300);
    expect(sent[1]! + sent[2]!).toBeGreaterThan(1_000_000);
  });

  it('RFC 8290 §4.2: a new flow that empties moves to old_flows; an empty old flow leaves the schedule', () => {
    const q = new FqCodel();
    for (let i = 0; i < 10; i++) q.enqueue(pkt(1, 500), 0);
    const order: number[] = [flowOf(q.dequeue(0))!];
    q.enqueue(pkt(2, 100), 0);
    expect([q.flowCount, q.newFlowCount]).toEqual([2, 2]);
    for (let i = 0; i < 5; i++) order.push(flowOf(q.dequeue(0))!);
    // Flow 1 keeps new-flow service until its quantum is spent; flow 2 is next, then empties and
    // moves behind flow 1 on old_flows rather than leaving the schedule.
    expect(order).toEqual([1, 1, 1, 1, 2, 1]);
    expect(q.flowCount).toBe(2);
    // So a new packet for flow 2 gets no new-flow priority: it waits for flow 1's turn to end.
    q.enqueue(pkt(2, 100), 0);
    expect(q.newFlowCount).toBe(2);
    for (let i = 0; i < 4; i++) order.push(flowOf(q.dequeue(0))!);
    expect(order.slice(6)).toEqual([1, 1, 2, 1]);
    // Flow 2 reached the head of old_flows empty and left the schedule.
    expect(q.flowCount).toBe(1);
  });

  it('a lone new flow that empties leaves the schedule at once (Linux: old_flows is empty)', () => {
    const q = new FqCodel();
    q.enqueue(pkt(7), 0);
    expect(q.flowCount).toBe(1);
    expect(flowOf(q.dequeue(0))).toBe(7);
    expect(q.dequeue(0)).toEqual({ dropped: [] });
    expect(q.flowCount).toBe(0);
  });

  it('maps flow hashes to queues by hash % flows', () => {
    const q = new FqCodel({ flows: 4 });
    expect(q.flowIndex(5)).toBe(1);
    expect(q.flowIndex(0xffffffff)).toBe(3);
    q.enqueue(pkt(1), 0);
    q.enqueue(pkt(5), 0);
    expect(q.flowCount).toBe(1);
    expect(q.flowBacklog(9)).toEqual({ length: 2, bytes: 3000 });
  });
});

describe('FqCodel overflow and AQM', () => {
  it('RFC 8290 §4.1: overflow drops from the head of the fattest flow, up to half its bytes', () => {
    const q = new FqCodel({ limit: 10 });
    const fat = Array.from({ length: 8 }, (_, i) => pkt(1, 1000, i));
    for (const p of fat) expect(q.enqueue(p, 0)).toEqual({});
    q.enqueue(pkt(2, 1000), 0);
    q.enqueue(pkt(2, 1000), 0);
    const r = q.enqueue(pkt(2, 1000), 0);
    expect(r.refused).toBeUndefined();
    expect(r.evicted?.map((e) => e.item)).toEqual(fat.slice(0, 4)); // 4000 bytes = half of flow 1
    expect(r.evicted?.every((e) => e.reason === 'fq_codel overflow: dropped from fattest flow')).toBe(true);
    expect(q.length).toBe(7);
    expect(q.bytes).toBe(7000);
    expect(q.overflowDrops).toBe(4);
    expect(flowOf(q.dequeue(0))).toBe(1);
  });

  it('Linux fq_codel: one overflow drops at most drop_batch_size (64) packets', () => {
    const q = new FqCodel({ limit: 200 });
    for (let i = 0; i < 200; i++) q.enqueue(pkt(1, 100), 0);
    expect(q.enqueue(pkt(1, 100), 0).evicted).toHaveLength(64);
    expect(q.length).toBe(137);
  });

  it('an arrival that is itself the head of the fattest flow is reported as refused', () => {
    const q = new FqCodel({ limit: 1 });
    expect(q.enqueue(pkt(1, 100), 0)).toEqual({});
    const big = pkt(2, 5000);
    expect(q.enqueue(big, 0)).toEqual({ refused: 'fq_codel overflow: dropped from fattest flow' });
    expect(q.length).toBe(1);
    expect(q.bytes).toBe(100);
  });

  it('RFC 8290 §4: CoDel runs per flow — a bulk flow above target is dropped, a sparse flow is not', () => {
    const q = new FqCodel({ ecn: false });
    const drops = [0, 0, 0];
    const sparseDelays: number[] = [];
    let arrival = 0;
    let sparse = 10.3 * MS; // after the bulk flow has used its first (new-flow) quantum
    for (let t = 0; t < 3000 * MS; t += 1_200_000) {
      for (; arrival <= t; arrival += 600_000) q.enqueue(pkt(1), arrival); // 2× the link rate
      for (; sparse <= t; sparse += 50 * MS) q.enqueue(pkt(2, 100), sparse);
      const r = q.dequeue(t);
      for (const d of r.dropped) drops[(d.item as Pkt).flow]!++;
      if (flowOf(r) === 2) sparseDelays.push(t - r.item!.enqueuedAt);
    }
    expect(drops[1]).toBeGreaterThan(10);
    expect(drops[2]).toBe(0);
    expect(Math.max(...sparseDelays)).toBeLessThanOrEqual(1_200_000);
    expect(sparseDelays.length).toBe(60);
  });

  it('RFC 8290 §5.2.6: ECN marking is on by default — ECT packets are marked CE, not dropped', () => {
    const q = createQdisc({ kind: 'fq_codel', limit: 10240 });
    let marks = 0;
    let drops = 0;
    let arrival = 0;
    for (let t = 0; t < 2000 * MS; t += 1_200_000) {
      for (; arrival <= t; arrival += 600_000) q.enqueue(pkt(1, 1500, 0, true), arrival);
      const r = q.dequeue(t);
      drops += r.dropped.length;
      if (r.markCe === true) marks++;
    }
    expect(drops).toBe(0);
    expect(marks).toBeGreaterThan(5);
  });

  it('validates its configuration', () => {
    expect(() => new FqCodel({ flows: 0 })).toThrow(RangeError);
    expect(() => new FqCodel({ quantum: 1.5 })).toThrow(RangeError);
    expect(() => new FqCodel({ intervalNs: -1 })).toThrow(RangeError);
    const d = new FqCodel();
    expect([d.limit, d.flows, d.quantum, d.dropBatchSize, d.params.ecn, d.params.targetNs, d.params.intervalNs]).toEqual([10240, 1024, 1514, 64, true, 5 * MS, 100 * MS]);
  });
});

// ------------------------------------------------------------------------------------------
// Properties of every qdisc (built through createQdisc), under random arrivals and departures.

type Op = { enq: true; flow: number; bytes: number; ecn: boolean; dt: number } | { enq: false; dt: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ enq: fc.constant(true as const), flow: fc.integer({ min: 0, max: 3 }), bytes: fc.integer({ min: 60, max: 1514 }), ecn: fc.boolean(), dt: fc.integer({ min: 0, max: 2 * MS }) }),
  fc.record({ enq: fc.constant(false as const), dt: fc.integer({ min: 0, max: 3 * MS }) }),
);

const cfgArb: fc.Arbitrary<QdiscConfig> = fc.oneof(
  fc.record({ kind: fc.constant('droptail' as const), limit: fc.integer({ min: 0, max: 8 }) }),
  fc.record({ kind: fc.constant('codel' as const), limit: fc.integer({ min: 1, max: 40 }), targetNs: fc.constant(1 * MS), intervalNs: fc.constant(5 * MS), ecn: fc.boolean() }),
  fc.record({
    kind: fc.constant('fq_codel' as const),
    limit: fc.integer({ min: 1, max: 40 }),
    targetNs: fc.constant(1 * MS),
    intervalNs: fc.constant(5 * MS),
    ecn: fc.boolean(),
    flows: fc.integer({ min: 1, max: 4 }),
    quantum: fc.integer({ min: 100, max: 1514 }),
  }),
);

/** Runs ops, then drains; checks conservation, per-flow FIFO order and counters after every step. */
function check(cfg: QdiscConfig, ops: Op[]): void {
  const q: Qdisc = createQdisc(cfg);
  const queued = new Set<Pkt>();
  const gone = new Set<Pkt>();
  const lastSeq = [-1, -1, -1, -1];
  const seq = [0, 0, 0, 0];
  let offered = 0;
  let now = 0;
  const leave = (p: Pkt, sent: boolean): void => {
    expect(queued.has(p)).toBe(true);
    expect(gone.has(p)).toBe(false);
    queued.delete(p);
    gone.add(p);
    if (sent) {
      expect(p.seq).toBeGreaterThan(lastSeq[p.flow]!);
      lastSeq[p.flow] = p.seq;
    }
  };
  const step = (op: Op): void => {
    now += op.dt;
    if (op.enq) {
      const p = pkt(op.flow, op.bytes, seq[op.flow]!++, op.ecn);
      offered++;
      queued.add(p);
      const r = q.enqueue(p, now);
      if (r.refused !== undefined) leave(p, false);
      else expect(p.enqueuedAt).toBe(now);
      for (const e of r.evicted ?? []) leave(e.item as Pkt, false);
    } else {
      const r = q.dequeue(now);
      for (const d of r.dropped) leave(d.item as Pkt, false);
      if (r.item !== undefined) leave(r.item as Pkt, true);
      if (r.markCe === true) expect(r.item?.ecnCapable).toBe(true);
    }
    // Conservation: offered = sent + dropped + still queued; counters match what is queued.
    expect(offered).toBe(gone.size + queued.size);
    expect(q.length).toBe(queued.size);
    expect(q.bytes).toBe([...queued].reduce((n, p) => n + p.bytes, 0));
    expect(q.length).toBeGreaterThanOrEqual(0);
    expect(q.bytes).toBeGreaterThanOrEqual(0);
  };
  for (const op of ops) step(op);
  for (let i = 0; i < 200 && q.length > 0; i++) step({ enq: false, dt: 1 * MS });
  expect(q.length).toBe(0);
  expect(q.dequeue(now + 1).item).toBeUndefined();
}

describe('qdisc properties (all kinds)', () => {
  it('packets are conserved, FIFO within a flow, and length/bytes never go negative', () => {
    fc.assert(fc.property(cfgArb, fc.array(opArb, { maxLength: 300 }), check), { numRuns: 300 });
  });
});
