import { describe, expect, it } from 'vitest';
import { runScenarioForView } from '../../../../test/ui/run-scenario.ts';
import { syntheticRun } from '../bench/synthetic.ts';
import { FlightIndex, flightIndexFor, frameList, framesInFlight } from './flight-index.ts';
import { layoutTopology, transposeLayout } from './layout.ts';
import { labelVisibility, topologyModel } from './model.ts';
import { HitBuffer, hitTest, packColour, PixelLayer, rasterSegment } from './render.ts';

function layer(w: number, h: number): PixelLayer {
  const l = new PixelLayer();
  l.width = w;
  l.height = h;
  l.buf = new Uint32Array(w * h);
  return l;
}
const alpha = (v: number) => v >>> 24;

describe('frame rasteriser', () => {
  it('packs colours as little-endian RGBA words', () => {
    expect(packColour('#0072B2')).toBe(((0xff << 24) | (0xb2 << 16) | (0x72 << 8) | 0x00) >>> 0);
  });

  it('fills a thick horizontal segment with anti-aliased edges', () => {
    const l = layer(20, 12);
    const c = packColour('#ff0000');
    rasterSegment(l, 2, 6, 12, 6, 2.5, c);
    const px = (x: number, y: number) => l.buf[y * 20 + x]!;
    // Rows 4 and 5 and 6 and 7 are fully inside [3.5, 8.5); rows 3 and 8 half covered.
    for (const y of [4, 5, 6, 7]) expect(px(7, y)).toBe(c);
    expect(alpha(px(7, 3))).toBe(128);
    expect(alpha(px(7, 8))).toBe(128);
    expect(px(7, 1)).toBe(0);
    expect(px(15, 6)).toBe(0);
    expect(px(2, 6)).toBe(c);
    expect(px(12, 6)).toBe(c);
  });

  it('handles steep and reversed segments and clips to the buffer', () => {
    const l = layer(10, 10);
    const c = packColour('#00ff00');
    rasterSegment(l, 5, 12, 5, -3, 1, c);
    for (let y = 0; y < 10; y++) expect(l.buf[y * 10 + 5]).toBe(c);
    expect(l.buf[5 * 10 + 8]).toBe(0);
  });

  it('hit-tests drawn segments and drop markers', () => {
    const hits = new HitBuffer();
    hits.n = 1;
    hits.seg.set([10, 10, 50, 10]);
    hits.uid[0] = 7;
    expect(hitTest(hits, 30, 13, 5)).toBe(7);
    expect(hitTest(hits, 30, 20, 5)).toBe(-1);
    hits.mn = 1;
    hits.mark.set([30, 14]);
    hits.muid[0] = 9;
    expect(hitTest(hits, 30, 14, 5)).toBe(9);
  });
});

describe('layout helpers', () => {
  it('turns the layout on its side for tall views', () => {
    const run = runScenarioForView('routed', { untilNs: 1 });
    const l = layoutTopology(run.topology);
    const t = transposeLayout(l);
    for (const [id, p] of l) expect(t.get(id)).toEqual({ x: p.y, y: p.x });
  });

  it('hides link labels and addresses that would not fit', () => {
    const run = runScenarioForView('routed', { untilNs: 1 });
    const model = topologyModel(run.topology, layoutTopology(run.topology));
    const wide = labelVisibility(model, 1600, 500, 22);
    expect(wide.linkLabels.size).toBe(run.topology.links.length);
    expect(wide.addresses.size).toBe(7);
    const narrow = labelVisibility(model, 500, 500, 22);
    expect(narrow.linkLabels.size).toBe(0);
    expect(narrow.addresses.size).toBeLessThan(7);
  });
});

describe('flight index', () => {
  it('rebuilds when it is fed another run', () => {
    const a = runScenarioForView('lan');
    const b = runScenarioForView('nagle');
    const ix = new FlightIndex();
    ix.sync(a.trace, a.topology);
    ix.sync(b.trace, b.topology);
    const fresh = new FlightIndex();
    fresh.sync(b.trace, b.topology);
    const t = 1.0025e9;
    expect(frameList(framesInFlight(ix, t))).toEqual(frameList(framesInFlight(fresh, t)));
    expect(ix.links).toHaveLength(b.topology.links.length);
  });

  it('the benchmark run keeps 5,000 frames in flight', () => {
    const run = syntheticRun({ inFlight: 5000, durationNs: 40e6 });
    const ix = flightIndexFor(run.trace, run.topology);
    for (const f of [0, 0.5, 1]) {
      const t = run.steadyFromNs + f * (run.steadyToNs - run.steadyFromNs - 1e6);
      expect(Math.abs(framesInFlight(ix, t).n - 5000)).toBeLessThan(50);
    }
  });
});
