import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildUdp, describeUdp, emitUdp, parseUdp, UDP_HEADER_LEN, UdpView } from './udp.ts';
import type { PseudoHeader } from './checksum.ts';
import { finishChecksum, fold16, pseudoHeaderSum, sum16 } from './checksum.ts';
import { ip4, ip6 } from './addr.ts';
import { findField } from './field.ts';
import { hexBytes } from './testing/frames.ts';

/*
 * Golden datagram: a real DNS answer (MX records for xkcd.com) captured with tcpdump, published
 * as `testUDPPacketDNS` in google/gopacket layers/udp_test.go:
 *   10:33:07.883637 IP 172.16.255.1.53 > 172.29.20.15.35181: 47320 7/0/0 MX ... (202)
 * Below is the IP payload (frame bytes 0x22..0xf3). Hand-verified: UDP Length 0x00d2 = 210 =
 * 8 + 202, and the one's-complement sum over pseudo-header + datagram is 0xffff.
 */
const GOLDEN = hexBytes(`
  0035 896d 00d2 754a b8d8 8180 0001 0007 0000 0000 0478 6b63 6403 636f 6d00 000f
  0001 c00c 000f 0001 0000 0258 0018 0014 0441 4c54 3205 4153 504d 5801 4c06 474f
  4f47 4c45 c011 c00c 000f 0001 0000 0258 0016 001e 0641 5350 4d58 320a 474f 4f47
  4c45 4d41 494c c011 c00c 000f 0001 0000 0258 000b 001e 0641 5350 4d58 33c0 53c0
  0c00 0f00 0100 0002 5800 0b00 1e06 4153 504d 5834 c053 c00c 000f 0001 0000 0258
  000b 001e 0641 5350 4d58 35c0 53c0 0c00 0f00 0100 0002 5800 0400 0ac0 2dc0 0c00
  0f00 0100 0002 5800 0900 1404 414c 5431 c02d`);
const PSEUDO: PseudoHeader = { v: 4, src: ip4('172.16.255.1'), dst: ip4('172.29.20.15') };
const PAYLOAD = GOLDEN.subarray(8);
const REPR = { srcPort: 53, dstPort: 35181 };

const arbPseudo: fc.Arbitrary<PseudoHeader> = fc.oneof(
  fc.record({ v: fc.constant(4 as const), src: fc.nat({ max: 0xffffffff }), dst: fc.nat({ max: 0xffffffff }) }),
  fc.record({ v: fc.constant(6 as const), src: fc.uint8Array({ minLength: 16, maxLength: 16 }), dst: fc.uint8Array({ minLength: 16, maxLength: 16 }) }),
);

describe('UDP golden datagram (gopacket DNS capture)', () => {
  it('RFC 768: deconstructs through the view', () => {
    const r = UdpView.check(GOLDEN);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.srcPort).toBe(53);
    expect(r.value.dstPort).toBe(35181);
    expect(r.value.length).toBe(210);
    expect(r.value.checksum).toBe(0x754a);
  });

  it('RFC 768: constructs the same bytes through the view setters', () => {
    const buf = new Uint8Array(GOLDEN.length);
    const v = UdpView.unchecked(buf);
    v.srcPort = 53;
    v.dstPort = 35181;
    v.length = 210;
    v.checksum = 0x754a;
    buf.set(PAYLOAD, UDP_HEADER_LEN);
    expect(buf).toEqual(GOLDEN);
  });

  it('RFC 768: parses to the representation with a verified checksum', () => {
    const r = parseUdp(GOLDEN, PSEUDO);
    expect(r).toEqual({ ok: true, value: { repr: REPR, length: 210, checksum: 0x754a, checksumOk: true, payload: PAYLOAD } });
  });

  it('RFC 768: emits byte-identical output, checksum included', () => {
    expect(buildUdp(REPR, PAYLOAD, PSEUDO)).toEqual(GOLDEN);
    const buf = new Uint8Array(GOLDEN.length + 6).fill(0xee);
    expect(emitUdp(REPR, PAYLOAD, PSEUDO, buf, 3)).toBe(210);
    expect(buf.subarray(3, 213)).toEqual(GOLDEN);
    expect(buf[2]).toBe(0xee);
    expect(buf[213]).toBe(0xee);
  });

  it('RFC 768: describes every header field with absolute byte ranges', () => {
    const node = describeUdp(GOLDEN, 34, PSEUDO);
    expect(node.key).toBe('udp');
    expect(node.name).toBe('User Datagram Protocol');
    expect(node.value).toBe('Src Port: 53, Dst Port: 35181');
    expect([node.start, node.end]).toEqual([34, 34 + 210]);
    const kids = node.children ?? [];
    expect(kids.map((k) => [k.key, k.start, k.end, k.value])).toEqual([
      ['srcport', 34, 36, '53'],
      ['dstport', 36, 38, '35181'],
      ['length', 38, 40, '210'],
      ['checksum', 40, 42, '0x754a [correct]'],
      ['payload', 42, 244, '202 bytes'],
    ]);
    for (const k of kids) {
      expect(k.rfc).toMatch(/^RFC /);
      expect(k.meaning).toBeTruthy();
      expect(k.error).toBeUndefined();
    }
  });
});

describe('UDP checksum rules', () => {
  it('RFC 768: checksum 0 is transmitted as 0xffff', () => {
    // Pick a 2-byte payload that makes the computed checksum exactly 0.
    const pseudo: PseudoHeader = { v: 4, src: ip4('10.0.0.1'), dst: ip4('10.0.0.2') };
    const header = new Uint8Array([0x04, 0xd2, 0x16, 0x2e, 0x00, 0x0a, 0x00, 0x00]);
    const rest = fold16(pseudoHeaderSum(pseudo, 17, 10) + sum16(header));
    const word = 0xffff - rest;
    const payload = new Uint8Array([word >>> 8, word & 0xff]);
    expect(finishChecksum(rest + word)).toBe(0);
    const dgram = buildUdp({ srcPort: 1234, dstPort: 5678 }, payload, pseudo);
    expect(dgram[6]).toBe(0xff);
    expect(dgram[7]).toBe(0xff);
    const r = parseUdp(dgram, pseudo);
    expect(r.ok && r.value.checksumOk).toBe(true);
  });

  it('RFC 768: a received checksum of 0 over IPv4 means "not computed" and is accepted', () => {
    const dgram = GOLDEN.slice();
    dgram[6] = 0;
    dgram[7] = 0;
    const r = parseUdp(dgram, PSEUDO);
    expect(r.ok && r.value.checksumOk).toBe(true);
    expect(findField(describeUdp(dgram, 0, PSEUDO), 'checksum')?.value).toBe('0x0000 [zero-value ignored]');
  });

  it('RFC 8200 §8.1: a zero UDP checksum over IPv6 is invalid', () => {
    const pseudo: PseudoHeader = { v: 6, src: ip6('2001:db8::1'), dst: ip6('2001:db8::2') };
    const dgram = buildUdp({ srcPort: 1, dstPort: 2 }, new Uint8Array([1, 2, 3]), pseudo);
    const good = parseUdp(dgram, pseudo);
    expect(good.ok && good.value.checksumOk).toBe(true);
    dgram[6] = 0;
    dgram[7] = 0;
    const r = parseUdp(dgram, pseudo);
    expect(r.ok && r.value.checksumOk).toBe(false);
    const node = findField(describeUdp(dgram, 0, pseudo), 'checksum');
    expect(node?.error).toMatch(/RFC 8200/);
    expect(node?.rfc).toBe('RFC 8200 §8.1');
  });

  it('RFC 768: a corrupted byte makes the checksum fail; describe names the right value', () => {
    const dgram = GOLDEN.slice();
    dgram[20] = dgram[20]! ^ 0x01;
    const r = parseUdp(dgram, PSEUDO);
    expect(r.ok && r.value.checksumOk).toBe(false);
    const node = findField(describeUdp(dgram, 0, PSEUDO), 'checksum');
    expect(node?.error).toBeTruthy();
    const fixed = buildUdp(REPR, dgram.subarray(8), PSEUDO);
    expect(node?.value).toBe(`0x754a [incorrect, should be 0x${((fixed[6]! << 8) | fixed[7]!).toString(16).padStart(4, '0')}]`);
  });

  it('RFC 768: the pseudo-header covers the addresses (misdelivery is detected)', () => {
    const wrongDst: PseudoHeader = { v: 4, src: PSEUDO.src as number, dst: ip4('172.29.20.16') };
    const r = parseUdp(GOLDEN, wrongDst);
    expect(r.ok && r.value.checksumOk).toBe(false);
  });

  it('without a pseudo-header the checksum is reported unverified, not wrong', () => {
    const r = parseUdp(GOLDEN);
    expect(r.ok && r.value.checksumOk).toBe(true);
    expect(findField(describeUdp(GOLDEN), 'checksum')?.value).toBe('0x754a [unverified]');
  });
});

describe('UDP length handling', () => {
  it('RFC 768: every header prefix shorter than 8 bytes is truncated', () => {
    for (let n = 0; n < UDP_HEADER_LEN; n++) {
      const r = parseUdp(GOLDEN.subarray(0, n), PSEUDO);
      expect(r.ok ? 'ok' : r.error.kind).toBe('truncated');
      const node = describeUdp(GOLDEN.subarray(0, n), 0, PSEUDO);
      expect(node.children?.some((c) => c.error !== undefined)).toBe(true);
    }
  });

  it('RFC 768: a Length field beyond the captured bytes is truncated', () => {
    const r = parseUdp(GOLDEN.subarray(0, 100), PSEUDO);
    expect(r.ok ? 'ok' : r.error).toMatchObject({ kind: 'truncated', offset: 4 });
    expect(findField(describeUdp(GOLDEN.subarray(0, 100)), 'length')?.error).toMatch(/exceeds/);
  });

  it('RFC 768: a Length field below the 8-byte header is malformed', () => {
    const dgram = GOLDEN.slice();
    dgram[4] = 0;
    dgram[5] = 7;
    const r = parseUdp(dgram, PSEUDO);
    expect(r.ok ? 'ok' : r.error.kind).toBe('malformed');
    expect(findField(describeUdp(dgram), 'length')?.error).toMatch(/less than/);
  });

  it('RFC 768: bytes after Length (link-layer padding) are not payload and not checksummed', () => {
    const pseudo: PseudoHeader = { v: 4, src: ip4('10.0.0.1'), dst: ip4('10.0.0.2') };
    const dgram = buildUdp({ srcPort: 7, dstPort: 7 }, new Uint8Array([0x61]), pseudo);
    const padded = new Uint8Array(dgram.length + 9).fill(0xaa);
    padded.set(dgram);
    const r = parseUdp(padded, pseudo);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.payload).toEqual(new Uint8Array([0x61]));
    expect(r.value.checksumOk).toBe(true);
    expect(describeUdp(padded, 0, pseudo).end).toBe(9);
  });

  it('emit refuses a payload that cannot fit the 16-bit Length field', () => {
    expect(() => buildUdp(REPR, new Uint8Array(65528), PSEUDO)).toThrow(RangeError);
    expect(buildUdp(REPR, new Uint8Array(65527), PSEUDO).length).toBe(65535);
  });
});

describe('UDP properties', () => {
  it('parse never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.option(arbPseudo, { nil: undefined }), (bytes, pseudo) => {
        const r = parseUdp(bytes, pseudo);
        expect(typeof r.ok).toBe('boolean');
      }),
    );
  });

  it('parse(emit(repr)) round-trips and always verifies', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.uint8Array({ maxLength: 64 }),
        arbPseudo,
        (srcPort, dstPort, payload, pseudo) => {
          const dgram = buildUdp({ srcPort, dstPort }, payload, pseudo);
          const r = parseUdp(dgram, pseudo);
          expect(r.ok).toBe(true);
          if (!r.ok) return;
          expect(r.value.repr).toEqual({ srcPort, dstPort });
          expect(r.value.payload).toEqual(payload);
          expect(r.value.checksumOk).toBe(true);
          expect(r.value.checksum).not.toBe(0);
          expect(buildUdp(r.value.repr, r.value.payload, pseudo)).toEqual(dgram);
        },
      ),
    );
  });

  it('describe never throws and keeps ranges inside the buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.option(arbPseudo, { nil: undefined }), (bytes, pseudo) => {
        const node = describeUdp(bytes, 100, pseudo);
        for (const k of node.children ?? []) {
          expect(k.start).toBeGreaterThanOrEqual(100);
          expect(k.end).toBeLessThanOrEqual(100 + Math.max(bytes.length, 8));
        }
      }),
    );
  });
});
