/**
 * Outside judge: Wireshark's DNS dissector (tshark 4.x) reads the messages we emit inside
 * Ethernet/IPv4 (and IPv6) UDP frames and a TCP segment (RFC 1035 §4.2.2 length prefixes):
 * zero malformed frames, no expert warnings or errors, and the fields tshark extracts
 * (dns.qry.name, dns.a, dns.flags, ...) match what we encoded. Skipped when tshark is missing.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ethIpv4, ethIpv6, pcapFile } from '../../src/engine/wire/testing/frames.ts';
import { buildUdp } from '../../src/engine/wire/udp.ts';
import { buildTcp, TCP_FLAG } from '../../src/engine/wire/tcp.ts';
import { ip4, ip6 } from '../../src/engine/wire/addr.ts';
import { cookieOption, dnsFlags, ecsOption, emitDnsMessage, frameTcpDns, parseDnsMessage } from '../../src/engine/wire/dns/index.ts';
import type { DnsMessage } from '../../src/engine/wire/dns/index.ts';
import { analyzeCapture, tsharkAvailable, tsharkFieldValues } from '../oracle/tshark.ts';
import { rr, sampleResponse } from './corpus.ts';

const HAVE = tsharkAvailable();
if (!HAVE) console.warn('tshark not found: skipping the DNS Wireshark cross-checks');

const CLIENT = ip4('192.0.2.10');
const SERVER = ip4('192.0.2.53');

function udpFrame(msg: Uint8Array, toServer: boolean, v6 = false): Uint8Array {
  const repr = toServer ? { srcPort: 40000, dstPort: 53 } : { srcPort: 53, dstPort: 40000 };
  if (v6) {
    const [src, dst] = toServer ? [ip6('2001:db8::10'), ip6('2001:db8::53')] : [ip6('2001:db8::53'), ip6('2001:db8::10')];
    return ethIpv6({ src, dst, nextHeader: 17 }, buildUdp(repr, msg, { v: 6, src, dst }));
  }
  const [src, dst] = toServer ? [CLIENT, SERVER] : [SERVER, CLIENT];
  return ethIpv4({ src, dst, protocol: 17 }, buildUdp(repr, msg, { v: 4, src, dst }));
}

const query = (id: number, name: string, type: number, edns = true): DnsMessage => ({
  id,
  flags: dnsFlags({ rd: true }),
  questions: [{ name, type, class: 1 }],
  answers: [],
  authorities: [],
  additionals: [],
  ...(edns
    ? { edns: { udpPayloadSize: 1232, extendedRcode: 0, version: 0, dnssecOk: true, options: [cookieOption(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8])), ecsOption({ family: 1, sourcePrefixLength: 24, scopePrefixLength: 0, address: '198.51.100.0' })] } }
    : {}),
});

const respond = (q: DnsMessage, m: Partial<DnsMessage>): DnsMessage => ({ ...q, flags: dnsFlags({ qr: true, rd: true, ra: true, ...(m.flags ?? {}) }), answers: [], authorities: [], additionals: [], ...m, ...(q.edns ? { edns: { ...q.edns, options: [] } } : {}) });

/** [message, frame] pairs: queries and responses over UDP (IPv4 and IPv6). */
function corpus(): { msgs: DnsMessage[]; frames: Uint8Array[]; wires: Uint8Array[] } {
  const msgs: DnsMessage[] = [];
  const frames: Uint8Array[] = [];
  const wires: Uint8Array[] = [];
  const add = (m: DnsMessage, toServer: boolean, opts: { maxSize?: number; v6?: boolean } = {}): void => {
    const wire = emitDnsMessage(m, opts.maxSize ? { maxSize: opts.maxSize } : {});
    msgs.push(m);
    wires.push(wire);
    frames.push(udpFrame(wire, toServer, opts.v6));
  };
  const q1 = query(0x1001, 'www.example.com', 1);
  add(q1, true);
  const all = sampleResponse();
  add({ ...all, id: 0x1001 }, false);
  const q2 = query(0x1002, 'big.example.com', 1, false);
  add(q2, true);
  const bigAnswers = Array.from({ length: 60 }, (_, i) => rr('big.example.com', { type: 'A', address: `10.0.0.${i}` }));
  add(respond(q2, { answers: bigAnswers }), false, { maxSize: 512 });
  const q3 = query(0x1003, 'nope.example.com', 28);
  add(q3, true);
  add(respond(q3, { flags: dnsFlags({ qr: true, rd: true, ra: true, rcode: 3 }), authorities: [rr('example.com', { type: 'SOA', mname: 'ns1.example.com', rname: 'hostmaster.example.com', serial: 1, refresh: 7200, retry: 3600, expire: 1209600, minimum: 300 })] }), false);
  const q4 = query(0x1004, 'v6.example.com', 28);
  add(q4, true, { v6: true });
  add(respond(q4, { answers: [rr('v6.example.com', { type: 'AAAA', address: '2001:db8::1' })] }), false, { v6: true });
  return { msgs, frames, wires };
}

function withCapture<T>(frames: Uint8Array[], fn: (file: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'stackscope-dns-'));
  const file = join(dir, 'dns.pcap');
  writeFileSync(file, pcapFile(frames));
  try {
    return fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(!HAVE)('tshark reads our DNS messages', () => {
  it('RFC 1035 §4.1: zero malformed frames, no expert warnings, every frame dissected as DNS', () => {
    const { frames } = corpus();
    // Wireshark reads TXT strings as C strings and warns about the octets after a NUL; RFC 1035
    // §3.3 allows any octets in a character-string, and the sample TXT has one on purpose.
    const report = withCapture(frames, (f) => analyzeCapture(f, { allowedExperts: [/^Trailing stray characters$/] }));
    expect(report.packets).toBe(frames.length);
    expect(report.malformed).toBe(0);
    expect(report.badChecksums).toBe(0);
    expect(report.expertErrors).toEqual([]);
    expect(report.protocols.get('dns')).toBe(frames.length);
  });

  it('RFC 1035 §4.1: dns.qry.name, dns.flags, counts, dns.a / dns.aaaa and TC match what we encoded', () => {
    const { msgs, frames, wires } = corpus();
    const fields = ['dns.id', 'dns.flags', 'dns.flags.truncated', 'dns.qry.name', 'dns.count.answers', 'dns.a', 'dns.aaaa', 'dns.rr.udp_payload_size', 'dns.soa.mname'];
    const rows = withCapture(frames, (f) => tsharkFieldValues(f, fields));
    rows.forEach((row, i) => {
      const m = msgs[i]!;
      const w = wires[i]!;
      const flagWord = (w[2]! << 8) | w[3]!;
      const [id, flags, tc, qname, ancount, a, aaaa, udp] = row;
      expect(id, `frame ${i + 1}`).toEqual([`0x${m.id.toString(16).padStart(4, '0')}`]);
      expect(flags).toEqual([`0x${flagWord.toString(16).padStart(4, '0')}`]);
      expect(tc).toEqual([(flagWord & 0x200) !== 0 ? 'True' : 'False'].map((v) => (/^[01]$/.test(tc![0] ?? '') ? (v === 'True' ? '1' : '0') : v)));
      expect(qname).toEqual(m.questions.map((q) => q.name));
      expect(ancount).toEqual([String((w[6]! << 8) | w[7]!)]);
      const sent = parseDnsMessage(w);
      if (!sent.ok) throw new Error(sent.error.message);
      const all = [...sent.value.answers, ...sent.value.authorities, ...sent.value.additionals];
      expect(a).toEqual(all.flatMap((r) => (r.data.type === 'A' ? [r.data.address] : [])));
      expect(aaaa).toEqual(all.flatMap((r) => (r.data.type === 'AAAA' ? [r.data.address] : [])));
      expect(udp).toEqual(m.edns ? [String(m.edns.udpPayloadSize)] : []);
    });
    // The 60-answer response was cut to 512 octets: TC set, no partial RRset.
    expect(rows[3]![2]).not.toEqual(rows[2]![2]);
    expect(rows[3]![4]).toEqual(['0']);
  });

  it('RFC 1035 §3.3 et al.: tshark agrees on RDATA fields of every record type', () => {
    const { frames } = corpus();
    const fields = ['dns.cname', 'dns.ns', 'dns.mx.mail_exchange', 'dns.ptr.domain_name', 'dns.srv.target', 'dns.caa.value', 'dns.svcb.svcparam.alpn', 'dns.svcb.svcparam.port', 'dns.svcb.svcparam.ipv4hint.ip', 'dns.ds.digest', 'dns.rrsig.signers_name', 'dns.nsec.next_domain_name', 'dns.nsec3.iterations', 'dns.txt', 'dns.opt.cookie.client', 'dns.opt.client.addr4'];
    const rows = withCapture(frames, (f) => tsharkFieldValues(f, fields));
    const [cname, ns, mx, ptr, srv, caa, alpn, port, v4hint, ds, signer, nsec, n3it, txt] = rows[1]!;
    expect(cname).toEqual(['web.example.com']);
    expect(ns).toEqual(['ns1.example.com', 'ns2.example.com']);
    expect(mx).toEqual(['mail.example.com']);
    expect(ptr).toEqual(['host.example.com']);
    expect(srv).toEqual(['sip.example.com']);
    expect(caa).toEqual(['letsencrypt.org']);
    expect(alpn).toEqual(['h2', 'h3']);
    expect(port).toEqual(['8443']);
    expect(v4hint).toEqual(['192.0.2.1']);
    expect(ds).toEqual(['ab'.repeat(32)]);
    expect(signer).toEqual(['example.com']);
    expect(nsec).toEqual(['next.example.com']);
    expect(n3it).toEqual(['10']);
    expect(txt?.[0]).toBe('v=spf1 -all');
    const [, , , , , , , , , , , , , , cookie, ecs] = rows[0]!;
    expect(cookie).toEqual(['0102030405060708']);
    expect(ecs).toEqual(['198.51.100.0']);
  });

  it('RFC 1035 §4.2.2: two length-prefixed messages in one TCP segment both dissect', () => {
    const q = query(0x2001, 'tcp.example.com', 1, false);
    const r = respond(q, { answers: [rr('tcp.example.com', { type: 'A', address: '192.0.2.77' })] });
    const payload = Uint8Array.from([...frameTcpDns(emitDnsMessage(q)), ...frameTcpDns(emitDnsMessage(r))]);
    const repr = { srcPort: 53, dstPort: 40000, seq: 1000, ack: 2000, flags: TCP_FLAG.ACK | TCP_FLAG.PSH, window: 65535, urgent: 0, options: [] };
    const frame = ethIpv4({ src: SERVER, dst: CLIENT, protocol: 6 }, buildTcp(repr, payload, { v: 4, src: SERVER, dst: CLIENT }));
    const report = withCapture([frame], (f) => analyzeCapture(f, { allowedExperts: [/segment|ACK/i] }));
    expect(report.malformed).toBe(0);
    expect(report.expertErrors).toEqual([]);
    const rows = withCapture([frame], (f) => tsharkFieldValues(f, ['dns.qry.name', 'dns.a', 'dns.length']));
    expect(rows[0]![0]).toEqual(['tcp.example.com', 'tcp.example.com']);
    expect(rows[0]![1]).toEqual(['192.0.2.77']);
  });
});
