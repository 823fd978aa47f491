/**
 * Presentation format for a few more types that the RData union carries as 'UNKNOWN' (raw
 * RDATA, RFC 3597): HINFO, RP, DNAME, SPF, SSHFP, NSEC3PARAM, TLSA, CDS, CDNSKEY, URI. dig
 * prints them in their own syntax, and zone files write them that way, so `formatRData` and the
 * zone-file parser use these. Names inside are never compressed (DNAME: RFC 6672 §2.5).
 */
import { u16 } from '../bytes.ts';
import { nameToLabels, readName } from './names.ts';
import { escapeCharString, fromBase64, fromHex, toBase64, toHexUpper, unescapeText } from './encoding.ts';
import type { TextToken } from './rdata-text.ts';

export const EXTRA_TYPE = { HINFO: 13, RP: 17, SSHFP: 44, DNAME: 39, NSEC3PARAM: 51, TLSA: 52, CDS: 59, CDNSKEY: 60, SPF: 99, URI: 256 } as const;

function chunks(s: string): string {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += 56) out.push(s.slice(i, i + 56));
  return out.join(' ');
}

/** Reads character-strings covering all of `d`, or undefined. */
function strings(d: Uint8Array): Uint8Array[] | undefined {
  const out: Uint8Array[] = [];
  for (let i = 0; i < d.length; i += 1 + d[i]!) {
    if (i + 1 + d[i]! > d.length) return undefined;
    out.push(d.subarray(i + 1, i + 1 + d[i]!));
  }
  return out;
}

/** Uncompressed names filling `d` exactly (count of them), or undefined. */
function names(d: Uint8Array, count: number): string[] | undefined {
  const out: string[] = [];
  let pos = 0;
  for (let i = 0; i < count; i++) {
    const r = readName(d, pos, false);
    if (!r.ok) return undefined;
    out.push(r.value.name === '.' ? '.' : `${r.value.name}.`);
    pos = r.value.next;
  }
  return pos === d.length ? out : undefined;
}

const q = (b: Uint8Array): string => `"${escapeCharString(b)}"`;

/** Presentation text of RDATA for an extra type, or undefined (caller prints `\#`). */
export function formatExtra(type: number, d: Uint8Array): string | undefined {
  switch (type) {
    case EXTRA_TYPE.HINFO: {
      const s = strings(d);
      return s && s.length === 2 ? s.map(q).join(' ') : undefined;
    }
    case EXTRA_TYPE.SPF: {
      const s = strings(d);
      return s && s.length ? s.map(q).join(' ') : undefined;
    }
    case EXTRA_TYPE.DNAME: return names(d, 1)?.[0];
    case EXTRA_TYPE.RP: return names(d, 2)?.join(' ');
    case EXTRA_TYPE.SSHFP: return d.length > 2 ? `${d[0]} ${d[1]} ${chunks(toHexUpper(d.subarray(2)))}` : undefined;
    case EXTRA_TYPE.TLSA: return d.length > 3 ? `${d[0]} ${d[1]} ${d[2]} ${chunks(toHexUpper(d.subarray(3)))}` : undefined;
    case EXTRA_TYPE.NSEC3PARAM: {
      if (d.length < 5 || d.length !== 5 + d[4]!) return undefined;
      return `${d[0]} ${d[1]} ${u16(d, 2)} ${d[4] ? toHexUpper(d.subarray(5)) : '-'}`;
    }
    case EXTRA_TYPE.CDS: return d.length > 4 ? `${u16(d, 0)} ${d[2]} ${d[3]} ${chunks(toHexUpper(d.subarray(4)))}` : undefined;
    case EXTRA_TYPE.CDNSKEY: return d.length > 4 ? `${u16(d, 0)} ${d[2]} ${d[3]} ${chunks(toBase64(d.subarray(4)))}` : undefined;
    case EXTRA_TYPE.URI: return d.length >= 4 ? `${u16(d, 0)} ${u16(d, 2)} ${q(d.subarray(4))}` : undefined;
    default: return undefined;
  }
}

type NameResolver = (text: string, what: string) => string | { error: string };

function num(t: TextToken | undefined, max: number): number | undefined {
  return t && /^[0-9]+$/.test(t.text) && Number(t.text) <= max ? Number(t.text) : undefined;
}

function wireName(text: string, resolve: NameResolver, what: string): number[] | string {
  const n = resolve(text, what);
  if (typeof n !== 'string') return n.error;
  const labels = nameToLabels(n);
  if (typeof labels === 'string') return labels;
  return [...labels.flatMap((l) => [l.length, ...l]), 0];
}

function charStrings(tk: readonly TextToken[], what: string): number[] | string {
  const out: number[] = [];
  for (const t of tk) {
    const b = unescapeText(t.text);
    if (typeof b === 'string') return `${what}: ${b}`;
    if (b.length > 255) return `${what} strings hold at most 255 octets`;
    out.push(b.length, ...b);
  }
  return out;
}

function hexRest(tk: readonly TextToken[], from: number): Uint8Array | undefined {
  return fromHex(tk.slice(from).map((t) => t.text).join(''));
}

/**
 * Wire RDATA from presentation tokens for an extra type; undefined if `type` is not one of
 * them, or an error sentence.
 */
export function parseExtra(type: number, tk: readonly TextToken[], resolve: NameResolver): Uint8Array | string | undefined {
  const done = (v: number[] | string): Uint8Array | string => (typeof v === 'string' ? v : Uint8Array.from(v));
  switch (type) {
    case EXTRA_TYPE.HINFO:
      return tk.length === 2 ? done(charStrings(tk, 'HINFO')) : 'HINFO needs a CPU and an OS string';
    case EXTRA_TYPE.SPF:
      return tk.length ? done(charStrings(tk, 'SPF')) : 'SPF needs at least one string';
    case EXTRA_TYPE.DNAME:
      return tk.length === 1 ? done(wireName(tk[0]!.text, resolve, 'DNAME target')) : 'DNAME needs one target name';
    case EXTRA_TYPE.RP: {
      if (tk.length !== 2) return 'RP needs a mailbox name and a TXT domain name';
      const a = wireName(tk[0]!.text, resolve, 'RP mailbox');
      const b = wireName(tk[1]!.text, resolve, 'RP TXT domain');
      return typeof a === 'string' ? a : typeof b === 'string' ? b : Uint8Array.from([...a, ...b]);
    }
    case EXTRA_TYPE.SSHFP: {
      const alg = num(tk[0], 255), fp = num(tk[1], 255), hex = hexRest(tk, 2);
      return alg === undefined || fp === undefined || !hex || !hex.length ? 'SSHFP needs algorithm, fingerprint type and a hex fingerprint' : Uint8Array.from([alg, fp, ...hex]);
    }
    case EXTRA_TYPE.TLSA: {
      const u = num(tk[0], 255), s = num(tk[1], 255), m = num(tk[2], 255), hex = hexRest(tk, 3);
      return u === undefined || s === undefined || m === undefined || !hex || !hex.length ? 'TLSA needs usage, selector, matching type and hex data' : Uint8Array.from([u, s, m, ...hex]);
    }
    case EXTRA_TYPE.NSEC3PARAM: {
      const a = num(tk[0], 255), f = num(tk[1], 255), it = num(tk[2], 65535);
      const salt = tk[3]?.text === '-' ? new Uint8Array(0) : tk[3] ? fromHex(tk[3].text) : undefined;
      if (tk.length !== 4 || a === undefined || f === undefined || it === undefined || !salt) return 'NSEC3PARAM needs hash algorithm, flags, iterations and a hex salt (or "-")';
      return Uint8Array.from([a, f, it >> 8, it & 0xff, salt.length, ...salt]);
    }
    case EXTRA_TYPE.CDS: {
      const k = num(tk[0], 65535), a = num(tk[1], 255), d = num(tk[2], 255), hex = hexRest(tk, 3);
      return k === undefined || a === undefined || d === undefined || !hex ? 'CDS needs key tag, algorithm, digest type and a hex digest' : Uint8Array.from([k >> 8, k & 0xff, a, d, ...hex]);
    }
    case EXTRA_TYPE.CDNSKEY: {
      const f = num(tk[0], 65535), p = num(tk[1], 255), a = num(tk[2], 255), key = fromBase64(tk.slice(3).map((t) => t.text).join(''));
      return f === undefined || p === undefined || a === undefined || !key ? 'CDNSKEY needs flags, protocol, algorithm and a base64 key' : Uint8Array.from([f >> 8, f & 0xff, p, a, ...key]);
    }
    case EXTRA_TYPE.URI: {
      const p = num(tk[0], 65535), w = num(tk[1], 65535);
      const target = tk[2] ? unescapeText(tk[2].text) : undefined;
      if (tk.length !== 3 || p === undefined || w === undefined || target === undefined || typeof target === 'string') return 'URI needs priority, weight and a quoted target';
      return Uint8Array.from([p >> 8, p & 0xff, w >> 8, w & 0xff, ...target]);
    }
    default:
      return undefined;
  }
}
