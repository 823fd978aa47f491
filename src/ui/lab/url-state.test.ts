import { describe, expect, test } from 'vitest';
import { decodeState, encodeState } from './url-state.ts';

describe('shareable URL state', () => {
  test('a built-in scenario, seed, cursor, views, selection and host round-trip', () => {
    const st = { scenario: 'routed', seed: 7, t: 1.25, views: ['topology', 'ladder'] as const, packet: 42, host: 'laptop', theme: 'dark' as const };
    expect(decodeState('#' + encodeState({ ...st, views: [...st.views] }))).toEqual({ ...st, views: ['topology', 'ladder'] });
  });

  test('a custom scenario travels as JSON, including non-ASCII text', () => {
    const scenario = { name: 'mine', title: 'Zoë’s lab ✓', nodes: [{ name: 'a' }] };
    expect(decodeState(encodeState({ scenario, seed: 1, t: 0 })).scenario).toEqual(scenario);
  });

  test('typed terminal commands travel with their times; malformed entries are dropped', () => {
    const commands = [
      { atNs: 1_500_000_000, events: 120, host: 'laptop', command: 'ping -c 1 203.0.113.10' },
      { atNs: 2e9, events: 300, host: 'laptop', command: "traceroute -n 'x y'" },
    ];
    expect(decodeState(encodeState({ scenario: 'routed', seed: 1, t: 0, commands })).commands).toEqual(commands);
    const bad = btoa(JSON.stringify([[1, 5, 'laptop', 'ping x'], [-1, 0, 'a', 'b'], [1, 2, '<x>', 'c'], [1, 'x', 'a', 'b'], 'junk'])).replace(/=+$/, '');
    expect(decodeState(`s=lan&c=${bad}`).commands).toEqual([{ atNs: 1, events: 5, host: 'laptop', command: 'ping x' }]);
  });

  test('broken or hostile parts are ignored, the rest kept', () => {
    const d = decodeState('s=../../etc&sc=%%%&seed=-4&t=NaN&v=topology,evil&p=1.5&h=<script>&theme=blue');
    expect(d).toEqual({ views: ['topology'] });
  });

  test('an empty fragment decodes to nothing', () => {
    expect(decodeState('')).toEqual({});
  });
});
