import { describe, expect, it } from 'vitest';
import { EventStore } from './store.ts';

describe('EventStore', () => {
  it('keeps every event readable across chunk boundaries (first chunk grown, later chunks added)', () => {
    const s = new EventStore();
    const n = 3 * 65536 + 123;
    for (let i = 0; i < n; i++) s.push(Math.floor(i / 3), i % 7, i % 5, i % 3, i, i * 0.5, -i, i % 11 === 0 ? s.intern(`t${i % 4}`) : -1);
    expect(s.length).toBe(n);
    for (const i of [0, 1, 1023, 1024, 65535, 65536, 65537, 131071, 131072, n - 1]) {
      expect(s.get(i)).toMatchObject({ index: i, t: Math.floor(i / 3), node: i % 5, iface: i % 3, pkt: i, a: i * 0.5, b: -i, text: i % 11 === 0 ? `t${i % 4}` : undefined });
      expect(s.kindIdAt(i)).toBe(i % 7);
    }
    const cols = s.columns(65530, 131080);
    expect(cols.pkt.length).toBe(131080 - 65530);
    expect(cols.pkt.every((v, k) => v === 65530 + k)).toBe(true);
    expect(cols.b[7]).toBe(-(65530 + 7));
    expect(s.columns(n - 5, n + 10).time.length).toBe(5);
    expect(s.upperBound(60000)).toBe(3 * 60001);
    expect(s.upperBound(-1)).toBe(0);
    expect(s.upperBound(1e12)).toBe(n);
  });
});
