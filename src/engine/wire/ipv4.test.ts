import { existsSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIpv4, ip4 } from './addr.ts';
import { internetChecksum } from './checksum.ts';
import { buildFrame, ETHERTYPE } from './ethernet.ts';
import type { FieldNode } from './field.ts';
import { findField } from './field.ts';
import { buildIpv4, decrementTtl, describeIpv4, emitIpv4, IPPROTO, ipv4HeaderLen, Ipv4View, parseIpv4, rewriteIpv4Address } from './ipv4.ts';
import type { Ipv4Repr } from './ipv4.ts';
import { copiedIpv4Options, walkIpv4Options } from './ipv4-options.ts';
import type { ParseResult } from './result.ts';
import { hexBytes } from './testing/frames.ts';
import { tsharkOnFrames } from '../../../test/oracle/tshark.ts';

const TSHARK = '/usr/bin/tshark';
const hasTshark = existsSync(TSHARK);
const tsharkTitle = (t: string): string => (hasTshark ? t : `${t} (skipped: ${TSHARK} not installed)`);

const tshark = tsharkOnFrames;

const ethFrame = (packet: Uint8Array): Uint8Array => buildFrame({ dst: 0x020000000002, src: 0x020000000001, ethertype: ETHERTYPE.IPV4 }, packet);

function value<T>(r: ParseResult<T>): T {
  if (!r.ok) throw new Error(`${r.error.kind}: ${r.error.message}`);
  return r.value;
}

function allNodes(n: FieldNode): FieldNode[] {
  return [n, ...(n.children ?? []).flatMap(allNodes)];
}

/**
 * The worked example of the Wikipedia article "Internet checksum" (section "IPv4 header checksum"):
 * a UDP datagram 192.168.0.1 -> 192.168.0.199, Total Length 0x73, DF, TTL 64.
 * RFC 1071 arithmetic by hand, 16-bit words with the checksum field as 0000:
 *   4500 + 0073 + 0000 + 4000 + 4011 + c0a8 + 0001 + c0a8 + 00c7 = 0x2479c
 *   fold: 0x479c + 0x2 = 0x479e; one's complement: ~0x479e = 0xb861.
 */
const WIKI_HEADER = hexBytes('4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7');
const WIKI = new Uint8Array(0x73);
WIKI.set(WIKI_HEADER);
const WIKI_REPR: Ipv4Repr = { src: ip4('192.168.0.1'), dst: ip4('192.168.0.199'), protocol: IPPROTO.UDP, ttl: 64, dscp: 0, ecn: 0, ident: 0, dontFragment: true, moreFragments: false, fragmentOffset: 0, options: new Uint8Array(0), payloadLength: 0x73 - 20 };

/**
 * smoltcp src/wire/ipv4.rs PACKET_BYTES: DF and MF both set, offset 0x203 units, TTL 0x1a, ICMP.
 * RFC 1071 by hand: 4500 + 001e + 0102 + 6203 + 1a01 + 1112 + 1314 + 2122 + 2324 = 0x12a90,
 *   fold 0x2a90 + 0x1 = 0x2a91, ~0x2a91 = 0xd56e.
 */
const SMOL = hexBytes('4500 001e 0102 6203 1a01 d56e 1112 1314 2122 2324 aa00 0000 0000 0000 00ff');
const SMOL_REPR: Ipv4Repr = { src: ip4('17.18.19.20'), dst: ip4('33.34.35.36'), protocol: IPPROTO.ICMP, ttl: 0x1a, dscp: 0, ecn: 0, ident: 0x102, dontFragment: true, moreFragments: true, fragmentOffset: 0x203 * 8, options: new Uint8Array(0), payloadLength: 10 };

/** RFC 2113 §2.1 Router Alert, verbatim: type 10010100, length 00000100, value 0 ("examine packet"). */
const ROUTER_ALERT = hexBytes('94 04 0000');
/** RFC 791 §3.1 Record Route: type 7, length 11, pointer 8 (one address recorded), 2 slots (11 bytes, unpadded). */
const RECORD_ROUTE = hexBytes('07 0b 08 0a000001 00000000');

describe('RFC 791 §3.1 golden header (Wikipedia checksum example)', () => {
  it('RFC 791 §3.1: deconstruct via the view', () => {
    const r = Ipv4View.check(WIKI);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const v = r.value;
    expect([v.version, v.headerLen, v.dscp, v.ecn, v.totalLength, v.ident]).toEqual([4, 20, 0, 0, 0x73, 0]);
    expect([v.reservedFlag, v.dontFragment, v.moreFragments, v.fragmentOffset]).toEqual([false, true, false, 0]);
    expect([v.ttl, v.protocol, v.checksum]).toEqual([64, 17, 0xb861]);
    expect([formatIpv4(v.src), formatIpv4(v.dst)]).toEqual(['192.168.0.1', '192.168.0.199']);
    expect(v.verifyChecksum()).toBe(true);
    expect(v.computeChecksum()).toBe(0xb861);
    expect(v.payload.length).toBe(0x73 - 20);
  });

  it('RFC 791 §3.1: construct via view setters, checksum 0xb861', () => {
    const b = new Uint8Array(20).fill(0xa5);
    const v = Ipv4View.unchecked(b);
    v.version = 4;
    v.headerLen = 20;
    v.dscp = 0;
    v.ecn = 0;
    v.totalLength = 0x73;
    v.ident = 0;
    b[6] = 0;
    b[7] = 0;
    v.dontFragment = true;
    v.ttl = 64;
    v.protocol = IPPROTO.UDP;
    v.src = ip4('192.168.0.1');
    v.dst = ip4('192.168.0.199');
    v.fillChecksum();
    expect(b).toEqual(WIKI_HEADER);
  });

  it('RFC 791 §3.1: parse gives the representation', () => {
    const r = parseIpv4(WIKI);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.repr).toEqual(WIKI_REPR);
    expect([r.value.headerLen, r.value.totalLength, r.value.checksum, r.value.checksumOk]).toEqual([20, 0x73, 0xb861, true]);
  });

  it('RFC 791 §3.1: emit writes identical bytes', () => {
    const b = new Uint8Array(24).fill(0xa5);
    expect(emitIpv4(WIKI_REPR, b, 4)).toBe(20);
    expect(b.subarray(4)).toEqual(WIKI_HEADER);
    expect(buildIpv4(WIKI_REPR, new Uint8Array(0x73 - 20))).toEqual(WIKI);
  });
});

describe('RFC 791 §3.1 golden fragment header (smoltcp test vector)', () => {
  it('RFC 791 §3.1: deconstruct flags and fragment offset', () => {
    const r = Ipv4View.check(SMOL);
    expect(r.ok && [r.value.dontFragment, r.value.moreFragments, r.value.fragmentOffset, r.value.ttl, r.value.ident]).toEqual([true, true, 0x203 * 8, 0x1a, 0x102]);
    expect(r.ok && r.value.verifyChecksum()).toBe(true);
  });

  it('RFC 791 §3.1: construct via view setters', () => {
    const b = new Uint8Array(30).fill(0xa5);
    const v = Ipv4View.unchecked(b);
    v.version = 4;
    v.headerLen = 20;
    b[1] = 0;
    b[6] = 0;
    v.totalLength = 30;
    v.ident = 0x102;
    v.moreFragments = true;
    v.dontFragment = true;
    v.fragmentOffset = 0x203 * 8;
    v.ttl = 0x1a;
    v.protocol = IPPROTO.ICMP;
    v.src = ip4('17.18.19.20');
    v.dst = ip4('33.34.35.36');
    v.fillChecksum();
    b.set(SMOL.subarray(20), 20);
    expect(b).toEqual(SMOL);
  });

  it('RFC 791 §3.1: parse and emit', () => {
    const r = parseIpv4(SMOL);
    expect(r.ok && r.value.repr).toEqual(SMOL_REPR);
    expect(buildIpv4(SMOL_REPR, SMOL.subarray(20))).toEqual(SMOL);
  });

  it('RFC 791 §3.1: smoltcp REPR_PACKET_BYTES (checksum 0xd279) from emit', () => {
    // RFC 1071: 4500+0018+0000+4000+4001+1112+1314+2122+2324 = 0x12d85 -> 0x2d86 -> ~ = 0xd279.
    const expected = hexBytes('4500 0018 0000 4000 4001 d279 1112 1314 2122 2324 aa00 00ff');
    const repr = { ...SMOL_REPR, ident: 0, moreFragments: false, fragmentOffset: 0, ttl: 64 };
    expect(buildIpv4(repr, hexBytes('aa0000ff'))).toEqual(expected);
  });
});

describe('parse errors', () => {
  const kindAt = (b: Uint8Array): unknown => {
    const r = parseIpv4(b);
    return r.ok ? 'ok' : { kind: r.error.kind, offset: r.error.offset };
  };

  it('RFC 791 §3.1: fewer than 20 bytes is truncated', () => {
    for (let n = 0; n < 20; n++) expect(kindAt(WIKI.subarray(0, n))).toMatchObject({ kind: 'truncated' });
  });

  it('RFC 791 §3.1: version other than 4 is malformed', () => {
    const b = WIKI.slice();
    b[0] = 0x65;
    expect(kindAt(b)).toEqual({ kind: 'malformed', offset: 0 });
  });

  it('RFC 791 §3.1: IHL below 5 is malformed', () => {
    const b = WIKI.slice();
    b[0] = 0x44;
    expect(kindAt(b)).toEqual({ kind: 'malformed', offset: 0 });
  });

  it('RFC 791 §3.1: header longer than the buffer is truncated', () => {
    const b = WIKI.slice(0, 40);
    b[0] = 0x4f; // 60-byte header
    expect(kindAt(b)).toMatchObject({ kind: 'truncated' });
  });

  it('RFC 791 §3.1: Total Length smaller than the header is malformed', () => {
    const b = WIKI.slice();
    b[2] = 0;
    b[3] = 19;
    expect(kindAt(b)).toEqual({ kind: 'malformed', offset: 2 });
  });

  it('RFC 791 §3.1: Total Length beyond the buffer is truncated', () => {
    expect(kindAt(WIKI.subarray(0, 0x72))).toMatchObject({ kind: 'truncated' });
  });

  it('RFC 894: Ethernet padding after Total Length is not payload', () => {
    const padded = new Uint8Array(46);
    padded.set(SMOL);
    padded.fill(0xee, 30);
    const r = parseIpv4(padded);
    expect(r.ok && r.value.payload).toEqual(SMOL.subarray(20));
  });

  it('RFC 791 §3.1: a bad header checksum is reported, not an error', () => {
    const b = WIKI.slice();
    b[11] = b[11]! ^ 1;
    const r = parseIpv4(b);
    expect(r.ok && [r.value.checksumOk, r.value.checksum]).toEqual([false, 0xb860]);
    const d = describeIpv4(b);
    expect(findField(d, 'ipv4.checksum')).toMatchObject({ value: '0xb860 [incorrect, should be 0xb861]', error: 'bad header checksum' });
  });

  it('RFC 791 §3.1: the checksum covers the header only', () => {
    const b = WIKI.slice();
    b[50] = 0xff;
    expect(value(parseIpv4(b)).checksumOk).toBe(true);
  });

  it('RFC 791 §3.1: an option with length < 2 is malformed, pointing at its length byte', () => {
    const p = buildIpv4({ ...WIKI_REPR, options: hexBytes('01 07 01 00') }, new Uint8Array(0));
    expect(kindAt(p)).toEqual({ kind: 'malformed', offset: 22 });
  });

  it('RFC 791 §3.1: an option overrunning the header is malformed', () => {
    const p = buildIpv4({ ...WIKI_REPR, options: hexBytes('07 08 04 00') }, new Uint8Array(0));
    expect(kindAt(p)).toEqual({ kind: 'malformed', offset: 21 });
  });
});

describe('options', () => {
  it('RFC 2113 §2.1: Router Alert bytes are emitted verbatim and decoded', () => {
    const p = buildIpv4({ ...WIKI_REPR, options: ROUTER_ALERT }, new Uint8Array(8));
    expect(p[0]).toBe(0x46);
    expect(p.subarray(20, 24)).toEqual(ROUTER_ALERT);
    const d = describeIpv4(p);
    expect(findField(d, 'ipv4.opt.ra')).toMatchObject({ start: 20, end: 24, rfc: 'RFC 2113 §2.1', value: 'Router shall examine packet (0)' });
    expect(findField(d, 'ipv4.opt.ra.copied')).toMatchObject({ bitMask: 0x80, value: 'Copied to all fragments' });
  });

  it('RFC 791 §3.1: options are zero-padded to a multiple of 4 and parse returns the padded area', () => {
    const p = buildIpv4({ ...WIKI_REPR, options: RECORD_ROUTE }, new Uint8Array(0));
    expect(ipv4HeaderLen({ ...WIKI_REPR, options: RECORD_ROUTE })).toBe(32);
    expect(p.subarray(20, 32)).toEqual(hexBytes('07 0b 08 0a000001 00000000 00'));
    const r = parseIpv4(p);
    expect(r.ok && r.value.repr.options).toEqual(p.subarray(20, 32));
  });

  it('RFC 791 §3.1: Record Route is described slot by slot', () => {
    const p = buildIpv4({ ...WIKI_REPR, options: RECORD_ROUTE }, new Uint8Array(0));
    const d = describeIpv4(p, 14);
    const rr = findField(d, 'ipv4.opt.rr')!;
    expect(rr).toMatchObject({ start: 34, end: 45, value: '2 slots', name: 'Record Route' });
    const addrs = rr.children!.filter((c) => c.key === 'ipv4.opt.rr.addr');
    expect(addrs.map((a) => [a.value, a.start])).toEqual([
      ['10.0.0.1', 37],
      ['0.0.0.0 <- next', 41],
    ]);
    // The zero pad byte reads as End of Option List (RFC 791 §3.1).
    expect(findField(d, 'ipv4.opt.eol')).toMatchObject({ start: 45, end: 46 });
    expect(findField(d, 'ipv4.opt.padding')).toBeUndefined();
    const nopPadded = buildIpv4({ ...WIKI_REPR, options: hexBytes('01 00') }, new Uint8Array(0));
    expect(findField(describeIpv4(nopPadded), 'ipv4.opt.padding')).toMatchObject({ start: 22, end: 24, value: '0000' });
  });

  it('RFC 791 §3.1: Timestamp with addresses, LSRR, SSRR and unknown options', () => {
    const ts = hexBytes('44 14 0d 01 0a000001 00000064 0a000002 00000000'); // flg 1, one entry used
    const lsrr = hexBytes('83 07 04 c0000201');
    const ssrr = hexBytes('89 07 04 c0000202');
    const unknown = hexBytes('9e 04 beef');
    const p = buildIpv4({ ...WIKI_REPR, options: Uint8Array.from([...ts, ...lsrr, ...ssrr, ...unknown]) }, new Uint8Array(0));
    const d = describeIpv4(p);
    expect(findField(d, 'ipv4.opt.ts.flg')?.value).toBe('Address and timestamp (1)');
    expect(findField(d, 'ipv4.opt.ts.entry')?.value).toBe('10.0.0.1: 100 ms since midnight UT');
    expect(findField(d, 'ipv4.opt.lsrr.addr')?.value).toBe('192.0.2.1 <- next');
    expect(findField(d, 'ipv4.opt.ssrr')?.name).toBe('Strict Source Route');
    expect(findField(d, 'ipv4.opt.t158.data')?.value).toBe('beef');
    expect(findField(d, 'ipv4.options')?.value).toBe('40 bytes: Timestamp, Loose Source Route, Strict Source Route, Unknown option 158');
  });

  it('RFC 791 §3.2: only options with the copied flag go to later fragments', () => {
    const opts = Uint8Array.from([...RECORD_ROUTE, 1, ...ROUTER_ALERT, ...hexBytes('83 07 04 c0000201 00')]);
    expect(copiedIpv4Options(opts)).toEqual(Uint8Array.from([...ROUTER_ALERT, ...hexBytes('83 07 04 c0000201')]));
    expect(walkIpv4Options(opts).ok).toBe(true);
  });
});

describe('in-place rewrites', () => {
  it('RFC 1624 §3: decrementTtl keeps the checksum valid', () => {
    const b = WIKI.slice();
    decrementTtl(b);
    expect(b[8]).toBe(63);
    // 0x4011 -> 0x3f11: HC' = ~(~0xb861 + ~0x4011 + 0x3f11) = 0xb961 (one less in the high byte).
    expect((b[10]! << 8) | b[11]!).toBe(0xb961);
    expect(internetChecksum(b, 0, 20)).toBe(0);
  });

  it('RFC 1812 §5.3.1: decrementTtl at TTL 0 leaves the packet alone', () => {
    const b = WIKI.slice();
    b[8] = 0;
    const before = b.slice();
    decrementTtl(b);
    expect(b).toEqual(before);
  });

  it('RFC 1624 §3: rewriteIpv4Address (NAT) keeps the checksum valid', () => {
    const b = WIKI.slice();
    rewriteIpv4Address(b, 'src', ip4('203.0.113.7'));
    rewriteIpv4Address(b, 'dst', ip4('198.51.100.255'));
    const r = parseIpv4(b);
    expect(r.ok && [formatIpv4(r.value.repr.src), formatIpv4(r.value.repr.dst), r.value.checksumOk]).toEqual(['203.0.113.7', '198.51.100.255', true]);
  });
});

describe('describeIpv4', () => {
  it('RFC 791 §3.1: field tree with ranges, bit masks, RFCs and meanings', () => {
    const d = describeIpv4(WIKI, 14);
    expect(d).toMatchObject({ key: 'ipv4', name: 'Internet Protocol Version 4', value: 'Src: 192.168.0.1, Dst: 192.168.0.199', start: 14, end: 34 });
    expect(d.error).toBeUndefined();
    const expectField = (key: string, want: Partial<FieldNode>): void => expect(findField(d, key), key).toMatchObject(want);
    expectField('ipv4.version', { value: '4', start: 14, end: 15, bitMask: 0xf0 });
    expectField('ipv4.ihl', { value: '20 bytes (5)', bitMask: 0x0f });
    expectField('ipv4.dscp', { bitMask: 0xfc, rfc: 'RFC 2474 §3' });
    expectField('ipv4.ecn', { bitMask: 0x03, rfc: 'RFC 3168 §5' });
    expectField('ipv4.len', { value: '115', start: 16, end: 18 });
    expectField('ipv4.flags', { value: "0x02 (Don't fragment)", bitMask: 0xe0, start: 20, end: 21 });
    expectField('ipv4.flags.df', { value: 'Set', bitMask: 0x40 });
    expectField('ipv4.flags.mf', { value: 'Not set', bitMask: 0x20 });
    expectField('ipv4.frag_offset', { value: '0 bytes (0)', bitMask: 0x1fff, start: 20, end: 22 });
    expectField('ipv4.ttl', { value: '64', start: 22, end: 23 });
    expectField('ipv4.proto', { value: 'UDP (17)' });
    expectField('ipv4.checksum', { value: '0xb861 [correct]', start: 24, end: 26 });
    expectField('ipv4.dst', { value: '192.168.0.199', start: 30, end: 34 });
    for (const n of allNodes(d)) {
      expect(n.rfc, n.key).toBeTruthy();
      expect(n.meaning, n.key).toBeTruthy();
    }
  });

  it('RFC 791 §3.1: a truncated header describes as far as it goes', () => {
    const d = describeIpv4(WIKI.subarray(0, 9));
    expect(findField(d, 'ipv4.ttl')?.error).toBeUndefined();
    expect(findField(d, 'ipv4.proto')?.value).toBe('[truncated]');
    expect(findField(d, 'ipv4.dst')?.value).toBe('[truncated]');
    expect(d.value).toBe('[truncated]');
  });

  it('RFC 791 §3.1: inconsistent lengths are flagged', () => {
    const b = WIKI.slice(0, 60);
    const d = describeIpv4(b);
    expect(findField(d, 'ipv4.len')?.error).toBe('only 60 bytes present');
  });
});

// ---- properties --------------------------------------------------------------------------

const u32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const optionChunk = fc.oneof(
  fc.constant([1]),
  fc.constant(Array.from(ROUTER_ALERT)),
  fc.array(u32, { maxLength: 2 }).map((a) => [7, 3 + 4 * a.length, 4, ...a.flatMap((x) => [x >>> 24, (x >>> 16) & 255, (x >>> 8) & 255, x & 255])]),
  fc.tuple(fc.integer({ min: 2, max: 255 }), fc.uint8Array({ maxLength: 6 })).map(([t, d]) => [t, 2 + d.length, ...d]),
);
const optionsArb = fc.array(optionChunk, { maxLength: 6 }).map((chunks) => {
  const flat = chunks.flat();
  const padded = new Uint8Array((flat.length + 3) & ~3);
  padded.set(flat);
  return padded;
}).filter((o) => o.length <= 40);

const reprArb: fc.Arbitrary<Ipv4Repr> = fc.record({
  src: u32,
  dst: u32,
  protocol: fc.integer({ min: 0, max: 255 }),
  ttl: fc.integer({ min: 0, max: 255 }),
  dscp: fc.integer({ min: 0, max: 63 }),
  ecn: fc.integer({ min: 0, max: 3 }),
  ident: fc.integer({ min: 0, max: 0xffff }),
  dontFragment: fc.boolean(),
  moreFragments: fc.boolean(),
  fragmentOffset: fc.integer({ min: 0, max: 0x1fff }).map((x) => x * 8),
  options: optionsArb,
  payloadLength: fc.integer({ min: 0, max: 64 }),
});

describe('properties', () => {
  it('parse never throws on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 100 }), (b) => void parseIpv4(b)));
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 100 }), (b) => {
      b[0] = 0x40 | (b[0]! & 0x0f);
      parseIpv4(b);
    }));
  });

  it('parse ∘ emit is the identity on valid representations, checksum verifies', () => {
    fc.assert(
      fc.property(reprArb, (repr) => {
        const payload = new Uint8Array(repr.payloadLength).fill(0x5a);
        const p = buildIpv4(repr, payload);
        const r = parseIpv4(p);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.value.repr).toEqual(repr);
        expect(r.value.checksumOk).toBe(true);
        expect(r.value.payload).toEqual(payload);
      }),
    );
  });

  it('emit ∘ parse reproduces header bytes (valid checksum, reserved bit clear)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 20, maxLength: 80 }), (b) => {
        b[0] = 0x45;
        b[2] = 0;
        b[3] = b.length;
        b[6]! &= 0x7f;
        Ipv4View.unchecked(b).fillChecksum();
        const r = parseIpv4(b);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        const out = new Uint8Array(20);
        emitIpv4(r.value.repr, out);
        expect(out).toEqual(b.subarray(0, 20));
      }),
    );
  });

  it('RFC 1624 §3: incremental TTL and address updates equal a full recomputation', () => {
    fc.assert(
      fc.property(reprArb, u32, (repr, addr) => {
        const p = buildIpv4({ ...repr, ttl: Math.max(1, repr.ttl) }, new Uint8Array(repr.payloadLength));
        const v = Ipv4View.unchecked(p);
        decrementTtl(p);
        expect(v.checksum).toBe(v.computeChecksum());
        rewriteIpv4Address(p, 'dst', addr);
        expect(v.dst).toBe(addr);
        expect(v.checksum).toBe(v.computeChecksum());
      }),
    );
  });

  it('describe never throws and keeps complete fields inside the buffer', () => {
    const bytes = fc.oneof(fc.uint8Array({ maxLength: 80 }), reprArb.map((r) => buildIpv4(r, new Uint8Array(r.payloadLength))).chain((p) => fc.integer({ min: 0, max: p.length }).map((n) => p.subarray(0, n))));
    fc.assert(
      fc.property(bytes, fc.nat(100), (b, base) => {
        const d = describeIpv4(b, base);
        for (const n of allNodes(d)) if (n.value !== '[truncated]') expect(n.end, n.key).toBeLessThanOrEqual(base + b.length);
      }),
    );
  });
});

describe('outside judge', () => {
  it.skipIf(!hasTshark)(tsharkTitle('tshark verifies our header checksums and decodes fields and options'), () => {
    const base: Omit<Ipv4Repr, 'payloadLength'> = { src: ip4('10.0.0.1'), dst: ip4('10.0.0.2'), protocol: 253, ttl: 64, dscp: 46, ecn: 1, ident: 0xbeef, dontFragment: false, moreFragments: true, fragmentOffset: 1480, options: new Uint8Array(0) };
    const many = Uint8Array.from([...RECORD_ROUTE, ...hexBytes('44 14 0d 01 0a000001 00000064 0a000002 00000000 83 07 04 c0000201')]);
    const good = [
      buildIpv4(base, new Uint8Array(16)),
      buildIpv4({ ...base, moreFragments: false, dontFragment: true, fragmentOffset: 0, options: ROUTER_ALERT }, new Uint8Array(8)),
      buildIpv4({ ...base, moreFragments: false, fragmentOffset: 0, options: many }, new Uint8Array(8)),
    ];
    const bad = WIKI.slice();
    bad[11] = bad[11]! ^ 0xff;
    const rows = tshark(
      [...good, bad].map(ethFrame),
      ['ip.checksum.status', 'ip.len', 'ip.id', 'ip.dsfield.dscp', 'ip.dsfield.ecn', 'ip.flags.df', 'ip.flags.mf', 'ip.frag_offset', 'ip.opt.type', 'ip.opt.ra', 'ip.opt.ptr', 'ip.rec_rt', 'ip.empty_rt', 'ip.opt.time_stamp_addr', 'ip.opt.time_stamp', 'ip.opt.type.copy'],
      ['ip.check_checksum:TRUE', 'ip.defragment:FALSE'],
    );
    // checksum.status: 1 = good, 0 = bad. tshark 4.0 prints flags as 0/1 and ip.frag_offset in 8-byte units.
    expect(rows[0]!.slice(0, 9)).toEqual(['1', '36', '0xbeef', '46', '1', '0', '1', String(1480 / 8), '']);
    expect(rows[1]!.slice(0, 10)).toEqual(['1', '32', '0xbeef', '46', '1', '1', '0', '0', '148', '0']);
    expect(rows[2]![0]).toBe('1');
    expect(rows[2]!.slice(8)).toEqual(['7,68,131,0', '', '8,13,4', '10.0.0.1', '0.0.0.0', '10.0.0.1,10.0.0.2', '100,0', '0,0,1,0']);
    expect(rows[3]![0]).toBe('0');
    // Our own reading of the same packets agrees.
    const d = describeIpv4(good[2]!);
    expect(findField(d, 'ipv4.opt.rr')?.children?.filter((c) => c.key.endsWith('.addr')).map((c) => c.value)).toEqual(['10.0.0.1', '0.0.0.0 <- next']);
    expect(findField(d, 'ipv4.opt.lsrr.copied')?.value).toBe('Copied to all fragments');
    expect(good.map((g) => value(parseIpv4(g)).checksumOk)).toEqual([true, true, true]);
    expect(value(parseIpv4(bad)).checksumOk).toBe(false);
  });
});
