/**
 * Internet Protocol version 4 header, RFC 791 §3.1.
 *
 * Invariants:
 * - `parseIpv4` never throws. Errors, in the order checked: fewer than 20 bytes ('truncated'),
 *   version != 4 ('malformed'), IHL < 5 ('malformed'), header longer than the buffer
 *   ('truncated'), Total Length < header ('malformed'), Total Length > buffer ('truncated'),
 *   an option whose length byte is < 2 or overruns the header ('malformed', offset = the byte
 *   an ICMP Parameter Problem should point at, RFC 792).
 *   A bad header checksum is NOT an error: `checksumOk` is false and the caller decides.
 * - `payload` is exactly Total Length - header bytes; trailing bytes (Ethernet padding) are ignored.
 *   `payload` and `repr.options` are views into the parsed buffer (zero-copy), not copies.
 * - `emitIpv4` writes the header only (checksum filled) and cannot fail into a buffer with
 *   `ipv4HeaderLen(repr)` bytes free at `off`. Options are copied raw and zero-padded to a
 *   multiple of 4 (RFC 791 §3.1 "Padding"); a valid repr has at most 40 option bytes (IHL <= 15).
 *   The reserved flag bit is always emitted as 0.
 * - `decrementTtl` and `rewriteIpv4Address` update the checksum incrementally (RFC 1624 §3):
 *   a header whose checksum verified before still verifies after.
 * - `describeIpv4` never throws and does not descend into the payload.
 */
import type { FieldNode } from './field.ts';
import { field, hex, truncatedField } from './field.ts';
import type { ParseResult } from './result.ts';
import { fail, ok } from './result.ts';
import type { Ipv4 } from './addr.ts';
import { formatIpv4, readIpv4, writeIpv4 } from './addr.ts';
import { internetChecksum, sum16, updateChecksum, verifiesChecksum } from './checksum.ts';
import { describeIpv4Options, walkIpv4Options } from './ipv4-options.ts';
import { u16, put16 } from './bytes.ts';

export const IPPROTO = { ICMP: 1, TCP: 6, UDP: 17, ICMPV6: 58, IPV6_HOPOPTS: 0, IPV6_ROUTING: 43, IPV6_FRAGMENT: 44, IPV6_NONXT: 59, IPV6_DSTOPTS: 60, AH: 51, ESP: 50 } as const;

/** Byte offsets / ranges [start, end) of the fixed IPv4 header (RFC 791 §3.1). */
export const IPV4_FIELD = {
  VER_IHL: 0,
  DSCP_ECN: 1,
  LENGTH: [2, 4],
  IDENT: [4, 6],
  FLG_OFF: [6, 8],
  TTL: 8,
  PROTOCOL: 9,
  CHECKSUM: [10, 12],
  SRC: [12, 16],
  DST: [16, 20],
  OPTIONS: 20,
} as const;

export const IPV4_MIN_HEADER_LEN = 20;
/** The `options` of every parsed header without options (shared; never written to). */
const NO_OPTIONS = new Uint8Array(0);
export const IPV4_MAX_HEADER_LEN = 60;
const FLAG_RESERVED = 0x8000;
const FLAG_DF = 0x4000;
const FLAG_MF = 0x2000;
const OFFSET_MASK = 0x1fff;

export interface Ipv4Repr {
  src: Ipv4;
  dst: Ipv4;
  protocol: number;
  ttl: number;
  dscp: number;
  ecn: number;
  ident: number;
  dontFragment: boolean;
  moreFragments: boolean;
  fragmentOffset: number /* in BYTES, multiple of 8 */;
  options: Uint8Array /* raw option bytes, emitted zero-padded to a 4-byte multiple */;
  payloadLength: number;
}
export interface Ipv4Packet {
  repr: Ipv4Repr;
  headerLen: number;
  totalLength: number;
  checksum: number;
  checksumOk: boolean;
  payload: Uint8Array /* exactly totalLength - headerLen bytes (ignores Ethernet padding) */;
}


/**
 * Zero-copy view. `check` guarantees 20 bytes, IHL >= 5, the header and Total Length within
 * the buffer and Total Length >= header length; it does not check version or checksum.
 */
export class Ipv4View {
  private constructor(readonly buf: Uint8Array) {}

  static check(buf: Uint8Array): ParseResult<Ipv4View> {
    if (buf.length < IPV4_MIN_HEADER_LEN) return fail('truncated', `IPv4 header needs 20 bytes, got ${buf.length}`, buf.length);
    const hl = (buf[0]! & 0x0f) * 4;
    if (hl < IPV4_MIN_HEADER_LEN) return fail('malformed', `IHL ${hl / 4} is below the minimum of 5`, 0);
    if (buf.length < hl) return fail('truncated', `IPv4 header length ${hl} exceeds the ${buf.length} bytes available`, buf.length);
    const total = u16(buf, 2);
    if (total < hl) return fail('malformed', `Total Length ${total} is smaller than the header (${hl})`, 2);
    if (total > buf.length) return fail('truncated', `Total Length ${total} exceeds the ${buf.length} bytes available`, buf.length);
    return ok(new Ipv4View(buf));
  }

  static unchecked(buf: Uint8Array): Ipv4View {
    return new Ipv4View(buf);
  }

  get version(): number {
    return this.buf[0]! >>> 4;
  }
  set version(v: number) {
    this.buf[0] = ((v & 0xf) << 4) | (this.buf[0]! & 0x0f);
  }
  /** Header length in bytes (IHL * 4). */
  get headerLen(): number {
    return (this.buf[0]! & 0x0f) * 4;
  }
  set headerLen(bytes: number) {
    this.buf[0] = (this.buf[0]! & 0xf0) | ((bytes >>> 2) & 0x0f);
  }
  get dscp(): number {
    return this.buf[1]! >>> 2;
  }
  set dscp(v: number) {
    this.buf[1] = ((v & 0x3f) << 2) | (this.buf[1]! & 3);
  }
  get ecn(): number {
    return this.buf[1]! & 3;
  }
  set ecn(v: number) {
    this.buf[1] = (this.buf[1]! & 0xfc) | (v & 3);
  }
  get totalLength(): number {
    return u16(this.buf, 2);
  }
  set totalLength(v: number) {
    put16(this.buf, 2, v);
  }
  get ident(): number {
    return u16(this.buf, 4);
  }
  set ident(v: number) {
    put16(this.buf, 4, v);
  }
  private setFlag(mask: number, on: boolean): void {
    const w = u16(this.buf, 6);
    put16(this.buf, 6, on ? w | mask : w & ~mask);
  }
  get reservedFlag(): boolean {
    return (u16(this.buf, 6) & FLAG_RESERVED) !== 0;
  }
  set reservedFlag(on: boolean) {
    this.setFlag(FLAG_RESERVED, on);
  }
  get dontFragment(): boolean {
    return (u16(this.buf, 6) & FLAG_DF) !== 0;
  }
  set dontFragment(on: boolean) {
    this.setFlag(FLAG_DF, on);
  }
  get moreFragments(): boolean {
    return (u16(this.buf, 6) & FLAG_MF) !== 0;
  }
  set moreFragments(on: boolean) {
    this.setFlag(FLAG_MF, on);
  }
  /** Fragment offset in bytes (the field counts 8-byte units). */
  get fragmentOffset(): number {
    return (u16(this.buf, 6) & OFFSET_MASK) * 8;
  }
  set fragmentOffset(bytes: number) {
    put16(this.buf, 6, (u16(this.buf, 6) & ~OFFSET_MASK) | ((bytes >>> 3) & OFFSET_MASK));
  }
  get ttl(): number {
    return this.buf[8]!;
  }
  set ttl(v: number) {
    this.buf[8] = v;
  }
  get protocol(): number {
    return this.buf[9]!;
  }
  set protocol(v: number) {
    this.buf[9] = v;
  }
  get checksum(): number {
    return u16(this.buf, 10);
  }
  set checksum(v: number) {
    put16(this.buf, 10, v);
  }
  get src(): Ipv4 {
    return readIpv4(this.buf, 12);
  }
  set src(a: Ipv4) {
    writeIpv4(this.buf, 12, a);
  }
  get dst(): Ipv4 {
    return readIpv4(this.buf, 16);
  }
  set dst(a: Ipv4) {
    writeIpv4(this.buf, 16, a);
  }
  get options(): Uint8Array {
    return this.buf.subarray(IPV4_FIELD.OPTIONS, this.headerLen);
  }
  get payload(): Uint8Array {
    return this.buf.subarray(this.headerLen, this.totalLength);
  }
  /** RFC 791 §3.1: the checksum field is the 16-bit one's complement of the one's complement sum of the header. */
  computeChecksum(): number {
    const saved = this.checksum;
    this.checksum = 0;
    const c = internetChecksum(this.buf, 0, this.headerLen);
    this.checksum = saved;
    return c;
  }
  fillChecksum(): void {
    this.checksum = 0;
    this.checksum = internetChecksum(this.buf, 0, this.headerLen);
  }
  verifyChecksum(): boolean {
    return verifiesChecksum(sum16(this.buf, 0, this.headerLen));
  }
}

export function ipv4HeaderLen(repr: Ipv4Repr): number {
  return IPV4_MIN_HEADER_LEN + ((repr.options.length + 3) & ~3);
}

export function emitIpv4(repr: Ipv4Repr, buf: Uint8Array, off = 0): number {
  const hl = ipv4HeaderLen(repr);
  const v = Ipv4View.unchecked(buf.subarray(off, off + hl));
  buf[off] = 0x40 | (hl >>> 2);
  buf[off + 1] = ((repr.dscp & 0x3f) << 2) | (repr.ecn & 3);
  v.totalLength = hl + repr.payloadLength;
  v.ident = repr.ident;
  put16(v.buf, 6, (repr.dontFragment ? FLAG_DF : 0) | (repr.moreFragments ? FLAG_MF : 0) | ((repr.fragmentOffset >>> 3) & OFFSET_MASK));
  v.ttl = repr.ttl;
  v.protocol = repr.protocol;
  v.src = repr.src;
  v.dst = repr.dst;
  v.buf.set(repr.options, IPV4_FIELD.OPTIONS);
  v.buf.fill(0, IPV4_FIELD.OPTIONS + repr.options.length, hl);
  v.fillChecksum();
  return hl;
}

export function buildIpv4(repr: Omit<Ipv4Repr, 'payloadLength'>, payload: Uint8Array): Uint8Array {
  const full: Ipv4Repr = { ...repr, payloadLength: payload.length };
  const hl = ipv4HeaderLen(full);
  const out = new Uint8Array(hl + payload.length);
  emitIpv4(full, out, 0);
  out.set(payload, hl);
  return out;
}

export function parseIpv4(buf: Uint8Array): ParseResult<Ipv4Packet> {
  if (buf.length < IPV4_MIN_HEADER_LEN) return fail('truncated', `IPv4 header needs 20 bytes, got ${buf.length}`, buf.length);
  if (buf[0]! >>> 4 !== 4) return fail('malformed', `IP version ${buf[0]! >>> 4} is not 4`, 0);
  const hl = (buf[0]! & 0x0f) * 4;
  const total = u16(buf, 2);
  if (hl < IPV4_MIN_HEADER_LEN || buf.length < hl || total < hl || total > buf.length) {
    // Ipv4View.check reports which rule failed.
    const checked = Ipv4View.check(buf);
    if (!checked.ok) return checked;
  }
  // The fields are read directly (what Ipv4View's getters read), without a view object.
  const options = hl > IPV4_MIN_HEADER_LEN ? buf.subarray(IPV4_FIELD.OPTIONS, hl) : NO_OPTIONS;
  if (options.length > 0) {
    const walked = walkIpv4Options(options);
    if (!walked.ok) return fail('malformed', walked.error.message, IPV4_FIELD.OPTIONS + (walked.error.offset ?? 0));
  }
  const flags = u16(buf, 6);
  const repr: Ipv4Repr = {
    src: readIpv4(buf, 12),
    dst: readIpv4(buf, 16),
    protocol: buf[9]!,
    ttl: buf[8]!,
    dscp: buf[1]! >>> 2,
    ecn: buf[1]! & 3,
    ident: u16(buf, 4),
    dontFragment: (flags & FLAG_DF) !== 0,
    moreFragments: (flags & FLAG_MF) !== 0,
    fragmentOffset: (flags & OFFSET_MASK) * 8,
    options,
    payloadLength: total - hl,
  };
  return ok({ repr, headerLen: hl, totalLength: total, checksum: u16(buf, 10), checksumOk: verifiesChecksum(sum16(buf, 0, hl)), payload: buf.subarray(hl, total) });
}

/** RFC 791 §3.2 / RFC 1812 §5.3.1: TTL - 1 with an RFC 1624 §3 incremental checksum update. No-op at TTL 0. */
export function decrementTtl(packet: Uint8Array): void {
  const ttl = packet[8]!;
  if (ttl === 0) return;
  const proto = packet[9]!;
  const old = (ttl << 8) | proto;
  packet[8] = ttl - 1;
  put16(packet, 10, updateChecksum(u16(packet, 10), old, old - 0x100));
}

/** Rewrites src or dst in place, updating the header checksum incrementally (RFC 1624 §3). */
export function rewriteIpv4Address(packet: Uint8Array, which: 'src' | 'dst', addr: Ipv4): void {
  const at = which === 'src' ? 12 : 16;
  let c = u16(packet, 10);
  for (const w of [0, 2]) {
    const old = u16(packet, at + w);
    const neu = w === 0 ? addr >>> 16 : addr & 0xffff;
    c = updateChecksum(c, old, neu);
  }
  writeIpv4(packet, at, addr);
  put16(packet, 10, c);
}

const PROTO_NAMES: Record<number, string> = { 0: 'HOPOPT', 1: 'ICMP', 2: 'IGMP', 4: 'IPv4', 6: 'TCP', 17: 'UDP', 41: 'IPv6', 43: 'IPv6-Route', 44: 'IPv6-Frag', 47: 'GRE', 50: 'ESP', 51: 'AH', 58: 'ICMPv6', 59: 'IPv6-NoNxt', 60: 'IPv6-Opts', 89: 'OSPF', 132: 'SCTP' };

export function ipProtocolName(p: number): string {
  return PROTO_NAMES[p] ?? 'Unknown';
}

const DSCP_NAMES: Record<number, string> = { 0: 'CS0/Default', 8: 'CS1', 10: 'AF11', 16: 'CS2', 18: 'AF21', 24: 'CS3', 26: 'AF31', 32: 'CS4', 34: 'AF41', 40: 'CS5', 46: 'EF', 48: 'CS6', 56: 'CS7' };
const ECN_NAMES = ['Not-ECT', 'ECT(1)', 'ECT(0)', 'CE'];

const RFC = 'RFC 791 §3.1';

export function describeIpv4(buf: Uint8Array, base = 0): FieldNode {
  const n = buf.length;
  const children: FieldNode[] = [];
  const at = (key: string, name: string, start: number, end: number, value: () => string, meaning: string, extra: { bitMask?: number; rfc?: string; error?: string | undefined; children?: FieldNode[] } = {}): void => {
    const rfc = extra.rfc ?? RFC;
    if (n < end) {
      children.push(truncatedField(key, name, base + start, base + n, rfc));
      return;
    }
    children.push(field({ key, name, value: value(), start: base + start, end: base + end, rfc, meaning, ...(extra.bitMask !== undefined ? { bitMask: extra.bitMask } : {}), ...(extra.error ? { error: extra.error } : {}), ...(extra.children ? { children: extra.children } : {}) }));
  };
  const b0 = buf[0] ?? 0;
  const version = b0 >>> 4;
  const hl = (b0 & 0x0f) * 4;
  at('ipv4.version', 'Version', 0, 1, () => String(version), 'The IP version; always 4 for this header.', { bitMask: 0xf0, error: version !== 4 ? `version ${version} is not 4` : undefined });
  at('ipv4.ihl', 'Header Length', 0, 1, () => `${hl} bytes (${hl / 4})`, 'Internet Header Length in 32-bit words: 5 means 20 bytes, no options.', { bitMask: 0x0f, error: hl < 20 ? 'IHL below the minimum of 5' : undefined });
  at('ipv4.dscp', 'Differentiated Services Codepoint', 1, 2, () => `${DSCP_NAMES[buf[1]! >>> 2] ?? 'Unknown'} (${buf[1]! >>> 2})`, 'Selects the per-hop forwarding treatment (quality of service class).', { bitMask: 0xfc, rfc: 'RFC 2474 §3' });
  at('ipv4.ecn', 'Explicit Congestion Notification', 1, 2, () => `${ECN_NAMES[buf[1]! & 3]} (${buf[1]! & 3})`, 'Lets routers mark congestion instead of dropping packets; CE means congestion experienced.', { bitMask: 0x03, rfc: 'RFC 3168 §5' });
  const total = n >= 4 ? u16(buf, 2) : 0;
  const totalErr = total < hl ? 'smaller than the header' : total > n ? `only ${n} bytes present` : undefined;
  at('ipv4.len', 'Total Length', 2, 4, () => `${total}`, 'Length of the whole datagram, header plus data, in bytes.', { error: totalErr });
  at('ipv4.id', 'Identification', 4, 6, () => `${hex(u16(buf, 4), 4)} (${u16(buf, 4)})`, 'Chosen by the sender so the fragments of one datagram can be matched up.');
  const fw = n >= 8 ? u16(buf, 6) : n >= 7 ? buf[6]! << 8 : 0;
  const flagText = [fw & FLAG_RESERVED ? 'Reserved' : '', fw & FLAG_DF ? "Don't fragment" : '', fw & FLAG_MF ? 'More fragments' : ''].filter(Boolean).join(', ');
  at('ipv4.flags', 'Flags', 6, 7, () => `${hex(fw >>> 13, 2)}${flagText ? ` (${flagText})` : ''}`, 'Control bits for fragmentation.', {
    bitMask: 0xe0,
    children: n >= 7 ? [
      field({ key: 'ipv4.flags.rb', name: 'Reserved bit', value: fw & FLAG_RESERVED ? 'Set' : 'Not set', start: base + 6, end: base + 7, bitMask: 0x80, rfc: RFC, meaning: 'Must be zero.', ...(fw & FLAG_RESERVED ? { error: 'reserved bit must be zero' } : {}) }),
      field({ key: 'ipv4.flags.df', name: "Don't fragment", value: fw & FLAG_DF ? 'Set' : 'Not set', start: base + 6, end: base + 7, bitMask: 0x40, rfc: RFC, meaning: 'Forbids routers to fragment; an oversized packet is dropped with an ICMP error instead (used by Path MTU Discovery).' }),
      field({ key: 'ipv4.flags.mf', name: 'More fragments', value: fw & FLAG_MF ? 'Set' : 'Not set', start: base + 6, end: base + 7, bitMask: 0x20, rfc: RFC, meaning: 'Set on every fragment except the last one.' }),
    ] : [],
  });
  at('ipv4.frag_offset', 'Fragment Offset', 6, 8, () => `${(fw & OFFSET_MASK) * 8} bytes (${fw & OFFSET_MASK})`, 'Where this fragment\'s data belongs in the original datagram, in units of 8 bytes.', { bitMask: 0x1fff, rfc: 'RFC 791 §3.1, §3.2' });
  at('ipv4.ttl', 'Time to Live', 8, 9, () => String(buf[8]), 'Decremented by every router; the packet is discarded when it reaches zero, so loops cannot last forever.');
  at('ipv4.proto', 'Protocol', 9, 10, () => `${ipProtocolName(buf[9]!)} (${buf[9]})`, 'Which upper-layer protocol the data carries (IANA protocol numbers).');
  const ckOk = n >= hl && hl >= 20 && verifiesChecksum(sum16(buf, 0, hl));
  const expected = (): number => {
    const copy = buf.slice(0, hl);
    copy[10] = 0;
    copy[11] = 0;
    return internetChecksum(copy);
  };
  at('ipv4.checksum', 'Header Checksum', 10, 12, () => `${hex(u16(buf, 10), 4)} ${ckOk ? '[correct]' : n >= hl && hl >= 20 ? `[incorrect, should be ${hex(expected(), 4)}]` : '[unverified]'}`, 'One\'s complement sum over the header only (not the data); recomputed at every hop because the TTL changes.', { error: n >= hl && hl >= 20 && !ckOk ? 'bad header checksum' : undefined });
  at('ipv4.src', 'Source Address', 12, 16, () => formatIpv4(readIpv4(buf, 12)), 'The IPv4 address of the original sender.');
  at('ipv4.dst', 'Destination Address', 16, 20, () => formatIpv4(readIpv4(buf, 16)), 'The IPv4 address of the final recipient.');
  if (hl > 20) {
    if (n < hl) children.push(truncatedField('ipv4.options', 'Options', base + 20, base + n, RFC));
    else children.push(describeIpv4Options(buf, 20, hl, base));
  }
  const headerEnd = Math.min(n, Math.max(hl, 20));
  const value = n >= 20 ? `Src: ${formatIpv4(readIpv4(buf, 12))}, Dst: ${formatIpv4(readIpv4(buf, 16))}` : '[truncated]';
  const firstError = children.find((c) => c.error !== undefined)?.error;
  return field({
    key: 'ipv4',
    name: 'Internet Protocol Version 4',
    value,
    start: base,
    end: base + headerEnd,
    rfc: RFC,
    meaning: 'The network layer: carries a datagram from source to destination address across routers.',
    children,
    ...(firstError ? { error: firstError } : {}),
  });
}
