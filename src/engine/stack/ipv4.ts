/**
 * IPv4 (RFC 791, RFC 1122 host rules, RFC 1812 router rules): output with source selection,
 * path-MTU-aware fragmentation, input with reassembly, forwarding with TTL decrement, and the
 * ICMP errors a real stack sends (time exceeded, unreachable, fragmentation needed).
 *
 * Path MTU discovery (RFC 1191) follows Linux's default IP_PMTUDISC_WANT: DF is set on packets
 * that fit the known path MTU; larger packets are fragmented locally without DF. An ICMP
 * "fragmentation needed" lowers the cached path MTU for that destination for 10 minutes.
 */
import type { Ipv4 } from '../wire/addr.ts';
import { MAC_BROADCAST, formatIpv4, ipv4InPrefix, ipv4Mask } from '../wire/addr.ts';
import { ETHERTYPE } from '../wire/ethernet.ts';
import type { Ipv4Packet, Ipv4Repr } from '../wire/ipv4.ts';
import { IPPROTO, IPV4_MIN_HEADER_LEN, buildIpv4, decrementTtl, emitIpv4, parseIpv4 } from '../wire/ipv4.ts';
import { Ipv4Reassembler, fragmentIpv4 } from '../wire/ipv4-fragment.ts';
import type { Icmpv4Message } from '../wire/icmpv4.ts';
import { ICMPV4_TYPE, ICMPV4_UNREACH, emitIcmpv4, icmpv4Length, parseIcmpv4 } from '../wire/icmpv4.ts';
import type { Frame } from '../net/frame.ts';
import type { Interface } from '../net/iface.ts';
import type { Route } from './routing.ts';
import type { PatternTail } from '../trace/store.ts';
import type { IpNode } from './host.ts';
import { reassemblyTimer } from './reassembly-timer.ts';
import { firewallVerdict } from './firewall.ts';
import { readQuoted } from './quoted.ts';

export type PmtuDisc = 'want' | 'do' | 'dont';

export interface Send4 {
  dst: Ipv4;
  protocol: number;
  /**
   * Builds the upper-layer bytes once the source address is known (checksums need it); or the
   * finished bytes, when `src` is given.
   */
  build: ((src: Ipv4) => Uint8Array) | Uint8Array;
  src?: Ipv4;
  ttl?: number;
  dscp?: number;
  ecn?: number;
  pmtudisc?: PmtuDisc;
  /** Send out of this interface (SO_BINDTODEVICE / ping -I); otherwise the routing table decides. */
  iface?: Interface;
  /** The packet's last bytes are pattern bytes the trace may store lazily (bulk TCP payload). */
  tail?: PatternTail;
  /**
   * `build` returns a view made by `framedPacket(20 + length).subarray(20)` (or an equivalent
   * layout): the IPv4 and Ethernet headers are written into the room in front of it, so the
   * packet is not copied on its way to the wire.
   */
  inPlace?: boolean;
}

export type SendResult = { ok: true; src: Ipv4 } | { ok: false; error: 'ENETUNREACH' | 'EMSGSIZE' | 'EPERM'; mtu?: number };

/** RFC 1191 §6.3: a lowered PMTU estimate is aged out after ~10 minutes. */
const PMTU_EXPIRE_NS = 600e9;
/** RFC 1812 §4.3.2.3: an ICMP error carries as much of the original as fits in 576 bytes. */
const ICMP_ERROR_MAX = 576;
const NO_OPTIONS = new Uint8Array(0);
/** Linux ipfrag_time: 30 s to reassemble. */
const REASSEMBLY_TIMEOUT_NS = 30e9;

export class Ipv4Layer {
  private ident: number;
  private readonly pmtu = new Map<number, { mtu: number; expires: number }>();
  private readonly reasm = new Ipv4Reassembler(REASSEMBLY_TIMEOUT_NS);
  /** Arms the reassembly timer; on expiry: RFC 792 / RFC 1122 §3.3.2 Time Exceeded (code 1), only if fragment zero arrived. */
  private readonly scheduleReassemblyExpiry: () => void;

  constructor(private readonly node: IpNode) {
    this.ident = node.world.rng.stream(`host:${node.name}:ipv4-ident`).int(0, 0xffff);
    this.scheduleReassemblyExpiry = reassemblyTimer(this.node.world, REASSEMBLY_TIMEOUT_NS, this.reasm, (gone) => {
      const w = this.node.world;
      w.trace.emit(w.now, 'ip.reassembly.timeout', this.node.id, -1, -1, gone.ident);
      if (gone.firstFragment) this.icmpError(gone.firstFragment, ICMPV4_TYPE.TIME_EXCEEDED, 1, 0, -1);
    });
  }

  // ---- output ----------------------------------------------------------------------------

  route(dst: Ipv4, iface?: Interface): Route<Ipv4> | undefined {
    const r = this.node.routes4.lookup(dst);
    if (!iface) return r;
    if (r && r.iface === iface) return r;
    // Bound to an interface: use its connected route, or its default route.
    return this.node.routes4.routes.find((x) => x.iface === iface && ipv4InPrefix(dst, x.prefix, x.prefixLen));
  }

  /** Source address selection: the outgoing interface's address on the next hop's subnet. */
  sourceFor(route: Route<Ipv4>, dst: Ipv4): Ipv4 | undefined {
    const nh = route.gateway ?? dst;
    const same = route.iface.ipv4.find((a) => ipv4InPrefix(nh, a.addr, a.prefixLen));
    return (same ?? route.iface.ipv4[0])?.addr;
  }

  pathMtu(dst: Ipv4, route: Route<Ipv4>): number {
    const e = this.pmtu.get(dst);
    if (e && e.expires > this.node.world.now) return Math.min(e.mtu, route.iface.mtu);
    return route.iface.mtu;
  }

  /** Sends a locally originated datagram. */
  send(s: Send4): SendResult {
    const node = this.node;
    if (node.hasIpv4(s.dst)) return this.sendToSelf(s);
    const route = this.route(s.dst, s.iface);
    if (!route) return { ok: false, error: 'ENETUNREACH' };
    const src = s.src ?? this.sourceFor(route, s.dst);
    if (src === undefined) return { ok: false, error: 'ENETUNREACH' };
    const payload = typeof s.build === 'function' ? s.build(src) : s.build;
    const total = 20 + payload.length;
    const mtu = this.pathMtu(s.dst, route);
    const mode = s.pmtudisc ?? 'want';
    if (mode === 'do' && total > mtu) return { ok: false, error: 'EMSGSIZE', mtu };
    const repr: Ipv4Repr = {
      src,
      dst: s.dst,
      protocol: s.protocol,
      ttl: s.ttl ?? node.config.ttl,
      dscp: s.dscp ?? 0,
      ecn: s.ecn ?? 0,
      ident: this.nextIdent(),
      dontFragment: mode === 'do' || (mode === 'want' && total <= mtu),
      moreFragments: false,
      fragmentOffset: 0,
      options: NO_OPTIONS,
      payloadLength: payload.length,
    };
    // In place: the header goes into the 20 bytes the sender left in front of the payload.
    const inPlace = s.inPlace === true && payload.byteOffset >= IPV4_MIN_HEADER_LEN;
    let packet: Uint8Array;
    if (inPlace) {
      packet = node.world.frames.widen(payload, IPV4_MIN_HEADER_LEN, total);
      emitIpv4(repr, packet, 0);
    } else {
      packet = buildIpv4(repr, payload);
    }
    if (firewallVerdict(node.firewall, 'output', packet) >= 0) {
      node.world.trace.emit(node.world.now, 'fw.drop', node.id, route.iface.id, -1, 0, 0, 'output chain');
      return { ok: false, error: 'EPERM' };
    }
    // Linux fragments what it originates at the path MTU it learned (ip_skb_dst_mtu uses the
    // route's PMTU for sockets in DONT/WANT/DO), not only at the link's MTU: a 1500-byte ping
    // with -M want after "fragmentation needed" leaves as fragments that fit the path.
    this.transmit(route, s.dst, packet, repr, payload, -1, 'tx', s.tail, inPlace, mtu);
    return { ok: true, src };
  }

  private nextIdent(): number {
    this.ident = (this.ident + 1) & 0xffff;
    return this.ident;
  }

  private sendToSelf(s: Send4): SendResult {
    const node = this.node;
    const src = s.src ?? s.dst;
    const payload = typeof s.build === 'function' ? s.build(src) : s.build;
    const repr = { src, dst: s.dst, protocol: s.protocol, ttl: s.ttl ?? node.config.ttl, dscp: 0, ecn: 0, ident: this.nextIdent(), dontFragment: true, moreFragments: false, fragmentOffset: 0, options: new Uint8Array(0) };
    const packet = buildIpv4(repr, payload);
    // Loopback: delivered without touching any link (like Linux's lo); not in captures.
    node.world.sched.after(0, () => {
      const p = parseIpv4(packet);
      if (p.ok) this.deliver(p.value, packet, { uid: -1, bytes: packet }, null);
    });
    return { ok: true, src };
  }

  /**
   * Fragments if needed and hands each packet to the link layer towards the route's next hop.
   * `inPlace`: `packet` sits in a `framedPacket` buffer (see `Send4.inPlace`).
   */
  private transmit(route: Route<Ipv4>, dst: Ipv4, packet: Uint8Array, repr: Omit<Ipv4Repr, 'payloadLength'>, payload: Uint8Array, parent: number, kind: 'tx' | 'forward', tail?: PatternTail, inPlace = false, fragMtu = route.iface.mtu): void {
    const node = this.node;
    // Forwarded packets are fragmented at the outgoing link's MTU (ip_forward_use_pmtu = 0).
    const mtu = Math.min(fragMtu, route.iface.mtu);
    const nextHop = route.gateway ?? dst;
    if (packet.length <= mtu) {
      this.toLink(route.iface, nextHop, packet, parent, kind, repr.protocol, tail, inPlace);
      return;
    }
    const packets = fragmentIpv4(repr, payload, mtu);
    node.world.trace.emit(node.world.now, 'ip.fragment', node.id, route.iface.id, parent, packets.length, mtu);
    for (const p of packets) this.toLink(route.iface, nextHop, p, parent, kind, repr.protocol);
  }

  private toLink(iface: Interface, nextHop: Ipv4, packet: Uint8Array, parent: number, kind: 'tx' | 'forward', protocol: number, tail?: PatternTail, inPlace = false): void {
    const node = this.node;
    if (nextHop === 0xffffffff || this.isDirectedBroadcast(iface, nextHop)) return this.linkOut(iface, MAC_BROADCAST, packet, parent, kind, protocol, tail, inPlace);
    const known = node.arp.reachableMac(iface, nextHop);
    if (known >= 0) return this.linkOut(iface, known, packet, parent, kind, protocol, tail, inPlace);
    node.arp.resolve(
      iface,
      nextHop,
      (mac) => this.linkOut(iface, mac, packet, parent, kind, protocol, tail, inPlace),
      // RFC 1812 §4.3.3.1 / Linux ipv4_link_failure: unresolvable next hop → host unreachable.
      () => this.icmpError(packet, ICMPV4_TYPE.DEST_UNREACHABLE, ICMPV4_UNREACH.HOST, 0, parent),
    );
  }

  private linkOut(iface: Interface, mac: number, packet: Uint8Array, parent: number, kind: 'tx' | 'forward', protocol: number, tail: PatternTail | undefined, inPlace: boolean): void {
    const node = this.node;
    const f = node.sendFrame(iface, mac, ETHERTYPE.IPV4, packet, parent, kind === 'forward' ? 'inherit' : tail, inPlace);
    if (kind === 'tx') node.world.trace.emit(node.world.now, 'ip.tx', node.id, iface.id, f.uid, protocol, packet.length);
    else node.world.trace.emit(node.world.now, 'ip.forward', node.id, iface.id, f.uid, packet[8]!, parent);
  }

  private isDirectedBroadcast(iface: Interface, a: Ipv4): boolean {
    const list = iface.ipv4;
    for (let i = 0; i < list.length; i++) {
      const x = list[i]!;
      if (x.prefixLen < 31 && ((x.addr | ~ipv4Mask(x.prefixLen)) >>> 0) === a) return true;
    }
    return false;
  }

  // ---- input -----------------------------------------------------------------------------

  input(iface: Interface, bytes: Uint8Array, frame: Frame): void {
    const node = this.node;
    const w = node.world;
    const parsed = parseIpv4(bytes);
    if (!parsed.ok) {
      w.trace.emit(w.now, 'ip.drop', node.id, iface.id, frame.uid, 0, 0, `malformed IPv4: ${parsed.error.message}`);
      return;
    }
    let p = parsed.value;
    if (!p.checksumOk) {
      w.trace.emit(w.now, 'ip.drop', node.id, iface.id, frame.uid, p.repr.protocol, 0, 'bad IPv4 header checksum');
      return;
    }
    let packet = p.totalLength === bytes.length ? bytes : bytes.subarray(0, p.totalLength);
    if (node.nat) {
      const translated = node.nat.inbound(iface, packet, frame.uid);
      if (translated === 'drop') return;
      if (translated) {
        packet = translated;
        const again = parseIpv4(packet);
        if (!again.ok) return;
        p = again.value;
      }
    }
    const dst = p.repr.dst;
    if (node.hasIpv4(dst) || dst === 0xffffffff || this.isDirectedBroadcast(iface, dst)) {
      if (firewallVerdict(node.firewall, 'input', packet) >= 0) {
        w.trace.emit(w.now, 'fw.drop', node.id, iface.id, frame.uid, 0, 0, 'input chain');
        return;
      }
      this.deliver(p, packet, frame, iface);
    } else if (node.config.forwarding) {
      this.forward(p, packet, frame, iface);
    } else {
      w.trace.emit(w.now, 'ip.drop', node.id, iface.id, frame.uid, p.repr.protocol, 0, 'not for this host (forwarding disabled)');
    }
  }

  private deliver(p: Ipv4Packet, packet: Uint8Array, frame: Frame, iface: Interface | null): void {
    const node = this.node;
    const w = node.world;
    if (p.repr.moreFragments || p.repr.fragmentOffset > 0) {
      const whole = this.reasm.push(w.now, p, packet);
      this.scheduleReassemblyExpiry();
      if (!whole) return;
      const re = parseIpv4(whole);
      if (!re.ok) return;
      w.trace.emit(w.now, 'ip.reassemble', node.id, iface?.id ?? -1, frame.uid, this.reasm.lastFragments, whole.length);
      p = re.value;
      packet = whole;
    }
    w.trace.emit(w.now, 'ip.rx.deliver', node.id, iface?.id ?? -1, frame.uid, p.repr.protocol, p.totalLength);
    switch (p.repr.protocol) {
      case IPPROTO.ICMP:
        this.icmpInput(p, packet, frame, iface);
        return;
      case IPPROTO.UDP:
        node.udp.input4(p, packet, frame, iface);
        return;
      case IPPROTO.TCP:
        node.tcp.input4(p, packet, frame, iface);
        return;
      default:
        // RFC 1122 §3.2.2.1: protocol unreachable for a transport nobody listens on.
        w.trace.emit(w.now, 'ip.drop', node.id, iface?.id ?? -1, frame.uid, p.repr.protocol, 0, 'no handler for protocol');
        this.icmpError(packet, ICMPV4_TYPE.DEST_UNREACHABLE, ICMPV4_UNREACH.PROTOCOL, 0, frame.uid);
    }
  }


  private forward(p: Ipv4Packet, packet: Uint8Array, frame: Frame, inIface: Interface): void {
    const node = this.node;
    const w = node.world;
    if (firewallVerdict(node.firewall, 'forward', packet) >= 0) {
      w.trace.emit(w.now, 'fw.drop', node.id, inIface.id, frame.uid, 0, 0, 'forward chain');
      return;
    }
    // RFC 1812 §5.3.1: a packet arriving with TTL <= 1 is not forwarded.
    if (p.repr.ttl <= 1) {
      w.trace.emit(w.now, 'ip.drop', node.id, inIface.id, frame.uid, p.repr.protocol, 0, 'TTL expired in transit');
      this.icmpError(packet, ICMPV4_TYPE.TIME_EXCEEDED, 0, 0, frame.uid);
      return;
    }
    const route = this.route(p.repr.dst);
    if (!route) {
      w.trace.emit(w.now, 'ip.drop', node.id, inIface.id, frame.uid, p.repr.protocol, 0, 'no route to destination');
      this.icmpError(packet, ICMPV4_TYPE.DEST_UNREACHABLE, ICMPV4_UNREACH.NET, 0, frame.uid);
      return;
    }
    // One copy, straight into the outgoing frame's buffer (frames are immutable once sent).
    let out = w.frames.framedPacket(packet.length);
    out.set(packet);
    decrementTtl(out);
    let inPlace = true;
    if (node.nat) {
      const translated = node.nat.outbound(inIface, route.iface, out, frame.uid);
      inPlace = translated === out;
      out = translated;
    }
    const mtu = route.iface.mtu;
    if (out.length > mtu && p.repr.dontFragment) {
      // RFC 1191 §4: "fragmentation needed and DF set" carrying the next-hop MTU.
      w.trace.emit(w.now, 'ip.drop', node.id, inIface.id, frame.uid, p.repr.protocol, 0, `fragmentation needed (MTU ${mtu}) but DF set`);
      this.icmpError(packet, ICMPV4_TYPE.DEST_UNREACHABLE, ICMPV4_UNREACH.FRAG_NEEDED, mtu, frame.uid);
      return;
    }
    if (inPlace && !node.nat && out.length <= mtu) {
      // Only the TTL (and header checksum) changed: no need to parse the packet again.
      this.toLink(route.iface, route.gateway ?? p.repr.dst, out, frame.uid, 'forward', p.repr.protocol, undefined, true);
      return;
    }
    const q = parseIpv4(out);
    if (!q.ok) return;
    this.transmit(route, q.value.repr.dst, out, q.value.repr, q.value.payload, frame.uid, 'forward', undefined, inPlace);
  }

  // ---- ICMP ------------------------------------------------------------------------------

  /**
   * Sends an ICMP error about `offending` (an IPv4 packet) to its source, unless RFC 1122
   * §3.2.2 / RFC 1812 §4.3.2.7 forbid it: never about an ICMP error, a non-initial fragment,
   * a broadcast/multicast destination, or an invalid source.
   */
  icmpError(offending: Uint8Array, type: number, code: number, mtu: number, parent: number): void {
    const node = this.node;
    const w = node.world;
    const q = readQuoted(offending);
    if (!q || q.v6) return;
    const suppress = (reason: string): void => void w.trace.emit(w.now, 'icmp.suppress', node.id, -1, parent, type, code, reason);
    if (!node.config.icmpErrors) return suppress('ICMP errors disabled on this node');
    const fragOffset = (((offending[6]! & 0x1f) << 8) | offending[7]!) * 8;
    if (fragOffset > 0) return suppress('not the first fragment');
    const src = q.srcAddr as number;
    const dst = q.dstAddr as number;
    if (src === 0 || src === 0xffffffff || src >>> 28 === 0xe) return suppress('invalid source address');
    if (dst === 0xffffffff || dst >>> 28 === 0xe) return suppress('offending packet was broadcast or multicast');
    if (q.protocol === IPPROTO.ICMP) {
      const t = offending[q.l4Offset];
      if (t !== undefined && t !== ICMPV4_TYPE.ECHO_REQUEST && t !== ICMPV4_TYPE.ECHO_REPLY && t !== 13 && t !== 14) return suppress('never an error about an ICMP error');
    }
    const original = offending.subarray(0, Math.min(offending.length, ICMP_ERROR_MAX - 28));
    const msg: Icmpv4Message =
      type === ICMPV4_TYPE.TIME_EXCEEDED ? { kind: 'timeExceeded', code, original } : { kind: 'destUnreachable', code, nextHopMtu: mtu, original };
    this.sendIcmp(src, msg, undefined);
  }

  /** Sends an ICMP message; `src` defaults to the outgoing interface's address. */
  sendIcmp(dst: Ipv4, msg: Icmpv4Message, src: Ipv4 | undefined, ttl?: number): SendResult {
    const node = this.node;
    const bytes = new Uint8Array(icmpv4Length(msg));
    emitIcmpv4(msg, bytes, 0);
    const s: Send4 = { dst, protocol: IPPROTO.ICMP, build: () => bytes, pmtudisc: 'dont' };
    if (src !== undefined) s.src = src;
    if (ttl !== undefined) s.ttl = ttl;
    const r = this.send(s);
    node.world.trace.emit(node.world.now, 'icmp.tx', node.id, -1, -1, bytes[0]!, bytes[1]!);
    return r;
  }

  /** Sends an ICMP echo request (ping's socket): the caller picks TTL and DF policy. */
  sendEcho(dst: Ipv4, ident: number, seq: number, data: Uint8Array, opts: { ttl?: number; pmtudisc?: PmtuDisc } = {}): SendResult {
    const msg: Icmpv4Message = { kind: 'echoRequest', ident, seq, data };
    const bytes = new Uint8Array(icmpv4Length(msg));
    emitIcmpv4(msg, bytes, 0);
    const s: Send4 = { dst, protocol: IPPROTO.ICMP, build: () => bytes, pmtudisc: opts.pmtudisc ?? 'want' };
    if (opts.ttl !== undefined) s.ttl = opts.ttl;
    const r = this.send(s);
    if (r.ok) this.node.world.trace.emit(this.node.world.now, 'icmp.tx', this.node.id, -1, -1, ICMPV4_TYPE.ECHO_REQUEST, 0);
    return r;
  }

  private icmpInput(p: Ipv4Packet, _packet: Uint8Array, frame: Frame, iface: Interface | null): void {
    const node = this.node;
    const w = node.world;
    const parsed = parseIcmpv4(p.payload);
    if (!parsed.ok || !parsed.value.checksumOk) {
      w.trace.emit(w.now, 'ip.drop', node.id, iface?.id ?? -1, frame.uid, IPPROTO.ICMP, 0, parsed.ok ? 'bad ICMP checksum' : `malformed ICMP: ${parsed.error.message}`);
      return;
    }
    const msg = parsed.value.msg;
    const type = p.payload[0]!;
    const code = p.payload[1]!;
    w.trace.emit(w.now, 'icmp.rx', node.id, iface?.id ?? -1, frame.uid, type, code);
    const base = { now: w.now, v6: false, type, code, from: formatIpv4(p.repr.src), fromAddr: p.repr.src, ttl: p.repr.ttl, length: p.payload.length, frameUid: frame.uid };
    switch (msg.kind) {
      case 'echoRequest':
        if (!node.config.icmpEcho || p.repr.dst === 0xffffffff) return;
        // RFC 1122 §3.2.2.6: the reply carries the request's identifier, sequence and data.
        this.sendIcmp(p.repr.src, { kind: 'echoReply', ident: msg.ident, seq: msg.seq, data: msg.data }, p.repr.dst);
        return;
      case 'echoReply':
        node.notifyIcmp({ ...base, ident: msg.ident, seq: msg.seq, data: msg.data });
        return;
      case 'destUnreachable':
      case 'timeExceeded': {
        const quoted = readQuoted(msg.original);
        if (msg.kind === 'destUnreachable' && msg.code === ICMPV4_UNREACH.FRAG_NEEDED && quoted && !quoted.v6) {
          this.lowerPathMtu(quoted.dstAddr as number, msg.nextHopMtu, frame.uid);
        }
        const mtu = msg.kind === 'destUnreachable' && msg.code === ICMPV4_UNREACH.FRAG_NEEDED ? msg.nextHopMtu : undefined;
        node.notifyIcmp({ ...base, ...(quoted ? { quoted } : {}), ...(mtu !== undefined ? { mtu } : {}) });
        return;
      }
      default:
        node.notifyIcmp(base);
    }
  }

  /** RFC 1191 §6.1: believe a lower PMTU (never below 68, RFC 791); ignore increases. */
  private lowerPathMtu(dst: Ipv4, mtu: number, uid: number): void {
    const node = this.node;
    const w = node.world;
    const route = this.route(dst);
    if (!route || mtu < 68) return;
    const old = this.pathMtu(dst, route);
    if (mtu >= old) return;
    this.pmtu.set(dst, { mtu, expires: w.now + PMTU_EXPIRE_NS });
    w.trace.emit(w.now, 'ip.pmtu.update', node.id, route.iface.id, uid, mtu, old, formatIpv4(dst));
  }

  /** `ip route get`-style cached PMTU entries. */
  pmtuEntries(): Array<{ dst: Ipv4; mtu: number; expires: number }> {
    return [...this.pmtu].map(([dst, e]) => ({ dst, ...e }));
  }
}
