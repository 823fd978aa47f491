/**
 * The Internet checksum (RFC 1071) and its incremental update (RFC 1624).
 *
 * `sum16` returns an unfolded 32-bit-safe accumulation of big-endian 16-bit words; callers
 * add partial sums (pseudo-header, header, payload) and finish with `finishChecksum`.
 * Partial sums stay below 2^53 for any buffer under 2^37 bytes, so plain numbers are exact.
 */

/** Adds the bytes of `buf[start, end)` as big-endian 16-bit words (odd tail padded with zero). */
export function sum16(buf: Uint8Array, start = 0, end = buf.length, initial = 0): number {
  let sum = initial;
  let i = start;
  const last = end - 1;
  for (; i < last; i += 2) sum += (buf[i]! << 8) | buf[i + 1]!;
  if (i === last) sum += buf[i]! << 8;
  return sum;
}

/** Folds carries into 16 bits (RFC 1071 §4.1 "fold 32-bit sum to 16 bits"). */
export function fold16(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/** One's complement of the folded sum: the value to write into a checksum field. */
export function finishChecksum(sum: number): number {
  return ~fold16(sum) & 0xffff;
}

/** Checksum of a whole buffer (checksum field zeroed beforehand by the caller). */
export function internetChecksum(buf: Uint8Array, start = 0, end = buf.length): number {
  return finishChecksum(sum16(buf, start, end));
}

/** True when the data (including its checksum field) sums to 0xffff, i.e. verifies. */
export function verifiesChecksum(sum: number): boolean {
  return fold16(sum) === 0xffff;
}

/** IPv4 pseudo-header sum (RFC 768, RFC 9293 §3.1): src, dst, zero, protocol, length. */
export function pseudoHeaderSumV4(src: number, dst: number, protocol: number, length: number): number {
  return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + length;
}

/** IPv6 pseudo-header sum (RFC 8200 §8.1): src, dst, 32-bit length, next header. */
export function pseudoHeaderSumV6(src: Uint8Array, dst: Uint8Array, nextHeader: number, length: number): number {
  return sum16(src, 0, 16) + sum16(dst, 0, 16) + Math.floor(length / 0x10000) + (length & 0xffff) + nextHeader;
}

/**
 * Incremental update (RFC 1624 §3, eqn. 3): HC' = ~(~HC + ~m + m'), for one 16-bit word
 * changing from `oldWord` to `newWord`. Avoids the -0 pitfall of RFC 1141.
 */
export function updateChecksum(oldChecksum: number, oldWord: number, newWord: number): number {
  const sum = (~oldChecksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
  return ~fold16(sum) & 0xffff;
}

/** The addresses an upper-layer checksum covers (UDP, TCP, ICMPv6). */
export type PseudoHeader = { readonly v: 4; readonly src: number; readonly dst: number } | { readonly v: 6; readonly src: Uint8Array; readonly dst: Uint8Array };

/** Pseudo-header sum for either IP version; `length` is the upper-layer length in bytes. */
export function pseudoHeaderSum(p: PseudoHeader, protocol: number, length: number): number {
  return p.v === 4 ? pseudoHeaderSumV4(p.src, p.dst, protocol, length) : pseudoHeaderSumV6(p.src, p.dst, protocol, length);
}

/**
 * Partial one's-complement sum of an upper-layer payload (which starts at an even offset).
 * The single place a lazily generated payload could supply a precomputed sum instead of bytes.
 */
export function payloadSum(payload: Uint8Array): number {
  return sum16(payload);
}
