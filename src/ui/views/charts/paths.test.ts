import { describe, expect, it } from 'vitest';
import { markerPath, seriesPath } from './paths.ts';
import type { Pt } from './model.ts';

const id = (v: number) => v;

/** Replays path data (absolute M/H/V/L plus relative h/v/l and z) into the vertices it visits. */
function vertices(d: string): [number, number][][] {
  const runs: [number, number][][] = [];
  let x = 0;
  let y = 0;
  for (const [, cmd, args] of d.matchAll(/([MHVLhvlz])([^MHVLhvlz]*)/g)) {
    const n = args!.split(',').filter(Boolean).map(Number);
    if (cmd === 'M') {
      runs.push([]);
      [x, y] = n as [number, number];
    } else if (cmd === 'L') [x, y] = n as [number, number];
    else if (cmd === 'H') x = n[0]!;
    else if (cmd === 'V') y = n[0]!;
    else if (cmd === 'h') x += n[0]!;
    else if (cmd === 'v') y += n[0]!;
    else if (cmd === 'l') {
      x += n[0]!;
      y += n[1]!;
    } else continue;
    runs.at(-1)!.push([x, y]);
  }
  return runs;
}

describe('series path data', () => {
  it('a step series holds each value until the next point (like curveStepAfter)', () => {
    const pts: Pt[] = [
      [0, 10],
      [5, 20],
      [9, 15],
    ];
    expect(seriesPath(pts, 'step', id, id)).toBe('M0,10H5V20H9V15');
    expect(vertices(seriesPath(pts, 'step', id, id))).toEqual([
      [
        [0, 10],
        [5, 10],
        [5, 20],
        [9, 20],
        [9, 15],
      ],
    ]);
  });

  it('a line series joins its points', () => {
    expect(seriesPath([[0, 0], [1, 2], [3, 1]], 'line', id, id)).toBe('M0,0L1,2L3,1');
  });

  it('a gap (NaN value, e.g. ssthresh still infinite) ends the line; the next finite point starts a new one', () => {
    const d = seriesPath([[0, 1], [1, NaN], [2, 3], [3, 4]], 'step', id, id);
    expect(d).toBe('M0,1M2,3H3V4');
    expect(vertices(d)).toHaveLength(2);
  });

  it('rounds to 0.1 px and drops points on the same pixel, so M4 columns collapse to vertical runs', () => {
    const x = (t: number) => t / 1000; // 1000 ns per pixel
    const y = (v: number) => 100 - v;
    const pts: Pt[] = [
      [0, 0],
      [10, 50],
      [20, 0],
      [30, 0],
      [1000, 0],
    ];
    // Four points inside pixel 0.0 (rounded): one vertical run, then a hold to pixel 1.
    expect(seriesPath(pts, 'step', x, y)).toBe('M0,100V50V100H1');
    expect(seriesPath([[0, 1 / 3]], 'line', id, id)).toBe('M0,0.3');
  });

  it('dots are 3 px squares centred on their points, one per pixel', () => {
    expect(seriesPath([[10, 10], [10, 10], [20, 5], [30, NaN]], 'dots', id, id)).toBe('M8.5,8.5h3v3h-3zM18.5,3.5h3v3h-3z');
  });

  it('draws nothing for no points', () => {
    expect(seriesPath([], 'step', id, id)).toBe('');
  });

  it('markers: a triangle for a retransmission, a cross for a drop', () => {
    expect(markerPath('triangle', 10, 20)).toBe('M10,15l4.5,8h-9z');
    expect(markerPath('cross', 10, 20)).toBe('M6,16l8,8M14,16l-8,8');
  });
});
