/**
 * Ladder view-model (pure): a time window of the ladder index → lanes, arrows with labels,
 * handshake brackets, retransmission and drop marks, or — when the window holds too many
 * arrows to read — density bands with counts. Time flows down.
 */
import { scaleLinear } from 'd3-scale';
import type { Topology } from '../../../engine/index.ts';
import { formatDuration } from '../topology/format.ts';
import { layoutTopology } from '../topology/layout.ts';
import { A_DISCARDED, A_DROPPED, A_END_DROP, A_RETRANSMIT } from './ladder-index.ts';
import type { LadderIndex } from './ladder-index.ts';
import type { PacketLabel } from './labels.ts';

export interface Lane {
  readonly node: number;
  readonly name: string;
  readonly kind: 'host' | 'router' | 'switch';
}

export interface ArrowModel {
  /** Arrow index in the ladder index (stable key). */
  readonly id: number;
  /** First frame of the message (what selecting the arrow selects). */
  readonly uid: number;
  readonly origin: number;
  /** Lane indices; `to` is -1 for a dropped arrow heading nowhere known. */
  readonly from: number;
  readonly to: number;
  readonly tStart: number;
  readonly tEnd: number;
  readonly label: string;
  readonly proto: number;
  /** Lost before its destination: drawn ending mid-way with ✕. */
  readonly dropped: boolean;
  /** Reached its lane and was dropped there. */
  readonly endDrop: boolean;
  readonly dropReason?: string;
  readonly retransmit: boolean;
  readonly retransmitReason?: string;
  readonly flow?: string;
}

export interface BandModel {
  readonly t0: number;
  readonly t1: number;
  readonly from: number;
  readonly to: number;
  readonly count: number;
  readonly drops: number;
  readonly retransmits: number;
}

export interface HandshakeModel {
  /** Client and server lanes. */
  readonly client: number;
  readonly server: number;
  readonly tStart: number;
  readonly tEnd: number;
  readonly label: string;
  readonly arrows: readonly [number, number, number];
}

export interface Tick {
  readonly t: number;
  readonly label: string;
}

export interface LadderModel {
  readonly lanes: readonly Lane[];
  readonly t0: number;
  readonly t1: number;
  /** Arrows drawn one by one (those in sparse time bins). */
  readonly arrows: readonly ArrowModel[];
  /** Density bands for the dense time bins. */
  readonly bands: readonly BandModel[];
  /** Some of the window is shown as density bands. */
  readonly aggregated: boolean;
  /** Number of arrows crossing the window. */
  readonly visibleCount: number;
  readonly handshakes: readonly HandshakeModel[];
  readonly ticks: readonly Tick[];
  /** Time span of the whole ladder (first arrow start … last arrow end), for fit-all. */
  readonly extent: readonly [number, number] | null;
}

export interface LadderModelOptions {
  readonly t0: number;
  readonly t1: number;
  /** Draw arrows only up to this many in the window; aggregate all beyond. */
  readonly maxArrows: number;
  /** Number of time bins for aggregation (e.g. view height / 20 px). */
  readonly bins: number;
  /** A bin with more arrows than this is drawn as density bands (default: no limit). */
  readonly maxPerBin?: number;
  /** Label of a packet uid, when known (loaded lazily from the engine). */
  readonly label: (uid: number) => PacketLabel | undefined;
  /** Fallback label (protocol name) while the real one loads. */
  readonly fallbackLabel: (uid: number) => string;
}

/** Lanes: every host, plus routers that are lanes in this mode, in the topology layout's left-to-right order. */
export function laneOrder(topology: Topology, ix: LadderIndex): Lane[] {
  const layout = layoutTopology(topology);
  return topology.nodes
    .filter((n) => n.kind === 'host' || (n.kind === 'router' && ix.endpoints.has(n.id)))
    .map((n) => ({ node: n.id, name: n.name, kind: n.kind }))
    .sort((a, b) => (layout.get(a.node)?.x ?? 0) - (layout.get(b.node)?.x ?? 0) || (layout.get(a.node)?.y ?? 0) - (layout.get(b.node)?.y ?? 0) || a.node - b.node);
}

function formatTick(t: number, step: number): string {
  // Enough decimals of seconds to tell ticks apart.
  const digits = Math.min(9, Math.max(0, Math.ceil(-Math.log10(step / 1e9))));
  return `${(t / 1e9).toFixed(digits)} s`;
}

export function timeTicks(t0: number, t1: number, count = 8): Tick[] {
  if (!(t1 > t0)) return [];
  const ticks = scaleLinear().domain([t0, t1]).ticks(count);
  const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : t1 - t0;
  return ticks.map((t) => ({ t, label: formatTick(t, step) }));
}

export function buildLadderModel(ix: LadderIndex, lanes: readonly Lane[], opts: LadderModelOptions): LadderModel {
  const { t0, t1 } = opts;
  const laneOf = new Map(lanes.map((l, i) => [l.node, i]));
  const extent: [number, number] | null = ix.n > 0 ? [minStart(ix), ix.tEnd[ix.n - 1]!] : null;
  const ticks = timeTicks(t0, t1);

  // Arrows crossing [t0, t1]: tEnd >= t0 and tStart <= t1 (tEnd ordered; tStart >= tEnd - maxDur).
  const first = ix.lowerBoundEnd(t0);
  const visible: number[] = [];
  for (let i = first; i < ix.n && ix.tEnd[i]! - ix.maxDur <= t1; i++) {
    if (ix.tStart[i]! > t1) continue;
    if (ix.flags[i]! & A_DISCARDED) continue;
    if (!laneOf.has(ix.from[i]!)) continue;
    visible.push(i);
  }

  // Dense regions become density bands: every time bin holding more than `maxPerBin` arrows (or
  // all of them when the window holds more than `maxArrows`); sparse bins keep their arrows.
  // Bins sit on a grid of absolute time (multiples of dt), so scrolling keeps them (and their keys).
  const bins = Math.max(1, Math.floor(opts.bins));
  const dt = (t1 - t0) / bins;
  const b0 = Math.floor(t0 / dt);
  const nb = Math.floor(t1 / dt) - b0 + 1;
  const binOf = (i: number) => Math.min(nb - 1, Math.max(0, Math.floor(ix.tStart[i]! / dt) - b0));
  const perBin = new Int32Array(nb);
  for (const i of visible) perBin[binOf(i)]!++;
  const maxPerBin = opts.maxPerBin ?? Infinity;
  const all = visible.length > opts.maxArrows;
  const dense = (b: number) => all || perBin[b]! > maxPerBin;
  const drawn: number[] = [];
  const L = lanes.length + 1;
  const acc = new Map<number, { count: number; drops: number; retransmits: number }>();
  for (const i of visible) {
    const b = binOf(i);
    if (!dense(b)) {
      drawn.push(i);
      continue;
    }
    const from = laneOf.get(ix.from[i]!)!;
    const to = laneOf.get(ix.to[i]!) ?? -1;
    const key = (b * L + from) * L + (to + 1);
    let a = acc.get(key);
    if (!a) {
      a = { count: 0, drops: 0, retransmits: 0 };
      acc.set(key, a);
    }
    a.count++;
    if (ix.flags[i]! & (A_DROPPED | A_END_DROP)) a.drops++;
    if (ix.flags[i]! & A_RETRANSMIT || ix.retransmits.has(ix.uid[i]!)) a.retransmits++;
  }
  const bands: BandModel[] = [];
  for (const [key, a] of acc) {
    const to = (key % L) - 1;
    const from = Math.floor(key / L) % L;
    const b = Math.floor(key / (L * L));
    bands.push({ t0: (b0 + b) * dt, t1: (b0 + b + 1) * dt, from, to, ...a });
  }
  bands.sort((x, y) => x.t0 - y.t0 || x.from - y.from || x.to - y.to);

  const arrows: ArrowModel[] = drawn.map((i) => {
    const uid = ix.uid[i]!;
    const lab = opts.label(uid);
    const flags = ix.flags[i]!;
    const reason = ix.reasonOf(i);
    const rtx = ix.retransmits.get(uid);
    const a: ArrowModel = {
      id: i,
      uid,
      origin: ix.origin[i]!,
      from: laneOf.get(ix.from[i]!)!,
      to: laneOf.get(ix.to[i]!) ?? -1,
      tStart: ix.tStart[i]!,
      tEnd: ix.tEnd[i]!,
      label: lab?.text ?? opts.fallbackLabel(uid),
      proto: ix.proto[i]!,
      dropped: (flags & A_DROPPED) !== 0,
      endDrop: (flags & A_END_DROP) !== 0,
      retransmit: (flags & A_RETRANSMIT) !== 0 || rtx !== undefined,
      ...(reason !== undefined ? { dropReason: reason } : {}),
      ...(rtx !== undefined ? { retransmitReason: rtx } : {}),
      ...(lab?.flow ? { flow: lab.flow } : {}),
    };
    return a;
  });
  arrows.sort((a, b) => a.tStart - b.tStart || a.id - b.id);
  return { lanes, t0, t1, arrows, bands, aggregated: bands.length > 0, visibleCount: visible.length, handshakes: findHandshakes(arrows), ticks, extent };
}

function minStart(ix: LadderIndex): number {
  // Arrows are ordered by end; the earliest start is among the first few (bounded by maxDur).
  let m = Infinity;
  for (let i = 0; i < ix.n && ix.tEnd[i]! - ix.maxDur <= m; i++) m = Math.min(m, ix.tStart[i]!);
  return m;
}

function reverseFlow(flow: string): string {
  const [a, b] = flow.split('>');
  return `${b}>${a}`;
}

/** SYN → SYN-ACK (reverse) → ACK (same direction as the SYN): "3-way handshake". */
export function findHandshakes(arrows: readonly ArrowModel[]): HandshakeModel[] {
  const out: HandshakeModel[] = [];
  const used = new Set<number>();
  arrows.forEach((syn, i) => {
    if (syn.label !== 'SYN' || syn.to < 0 || syn.dropped) return;
    const j = arrows.findIndex((a, k) => k > i && !used.has(k) && !a.dropped && a.label === 'SYN-ACK' && a.from === syn.to && a.to === syn.from && a.tStart >= syn.tEnd - 1 && (!syn.flow || !a.flow || a.flow === reverseFlow(syn.flow)));
    if (j < 0) return;
    const synAck = arrows[j]!;
    const k = arrows.findIndex((a, m) => m > j && !used.has(m) && !a.dropped && a.from === syn.from && a.to === syn.to && a.tStart >= synAck.tEnd - 1 && /^ACK\b/.test(a.label) && (!syn.flow || !a.flow || a.flow === syn.flow));
    if (k < 0) return;
    used.add(i).add(j).add(k);
    const ack = arrows[k]!;
    out.push({ client: syn.from, server: syn.to, tStart: syn.tStart, tEnd: ack.tEnd, label: '3-way handshake', arrows: [syn.id, synAck.id, ack.id] });
  });
  return out;
}

/** The accessible description of an arrow. */
export function describeArrow(a: ArrowModel, lanes: readonly Lane[]): string {
  const from = lanes[a.from]?.name ?? '?';
  const to = a.to >= 0 ? (lanes[a.to]?.name ?? '?') : 'unknown';
  const parts = [`${a.label} from ${from} to ${to}`, `sent ${(a.tStart / 1e9).toFixed(6)} s`];
  if (a.dropped) parts.push(`lost after ${formatDuration(a.tEnd - a.tStart)}${a.dropReason ? ` (${a.dropReason})` : ''}`);
  else parts.push(`arrived after ${formatDuration(a.tEnd - a.tStart)}`);
  if (a.endDrop) parts.push(`dropped at ${to}${a.dropReason ? ` (${a.dropReason})` : ''}`);
  if (a.retransmit) parts.push(`retransmission${a.retransmitReason ? ` (${a.retransmitReason})` : ''}`);
  return parts.join(', ');
}
