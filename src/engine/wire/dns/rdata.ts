/**
 * RDATA wire codecs, one per type of the `RData` union (types.ts).
 *
 * - Names inside RDATA are compressed only where RFC 3597 §4 allows it: NS, CNAME, SOA, MX, PTR
 *   ("well-known" RFC 1035 types). SRV (RFC 2782), SVCB/HTTPS (RFC 9460 §2.2), RRSIG and NSEC
 *   (RFC 4034 §3.1.7, §4.1.1) are written in full. When reading, pointers are accepted where
 *   RFC 3597 §4 says receivers must decompress (the RFC 1035 types and SRV) and are malformed in
 *   the DNSSEC and SVCB names.
 * - `decodeRData` never throws; it must consume exactly RDLENGTH octets.
 * - `encodeRData` throws RangeError for an invalid representation (bad address text, a string
 *   longer than 255 octets ...): that is a programming error, not bad input from the wire.
 */
import type { ParseResult } from '../result.ts';
import { fail, ok } from '../result.ts';
import { u16, u32 } from '../bytes.ts';
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6, readIpv4 } from '../addr.ts';
import type { RData, SvcParam } from './types.ts';
import { RR_TYPE } from './types.ts';
import type { DnsWriter } from './names.ts';
import { readName } from './names.ts';
import { validateSvcParam } from './svcb.ts';

/** Types whose RDATA names may be compressed when emitting (RFC 3597 §4). */
const COMPRESSIBLE = new Set<number>([RR_TYPE.NS, RR_TYPE.CNAME, RR_TYPE.SOA, RR_TYPE.MX, RR_TYPE.PTR]);

/** The `RData.type` tag used for a numeric TYPE, or 'UNKNOWN' (RFC 3597). */
export function rdataTag(type: number): RData['type'] {
  switch (type) {
    case RR_TYPE.A: return 'A';
    case RR_TYPE.AAAA: return 'AAAA';
    case RR_TYPE.NS: return 'NS';
    case RR_TYPE.CNAME: return 'CNAME';
    case RR_TYPE.PTR: return 'PTR';
    case RR_TYPE.SOA: return 'SOA';
    case RR_TYPE.MX: return 'MX';
    case RR_TYPE.TXT: return 'TXT';
    case RR_TYPE.SRV: return 'SRV';
    case RR_TYPE.CAA: return 'CAA';
    case RR_TYPE.SVCB: return 'SVCB';
    case RR_TYPE.HTTPS: return 'HTTPS';
    case RR_TYPE.DS: return 'DS';
    case RR_TYPE.DNSKEY: return 'DNSKEY';
    case RR_TYPE.RRSIG: return 'RRSIG';
    case RR_TYPE.NSEC: return 'NSEC';
    case RR_TYPE.NSEC3: return 'NSEC3';
    default: return 'UNKNOWN';
  }
}

/** The numeric TYPE an RData carries. */
export function rdataType(rd: RData): number {
  return rd.type === 'UNKNOWN' ? rd.rrType : RR_TYPE[rd.type];
}

// --- Type bitmaps (RFC 4034 §4.1.2) -------------------------------------------------------------

/** Window blocks for a set of types; duplicates are merged, order does not matter. */
export function encodeTypeBitmap(types: readonly number[]): Uint8Array {
  const sorted = [...new Set(types)].sort((a, b) => a - b);
  const out: number[] = [];
  let i = 0;
  while (i < sorted.length) {
    const win = sorted[i]! >> 8;
    const bits = new Uint8Array(32);
    let len = 0;
    for (; i < sorted.length && sorted[i]! >> 8 === win; i++) {
      const low = sorted[i]! & 0xff;
      bits[low >> 3]! |= 0x80 >> (low & 7);
      len = (low >> 3) + 1;
    }
    out.push(win, len, ...bits.subarray(0, len));
  }
  return Uint8Array.from(out);
}

/**
 * Reads window blocks from `b[start, end)`. RFC 4034 §4.1.2: windows in increasing order,
 * bitmap length 1..32; anything else is malformed.
 */
export function decodeTypeBitmap(b: Uint8Array, start: number, end: number): ParseResult<number[]> {
  const types: number[] = [];
  let pos = start;
  let lastWin = -1;
  while (pos < end) {
    if (pos + 2 > end) return fail('truncated', 'type bitmap window header cut short', pos);
    const win = b[pos]!;
    const len = b[pos + 1]!;
    if (win <= lastWin) return fail('malformed', `type bitmap window ${win} out of order (RFC 4034 §4.1.2)`, pos);
    if (len < 1 || len > 32) return fail('malformed', `type bitmap length ${len} not in 1..32 (RFC 4034 §4.1.2)`, pos + 1);
    if (pos + 2 + len > end) return fail('truncated', 'type bitmap runs past RDATA', pos);
    for (let i = 0; i < len; i++) {
      const byte = b[pos + 2 + i]!;
      for (let bit = 0; bit < 8; bit++) if (byte & (0x80 >> bit)) types.push(win * 256 + i * 8 + bit);
    }
    lastWin = win;
    pos += 2 + len;
  }
  return ok(types);
}

// --- Encoding ---------------------------------------------------------------------------------------

function addr4(text: string): Uint8Array {
  const a = parseIpv4(text);
  if (a === undefined) throw new RangeError(`A record address is not IPv4: ${text}`);
  return Uint8Array.of(a >>> 24, (a >>> 16) & 0xff, (a >>> 8) & 0xff, a & 0xff);
}

function addr6(text: string): Uint8Array {
  const a = parseIpv6(text);
  if (!a) throw new RangeError(`AAAA record address is not IPv6: ${text}`);
  return a;
}

function u8s(w: DnsWriter, ...vals: number[]): void {
  for (const v of vals) w.u8(v);
}

function byteString(w: DnsWriter, s: Uint8Array, what: string): void {
  if (s.length > 255) throw new RangeError(`${what} of ${s.length} octets exceeds 255`);
  w.u8(s.length);
  w.bytes(s);
}

/** Writes RDATA (without RDLENGTH) for `rd`. */
export function encodeRData(w: DnsWriter, rd: RData): void {
  const compress = COMPRESSIBLE.has(rdataType(rd));
  switch (rd.type) {
    case 'A': return w.bytes(addr4(rd.address));
    case 'AAAA': return w.bytes(addr6(rd.address));
    case 'NS': case 'CNAME': case 'PTR': return w.name(rd.target, compress);
    case 'SOA':
      w.name(rd.mname, compress);
      w.name(rd.rname, compress);
      for (const v of [rd.serial, rd.refresh, rd.retry, rd.expire, rd.minimum]) w.u32(v);
      return;
    case 'MX':
      w.u16(rd.preference);
      return w.name(rd.exchange, compress);
    case 'TXT':
      for (const s of rd.strings) byteString(w, s, 'TXT character-string');
      return;
    case 'SRV':
      w.u16(rd.priority);
      w.u16(rd.weight);
      w.u16(rd.port);
      return w.name(rd.target, false);
    case 'CAA': {
      const tag = Uint8Array.from(rd.tag, (c) => c.charCodeAt(0) & 0xff);
      w.u8(rd.flags);
      byteString(w, tag, 'CAA tag');
      return w.bytes(rd.value);
    }
    case 'SVCB': case 'HTTPS': {
      w.u16(rd.priority);
      w.name(rd.target, false);
      const params = [...rd.params].sort((a, b) => a.key - b.key); // RFC 9460 §2.2: increasing key order
      for (const p of params) {
        w.u16(p.key);
        w.u16(p.value.length);
        w.bytes(p.value);
      }
      return;
    }
    case 'DS':
      w.u16(rd.keyTag);
      u8s(w, rd.algorithm, rd.digestType);
      return w.bytes(rd.digest);
    case 'DNSKEY':
      w.u16(rd.flags);
      u8s(w, rd.protocol, rd.algorithm);
      return w.bytes(rd.publicKey);
    case 'RRSIG':
      w.u16(rd.typeCovered);
      u8s(w, rd.algorithm, rd.labels);
      w.u32(rd.originalTtl);
      w.u32(rd.expiration);
      w.u32(rd.inception);
      w.u16(rd.keyTag);
      w.name(rd.signerName, false);
      return w.bytes(rd.signature);
    case 'NSEC':
      w.name(rd.nextName, false);
      return w.bytes(encodeTypeBitmap(rd.types));
    case 'NSEC3':
      u8s(w, rd.hashAlgorithm, rd.flags);
      w.u16(rd.iterations);
      byteString(w, rd.salt, 'NSEC3 salt');
      byteString(w, rd.nextHashed, 'NSEC3 next hashed owner');
      return w.bytes(encodeTypeBitmap(rd.types));
    case 'UNKNOWN':
      return w.bytes(rd.data);
  }
}

// --- Decoding ---------------------------------------------------------------------------------------

/** Cursor over one RDATA in the whole message (names may point anywhere before). */
class Rd {
  pos: number;
  constructor(readonly msg: Uint8Array, readonly start: number, readonly end: number, readonly what: string) {
    this.pos = start;
  }
  need(n: number, field: string): ParseResult<never> | undefined {
    if (this.pos + n > this.end) return fail('malformed', `${this.what} RDATA too short for ${field} (RDLENGTH ${this.end - this.start})`, this.pos);
    return undefined;
  }
  u8(): number {
    return this.msg[this.pos++]!;
  }
  u16(): number {
    const v = u16(this.msg, this.pos);
    this.pos += 2;
    return v;
  }
  u32(): number {
    const v = u32(this.msg, this.pos);
    this.pos += 4;
    return v;
  }
  take(n: number): Uint8Array {
    const v = this.msg.slice(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
  rest(): Uint8Array {
    return this.take(this.end - this.pos);
  }
  name(allowPointers: boolean, field: string): ParseResult<string> {
    // Read within the message, but a name must not spill out of its RDATA.
    const r = readName(this.msg.subarray(0, this.end), this.pos, allowPointers);
    if (!r.ok) return fail(r.error.kind === 'truncated' ? 'malformed' : r.error.kind, `${this.what} ${field}: ${r.error.message}`, r.error.offset);
    this.pos = r.value.next;
    return ok(r.value.name);
  }
}

type Result = ParseResult<RData>;

function fixed(rd: Rd, n: number): ParseResult<never> | undefined {
  if (rd.end - rd.start !== n) return fail('malformed', `${rd.what} RDATA must be ${n} octets, got ${rd.end - rd.start}`, rd.start);
  return undefined;
}

/**
 * Decodes the RDATA of `type` at msg[start, start+length). Names may use compression pointers
 * into the rest of `msg` where allowed.
 */
export function decodeRData(msg: Uint8Array, start: number, length: number, type: number): Result {
  const tag = rdataTag(type);
  const rd = new Rd(msg, start, start + length, tag === 'UNKNOWN' ? `TYPE${type}` : tag);
  const r = decodeKnown(rd, tag, type);
  if (!r.ok) return r;
  if (rd.pos !== rd.end) return fail('malformed', `${rd.what} RDATA has ${rd.end - rd.pos} octets left over`, rd.pos);
  return r;
}

function decodeKnown(rd: Rd, tag: RData['type'], type: number): Result {
  const done = (v: RData): Result => ok(v);
  let e: ParseResult<never> | undefined;
  switch (tag) {
    case 'A':
      if ((e = fixed(rd, 4))) return e;
      return done({ type: 'A', address: formatIpv4(readIpv4(rd.take(4), 0)) });
    case 'AAAA':
      if ((e = fixed(rd, 16))) return e;
      return done({ type: 'AAAA', address: formatIpv6(rd.take(16)) });
    case 'NS': case 'CNAME': case 'PTR': {
      const n = rd.name(true, 'target');
      return n.ok ? done({ type: tag, target: n.value }) : n;
    }
    case 'SOA': {
      const m = rd.name(true, 'MNAME');
      if (!m.ok) return m;
      const r = rd.name(true, 'RNAME');
      if (!r.ok) return r;
      if ((e = rd.need(20, 'the serial and timers'))) return e;
      return done({ type: 'SOA', mname: m.value, rname: r.value, serial: rd.u32(), refresh: rd.u32(), retry: rd.u32(), expire: rd.u32(), minimum: rd.u32() });
    }
    case 'MX': {
      if ((e = rd.need(2, 'PREFERENCE'))) return e;
      const preference = rd.u16();
      const x = rd.name(true, 'EXCHANGE');
      return x.ok ? done({ type: 'MX', preference, exchange: x.value }) : x;
    }
    case 'TXT': {
      const strings: Uint8Array[] = [];
      while (rd.pos < rd.end) {
        const len = rd.msg[rd.pos]!;
        if ((e = rd.need(1 + len, 'a character-string'))) return e;
        rd.pos++;
        strings.push(rd.take(len));
      }
      return done({ type: 'TXT', strings });
    }
    case 'SRV': {
      if ((e = rd.need(6, 'priority, weight and port'))) return e;
      const priority = rd.u16(), weight = rd.u16(), port = rd.u16();
      const t = rd.name(true, 'target'); // RFC 3597 §4: receivers decompress SRV
      return t.ok ? done({ type: 'SRV', priority, weight, port, target: t.value }) : t;
    }
    case 'CAA': {
      if ((e = rd.need(2, 'flags and tag length'))) return e;
      const flags = rd.u8();
      const tagLen = rd.u8();
      if (tagLen === 0) return fail('malformed', 'CAA tag length is 0 (RFC 8659 §4.1)', rd.pos - 1);
      if ((e = rd.need(tagLen, 'the tag'))) return e;
      const tagText = String.fromCharCode(...rd.take(tagLen));
      return done({ type: 'CAA', flags, tag: tagText, value: rd.rest() });
    }
    case 'SVCB': case 'HTTPS': return decodeSvcb(rd, tag);
    case 'DS': {
      if ((e = rd.need(4, 'key tag, algorithm and digest type'))) return e;
      return done({ type: 'DS', keyTag: rd.u16(), algorithm: rd.u8(), digestType: rd.u8(), digest: rd.rest() });
    }
    case 'DNSKEY': {
      if ((e = rd.need(4, 'flags, protocol and algorithm'))) return e;
      return done({ type: 'DNSKEY', flags: rd.u16(), protocol: rd.u8(), algorithm: rd.u8(), publicKey: rd.rest() });
    }
    case 'RRSIG': {
      if ((e = rd.need(18, 'the fixed fields'))) return e;
      const typeCovered = rd.u16(), algorithm = rd.u8(), labels = rd.u8();
      const originalTtl = rd.u32(), expiration = rd.u32(), inception = rd.u32(), keyTag = rd.u16();
      const s = rd.name(false, "signer's name"); // RFC 4034 §3.1.7: not compressed
      if (!s.ok) return s;
      return done({ type: 'RRSIG', typeCovered, algorithm, labels, originalTtl, expiration, inception, keyTag, signerName: s.value, signature: rd.rest() });
    }
    case 'NSEC': {
      const n = rd.name(false, 'next domain name'); // RFC 4034 §4.1.1
      if (!n.ok) return n;
      const t = decodeTypeBitmap(rd.msg, rd.pos, rd.end);
      if (!t.ok) return t;
      rd.pos = rd.end;
      return done({ type: 'NSEC', nextName: n.value, types: t.value });
    }
    case 'NSEC3': {
      if ((e = rd.need(5, 'the fixed fields'))) return e;
      const hashAlgorithm = rd.u8(), flags = rd.u8(), iterations = rd.u16();
      const saltLen = rd.u8();
      if ((e = rd.need(saltLen + 1, 'the salt'))) return e;
      const salt = rd.take(saltLen);
      const hashLen = rd.u8();
      if (hashLen === 0) return fail('malformed', 'NSEC3 hash length is 0 (RFC 5155 §3.2)', rd.pos - 1);
      if ((e = rd.need(hashLen, 'the next hashed owner name'))) return e;
      const nextHashed = rd.take(hashLen);
      const t = decodeTypeBitmap(rd.msg, rd.pos, rd.end);
      if (!t.ok) return t;
      rd.pos = rd.end;
      return done({ type: 'NSEC3', hashAlgorithm, flags, iterations, salt, nextHashed, types: t.value });
    }
    case 'UNKNOWN':
      return done({ type: 'UNKNOWN', rrType: type, data: rd.rest() });
  }
}

function decodeSvcb(rd: Rd, tag: 'SVCB' | 'HTTPS'): Result {
  const e = rd.need(2, 'SvcPriority');
  if (e) return e;
  const priority = rd.u16();
  const t = rd.name(false, 'TargetName'); // RFC 9460 §2.2: not compressed
  if (!t.ok) return t;
  const params: SvcParam[] = [];
  let last = -1;
  while (rd.pos < rd.end) {
    const h = rd.need(4, 'a SvcParam header');
    if (h) return h;
    const at = rd.pos;
    const key = rd.u16();
    const len = rd.u16();
    if (key <= last) return fail('malformed', `SvcParamKey ${key} out of order or repeated (RFC 9460 §2.2)`, at);
    const v = rd.need(len, `SvcParam key${key}`);
    if (v) return v;
    const value = rd.take(len);
    const bad = validateSvcParam(key, value);
    if (bad) return fail('malformed', `${tag} ${bad}`, at);
    params.push({ key, value });
    last = key;
  }
  return ok({ type: tag, priority, target: t.value, params });
}
