/**
 * SVG path data for chart series (pure, no DOM): points already downsampled by the model are
 * projected to pixels and written as short commands with coordinates rounded to 0.1 px.
 * Consecutive points on the same pixel collapse, and step series use H/V commands, so a path
 * stays a few thousand short tokens however long the run is: cheap to build, cheap for the
 * browser to parse and paint on every live update.
 */
import type { Pt, SeriesStyle } from './model.ts';

type Project = (v: number) => number;

/** Rounded to 0.1 px, written without a trailing ".0". */
function r(v: number): number {
  return Math.round(v * 10) / 10;
}

/**
 * Path data of one series. `step` holds each value until the next point (like d3's
 * curveStepAfter); `line` joins points; `dots` draws a 3 px square per point. Points whose value
 * is not finite are gaps: the line stops there and starts again at the next finite point.
 */
export function seriesPath(points: readonly Pt[], style: SeriesStyle, x: Project, y: Project): string {
  let d = '';
  if (style === 'dots') {
    let lx = NaN;
    let ly = NaN;
    for (const p of points) {
      if (!Number.isFinite(p[1])) continue;
      const a = r(x(p[0]) - 1.5);
      const b = r(y(p[1]) - 1.5);
      if (a === lx && b === ly) continue;
      lx = a;
      ly = b;
      d += `M${a},${b}h3v3h-3z`;
    }
    return d;
  }
  let open = false;
  let cx = NaN;
  let cy = NaN;
  for (const p of points) {
    if (!Number.isFinite(p[1])) {
      open = false;
      continue;
    }
    const px = r(x(p[0]));
    const py = r(y(p[1]));
    if (!open) {
      d += `M${px},${py}`;
      open = true;
    } else if (style === 'step') {
      if (px !== cx) d += `H${px}`;
      if (py !== cy) d += `V${py}`;
    } else if (px !== cx || py !== cy) {
      d += `L${px},${py}`;
    }
    cx = px;
    cy = py;
  }
  return d;
}

/** Path data of markers: a triangle (retransmission) or a cross (drop) at each point. */
export function markerPath(shape: 'triangle' | 'cross', cx: number, cy: number): string {
  const a = r(cx);
  const b = r(cy);
  return shape === 'triangle' ? `M${a},${r(b - 5)}l4.5,8h-9z` : `M${r(a - 4)},${r(b - 4)}l8,8M${r(a + 4)},${r(b - 4)}l-8,8`;
}
