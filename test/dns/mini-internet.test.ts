/**
 * The built-in `dns` scenario (a mini internet) end to end: the TTL-staleness pitfall, lab
 * commands (zone-set, rndc), getaddrinfo through the stub for ping, the resolver's robustness,
 * tshark's view of every example command (ORACLES.md §1), and the CLI's dig +trace.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_SCENARIOS, Capture, Session, captureInterfaces } from '../../src/engine/index.ts';
import type { ScenarioInput } from '../../src/engine/index.ts';
import { hostDns } from '../../src/engine/stack/dns/host-dns.ts';
import { RandomStream } from '../../src/engine/sim/rng.ts';
import { parseDnsMessage } from '../../src/engine/wire/dns/message.ts';
import { RCODE } from '../../src/engine/wire/dns/types.ts';
import { analyzeCapture, tsharkAvailable, tsharkFields } from '../oracle/tshark.ts';

const DNS = BUILTIN_SCENARIOS.find((s) => s.name === 'dns')!;
const dir = mkdtempSync(join(tmpdir(), 'stackscope-dns-'));

function exec(s: Session, host: string, line: string): { lines: string[]; status: number } {
  const lines: string[] = [];
  const status = s.exec(host, line, (l) => lines.push(l), 120e9);
  return { lines, status };
}

const answerOf = (lines: string[]): string[] => lines.filter((l) => /\tIN\t(A|CNAME)\t/.test(l));

describe('the TTL-staleness pitfall', () => {
  it('scripted run: the resolver serves the old address until the 60 s TTL runs out', () => {
    const s = new Session(DNS);
    s.runUntil();
    const out = (i: number): string[] => s.actions[i]!.output;
    expect(answerOf(out(0))).toEqual(['www.example.com.\t300\tIN\tCNAME\texample.com.cdn.example.net.', 'example.com.cdn.example.net. 60\tIN\tA\t198.51.100.81']);
    expect(out(1)).toEqual(['example.com.cdn.example.net. 60\tIN\tA\t198.51.100.82', '; zone cdn.example.net. serial 2']);
    // t=20 s: changed at the server 15 s ago, still the cached old answer (TTL 40 left).
    expect(out(2)).toEqual(['www.example.com.\t280\tIN\tCNAME\texample.com.cdn.example.net.', 'example.com.cdn.example.net. 40\tIN\tA\t198.51.100.81']);
    // t=70 s: the A record expired and was fetched again; the CNAME is still cached.
    expect(out(3)).toEqual(['www.example.com.\t230\tIN\tCNAME\texample.com.cdn.example.net.', 'example.com.cdn.example.net. 60\tIN\tA\t198.51.100.82']);
  });

  it('lowering the TTL ahead of the change makes the switch quick', () => {
    const sc: ScenarioInput = {
      ...DNS,
      stopTime: '100s',
      actions: [
        { at: '0s', host: 'laptop', command: 'dig +short www.example.com' },
        { at: '1s', host: 'ns-cdn', command: 'zone-set cdn.example.net "example.com 5 IN A 198.51.100.81"' },
        // Wait out the old 60 s TTL once; from then on the resolver caches for 5 s only.
        { at: '62s', host: 'laptop', command: 'dig +short www.example.com' },
        { at: '70s', host: 'ns-cdn', command: 'zone-set cdn.example.net "example.com 5 IN A 198.51.100.82"' },
        { at: '76s', host: 'laptop', command: 'dig +short www.example.com' },
      ],
    };
    const s = new Session(sc);
    s.runUntil();
    expect(s.actions[0]!.output).toEqual(['example.com.cdn.example.net.', '198.51.100.81']);
    expect(s.actions[2]!.output).toEqual(['example.com.cdn.example.net.', '198.51.100.81']);
    expect(s.actions[4]!.output).toEqual(['example.com.cdn.example.net.', '198.51.100.82']);
  });

  it('rndc flushname makes the resolver forget at once', () => {
    const s = new Session(DNS, { skipActions: true });
    exec(s, 'laptop', 'dig +short www.example.com');
    exec(s, 'ns-cdn', 'zone-set cdn.example.net "example.com 60 IN A 198.51.100.82"');
    expect(exec(s, 'laptop', 'dig +short www.example.com').lines).toEqual(['example.com.cdn.example.net.', '198.51.100.81']);
    expect(exec(s, 'resolver1', 'rndc flushname example.com.cdn.example.net').status).toBe(0);
    expect(exec(s, 'laptop', 'dig +short www.example.com').lines).toEqual(['example.com.cdn.example.net.', '198.51.100.82']);
  });
});

describe('lab commands and getaddrinfo', () => {
  it('zone-set errors are clear; zone-show prints the zone; rndc needs a resolver', () => {
    const s = new Session(DNS, { skipActions: true });
    expect(exec(s, 'ns-cdn', 'zone-set example.org "www A 1.2.3.4"').lines[0]).toMatch(/not authoritative for example.org/);
    expect(exec(s, 'laptop', 'zone-set x "y A 1.2.3.4"').lines[0]).toMatch(/runs no authoritative DNS server/);
    expect(exec(s, 'ns-cdn', 'zone-set cdn.example.net "www IN A 999.1.1.1"').status).toBe(1);
    expect(exec(s, 'ns-eng', 'zone-show eng.example.com').lines).toContain('wiki.eng.example.com.\t3600\tIN\tA\t198.51.100.81');
    expect(exec(s, 'laptop', 'rndc flush').lines).toEqual(['rndc: connect failed: 127.0.0.1#953: connection refused']);
  });

  it('ping resolves through the stub: canonical name in the header, PTR name on replies', () => {
    const s = new Session(DNS, { skipActions: true });
    const r = exec(s, 'laptop', 'ping -c 1 www.example.com');
    expect(r.status).toBe(0);
    expect(r.lines[0]).toBe('PING example.com.cdn.example.net (198.51.100.81) 56(84) bytes of data.');
    expect(r.lines[1]).toMatch(/^64 bytes from example\.com \(198\.51\.100\.81\): icmp_seq=1 ttl=61 time=/);
    expect(exec(s, 'laptop', 'ping -c 1 nosuch.example.com').lines).toEqual(['ping: nosuch.example.com: Name or service not known']);
    // Names in the hosts table still answer at once, without DNS.
    expect(exec(s, 'laptop', 'ping -c 1 web').lines[0]).toBe('PING web (198.51.100.81) 56(84) bytes of data.');
  });

  it('host and nslookup through the resolver', () => {
    const s = new Session(DNS, { skipActions: true });
    expect(exec(s, 'laptop', 'host www.example.com').lines).toEqual([
      'www.example.com is an alias for example.com.cdn.example.net.',
      'example.com.cdn.example.net has address 198.51.100.81',
      'example.com.cdn.example.net has IPv6 address 2001:db8:100::81',
    ]);
    expect(exec(s, 'phone', 'nslookup example.org').lines).toEqual(['Server:\t\t203.0.113.99', 'Address:\t203.0.113.99#53', '', 'Non-authoritative answer:', 'Name:\texample.org', 'Address: 198.51.100.82', '']);
  });

  it('dig through a name server given by name (@ns1.example.com) resolves it first', () => {
    const s = new Session(DNS, { skipActions: true });
    const r = exec(s, 'laptop', 'dig @ns1.example.com +norec +noall +answer example.com MX');
    expect(r.lines).toEqual(['example.com.\t\t3600\tIN\tMX\t10 mail.example.com.']);
  });
});

describe('the recursive resolver never crashes on bad input', () => {
  it('malformed queries get FORMERR or are ignored', () => {
    const s = new Session(DNS, { skipActions: true });
    const rec = hostDns(s.host('resolver1')).recursive!;
    const rng = new RandomStream(11, 'resolver-fuzz');
    let formerr = 0;
    for (let i = 0; i < 1000; i++) {
      const b = new Uint8Array(rng.int(0, 60)).map(() => rng.int(0, 255));
      if (b.length > 2) b[2] = b[2]! & 0x7f;
      rec.handle(b, '203.0.113.130', 'udp', (out) => {
        const p = parseDnsMessage(out);
        expect(p.ok).toBe(true);
        if (p.ok && p.value.flags.rcode === RCODE.FORMERR) formerr++;
      });
    }
    s.runUntil(s.world.now + 30e9);
    expect(formerr).toBeGreaterThan(100);
  });
});

describe.skipIf(!tsharkAvailable())('tshark on the mini internet (every example command)', () => {
  it('no malformed packets; queries, answers, TC and DNS over TCP as the engine says', () => {
    const rows: string[][] = [];
    for (const [i, ex] of DNS.examples!.entries()) {
      const s = new Session(DNS, { skipActions: true });
      const cap = new Capture(s.world, captureInterfaces(s.world, s.scenario.capture));
      s.exec(ex.host, ex.command, () => {}, 120e9);
      cap.stop();
      const file = join(dir, `dns-ex${i}.pcapng`);
      writeFileSync(file, cap.pcapng.toBytes());
      const r = analyzeCapture(file, { allowedExperts: s.scenario.expectedExperts.map((e) => new RegExp(e)) });
      expect(r.malformed, ex.command).toBe(0);
      expect(r.badChecksums, ex.command).toBe(0);
      expect(r.expertErrors, ex.command).toEqual([]);
      rows.push(...tsharkFields(file, ['dns.qry.name', 'dns.flags.response', 'dns.flags.rcode', 'dns.flags.truncated', 'dns.a', 'tcp.port', 'dns.cname'], { filter: 'dns' }).map((r) => [ex.command, ...r]));
    }
    const has = (pred: (r: string[]) => boolean): boolean => rows.some(pred);
    // dig www.example.com: the final answer reaches the laptop with the CNAME and the address.
    expect(has((r) => r[0] === 'dig www.example.com' && r[1] === 'www.example.com' && r[2] === '1' && r[5] === '198.51.100.81' && r[7] === 'example.com.cdn.example.net')).toBe(true);
    // NXDOMAIN is RCODE 3.
    expect(has((r) => r[0] === 'dig nosuch.example.com' && r[2] === '1' && r[3] === '3')).toBe(true);
    // +noedns big TXT: a truncated UDP answer, then the same question over TCP port 53.
    expect(has((r) => r[0] === 'dig +noedns big.example.com TXT' && r[4] === '1' && r[6] === '')).toBe(true);
    expect(has((r) => r[0] === 'dig +noedns big.example.com TXT' && r[2] === '1' && r[4] === '0' && r[6]!.includes('53'))).toBe(true);
    // +trace asks the root directly (no resolver in between) for the full name.
    expect(has((r) => r[0] === 'dig +trace www.example.com' && r[1] === 'www.example.com' && r[2] === '0')).toBe(true);
    // A reverse lookup is a PTR question under in-addr.arpa.
    expect(has((r) => r[0] === 'dig -x 198.51.100.81' && r[1] === '81.100.51.198.in-addr.arpa')).toBe(true);
  });
});

describe('the CLI', () => {
  it('npx stackscope exec dns --host laptop -- dig +trace www.example.com walks from the root to the answer', () => {
    const r = spawnSync(process.execPath, ['bin/stackscope.mjs', 'exec', 'dns', '--host', 'laptop', '--', 'dig', '+trace', 'www.example.com'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 3)).toEqual(['', '; <<>> DiG 9.18.49-1~deb12u3-Debian <<>> +trace www.example.com', ';; global options: +cmd']);
    const received = lines.filter((l) => l.startsWith(';; Received'));
    expect(received.map((l) => l.replace(/ in \d+ ms$/, '').replace(/^;; Received \d+ bytes from /, ''))).toEqual([
      '203.0.113.53#53(203.0.113.53)',
      expect.stringMatching(/^192\.0\.2\.(1|17)#53\((a|b)\.root-servers\.net\)$/),
      expect.stringMatching(/^192\.0\.2\.(33|49)#53\((a|b)\.gtld-servers\.net\)$/),
      expect.stringMatching(/^198\.51\.100\.(1|17)#53\((ns1\.example\.com|ns\.example\.net)\)$/),
    ]);
    expect(lines).toContain('.\t\t\t86400\tIN\tNS\ta.root-servers.net.');
    expect(lines).toContain('com.\t\t\t172800\tIN\tNS\ta.gtld-servers.net.');
    expect(lines).toContain('example.com.\t\t172800\tIN\tNS\tns1.example.com.');
    expect(lines).toContain('www.example.com.\t300\tIN\tCNAME\texample.com.cdn.example.net.');
  });
});
