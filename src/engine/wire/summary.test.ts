/**
 * The tcpdump-style summariser on fixed frames. Expected strings are what tcpdump 4.99.3 printed
 * for the same bytes (`tcpdump -n -S -t`); the full comparison against the installed tcpdump
 * runs in test/oracle/tcpdump.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ip4, ip6 } from './addr.ts';
import { buildFrame } from './ethernet.ts';
import { buildIpv4 } from './ipv4.ts';
import { buildIpv6 } from './ipv6.ts';
import { buildTcp } from './tcp.ts';
import type { TcpRepr } from './tcp.ts';
import { buildUdp } from './udp.ts';
import { buildIcmpv4 } from './icmpv4.ts';
import { buildIcmpv6 } from './icmpv6.ts';
import { emitArp } from './arp.ts';
import { formatTcpdumpTime, summarizeFrame, summarizeFrameWithTime, TcpSeqTracker } from './summary.ts';

const A = ip4('10.0.0.1');
const B = ip4('10.0.0.2');
const MAC_A = 0x020000010100;
const MAC_B = 0x020000020100;

function ipv4Frame(protocol: number, payload: Uint8Array, src = A, dst = B, vlan?: number): Uint8Array {
  const ip = buildIpv4({ src, dst, protocol, ttl: 64, dscp: 0, ecn: 0, ident: 1, dontFragment: true, moreFragments: false, fragmentOffset: 0, options: new Uint8Array(0) }, payload);
  return buildFrame({ dst: MAC_B, src: MAC_A, ethertype: 0x0800, ...(vlan !== undefined ? { vlan: { pcp: 0, dei: false, vid: vlan } } : {}) }, ip);
}

function tcp(r: Partial<TcpRepr>, from: 'a' | 'b' = 'a', payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const repr: TcpRepr = { srcPort: 40000, dstPort: 5201, seq: 0, ack: 0, flags: 0x10, window: 502, urgent: 0, options: [], ...r };
  if (from === 'b') [repr.srcPort, repr.dstPort] = [repr.dstPort, repr.srcPort];
  const [s, d] = from === 'a' ? [A, B] : [B, A];
  return ipv4Frame(6, buildTcp(repr, payload, { v: 4, src: s, dst: d }), s, d);
}

describe('summarizeFrame (tcpdump -n)', () => {
  it('ICMP echo request and ARP', () => {
    expect(summarizeFrame(ipv4Frame(1, buildIcmpv4({ kind: 'echoRequest', ident: 1, seq: 1, data: new Uint8Array(56) })))).toBe('IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 1, seq 1, length 64');
    const arp = new Uint8Array(28);
    emitArp({ op: 1, senderMac: MAC_A, senderIp: A, targetMac: 0, targetIp: B }, arp, 0);
    const frame = buildFrame({ dst: 0xffffffffffff, src: MAC_A, ethertype: 0x0806 }, arp);
    // buildFrame pads to the 60-byte minimum; tcpdump counts the padding in the ARP length
    expect(summarizeFrame(frame)).toBe('ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 46');
    expect(summarizeFrame(frame, { link: true })).toBe('02:00:00:01:01:00 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 60: Request who-has 10.0.0.2 tell 10.0.0.1, length 46');
    expect(summarizeFrame(frame.subarray(0, 42))).toBe('ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 28');
  });

  it('TCP SYN with options, and -q', () => {
    const syn = tcp({ seq: 123, flags: 0x02, window: 64240, options: [{ kind: 'mss', mss: 1460 }, { kind: 'sackPermitted' }, { kind: 'timestamps', tsval: 1, tsecr: 0 }, { kind: 'nop' }, { kind: 'wscale', shift: 7 }] });
    expect(summarizeFrame(syn)).toBe('IP 10.0.0.1.40000 > 10.0.0.2.5201: Flags [S], seq 123, win 64240, options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0');
    expect(summarizeFrame(syn, { quiet: true })).toBe('IP 10.0.0.1.40000 > 10.0.0.2.5201: tcp 0');
  });

  it('relative sequence numbers start at the first segment with ACK, per connection, SACK blocks included', () => {
    const t = new TcpSeqTracker();
    const lines = [
      tcp({ seq: 1000, flags: 0x02 }),
      tcp({ seq: 5000, ack: 1001, flags: 0x12 }, 'b'),
      tcp({ seq: 1001, ack: 5001 }),
      tcp({ seq: 1001, ack: 5001, flags: 0x18 }, 'a', new Uint8Array(100)),
      tcp({ seq: 5001, ack: 1101, options: [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'sack', blocks: [[1201, 1301]] }] }, 'b'),
    ].map((f) => summarizeFrame(f, { tcpSeq: t }));
    expect(lines).toEqual([
      'IP 10.0.0.1.40000 > 10.0.0.2.5201: Flags [S], seq 1000, win 502, length 0',
      'IP 10.0.0.2.5201 > 10.0.0.1.40000: Flags [S.], seq 5000, ack 1001, win 502, length 0',
      'IP 10.0.0.1.40000 > 10.0.0.2.5201: Flags [.], ack 1, win 502, length 0',
      'IP 10.0.0.1.40000 > 10.0.0.2.5201: Flags [P.], seq 1:101, ack 1, win 502, length 100',
      'IP 10.0.0.2.5201 > 10.0.0.1.40000: Flags [.], ack 101, win 502, options [nop,nop,sack 1 {201:301}], length 0',
    ]);
  });

  it('UDP, DNS query and answer', () => {
    const q = new Uint8Array([0x04, 0xd2, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 3, 119, 119, 119, 7, 101, 120, 97, 109, 112, 108, 101, 3, 99, 111, 109, 0, 0, 1, 0, 1]);
    expect(summarizeFrame(ipv4Frame(17, buildUdp({ srcPort: 5353, dstPort: 53 }, q, { v: 4, src: A, dst: B })))).toBe('IP 10.0.0.1.5353 > 10.0.0.2.53: 1234+ A? www.example.com. (33)');
    const an = new Uint8Array([...q.subarray(0, 2), 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, ...q.subarray(12), 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1]);
    expect(summarizeFrame(ipv4Frame(17, buildUdp({ srcPort: 53, dstPort: 5353 }, an, { v: 4, src: B, dst: A }), B, A))).toBe('IP 10.0.0.2.53 > 10.0.0.1.5353: 1234 1/0/0 A 192.0.2.1 (49)');
    expect(summarizeFrame(ipv4Frame(17, buildUdp({ srcPort: 40000, dstPort: 33434 }, new Uint8Array(32), { v: 4, src: A, dst: B })))).toBe('IP 10.0.0.1.40000 > 10.0.0.2.33434: UDP, length 32');
  });

  it('ICMP errors name the quoted destination', () => {
    const quoted = buildIpv4({ src: A, dst: ip4('10.9.9.9'), protocol: 17, ttl: 1, dscp: 0, ecn: 0, ident: 1, dontFragment: false, moreFragments: false, fragmentOffset: 0, options: new Uint8Array(0) }, new Uint8Array([0x9c, 0x40, 0x82, 0x9a, 0, 8, 0, 0]));
    expect(summarizeFrame(ipv4Frame(1, buildIcmpv4({ kind: 'destUnreachable', code: 3, nextHopMtu: 0, original: quoted }), B, A))).toBe('IP 10.0.0.2 > 10.0.0.1: ICMP 10.9.9.9 udp port 33434 unreachable, length 36');
    expect(summarizeFrame(ipv4Frame(1, buildIcmpv4({ kind: 'destUnreachable', code: 4, nextHopMtu: 1400, original: quoted }), B, A))).toBe('IP 10.0.0.2 > 10.0.0.1: ICMP 10.9.9.9 unreachable - need to frag (mtu 1400), length 36');
    expect(summarizeFrame(ipv4Frame(1, buildIcmpv4({ kind: 'timeExceeded', code: 0, original: quoted }), B, A))).toBe('IP 10.0.0.2 > 10.0.0.1: ICMP time exceeded in-transit, length 36');
  });

  it('IPv6 router advertisement and neighbor solicitation', () => {
    const src = ip6('fe80::1');
    const ra = buildIcmpv6({ kind: 'routerAdvertisement', curHopLimit: 64, managed: false, other: false, routerLifetime: 1800, reachableTime: 0, retransTimer: 0, options: [{ type: 'sourceLinkAddr', mac: MAC_A }, { type: 'mtu', mtu: 1500 }, { type: 'prefixInfo', prefixLength: 64, onLink: true, autonomous: true, validLifetime: 1, preferredLifetime: 1, prefix: ip6('2001:db8::') }] }, src, ip6('ff02::1'));
    const frame = buildFrame({ dst: 0x333300000001, src: MAC_A, ethertype: 0x86dd }, buildIpv6({ src, dst: ip6('ff02::1'), nextHeader: 58, hopLimit: 255, trafficClass: 0, flowLabel: 0 }, ra));
    expect(summarizeFrame(frame)).toBe('IP6 fe80::1 > ff02::1: ICMP6, router advertisement, length 64');
    const ns = buildIcmpv6({ kind: 'neighborSolicitation', target: ip6('2001:db8::2'), options: [] }, src, ip6('ff02::1:ff00:2'));
    const nsFrame = buildFrame({ dst: 0x3333ff000002, src: MAC_A, ethertype: 0x86dd }, buildIpv6({ src, dst: ip6('ff02::1:ff00:2'), nextHeader: 58, hopLimit: 255, trafficClass: 0, flowLabel: 0 }, ns));
    expect(summarizeFrame(nsFrame)).toBe('IP6 fe80::1 > ff02::1:ff00:2: ICMP6, neighbor solicitation, who has 2001:db8::2, length 24');
  });

  it('802.1Q tags show only with -e', () => {
    const f = ipv4Frame(1, buildIcmpv4({ kind: 'echoRequest', ident: 1, seq: 1, data: new Uint8Array(8) }), A, B, 10);
    expect(summarizeFrame(f)).toBe('IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 1, seq 1, length 16');
    expect(summarizeFrame(f, { link: true })).toBe('02:00:00:01:01:00 > 02:00:00:02:01:00, ethertype 802.1Q (0x8100), length 60: vlan 10, p 0, ethertype IPv4 (0x0800), 10.0.0.1 > 10.0.0.2: ICMP echo request, id 1, seq 1, length 16');
  });

  it('never throws on short or garbled frames', () => {
    expect(summarizeFrame(new Uint8Array(5))).toBe('[|ether]');
    for (let n = 14; n < 80; n++) {
      const f = tcp({ flags: 0x18 }, 'a', new Uint8Array(20)).slice(0, n);
      expect(() => summarizeFrame(f)).not.toThrow();
    }
  });

  it('timestamps are simulated time of day, microseconds truncated', () => {
    expect(formatTcpdumpTime(0)).toBe('00:00:00.000000');
    expect(formatTcpdumpTime(3_723_000_456_789)).toBe('01:02:03.000456');
    expect(summarizeFrameWithTime(1.5e9, new Uint8Array(5))).toBe('00:00:01.500000 [|ether]');
  });
});
