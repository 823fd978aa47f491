/**
 * Oracle (ORACLES.md §5): the REAL dig 9.18 (bind9-dnsutils) against our authoritative server
 * on real sockets (bridge.ts), and our `dig` against the same zones inside the simulation.
 * Outputs must be identical after normalising only what differs by nature: message ID, query
 * time, WHEN, the COOKIE hex, the dig version and (for +trace) the "Received ... in N ms" time.
 * Skipped when dig is not installed (apt-get install bind9-dnsutils).
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bridge } from './bridge.ts';
import { startBridge } from './bridge.ts';
import { ORACLE_SERVERS, oracleSession } from './oracle-zones.ts';

const PORT = 20000 + (process.pid % 20000);
const digVersion = spawnSync('dig', ['-v'], { encoding: 'utf8' });
const hasDig = digVersion.status === 0 && /9\.18/.test(digVersion.stderr + digVersion.stdout);

const HOSTS_FILE = join(mkdtempSync(join(tmpdir(), 'stackscope-dig-')), 'hosts');
/** /etc/hosts for +trace: the real dig looks NS names up with getaddrinfo, not in the glue. */
const TRACE_HOSTS: [string, string][] = [
  ['a.root-servers.net', '127.0.1.1'],
  ['a.gtld-servers.net', '127.0.2.1'],
  ['ns1.example.com', '127.0.3.1'],
  ['ns.example.net', '127.0.4.1'],
];
writeFileSync(HOSTS_FILE, ['127.0.0.1 localhost', ...TRACE_HOSTS.map(([n, a]) => `${a} ${n}`)].join('\n') + '\n');
const canUnshare = process.getuid?.() === 0 && spawnSync('unshare', ['--mount', 'true']).status === 0;
const hasScript = spawnSync('script', ['--version']).status === 0;

/**
 * Runs the real dig under a pseudo-terminal (script(1)), so stdout and stderr interleave as a
 * user sees them; +trace runs in a private mount namespace with TRACE_HOSTS as /etc/hosts.
 */
function realDig(args: string[]): Promise<string> {
  const cmd = `dig ${args.join(' ')}`;
  const inner = `script -qc '${cmd}' /dev/null`;
  const argv = args.includes('+trace') ? ['unshare', ['--mount', 'sh', '-c', `mount --bind ${HOSTS_FILE} /etc/hosts && ${inner}`]] as const : ['sh', ['-c', inner]] as const;
  return new Promise((resolve) => {
    execFile(argv[0], [...argv[1]], { encoding: 'utf8', timeout: 20_000 }, (_e, stdout) => resolve(stdout.replace(/\r\n/g, '\n')));
  });
}

function ourDig(args: string[]): string {
  const s = oracleSession(PORT);
  for (const [n, a] of TRACE_HOSTS) s.world.addHostEntry(n, a);
  const out: string[] = [];
  s.exec('client', ['dig', ...args].join(' '), (l) => out.push(l), 60e9);
  return out.map((l) => `${l}\n`).join('');
}

export function normalise(text: string): string {
  return text
    .replace(/DiG [0-9][^ ]* <<>>/g, 'DiG VERSION <<>>')
    .replace(/id: \d+/g, 'id: ID')
    .replace(/;; Query time: \d+ msec/g, ';; Query time: T msec')
    .replace(/;; WHEN: .*/g, ';; WHEN: DATE')
    .replace(/; COOKIE: [0-9a-f]+/g, '; COOKIE: HEX')
    .replace(/ in \d+ ms$/gm, ' in T ms');
}

const CASES: string[][] = [
  ['@127.0.3.1', 'www.example.com'],
  ['@127.0.3.1', 'example.com', 'MX', '+norec'],
  ['@127.0.3.1', 'example.com', 'ANY', '+norec'],
  ['@127.0.3.1', 'nosuch.example.com'],
  ['@127.0.3.1', 'example.com', 'TXT', '+noedns'],
  ['@127.0.3.1', 'big.example.com', 'TXT', '+noedns'],
  ['@127.0.3.1', 'big.example.com', 'TXT'],
  ['@127.0.3.1', 'big.example.com', 'TXT', '+bufsize=512'],
  ['@127.0.3.1', 'example.com', 'HTTPS', '+dnssec', '+qr'],
  ['@127.0.3.1', 'example.com', 'CAA', '+tcp'],
  ['@127.0.3.1', '_imaps._tcp.example.com', 'SRV', '+nocookie'],
  ['@127.0.3.1', 'ftp.example.com', '+short'],
  ['@127.0.3.1', 'multi.example.com', '+noall', '+answer'],
  ['@127.0.3.1', 'example.com', 'SOA', '+nocmd', '+nocomments'],
  ['@127.0.3.1', 'example.com', 'NS', '+noall', '+answer', '+authority', '+additional', '+stats'],
  ['@127.0.3.1', 'empty.example.com', 'TXT', '+nostats', '+noquestion'],
  ['@127.0.3.1', 'www.example.org'],
  ['@127.0.1.1', 'www.example.com', '+norecurse'],
  ['@127.0.1.1', '-x', '127.0.1.1'],
  ['@127.0.3.1', '-x', '127.0.1.1', '+short'],
  ['@127.0.3.1', '-t', 'AAAA', 'example.com', '+noall', '+answer', '+comments'],
  ['@127.0.1.1', '+trace', 'www.example.com'],
  ['@127.0.1.1', '+trace', 'nosuch.example.com'],
  ['@127.0.5.1', 'www.example.com'],
  ['@127.0.5.1', 'ftp.example.com', '+short'],
  ['@127.0.5.1', 'nosuch.example.com'],
  ['@127.0.5.1', 'mail.example.com', 'MX'],
  ['@127.0.5.1', 'big.example.com', 'TXT', '+noedns'],
  ['@127.0.9.254', 'example.com'],
  ['@127.0.9.254', '+short', 'example.com'],
  ['+foo', 'example.com'],
  ['-z', 'example.com'],
  ['@127.0.3.1', '+bufsize=abc', 'x'],
];

describe.skipIf(!hasDig || !hasScript)('our dig prints what the real dig 9.18 prints for the same answers', () => {
  let bridge: Bridge | undefined;
  beforeAll(async () => {
    bridge = await startBridge(ORACLE_SERVERS, PORT);
  });
  afterAll(async () => {
    await bridge?.close();
  });
  for (const args of CASES) {
    it.skipIf(args.includes('+trace') && !canUnshare)(`dig ${args.join(' ')}`, async () => {
      const full = ['-p', String(PORT), ...args];
      const real = await realDig(full);
      const ours = ourDig(full);
      expect(normalise(ours)).toBe(normalise(real));
    });
  }
});
