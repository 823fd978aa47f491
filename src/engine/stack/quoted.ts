/**
 * Reading the packet quoted inside an ICMP error (RFC 792: IP header + at least 8 bytes;
 * RFC 1812 §4.3.2.3 and RFC 4443 §2.4: as much as fits). The quote is usually truncated, so
 * this reads fields directly instead of validating total lengths. Never throws.
 */
import type { Ipv4, Ipv6 } from '../wire/addr.ts';
import { formatIpv4, formatIpv6, readIpv4, readIpv6 } from '../wire/addr.ts';

export interface QuotedPacket {
  readonly v6: boolean;
  readonly protocol: number;
  readonly src: string;
  readonly dst: string;
  readonly srcAddr: Ipv4 | Ipv6;
  readonly dstAddr: Ipv4 | Ipv6;
  readonly ident?: number;
  readonly ttl: number;
  /** Offset of the quoted upper-layer header. */
  readonly l4Offset: number;
  readonly srcPort?: number;
  readonly dstPort?: number;
  /** For quoted ICMP echo: identifier and sequence. */
  readonly echoIdent?: number;
  readonly echoSeq?: number;
}

function l4Fields(q: Uint8Array, off: number, protocol: number, v6: boolean): Partial<QuotedPacket> {
  if (q.length < off + 8) return {};
  const w0 = (q[off]! << 8) | q[off + 1]!;
  const w1 = (q[off + 2]! << 8) | q[off + 3]!;
  if (protocol === 17 || protocol === 6) return { srcPort: w0, dstPort: w1 };
  const echoReq = v6 ? 128 : 8;
  if ((protocol === 1 || protocol === 58) && q[off] === echoReq) {
    return { echoIdent: (q[off + 4]! << 8) | q[off + 5]!, echoSeq: (q[off + 6]! << 8) | q[off + 7]! };
  }
  return {};
}

export function readQuoted(q: Uint8Array): QuotedPacket | undefined {
  if (q.length < 1) return undefined;
  const version = q[0]! >> 4;
  if (version === 4 && q.length >= 20) {
    const ihl = (q[0]! & 0x0f) * 4;
    const protocol = q[9]!;
    const srcAddr = readIpv4(q, 12);
    const dstAddr = readIpv4(q, 16);
    return {
      v6: false,
      protocol,
      src: formatIpv4(srcAddr),
      dst: formatIpv4(dstAddr),
      srcAddr,
      dstAddr,
      ident: (q[4]! << 8) | q[5]!,
      ttl: q[8]!,
      l4Offset: ihl,
      ...l4Fields(q, ihl, protocol, false),
    };
  }
  if (version === 6 && q.length >= 40) {
    const srcAddr = readIpv6(q, 8);
    const dstAddr = readIpv6(q, 24);
    const { protocol, offset, fragment } = skipExtensionHeaders(q);
    return {
      v6: true,
      protocol,
      src: formatIpv6(srcAddr),
      dst: formatIpv6(dstAddr),
      srcAddr,
      dstAddr,
      ttl: q[7]!,
      l4Offset: offset,
      // A later fragment quotes no upper-layer header (only the first fragment carries it).
      ...(fragment ? {} : l4Fields(q, offset, protocol, true)),
    };
  }
  return undefined;
}

/**
 * Skips the quoted packet's extension headers, as Linux's ipv6_skip_exthdr does for errors:
 * Hop-by-Hop, Routing, Destination Options, AH, and a Fragment header with offset 0 (the
 * upper-layer header follows it); a fragment with a non-zero offset ends the walk.
 */
function skipExtensionHeaders(q: Uint8Array): { protocol: number; offset: number; fragment: boolean } {
  let protocol = q[6]!;
  let offset = 40;
  for (;;) {
    if (protocol !== 0 && protocol !== 43 && protocol !== 60 && protocol !== 44 && protocol !== 51) return { protocol, offset, fragment: false };
    if (q.length < offset + 8) return { protocol, offset, fragment: false };
    const next = q[offset]!;
    if (protocol === 44) {
      const fragOffset = ((q[offset + 2]! << 8) | q[offset + 3]!) & 0xfff8;
      if (fragOffset !== 0) return { protocol: next, offset: offset + 8, fragment: true };
      offset += 8;
    } else {
      offset += protocol === 51 ? (q[offset + 1]! + 2) * 4 : (q[offset + 1]! + 1) * 8;
    }
    protocol = next;
  }
}
