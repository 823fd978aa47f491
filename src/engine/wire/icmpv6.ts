/**
 * ICMPv6, RFC 4443, and the Neighbor Discovery messages of RFC 4861 §4.1-§4.4 (options: ndp.ts).
 *
 * Invariants:
 * - `parseIcmpv6` never throws. A message shorter than its fixed part is 'truncated'; an NDP
 *   option of length 0 or one running past the message is 'malformed' (RFC 4861 §4.6). A bad
 *   checksum is not an error: it is reported as `checksumOk: false`.
 * - Lossless where it matters: a type the typed kinds cannot reproduce (unknown types; echo,
 *   Packet Too Big and NDP with a non-zero code, which RFC 4443/4861 define as 0) parses as
 *   `other`. Unused/reserved fields read as zero, as does any RA/NA flag not modelled.
 * - `emitIcmpv6` cannot fail into a buffer with `icmpv6Length(msg)` bytes free at `off`, and
 *   always fills the checksum over the IPv6 pseudo-header (RFC 4443 §2.3, RFC 8200 §8.1).
 * - `describeIcmpv6` never throws and does not look inside a quoted packet (key 'original').
 */
import { finishChecksum, pseudoHeaderSum, sum16, verifiesChecksum } from './checksum.ts';
import type { Ipv6 } from './addr.ts';
import { formatIpv6, readIpv6, writeIpv6 } from './addr.ts';
import type { FieldNode } from './field.ts';
import { field, hex, truncatedField } from './field.ts';
import type { ParseResult } from './result.ts';
import { fail, ok } from './result.ts';
import type { NdpOption } from './ndp.ts';
import { describeNdpOptions, emitNdpOptions, ndpOptionsLength, parseNdpOptions } from './ndp.ts';
import { u16, u32, put16, put32 } from './bytes.ts';

export type { NdpOption } from './ndp.ts';

export const ICMPV6_TYPE = {
  DEST_UNREACHABLE: 1,
  PACKET_TOO_BIG: 2,
  TIME_EXCEEDED: 3,
  ECHO_REQUEST: 128,
  ECHO_REPLY: 129,
  ROUTER_SOLICIT: 133,
  ROUTER_ADVERT: 134,
  NEIGHBOR_SOLICIT: 135,
  NEIGHBOR_ADVERT: 136,
} as const;

const IP_PROTO_ICMPV6 = 58;
const RFC = 'RFC 4443 §2.1';

/** Byte ranges [start, end) of the ICMPv6 header and of each modelled message body. */
export const ICMPV6_FIELD = {
  TYPE: [0, 1],
  CODE: [1, 2],
  CHECKSUM: [2, 4],
  BODY: 4,
  /** Unused (errors), MTU (Packet Too Big), Reserved (RS, NS). */
  WORD: [4, 8],
  IDENT: [4, 6],
  SEQ: [6, 8],
  DATA: 8,
  RA_CUR_HOP_LIMIT: [4, 5],
  RA_FLAGS: [5, 6],
  RA_ROUTER_LIFETIME: [6, 8],
  RA_REACHABLE_TIME: [8, 12],
  RA_RETRANS_TIMER: [12, 16],
  RA_OPTIONS: 16,
  NA_FLAGS: [4, 5],
  TARGET: [8, 24],
  RS_OPTIONS: 8,
  NS_NA_OPTIONS: 24,
} as const;

const RA_MANAGED = 0x80;
const RA_OTHER = 0x40;
const NA_ROUTER = 0x80;
const NA_SOLICITED = 0x40;
const NA_OVERRIDE = 0x20;

export type Icmpv6Message =
  | { kind: 'destUnreachable'; code: number; original: Uint8Array }
  | { kind: 'packetTooBig'; mtu: number; original: Uint8Array }
  | { kind: 'timeExceeded'; code: number; original: Uint8Array }
  | { kind: 'echoRequest' | 'echoReply'; ident: number; seq: number; data: Uint8Array }
  | { kind: 'routerSolicitation'; options: NdpOption[] }
  | { kind: 'routerAdvertisement'; curHopLimit: number; managed: boolean; other: boolean; routerLifetime: number; reachableTime: number; retransTimer: number; options: NdpOption[] }
  | { kind: 'neighborSolicitation'; target: Ipv6; options: NdpOption[] }
  | { kind: 'neighborAdvertisement'; router: boolean; solicited: boolean; override: boolean; target: Ipv6; options: NdpOption[] }
  | { kind: 'other'; type: number; code: number; body: Uint8Array /* bytes after the 4-byte header */ };

export interface Icmpv6Packet {
  msg: Icmpv6Message;
  checksum: number;
  checksumOk: boolean;
}


/** Zero-copy view of an ICMPv6 message. `check` validates the 4-byte header once; body getters
 * assume the caller checked the length their message type needs (`icmpv6MinLength`). */
export class Icmpv6View {
  private constructor(readonly buf: Uint8Array) {}

  static check(buf: Uint8Array): ParseResult<Icmpv6View> {
    if (buf.length < ICMPV6_FIELD.BODY) return fail('truncated', `ICMPv6 header needs 4 bytes, got ${buf.length}`, buf.length);
    return ok(new Icmpv6View(buf));
  }

  static unchecked(buf: Uint8Array): Icmpv6View {
    return new Icmpv6View(buf);
  }

  get type(): number {
    return this.buf[0]!;
  }
  set type(v: number) {
    this.buf[0] = v;
  }
  get code(): number {
    return this.buf[1]!;
  }
  set code(v: number) {
    this.buf[1] = v;
  }
  get checksum(): number {
    return u16(this.buf, ICMPV6_FIELD.CHECKSUM[0]);
  }
  set checksum(v: number) {
    put16(this.buf, ICMPV6_FIELD.CHECKSUM[0], v);
  }
  /** Bytes 4..7: MTU for Packet Too Big, zero elsewhere. */
  get word(): number {
    return u32(this.buf, ICMPV6_FIELD.WORD[0]);
  }
  get ident(): number {
    return u16(this.buf, ICMPV6_FIELD.IDENT[0]);
  }
  get seq(): number {
    return u16(this.buf, ICMPV6_FIELD.SEQ[0]);
  }
  get curHopLimit(): number {
    return this.buf[ICMPV6_FIELD.RA_CUR_HOP_LIMIT[0]]!;
  }
  get raFlags(): number {
    return this.buf[ICMPV6_FIELD.RA_FLAGS[0]]!;
  }
  get routerLifetime(): number {
    return u16(this.buf, ICMPV6_FIELD.RA_ROUTER_LIFETIME[0]);
  }
  get reachableTime(): number {
    return u32(this.buf, ICMPV6_FIELD.RA_REACHABLE_TIME[0]);
  }
  get retransTimer(): number {
    return u32(this.buf, ICMPV6_FIELD.RA_RETRANS_TIMER[0]);
  }
  get naFlags(): number {
    return this.buf[ICMPV6_FIELD.NA_FLAGS[0]]!;
  }
  get target(): Ipv6 {
    return readIpv6(this.buf, ICMPV6_FIELD.TARGET[0]);
  }
  get body(): Uint8Array {
    return this.buf.subarray(ICMPV6_FIELD.BODY);
  }
  get data(): Uint8Array {
    return this.buf.subarray(ICMPV6_FIELD.DATA);
  }
  /** True when pseudo-header + message sum to 0xffff. */
  verifyChecksum(src: Ipv6, dst: Ipv6): boolean {
    return verifiesChecksum(pseudoSum(src, dst, this.buf.length) + sum16(this.buf));
  }
  fillChecksum(src: Ipv6, dst: Ipv6): void {
    this.checksum = 0;
    this.checksum = finishChecksum(pseudoSum(src, dst, this.buf.length) + sum16(this.buf));
  }
}

function pseudoSum(src: Ipv6, dst: Ipv6, length: number): number {
  return pseudoHeaderSum({ v: 6, src, dst }, IP_PROTO_ICMPV6, length);
}

/** Smallest valid message for a type whose code makes it a typed kind (RFC 4443, RFC 4861 §4). */
function minLength(type: number): number {
  switch (type) {
    case ICMPV6_TYPE.ROUTER_ADVERT:
      return 16;
    case ICMPV6_TYPE.NEIGHBOR_SOLICIT:
    case ICMPV6_TYPE.NEIGHBOR_ADVERT:
      return 24;
    default:
      return 8;
  }
}

function bodyLength(msg: Icmpv6Message): number {
  switch (msg.kind) {
    case 'destUnreachable':
    case 'packetTooBig':
    case 'timeExceeded':
      return 4 + msg.original.length;
    case 'echoRequest':
    case 'echoReply':
      return 4 + msg.data.length;
    case 'routerSolicitation':
      return 4 + ndpOptionsLength(msg.options);
    case 'routerAdvertisement':
      return 12 + ndpOptionsLength(msg.options);
    case 'neighborSolicitation':
    case 'neighborAdvertisement':
      return 20 + ndpOptionsLength(msg.options);
    case 'other':
      return msg.body.length;
  }
}

export function icmpv6Length(msg: Icmpv6Message): number {
  return ICMPV6_FIELD.BODY + bodyLength(msg);
}

const TYPE_OF: Record<Exclude<Icmpv6Message['kind'], 'other'>, number> = {
  destUnreachable: ICMPV6_TYPE.DEST_UNREACHABLE,
  packetTooBig: ICMPV6_TYPE.PACKET_TOO_BIG,
  timeExceeded: ICMPV6_TYPE.TIME_EXCEEDED,
  echoRequest: ICMPV6_TYPE.ECHO_REQUEST,
  echoReply: ICMPV6_TYPE.ECHO_REPLY,
  routerSolicitation: ICMPV6_TYPE.ROUTER_SOLICIT,
  routerAdvertisement: ICMPV6_TYPE.ROUTER_ADVERT,
  neighborSolicitation: ICMPV6_TYPE.NEIGHBOR_SOLICIT,
  neighborAdvertisement: ICMPV6_TYPE.NEIGHBOR_ADVERT,
};

/** Writes the message at `off` with the checksum filled; returns `icmpv6Length(msg)`. */
export function emitIcmpv6(msg: Icmpv6Message, src: Ipv6, dst: Ipv6, buf: Uint8Array, off = 0): number {
  const len = icmpv6Length(msg);
  const b = buf.subarray(off, off + len);
  const v = Icmpv6View.unchecked(b);
  b.fill(0, 0, Math.min(len, 24));
  v.type = msg.kind === 'other' ? msg.type : TYPE_OF[msg.kind];
  v.code = msg.kind === 'destUnreachable' || msg.kind === 'timeExceeded' || msg.kind === 'other' ? msg.code : 0;
  switch (msg.kind) {
    case 'destUnreachable':
    case 'timeExceeded':
      b.set(msg.original, ICMPV6_FIELD.DATA);
      break;
    case 'packetTooBig':
      put32(b, ICMPV6_FIELD.WORD[0], msg.mtu);
      b.set(msg.original, ICMPV6_FIELD.DATA);
      break;
    case 'echoRequest':
    case 'echoReply':
      put16(b, ICMPV6_FIELD.IDENT[0], msg.ident);
      put16(b, ICMPV6_FIELD.SEQ[0], msg.seq);
      b.set(msg.data, ICMPV6_FIELD.DATA);
      break;
    case 'routerSolicitation':
      emitNdpOptions(msg.options, b, ICMPV6_FIELD.RS_OPTIONS);
      break;
    case 'routerAdvertisement':
      b[ICMPV6_FIELD.RA_CUR_HOP_LIMIT[0]] = msg.curHopLimit;
      b[ICMPV6_FIELD.RA_FLAGS[0]] = (msg.managed ? RA_MANAGED : 0) | (msg.other ? RA_OTHER : 0);
      put16(b, ICMPV6_FIELD.RA_ROUTER_LIFETIME[0], msg.routerLifetime);
      put32(b, ICMPV6_FIELD.RA_REACHABLE_TIME[0], msg.reachableTime);
      put32(b, ICMPV6_FIELD.RA_RETRANS_TIMER[0], msg.retransTimer);
      emitNdpOptions(msg.options, b, ICMPV6_FIELD.RA_OPTIONS);
      break;
    case 'neighborSolicitation':
    case 'neighborAdvertisement':
      if (msg.kind === 'neighborAdvertisement') {
        b[ICMPV6_FIELD.NA_FLAGS[0]] = (msg.router ? NA_ROUTER : 0) | (msg.solicited ? NA_SOLICITED : 0) | (msg.override ? NA_OVERRIDE : 0);
      }
      writeIpv6(b, ICMPV6_FIELD.TARGET[0], msg.target);
      emitNdpOptions(msg.options, b, ICMPV6_FIELD.NS_NA_OPTIONS);
      break;
    case 'other':
      b.set(msg.body, ICMPV6_FIELD.BODY);
      break;
  }
  v.fillChecksum(src, dst);
  return len;
}

export function buildIcmpv6(msg: Icmpv6Message, src: Ipv6, dst: Ipv6): Uint8Array {
  const buf = new Uint8Array(icmpv6Length(msg));
  emitIcmpv6(msg, src, dst, buf);
  return buf;
}

const TYPED: ReadonlySet<number> = new Set(Object.values(ICMPV6_TYPE));

/** True if this type/code pair decodes to a typed kind rather than `other`. */
function isTyped(type: number, code: number): boolean {
  if (type === ICMPV6_TYPE.DEST_UNREACHABLE || type === ICMPV6_TYPE.TIME_EXCEEDED) return true;
  return code === 0 && TYPED.has(type);
}

/** Parses the IPv6 payload `buf` as one ICMPv6 message. Never throws; data fields are subarrays. */
export function parseIcmpv6(buf: Uint8Array, src: Ipv6, dst: Ipv6): ParseResult<Icmpv6Packet> {
  const checked = Icmpv6View.check(buf);
  if (!checked.ok) return checked;
  const v = checked.value;
  const { type, code } = v;
  const done = (msg: Icmpv6Message): ParseResult<Icmpv6Packet> => ok({ msg, checksum: v.checksum, checksumOk: v.verifyChecksum(src, dst) });
  if (!isTyped(type, code)) return done({ kind: 'other', type, code, body: v.body });
  const need = minLength(type);
  if (buf.length < need) return fail('truncated', `ICMPv6 type ${type} needs ${need} bytes, got ${buf.length}`, buf.length);
  const withOptions = (start: number, make: (options: NdpOption[]) => Icmpv6Message): ParseResult<Icmpv6Packet> => {
    const options = parseNdpOptions(buf, start);
    return options.ok ? done(make(options.value)) : options;
  };
  switch (type) {
    case ICMPV6_TYPE.DEST_UNREACHABLE:
      return done({ kind: 'destUnreachable', code, original: v.data });
    case ICMPV6_TYPE.PACKET_TOO_BIG:
      return done({ kind: 'packetTooBig', mtu: v.word, original: v.data });
    case ICMPV6_TYPE.TIME_EXCEEDED:
      return done({ kind: 'timeExceeded', code, original: v.data });
    case ICMPV6_TYPE.ECHO_REQUEST:
    case ICMPV6_TYPE.ECHO_REPLY:
      return done({ kind: type === ICMPV6_TYPE.ECHO_REQUEST ? 'echoRequest' : 'echoReply', ident: v.ident, seq: v.seq, data: v.data });
    case ICMPV6_TYPE.ROUTER_SOLICIT:
      return withOptions(ICMPV6_FIELD.RS_OPTIONS, (options) => ({ kind: 'routerSolicitation', options }));
    case ICMPV6_TYPE.ROUTER_ADVERT:
      return withOptions(ICMPV6_FIELD.RA_OPTIONS, (options) => ({
        kind: 'routerAdvertisement',
        curHopLimit: v.curHopLimit,
        managed: (v.raFlags & RA_MANAGED) !== 0,
        other: (v.raFlags & RA_OTHER) !== 0,
        routerLifetime: v.routerLifetime,
        reachableTime: v.reachableTime,
        retransTimer: v.retransTimer,
        options,
      }));
    case ICMPV6_TYPE.NEIGHBOR_SOLICIT:
      return withOptions(ICMPV6_FIELD.NS_NA_OPTIONS, (options) => ({ kind: 'neighborSolicitation', target: v.target, options }));
    default: {
      const f = v.naFlags;
      const target = v.target;
      return withOptions(ICMPV6_FIELD.NS_NA_OPTIONS, (options) => ({
        kind: 'neighborAdvertisement',
        router: (f & NA_ROUTER) !== 0,
        solicited: (f & NA_SOLICITED) !== 0,
        override: (f & NA_OVERRIDE) !== 0,
        target,
        options,
      }));
    }
  }
}

/** Type names as Wireshark shows them. */
const TYPE_NAMES: Record<number, string> = {
  1: 'Destination Unreachable',
  2: 'Packet Too Big',
  3: 'Time Exceeded',
  4: 'Parameter Problem',
  128: 'Echo (ping) request',
  129: 'Echo (ping) reply',
  130: 'Multicast Listener Query',
  131: 'Multicast Listener Report',
  132: 'Multicast Listener Done',
  133: 'Router Solicitation',
  134: 'Router Advertisement',
  135: 'Neighbor Solicitation',
  136: 'Neighbor Advertisement',
  137: 'Redirect',
  143: 'Multicast Listener Report Message v2',
};
const UNREACH_CODES = [
  'no route to destination',
  'communication with destination administratively prohibited',
  'beyond scope of source address',
  'address unreachable',
  'port unreachable',
  'source address failed ingress/egress policy',
  'reject route to destination',
];
const TIMEX_CODES = ['hop limit exceeded in transit', 'fragment reassembly time exceeded'];

export function icmpv6TypeName(type: number): string {
  return TYPE_NAMES[type] ?? `Unknown type ${type}`;
}

export function icmpv6CodeName(type: number, code: number): string | undefined {
  if (type === ICMPV6_TYPE.DEST_UNREACHABLE) return UNREACH_CODES[code];
  if (type === ICMPV6_TYPE.TIME_EXCEEDED) return TIMEX_CODES[code];
  return undefined;
}

const TYPE_RFC: Record<number, string> = {
  ...{ 1: 'RFC 4443 §3.1', 2: 'RFC 4443 §3.2', 3: 'RFC 4443 §3.3', 128: 'RFC 4443 §4.1', 129: 'RFC 4443 §4.2' },
  ...{ 133: 'RFC 4861 §4.1', 134: 'RFC 4861 §4.2', 135: 'RFC 4861 §4.3', 136: 'RFC 4861 §4.4' },
};

/** Inspector tree for an ICMPv6 message at absolute offset `base`. Never throws. */
export function describeIcmpv6(buf: Uint8Array, base = 0, src?: Ipv6, dst?: Ipv6): FieldNode {
  const kids: FieldNode[] = [];
  let summary = '[truncated]';
  const done = (): FieldNode =>
    field({ key: 'icmpv6', name: 'Internet Control Message Protocol v6', value: summary, start: base, end: base + buf.length, rfc: 'RFC 4443', children: kids });
  const type = buf[0] ?? -1;
  const code = buf[1] ?? -1;
  const typed = isTyped(type, code);
  const rfc = (typed ? TYPE_RFC[type] : undefined) ?? RFC;
  /** Adds a node if `range` fits; otherwise a truncated node, returning false. */
  const put = (key: string, name: string, range: readonly [number, number], value: () => string | number, meaning: string, extra: { bitMask?: number; rfc?: string; error?: string } = {}): boolean => {
    if (buf.length < range[1]) {
      kids.push(truncatedField(key, name, base + range[0], base + buf.length, extra.rfc ?? rfc));
      return false;
    }
    kids.push(field({ key, name, value: value(), start: base + range[0], end: base + range[1], rfc: extra.rfc ?? rfc, meaning, ...extra }));
    return true;
  };
  const typeName = icmpv6TypeName(type);
  if (!put('type', 'Type', ICMPV6_FIELD.TYPE, () => `${type} (${typeName})`, 'What kind of message: errors have types 0-127, informational messages 128-255.', { rfc: RFC })) return done();
  summary = typeName;
  const codeName = icmpv6CodeName(type, code);
  if (!put('code', 'Code', ICMPV6_FIELD.CODE, () => (codeName ? `${code} (${codeName})` : code), 'Refines the type, e.g. why the destination was unreachable.', { rfc: RFC })) return done();
  if (codeName) summary = `${typeName} (${codeName})`;
  if (buf.length < ICMPV6_FIELD.CHECKSUM[1]) {
    kids.push(truncatedField('checksum', 'Checksum', base + 2, base + buf.length, 'RFC 4443 §2.3'));
    return done();
  }
  const checksum = u16(buf, 2);
  const known = src !== undefined && dst !== undefined;
  const rest = known ? pseudoSum(src, dst, buf.length) + sum16(buf, 0, 2) + sum16(buf, 4) : 0;
  const good = known && verifiesChecksum(rest + checksum);
  const verdict = !known ? 'unverified' : good ? 'correct' : `incorrect, should be ${hex(finishChecksum(rest), 4)}`;
  put('checksum', 'Checksum', ICMPV6_FIELD.CHECKSUM, () => `${hex(checksum, 4)} [${verdict}]`, 'One\'s-complement sum over the IPv6 pseudo-header and the whole message; mandatory.', {
    rfc: 'RFC 4443 §2.3',
    ...(known && !good ? { error: `Bad checksum: expected ${hex(finishChecksum(rest), 4)}` } : {}),
  });
  const W = ICMPV6_FIELD;
  const tail = (key: string, name: string, start: number, meaning: string): void => {
    if (buf.length > start) kids.push(field({ key, name, value: `${buf.length - start} bytes`, start: base + start, end: base + buf.length, rfc, meaning }));
  };
  const options = (start: number): void => {
    kids.push(...describeNdpOptions(buf, start, buf.length, base));
  };
  const target = (): boolean => put('target', 'Target Address', W.TARGET, () => formatIpv6(readIpv6(buf, W.TARGET[0])), 'The IPv6 address whose link-layer address is being resolved or announced.');
  if (!typed) {
    tail('body', 'Message Body', W.BODY, 'Type-specific bytes this dissector does not decode.');
    return done();
  }
  switch (type) {
    case ICMPV6_TYPE.DEST_UNREACHABLE:
    case ICMPV6_TYPE.TIME_EXCEEDED:
    case ICMPV6_TYPE.PACKET_TOO_BIG: {
      const ptb = type === ICMPV6_TYPE.PACKET_TOO_BIG;
      const fits = ptb
        ? put('mtu', 'MTU', W.WORD, () => u32(buf, 4), 'The MTU of the next-hop link; the sender must send smaller packets (Path MTU Discovery, RFC 8201).')
        : put('unused', 'Unused', W.WORD, () => hex(u32(buf, 4), 8), 'Must be sent as zero and ignored on receipt.');
      if (!fits) return done();
      if (ptb) summary = `${typeName}, MTU ${u32(buf, 4)}`;
      tail('original', 'Invoking packet', W.DATA, 'As much of the packet that caused this error as fits in the minimum IPv6 MTU, so the sender can tell which flow it concerns.');
      return done();
    }
    case ICMPV6_TYPE.ECHO_REQUEST:
    case ICMPV6_TYPE.ECHO_REPLY:
      if (!put('ident', 'Identifier', W.IDENT, () => hex(u16(buf, 4), 4), 'Chosen by the sender to match replies to requests.')) return done();
      if (!put('seq', 'Sequence', W.SEQ, () => u16(buf, 6), 'Counts requests, so each reply can be matched and losses seen.')) return done();
      summary = `${typeName} id=${hex(u16(buf, 4), 4)}, seq=${u16(buf, 6)}`;
      tail('data', 'Data', W.DATA, 'Arbitrary bytes the reply must echo back unchanged.');
      return done();
    case ICMPV6_TYPE.ROUTER_SOLICIT:
      if (!put('reserved', 'Reserved', W.WORD, () => hex(u32(buf, 4), 8), 'Must be sent as zero and ignored on receipt.')) return done();
      options(W.RS_OPTIONS);
      return done();
    case ICMPV6_TYPE.ROUTER_ADVERT: {
      if (!put('cur_hop_limit', 'Cur hop limit', W.RA_CUR_HOP_LIMIT, () => buf[4]!, 'Hop Limit hosts should put in outgoing packets (0 = unspecified).')) return done();
      if (!put('flag.m', 'Managed address configuration', W.RA_FLAGS, () => ((buf[5]! & RA_MANAGED) !== 0 ? 'Set' : 'Not set'), 'Addresses are available via DHCPv6.', { bitMask: RA_MANAGED })) return done();
      put('flag.o', 'Other configuration', W.RA_FLAGS, () => ((buf[5]! & RA_OTHER) !== 0 ? 'Set' : 'Not set'), 'Other configuration (e.g. DNS) is available via DHCPv6.', { bitMask: RA_OTHER });
      if (!put('router_lifetime', 'Router lifetime (s)', W.RA_ROUTER_LIFETIME, () => u16(buf, 6), 'How long this router may be used as a default router; 0 = not a default router.')) return done();
      if (!put('reachable_time', 'Reachable time (ms)', W.RA_REACHABLE_TIME, () => u32(buf, 8), 'How long a neighbor stays reachable after a confirmation (0 = unspecified).')) return done();
      if (!put('retrans_timer', 'Retrans timer (ms)', W.RA_RETRANS_TIMER, () => u32(buf, 12), 'Time between retransmitted Neighbor Solicitations (0 = unspecified).')) return done();
      options(W.RA_OPTIONS);
      return done();
    }
    case ICMPV6_TYPE.NEIGHBOR_SOLICIT:
      if (!put('reserved', 'Reserved', W.WORD, () => hex(u32(buf, 4), 8), 'Must be sent as zero and ignored on receipt.')) return done();
      if (!target()) return done();
      summary = `${typeName} for ${formatIpv6(readIpv6(buf, 8))}`;
      options(W.NS_NA_OPTIONS);
      return done();
    default: {
      const flag = (key: string, name: string, bit: number, meaning: string): boolean =>
        put(key, name, W.NA_FLAGS, () => ((buf[4]! & bit) !== 0 ? 'Set' : 'Not set'), meaning, { bitMask: bit });
      if (!flag('flag.r', 'Router', NA_ROUTER, 'The sender is a router.')) return done();
      flag('flag.s', 'Solicited', NA_SOLICITED, 'This answers a Neighbor Solicitation (it confirms reachability).');
      flag('flag.o', 'Override', NA_OVERRIDE, 'The receiver should replace a cached link-layer address with this one.');
      if (!target()) return done();
      const names = [[NA_ROUTER, 'rtr'], [NA_SOLICITED, 'sol'], [NA_OVERRIDE, 'ovr']] as const;
      const set = names.filter(([bit]) => (buf[4]! & bit) !== 0).map(([, n]) => n);
      summary = `${typeName} ${formatIpv6(readIpv6(buf, 8))}${set.length ? ` (${set.join(', ')})` : ''}`;
      options(W.NS_NA_OPTIONS);
      return done();
    }
  }
}
