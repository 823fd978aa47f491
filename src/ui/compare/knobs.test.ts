import { describe, expect, test } from 'vitest';
import { applyKnob, bottleneck } from './knobs.ts';
import { Session, builtinScenario, parseScenario } from '../../engine/index.ts';

const scenario = (name: string) => JSON.parse(JSON.stringify(parseScenario(builtinScenario(name)))) as Parameters<typeof bottleneck>[0];

describe('compare knobs', () => {
  test('the bottleneck of the lossy long-fat path is its slowest link', () => {
    const s = scenario('lossy-lfn');
    const i = bottleneck(s);
    expect(i).toBeGreaterThanOrEqual(0);
    expect(Number(s.links[i]!.loss)).toBeGreaterThan(0);
  });

  test('changing the congestion control sets it on every host and router, nothing else', () => {
    const s = scenario('tcp-bulk');
    const b = applyKnob(s, 1, 'cc', 'bbr');
    expect(b.seed).toBe(1);
    expect(b.scenario.nodes.filter((n) => n.kind !== 'switch').every((n) => n.tcp?.cc === 'bbr')).toBe(true);
    expect(b.scenario.links).toEqual(s.links);
    expect(() => new Session(b.scenario)).not.toThrow();
  });

  test('a link knob changes only the bottleneck link, and the engine accepts the result', () => {
    const s = scenario('bufferbloat');
    const b = applyKnob(s, 1, 'qdisc', 'fq_codel');
    const i = bottleneck(s);
    b.scenario.links.forEach((l, k) => (k === i ? expect(l.qdisc).toBe('fq_codel') : expect(l).toEqual(s.links[k])));
    expect(() => new Session(b.scenario)).not.toThrow();
    expect(applyKnob(s, 1, 'loss', '0.02').scenario.links[i]!.loss).toBe(0.02);
  });

  test('bad values are refused with a reason', () => {
    const s = scenario('tcp-bulk');
    expect(() => applyKnob(s, 1, 'cc', 'vegas')).toThrow(/reno, cubic or bbr/);
    expect(() => applyKnob(s, 1, 'seed', '-1')).toThrow(/whole number/);
    expect(() => applyKnob(s, 1, 'loss', 'lots')).toThrow(/non-negative/);
    expect(() => applyKnob(s, 1, 'delay', ' ')).toThrow(/value/);
    expect(applyKnob(s, 1, 'seed', '9').seed).toBe(9);
  });
});
