/**
 * Address forms used everywhere in the engine.
 * - MAC: a number in [0, 2^48) (exact in a double), printed "02:00:00:00:00:01".
 * - IPv4: an unsigned 32-bit number, printed dotted-quad.
 * - IPv6: a 16-byte Uint8Array, printed per RFC 5952 (lowercase, longest zero run compressed,
 *   a single zero group never compressed, leftmost run on ties).
 * Parsers return `undefined` on bad input rather than throwing.
 */

export type Mac = number;
export type Ipv4 = number;
export type Ipv6 = Uint8Array;

export const MAC_BROADCAST: Mac = 0xffffffffffff;

export function readMac(buf: Uint8Array, off: number): Mac {
  return (
    buf[off]! * 0x10000000000 +
    buf[off + 1]! * 0x100000000 +
    ((buf[off + 2]! << 24) >>> 0) +
    (buf[off + 3]! << 16) +
    (buf[off + 4]! << 8) +
    buf[off + 5]!
  );
}

export function writeMac(buf: Uint8Array, off: number, mac: Mac): void {
  const hi = Math.floor(mac / 0x100000000);
  const lo = mac >>> 0;
  buf[off] = hi >>> 8;
  buf[off + 1] = hi & 0xff;
  buf[off + 2] = lo >>> 24;
  buf[off + 3] = (lo >>> 16) & 0xff;
  buf[off + 4] = (lo >>> 8) & 0xff;
  buf[off + 5] = lo & 0xff;
}

export function formatMac(mac: Mac): string {
  const b = new Uint8Array(6);
  writeMac(b, 0, mac);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':');
}

export function parseMac(text: string): Mac | undefined {
  const m = /^([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})$/i.exec(text.trim());
  if (!m) return undefined;
  const b = new Uint8Array(m.slice(1).map((h) => parseInt(h, 16)));
  return readMac(b, 0);
}

/** Group bit set: broadcast or multicast (IEEE 802: least significant bit of the first octet). */
export function isMulticastMac(mac: Mac): boolean {
  return (Math.floor(mac / 0x10000000000) & 1) === 1;
}

export function readIpv4(buf: Uint8Array, off: number): Ipv4 {
  return ((buf[off]! << 24) | (buf[off + 1]! << 16) | (buf[off + 2]! << 8) | buf[off + 3]!) >>> 0;
}

export function writeIpv4(buf: Uint8Array, off: number, a: Ipv4): void {
  buf[off] = a >>> 24;
  buf[off + 1] = (a >>> 16) & 0xff;
  buf[off + 2] = (a >>> 8) & 0xff;
  buf[off + 3] = a & 0xff;
}

export function formatIpv4(a: Ipv4): string {
  return `${a >>> 24}.${(a >>> 16) & 0xff}.${(a >>> 8) & 0xff}.${a & 0xff}`;
}

export function parseIpv4(text: string): Ipv4 | undefined {
  const parts = text.trim().split('.');
  if (parts.length !== 4) return undefined;
  let a = 0;
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    a = a * 256 + n;
  }
  return a >>> 0;
}

/** Netmask for a prefix length 0..32 as an unsigned number. */
export function ipv4Mask(prefixLen: number): number {
  return prefixLen === 0 ? 0 : (0xffffffff << (32 - prefixLen)) >>> 0;
}

export function ipv4InPrefix(addr: Ipv4, net: Ipv4, prefixLen: number): boolean {
  const m = ipv4Mask(prefixLen);
  return ((addr & m) >>> 0) === ((net & m) >>> 0);
}

export function readIpv6(buf: Uint8Array, off: number): Ipv6 {
  return buf.slice(off, off + 16);
}

export function writeIpv6(buf: Uint8Array, off: number, a: Ipv6): void {
  buf.set(a.subarray(0, 16), off);
}

export function ipv6Equal(a: Ipv6, b: Ipv6): boolean {
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** RFC 5952 §4 text form. IPv4-mapped addresses (::ffff:a.b.c.d) use the dotted tail (§5). */
export function formatIpv6(a: Ipv6): string {
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((a[i]! << 8) | a[i + 1]!);
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) {
    return `::ffff:${formatIpv4(readIpv4(a, 12))}`;
  }
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestStart = -1; // §4.2.2: a single 16-bit 0 field is not shortened
  const hexes = words.map((w) => w.toString(16));
  if (bestStart < 0) return hexes.join(':');
  const head = hexes.slice(0, bestStart).join(':');
  const tail = hexes.slice(bestStart + bestLen).join(':');
  return `${head}::${tail}`;
}

export function parseIpv6(text: string): Ipv6 | undefined {
  let s = text.trim();
  if (s.length === 0 || /[^0-9a-fA-F:.]/.test(s)) return undefined;
  const out = new Uint8Array(16);
  // Embedded IPv4 tail.
  let tailV4: number | undefined;
  const lastColon = s.lastIndexOf(':');
  if (s.indexOf('.', lastColon) >= 0) {
    tailV4 = parseIpv4(s.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    s = s.slice(0, lastColon + 1) + '0:0';
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const groups = part.split(':');
    const nums: number[] = [];
    for (const g of groups) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      nums.push(parseInt(g, 16));
    }
    return nums;
  };
  const head = parseGroups(halves[0]!);
  const tail = halves.length === 2 ? parseGroups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  let words: number[];
  if (halves.length === 2) {
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return undefined;
    words = [...head, ...new Array<number>(missing).fill(0), ...tail];
  } else {
    if (head.length !== 8) return undefined;
    words = head;
  }
  words.forEach((w, i) => {
    out[2 * i] = w >>> 8;
    out[2 * i + 1] = w & 0xff;
  });
  if (tailV4 !== undefined) writeIpv4(out, 12, tailV4);
  return out;
}

/** Strict parse for literals in code and scenarios; throws with the offending text. */
export function ip6(text: string): Ipv6 {
  const a = parseIpv6(text);
  if (!a) throw new Error(`not an IPv6 address: ${text}`);
  return a;
}

export function ip4(text: string): Ipv4 {
  const a = parseIpv4(text);
  if (a === undefined) throw new Error(`not an IPv4 address: ${text}`);
  return a;
}

export function ipv6InPrefix(addr: Ipv6, net: Ipv6, prefixLen: number): boolean {
  let bits = prefixLen;
  for (let i = 0; i < 16 && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((addr[i]! & mask) !== (net[i]! & mask)) return false;
  }
  return true;
}

/** Solicited-node multicast address ff02::1:ffXX:XXXX (RFC 4291 §2.7.1). */
export function solicitedNodeMulticast(a: Ipv6): Ipv6 {
  const out = ip6('ff02::1:ff00:0');
  out[13] = a[13]!;
  out[14] = a[14]!;
  out[15] = a[15]!;
  return out;
}

/** Ethernet multicast MAC for an IPv6 multicast address: 33:33 + low 32 bits (RFC 2464 §7). */
export function ipv6MulticastMac(a: Ipv6): Mac {
  return 0x333300000000 + readIpv4(a, 12);
}

/** Modified EUI-64 link-local address fe80::/64 from a MAC (RFC 4291 App. A). */
export function linkLocalFromMac(mac: Mac): Ipv6 {
  const m = new Uint8Array(6);
  writeMac(m, 0, mac);
  const out = ip6('fe80::');
  out[8] = m[0]! ^ 0x02;
  out[9] = m[1]!;
  out[10] = m[2]!;
  out[11] = 0xff;
  out[12] = 0xfe;
  out[13] = m[3]!;
  out[14] = m[4]!;
  out[15] = m[5]!;
  return out;
}

export function isIpv6Multicast(a: Ipv6): boolean {
  return a[0] === 0xff;
}

export function isIpv6LinkLocal(a: Ipv6): boolean {
  return a[0] === 0xfe && (a[1]! & 0xc0) === 0x80;
}
