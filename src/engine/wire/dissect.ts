/**
 * Whole-frame dissection for the packet inspector: chains the per-protocol describers
 * (Ethernet → ARP | IPv4 | IPv6 → ICMP | ICMPv6 | UDP | TCP), including the packet quoted
 * inside ICMP errors, the way Wireshark nests it. Never throws: bytes that do not parse are
 * described as far as they go, and the rest shows as undissected data.
 */
import type { FieldNode } from './field.ts';
import { field } from './field.ts';
import { ETHERTYPE, describeEthernet, parseEthernet } from './ethernet.ts';
import { describeArp } from './arp.ts';
import { IPPROTO, describeIpv4 } from './ipv4.ts';
import { describeIpv6, parseIpv6 } from './ipv6.ts';
import { describeIcmpv4 } from './icmpv4.ts';
import { describeIcmpv6 } from './icmpv6.ts';
import { describeUdp } from './udp.ts';
import { describeTcp } from './tcp.ts';
import type { PseudoHeader } from './checksum.ts';
import { readIpv4 } from './addr.ts';
import { describeDns, describeDnsTcp } from './dns/describe.ts';

/** Well-known DNS port (RFC 1035 §4.2). */
const DNS_PORT = 53;

/** One node per layer, outermost first. Byte ranges are absolute within `frame`. */
export function describeFrame(frame: Uint8Array): FieldNode[] {
  const layers: FieldNode[] = [describeEthernet(frame, 0)];
  const eth = parseEthernet(frame);
  if (!eth.ok) return layers;
  const off = eth.value.headerLen;
  const body = frame.subarray(off);
  switch (eth.value.repr.ethertype) {
    case ETHERTYPE.ARP:
      layers.push(describeArp(body, off));
      break;
    case ETHERTYPE.IPV4:
    case ETHERTYPE.IPV6:
      layers.push(...describeIp(body, off, true));
      break;
    default:
      if (body.length > 0) layers.push(data(body, off));
  }
  return layers;
}

/** Describes an IP packet and its upper layer; `complete` is false for quoted (truncated) packets. */
export function describeIp(pkt: Uint8Array, base: number, complete: boolean): FieldNode[] {
  if (pkt.length === 0) return [];
  const version = pkt[0]! >> 4;
  if (version === 4) {
    const out = [describeIpv4(pkt, base)];
    if (pkt.length < 20) return out;
    const ihl = (pkt[0]! & 0x0f) * 4;
    const total = (pkt[2]! << 8) | pkt[3]!;
    const fragOffset = ((pkt[6]! & 0x1f) << 8) | pkt[7]!;
    const mf = (pkt[6]! & 0x20) !== 0;
    if (ihl < 20 || pkt.length < ihl) return out;
    const end = complete ? Math.min(total, pkt.length) : pkt.length;
    const upper = pkt.subarray(ihl, Math.max(ihl, end));
    if (fragOffset > 0 || (mf && complete)) {
      if (upper.length) out.push(data(upper, base + ihl, 'Fragment data'));
      return out;
    }
    const pseudo: PseudoHeader | undefined = complete ? { v: 4, src: readIpv4(pkt, 12), dst: readIpv4(pkt, 16) } : undefined;
    out.push(...describeUpper(pkt[9]!, upper, base + ihl, pseudo, false));
    return out;
  }
  if (version === 6) {
    const out = [describeIpv6(pkt, base)];
    const p = parseIpv6(complete ? pkt : padPayloadLength(pkt));
    if (!p.ok) return out;
    if (p.value.fragment && (p.value.fragment.offset > 0 || p.value.fragment.moreFragments)) return out;
    const upper = complete ? p.value.upper : pkt.subarray(p.value.upperOffset);
    const pseudo: PseudoHeader | undefined = complete ? { v: 6, src: p.value.repr.src, dst: p.value.repr.dst } : undefined;
    out.push(...describeUpper(p.value.upperProtocol, upper, base + p.value.upperOffset, pseudo, true));
    return out;
  }
  return [data(pkt, base)];
}

/** A quoted IPv6 packet is cut short; parse it as if its payload length matched what is there. */
function padPayloadLength(pkt: Uint8Array): Uint8Array {
  if (pkt.length < 40) return pkt;
  const copy = pkt.slice();
  const len = Math.min(pkt.length - 40, 0xffff);
  copy[4] = len >>> 8;
  copy[5] = len & 0xff;
  return copy;
}

function describeUpper(protocol: number, upper: Uint8Array, base: number, pseudo: PseudoHeader | undefined, v6: boolean): FieldNode[] {
  switch (protocol) {
    case IPPROTO.ICMP:
      return [withQuoted(describeIcmpv4(upper, base), upper, base, false)];
    case IPPROTO.ICMPV6: {
      const node = pseudo && pseudo.v === 6 ? describeIcmpv6(upper, base, pseudo.src, pseudo.dst) : describeIcmpv6(upper, base);
      return [withQuoted(node, upper, base, true)];
    }
    case IPPROTO.UDP:
      return udpOrTcp(describeUdp(upper, base, pseudo), upper, base, 8, 'udp');
    case IPPROTO.TCP:
      return udpOrTcp(describeTcp(upper, base, pseudo), upper, base, upper.length >= 13 ? (upper[12]! >> 4) * 4 : upper.length, 'tcp');
    default:
      void v6;
      return upper.length ? [data(upper, base)] : [];
  }
}

function udpOrTcp(node: FieldNode, upper: Uint8Array, base: number, headerLen: number, proto: 'udp' | 'tcp'): FieldNode[] {
  const payload = upper.subarray(Math.min(headerLen, upper.length));
  if (!payload.length) return [node];
  const isDns = upper.length >= 4 && (((upper[0]! << 8) | upper[1]!) === DNS_PORT || ((upper[2]! << 8) | upper[3]!) === DNS_PORT);
  if (!isDns) return [node, data(payload, base + headerLen)];
  if (proto === 'tcp') return [node, describeDnsTcp(payload, base + headerLen)];
  const udpLen = (upper[4]! << 8) | upper[5]!; // bytes past the UDP Length are not the message
  const msg = udpLen >= 8 && udpLen <= upper.length ? upper.subarray(8, udpLen) : payload;
  return [node, describeDns(msg, base + headerLen)];
}

/** ICMP errors (v4 types 3, 4, 5, 11, 12; v6 types 1–4) quote the offending packet from byte 8. */
function withQuoted(node: FieldNode, icmp: Uint8Array, base: number, v6: boolean): FieldNode {
  const type = icmp[0];
  const isError = type !== undefined && (v6 ? type < 128 : [3, 4, 5, 11, 12].includes(type));
  if (!isError || icmp.length <= 8) return node;
  const quoted = describeIp(icmp.subarray(8), base + 8, false);
  const children = (node.children ?? []).filter((c) => c.key !== 'original');
  return { ...node, children: [...children, field({ key: 'quoted', name: v6 ? 'Invoking packet' : 'Original datagram', value: `${icmp.length - 8} bytes`, start: base + 8, end: base + icmp.length, rfc: v6 ? 'RFC 4443 §3' : 'RFC 792', meaning: 'The start of the packet that caused this error, so the sender can tell which of its packets it was.', children: quoted })] };
}

function data(bytes: Uint8Array, base: number, name = 'Data'): FieldNode {
  return field({ key: 'data', name, value: `${bytes.length} byte${bytes.length === 1 ? '' : 's'}`, start: base, end: base + bytes.length, meaning: 'Bytes this inspector does not dissect further.' });
}
