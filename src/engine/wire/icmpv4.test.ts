import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Icmpv4Message } from './icmpv4.ts';
import { buildIcmpv4, describeIcmpv4, emitIcmpv4, ICMPV4_TYPE, ICMPV4_UNREACH, icmpv4Length, Icmpv4View, parseIcmpv4 } from './icmpv4.ts';
import { internetChecksum } from './checksum.ts';
import type { FieldNode } from './field.ts';
import { findField } from './field.ts';
import { concatBytes, hexBytes } from './testing/frames.ts';

/*
 * Golden echo request: a BusyBox ping from a QEMU guest, captured on tap0 with `tcpdump -xxx` and
 * published in a public OS-networking write-up:
 *   20:25:21.797505 IP localhost > my.router: ICMP echo request, id 45062, seq 1, length 64
 * ICMP bytes (frame offset 0x22); the 56 data bytes are a timestamp then zeros. Hand-verified:
 * the message sums to 0xffff.
 */
const ECHO_DATA = concatBytes(hexBytes('2137 df25 0000 0000'), new Uint8Array(48));
const ECHO = concatBytes(hexBytes('0800 479b b006 0001'), ECHO_DATA);
const ECHO_MSG: Icmpv4Message = { kind: 'echoRequest', ident: 45062, seq: 1, data: ECHO_DATA };

/*
 * Golden time exceeded: brave-experiments/zerotrace zerotrace_test.go (TestProcessICMPpkt), a real
 *   18:51:11.166865 IP 192.168.0.1 > 192.168.0.6: ICMP time exceeded in-transit, length 36
 * quoting the 20-byte IPv4 header (TTL 1, TCP) and 8 bytes of the TCP header. Hand-verified sum.
 */
const TIMEX_ORIGINAL = hexBytes('4500 0057 0000 4000 0106 91f9 c0a8 0006 ac3a 7abf 01bb 55b6 5c14 c98f');
const TIMEX = concatBytes(hexBytes('0b00 77ea 0000 0000'), TIMEX_ORIGINAL);

function parsed(buf: Uint8Array): { msg: Icmpv4Message; checksum: number; checksumOk: boolean } {
  const r = parseIcmpv4(buf);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const kid = (n: FieldNode, key: string): FieldNode => findField(n, key)!;

describe('ICMPv4 golden echo request (BusyBox ping)', () => {
  it('RFC 792 Echo: deconstructs through the view', () => {
    const r = Icmpv4View.check(ECHO);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const v = r.value;
    expect([v.type, v.code, v.checksum, v.ident, v.seq]).toEqual([8, 0, 0x479b, 45062, 1]);
    expect(v.data).toEqual(ECHO_DATA);
    expect(v.verifyChecksum()).toBe(true);
  });

  it('RFC 792 Echo: constructs the same bytes through the view setters', () => {
    const buf = new Uint8Array(64);
    const v = Icmpv4View.unchecked(buf);
    v.type = 8;
    v.code = 0;
    v.ident = 45062;
    v.seq = 1;
    buf.set(ECHO_DATA, 8);
    v.fillChecksum();
    expect(buf).toEqual(ECHO);
  });

  it('RFC 792 Echo: parses to the representation with a verified checksum', () => {
    expect(parseIcmpv4(ECHO)).toEqual({ ok: true, value: { msg: ECHO_MSG, checksum: 0x479b, checksumOk: true } });
  });

  it('RFC 792 Echo: emits byte-identical output, checksum included', () => {
    expect(icmpv4Length(ECHO_MSG)).toBe(64);
    expect(buildIcmpv4(ECHO_MSG)).toEqual(ECHO);
    const buf = new Uint8Array(70).fill(0xee);
    expect(emitIcmpv4(ECHO_MSG, buf, 3)).toBe(64);
    expect(buf.subarray(3, 67)).toEqual(ECHO);
    expect([buf[2], buf[67]]).toEqual([0xee, 0xee]);
  });

  it('RFC 792 Echo: describes type, code, checksum, identifier, sequence and data', () => {
    const node = describeIcmpv4(ECHO, 34);
    expect(node).toMatchObject({ key: 'icmp', name: 'Internet Control Message Protocol', start: 34, end: 98 });
    expect(node.value).toBe('Echo (ping) request id=0xb006, seq=1');
    expect(node.children?.map((c) => [c.key, c.start, c.end, c.value])).toEqual([
      ['type', 34, 35, '8 (Echo (ping) request)'],
      ['code', 35, 36, '0'],
      ['checksum', 36, 38, '0x479b [correct]'],
      ['ident', 38, 40, '0xb006'],
      ['seq', 40, 42, '1'],
      ['data', 42, 98, '56 bytes'],
    ]);
    for (const c of node.children ?? []) {
      expect(c.rfc).toMatch(/^RFC /);
      expect(c.meaning).toBeTruthy();
    }
  });

  it('RFC 792 Echo Reply: only the type changes, and the checksum follows', () => {
    const reply = buildIcmpv4({ ...ECHO_MSG, kind: 'echoReply' });
    expect(reply[0]).toBe(0);
    expect(reply.subarray(4)).toEqual(ECHO.subarray(4));
    expect(parsed(reply)).toMatchObject({ msg: { kind: 'echoReply', ident: 45062, seq: 1 }, checksumOk: true });
    expect(describeIcmpv4(reply).value).toBe('Echo (ping) reply id=0xb006, seq=1');
  });
});

describe('ICMPv4 golden time exceeded (zerotrace capture)', () => {
  it('RFC 792 Time Exceeded: parses, quoting the original datagram, and re-emits identically', () => {
    const p = parsed(TIMEX);
    expect(p).toEqual({ msg: { kind: 'timeExceeded', code: 0, original: TIMEX_ORIGINAL }, checksum: 0x77ea, checksumOk: true });
    expect(buildIcmpv4(p.msg)).toEqual(TIMEX);
  });

  it('RFC 792 Time Exceeded: describe names it like Wireshark and gives the quote a node', () => {
    const node = describeIcmpv4(TIMEX, 34);
    expect(kid(node, 'type').value).toBe('11 (Time-to-live exceeded)');
    expect(kid(node, 'code').value).toBe('0 (Time to live exceeded in transit)');
    expect(kid(node, 'unused')).toMatchObject({ start: 38, end: 42, value: '0x00000000' });
    expect(kid(node, 'original')).toMatchObject({ start: 42, end: 70, value: '28 bytes' });
    expect(kid(node, 'original').children).toBeUndefined();
  });
});

describe('ICMPv4 destination unreachable', () => {
  const original = TIMEX_ORIGINAL;

  it('RFC 1191 §4: Fragmentation needed carries the next-hop MTU in bytes 6-7', () => {
    const msg: Icmpv4Message = { kind: 'destUnreachable', code: ICMPV4_UNREACH.FRAG_NEEDED, nextHopMtu: 1400, original };
    const bytes = buildIcmpv4(msg);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([3, 4, bytes[2], bytes[3], 0, 0, 0x05, 0x78]);
    expect(internetChecksum(bytes)).toBe(0);
    expect(parsed(bytes).msg).toEqual(msg);
    const node = describeIcmpv4(bytes);
    expect(kid(node, 'code').value).toBe('4 (Fragmentation needed)');
    expect(kid(node, 'mtu')).toMatchObject({ start: 6, end: 8, value: '1400', rfc: 'RFC 1191 §4' });
    expect(node.value).toBe('Destination unreachable (Fragmentation needed), next-hop MTU 1400');
  });

  it('RFC 792: port unreachable leaves bytes 4-7 unused (zero) and reads them as such', () => {
    const msg: Icmpv4Message = { kind: 'destUnreachable', code: ICMPV4_UNREACH.PORT, nextHopMtu: 0, original };
    const bytes = buildIcmpv4(msg);
    expect(Array.from(bytes.subarray(4, 8))).toEqual([0, 0, 0, 0]);
    expect(parsed(bytes).msg).toEqual(msg);
    expect(kid(describeIcmpv4(bytes), 'code').value).toBe('3 (Port unreachable)');
    // A next-hop MTU on another code is not a field: it is neither sent nor read back.
    const stray = buildIcmpv4({ ...msg, nextHopMtu: 1500 });
    expect(stray).toEqual(bytes);
    const garbage = bytes.slice();
    garbage[7] = 9;
    expect(parsed(garbage).msg).toEqual(msg);
  });

  it('RFC 792: codes 0-3 and 13 are named as Wireshark names them', () => {
    const names = [ICMPV4_UNREACH.NET, ICMPV4_UNREACH.HOST, ICMPV4_UNREACH.PROTOCOL, ICMPV4_UNREACH.ADMIN_PROHIBITED].map(
      (code) => kid(describeIcmpv4(buildIcmpv4({ kind: 'destUnreachable', code, nextHopMtu: 0, original })), 'code').value,
    );
    expect(names).toEqual(['0 (Network unreachable)', '1 (Host unreachable)', '2 (Protocol unreachable)', '13 (Communication administratively filtered)']);
  });
});

describe('ICMPv4 other messages and errors', () => {
  it('RFC 792 Timestamp: an unmodelled type parses as other and re-emits identically', () => {
    const bytes = buildIcmpv4({ kind: 'other', type: 13, code: 0, rest: 0x12340001, data: new Uint8Array(12) });
    const p = parsed(bytes);
    expect(p.msg).toEqual({ kind: 'other', type: 13, code: 0, rest: 0x12340001, data: new Uint8Array(12) });
    expect(buildIcmpv4(p.msg)).toEqual(bytes);
    expect(kid(describeIcmpv4(bytes), 'type').value).toBe('13 (Timestamp request)');
  });

  it('RFC 792 Echo: an echo with a non-zero code is kept as other so no byte is lost', () => {
    const bytes = ECHO.slice();
    bytes[1] = 5;
    const p = parsed(bytes);
    expect(p.msg).toMatchObject({ kind: 'other', type: ICMPV4_TYPE.ECHO_REQUEST, code: 5, rest: 0xb0060001 });
    expect(p.checksumOk).toBe(false);
    const again = buildIcmpv4(p.msg);
    expect(again.subarray(4)).toEqual(bytes.subarray(4));
  });

  it('RFC 792: a corrupted message fails the checksum and describe gives the right value', () => {
    const bytes = ECHO.slice();
    bytes[8] = bytes[8]! ^ 0xff;
    expect(parsed(bytes).checksumOk).toBe(false);
    const right = buildIcmpv4({ ...ECHO_MSG, data: bytes.subarray(8) });
    const node = kid(describeIcmpv4(bytes), 'checksum');
    expect(node.value).toBe(`0x479b [incorrect, should be 0x${((right[2]! << 8) | right[3]!).toString(16).padStart(4, '0')}]`);
    expect(node.error).toBeTruthy();
  });

  it('RFC 792: every prefix shorter than the 8-byte header is truncated', () => {
    for (let n = 0; n < 8; n++) {
      const r = parseIcmpv4(ECHO.subarray(0, n));
      expect(r.ok ? 'ok' : r.error.kind).toBe('truncated');
      const node = describeIcmpv4(ECHO.subarray(0, n));
      expect(node.children?.some((c) => c.error !== undefined)).toBe(true);
    }
  });
});

const arbMsg: fc.Arbitrary<Icmpv4Message> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('echoRequest' as const, 'echoReply' as const),
    ident: fc.integer({ min: 0, max: 0xffff }),
    seq: fc.integer({ min: 0, max: 0xffff }),
    data: fc.uint8Array({ maxLength: 40 }),
  }),
  fc.integer({ min: 0, max: 255 }).chain((code) =>
    fc.record({
      kind: fc.constant('destUnreachable' as const),
      code: fc.constant(code),
      nextHopMtu: code === 4 ? fc.integer({ min: 0, max: 0xffff }) : fc.constant(0),
      original: fc.uint8Array({ maxLength: 40 }),
    }),
  ),
  fc.record({ kind: fc.constant('timeExceeded' as const), code: fc.integer({ min: 0, max: 255 }), original: fc.uint8Array({ maxLength: 40 }) }),
  fc.record({
    kind: fc.constant('other' as const),
    type: fc.integer({ min: 0, max: 255 }).filter((t) => ![0, 3, 8, 11].includes(t)),
    code: fc.integer({ min: 0, max: 255 }),
    rest: fc.nat({ max: 0xffffffff }),
    data: fc.uint8Array({ maxLength: 40 }),
  }),
);

describe('ICMPv4 properties', () => {
  it('parse never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 60 }), (bytes) => {
        expect(typeof parseIcmpv4(bytes).ok).toBe('boolean');
      }),
    );
  });

  it('parse(emit(msg)) round-trips for valid messages and always verifies', () => {
    fc.assert(
      fc.property(arbMsg, (msg) => {
        const bytes = buildIcmpv4(msg);
        expect(parsed(bytes)).toMatchObject({ msg, checksumOk: true });
      }),
    );
  });

  it('emit(parse(bytes)) reproduces any message except unused bytes of errors and the checksum', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 60 }), (bytes) => {
        const again = buildIcmpv4(parsed(bytes).msg);
        const expected = bytes.slice();
        if (bytes[0] === 3 || bytes[0] === 11) {
          expected.fill(0, 4, bytes[0] === 3 && bytes[1] === 4 ? 6 : 8);
        }
        expect(again.subarray(4)).toEqual(expected.subarray(4));
        expect(again.subarray(0, 2)).toEqual(expected.subarray(0, 2));
      }),
    );
  });

  it('describe never throws', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 60 }), (bytes) => {
        expect(describeIcmpv4(bytes, 20).key).toBe('icmp');
      }),
    );
  });
});
