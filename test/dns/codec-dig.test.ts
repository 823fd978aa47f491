/**
 * Outside judge: BIND's dig 9.18 (Debian package bind9-dnsutils) queries a tiny in-process server
 * that answers with messages from our emitter (UDP and TCP, RFC 1035 §4.2), for records read from
 * a zone file by our parser. dig must accept every reply, and the lines it prints must be exactly
 * what formatRecord / formatQuestion print (tabs included). A reply too big for dig's 512-octet
 * buffer must come back with TC set, so dig retries over TCP (RFC 7766 §5) and gets all of it.
 * Skipped when dig is not installed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { DnsTcpReassembler, dnsFlags, emitDnsMessage, formatQuestion, formatRecord, frameTcpDns, namesEqual, parseDnsMessage, typeFromName, DNS_MAX_UDP_NO_EDNS } from '../../src/engine/wire/dns/index.ts';
import type { DnsMessage, DnsRecord } from '../../src/engine/wire/dns/index.ts';
import { parseZoneFile } from '../../src/engine/stack/dns/zonefile.ts';

const HAVE_DIG = spawnSync('dig', ['-v'], { encoding: 'utf8' }).status === 0;
if (!HAVE_DIG) console.warn('dig (Debian package bind9-dnsutils) not found: skipping the dig cross-checks');
const run = promisify(execFile);

const ZONE = String.raw`$ORIGIN example.com.
$TTL 3600
@ SOA ns1 hostmaster 2024052001 7200 1800 1209600 300
  NS ns1
  NS ns2.example.net.
  MX 10 mail
  TXT "v=spf1 mx -all" "a \"quoted\" \\ string" "\001\255"
  CAA 0 issue "letsencrypt.org"
  HTTPS 1 . alpn=h2,h3 port=8443 ipv4hint=192.0.2.80 ipv6hint=2001:db8::80
  A 192.0.2.80
  AAAA 2001:db8::80
ns1 A 192.0.2.53
www 300 CNAME web
web A 192.0.2.81
_sip._udp 600 SRV 10 60 5060 sip.example.com.
a-very-long-host-name-label.sub.example.com. 86400 A 192.0.2.99
ds DS 12345 13 2 8ACBB0CD28F41250A80A491389424D341522D946B0DA0C0291F2D3D771D7805A
key DNSKEY 257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==
sig RRSIG A 13 3 300 20340101000000 20231201000000 12345 example.com. mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==
nsec NSEC next.example.com. A NS SOA RRSIG NSEC DNSKEY TYPE1234 CAA
0p9mhaveqvm6t7vbl5lop2u3t2rp3tom NSEC3 1 0 10 AABBCCDD 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR A RRSIG
unk TYPE1234 \# 4 0A000001
svc SVCB 2 svc.example.net. key667="hello\210" no-default-alpn mandatory=alpn alpn="h\\,x,h3"
hinfo HINFO "PC-Intel-700mhz" "NetBSD 1.4"
dn DNAME target.example.net.
_443._tcp.www TLSA 3 1 1 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF
_http._tcp URI 10 1 "http://www.example.com/path"
`;

let records: DnsRecord[] = [];
for (let i = 0; i < 60; i++) records.push({ name: 'big.example.com', type: 1, class: 1, ttl: 60, data: { type: 'A', address: `10.0.0.${i}` } });

function answer(query: Uint8Array, maxSize?: number): Uint8Array {
  const q = parseDnsMessage(query);
  if (!q.ok) throw new Error(q.error.message);
  const question = q.value.questions[0]!;
  const answers = records.filter((r) => namesEqual(r.name, question.name) && (r.type === question.type || question.type === 255));
  const m: DnsMessage = { id: q.value.id, flags: dnsFlags({ qr: true, aa: true, rd: q.value.flags.rd }), questions: q.value.questions, answers, authorities: [], additionals: [] };
  return emitDnsMessage(m, maxSize ? { maxSize } : {});
}

let udp: Socket;
let tcp: Server;
let port = 0;

async function dig(...args: string[]): Promise<string[]> {
  const { stdout } = await run('dig', ['@127.0.0.1', '-p', String(port), '+nocookie', '+noedns', '+tries=1', '+time=5', ...args], { encoding: 'utf8' });
  return stdout.split('\n').filter((l) => l !== '');
}

describe.skipIf(!HAVE_DIG)('dig 9.18 reads our replies', () => {
  beforeAll(async () => {
    const z = parseZoneFile(ZONE, {});
    if (!z.ok) throw new Error(z.errors.map((e) => e.message).join('\n'));
    records = [...z.records, ...records];
    tcp = createServer((sock) => {
      const r = new DnsTcpReassembler();
      sock.on('data', (d) => {
        for (const msg of r.push(new Uint8Array(d))) sock.write(frameTcpDns(answer(msg)));
      });
    });
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    port = (tcp.address() as AddressInfo).port;
    udp = createSocket('udp4');
    udp.on('message', (msg, rinfo) => udp.send(answer(new Uint8Array(msg), DNS_MAX_UDP_NO_EDNS), rinfo.port, rinfo.address));
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(port, '127.0.0.1', resolve);
    });
  });
  afterAll(() => {
    udp?.close();
    tcp?.close();
  });

  const cases: [string, string][] = [
    ['example.com', 'SOA'], ['example.com', 'NS'], ['example.com', 'MX'], ['example.com', 'TXT'], ['example.com', 'CAA'], ['example.com', 'HTTPS'],
    ['example.com', 'A'], ['example.com', 'AAAA'], ['www.example.com', 'CNAME'], ['_sip._udp.example.com', 'SRV'], ['a-very-long-host-name-label.sub.example.com', 'A'],
    ['ds.example.com', 'DS'], ['key.example.com', 'DNSKEY'], ['sig.example.com', 'RRSIG'], ['nsec.example.com', 'NSEC'], ['0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example.com', 'NSEC3'],
    ['unk.example.com', 'TYPE1234'], ['svc.example.com', 'SVCB'],
    ['hinfo.example.com', 'HINFO'], ['dn.example.com', 'DNAME'], ['_443._tcp.www.example.com', 'TLSA'], ['_http._tcp.example.com', 'URI'],
  ];
  for (const [name, type] of cases) {
    it(`RFC 1035 §5.1 presentation: dig prints our ${type} answer for ${name} exactly as formatRecord does`, async () => {
      const lines = await dig('+noall', '+answer', '+question', name, type);
      const expected = records.filter((r) => namesEqual(r.name, name) && r.type === typeFromName(type));
      expect(expected.length).toBeGreaterThan(0);
      expect(lines).toEqual([formatQuestion({ name, type: expected[0]!.type, class: 1 }), ...expected.map(formatRecord)]);
    });
  }

  it('RFC 1035 §4.2.1 / RFC 7766 §5: a reply over 512 octets comes back truncated (TC) and dig retries over TCP for all 60 records', async () => {
    const lines = await dig('+noall', '+answer', '+comments', 'big.example.com', 'A');
    expect(lines.join('\n')).toMatch(/Truncated, retrying in TCP mode/);
    expect(lines.filter((l) => l.startsWith('big.example.com.'))).toHaveLength(60);
  });

  it('RFC 1035 §4.2.2: dig +tcp gets the same answer over a length-prefixed TCP stream', async () => {
    const lines = await dig('+tcp', '+noall', '+answer', 'example.com', 'MX');
    expect(lines).toEqual(['example.com.\t\t3600\tIN\tMX\t10 mail.example.com.']);
  });
});
