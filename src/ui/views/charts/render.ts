/**
 * The chart renderer (d3 → SVG). A chart's SVG skeleton (axes, series paths, markers, legend,
 * cursor) is built once; each update rewrites only what changed: the series' path data (short,
 * pixel-rounded, from paths.ts), the axes when the domain or scale moved, the legend when its
 * entries did. The data is drawn once; the future (right of the time cursor) is covered by a
 * panel in the background colour, opaque (hidden) or translucent (faded), so moving the cursor
 * costs a few attribute updates, not a redraw. Everything uses explicit attributes (no
 * stylesheet), so an exported SVG or PNG looks like the screen.
 */
import { scaleLinear } from 'd3-scale';
import type { ScaleLinear } from 'd3-scale';
import { axisBottom, axisLeft } from 'd3-axis';
import { select } from 'd3-selection';
import type { Selection } from 'd3-selection';
import type { ChartModel } from './model.ts';
import { formatSi } from './model.ts';
import { markerPath, seriesPath } from './paths.ts';

export interface ChartColours {
  readonly fg: string;
  readonly muted: string;
  readonly border: string;
  readonly bg: string;
  readonly cursor: string;
}

export interface RenderConfig {
  readonly width: number;
  readonly height: number;
  readonly model: ChartModel;
  readonly title: string;
  readonly yLabel: string;
  readonly colours: ChartColours;
  readonly cursorNs: number;
  /** Draw the part after the cursor faded (true) or hide it (false). */
  readonly showFuture: boolean;
  readonly fontFamily?: string;
}

export const MARGIN = { top: 40, right: 14, bottom: 24, left: 56 } as const;

/** Opacity of the background-coloured panel over the future when it is shown faded. */
export const FUTURE_VEIL = 0.6;

export interface ChartHandle {
  /** Draws `cfg` (first call) or brings the drawing up to date with it (later calls). */
  update(cfg: RenderConfig): void;
  /** Moves the cursor line and the history/future boundary. */
  setCursor(ns: number, showFuture: boolean): void;
  /** Scales of the last update (null before the first). */
  readonly x: ScaleLinear<number, number> | null;
  readonly y: ScaleLinear<number, number> | null;
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

/** Builds the skeleton of a chart in `svg` (emptied first) and returns its handle. */
export function createChart(svg: SVGSVGElement): ChartHandle {
  const root = select(svg);
  root.selectAll('*').remove();
  const bg = root.append('rect');
  const id = `ss-chart-${++clipSeq}`;
  const clipRect = root.append('defs').append('clipPath').attr('id', `${id}-plot`).append('rect');
  const g = root.append('g');
  // Z-order: data, the veil over the future, then axes, limit line and cursor on top of it.
  const data = g.append('g').attr('clip-path', `url(#${id}-plot)`);
  const seriesLayer = data.append('g');
  const markerLayer = data.append('g');
  const veil = g.append('rect');
  const xAxis = g.append('g');
  const yAxis = g.append('g');
  const yLabel = g.append('text').attr('text-anchor', 'middle').attr('font-size', 10);
  const limit = g.append('g');
  const cursor = g.append('g');
  const cursorLine = cursor.append('line').attr('y1', 0).attr('stroke-width', 1.5);
  const cursorHead = cursor.append('path').attr('d', 'M-5,-6h10l-5,6z');
  const legend = root.append('g').attr('transform', 'translate(12,14)');

  let x: ScaleLinear<number, number> | null = null;
  let y: ScaleLinear<number, number> | null = null;
  let plotW = 10;
  let plotH = 10;
  let frameKey = '';
  let axesKey = '';
  let legendKey = '';
  let limitKey = '';

  const setCursor = (ns: number, showFuture: boolean): void => {
    if (!x) return;
    const raw = x(ns);
    const cx = Math.max(0, Math.min(plotW, raw));
    // The veil extends past the plot so markers and strokes at the right edge are covered whole.
    veil
      .attr('x', cx)
      .attr('width', Math.max(0, plotW + 12 - cx))
      .attr('opacity', showFuture ? FUTURE_VEIL : 1);
    cursor.attr('transform', `translate(${cx},0)`).attr('display', raw >= 0 && raw <= plotW ? null : 'none');
  };

  const update = (cfg: RenderConfig): void => {
    const { width, height, model, colours } = cfg;
    const font = cfg.fontFamily ?? 'system-ui, sans-serif';
    plotW = Math.max(10, width - MARGIN.left - MARGIN.right);
    plotH = Math.max(10, height - MARGIN.top - MARGIN.bottom);

    const nextFrame = JSON.stringify([width, height, font, colours, cfg.yLabel]);
    if (nextFrame !== frameKey) {
      frameKey = nextFrame;
      axesKey = legendKey = limitKey = '';
      root.attr('width', width).attr('height', height).attr('viewBox', `0 0 ${width} ${height}`).attr('font-family', font).attr('font-size', 11);
      bg.attr('width', width).attr('height', height).attr('fill', colours.bg);
      // Clipped at the plot's left edge (lines enter from the point before the domain); a little
      // room above, below and right so markers and strokes at those edges show whole.
      clipRect.attr('x', 0).attr('y', -10).attr('width', plotW + 12).attr('height', plotH + 20);
      g.attr('transform', `translate(${MARGIN.left},${MARGIN.top})`);
      xAxis.attr('transform', `translate(0,${plotH})`);
      yLabel
        .attr('transform', `translate(${-MARGIN.left + 12},${plotH / 2}) rotate(-90)`)
        .attr('fill', colours.muted)
        .text(cfg.yLabel);
      veil.attr('y', -12).attr('height', plotH + 24).attr('fill', colours.bg);
      cursorLine.attr('y2', plotH).attr('stroke', colours.cursor);
      cursorHead.attr('fill', colours.cursor);
    }

    const [d0, d1] = model.domain;
    x = scaleLinear().domain([d0, d1 > d0 ? d1 : d0 + 1]).range([0, plotW]);
    y = scaleLinear().domain([0, model.yMax * 1.05]).range([plotH, 0]).nice(5);
    const nextAxes = `${frameKey}|${x.domain().join()}|${y.domain().join()}`;
    if (nextAxes !== axesKey) {
      axesKey = nextAxes;
      const xTicks = Math.max(2, Math.floor(plotW / 90));
      const fmtTime = timeTickFormat(x.ticks(xTicks));
      xAxis.call(
        axisBottom(x)
          .ticks(xTicks)
          .tickFormat((d) => fmtTime(Number(d))),
      );
      yAxis.call(
        axisLeft(y)
          .ticks(Math.max(2, Math.floor(plotH / 28)))
          .tickFormat((d) => formatSi(Number(d))),
      );
      for (const a of [xAxis, yAxis]) {
        a.attr('font-family', font).attr('font-size', 10);
        a.selectAll('path,line').attr('stroke', colours.border);
        a.selectAll('text').attr('fill', colours.muted);
      }
    }

    const nextLimit = model.limit ? `${axesKey}|${model.limit.v}|${model.limit.label}` : '';
    if (nextLimit !== limitKey) {
      limitKey = nextLimit;
      limit.selectAll('*').remove();
      if (model.limit) {
        const ly = y(model.limit.v);
        limit.append('line').attr('x1', 0).attr('x2', plotW).attr('y1', ly).attr('y2', ly).attr('stroke', colours.muted).attr('stroke-dasharray', '1 3').attr('stroke-width', 1.5);
        limit.append('text').attr('x', plotW - 4).attr('y', ly - 3).attr('text-anchor', 'end').attr('fill', colours.muted).attr('font-size', 10).text(model.limit.label);
      }
    }

    const sx = x;
    const sy = y;
    seriesLayer
      .selectAll<SVGPathElement, ChartModel['series'][number]>('path')
      .data(model.series)
      .join('path')
      .attr('d', (s) => seriesPath(s.points, s.style, sx, sy))
      .attr('fill', (s) => (s.style === 'dots' ? s.colour : 'none'))
      .attr('stroke', (s) => (s.style === 'dots' ? null : s.colour))
      .attr('stroke-width', (s) => (s.style === 'dots' ? null : 1.75))
      .attr('stroke-dasharray', (s) => s.dash || null);
    markerLayer
      .selectAll<SVGPathElement, ChartModel['markers'][number]>('path')
      .data(model.markers)
      .join('path')
      .attr('d', (m) => m.points.map((p) => markerPath(m.shape, sx(p.t), Number.isFinite(p.v) ? sy(p.v) : plotH - 5)).join(''))
      .attr('fill', (m) => (m.shape === 'cross' ? 'none' : m.colour))
      .attr('stroke', (m) => (m.shape === 'cross' ? m.colour : colours.bg))
      .attr('stroke-width', (m) => (m.shape === 'cross' ? 2 : 0.75));

    const nextLegend = JSON.stringify([frameKey, cfg.title, model.series.map((s) => [s.label, s.colour, s.dash, s.style]), model.markers.map((m) => [m.label, m.colour, m.shape])]);
    if (nextLegend !== legendKey) {
      legendKey = nextLegend;
      drawLegend(legend, model, cfg.title, width, colours);
    }
    setCursor(cfg.cursorNs, cfg.showFuture);
  };

  return {
    update,
    setCursor,
    get x() {
      return x;
    },
    get y() {
      return y;
    },
  };
}

function drawLegend(g: G, model: ChartModel, title: string, width: number, colours: ChartColours): void {
  g.selectAll('*').remove();
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
