/**
 * Internet Protocol version 6 header and extension-header chain, RFC 8200 §3-§4.
 *
 * Invariants:
 * - `parseIpv6` never throws. Errors: fewer than 40 bytes or 40 + Payload Length > buffer
 *   ('truncated'); version != 6 ('malformed'); an extension header that overruns the payload,
 *   or a Hop-by-Hop header anywhere but first (RFC 8200 §4.3), is 'malformed' with `offset` at
 *   the byte an ICMPv6 Parameter Problem should point at (RFC 4443 §3.4).
 *   Jumbograms (RFC 2675, Payload Length 0 + Jumbo option) are not supported: Payload Length 0
 *   simply means no payload.
 * - The chain walk skips Hop-by-Hop (0), Routing (43), Fragment (44) and Destination Options
 *   (60) ((len + 1) * 8 bytes; the Fragment header is always 8) and AH (51) ((len + 2) * 4 bytes,
 *   RFC 4302 §2.2). It stops at ESP (50), No Next Header (59) or any other protocol, and after a
 *   Fragment header of a real fragment (offset != 0 or M = 1): what follows is fragment data.
 *   An atomic fragment (offset 0, M = 0, RFC 6946) does not stop the walk.
 * - `payload` is exactly Payload Length bytes; trailing bytes (Ethernet padding) are ignored.
 * - `emitIpv6` writes the 40-byte fixed header and cannot fail into a buffer with 40 bytes free.
 * - `describeIpv6` never throws and stops where the upper-layer header starts.
 */
import type { FieldNode } from './field.ts';
import { field, hex, truncatedField } from './field.ts';
import type { ParseResult, WireError } from './result.ts';
import { fail, ok } from './result.ts';
import type { Ipv6 } from './addr.ts';
import { formatIpv6, readIpv6, writeIpv6 } from './addr.ts';
import { ipProtocolName } from './ipv4.ts';
import { u16, u32, put16 } from './bytes.ts';

export const IPV6_HEADER_LEN = 40;

/** Byte offsets / ranges [start, end) of the fixed header (RFC 8200 §3). */
export const IPV6_FIELD = {
  VER_TC_FLOW: [0, 4],
  PAYLOAD_LEN: [4, 6],
  NEXT_HEADER: 6,
  HOP_LIMIT: 7,
  SRC: [8, 24],
  DST: [24, 40],
} as const;

/** Offsets inside an extension header, relative to its first byte (RFC 8200 §4.3-§4.6). */
export const IPV6_EXT_FIELD = { NEXT_HEADER: 0, HDR_EXT_LEN: 1, FRAG_OFFSET_M: [2, 4], FRAG_IDENT: [4, 8] } as const;

const EXT = { HOPOPTS: 0, ROUTING: 43, FRAGMENT: 44, ESP: 50, AH: 51, NONXT: 59, DSTOPTS: 60 } as const;

export interface Ipv6Repr {
  src: Ipv6;
  dst: Ipv6;
  nextHeader: number;
  hopLimit: number;
  trafficClass: number;
  flowLabel: number;
  payloadLength: number;
}
export interface Ipv6ExtHeader {
  type: number;
  offset: number /* from start of packet */;
  length: number;
}
export interface Ipv6Packet {
  repr: Ipv6Repr;
  payload: Uint8Array /* after fixed header, exactly payloadLength bytes */;
  extHeaders: Ipv6ExtHeader[];
  upperProtocol: number /* after skipping ext headers; 59 = none */;
  upperOffset: number /* from packet start */;
  upper: Uint8Array;
  fragment?: { offset: number; moreFragments: boolean; ident: number };
}


/** Zero-copy view; `check` guarantees 40 bytes and the whole payload are present. */
export class Ipv6View {
  private constructor(readonly buf: Uint8Array) {}

  static check(buf: Uint8Array): ParseResult<Ipv6View> {
    if (buf.length < IPV6_HEADER_LEN) return fail('truncated', `IPv6 header needs 40 bytes, got ${buf.length}`, buf.length);
    const total = IPV6_HEADER_LEN + u16(buf, 4);
    if (buf.length < total) return fail('truncated', `Payload Length says ${total} bytes in all, only ${buf.length} present`, buf.length);
    return ok(new Ipv6View(buf));
  }

  static unchecked(buf: Uint8Array): Ipv6View {
    return new Ipv6View(buf);
  }

  get version(): number {
    return this.buf[0]! >>> 4;
  }
  set version(v: number) {
    this.buf[0] = ((v & 0xf) << 4) | (this.buf[0]! & 0x0f);
  }
  get trafficClass(): number {
    return (u16(this.buf, 0) >>> 4) & 0xff;
  }
  set trafficClass(v: number) {
    put16(this.buf, 0, (u16(this.buf, 0) & 0xf00f) | ((v & 0xff) << 4));
  }
  get flowLabel(): number {
    return ((this.buf[1]! & 0x0f) << 16) | u16(this.buf, 2);
  }
  set flowLabel(v: number) {
    this.buf[1] = (this.buf[1]! & 0xf0) | ((v >>> 16) & 0x0f);
    put16(this.buf, 2, v & 0xffff);
  }
  get payloadLength(): number {
    return u16(this.buf, 4);
  }
  set payloadLength(v: number) {
    put16(this.buf, 4, v);
  }
  get nextHeader(): number {
    return this.buf[6]!;
  }
  set nextHeader(v: number) {
    this.buf[6] = v;
  }
  get hopLimit(): number {
    return this.buf[7]!;
  }
  set hopLimit(v: number) {
    this.buf[7] = v;
  }
  /** Copies of the addresses (see `srcBytes`/`dstBytes` for zero-copy access). */
  get src(): Ipv6 {
    return readIpv6(this.buf, 8);
  }
  set src(a: Ipv6) {
    writeIpv6(this.buf, 8, a);
  }
  get dst(): Ipv6 {
    return readIpv6(this.buf, 24);
  }
  set dst(a: Ipv6) {
    writeIpv6(this.buf, 24, a);
  }
  get srcBytes(): Uint8Array {
    return this.buf.subarray(8, 24);
  }
  get dstBytes(): Uint8Array {
    return this.buf.subarray(24, 40);
  }
  get payload(): Uint8Array {
    return this.buf.subarray(IPV6_HEADER_LEN, IPV6_HEADER_LEN + this.payloadLength);
  }
}

export function ipv6BufferLen(repr: Ipv6Repr): number {
  return IPV6_HEADER_LEN + repr.payloadLength;
}

export function emitIpv6(repr: Ipv6Repr, buf: Uint8Array, off = 0): number {
  const v = Ipv6View.unchecked(buf.subarray(off, off + IPV6_HEADER_LEN));
  buf[off] = 0x60;
  v.trafficClass = repr.trafficClass;
  v.flowLabel = repr.flowLabel;
  v.payloadLength = repr.payloadLength;
  v.nextHeader = repr.nextHeader;
  v.hopLimit = repr.hopLimit;
  v.src = repr.src;
  v.dst = repr.dst;
  return IPV6_HEADER_LEN;
}

export function buildIpv6(repr: Omit<Ipv6Repr, 'payloadLength'>, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(IPV6_HEADER_LEN + payload.length);
  emitIpv6({ ...repr, payloadLength: payload.length }, out, 0);
  out.set(payload, IPV6_HEADER_LEN);
  return out;
}

interface ChainWalk {
  ext: Ipv6ExtHeader[];
  upperProtocol: number;
  upperOffset: number;
  fragment?: { offset: number; moreFragments: boolean; ident: number };
  error?: WireError;
}

/** Walks the extension-header chain inside `buf[40, end)`; stops early with `error` when malformed. */
function walkChain(buf: Uint8Array, end: number): ChainWalk {
  const w: ChainWalk = { ext: [], upperProtocol: buf[6]!, upperOffset: IPV6_HEADER_LEN };
  let nhAt: number = IPV6_FIELD.NEXT_HEADER; // where the current "Next Header" value was read
  for (;;) {
    const type = w.upperProtocol;
    const off = w.upperOffset;
    let len: number;
    if (type === EXT.HOPOPTS || type === EXT.ROUTING || type === EXT.DSTOPTS || type === EXT.FRAGMENT || type === EXT.AH) {
      if (type === EXT.HOPOPTS && off !== IPV6_HEADER_LEN) {
        w.error = { kind: 'malformed', message: 'Hop-by-Hop Options header must follow the IPv6 header immediately (RFC 8200 §4.3)', offset: nhAt };
        return w;
      }
      if (off + 2 > end) {
        w.error = { kind: 'malformed', message: `${extName(type)} header overruns the payload`, offset: off };
        return w;
      }
      len = type === EXT.FRAGMENT ? 8 : type === EXT.AH ? (buf[off + 1]! + 2) * 4 : (buf[off + 1]! + 1) * 8;
      if (off + len > end) {
        w.error = { kind: 'malformed', message: `${extName(type)} header (${len} bytes) overruns the payload`, offset: off + 1 };
        return w;
      }
    } else {
      return w; // ESP, No Next Header or an upper-layer protocol
    }
    w.ext.push({ type, offset: off, length: len });
    nhAt = off;
    w.upperProtocol = buf[off]!;
    w.upperOffset = off + len;
    if (type === EXT.FRAGMENT) {
      const word = u16(buf, off + 2);
      w.fragment = { offset: word & 0xfff8, moreFragments: (word & 1) === 1, ident: u32(buf, off + 4) };
      if (w.fragment.offset !== 0 || w.fragment.moreFragments) return w;
    }
  }
}

export function parseIpv6(buf: Uint8Array): ParseResult<Ipv6Packet> {
  if (buf.length < IPV6_HEADER_LEN) return fail('truncated', `IPv6 header needs 40 bytes, got ${buf.length}`, buf.length);
  if (buf[0]! >>> 4 !== 6) return fail('malformed', `IP version ${buf[0]! >>> 4} is not 6`, 0);
  const checked = Ipv6View.check(buf);
  if (!checked.ok) return checked;
  const v = checked.value;
  const end = IPV6_HEADER_LEN + v.payloadLength;
  const w = walkChain(buf, end);
  if (w.error) return { ok: false, error: w.error };
  const repr: Ipv6Repr = { src: v.src, dst: v.dst, nextHeader: v.nextHeader, hopLimit: v.hopLimit, trafficClass: v.trafficClass, flowLabel: v.flowLabel, payloadLength: v.payloadLength };
  const packet: Ipv6Packet = { repr, payload: v.payload, extHeaders: w.ext, upperProtocol: w.upperProtocol, upperOffset: w.upperOffset, upper: buf.subarray(w.upperOffset, end) };
  if (w.fragment) packet.fragment = w.fragment;
  return ok(packet);
}

/** RFC 8200 §3: decremented by 1 by each forwarding node. No-op at 0 (the caller drops). */
export function decrementHopLimit(packet: Uint8Array): void {
  if (packet[7]! > 0) packet[7] = packet[7]! - 1;
}

// ---- Describe ----------------------------------------------------------------------------

function extName(type: number): string {
  switch (type) {
    case EXT.HOPOPTS:
      return 'Hop-by-Hop Options';
    case EXT.ROUTING:
      return 'Routing';
    case EXT.FRAGMENT:
      return 'Fragment';
    case EXT.DSTOPTS:
      return 'Destination Options';
    case EXT.AH:
      return 'Authentication';
    default:
      return ipProtocolName(type);
  }
}

const EXT_KEY: Record<number, string> = { 0: 'hbh', 43: 'routing', 44: 'fragment', 60: 'dstopts', 51: 'ah' };
const EXT_RFC: Record<number, string> = { 0: 'RFC 8200 §4.3', 43: 'RFC 8200 §4.4', 44: 'RFC 8200 §4.5', 60: 'RFC 8200 §4.6', 51: 'RFC 4302 §2' };
const EXT_MEANING: Record<number, string> = {
  0: 'Options every router on the path must examine.',
  43: 'Lists intermediate nodes the packet should visit on the way to its destination.',
  44: 'Marks a piece of a larger packet that the source split up; only sources fragment in IPv6.',
  60: 'Options only the destination examines.',
  51: 'IPsec Authentication Header: integrity protection for the packet.',
};

const rawHex = (b: Uint8Array): string => (b.length === 0 ? '(empty)' : Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(''));

function nextHeaderValue(t: number): string {
  return `${extName(t)} (${t})`;
}

/** TLV options of Hop-by-Hop / Destination Options (RFC 8200 §4.2). */
function describeOptions(buf: Uint8Array, from: number, to: number, base: number, key: string): FieldNode[] {
  const out: FieldNode[] = [];
  const rfc = 'RFC 8200 §4.2';
  let i = from;
  while (i < to) {
    const t = buf[i]!;
    if (t === 0) {
      out.push(field({ key: `${key}.pad1`, name: 'Pad1', value: '1 byte', start: base + i, end: base + i + 1, rfc, meaning: 'A single byte of padding.' }));
      i++;
      continue;
    }
    if (i + 2 > to || i + 2 + buf[i + 1]! > to) {
      out.push(field({ key: `${key}.malformed`, name: 'Malformed option', value: rawHex(buf.subarray(i, to)), start: base + i, end: base + to, rfc, error: 'option overruns its header' }));
      break;
    }
    const len = buf[i + 1]!;
    const data = buf.subarray(i + 2, i + 2 + len);
    const action = ['skip', 'discard', 'discard + ICMP', 'discard + ICMP unless multicast'][t >>> 6]!;
    const typeNode = field({
      key: `${key}.opt.type`,
      name: 'Option type',
      value: `${hex(t, 2)} (unrecognized: ${action}${t & 0x20 ? ', may change en route' : ''})`,
      start: base + i,
      end: base + i + 1,
      rfc,
      meaning: 'The top two bits say what a node that does not know the option must do; the third bit says whether it may change in flight.',
    });
    const [name, rfc2, value] =
      t === 1 ? ['PadN', rfc, `${len + 2} bytes`] : t === 5 && len === 2 ? ['Router Alert', 'RFC 2711 §2.1', `${(data[0]! << 8) | data[1]!}`] : t === 0xc2 && len === 4 ? ['Jumbo Payload', 'RFC 2675 §2', String(u32(data, 0))] : [`Option ${hex(t, 2)}`, rfc, rawHex(data)];
    out.push(
      field({
        key: `${key}.opt`,
        name,
        value,
        start: base + i,
        end: base + i + 2 + len,
        rfc: rfc2,
        meaning: t === 1 ? 'Padding that aligns the following option.' : 'One type-length-value option.',
        children: [typeNode, field({ key: `${key}.opt.len`, name: 'Length', value: len, start: base + i + 1, end: base + i + 2, rfc, meaning: 'Length of the option data in bytes.' })],
      }),
    );
    i += 2 + len;
  }
  return out;
}

function describeExt(buf: Uint8Array, h: Ipv6ExtHeader, base: number): FieldNode {
  const key = `ipv6.${EXT_KEY[h.type] ?? 'ext'}`;
  const rfc = EXT_RFC[h.type] ?? 'RFC 8200 §4';
  const o = h.offset;
  const s = base + o;
  const children: FieldNode[] = [
    field({ key: `${key}.nxt`, name: 'Next Header', value: nextHeaderValue(buf[o]!), start: s, end: s + 1, rfc, meaning: 'The type of the header that follows this one.' }),
  ];
  let value = `${h.length} bytes, next: ${extName(buf[o]!)}`;
  if (h.type === EXT.FRAGMENT) {
    const word = u16(buf, o + 2);
    const id = u32(buf, o + 4);
    value = `offset ${word & 0xfff8}, ${word & 1 ? 'more fragments' : 'last fragment'}, id ${hex(id, 8)}`;
    children.push(
      field({ key: `${key}.reserved`, name: 'Reserved', value: buf[o + 1]!, start: s + 1, end: s + 2, rfc, meaning: 'Zero when sent, ignored when received.' }),
      field({ key: `${key}.offset`, name: 'Fragment Offset', value: `${word & 0xfff8} bytes (${word >>> 3})`, start: s + 2, end: s + 4, bitMask: 0xfff8, rfc, meaning: 'Where this fragment\'s data belongs, in units of 8 bytes.' }),
      field({ key: `${key}.res`, name: 'Res', value: (word >>> 1) & 3, start: s + 2, end: s + 4, bitMask: 0x0006, rfc, meaning: 'Reserved bits.' }),
      field({ key: `${key}.m`, name: 'M flag', value: word & 1 ? 'More fragments' : 'Last fragment', start: s + 2, end: s + 4, bitMask: 0x0001, rfc, meaning: 'Set on every fragment except the last.' }),
      field({ key: `${key}.id`, name: 'Identification', value: `${hex(id, 8)} (${id})`, start: s + 4, end: s + 8, rfc, meaning: 'Chosen by the source so the fragments of one packet can be matched up.' }),
    );
  } else if (h.type === EXT.AH) {
    children.push(
      field({ key: `${key}.len`, name: 'Payload Len', value: `${buf[o + 1]!} (${h.length} bytes)`, start: s + 1, end: s + 2, rfc: 'RFC 4302 §2.2', meaning: 'AH length in 32-bit words, minus 2.' }),
      ...(h.length >= 12
        ? [
            field({ key: `${key}.reserved`, name: 'Reserved', value: hex(u16(buf, o + 2), 4), start: s + 2, end: s + 4, rfc: 'RFC 4302 §2.3', meaning: 'Zero.' }),
            field({ key: `${key}.spi`, name: 'Security Parameters Index', value: hex(u32(buf, o + 4), 8), start: s + 4, end: s + 8, rfc: 'RFC 4302 §2.4', meaning: 'Selects the security association used to check this packet.' }),
            field({ key: `${key}.seq`, name: 'Sequence Number', value: u32(buf, o + 8), start: s + 8, end: s + 12, rfc: 'RFC 4302 §2.5', meaning: 'A counter that lets the receiver reject replayed packets.' }),
            field({ key: `${key}.icv`, name: 'Integrity Check Value', value: rawHex(buf.subarray(o + 12, o + h.length)), start: s + 12, end: s + h.length, rfc: 'RFC 4302 §2.6', meaning: 'The keyed hash that proves the packet was not modified.' }),
          ]
        : []),
    );
  } else {
    children.push(field({ key: `${key}.len`, name: 'Hdr Ext Len', value: `${buf[o + 1]!} (${h.length} bytes)`, start: s + 1, end: s + 2, rfc, meaning: 'Header length in 8-byte units, not counting the first 8 bytes.' }));
    if (h.type === EXT.ROUTING) {
      const rt = buf[o + 2]!;
      const rtName = rt === 0 ? 'Type 0 (deprecated, RFC 5095)' : rt === 2 ? 'Type 2 (Mobile IPv6)' : rt === 3 ? 'RPL Source Route' : rt === 4 ? 'Segment Routing' : String(rt);
      value = `${rtName}, segments left ${buf[o + 3]!}`;
      children.push(
        field({ key: `${key}.type`, name: 'Routing Type', value: rtName, start: s + 2, end: s + 3, rfc, meaning: 'Which routing header variant this is.' }),
        field({ key: `${key}.segleft`, name: 'Segments Left', value: buf[o + 3]!, start: s + 3, end: s + 4, rfc, meaning: 'How many listed nodes are still to be visited.' }),
        field({ key: `${key}.data`, name: 'Type-specific data', value: rawHex(buf.subarray(o + 4, o + h.length)), start: s + 4, end: s + h.length, rfc, meaning: 'Contents depend on the routing type.' }),
      );
    } else {
      children.push(...describeOptions(buf, o + 2, o + h.length, base, key));
    }
  }
  return field({ key, name: `${extName(h.type)} Header`, value, start: s, end: s + h.length, rfc, meaning: EXT_MEANING[h.type] ?? 'An IPv6 extension header.', children });
}

const RFC = 'RFC 8200 §3';
const ECN_NAMES = ['Not-ECT', 'ECT(1)', 'ECT(0)', 'CE'];

export function describeIpv6(buf: Uint8Array, base = 0): FieldNode {
  const n = buf.length;
  const children: FieldNode[] = [];
  const at = (key: string, name: string, start: number, end: number, value: () => string, meaning: string, extra: { bitMask?: number; rfc?: string; error?: string | undefined; children?: FieldNode[] } = {}): void => {
    const rfc = extra.rfc ?? RFC;
    if (n < end) children.push(truncatedField(key, name, base + start, base + n, rfc));
    else children.push(field({ key, name, value: value(), start: base + start, end: base + end, rfc, meaning, ...(extra.bitMask !== undefined ? { bitMask: extra.bitMask } : {}), ...(extra.error ? { error: extra.error } : {}), ...(extra.children ? { children: extra.children } : {}) }));
  };
  const version = (buf[0] ?? 0) >>> 4;
  at('ipv6.version', 'Version', 0, 1, () => String(version), 'The IP version; always 6 for this header.', { bitMask: 0xf0, error: version !== 6 ? `version ${version} is not 6` : undefined });
  const tc = n >= 2 ? (u16(buf, 0) >>> 4) & 0xff : 0;
  at('ipv6.tclass', 'Traffic Class', 0, 2, () => hex(tc, 2), 'Per-packet class of service: DSCP and ECN, as in IPv4.', {
    bitMask: 0x0ff0,
    children: n >= 2 ? [
      field({ key: 'ipv6.tclass.dscp', name: 'Differentiated Services Codepoint', value: tc >>> 2, start: base, end: base + 2, bitMask: 0x0fc0, rfc: 'RFC 2474 §3', meaning: 'Selects the per-hop forwarding treatment.' }),
      field({ key: 'ipv6.tclass.ecn', name: 'Explicit Congestion Notification', value: `${ECN_NAMES[tc & 3]} (${tc & 3})`, start: base, end: base + 2, bitMask: 0x0030, rfc: 'RFC 3168 §5', meaning: 'Lets routers mark congestion instead of dropping.' }),
    ] : [],
  });
  at('ipv6.flow', 'Flow Label', 1, 4, () => hex(((buf[1]! & 0x0f) << 16) | u16(buf, 2), 5), 'Labels packets of one flow so routers can keep them on one path.', { bitMask: 0x0fffff, rfc: 'RFC 8200 §6, RFC 6437' });
  const plen = n >= 6 ? u16(buf, 4) : 0;
  at('ipv6.plen', 'Payload Length', 4, 6, () => String(plen), 'Bytes after this 40-byte header, extension headers included.', { error: n >= 40 && 40 + plen > n ? `only ${n - 40} payload bytes present` : undefined });
  at('ipv6.nxt', 'Next Header', 6, 7, () => nextHeaderValue(buf[6]!), 'The type of the header after this one: an extension header or the upper-layer protocol.');
  at('ipv6.hlim', 'Hop Limit', 7, 8, () => String(buf[7]), 'Decremented by each router; the packet is discarded at zero.');
  at('ipv6.src', 'Source Address', 8, 24, () => formatIpv6(readIpv6(buf, 8)), 'The IPv6 address of the sender.');
  at('ipv6.dst', 'Destination Address', 24, 40, () => formatIpv6(readIpv6(buf, 24)), 'The IPv6 address of the recipient (or the next listed hop with a Routing header).');
  let end = 40;
  if (n >= 40 && version === 6) {
    const w = walkChain(buf, Math.min(n, 40 + plen));
    for (const h of w.ext) children.push(describeExt(buf, h, base));
    end = w.upperOffset;
    if (w.error) {
      const at0 = w.upperOffset;
      const stop = Math.min(n, 40 + plen);
      children.push(field({ key: 'ipv6.ext.malformed', name: `${extName(w.upperProtocol)} Header`, value: rawHex(buf.subarray(at0, stop)), start: base + at0, end: base + Math.max(at0, stop), rfc: EXT_RFC[w.upperProtocol] ?? 'RFC 8200 §4', error: w.error.message }));
      end = Math.max(at0, stop);
    }
  }
  const value = n >= 40 ? `Src: ${formatIpv6(readIpv6(buf, 8))}, Dst: ${formatIpv6(readIpv6(buf, 24))}` : '[truncated]';
  const firstError = children.find((c) => c.error !== undefined)?.error;
  return field({
    key: 'ipv6',
    name: 'Internet Protocol Version 6',
    value,
    start: base,
    end: base + Math.min(n, end),
    rfc: RFC,
    meaning: 'The network layer of IPv6: 128-bit addresses, a fixed 40-byte header and optional extension headers.',
    children,
    ...(firstError ? { error: firstError } : {}),
  });
}
