/**
 * Source NAT / masquerade (RFC 3022 NAPT, with RFC 4787 endpoint-independent mapping and
 * RFC 5508 ICMP behaviour): packets leaving the outside interface from any other interface get
 * the public address and a public port (the inside port is kept when free, like Linux); replies
 * to the public address are mapped back. ICMP echo identifiers act as ports. ICMP errors that
 * quote a translated packet (e.g. traceroute's time exceeded) are translated inside-out too,
 * including the quoted header and its checksums, so the inside host recognises its probe.
 * Chaining two NATs (home router behind a 100.64.0.0/10 carrier-grade NAT) needs nothing special.
 *
 * Checksums are patched incrementally (RFC 1624), so they stay exact.
 */
import type { Ipv4 } from '../wire/addr.ts';
import { formatIpv4, readIpv4 } from '../wire/addr.ts';
import { IPPROTO, rewriteIpv4Address } from '../wire/ipv4.ts';
import { updateChecksum, internetChecksum } from '../wire/checksum.ts';
import type { Interface } from '../net/iface.ts';
import type { EventHandle } from '../sim/scheduler.ts';
import type { IpNode } from './host.ts';

export interface NatConfig {
  outside: Interface;
  publicAddr: Ipv4;
  /** Mapping idle timeouts (Linux conntrack: UDP 30 s, ICMP 30 s, TCP established 5 days). */
  udpTimeoutNs?: number;
  icmpTimeoutNs?: number;
  tcpTimeoutNs?: number;
}

interface Mapping {
  protocol: number;
  insideAddr: Ipv4;
  insidePort: number;
  publicPort: number;
  lastUsed: number;
  timer: EventHandle | null;
}

export class Nat {
  private readonly byInside = new Map<string, Mapping>();
  private readonly byPublic = new Map<string, Mapping>();

  constructor(
    private readonly node: IpNode,
    readonly config: NatConfig,
  ) {}

  get mappings(): readonly Mapping[] {
    return [...this.byInside.values()];
  }

  /** Postrouting SNAT for a forwarded packet (TTL already decremented). Returns the packet to send. */
  outbound(inIface: Interface, outIface: Interface, pkt: Uint8Array, parent: number): Uint8Array {
    if (outIface !== this.config.outside || inIface === this.config.outside) return pkt;
    const ihl = (pkt[0]! & 0x0f) * 4;
    const protocol = pkt[9]!;
    const src = readIpv4(pkt, 12);
    const l4 = pkt.subarray(ihl);
    const port = readPort(protocol, l4);
    if (port === undefined) return pkt;
    const m = this.mapFor(protocol, src, port);
    const out = pkt;
    rewriteL4(protocol, l4, 'src', src, this.config.publicAddr, port, m.publicPort);
    rewriteIpv4Address(out, 'src', this.config.publicAddr);
    this.touch(m);
    const w = this.node.world;
    w.trace.emit(w.now, 'nat.translate', this.node.id, outIface.id, parent, 0, protocol, describeMapping(m, this.config.publicAddr));
    return out;
  }

  /**
   * Prerouting DNAT for packets arriving on the outside interface to the public address.
   * Returns the translated packet, undefined when not ours to translate, or 'drop'.
   */
  inbound(inIface: Interface, pkt: Uint8Array, parent: number): Uint8Array | 'drop' | undefined {
    if (inIface !== this.config.outside || pkt.length < 20) return undefined;
    const dst = readIpv4(pkt, 16);
    if (dst !== this.config.publicAddr) return undefined;
    const w = this.node.world;
    const ihl = (pkt[0]! & 0x0f) * 4;
    const protocol = pkt[9]!;
    const out = pkt.slice();
    const l4 = out.subarray(ihl);
    if (protocol === IPPROTO.ICMP && l4.length >= 8 && (l4[0] === 3 || l4[0] === 11 || l4[0] === 12)) {
      return this.inboundIcmpError(out, ihl, parent);
    }
    const port = readPort(protocol, l4, true);
    if (port === undefined) return undefined;
    const m = this.byPublic.get(`${protocol}/${port}`);
    if (!m) {
      // No mapping: the packet is for the NAT box itself (it may answer, e.g. echo or port unreachable).
      return undefined;
    }
    rewriteL4(protocol, l4, 'dst', dst, m.insideAddr, port, m.insidePort);
    rewriteIpv4Address(out, 'dst', m.insideAddr);
    this.touch(m);
    w.trace.emit(w.now, 'nat.translate', this.node.id, inIface.id, parent, 1, protocol, describeMapping(m, this.config.publicAddr));
    return out;
  }

  /** RFC 5508 §4.2: translate an ICMP error's outer destination and its quoted packet. */
  private inboundIcmpError(out: Uint8Array, ihl: number, parent: number): Uint8Array | undefined {
    const icmp = out.subarray(ihl);
    const inner = icmp.subarray(8);
    if (inner.length < 28) return undefined;
    const innerIhl = (inner[0]! & 0x0f) * 4;
    const innerProto = inner[9]!;
    const innerSrc = readIpv4(inner, 12);
    if (innerSrc !== this.config.publicAddr || inner.length < innerIhl + 8) return undefined;
    const innerL4 = inner.subarray(innerIhl);
    const port = readPort(innerProto, innerL4);
    if (port === undefined) return undefined;
    const m = this.byPublic.get(`${innerProto}/${port}`);
    if (!m) return undefined;
    // Quoted packet: its source becomes the inside host again (checksums patched incrementally).
    rewriteL4(innerProto, innerL4, 'src', innerSrc, m.insideAddr, port, m.insidePort);
    rewriteIpv4Address(inner, 'src', m.insideAddr);
    // Outer header and ICMP checksum (which covers the quoted bytes) recomputed.
    rewriteIpv4Address(out, 'dst', m.insideAddr);
    icmp[2] = 0;
    icmp[3] = 0;
    const c = internetChecksum(icmp);
    icmp[2] = c >>> 8;
    icmp[3] = c & 0xff;
    const w = this.node.world;
    w.trace.emit(w.now, 'nat.translate', this.node.id, this.config.outside.id, parent, 1, IPPROTO.ICMP, `ICMP error for ${describeMapping(m, this.config.publicAddr)}`);
    return out;
  }

  private mapFor(protocol: number, insideAddr: Ipv4, insidePort: number): Mapping {
    const key = `${protocol}/${insideAddr}:${insidePort}`;
    const existing = this.byInside.get(key);
    if (existing) return existing;
    let publicPort = insidePort;
    if (this.byPublic.has(`${protocol}/${publicPort}`)) {
      const rng = this.node.world.rng.stream(`host:${this.node.name}:nat-port`);
      do publicPort = rng.int(1024, 65535);
      while (this.byPublic.has(`${protocol}/${publicPort}`));
    }
    const m: Mapping = { protocol, insideAddr, insidePort, publicPort, lastUsed: this.node.world.now, timer: null };
    this.byInside.set(key, m);
    this.byPublic.set(`${protocol}/${publicPort}`, m);
    const w = this.node.world;
    w.trace.emit(w.now, 'nat.map.add', this.node.id, this.config.outside.id, -1, protocol, publicPort, describeMapping(m, this.config.publicAddr));
    return m;
  }

  private timeout(protocol: number): number {
    if (protocol === IPPROTO.TCP) return this.config.tcpTimeoutNs ?? 432000e9;
    if (protocol === IPPROTO.ICMP) return this.config.icmpTimeoutNs ?? 30e9;
    return this.config.udpTimeoutNs ?? 30e9;
  }

  private touch(m: Mapping): void {
    const w = this.node.world;
    m.lastUsed = w.now;
    if (m.timer) return;
    const arm = (at: number): void => {
      m.timer = w.sched.at(at, (t) => {
        const due = m.lastUsed + this.timeout(m.protocol);
        if (due > t) return arm(due);
        this.byInside.delete(`${m.protocol}/${m.insideAddr}:${m.insidePort}`);
        this.byPublic.delete(`${m.protocol}/${m.publicPort}`);
        w.trace.emit(t, 'nat.map.expire', this.node.id, this.config.outside.id, -1, m.protocol, m.publicPort, describeMapping(m, this.config.publicAddr));
      });
    };
    arm(m.lastUsed + this.timeout(m.protocol));
  }
}

function describeMapping(m: Mapping, pub: Ipv4): string {
  const proto = m.protocol === IPPROTO.ICMP ? 'icmp' : m.protocol === IPPROTO.UDP ? 'udp' : m.protocol === IPPROTO.TCP ? 'tcp' : String(m.protocol);
  return `${proto} ${formatIpv4(m.insideAddr)}:${m.insidePort} ↔ ${formatIpv4(pub)}:${m.publicPort}`;
}

/**
 * The "port" a mapping keys on: UDP/TCP source (or destination, inbound) port; for ICMP echo
 * request/reply the identifier (RFC 5508 §3.1).
 */
function readPort(protocol: number, l4: Uint8Array, inbound = false): number | undefined {
  if ((protocol === IPPROTO.UDP || protocol === IPPROTO.TCP) && l4.length >= 4) {
    const o = inbound ? 2 : 0;
    return (l4[o]! << 8) | l4[o + 1]!;
  }
  if (protocol === IPPROTO.ICMP && l4.length >= 8 && (l4[0] === 8 || l4[0] === 0)) return (l4[4]! << 8) | l4[5]!;
  return undefined;
}

/** Rewrites the port/identifier and patches the L4 checksum for the address and port change. */
function rewriteL4(protocol: number, l4: Uint8Array, which: 'src' | 'dst', oldAddr: Ipv4, newAddr: Ipv4, oldPort: number, newPort: number): void {
  let csumOff: number;
  let portOff: number;
  let pseudo: boolean;
  if (protocol === IPPROTO.UDP) {
    csumOff = 6;
    portOff = which === 'src' ? 0 : 2;
    pseudo = true;
  } else if (protocol === IPPROTO.TCP) {
    csumOff = 16;
    portOff = which === 'src' ? 0 : 2;
    pseudo = true;
  } else {
    csumOff = 2;
    portOff = 4;
    pseudo = false;
  }
  if (l4.length < Math.max(csumOff, portOff) + 2) return;
  let c = (l4[csumOff]! << 8) | l4[csumOff + 1]!;
  // RFC 768: a zero UDP checksum means "none" and stays zero.
  const skip = protocol === IPPROTO.UDP && c === 0;
  if (!skip) {
    if (pseudo) {
      c = updateChecksum(c, oldAddr >>> 16, newAddr >>> 16);
      c = updateChecksum(c, oldAddr & 0xffff, newAddr & 0xffff);
    }
    c = updateChecksum(c, oldPort, newPort);
    if (protocol === IPPROTO.UDP && c === 0) c = 0xffff;
    l4[csumOff] = c >>> 8;
    l4[csumOff + 1] = c & 0xff;
  }
  l4[portOff] = newPort >>> 8;
  l4[portOff + 1] = newPort & 0xff;
}
