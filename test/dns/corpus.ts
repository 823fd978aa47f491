/**
 * Sample records of every RData type the codec knows, for the DNS codec tests.
 */
import type { DnsMessage, DnsRecord, RData } from '../../src/engine/wire/dns/types.ts';
import { RR_TYPE } from '../../src/engine/wire/dns/types.ts';
import { dnsFlags } from '../../src/engine/wire/dns/message.ts';
import { rdataType } from '../../src/engine/wire/dns/rdata.ts';

const b = (...v: number[]): Uint8Array => Uint8Array.from(v);
const txt = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

export const SAMPLE_RDATA: RData[] = [
  { type: 'A', address: '192.0.2.1' },
  { type: 'AAAA', address: '2001:db8::1' },
  { type: 'NS', target: 'ns1.example.com' },
  { type: 'CNAME', target: 'web.example.com' },
  { type: 'PTR', target: 'host.example.com' },
  { type: 'SOA', mname: 'ns1.example.com', rname: 'hostmaster.example.com', serial: 2024010101, refresh: 7200, retry: 3600, expire: 1209600, minimum: 300 },
  { type: 'MX', preference: 10, exchange: 'mail.example.com' },
  { type: 'TXT', strings: [txt('v=spf1 -all'), txt('second "quoted" \\'), b(0, 255)] },
  { type: 'SRV', priority: 0, weight: 5, port: 5060, target: 'sip.example.com' },
  { type: 'CAA', flags: 0, tag: 'issue', value: txt('letsencrypt.org') },
  { type: 'HTTPS', priority: 1, target: '.', params: [{ key: 1, value: b(2, 0x68, 0x32, 2, 0x68, 0x33) }, { key: 3, value: b(0x20, 0xfb) }, { key: 4, value: b(192, 0, 2, 1) }] },
  { type: 'SVCB', priority: 0, target: 'svc.example.net', params: [] },
  { type: 'DS', keyTag: 12345, algorithm: 13, digestType: 2, digest: new Uint8Array(32).fill(0xab) },
  { type: 'DNSKEY', flags: 257, protocol: 3, algorithm: 13, publicKey: new Uint8Array(64).fill(7) },
  { type: 'RRSIG', typeCovered: RR_TYPE.A, algorithm: 13, labels: 3, originalTtl: 300, expiration: 1704067200, inception: 1701388800, keyTag: 12345, signerName: 'example.com', signature: new Uint8Array(64).fill(9) },
  { type: 'NSEC', nextName: 'next.example.com', types: [1, 2, 6, 46, 47, 48, 257, 1234] },
  { type: 'NSEC3', hashAlgorithm: 1, flags: 0, iterations: 10, salt: b(0xaa, 0xbb, 0xcc, 0xdd), nextHashed: new Uint8Array(20).fill(0x42), types: [1, 46] },
  { type: 'UNKNOWN', rrType: 1234, data: b(10, 0, 0, 1) },
];

export function rr(name: string, data: RData, ttl = 300): DnsRecord {
  return { name, type: rdataType(data), class: 1, ttl, data };
}

/** A response carrying one record of every sample type, plus EDNS with COOKIE. */
export function sampleResponse(): DnsMessage {
  return {
    id: 0xbeef,
    flags: dnsFlags({ qr: true, aa: true, rd: true, ra: true }),
    questions: [{ name: 'www.example.com', type: RR_TYPE.A, class: 1 }],
    answers: SAMPLE_RDATA.map((d, i) => rr(i % 2 ? 'www.example.com' : 'example.com', d)),
    authorities: [rr('example.com', { type: 'NS', target: 'ns2.example.com' })],
    additionals: [rr('ns2.example.com', { type: 'A', address: '192.0.2.53' })],
    edns: { udpPayloadSize: 1232, extendedRcode: 0, version: 0, dnssecOk: true, options: [{ code: 10, data: new Uint8Array(8).fill(1) }] },
  };
}
