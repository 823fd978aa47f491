/**
 * Hand-made frames for the tcpdump oracle (test/oracle/tcpdump.test.ts): the packet kinds the
 * built-in scenarios do not produce (yet) but the engine can — ICMP error codes, IPv6
 * fragments and extension headers, TCP flag and option corner cases, DNS over UDP/TCP, mDNS,
 * HTTP request/response lines, 802.1Q tags, odd ARP, non-IP EtherTypes and truncated packets.
 */
import { ip4, ip6 } from '../../src/engine/wire/addr.ts';
import { buildFrame } from '../../src/engine/wire/ethernet.ts';
import { buildIpv4 } from '../../src/engine/wire/ipv4.ts';
import type { Ipv4Repr } from '../../src/engine/wire/ipv4.ts';
import { buildIpv6 } from '../../src/engine/wire/ipv6.ts';
import { buildTcp } from '../../src/engine/wire/tcp.ts';
import type { TcpOption, TcpRepr } from '../../src/engine/wire/tcp.ts';
import { buildUdp } from '../../src/engine/wire/udp.ts';
import { buildIcmpv4 } from '../../src/engine/wire/icmpv4.ts';
import type { Icmpv4Message } from '../../src/engine/wire/icmpv4.ts';
import { buildIcmpv6 } from '../../src/engine/wire/icmpv6.ts';
import type { Icmpv6Message } from '../../src/engine/wire/icmpv6.ts';
import { emitArp } from '../../src/engine/wire/arp.ts';

const MAC_A = 0x020000010100;
const MAC_B = 0x020000020100;
const A4 = ip4('10.0.0.1');
const B4 = ip4('10.0.0.2');
const A6 = ip6('2001:db8::1');
const B6 = ip6('2001:db8::2');

export interface CorpusFrame {
  readonly name: string;
  readonly bytes: Uint8Array;
}

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function v4(protocol: number, payload: Uint8Array, extra: Partial<Ipv4Repr> = {}): Uint8Array {
  const ip = buildIpv4({ src: A4, dst: B4, protocol, ttl: 64, dscp: 0, ecn: 0, ident: 7, dontFragment: true, moreFragments: false, fragmentOffset: 0, options: new Uint8Array(0), ...extra }, payload);
  return buildFrame({ dst: MAC_B, src: MAC_A, ethertype: 0x0800 }, ip);
}

function v6raw(nextHeader: number, payload: Uint8Array, src = A6, dst = B6): Uint8Array {
  return buildIpv6({ src, dst, nextHeader, hopLimit: 64, trafficClass: 0, flowLabel: 0 }, payload);
}

function v6(nextHeader: number, payload: Uint8Array, src = A6, dst = B6): Uint8Array {
  return buildFrame({ dst: MAC_B, src: MAC_A, ethertype: 0x86dd }, v6raw(nextHeader, payload, src, dst));
}

function tcp4(r: Partial<TcpRepr>, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const repr: TcpRepr = { srcPort: 40000, dstPort: 5201, seq: 1000, ack: 2000, flags: 0x10, window: 502, urgent: 0, options: [], ...r };
  return v4(6, buildTcp(repr, payload, { v: 4, src: A4, dst: B4 }));
}

function udp4(sport: number, dport: number, payload: Uint8Array): Uint8Array {
  return v4(17, buildUdp({ srcPort: sport, dstPort: dport }, payload, { v: 4, src: A4, dst: B4 }));
}

function icmp4(msg: Icmpv4Message): Uint8Array {
  return v4(1, buildIcmpv4(msg));
}

function icmp6(msg: Icmpv6Message, src = A6, dst = B6): Uint8Array {
  return v6(58, buildIcmpv6(msg, src, dst), src, dst);
}

/** A quoted IPv4+UDP (or TCP) header as ICMP errors carry it. */
function quoted4(protocol: number, dport: number): Uint8Array {
  const inner = new Uint8Array(8);
  inner[0] = 0x9c;
  inner[1] = 0x40;
  inner[2] = dport >> 8;
  inner[3] = dport & 0xff;
  inner[5] = 8;
  const ip = buildIpv4({ src: A4, dst: ip4('10.9.9.9'), protocol, ttl: 1, dscp: 0, ecn: 0, ident: 1, dontFragment: false, moreFragments: false, fragmentOffset: 0, options: new Uint8Array(0) }, inner);
  return ip;
}

function quoted6(nextHeader: number, dport: number): Uint8Array {
  const inner = new Uint8Array(8);
  inner[2] = dport >> 8;
  inner[3] = dport & 0xff;
  return v6raw(nextHeader, inner, A6, ip6('2001:db8:9::9'));
}

/** DNS message bytes from parts: header fields, then raw sections. */
function dns(id: number, flags: number, counts: [number, number, number, number], body: number[]): Uint8Array {
  return new Uint8Array([id >> 8, id & 0xff, flags >> 8, flags & 0xff, 0, counts[0], 0, counts[1], 0, counts[2], 0, counts[3], ...body]);
}
function name(n: string): number[] {
  if (n === '.') return [0];
  return [...n.split('.').flatMap((l) => [l.length, ...Array.from(enc(l))]), 0];
}
const u16b = (v: number): number[] => [v >> 8, v & 0xff];
const u32b = (v: number): number[] => [v >>> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];
function rr(nameBytes: number[], type: number, cls: number, ttl: number, rdata: number[]): number[] {
  return [...nameBytes, ...u16b(type), ...u16b(cls), ...u32b(ttl), ...u16b(rdata.length), ...rdata];
}
const OPT = rr([0], 41, 1232, 0, []);

function arp(op: number, sha: number, spa: number, tha: number, tpa: number, dst = 0xffffffffffff): Uint8Array {
  const b = new Uint8Array(28);
  emitArp({ op, senderMac: sha, senderIp: spa, targetMac: tha, targetIp: tpa }, b, 0);
  return buildFrame({ dst, src: sha, ethertype: 0x0806 }, b);
}

export function summaryCorpus(): CorpusFrame[] {
  const out: CorpusFrame[] = [];
  const add = (name: string, bytes: Uint8Array): void => void out.push({ name, bytes });

  // ARP
  add('arp request', arp(1, MAC_A, A4, 0, B4));
  add('arp request with target mac', arp(1, MAC_A, A4, MAC_B, B4));
  add('arp reply', arp(2, MAC_B, B4, MAC_A, A4, MAC_A));
  add('gratuitous arp', arp(1, MAC_A, A4, 0, A4));
  add('arp probe', arp(1, MAC_A, 0, 0, A4));
  const padded = new Uint8Array(60);
  padded.set(arp(1, MAC_A, A4, 0, B4));
  add('arp padded to 60', padded);

  // ICMP
  add('echo request', icmp4({ kind: 'echoRequest', ident: 1, seq: 1, data: new Uint8Array(56) }));
  add('echo reply', icmp4({ kind: 'echoReply', ident: 65535, seq: 65535, data: new Uint8Array(0) }));
  for (const code of [0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 13, 14, 15]) {
    add(`unreachable code ${code}`, icmp4({ kind: 'destUnreachable', code, nextHopMtu: code === 4 ? 1400 : 0, original: quoted4(17, 33434) }));
  }
  add('unreachable tcp port', icmp4({ kind: 'destUnreachable', code: 3, nextHopMtu: 0, original: quoted4(6, 80) }));
  add('unreachable other proto port', icmp4({ kind: 'destUnreachable', code: 3, nextHopMtu: 0, original: quoted4(132, 80) }));
  add('need frag without mtu', icmp4({ kind: 'destUnreachable', code: 4, nextHopMtu: 0, original: quoted4(1, 0) }));
  add('time exceeded transit', icmp4({ kind: 'timeExceeded', code: 0, original: quoted4(17, 33434) }));
  add('time exceeded reassembly', icmp4({ kind: 'timeExceeded', code: 1, original: quoted4(17, 33434) }));
  add('redirect host', icmp4({ kind: 'other', type: 5, code: 1, rest: ip4('10.0.0.254'), data: quoted4(17, 53) }));
  add('parameter problem', icmp4({ kind: 'other', type: 12, code: 0, rest: 0x14000000, data: quoted4(17, 53) }));
  add('source quench', icmp4({ kind: 'other', type: 4, code: 0, rest: 0, data: quoted4(17, 53) }));
  add('timestamp request', icmp4({ kind: 'other', type: 13, code: 0, rest: 0x00010002, data: new Uint8Array(12) }));

  // IPv4 odds
  add('ipv4 first fragment (udp)', v4(17, buildUdp({ srcPort: 40000, dstPort: 9 }, new Uint8Array(1472), { v: 4, src: A4, dst: B4 }).subarray(0, 1480), { moreFragments: true, dontFragment: false }));
  add('ipv4 later fragment', v4(17, new Uint8Array(100), { fragmentOffset: 1480, dontFragment: false }));
  add('ipv4 unknown protocol', v4(99, new Uint8Array(20)));
  add('ipv4 with router alert option', v4(253, new Uint8Array([0x11, 0x64, 0xee, 0x9b, 0, 0, 0, 0]), { options: new Uint8Array([0x94, 0x04, 0, 0]) }));

  // UDP
  add('udp plain', udp4(40000, 33434, new Uint8Array(32)));
  add('udp empty', udp4(1234, 4321, new Uint8Array(0)));

  // TCP flags and options
  const opts: TcpOption[] = [{ kind: 'mss', mss: 1460 }, { kind: 'sackPermitted' }, { kind: 'timestamps', tsval: 1, tsecr: 0 }, { kind: 'nop' }, { kind: 'wscale', shift: 7 }];
  add('tcp syn', tcp4({ flags: 0x02, ack: 0, window: 64240, options: opts }));
  add('tcp syn ecn', tcp4({ flags: 0xc2, ack: 0, window: 64240, options: opts }));
  add('tcp syn-ack ece', tcp4({ flags: 0x52, window: 65160, options: opts }));
  add('tcp ack cwr', tcp4({ flags: 0x90 }, new Uint8Array(100)));
  add('tcp fin', tcp4({ flags: 0x11 }));
  add('tcp rst', tcp4({ flags: 0x04, ack: 0, window: 0 }));
  add('tcp rst-ack', tcp4({ flags: 0x14, window: 0 }));
  add('tcp rst with data', tcp4({ flags: 0x14, window: 0 }, enc('reset reason')));
  add('tcp no flags', tcp4({ flags: 0 }));
  add('tcp all flags', tcp4({ flags: 0x1ff, urgent: 5 }, new Uint8Array(10)));
  add('tcp urg', tcp4({ flags: 0x38, urgent: 3 }, new Uint8Array(10)));
  add('tcp sack blocks', tcp4({ options: [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'sack', blocks: [[5000, 6000], [7000, 8000]] }] }));
  add('tcp eol then padding', tcp4({ options: [{ kind: 'mss', mss: 536 }, { kind: 'eol' }] }));
  add('tcp fastopen cookie request', tcp4({ flags: 0x02, ack: 0, options: [{ kind: 'fastOpen', cookie: new Uint8Array(0) }, { kind: 'nop' }, { kind: 'nop' }] }));
  add('tcp fastopen cookie', tcp4({ flags: 0x02, ack: 0, options: [{ kind: 'fastOpen', cookie: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]) }] }));
  add('tcp unknown option', tcp4({ options: [{ kind: 'unknown', code: 99, data: new Uint8Array([0xab, 0xcd]) }, { kind: 'nop' }, { kind: 'nop' }] }));
  add('tcp data', tcp4({ flags: 0x18 }, new Uint8Array(1448)));

  // HTTP
  add('http request', tcp4({ srcPort: 40000, dstPort: 80, flags: 0x18 }, enc('GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n')));
  add('http response', tcp4({ srcPort: 80, dstPort: 40000, flags: 0x18 }, enc('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n')));
  add('http 8080 post', tcp4({ srcPort: 40000, dstPort: 8080, flags: 0x18 }, enc('POST /x HTTP/1.1\r\n\r\n')));
  add('http body', tcp4({ srcPort: 80, dstPort: 40000, flags: 0x18 }, enc('<html>hello</html>')));
  add('http lowercase method', tcp4({ srcPort: 40000, dstPort: 80, flags: 0x18 }, enc('get / HTTP/1.0\n\n')));

  // DNS over UDP
  add('dns query A', udp4(40000, 53, dns(0x1234, 0x0100, [1, 0, 0, 0], [...name('www.example.com'), 0, 1, 0, 1])));
  add('dns query AAAA + EDNS + AD', udp4(40000, 53, dns(4660, 0x0120, [1, 0, 0, 1], [...name('example.com'), 0, 28, 0, 1, ...OPT])));
  add('dns query no RD, CH class', udp4(40000, 53, dns(7, 0x0000, [1, 0, 0, 0], [...name('version.bind'), 0, 16, 0, 3])));
  add('dns query CD', udp4(40000, 53, dns(8, 0x0110, [1, 0, 0, 0], [...name('example.org'), 0, 48, 0, 1])));
  add('dns query root NS', udp4(40000, 53, dns(9, 0x0100, [1, 0, 0, 0], [...name('.'), 0, 2, 0, 1])));
  const q = [...name('www.example.com'), 0, 1, 0, 1];
  add('dns response A', udp4(53, 40000, dns(0x1234, 0x8180, [1, 1, 0, 0], [...q, ...rr([0xc0, 12], 1, 1, 300, [93, 184, 216, 34])])));
  add('dns response cname chain', udp4(53, 40000, dns(1, 0x8580, [1, 2, 0, 1], [...q, ...rr([0xc0, 12], 5, 1, 300, name('example.com')), ...rr(name('example.com'), 1, 1, 300, [192, 0, 2, 1]), ...OPT])));
  add('dns response nxdomain', udp4(53, 40000, dns(2, 0x8183, [1, 0, 1, 0], [...q, ...rr(name('example.com'), 6, 1, 300, [...name('ns.example.com'), ...name('admin.example.com'), ...u32b(1), ...u32b(2), ...u32b(3), ...u32b(4), ...u32b(5)])])));
  add('dns response servfail no RA', udp4(53, 40000, dns(3, 0x8102, [1, 0, 0, 0], q)));
  add('dns response AAAA', udp4(53, 40000, dns(4, 0x8180, [1, 1, 0, 0], [...name('example.com'), 0, 28, 0, 1, ...rr([0xc0, 12], 28, 1, 60, [0x20, 0x01, 0x0d, 0xb8, ...new Array<number>(11).fill(0), 1])])));
  add('dns response MX TXT', udp4(53, 40000, dns(5, 0x8400, [1, 2, 0, 0], [...name('example.com'), 0, 255, 0, 1, ...rr([0xc0, 12], 15, 1, 60, [0, 10, ...name('mail.example.com')]), ...rr([0xc0, 12], 16, 1, 60, [5, ...Array.from(enc('hello')), 3, ...Array.from(enc('a b'))])])));
  add('dns response NS PTR SRV', udp4(53, 40000, dns(6, 0x8580, [1, 3, 0, 0], [...name('x.example'), 0, 33, 0, 1, ...rr([0xc0, 12], 2, 1, 60, name('ns1.example')), ...rr([0xc0, 12], 12, 1, 60, name('host.example')), ...rr([0xc0, 12], 33, 1, 60, [0, 1, 0, 2, 0x14, 0x66, ...name('srv.example')])])));
  add('dns response truncated TC', udp4(53, 40000, dns(10, 0x8380, [1, 0, 0, 0], q)));
  add('dns response AD', udp4(53, 40000, dns(11, 0x81a0, [1, 0, 0, 0], q)));
  add('dns response HTTPS CAA SVCB', udp4(53, 40000, dns(12, 0x8180, [1, 2, 0, 0], [...name('example.com'), 0, 65, 0, 1, ...rr([0xc0, 12], 65, 1, 60, [0, 1, 0]), ...rr([0xc0, 12], 257, 1, 60, [0, 5, ...Array.from(enc('issuefoo'))])])));
  add('dns response DNSSEC types', udp4(53, 40000, dns(13, 0x81a0, [1, 2, 0, 0], [...name('example.com'), 0, 48, 0, 1, ...rr([0xc0, 12], 48, 1, 60, [1, 1, 3, 8, 1, 2, 3]), ...rr([0xc0, 12], 43, 1, 60, [0, 1, 8, 2, 0xaa])])));
  add('dns update', udp4(40000, 53, dns(14, 0x2800, [1, 0, 1, 0], [...name('example.com'), 0, 6, 0, 1, ...rr(name('a.example.com'), 1, 1, 60, [1, 2, 3, 4])])));
  add('dns notify', udp4(40000, 53, dns(15, 0x2400, [1, 0, 0, 0], [...name('example.com'), 0, 6, 0, 1])));
  add('dns truncated message', udp4(40000, 53, dns(16, 0x0100, [1, 0, 0, 0], [3, 119, 119])));
  add('dns short', udp4(40000, 53, new Uint8Array([1, 2, 3])));
  add('mdns query', udp4(5353, 5353, dns(0, 0x0000, [1, 0, 0, 0], [...name('printer.local'), 0, 1, 0x80, 1])));
  add('mdns response cache flush', udp4(5353, 5353, dns(0, 0x8400, [0, 1, 0, 0], [...rr(name('printer.local'), 1, 0x8001, 120, [10, 0, 0, 9])])));
  const tcpDns = dns(0x4321, 0x0100, [1, 0, 0, 0], q);
  add('dns over tcp', tcp4({ srcPort: 40000, dstPort: 53, flags: 0x18 }, new Uint8Array([0, tcpDns.length, ...tcpDns])));
  add('dns over tcp bad prefix', tcp4({ srcPort: 40000, dstPort: 53, flags: 0x18 }, new Uint8Array([0, 99, ...tcpDns])));

  // IPv6 / ICMPv6
  add('icmp6 echo request', icmp6({ kind: 'echoRequest', ident: 2, seq: 3, data: new Uint8Array(56) }));
  for (const code of [0, 1, 2, 3, 4, 5]) add(`icmp6 unreachable code ${code}`, icmp6({ kind: 'destUnreachable', code, original: quoted6(17, 33434) }));
  add('icmp6 unreachable tcp port', icmp6({ kind: 'destUnreachable', code: 4, original: quoted6(6, 443) }));
  add('icmp6 packet too big', icmp6({ kind: 'packetTooBig', mtu: 1280, original: quoted6(58, 0) }));
  add('icmp6 time exceeded', icmp6({ kind: 'timeExceeded', code: 0, original: quoted6(17, 33434) }));
  add('icmp6 reassembly time exceeded', icmp6({ kind: 'timeExceeded', code: 1, original: quoted6(17, 33434) }));
  add('icmp6 param problem', icmp6({ kind: 'other', type: 4, code: 1, body: new Uint8Array([0, 0, 0, 40, ...quoted6(17, 1)]) }));
  add('icmp6 router solicitation', icmp6({ kind: 'routerSolicitation', options: [{ type: 'sourceLinkAddr', mac: MAC_A }] }, ip6('fe80::1'), ip6('ff02::2')));
  add('icmp6 neighbor advert', icmp6({ kind: 'neighborAdvertisement', router: true, solicited: true, override: true, target: A6, options: [{ type: 'targetLinkAddr', mac: MAC_A }] }, ip6('fe80::1'), ip6('fe80::2')));
  add('icmp6 redirect', icmp6({ kind: 'other', type: 137, code: 0, body: new Uint8Array([0, 0, 0, 0, ...ip6('fe80::9'), ...ip6('2001:db8:5::5')]) }));
  add('icmp6 mld v2 report', icmp6({ kind: 'other', type: 143, code: 0, body: new Uint8Array([0, 0, 0, 1, 4, 0, 0, 0, ...ip6('ff02::1:ff00:1')]) }, ip6('fe80::1'), ip6('ff02::16')));
  add('icmp6 unknown type', icmp6({ kind: 'other', type: 200, code: 0, body: new Uint8Array(4) }));
  add('udp6', v6(17, buildUdp({ srcPort: 40000, dstPort: 33434 }, new Uint8Array(24), { v: 6, src: A6, dst: B6 })));
  add('tcp6 syn', v6(6, buildTcp({ srcPort: 40000, dstPort: 443, seq: 5, ack: 0, flags: 0x02, window: 64800, urgent: 0, options: opts }, new Uint8Array(0), { v: 6, src: A6, dst: B6 })));
  const udpBig = buildUdp({ srcPort: 40000, dstPort: 9 }, new Uint8Array(2000), { v: 6, src: A6, dst: B6 });
  add('ipv6 first fragment', v6(44, new Uint8Array([17, 0, 0, 1, 0, 0, 0, 42, ...udpBig.subarray(0, 1232)])));
  add('ipv6 later fragment', v6(44, new Uint8Array([17, 0, 0x04, 0xd0, 0, 0, 0, 42, ...udpBig.subarray(1232)])));
  add('ipv6 hop-by-hop + icmp6', v6(0, new Uint8Array([58, 0, 5, 2, 0, 0, 1, 0, ...buildIcmpv6({ kind: 'echoRequest', ident: 1, seq: 1, data: new Uint8Array(8) }, A6, B6)])));
  add('ipv6 dstopts + udp', v6(60, new Uint8Array([17, 0, 1, 4, 0, 0, 0, 0, ...buildUdp({ srcPort: 1, dstPort: 2 }, new Uint8Array(4), { v: 6, src: A6, dst: B6 })])));
  add('ipv6 no next header', v6(59, new Uint8Array(0)));

  // Link layer
  const vlanIp = buildFrame({ dst: MAC_B, src: MAC_A, vlan: { pcp: 5, dei: false, vid: 10 }, ethertype: 0x0800 }, buildIpv4({ src: A4, dst: B4, protocol: 1, ttl: 64, dscp: 0, ecn: 0, ident: 1, dontFragment: true, moreFragments: false, fragmentOffset: 0, options: new Uint8Array(0) }, buildIcmpv4({ kind: 'echoRequest', ident: 1, seq: 1, data: new Uint8Array(8) })));
  add('802.1Q tagged ping', vlanIp);
  add('802.1Q tagged arp DEI', (() => {
    const b = new Uint8Array(28);
    emitArp({ op: 1, senderMac: MAC_A, senderIp: A4, targetMac: 0, targetIp: B4 }, b, 0);
    return buildFrame({ dst: 0xffffffffffff, src: MAC_A, vlan: { pcp: 0, dei: true, vid: 4094 }, ethertype: 0x0806 }, b);
  })());
  add('unknown ethertype', buildFrame({ dst: MAC_B, src: MAC_A, ethertype: 0x88b5 }, new Uint8Array(46)));
  return out;
}
