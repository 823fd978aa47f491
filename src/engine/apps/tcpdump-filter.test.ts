/**
 * pcap-filter subset: grammar (equal precedence of and/or, abbreviations, vlan shifting the
 * offsets) and libpcap's error texts. The full selection comparison against the real tcpdump is
 * in test/oracle/tcpdump.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ip4 } from '../wire/addr.ts';
import { buildFrame } from '../wire/ethernet.ts';
import { buildIpv4 } from '../wire/ipv4.ts';
import { buildUdp } from '../wire/udp.ts';
import { buildIcmpv4 } from '../wire/icmpv4.ts';
import { compileFilter } from './tcpdump-filter.ts';

function udp(src: string, dst: string, sport: number, dport: number, vlan?: number): Uint8Array {
  const s = ip4(src);
  const d = ip4(dst);
  const ip = buildIpv4({ src: s, dst: d, protocol: 17, ttl: 64, dscp: 0, ecn: 0, ident: 1, dontFragment: true, moreFragments: false, fragmentOffset: 0, options: new Uint8Array(0) }, buildUdp({ srcPort: sport, dstPort: dport }, new Uint8Array(4), { v: 4, src: s, dst: d }));
  return buildFrame({ dst: 2, src: 1, ethertype: 0x0800, ...(vlan !== undefined ? { vlan: { pcp: 0, dei: false, vid: vlan } } : {}) }, ip);
}
function icmp(src: string, dst: string): Uint8Array {
  const ip = buildIpv4({ src: ip4(src), dst: ip4(dst), protocol: 1, ttl: 64, dscp: 0, ecn: 0, ident: 1, dontFragment: true, moreFragments: false, fragmentOffset: 0, options: new Uint8Array(0) }, buildIcmpv4({ kind: 'echoRequest', ident: 1, seq: 1, data: new Uint8Array(8) }));
  return buildFrame({ dst: 2, src: 1, ethertype: 0x0800 }, ip);
}

function matches(expr: string, frame: Uint8Array, dir: 'in' | 'out' = 'in'): boolean {
  const c = compileFilter(expr, (n) => (n === 'bob' ? ['10.0.0.2', 'fd00::2'] : undefined));
  if (!c.ok) throw new Error(c.error);
  return c.match(frame, dir);
}

describe('compileFilter', () => {
  const dns = udp('10.0.0.1', '10.0.0.2', 40000, 53);
  const ping = icmp('10.0.0.1', '10.0.0.9');

  it('an empty expression matches everything', () => {
    expect(matches('', ping)).toBe(true);
  });

  it('and/or have equal precedence and associate left to right; not binds tighter', () => {
    // (udp or icmp) and port 53: the ping has no port
    expect(matches('udp or icmp and port 53', ping)).toBe(false);
    expect(matches('icmp or udp and port 53', dns)).toBe(true);
    expect(matches('not udp and icmp', ping)).toBe(true);
    expect(matches('!(udp || icmp)', ping)).toBe(false);
  });

  it('a bare ID repeats the previous qualifiers', () => {
    expect(matches('port 80 or 53', dns)).toBe(true);
    expect(matches('dst host 10.0.0.5 or 10.0.0.2', dns)).toBe(true);
    expect(matches('src host 10.0.0.5 or 10.0.0.2', dns)).toBe(false);
  });

  it('host names resolve through the run hosts table', () => {
    expect(matches('host bob', dns)).toBe(true);
    expect(matches('src bob', dns)).toBe(false);
    expect(compileFilter('host carol')).toEqual({ ok: false, error: "unknown host 'carol'" });
  });

  it('nets, port ranges, directions', () => {
    expect(matches('net 10.0.0.0/24', dns)).toBe(true);
    expect(matches('dst net 10.0.0.8/29', ping)).toBe(true);
    expect(matches('portrange 50-60', dns)).toBe(true);
    expect(matches('src port 53', dns)).toBe(false);
    expect(matches('inbound', dns, 'out')).toBe(false);
    expect(matches('outbound', dns, 'out')).toBe(true);
  });

  it('vlan looks inside the tag for the rest of the expression', () => {
    const tagged = udp('10.0.0.1', '10.0.0.2', 1, 53, 7);
    expect(matches('udp', tagged)).toBe(false);
    expect(matches('vlan and udp port 53', tagged)).toBe(true);
    expect(matches('vlan 7 and host 10.0.0.1', tagged)).toBe(true);
    expect(matches('vlan 8', tagged)).toBe(false);
  });

  it("libpcap's error texts", () => {
    const err = (e: string): string | undefined => {
      const c = compileFilter(e);
      return c.ok ? undefined : c.error;
    };
    expect(err('tcp and')).toBe("can't parse filter expression: syntax error");
    expect(err('10.0.0.1')).toBe("can't parse filter expression: syntax error");
    expect(err('port 99999')).toBe('illegal port number 99999 > 65535');
    expect(err('net 10.0.0.1/24')).toBe('non-network bits set in "10.0.0.1/24"');
    expect(err('icmp port 80')).toBe("illegal qualifier of 'port'");
    expect(err('ip6 host 10.0.0.1')).toBe("'ip6' modifier applied to ip host");
    expect(err('vlan 5000')).toBe('VLAN tag 5000 greater than maximum 4095');
    expect(err('port foo')).toBe("unknown port 'foo'");
    expect(err('tcp[13] & 2 != 0')).toMatch(/not modelled/);
  });
});
