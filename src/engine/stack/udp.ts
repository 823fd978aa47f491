/**
 * UDP (RFC 768) sockets. Datagrams to a port nobody listens on get ICMP port unreachable
 * (RFC 1122 §4.1.3.1; RFC 4443 §3.1 code 4), except when sent to broadcast/multicast.
 * Ephemeral ports come from the host's seeded stream in Linux's default range 32768–60999.
 */
import type { Ipv4, Ipv6 } from '../wire/addr.ts';
import { formatIpv4, formatIpv6, isIpv6Multicast } from '../wire/addr.ts';
import type { Ipv4Packet } from '../wire/ipv4.ts';
import { IPPROTO } from '../wire/ipv4.ts';
import type { Ipv6Packet } from '../wire/ipv6.ts';
import { buildUdp, parseUdp } from '../wire/udp.ts';
import type { PseudoHeader } from '../wire/checksum.ts';
import { ICMPV4_TYPE, ICMPV4_UNREACH } from '../wire/icmpv4.ts';
import { ICMPV6_TYPE } from '../wire/icmpv6.ts';
import type { Frame } from '../net/frame.ts';
import type { Interface } from '../net/iface.ts';
import type { IpNode } from './host.ts';
import type { PmtuDisc, SendResult } from './ipv4.ts';

export const EPHEMERAL_LOW = 32768;
export const EPHEMERAL_HIGH = 60999;

export interface UdpMessage {
  readonly data: Uint8Array;
  readonly from: string;
  readonly fromPort: number;
  readonly ttl: number;
  readonly now: number;
}

export interface UdpSendOptions {
  ttl?: number;
  pmtudisc?: PmtuDisc;
  iface?: Interface;
}

export class UdpSocket {
  onMessage: ((m: UdpMessage) => void) | null = null;
  private closed = false;

  constructor(
    private readonly layer: UdpLayer,
    readonly port: number,
  ) {}

  sendTo(dst: Ipv4 | Ipv6, port: number, data: Uint8Array, opts: UdpSendOptions = {}): SendResult {
    if (this.closed) return { ok: false, error: 'EPERM' };
    return this.layer.send(this.port, dst, port, data, opts);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.layer.release(this.port);
  }
}

export class UdpLayer {
  private readonly sockets = new Map<number, UdpSocket>();

  constructor(private readonly node: IpNode) {}

  /** Binds `port`, or an ephemeral port when omitted. Throws EADDRINUSE-style on conflict. */
  bind(port?: number): UdpSocket {
    let p = port;
    if (p === undefined) {
      const rng = this.node.world.rng.stream(`host:${this.node.name}:udp-ephemeral`);
      const span = EPHEMERAL_HIGH - EPHEMERAL_LOW + 1;
      const start = rng.int(EPHEMERAL_LOW, EPHEMERAL_HIGH);
      for (let i = 0; i < span; i++) {
        const cand = EPHEMERAL_LOW + ((start - EPHEMERAL_LOW + i) % span);
        if (!this.sockets.has(cand)) {
          p = cand;
          break;
        }
      }
      if (p === undefined) throw new Error('EADDRINUSE: no free ephemeral UDP port');
    } else if (this.sockets.has(p)) {
      throw new Error(`EADDRINUSE: UDP port ${p} is in use`);
    }
    const s = new UdpSocket(this, p);
    this.sockets.set(p, s);
    return s;
  }

  release(port: number): void {
    this.sockets.delete(port);
  }

  ports(): number[] {
    return [...this.sockets.keys()].sort((a, b) => a - b);
  }

  send(srcPort: number, dst: Ipv4 | Ipv6, dstPort: number, data: Uint8Array, opts: UdpSendOptions): SendResult {
    const node = this.node;
    const w = node.world;
    w.trace.emit(w.now, 'udp.tx', node.id, -1, -1, srcPort, dstPort);
    if (typeof dst === 'number') {
      const s: Parameters<typeof node.ipv4.send>[0] = {
        dst,
        protocol: IPPROTO.UDP,
        build: (src) => buildUdp({ srcPort, dstPort }, data, { v: 4, src, dst }),
      };
      if (opts.ttl !== undefined) s.ttl = opts.ttl;
      if (opts.pmtudisc) s.pmtudisc = opts.pmtudisc;
      if (opts.iface) s.iface = opts.iface;
      return node.ipv4.send(s);
    }
    const s: Parameters<typeof node.ipv6.send>[0] = {
      dst,
      protocol: IPPROTO.UDP,
      build: (src) => buildUdp({ srcPort, dstPort }, data, { v: 6, src, dst }),
    };
    if (opts.ttl !== undefined) s.hopLimit = opts.ttl;
    if (opts.iface) s.iface = opts.iface;
    // Linux UDP sockets default to IPV6_PMTUDISC_WANT: large datagrams leave as fragments.
    s.pmtudisc = opts.pmtudisc ?? 'want';
    const r = node.ipv6.send(s);
    return r.ok ? { ok: true, src: 0 } : r;
  }

  input4(p: Ipv4Packet, packet: Uint8Array, frame: Frame, iface: Interface | null): void {
    const bcast = p.repr.dst === 0xffffffff || p.repr.dst >>> 28 === 0xe;
    this.deliver(p.payload, { v: 4, src: p.repr.src, dst: p.repr.dst }, formatIpv4(p.repr.src), p.repr.ttl, frame, iface, () => {
      if (!bcast) this.node.ipv4.icmpError(packet, ICMPV4_TYPE.DEST_UNREACHABLE, ICMPV4_UNREACH.PORT, 0, frame.uid);
    });
  }

  input6(p: Ipv6Packet, packet: Uint8Array, frame: Frame, iface: Interface | null): void {
    // RFC 8200 §8.1: a zero UDP checksum over IPv6 is invalid (parseUdp reports it as bad).
    this.deliver(p.upper, { v: 6, src: p.repr.src, dst: p.repr.dst }, formatIpv6(p.repr.src), p.repr.hopLimit, frame, iface, () => {
      if (!isIpv6Multicast(p.repr.dst)) this.node.ipv6.icmpError(packet, ICMPV6_TYPE.DEST_UNREACHABLE, 4, 0, frame.uid);
    });
  }

  /** Checks the datagram, then hands it to the bound socket or reports the port unreachable. */
  private deliver(bytes: Uint8Array, pseudo: PseudoHeader, from: string, ttl: number, frame: Frame, iface: Interface | null, unreachable: () => void): void {
    const node = this.node;
    const w = node.world;
    const u = parseUdp(bytes, pseudo);
    if (!u.ok || !u.value.checksumOk) {
      w.trace.emit(w.now, 'udp.drop', node.id, iface?.id ?? -1, frame.uid, 0, 0, u.ok ? 'bad UDP checksum' : `malformed UDP: ${u.error.message}`);
      return;
    }
    const { repr, payload } = u.value;
    const sock = this.sockets.get(repr.dstPort);
    if (!sock) {
      w.trace.emit(w.now, 'udp.drop', node.id, iface?.id ?? -1, frame.uid, repr.srcPort, repr.dstPort, 'port unreachable (no socket)');
      unreachable();
      return;
    }
    w.trace.emit(w.now, 'udp.rx', node.id, iface?.id ?? -1, frame.uid, repr.srcPort, repr.dstPort);
    sock.onMessage?.({ data: payload, from, fromPort: repr.srcPort, ttl, now: w.now });
  }
}
