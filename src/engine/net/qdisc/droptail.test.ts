import { describe, expect, it } from 'vitest';
import { DropTail, FrameFifo } from './droptail.ts';
import { createQdisc } from './index.ts';
import type { QueuedFrame } from './types.ts';

let uid = 0;
function qf(bytes: number): QueuedFrame {
  return { frame: { uid: ++uid, bytes: new Uint8Array(0) }, bytes, flowHash: 0, ecnCapable: false, enqueuedAt: -1 };
}

describe('DropTail', () => {
  it('FIFO: packets leave in arrival order and are stamped with their enqueue time', () => {
    const q = new DropTail(10);
    const a = qf(100);
    const b = qf(200);
    expect(q.enqueue(a, 5)).toEqual({});
    expect(q.enqueue(b, 7)).toEqual({});
    expect(a.enqueuedAt).toBe(5);
    expect(q.length).toBe(2);
    expect(q.bytes).toBe(300);
    expect(q.dequeue(9)).toEqual({ item: a, dropped: [] });
    expect(q.dequeue(9).item).toBe(b);
    expect(q.dequeue(9)).toEqual({ dropped: [] });
    expect(q.length).toBe(0);
    expect(q.bytes).toBe(0);
  });

  it('refuses an arrival that finds `limit` packets waiting, with reason "queue full (drop-tail)"', () => {
    const q = new DropTail(2);
    expect(q.enqueue(qf(1), 0)).toEqual({});
    expect(q.enqueue(qf(1), 0)).toEqual({});
    expect(q.enqueue(qf(1), 0)).toEqual({ refused: 'queue full (drop-tail)' });
    expect(q.length).toBe(2);
    q.dequeue(1);
    expect(q.enqueue(qf(1), 1)).toEqual({});
  });

  it('limit 0 refuses everything; a bad limit throws', () => {
    expect(new DropTail(0).enqueue(qf(1), 0).refused).toBe('queue full (drop-tail)');
    expect(() => new DropTail(-1)).toThrow(RangeError);
    expect(() => new DropTail(1.5)).toThrow(RangeError);
  });

  it('never drops at dequeue, however long a packet waited', () => {
    const q = new DropTail(1000);
    for (let i = 0; i < 1000; i++) q.enqueue(qf(1500), 0);
    for (let i = 0; i < 1000; i++) {
      const r = q.dequeue(10_000_000_000 + i);
      expect(r.dropped).toHaveLength(0);
      expect(r.item).toBeDefined();
    }
  });

  it('createQdisc builds a drop-tail queue', () => {
    const q = createQdisc({ kind: 'droptail', limit: 3 });
    expect(q).toBeInstanceOf(DropTail);
    expect(q.kind).toBe('droptail');
  });
});

describe('FrameFifo', () => {
  it('keeps order and byte count across head compaction', () => {
    const f = new FrameFifo();
    const items = Array.from({ length: 5000 }, (_, i) => qf(i % 7));
    let expectBytes = 0;
    let next = 0;
    for (let i = 0; i < items.length; i++) {
      f.push(items[i]!);
      expectBytes += items[i]!.bytes;
      if (i % 3 === 2) {
        const out = f.shift()!;
        expect(out).toBe(items[next++]);
        expectBytes -= out.bytes;
      }
    }
    expect(f.bytes).toBe(expectBytes);
    expect(f.peek()).toBe(items[next]);
    while (f.length > 0) expect(f.shift()).toBe(items[next++]);
    expect(next).toBe(items.length);
    expect(f.bytes).toBe(0);
    expect(f.shift()).toBeUndefined();
  });
});
