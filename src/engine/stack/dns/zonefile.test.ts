/**
 * Zone files (RFC 1035 §5.1). Outside judge: BIND's named-compilezone (bind9-utils) — for the
 * same zone text it must produce the same records (owner, TTL, class, type, RDATA in BIND's
 * presentation form), and for malformed zones it must also reject the zone at the same line.
 * The BIND comparisons are skipped (with a message) when named-compilezone is not installed.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseZoneFile } from './zonefile.ts';
import { formatRecord } from '../../wire/dns/format.ts';
import type { DnsRecord } from '../../wire/dns/types.ts';

const HAVE_BIND = spawnSync('named-compilezone', ['-v'], { encoding: 'utf8' }).status === 0;
if (!HAVE_BIND) console.warn('named-compilezone (Debian package bind9-utils) not found: skipping the BIND zone-file cross-checks');

/** A realistic zone: SOA, NS with glue, MX, SPF TXT, CAA, HTTPS, a CNAME chain, a delegated subzone with glue. */
const REALISTIC_ZONE = `; example.com — lab zone
$ORIGIN example.com.
$TTL 1h
@       IN  SOA ns1 hostmaster (
            2024052001 ; serial
            2h         ; refresh
            30m        ; retry
            2w         ; expire
            5m )       ; negative-caching TTL (RFC 2308)
        IN  NS   ns1
        IN  NS   ns2.example.net.
        IN  MX   10 mail
        IN  MX   20 mail2.example.net.
        IN  TXT  "v=spf1 mx ip4:192.0.2.0/24 -all"
        IN  CAA  0 issue "letsencrypt.org"
        IN  CAA  0 iodef "mailto:security@example.com"
        IN  HTTPS 1 . alpn=h2,h3 ipv4hint=192.0.2.80
        IN  A    192.0.2.80
        IN  AAAA 2001:db8::80
ns1     IN  A    192.0.2.53
        IN  AAAA 2001:db8::53
mail    300 IN A 192.0.2.25
www     IN  CNAME web
web     IN  CNAME edge.cdn
edge.cdn IN A 192.0.2.81
_sip._udp 600 IN SRV 10 60 5060 sip
sip     IN  A    192.0.2.60
txt2    IN  TXT  ( "part one; with a semicolon"
                   "part \\"two\\"" )
; delegation of lab.example.com with glue
lab     IN  NS   ns1.lab
lab     IN  NS   ns2.lab
ns1.lab IN  A    192.0.2.101
ns2.lab IN  A    192.0.2.102
*.wild  IN  A    192.0.2.200
`;

function withZone<T>(text: string, fn: (file: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'stackscope-zone-'));
  const file = join(dir, 'db.zone');
  writeFileSync(file, text);
  try {
    return fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** BIND's output: [canonical lines] (or the raw output for rejected zones) and its exit status. */
function bind(text: string, origin: string): { ok: boolean; lines: string[]; output: string } {
  return withZone(text, (file) => {
    const r = spawnSync('named-compilezone', ['-i', 'none', '-o', '-', origin, file], { encoding: 'utf8' });
    const output = `${r.stdout}\n${r.stderr}`;
    const lines = r.stdout.split('\n').filter((l) => l !== '' && !l.startsWith('zone ') && l !== 'OK' && !l.startsWith(';'));
    return { ok: r.status === 0, lines: lines.map(normalize).sort(), output };
  });
}

/** "owner ttl class type rdata..." with single spaces, the form both printers share. */
function normalize(line: string): string {
  return line.trim().split(/\s+/).join(' ');
}

function ours(text: string, origin: string): DnsRecord[] {
  const r = parseZoneFile(text, { origin });
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.records;
}

function errorsOf(text: string, origin = 'example.com'): { line: number; message: string }[] {
  const r = parseZoneFile(text, { origin });
  if (r.ok) throw new Error('zone unexpectedly parsed');
  return r.errors;
}

describe('parseZoneFile', () => {
  it('RFC 1035 §5.1: a realistic zone parses (SOA, NS + glue, MX, SPF, CAA, HTTPS, CNAME chain, delegation)', () => {
    const r = parseZoneFile(REALISTIC_ZONE, {});
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.origin).toBe('example.com');
    const lines = r.records.map(formatRecord);
    expect(lines).toContain('example.com.\t\t3600\tIN\tSOA\tns1.example.com. hostmaster.example.com. 2024052001 7200 1800 1209600 300');
    expect(lines).toContain('example.com.\t\t3600\tIN\tHTTPS\t1 . alpn="h2,h3" ipv4hint=192.0.2.80');
    expect(lines).toContain('mail.example.com.\t300\tIN\tA\t192.0.2.25');
    expect(lines).toContain('txt2.example.com.\t3600\tIN\tTXT\t"part one; with a semicolon" "part \\"two\\""');
    expect(lines).toContain('_sip._udp.example.com.\t600\tIN\tSRV\t10 60 5060 sip.example.com.');
    expect(lines).toContain('lab.example.com.\t3600\tIN\tNS\tns1.lab.example.com.');
    expect(lines).toContain('*.wild.example.com.\t3600\tIN\tA\t192.0.2.200');
    expect(r.records).toHaveLength(25);
  });

  it.skipIf(!HAVE_BIND)('RFC 1035 §5.1: the realistic zone gives exactly the records named-compilezone gives', () => {
    const b = bind(REALISTIC_ZONE, 'example.com');
    expect(b.ok, b.output).toBe(true);
    expect(ours(REALISTIC_ZONE, 'example.com').map(formatRecord).map(normalize).sort()).toEqual(b.lines);
  });

  it.skipIf(!HAVE_BIND)('RFC 1035 §5.1 / RFC 3597 / RFC 4034 / RFC 9460 / RFC 6672 / RFC 6698 / RFC 7553: every record type, escapes and TTL forms match named-compilezone', () => {
    const zone = String.raw`$TTL 1h
$ORIGIN example.com.
@ IN SOA ns1 hostmaster ( 2024010101 2h 1h 2w 5m )
  IN NS ns1
  IN TXT "v=spf1 mx -all" "second \"q\" \\ \009 x" unquoted
  IN CAA 128 tbs "Unknown"
  IN HTTPS 1 . alpn=h2,h3 ipv4hint=192.0.2.1,192.0.2.2 ech=AEX+DQBB port=8443 ipv6hint=2001:db8::1 mandatory=alpn,ipv4hint
svc IN SVCB 0 svc.example.net.
svc2 IN SVCB 2 . key667="hello\210" no-default-alpn alpn="h\\,x,h3"
svc3 IN SVCB 3 svc.example.net. alpn="h2" port="443"
ns1 IN A 192.0.2.53
ns1 IN AAAA 2001:DB8:0:0:0:0:0:53
ttl1 1h30m IN A 192.0.2.1
ttl2 IN 1D A 192.0.2.2
ttl3 1W2d3h4m5s A 192.0.2.3
_sip._tcp IN SRV 0 5 5060 sip
ds IN DS 60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118
ds IN DS 12345 ECDSAP256SHA256 2 ( 8ACBB0CD28F41250A80A491389424D341522D946
                                   B0DA0C0291F2D3D771D7805A )
key IN DNSKEY 257 3 13 ( mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+
                         KkxLbxILfDLUT0rAK9iUzy1L53eKGQ== )
sig IN RRSIG A 13 3 300 20340101000000 20231201000000 12345 example.com. mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==
nsec IN NSEC next.example.com. A NS SOA RRSIG NSEC DNSKEY TYPE1234 CAA
0p9mhaveqvm6t7vbl5lop2u3t2rp3tom IN NSEC3 1 0 10 AABBCCDD 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR A RRSIG
0p9mhaveqvm6t7vbl5lop2u3t2rp3toa IN NSEC3 1 1 0 - 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR
unk IN TYPE1234 \# 4 0A000001
unk2 IN TYPE1235 \# 0
known IN TYPE1 \# 4 C0000205
mx2 IN MX 0 .
ptr IN PTR a\@b.example.
esc IN CNAME sp\032ace.example.org.
hinfo IN HINFO "PC-Intel-700mhz" "NetBSD 1.4"
rp IN RP admin.example.com. txt
dn IN DNAME target.example.net.
spf IN SPF "v=spf1 -all"
sshfp IN SSHFP 1 1 AABBCCDDEEFF00112233445566778899AABBCCDD
_443._tcp.www IN TLSA 3 1 1 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF
@ IN NSEC3PARAM 1 0 10 AABBCCDD
cds IN CDS 12345 13 2 8ACBB0CD28F41250A80A491389424D341522D946B0DA0C0291F2D3D771D7805A
cdnskey IN CDNSKEY 257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==
_http._tcp IN URI 10 1 "http://www.example.com/path"
`;
    const b = bind(zone, 'example.com');
    expect(b.ok, b.output).toBe(true);
    expect(ours(zone, 'example.com').map(formatRecord).map(normalize).sort()).toEqual(b.lines);
  });

  it('RFC 1035 §5.1: "@", relative names, blank owners, $ORIGIN changes and comments', () => {
    const r = ours(
      `$TTL 60
@ SOA ns hm 1 2 3 4 5 ; comment
 NS ns
ns A 192.0.2.1
$ORIGIN sub
host A 192.0.2.2 ; relative to sub.example.com.
  AAAA ::1
abs.example.com. A 192.0.2.3
`,
      'example.com',
    );
    expect(r.map((x) => `${x.name} ${x.type}`)).toEqual(['example.com 6', 'example.com 2', 'ns.example.com 1', 'host.sub.example.com 1', 'host.sub.example.com 28', 'abs.example.com 1']);
  });

  it('RFC 2308 §4 / BIND: TTL and class in either order, unit TTLs, $TTL default', () => {
    const r = ours('$TTL 2h\n@ SOA ns hm 1 2 3 4 5\n NS ns\nns IN 300 A 192.0.2.1\nb 1h30m IN A 192.0.2.2\nc IN A 192.0.2.3\nd 1w A 192.0.2.4\n', 'example.com');
    expect(r.map((x) => x.ttl)).toEqual([7200, 7200, 300, 5400, 7200, 604800]);
  });

  it('RFC 2308 §4 / BIND 9: without $TTL the SOA MINIMUM becomes the default (with a warning)', () => {
    const r = parseZoneFile('@ IN SOA ns1 hostmaster 1 2 3 4 5\n  NS ns1\nns1 A 192.0.2.3\ny IN 2d A 1.2.3.4\nz A 1.2.3.5\n', { origin: 'example.com' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.records.map((x) => x.ttl)).toEqual([5, 5, 5, 172800, 5]);
    expect(r.warnings?.[0]?.message).toMatch(/line 1: no TTL specified; using SOA MINIMUM/);
  });

  it('RFC 2181 §5.2: an RRset with mixed TTLs takes the first TTL; duplicates are merged; out-of-zone data is dropped', () => {
    const r = parseZoneFile('$TTL 1h\n@ SOA ns hm 1 2 3 4 5\n NS ns\nns A 192.0.2.1\nx 100 A 192.0.2.1\nx 200 A 192.0.2.2\nx 100 A 192.0.2.1\nfoo.other. A 192.0.2.9\n', { origin: 'example.com' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.records.filter((x) => x.name === 'x.example.com').map((x) => x.ttl)).toEqual([100, 100]);
    expect(r.records.some((x) => x.name === 'foo.other')).toBe(false);
    expect(r.warnings?.map((w) => w.line)).toEqual([6, 8]);
  });

  it('fragment mode parses a list of records without zone-level checks', () => {
    const r = parseZoneFile('www 300 IN A 192.0.2.1\nwww 300 IN AAAA 2001:db8::1\n', { origin: 'example.com', fragment: true });
    expect(r.ok && r.records.length).toBe(2);
  });
});

/** Malformed zones: [description, zone text, line we must report, message pattern]. */
const HEAD = '$TTL 1h\n$ORIGIN example.com.\n@ IN SOA ns1 hostmaster 1 2 3 4 5\n  IN NS ns1\nns1 IN A 192.0.2.1\n';
const BAD: [string, string, number, RegExp][] = [
  ['RFC 1035 §3.3.9: MX without an exchange', `${HEAD}mx IN MX 10\n`, 6, /line 6: MX needs a preference and an exchange name/],
  ['RFC 1035 §3.3.9: MX with a name where the preference goes', `${HEAD}mx IN MX mail.example.com.\n`, 6, /line 6: MX needs a preference and an exchange name/],
  ['RFC 1035 §3.4.1: A with a bad dotted quad', `${HEAD}a IN A 192.0.2.300\n`, 6, /line 6: A needs an IPv4 address/],
  ['RFC 1034 §3.6.2: CNAME and other data', `${HEAD}www CNAME ns1\nwww A 192.0.2.2\n`, 7, /line 7: .*CNAME and other data/],
  ['$INCLUDE is rejected', `${HEAD}$INCLUDE other.zone\n`, 6, /line 6: \$INCLUDE is not supported/],
  ['RFC 1035 §5.1: unbalanced quotes', `${HEAD}x TXT "abc\n`, 6, /line 6: unterminated quoted string/],
  ['RFC 1035 §5.1: unbalanced parenthesis', `$TTL 1h\n@ IN SOA ns1 hostmaster ( 1 2 3 4 5\n  NS ns1\nns1 A 192.0.2.3\n`, 2, /line 2: unbalanced "\("/],
  ['an unknown type', `${HEAD}x IN FOO 1\n`, 6, /line 6: unknown record type "FOO"/],
  ['RFC 2308 §4: no TTL anywhere', `ns0 A 192.0.2.3\n@ 300 IN SOA ns1 hostmaster 1 2 3 4 5\n  NS ns1\nns1 A 192.0.2.3\n`, 1, /line 1: no TTL specified/],
  ['RFC 1035 §2.3.4: a label longer than 63 octets', `${HEAD}${'a'.repeat(64)} A 192.0.2.1\n`, 6, /line 6: .*at most 63/],
  ['RFC 4034 §5.1: DS digest not hex', `${HEAD}ds DS 1 13 2 XYZ\n`, 6, /line 6: DS digest must be hexadecimal/],
  ['RFC 8659 §4.1: CAA with a bad tag', `${HEAD}@ CAA 0 is-sue "x"\n`, 6, /line 6: CAA tag/],
  ['RFC 9460 §8: mandatory key missing', `${HEAD}@ HTTPS 1 . mandatory=port alpn=h2\n`, 6, /line 6: HTTPS mandatory lists port/],
  ['RFC 3597 §5: \\# length mismatch', `${HEAD}u TYPE999 \\# 3 0A0000\nv TYPE999 \\# 2 0A0000\n`, 7, /line 7: .*says 2 octets/],
  ['a record too many fields', `${HEAD}a A 192.0.2.1 192.0.2.2\n`, 6, /line 6: A has 1 unexpected extra field/],
  ['no SOA', '$TTL 1h\n@ NS ns1\nns1 A 192.0.2.1\n', 0, /no SOA record/],
  ['SOA not at the apex', `${HEAD}sub SOA ns1 hostmaster 1 2 3 4 5\n`, 6, /line 6: SOA record for sub.example.com is not at the top/],
];

describe('malformed zones', () => {
  for (const [what, text, line, re] of BAD) {
    it(`${what}: reported at line ${line}`, () => {
      const errs = errorsOf(text);
      expect(errs[0]!.line).toBe(line);
      expect(errs.map((e) => e.message).join('\n')).toMatch(re);
    });
    if (line > 0) {
      it.skipIf(!HAVE_BIND)(`${what}: named-compilezone also rejects it at line ${line}`, () => {
        const b = bind(text, 'example.com');
        expect(b.ok, b.output).toBe(false);
        expect(b.output).toMatch(new RegExp(`db\\.zone:${line}: `));
      });
    }
  }

  it('reports several errors with their lines and columns, and a file name when given', () => {
    const r = parseZoneFile(`${HEAD}a A 1.2.3\nmx MX 10\n`, { origin: 'example.com', fileName: 'db.example' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.line, e.column])).toEqual([[6, 5], [7, 7]]);
    expect(r.errors[1]!.message).toBe('db.example line 7: MX needs a preference and an exchange name');
  });
});
