/**
 * IPv6 (RFC 8200) with ICMPv6 (RFC 4443) and Neighbor Discovery (RFC 4861): output with
 * source selection, input skipping extension headers, forwarding with hop-limit decrement,
 * Packet Too Big instead of router fragmentation (RFC 8200 §5), address resolution by
 * Neighbor Solicitation to the solicited-node group, and Router Solicitation/Advertisement so
 * hosts learn their default router.
 *
 * Sources fragment (RFC 8200 §4.5) what the sender allows (`pmtudisc` 'want' / 'dont': ICMPv6
 * and UDP, as Linux's ip6_append_data does; TCP sizes segments to the path MTU instead and gets
 * EMSGSIZE), at the path MTU; destinations reassemble (60 s timer, Time Exceeded code 1).
 *
 * Not modelled yet: DAD, SLAAC address formation, redirects.
 */
import type { Ipv6 } from '../wire/addr.ts';
import { formatIpv6, ipv6Equal, ipv6MulticastMac, isIpv6Multicast, isIpv6LinkLocal, solicitedNodeMulticast } from '../wire/addr.ts';
import { ETHERTYPE } from '../wire/ethernet.ts';
import type { Ipv6Packet } from '../wire/ipv6.ts';
import { buildIpv6, decrementHopLimit, parseIpv6 } from '../wire/ipv6.ts';
import { IPPROTO } from '../wire/ipv4.ts';
import type { Icmpv6Message, NdpOption } from '../wire/icmpv6.ts';
import { ICMPV6_TYPE, emitIcmpv6, icmpv6Length, parseIcmpv6 } from '../wire/icmpv6.ts';
import type { Frame } from '../net/frame.ts';
import type { Interface } from '../net/iface.ts';
import type { Route } from './routing.ts';
import type { PatternTail } from '../trace/store.ts';
import { maskV6 } from './routing.ts';
import { NEIGHBOR_STATE_CODE, NeighborCache, neighborTimers } from './neighbor.ts';
import type { IpNode } from './host.ts';
import { ALL_NODES, ALL_ROUTERS } from './host.ts';
import { reassemblyTimer } from './reassembly-timer.ts';
import { firewallVerdict } from './firewall.ts';
import { readQuoted } from './quoted.ts';
import type { PmtuDisc, SendResult } from './ipv4.ts';
import { fragmentIpv6, IPV6_MIN_MTU, Ipv6Reassembler } from '../wire/ipv6-fragment.ts';

export interface Send6 {
  dst: Ipv6;
  protocol: number;
  build: (src: Ipv6) => Uint8Array;
  src?: Ipv6;
  hopLimit?: number;
  iface?: Interface;
  tail?: PatternTail;
  /**
   * 'want' / 'dont': a packet above the path MTU is fragmented by this host (RFC 8200 §4.5);
   * 'do' or absent (TCP): EMSGSIZE with the path MTU.
   */
  pmtudisc?: PmtuDisc;
}

export type SendResult6 = { ok: true; src: Ipv6 } | Exclude<SendResult, { ok: true }>;

/** RFC 4443 §2.4(c): an error carries as much of the offending packet as fits in 1280 bytes. */
const ICMPV6_ERROR_MAX = 1280;
const PMTU_EXPIRE_NS = 600e9;
/** RFC 8200 §4.5: give up reassembly 60 s after the first fragment (Linux ip6frag_time). */
const REASSEMBLY_TIMEOUT_NS = 60e9;
/** RFC 4861 §10: MAX_RTR_SOLICITATION_DELAY 1 s, MAX_RA_DELAY_TIME 0.5 s, MIN_DELAY_BETWEEN_RAS 3 s. */
const RS_DELAY_NS = 1e9;
const RA_DELAY_NS = 0.5e9;
const RA_LIFETIME_S = 1800;

export class Ipv6Layer {
  readonly nd: NeighborCache<Ipv6>;
  private readonly pmtu = new Map<string, { mtu: number; expires: number }>();
  private lastRa = -Infinity;
  private raPending = false;
  private readonly reasm = new Ipv6Reassembler(REASSEMBLY_TIMEOUT_NS);
  /** Arms the reassembly timer; on expiry: RFC 8200 §4.5 Time Exceeded code 1, only if the first fragment arrived. */
  private readonly scheduleReassemblyExpiry: () => void;
  /** Fragment Identification: a per-host counter from a seeded start (Linux hashes; any unique value will do). */
  private ident: number;

  constructor(private readonly node: IpNode) {
    const w = node.world;
    this.ident = w.rng.stream(`host:${node.name}:ipv6-ident`).int(0, 0xffffffff);
    this.nd = new NeighborCache<Ipv6>(
      w,
      {
        key: (iface, a) => `${iface.id}/${formatIpv6(a)}`,
        // Multicast to the solicited-node group while resolving; unicast to the address when probing (RFC 4861 §7.3.3).
        solicit: (iface, a, _attempt, unicastMac) => this.sendNdp(iface, unicastMac === undefined ? solicitedNodeMulticast(a) : a, { kind: 'neighborSolicitation', target: a, options: [{ type: 'sourceLinkAddr', mac: iface.mac }] }),
        onAdd: (e) => w.trace.emit(w.now, 'ndp.cache.add', node.id, e.iface.id, -1, e.mac, NEIGHBOR_STATE_CODE[e.state], formatIpv6(e.addr)),
        onState: (e) => w.trace.emit(w.now, 'ndp.cache.state', node.id, e.iface.id, -1, e.mac, NEIGHBOR_STATE_CODE[e.state], formatIpv6(e.addr)),
        onExpire: (e) => w.trace.emit(w.now, 'ndp.cache.expire', node.id, e.iface.id, -1, e.mac, 0, formatIpv6(e.addr)),
        onQueue: () => undefined,
        onFail: (iface, a, dropped) => w.trace.emit(w.now, 'ndp.fail', node.id, iface.id, -1, dropped, 0, formatIpv6(a)),
      },
      neighborTimers(node.config),
      w.rng.stream(`host:${node.name}:ndp-reachable`),
    );
    this.scheduleReassemblyExpiry = reassemblyTimer(this.node.world, REASSEMBLY_TIMEOUT_NS, this.reasm, (gone) => {
      const w = this.node.world;
      w.trace.emit(w.now, 'ip.reassembly.timeout', this.node.id, -1, -1, gone.ident);
      if (gone.firstFragment) this.icmpError(gone.firstFragment, ICMPV6_TYPE.TIME_EXCEEDED, 1, 0, -1);
    });
  }

  start(now: number): void {
    const node = this.node;
    if (!node.config.ipv6RouterAdvertisements) return;
    const rng = node.world.rng.stream(`host:${node.name}:ndp-delay`);
    for (const iface of node.ifaces) {
      if (!iface.link) continue;
      if (node.config.forwarding) {
        if (advertises(iface)) node.world.sched.at(now + rng.int(0, RA_DELAY_NS), () => this.sendRa(iface));
      } else {
        node.world.sched.at(now + rng.int(0, RS_DELAY_NS), () => this.sendNdp(iface, ALL_ROUTERS, { kind: 'routerSolicitation', options: [{ type: 'sourceLinkAddr', mac: iface.mac }] }));
      }
    }
  }

  route(dst: Ipv6, iface?: Interface): Route<Ipv6> | undefined {
    const r = this.node.routes6.lookup(dst);
    if (!iface || (r && r.iface === iface)) return r;
    return this.node.routes6.routes.find((x) => x.iface === iface);
  }

  pathMtu(dst: Ipv6, route: Route<Ipv6>): number {
    const e = this.pmtu.get(formatIpv6(dst));
    return e && e.expires > this.node.world.now ? Math.min(e.mtu, route.iface.mtu) : route.iface.mtu;
  }

  // ---- output ----------------------------------------------------------------------------

  send(s: Send6): SendResult6 {
    const node = this.node;
    let iface: Interface | undefined = s.iface;
    let nextHop = s.dst;
    let mtu: number;
    if (isIpv6Multicast(s.dst) || (isIpv6LinkLocal(s.dst) && iface)) {
      if (!iface) return { ok: false, error: 'ENETUNREACH' };
      mtu = iface.mtu;
    } else if (node.hasIpv6(s.dst)) {
      return this.sendToSelf(s);
    } else {
      const route = this.route(s.dst, s.iface);
      if (!route) return { ok: false, error: 'ENETUNREACH' };
      iface = route.iface;
      nextHop = route.gateway ?? s.dst;
      mtu = this.pathMtu(s.dst, route);
    }
    const src = s.src ?? node.sourceIpv6(iface, s.dst);
    if (!src) return { ok: false, error: 'ENETUNREACH' };
    const payload = s.build(src);
    const fragment = s.pmtudisc === 'want' || s.pmtudisc === 'dont';
    // A link below IPv6's minimum MTU (a hand-edited scenario) cannot carry fragments either.
    if (40 + payload.length > mtu && (!fragment || mtu < IPV6_MIN_MTU)) return { ok: false, error: 'EMSGSIZE', mtu };
    const repr = { src, dst: s.dst, nextHeader: s.protocol, hopLimit: s.hopLimit ?? node.config.ttl, trafficClass: 0, flowLabel: 0 };
    const packet = buildIpv6(repr, payload);
    if (firewallVerdict(node.firewall, 'output', packet) >= 0) {
      node.world.trace.emit(node.world.now, 'fw.drop', node.id, iface.id, -1, 0, 0, 'output chain');
      return { ok: false, error: 'EPERM' };
    }
    if (packet.length <= mtu) {
      this.toLink(iface, nextHop, packet, -1, 'tx', s.tail);
      return { ok: true, src };
    }
    // RFC 8200 §4.5: only the source fragments, to the path MTU it knows.
    this.ident = (this.ident + 1) >>> 0;
    const pieces = fragmentIpv6(repr, payload, mtu, this.ident);
    node.world.trace.emit(node.world.now, 'ip.fragment', node.id, iface.id, -1, pieces.length, mtu);
    for (const piece of pieces) this.toLink(iface, nextHop, piece, -1, 'tx');
    return { ok: true, src };
  }

  private sendToSelf(s: Send6): SendResult6 {
    const src = s.src ?? s.dst;
    const packet = buildIpv6({ src, dst: s.dst, nextHeader: s.protocol, hopLimit: s.hopLimit ?? this.node.config.ttl, trafficClass: 0, flowLabel: 0 }, s.build(src));
    this.node.world.sched.after(0, () => {
      const p = parseIpv6(packet);
      if (p.ok) this.deliver(p.value, packet, { uid: -1, bytes: packet }, null);
    });
    return { ok: true, src };
  }

  private toLink(iface: Interface, nextHop: Ipv6, packet: Uint8Array, parent: number, kind: 'tx' | 'forward', tail?: PatternTail): void {
    const node = this.node;
    const emit = (mac: number): void => {
      const f = node.sendFrame(iface, mac, ETHERTYPE.IPV6, packet, parent, kind === 'forward' ? 'inherit' : tail);
      if (kind === 'tx') node.world.trace.emit(node.world.now, 'ip.tx', node.id, iface.id, f.uid, packet[6]!, packet.length);
      else node.world.trace.emit(node.world.now, 'ip.forward', node.id, iface.id, f.uid, packet[7]!, parent);
    };
    if (isIpv6Multicast(nextHop)) emit(ipv6MulticastMac(nextHop));
    else this.nd.resolve(iface, nextHop, emit, () => this.icmpError(packet, ICMPV6_TYPE.DEST_UNREACHABLE, 3, 0, parent));
  }

  // ---- input -----------------------------------------------------------------------------

  input(iface: Interface, bytes: Uint8Array, frame: Frame): void {
    const node = this.node;
    const w = node.world;
    const parsed = parseIpv6(bytes);
    if (!parsed.ok) {
      w.trace.emit(w.now, 'ip.drop', node.id, iface.id, frame.uid, 0, 0, `malformed IPv6: ${parsed.error.message}`);
      return;
    }
    const p = parsed.value;
    const packet = bytes.subarray(0, 40 + p.repr.payloadLength);
    const dst = p.repr.dst;
    if (node.hasIpv6(dst) || (isIpv6Multicast(dst) && node.joinedIpv6Multicast(iface, dst))) {
      if (firewallVerdict(node.firewall, 'input', packet) >= 0) {
        w.trace.emit(w.now, 'fw.drop', node.id, iface.id, frame.uid, 0, 0, 'input chain');
        return;
      }
      this.deliver(p, packet, frame, iface);
    } else if (node.config.forwarding && !isIpv6Multicast(dst) && !isIpv6LinkLocal(dst)) {
      this.forward(p, packet, frame, iface);
    } else {
      w.trace.emit(w.now, 'ip.drop', node.id, iface.id, frame.uid, p.upperProtocol, 0, 'not for this host');
    }
  }


  private deliver(p: Ipv6Packet, packet: Uint8Array, frame: Frame, iface: Interface | null): void {
    const node = this.node;
    const w = node.world;
    if (p.fragment) {
      const whole = this.reasm.push(w.now, p, packet);
      this.scheduleReassemblyExpiry();
      if (!whole) {
        if (this.reasm.lastDrop) w.trace.emit(w.now, 'ip.drop', node.id, iface?.id ?? -1, frame.uid, p.upperProtocol, 0, this.reasm.lastDrop);
        return;
      }
      const re = parseIpv6(whole);
      if (!re.ok) return;
      w.trace.emit(w.now, 'ip.reassemble', node.id, iface?.id ?? -1, frame.uid, this.reasm.lastFragments, whole.length);
      p = re.value;
      packet = whole;
    }
    w.trace.emit(w.now, 'ip.rx.deliver', node.id, iface?.id ?? -1, frame.uid, p.upperProtocol, packet.length);
    switch (p.upperProtocol) {
      case IPPROTO.ICMPV6:
        this.icmpInput(p, frame, iface);
        return;
      case IPPROTO.UDP:
        node.udp.input6(p, packet, frame, iface);
        return;
      case IPPROTO.TCP:
        node.tcp.input6(p, packet, frame, iface);
        return;
      case IPPROTO.IPV6_NONXT:
        return;
      default:
        w.trace.emit(w.now, 'ip.drop', node.id, iface?.id ?? -1, frame.uid, p.upperProtocol, 0, 'no handler for next header');
        // RFC 4443 §3.4: Parameter Problem code 1, pointing at the unrecognised Next Header byte.
        this.icmpError(packet, 4, 1, p.extHeaders.length > 0 ? p.extHeaders[p.extHeaders.length - 1]!.offset : 6, frame.uid);
    }
  }

  private forward(p: Ipv6Packet, packet: Uint8Array, frame: Frame, inIface: Interface): void {
    const node = this.node;
    const w = node.world;
    if (firewallVerdict(node.firewall, 'forward', packet) >= 0) {
      w.trace.emit(w.now, 'fw.drop', node.id, inIface.id, frame.uid, 0, 0, 'forward chain');
      return;
    }
    if (p.repr.hopLimit <= 1) {
      w.trace.emit(w.now, 'ip.drop', node.id, inIface.id, frame.uid, p.upperProtocol, 0, 'hop limit exceeded in transit');
      this.icmpError(packet, ICMPV6_TYPE.TIME_EXCEEDED, 0, 0, frame.uid);
      return;
    }
    const route = this.route(p.repr.dst);
    if (!route) {
      w.trace.emit(w.now, 'ip.drop', node.id, inIface.id, frame.uid, p.upperProtocol, 0, 'no route to destination');
      this.icmpError(packet, ICMPV6_TYPE.DEST_UNREACHABLE, 0, 0, frame.uid);
      return;
    }
    // RFC 8200 §5: routers never fragment; RFC 4443 §3.2: send Packet Too Big with the link MTU.
    if (packet.length > route.iface.mtu) {
      w.trace.emit(w.now, 'ip.drop', node.id, inIface.id, frame.uid, p.upperProtocol, 0, `packet too big for MTU ${route.iface.mtu}`);
      this.icmpError(packet, ICMPV6_TYPE.PACKET_TOO_BIG, 0, route.iface.mtu, frame.uid);
      return;
    }
    const out = packet.slice();
    decrementHopLimit(out);
    this.toLink(route.iface, route.gateway ?? p.repr.dst, out, frame.uid, 'forward');
  }

  // ---- ICMPv6 ----------------------------------------------------------------------------

  /** RFC 4443 §2.4(e): no error about an error, or about multicast (except Packet Too Big). */
  icmpError(offending: Uint8Array, type: number, code: number, param: number, parent: number): void {
    const node = this.node;
    const w = node.world;
    const q = readQuoted(offending);
    if (!q || !q.v6) return;
    const suppress = (reason: string): void => void w.trace.emit(w.now, 'icmp.suppress', node.id, -1, parent, type, code, reason);
    if (!node.config.icmpErrors) return suppress('ICMP errors disabled on this node');
    if (isIpv6Multicast(q.dstAddr as Ipv6) && type !== ICMPV6_TYPE.PACKET_TOO_BIG) return suppress('offending packet was multicast');
    if (q.protocol === IPPROTO.ICMPV6 && (offending[q.l4Offset] ?? 0) < 128) return suppress('never an error about an ICMPv6 error');
    const original = offending.subarray(0, Math.min(offending.length, ICMPV6_ERROR_MAX - 48));
    const msg: Icmpv6Message =
      type === ICMPV6_TYPE.PACKET_TOO_BIG
        ? { kind: 'packetTooBig', mtu: param, original }
        : type === ICMPV6_TYPE.TIME_EXCEEDED
          ? { kind: 'timeExceeded', code, original }
          : type === ICMPV6_TYPE.DEST_UNREACHABLE
            ? { kind: 'destUnreachable', code, original }
            : { kind: 'other', type, code, body: concat(u32(param), original) };
    this.sendIcmp(q.srcAddr as Ipv6, msg);
  }

  /** `pmtudisc`: like a Linux ICMPv6 socket, WANT by default: fragmented when above the path MTU. */
  sendIcmp(dst: Ipv6, msg: Icmpv6Message, src?: Ipv6, hopLimit?: number, iface?: Interface, pmtudisc: PmtuDisc = 'want'): SendResult6 {
    const node = this.node;
    const s: Send6 = {
      dst,
      protocol: IPPROTO.ICMPV6,
      pmtudisc,
      build: (from) => {
        const b = new Uint8Array(icmpv6Length(msg));
        emitIcmpv6(msg, from, dst, b, 0);
        return b;
      },
    };
    if (src) s.src = src;
    if (hopLimit !== undefined) s.hopLimit = hopLimit;
    if (iface) s.iface = iface;
    const r = this.send(s);
    const type = msgType(msg);
    node.world.trace.emit(node.world.now, type >= 133 && type <= 137 ? 'ndp.tx' : 'icmp.tx', node.id, iface?.id ?? -1, -1, type, 0);
    return r;
  }

  /** NDP messages go out with hop limit 255 (RFC 4861 §7.1 receivers check it). */
  private sendNdp(iface: Interface, dst: Ipv6, msg: Icmpv6Message): void {
    this.sendIcmp(dst, msg, undefined, 255, iface);
  }

  private sendRa(iface: Interface): void {
    const now = this.node.world.now;
    this.lastRa = now;
    this.raPending = false;
    const prefixes = iface.ipv6
      .filter((a) => !isIpv6LinkLocal(a.addr) && a.prefixLen === 64)
      .map((a) => ({ type: 'prefixInfo' as const, prefixLength: 64, onLink: true, autonomous: true, validLifetime: 2592000, preferredLifetime: 604800, prefix: maskV6(a.addr, 64) }));
    this.sendNdp(iface, ALL_NODES, {
      kind: 'routerAdvertisement',
      curHopLimit: 64,
      managed: false,
      other: false,
      routerLifetime: RA_LIFETIME_S,
      reachableTime: 0,
      retransTimer: 0,
      options: [{ type: 'sourceLinkAddr', mac: iface.mac }, { type: 'mtu', mtu: iface.mtu }, ...prefixes],
    });
  }

  private icmpInput(p: Ipv6Packet, frame: Frame, iface: Interface | null): void {
    const node = this.node;
    const w = node.world;
    const parsed = parseIcmpv6(p.upper, p.repr.src, p.repr.dst);
    if (!parsed.ok || !parsed.value.checksumOk) {
      w.trace.emit(w.now, 'ip.drop', node.id, iface?.id ?? -1, frame.uid, IPPROTO.ICMPV6, 0, parsed.ok ? 'bad ICMPv6 checksum' : `malformed ICMPv6: ${parsed.error.message}`);
      return;
    }
    const msg = parsed.value.msg;
    const type = p.upper[0]!;
    const code = p.upper[1]!;
    const ndp = type >= 133 && type <= 137;
    w.trace.emit(w.now, ndp ? 'ndp.rx' : 'icmp.rx', node.id, iface?.id ?? -1, frame.uid, type, code);
    if (ndp && (p.repr.hopLimit !== 255 || !iface)) {
      w.trace.emit(w.now, 'ip.drop', node.id, iface?.id ?? -1, frame.uid, IPPROTO.ICMPV6, 0, 'NDP message with hop limit != 255 (RFC 4861 §7.1)');
      return;
    }
    const base = { now: w.now, v6: true, type, code, from: formatIpv6(p.repr.src), fromAddr: p.repr.src, ttl: p.repr.hopLimit, length: p.upper.length, frameUid: frame.uid };
    switch (msg.kind) {
      case 'echoRequest':
        if (node.config.icmpEcho && !isIpv6Multicast(p.repr.dst)) {
          this.sendIcmp(p.repr.src, { kind: 'echoReply', ident: msg.ident, seq: msg.seq, data: msg.data }, p.repr.dst);
        }
        return;
      case 'echoReply':
        node.notifyIcmp({ ...base, ident: msg.ident, seq: msg.seq, data: msg.data });
        return;
      case 'neighborSolicitation': {
        if (!iface || !node.hasIpv6(msg.target)) return;
        const sll = msg.options.find((o: NdpOption) => o.type === 'sourceLinkAddr');
        const unspecified = p.repr.src.every((b) => b === 0);
        if (sll && 'mac' in sll && !unspecified) this.nd.learn(iface, p.repr.src, sll.mac, true);
        // RFC 4861 §7.2.4: solicited NA, override set, with our link-layer address.
        this.sendNdp(iface, unspecified ? ALL_NODES : p.repr.src, {
          kind: 'neighborAdvertisement',
          router: node.config.forwarding,
          solicited: !unspecified,
          override: true,
          target: msg.target,
          options: [{ type: 'targetLinkAddr', mac: iface.mac }],
        });
        return;
      }
      case 'neighborAdvertisement': {
        const tll = msg.options.find((o: NdpOption) => o.type === 'targetLinkAddr');
        // RFC 4861 §7.2.5: a solicited advertisement confirms reachability; an unsolicited one
        // only updates an entry whose address changed (to STALE).
        if (iface && tll && 'mac' in tll) this.nd.learn(iface, msg.target, tll.mac, false, msg.solicited ? 'solicited' : 'unsolicited');
        return;
      }
      case 'routerSolicitation': {
        // Only interfaces with a global prefix advertise (like radvd configured on that link).
        if (!iface || !node.config.forwarding || this.raPending || !advertises(iface)) return;
        const sll = msg.options.find((o: NdpOption) => o.type === 'sourceLinkAddr');
        if (sll && 'mac' in sll && !p.repr.src.every((b) => b === 0)) this.nd.learn(iface, p.repr.src, sll.mac, true);
        const rng = w.rng.stream(`host:${node.name}:ndp-delay`);
        const at = Math.max(w.now + rng.int(0, RA_DELAY_NS), this.lastRa + 3e9);
        this.raPending = true;
        w.sched.at(at, () => this.sendRa(iface));
        return;
      }
      case 'routerAdvertisement': {
        if (!iface || node.config.forwarding) return;
        const sll = msg.options.find((o: NdpOption) => o.type === 'sourceLinkAddr');
        if (sll && 'mac' in sll) this.nd.learn(iface, p.repr.src, sll.mac, true);
        const hasDefault = node.routes6.routes.some((r) => r.prefixLen === 0);
        if (msg.routerLifetime > 0 && !hasDefault) {
          node.routes6.add({ prefix: new Uint8Array(16), prefixLen: 0, gateway: p.repr.src, iface, metric: 1024, origin: 'ra' });
          w.trace.emit(w.now, 'ndp.router', node.id, iface.id, frame.uid, msg.routerLifetime, 0, formatIpv6(p.repr.src));
        }
        return;
      }
      case 'packetTooBig':
      case 'destUnreachable':
      case 'timeExceeded': {
        const quoted = readQuoted(msg.original);
        if (msg.kind === 'packetTooBig' && quoted?.v6) this.lowerPathMtu(quoted.dstAddr as Ipv6, msg.mtu, frame.uid);
        node.notifyIcmp({ ...base, ...(quoted ? { quoted } : {}), ...(msg.kind === 'packetTooBig' ? { mtu: msg.mtu } : {}) });
        return;
      }
      default:
        node.notifyIcmp(base);
    }
  }

  /** RFC 8201 §4: lower the PMTU estimate, never below the IPv6 minimum of 1280. */
  private lowerPathMtu(dst: Ipv6, mtu: number, uid: number): void {
    const node = this.node;
    const route = this.route(dst);
    if (!route) return;
    const old = this.pathMtu(dst, route);
    const next = Math.max(mtu, 1280);
    if (next >= old) return;
    this.pmtu.set(formatIpv6(dst), { mtu: next, expires: node.world.now + PMTU_EXPIRE_NS });
    node.world.trace.emit(node.world.now, 'ip.pmtu.update', node.id, route.iface.id, uid, next, old, formatIpv6(dst));
  }

  neighborRows(): Array<{ ip: Ipv6; mac: number; iface: string }> {
    const rows: Array<{ ip: Ipv6; mac: number; iface: string }> = [];
    for (const e of this.nd.entries.values()) if (e.state !== 'incomplete') rows.push({ ip: e.addr, mac: e.mac, iface: e.iface.name });
    return rows;
  }

  isLocal(a: Ipv6): boolean {
    return this.node.ifaces.some((i) => i.ipv6.some((x) => ipv6Equal(x.addr, a)));
  }
}

function advertises(iface: Interface): boolean {
  return iface.ipv6.some((a) => !isIpv6LinkLocal(a.addr));
}

function msgType(m: Icmpv6Message): number {
  switch (m.kind) {
    case 'destUnreachable': return ICMPV6_TYPE.DEST_UNREACHABLE;
    case 'packetTooBig': return ICMPV6_TYPE.PACKET_TOO_BIG;
    case 'timeExceeded': return ICMPV6_TYPE.TIME_EXCEEDED;
    case 'echoRequest': return ICMPV6_TYPE.ECHO_REQUEST;
    case 'echoReply': return ICMPV6_TYPE.ECHO_REPLY;
    case 'routerSolicitation': return ICMPV6_TYPE.ROUTER_SOLICIT;
    case 'routerAdvertisement': return ICMPV6_TYPE.ROUTER_ADVERT;
    case 'neighborSolicitation': return ICMPV6_TYPE.NEIGHBOR_SOLICIT;
    case 'neighborAdvertisement': return ICMPV6_TYPE.NEIGHBOR_ADVERT;
    default: return m.type;
  }
}

function u32(n: number): Uint8Array {
  return new Uint8Array([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
