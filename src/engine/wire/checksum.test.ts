import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  finishChecksum,
  fold16,
  internetChecksum,
  pseudoHeaderSum,
  pseudoHeaderSumV4,
  pseudoHeaderSumV6,
  sum16,
  updateChecksum,
  verifiesChecksum,
} from './checksum.ts';
import { ip4, ip6 } from './addr.ts';
import { hexBytes } from './testing/frames.ts';

/** Bit-by-bit reference: RFC 1071 §4.1 "C" loop, written independently of checksum.ts. */
function referenceChecksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) {
    sum += (bytes[i]! << 8) | (i + 1 < bytes.length ? bytes[i + 1]! : 0);
    sum = (sum & 0xffff) + (sum >>> 16);
  }
  return ~sum & 0xffff;
}

describe('RFC 1071 Internet checksum', () => {
  // RFC 1071 §3 "Numerical Examples": bytes 00 01 f2 03 f4 f5 f6 f7.
  const example = hexBytes('0001 f203 f4f5 f6f7');

  it('RFC 1071 §3: the example sums to 2ddf0 unfolded and ddf2 folded', () => {
    expect(sum16(example)).toBe(0x2ddf0);
    expect(fold16(sum16(example))).toBe(0xddf2);
  });

  it('RFC 1071 §3: the checksum of the example is ~ddf2 = 220d', () => {
    expect(internetChecksum(example)).toBe(0x220d);
    expect(finishChecksum(sum16(example))).toBe(0x220d);
  });

  it('RFC 1071 §3: the data plus its checksum verifies (sums to 0xffff)', () => {
    const withSum = new Uint8Array([...example, 0x22, 0x0d]);
    expect(verifiesChecksum(sum16(withSum))).toBe(true);
    withSum[0] = 0x01;
    expect(verifiesChecksum(sum16(withSum))).toBe(false);
  });

  it('RFC 1071 §2(B): partial sums over even-aligned pieces can be added in any order', () => {
    const a = sum16(example, 0, 4);
    const b = sum16(example, 4, 8);
    expect(fold16(a + b)).toBe(fold16(sum16(example)));
    expect(fold16(sum16(example, 4, 8, a))).toBe(0xddf2);
  });

  it('RFC 1071 §4.1: an odd trailing byte is padded with a zero on the right', () => {
    expect(sum16(hexBytes('0102 03'))).toBe(0x0102 + 0x0300);
    expect(internetChecksum(hexBytes('ff'))).toBe(0x00ff);
  });

  it('RFC 1071 §4.1: the empty sum checksums to 0xffff', () => {
    expect(internetChecksum(new Uint8Array(0))).toBe(0xffff);
  });

  it('RFC 1071: sum16 agrees with an independent reference on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(internetChecksum(bytes)).toBe(referenceChecksum(bytes));
      }),
    );
  });

  it('RFC 1071: inserting the computed checksum makes any even-length buffer verify', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 2, maxLength: 200 }).filter((b) => b.length % 2 === 0), (bytes) => {
        bytes[0] = 0;
        bytes[1] = 0;
        const c = internetChecksum(bytes);
        bytes[0] = c >>> 8;
        bytes[1] = c & 0xff;
        expect(verifiesChecksum(sum16(bytes))).toBe(true);
      }),
    );
  });
});

describe('RFC 1624 incremental update', () => {
  // RFC 1624 §4 "Examples": a 16-bit field m = 0x5555 changes to m' = 0x3285; the one's
  // complement sum of all other header octets is 0xCD7A.
  const rest = 0xcd7a;
  const m = 0x5555;
  const m2 = 0x3285;

  it('RFC 1624 §4: the original header checksum is 0xDD2F', () => {
    expect(~fold16(rest + m) & 0xffff).toBe(0xdd2f);
  });

  it('RFC 1624 §4: eqn. 3 gives HC\' = 0x0000, the same as recomputing from scratch', () => {
    expect(~fold16(rest + m2) & 0xffff).toBe(0x0000);
    expect(updateChecksum(0xdd2f, m, m2)).toBe(0x0000);
  });

  it('RFC 1624 §4: the -0 pitfall — RFC 1141 eqn. 2 (HC + m + ~m\') yields 0xFFFF, not 0x0000', () => {
    const rfc1141 = fold16(0xdd2f + m + (~m2 & 0xffff));
    expect(rfc1141).toBe(0xffff);
    expect(updateChecksum(0xdd2f, m, m2)).not.toBe(rfc1141);
  });

  it('RFC 1624 §3: incremental update equals full recomputation for any one-word change', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 4, maxLength: 64 }).filter((b) => b.length % 2 === 0),
        fc.nat(),
        fc.integer({ min: 0, max: 0xffff }),
        (bytes, pick, newWord) => {
          const words = bytes.length / 2;
          const at = 2 * (pick % words);
          const old = (bytes[at]! << 8) | bytes[at + 1]!;
          const before = internetChecksum(bytes);
          bytes[at] = newWord >>> 8;
          bytes[at + 1] = newWord & 0xff;
          const after = internetChecksum(bytes);
          const incremental = updateChecksum(before, old, newWord);
          // All-zero data (full checksum 0xffff) is the one case where +0 and -0 differ
          // (RFC 1624 erratum 4782); everywhere else eqn. 3 is exact.
          fc.pre(after !== 0xffff);
          expect(incremental).toBe(after);
        },
      ),
    );
  });
});

describe('pseudo-headers', () => {
  it('RFC 768: the IPv4 pseudo-header is src, dst, zero, protocol, UDP length', () => {
    const src = ip4('192.168.1.1');
    const dst = ip4('192.168.1.2');
    const bytes = hexBytes('c0a8 0101 c0a8 0102 0011 000c');
    expect(fold16(pseudoHeaderSumV4(src, dst, 17, 12))).toBe(fold16(sum16(bytes)));
    expect(pseudoHeaderSum({ v: 4, src, dst }, 17, 12)).toBe(pseudoHeaderSumV4(src, dst, 17, 12));
  });

  it('RFC 8200 §8.1: the IPv6 pseudo-header is src, dst, 32-bit length, 3 zero bytes, next header', () => {
    const src = ip6('2001:db8::1');
    const dst = ip6('fe80::2');
    const len = 0x12345;
    const bytes = new Uint8Array(40);
    bytes.set(src, 0);
    bytes.set(dst, 16);
    bytes[32] = 0;
    bytes[33] = 0x01;
    bytes[34] = 0x23;
    bytes[35] = 0x45;
    bytes[39] = 58;
    expect(fold16(pseudoHeaderSumV6(src, dst, 58, len))).toBe(fold16(sum16(bytes)));
    expect(pseudoHeaderSum({ v: 6, src, dst }, 58, len)).toBe(pseudoHeaderSumV6(src, dst, 58, len));
  });
});
