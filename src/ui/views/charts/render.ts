/**
 * The chart renderer (d3 → SVG): draws a ChartModel exactly as given, taking one config object.
 * The data is drawn twice, in colour clipped to the history (left of the cursor) and greyed
 * clipped to the future; moving the cursor only moves the clip edge and the cursor line
 * (`setCursor`), so playback does not redraw paths. Everything uses explicit attributes (no
 * stylesheet), so an exported SVG or PNG looks like the screen.
 */
import { scaleLinear } from 'd3-scale';
import type { ScaleLinear } from 'd3-scale';
import { line, curveStepAfter, curveLinear } from 'd3-shape';
import { axisBottom, axisLeft } from 'd3-axis';
import { select } from 'd3-selection';
import type { Selection } from 'd3-selection';
import type { ChartModel, DrawMarkers, DrawSeries, Pt } from './model.ts';
import { formatSi } from './model.ts';

export interface ChartColours {
  readonly fg: string;
  readonly muted: string;
  readonly border: string;
  readonly bg: string;
  readonly cursor: string;
  /** Colour of the greyed future. */
  readonly future: string;
}

export interface RenderConfig {
  readonly svg: SVGSVGElement;
  readonly width: number;
  readonly height: number;
  readonly model: ChartModel;
  readonly title: string;
  readonly yLabel: string;
  readonly colours: ChartColours;
  readonly cursorNs: number;
  /** Draw the part after the cursor greyed (true) or hide it (false). */
  readonly showFuture: boolean;
  readonly fontFamily?: string;
}

export const MARGIN = { top: 40, right: 14, bottom: 24, left: 56 } as const;

export interface ChartHandle {
  readonly x: ScaleLinear<number, number>;
  readonly y: ScaleLinear<number, number>;
  /** Plot area in SVG coordinates. */
  readonly plot: { left: number; top: number; width: number; height: number };
  /** Moves the cursor line and the history/future boundary. */
  setCursor(ns: number, showFuture: boolean): void;
}

type G = Selection<SVGGElement, unknown, null, undefined>;

let clipSeq = 0;

/** Seconds with as many decimals as the tick step needs (0.5 s steps: "1.5 s"). */
function timeTickFormat(ticks: readonly number[]): (ns: number) => string {
  const step = ticks.length > 1 ? (ticks[1]! - ticks[0]!) / 1e9 : 1;
  let digits = 0;
  while (digits < 6 && Math.abs(Math.round(step * 10 ** digits) - step * 10 ** digits) > 1e-6) digits++;
  return (ns) => `${(ns / 1e9).toFixed(digits)} s`;
}

export function renderChart(cfg: RenderConfig): ChartHandle {
  const { svg, width, height, model, colours } = cfg;
  const plotW = Math.max(10, width - MARGIN.left - MARGIN.right);
  const plotH = Math.max(10, height - MARGIN.top - MARGIN.bottom);
  const [d0, d1] = model.domain;
  const x = scaleLinear().domain([d0, d1 > d0 ? d1 : d0 + 1]).range([0, plotW]);
  const y = scaleLinear().domain([0, model.yMax * 1.05]).range([plotH, 0]).nice(5);
  const font = cfg.fontFamily ?? 'system-ui, sans-serif';

  const root = select(svg);
  root.selectAll('*').remove();
  root.attr('width', width).attr('height', height).attr('viewBox', `0 0 ${width} ${height}`).attr('font-family', font).attr('font-size', 11);
  root.append('rect').attr('width', width).attr('height', height).attr('fill', colours.bg);

  const id = `ss-chart-${++clipSeq}`;
  const defs = root.append('defs');
  const pastRect = defs.append('clipPath').attr('id', `${id}-past`).append('rect').attr('y', -10).attr('height', plotH + 20);
  const futureRect = defs.append('clipPath').attr('id', `${id}-future`).append('rect').attr('y', -10).attr('height', plotH + 20);

  const g = root.append('g').attr('transform', `translate(${MARGIN.left},${MARGIN.top})`);

  // Axes.
  const xTicks = Math.max(2, Math.floor(plotW / 90));
  const fmtTime = timeTickFormat(x.ticks(xTicks));
  const xAxis = g
    .append('g')
    .attr('transform', `translate(0,${plotH})`)
    .call(
      axisBottom(x)
        .ticks(xTicks)
        .tickFormat((d) => fmtTime(Number(d))),
    );
  const yAxis = g.append('g').call(
    axisLeft(y)
      .ticks(Math.max(2, Math.floor(plotH / 28)))
      .tickFormat((d) => formatSi(Number(d))),
  );
  for (const a of [xAxis, yAxis]) {
    a.attr('font-family', font).attr('font-size', 10);
    a.selectAll('path,line').attr('stroke', colours.border);
    a.selectAll('text').attr('fill', colours.muted);
  }
  g.append('text')
    .attr('transform', `translate(${-MARGIN.left + 12},${plotH / 2}) rotate(-90)`)
    .attr('text-anchor', 'middle')
    .attr('fill', colours.muted)
    .attr('font-size', 10)
    .text(cfg.yLabel);

  if (model.limit) {
    const ly = y(model.limit.v);
    g.append('line').attr('x1', 0).attr('x2', plotW).attr('y1', ly).attr('y2', ly).attr('stroke', colours.muted).attr('stroke-dasharray', '1 3').attr('stroke-width', 1.5);
    g.append('text').attr('x', plotW - 4).attr('y', ly - 3).attr('text-anchor', 'end').attr('fill', colours.muted).attr('font-size', 10).text(model.limit.label);
  }

  const px = (p: Pt): [number, number] => [x(p[0]), y(p[1])];
  const future = g.append('g').attr('clip-path', `url(#${id}-future)`).attr('opacity', 0.55);
  const past = g.append('g').attr('clip-path', `url(#${id}-past)`);
  for (const s of model.series) {
    drawSeries(future, s, px, colours.future);
    drawSeries(past, s, px, s.colour);
  }
  for (const m of model.markers) {
    drawMarkers(future, m, x, y, plotH, colours.future, colours.bg);
    drawMarkers(past, m, x, y, plotH, m.colour, colours.bg);
  }

  // The time cursor.
  const cursor = g.append('g');
  cursor.append('line').attr('y1', 0).attr('y2', plotH).attr('stroke', colours.cursor).attr('stroke-width', 1.5);
  cursor.append('path').attr('d', 'M-5,-6h10l-5,6z').attr('fill', colours.cursor);

  drawLegend(root, model, cfg.title, width, colours);

  const setCursor = (ns: number, showFuture: boolean): void => {
    const raw = x(ns);
    const cx = Math.max(0, Math.min(plotW, raw));
    // The clips extend above and below the plot so markers and strokes at the edges show whole.
    pastRect.attr('x', 0).attr('width', cx);
    futureRect.attr('x', cx).attr('width', Math.max(0, plotW + 10 - cx));
    future.attr('display', showFuture ? null : 'none');
    cursor.attr('transform', `translate(${cx},0)`).attr('display', raw >= 0 && raw <= plotW ? null : 'none');
  };
  setCursor(cfg.cursorNs, cfg.showFuture);
  return { x, y, plot: { left: MARGIN.left, top: MARGIN.top, width: plotW, height: plotH }, setCursor };
}

function drawSeries(layer: G, s: DrawSeries, px: (p: Pt) => [number, number], colour: string): void {
  if (s.style === 'dots') {
    let d = '';
    for (const p of s.points) {
      if (!Number.isFinite(p[1])) continue;
      const [a, b] = px(p);
      d += `M${(a - 1.5).toFixed(1)},${(b - 1.5).toFixed(1)}h3v3h-3z`;
    }
    layer.append('path').attr('d', d).attr('fill', colour);
    return;
  }
  const gen = line<Pt>()
    .defined((p) => Number.isFinite(p[1]))
    .x((p) => px(p)[0])
    .y((p) => px(p)[1])
    .curve(s.style === 'step' ? curveStepAfter : curveLinear);
  layer
    .append('path')
    .attr('d', gen(s.points) ?? '')
    .attr('fill', 'none')
    .attr('stroke', colour)
    .attr('stroke-width', 1.75)
    .attr('stroke-dasharray', s.dash || null);
}

function markerPath(shape: 'triangle' | 'cross', cx: number, cy: number): string {
  return shape === 'triangle' ? `M${cx},${cy - 5}l4.5,8h-9z` : `M${cx - 4},${cy - 4}l8,8M${cx + 4},${cy - 4}l-8,8`;
}

function drawMarkers(layer: G, m: DrawMarkers, x: ScaleLinear<number, number>, y: ScaleLinear<number, number>, plotH: number, colour: string, bg: string): void {
  if (!m.points.length) return;
  const d = m.points.map((p) => markerPath(m.shape, x(p.t), Number.isFinite(p.v) ? y(p.v) : plotH - 5)).join('');
  const path = layer.append('path').attr('d', d);
  if (m.shape === 'cross') path.attr('fill', 'none').attr('stroke', colour).attr('stroke-width', 2);
  else path.attr('fill', colour).attr('stroke', bg).attr('stroke-width', 0.75);
}

function drawLegend(root: Selection<SVGSVGElement, unknown, null, undefined>, model: ChartModel, title: string, width: number, colours: ChartColours): void {
  const g = root.append('g').attr('transform', 'translate(12,14)');
  g.append('text').attr('x', 0).attr('y', 0).attr('fill', colours.fg).attr('font-weight', 600).text(title);
  const entries: { label: string; draw: (e: G) => void }[] = [];
  for (const s of model.series) {
    entries.push({
      label: s.label,
      draw: (e) => {
        if (s.style === 'dots') e.append('path').attr('d', 'M4,-5h3v3h-3zM10,-6h3v3h-3z').attr('fill', s.colour);
        else e.append('line').attr('x1', 0).attr('x2', 16).attr('y1', -4).attr('y2', -4).attr('stroke', s.colour).attr('stroke-width', 2).attr('stroke-dasharray', s.dash || null);
      },
    });
  }
  const seen = new Set<string>();
  for (const m of model.markers) {
    const key = `${m.shape}${m.colour}`;
    if (seen.has(key)) continue;
    seen.add(key);
    entries.push({
      label: m.label.replace(/ .*/, ''),
      draw: (e) => {
        const p = e.append('path').attr('d', markerPath(m.shape, 8, -4));
        if (m.shape === 'cross') p.attr('fill', 'none').attr('stroke', m.colour).attr('stroke-width', 2);
        else p.attr('fill', m.colour);
      },
    });
  }
  // Legend on its own line under the title; entries that do not fit are left out (the text
  // summary under the chart names every series).
  let x = 0;
  const maxX = width - 24;
  for (const entry of entries) {
    const w = 24 + entry.label.length * 6;
    if (x + w > maxX && x > 0) break;
    const e = g.append('g').attr('transform', `translate(${x},16)`);
    entry.draw(e);
    e.append('text').attr('x', 19).attr('y', 0).attr('fill', colours.fg).attr('font-size', 10).text(entry.label);
    x += w;
  }
}
