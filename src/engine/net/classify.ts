/**
 * Cheap, allocation-light classification of a raw Ethernet frame for scripted fault rules
 * and capture filters: which protocol, addresses and ports. Never throws; unknown → partial.
 */
import { readIpv4, formatIpv4, readIpv6, formatIpv6 } from '../wire/addr.ts';

export type FrameProtocol = 'arp' | 'ipv4' | 'ipv6' | 'icmp' | 'icmpv6' | 'udp' | 'tcp' | 'other';

export interface FrameClass {
  /** The innermost protocol recognised. */
  protocol: FrameProtocol;
  /** Every protocol seen, outermost first, e.g. ['ipv4', 'udp']. */
  stack: FrameProtocol[];
  src?: string;
  dst?: string;
  srcPort?: number;
  dstPort?: number;
  icmpType?: number;
  /** Offset of the IP header in the frame. */
  ipOffset?: number;
}

export function classifyFrame(f: Uint8Array): FrameClass {
  const out: FrameClass = { protocol: 'other', stack: [] };
  if (f.length < 14) return out;
  let off = 12;
  let type = (f[off]! << 8) | f[off + 1]!;
  if (type === 0x8100 && f.length >= 18) {
    off += 4;
    type = (f[off]! << 8) | f[off + 1]!;
  }
  off += 2;
  if (type === 0x0806) {
    out.protocol = 'arp';
    out.stack.push('arp');
    return out;
  }
  return classifyL3(f, off, type, out);
}

/** Classifies a bare IP packet (no Ethernet header). */
export function classifyIp(p: Uint8Array): FrameClass {
  const version = p.length > 0 ? p[0]! >> 4 : 0;
  return classifyL3(p, 0, version === 6 ? 0x86dd : 0x0800, { protocol: 'other', stack: [] });
}

function classifyL3(f: Uint8Array, off: number, type: number, out: FrameClass): FrameClass {
  let l4 = -1;
  let l4off = 0;
  if (type === 0x0800 && f.length >= off + 20) {
    out.stack.push('ipv4');
    out.protocol = 'ipv4';
    out.ipOffset = off;
    out.src = formatIpv4(readIpv4(f, off + 12));
    out.dst = formatIpv4(readIpv4(f, off + 16));
    const fragOff = ((f[off + 6]! & 0x1f) << 8) | f[off + 7]!;
    if (fragOff === 0) {
      l4 = f[off + 9]!;
      l4off = off + (f[off]! & 0x0f) * 4;
    }
  } else if (type === 0x86dd && f.length >= off + 40) {
    out.stack.push('ipv6');
    out.protocol = 'ipv6';
    out.ipOffset = off;
    out.src = formatIpv6(readIpv6(f, off + 8));
    out.dst = formatIpv6(readIpv6(f, off + 24));
    l4 = f[off + 6]!;
    l4off = off + 40;
  }
  if (l4 === 1 || l4 === 58) {
    const p = l4 === 1 ? 'icmp' : 'icmpv6';
    out.stack.push(p);
    out.protocol = p;
    if (f.length > l4off) out.icmpType = f[l4off]!;
  } else if ((l4 === 17 || l4 === 6) && f.length >= l4off + 4) {
    const p = l4 === 17 ? 'udp' : 'tcp';
    out.stack.push(p);
    out.protocol = p;
    out.srcPort = (f[l4off]! << 8) | f[l4off + 1]!;
    out.dstPort = (f[l4off + 2]! << 8) | f[l4off + 3]!;
  }
  return out;
}

/** A structured packet match used by fault rules and firewalls (all given fields must match). */
export interface PacketMatch {
  protocol?: FrameProtocol;
  src?: string;
  dst?: string;
  srcPort?: number;
  dstPort?: number;
  icmpType?: number;
  /** Frame length at least this many bytes. */
  minLength?: number;
}

export function matches(m: PacketMatch, c: FrameClass, length: number): boolean {
  if (m.protocol !== undefined && !c.stack.includes(m.protocol)) return false;
  if (m.src !== undefined && c.src !== m.src) return false;
  if (m.dst !== undefined && c.dst !== m.dst) return false;
  if (m.srcPort !== undefined && c.srcPort !== m.srcPort) return false;
  if (m.dstPort !== undefined && c.dstPort !== m.dstPort) return false;
  if (m.icmpType !== undefined && c.icmpType !== m.icmpType) return false;
  if (m.minLength !== undefined && length < m.minLength) return false;
  return true;
}
