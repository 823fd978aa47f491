/**
 * Text encodings used in DNS presentation format: character-strings with RFC 1035 §5.1
 * escapes, hex (RFC 4034 DS digests, NSEC3 salts), base64 (RFC 4648 §4, DNSKEY/RRSIG/ECH) and
 * base32hex without padding (RFC 4648 §7; NSEC3 next hashed owner, RFC 5155 §3.3).
 * Decoders return undefined on bad input; nothing here throws.
 */
import { utf8Encode } from '../../trace/utf8.ts';

/**
 * Presentation form of a character-string, as BIND prints it: `"` and `\` get a backslash,
 * bytes outside 0x20..0x7e become \DDD. Not quoted (callers add the quotes).
 */
export function escapeCharString(b: Uint8Array): string {
  let s = '';
  for (const c of b) {
    if (c === 0x22 || c === 0x5c) s += '\\' + String.fromCharCode(c);
    else if (c < 0x20 || c > 0x7e) s += '\\' + String(c).padStart(3, '0');
    else s += String.fromCharCode(c);
  }
  return s;
}

export function quoteCharString(b: Uint8Array): string {
  return `"${escapeCharString(b)}"`;
}

/**
 * Decodes the escapes of presentation text (`\X` → X, `\DDD` → byte DDD) into bytes; other
 * characters are UTF-8 encoded. Returns an error string for \DDD above 255 or a lone backslash.
 */
export function unescapeText(text: string): Uint8Array | string {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') {
      const d = /^[0-9]{3}/.exec(text.slice(i + 1, i + 4));
      if (d) {
        const v = Number(d[0]);
        if (v > 255) return `escape \\${d[0]} is above 255`;
        out.push(v);
        i += 3;
        continue;
      }
      if (/^[0-9]/.test(text.slice(i + 1, i + 2))) return `bad escape "\\${text.slice(i + 1, i + 4)}" (\\DDD needs three digits)`;
      if (i + 1 >= text.length) return 'backslash at the end of the text';
      i++;
    }
    const ch = String.fromCodePoint(text.codePointAt(i)!);
    out.push(...utf8Encode(ch));
    i += ch.length - 1;
  }
  return Uint8Array.from(out);
}

export function toHexUpper(b: Uint8Array): string {
  let s = '';
  for (const c of b) s += c.toString(16).padStart(2, '0').toUpperCase();
  return s;
}

export function fromHex(text: string): Uint8Array | undefined {
  if (text.length % 2 !== 0 || /[^0-9a-fA-F]/.test(text)) return undefined;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function toBase64(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 3) {
    const n = (b[i]! << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    s += B64[n >> 18]! + B64[(n >> 12) & 63]!;
    s += i + 1 < b.length ? B64[(n >> 6) & 63]! : '=';
    s += i + 2 < b.length ? B64[n & 63]! : '=';
  }
  return s;
}

export function fromBase64(text: string): Uint8Array | undefined {
  const t = text.replace(/\s+/g, '');
  if (t.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(t)) return undefined;
  const pad = t.endsWith('==') ? 2 : t.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((t.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < t.length; i += 4) {
    const v = [0, 1, 2, 3].map((k) => (t[i + k] === '=' ? 0 : B64.indexOf(t[i + k]!)));
    const n = (v[0]! << 18) | (v[1]! << 12) | (v[2]! << 6) | v[3]!;
    for (const byte of [n >> 16, (n >> 8) & 0xff, n & 0xff]) if (o < out.length) out[o++] = byte;
  }
  return out;
}

const B32HEX = '0123456789ABCDEFGHIJKLMNOPQRSTUV';

export function toBase32Hex(b: Uint8Array): string {
  let s = '';
  let bits = 0;
  let acc = 0;
  for (const c of b) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 5) {
      s += B32HEX[(acc >> (bits - 5)) & 31]!;
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) s += B32HEX[(acc << (5 - bits)) & 31]!;
  return s;
}

export function fromBase32Hex(text: string): Uint8Array | undefined {
  const t = text.toUpperCase().replace(/=+$/, '');
  if (/[^0-9A-V]/.test(t)) return undefined;
  const out: number[] = [];
  let bits = 0;
  let acc = 0;
  for (const ch of t) {
    acc = (acc << 5) | B32HEX.indexOf(ch);
    bits += 5;
    if (bits >= 8) {
      out.push((acc >> (bits - 8)) & 0xff);
      bits -= 8;
    }
    acc &= (1 << bits) - 1;
  }
  return Uint8Array.from(out);
}
