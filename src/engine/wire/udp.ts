/**
 * UDP, RFC 768; over IPv6 per RFC 8200 §8.1.
 *
 * Invariants:
 * - `parseUdp` never throws. Fewer than 8 bytes, or a Length field beyond the buffer, is
 *   'truncated'; a Length field below 8 is 'malformed'. Bytes after Length (link padding) are
 *   ignored. A bad checksum is not an error: it is reported as `checksumOk: false`.
 * - `emitUdp` cannot fail into a buffer with `UDP_HEADER_LEN + payload.length` bytes free at `off`
 *   (the datagram must fit the 16-bit Length field, i.e. payload ≤ 65527 bytes).
 * - The checksum covers pseudo-header + header + payload. A computed 0 is sent as 0xffff
 *   (RFC 768); a received 0 means "not computed", which is allowed over IPv4 only.
 * - `describeUdp` never throws and does not interpret the payload.
 */
import { finishChecksum, payloadSum, pseudoHeaderSum, sum16, verifiesChecksum } from './checksum.ts';
import type { PseudoHeader } from './checksum.ts';
import type { FieldNode } from './field.ts';
import { field, hex, truncatedField } from './field.ts';
import type { ParseResult } from './result.ts';
import { fail, ok } from './result.ts';
import { u16, put16 } from './bytes.ts';

export const UDP_HEADER_LEN = 8;
const IP_PROTO_UDP = 17;
const RFC = 'RFC 768';

/** Byte ranges [start, end) of the UDP header (RFC 768 "Format"). */
export const UDP_FIELD = {
  SRC_PORT: [0, 2],
  DST_PORT: [2, 4],
  LENGTH: [4, 6],
  CHECKSUM: [6, 8],
} as const;

export interface UdpRepr {
  srcPort: number;
  dstPort: number;
}

export interface UdpDatagram {
  repr: UdpRepr;
  /** The Length field: header + payload bytes. */
  length: number;
  checksum: number;
  /** True if verified, if the pseudo-header is unknown, or if the checksum is 0 over IPv4. */
  checksumOk: boolean;
  /** Zero-copy subarray of the input: bytes 8 .. Length. */
  payload: Uint8Array;
}


/** Zero-copy view of a UDP header. `check` validates the length once. */
export class UdpView {
  private constructor(readonly buf: Uint8Array) {}

  static check(buf: Uint8Array): ParseResult<UdpView> {
    if (buf.length < UDP_HEADER_LEN) return fail('truncated', `UDP header needs 8 bytes, got ${buf.length}`, buf.length);
    return ok(new UdpView(buf));
  }

  /** Wraps a buffer already known to hold 8 bytes (e.g. one we are about to emit into). */
  static unchecked(buf: Uint8Array): UdpView {
    return new UdpView(buf);
  }

  get srcPort(): number {
    return u16(this.buf, UDP_FIELD.SRC_PORT[0]);
  }
  set srcPort(v: number) {
    put16(this.buf, UDP_FIELD.SRC_PORT[0], v);
  }
  get dstPort(): number {
    return u16(this.buf, UDP_FIELD.DST_PORT[0]);
  }
  set dstPort(v: number) {
    put16(this.buf, UDP_FIELD.DST_PORT[0], v);
  }
  get length(): number {
    return u16(this.buf, UDP_FIELD.LENGTH[0]);
  }
  set length(v: number) {
    put16(this.buf, UDP_FIELD.LENGTH[0], v);
  }
  get checksum(): number {
    return u16(this.buf, UDP_FIELD.CHECKSUM[0]);
  }
  set checksum(v: number) {
    put16(this.buf, UDP_FIELD.CHECKSUM[0], v);
  }
}

/** Unfolded sum of pseudo-header + header without its Checksum field + payload. */
function sumWithoutChecksum(header: Uint8Array, payload: Uint8Array, pseudo: PseudoHeader): number {
  const len = UDP_HEADER_LEN + payload.length;
  return pseudoHeaderSum(pseudo, IP_PROTO_UDP, len) + sum16(header, 0, UDP_FIELD.CHECKSUM[0]) + payloadSum(payload);
}

/** The value for the Checksum field; never 0 (RFC 768: a computed zero "is transmitted as all ones"). */
function checksumFor(header: Uint8Array, payload: Uint8Array, pseudo: PseudoHeader): number {
  const c = finishChecksum(sumWithoutChecksum(header, payload, pseudo));
  return c === 0 ? 0xffff : c;
}

function checksumVerifies(header: Uint8Array, payload: Uint8Array, pseudo: PseudoHeader): boolean {
  return verifiesChecksum(sumWithoutChecksum(header, payload, pseudo) + u16(header, UDP_FIELD.CHECKSUM[0]));
}

export function udpLength(payload: Uint8Array): number {
  return UDP_HEADER_LEN + payload.length;
}

/** Writes header + payload at `off` with the checksum filled in; returns 8 + payload.length. */
export function emitUdp(repr: UdpRepr, payload: Uint8Array, pseudo: PseudoHeader, buf: Uint8Array, off = 0): number {
  const len = udpLength(payload);
  if (len > 0xffff) throw new RangeError(`UDP datagram of ${len} bytes does not fit the 16-bit Length field`);
  const header = buf.subarray(off, off + UDP_HEADER_LEN);
  const v = UdpView.unchecked(header);
  v.srcPort = repr.srcPort;
  v.dstPort = repr.dstPort;
  v.length = len;
  buf.set(payload, off + UDP_HEADER_LEN);
  v.checksum = checksumFor(header, payload, pseudo);
  return len;
}

export function buildUdp(repr: UdpRepr, payload: Uint8Array, pseudo: PseudoHeader): Uint8Array {
  const buf = new Uint8Array(udpLength(payload));
  emitUdp(repr, payload, pseudo, buf);
  return buf;
}

function checksumVerdict(buf: Uint8Array, length: number, pseudo: PseudoHeader | undefined): boolean {
  if (!pseudo) return true;
  // RFC 768: 0 = no checksum (IPv4 only); RFC 8200 §8.1: IPv6 receivers must discard it.
  if (u16(buf, UDP_FIELD.CHECKSUM[0]) === 0) return pseudo.v === 4;
  return checksumVerifies(buf, buf.subarray(UDP_HEADER_LEN, length), pseudo);
}

/** Parses the IP payload `buf` as a UDP datagram. Never throws. */
export function parseUdp(buf: Uint8Array, pseudo?: PseudoHeader): ParseResult<UdpDatagram> {
  const checked = UdpView.check(buf);
  if (!checked.ok) return checked;
  const v = checked.value;
  const length = v.length;
  if (length < UDP_HEADER_LEN) return fail('malformed', `UDP Length ${length} is less than the 8-byte header`, UDP_FIELD.LENGTH[0]);
  if (length > buf.length) return fail('truncated', `UDP Length ${length} exceeds the ${buf.length} bytes available`, UDP_FIELD.LENGTH[0]);
  return ok({
    repr: { srcPort: v.srcPort, dstPort: v.dstPort },
    length,
    checksum: v.checksum,
    checksumOk: checksumVerdict(buf, length, pseudo),
    payload: buf.subarray(UDP_HEADER_LEN, length),
  });
}

function describeChecksum(buf: Uint8Array, base: number, length: number | undefined, pseudo: PseudoHeader | undefined): FieldNode {
  const value = u16(buf, UDP_FIELD.CHECKSUM[0]);
  const common = {
    key: 'checksum',
    name: 'Checksum',
    start: base + UDP_FIELD.CHECKSUM[0],
    end: base + UDP_FIELD.CHECKSUM[1],
    rfc: pseudo?.v === 6 ? 'RFC 8200 §8.1' : RFC,
    meaning: 'One\'s-complement sum over a pseudo-header (the IP addresses), the UDP header and the data, so corruption or misdelivery is detected.',
  };
  if (value === 0) {
    if (pseudo?.v === 6) return field({ ...common, value: '0x0000 [illegal]', error: 'A zero UDP checksum is not allowed over IPv6 (RFC 8200 §8.1)' });
    return field({ ...common, value: '0x0000 [zero-value ignored]' });
  }
  if (!pseudo || length === undefined) return field({ ...common, value: `${hex(value, 4)} [unverified]` });
  const payload = buf.subarray(UDP_HEADER_LEN, length);
  if (checksumVerifies(buf, payload, pseudo)) return field({ ...common, value: `${hex(value, 4)} [correct]` });
  const expected = checksumFor(buf, payload, pseudo);
  return field({ ...common, value: `${hex(value, 4)} [incorrect, should be ${hex(expected, 4)}]`, error: `Bad checksum: expected ${hex(expected, 4)}` });
}

/** Inspector tree for a UDP datagram at absolute offset `base`. Never throws. */
export function describeUdp(buf: Uint8Array, base = 0, pseudo?: PseudoHeader): FieldNode {
  const kids: FieldNode[] = [];
  const has = (end: number): boolean => buf.length >= end;
  const port = (key: string, name: string, at: readonly [number, number], meaning: string): boolean => {
    if (!has(at[1])) {
      kids.push(truncatedField(key, name, base + at[0], base + buf.length, RFC));
      return false;
    }
    kids.push(field({ key, name, value: u16(buf, at[0]), start: base + at[0], end: base + at[1], rfc: RFC, meaning }));
    return true;
  };
  const done = (value: string, end: number): FieldNode =>
    field({ key: 'udp', name: 'User Datagram Protocol', value, start: base, end: base + end, rfc: RFC, children: kids });

  if (!port('srcport', 'Source Port', UDP_FIELD.SRC_PORT, 'The sender\'s port, where replies should go (0 if none).')) return done('[truncated]', buf.length);
  if (!port('dstport', 'Destination Port', UDP_FIELD.DST_PORT, 'Selects the application on the receiving host that gets this datagram.')) return done('[truncated]', buf.length);
  const summary = `Src Port: ${u16(buf, 0)}, Dst Port: ${u16(buf, 2)}`;
  if (!has(UDP_FIELD.LENGTH[1])) {
    kids.push(truncatedField('length', 'Length', base + UDP_FIELD.LENGTH[0], base + buf.length, RFC));
    return done(summary, buf.length);
  }
  const length = u16(buf, UDP_FIELD.LENGTH[0]);
  let lengthError: string | undefined;
  if (length < UDP_HEADER_LEN) lengthError = `Length ${length} is less than the 8-byte header`;
  else if (length > buf.length) lengthError = `Length ${length} exceeds the ${buf.length} bytes captured`;
  kids.push(
    field({
      key: 'length',
      name: 'Length',
      value: length,
      start: base + UDP_FIELD.LENGTH[0],
      end: base + UDP_FIELD.LENGTH[1],
      rfc: RFC,
      meaning: 'Size of header plus data in bytes (at least 8).',
      ...(lengthError ? { error: lengthError } : {}),
    }),
  );
  if (!has(UDP_FIELD.CHECKSUM[1])) {
    kids.push(truncatedField('checksum', 'Checksum', base + UDP_FIELD.CHECKSUM[0], base + buf.length, RFC));
    return done(summary, buf.length);
  }
  const validLength = lengthError ? undefined : length;
  kids.push(describeChecksum(buf, base, validLength, pseudo));
  const end = validLength ?? buf.length;
  if (end > UDP_HEADER_LEN) {
    kids.push(
      field({
        key: 'payload',
        name: 'Payload',
        value: `${end - UDP_HEADER_LEN} bytes`,
        start: base + UDP_HEADER_LEN,
        end: base + end,
        rfc: RFC,
        meaning: 'The application data; UDP delivers it as one message, without ordering or retransmission.',
      }),
    );
  }
  return done(summary, end);
}
