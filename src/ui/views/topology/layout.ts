/**
 * Deterministic automatic layout of a topology (pure; no Math.random, no DOM).
 *
 * 1. Per connected component, the longest shortest path (found by two BFS passes, ties broken
 *    by node id) becomes a horizontal spine: the usual "client … routers … server" reads left
 *    to right.
 * 2. Every other node hangs off the spine node it is reached from (multi-source BFS), in
 *    tidy rows below and above it, children spread by their subtree width.
 * 3. A fixed number of synchronous d3-force ticks (collision + weak pull back to those seed
 *    positions; d3-force's jiggle uses its own seeded LCG) removes remaining overlaps.
 * 4. Components are stacked vertically, then everything is scaled into 0..1 (x and y of the view).
 */
import { forceCollide, forceLink, forceSimulation, forceX, forceY } from 'd3-force';
import type { SimulationLinkDatum, SimulationNodeDatum } from 'd3-force';
import type { Topology } from '../../../engine/index.ts';

export interface LayoutPoint {
  readonly x: number;
  readonly y: number;
}

/** Node id → position in 0..1 of the view. */
export type Layout = ReadonlyMap<number, LayoutPoint>;

export interface LayoutOptions {
  /** Width / height of the view the layout is meant for (keeps rows from being stretched). */
  readonly aspect?: number;
  /** Margin kept free at each side, as a fraction of the view. */
  readonly margin?: number;
}

interface SimNode extends SimulationNodeDatum {
  id: number;
  sx: number;
  sy: number;
}

const SPINE_GAP = 1;
const ROW_GAP = 0.9;
const LEAF_GAP = 0.85;
const MIN_DIST = 0.7;

function adjacency(topology: Topology): Map<number, number[]> {
  const adj = new Map<number, number[]>();
  for (const n of topology.nodes) adj.set(n.id, []);
  for (const l of topology.links) {
    const a = l.a.node;
    const b = l.b.node;
    if (a === b || !adj.has(a) || !adj.has(b)) continue;
    if (!adj.get(a)!.includes(b)) adj.get(a)!.push(b);
    if (!adj.get(b)!.includes(a)) adj.get(b)!.push(a);
  }
  for (const list of adj.values()) list.sort((x, y) => x - y);
  return adj;
}

function bfs(adj: Map<number, number[]>, start: number): { dist: Map<number, number>; prev: Map<number, number> } {
  const dist = new Map<number, number>([[start, 0]]);
  const prev = new Map<number, number>();
  const queue = [start];
  for (let q = 0; q < queue.length; q++) {
    const u = queue[q]!;
    for (const v of adj.get(u) ?? []) {
      if (dist.has(v)) continue;
      dist.set(v, dist.get(u)! + 1);
      prev.set(v, u);
      queue.push(v);
    }
  }
  return { dist, prev };
}

function farthest(dist: Map<number, number>): number {
  let best = -1;
  let bestD = -1;
  for (const [n, d] of dist) if (d > bestD || (d === bestD && n < best)) [best, bestD] = [n, d];
  return best;
}

/** Seed positions (abstract units) for one connected component. */
function seedComponent(adj: Map<number, number[]>, members: number[]): Map<number, { x: number; y: number }> {
  const first = Math.min(...members);
  const u = farthest(bfs(adj, first).dist);
  const { dist, prev } = bfs(adj, u);
  const v = farthest(dist);
  const spine: number[] = [v];
  while (spine[spine.length - 1] !== u) spine.push(prev.get(spine[spine.length - 1]!)!);
  // Read left to right from the lower id end (scenarios list clients first).
  if (spine[0]! > spine[spine.length - 1]!) spine.reverse();

  const pos = new Map<number, { x: number; y: number }>();
  spine.forEach((n, i) => pos.set(n, { x: i * SPINE_GAP, y: 0 }));

  // Multi-source BFS from the spine: tree of hanging nodes.
  const children = new Map<number, number[]>();
  const seen = new Set(spine);
  let frontier = [...spine];
  while (frontier.length > 0) {
    const next: number[] = [];
    for (const p of frontier) {
      for (const c of adj.get(p) ?? []) {
        if (seen.has(c)) continue;
        seen.add(c);
        if (!children.has(p)) children.set(p, []);
        children.get(p)!.push(c);
        next.push(c);
      }
    }
    frontier = next;
  }
  const width = new Map<number, number>();
  const measure = (n: number): number => {
    const cs = children.get(n) ?? [];
    const w = cs.length === 0 ? 1 : cs.reduce((s, c) => s + measure(c), 0);
    width.set(n, w);
    return w;
  };
  const place = (n: number, cx: number, y: number, dir: number): void => {
    pos.set(n, { x: cx, y });
    const cs = children.get(n) ?? [];
    const total = cs.reduce((s, c) => s + width.get(c)!, 0);
    let x = cx - ((total - 1) * LEAF_GAP) / 2;
    for (const c of cs) {
      const w = width.get(c)!;
      place(c, x + ((w - 1) * LEAF_GAP) / 2, y + dir * ROW_GAP, dir);
      x += w * LEAF_GAP;
    }
  };
  for (const s of spine) {
    const cs = children.get(s) ?? [];
    // Alternate below / above the spine.
    const sides: [number[], number[]] = [[], []];
    cs.forEach((c, i) => sides[i % 2]!.push(c));
    sides.forEach((group, side) => {
      const dir = side === 0 ? 1 : -1;
      for (const c of group) measure(c);
      const total = group.reduce((sum, c) => sum + width.get(c)!, 0);
      let x = pos.get(s)!.x - ((total - 1) * LEAF_GAP) / 2;
      for (const c of group) {
        const w = width.get(c)!;
        place(c, x + ((w - 1) * LEAF_GAP) / 2, dir * ROW_GAP, dir);
        x += w * LEAF_GAP;
      }
    });
  }
  return pos;
}

/** Lays out a topology; returns node id → position in 0..1. Same input ⇒ same output. */
export function layoutTopology(topology: Topology, opts: LayoutOptions = {}): Layout {
  const aspect = opts.aspect ?? 1.6;
  const margin = opts.margin ?? 0.1;
  const adj = adjacency(topology);
  const ids = topology.nodes.map((n) => n.id).sort((a, b) => a - b);
  const out = new Map<number, LayoutPoint>();
  if (ids.length === 0) return out;

  // Components, seeded and stacked vertically.
  const seen = new Set<number>();
  const seeds = new Map<number, { x: number; y: number }>();
  let yOffset = 0;
  for (const id of ids) {
    if (seen.has(id)) continue;
    const members = [...bfs(adj, id).dist.keys()];
    for (const m of members) seen.add(m);
    const pos = seedComponent(adj, members);
    let minY = Infinity;
    let maxY = -Infinity;
    for (const p of pos.values()) {
      minY = Math.min(minY, p.y);
      maxY = Math.max(maxY, p.y);
    }
    for (const [n, p] of pos) seeds.set(n, { x: p.x, y: p.y - minY + yOffset });
    yOffset += maxY - minY + ROW_GAP * 1.5;
  }

  // Overlap removal: deterministic force relaxation around the seeds.
  const nodes: SimNode[] = ids.map((id) => {
    const s = seeds.get(id)!;
    return { id, x: s.x, y: s.y, sx: s.x, sy: s.y };
  });
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const links: SimulationLinkDatum<SimNode>[] = [];
  for (const [a, list] of adj) for (const b of list) if (a < b) links.push({ source: byId.get(a)!, target: byId.get(b)! });
  const sim = forceSimulation(nodes)
    .stop()
    .force('collide', forceCollide<SimNode>(MIN_DIST / 2).strength(1).iterations(3))
    .force('link', forceLink<SimNode, SimulationLinkDatum<SimNode>>(links).distance(SPINE_GAP).strength(0.05))
    .force('x', forceX<SimNode>((n) => n.sx).strength(0.3))
    .force('y', forceY<SimNode>((n) => n.sy).strength(0.3));
  sim.tick(150);

  // Scale into the view: x spans the width; y uses the same unit scaled by the aspect so rows
  // are not stretched, centred, and squeezed only if it would not fit.
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const n of nodes) {
    minX = Math.min(minX, n.x!);
    maxX = Math.max(maxX, n.x!);
    minY = Math.min(minY, n.y!);
    maxY = Math.max(maxY, n.y!);
  }
  const span = 1 - 2 * margin;
  const w = maxX - minX;
  const h = maxY - minY;
  // One abstract unit in view fractions, for x and for y (y fractions are of a shorter side).
  const ux = w > 0 ? span / w : 0;
  let uy = ux * aspect;
  if (w === 0) uy = h > 0 ? span / h : 0;
  if (h * uy > span) uy = span / h;
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  for (const n of nodes) {
    out.set(n.id, { x: round(0.5 + (n.x! - cx) * ux), y: round(0.5 + (n.y! - cy) * uy) });
  }
  return out;
}

function round(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

/** Node positions after the user's drags (by node name) override the automatic layout. */
export function mergePositions(topology: Topology, layout: Layout, user: Readonly<Record<string, readonly [number, number]>>): Map<number, LayoutPoint> {
  const out = new Map<number, LayoutPoint>();
  for (const n of topology.nodes) {
    const u = user[n.name];
    const p = layout.get(n.id) ?? { x: 0.5, y: 0.5 };
    out.set(n.id, u ? { x: clamp01(u[0]), y: clamp01(u[1]) } : p);
  }
  return out;
}

export function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

/** The same layout turned on its side (for views taller than wide): x ↔ y. */
export function transposeLayout(layout: Layout): Map<number, LayoutPoint> {
  const out = new Map<number, LayoutPoint>();
  for (const [id, p] of layout) out.set(id, { x: p.y, y: p.x });
  return out;
}
