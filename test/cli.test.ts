/**
 * The headless CLI as a new user meets it: `npx stackscope …` prints real tools' formats and
 * turns bad input into one clear line and a non-zero exit, never a stack trace.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'stackscope-cli-'));

function cli(...args: string[]): { out: string; err: string; status: number } {
  const r = spawnSync(process.execPath, ['bin/stackscope.mjs', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { out: r.stdout, err: r.stderr, status: r.status ?? -1 };
}

function expectOneLineError(r: { out: string; err: string; status: number }, pattern: RegExp): void {
  expect(r.status).not.toBe(0);
  expect(r.err).toMatch(pattern);
  expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
}

describe('stackscope CLI', () => {
  it('npx stackscope scenarios lists one built-in scenario per line, name first', () => {
    const r = spawnSync('npx', ['--no-install', 'stackscope', 'scenarios'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    const names = r.stdout.trim().split('\n').map((l) => l.split(/\s+/)[0]);
    expect(names).toEqual(['lan', 'routed', 'dual-stack', 'pmtud', 'pmtud-blackhole', 'tcp-bulk', 'lossy-lfn', 'bufferbloat', 'bufferbloat-fq-codel', 'nagle', 'churn', 'tcp-fastopen', 'dns']);
  });

  it('exec traceroute -n prints one line per hop in Linux traceroute format', () => {
    const r = cli('exec', 'routed', '--', 'traceroute', '-n', '203.0.113.10');
    expect(r.status).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toBe('traceroute to 203.0.113.10 (203.0.113.10), 30 hops max, 60 byte packets');
    expect(lines).toHaveLength(7);
    lines.slice(1).forEach((l, i) => expect(l).toMatch(new RegExp(`^ ${i + 1}  \\d+\\.\\d+\\.\\d+\\.\\d+(  \\d+\\.\\d{3} ms){3}$`)));
  });

  it('exec ping -c 3 prints iputils lines including both statistics lines', () => {
    const r = cli('exec', 'routed', '--', 'ping', '-c', '3', '203.0.113.10');
    expect(r.status).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('PING 203.0.113.10 (203.0.113.10) 56(84) bytes of data.');
    expect(lines[4]).toBe('');
    expect(lines[5]).toBe('--- 203.0.113.10 ping statistics ---');
    expect(lines[6]).toBe('3 packets transmitted, 3 received, 0% packet loss, time 2000ms');
    expect(lines[7]).toMatch(/^rtt min\/avg\/max\/mdev = \d+\.\d{3}\/\d+\.\d{3}\/\d+\.\d{3}\/\d+\.\d{3} ms$/);
  });

  it('exec ping -6 works on the dual-stack path', () => {
    const r = cli('exec', 'dual-stack', '--', 'ping', '-6', '-c', '2', '2001:db8:2::20');
    expect(r.status).toBe(0);
    expect(r.out).toContain('2 packets transmitted, 2 received, 0% packet loss');
  });

  it('exec tcpdump --actions sees the scenario traffic; -c stops it, --for interrupts it', () => {
    const r = cli('exec', 'lan', '--host', 'bob', '--actions', '--at', '0s', '--', 'tcpdump', '-n', '-c', '2', 'icmp');
    expect(r.status).toBe(0);
    expect(r.out.split('\n')).toEqual([
      'tcpdump: verbose output suppressed, use -v[v]... for full protocol decode',
      'listening on eth0, link-type EN10MB (Ethernet), snapshot length 262144 bytes',
      expect.stringMatching(/^00:00:01\.\d{6} IP 192\.168\.10\.11 > 192\.168\.10\.12: ICMP echo request, id \d+, seq 1, length 64$/),
      expect.stringMatching(/^00:00:01\.\d{6} IP 192\.168\.10\.12 > 192\.168\.10\.11: ICMP echo reply, id \d+, seq 1, length 64$/),
      '2 packets captured',
      '2 packets received by filter',
      '0 packets dropped by kernel',
      '',
    ]);
    const f = cli('exec', 'dual-stack', '--actions', '--at', '0s', '--for', '1s', '--', 'tcpdump', '-n', '-t');
    expect(f.out).toContain('IP6 fe80::ff:fe02:100 > ff02::1: ICMP6, router advertisement, length 64');
    expect(f.out.trimEnd().split('\n').slice(-4)[0]).toBe('^C');
  });

  it('exec ip and arp print iproute2 / net-tools listings', () => {
    const r = cli('exec', 'dual-stack', '--host', 'r1', '--', 'ip', '-br', 'addr');
    expect(r.status).toBe(0);
    expect(r.out.split('\n').slice(0, 3)).toEqual([
      'lo               UNKNOWN        127.0.0.1/8 ::1/128 ',
      'eth0             UP             10.1.0.1/24 2001:db8:1::1/64 fe80::ff:fe02:100/64 ',
      'eth1             UP             10.12.0.1/30 2001:db8:12::1/64 fe80::ff:fe02:200/64 ',
    ]);
    expect(cli('exec', 'routed', '--', 'ip', 'route').out.split('\n')[0]).toMatch(/^default via \S+ dev eth0 $/);
    const a = cli('exec', 'lan', '--actions', '--', 'arp', '-n');
    expect(a.out.split('\n')[0]).toBe('Address                  HWtype  HWaddress           Flags Mask            Iface');
  });

  it('run writes pcap, pcapng and a JSON-lines trace', () => {
    const pcap = join(dir, 'r.pcap');
    const pcapng = join(dir, 'r.pcapng');
    const trace = join(dir, 'r.jsonl');
    const r = cli('run', 'routed', '--seed', '3', '--until', '10s', '--pcap', pcap, '--pcapng', pcapng, '--trace', trace);
    expect(r.status).toBe(0);
    expect(r.out).toContain('traceroute to 203.0.113.10');
    expect(readFileSync(pcap).readUInt32LE(0)).toBe(0xa1b23c4d);
    expect(readFileSync(pcapng).readUInt32LE(0)).toBe(0x0a0d0d0a);
    const first = JSON.parse(readFileSync(trace, 'utf8').split('\n')[0]!);
    expect(first).toHaveProperty('t_ns');
    expect(first).toHaveProperty('event');
  });

  it('unknown scenario: one line, exit 2', () => {
    expectOneLineError(cli('run', 'nosuch'), /^stackscope: unknown scenario "nosuch"/);
  });

  it('a scenario file with a wrong field names the field’s path', () => {
    const f = join(dir, 'bad.json');
    writeFileSync(f, JSON.stringify({ name: 'bad', nodes: [{ name: 'h1', kind: 'host', interfaces: [{ name: 'eth0', ipv4: ['10.0.0.300/24'] }] }] }));
    expectOneLineError(cli('run', f), /nodes\[0\]\.interfaces\[0\]\.ipv4\[0\]: expected an IPv4 address/);
    const g = join(dir, 'bad2.json');
    writeFileSync(g, JSON.stringify({ name: 'bad', nodes: [{ name: 'h1', kind: 'host' }], links: [{ a: 'h1:eth0', b: 'h1:eth1', bandwith: '1Gbit' }] }));
    expectOneLineError(cli('run', g), /links\[0\]\.bandwith: unknown field "bandwith"/);
    const h = join(dir, 'bad3.json');
    writeFileSync(h, '{ not json');
    expectOneLineError(cli('run', h), /is not valid JSON/);
  });

  it('exec: unknown command and bad flags print what the real tools print', () => {
    const a = cli('exec', 'routed', '--', 'frobnicate');
    expect(a.out.trim()).toBe('frobnicate: command not found');
    expect(a.status).toBe(127);
    const b = cli('exec', 'routed', '--', 'ping', '-z', '1.2.3.4');
    expect(b.out.split('\n')[0]).toBe("ping: invalid option -- 'z'");
    expect(b.status).toBe(2);
    const c = cli('exec', 'routed', '--', 'traceroute', '-Y', 'x');
    expect(c.out.trim()).toBe("Bad option `-Y' (argc 1)");
    expect(c.status).toBe(2);
  });

  it('bad CLI options and unknown hosts: one line, non-zero exit', () => {
    expectOneLineError(cli('run', 'routed', '--frob'), /^stackscope: unknown option --frob/);
    expectOneLineError(cli('exec', 'routed', '--host', 'nobody', '--', 'ping', 'x'), /^stackscope: no host named "nobody"/);
    expectOneLineError(cli('run', 'routed', '--seed', 'abc'), /^stackscope: --seed must be an integer/);
    expectOneLineError(cli('frob'), /^stackscope: unknown command "frob"/);
  });

  it('bench prints events per wall second and the seek figure', () => {
    const r = cli('bench');
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/[\d,]+ events\/s/);
    expect(r.out).toMatch(/per seek: median [\d.]+ ms, p95 [\d.]+ ms, max [\d.]+ ms/);
  });
});
