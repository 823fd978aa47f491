/**
 * Realism: goodput on well-known paths, checked against published models and measurements.
 * - Loss-free 100 Mbit/s, 10 ms one way: line rate is 1448/1538 × 100 = 94.15 Mbit/s of payload
 *   (Ethernet preamble, IFG, FCS, IP/TCP headers and timestamps on every 1448-byte segment).
 * - 100 Mbit/s, 50 ms RTT, 1 % random loss, 60 s: CUBIC is loss-limited near the Mathis model
 *   (1.22·MSS/(RTT·√p) ≈ 2.8 Mbit/s); BBR (model-based) keeps ≥ 85 Mbit/s.
 */
import { describe, expect, it } from 'vitest';
import { Session } from '../../src/engine/index.ts';
import { bulkPath } from '../../src/engine/scenario/builtin/tcp.ts';
import type { IpNode } from '../../src/engine/stack/host.ts';
import { ip4 } from '../../src/engine/wire/addr.ts';

/** Receiver goodput per second (Mbit/s) for `secs` seconds after `omit` seconds of warm-up. */
function goodput(cc: 'reno' | 'cubic' | 'bbr', loss: number, delay: string, queue: number, omit: number, secs: number): number[] {
  const s = new Session({ ...bulkPath({ cc, loss, delay, queue }), services: [], actions: [] }, { skipActions: true });
  const snd = s.world.node('sender') as IpNode;
  const rcv = s.world.node('receiver') as IpNode;
  let got = 0;
  rcv.tcp.listen(5201, (c) => {
    c.onData = (d) => void (got += d.length);
  });
  s.runUntil(1e9);
  const c = snd.tcp.connect(ip4('10.10.2.20'), 5201);
  if (typeof c === 'string') throw new Error(c);
  const fill = (): void => {
    while (c.writable > 0) c.send(c.writable);
  };
  c.onConnect = fill;
  c.onWritable = fill;
  s.runUntil((1 + omit) * 1e9);
  const perSecond: number[] = [];
  for (let i = 0; i < secs; i++) {
    const before = got;
    s.runUntil((2 + omit + i) * 1e9);
    perSecond.push(((got - before) * 8) / 1e6);
  }
  return perSecond;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('goodput on a loss-free 100 Mbit/s, 10 ms path (queue 200 packets ≈ 1.2 BDP)', () => {
  for (const cc of ['reno', 'cubic'] as const) {
    it(`${cc}: ≥ 94 Mbit/s (line rate is 94.15)`, () => {
      const g = goodput(cc, 0, '10ms', 200, 2, 10);
      expect(mean(g)).toBeGreaterThanOrEqual(94);
      expect(Math.max(...g)).toBeLessThanOrEqual(94.2);
    });
  }
  it('bbr: ≥ 93.5 Mbit/s per second in ProbeBW (1 % pacing margin), ≥ 90 averaged over a ProbeRTT', () => {
    const g = goodput('bbr', 0, '10ms', 200, 2, 10);
    expect(median(g)).toBeGreaterThanOrEqual(93.5);
    expect(mean(g)).toBeGreaterThanOrEqual(90);
    expect(Math.max(...g)).toBeLessThanOrEqual(94.2);
  });
});

describe('100 Mbit/s, 50 ms RTT, 1 % random loss, 60 s', () => {
  it('cubic: between 2 and 8 Mbit/s (Mathis ≈ 2.8)', () => {
    const g = mean(goodput('cubic', 0.01, '25ms', 500, 0, 60));
    expect(g).toBeGreaterThan(2);
    expect(g).toBeLessThan(8);
  });
  it('bbr: ≥ 85 Mbit/s', () => {
    expect(mean(goodput('bbr', 0.01, '25ms', 500, 0, 60))).toBeGreaterThanOrEqual(85);
  }, 240_000);
});
