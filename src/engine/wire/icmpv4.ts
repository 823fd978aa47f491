/**
 * ICMP for IPv4, RFC 792; the Next-Hop MTU of "fragmentation needed" per RFC 1191 §4.
 *
 * Invariants:
 * - `parseIcmpv4` never throws. Fewer than 8 bytes is 'truncated'. A bad checksum is not an
 *   error: it is reported as `checksumOk: false`.
 * - Lossless: anything the typed kinds cannot reproduce byte for byte parses as `other` (every
 *   unknown type, and echo with a non-zero code). For `destUnreachable` the unused bytes 4..5 (and
 *   6..7 unless code 4) read as zero, and for `timeExceeded` bytes 4..7 do, as RFC 792 requires.
 * - `emitIcmpv4` cannot fail into a buffer with `icmpv4Length(msg)` bytes free at `off`, and always
 *   fills the checksum (over the whole message, no pseudo-header).
 * - `describeIcmpv4` never throws and does not look inside a quoted datagram (key 'original').
 */
import { finishChecksum, sum16, verifiesChecksum } from './checksum.ts';
import type { FieldNode } from './field.ts';
import { field, hex, truncatedField } from './field.ts';
import type { ParseResult } from './result.ts';
import { fail, ok } from './result.ts';
import { u16, u32, put16 } from './bytes.ts';

export const ICMPV4_TYPE = { ECHO_REPLY: 0, DEST_UNREACHABLE: 3, ECHO_REQUEST: 8, TIME_EXCEEDED: 11 } as const;
export const ICMPV4_UNREACH = { NET: 0, HOST: 1, PROTOCOL: 2, PORT: 3, FRAG_NEEDED: 4, ADMIN_PROHIBITED: 13 } as const;

export const ICMPV4_HEADER_LEN = 8;
const RFC = 'RFC 792';

/** Byte ranges [start, end) of the ICMP header (RFC 792). Bytes 4..7 depend on the type. */
export const ICMPV4_FIELD = {
  TYPE: [0, 1],
  CODE: [1, 2],
  CHECKSUM: [2, 4],
  /** "Rest of header": identifier + sequence (echo), unused + Next-Hop MTU (unreachable). */
  REST: [4, 8],
  IDENT: [4, 6],
  SEQ: [6, 8],
  NEXT_HOP_MTU: [6, 8],
  DATA: 8,
} as const;

export type Icmpv4Message =
  | { kind: 'echoRequest' | 'echoReply'; ident: number; seq: number; data: Uint8Array }
  | { kind: 'destUnreachable'; code: number; nextHopMtu: number /* 0 unless code 4 */; original: Uint8Array }
  | { kind: 'timeExceeded'; code: number; original: Uint8Array }
  | { kind: 'other'; type: number; code: number; rest: number /* bytes 4..7 as uint32 */; data: Uint8Array };

export interface Icmpv4Packet {
  msg: Icmpv4Message;
  checksum: number;
  checksumOk: boolean;
}


/** Zero-copy view of an ICMPv4 message. `check` validates the 8-byte header once. */
export class Icmpv4View {
  private constructor(readonly buf: Uint8Array) {}

  static check(buf: Uint8Array): ParseResult<Icmpv4View> {
    if (buf.length < ICMPV4_HEADER_LEN) return fail('truncated', `ICMP header needs 8 bytes, got ${buf.length}`, buf.length);
    return ok(new Icmpv4View(buf));
  }

  /** Wraps a buffer already known to hold 8 bytes (e.g. one we are about to emit into). */
  static unchecked(buf: Uint8Array): Icmpv4View {
    return new Icmpv4View(buf);
  }

  get type(): number {
    return this.buf[ICMPV4_FIELD.TYPE[0]]!;
  }
  set type(v: number) {
    this.buf[ICMPV4_FIELD.TYPE[0]] = v;
  }
  get code(): number {
    return this.buf[ICMPV4_FIELD.CODE[0]]!;
  }
  set code(v: number) {
    this.buf[ICMPV4_FIELD.CODE[0]] = v;
  }
  get checksum(): number {
    return u16(this.buf, ICMPV4_FIELD.CHECKSUM[0]);
  }
  set checksum(v: number) {
    put16(this.buf, ICMPV4_FIELD.CHECKSUM[0], v);
  }
  get rest(): number {
    return u32(this.buf, ICMPV4_FIELD.REST[0]);
  }
  set rest(v: number) {
    put16(this.buf, ICMPV4_FIELD.REST[0], v >>> 16);
    put16(this.buf, ICMPV4_FIELD.REST[0] + 2, v & 0xffff);
  }
  get ident(): number {
    return u16(this.buf, ICMPV4_FIELD.IDENT[0]);
  }
  set ident(v: number) {
    put16(this.buf, ICMPV4_FIELD.IDENT[0], v);
  }
  get seq(): number {
    return u16(this.buf, ICMPV4_FIELD.SEQ[0]);
  }
  set seq(v: number) {
    put16(this.buf, ICMPV4_FIELD.SEQ[0], v);
  }
  get nextHopMtu(): number {
    return u16(this.buf, ICMPV4_FIELD.NEXT_HOP_MTU[0]);
  }
  set nextHopMtu(v: number) {
    put16(this.buf, ICMPV4_FIELD.NEXT_HOP_MTU[0], v);
  }
  /** Bytes after the 8-byte header (echo data, or the quoted original datagram). */
  get data(): Uint8Array {
    return this.buf.subarray(ICMPV4_FIELD.DATA);
  }
  /** True when the message (checksum included) sums to 0xffff. */
  verifyChecksum(): boolean {
    return verifiesChecksum(sum16(this.buf));
  }
  fillChecksum(): void {
    this.checksum = 0;
    this.checksum = finishChecksum(sum16(this.buf));
  }
}

function body(msg: Icmpv4Message): Uint8Array {
  switch (msg.kind) {
    case 'echoRequest':
    case 'echoReply':
    case 'other':
      return msg.data;
    case 'destUnreachable':
    case 'timeExceeded':
      return msg.original;
  }
}

export function icmpv4Length(msg: Icmpv4Message): number {
  return ICMPV4_HEADER_LEN + body(msg).length;
}

/** Writes the message at `off` with the checksum filled; returns `icmpv4Length(msg)`. */
export function emitIcmpv4(msg: Icmpv4Message, buf: Uint8Array, off = 0): number {
  const len = icmpv4Length(msg);
  const v = Icmpv4View.unchecked(buf.subarray(off, off + len));
  v.rest = 0;
  switch (msg.kind) {
    case 'echoRequest':
    case 'echoReply':
      v.type = msg.kind === 'echoRequest' ? ICMPV4_TYPE.ECHO_REQUEST : ICMPV4_TYPE.ECHO_REPLY;
      v.code = 0;
      v.ident = msg.ident;
      v.seq = msg.seq;
      break;
    case 'destUnreachable':
      v.type = ICMPV4_TYPE.DEST_UNREACHABLE;
      v.code = msg.code;
      if (msg.code === ICMPV4_UNREACH.FRAG_NEEDED) v.nextHopMtu = msg.nextHopMtu;
      break;
    case 'timeExceeded':
      v.type = ICMPV4_TYPE.TIME_EXCEEDED;
      v.code = msg.code;
      break;
    case 'other':
      v.type = msg.type;
      v.code = msg.code;
      v.rest = msg.rest;
      break;
  }
  buf.set(body(msg), off + ICMPV4_HEADER_LEN);
  v.fillChecksum();
  return len;
}

export function buildIcmpv4(msg: Icmpv4Message): Uint8Array {
  const buf = new Uint8Array(icmpv4Length(msg));
  emitIcmpv4(msg, buf);
  return buf;
}

/** Parses the IP payload `buf` as one ICMP message. Never throws; data fields are subarrays. */
export function parseIcmpv4(buf: Uint8Array): ParseResult<Icmpv4Packet> {
  const checked = Icmpv4View.check(buf);
  if (!checked.ok) return checked;
  const v = checked.value;
  const msg = toMessage(v);
  return ok({ msg, checksum: v.checksum, checksumOk: v.verifyChecksum() });
}

function toMessage(v: Icmpv4View): Icmpv4Message {
  const { type, code } = v;
  if ((type === ICMPV4_TYPE.ECHO_REQUEST || type === ICMPV4_TYPE.ECHO_REPLY) && code === 0) {
    return { kind: type === ICMPV4_TYPE.ECHO_REQUEST ? 'echoRequest' : 'echoReply', ident: v.ident, seq: v.seq, data: v.data };
  }
  if (type === ICMPV4_TYPE.DEST_UNREACHABLE) {
    return { kind: 'destUnreachable', code, nextHopMtu: code === ICMPV4_UNREACH.FRAG_NEEDED ? v.nextHopMtu : 0, original: v.data };
  }
  if (type === ICMPV4_TYPE.TIME_EXCEEDED) return { kind: 'timeExceeded', code, original: v.data };
  return { kind: 'other', type, code, rest: v.rest, data: v.data };
}

/** Type names as Wireshark shows them. */
const TYPE_NAMES: Record<number, string> = {
  0: 'Echo (ping) reply',
  3: 'Destination unreachable',
  4: 'Source quench (flow control)',
  5: 'Redirect',
  8: 'Echo (ping) request',
  9: 'Router advertisement',
  10: 'Router solicitation',
  11: 'Time-to-live exceeded',
  12: 'Parameter problem',
  13: 'Timestamp request',
  14: 'Timestamp reply',
};

const UNREACH_CODES = [
  'Network unreachable',
  'Host unreachable',
  'Protocol unreachable',
  'Port unreachable',
  'Fragmentation needed',
  'Source route failed',
  'Destination network unknown',
  'Destination host unknown',
  'Source host isolated',
  'Network administratively prohibited',
  'Host administratively prohibited',
  'Network unreachable for TOS',
  'Host unreachable for TOS',
  'Communication administratively filtered',
  'Host precedence violation',
  'Precedence cutoff in effect',
];
const TIMEX_CODES = ['Time to live exceeded in transit', 'Fragment reassembly time exceeded'];

export function icmpv4TypeName(type: number): string {
  return TYPE_NAMES[type] ?? `Unknown type ${type}`;
}

export function icmpv4CodeName(type: number, code: number): string | undefined {
  if (type === ICMPV4_TYPE.DEST_UNREACHABLE) return UNREACH_CODES[code];
  if (type === ICMPV4_TYPE.TIME_EXCEEDED) return TIMEX_CODES[code];
  return undefined;
}

/** Inspector tree for an ICMPv4 message at absolute offset `base`. Never throws. */
export function describeIcmpv4(buf: Uint8Array, base = 0): FieldNode {
  const kids: FieldNode[] = [];
  const done = (value: string): FieldNode =>
    field({ key: 'icmp', name: 'Internet Control Message Protocol', value, start: base, end: base + buf.length, rfc: RFC, children: kids });
  const node = (key: string, name: string, at: readonly [number, number], value: string | number, meaning: string, rfc = RFC): boolean => {
    if (buf.length < at[1]) {
      kids.push(truncatedField(key, name, base + at[0], base + buf.length, rfc));
      return false;
    }
    kids.push(field({ key, name, value, start: base + at[0], end: base + at[1], rfc, meaning }));
    return true;
  };
  if (buf.length < 1) {
    kids.push(truncatedField('type', 'Type', base, base, RFC));
    return done('[truncated]');
  }
  const type = buf[0]!;
  const typeName = icmpv4TypeName(type);
  node('type', 'Type', ICMPV4_FIELD.TYPE, `${type} (${typeName})`, 'What kind of message this is: an error report or a query such as echo.');
  if (buf.length < 2) {
    kids.push(truncatedField('code', 'Code', base + 1, base + buf.length, RFC));
    return done(typeName);
  }
  const code = buf[1]!;
  const codeName = icmpv4CodeName(type, code);
  node('code', 'Code', ICMPV4_FIELD.CODE, codeName ? `${code} (${codeName})` : code, 'Refines the type, e.g. which destination was unreachable and why.');
  const summary = codeName ? `${typeName} (${codeName})` : typeName;
  if (buf.length < ICMPV4_FIELD.CHECKSUM[1]) {
    kids.push(truncatedField('checksum', 'Checksum', base + 2, base + buf.length, RFC));
    return done(summary);
  }
  const checksum = u16(buf, 2);
  const good = verifiesChecksum(sum16(buf));
  const expected = finishChecksum(sum16(buf, 0, 2) + sum16(buf, 4));
  kids.push(
    field({
      key: 'checksum',
      name: 'Checksum',
      value: `${hex(checksum, 4)} [${good ? 'correct' : `incorrect, should be ${hex(expected, 4)}`}]`,
      start: base + 2,
      end: base + 4,
      rfc: RFC,
      meaning: 'One\'s-complement sum over the whole ICMP message, so corruption is detected.',
      ...(good ? {} : { error: `Bad checksum: expected ${hex(expected, 4)}` }),
    }),
  );
  const isEcho = (type === ICMPV4_TYPE.ECHO_REQUEST || type === ICMPV4_TYPE.ECHO_REPLY) && code === 0;
  let value = summary;
  if (isEcho) {
    if (!node('ident', 'Identifier', ICMPV4_FIELD.IDENT, buf.length >= 6 ? hex(u16(buf, 4), 4) : '', 'Chosen by the sender (often per ping process) to match replies to requests.')) return done(summary);
    if (!node('seq', 'Sequence Number', ICMPV4_FIELD.SEQ, buf.length >= 8 ? u16(buf, 6) : '', 'Counts requests, so each reply can be matched and losses seen.')) return done(summary);
    value = `${summary} id=${hex(u16(buf, 4), 4)}, seq=${u16(buf, 6)}`;
  } else if (type === ICMPV4_TYPE.DEST_UNREACHABLE && code === ICMPV4_UNREACH.FRAG_NEEDED) {
    if (!node('unused', 'Unused', [4, 6], buf.length >= 6 ? hex(u16(buf, 4), 4) : '', 'Not used; sent as zero.')) return done(summary);
    if (!node('mtu', 'MTU of next hop', ICMPV4_FIELD.NEXT_HOP_MTU, buf.length >= 8 ? u16(buf, 6) : '', 'Largest packet the next link can carry; the sender should shrink its packets to fit (Path MTU Discovery).', 'RFC 1191 §4')) return done(summary);
    value = `${summary}, next-hop MTU ${u16(buf, 6)}`;
  } else if (type === ICMPV4_TYPE.DEST_UNREACHABLE || type === ICMPV4_TYPE.TIME_EXCEEDED) {
    if (!node('unused', 'Unused', ICMPV4_FIELD.REST, buf.length >= 8 ? hex(u32(buf, 4), 8) : '', 'Not used; sent as zero.')) return done(summary);
  } else if (!node('rest', 'Rest of header', ICMPV4_FIELD.REST, buf.length >= 8 ? hex(u32(buf, 4), 8) : '', 'Type-specific header bytes.')) {
    return done(summary);
  }
  if (buf.length > ICMPV4_HEADER_LEN) {
    const quoted = type === ICMPV4_TYPE.DEST_UNREACHABLE || type === ICMPV4_TYPE.TIME_EXCEEDED;
    kids.push(
      field({
        key: quoted ? 'original' : 'data',
        name: quoted ? 'Original datagram' : 'Data',
        value: `${buf.length - ICMPV4_HEADER_LEN} bytes`,
        start: base + ICMPV4_HEADER_LEN,
        end: base + buf.length,
        rfc: RFC,
        meaning: quoted
          ? 'The IP header and at least the first 8 data bytes of the packet that caused this error, so the sender can tell which connection it concerns.'
          : isEcho
            ? 'Arbitrary bytes the reply must echo back unchanged.'
            : 'Type-specific data.',
      }),
    );
  }
  return done(value);
}
