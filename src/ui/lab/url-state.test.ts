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

  test('broken or hostile parts are ignored, the rest kept', () => {
    const d = decodeState('s=../../etc&sc=%%%&seed=-4&t=NaN&v=topology,evil&p=1.5&h=<script>&theme=blue');
    expect(d).toEqual({ views: ['topology'] });
  });

  test('an empty fragment decodes to nothing', () => {
    expect(decodeState('')).toEqual({});
  });
});
