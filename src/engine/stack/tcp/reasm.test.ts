import { describe, expect, it } from 'vitest';
import { ReassemblyQueue } from './reasm.ts';
import { seqAdd, seqDiff } from './seq.ts';

/** Reference: each byte from the first part (in arrival order) that covers it. */
function expected(parts: Array<{ seq: number; data: Uint8Array }>, rcvNxt: number): Map<number, number> {
  const m = new Map<number, number>();
  for (const p of parts) for (let i = 0; i < p.data.length; i++) {
    const o = seqDiff(seqAdd(p.seq, i), rcvNxt);
    if (o >= 0 && !m.has(o)) m.set(o, p.data[i]!);
  }
  return m;
}

describe('ReassemblyQueue.take', () => {
  it('returns the contiguous bytes from RCV.NXT, first arrival winning on overlaps (also across wrap-around)', () => {
    let x = 7;
    const rnd = (n: number): number => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return x % n;
    };
    for (const base of [1000, 0xffffff00]) {
      for (let round = 0; round < 200; round++) {
        const q = new ReassemblyQueue();
        const parts: Array<{ seq: number; data: Uint8Array }> = [];
        const rcvNxt = seqAdd(base, rnd(50));
        for (let k = 0; k < 1 + rnd(6); k++) {
          const seq = seqAdd(base, 1 + rnd(120));
          const data = Uint8Array.from({ length: 1 + rnd(40) }, () => rnd(256));
          parts.push({ seq, data });
          q.add(seq, data);
        }
        const got = q.take(rcvNxt);
        const want = expected(parts, rcvNxt);
        if (!got) continue;
        for (let o = 0; o < got.length; o++) expect(got[o]).toBe(want.get(o));
      }
    }
  });
});
