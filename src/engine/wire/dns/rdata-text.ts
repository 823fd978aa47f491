/**
 * RDATA from presentation text (RFC 1035 §5.1 master files; per-type syntax from each type's
 * RFC), shared by the zone-file parser and anything that reads records typed by a user.
 *
 * Input is a list of tokens already split by the master-file lexer: `text` keeps backslash
 * escapes (names and character-strings interpret them), `quoted` says the token was in quotes.
 * Relative names are completed with `origin`; "@" is the origin. Errors are readable sentences
 * ("MX needs a preference and an exchange name").
 */
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from '../addr.ts';
import type { RData, SvcParam } from './types.ts';
import { RR_TYPE } from './types.ts';
import { labelsToName, nameToLabels } from './names.ts';
import { fromBase32Hex, fromBase64, fromHex, unescapeText } from './encoding.ts';
import { typeFromName, typeName } from './format.ts';
import { decodeRData, rdataTag } from './rdata.ts';
import { parseSvcParamText, svcKeyName } from './svcb.ts';
import { parseExtra } from './rdata-extra.ts';

export interface TextToken {
  readonly text: string;
  readonly quoted: boolean;
}

type Out = RData | string;

/** DNSSEC algorithm mnemonics (IANA "DNS Security Algorithm Numbers"), accepted like BIND does. */
const ALGORITHMS: Record<string, number> = {
  RSAMD5: 1, DH: 2, DSA: 3, RSASHA1: 5, 'DSA-NSEC3-SHA1': 6, NSEC3DSA: 6, 'RSASHA1-NSEC3-SHA1': 7, NSEC3RSASHA1: 7, RSASHA256: 8,
  RSASHA512: 10, 'ECC-GOST': 12, ECDSAP256SHA256: 13, ECDSAP384SHA384: 14, ED25519: 15, ED448: 16, INDIRECT: 252, PRIVATEDNS: 253, PRIVATEOID: 254,
};

/** "@", relative or absolute name text → representation name, or an error. */
export function resolveName(text: string, origin: string | undefined, what: string): string | { error: string } {
  let full: string;
  if (text === '@') {
    if (origin === undefined) return { error: `${what} "@" needs an origin ($ORIGIN or the zone name)` };
    full = origin;
  } else if (text.endsWith('.') && !/(^|[^\\])(\\\\)*\\\.$/.test(text)) {
    full = text;
  } else {
    if (origin === undefined) return { error: `${what} "${text}" is relative but no $ORIGIN is set` };
    full = origin === '.' ? `${text}.` : `${text}.${origin}`;
  }
  const labels = nameToLabels(full);
  if (typeof labels === 'string') return { error: `${what}: ${labels}` };
  return labelsToName(labels);
}

/** Unsigned integer in [0, max]; undefined if not one. */
export function parseUint(text: string, max: number): number | undefined {
  if (!/^[0-9]+$/.test(text)) return undefined;
  const n = Number(text);
  return n <= max ? n : undefined;
}

/**
 * A TTL or SOA timer: seconds, or BIND's unit form ("1h30m", "2w", "1D"), RFC 2308 §4 / BIND
 * manual "TTLs". Undefined if malformed or above 2^31 − 1 (RFC 2181 §8).
 */
export function parseTtl(text: string): number | undefined {
  if (/^[0-9]+$/.test(text)) {
    const n = Number(text);
    return n <= 0x7fffffff ? n : undefined;
  }
  if (!/^([0-9]+[wdhms])+$/i.test(text)) return undefined;
  const mult: Record<string, number> = { w: 604800, d: 86400, h: 3600, m: 60, s: 1 };
  let total = 0;
  for (const m of text.toLowerCase().matchAll(/([0-9]+)([wdhms])/g)) total += Number(m[1]) * mult[m[2]!]!;
  return total <= 0x7fffffff ? total : undefined;
}

/** RRSIG time: YYYYMMDDHHmmSS (UTC) or plain seconds (RFC 4034 §3.2). */
export function parseDnssecTime(text: string): number | undefined {
  if (/^[0-9]{14}$/.test(text)) {
    const [y, mo, d, h, mi, s] = [0, 4, 6, 8, 10, 12].map((i, k) => Number(text.slice(i, k === 0 ? 4 : i + 2)));
    if (mo! < 1 || mo! > 12 || d! < 1 || d! > 31 || h! > 23 || mi! > 59 || s! > 60) return undefined;
    // Days from civil (H. Hinnant).
    const yy = y! - (mo! <= 2 ? 1 : 0);
    const era = Math.floor(yy / 400);
    const yoe = yy - era * 400;
    const doy = Math.floor((153 * (mo! + (mo! > 2 ? -3 : 9)) + 2) / 5) + d! - 1;
    const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
    const secs = (era * 146097 + doe - 719468) * 86400 + h! * 3600 + mi! * 60 + s!;
    return secs >= 0 && secs <= 0xffffffff ? secs : undefined;
  }
  return parseUint(text, 0xffffffff);
}

function algorithm(text: string): number | undefined {
  return parseUint(text, 255) ?? ALGORITHMS[text.toUpperCase()];
}

function charString(t: TextToken, what: string): Uint8Array | string {
  const b = unescapeText(t.text);
  if (typeof b === 'string') return `${what}: ${b}`;
  if (b.length > 255) return `${what} is ${b.length} octets; a character-string holds at most 255 (RFC 1035 §3.3)`;
  return b;
}

function types(tokens: readonly TextToken[], what: string): number[] | string {
  const out: number[] = [];
  for (const t of tokens) {
    const n = typeFromName(t.text);
    if (n === undefined) return `${what}: unknown type "${t.text}"`;
    out.push(n);
  }
  return out;
}

/** RFC 3597 §5 generic RDATA: `\# length hex...`. */
function generic(type: number, tokens: readonly TextToken[]): Out {
  const len = tokens[1] ? parseUint(tokens[1].text, 65535) : undefined;
  if (len === undefined) return '\\# needs a length and hex data (RFC 3597 §5)';
  const data = fromHex(tokens.slice(2).map((t) => t.text).join(''));
  if (!data) return '\\# data must be hexadecimal (RFC 3597 §5)';
  if (data.length !== len) return `\\# says ${len} octets but the hex has ${data.length} (RFC 3597 §5)`;
  if (rdataTag(type) === 'UNKNOWN') return { type: 'UNKNOWN', rrType: type, data };
  const d = decodeRData(data, 0, data.length, type);
  return d.ok ? d.value : `\\# data is not valid ${typeName(type)} RDATA: ${d.error.message}`;
}

/** Parses the RDATA tokens of a record of numeric `type`. */
export function parseRDataText(type: number, tokens: readonly TextToken[], origin?: string): RData | { error: string } {
  const r = parse(type, tokens, origin);
  return typeof r === 'string' ? { error: r } : r;
}

function parse(type: number, tk: readonly TextToken[], origin: string | undefined): Out {
  const tn = typeName(type);
  if (tk[0] && !tk[0].quoted && tk[0].text === '\\#') return generic(type, tk);
  const name = (i: number, what: string): string | { error: string } => (tk[i] ? resolveName(tk[i]!.text, origin, `${tn} ${what}`) : { error: `${tn} is missing its ${what}` });
  const count = (n: number, usage: string): string | undefined => (tk.length === n ? undefined : tk.length < n ? `${tn} needs ${usage}` : `${tn} has ${tk.length - n} unexpected extra field(s) after ${usage}`);
  let e: string | undefined;
  switch (type) {
    case RR_TYPE.A: {
      if ((e = count(1, 'an IPv4 address'))) return e;
      const a = parseIpv4(tk[0]!.text);
      return a === undefined ? `A needs an IPv4 address, got "${tk[0]!.text}"` : { type: 'A', address: formatIpv4(a) };
    }
    case RR_TYPE.AAAA: {
      if ((e = count(1, 'an IPv6 address'))) return e;
      const a = parseIpv6(tk[0]!.text);
      return a === undefined ? `AAAA needs an IPv6 address, got "${tk[0]!.text}"` : { type: 'AAAA', address: formatIpv6(a) };
    }
    case RR_TYPE.NS: case RR_TYPE.CNAME: case RR_TYPE.PTR: {
      if ((e = count(1, 'a target name'))) return e;
      const n = name(0, 'target');
      return typeof n === 'string' ? { type: rdataTag(type) as 'NS' | 'CNAME' | 'PTR', target: n } : n.error;
    }
    case RR_TYPE.MX: {
      if ((e = count(2, 'a preference and an exchange name'))) return e;
      const pref = parseUint(tk[0]!.text, 65535);
      if (pref === undefined) return `MX preference must be a number 0..65535, got "${tk[0]!.text}"`;
      const n = name(1, 'exchange');
      return typeof n === 'string' ? { type: 'MX', preference: pref, exchange: n } : n.error;
    }
    case RR_TYPE.SOA: {
      if ((e = count(7, 'MNAME RNAME SERIAL REFRESH RETRY EXPIRE MINIMUM'))) return e;
      const m = name(0, 'MNAME');
      if (typeof m !== 'string') return m.error;
      const r = name(1, 'RNAME');
      if (typeof r !== 'string') return r.error;
      const serial = parseUint(tk[2]!.text, 0xffffffff);
      if (serial === undefined) return `SOA serial must be a number 0..4294967295, got "${tk[2]!.text}"`;
      const timers: number[] = [];
      for (const [i, label] of [[3, 'refresh'], [4, 'retry'], [5, 'expire'], [6, 'minimum']] as const) {
        const v = parseTtl(tk[i]!.text);
        if (v === undefined) return `SOA ${label} must be a time (seconds or like 1h30m), got "${tk[i]!.text}"`;
        timers.push(v);
      }
      return { type: 'SOA', mname: m, rname: r, serial, refresh: timers[0]!, retry: timers[1]!, expire: timers[2]!, minimum: timers[3]! };
    }
    case RR_TYPE.TXT: {
      if (tk.length === 0) return 'TXT needs at least one string';
      const strings: Uint8Array[] = [];
      for (const t of tk) {
        const s = charString(t, 'TXT string');
        if (typeof s === 'string') return s;
        strings.push(s);
      }
      return { type: 'TXT', strings };
    }
    case RR_TYPE.SRV: {
      if ((e = count(4, 'priority, weight, port and target'))) return e;
      const nums = tk.slice(0, 3).map((t) => parseUint(t.text, 65535));
      if (nums.some((n) => n === undefined)) return 'SRV priority, weight and port must be numbers 0..65535';
      const n = name(3, 'target');
      return typeof n === 'string' ? { type: 'SRV', priority: nums[0]!, weight: nums[1]!, port: nums[2]!, target: n } : n.error;
    }
    case RR_TYPE.CAA: {
      if ((e = count(3, 'flags, a tag and a value'))) return e;
      const flags = parseUint(tk[0]!.text, 255);
      if (flags === undefined) return `CAA flags must be a number 0..255, got "${tk[0]!.text}"`;
      const tag = tk[1]!.text;
      if (!/^[A-Za-z0-9]{1,15}$/.test(tag)) return `CAA tag must be 1..15 letters or digits (RFC 8659 §4.1), got "${tag}"`;
      const value = unescapeText(tk[2]!.text);
      if (typeof value === 'string') return `CAA value: ${value}`;
      return { type: 'CAA', flags, tag, value };
    }
    case RR_TYPE.SVCB: case RR_TYPE.HTTPS: return svcb(rdataTag(type) as 'SVCB' | 'HTTPS', tk, origin);
    case RR_TYPE.DS: {
      if (tk.length < 4) return 'DS needs a key tag, algorithm, digest type and digest';
      const keyTag = parseUint(tk[0]!.text, 65535), alg = algorithm(tk[1]!.text), dt = parseUint(tk[2]!.text, 255);
      if (keyTag === undefined || alg === undefined || dt === undefined) return 'DS key tag, algorithm and digest type must be numbers';
      const digest = fromHex(tk.slice(3).map((t) => t.text).join(''));
      return digest ? { type: 'DS', keyTag, algorithm: alg, digestType: dt, digest } : 'DS digest must be hexadecimal';
    }
    case RR_TYPE.DNSKEY: {
      if (tk.length < 4) return 'DNSKEY needs flags, protocol, algorithm and a base64 public key';
      const flags = parseUint(tk[0]!.text, 65535), protocol = parseUint(tk[1]!.text, 255), alg = algorithm(tk[2]!.text);
      if (flags === undefined || protocol === undefined || alg === undefined) return 'DNSKEY flags, protocol and algorithm must be numbers';
      const key = fromBase64(tk.slice(3).map((t) => t.text).join(''));
      return key ? { type: 'DNSKEY', flags, protocol, algorithm: alg, publicKey: key } : 'DNSKEY public key must be base64';
    }
    case RR_TYPE.RRSIG: {
      if (tk.length < 9) return 'RRSIG needs type covered, algorithm, labels, original TTL, expiration, inception, key tag, signer and signature';
      const covered = typeFromName(tk[0]!.text);
      if (covered === undefined) return `RRSIG type covered "${tk[0]!.text}" is not a type`;
      const alg = algorithm(tk[1]!.text), labels = parseUint(tk[2]!.text, 255), ottl = parseTtl(tk[3]!.text);
      const exp = parseDnssecTime(tk[4]!.text), inc = parseDnssecTime(tk[5]!.text), keyTag = parseUint(tk[6]!.text, 65535);
      if ([alg, labels, ottl, exp, inc, keyTag].some((v) => v === undefined)) return 'RRSIG algorithm, labels, TTL, times (YYYYMMDDHHmmSS) and key tag must be valid numbers';
      const signer = name(7, "signer's name");
      if (typeof signer !== 'string') return signer.error;
      const sig = fromBase64(tk.slice(8).map((t) => t.text).join(''));
      if (!sig) return 'RRSIG signature must be base64';
      return { type: 'RRSIG', typeCovered: covered, algorithm: alg!, labels: labels!, originalTtl: ottl!, expiration: exp!, inception: inc!, keyTag: keyTag!, signerName: signer, signature: sig };
    }
    case RR_TYPE.NSEC: {
      if (tk.length < 1) return 'NSEC needs a next domain name';
      const next = name(0, 'next domain name');
      if (typeof next !== 'string') return next.error;
      const t = types(tk.slice(1), 'NSEC');
      return typeof t === 'string' ? t : { type: 'NSEC', nextName: next, types: t };
    }
    case RR_TYPE.NSEC3: {
      if (tk.length < 5) return 'NSEC3 needs hash algorithm, flags, iterations, salt and next hashed owner';
      const alg = parseUint(tk[0]!.text, 255), flags = parseUint(tk[1]!.text, 255), it = parseUint(tk[2]!.text, 65535);
      if (alg === undefined || flags === undefined || it === undefined) return 'NSEC3 hash algorithm, flags and iterations must be numbers';
      const salt = tk[3]!.text === '-' ? new Uint8Array(0) : fromHex(tk[3]!.text);
      if (!salt || salt.length > 255) return 'NSEC3 salt must be hex (or "-" for none)';
      const next = fromBase32Hex(tk[4]!.text);
      if (!next || next.length === 0) return 'NSEC3 next hashed owner must be base32hex (RFC 5155 §3.3)';
      const t = types(tk.slice(5), 'NSEC3');
      return typeof t === 'string' ? t : { type: 'NSEC3', hashAlgorithm: alg, flags, iterations: it, salt, nextHashed: next, types: t };
    }
    default: {
      const extra = parseExtra(type, tk, (text, what) => resolveName(text, origin, `${tn} ${what}`));
      if (extra instanceof Uint8Array) return { type: 'UNKNOWN', rrType: type, data: extra };
      if (typeof extra === 'string') return extra;
      return `type ${tn} is not supported in text form here; write its RDATA in the RFC 3597 form: \\# <length> <hex>`;
    }
  }
}

function svcb(tag: 'SVCB' | 'HTTPS', tk: readonly TextToken[], origin: string | undefined): Out {
  if (tk.length < 2) return `${tag} needs a priority and a target name`;
  const priority = parseUint(tk[0]!.text, 65535);
  if (priority === undefined) return `${tag} priority must be a number 0..65535, got "${tk[0]!.text}"`;
  const target = tk[1]!.text === '.' ? '.' : resolveName(tk[1]!.text, origin, `${tag} target`);
  if (typeof target !== 'string') return target.error;
  const params: SvcParam[] = [];
  for (let i = 2; i < tk.length; i++) {
    const t = tk[i]!.text;
    const eq = t.indexOf('=');
    const key = eq < 0 ? t : t.slice(0, eq);
    let value = eq < 0 ? undefined : t.slice(eq + 1);
    if (value === '' && tk[i + 1]?.quoted) value = tk[++i]!.text; // key= "value"
    const p = parseSvcParamText(key, value);
    if (typeof p === 'string') return `${tag} ${p}`;
    if (params.some((q) => q.key === p.key)) return `${tag} SvcParam ${key} appears twice (RFC 9460 §2.2)`;
    params.push(p);
  }
  params.sort((a, b) => a.key - b.key);
  const mandatory = params.find((p) => p.key === 0);
  if (mandatory) {
    for (let i = 0; i < mandatory.value.length; i += 2) {
      const k = (mandatory.value[i]! << 8) | mandatory.value[i + 1]!;
      if (!params.some((p) => p.key === k)) return `${tag} mandatory lists ${svcKeyName(k)} but it is not present (RFC 9460 §8)`;
    }
  }
  return { type: tag, priority, target, params };
}
