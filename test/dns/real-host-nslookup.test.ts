/**
 * Oracle (ORACLES.md §5): the REAL `host` and `nslookup` (bind9-dnsutils 9.18) against the
 * bridge (our authoritative servers on real sockets and a cold-cache recursive stand-in), and
 * ours against the same zones in the simulation (our recursive resolver). Identical output
 * required; nothing needs normalising but the port. Skipped when the tools are absent.
 */
import { execFile, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bridge } from './bridge.ts';
import { startBridge } from './bridge.ts';
import { ORACLE_SERVERS, oracleSession } from './oracle-zones.ts';

const PORT = 20000 + ((process.pid + 7919) % 20000);
const has = (tool: string, args: string[]): boolean => spawnSync(tool, args, { encoding: 'utf8' }).status !== null && spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const hasTools = has('host', ['-V']) && has('nslookup', ['-version']) && spawnSync('script', ['--version']).status === 0;

function real(cmd: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile('script', ['-qc', cmd.join(' '), '/dev/null'], { encoding: 'utf8', timeout: 20_000 }, (_e, stdout) => resolve(stdout.replace(/\r\n/g, '\n')));
  });
}

function ours(cmd: string[]): string {
  const s = oracleSession(PORT);
  const out: string[] = [];
  s.exec('client', cmd.join(' '), (l) => out.push(l), 60e9);
  return out.map((l) => `${l}\n`).join('');
}

const R = '127.0.5.1';
const A = '127.0.3.1';
const CASES: string[][] = [
  ['host', '-p', 'PORT', 'www.example.com', R],
  ['host', '-p', 'PORT', 'example.com', R],
  ['host', '-p', 'PORT', 'ftp.example.com', R],
  ['host', '-p', 'PORT', 'nosuch.example.com', R],
  ['host', '-p', 'PORT', '127.0.1.1', R],
  ['host', '-p', 'PORT', '-t', 'MX', 'mail.example.com', R],
  ['host', '-p', 'PORT', '-t', 'TXT', 'big.example.com', R],
  ['host', '-p', 'PORT', '-t', 'CAA', 'example.com', R],
  ['host', '-p', 'PORT', '-t', 'SRV', '_imaps._tcp.example.com', R],
  ['host', '-p', 'PORT', '-t', 'SOA', 'example.com', A],
  ['host', '-p', 'PORT', '-t', 'ANY', 'example.com', A],
  ['host', '-p', 'PORT', 'www.example.com', A],
  ['host'],
  ['nslookup', '-port=PORT', 'www.example.com', R],
  ['nslookup', '-port=PORT', 'example.com', R],
  ['nslookup', '-port=PORT', 'ftp.example.com', R],
  ['nslookup', '-port=PORT', 'nosuch.example.com', R],
  ['nslookup', '-port=PORT', '127.0.1.1', R],
  ['nslookup', '-port=PORT', '-type=MX', 'example.com', R],
  ['nslookup', '-port=PORT', '-type=MX', 'mail.example.com', R],
  ['nslookup', '-port=PORT', '-type=AAAA', 'mail.example.com', R],
  ['nslookup', '-port=PORT', '-type=TXT', 'big.example.com', R],
  ['nslookup', '-port=PORT', '-type=SOA', 'example.com', R],
  ['nslookup', '-port=PORT', '-type=SRV', '_imaps._tcp.example.com', R],
  ['nslookup', '-port=PORT', '-type=HTTPS', 'example.com', R],
  ['nslookup', '-port=PORT', '-type=ANY', 'example.com', A],
  ['nslookup', '-port=PORT', 'www.example.com', A],
];

describe.skipIf(!hasTools)('our host and nslookup print what the real ones print', () => {
  let bridge: Bridge | undefined;
  beforeAll(async () => {
    bridge = await startBridge(ORACLE_SERVERS, PORT);
  });
  afterAll(async () => {
    await bridge?.close();
  });
  for (const c of CASES) {
    it(c.join(' '), async () => {
      const cmd = c.map((x) => x.replace('PORT', String(PORT)));
      expect(ours(cmd)).toBe(await real(cmd));
    });
  }
});
