import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Icmpv6Message, NdpOption } from './icmpv6.ts';
import { buildIcmpv6, describeIcmpv6, emitIcmpv6, ICMPV6_TYPE, icmpv6Length, Icmpv6View, parseIcmpv6 } from './icmpv6.ts';
import { emitNdpOptions, ndpOptionsLength, NdpOptionView, parseNdpOptions } from './ndp.ts';
import type { Ipv6 } from './addr.ts';
import { ip6, parseMac } from './addr.ts';
import type { FieldNode } from './field.ts';
import { findField } from './field.ts';
import { concatBytes, hexBytes } from './testing/frames.ts';

const mac = (s: string): number => parseMac(s)!;
const kid = (n: FieldNode, key: string): FieldNode => findField(n, key)!;

function parsed(buf: Uint8Array, src: Ipv6, dst: Ipv6): { msg: Icmpv6Message; checksum: number; checksumOk: boolean } {
  const r = parseIcmpv6(buf, src, dst);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/*
 * Golden NDP messages: real captures published in google/gopacket (layers/icmp6msg_test.go and
 * layers/icmp6_test.go), each printed by tcpdump with "[icmp6 sum ok]" or checked by hand here
 * (pseudo-header + message sums to 0xffff).
 *
 * RA: 23:34:40.014307 IP6 fe80::c000:54ff:fef5:0 > ff02::1: router advertisement, length 64
 *     hop limit 64, Flags [none], pref medium, router lifetime 1800s, reachable 0s, retrans 0s;
 *     source link-address c2:00:54:f5:00:00; mtu 1500;
 *     prefix info 2001:db8:0:1::/64, Flags [onlink, auto], valid 2592000s, pref. 604800s
 */
const RA_SRC = ip6('fe80::c000:54ff:fef5:0');
const RA_DST = ip6('ff02::1');
const RA = hexBytes(`8600 c4fe 4000 0708 0000 0000 0000 0000 0101 c200 54f5 0000 0501 0000 0000 05dc
  0304 40c0 0027 8d00 0009 3a80 0000 0000 2001 0db8 0000 0001 0000 0000 0000 0000`);
const RA_MSG: Icmpv6Message = {
  kind: 'routerAdvertisement',
  curHopLimit: 64,
  managed: false,
  other: false,
  routerLifetime: 1800,
  reachableTime: 0,
  retransTimer: 0,
  options: [
    { type: 'sourceLinkAddr', mac: mac('c2:00:54:f5:00:00') },
    { type: 'mtu', mtu: 1500 },
    { type: 'prefixInfo', prefixLength: 64, onLink: true, autonomous: true, validLifetime: 2592000, preferredLifetime: 604800, prefix: ip6('2001:db8:0:1::') },
  ],
};

/* NS for DAD: 23:34:39.647300 IP6 :: > ff02::1:ff0e:4c67: neighbor solicitation, who has fe80::20c:29ff:fe0e:4c67 */
const NS_SRC = ip6('::');
const NS_DST = ip6('ff02::1:ff0e:4c67');
const NS = hexBytes('8700 b930 0000 0000 fe80 0000 0000 0000 020c 29ff fe0e 4c67');

/* NA: 10:48:30.088384 IP6 2620:0:1005:0:26be:5ff:fe27:b17 > fe80::21f:caff:feb3:7640: neighbor advertisement, tgt is 2620:0:1005:0:26be:5ff:fe27:b17 */
const NA_SRC = ip6('2620:0:1005:0:26be:5ff:fe27:b17');
const NA_DST = ip6('fe80::21f:caff:feb3:7640');
const NA = hexBytes('8800 1ed6 4000 0000 2620 0000 1005 0000 26be 05ff fe27 0b17');

/*
 * Echo request/reply: `tcpdump -X` on an SR Linux leaf in a public lab guide (srl-labs):
 *   IP6 fd00:fde8::15:33 > fd00:fde8::15:35: ICMP6, echo request, id 0, seq 0, length 20
 * with the 12-byte payload "hackaton2025"; the reply comes back with type 129.
 */
const ECHO_A = ip6('fd00:fde8::15:33');
const ECHO_B = ip6('fd00:fde8::15:35');
const ECHO_DATA = new TextEncoder().encode('hackaton2025');
const ECHO_REQ = concatBytes(hexBytes('8000 8836 0000 0000'), ECHO_DATA);
const ECHO_REP = concatBytes(hexBytes('8100 8736 0000 0000'), ECHO_DATA);

const ORIGINAL = hexBytes('6000 0000 0008 1140 2001 0db8 0000 0000 0000 0000 0000 0001 2001 0db8 0000 0000 0000 0000 0000 0002 8235 829a 0008 0000');

describe('ICMPv6 golden Router Advertisement (gopacket capture)', () => {
  it('RFC 4861 §4.2: deconstructs through the views', () => {
    const r = Icmpv6View.check(RA);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const v = r.value;
    expect([v.type, v.code, v.checksum, v.curHopLimit, v.raFlags, v.routerLifetime, v.reachableTime, v.retransTimer]).toEqual([134, 0, 0xc4fe, 64, 0, 1800, 0, 0]);
    expect(v.verifyChecksum(RA_SRC, RA_DST)).toBe(true);
    const o = NdpOptionView.check(RA.subarray(32));
    expect(o.ok && [o.value.type, o.value.length, o.value.prefixLength, o.value.prefixFlags, o.value.validLifetime, o.value.preferredLifetime]).toEqual([3, 4, 64, 0xc0, 2592000, 604800]);
  });

  it('RFC 4861 §4.2: constructs the same bytes (header by hand, options by the codec)', () => {
    const buf = new Uint8Array(64);
    buf.set([134, 0, 0, 0, 64, 0, 0x07, 0x08], 0);
    expect(emitNdpOptions(RA_MSG.kind === 'routerAdvertisement' ? RA_MSG.options : [], buf, 16)).toBe(48);
    Icmpv6View.unchecked(buf).fillChecksum(RA_SRC, RA_DST);
    expect(buf).toEqual(RA);
  });

  it('RFC 4861 §4.2: parses to the representation with a verified checksum', () => {
    expect(parseIcmpv6(RA, RA_SRC, RA_DST)).toEqual({ ok: true, value: { msg: RA_MSG, checksum: 0xc4fe, checksumOk: true } });
  });

  it('RFC 4861 §4.2: emits byte-identical output, checksum included', () => {
    expect(icmpv6Length(RA_MSG)).toBe(64);
    expect(buildIcmpv6(RA_MSG, RA_SRC, RA_DST)).toEqual(RA);
    const buf = new Uint8Array(70).fill(0xee);
    expect(emitIcmpv6(RA_MSG, RA_SRC, RA_DST, buf, 2)).toBe(64);
    expect(buf.subarray(2, 66)).toEqual(RA);
    expect([buf[1], buf[66]]).toEqual([0xee, 0xee]);
  });

  it('RFC 4861 §4.2, §4.6: describes the header fields and one node per option', () => {
    const node = describeIcmpv6(RA, 54, RA_SRC, RA_DST);
    expect(node).toMatchObject({ key: 'icmpv6', name: 'Internet Control Message Protocol v6', start: 54, end: 118, value: 'Router Advertisement' });
    expect(node.children?.map((c) => [c.key, c.start, c.end, c.value])).toEqual([
      ['type', 54, 55, '134 (Router Advertisement)'],
      ['code', 55, 56, '0'],
      ['checksum', 56, 58, '0xc4fe [correct]'],
      ['cur_hop_limit', 58, 59, '64'],
      ['flag.m', 59, 60, 'Not set'],
      ['flag.o', 59, 60, 'Not set'],
      ['router_lifetime', 60, 62, '1800'],
      ['reachable_time', 62, 66, '0'],
      ['retrans_timer', 66, 70, '0'],
      ['option.src_lladdr', 70, 78, 'c2:00:54:f5:00:00'],
      ['option.mtu', 78, 86, '1500'],
      ['option.prefix_info', 86, 118, '2001:db8:0:1::/64 L A, valid 2592000s, preferred 604800s'],
    ]);
    expect([kid(node, 'flag.m').bitMask, kid(node, 'flag.o').bitMask]).toEqual([0x80, 0x40]);
    expect(kid(node, 'option.prefix_info').children?.map((c) => [c.key, c.start, c.end, c.value, c.bitMask])).toEqual([
      ['prefix_length', 88, 89, '64', undefined],
      ['flag.l', 89, 90, 'Set', 0x80],
      ['flag.a', 89, 90, 'Set', 0x40],
      ['valid_lifetime', 90, 94, '2592000', undefined],
      ['preferred_lifetime', 94, 98, '604800', undefined],
      ['prefix', 102, 118, '2001:db8:0:1::', undefined],
    ]);
    const walk = (n: FieldNode): void => {
      expect(n.rfc).toMatch(/^RFC \d+/);
      if (n.key !== 'icmpv6') expect(n.meaning).toBeTruthy();
      expect(n.error).toBeUndefined();
      n.children?.forEach(walk);
    };
    walk(node);
  });
});

describe('ICMPv6 golden NS, NA and echo', () => {
  it('RFC 4861 §4.3: the DAD Neighbor Solicitation (from ::) parses, verifies and re-emits', () => {
    const p = parsed(NS, NS_SRC, NS_DST);
    expect(p).toEqual({ msg: { kind: 'neighborSolicitation', target: ip6('fe80::20c:29ff:fe0e:4c67'), options: [] }, checksum: 0xb930, checksumOk: true });
    expect(buildIcmpv6(p.msg, NS_SRC, NS_DST)).toEqual(NS);
    expect(describeIcmpv6(NS, 0, NS_SRC, NS_DST).value).toBe('Neighbor Solicitation for fe80::20c:29ff:fe0e:4c67');
  });

  it('RFC 4861 §4.4: the Neighbor Advertisement has only the Solicited flag', () => {
    const p = parsed(NA, NA_SRC, NA_DST);
    expect(p).toEqual({
      msg: { kind: 'neighborAdvertisement', router: false, solicited: true, override: false, target: NA_SRC, options: [] },
      checksum: 0x1ed6,
      checksumOk: true,
    });
    expect(buildIcmpv6(p.msg, NA_SRC, NA_DST)).toEqual(NA);
    const node = describeIcmpv6(NA, 0, NA_SRC, NA_DST);
    expect(node.value).toBe('Neighbor Advertisement 2620:0:1005:0:26be:5ff:fe27:b17 (sol)');
    expect(['flag.r', 'flag.s', 'flag.o'].map((k) => [kid(node, k).value, kid(node, k).bitMask])).toEqual([
      ['Not set', 0x80],
      ['Set', 0x40],
      ['Not set', 0x20],
    ]);
    expect(kid(node, 'target')).toMatchObject({ start: 8, end: 24 });
  });

  it('RFC 4443 §4.1, §4.2: echo request and reply (SR Linux capture) round-trip', () => {
    const req = parsed(ECHO_REQ, ECHO_A, ECHO_B);
    expect(req).toEqual({ msg: { kind: 'echoRequest', ident: 0, seq: 0, data: ECHO_DATA }, checksum: 0x8836, checksumOk: true });
    expect(buildIcmpv6(req.msg, ECHO_A, ECHO_B)).toEqual(ECHO_REQ);
    const rep = buildIcmpv6({ kind: 'echoReply', ident: 0, seq: 0, data: ECHO_DATA }, ECHO_B, ECHO_A);
    expect(rep).toEqual(ECHO_REP);
    expect(describeIcmpv6(ECHO_REP, 0, ECHO_B, ECHO_A).children?.map((c) => c.value)).toEqual([
      '129 (Echo (ping) reply)',
      '0',
      '0x8736 [correct]',
      '0x0000',
      '0',
      '12 bytes',
    ]);
  });

  it('RFC 4443 §2.3: the checksum covers the IPv6 pseudo-header (wrong addresses fail)', () => {
    expect(parsed(ECHO_REQ, ECHO_B, ECHO_A).checksumOk).toBe(true); // the sum is symmetric in src/dst
    expect(parsed(ECHO_REQ, ECHO_A, ip6('fd00:fde8::15:36')).checksumOk).toBe(false);
    const node = kid(describeIcmpv6(ECHO_REQ, 0, ECHO_A, ip6('fd00:fde8::15:36')), 'checksum');
    expect(node.error).toBeTruthy();
    expect(kid(describeIcmpv6(ECHO_REQ), 'checksum').value).toBe('0x8836 [unverified]');
  });
});

describe('ICMPv6 error messages', () => {
  const a = ip6('2001:db8::1');
  const b = ip6('2001:db8::2');

  it('RFC 4443 §3.2: Packet Too Big carries the MTU in bytes 4-7', () => {
    const msg: Icmpv6Message = { kind: 'packetTooBig', mtu: 1280, original: ORIGINAL };
    const bytes = buildIcmpv6(msg, a, b);
    expect(Array.from(bytes.subarray(0, 2))).toEqual([2, 0]);
    expect(Array.from(bytes.subarray(4, 8))).toEqual([0, 0, 5, 0]);
    expect(parsed(bytes, a, b)).toEqual({ msg, checksum: (bytes[2]! << 8) | bytes[3]!, checksumOk: true });
    const node = describeIcmpv6(bytes, 0, a, b);
    expect(node.value).toBe('Packet Too Big, MTU 1280');
    expect(kid(node, 'original')).toMatchObject({ start: 8, end: 8 + ORIGINAL.length });
    expect(kid(node, 'original').children).toBeUndefined();
  });

  it('RFC 4443 §3.1, §3.3: Destination Unreachable and Time Exceeded keep their codes', () => {
    for (const msg of [
      { kind: 'destUnreachable', code: 4, original: ORIGINAL },
      { kind: 'timeExceeded', code: 0, original: ORIGINAL },
    ] satisfies Icmpv6Message[]) {
      const bytes = buildIcmpv6(msg, a, b);
      expect(Array.from(bytes.subarray(4, 8))).toEqual([0, 0, 0, 0]);
      expect(parsed(bytes, a, b).msg).toEqual(msg);
    }
    expect(describeIcmpv6(buildIcmpv6({ kind: 'destUnreachable', code: 4, original: ORIGINAL }, a, b)).value).toBe('Destination Unreachable (port unreachable)');
    expect(describeIcmpv6(buildIcmpv6({ kind: 'timeExceeded', code: 0, original: ORIGINAL }, a, b)).value).toBe('Time Exceeded (hop limit exceeded in transit)');
  });

  it('RFC 4443 §2.1: unknown types and echo with a non-zero code are kept as other, losslessly', () => {
    const redirect = hexBytes('8900 0000 0000 0000') ;
    const withBody = concatBytes(redirect, new Uint8Array(32));
    const p = parsed(withBody, a, b);
    expect(p.msg).toEqual({ kind: 'other', type: 137, code: 0, body: withBody.subarray(4) });
    expect(buildIcmpv6(p.msg, a, b).subarray(4)).toEqual(withBody.subarray(4));
    const odd = ECHO_REQ.slice();
    odd[1] = 1;
    expect(parsed(odd, ECHO_A, ECHO_B).msg).toMatchObject({ kind: 'other', type: 128, code: 1 });
  });

  it('RFC 4443 §2.1: a header shorter than 4 bytes, or a message shorter than its type needs, is truncated', () => {
    for (const [bytes, n] of [
      [ECHO_REQ, 4],
      [NS, 24],
      [RA, 16],
    ] as const) {
      for (let len = 0; len < n; len++) {
        const r = parseIcmpv6(bytes.subarray(0, len), a, b);
        expect(r.ok ? 'ok' : r.error.kind).toBe('truncated');
        describeIcmpv6(bytes.subarray(0, len), 0, a, b);
      }
    }
    expect(kid(describeIcmpv6(NS.subarray(0, 20)), 'target').error).toBeTruthy();
  });
});

describe('NDP options (RFC 4861 §4.6)', () => {
  it('RFC 4861 §4.6: an option with length 0 is malformed', () => {
    const bad = concatBytes(NS, hexBytes('0100 0000 0000 0000'));
    expect(parseIcmpv6(bad, NS_SRC, NS_DST)).toMatchObject({ ok: false, error: { kind: 'malformed', offset: 25 } });
    expect(kid(describeIcmpv6(bad), 'option.malformed').error).toMatch(/length 0/);
  });

  it('RFC 4861 §4.6: an option running past the message is malformed', () => {
    const bad = concatBytes(NS, hexBytes('0102 0000 0000 0000'));
    expect(parseIcmpv6(bad, NS_SRC, NS_DST)).toMatchObject({ ok: false, error: { kind: 'malformed' } });
  });

  it('RFC 4861 §4.6.1: a link-layer address option of another length is kept as unknown', () => {
    const opt = hexBytes('0102 0011 2233 4455 6677 8899 aabb ccdd');
    const r = parseNdpOptions(opt, 0);
    expect(r).toEqual({ ok: true, value: [{ type: 'unknown', code: 1, data: opt.subarray(2) }] });
    const buf = new Uint8Array(16);
    expect(emitNdpOptions(r.ok ? r.value : [], buf, 0)).toBe(16);
    expect(buf).toEqual(opt);
  });

  it('RFC 4861 §4.6: unknown option data is zero-padded to a multiple of 8 bytes', () => {
    const options: NdpOption[] = [{ type: 'unknown', code: 14, data: new Uint8Array([1, 2, 3]) }];
    expect(ndpOptionsLength(options)).toBe(8);
    const buf = new Uint8Array(8).fill(0xee);
    emitNdpOptions(options, buf, 0);
    expect(buf).toEqual(new Uint8Array([14, 1, 1, 2, 3, 0, 0, 0]));
  });

  it('RFC 4861 §4.4: an NA with the Target link-layer address option round-trips', () => {
    const msg: Icmpv6Message = {
      kind: 'neighborAdvertisement',
      router: true,
      solicited: true,
      override: true,
      target: NA_SRC,
      options: [{ type: 'targetLinkAddr', mac: mac('24:be:05:27:0b:17') }],
    };
    const bytes = buildIcmpv6(msg, NA_SRC, NA_DST);
    expect(bytes[4]).toBe(0xe0);
    expect(Array.from(bytes.subarray(24))).toEqual([2, 1, 0x24, 0xbe, 0x05, 0x27, 0x0b, 0x17]);
    expect(parsed(bytes, NA_SRC, NA_DST)).toMatchObject({ msg, checksumOk: true });
  });
});

const arbIp6 = fc.uint8Array({ minLength: 16, maxLength: 16 });
const u32 = fc.nat({ max: 0xffffffff });
const arbNdp: fc.Arbitrary<NdpOption> = fc.oneof(
  fc.record({ type: fc.constantFrom('sourceLinkAddr' as const, 'targetLinkAddr' as const), mac: fc.nat({ max: 2 ** 48 - 1 }) }),
  fc.record({ type: fc.constant('prefixInfo' as const), prefixLength: fc.integer({ min: 0, max: 128 }), onLink: fc.boolean(), autonomous: fc.boolean(), validLifetime: u32, preferredLifetime: u32, prefix: arbIp6 }),
  fc.record({ type: fc.constant('mtu' as const), mtu: u32 }),
  fc.integer({ min: 0, max: 4 }).chain((units) =>
    fc.record({ type: fc.constant('unknown' as const), code: fc.integer({ min: 6, max: 255 }), data: fc.uint8Array({ minLength: units * 8 + 6, maxLength: units * 8 + 6 }) }),
  ),
);
const arbOpts = fc.array(arbNdp, { maxLength: 4 });
const arbMsg: fc.Arbitrary<Icmpv6Message> = fc.oneof(
  fc.record({ kind: fc.constantFrom('destUnreachable' as const, 'timeExceeded' as const), code: fc.integer({ min: 0, max: 255 }), original: fc.uint8Array({ maxLength: 48 }) }),
  fc.record({ kind: fc.constant('packetTooBig' as const), mtu: u32, original: fc.uint8Array({ maxLength: 48 }) }),
  fc.record({ kind: fc.constantFrom('echoRequest' as const, 'echoReply' as const), ident: fc.integer({ min: 0, max: 0xffff }), seq: fc.integer({ min: 0, max: 0xffff }), data: fc.uint8Array({ maxLength: 48 }) }),
  fc.record({ kind: fc.constant('routerSolicitation' as const), options: arbOpts }),
  fc.record({
    kind: fc.constant('routerAdvertisement' as const),
    curHopLimit: fc.integer({ min: 0, max: 255 }),
    managed: fc.boolean(),
    other: fc.boolean(),
    routerLifetime: fc.integer({ min: 0, max: 0xffff }),
    reachableTime: u32,
    retransTimer: u32,
    options: arbOpts,
  }),
  fc.record({ kind: fc.constant('neighborSolicitation' as const), target: arbIp6, options: arbOpts }),
  fc.record({ kind: fc.constant('neighborAdvertisement' as const), router: fc.boolean(), solicited: fc.boolean(), override: fc.boolean(), target: arbIp6, options: arbOpts }),
  fc.record({
    kind: fc.constant('other' as const),
    type: fc.integer({ min: 0, max: 255 }).filter((t) => !(Object.values(ICMPV6_TYPE) as number[]).includes(t)),
    code: fc.integer({ min: 0, max: 255 }),
    body: fc.uint8Array({ maxLength: 48 }),
  }),
);

describe('ICMPv6 properties', () => {
  it('parse never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), arbIp6, arbIp6, (bytes, s, d) => {
        expect(typeof parseIcmpv6(bytes, s, d).ok).toBe('boolean');
      }),
    );
  });

  it('parse never throws on NDP messages with arbitrary option bytes', () => {
    fc.assert(
      fc.property(fc.constantFrom(133, 134, 135, 136), fc.uint8Array({ minLength: 24, maxLength: 64 }), (type, bytes) => {
        bytes[0] = type;
        bytes[1] = 0;
        const r = parseIcmpv6(bytes, ECHO_A, ECHO_B);
        if (r.ok) expect(r.value.msg.kind).not.toBe('other');
        expect(describeIcmpv6(bytes, 0, ECHO_A, ECHO_B).key).toBe('icmpv6');
      }),
    );
  });

  it('parse(emit(msg)) round-trips for valid messages and always verifies', () => {
    fc.assert(
      fc.property(arbMsg, arbIp6, arbIp6, (msg, s, d) => {
        const bytes = buildIcmpv6(msg, s, d);
        expect(bytes.length).toBe(icmpv6Length(msg));
        expect(parsed(bytes, s, d)).toMatchObject({ msg, checksumOk: true });
      }),
    );
  });

  it('describe never throws', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.option(fc.tuple(arbIp6, arbIp6), { nil: undefined }), (bytes, addrs) => {
        expect(describeIcmpv6(bytes, 10, addrs?.[0], addrs?.[1]).key).toBe('icmpv6');
      }),
    );
  });
});
