/**
 * TCP header, RFC 9293 §3.1; ECN flags ECE/CWR per RFC 3168 §6.1, AE (the former NS bit,
 * RFC 3540) for Accurate ECN. Options live in tcp-options.ts.
 *
 * Invariants:
 * - `parseTcp` never throws. Fewer than 20 bytes, or a Data Offset beyond the buffer, is
 *   'truncated'; a Data Offset below 5 or a bad option length is 'malformed'. A bad checksum is
 *   not an error: it is reported as `checksumOk: false`.
 * - The whole input is the segment (TCP has no length field): the IP layer must strip link
 *   padding before calling parse, and the pseudo-header length is `buf.length`.
 * - `emitTcp` cannot fail into a buffer with `tcpHeaderLen(repr) + payload.length` bytes free at
 *   `off`, for a repr whose options fit in 40 bytes.
 * - The three reserved bits are emitted as zero and ignored on parse (RFC 9293 §3.1).
 * - `describeTcp` never throws.
 */
import { finishChecksum, payloadSum, pseudoHeaderSum, sum16, verifiesChecksum } from './checksum.ts';
import type { PseudoHeader } from './checksum.ts';
import type { FieldNode } from './field.ts';
import { field, hex, truncatedField } from './field.ts';
import type { ParseResult } from './result.ts';
import { fail, ok } from './result.ts';
import type { TcpOption } from './tcp-options.ts';
import { describeTcpOptions, emitTcpOptions, parseTcpOptions, tcpOptionsLength } from './tcp-options.ts';
import { u16, u32, put16, put32 } from './bytes.ts';

export type { TcpOption } from './tcp-options.ts';
export { tcpOptionsLength } from './tcp-options.ts';

export const TCP_FLAG = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10, URG: 0x20, ECE: 0x40, CWR: 0x80, AE: 0x100 } as const;

export const TCP_HEADER_LEN = 20;
export const TCP_MAX_HEADER_LEN = 60;
const IP_PROTO_TCP = 6;
const RFC = 'RFC 9293 §3.1';

/** Byte ranges [start, end) of the fixed TCP header (RFC 9293 §3.1, Figure 1). */
export const TCP_FIELD = {
  SRC_PORT: [0, 2],
  DST_PORT: [2, 4],
  SEQ: [4, 8],
  ACK: [8, 12],
  /** Data Offset (high nibble of byte 12), reserved bits, AE and the 8 flag bits. */
  OFFSET_FLAGS: [12, 14],
  WINDOW: [14, 16],
  CHECKSUM: [16, 18],
  URGENT: [18, 20],
  OPTIONS: 20,
} as const;

const FLAG_MASK = 0x01ff;
/** The payload of every parsed segment without data (shared; empty, so never written to). */
const NO_PAYLOAD = new Uint8Array(0);
const RESERVED_MASK = 0x0e00;

export interface TcpRepr {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  window: number;
  urgent: number;
  options: TcpOption[];
}

export interface TcpSegment {
  repr: TcpRepr;
  headerLen: number;
  checksum: number;
  /** True if verified, or if the pseudo-header is unknown. */
  checksumOk: boolean;
  /** Zero-copy subarray of the input after the header. */
  payload: Uint8Array;
}


/** Zero-copy view of a TCP header. `check` validates the fixed 20 bytes once. */
export class TcpView {
  private constructor(readonly buf: Uint8Array) {}

  static check(buf: Uint8Array): ParseResult<TcpView> {
    if (buf.length < TCP_HEADER_LEN) return fail('truncated', `TCP header needs 20 bytes, got ${buf.length}`, buf.length);
    return ok(new TcpView(buf));
  }

  /** Wraps a buffer already known to hold the header (e.g. one we are about to emit into). */
  static unchecked(buf: Uint8Array): TcpView {
    return new TcpView(buf);
  }

  get srcPort(): number {
    return u16(this.buf, TCP_FIELD.SRC_PORT[0]);
  }
  set srcPort(v: number) {
    put16(this.buf, TCP_FIELD.SRC_PORT[0], v);
  }
  get dstPort(): number {
    return u16(this.buf, TCP_FIELD.DST_PORT[0]);
  }
  set dstPort(v: number) {
    put16(this.buf, TCP_FIELD.DST_PORT[0], v);
  }
  get seq(): number {
    return u32(this.buf, TCP_FIELD.SEQ[0]);
  }
  set seq(v: number) {
    put32(this.buf, TCP_FIELD.SEQ[0], v);
  }
  get ack(): number {
    return u32(this.buf, TCP_FIELD.ACK[0]);
  }
  set ack(v: number) {
    put32(this.buf, TCP_FIELD.ACK[0], v);
  }
  /** Data Offset in 32-bit words. */
  get dataOffset(): number {
    return this.buf[TCP_FIELD.OFFSET_FLAGS[0]]! >>> 4;
  }
  /** Header length in bytes (Data Offset × 4). */
  get headerLen(): number {
    return this.dataOffset * 4;
  }
  set headerLen(bytes: number) {
    const at = TCP_FIELD.OFFSET_FLAGS[0];
    this.buf[at] = (((bytes >>> 2) & 0x0f) << 4) | (this.buf[at]! & 0x0f);
  }
  /** The 9 flag bits (AE ... FIN), see `TCP_FLAG`. */
  get flags(): number {
    return u16(this.buf, TCP_FIELD.OFFSET_FLAGS[0]) & FLAG_MASK;
  }
  /** Sets the 9 flag bits and clears the reserved bits. */
  set flags(v: number) {
    const at = TCP_FIELD.OFFSET_FLAGS[0];
    put16(this.buf, at, (this.buf[at]! & 0xf0) << 8 | (v & FLAG_MASK));
  }
  get reserved(): number {
    return (u16(this.buf, TCP_FIELD.OFFSET_FLAGS[0]) & RESERVED_MASK) >>> 9;
  }
  get window(): number {
    return u16(this.buf, TCP_FIELD.WINDOW[0]);
  }
  set window(v: number) {
    put16(this.buf, TCP_FIELD.WINDOW[0], v);
  }
  get checksum(): number {
    return u16(this.buf, TCP_FIELD.CHECKSUM[0]);
  }
  set checksum(v: number) {
    put16(this.buf, TCP_FIELD.CHECKSUM[0], v);
  }
  get urgent(): number {
    return u16(this.buf, TCP_FIELD.URGENT[0]);
  }
  set urgent(v: number) {
    put16(this.buf, TCP_FIELD.URGENT[0], v);
  }
}

/** 20 + padded options length; at most 60 for a valid repr. */
export function tcpHeaderLen(repr: TcpRepr): number {
  return TCP_HEADER_LEN + tcpOptionsLength(repr.options);
}

/** Unfolded sum of pseudo-header + header without the Checksum field + payload (whose sum may be given). */
function sumWithoutChecksum(header: Uint8Array, headerLen: number, payload: Uint8Array, pseudo: PseudoHeader, knownPayloadSum = -1): number {
  return (
    pseudoHeaderSum(pseudo, IP_PROTO_TCP, headerLen + payload.length) +
    sum16(header, 0, TCP_FIELD.CHECKSUM[0]) +
    sum16(header, TCP_FIELD.CHECKSUM[1], headerLen) +
    (knownPayloadSum >= 0 ? knownPayloadSum : payloadSum(payload))
  );
}

/** Writes header + options + payload at `off` with the checksum filled; returns the segment length. */
export function emitTcp(repr: TcpRepr, payload: Uint8Array, pseudo: PseudoHeader, buf: Uint8Array, off = 0): number {
  const headerLen = tcpHeaderLen(repr);
  buf.set(payload, off + headerLen);
  return emitTcpHeader(repr, payload.length, payloadSum(payload), pseudo, buf, off);
}

/**
 * Writes header + options at `off` for a payload of `payloadLen` bytes that the caller has put
 * (or will put, unchanged) at `off + tcpHeaderLen(repr)`, whose partial sum (`sum16` of those
 * bytes) is `payloadPartialSum`; fills the checksum and returns the segment length. This lets a
 * sender whose payload follows a known pattern supply its sum without summing the bytes.
 */
export function emitTcpHeader(repr: TcpRepr, payloadLen: number, payloadPartialSum: number, pseudo: PseudoHeader, buf: Uint8Array, off = 0): number {
  const headerLen = tcpHeaderLen(repr);
  if (headerLen > TCP_MAX_HEADER_LEN) throw new RangeError(`TCP options need ${headerLen - TCP_HEADER_LEN} bytes; at most 40 fit`);
  put16(buf, off, repr.srcPort);
  put16(buf, off + 2, repr.dstPort);
  put32(buf, off + 4, repr.seq);
  put32(buf, off + 8, repr.ack);
  // Data Offset, zero reserved bits, the 9 flag bits.
  put16(buf, off + 12, ((headerLen >>> 2) << 12) | (repr.flags & FLAG_MASK));
  put16(buf, off + 14, repr.window);
  put16(buf, off + 16, 0);
  put16(buf, off + 18, repr.urgent);
  emitTcpOptions(repr.options, buf, off + TCP_FIELD.OPTIONS);
  const sum = pseudoHeaderSum(pseudo, IP_PROTO_TCP, headerLen + payloadLen) + sum16(buf, off, off + headerLen) + payloadPartialSum;
  put16(buf, off + 16, finishChecksum(sum));
  return headerLen + payloadLen;
}

export function buildTcp(repr: TcpRepr, payload: Uint8Array, pseudo: PseudoHeader): Uint8Array {
  const buf = new Uint8Array(tcpHeaderLen(repr) + payload.length);
  emitTcp(repr, payload, pseudo, buf);
  return buf;
}

/**
 * Parses the IP payload `buf` as one TCP segment. Never throws. `tail`: the caller knows the
 * partial sum (`sum16`) of the last `len` bytes of `buf`; if they are exactly the payload, the
 * checksum is verified with it instead of summing them again.
 */
export function parseTcp(buf: Uint8Array, pseudo?: PseudoHeader, tail?: { readonly len: number; readonly sum: number }): ParseResult<TcpSegment> {
  if (buf.length < TCP_HEADER_LEN) return fail('truncated', `TCP header needs 20 bytes, got ${buf.length}`, buf.length);
  // Fields are read directly (what TcpView's getters read), without a view object.
  const at = TCP_FIELD.OFFSET_FLAGS[0];
  const headerLen = (buf[at]! >>> 4) * 4;
  if (headerLen < TCP_HEADER_LEN) return fail('malformed', `TCP Data Offset ${headerLen / 4} is below the minimum of 5`, at);
  if (headerLen > buf.length) return fail('truncated', `TCP header of ${headerLen} bytes exceeds the ${buf.length} bytes available`, at);
  const options = parseTcpOptions(buf, TCP_HEADER_LEN, headerLen);
  if (!options.ok) return options;
  const payload = headerLen === buf.length ? NO_PAYLOAD : buf.subarray(headerLen);
  const checksum = u16(buf, TCP_FIELD.CHECKSUM[0]);
  return ok({
    repr: { srcPort: u16(buf, 0), dstPort: u16(buf, 2), seq: u32(buf, 4), ack: u32(buf, 8), flags: u16(buf, at) & FLAG_MASK, window: u16(buf, 14), urgent: u16(buf, 18), options: options.value },
    headerLen,
    checksum,
    checksumOk: pseudo ? verifiesChecksum(sumWithoutChecksum(buf, headerLen, payload, pseudo, tail !== undefined && tail.len === payload.length ? tail.sum : -1) + checksum) : true,
    payload,
  });
}

const TCPDUMP_FLAGS: ReadonlyArray<readonly [number, string]> = [
  [TCP_FLAG.FIN, 'F'],
  [TCP_FLAG.SYN, 'S'],
  [TCP_FLAG.RST, 'R'],
  [TCP_FLAG.PSH, 'P'],
  [TCP_FLAG.ACK, '.'],
  [TCP_FLAG.URG, 'U'],
  [TCP_FLAG.ECE, 'E'],
  [TCP_FLAG.CWR, 'W'],
  [TCP_FLAG.AE, 'e'],
];

/** tcpdump's flag string (print-tcp.c order F S R P . U E W e): "S", "S.", ".", "P.", "F.", "R", "none". */
export function formatTcpFlags(flags: number): string {
  const s = TCPDUMP_FLAGS.filter(([bit]) => (flags & bit) !== 0)
    .map(([, c]) => c)
    .join('');
  return s === '' ? 'none' : s;
}

interface FlagInfo {
  bit: number;
  key: string;
  name: string;
  short: string;
  rfc: string;
  meaning: string;
}

/** Most significant first, like Wireshark's flag tree. */
const FLAG_INFO: readonly FlagInfo[] = [
  { bit: TCP_FLAG.AE, key: 'ae', name: 'Accurate ECN', short: 'AE', rfc: 'RFC 3540', meaning: 'Formerly the ECN-nonce (NS) bit; Accurate ECN uses it as part of a congestion-mark counter.' },
  { bit: TCP_FLAG.CWR, key: 'cwr', name: 'Congestion Window Reduced', short: 'CWR', rfc: 'RFC 3168 §6.1', meaning: 'The sender has reduced its congestion window in response to an ECN-Echo.' },
  { bit: TCP_FLAG.ECE, key: 'ece', name: 'ECN-Echo', short: 'ECE', rfc: 'RFC 3168 §6.1', meaning: 'On SYN: ECN capable. Otherwise: a router marked congestion on a packet we received.' },
  { bit: TCP_FLAG.URG, key: 'urg', name: 'Urgent', short: 'URG', rfc: RFC, meaning: 'The Urgent Pointer field is significant.' },
  { bit: TCP_FLAG.ACK, key: 'ack', name: 'Acknowledgment', short: 'ACK', rfc: RFC, meaning: 'The Acknowledgment Number field is significant (set on every segment after the first SYN).' },
  { bit: TCP_FLAG.PSH, key: 'push', name: 'Push', short: 'PSH', rfc: RFC, meaning: 'Asks the receiver to hand the data to the application promptly.' },
  { bit: TCP_FLAG.RST, key: 'reset', name: 'Reset', short: 'RST', rfc: RFC, meaning: 'Aborts the connection immediately.' },
  { bit: TCP_FLAG.SYN, key: 'syn', name: 'Syn', short: 'SYN', rfc: RFC, meaning: 'Synchronize sequence numbers: opens a connection.' },
  { bit: TCP_FLAG.FIN, key: 'fin', name: 'Fin', short: 'FIN', rfc: RFC, meaning: 'The sender has no more data: closes its direction of the connection.' },
];

function describeFlags(word: number, base: number): FieldNode {
  const start = base + TCP_FIELD.OFFSET_FLAGS[0];
  const end = base + TCP_FIELD.OFFSET_FLAGS[1];
  const set = [...FLAG_INFO].reverse().filter((f) => (word & f.bit) !== 0).map((f) => f.short);
  const reserved = (word & RESERVED_MASK) >>> 9;
  const kids = [
    field({ key: 'flags.res', name: 'Reserved', value: reserved, start, end, bitMask: RESERVED_MASK, rfc: RFC, meaning: 'Must be zero; reserved for future use.', ...(reserved !== 0 ? { error: 'Reserved bits are not zero' } : {}) }),
    ...FLAG_INFO.map((f) => field({ key: `flags.${f.key}`, name: f.name, value: (word & f.bit) !== 0 ? 'Set' : 'Not set', start, end, bitMask: f.bit, rfc: f.rfc, meaning: f.meaning })),
  ];
  return field({
    key: 'flags',
    name: 'Flags',
    value: `${hex(word & 0x0fff, 3)} (${set.length ? set.join(', ') : 'none'})`,
    start,
    end,
    bitMask: 0x0fff,
    rfc: RFC,
    meaning: 'Control bits that open, acknowledge, push, reset and close the connection, plus ECN signals.',
    children: kids,
  });
}

function describeChecksum(buf: Uint8Array, base: number, headerLen: number, pseudo: PseudoHeader | undefined): FieldNode {
  const value = u16(buf, TCP_FIELD.CHECKSUM[0]);
  const common = {
    key: 'checksum',
    name: 'Checksum',
    start: base + TCP_FIELD.CHECKSUM[0],
    end: base + TCP_FIELD.CHECKSUM[1],
    rfc: RFC,
    meaning: 'One\'s-complement sum over a pseudo-header (the IP addresses), the TCP header and the data; mandatory in TCP.',
  };
  if (!pseudo || headerLen < TCP_HEADER_LEN || headerLen > buf.length) return field({ ...common, value: `${hex(value, 4)} [unverified]` });
  const rest = sumWithoutChecksum(buf, headerLen, buf.subarray(headerLen), pseudo);
  if (verifiesChecksum(rest + value)) return field({ ...common, value: `${hex(value, 4)} [correct]` });
  const expected = finishChecksum(rest);
  return field({ ...common, value: `${hex(value, 4)} [incorrect, should be ${hex(expected, 4)}]`, error: `Bad checksum: expected ${hex(expected, 4)}` });
}

/** Inspector tree for a TCP segment at absolute offset `base`. Never throws. */
export function describeTcp(buf: Uint8Array, base = 0, pseudo?: PseudoHeader): FieldNode {
  const kids: FieldNode[] = [];
  const done = (value: string, end: number): FieldNode =>
    field({ key: 'tcp', name: 'Transmission Control Protocol', value, start: base, end: base + end, rfc: RFC, children: kids });
  const num = (key: string, name: string, at: readonly [number, number], read: (o: number) => number, meaning: string): boolean => {
    if (buf.length < at[1]) {
      kids.push(truncatedField(key, name, base + at[0], base + buf.length, RFC));
      return false;
    }
    kids.push(field({ key, name, value: read(at[0]), start: base + at[0], end: base + at[1], rfc: RFC, meaning }));
    return true;
  };
  const r16 = (o: number): number => u16(buf, o);
  const r32 = (o: number): number => u32(buf, o);
  const fixed: Array<[string, string, readonly [number, number], (o: number) => number, string]> = [
    ['srcport', 'Source Port', TCP_FIELD.SRC_PORT, r16, 'The sending application\'s port.'],
    ['dstport', 'Destination Port', TCP_FIELD.DST_PORT, r16, 'Selects the connection (with the addresses and source port) on the receiving host.'],
    ['seq', 'Sequence Number (raw)', TCP_FIELD.SEQ, r32, 'Number of the first data byte in this segment (on SYN: the initial sequence number).'],
    ['ack', 'Acknowledgment Number (raw)', TCP_FIELD.ACK, r32, 'When ACK is set: the next sequence number the sender expects to receive.'],
  ];
  for (const [key, name, at, read, meaning] of fixed) if (!num(key, name, at, read, meaning)) return done('[truncated]', buf.length);
  const at = TCP_FIELD.OFFSET_FLAGS[0];
  if (buf.length < TCP_FIELD.OFFSET_FLAGS[1]) {
    kids.push(truncatedField('hdr_len', 'Header Length', base + at, base + buf.length, RFC));
    return done('[truncated]', buf.length);
  }
  const headerLen = (buf[at]! >>> 4) * 4;
  const word = u16(buf, at);
  let hdrError: string | undefined;
  if (headerLen < TCP_HEADER_LEN) hdrError = `Header length ${headerLen} is below the 20-byte minimum`;
  else if (headerLen > buf.length) hdrError = `Header length ${headerLen} exceeds the ${buf.length} bytes captured`;
  kids.push(
    field({ key: 'hdr_len', name: 'Header Length', value: `${headerLen} bytes (${headerLen / 4})`, start: base + at, end: base + at + 1, bitMask: 0xf0, rfc: RFC, meaning: 'Data Offset: header size in 32-bit words, i.e. where the data begins.', ...(hdrError ? { error: hdrError } : {}) }),
  );
  kids.push(describeFlags(word, base));
  const dataLen = Math.max(0, buf.length - Math.max(headerLen, TCP_HEADER_LEN));
  const summary = `Src Port: ${u16(buf, 0)}, Dst Port: ${u16(buf, 2)}, Seq: ${u32(buf, 4)}, Ack: ${u32(buf, 8)}, Flags: [${formatTcpFlags(word & FLAG_MASK)}], Len: ${dataLen}`;
  if (!num('window', 'Window', TCP_FIELD.WINDOW, r16, 'How many more bytes the sender can receive, before window scaling.')) return done(summary, buf.length);
  if (buf.length < TCP_FIELD.CHECKSUM[1]) {
    kids.push(truncatedField('checksum', 'Checksum', base + TCP_FIELD.CHECKSUM[0], base + buf.length, RFC));
    return done(summary, buf.length);
  }
  kids.push(describeChecksum(buf, base, headerLen, pseudo));
  if (!num('urgent', 'Urgent Pointer', TCP_FIELD.URGENT, r16, 'When URG is set: offset from Seq to the end of urgent data.')) return done(summary, buf.length);
  if (headerLen > TCP_HEADER_LEN) kids.push(describeTcpOptions(buf, TCP_HEADER_LEN, headerLen, base));
  if (!hdrError && buf.length > headerLen) {
    kids.push(field({ key: 'payload', name: 'TCP payload', value: `${buf.length - headerLen} bytes`, start: base + headerLen, end: base + buf.length, rfc: RFC, meaning: 'Application bytes carried in this segment, numbered from Seq.' }));
  }
  return done(summary, buf.length);
}
