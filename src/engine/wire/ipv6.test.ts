import { existsSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIpv6, ip6 } from './addr.ts';
import { buildFrame, ETHERTYPE } from './ethernet.ts';
import type { FieldNode } from './field.ts';
import { findField } from './field.ts';
import { IPPROTO } from './ipv4.ts';
import { buildIpv6, decrementHopLimit, describeIpv6, emitIpv6, IPV6_HEADER_LEN, Ipv6View, parseIpv6 } from './ipv6.ts';
import type { Ipv6Packet, Ipv6Repr } from './ipv6.ts';
import type { ParseResult } from './result.ts';
import { hexBytes } from './testing/frames.ts';
import { tsharkOnFrames } from '../../../test/oracle/tshark.ts';

const TSHARK = '/usr/bin/tshark';
const hasTshark = existsSync(TSHARK);
const tsharkTitle = (t: string): string => (hasTshark ? t : `${t} (skipped: ${TSHARK} not installed)`);

const tshark = (frames: Uint8Array[], fields: string[]): string[][] => tsharkOnFrames(frames, fields, ['ipv6.defragment:FALSE']);

function value<T>(r: ParseResult<T>): T {
  if (!r.ok) throw new Error(`${r.error.kind}: ${r.error.message}`);
  return r.value;
}

function allNodes(n: FieldNode): FieldNode[] {
  return [n, ...(n.children ?? []).flatMap(allNodes)];
}

// smoltcp src/wire/ipv6.rs REPR_PACKET_BYTES: fe80::1 -> ff02::1, UDP, hop limit 64, 12-byte payload
// (a UDP header 1 -> 2, length 12, checksum 0x024e, then ff ff ff ff). RFC 8200 §3 layout by hand:
// 6|00|00000 | 000c 11 40 | src | dst.
const PACKET = hexBytes(`
  6000 0000 000c 1140
  fe80 0000 0000 0000 0000 0000 0000 0001
  ff02 0000 0000 0000 0000 0000 0000 0001
  0001 0002 000c 024e ffff ffff`);
const REPR: Ipv6Repr = { src: ip6('fe80::1'), dst: ip6('ff02::1'), nextHeader: IPPROTO.UDP, hopLimit: 64, trafficClass: 0, flowLabel: 0, payloadLength: 12 };

// smoltcp test_packet_construction: version 6, traffic class 0x99, flow label 0x54321 packed as 69 95 43 21.
const CONSTRUCTED = hexBytes(`
  6995 4321 000c 11fe
  ff02 0000 0000 0000 0000 0000 0000 0002
  ff02 0000 0000 0000 0000 0000 0000 0001
  0001 0002 000c 024e ffff ffff`);

/**
 * The Hop-by-Hop header every MLDv2 report carries (RFC 3810 §5 requires Router Alert): next header 58,
 * Hdr Ext Len 0, Router Alert option 05 02 0000 (RFC 2711 §2.1, value 0 = MLD), PadN 01 00.
 */
const MLD_HBH = hexBytes('3a 00 05 02 0000 01 00');

const hdr = (nextHeader: number, payload: Uint8Array, extra: Partial<Ipv6Repr> = {}): Uint8Array => buildIpv6({ ...REPR, ...extra, nextHeader }, payload);
const cat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => [...p]));

describe('RFC 8200 §3 golden header (smoltcp test vectors)', () => {
  it('RFC 8200 §3: deconstruct via the view', () => {
    const v = value(Ipv6View.check(PACKET));
    expect([v.version, v.trafficClass, v.flowLabel, v.payloadLength, v.nextHeader, v.hopLimit]).toEqual([6, 0, 0, 12, 17, 64]);
    expect([formatIpv6(v.src), formatIpv6(v.dst)]).toEqual(['fe80::1', 'ff02::1']);
    expect(v.payload).toEqual(PACKET.subarray(40));
  });

  it('RFC 8200 §3: construct via view setters; sub-byte fields do not disturb each other', () => {
    const b = new Uint8Array(52).fill(0xff);
    const v = Ipv6View.unchecked(b);
    v.version = 6;
    v.trafficClass = 0x99;
    expect(v.version).toBe(6);
    v.flowLabel = 0x54321;
    expect(v.trafficClass).toBe(0x99);
    v.payloadLength = 12;
    v.nextHeader = IPPROTO.UDP;
    v.hopLimit = 0xfe;
    v.src = ip6('ff02::2');
    v.dst = ip6('ff02::1');
    b.set(PACKET.subarray(40), 40);
    expect(b).toEqual(CONSTRUCTED);
  });

  it('RFC 8200 §3: parse gives the representation', () => {
    const p = value(parseIpv6(PACKET));
    expect(p.repr).toEqual(REPR);
    expect([p.extHeaders, p.upperProtocol, p.upperOffset, p.fragment]).toEqual([[], 17, 40, undefined]);
    expect(p.upper).toEqual(PACKET.subarray(40));
    expect(value(parseIpv6(CONSTRUCTED)).repr).toMatchObject({ trafficClass: 0x99, flowLabel: 0x54321, hopLimit: 0xfe });
  });

  it('RFC 8200 §3: emit writes identical bytes', () => {
    const b = new Uint8Array(42).fill(0xa5);
    expect(emitIpv6(REPR, b, 2)).toBe(IPV6_HEADER_LEN);
    expect(b.subarray(2)).toEqual(PACKET.subarray(0, 40));
    expect(buildIpv6(REPR, PACKET.subarray(40))).toEqual(PACKET);
    expect(buildIpv6({ ...REPR, trafficClass: 0x99, flowLabel: 0x54321, hopLimit: 0xfe, src: ip6('ff02::2') }, PACKET.subarray(40))).toEqual(CONSTRUCTED);
  });

  it('RFC 894: trailing Ethernet padding is not payload', () => {
    const padded = cat(PACKET, new Uint8Array(6).fill(0xee));
    expect(value(parseIpv6(padded)).payload).toEqual(PACKET.subarray(40));
  });
});

describe('extension header chain', () => {
  it('RFC 8200 §4.3 / RFC 2711 §2.1: the MLDv2 Hop-by-Hop header is skipped to ICMPv6', () => {
    const p = value(parseIpv6(hdr(0, cat(MLD_HBH, new Uint8Array(28)))));
    expect(p.extHeaders).toEqual([{ type: 0, offset: 40, length: 8 }]);
    expect([p.upperProtocol, p.upperOffset, p.upper.length]).toEqual([58, 48, 28]);
    const d = describeIpv6(hdr(0, cat(MLD_HBH, new Uint8Array(28))));
    expect(findField(d, 'ipv6.hbh')).toMatchObject({ start: 40, end: 48, name: 'Hop-by-Hop Options Header', rfc: 'RFC 8200 §4.3' });
    const opts = findField(d, 'ipv6.hbh')!.children!.filter((c) => c.key === 'ipv6.hbh.opt');
    expect(opts.map((o) => [o.name, o.value, o.start, o.end])).toEqual([
      ['Router Alert', '0', 42, 46],
      ['PadN', '2 bytes', 46, 48],
    ]);
  });

  it('RFC 8200 §4.4-§4.6, RFC 4302 §2: Routing, Destination Options and AH are skipped to TCP', () => {
    const hbh = hexBytes('2b 00 01 04 00000000'); // -> Routing; PadN 6
    const rt = hexBytes('3c 02 00 01 00000000 20010db8000000000000000000000001'); // -> DstOpts; type 0... (3 * 8 = 24 bytes)
    const dst = hexBytes('33 00 01 04 00000000'); // -> AH
    const ah = hexBytes('06 04 0000 00001000 00000001 0102030405060708090a0b0c'); // -> TCP; (4 + 2) * 4 = 24 bytes
    const p = value(parseIpv6(hdr(0, cat(hbh, rt, dst, ah, new Uint8Array(20)))));
    expect(p.extHeaders).toEqual([
      { type: 0, offset: 40, length: 8 },
      { type: 43, offset: 48, length: 24 },
      { type: 60, offset: 72, length: 8 },
      { type: 51, offset: 80, length: 24 },
    ]);
    expect([p.upperProtocol, p.upperOffset, p.upper.length]).toEqual([6, 104, 20]);
    const d = describeIpv6(hdr(0, cat(hbh, rt, dst, ah, new Uint8Array(20))));
    expect(d.end).toBe(104);
    expect(findField(d, 'ipv6.routing.segleft')?.value).toBe('1');
    expect(findField(d, 'ipv6.ah.spi')?.value).toBe('0x00001000');
    expect(findField(d, 'ipv6.ah.icv')).toMatchObject({ start: 92, end: 104 });
  });

  it('RFC 8200 §4.5: a non-first fragment stops the walk; its data is not a header', () => {
    const frag = hexBytes('3a 00 05a8 12345678'); // offset 181 * 8 = 1448, M = 0
    const p = value(parseIpv6(hdr(44, cat(frag, hexBytes('00 ff 0000 0000 0000')))));
    expect(p.fragment).toEqual({ offset: 1448, moreFragments: false, ident: 0x12345678 });
    expect([p.upperProtocol, p.upperOffset]).toEqual([58, 48]);
    const d = describeIpv6(hdr(44, cat(frag, new Uint8Array(8))));
    expect(findField(d, 'ipv6.fragment.offset')).toMatchObject({ value: '1448 bytes (181)', bitMask: 0xfff8, start: 42, end: 44 });
    expect(findField(d, 'ipv6.fragment.m')).toMatchObject({ value: 'Last fragment', bitMask: 0x0001 });
    expect(findField(d, 'ipv6.fragment.id')?.value).toBe('0x12345678 (305419896)');
  });

  it('RFC 8200 §4.5: a first fragment (M = 1) also stops the walk', () => {
    const frag = hexBytes('3c 00 0001 00000001'); // next: Destination Options, offset 0, M = 1
    const p = value(parseIpv6(hdr(44, cat(frag, hexBytes('11 00 01 04 00000000')))));
    expect(p.fragment).toEqual({ offset: 0, moreFragments: true, ident: 1 });
    expect([p.upperProtocol, p.upperOffset, p.extHeaders.length]).toEqual([60, 48, 1]);
  });

  it('RFC 6946: an atomic fragment (offset 0, M = 0) does not stop the walk', () => {
    const frag = hexBytes('11 00 0000 00000002');
    const p = value(parseIpv6(hdr(44, cat(frag, new Uint8Array(8)))));
    expect([p.upperProtocol, p.upperOffset, p.fragment]).toEqual([17, 48, { offset: 0, moreFragments: false, ident: 2 }]);
  });

  it('RFC 8200 §4.7 / RFC 4303: No Next Header and ESP end the walk', () => {
    expect(value(parseIpv6(hdr(59, new Uint8Array(8)))).upperProtocol).toBe(59);
    const esp = value(parseIpv6(hdr(60, cat(hexBytes('32 00 01 04 00000000'), new Uint8Array(16)))));
    expect([esp.upperProtocol, esp.upperOffset]).toEqual([50, 48]);
  });
});

describe('errors', () => {
  const err = (b: Uint8Array): unknown => {
    const r = parseIpv6(b);
    return r.ok ? 'ok' : { kind: r.error.kind, offset: r.error.offset };
  };

  it('RFC 8200 §3: fewer than 40 bytes is truncated', () => {
    for (let n = 0; n < 40; n++) expect(err(PACKET.subarray(0, n))).toMatchObject({ kind: 'truncated' });
  });

  it('RFC 8200 §3: Payload Length beyond the buffer is truncated', () => {
    expect(err(PACKET.subarray(0, 51))).toMatchObject({ kind: 'truncated' });
  });

  it('RFC 8200 §3: version other than 6 is malformed', () => {
    const b = PACKET.slice();
    b[0] = 0x45;
    expect(err(b)).toEqual({ kind: 'malformed', offset: 0 });
  });

  it('RFC 8200 §4: an extension header overrunning the payload is malformed', () => {
    expect(err(hdr(0, hexBytes('3a 01 0000 0000 0000')))).toEqual({ kind: 'malformed', offset: 41 }); // says 16 bytes, has 8
    expect(err(hdr(60, hexBytes('3a')))).toEqual({ kind: 'malformed', offset: 40 });
    expect(err(hdr(44, hexBytes('3a 00 0001')))).toEqual({ kind: 'malformed', offset: 41 });
    expect(err(hdr(51, hexBytes('06 04 0000 00001000 00000001')))).toEqual({ kind: 'malformed', offset: 41 });
  });

  it('RFC 8200 §4.3: Hop-by-Hop anywhere but first is malformed, pointing at the Next Header that names it', () => {
    const r = err(hdr(60, cat(hexBytes('00 00 01 04 00000000'), MLD_HBH)));
    expect(r).toEqual({ kind: 'malformed', offset: 40 });
    const d = describeIpv6(hdr(60, cat(hexBytes('00 00 01 04 00000000'), MLD_HBH)));
    expect(findField(d, 'ipv6.ext.malformed')?.error).toMatch(/Hop-by-Hop/);
  });
});

describe('decrementHopLimit', () => {
  it('RFC 8200 §3: decrements in place; no header checksum to fix', () => {
    const b = PACKET.slice();
    decrementHopLimit(b);
    expect(b[7]).toBe(63);
    expect(b.subarray(8)).toEqual(PACKET.subarray(8));
    b[7] = 0;
    decrementHopLimit(b);
    expect(b[7]).toBe(0);
  });
});

describe('describeIpv6', () => {
  it('RFC 8200 §3: field tree with ranges, bit masks, RFCs and meanings', () => {
    const d = describeIpv6(CONSTRUCTED, 14);
    expect(d).toMatchObject({ key: 'ipv6', value: 'Src: ff02::2, Dst: ff02::1', start: 14, end: 54 });
    expect(findField(d, 'ipv6.version')).toMatchObject({ value: '6', start: 14, end: 15, bitMask: 0xf0 });
    expect(findField(d, 'ipv6.tclass')).toMatchObject({ value: '0x99', start: 14, end: 16, bitMask: 0x0ff0 });
    expect(findField(d, 'ipv6.tclass.dscp')).toMatchObject({ value: '38', bitMask: 0x0fc0 });
    expect(findField(d, 'ipv6.tclass.ecn')).toMatchObject({ value: 'ECT(1) (1)', bitMask: 0x0030 });
    expect(findField(d, 'ipv6.flow')).toMatchObject({ value: '0x54321', start: 15, end: 18, bitMask: 0x0fffff });
    expect(findField(d, 'ipv6.plen')).toMatchObject({ value: '12', start: 18, end: 20 });
    expect(findField(d, 'ipv6.nxt')?.value).toBe('UDP (17)');
    expect(findField(d, 'ipv6.hlim')?.value).toBe('254');
    expect(findField(d, 'ipv6.src')).toMatchObject({ value: 'ff02::2', start: 22, end: 38 });
    for (const n of allNodes(d)) {
      expect(n.rfc, n.key).toBeTruthy();
      expect(n.meaning, n.key).toBeTruthy();
      expect(n.error, n.key).toBeUndefined();
    }
  });

  it('RFC 8200 §3: a truncated header describes as far as it goes', () => {
    const d = describeIpv6(PACKET.subarray(0, 20));
    expect(findField(d, 'ipv6.hlim')?.error).toBeUndefined();
    expect(findField(d, 'ipv6.src')).toMatchObject({ value: '[truncated]', start: 8, end: 20 });
    expect(d.value).toBe('[truncated]');
    expect(findField(describeIpv6(PACKET.subarray(0, 45)), 'ipv6.plen')?.error).toBe('only 5 payload bytes present');
  });
});

// ---- properties --------------------------------------------------------------------------

const addrArb = fc.uint8Array({ minLength: 16, maxLength: 16 });
const reprArb: fc.Arbitrary<Omit<Ipv6Repr, 'payloadLength'>> = fc.record({
  src: addrArb,
  dst: addrArb,
  nextHeader: fc.integer({ min: 0, max: 255 }),
  hopLimit: fc.integer({ min: 0, max: 255 }),
  trafficClass: fc.integer({ min: 0, max: 255 }),
  flowLabel: fc.integer({ min: 0, max: 0xfffff }),
});

/** A random chain: optional HBH first, then Routing / DstOpts / atomic Fragment / AH, then an upper protocol. */
const chainArb = fc.tuple(fc.boolean(), fc.array(fc.tuple(fc.constantFrom(43, 60, 44, 51), fc.integer({ min: 0, max: 3 })), { maxLength: 4 }), fc.constantFrom(6, 17, 58, 59, 50)).map(([hbh, rest, upper]) => {
  const types = [...(hbh ? [0] : []), ...rest.map(([t]) => t)];
  const lens = [...(hbh ? [0] : []), ...rest.map(([, l]) => l)];
  const parts: Uint8Array[] = [];
  types.forEach((t, i) => {
    const next = types[i + 1] ?? upper;
    const len = t === 44 ? 8 : t === 51 ? (lens[i]! + 3) * 4 : (lens[i]! + 1) * 8;
    const h = new Uint8Array(len);
    h[0] = next;
    h[1] = t === 44 ? 0 : t === 51 ? lens[i]! + 1 : lens[i]!;
    if (t === 0 || t === 60) h.fill(0, 2); // Pad1s
    parts.push(h);
  });
  return { types, upper, bytes: cat(...parts), first: types[0] ?? upper };
});

describe('properties', () => {
  it('parse never throws on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), (b) => void parseIpv6(b)));
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 40, maxLength: 120 }), (b) => {
        b[0] = 0x60;
        b[4] = 0;
        b[5] = b.length - 40;
        parseIpv6(b);
      }),
    );
  });

  it('parse ∘ emit is the identity on valid representations', () => {
    fc.assert(
      fc.property(reprArb, fc.uint8Array({ maxLength: 64 }), (repr, payload) => {
        const p = value(parseIpv6(buildIpv6({ ...repr, nextHeader: 59 }, payload)));
        expect(p.repr).toEqual({ ...repr, nextHeader: 59, payloadLength: payload.length });
        expect(p.payload).toEqual(payload);
      }),
    );
  });

  it('emit ∘ parse reproduces the header bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 40, maxLength: 80 }), (b) => {
        b[0] = 0x60 | (b[0]! & 0x0f);
        b[4] = 0;
        b[5] = 0;
        b[6] = 59;
        const out = new Uint8Array(40);
        emitIpv6(value(parseIpv6(b)).repr, out);
        expect(out).toEqual(b.subarray(0, 40));
      }),
    );
  });

  it('RFC 8200 §4.1: every well-formed chain is walked to its upper protocol', () => {
    fc.assert(
      fc.property(reprArb, chainArb, fc.uint8Array({ maxLength: 16 }), (repr, chain, data) => {
        const pkt: Ipv6Packet = value(parseIpv6(buildIpv6({ ...repr, nextHeader: chain.first }, cat(chain.bytes, data))));
        expect(pkt.extHeaders.map((h) => h.type)).toEqual(chain.types);
        expect(pkt.upperProtocol).toBe(chain.upper);
        expect(pkt.upperOffset).toBe(40 + chain.bytes.length);
        expect(pkt.upper).toEqual(data);
      }),
    );
  });

  it('describe never throws and keeps complete fields inside the buffer', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 120 }),
      fc.tuple(reprArb, chainArb).map(([r, c]) => buildIpv6({ ...r, nextHeader: c.first }, c.bytes)).chain((p) => fc.integer({ min: 0, max: p.length }).map((n) => p.subarray(0, n))),
    );
    fc.assert(
      fc.property(bytes, fc.nat(100), (b, base) => {
        const d = describeIpv6(b, base);
        for (const n of allNodes(d)) if (n.value !== '[truncated]') expect(n.end, n.key).toBeLessThanOrEqual(base + b.length);
      }),
    );
  });
});

describe('outside judge', () => {
  it.skipIf(!hasTshark)(tsharkTitle('tshark decodes our headers and extension chains the same way'), () => {
    const src = ip6('2001:db8::1');
    const dst = ip6('2001:db8::2');
    const base = { src, dst, hopLimit: 255, trafficClass: 0xb8, flowLabel: 0xabcde };
    const frag = hexBytes('11 00 05a9 0badcafe'); // offset 1448, M = 1
    const ah = hexBytes('3b 04 0000 00001000 00000001 0102030405060708090a0b0c');
    const packets = [
      buildIpv6({ ...base, nextHeader: 0 }, cat(MLD_HBH, new Uint8Array(8))),
      buildIpv6({ ...base, nextHeader: 44 }, cat(frag, new Uint8Array(16))),
      buildIpv6({ ...base, nextHeader: 51 }, ah),
    ];
    const frames = packets.map((p) => buildFrame({ dst: 0x333300000001, src: 0x020000000001, ethertype: ETHERTYPE.IPV6 }, p));
    const rows = tshark(frames, ['ipv6.tclass', 'ipv6.flow', 'ipv6.plen', 'ipv6.nxt', 'ipv6.hlim', 'ipv6.src', 'ipv6.hopopts.nxt', 'ipv6.opt.router_alert', 'ipv6.fraghdr.offset', 'ipv6.fraghdr.more', 'ipv6.fraghdr.ident', 'ah.spi', 'ah.next_header']);
    expect(rows[0]).toEqual(['0x000000b8', '0x0abcde', '16', '0', '255', '2001:db8::1', '58', '0', '', '', '', '', '']);
    expect(rows[1]!.slice(8, 11)).toEqual([String(1448 / 8), '1', '0x0badcafe']);
    expect(rows[2]!.slice(11)).toEqual(['0x00001000', '59']);
    // Our reading of the same bytes.
    const p1 = value(parseIpv6(packets[1]!));
    expect(p1.fragment).toEqual({ offset: 1448, moreFragments: true, ident: 0x0badcafe });
    const p2 = value(parseIpv6(packets[2]!));
    expect([p2.upperProtocol, p2.upperOffset]).toEqual([59, 64]);
  });
});
