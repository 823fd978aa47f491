/**
 * SipHash-2-4 (Aumasson & Bernstein, "SipHash: a fast short-input PRF", 2012): a keyed 64-bit
 * MAC for short inputs. Linux (since 5.2) computes TCP Fast Open cookies with it
 * (net/ipv4/tcp_fastopen.c, __tcp_fastopen_cookie_gen_cipher): SipHash-2-4 over the SYN's
 * source and destination addresses under a 128-bit server key, stored little-endian as the
 * 8-byte cookie (RFC 7413 §4.1.2: "a message authentication code tag" of the client's address).
 *
 * Pure integer arithmetic on BigInt (exact in every JavaScript engine); it runs once per
 * Fast Open SYN, so speed does not matter.
 */

const MASK64 = 0xffff_ffff_ffff_ffffn;

function rotl(x: bigint, b: bigint): bigint {
  return ((x << b) | (x >> (64n - b))) & MASK64;
}

function le64(buf: Uint8Array, off: number): bigint {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(buf[off + i]!);
  return v;
}

/** SipHash-2-4 of `msg` under the 16-byte `key`; the 64-bit result as 8 little-endian bytes. */
export function siphash24(key: Uint8Array, msg: Uint8Array): Uint8Array {
  if (key.length !== 16) throw new RangeError(`SipHash key must be 16 bytes, got ${key.length}`);
  const k0 = le64(key, 0);
  const k1 = le64(key, 8);
  // "somepseudorandomlygeneratedbytes"
  let v0 = k0 ^ 0x736f6d6570736575n;
  let v1 = k1 ^ 0x646f72616e646f6dn;
  let v2 = k0 ^ 0x6c7967656e657261n;
  let v3 = k1 ^ 0x7465646279746573n;
  const round = (): void => {
    v0 = (v0 + v1) & MASK64;
    v1 = rotl(v1, 13n) ^ v0;
    v0 = rotl(v0, 32n);
    v2 = (v2 + v3) & MASK64;
    v3 = rotl(v3, 16n) ^ v2;
    v0 = (v0 + v3) & MASK64;
    v3 = rotl(v3, 21n) ^ v0;
    v2 = (v2 + v1) & MASK64;
    v1 = rotl(v1, 17n) ^ v2;
    v2 = rotl(v2, 32n);
  };
  const whole = msg.length - (msg.length % 8);
  for (let i = 0; i < whole; i += 8) {
    const m = le64(msg, i);
    v3 ^= m;
    round();
    round();
    v0 ^= m;
  }
  // Last block: the remaining bytes, and the message length (mod 256) in the top byte.
  let b = BigInt(msg.length & 0xff) << 56n;
  for (let j = 0; j < msg.length - whole; j++) b |= BigInt(msg[whole + j]!) << BigInt(8 * j);
  v3 ^= b;
  round();
  round();
  v0 ^= b;
  v2 ^= 0xffn;
  round();
  round();
  round();
  round();
  let h = v0 ^ v1 ^ v2 ^ v3;
  const out = new Uint8Array(8);
  for (let i = 0; i < 8; i++) {
    out[i] = Number(h & 0xffn);
    h >>= 8n;
  }
  return out;
}
