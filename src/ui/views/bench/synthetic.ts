/**
 * A synthetic run for the topology benchmark: a ring of routers with hosts hanging off each, and
 * a trace with frames sent back-to-back on every link in both directions so that a chosen
 * number of frames is in flight at every instant of the animated window. Deterministic.
 */
import type { Topology, TopologyIface, TopologyLink, TopologyNode, TraceKindInfo } from '../../../engine/index.ts';
import type { TraceBatch } from '../../../worker/protocol.ts';
import { TraceBuffer } from '../../trace/trace-buffer.ts';

/** The engine's PROTO_CLASSES (UI code may not import engine values). */
const PROTO_CLASSES = ['other', 'arp', 'ipv4', 'ipv6', 'icmp', 'icmpv6', 'ndp', 'udp', 'tcp', 'dns', 'tls', 'http', 'quic', 'bgp'];
const KINDS: TraceKindInfo[] = ['phy.txBegin', 'phy.txEnd', 'phy.rxEnd', 'link.drop'].map((name) => ({ name, description: name }));
const K_TX_BEGIN = 0;
const K_TX_END = 1;
const K_RX_END = 2;
const K_DROP = 3;

export interface SyntheticRun {
  readonly topology: Topology;
  readonly trace: TraceBuffer;
  /** Window over which the in-flight count is steady. */
  readonly steadyFromNs: number;
  readonly steadyToNs: number;
  /** A uid to select (exercises the highlight path). */
  readonly selectUid: number;
}

export function syntheticRun(opts: { inFlight?: number; routers?: number; hostsPerRouter?: number; durationNs?: number } = {}): SyntheticRun {
  const target = opts.inFlight ?? 5000;
  const routers = opts.routers ?? 4;
  const hostsPer = opts.hostsPerRouter ?? 3;
  const duration = opts.durationNs ?? 60e6;

  interface Port {
    readonly node: number;
    readonly iface: TopologyIface;
  }
  const kinds: TopologyNode['kind'][] = [];
  const names: string[] = [];
  for (let r = 0; r < routers; r++) {
    kinds.push('router');
    names.push(`r${r + 1}`);
  }
  for (let r = 0; r < routers; r++)
    for (let h = 0; h < hostsPer; h++) {
      kinds.push('host');
      names.push(`h${r + 1}${String.fromCharCode(97 + h)}`);
    }
  const ifaces: TopologyIface[][] = names.map(() => []);
  const links: TopologyLink[] = [];
  const ends: [Port, Port][] = [];
  let ifaceId = 0;
  const connect = (a: number, b: number, bw: number, delay: number) => {
    const link = links.length;
    const ia: TopologyIface = { id: ifaceId++, name: `eth${ifaces[a]!.length}`, mac: '02:00:00:00:00:01', addresses: [`10.${link}.0.1/30`], mtu: 1500, link };
    const ib: TopologyIface = { id: ifaceId++, name: `eth${ifaces[b]!.length}`, mac: '02:00:00:00:00:02', addresses: [`10.${link}.0.2/30`], mtu: 1500, link };
    ifaces[a]!.push(ia);
    ifaces[b]!.push(ib);
    links.push({ id: link, name: `l${link}`, a: { node: a, iface: ia.id }, b: { node: b, iface: ib.id }, bandwidthBps: bw, delayNs: delay, loss: 0, queueLimit: 100, qdisc: 'droptail' });
    ends.push([
      { node: a, iface: ia },
      { node: b, iface: ib },
    ]);
  };
  for (let r = 0; r < routers; r++) connect(r, (r + 1) % routers, 10e9, 10e6);
  for (let r = 0; r < routers; r++) for (let h = 0; h < hostsPer; h++) connect(r, routers + r * hostsPer + h, 1e9, 2e6);
  const topology: Topology = { nodes: names.map((name, id) => ({ id, name, kind: kinds[id]!, ifaces: ifaces[id]! })), links };

  // Spacing so that sum over link directions of (delay + serialisation) / spacing = target.
  const wire = 1538;
  const ser = (l: TopologyLink) => Math.ceil(((wire - 12) * 8e9) / l.bandwidthBps);
  const sumTransit = links.reduce((s, l) => s + 2 * (l.delayNs + ser(l)), 0);
  const spacing = sumTransit / target;

  interface Ev {
    t: number;
    kind: number;
    node: number;
    iface: number;
    pkt: number;
    a: number;
    b: number;
    text: number;
  }
  const events: Ev[] = [];
  const pLen: number[] = [];
  const pProto: number[] = [];
  const protoMix = [8, 8, 8, 8, 8, 7, 4, 9, 1, 10, 11, 12];
  const strings = ['random loss'];
  let uid = 0;
  links.forEach((l, li) => {
    for (const side of [0, 1]) {
      const from = ends[li]![side]!;
      const to = ends[li]![1 - side]!;
      // Stagger start phases per link direction so frames are spread along every link.
      let t = ((li * 2 + side) * 7919) % Math.max(1, Math.floor(spacing));
      for (; t < duration; t += spacing) {
        const u = uid++;
        const t0 = Math.round(t);
        const t1 = t0 + ser(l);
        pLen.push(wire - 24);
        pProto.push(protoMix[u % protoMix.length]!);
        events.push({ t: t0, kind: K_TX_BEGIN, node: from.node, iface: from.iface.id, pkt: u, a: l.id, b: wire, text: -1 });
        events.push({ t: t1, kind: K_TX_END, node: from.node, iface: from.iface.id, pkt: u, a: l.id, b: wire, text: -1 });
        if (u % 997 === 13) events.push({ t: t1, kind: K_DROP, node: from.node, iface: from.iface.id, pkt: u, a: l.id, b: 0, text: 0 });
        else events.push({ t: t1 + l.delayNs, kind: K_RX_END, node: to.node, iface: to.iface.id, pkt: u, a: l.id, b: wire, text: -1 });
      }
    }
  });
  events.sort((x, y) => x.t - y.t || x.pkt - y.pkt || x.kind - y.kind);
  const batch: TraceBatch = {
    firstEvent: 0,
    time: Float64Array.from(events, (e) => e.t),
    kind: Uint16Array.from(events, (e) => e.kind),
    node: Int32Array.from(events, (e) => e.node),
    iface: Int32Array.from(events, (e) => e.iface),
    pkt: Int32Array.from(events, (e) => e.pkt),
    a: Float64Array.from(events, (e) => e.a),
    b: Float64Array.from(events, (e) => e.b),
    text: Int32Array.from(events, (e) => e.text),
    firstString: 0,
    strings,
    firstPacket: 0,
    packetLen: Int32Array.from(pLen),
    packetParent: new Int32Array(uid).fill(-1),
    packetCreated: new Float64Array(uid),
    packetProto: Uint8Array.from(pProto),
  };
  const trace = new TraceBuffer(KINDS, PROTO_CLASSES);
  trace.append(batch);
  const maxTransit = Math.max(...links.map((l) => l.delayNs + ser(l)));
  return { topology, trace, steadyFromNs: maxTransit + spacing * 2, steadyToNs: duration, selectUid: Math.floor(uid / 2) };
}
