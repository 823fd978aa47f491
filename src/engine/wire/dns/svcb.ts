/**
 * SVCB/HTTPS SvcParams (RFC 9460 §7, §14.3.2): wire validation and presentation format.
 *
 * Keys: 0 mandatory, 1 alpn, 2 no-default-alpn, 3 port, 4 ipv4hint, 5 ech, 6 ipv6hint;
 * any other key is written `keyNNNNN`. Presentation follows BIND 9.18 (alpn and unknown keys
 * quoted; ech base64; hints comma-separated).
 */
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6, readIpv4 } from '../addr.ts';
import { u16 } from '../bytes.ts';
import type { SvcParam } from './types.ts';
import { escapeCharString, fromBase64, toBase64, unescapeText } from './encoding.ts';

export const SVC_KEY = { mandatory: 0, alpn: 1, 'no-default-alpn': 2, port: 3, ipv4hint: 4, ech: 5, ipv6hint: 6 } as const;
const KEY_NAMES = Object.keys(SVC_KEY) as (keyof typeof SVC_KEY)[];

export function svcKeyName(key: number): string {
  return KEY_NAMES[key] !== undefined && key < KEY_NAMES.length ? KEY_NAMES[key]! : `key${key}`;
}

export function svcKeyFromName(name: string): number | undefined {
  const lower = name.toLowerCase();
  if (lower in SVC_KEY) return SVC_KEY[lower as keyof typeof SVC_KEY];
  const m = /^key([0-9]{1,5})$/.exec(lower);
  if (!m) return undefined;
  const n = Number(m[1]);
  return n <= 65535 ? n : undefined;
}

/** Why a SvcParam value is not valid wire format for its key (RFC 9460 §7), or undefined. */
export function validateSvcParam(key: number, v: Uint8Array): string | undefined {
  const name = svcKeyName(key);
  switch (key) {
    case 0: {
      if (v.length === 0 || v.length % 2) return `${name} value must be a non-empty list of 16-bit keys (RFC 9460 §8)`;
      for (let i = 2; i < v.length; i += 2) if (u16(v, i) <= u16(v, i - 2)) return `${name} keys must be strictly increasing (RFC 9460 §8)`;
      return undefined;
    }
    case 1: {
      if (v.length === 0) return `${name} value must not be empty (RFC 9460 §7.1.1)`;
      for (let i = 0; i < v.length; i += 1 + v[i]!) {
        if (v[i] === 0) return `${name} protocol IDs must not be empty (RFC 9460 §7.1.1)`;
        if (i + 1 + v[i]! > v.length) return `${name} protocol ID runs past the value`;
      }
      return undefined;
    }
    case 2: return v.length === 0 ? undefined : `${name} must have an empty value (RFC 9460 §7.1.1)`;
    case 3: return v.length === 2 ? undefined : `${name} value must be 2 octets (RFC 9460 §7.2)`;
    case 4: return v.length > 0 && v.length % 4 === 0 ? undefined : `${name} value must be a non-empty list of IPv4 addresses (RFC 9460 §7.3)`;
    case 6: return v.length > 0 && v.length % 16 === 0 ? undefined : `${name} value must be a non-empty list of IPv6 addresses (RFC 9460 §7.3)`;
    default: return undefined;
  }
}

/**
 * Escapes one item of a comma-separated value list (RFC 9460 Appendix A.1): first the list level
 * (`\` and `,` get a backslash), then the character-string level (escapeCharString).
 */
function escapeItem(b: Uint8Array): string {
  const listLevel: number[] = [];
  for (const c of b) {
    if (c === 0x5c || c === 0x2c) listLevel.push(0x5c);
    listLevel.push(c);
  }
  return escapeCharString(Uint8Array.from(listLevel));
}

/** Presentation form of one SvcParam (`alpn="h2,h3"`, `port=443`, `no-default-alpn`). */
export function formatSvcParam(p: SvcParam): string {
  const name = svcKeyName(p.key);
  const v = p.value;
  if (validateSvcParam(p.key, v) !== undefined) return `${name}="${escapeCharString(v)}"`;
  switch (p.key) {
    case 0: {
      const keys: string[] = [];
      for (let i = 0; i < v.length; i += 2) keys.push(svcKeyName(u16(v, i)));
      return `${name}=${keys.join(',')}`;
    }
    case 1: {
      const ids: string[] = [];
      for (let i = 0; i < v.length; i += 1 + v[i]!) ids.push(escapeItem(v.subarray(i + 1, i + 1 + v[i]!)));
      return `${name}="${ids.join(',')}"`;
    }
    case 2: return name;
    case 3: return `${name}=${u16(v, 0)}`;
    case 4: {
      const out: string[] = [];
      for (let i = 0; i < v.length; i += 4) out.push(formatIpv4(readIpv4(v, i)));
      return `${name}=${out.join(',')}`;
    }
    case 5: return `${name}=${toBase64(v)}`;
    case 6: {
      const out: string[] = [];
      for (let i = 0; i < v.length; i += 16) out.push(formatIpv6(v.subarray(i, i + 16)));
      return `${name}=${out.join(',')}`;
    }
    default: return v.length === 0 ? name : `${name}="${escapeCharString(v)}"`;
  }
}

/**
 * Splits a value list (RFC 9460 Appendix A.1): the character-string escapes are decoded first,
 * then items are separated by commas, with `\,` a literal comma and `\\` a literal backslash.
 */
function splitList(raw: string): Uint8Array[] | string {
  const bytes = unescapeText(raw);
  if (typeof bytes === 'string') return bytes;
  const items: Uint8Array[] = [];
  let cur: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c === 0x5c && i + 1 < bytes.length) cur.push(bytes[++i]!);
    else if (c === 0x2c) {
      items.push(Uint8Array.from(cur));
      cur = [];
    } else cur.push(c);
  }
  items.push(Uint8Array.from(cur));
  return items;
}

/**
 * Parses `key` and its raw (still escaped, unquoted) presentation `value` into a SvcParam, or
 * returns a readable error.
 */
export function parseSvcParamText(keyText: string, value: string | undefined): SvcParam | string {
  const key = svcKeyFromName(keyText);
  if (key === undefined) return `unknown SvcParamKey "${keyText}" (use keyNNNNN for unregistered keys)`;
  const need = (): string | undefined => (value === undefined || value === '' ? `${keyText} needs a value` : undefined);
  const bytes = (arr: number[]): SvcParam => ({ key, value: Uint8Array.from(arr) });
  switch (key) {
    case 0: {
      const e = need();
      if (e) return e;
      const keys: number[] = [];
      for (const item of value!.split(',')) {
        const k = svcKeyFromName(item);
        if (k === undefined) return `mandatory lists unknown key "${item}"`;
        if (k === 0) return 'mandatory must not list itself (RFC 9460 §8)';
        if (keys.includes(k)) return `mandatory lists "${item}" twice (RFC 9460 §8)`;
        keys.push(k);
      }
      keys.sort((a, b) => a - b);
      return bytes(keys.flatMap((k) => [k >> 8, k & 0xff]));
    }
    case 1: {
      const e = need();
      if (e) return e;
      const out: number[] = [];
      const items = splitList(value!);
      if (typeof items === 'string') return `alpn: ${items}`;
      for (const b of items) {
        if (b.length === 0 || b.length > 255) return `alpn protocol IDs must be 1..255 octets`;
        out.push(b.length, ...b);
      }
      return bytes(out);
    }
    case 2:
      return value === undefined || value === '' ? bytes([]) : 'no-default-alpn takes no value';
    case 3: {
      if (!value || !/^[0-9]+$/.test(value) || Number(value) > 65535) return `port needs a number 0..65535, got "${value ?? ''}"`;
      const n = Number(value);
      return bytes([n >> 8, n & 0xff]);
    }
    case 4: case 6: {
      const e = need();
      if (e) return e;
      const out: number[] = [];
      for (const item of value!.split(',')) {
        if (key === 4) {
          const a = parseIpv4(item);
          if (a === undefined) return `ipv4hint: "${item}" is not an IPv4 address`;
          out.push(a >>> 24, (a >>> 16) & 0xff, (a >>> 8) & 0xff, a & 0xff);
        } else {
          const a = parseIpv6(item);
          if (!a) return `ipv6hint: "${item}" is not an IPv6 address`;
          out.push(...a);
        }
      }
      return bytes(out);
    }
    case 5: {
      const e = need();
      if (e) return e;
      const b = fromBase64(value!);
      return b ? { key, value: b } : 'ech needs base64 (RFC 9460 §7.3)';
    }
    default: {
      const b = unescapeText(value ?? '');
      return typeof b === 'string' ? `${keyText}: ${b}` : { key, value: b };
    }
  }
}
