/**
 * Oracle test: Linux's own TCP Fast Open (RFC 7413) between two throw-away network namespaces,
 * compared with ours.
 *
 *   A 10.0.0.1 ──veth── B 10.0.0.2      (B: net.ipv4.tcp_fastopen = 3, a fixed tcp_fastopen_key)
 *
 * A Python server in B sets TCP_FASTOPEN on its listener; a Python client in A connects with
 * TCP_FASTOPEN_CONNECT, writes a 300-byte request and reads a 300-byte response, twice; then B's
 * key changes and A connects once more with its now stale cookie. dumpcap records A's side.
 *
 * - The cookie Linux issued (`ip tcp_metrics show` in A) must be the one our server computes for
 *   the same key and addresses: SipHash-2-4 over client ‖ server address.
 * - The handshakes must look the same in tshark as those of our `tcp-fastopen` scenario: option
 *   kinds in order (Linux's NOP padding included), SYN payload lengths, cookie request / cookie,
 *   tshark's TFO analysis; and with a stale cookie: a fresh cookie in a SYN-ACK that ignores the
 *   data, which the client sends again at once.
 *
 * Skipped when not on Linux, not root, when `ip netns` does not work, or without python3,
 * dumpcap and tshark.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Capture, Session, builtinScenario, captureInterfaces } from '../../src/engine/index.ts';
import { FastOpenHost, hex, parseFastOpenKey } from '../../src/engine/stack/tcp/fastopen.ts';
import { ip4 } from '../../src/engine/wire/addr.ts';
import { tsharkAvailable, tsharkFields } from './tshark.ts';

const P = `tfo${process.pid}`;
const NS = { a: `${P}a`, b: `${P}b` } as const;
const KEY = '00112233-44556677-8899aabb-ccddeeff';
const KEY2 = 'deadbeef-00000000-00000000-00000001';
const PORT = 7000;
const dir = mkdtempSync(join(tmpdir(), 'stackscope-tfo-linux-'));

function sh(cmd: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 15_000 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? (r.error ? String(r.error) : '') };
}

function skipReason(): string | undefined {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not root: creating network namespaces needs root';
  for (const tool of ['ip', 'python3', 'dumpcap']) if (sh('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is not installed`;
  if (!tsharkAvailable()) return 'tshark is not installed';
  const probe = `${P}probe`;
  const add = sh('ip', ['netns', 'add', probe]);
  if (add.status !== 0) return `ip netns add failed: ${add.stderr.trim()}`;
  sh('ip', ['netns', 'del', probe]);
  return undefined;
}

const skip = skipReason();
if (skip !== undefined) console.warn(`[real-tcp-fastopen oracle] skipped: ${skip}`);

const SETUP = `
set -e
ip netns add ${NS.a}
ip netns add ${NS.b}
ip link add ${P}a0 netns ${NS.a} type veth peer name ${P}b0 netns ${NS.b}
for n in a b; do
  ip -n ${P}$n link set lo up
  ip -n ${P}$n link set ${P}\${n}0 up
done
ip -n ${NS.a} addr add 10.0.0.1/24 dev ${P}a0
ip -n ${NS.b} addr add 10.0.0.2/24 dev ${P}b0
ip netns exec ${NS.a} sysctl -qw net.ipv4.tcp_fastopen=1
ip netns exec ${NS.b} sysctl -qw net.ipv4.tcp_fastopen=3
ip netns exec ${NS.b} sysctl -qw net.ipv4.tcp_fastopen_key=${KEY}
`;

/** Server: TCP_FASTOPEN (23) = 16 on the listener; answers each 300-byte request with 300 bytes. */
const SERVER_PY = `
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.IPPROTO_TCP, 23, 16)
s.bind(('10.0.0.2', ${PORT}))
s.listen(16)
print('listening', flush=True)
while True:
    c, _ = s.accept()
    got = 0
    while got < 300:
        d = c.recv(4096)
        if not d:
            break
        got += len(d)
    c.sendall(b'r' * 300)
    c.close()
`;

/** Client: TCP_FASTOPEN_CONNECT (30), one 300-byte write right after connect(), read 300 bytes. */
const CLIENT_PY = `
import socket, sys
for _ in range(int(sys.argv[1])):
    c = socket.socket()
    c.setsockopt(socket.IPPROTO_TCP, 30, 1)
    c.connect(('10.0.0.2', ${PORT}))
    c.sendall(b'q' * 300)
    got = 0
    while got < 300:
        d = c.recv(4096)
        if not d:
            break
        got += len(d)
    c.close()
`;

const children = new Set<ChildProcess>();

function startInNs(ns: string, args: string[]): { proc: ChildProcess; out: () => string; err: () => string; closed: Promise<void> } {
  const proc = spawn('ip', ['netns', 'exec', ns, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(proc);
  let out = '';
  let err = '';
  proc.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
  proc.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
  const closed = new Promise<void>((resolve) => proc.on('close', () => (children.delete(proc), resolve())));
  return { proc, out: () => out, err: () => err, closed };
}

async function until(what: string, cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

interface Handshake {
  kinds: string;
  len: string;
  request: boolean;
  cookie: string;
  analysis: string;
}

/** Every SYN and SYN-ACK on port 7000 as tshark sees it. */
function handshakes(file: string): Handshake[] {
  const fields = ['tcp.option_kind', 'tcp.len', 'tcp.options.tfo.request', 'tcp.options.tfo.cookie', 'tcp.analysis.tfo_syn', 'tcp.analysis.tfo_ack', 'tcp.analysis.tfo_ignored'];
  return tsharkFields(file, fields, { filter: `tcp.flags.syn == 1 && tcp.port == ${PORT}` }).map(([kinds, len, req, cookie, syn, ack, ignored]) => ({
    kinds: kinds ?? '',
    len: len ?? '',
    request: req !== '',
    cookie: cookie ?? '',
    analysis: [syn ? 'tfo_syn' : '', ack ? 'tfo_ack' : '', ignored ? 'tfo_ignored' : ''].filter(Boolean).join(','),
  }));
}

/** Cookies replaced by their role ('C1' for the first distinct cookie, ...), so two runs compare. */
function normalise(hs: Handshake[]): Handshake[] {
  const names = new Map<string, string>();
  return hs.map((h) => ({ ...h, cookie: h.cookie === '' ? '' : (names.get(h.cookie) ?? (names.set(h.cookie, `C${names.size + 1}`), `C${names.size}`)) }));
}

/** The client's segments in the last connection, up to its first one without data after the SYN: flags and length. */
function clientSegments(file: string, clientIp: string, stream: number): string[] {
  return tsharkFields(file, ['tcp.flags.str', 'tcp.seq', 'tcp.len'], { filter: `tcp.stream == ${stream} && ip.src == ${clientIp}` }).map(([flags, seq, len]) => `${(flags ?? '').replace(/·/g, '')} seq=${seq} len=${len}`);
}

describe.skipIf(skip !== undefined)('Linux TCP Fast Open as the oracle', () => {
  const linuxPcap = join(dir, 'linux.pcap');
  let linuxCookie = '';

  beforeAll(async () => {
    const setup = sh('sh', ['-c', SETUP]);
    if (setup.status !== 0) throw new Error(`namespace setup failed: ${setup.stderr}`);
    const server = startInNs(NS.b, ['python3', '-c', SERVER_PY]);
    await until('the Python server', () => server.out().includes('listening'));
    const cap = startInNs(NS.a, ['dumpcap', '-i', `${P}a0`, '-f', `tcp port ${PORT}`, '-w', linuxPcap]);
    await until('dumpcap', () => cap.err().includes('Capturing on'));
    const client = (n: number): { status: number | null; stderr: string } => sh('ip', ['netns', 'exec', NS.a, 'python3', '-c', CLIENT_PY, String(n)]);
    const first = client(2);
    if (first.status !== 0) throw new Error(`client failed: ${first.stderr}`);
    const m = /fo_cookie ([0-9a-f]+)/.exec(sh('ip', ['netns', 'exec', NS.a, 'ip', 'tcp_metrics', 'show', '10.0.0.2']).stdout);
    linuxCookie = m?.[1] ?? '';
    // A new server key: the client's cached cookie is now invalid.
    sh('ip', ['netns', 'exec', NS.b, 'sysctl', '-qw', `net.ipv4.tcp_fastopen_key=${KEY2}`]);
    const stale = client(1);
    if (stale.status !== 0) throw new Error(`client failed: ${stale.stderr}`);
    await new Promise((r) => setTimeout(r, 300));
    cap.proc.kill('SIGINT');
    await cap.closed;
    server.proc.kill('SIGKILL');
    await server.closed;
  }, 60_000);

  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
    sh('ip', ['netns', 'del', NS.a]);
    sh('ip', ['netns', 'del', NS.b]);
  });

  it('RFC 7413 §4.1.2: the cookie Linux issues equals ours for the same key and addresses (SipHash-2-4 of client ‖ server address)', () => {
    expect(linuxCookie).toMatch(/^[0-9a-f]{16}$/);
    const host = new FastOpenHost(new Session(builtinScenario('lan')!).host('alice'));
    host.setKey(parseFastOpenKey(KEY)!);
    const a = { v6: false, addr: ip4('10.0.0.1'), text: '10.0.0.1' } as const;
    const b = { v6: false, addr: ip4('10.0.0.2'), text: '10.0.0.2' } as const;
    expect(hex(host.cookie(a, b))).toBe(linuxCookie);
  });

  it('RFC 7413 §4.2.1/§4.2.2: our handshakes look like Linux’s in tshark — options, SYN data, cookie request and cookie, TFO analysis', () => {
    const linux = normalise(handshakes(linuxPcap));
    // Ours: the built-in scenario, plus a third connection after the server's key changed.
    const sc = builtinScenario('tcp-fastopen')!;
    const s = new Session({ ...sc, actions: [...(sc.actions ?? []), { at: '3s', host: 'client', command: 'reqresp -c server -n 1 -F' }] });
    const cap = new Capture(s.world, captureInterfaces(s.world, s.scenario.capture));
    s.runUntil(2.5e9);
    s.host('server').tcp.fastOpen.setKey(parseFastOpenKey(KEY2)!);
    s.runUntil(4e9);
    cap.stop();
    const ours = join(dir, 'ours.pcap');
    writeFileSync(ours, cap.pcap.toBytes());
    const mine = normalise(handshakes(ours));
    expect(linux).toHaveLength(6);
    expect(mine).toEqual(linux);
    expect(linux.map((h) => `${h.len} ${h.request ? 'request' : h.cookie} ${h.analysis}`)).toEqual([
      '0 request ', // connection 1: SYN asks for a cookie
      '0 C1 ', // its SYN-ACK brings one
      '300 C1 tfo_syn', // connection 2: the request in the SYN
      '0  tfo_ack', // accepted
      '300 C1 tfo_syn', // connection 3: stale cookie
      '0 C2 tfo_ignored', // data ignored, fresh cookie
    ]);
    // With the stale cookie, both clients send the request again right after the SYN-ACK, on the segment that acknowledges it.
    expect(clientSegments(ours, '10.40.0.10', 2).slice(0, 2)).toEqual(clientSegments(linuxPcap, '10.0.0.1', 2).slice(0, 2));
    expect(clientSegments(linuxPcap, '10.0.0.1', 2).slice(0, 2)).toEqual(['S seq=0 len=300', 'AP seq=1 len=300']);
  });
});
