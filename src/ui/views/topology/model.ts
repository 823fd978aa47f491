/**
 * Topology view-model (pure): the static drawable model (nodes with shape, label and address,
 * links with bandwidth/delay labels) and the geometry that puts frames in flight on links.
 */
import type { Topology } from '../../../engine/index.ts';
import { firstAddress, formatBandwidth, formatDuration } from './format.ts';
import type { LayoutPoint } from './layout.ts';

export type NodeShape = 'host' | 'router' | 'switch';

export interface NodeModel {
  readonly id: number;
  readonly name: string;
  readonly kind: NodeShape;
  /** Position in 0..1 of the view. */
  readonly x: number;
  readonly y: number;
  readonly address: string | null;
  /** All addresses, for the accessible description. */
  readonly addresses: readonly string[];
}

export interface LinkModel {
  readonly id: number;
  readonly name: string;
  readonly a: number;
  readonly b: number;
  readonly bandwidthBps: number;
  readonly delayNs: number;
  /** "1 Gbit/s · 50 µs" */
  readonly label: string;
}

export interface TopologyModel {
  readonly nodes: readonly NodeModel[];
  readonly links: readonly LinkModel[];
}

export function topologyModel(topology: Topology, positions: ReadonlyMap<number, LayoutPoint>): TopologyModel {
  const nodes = topology.nodes.map((n): NodeModel => {
    const addresses = n.ifaces.flatMap((i) => i.addresses);
    const p = positions.get(n.id) ?? { x: 0.5, y: 0.5 };
    return { id: n.id, name: n.name, kind: n.kind, x: p.x, y: p.y, address: n.kind === 'switch' ? null : firstAddress(addresses), addresses };
  });
  const links = topology.links.map((l): LinkModel => ({
    id: l.id,
    name: l.name,
    a: l.a.node,
    b: l.b.node,
    bandwidthBps: l.bandwidthBps,
    delayNs: l.delayNs,
    label: `${formatBandwidth(l.bandwidthBps)} · ${formatDuration(l.delayNs)}`,
  }));
  return { nodes, links };
}

/**
 * Pixel geometry of links: for link id i, the drawable segment from the a end to the b end
 * (shortened by the node radius so frames do not run under node icons), its unit normal
 * (frames of the two directions are drawn on either side), and its length.
 */
export class LinkGeometry {
  ax = new Float32Array(0);
  ay = new Float32Array(0);
  bx = new Float32Array(0);
  by = new Float32Array(0);
  nx = new Float32Array(0);
  ny = new Float32Array(0);
  len = new Float32Array(0);
  nodeX = new Float32Array(0);
  nodeY = new Float32Array(0);

  static build(model: TopologyModel, width: number, height: number, nodeRadius: number): LinkGeometry {
    const g = new LinkGeometry();
    const maxNode = model.nodes.reduce((m, n) => Math.max(m, n.id), -1) + 1;
    const maxLink = model.links.reduce((m, l) => Math.max(m, l.id), -1) + 1;
    g.nodeX = new Float32Array(maxNode);
    g.nodeY = new Float32Array(maxNode);
    for (const n of model.nodes) {
      g.nodeX[n.id] = n.x * width;
      g.nodeY[n.id] = n.y * height;
    }
    g.ax = new Float32Array(maxLink);
    g.ay = new Float32Array(maxLink);
    g.bx = new Float32Array(maxLink);
    g.by = new Float32Array(maxLink);
    g.nx = new Float32Array(maxLink);
    g.ny = new Float32Array(maxLink);
    g.len = new Float32Array(maxLink);
    for (const l of model.links) {
      const x0 = g.nodeX[l.a]!;
      const y0 = g.nodeY[l.a]!;
      const x1 = g.nodeX[l.b]!;
      const y1 = g.nodeY[l.b]!;
      const dx = x1 - x0;
      const dy = y1 - y0;
      const full = Math.hypot(dx, dy) || 1;
      const ux = dx / full;
      const uy = dy / full;
      const cut = Math.min(nodeRadius, full * 0.3);
      g.ax[l.id] = x0 + ux * cut;
      g.ay[l.id] = y0 + uy * cut;
      g.bx[l.id] = x1 - ux * cut;
      g.by[l.id] = y1 - uy * cut;
      g.nx[l.id] = -uy;
      g.ny[l.id] = ux;
      g.len[l.id] = Math.max(full - 2 * cut, 1);
    }
    return g;
  }

  /** Point at fraction f of link `link` travelling from `side` (0: a→b, 1: b→a), offset sideways. */
  point(link: number, side: number, f: number, offset: number): [number, number] {
    const ff = side === 0 ? f : 1 - f;
    const o = side === 0 ? offset : -offset;
    return [this.ax[link]! + (this.bx[link]! - this.ax[link]!) * ff + this.nx[link]! * o, this.ay[link]! + (this.by[link]! - this.ay[link]!) * ff + this.ny[link]! * o];
  }
}

/**
 * The drawn extent of a frame: [tail, head] fractions, widened to at least `minPx` pixels so a
 * short frame on a long link stays visible (extending backwards first, then forwards).
 */
export function visibleExtent(tail: number, head: number, lenPx: number, minPx: number): [number, number] {
  const minF = Math.min(1, minPx / Math.max(lenPx, 1));
  if (head - tail >= minF) return [tail, head];
  let t = head - minF;
  let h = head;
  if (t < 0) {
    t = 0;
    h = Math.min(1, minF);
  }
  return [t, h];
}

/** Distance from point (px, py) to segment (x0,y0)-(x1,y1). */
export function segmentDistance(px: number, py: number, x0: number, y0: number, x1: number, y1: number): number {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const l2 = dx * dx + dy * dy;
  let t = l2 > 0 ? ((px - x0) * dx + (py - y0) * dy) / l2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  return Math.hypot(px - (x0 + t * dx), py - (y0 + t * dy));
}

/** Glyph drawn on frames (colour is never the only cue): one letter per protocol class. */
export const PROTO_GLYPH: Readonly<Record<string, string>> = {
  tcp: 'T',
  udp: 'U',
  icmp: 'I',
  icmpv6: 'I',
  arp: 'A',
  ndp: 'N',
  dns: 'D',
  tls: 'S',
  http: 'H',
  quic: 'Q',
  bgp: 'B',
  ipv4: '4',
  ipv6: '6',
  other: '?',
};

/** Time a drop marker stays after the drop: ~1.2 s of wall time at the playback speed. */
export function dropLingerNs(speed: number | 'max'): number {
  const s = speed === 'max' ? 10 : speed;
  return Math.max(s * 1.2e9, 1000);
}

export interface LabelVisibility {
  /** Nodes whose address line fits. */
  readonly addresses: ReadonlySet<number>;
  /** Links whose bandwidth/delay label fits along them. */
  readonly linkLabels: ReadonlySet<number>;
}

/**
 * Which secondary labels fit at this size (pure): a node's address is shown when no other node's
 * label block is within its width on the same row; a link label when the free part of the link
 * (between the node icons) is longer than the text.
 */
export function labelVisibility(model: TopologyModel, width: number, height: number, nodeRadius: number, charPx = 6): LabelVisibility {
  const addresses = new Set<number>();
  const linkLabels = new Set<number>();
  const pos = new Map(model.nodes.map((n) => [n.id, { x: n.x * width, y: n.y * height, w: Math.max(n.name.length * (charPx + 1), (n.address?.length ?? 0) * charPx) }]));
  for (const n of model.nodes) {
    if (!n.address) continue;
    const p = pos.get(n.id)!;
    const fits = model.nodes.every((m) => {
      if (m.id === n.id) return true;
      const q = pos.get(m.id)!;
      // Label blocks sit under the icons (~2 lines); they clash when rows overlap and they are closer than half their widths.
      return Math.abs(q.y - p.y) > nodeRadius * 2 + 30 || Math.abs(q.x - p.x) > (p.w + q.w) / 2 + 8;
    });
    if (fits) addresses.add(n.id);
  }
  for (const l of model.links) {
    const a = pos.get(l.a);
    const b = pos.get(l.b);
    if (!a || !b) continue;
    const free = Math.hypot(b.x - a.x, b.y - a.y) - 2 * nodeRadius;
    if (free > l.label.length * charPx + 8) linkLabels.add(l.id);
  }
  return { addresses, linkLabels };
}
