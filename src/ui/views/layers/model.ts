/**
 * Layers (encapsulation) view-model (pure).
 *
 * 1. `hopSequence`: the path the selected packet's chain took (from packetOrigin, through switch
 *    hops (same frame), router forwards and NAT rewrites (new frames whose parent is the old one))
 *    as steps: the sender wraps L7→L2; a switch reads only L2; a router unwraps to L3, rewrites
 *    TTL and MAC addresses and rewraps; a NAT router also reads and rewrites L4; the receiver
 *    unwraps L2→L7. A flooded frame takes the branch that was delivered.
 * 2. `layerStack`: the field tree of one frame (engine FieldNode layers) as header blocks placed
 *    on the OSI (7) or TCP/IP (4) layer rows, each with its main fields and byte size.
 * 3. `fieldChanges`: what a device rewrote (TTL 64 → 63, MACs, NAT addresses/ports).
 */
import type { FieldNode, Topology } from '../../../engine/index.ts';
import type { TraceBuffer } from '../../trace/trace-buffer.ts';

export type HopAction = 'send' | 'switch' | 'route' | 'nat' | 'receive' | 'drop' | 'in-flight';

export interface HopStep {
  readonly node: number;
  readonly name: string;
  readonly kind: 'host' | 'router' | 'switch';
  readonly action: HopAction;
  /** Highest layer (OSI number) the device reads: 2 switch, 3 router, 4 NAT, 7 end host. */
  readonly depth: number;
  /** Frame arriving at this device / leaving it (null at the ends). */
  readonly inUid: number | null;
  readonly outUid: number | null;
  readonly tIn: number | null;
  readonly tOut: number | null;
  /** Link the frame arrived on / left on. */
  readonly inLink: number | null;
  readonly outLink: number | null;
  /** Wire bytes of the frame leaving (or arriving), from phy.txBegin. */
  readonly wireBytes: number | null;
  readonly reason?: string;
}

export interface HopSequence {
  readonly origin: number;
  readonly steps: readonly HopStep[];
  /** True when the path is complete (delivered or dropped); false if still in flight at the trace head. */
  readonly complete: boolean;
}

const BENIGN_RX_DROPS = new Set(['not addressed to this interface']);
const MAX_SCAN_EVENTS = 2_000_000;
/** A packet not transmitted this long after it was created is not going anywhere. */
const NOT_SENT_GIVE_UP_NS = 10e9;

interface Tx {
  readonly node: number;
  readonly t: number;
  readonly wire: number;
}
interface Rx {
  readonly node: number;
  readonly t: number;
}
interface Outcome {
  readonly type: 'deliver' | 'drop' | 'discard';
  readonly reason?: string;
  readonly t: number;
}

type End = 'receive' | 'drop' | 'open';
interface Branch {
  readonly steps: HopStep[];
  readonly end: End;
}

const rank = (e: End): number => (e === 'receive' ? 2 : e === 'drop' ? 1 : 0);

/** The hops of the chain containing `uid`, scanning the trace from the origin's creation. */
export function hopSequence(trace: TraceBuffer, topology: Topology, uid: number): HopSequence | null {
  if (uid < 0 || uid >= trace.packetCount) return null;
  const origin = trace.packetOrigin(uid);
  const K = {
    txBegin: trace.kindId('phy.txBegin'),
    rxEnd: trace.kindId('phy.rxEnd'),
    enqueue: trace.kindId('link.enqueue'),
    linkDrop: trace.kindId('link.drop'),
    ethRxDrop: trace.kindId('eth.rx.drop'),
    ipForward: trace.kindId('ip.forward'),
    ipDrop: trace.kindId('ip.drop'),
    fwDrop: trace.kindId('fw.drop'),
    natDrop: trace.kindId('nat.drop'),
    natTranslate: trace.kindId('nat.translate'),
    deliver: trace.kindId('ip.rx.deliver'),
    arpRx: trace.kindId('arp.rx'),
    ndpRx: trace.kindId('ndp.rx'),
  };
  const kindOf = new Map(topology.nodes.map((n) => [n.id, n.kind]));
  const nameOf = new Map(topology.nodes.map((n) => [n.id, n.name]));

  const chain = new Set([origin]);
  const tx = new Map<string, Tx>();
  const txAt = new Map<string, { uid: number; link: number }[]>();
  const rx = new Map<string, Rx>();
  const linkDrop = new Map<string, { reason: string; t: number; node: number; sent: boolean }>();
  const outcome = new Map<string, Outcome>();
  const children = new Map<number, number[]>();
  const nat = new Set<string>();
  let first: { node: number; uid: number; link: number } | null = null;

  /** Records that `node` sent frame `u` on `link` (also as a departure of the frame it was rewritten from). */
  const depart = (node: number, u: number, link: number) => {
    for (const from of [u, trace.packetParent(u)]) {
      if (from < 0 || !chain.has(from)) continue;
      const key = `${node}/${from}`;
      const list = txAt.get(key) ?? [];
      if (!list.some((d) => d.uid === u && d.link === link)) txAt.set(key, [...list, { uid: u, link }]);
    }
  };
  const open = new Set<string>();
  let lastT = -Infinity;
  let scanned = 0;
  let complete = false;
  const created = trace.packetCreated(origin);
  const start = trace.lowerBound(created);
  for (let i = start; i < trace.length; i++) {
    const t = trace.timeAt(i);
    if (first && open.size === 0 && t > lastT) {
      complete = true;
      break;
    }
    if (++scanned > MAX_SCAN_EVENTS) break;
    const kind = trace.kindAt(i);
    if (!first && t > created + NOT_SENT_GIVE_UP_NS) break;
    const u = trace.pktAt(i);
    if (u < 0) continue;
    if (!chain.has(u)) {
      // Rewrites (router forward, NAT, a CE mark on a queue) are new frames whose parent is in the
      // chain; the router traces ip.forward only after the new frame was handed to the link.
      const p = trace.packetParent(u);
      if (p < 0 || !chain.has(p)) continue;
      chain.add(u);
      children.set(p, [...(children.get(p) ?? []), u]);
    }
    if (kind === K.ipForward) {
      const parent = trace.bAt(i);
      open.delete(`r${trace.nodeAt(i)}/${parent}`);
      lastT = t;
      continue;
    }
    const node = trace.nodeAt(i);
    lastT = t;
    if (kind === K.enqueue) {
      open.add(`q${u}@${trace.aAt(i)}`);
    } else if (kind === K.txBegin) {
      const link = trace.aAt(i);
      open.delete(`q${u}@${link}`);
      open.add(`t${u}@${link}`);
      tx.set(`${u}@${link}`, { node, t, wire: trace.bAt(i) });
      depart(node, u, link);
      if (!first) first = { node, uid: u, link };
    } else if (kind === K.rxEnd) {
      const link = trace.aAt(i);
      open.delete(`t${u}@${link}`);
      rx.set(`${u}@${link}`, { node, t });
      if (kindOf.get(node) === 'router') open.add(`r${node}/${u}`);
    } else if (kind === K.linkDrop) {
      const link = trace.aAt(i);
      const sent = open.delete(`t${u}@${link}`);
      open.delete(`q${u}@${link}`);
      linkDrop.set(`${u}@${link}`, { reason: trace.textAt(i) ?? 'dropped', t, node, sent });
      if (!sent) depart(node, u, link);
      if (!first) first = { node, uid: u, link };
    } else if (kind === K.ethRxDrop) {
      const reason = trace.textAt(i) ?? 'dropped';
      outcome.set(`${node}/${u}`, { type: BENIGN_RX_DROPS.has(reason) ? 'discard' : 'drop', reason, t });
      open.delete(`r${node}/${u}`);
    } else if (kind === K.ipDrop || kind === K.fwDrop || kind === K.natDrop) {
      outcome.set(`${node}/${u}`, { type: 'drop', reason: trace.textAt(i) ?? 'dropped', t });
      open.delete(`r${node}/${u}`);
    } else if (kind === K.deliver || kind === K.arpRx || kind === K.ndpRx) {
      if (!outcome.has(`${node}/${u}`)) outcome.set(`${node}/${u}`, { type: 'deliver', t });
      open.delete(`r${node}/${u}`);
    } else if (kind === K.natTranslate) {
      nat.add(`${node}/${u}`);
    }
  }
  if (!complete && first && open.size === 0) complete = true;
  if (!first) {
    return { origin, steps: [], complete: false };
  }

  const kindName = (n: number): 'host' | 'router' | 'switch' => kindOf.get(n) ?? 'host';
  const name = (n: number) => nameOf.get(n) ?? `node ${n}`;
  const seen = new Set<string>();

  /** Follows frame `u` sent on `link` to where it went; returns the steps from its receiver on. */
  const follow = (u: number, link: number): Branch => {
    const key = `${u}@${link}`;
    if (seen.has(key)) return { steps: [], end: 'open' };
    seen.add(key);
    const drop = linkDrop.get(key);
    const sent = tx.get(key);
    if (drop) {
      return { steps: [{ node: drop.node, name: name(drop.node), kind: kindName(drop.node), action: 'drop', depth: 1, inUid: u, outUid: null, tIn: drop.t, tOut: null, inLink: link, outLink: null, wireBytes: sent?.wire ?? null, reason: `${drop.reason} (${drop.sent ? 'lost on the link' : 'never left the queue'})` }], end: 'drop' };
    }
    const r = rx.get(key);
    if (!r) {
      return { steps: [], end: 'open' };
    }
    const y = r.node;
    const k = kindName(y);
    const out = outcome.get(`${y}/${u}`);
    const base = { node: y, name: name(y), kind: k, inUid: u, tIn: r.t, inLink: link, wireBytes: sent?.wire ?? null };
    if (out?.type === 'discard') return { steps: [], end: 'open' };
    if (out?.type === 'deliver') return { steps: [{ ...base, action: 'receive', depth: 7, outUid: null, tOut: null, outLink: null }], end: 'receive' };
    if (out?.type === 'drop') {
      const depth = k === 'switch' ? 2 : k === 'router' ? 3 : 3;
      return { steps: [{ ...base, action: 'drop', depth, outUid: null, tOut: null, outLink: null, reason: out.reason ?? 'dropped' }], end: 'drop' };
    }
    const departures = txAt.get(`${y}/${u}`) ?? [];
    let best: Branch | null = null;
    let bestDep: { uid: number; link: number } | null = null;
    for (const d of departures) {
      if (d.link === link && d.uid === u) continue;
      const b = follow(d.uid, d.link);
      if (!best || rank(b.end) > rank(best.end) || (rank(b.end) === rank(best.end) && b.steps.length > best.steps.length)) {
        best = b;
        bestDep = d;
      }
    }
    if (!bestDep || !best) {
      // Arrived, nothing decided yet (still being processed at the trace head) or an end host.
      if (k === 'host') return { steps: [{ ...base, action: 'receive', depth: 7, outUid: null, tOut: null, outLink: null }], end: 'receive' };
      return { steps: [{ ...base, action: 'in-flight', depth: k === 'switch' ? 2 : 3, outUid: null, tOut: null, outLink: null }], end: 'open' };
    }
    const isNat = nat.has(`${y}/${u}`);
    const action: HopAction = k === 'switch' ? 'switch' : isNat ? 'nat' : 'route';
    const depth = action === 'switch' ? 2 : action === 'nat' ? 4 : 3;
    const departed = tx.get(`${bestDep.uid}@${bestDep.link}`);
    const step: HopStep = { ...base, action, depth, outUid: bestDep.uid, tOut: departed?.t ?? null, outLink: bestDep.link, wireBytes: departed?.wire ?? base.wireBytes };
    return { steps: [step, ...best.steps], end: best.end };
  };

  const firstTx = tx.get(`${first.uid}@${first.link}`);
  const sender: HopStep = {
    node: first.node,
    name: name(first.node),
    kind: kindName(first.node),
    action: 'send',
    depth: 7,
    inUid: null,
    outUid: first.uid,
    tIn: null,
    tOut: firstTx?.t ?? null,
    inLink: null,
    outLink: first.link,
    wireBytes: firstTx?.wire ?? null,
  };
  const rest = follow(first.uid, first.link);
  const steps = [sender, ...rest.steps];
  const last = steps[steps.length - 1]!;
  if (rest.end === 'open' && last.action !== 'in-flight') {
    steps.push({ node: -1, name: 'in flight', kind: last.kind, action: 'in-flight', depth: 1, inUid: last.outUid, outUid: null, tIn: last.tOut, tOut: null, inLink: last.outLink, outLink: null, wireBytes: last.wireBytes });
  }
  return { origin, steps, complete: complete && rest.end !== 'open' };
}

// --- layer stack ------------------------------------------------------------------------------

export type LayerLabels = 'osi' | 'tcpip';

export interface HeaderField {
  readonly key: string;
  readonly name: string;
  readonly value: string;
}

export interface HeaderBlock {
  readonly key: string;
  readonly name: string;
  /** Header bytes (payload of the layer excluded). */
  readonly bytes: number;
  readonly fields: readonly HeaderField[];
  /** OSI layer number the block belongs to. */
  readonly osi: number;
}

export interface LayerRow {
  /** "L3" / "Internet" etc. */
  readonly label: string;
  readonly name: string;
  /** OSI layers this row covers (TCP/IP rows cover several). */
  readonly osi: readonly number[];
  readonly blocks: readonly HeaderBlock[];
  /** Bytes this layer hands down (its header plus everything above). */
  readonly pduBytes: number;
  readonly pduName: string;
}

const OSI_ROWS: readonly { n: number; name: string; pdu: string }[] = [
  { n: 7, name: 'Application', pdu: 'data' },
  { n: 6, name: 'Presentation', pdu: 'data' },
  { n: 5, name: 'Session', pdu: 'data' },
  { n: 4, name: 'Transport', pdu: 'segment / datagram' },
  { n: 3, name: 'Network', pdu: 'packet' },
  { n: 2, name: 'Data link', pdu: 'frame' },
  { n: 1, name: 'Physical', pdu: 'bits' },
];

const TCPIP_ROWS: readonly { osi: number[]; name: string; pdu: string }[] = [
  { osi: [7, 6, 5], name: 'Application', pdu: 'message' },
  { osi: [4], name: 'Transport', pdu: 'segment / datagram' },
  { osi: [3], name: 'Internet', pdu: 'packet' },
  { osi: [2, 1], name: 'Link', pdu: 'frame' },
];

/** OSI layer of a top-level field-tree node. */
export function osiLayerOf(key: string): number {
  if (key === 'eth' || key.startsWith('vlan')) return 2;
  if (key === 'arp' || key === 'ipv4' || key === 'ipv6' || key === 'icmp' || key === 'icmpv6' || key === 'ndp' || key.startsWith('ipv6.')) return 3;
  if (key === 'tcp' || key === 'udp') return 4;
  if (key === 'tls') return 6;
  return 7;
}

const MAIN_FIELDS: Readonly<Record<string, readonly string[]>> = {
  eth: ['eth.dst', 'eth.src', 'eth.type'],
  arp: ['arp.op', 'arp.spa', 'arp.sha', 'arp.tpa'],
  ipv4: ['ipv4.src', 'ipv4.dst', 'ipv4.ttl', 'ipv4.proto', 'ipv4.len', 'ipv4.checksum'],
  ipv6: ['ipv6.src', 'ipv6.dst', 'ipv6.hlim', 'ipv6.nxt', 'ipv6.plen'],
  tcp: ['srcport', 'dstport', 'seq', 'ack', 'flags', 'window'],
  udp: ['srcport', 'dstport', 'length', 'checksum'],
  icmp: ['type', 'code', 'checksum'],
  icmpv6: ['type', 'code', 'checksum'],
};

const PAYLOAD_KEYS = /^(payload|quoted|data)$/;

function headerBytes(nodes: readonly FieldNode[], i: number): number {
  const n = nodes[i]!;
  const next = nodes[i + 1];
  if (next && next.start >= n.start) return Math.max(0, Math.min(n.end, next.start) - n.start);
  const kids = (n.children ?? []).filter((c) => !PAYLOAD_KEYS.test(c.key));
  const end = kids.length > 0 ? Math.max(...kids.map((c) => c.end)) : n.end;
  return Math.max(0, end - n.start);
}

export function headerBlocks(fields: readonly FieldNode[]): HeaderBlock[] {
  return fields.map((n, i) => {
    const wanted = MAIN_FIELDS[n.key];
    const kids = n.children ?? [];
    const chosen = wanted ? wanted.map((k) => kids.find((c) => c.key === k)).filter((c): c is FieldNode => c !== undefined) : kids.filter((c) => !PAYLOAD_KEYS.test(c.key)).slice(0, 4);
    const osi = osiLayerOf(n.key);
    const bytes = osi === 7 ? n.end - n.start : headerBytes(fields, i);
    return { key: n.key, name: n.name, bytes, fields: chosen.map((c) => ({ key: c.key, name: c.name, value: c.value })), osi };
  });
}

/** Rows top (application) to bottom (physical / link) with the frame's header blocks on them. */
export function layerStack(fields: readonly FieldNode[], labels: LayerLabels, frameBytes: number, wireBytes: number | null): LayerRow[] {
  const blocks = headerBlocks(fields);
  const byOsi = (ns: readonly number[]) => blocks.filter((b) => ns.includes(b.osi));
  // PDU size handed down at OSI layer n: everything from the first block at or above n.
  const pduAt = (ns: readonly number[]): number => {
    const lowest = Math.min(...ns);
    const first = fields.findIndex((_, i) => blocks[i]!.osi >= lowest);
    if (lowest <= 1) return wireBytes ?? frameBytes;
    if (lowest <= 2) return frameBytes;
    return first >= 0 ? frameBytes - fields[first]!.start : 0;
  };
  const physical: HeaderBlock | null =
    wireBytes !== null ? { key: 'phy', name: 'Physical', bytes: Math.max(0, wireBytes - frameBytes), osi: 1, fields: [{ key: 'phy.wire', name: 'On the wire', value: `${wireBytes} bytes (preamble + SFD 8, FCS 4, gap 12${wireBytes - frameBytes > 24 ? ', padding' : ''})` }] } : null;
  if (labels === 'osi') {
    return OSI_ROWS.map((r) => ({
      label: `L${r.n}`,
      name: r.name,
      osi: [r.n],
      blocks: r.n === 1 ? (physical ? [physical] : []) : byOsi([r.n]),
      pduBytes: pduAt([r.n]),
      pduName: r.pdu,
    }));
  }
  return TCPIP_ROWS.map((r) => ({
    label: r.name,
    name: r.name,
    osi: r.osi,
    blocks: r.osi.includes(1) && physical ? [...byOsi(r.osi), physical] : byOsi(r.osi),
    pduBytes: pduAt(r.osi),
    pduName: r.pdu,
  }));
}

export interface FieldChange {
  readonly layer: string;
  readonly key: string;
  readonly name: string;
  readonly from: string;
  readonly to: string;
}

/** Main fields that differ between the frame that arrived and the one that left. */
export function fieldChanges(before: readonly FieldNode[], after: readonly FieldNode[]): FieldChange[] {
  const out: FieldChange[] = [];
  const a = headerBlocks(before);
  const b = headerBlocks(after);
  for (const blk of b) {
    const old = a.find((x) => x.key === blk.key);
    if (!old) continue;
    for (const f of blk.fields) {
      const o = old.fields.find((x) => x.key === f.key);
      if (o && o.value !== f.value) out.push({ layer: blk.name, key: f.key, name: f.name, from: o.value, to: f.value });
    }
  }
  return out;
}

/** One sentence per step, for the step caption and screen readers. */
export function describeStep(step: HopStep, labels: LayerLabels): string {
  const l = (n: number) => (labels === 'osi' ? `L${n}` : n <= 2 ? 'link' : n === 3 ? 'internet' : n === 4 ? 'transport' : 'application');
  switch (step.action) {
    case 'send':
      return `${step.name} wraps the data: application → transport → network → link headers (${l(7)} down to ${l(2)}), then sends the bits.`;
    case 'switch':
      return `Switch ${step.name} reads only the Ethernet header (${l(2)}): looks up the destination MAC and forwards the same frame unchanged.`;
    case 'route':
      return `Router ${step.name} unwraps to the IP header (${l(3)}): decrements the TTL, fixes the checksum, picks the next hop, and rewraps in a new Ethernet header with new MAC addresses.`;
    case 'nat':
      return `NAT router ${step.name} unwraps to the transport header (${l(4)}): rewrites addresses and ports, decrements the TTL, and rewraps with new MAC addresses.`;
    case 'receive':
      return `${step.name} receives the frame and unwraps it layer by layer (${l(2)} up to ${l(7)}) to hand the data to the application.`;
    case 'drop':
      return `Dropped at ${step.name}: ${step.reason ?? 'dropped'}.`;
    case 'in-flight':
      return 'Still in flight at the end of the trace so far.';
  }
}
