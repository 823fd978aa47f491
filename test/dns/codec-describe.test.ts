/**
 * The packet inspector's DNS layer: describeFrame chains Ethernet / IP / UDP|TCP / DNS for port
 * 53 in both directions; the tree shows header flag bits, questions, records, the OPT
 * pseudo-record and compression pointers, with byte ranges nested in their parents; partial
 * and malformed messages are described as far as they go, never throwing.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { describeFrame } from '../../src/engine/wire/dissect.ts';
import type { FieldNode } from '../../src/engine/wire/field.ts';
import { findField } from '../../src/engine/wire/field.ts';
import { ethIpv4 } from '../../src/engine/wire/testing/frames.ts';
import { buildUdp } from '../../src/engine/wire/udp.ts';
import { buildTcp, TCP_FLAG } from '../../src/engine/wire/tcp.ts';
import { ip4 } from '../../src/engine/wire/addr.ts';
import { describeDns, emitDnsMessage, frameTcpDns } from '../../src/engine/wire/dns/index.ts';
import { sampleResponse } from './corpus.ts';

const A = ip4('192.0.2.10');
const B = ip4('192.0.2.53');

const udpFrame = (payload: Uint8Array, srcPort: number, dstPort: number): Uint8Array => ethIpv4({ src: A, dst: B, protocol: 17 }, buildUdp({ srcPort, dstPort }, payload, { v: 4, src: A, dst: B }));
const tcpFrame = (payload: Uint8Array, srcPort: number, dstPort: number): Uint8Array =>
  ethIpv4({ src: A, dst: B, protocol: 6 }, buildTcp({ srcPort, dstPort, seq: 1, ack: 1, flags: TCP_FLAG.ACK | TCP_FLAG.PSH, window: 1000, urgent: 0, options: [] }, payload, { v: 4, src: A, dst: B }));

function walk(n: FieldNode, f: (n: FieldNode, parent?: FieldNode) => void, parent?: FieldNode): void {
  f(n, parent);
  for (const c of n.children ?? []) walk(c, f, n);
}

function all(n: FieldNode, key: string): FieldNode[] {
  const out: FieldNode[] = [];
  walk(n, (x) => void (x.key === key && out.push(x)));
  return out;
}

function checkRanges(layers: FieldNode[], len: number): void {
  for (const l of layers)
    walk(l, (n, parent) => {
      expect(n.start).toBeGreaterThanOrEqual(0);
      expect(n.end).toBeLessThanOrEqual(len);
      expect(n.start).toBeLessThanOrEqual(n.end);
      if (parent) {
        expect(n.start, `${parent.key}/${n.key}`).toBeGreaterThanOrEqual(parent.start);
        expect(n.end, `${parent.key}/${n.key}`).toBeLessThanOrEqual(parent.end);
      }
    });
}

describe('DNS in the packet inspector', () => {
  const wire = emitDnsMessage(sampleResponse());

  it('RFC 1035 §4.2.1: a UDP datagram from port 53 dissects to eth/ipv4/udp/dns with the message summary', () => {
    const frame = udpFrame(wire, 53, 40000);
    const layers = describeFrame(frame);
    expect(layers.map((l) => l.key)).toEqual(['eth', 'ipv4', 'udp', 'dns']);
    const dns = layers[3]!;
    expect([dns.start, dns.end]).toEqual([42, frame.length]);
    expect(dns.value).toMatch(/^Standard query response 0xbeef A www\.example\.com\. /);
    checkRanges(layers, frame.length);
    // Queries to port 53 are described too.
    expect(describeFrame(udpFrame(wire, 40000, 53)).map((l) => l.key)).toEqual(['eth', 'ipv4', 'udp', 'dns']);
    // Other ports stay undissected data.
    expect(describeFrame(udpFrame(wire, 40000, 5353)).map((l) => l.key)).toEqual(['eth', 'ipv4', 'udp', 'data']);
  });

  it('RFC 1035 §4.1.1: header fields, each flag with its bit mask, and section counts', () => {
    const dns = describeDns(wire, 100);
    expect(dns.children!.map((c) => c.key)).toEqual(['id', 'flags', 'qdcount', 'ancount', 'nscount', 'arcount', 'questions', 'answers', 'authorities', 'additionals']);
    const flags = findField(dns, 'flags')!;
    expect(flags.children!.map((c) => [c.key, c.bitMask])).toEqual([
      ['flags.qr', 0x8000], ['flags.opcode', 0x7800], ['flags.aa', 0x0400], ['flags.tc', 0x0200], ['flags.rd', 0x0100],
      ['flags.ra', 0x0080], ['flags.z', 0x0040], ['flags.ad', 0x0020], ['flags.cd', 0x0010], ['flags.rcode', 0x000f],
    ]);
    for (const f of flags.children!) expect([f.start, f.end]).toEqual([102, 104]);
    expect(findField(dns, 'ancount')!.value).toBe(String(sampleResponse().answers.length));
    for (const c of dns.children!) expect(c.rfc, c.key).toMatch(/RFC/);
  });

  it('RFC 1035 §4.1.4: compression pointers are shown under the names that use them', () => {
    const dns = describeDns(wire, 0);
    const pointers = all(dns, 'pointer');
    expect(pointers.length).toBeGreaterThan(5);
    for (const p of pointers) {
      expect(p.end - p.start).toBe(2);
      expect(wire[p.start]! & 0xc0).toBe(0xc0);
      expect(p.value).toMatch(/→ offset \d+/);
    }
    // The first answer's owner "example.com" points into the question name (offset 16).
    const firstAnswer = findField(dns, 'answers')!.children![0]!;
    expect(firstAnswer.children![0]!.children![0]!.value).toBe('0xc010 → offset 16');
  });

  it('RFC 6891 §6.1: the OPT pseudo-record shows payload size, DO bit and options', () => {
    const dns = describeDns(wire, 0);
    const opt = findField(dns, 'opt')!;
    expect(opt.value).toBe('OPT udp 1232 DO COOKIE');
    expect(findField(opt, 'edns.do')!.bitMask).toBe(0x8000);
    expect(findField(opt, 'cookie.client')!.value).toBe('0101010101010101');
  });

  it('RFC 1035 §3.3: RDATA nodes carry presentation text and per-field children', () => {
    const dns = describeDns(wire, 0);
    const rdatas = all(dns, 'rdata');
    expect(rdatas.map((r) => r.value)).toContain('10 mail.example.com.');
    expect(findField(dns, 'mx.preference')!.value).toBe('10');
    expect(findField(dns, 'soa.serial')!.value).toBe('2024010101');
    expect(findField(dns, 'svcb.alpn')!.value).toBe('alpn="h2,h3"');
    expect(findField(dns, 'rrsig.expiration')!.value).toBe('20240101000000');
  });

  it('RFC 1035 §4.2.2: TCP segments: the length prefix, several messages, and a message cut by the segment end', () => {
    const stream = Uint8Array.from([...frameTcpDns(wire), ...frameTcpDns(wire)]);
    const full = describeFrame(tcpFrame(stream, 53, 40000));
    expect(full.map((l) => l.key)).toEqual(['eth', 'ipv4', 'tcp', 'dns']);
    expect(full[3]!.children!.map((c) => c.key)).toEqual(['length', 'dns', 'length', 'dns']);
    const cut = tcpFrame(stream.subarray(0, 100), 40000, 53);
    const layers = describeFrame(cut);
    const dnsTcp = layers[3]!;
    expect(dnsTcp.children![0]!.error).toMatch(/continues past this segment/);
    expect(dnsTcp.children![1]!.value).toMatch(/\[partial\]$/);
    checkRanges(layers, cut.length);
  });

  it('never throws on random payloads to or from port 53, over UDP and TCP', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), fc.boolean(), (payload, udp, toServer) => {
        const [s, d] = toServer ? [40000, 53] : [53, 40000];
        const frame = udp ? udpFrame(payload, s, d) : tcpFrame(payload, s, d);
        const layers = describeFrame(frame);
        checkRanges(layers, frame.length);
      }),
      { numRuns: 3000 },
    );
  });
});
