/**
 * Domain-name helpers for servers and resolvers, over the shared representation (presentation
 * text without the trailing dot, the root is "."). Comparisons fold case (RFC 4343) through
 * the codec's `nameKey`; labels are split escape-aware (`a\.b.example` has three labels).
 */
import { nameKey } from '../../wire/dns/names.ts';

/** Splits presentation text into its labels (root → []), keeping escapes as written. */
export function splitLabels(name: string): string[] {
  if (name === '.' || name === '') return [];
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < name.length; i++) {
    const c = name[i]!;
    if (c === '\\' && i + 1 < name.length) {
      cur += c + name[i + 1];
      i++;
    } else if (c === '.') {
      out.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  if (cur !== '' || !name.endsWith('.')) out.push(cur);
  return out;
}

export function joinLabels(labels: readonly string[]): string {
  return labels.length === 0 ? '.' : labels.join('.');
}

/** The case-folded key of a name (for maps). */
export const key = nameKey;

/** True when `name` is `zone` or below it (RFC 1034 §3.1 "subdomain"). */
export function isSubdomain(name: string, zone: string): boolean {
  const z = splitLabels(key(zone));
  const n = splitLabels(key(name));
  if (z.length > n.length) return false;
  for (let i = 1; i <= z.length; i++) if (n[n.length - i] !== z[z.length - i]) return false;
  return true;
}

export function labelCount(name: string): number {
  return splitLabels(name).length;
}

/** The parent of a name ("." stays "."). */
export function parentOf(name: string): string {
  const l = splitLabels(name);
  return l.length <= 1 ? '.' : joinLabels(l.slice(1));
}

/** The ancestor of `name` with `n` labels (n ≤ labelCount(name)). */
export function ancestorWithLabels(name: string, n: number): string {
  const l = splitLabels(name);
  return joinLabels(l.slice(l.length - n));
}

/** Absolute presentation form with the trailing dot ("www.example.com.", "."). */
export function fqdn(name: string): string {
  return name === '.' ? '.' : `${name}.`;
}

/** Strips one trailing dot from user input ("example.com." → "example.com"; "." stays). */
export function fromUser(text: string): string {
  if (text === '.' || text === '') return '.';
  return text.endsWith('.') && !text.endsWith('\\.') ? text.slice(0, -1) : text;
}

/** Reverse-lookup name of an IPv4 or IPv6 address text (RFC 1035 §3.5, RFC 3596 §2.5). */
export function reverseName(addr: string, v6Bytes?: Uint8Array): string {
  if (v6Bytes) {
    const nibbles: string[] = [];
    for (let i = 15; i >= 0; i--) {
      const b = v6Bytes[i]!;
      nibbles.push((b & 0xf).toString(16), (b >> 4).toString(16));
    }
    return `${nibbles.join('.')}.ip6.arpa`;
  }
  return `${addr.split('.').reverse().join('.')}.in-addr.arpa`;
}
