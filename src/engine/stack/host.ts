/**
 * An IP node: a host, or a router when `forwarding` is on (RFC 1812). It demultiplexes frames
 * (ARP, IPv4, IPv6), owns the routing tables and neighbour caches, and gives applications
 * sockets and ICMP notifications. The protocol logic lives in arp.ts, ipv4.ts, ipv6.ts, udp.ts.
 */
import type { Ipv4, Ipv6, Mac } from '../wire/addr.ts';
import { formatIpv6, ip6, ipv6Equal, ipv6MulticastMac, isIpv6LinkLocal, linkLocalFromMac, readMac, MAC_BROADCAST, isMulticastMac, solicitedNodeMulticast } from '../wire/addr.ts';
import { ETHERTYPE, ETH_HEADER_LEN, buildFrame, emitEthernetUntagged, parseEthernet } from '../wire/ethernet.ts';
import type { Frame } from '../net/frame.ts';
import type { PatternTail } from '../trace/store.ts';
import type { Interface } from '../net/iface.ts';
import { Node } from '../net/node.ts';
import type { World } from '../net/world.ts';
import type { NeighborCache } from './neighbor.ts';
import { RouteTable4, RouteTable6 } from './routing.ts';
import { createArp, arpInput } from './arp.ts';
import { Ipv4Layer } from './ipv4.ts';
import { Ipv6Layer } from './ipv6.ts';
import { UdpLayer } from './udp.ts';
import { TcpLayer } from './tcp/layer.ts';
import type { TcpSocketOptions } from './tcp/types.ts';
import type { Nat } from './nat.ts';
import type { FirewallRule } from './firewall.ts';
import type { IcmpEvent } from './icmp-events.ts';

export interface IpNodeConfig {
  forwarding: boolean;
  /** Default TTL / hop limit of originated packets (Linux: 64). */
  ttl: number;
  /** Whether this node sends ICMP errors (time exceeded, unreachable, frag needed). */
  icmpErrors: boolean;
  /** Whether this node answers echo requests. */
  icmpEcho: boolean;
  /** Neighbour entries stay REACHABLE a random 0.5–1.5 × this after a confirmation (Linux base_reachable_time 30 s). */
  neighborReachableNs: number;
  /** Retransmit interval and count for ARP/NS while resolving (Linux: 1 s, mcast_solicit 3). */
  neighborRetransNs: number;
  neighborMaxProbes: number;
  /** DELAY before probing a STALE entry that was used (delay_first_probe_time 5 s). */
  neighborDelayNs: number;
  /** Unicast probes before a PROBE entry is removed (ucast_solicit 3). */
  neighborUnicastProbes: number;
  /** Routers send Router Advertisements on links with IPv6 prefixes; hosts send RS at start. */
  ipv6RouterAdvertisements: boolean;
}

export const HOST_DEFAULTS: IpNodeConfig = {
  forwarding: false,
  ttl: 64,
  icmpErrors: true,
  icmpEcho: true,
  neighborReachableNs: 30e9,
  neighborRetransNs: 1e9,
  neighborMaxProbes: 3,
  neighborDelayNs: 5e9,
  neighborUnicastProbes: 3,
  ipv6RouterAdvertisements: true,
};

export type IcmpListener = (e: IcmpEvent) => void;

export class IpNode extends Node {
  readonly config: IpNodeConfig;
  readonly routes4 = new RouteTable4();
  readonly routes6 = new RouteTable6();
  readonly arp: NeighborCache<Ipv4>;
  readonly ipv4: Ipv4Layer;
  readonly ipv6: Ipv6Layer;
  readonly udp: UdpLayer;
  readonly tcp: TcpLayer;
  nat: Nat | null = null;
  /** TCP defaults for this host (sysctl-like); sockets may override. */
  tcpDefaults: Partial<TcpSocketOptions> = {};
  readonly firewall: FirewallRule[] = [];
  private icmpListeners = new Set<IcmpListener>();

  constructor(world: World, id: number, name: string, config: Partial<IpNodeConfig> = {}) {
    const forwarding = config.forwarding ?? false;
    super(world, id, name, forwarding ? 'router' : 'host');
    this.config = { ...HOST_DEFAULTS, ...config, forwarding };
    this.arp = createArp(this);
    this.ipv4 = new Ipv4Layer(this);
    this.ipv6 = new Ipv6Layer(this);
    this.udp = new UdpLayer(this);
    this.tcp = new TcpLayer(this);
  }

  override addInterface(name: string, mac: Mac, mtu = 1500): Interface {
    const iface = super.addInterface(name, mac, mtu);
    iface.ipv6.push({ addr: linkLocalFromMac(mac), prefixLen: 64 });
    return iface;
  }

  override start(now: number): void {
    this.ipv6.start(now);
  }

  // ---- addresses ------------------------------------------------------------------------

  hasIpv4(a: Ipv4): boolean {
    for (const i of this.ifaces) for (const x of i.ipv4) if (x.addr === a) return true;
    return false;
  }

  hasIpv6(a: Ipv6): boolean {
    for (const i of this.ifaces) for (const x of i.ipv6) if (ipv6Equal(x.addr, a)) return true;
    return false;
  }

  /** Multicast groups an interface listens to: all-nodes, all-routers (routers), solicited-node. */
  joinedIpv6Multicast(iface: Interface, a: Ipv6): boolean {
    if (ipv6Equal(a, ALL_NODES)) return true;
    if (this.config.forwarding && ipv6Equal(a, ALL_ROUTERS)) return true;
    return iface.ipv6.some((x) => ipv6Equal(solicitedNodeMulticast(x.addr), a));
  }

  /** Source address for a destination on `iface` (RFC 6724 simplified: same scope first). */
  sourceIpv6(iface: Interface, dst: Ipv6): Ipv6 | undefined {
    const wantLinkLocal = isIpv6LinkLocal(dst) || dst[0] === 0xff && (dst[1]! & 0x0f) === 2;
    const pick = iface.ipv6.find((x) => isIpv6LinkLocal(x.addr) === wantLinkLocal) ?? iface.ipv6[0];
    return pick?.addr;
  }

  // ---- link layer ------------------------------------------------------------------------

  receive(iface: Interface, frame: Frame, now: number): void {
    const b = frame.bytes;
    let dst: Mac;
    let ethertype: number;
    let payload: Uint8Array;
    if (b.length >= ETH_HEADER_LEN && b[12]! >= 0x06 && !(b[12] === 0x81 && b[13] === 0x00)) {
      // Untagged Ethernet II, what IP nodes send: read the two fields (parseEthernet's result).
      dst = readMac(b, 0);
      ethertype = (b[12]! << 8) | b[13]!;
      payload = b.subarray(ETH_HEADER_LEN);
    } else {
      const parsed = parseEthernet(b);
      if (!parsed.ok) {
        this.world.trace.emit(now, 'eth.rx.drop', this.id, iface.id, frame.uid, 0, 0, `bad frame: ${parsed.error.message}`);
        return;
      }
      dst = parsed.value.repr.dst;
      ethertype = parsed.value.repr.ethertype;
      payload = parsed.value.payload;
    }
    if (dst !== iface.mac && dst !== MAC_BROADCAST && !(isMulticastMac(dst) && this.acceptsMulticastMac(iface, dst))) {
      this.world.trace.emit(now, 'eth.rx.drop', this.id, iface.id, frame.uid, 0, 0, 'not addressed to this interface');
      return;
    }
    switch (ethertype) {
      case ETHERTYPE.ARP:
        arpInput(this, iface, payload, frame, readMac(frame.bytes, 6));
        return;
      case ETHERTYPE.IPV4:
        this.ipv4.input(iface, payload, frame);
        return;
      case ETHERTYPE.IPV6:
        this.ipv6.input(iface, payload, frame);
        return;
      default:
        this.world.trace.emit(now, 'eth.rx.drop', this.id, iface.id, frame.uid, ethertype, 0, 'unknown EtherType');
    }
  }

  private acceptsMulticastMac(iface: Interface, mac: Mac): boolean {
    if (ipv6MulticastMac(ALL_NODES) === mac) return true;
    if (this.config.forwarding && ipv6MulticastMac(ALL_ROUTERS) === mac) return true;
    return iface.ipv6.some((x) => ipv6MulticastMac(solicitedNodeMulticast(x.addr)) === mac);
  }

  /**
   * Wraps an IP packet in Ethernet and sends it; returns the frame. With `inPlace`, `packet` came
   * from `framedPacket` and the header is written into the room in front of it instead of copying.
   */
  sendFrame(iface: Interface, dstMac: Mac, ethertype: number, packet: Uint8Array, parent = -1, tail?: PatternTail | 'inherit', inPlace = false): Frame {
    let bytes = inPlace ? this.world.frames.frameAround(packet) : undefined;
    if (bytes) emitEthernetUntagged(dstMac, iface.mac, ethertype, bytes);
    else bytes = buildFrame({ dst: dstMac, src: iface.mac, ethertype }, packet);
    const frame = this.world.newFrame(bytes, parent, tail);
    iface.send(frame);
    return frame;
  }

  // ---- ICMP notifications for applications --------------------------------------------

  onIcmp(fn: IcmpListener): () => void {
    this.icmpListeners.add(fn);
    return () => this.icmpListeners.delete(fn);
  }

  /** An upper layer saw progress to `dst`: its next hop's neighbour entry is confirmed (Linux dst_confirm). */
  confirmNeighbor(dst: Ipv4 | Ipv6): void {
    if (typeof dst === 'number') {
      const route = this.ipv4.route(dst);
      if (route) this.arp.confirm(route.iface, route.gateway ?? dst);
    } else {
      const route = this.ipv6.route(dst);
      if (route) this.ipv6.nd.confirm(route.iface, route.gateway ?? dst);
    }
  }

  notifyIcmp(e: IcmpEvent): void {
    for (const l of [...this.icmpListeners]) l(e);
  }

  describe(): string {
    return `${this.kind} ${this.name}: ${this.ifaces.map((i) => `${i.name} [${i.describeAddresses().join(', ')}]`).join('; ')}`;
  }

  /** Text of the first global address (for diagnostics). */
  primaryIpv6Text(): string | undefined {
    for (const i of this.ifaces) for (const x of i.ipv6) if (!isIpv6LinkLocal(x.addr)) return formatIpv6(x.addr);
    return undefined;
  }
}

export const ALL_NODES = ip6('ff02::1');
export const ALL_ROUTERS = ip6('ff02::2');
