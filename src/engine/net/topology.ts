/**
 * A plain-data description of a world's devices and links, for views (topology layout,
 * lanes of a ladder diagram) and for the worker protocol. Structured-clone friendly.
 */
import { formatMac } from '../wire/addr.ts';
import type { World } from './world.ts';
import type { NodeKind } from './node.ts';

export interface TopologyIface {
  /** Global interface id (the `iface` field of trace events). */
  readonly id: number;
  readonly name: string;
  readonly mac: string;
  /** "10.0.0.1/24", "2001:db8::1/64", ... */
  readonly addresses: readonly string[];
  readonly mtu: number;
  /** Link id, or -1 when unconnected. */
  readonly link: number;
}

export interface TopologyNode {
  readonly id: number;
  readonly name: string;
  readonly kind: NodeKind;
  readonly ifaces: readonly TopologyIface[];
}

export interface TopologyLink {
  readonly id: number;
  readonly name: string;
  /** Interface ids of the two ends (a = side 0, b = side 1). */
  readonly a: { readonly node: number; readonly iface: number };
  readonly b: { readonly node: number; readonly iface: number };
  readonly bandwidthBps: number;
  readonly delayNs: number;
  readonly loss: number;
  readonly queueLimit: number;
  readonly mtu?: number;
  readonly qdisc: string;
}

export interface Topology {
  readonly nodes: readonly TopologyNode[];
  readonly links: readonly TopologyLink[];
}

export function describeTopology(world: World): Topology {
  return {
    nodes: world.nodes.map((n) => ({
      id: n.id,
      name: n.name,
      kind: n.kind,
      ifaces: n.ifaces.map((i) => ({ id: i.id, name: i.name, mac: formatMac(i.mac), addresses: i.describeAddresses(), mtu: i.mtu, link: i.link ? i.link.id : -1 })),
    })),
    links: world.links.map((l) => {
      const link: TopologyLink = {
        id: l.id,
        name: l.name,
        a: { node: l.a.node.id, iface: l.a.id },
        b: { node: l.b.node.id, iface: l.b.id },
        bandwidthBps: l.config.bandwidthBps,
        delayNs: l.config.delayNs,
        loss: l.config.loss,
        queueLimit: l.config.queueLimit,
        qdisc: l.config.qdisc?.kind ?? 'droptail',
        ...(l.config.mtu !== undefined ? { mtu: l.config.mtu } : {}),
      };
      return link;
    }),
  };
}

/** Protocol classes for colouring packets (stable codes; the UI maps them to a palette). */
export const PROTO_CLASSES = ['other', 'arp', 'ipv4', 'ipv6', 'icmp', 'icmpv6', 'ndp', 'udp', 'tcp', 'dns', 'tls', 'http', 'quic', 'bgp'] as const;
export type ProtoClass = (typeof PROTO_CLASSES)[number];

/**
 * The protocol class of a frame from its first bytes (headers only: callers may pass the
 * stored head of a frame whose payload is lazy). Allocation-free.
 */
export function protoClassOf(f: Uint8Array): number {
  if (f.length < 14) return 0;
  let off = 12;
  let type = (f[off]! << 8) | f[off + 1]!;
  if (type === 0x8100 && f.length >= 18) {
    off += 4;
    type = (f[off]! << 8) | f[off + 1]!;
  }
  off += 2;
  if (type === 0x0806) return 1;
  let l4: number;
  let l4off: number;
  if (type === 0x0800) {
    if (f.length < off + 20) return 2;
    const fragOff = ((f[off + 6]! & 0x1f) << 8) | f[off + 7]!;
    if (fragOff !== 0) return 2;
    l4 = f[off + 9]!;
    l4off = off + (f[off]! & 0x0f) * 4;
  } else if (type === 0x86dd) {
    if (f.length < off + 40) return 3;
    l4 = f[off + 6]!;
    l4off = off + 40;
    // Skip the common extension headers (hop-by-hop, routing, destination options).
    while ((l4 === 0 || l4 === 43 || l4 === 60) && f.length >= l4off + 2) {
      const next = f[l4off]!;
      l4off += (f[l4off + 1]! + 1) * 8;
      l4 = next;
    }
    if (l4 === 44) return 3;
  } else {
    return 0;
  }
  if (l4 === 1) return 4;
  if (l4 === 58) {
    const t = f[l4off] ?? 0;
    return t >= 133 && t <= 137 ? 6 : 5;
  }
  if (l4 !== 6 && l4 !== 17) return type === 0x0800 ? 2 : 3;
  if (f.length < l4off + 4) return l4 === 6 ? 8 : 7;
  const sp = (f[l4off]! << 8) | f[l4off + 1]!;
  const dp = (f[l4off + 2]! << 8) | f[l4off + 3]!;
  const port = (p: number): boolean => sp === p || dp === p;
  if (port(53) || port(5353)) return 9;
  if (l4 === 17) return port(443) ? 12 : 7;
  if (port(179)) return 13;
  if (port(443)) return 10;
  if (port(80) || port(8080)) return 11;
  return 8;
}
