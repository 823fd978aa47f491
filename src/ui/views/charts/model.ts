/**
 * Chart view-models (pure): series cut at the time cursor (history vs. future), downsampled to
 * at most four points per pixel column (first, min, max, last: "M4"), so a million-point series
 * draws as a few thousand points without losing a spike. The d3 renderer draws these as given.
 */
import type { Markers, Series } from './series.ts';

/** Indices of the points of `s` in [from, to) that survive M4 downsampling over `columns` columns of [t0, t1]. */
export function downsampleM4(s: Series, from: number, to: number, t0: number, t1: number, columns: number): number[] {
  const out: number[] = [];
  if (to <= from) return out;
  const cols = Math.max(1, Math.floor(columns));
  if (to - from <= cols * 4) {
    for (let i = from; i < to; i++) out.push(i);
    return out;
  }
  const span = t1 > t0 ? t1 - t0 : 1;
  let col = -Infinity;
  let first = -1;
  let min = -1;
  let max = -1;
  let last = -1;
  const flush = (): void => {
    if (first < 0) return;
    const picks = [first, min, max, last].sort((a, b) => a - b);
    for (let k = 0; k < picks.length; k++) if (k === 0 || picks[k] !== picks[k - 1]) out.push(picks[k]!);
  };
  for (let i = from; i < to; i++) {
    const c = Math.floor(((s.t[i]! - t0) / span) * cols);
    const v = s.v[i]!;
    if (c !== col) {
      flush();
      col = c;
      first = min = max = last = i;
      continue;
    }
    last = i;
    if (Number.isNaN(v)) continue;
    if (Number.isNaN(s.v[min]!) || v < s.v[min]!) min = i;
    if (Number.isNaN(s.v[max]!) || v > s.v[max]!) max = i;
  }
  flush();
  return out;
}

export type SeriesStyle = 'step' | 'line' | 'dots';

export interface SeriesSpec {
  readonly id: string;
  readonly label: string;
  readonly colour: string;
  /** SVG dash array ("" = solid): series differ by dash and shape too, never colour alone. */
  readonly dash: string;
  readonly style: SeriesStyle;
  readonly data: Series;
  /** Multiplier applied to values (units: bytes → packets, ns → ms). */
  readonly scale: number;
}

export interface MarkerSpec {
  readonly id: string;
  readonly label: string;
  readonly colour: string;
  readonly shape: 'triangle' | 'cross';
  readonly data: Markers;
  readonly scale: number;
}

/** A point to draw: time (ns) and scaled value (NaN = gap). */
export type Pt = readonly [number, number];

export interface DrawSeries {
  readonly id: string;
  readonly label: string;
  readonly colour: string;
  readonly dash: string;
  readonly style: SeriesStyle;
  /** Downsampled points over the whole domain; a step series holds its last value to the domain end. */
  readonly points: Pt[];
}

export interface DrawMarker {
  readonly t: number;
  readonly v: number;
  readonly label: string;
}

export interface DrawMarkers {
  readonly id: string;
  readonly label: string;
  readonly colour: string;
  readonly shape: 'triangle' | 'cross';
  /** At most one marker per pixel column. */
  readonly points: DrawMarker[];
}

/**
 * What a chart draws, over its whole time domain. It does not depend on the time cursor: the
 * renderer veils the part after the cursor (the future hidden or faded), so moving
 * the cursor costs a few attribute updates, not a redraw.
 */
export interface ChartModel {
  readonly domain: readonly [number, number];
  readonly yMax: number;
  readonly series: DrawSeries[];
  readonly markers: DrawMarkers[];
  /** Horizontal reference line (e.g. the queue limit). */
  readonly limit: { v: number; label: string } | null;
  /** True when no series has any point at all. */
  readonly empty: boolean;
}

export interface ChartInput {
  readonly series: readonly SeriesSpec[];
  readonly markers?: readonly MarkerSpec[];
  readonly limit?: { v: number; label: string } | null;
  readonly domain: readonly [number, number];
  /** Plot width in pixels (columns for downsampling). */
  readonly width: number;
}

interface Visible {
  readonly length: number;
  readonly t0: number;
  readonly t1: number;
  readonly cols: number;
  /** Downsampled point indices of the visible range. */
  readonly idx: number[];
  /** Largest unscaled value in the visible range. */
  readonly max: number;
}

/**
 * Downsampled visible ranges are cached per series and recomputed only when the series grows or
 * the domain or width changes (a series can appear in two charts, e.g. cwnd).
 */
const visibleCache = new WeakMap<Series, Visible>();

function visible(s: Series, t0: number, t1: number, cols: number): Visible {
  const hit = visibleCache.get(s);
  if (hit && hit.length === s.length && hit.t0 === t0 && hit.t1 === t1 && hit.cols === cols) return hit;
  // One point either side so lines enter and leave the plot.
  const lo = Math.max(0, s.lowerBoundTime(t0) - 1);
  const hi = Math.min(s.length, s.lowerBoundTime(t1) + 1);
  let max = 0;
  for (let i = lo; i < hi; i++) if (s.v[i]! > max) max = s.v[i]!;
  const v: Visible = { length: s.length, t0, t1, cols, idx: downsampleM4(s, lo, hi, t0, t1, cols), max };
  visibleCache.set(s, v);
  return v;
}

/** The drawable model of one chart (independent of the cursor). */
export function chartModel(input: ChartInput): ChartModel {
  const [t0, t1] = input.domain;
  const cols = Math.max(1, Math.floor(input.width));
  let yMax = 0;
  let empty = true;
  const series: DrawSeries[] = [];
  for (const spec of input.series) {
    const s = spec.data;
    if (s.length) empty = false;
    const vis = visible(s, t0, t1, cols);
    const points: Pt[] = vis.idx.map((i) => [s.t[i]!, s.v[i]! * spec.scale] as const);
    const last = points[points.length - 1];
    if (spec.style === 'step' && last && last[0] < t1) points.push([t1, last[1]]);
    if (vis.max * spec.scale > yMax) yMax = vis.max * spec.scale;
    series.push({ id: spec.id, label: spec.label, colour: spec.colour, dash: spec.dash, style: spec.style, points });
  }
  const markers: DrawMarkers[] = [];
  for (const m of input.markers ?? []) {
    const s = m.data;
    const points: DrawMarker[] = [];
    let lastCol = -Infinity;
    for (let i = s.lowerBoundTime(t0), hi = s.lowerBoundTime(t1 + 1); i < hi; i++) {
      const c = Math.floor(((s.t[i]! - t0) / (t1 - t0 || 1)) * cols);
      if (c === lastCol) continue;
      lastCol = c;
      const v = s.v[i]! * m.scale;
      points.push({ t: s.t[i]!, v, label: s.labels[i] ?? '' });
      if (v > yMax) yMax = v;
    }
    markers.push({ id: m.id, label: m.label, colour: m.colour, shape: m.shape, points });
  }
  const limit = input.limit ?? null;
  if (limit && limit.v > yMax) yMax = limit.v;
  return { domain: input.domain, yMax: yMax > 0 ? yMax : 1, series, markers, limit, empty };
}

export interface CursorSummary {
  /** Value of each series in effect at the cursor (scaled; NaN = none yet). */
  readonly latest: { label: string; value: number }[];
  /** Markers at or before the cursor (all of them, not just the drawn ones). */
  readonly counts: { label: string; count: number }[];
}

/** What the chart says at the cursor: exact, by event index (events before `cursorEvents`). */
export function cursorSummary(series: readonly SeriesSpec[], markers: readonly MarkerSpec[], cursorEvents: number): CursorSummary {
  return {
    latest: series.map((s) => {
      const n = s.data.countBeforeEvent(cursorEvents);
      return { label: s.label, value: n > 0 ? s.data.v[n - 1]! * s.scale : NaN };
    }),
    counts: markers.map((m) => ({ label: m.label, count: m.data.countBeforeEvent(cursorEvents) })),
  };
}

/** Splits drawn points at a time: [at or before, after] (what the clip paths show and hide). */
export function splitAtTime(points: readonly Pt[], t: number): [Pt[], Pt[]] {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid]![0] <= t) lo = mid + 1;
    else hi = mid;
  }
  return [points.slice(0, lo), points.slice(lo)];
}

/**
 * End of the charts' time axis: the latest time seen (trace head or cursor), rounded up to a
 * round step (half a power of ten of the span), so the axis and every drawn path stay put while
 * the cursor moves within a step, and the data uses at least two thirds of the width.
 */
export function domainEnd(t0: number, latestNs: number): number {
  const span = Math.max(latestNs - t0, 1e6);
  const step = 10 ** Math.floor(Math.log10(span)) / 2;
  return t0 + Math.max(1, Math.ceil(span / step - 1e-9)) * step;
}

/** Time → pixel column (for click-to-seek) and back, for a plot of `width` px over the domain. */
export function timeAtX(x: number, width: number, domain: readonly [number, number]): number {
  const [t0, t1] = domain;
  const f = Math.max(0, Math.min(1, width > 0 ? x / width : 0));
  return t0 + f * (t1 - t0);
}

/** Short axis labels: 950, 14.5k, 1.2M, 0.25 (trailing zeros dropped). */
export function formatSi(v: number): string {
  const a = Math.abs(v);
  const trim = (s: string): string => (s.includes('.') ? s.replace(/\.?0+$/, '') : s);
  if (a >= 1e9) return trim((v / 1e9).toFixed(2)) + 'G';
  if (a >= 1e6) return trim((v / 1e6).toFixed(2)) + 'M';
  if (a >= 1e4) return trim((v / 1e3).toFixed(1)) + 'k';
  if (a >= 100 || a === 0) return String(Math.round(v));
  return trim(v.toPrecision(3));
}
