import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Scheduler } from '../../src/engine/sim/scheduler.ts';
import { Rng } from '../../src/engine/sim/rng.ts';
import { parseDuration, parseRate } from '../../src/engine/index.ts';

describe('scheduler', () => {
  it('runs events in (time, seq) order: same-time events keep scheduling order', () => {
    const s = new Scheduler();
    const order: string[] = [];
    s.at(20, () => order.push('b1'));
    s.at(10, () => order.push('a'));
    s.at(20, () => order.push('b2'));
    s.at(10, () => s.at(20, () => order.push('b3')));
    s.run();
    expect(order).toEqual(['a', 'b1', 'b2', 'b3']);
  });

  it('orders any schedule like a stable sort by time (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 200 }), (times) => {
        const s = new Scheduler();
        const seen: number[] = [];
        times.forEach((t, i) => s.at(t, () => seen.push(i)));
        s.run();
        const expected = times.map((t, i) => [t, i] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]).map((x) => x[1]);
        expect(seen).toEqual(expected);
      }),
    );
  });

  it('skips cancelled events and refuses to schedule in the past', () => {
    const s = new Scheduler();
    let ran = 0;
    const h = s.at(5, () => ran++);
    s.at(6, () => ran++);
    s.cancel(h);
    s.run();
    expect(ran).toBe(1);
    expect(() => s.at(1, () => undefined)).toThrow(RangeError);
  });

  it('stops a runaway schedule at the event budget instead of hanging', () => {
    const s = new Scheduler();
    const loop = (): void => void s.after(1, loop);
    loop();
    const r = s.run(Infinity, 10_000);
    expect(r.reason).toBe('budget');
    expect(r.eventsRun).toBe(10_000);
  });

  it('advances the clock to the run limit', () => {
    const s = new Scheduler();
    s.at(100, () => undefined);
    expect(s.run(50).reason).toBe('until');
    expect(s.now).toBe(50);
  });
});

describe('seeded random streams', () => {
  it('the same seed and name give the same sequence', () => {
    const a = new Rng(42).stream('link:x:loss');
    const b = new Rng(42).stream('link:x:loss');
    expect(Array.from({ length: 8 }, () => a.u32())).toEqual(Array.from({ length: 8 }, () => b.u32()));
  });

  it('a new consumer does not reshuffle an existing stream', () => {
    const r1 = new Rng(7);
    const before = Array.from({ length: 5 }, () => r1.stream('ports').u32());
    const r2 = new Rng(7);
    r2.stream('something-new').u32();
    r2.stream('another').next();
    const after = Array.from({ length: 5 }, () => r2.stream('ports').u32());
    expect(after).toEqual(before);
  });

  it('different seeds and names differ; values are uniform-ish', () => {
    const a = new Rng(1).stream('s');
    const b = new Rng(2).stream('s');
    expect(a.u32()).not.toBe(b.u32());
    const c = new Rng(1).stream('t');
    let hits = 0;
    for (let i = 0; i < 20_000; i++) if (c.chance(0.25)) hits++;
    expect(hits / 20_000).toBeGreaterThan(0.23);
    expect(hits / 20_000).toBeLessThan(0.27);
    for (let i = 0; i < 1000; i++) {
      const v = c.int(3, 9);
      expect(v).toBeGreaterThanOrEqual(3);
      expect(v).toBeLessThanOrEqual(9);
    }
  });
});

describe('scenario units', () => {
  it('parses durations and rates', () => {
    expect(parseDuration('10ms')).toBe(10_000_000);
    expect(parseDuration('1.5s')).toBe(1_500_000_000);
    expect(parseDuration('250us')).toBe(250_000);
    expect(parseDuration('2m')).toBe(120e9);
    expect(parseDuration('fast')).toBeUndefined();
    expect(parseRate('100Mbit')).toBe(100e6);
    expect(parseRate('1Gbit')).toBe(1e9);
    expect(parseRate('-3Mbit')).toBeUndefined();
  });
});

describe('event budget of a run', () => {
  it('a runaway run stops with a clear message and a sim.budget trace event', async () => {
    const { Session, BudgetExceeded, builtinScenario } = await import('../../src/engine/index.ts');
    const s = new Session({ ...builtinScenario('lan')!, actions: [{ at: '0s', host: 'alice', command: 'ping -i 0.002 192.168.10.12' }] }, { budget: 5000 });
    let err: unknown;
    try {
      s.runUntil(3600e9);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BudgetExceeded);
    expect((err as Error).message).toMatch(/^run stopped: event budget of 5,000 events used up at t=\d+\.\d{6} s/);
    expect(s.world.trace.events.countKind('sim.budget')).toBe(1);
  });
});
