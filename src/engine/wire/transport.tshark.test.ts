/**
 * Outside judge: Wireshark's dissectors (tshark 4.x) read what our UDP, TCP, ICMPv4 and ICMPv6
 * emitters write. Each message is wrapped in a hand-built Ethernet + IP frame (testing/frames.ts),
 * written to a classic pcap, and tshark must agree on the fields, report every checksum Good
 * (status 1), flag nothing malformed and raise no expert error. Skipped when tshark is missing.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ethIpv4, ethIpv6, hexBytes, ipv4Packet, ipv6Packet, pcapFile } from './testing/frames.ts';
import { buildUdp } from './udp.ts';
import { buildTcp, TCP_FLAG } from './tcp.ts';
import type { TcpRepr } from './tcp.ts';
import type { Icmpv4Message } from './icmpv4.ts';
import { buildIcmpv4, describeIcmpv4 } from './icmpv4.ts';
import type { Icmpv6Message } from './icmpv6.ts';
import { buildIcmpv6, describeIcmpv6 } from './icmpv6.ts';
import type { Ipv6 } from './addr.ts';
import { ip4, ip6, parseMac } from './addr.ts';
import { findField } from './field.ts';
import { fold16, pseudoHeaderSum, sum16 } from './checksum.ts';

const TSHARK = process.env['TSHARK'] ?? '/usr/bin/tshark';
const HAVE_TSHARK = existsSync(TSHARK);
if (!HAVE_TSHARK) console.warn(`tshark not found at ${TSHARK}: skipping the Wireshark cross-checks`);
const suite = describe.skipIf(!HAVE_TSHARK);
const PREFS = ['-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE', '-o', 'tcp.relative_sequence_numbers:FALSE'];
/** Expert-info severity "error" (Wireshark's PI_ERROR). */
const PI_ERROR = '8388608';

function withPcap<T>(frames: Uint8Array[], fn: (file: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'stackscope-tshark-'));
  const file = join(dir, 'frames.pcap');
  writeFileSync(file, pcapFile(frames));
  try {
    return fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function tshark(file: string, args: string[]): string {
  return execFileSync(TSHARK, ['-r', file, ...PREFS, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}

/** One row per frame, one column per field; repeated fields are joined with ','. */
function fields(frames: Uint8Array[], names: string[]): Array<Record<string, string>> {
  return withPcap(frames, (file) => {
    const out = tshark(file, ['-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=a', '-E', 'aggregator=,', ...names.flatMap((n) => ['-e', n])]);
    return out
      .split('\n')
      .filter((l) => l !== '')
      .map((line) => Object.fromEntries(line.split('\t').map((v, i) => [names[i]!, v])));
  });
}

/** Frame numbers tshark marks malformed or with an expert error. */
function complaints(frames: Uint8Array[]): string[] {
  return withPcap(frames, (file) => {
    const rows = tshark(file, ['-T', 'fields', '-E', 'separator=/t', '-e', 'frame.number', '-e', '_ws.malformed', '-e', '_ws.expert.severity']).split('\n');
    return rows.filter((r) => r !== '').filter((r) => {
      const [, malformed, severity] = r.split('\t');
      return malformed !== '' || (severity ?? '').split(',').includes(PI_ERROR);
    });
  });
}

/** Wireshark's display text of a field, e.g. "Type: 8 (Echo (ping) request)", one per frame. */
function shownames(frames: Uint8Array[], name: string): string[] {
  return withPcap(frames, (file) => {
    const pdml = tshark(file, ['-T', 'pdml']);
    const re = new RegExp(`<field name="${name.replace(/\./g, '\\.')}" showname="([^"]*)"`, 'g');
    return [...pdml.matchAll(re)].map((m) => m[1]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&'));
  });
}

const V4A = ip4('192.0.2.1');
const V4B = ip4('192.0.2.2');
const V4C = ip4('198.51.100.7');
const V6A = ip6('2001:db8::1');
const V6B = ip6('2001:db8::2');

suite('tshark agrees with our UDP (RFC 768)', () => {
  const dnsPayload = hexBytes(`b8d8 8180 0001 0007 0000 0000 0478 6b63 6403 636f 6d00 000f 0001 c00c 000f 0001 0000 0258 0018 0014 0441 4c54
    3205 4153 504d 5801 4c06 474f 4f47 4c45 c011 c00c 000f 0001 0000 0258 0016 001e 0641 5350 4d58 320a 474f 4f47 4c45 4d41 494c c011 c00c
    000f 0001 0000 0258 000b 001e 0641 5350 4d58 33c0 53c0 0c00 0f00 0100 0002 5800 0b00 1e06 4153 504d 5834 c053 c00c 000f 0001 0000 0258
    000b 001e 0641 5350 4d58 35c0 53c0 0c00 0f00 0100 0002 5800 0400 0ac0 2dc0 0c00 0f00 0100 0002 5800 0900 1404 414c 5431 c02d`);
  const dnsSrc = ip4('172.16.255.1');
  const dnsDst = ip4('172.29.20.15');
  // A payload whose checksum computes to 0, so it must go out as 0xffff (RFC 768).
  const zeroHeader = new Uint8Array([0x9c, 0x40, 0x9c, 0x41, 0x00, 0x0a, 0, 0]);
  const zeroWord = 0xffff - fold16(pseudoHeaderSum({ v: 4, src: V4A, dst: V4B }, 17, 10) + sum16(zeroHeader));
  const frames = [
    ethIpv4({ src: dnsSrc, dst: dnsDst, protocol: 17 }, buildUdp({ srcPort: 53, dstPort: 35181 }, dnsPayload, { v: 4, src: dnsSrc, dst: dnsDst })),
    ethIpv6({ src: V6A, dst: V6B, nextHeader: 17 }, buildUdp({ srcPort: 40000, dstPort: 40001 }, new TextEncoder().encode('hello, v6'), { v: 6, src: V6A, dst: V6B })),
    ethIpv4({ src: V4A, dst: V4B, protocol: 17 }, buildUdp({ srcPort: 40000, dstPort: 40001 }, new Uint8Array([zeroWord >>> 8, zeroWord & 0xff]), { v: 4, src: V4A, dst: V4B })),
    ethIpv4({ src: V4A, dst: V4B, protocol: 17 }, buildUdp({ srcPort: 40002, dstPort: 40003 }, new Uint8Array([1, 2, 3, 4, 5]), { v: 4, src: V4A, dst: V4B })),
  ];

  it('RFC 768: ports, length and checksum match and every checksum is Good', () => {
    const rows = fields(frames, ['udp.srcport', 'udp.dstport', 'udp.length', 'udp.checksum', 'udp.checksum.status', 'dns.count.answers']);
    expect(rows).toEqual([
      { 'udp.srcport': '53', 'udp.dstport': '35181', 'udp.length': '210', 'udp.checksum': '0x754a', 'udp.checksum.status': '1', 'dns.count.answers': '7' },
      expect.objectContaining({ 'udp.srcport': '40000', 'udp.dstport': '40001', 'udp.length': '17', 'udp.checksum.status': '1' }),
      expect.objectContaining({ 'udp.length': '10', 'udp.checksum': '0xffff', 'udp.checksum.status': '1' }),
      expect.objectContaining({ 'udp.length': '13', 'udp.checksum.status': '1' }),
    ]);
  });

  it('RFC 768: nothing is malformed', () => {
    expect(complaints(frames)).toEqual([]);
  });

  it('the judge is awake: one flipped payload bit is reported as a Bad checksum', () => {
    const bad = frames[3]!.slice();
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 1;
    expect(fields([bad], ['udp.checksum.status'])).toEqual([{ 'udp.checksum.status': '0' }]); // 0 = Bad, 1 = Good
    expect(complaints([bad])).toHaveLength(1);
  });
});

suite('tshark agrees with our TCP (RFC 9293, 7323, 2018, 7413, 3168)', () => {
  const gnu = { src: ip4('192.168.178.27'), dst: ip4('208.118.235.148') };
  const syn: TcpRepr = {
    srcPort: 48494,
    dstPort: 80,
    seq: 443857666,
    ack: 0,
    flags: TCP_FLAG.SYN,
    window: 29200,
    urgent: 0,
    options: [{ kind: 'mss', mss: 1460 }, { kind: 'sackPermitted' }, { kind: 'timestamps', tsval: 2663544, tsecr: 0 }, { kind: 'nop' }, { kind: 'wscale', shift: 7 }],
  };
  const data: TcpRepr = {
    srcPort: 443,
    dstPort: 51000,
    seq: 0xfffffff0,
    ack: 1000,
    flags: TCP_FLAG.PSH | TCP_FLAG.ACK,
    window: 502,
    urgent: 0,
    options: [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamps', tsval: 7, tsecr: 8 }, { kind: 'nop' }, { kind: 'nop' }, { kind: 'sack', blocks: [[2000, 3000], [4000, 5000]] }],
  };
  const tfo: TcpRepr = {
    srcPort: 51001,
    dstPort: 443,
    seq: 12345,
    ack: 0,
    flags: TCP_FLAG.SYN | TCP_FLAG.ECE | TCP_FLAG.CWR | TCP_FLAG.AE,
    window: 65535,
    urgent: 0,
    options: [{ kind: 'mss', mss: 1440 }, { kind: 'fastOpen', cookie: hexBytes('0011223344556677') }, { kind: 'eol' }],
  };
  const urgentFin: TcpRepr = { srcPort: 23, dstPort: 1023, seq: 5, ack: 6, flags: TCP_FLAG.FIN | TCP_FLAG.URG | TCP_FLAG.ACK, window: 1, urgent: 1, options: [] };
  const frames = [
    ethIpv4({ ...gnu, protocol: 6 }, buildTcp(syn, new Uint8Array(0), { v: 4, ...gnu })),
    ethIpv6({ src: V6A, dst: V6B, nextHeader: 6 }, buildTcp(data, new TextEncoder().encode('odd-length payload!'), { v: 6, src: V6A, dst: V6B })),
    ethIpv4({ src: V4A, dst: V4B, protocol: 6 }, buildTcp(tfo, new TextEncoder().encode('GET /'), { v: 4, src: V4A, dst: V4B })),
    ethIpv4({ src: V4B, dst: V4A, protocol: 6 }, buildTcp(urgentFin, new Uint8Array([0x41]), { v: 4, src: V4B, dst: V4A })),
  ];

  it('RFC 9293 §3.1: header fields, flags, options and a Good checksum', () => {
    const rows = fields(frames, [
      'tcp.srcport',
      'tcp.dstport',
      'tcp.seq_raw',
      'tcp.ack_raw',
      'tcp.hdr_len',
      'tcp.flags',
      'tcp.window_size_value',
      'tcp.urgent_pointer',
      'tcp.len',
      'tcp.checksum.status',
      'tcp.options.mss_val',
      'tcp.options.wscale.shift',
      'tcp.options.timestamp.tsval',
      'tcp.options.timestamp.tsecr',
      'tcp.options.sack_le',
      'tcp.options.sack_re',
      'tcp.options.tfo.cookie',
    ]);
    expect(rows[0]).toMatchObject({
      'tcp.srcport': '48494',
      'tcp.dstport': '80',
      'tcp.seq_raw': '443857666',
      'tcp.ack_raw': '0',
      'tcp.hdr_len': '40',
      'tcp.flags': '0x0002',
      'tcp.window_size_value': '29200',
      'tcp.checksum.status': '1',
      'tcp.options.mss_val': '1460',
      'tcp.options.wscale.shift': '7',
      'tcp.options.timestamp.tsval': '2663544',
      'tcp.options.timestamp.tsecr': '0',
    });
    expect(rows[1]).toMatchObject({
      'tcp.seq_raw': '4294967280',
      'tcp.ack_raw': '1000',
      'tcp.hdr_len': '52',
      'tcp.flags': '0x0018',
      'tcp.len': '19',
      'tcp.checksum.status': '1',
      'tcp.options.timestamp.tsval': '7',
      'tcp.options.timestamp.tsecr': '8',
      'tcp.options.sack_le': '2000,4000',
      'tcp.options.sack_re': '3000,5000',
    });
    expect(rows[2]).toMatchObject({ 'tcp.flags': '0x01c2', 'tcp.hdr_len': '36', 'tcp.len': '5', 'tcp.checksum.status': '1', 'tcp.options.mss_val': '1440', 'tcp.options.tfo.cookie': '0011223344556677' });
    expect(rows[3]).toMatchObject({ 'tcp.flags': '0x0031', 'tcp.urgent_pointer': '1', 'tcp.len': '1', 'tcp.checksum.status': '1' });
  });

  it('RFC 9293 §3.1: nothing is malformed', () => {
    expect(complaints(frames)).toEqual([]);
  });
});

suite('tshark agrees with our ICMPv4 (RFC 792, RFC 1191)', () => {
  const echoData = new Uint8Array([...hexBytes('2137 df25 0000 0000'), ...new Uint8Array(48)]);
  const inner = ipv4Packet({ src: V4A, dst: V4C, protocol: 17, ttl: 1 }, buildUdp({ srcPort: 33434, dstPort: 33435 }, new Uint8Array(32), { v: 4, src: V4A, dst: V4C }));
  const msgs: Array<[Icmpv4Message, number, number]> = [
    [{ kind: 'echoRequest', ident: 45062, seq: 1, data: echoData }, V4A, V4B],
    [{ kind: 'echoReply', ident: 45062, seq: 1, data: echoData }, V4B, V4A],
    [{ kind: 'destUnreachable', code: 4, nextHopMtu: 1400, original: inner.subarray(0, 28) }, V4B, V4A],
    [{ kind: 'destUnreachable', code: 3, nextHopMtu: 0, original: inner.subarray(0, 28) }, V4C, V4A],
    [{ kind: 'timeExceeded', code: 0, original: inner.subarray(0, 28) }, V4B, V4A],
    [{ kind: 'other', type: 13, code: 0, rest: 0x00070001, data: new Uint8Array(12) }, V4A, V4B],
  ];
  const messages = msgs.map(([m]) => buildIcmpv4(m));
  const frames = msgs.map(([, src, dst], i) => ethIpv4({ src, dst, protocol: 1 }, messages[i]!));

  it('RFC 792: type, code, identifier, sequence, next-hop MTU and a Good checksum', () => {
    const rows = fields(frames, ['icmp.type', 'icmp.code', 'icmp.checksum.status', 'icmp.ident', 'icmp.seq', 'icmp.mtu']);
    expect(rows.map((r) => [r['icmp.type'], r['icmp.code'], r['icmp.checksum.status']])).toEqual([
      ['8', '0', '1'],
      ['0', '0', '1'],
      ['3', '4', '1'],
      ['3', '3', '1'],
      ['11', '0', '1'],
      ['13', '0', '1'],
    ]);
    expect(rows[0]).toMatchObject({ 'icmp.ident': '45062', 'icmp.seq': '1' });
    expect(rows[1]).toMatchObject({ 'icmp.ident': '45062', 'icmp.seq': '1' });
    expect(rows[2]).toMatchObject({ 'icmp.mtu': '1400' });
  });

  it('RFC 792: our type and code names are the ones Wireshark shows', () => {
    const types = shownames(frames, 'icmp.type');
    const codes = shownames(frames, 'icmp.code');
    // Each message's own type/code come first; quoted packets add none (they are IP + UDP).
    expect(types).toHaveLength(messages.length);
    messages.forEach((m, i) => {
      const node = describeIcmpv4(m);
      expect(`Type: ${findField(node, 'type')!.value}`).toBe(types[i]);
      expect(`Code: ${findField(node, 'code')!.value}`).toBe(codes[i]);
    });
  });

  it('RFC 792: nothing is malformed', () => {
    expect(complaints(frames)).toEqual([]);
  });
});

suite('tshark agrees with our ICMPv6 (RFC 4443, RFC 4861)', () => {
  const mac = (s: string): number => parseMac(s)!;
  const allNodes = ip6('ff02::1');
  const allRouters = ip6('ff02::2');
  const linkA = ip6('fe80::1');
  const linkB = ip6('fe80::2');
  const inner = ipv6Packet({ src: V6A, dst: ip6('2001:db8:1::7'), nextHeader: 17 }, buildUdp({ srcPort: 5000, dstPort: 6000 }, new Uint8Array(1400), { v: 6, src: V6A, dst: ip6('2001:db8:1::7') }));
  const msgs: Array<[Icmpv6Message, Ipv6, Ipv6]> = [
    [{ kind: 'routerSolicitation', options: [{ type: 'sourceLinkAddr', mac: mac('02:00:00:00:00:01') }] }, linkA, allRouters],
    [
      {
        kind: 'routerAdvertisement',
        curHopLimit: 64,
        managed: false,
        other: true,
        routerLifetime: 1800,
        reachableTime: 30000,
        retransTimer: 1000,
        options: [
          { type: 'sourceLinkAddr', mac: mac('c2:00:54:f5:00:00') },
          { type: 'mtu', mtu: 1500 },
          { type: 'prefixInfo', prefixLength: 64, onLink: true, autonomous: true, validLifetime: 2592000, preferredLifetime: 604800, prefix: ip6('2001:db8:0:1::') },
        ],
      },
      linkB,
      allNodes,
    ],
    [{ kind: 'neighborSolicitation', target: V6B, options: [{ type: 'sourceLinkAddr', mac: mac('02:00:00:00:00:01') }] }, V6A, ip6('ff02::1:ff00:2')],
    [{ kind: 'neighborAdvertisement', router: false, solicited: true, override: true, target: V6B, options: [{ type: 'targetLinkAddr', mac: mac('02:00:00:00:00:02') }] }, V6B, V6A],
    [{ kind: 'echoRequest', ident: 0x1234, seq: 7, data: new TextEncoder().encode('hackaton2025') }, V6A, V6B],
    [{ kind: 'echoReply', ident: 0x1234, seq: 7, data: new TextEncoder().encode('hackaton2025') }, V6B, V6A],
    [{ kind: 'packetTooBig', mtu: 1280, original: inner.subarray(0, 1232) }, ip6('2001:db8:ff::1'), V6A],
    [{ kind: 'destUnreachable', code: 4, original: inner.subarray(0, 48) }, ip6('2001:db8:1::7'), V6A],
    [{ kind: 'timeExceeded', code: 0, original: inner.subarray(0, 48) }, ip6('2001:db8:ff::1'), V6A],
  ];
  const messages = msgs.map(([m, s, d]) => buildIcmpv6(m, s, d));
  const frames = msgs.map(([m, src, dst], i) => ethIpv6({ src, dst, nextHeader: 58, hopLimit: m.kind.startsWith('router') || m.kind.startsWith('neighbor') ? 255 : 64 }, messages[i]!));

  it('RFC 4443 §2.3: every checksum over the IPv6 pseudo-header is Good', () => {
    const rows = fields(frames, ['icmpv6.type', 'icmpv6.code', 'icmpv6.checksum.status']);
    expect(rows.map((r) => r['icmpv6.type']?.split(',')[0])).toEqual(['133', '134', '135', '136', '128', '129', '2', '1', '3']);
    expect(rows.map((r) => r['icmpv6.checksum.status']?.split(',')[0])).toEqual(Array(9).fill('1'));
  });

  it('RFC 4861 §4.1-§4.6: NDP fields and options match', () => {
    const rows = fields(frames, [
      'icmpv6.opt.linkaddr',
      'icmpv6.nd.ra.cur_hop_limit',
      'icmpv6.nd.ra.flag.m',
      'icmpv6.nd.ra.flag.o',
      'icmpv6.nd.ra.router_lifetime',
      'icmpv6.nd.ra.reachable_time',
      'icmpv6.nd.ra.retrans_timer',
      'icmpv6.opt.mtu',
      'icmpv6.opt.prefix',
      'icmpv6.opt.prefix.length',
      'icmpv6.opt.prefix.flag.l',
      'icmpv6.opt.prefix.flag.a',
      'icmpv6.opt.prefix.valid_lifetime',
      'icmpv6.opt.prefix.preferred_lifetime',
      'icmpv6.nd.ns.target_address',
      'icmpv6.nd.na.target_address',
      'icmpv6.nd.na.flag.r',
      'icmpv6.nd.na.flag.s',
      'icmpv6.nd.na.flag.o',
    ]);
    expect(rows[0]).toMatchObject({ 'icmpv6.opt.linkaddr': '02:00:00:00:00:01' });
    expect(rows[1]).toMatchObject({
      'icmpv6.opt.linkaddr': 'c2:00:54:f5:00:00',
      'icmpv6.nd.ra.cur_hop_limit': '64',
      'icmpv6.nd.ra.flag.m': '0',
      'icmpv6.nd.ra.flag.o': '1',
      'icmpv6.nd.ra.router_lifetime': '1800',
      'icmpv6.nd.ra.reachable_time': '30000',
      'icmpv6.nd.ra.retrans_timer': '1000',
      'icmpv6.opt.mtu': '1500',
      'icmpv6.opt.prefix': '2001:db8:0:1::',
      'icmpv6.opt.prefix.length': '64',
      'icmpv6.opt.prefix.flag.l': '1',
      'icmpv6.opt.prefix.flag.a': '1',
      'icmpv6.opt.prefix.valid_lifetime': '2592000',
      'icmpv6.opt.prefix.preferred_lifetime': '604800',
    });
    expect(rows[2]).toMatchObject({ 'icmpv6.nd.ns.target_address': '2001:db8::2', 'icmpv6.opt.linkaddr': '02:00:00:00:00:01' });
    expect(rows[3]).toMatchObject({
      'icmpv6.nd.na.target_address': '2001:db8::2',
      'icmpv6.nd.na.flag.r': '0',
      'icmpv6.nd.na.flag.s': '1',
      'icmpv6.nd.na.flag.o': '1',
      'icmpv6.opt.linkaddr': '02:00:00:00:00:02',
    });
  });

  it('RFC 4443 §3-§4: echo identifiers and the Packet Too Big MTU match', () => {
    const rows = fields(frames, ['icmpv6.echo.identifier', 'icmpv6.echo.sequence_number', 'icmpv6.mtu']);
    expect(rows[4]).toMatchObject({ 'icmpv6.echo.identifier': '0x1234', 'icmpv6.echo.sequence_number': '7' });
    expect(rows[5]).toMatchObject({ 'icmpv6.echo.identifier': '0x1234', 'icmpv6.echo.sequence_number': '7' });
    expect(rows[6]).toMatchObject({ 'icmpv6.mtu': '1280' });
  });

  it('RFC 4443: our type names are the ones Wireshark shows', () => {
    const types = shownames(frames, 'icmpv6.type');
    expect(types).toHaveLength(messages.length);
    messages.forEach((m, i) => {
      const ours = findField(describeIcmpv6(m), 'type')!.value; // "135 (Neighbor Solicitation)"
      const [, num, name] = /^(\d+) \((.*)\)$/.exec(ours)!;
      expect(types[i]).toBe(`Type: ${name} (${num})`);
    });
  });

  it('RFC 4443: nothing is malformed', () => {
    expect(complaints(frames)).toEqual([]);
  });
});
