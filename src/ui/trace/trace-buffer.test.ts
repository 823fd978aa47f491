import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TraceBuffer } from './trace-buffer.ts';
import type { TraceBatch } from '../../worker/protocol.ts';

/** A batch of `n` events and `p` packets whose values are functions of their index. */
function batch(firstEvent: number, n: number, firstPacket: number, p: number, firstString: number, s: number): TraceBatch {
  const idx = (k: number) => firstEvent + k;
  const pidx = (k: number) => firstPacket + k;
  return {
    firstEvent,
    time: Float64Array.from({ length: n }, (_, k) => Math.floor(idx(k) / 3) * 1000),
    kind: Uint16Array.from({ length: n }, (_, k) => idx(k) % 7),
    node: Int32Array.from({ length: n }, (_, k) => idx(k) % 5),
    iface: Int32Array.from({ length: n }, (_, k) => (idx(k) % 11) - 1),
    pkt: Int32Array.from({ length: n }, (_, k) => (idx(k) % 4 === 0 ? -1 : idx(k) >> 2)),
    a: Float64Array.from({ length: n }, (_, k) => idx(k) * 1.5),
    b: Float64Array.from({ length: n }, (_, k) => -idx(k)),
    text: Int32Array.from({ length: n }, (_, k) => (firstString + s > 0 ? idx(k) % (firstString + s) : -1)),
    firstString,
    strings: Array.from({ length: s }, (_, k) => `s${firstString + k}`),
    firstPacket,
    packetLen: Int32Array.from({ length: p }, (_, k) => 60 + (pidx(k) % 1400)),
    packetParent: Int32Array.from({ length: p }, (_, k) => (pidx(k) % 3 === 0 ? -1 : pidx(k) - 1)),
    packetCreated: Float64Array.from({ length: p }, (_, k) => pidx(k) * 10),
    packetProto: Uint8Array.from({ length: p }, (_, k) => pidx(k) % 9),
  };
}

function fill(sizes: readonly [number, number][]): TraceBuffer {
  const t = new TraceBuffer([], ['eth', 'arp', 'ipv4', 'icmp', 'udp', 'tcp', 'dns', 'tls', 'quic']);
  let e = 0;
  let p = 0;
  let s = 0;
  for (const [n, np] of sizes) {
    t.append(batch(e, n, p, np, s, 2));
    e += n;
    p += np;
    s += 2;
  }
  return t;
}

describe('TraceBuffer (chunked columns)', () => {
  it('reads back every event and packet exactly, whatever the batch sizes (batches straddle chunk boundaries)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 70_000 }), fc.integer({ min: 0, max: 30_000 })), { minLength: 1, maxLength: 6 }), (sizes) => {
        const t = fill(sizes);
        const n = sizes.reduce((a, [x]) => a + x, 0);
        const np = sizes.reduce((a, [, x]) => a + x, 0);
        expect(t.length).toBe(n);
        expect(t.packetCount).toBe(np);
        // Every event near chunk edges and a stride through the rest.
        const probe = new Set<number>();
        for (let i = 0; i < n; i += 977) probe.add(i);
        for (const edge of [65_535, 65_536, 65_537, 131_071, 131_072, n - 1]) if (edge >= 0 && edge < n) probe.add(edge);
        for (const i of probe) {
          expect(t.timeAt(i)).toBe(Math.floor(i / 3) * 1000);
          expect(t.kindAt(i)).toBe(i % 7);
          expect(t.nodeAt(i)).toBe(i % 5);
          expect(t.ifaceAt(i)).toBe((i % 11) - 1);
          expect(t.pktAt(i)).toBe(i % 4 === 0 ? -1 : i >> 2);
          expect(t.aAt(i)).toBe(i * 1.5);
          expect(t.bAt(i)).toBe(-i);
        }
        for (let u = 0; u < np; u += 613) {
          expect(t.packetLen(u)).toBe(60 + (u % 1400));
          expect(t.packetParent(u)).toBe(u % 3 === 0 ? -1 : u - 1);
          expect(t.packetCreated(u)).toBe(u * 10);
          expect(t.packetProto(u)).toBe(u % 9);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('binary searches by time across chunks', () => {
    const t = fill([[50_000, 10], [50_000, 10], [50_000, 10]]);
    for (const i of [0, 1, 65_535, 65_536, 65_537, 100_000, 149_999]) {
      const time = t.timeAt(i);
      const first = Math.ceil((time / 1000) * 3);
      expect(t.lowerBound(time)).toBe(first);
      expect(t.upperBound(time)).toBe(Math.min(150_000, first + 3));
    }
    expect(t.upperBound(-1)).toBe(0);
    expect(t.lowerBound(Infinity)).toBe(150_000);
  });

  it('follows rewrite chains to their origin and answers "no such packet" out of range', () => {
    const t = fill([[10, 70_000]]);
    // Parents: u-1 unless u % 3 === 0, so 65_537 → 65_536 → 65_535 (a multiple of 3).
    expect(t.packetOrigin(65_537)).toBe(65_535);
    expect(t.packetOrigin(65_535)).toBe(65_535);
    for (const u of [-1, 70_000, 1 << 20]) {
      expect(t.packetLen(u)).toBe(0);
      expect(t.packetParent(u)).toBe(-1);
      expect(t.packetCreated(u)).toBeNaN();
      expect(t.packetProtoName(u)).toBe('other');
      expect(t.packetOrigin(u)).toBe(u);
    }
  });

  it('starts over on reset and tells listeners about appends and resets', () => {
    const t = fill([[70_000, 5]]);
    let calls = 0;
    const off = t.onChange(() => calls++);
    t.reset([], []);
    expect(t.length).toBe(0);
    expect(t.packetCount).toBe(0);
    t.append(batch(0, 3, 0, 1, 0, 1));
    expect(t.timeAt(2)).toBe(0);
    expect(t.textAt(1)).toBe('s0');
    expect(t.textIdAt(1)).toBe(0);
    expect(calls).toBe(2);
    off();
    t.append(batch(3, 1, 1, 0, 1, 0));
    expect(calls).toBe(2);
  });

  it('refuses a batch out of order', () => {
    const t = fill([[10, 1]]);
    expect(() => t.append(batch(11, 1, 1, 0, 2, 0))).toThrow(/expected event 10, got 11/);
  });
});
