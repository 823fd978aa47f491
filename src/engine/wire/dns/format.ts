/**
 * Presentation format as dig 9.18 prints it (BIND masterdump, non-multiline style).
 *
 * Checked against dig 9.18 / named-compilezone 9.18 output:
 * - record lines are "owner TTL CLASS TYPE RDATA" aligned to columns 24, 32, 40 and 48 with
 *   BIND's indent rule (tabs of width 8; if a field already reaches the column, one space);
 * - names end with a dot; TXT/CAA strings are quoted with `\"`, `\\` and `\DDD` escapes;
 * - base64 (DNSKEY, RRSIG) and hex (DS digests, RFC 3597 `\#` data) are cut into 56-character
 *   chunks separated by a space; NSEC3 hashes in base32hex (RFC 5155 §3.3), salts in hex
 *   ("-" when empty); RRSIG times as YYYYMMDDHHmmSS UTC (RFC 4034 §3.2);
 * - unknown types and classes as TYPEnnn / CLASSnnn with `\# len hex` RDATA (RFC 3597 §5);
 *   a few types kept as raw RDATA still print in their own syntax (rdata-extra.ts).
 */
import { utcParts } from '../utc.ts';
import type { DnsQuestion, DnsRecord, RData } from './types.ts';
import { escapeCharString, quoteCharString, toBase32Hex, toBase64, toHexUpper } from './encoding.ts';
import { formatSvcParam } from './svcb.ts';
import { formatExtra } from './rdata-extra.ts';

const TYPE_NAMES: Record<number, string> = {
  1: 'A', 2: 'NS', 3: 'MD', 4: 'MF', 5: 'CNAME', 6: 'SOA', 7: 'MB', 8: 'MG', 9: 'MR', 10: 'NULL', 11: 'WKS', 12: 'PTR', 13: 'HINFO',
  14: 'MINFO', 15: 'MX', 16: 'TXT', 17: 'RP', 18: 'AFSDB', 19: 'X25', 20: 'ISDN', 21: 'RT', 22: 'NSAP', 23: 'NSAP-PTR', 24: 'SIG',
  25: 'KEY', 26: 'PX', 27: 'GPOS', 28: 'AAAA', 29: 'LOC', 30: 'NXT', 31: 'EID', 32: 'NIMLOC', 33: 'SRV', 34: 'ATMA', 35: 'NAPTR',
  36: 'KX', 37: 'CERT', 38: 'A6', 39: 'DNAME', 40: 'SINK', 41: 'OPT', 42: 'APL', 43: 'DS', 44: 'SSHFP', 45: 'IPSECKEY', 46: 'RRSIG',
  47: 'NSEC', 48: 'DNSKEY', 49: 'DHCID', 50: 'NSEC3', 51: 'NSEC3PARAM', 52: 'TLSA', 53: 'SMIMEA', 55: 'HIP', 56: 'NINFO',
  57: 'RKEY', 58: 'TALINK', 59: 'CDS', 60: 'CDNSKEY', 61: 'OPENPGPKEY', 62: 'CSYNC', 63: 'ZONEMD', 64: 'SVCB', 65: 'HTTPS',
  99: 'SPF', 104: 'NID', 105: 'L32', 106: 'L64', 107: 'LP', 108: 'EUI48', 109: 'EUI64', 249: 'TKEY', 250: 'TSIG', 251: 'IXFR',
  252: 'AXFR', 253: 'MAILB', 254: 'MAILA', 255: 'ANY', 256: 'URI', 257: 'CAA', 258: 'AVC', 259: 'DOA', 260: 'AMTRELAY',
  261: 'RESINFO', 32768: 'TA', 32769: 'DLV',
};
const TYPE_NUMBERS = new Map(Object.entries(TYPE_NAMES).map(([n, s]) => [s, Number(n)]));

/** Mnemonic for a TYPE, or the RFC 3597 §5 generic form "TYPE1234". */
export function typeName(n: number): string {
  return TYPE_NAMES[n] ?? `TYPE${n}`;
}

/** TYPE for a mnemonic (case-insensitive) or "TYPEnnn"; undefined if neither. */
export function typeFromName(s: string): number | undefined {
  const u = s.toUpperCase();
  const known = TYPE_NUMBERS.get(u);
  if (known !== undefined) return known;
  const m = /^TYPE([0-9]{1,5})$/.exec(u);
  return m && Number(m[1]) <= 0xffff ? Number(m[1]) : undefined;
}

const CLASS_NAMES: Record<number, string> = { 1: 'IN', 3: 'CH', 4: 'HS', 254: 'NONE', 255: 'ANY' };

export function className(n: number): string {
  return CLASS_NAMES[n] ?? `CLASS${n}`;
}

export function classFromName(s: string): number | undefined {
  const u = s.toUpperCase();
  if (u === 'CHAOS') return 3;
  if (u === 'HESIOD') return 4;
  for (const [n, name] of Object.entries(CLASS_NAMES)) if (name === u) return Number(n);
  const m = /^CLASS([0-9]{1,5})$/.exec(u);
  return m && Number(m[1]) <= 0xffff ? Number(m[1]) : undefined;
}

const RCODE_NAMES: Record<number, string> = {
  0: 'NOERROR', 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP', 5: 'REFUSED', 6: 'YXDOMAIN', 7: 'YXRRSET', 8: 'NXRRSET',
  9: 'NOTAUTH', 10: 'NOTZONE', 16: 'BADVERS', 17: 'BADKEY', 18: 'BADTIME', 19: 'BADMODE', 20: 'BADNAME', 21: 'BADALG',
  22: 'BADTRUNC', 23: 'BADCOOKIE',
};

/** RCODE mnemonic as dig prints it in "status:" (the number when unassigned). */
export function rcodeName(n: number): string {
  return RCODE_NAMES[n] ?? String(n);
}

const OPCODE_NAMES = ['QUERY', 'IQUERY', 'STATUS', 'RESERVED3', 'NOTIFY', 'UPDATE'];

export function opcodeName(n: number): string {
  return OPCODE_NAMES[n] ?? `RESERVED${n}`;
}

/** Absolute name with its trailing dot, "." for the root. */
export function fqdn(name: string): string {
  return name === '.' || (name.endsWith('.') && !name.endsWith('\\.')) ? name : `${name}.`;
}

/** BIND's 56-character chunking of long base64/hex fields. */
function chunks(s: string): string {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += 56) out.push(s.slice(i, i + 56));
  return out.join(' ');
}

/** YYYYMMDDHHmmSS (UTC) for seconds since 1970 (RFC 4034 §3.2); no Date in the engine. */
export function formatDnssecTime(secs: number): string {
  const u = utcParts(secs);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return `${String(u.year).padStart(4, '0')}${p2(u.month)}${p2(u.day)}${p2(u.hour)}${p2(u.minute)}${p2(u.second)}`;
}

function typeList(types: readonly number[]): string {
  return [...new Set(types)].sort((a, b) => a - b).map(typeName).join(' ');
}

function unknownRData(data: Uint8Array): string {
  return data.length === 0 ? '\\# 0' : `\\# ${data.length} ${chunks(toHexUpper(data))}`;
}

/** RDATA in presentation format, as dig 9.18 prints it. */
export function formatRData(rr: DnsRecord | RData): string {
  const rd: RData = 'ttl' in rr ? rr.data : rr;
  switch (rd.type) {
    case 'A': case 'AAAA': return rd.address;
    case 'NS': case 'CNAME': case 'PTR': return fqdn(rd.target);
    case 'SOA': return `${fqdn(rd.mname)} ${fqdn(rd.rname)} ${rd.serial} ${rd.refresh} ${rd.retry} ${rd.expire} ${rd.minimum}`;
    case 'MX': return `${rd.preference} ${fqdn(rd.exchange)}`;
    case 'TXT': return rd.strings.length ? rd.strings.map(quoteCharString).join(' ') : '""';
    case 'SRV': return `${rd.priority} ${rd.weight} ${rd.port} ${fqdn(rd.target)}`;
    case 'CAA': return `${rd.flags} ${rd.tag} ${quoteCharString(rd.value)}`;
    case 'SVCB': case 'HTTPS': return [String(rd.priority), fqdn(rd.target), ...rd.params.map(formatSvcParam)].join(' ');
    case 'DS': return `${rd.keyTag} ${rd.algorithm} ${rd.digestType} ${chunks(toHexUpper(rd.digest))}`;
    case 'DNSKEY': return `${rd.flags} ${rd.protocol} ${rd.algorithm} ${chunks(toBase64(rd.publicKey))}`;
    case 'RRSIG':
      return `${typeName(rd.typeCovered)} ${rd.algorithm} ${rd.labels} ${rd.originalTtl} ${formatDnssecTime(rd.expiration)} ${formatDnssecTime(rd.inception)} ${rd.keyTag} ${fqdn(rd.signerName)} ${chunks(toBase64(rd.signature))}`;
    case 'NSEC': return [fqdn(rd.nextName), typeList(rd.types)].filter((s) => s !== '').join(' ');
    case 'NSEC3': {
      const salt = rd.salt.length ? toHexUpper(rd.salt) : '-';
      return [`${rd.hashAlgorithm} ${rd.flags} ${rd.iterations} ${salt} ${toBase32Hex(rd.nextHashed)}`, typeList(rd.types)].filter((s) => s !== '').join(' ');
    }
    case 'UNKNOWN': return formatExtra(rd.rrType, rd.data) ?? unknownRData(rd.data);
  }
}

/** Moves from column `from` to column `to` the way BIND's masterdump indent() does. */
function indent(from: number, to: number): { text: string; col: number } {
  const target = Math.max(to, from + 1);
  const ntabs = Math.floor(target / 8) - Math.floor(from / 8);
  const text = ntabs > 0 ? '\t'.repeat(ntabs) + ' '.repeat(target % 8) : ' '.repeat(target - from);
  return { text, col: target };
}

function columns(fields: readonly [string, number][], last: string): string {
  let out = '';
  let col = 0;
  for (const [text, next] of fields) {
    out += text;
    col += text.length;
    const ind = indent(col, next);
    out += ind.text;
    col = ind.col;
  }
  return out + last;
}

/** A resource record line as in dig 9.18's answer section ("www.example.com.\t\t300\tIN\tA\t192.0.2.1"). */
export function formatRecord(rr: DnsRecord): string {
  return columns(
    [
      [fqdn(rr.name), 24],
      [String(rr.ttl), 32],
      [className(rr.class), 40],
      [typeName(rr.type), 48],
    ],
    formatRData(rr),
  );
}

/**
 * A question line as in dig 9.18's question section (";www.example.com.\t\tIN\tA"). dig writes
 * the ";" before the name without counting it in the column arithmetic.
 */
export function formatQuestion(q: DnsQuestion): string {
  return `;${columns(
    [
      [fqdn(q.name), 32],
      [className(q.class), 40],
    ],
    typeName(q.type),
  )}`;
}

/** Text of one character-string, escaped but unquoted (for callers building their own lines). */
export function formatCharString(b: Uint8Array): string {
  return escapeCharString(b);
}
