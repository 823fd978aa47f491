import { existsSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ip6 } from './addr.ts';
import { buildFrame, ETHERTYPE } from './ethernet.ts';
import { buildIcmpv6 } from './icmpv6.ts';
import { IPPROTO } from './ipv4.ts';
import { buildIpv6, parseIpv6 } from './ipv6.ts';
import type { Ipv6Packet, Ipv6Repr } from './ipv6.ts';
import { fragmentIpv6, IPV6_FRAGMENT_HEADER, Ipv6Reassembler } from './ipv6-fragment.ts';
import { tsharkOnFrames } from '../../../test/oracle/tshark.ts';

const hasTshark = existsSync('/usr/bin/tshark');
const SEC = 1e9;
const SRC = ip6('2001:db8:a1::10');
const DST = ip6('2001:db8:a3::20');
const BASE: Omit<Ipv6Repr, 'payloadLength'> = { src: SRC, dst: DST, nextHeader: IPPROTO.ICMPV6, hopLimit: 64, trafficClass: 0, flowLabel: 0 };

function parse(b: Uint8Array): Ipv6Packet {
  const r = parseIpv6(b);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** An ICMPv6 echo request of `size` data bytes (ping -s size). */
function echo(size: number): Uint8Array {
  const data = Uint8Array.from({ length: size }, (_, i) => (i + 8) & 0xff);
  return buildIcmpv6({ kind: 'echoRequest', ident: 0x7205, seq: 2, data }, SRC, DST);
}

describe('fragmentIpv6 (RFC 8200 §4.5)', () => {
  it('ping -6 -s 1452 over a 1400-byte path: 1352 + 108 data bytes, as Linux sends (real tcpdump: frag (id:0|1352), frag (id:1352|108))', () => {
    const upper = echo(1452);
    const frags = fragmentIpv6(BASE, upper, 1400, 0xca380ad8).map(parse);
    expect(frags.map((f) => [f.repr.payloadLength, f.repr.nextHeader, f.fragment?.offset, f.fragment?.moreFragments, f.fragment?.ident])).toEqual([
      [1360, IPV6_FRAGMENT_HEADER, 0, true, 0xca380ad8],
      [116, IPV6_FRAGMENT_HEADER, 1352, false, 0xca380ad8],
    ]);
    expect(frags.every((f) => f.upperProtocol === IPPROTO.ICMPV6)).toBe(true);
    expect(Uint8Array.from([...frags[0]!.upper, ...frags[1]!.upper])).toEqual(upper);
  });

  it('a packet that fits is sent whole, without a Fragment header', () => {
    const [one] = fragmentIpv6(BASE, echo(100), 1400, 1);
    expect(parse(one!).fragment).toBeUndefined();
    expect(one).toEqual(buildIpv6(BASE, echo(100)));
  });

  it('refuses an MTU below the IPv6 minimum of 1280 (RFC 8200 §5)', () => {
    expect(() => fragmentIpv6(BASE, echo(2000), 1000, 1)).toThrow(RangeError);
  });

  it.skipIf(!hasTshark)('Wireshark reassembles our fragments into a valid echo request (checksum good)', () => {
    const frames = fragmentIpv6(BASE, echo(1452), 1400, 0x1234).map((p) => buildFrame({ dst: 0x020000000002, src: 0x020000000001, ethertype: ETHERTYPE.IPV6 }, p));
    const rows = tsharkOnFrames(frames, ['ipv6.fraghdr.offset', 'ipv6.reassembled.length', 'icmpv6.type', 'icmpv6.checksum.status', 'icmpv6.echo.sequence_number', '_ws.malformed']);
    expect(rows).toEqual([
      ['0', '', '', '', '', ''],
      ['169', '1460', '128', '1', '2', ''], // Wireshark shows the offset in 8-byte units: 169 × 8 = 1352
    ]);
  });
});

describe('Ipv6Reassembler (RFC 8200 §4.5)', () => {
  const frags = (size = 3000, mtu = 1280, ident = 9) => fragmentIpv6(BASE, echo(size), mtu, ident);
  const push = (r: Ipv6Reassembler, raw: Uint8Array, now = 0) => r.push(now, parse(raw), raw);

  it('in any order, the fragments give back the original packet and say how many they were', () => {
    const whole = buildIpv6(BASE, echo(3000));
    fc.assert(
      fc.property(fc.shuffledSubarray([0, 1, 2], { minLength: 3, maxLength: 3 }), (order) => {
        const pieces = frags();
        const r = new Ipv6Reassembler(60 * SEC);
        const outs = order.map((k) => push(r, pieces[k]!));
        expect(outs.slice(0, -1).every((o) => o === undefined)).toBe(true);
        expect(outs.at(-1)).toEqual(whole);
        expect(r.lastFragments).toBe(3);
        expect(r.pending).toBe(0);
      }),
    );
  });

  it('the key is (source, destination, Identification): fragments of two packets do not mix', () => {
    const a = frags(3000, 1280, 1);
    const b = frags(3000, 1280, 2);
    const r = new Ipv6Reassembler(60 * SEC);
    push(r, a[0]!);
    push(r, b[0]!);
    expect(r.pending).toBe(2);
    push(r, a[1]!);
    expect(push(r, a[2]!)).toEqual(buildIpv6(BASE, echo(3000)));
    expect(r.pending).toBe(1);
  });

  it('RFC 5722: an overlapping fragment abandons the datagram; an exact duplicate is ignored', () => {
    const pieces = frags();
    const r = new Ipv6Reassembler(60 * SEC);
    push(r, pieces[0]!);
    expect(push(r, pieces[0]!)).toBeUndefined();
    expect(r.lastDrop).toBe('exact duplicate fragment ignored');
    expect(r.pending).toBe(1);
    // A forged fragment starting 8 bytes into the first one's data.
    const forged = fragmentIpv6(BASE, echo(3000), 1280, 9).map(parse)[1]!;
    const raw = pieces[1]!.slice();
    raw[40 + 2] = 0;
    raw[40 + 3] = 8 | 1; // offset 8, M = 1
    expect(forged.fragment!.offset).toBeGreaterThan(8);
    expect(push(r, raw)).toBeUndefined();
    expect(r.lastDrop).toMatch(/^reassembly abandoned: fragment \[8, \d+\) overlaps \[0, 1232\) \(RFC 5722 rule\)$/);
    expect(r.pending).toBe(0);
  });

  it('a non-last fragment whose data is not a multiple of 8 bytes is dropped', () => {
    const raw = frags()[0]!.slice(0, 40 + 8 + 100);
    raw[4] = 0;
    raw[5] = 8 + 100; // payload length
    expect(push(new Ipv6Reassembler(SEC), raw)).toBeUndefined();
  });

  it('gives up 60 s after the first fragment and hands back fragment zero for Time Exceeded code 1', () => {
    const pieces = frags();
    const r = new Ipv6Reassembler(60 * SEC);
    push(r, pieces[0]!, 0);
    push(r, pieces[1]!, 10 * SEC);
    expect(r.expire(59 * SEC)).toEqual([]);
    const gone = r.expire(60 * SEC);
    expect(gone).toHaveLength(1);
    expect(gone[0]!.ident).toBe(9);
    expect(gone[0]!.firstFragment).toEqual(pieces[0]);
    expect(push(r, pieces[2]!, 61 * SEC)).toBeUndefined();
  });
});
