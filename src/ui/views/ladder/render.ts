/**
 * SVG renderer of a ladder model (d3-selection joins keyed by arrow id, so focus and DOM nodes
 * survive updates). One config object. The same renderer draws into a detached <svg> for the
 * standalone SVG/PNG export, with colours resolved and no interactivity.
 */
import { select } from 'd3-selection';
import type { Selection } from 'd3-selection';
import type { ArrowModel, BandModel, HandshakeModel, LadderModel, Tick } from './model.ts';
import { describeArrow } from './model.ts';

export interface LadderColours {
  readonly bg: string;
  readonly fg: string;
  readonly muted: string;
  readonly border: string;
  readonly accent: string;
  readonly select: string;
  readonly drop: string;
  readonly focus: string;
  /** Colour per protocol class index. */
  readonly proto: readonly string[];
}

export interface LadderRenderConfig {
  readonly svg: SVGSVGElement;
  readonly model: LadderModel;
  readonly width: number;
  readonly height: number;
  readonly colours: LadderColours;
  /** Origin of the selected packet's chain (its arrows highlight), or -1. */
  readonly selectedOrigin: number;
  /** Key of the arrow or band holding the roving tab stop (see itemKey). */
  readonly focusKey: string | null;
  readonly onSelectArrow?: (arrow: ArrowModel) => void;
  readonly onSelectBand?: (band: BandModel) => void;
  readonly onFocusItem?: (key: string) => void;
  /** Standalone export: background, title, no interactivity or focus handling. */
  readonly exportMode?: boolean;
  readonly title?: string;
}

const clipIds = new WeakMap<SVGSVGElement, number>();
let nextClip = 0;
function clipSeq(svg: SVGSVGElement): number {
  let id = clipIds.get(svg);
  if (id === undefined) {
    id = nextClip++;
    clipIds.set(svg, id);
  }
  return id;
}

export const MARGIN = { top: 42, right: 16, bottom: 10, left: 92 } as const;
const LABEL_SPACING = 12;

type Sel<E extends Element, D> = Selection<E, D, SVGGElement, unknown>;

/** Stable keys of focusable items: "a<arrow id>" / "b<t0>/<from>/<to>". */
export const arrowKey = (a: ArrowModel): string => `a${a.id}`;
export const bandKey = (b: BandModel): string => `b${b.t0}/${b.from}/${b.to}`;

/**
 * x of lane i, y of time t in the SVG (`y`), and y inside the scrolling plot group (`ya`): the
 * plot group is translated by `shift`, so scrolling in time changes one transform instead of
 * every arrow. `ya` counts from a local origin (a multiple of 4 window spans) to keep
 * coordinates small (SVG geometry is single precision).
 */
export function ladderScales(model: LadderModel, width: number, height: number) {
  const plotW = Math.max(1, width - MARGIN.left - MARGIN.right);
  const plotH = Math.max(1, height - MARGIN.top - MARGIN.bottom);
  const col = plotW / Math.max(1, model.lanes.length);
  const span = model.t1 - model.t0 || 1;
  const origin = Math.floor(model.t0 / (4 * span)) * 4 * span;
  const ya = (t: number) => ((t - origin) / span) * plotH;
  return {
    col,
    plotH,
    x: (lane: number) => MARGIN.left + (lane + 0.5) * col,
    y: (t: number) => MARGIN.top + ((t - model.t0) / span) * plotH,
    ya,
    shift: MARGIN.top - ya(model.t0),
    t: (y: number) => model.t0 + ((y - MARGIN.top) / plotH) * span,
  };
}

function layer<E extends SVGSVGElement | SVGGElement>(root: Selection<E, unknown, null, undefined>, cls: string): Selection<SVGGElement, unknown, null, undefined> {
  let g = root.select<SVGGElement>(`g.${cls}`);
  if (g.empty()) g = root.append('g').attr('class', cls);
  return g;
}

interface ArrowGeom {
  readonly a: ArrowModel;
  /** Label text with its retransmission / drop notes. */
  readonly text: string;
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
  readonly showLabel: boolean;
}

export function renderLadder(cfg: LadderRenderConfig): void {
  const { model, width, height, colours: c } = cfg;
  const sc = ladderScales(model, width, height);
  const root = select(cfg.svg).attr('width', width).attr('height', height).attr('viewBox', `0 0 ${width} ${height}`);
  const fontFamily = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif';
  if (cfg.exportMode) {
    root.attr('xmlns', 'http://www.w3.org/2000/svg').attr('font-family', fontFamily);
    layer(root, 'ss-ladder-bg').selectAll('rect').data([0]).join('rect').attr('width', width).attr('height', height).attr('fill', c.bg);
    if (cfg.title) root.selectAll('title').data([cfg.title]).join('title').text((d) => d);
  }

  // Lanes and their headers.
  const lanes = layer(root, 'ss-ladder-lanes');
  lanes
    .selectAll<SVGLineElement, number>('line')
    .data(model.lanes.map((_, i) => i))
    .join('line')
    .attr('x1', (i) => sc.x(i))
    .attr('x2', (i) => sc.x(i))
    .attr('y1', MARGIN.top - 6)
    .attr('y2', height - MARGIN.bottom)
    .attr('stroke', c.border)
    .attr('stroke-width', 2);
  lanes
    .selectAll<SVGTextElement, number>('text')
    .data(model.lanes.map((_, i) => i))
    .join('text')
    .attr('x', (i) => sc.x(i))
    .attr('y', 16)
    .attr('text-anchor', 'middle')
    .attr('font-size', 12)
    .attr('font-weight', 600)
    .attr('fill', c.fg)
    // "(router)" only where the column has room for it.
    .text((i) => {
      const l = model.lanes[i]!;
      return l.kind === 'router' && sc.col > (l.name.length + 10) * 7 ? `${l.name} (router)` : l.name;
    });

  // Time axis.
  const axis = layer(root, 'ss-ladder-axis');
  const ticks = axis.selectAll<SVGGElement, Tick>('g.tick').data(model.ticks, (d) => String(d.t));
  const tEnter = ticks.enter().append('g').attr('class', 'tick');
  tEnter.append('line');
  tEnter.append('text');
  ticks.exit().remove();
  const tAll = tEnter.merge(ticks).attr('transform', (d) => `translate(0,${sc.y(d.t)})`);
  tAll
    .select('line')
    .attr('x1', MARGIN.left - 6)
    .attr('x2', width - MARGIN.right)
    .attr('stroke', c.border)
    .attr('stroke-opacity', 0.45)
    .attr('stroke-dasharray', '2 4');
  tAll
    .select('text')
    .attr('x', MARGIN.left - 8)
    .attr('dy', '0.32em')
    .attr('text-anchor', 'end')
    .attr('font-size', 10.5)
    .attr('fill', c.muted)
    .text((d) => d.label);

  // Messages that start or end outside the window are clipped to the plot area.
  const clipId = cfg.exportMode ? 'ss-ladder-clip-export' : `ss-ladder-clip-${clipSeq(cfg.svg)}`;
  const defs = layer(root, 'ss-ladder-defs');
  defs
    .selectAll('clipPath')
    .data([0])
    .join('clipPath')
    .attr('id', clipId)
    .selectAll('rect')
    .data([0])
    .join('rect')
    .attr('x', 0)
    .attr('y', MARGIN.top - 8)
    .attr('width', width)
    .attr('height', Math.max(0, height - MARGIN.top - MARGIN.bottom + 8));
  const clip = layer(root, 'ss-ladder-clip').attr('clip-path', `url(#${clipId})`);
  const plot = layer(clip, 'ss-ladder-plot').attr('transform', `translate(0,${sc.shift})`);
  renderHandshakes(layer(plot, 'ss-ladder-handshakes'), model.handshakes, sc, c);
  renderBands(cfg, layer(plot, 'ss-ladder-bands'), model.bands, sc);
  renderArrows(cfg, layer(plot, 'ss-ladder-arrows'), model.arrows, sc);
}

function renderHandshakes(g: Selection<SVGGElement, unknown, null, undefined>, hs: readonly HandshakeModel[], sc: ReturnType<typeof ladderScales>, c: LadderColours): void {
  const sel = g.selectAll<SVGGElement, HandshakeModel>('g.hs').data(hs, (d) => d.arrows.join(','));
  const enter = sel.enter().append('g').attr('class', 'hs');
  enter.append('path');
  enter.append('text');
  sel.exit().remove();
  const all = enter.merge(sel);
  all.each(function (d) {
    // A bracket on the outer side of the client lane.
    const dir = d.client <= d.server ? -1 : 1;
    const x = sc.x(d.client) + dir * 10;
    const y0 = sc.ya(d.tStart);
    const y1 = Math.max(sc.ya(d.tEnd), y0 + 8);
    const h = select(this);
    h.select('path')
      .attr('d', `M${x - dir * 5},${y0}H${x}V${y1}H${x - dir * 5}`)
      .attr('fill', 'none')
      .attr('stroke', c.accent)
      .attr('stroke-width', 2);
    h.select('text')
      .attr('x', x + dir * 4)
      .attr('y', (y0 + y1) / 2)
      .attr('dy', '0.32em')
      .attr('text-anchor', dir < 0 ? 'end' : 'start')
      .attr('font-size', 10.5)
      .attr('font-style', 'italic')
      .attr('fill', c.accent)
      .attr('paint-order', 'stroke')
      .attr('stroke', c.bg)
      .attr('stroke-width', 3)
      .text(d.label);
  });
}

function arrowGeometry(model: LadderModel, sc: ReturnType<typeof ladderScales>): ArrowGeom[] {
  const out: ArrowGeom[] = [];
  // Labels are placed greedily in time order; one that would overlap an earlier label is left
  // out (the arrow keeps its accessible name and tooltip).
  const placed: { x0: number; x1: number; y: number }[] = [];
  for (const a of model.arrows) {
    const x0 = sc.x(a.from);
    const y0 = sc.ya(a.tStart);
    let x1: number;
    const y1 = sc.ya(a.tEnd);
    if (a.to >= 0 && !a.dropped) x1 = sc.x(a.to);
    else if (a.to >= 0) x1 = (x0 + sc.x(a.to)) / 2;
    else x1 = x0 + (a.from < model.lanes.length - 1 ? 1 : -1) * sc.col * 0.5;
    const ym = (y0 + y1) / 2;
    const xm = (x0 + x1) / 2;
    const extra = [a.retransmit ? `↻ ${a.retransmitReason ?? 'retransmission'}` : '', a.dropped || a.endDrop ? `✕ ${a.dropReason ?? 'dropped'}` : ''].filter(Boolean).join(' · ');
    const text = extra ? `${a.label} (${extra})` : a.label;
    const half = (text.length * 5.6) / 2 + 4;
    const box = { x0: xm - half, x1: xm + half, y: ym };
    let free = true;
    for (let k = placed.length - 1; k >= 0; k--) {
      const p = placed[k]!;
      if (ym - p.y >= LABEL_SPACING) break;
      if (Math.abs(ym - p.y) < LABEL_SPACING && box.x0 < p.x1 && p.x0 < box.x1) {
        free = false;
        break;
      }
    }
    if (free) {
      placed.push(box);
      placed.sort((p, q) => p.y - q.y);
    }
    out.push({ a, text, x0, y0, x1, y1, showLabel: free });
  }
  return out;
}

function renderArrows(cfg: LadderRenderConfig, g: Selection<SVGGElement, unknown, null, undefined>, _arrows: readonly ArrowModel[], sc: ReturnType<typeof ladderScales>): void {
  const { colours: c, model } = cfg;
  const geoms = arrowGeometry(model, sc);
  const sel: Sel<SVGGElement, ArrowGeom> = g.selectAll<SVGGElement, ArrowGeom>('g.arrow').data(geoms, (d) => String(d.a.id));
  const enter = sel.enter().append('g').attr('class', 'arrow');
  enter.append('line').attr('class', 'hit');
  enter.append('line').attr('class', 'shaft');
  enter.append('path').attr('class', 'head');
  enter.append('path').attr('class', 'cross');
  enter.append('text').attr('class', 'label');
  sel.exit().remove();
  const all = enter.merge(sel);
  const interactive = !cfg.exportMode;
  if (interactive) {
    enter.attr('role', 'button').style('cursor', 'pointer');
    // Listeners are replaced (no DOM mutation); attributes are only written when they change.
    all.on('click', (_e, d) => cfg.onSelectArrow?.(d.a)).on('focus', (_e, d) => cfg.onFocusItem?.(arrowKey(d.a)));
  }
  all.each(function (d) {
    const { a, x0, y0, x1, y1 } = d;
    const selected = cfg.selectedOrigin >= 0 && a.origin === cfg.selectedOrigin;
    const colour = selected ? c.select : (c.proto[a.proto] ?? c.fg);
    const focusable = arrowKey(a) === cfg.focusKey;
    const sig = `${x0},${y0},${x1},${y1},${colour},${selected},${focusable},${d.showLabel},${d.text},${a.retransmit},${a.dropped},${a.endDrop},${model.lanes.map((l) => l.name).join('|')},${c.fg},${c.bg},${c.drop}`;
    const node = this as SVGGElement & { __ssSig?: string };
    if (node.__ssSig === sig) return;
    node.__ssSig = sig;
    if (interactive) {
      node.setAttribute('tabindex', focusable ? '0' : '-1');
      node.setAttribute('aria-label', describeArrow(a, model.lanes));
      node.setAttribute('aria-pressed', String(selected));
      node.setAttribute('data-key', arrowKey(a));
      node.setAttribute('data-t', String(a.tStart));
    }
    const el = select(this);
    el.select('line.hit').attr('x1', x0).attr('y1', y0).attr('x2', x1).attr('y2', y1).attr('stroke', 'transparent').attr('stroke-width', interactive ? 10 : 0);
    el.select('line.shaft')
      .attr('x1', x0)
      .attr('y1', y0)
      .attr('x2', x1)
      .attr('y2', y1)
      .attr('stroke', colour)
      .attr('stroke-width', selected ? 3 : 1.6)
      .attr('stroke-dasharray', a.retransmit ? '6 3' : null);
    const ang = Math.atan2(y1 - y0, x1 - x0);
    const hl = 8;
    const hw = 4;
    if (!a.dropped) {
      const bx = x1 - hl * Math.cos(ang);
      const by = y1 - hl * Math.sin(ang);
      const px = -Math.sin(ang) * hw;
      const py = Math.cos(ang) * hw;
      el.select('path.head').attr('d', `M${x1},${y1}L${bx + px},${by + py}L${bx - px},${by - py}Z`).attr('fill', colour);
    } else {
      el.select('path.head').attr('d', null);
    }
    if (a.dropped || a.endDrop) {
      const s = 5;
      el.select('path.cross')
        .attr('d', `M${x1 - s},${y1 - s}L${x1 + s},${y1 + s}M${x1 + s},${y1 - s}L${x1 - s},${y1 + s}`)
        .attr('stroke', c.drop)
        .attr('stroke-width', 2.5)
        .attr('stroke-linecap', 'round')
        .attr('fill', 'none');
    } else {
      el.select('path.cross').attr('d', null);
    }
    const text = d.showLabel || selected ? d.text : '';
    const mx = (x0 + x1) / 2;
    const my = (y0 + y1) / 2;
    el.select('text.label')
      .attr('x', mx)
      .attr('y', my - 3)
      .attr('text-anchor', 'middle')
      .attr('font-size', 10.5)
      .attr('font-weight', selected ? 700 : 400)
      .attr('fill', c.fg)
      .attr('paint-order', 'stroke')
      .attr('stroke', c.bg)
      .attr('stroke-width', 3)
      .attr('stroke-linejoin', 'round')
      .text(text);
  });
}

function renderBands(cfg: LadderRenderConfig, g: Selection<SVGGElement, unknown, null, undefined>, bands: readonly BandModel[], sc: ReturnType<typeof ladderScales>): void {
  const { colours: c, model } = cfg;
  // Opacity scale: the largest count rounded up to a power of two, so it rarely changes (and
  // with it every band) while messages keep arriving.
  const max = 2 ** Math.ceil(Math.log2(bands.reduce((m, b) => Math.max(m, b.count), 1)));
  const sel = g.selectAll<SVGGElement, BandModel>('g.band').data(bands, bandKey);
  const enter = sel.enter().append('g').attr('class', 'band');
  enter.append('rect');
  enter.append('text');
  sel.exit().remove();
  const all = enter.merge(sel);
  const interactive = !cfg.exportMode;
  if (interactive) {
    enter.attr('role', 'button').style('cursor', 'zoom-in');
    all.on('click', (_e, d) => cfg.onSelectBand?.(d)).on('focus', (_e, d) => cfg.onFocusItem?.(bandKey(d)));
  }
  all.each(function (d) {
    const xa = sc.x(d.from);
    const xb = d.to >= 0 ? sc.x(d.to) : xa + sc.col * 0.5 * (d.from < model.lanes.length - 1 ? 1 : -1);
    const y0 = sc.ya(d.t0);
    const h = Math.max(1, sc.ya(d.t1) - y0);
    const focusable = bandKey(d) === cfg.focusKey;
    const sig = `${xa},${xb},${y0},${h},${d.count},${d.drops},${d.retransmits},${max},${focusable},${c.accent},${c.drop},${c.fg},${c.bg}`;
    const node = this as SVGGElement & { __ssSig?: string };
    if (node.__ssSig === sig) return;
    node.__ssSig = sig;
    if (interactive) {
      const from = model.lanes[d.from]?.name ?? '?';
      const to = d.to >= 0 ? (model.lanes[d.to]?.name ?? '?') : 'unknown';
      node.setAttribute('tabindex', focusable ? '0' : '-1');
      node.setAttribute('data-key', bandKey(d));
      node.setAttribute('data-t', String(d.t0));
      node.setAttribute('aria-label', `${d.count} messages from ${from} to ${to} between ${(d.t0 / 1e9).toFixed(6)} and ${(d.t1 / 1e9).toFixed(6)} s${d.drops ? `, ${d.drops} dropped` : ''}${d.retransmits ? `, ${d.retransmits} retransmitted` : ''}. Enter zooms in.`);
    }
    // Each direction gets its half of the bin so both directions stay visible.
    const rightward = xb >= xa;
    const yy = rightward ? y0 : y0 + h / 2;
    const el = select(this);
    el.select('rect')
      .attr('x', Math.min(xa, xb))
      .attr('y', yy)
      .attr('width', Math.max(2, Math.abs(xb - xa)))
      .attr('height', Math.max(1, h / 2 - 0.5))
      .attr('fill', d.drops > 0 ? c.drop : c.accent)
      .attr('fill-opacity', 0.18 + 0.72 * (d.count / max));
    const text = `${rightward ? '→' : '←'} ${d.count}${d.drops ? ` ✕${d.drops}` : ''}${d.retransmits ? ` ↻${d.retransmits}` : ''}`;
    el.select('text')
      .attr('x', (xa + xb) / 2)
      .attr('y', yy + h / 4)
      .attr('dy', '0.32em')
      .attr('text-anchor', 'middle')
      .attr('font-size', Math.min(10, Math.max(7, h / 2 - 1)))
      .attr('fill', c.fg)
      .attr('paint-order', 'stroke')
      .attr('stroke', c.bg)
      .attr('stroke-width', 2.5)
      .text(h / 2 >= 7 ? text : '');
  });
}

/** A standalone SVG document of the ladder (resolved colours, no scripts or interactivity). */
export function ladderSvgString(model: LadderModel, width: number, height: number, colours: LadderColours, title: string): string {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  renderLadder({ svg, model, width, height, colours, selectedOrigin: -1, focusKey: null, exportMode: true, title });
  const xml = new XMLSerializer().serializeToString(svg);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${xml}\n`;
}

