import { existsSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ip4 } from './addr.ts';
import { finishChecksum, pseudoHeaderSumV4, sum16 } from './checksum.ts';
import { buildFrame, ETHERTYPE } from './ethernet.ts';
import { buildIpv4, IPPROTO, parseIpv4 } from './ipv4.ts';
import type { Ipv4Packet, Ipv4Repr } from './ipv4.ts';
import { fragmentIpv4, IPV4_MIN_MTU, Ipv4Reassembler } from './ipv4-fragment.ts';
import type { ParseResult } from './result.ts';
import { hexBytes, toHex } from './testing/frames.ts';
import { tsharkOnFrames } from '../../../test/oracle/tshark.ts';

const TSHARK = '/usr/bin/tshark';
const hasTshark = existsSync(TSHARK);
const tsharkTitle = (t: string): string => (hasTshark ? t : `${t} (skipped: ${TSHARK} not installed)`);

const tshark = tsharkOnFrames;

function value<T>(r: ParseResult<T>): T {
  if (!r.ok) throw new Error(`${r.error.kind}: ${r.error.message}`);
  return r.value;
}

const parse = (b: Uint8Array): Ipv4Packet => value(parseIpv4(b));
const bytes = (n: number, seed = 1): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);

const BASE: Omit<Ipv4Repr, 'payloadLength'> = { src: ip4('10.0.0.1'), dst: ip4('10.0.1.1'), protocol: IPPROTO.TCP, ttl: 123, dscp: 0, ecn: 0, ident: 111, dontFragment: false, moreFragments: false, fragmentOffset: 0, options: new Uint8Array(0) };
const RR = hexBytes('07 0b 04 00000000 00000000'); // not copied (type 7)
const LSRR = hexBytes('83 07 04 c0000201'); // copied (type 131 = 1 00 00011)

describe('fragmentIpv4', () => {
  it('RFC 791 Appendix A Example 2: 452 data octets over a 280-octet MTU become 276 + 216', () => {
    const frags = fragmentIpv4(BASE, bytes(452), 280).map(parse);
    expect(frags.map((f) => [f.totalLength, f.repr.moreFragments, f.repr.fragmentOffset / 8, f.repr.ident])).toEqual([
      [276, true, 0, 111],
      [216, false, 32, 111],
    ]);
    expect(frags.every((f) => f.checksumOk)).toBe(true);
    expect(Uint8Array.from([...frags[0]!.payload, ...frags[1]!.payload])).toEqual(bytes(452));
  });

  it('RFC 791 §3.2: a datagram that fits is sent whole, byte-identical to buildIpv4', () => {
    expect(fragmentIpv4(BASE, bytes(100), 120)).toEqual([buildIpv4(BASE, bytes(100))]);
  });

  it('RFC 791 §3.1 copied flag: the first fragment keeps every option, later ones only copied options', () => {
    const repr = { ...BASE, options: Uint8Array.from([...RR, ...LSRR]) };
    const frags = fragmentIpv4(repr, bytes(200), 100).map(parse);
    expect(frags.map((f) => [f.headerLen, f.payload.length, f.repr.fragmentOffset, f.repr.moreFragments])).toEqual([
      [40, 56, 0, true], // (100 - 40) rounded down to 8
      [28, 72, 56, true], // (100 - 28) = 72
      [28, 72, 128, false],
    ]);
    expect(frags[0]!.repr.options.subarray(0, 18)).toEqual(Uint8Array.from([...RR, ...LSRR]));
    expect(frags[1]!.repr.options).toEqual(Uint8Array.from([...LSRR, 0]));
    expect(frags.every((f) => f.totalLength <= 100 && f.checksumOk)).toBe(true);
  });

  it('RFC 791 §3.2: re-fragmenting a fragment keeps its offset base and its MF bit', () => {
    const frags = fragmentIpv4({ ...BASE, moreFragments: true, fragmentOffset: 1480 }, bytes(160), 100).map(parse);
    expect(frags.map((f) => [f.repr.fragmentOffset, f.repr.moreFragments])).toEqual([
      [1480, true],
      [1560, true],
    ]);
  });

  it('RFC 791 §3.2: an MTU below 68 octets is a programming error', () => {
    expect(() => fragmentIpv4(BASE, bytes(100), 67)).toThrow(RangeError);
    expect(fragmentIpv4({ ...BASE, options: new Uint8Array(40) }, bytes(100), IPV4_MIN_MTU).every((f) => f.length <= 68)).toBe(true);
  });
});

describe('Ipv4Reassembler', () => {
  const SEC = 1_000_000_000;
  const push = (r: Ipv4Reassembler, now: number, raw: Uint8Array): Uint8Array | undefined => r.push(now, parse(raw), raw);

  it('RFC 815: fragments in order reassemble to the original datagram', () => {
    const whole = buildIpv4({ ...BASE, options: LSRR }, bytes(1000));
    const frags = fragmentIpv4({ ...BASE, options: LSRR }, bytes(1000), 300);
    const r = new Ipv4Reassembler(30 * SEC);
    const outs = frags.map((f) => push(r, 0, f));
    expect(outs.slice(0, -1).every((o) => o === undefined)).toBe(true);
    expect(outs.at(-1)).toEqual(whole);
    expect(r.pending).toBe(0);
    expect(r.lastFragments).toBe(frags.length);
  });

  it('RFC 815: fragments in reverse order reassemble too', () => {
    const frags = fragmentIpv4(BASE, bytes(1000), 300).reverse();
    const r = new Ipv4Reassembler(30 * SEC);
    const outs = frags.map((f) => push(r, 0, f));
    expect(outs.at(-1)).toEqual(buildIpv4(BASE, bytes(1000)));
  });

  it('RFC 791 §3.2: a packet that is not a fragment is returned as is', () => {
    const p = buildIpv4(BASE, bytes(10));
    const padded = new Uint8Array(p.length + 6);
    padded.set(p);
    const r = new Ipv4Reassembler(SEC);
    expect(push(r, 0, padded)).toEqual(p);
    expect(r.pending).toBe(0);
  });

  it('RFC 791 §3.2: the key is (src, dst, protocol, ident)', () => {
    const a = fragmentIpv4(BASE, bytes(200, 1), 100);
    const b = fragmentIpv4({ ...BASE, src: ip4('10.0.0.9') }, bytes(200, 2), 100);
    const c = fragmentIpv4({ ...BASE, protocol: IPPROTO.UDP }, bytes(200, 3), 100);
    const r = new Ipv4Reassembler(SEC);
    push(r, 0, a[0]!);
    push(r, 0, b[0]!);
    push(r, 0, c[0]!);
    expect(r.pending).toBe(3);
    a.slice(1, -1).forEach((f) => push(r, 0, f));
    expect(push(r, 0, a.at(-1)!)).toEqual(buildIpv4(BASE, bytes(200, 1)));
    expect(r.pending).toBe(2);
  });

  it('RFC 5722 (applied to IPv4): an overlapping fragment abandons the whole reassembly', () => {
    const frags = fragmentIpv4(BASE, bytes(400), 100); // 80 data bytes each
    const r = new Ipv4Reassembler(SEC);
    push(r, 0, frags[0]!);
    // A forged fragment covering [40, 120) with different data (teardrop-style).
    const forged = buildIpv4({ ...BASE, moreFragments: true, fragmentOffset: 40 }, bytes(80, 9));
    expect(push(r, 0, forged)).toBeUndefined();
    expect(r.lastDrop).toMatch(/overlaps/);
    expect(r.pending).toBe(0);
    for (const f of frags.slice(1)) expect(push(r, 0, f)).toBeUndefined(); // fragment 0 is gone
  });

  it('RFC 8200 §4.5 (applied to IPv4): an exact duplicate is ignored', () => {
    const frags = fragmentIpv4(BASE, bytes(400), 100);
    const r = new Ipv4Reassembler(SEC);
    push(r, 0, frags[1]!);
    push(r, 0, frags[1]!);
    expect(r.lastDrop).toMatch(/duplicate/);
    expect(r.pending).toBe(1);
    const outs = [frags[0]!, ...frags.slice(2)].map((f) => push(r, 0, f));
    expect(outs.at(-1)).toEqual(buildIpv4(BASE, bytes(400)));
  });

  it('RFC 791 §3.2: a non-last fragment whose data is not a multiple of 8 is dropped', () => {
    const bad = buildIpv4({ ...BASE, moreFragments: true }, bytes(13));
    const r = new Ipv4Reassembler(SEC);
    expect(push(r, 0, bad)).toBeUndefined();
    expect(r.lastDrop).toMatch(/multiple of 8/);
    expect(r.pending).toBe(0);
  });

  it('RFC 791 §3.1: a datagram reassembling past 65535 octets is abandoned (ping of death)', () => {
    const r = new Ipv4Reassembler(SEC);
    push(r, 0, buildIpv4({ ...BASE, moreFragments: true }, bytes(8)));
    expect(push(r, 0, buildIpv4({ ...BASE, fragmentOffset: 65528 }, bytes(100)))).toBeUndefined();
    expect(r.lastDrop).toMatch(/> 65535/);
    expect(r.pending).toBe(0);
  });

  it('RFC 791 §3.2: conflicting last fragments abandon the reassembly', () => {
    const r = new Ipv4Reassembler(SEC);
    push(r, 0, buildIpv4({ ...BASE, fragmentOffset: 80 }, bytes(16)));
    expect(push(r, 0, buildIpv4({ ...BASE, fragmentOffset: 160 }, bytes(16)))).toBeUndefined();
    expect(r.lastDrop).toMatch(/second last fragment/);
    expect(r.pending).toBe(0);
  });

  it('RFC 1122 §3.3.2: on timeout, fragment zero is handed back for ICMP Time Exceeded code 1', () => {
    const frags = fragmentIpv4(BASE, bytes(400), 100);
    const r = new Ipv4Reassembler(30 * SEC);
    push(r, 1 * SEC, frags[0]!);
    push(r, 2 * SEC, frags[2]!);
    const other = fragmentIpv4({ ...BASE, ident: 112 }, bytes(400), 100);
    push(r, 5 * SEC, other[1]!); // fragment zero never arrives
    expect(r.expire(30 * SEC)).toEqual([]);
    expect(r.expire(31 * SEC)).toEqual([{ src: BASE.src, dst: BASE.dst, protocol: BASE.protocol, ident: 111, firstFragment: frags[0] }]);
    expect(r.pending).toBe(1);
    expect(r.expire(40 * SEC)).toEqual([{ src: BASE.src, dst: BASE.dst, protocol: BASE.protocol, ident: 112 }]);
    expect(r.pending).toBe(0);
  });

  it('RFC 1122 §3.3.2: a fragment arriving after the deadline does not complete the datagram', () => {
    const frags = fragmentIpv4(BASE, bytes(160), 100);
    const r = new Ipv4Reassembler(30 * SEC);
    push(r, 0, frags[0]!);
    expect(push(r, 30 * SEC, frags[1]!)).toBeUndefined();
    expect(r.lastDrop).toMatch(/timer expired/);
    expect(r.expire(30 * SEC).length).toBe(1);
  });

  it('RFC 815: any arrival order of any fragmentation reassembles the original (property)', () => {
    const reprArb = fc.record({
      ident: fc.integer({ min: 0, max: 0xffff }),
      dontFragment: fc.boolean(),
      withOptions: fc.boolean(),
      size: fc.integer({ min: 0, max: 3000 }),
      mtu: fc.integer({ min: IPV4_MIN_MTU, max: 1500 }),
    });
    fc.assert(
      fc.property(reprArb, fc.integer(), (c, seed) => {
        const repr = { ...BASE, ident: c.ident, dontFragment: c.dontFragment, options: c.withOptions ? Uint8Array.from([...RR, ...LSRR]) : new Uint8Array(0) };
        const payload = bytes(c.size, seed & 0xff);
        const frags = fragmentIpv4(repr, payload, c.mtu);
        expect(frags.every((f) => f.length <= c.mtu || frags.length === 1)).toBe(true);
        // Deterministic shuffle from the seed.
        const order = frags.map((f, i) => ({ f, k: Math.imul(i + 1, seed | 1) >>> 0 })).sort((a, b) => a.k - b.k);
        const r = new Ipv4Reassembler(SEC);
        const outs = order.map(({ f }) => push(r, 0, f));
        expect(outs.filter((o) => o !== undefined)).toEqual([buildIpv4(repr, payload)]);
        expect(r.pending).toBe(0);
      }),
      { numRuns: 200 },
    );
  });
});

describe('outside judge', () => {
  it.skipIf(!hasTshark)(tsharkTitle('tshark reassembles our fragments into the same UDP datagram'), () => {
    const src = ip4('192.0.2.1');
    const dst = ip4('198.51.100.2');
    const data = bytes(2000, 5);
    const udp = new Uint8Array(8 + data.length);
    udp.set([0x30, 0x39, 0x00, 0x35, udp.length >>> 8, udp.length & 0xff, 0, 0]);
    udp.set(data, 8);
    const ck = finishChecksum(sum16(udp, 0, udp.length, pseudoHeaderSumV4(src, dst, IPPROTO.UDP, udp.length))) || 0xffff;
    udp[6] = ck >>> 8;
    udp[7] = ck & 0xff;
    const repr = { ...BASE, src, dst, protocol: IPPROTO.UDP, ident: 0x4242 };
    const frags = fragmentIpv4(repr, udp, 576);
    const frames = frags.map((p) => buildFrame({ dst: 0x020000000002, src: 0x020000000001, ethertype: ETHERTYPE.IPV4 }, p));
    const rows = tshark(frames, ['ip.checksum.status', 'ip.frag_offset', 'ip.flags.mf', 'ip.fragment.count', 'ip.reassembled.length', 'udp.checksum.status', 'ip.reassembled.data'], ['ip.check_checksum:TRUE', 'ip.defragment:TRUE', 'udp.check_checksum:TRUE']);
    expect(rows.length).toBe(4);
    expect(rows.map((r) => r[0])).toEqual(['1', '1', '1', '1']);
    expect(rows.map((r) => Number(r[1]) * 8)).toEqual([0, 552, 1104, 1656]);
    const last = rows.at(-1)!;
    expect(last.slice(2, 6)).toEqual(['0', '4', String(udp.length), '1']); // 4 fragments, UDP checksum good
    const r = new Ipv4Reassembler(1_000_000_000);
    const ours = frags.map((f) => r.push(0, parse(f), f)).at(-1)!;
    expect(last[6]).toBe(toHex(ours.subarray(20)));
  });
});
