import { describe, expect, it } from 'vitest';
import { siphash24 } from './siphash.ts';

/**
 * The reference test vectors of SipHash-2-4 (Aumasson & Bernstein, vectors.h; also Linux
 * lib/siphash_kunit.c): key 00 01 … 0f, message 00 01 … (n−1) for n = 0 … 15, as 64-bit values.
 */
const VECTORS = [
  0x726fdb47dd0e0e31n, 0x74f839c593dc67fdn, 0x0d6c8009d9a94f5an, 0x85676696d7fb7e2dn, 0xcf2794e0277187b7n, 0x18765564cd99a68dn, 0xcbc9466e58fee3cen, 0xab0200f58b01d137n,
  0x93f5f5799a932462n, 0x9e0082df0ba9e4b0n, 0x7a5dbbc594ddb9f3n, 0xf4b32f46226bada7n, 0x751e8fbc860ee5fbn, 0x14ea5627c0843d90n, 0xf723ca908e7af2een, 0xa129ca6149be45e5n,
];

const seq = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => i);

describe('SipHash-2-4', () => {
  it.each(VECTORS.map((v, n) => [n, v] as const))('reference vector: %i-byte message', (n, v) => {
    const out = siphash24(seq(16), seq(n));
    // The result is stored little-endian (as the reference and Linux's cpu_to_le64 cookie do).
    expect(Array.from(out)).toEqual(Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn)));
  });

  it('the paper’s worked example: 15-byte message → a129ca6149be45e5', () => {
    const out = siphash24(seq(16), seq(15));
    expect(Array.from(out).reverse().map((b) => b.toString(16).padStart(2, '0')).join('')).toBe('a129ca6149be45e5');
  });

  it('rejects a key that is not 16 bytes', () => {
    expect(() => siphash24(seq(8), seq(1))).toThrow(RangeError);
  });
});
