/**
 * Oracle test: the REAL iproute2 `ip` (6.1) and net-tools `arp` (2.10) against our `ip` and
 * `arp` commands. For two nodes of the dual-stack scenario (the client, a host, and r1, a router
 * with two interfaces) we rebuild the node in a network namespace from the engine's own state —
 * interface names, MACs, MTUs, addresses in the same order, static and RA routes, a pfifo qdisc
 * like the engine's drop-tail queue — with each interface a veth whose peer namespace holds the
 * engine's neighbour (same MAC and addresses, forwarding on when it is a router). Both sides then
 * ping the same neighbours, and every listing must match line for line.
 *
 * Normalised, because a veth in a namespace is not a NIC: the "@ifN" suffix and
 * " link-netns NAME" (veth peer information), the seconds left in "expires Ns", and neighbour
 * states STALE/DELAY/PROBE (the engine models REACHABLE entries that expire, not the aging
 * states). Skipped with the reason when not root, when namespaces do not work or the tools are
 * other versions.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_SCENARIOS, Session } from '../../src/engine/index.ts';
import type { IpNode } from '../../src/engine/stack/host.ts';
import { formatIpv4, formatIpv6, formatMac } from '../../src/engine/wire/addr.ts';
import { maskV6 } from '../../src/engine/stack/routing.ts';

const P = `si${process.pid}`;

function run(cmd: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 15_000 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? (r.error ? String(r.error) : '') };
}

function detectSkipReason(): string | undefined {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not root: creating network namespaces needs root';
  if (run('sh', ['-c', 'command -v ip']).status !== 0) return 'ip is not installed (apt-get install -y iproute2)';
  if (run('sh', ['-c', 'command -v arp']).status !== 0) return 'arp is not installed (apt-get install -y net-tools)';
  const v = run('ip', ['-V']);
  if (!v.stdout.includes('iproute2-6.1')) return `ip is not iproute2 6.1: ${v.stdout.trim()}`;
  const probe = `${P}probe`;
  const add = run('ip', ['netns', 'add', probe]);
  if (add.status !== 0) return `ip netns add failed: ${add.stderr.trim()}`;
  run('ip', ['netns', 'del', probe]);
  return undefined;
}

const skipReason = detectSkipReason();
if (skipReason !== undefined) console.warn(`[real ip/arp oracle] skipped: ${skipReason}`);

const NODES = ['client', 'r1'] as const;
const nsOf = (node: string): string => `${P}${node}`;
const namespaces: string[] = [];

/** Shell commands that rebuild `node` (and one peer namespace per interface) from the engine's state. */
function setupScript(node: IpNode): string {
  const ns = nsOf(node.name);
  const sysctls = 'net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0';
  const lines = ['set -e', `ip netns add ${ns}`, `ip netns exec ${ns} sysctl -qw ${sysctls}`, `ip -n ${ns} link set lo up`];
  namespaces.push(ns);
  if (node.config.forwarding) lines.push(`ip netns exec ${ns} sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1`);
  node.ifaces.forEach((iface, k) => {
    const link = iface.link!;
    const peer = link.a === iface ? link.b : link.a;
    const pns = `${ns}p${k}`;
    namespaces.push(pns);
    lines.push(`ip netns add ${pns}`, `ip netns exec ${pns} sysctl -qw ${sysctls}`);
    if (peer.node.kind === 'router') lines.push(`ip netns exec ${pns} sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1`);
    lines.push(`ip link add ${iface.name} netns ${ns} type veth peer name peer0 netns ${pns}`);
    lines.push(`ip -n ${ns} link set ${iface.name} address ${formatMac(iface.mac)} mtu ${iface.mtu}`, `ip -n ${pns} link set peer0 address ${formatMac(peer.mac)} mtu ${peer.mtu}`);
    lines.push(`ip netns exec ${ns} tc qdisc replace dev ${iface.name} root pfifo`);
    lines.push(`ip -n ${ns} link set ${iface.name} up`, `ip -n ${pns} link set peer0 up`);
    for (const a of iface.ipv4) lines.push(`ip -n ${ns} addr add ${formatIpv4(a.addr)}/${a.prefixLen} brd + dev ${iface.name}`);
    for (const a of iface.ipv6.slice(1)) lines.push(`ip -n ${ns} -6 addr add ${formatIpv6(a.addr)}/${a.prefixLen} dev ${iface.name}`);
    for (const a of peer.ipv4) lines.push(`ip -n ${pns} addr add ${formatIpv4(a.addr)}/${a.prefixLen} brd + dev peer0`);
    for (const a of peer.ipv6.slice(1)) lines.push(`ip -n ${pns} -6 addr add ${formatIpv6(a.addr)}/${a.prefixLen} dev peer0`);
  });
  for (const r of node.routes4.routes) {
    if (r.origin !== 'static') continue;
    const dest = r.prefixLen === 0 ? 'default' : `${formatIpv4(r.prefix)}/${r.prefixLen}`;
    lines.push(`ip -n ${ns} route add ${dest}${r.gateway !== undefined ? ` via ${formatIpv4(r.gateway)}` : ''} dev ${r.iface.name}${r.metric ? ` metric ${r.metric}` : ''}`);
  }
  for (const r of node.routes6.routes) {
    if (r.origin === 'connected') continue;
    const dest = r.prefixLen === 0 ? 'default' : `${formatIpv6(maskV6(r.prefix, r.prefixLen))}/${r.prefixLen}`;
    const ra = r.origin === 'ra' ? ' proto ra expires 1800 hoplimit 64' : '';
    lines.push(`ip -n ${ns} -6 route add ${dest}${r.gateway ? ` via ${formatIpv6(r.gateway)}` : ''} dev ${r.iface.name}${ra} metric ${r.metric}`);
  }
  return lines.join('\n');
}

/** The pings each side runs so that both neighbour caches hold the same entries. */
const PINGS: Record<(typeof NODES)[number], string[]> = {
  client: ['ping -c 1 -W 2 10.1.0.1', 'ping -6 -c 1 -W 2 2001:db8:1::1', 'ping -6 -c 1 -W 2 fe80::ff:fe02:100%eth0'],
  r1: ['ping -c 1 -W 2 10.1.0.10', 'ping -c 1 -W 2 10.12.0.2', 'ping -6 -c 1 -W 2 2001:db8:12::2', 'ping -6 -c 1 -W 2 2001:db8:1::10'],
};

function normalise(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) =>
    l
      .replace(/^(\S+)@\S+( +)(UP|DOWN|UNKNOWN) /, (_m, name: string, _sp: string, state: string) => `${name.padEnd(16)} ${state} `)
      .replace(/^(\d+: [^@:]+)@[^:]+:/, '$1:')
      .replace(/ link-netns \S+/, '')
      .replace(/ link-netnsid \d+/, '')
      .replace(/expires \d+sec/, 'expires Nsec')
      .replace(NUD_STATE, ' NUD '),
  );
}

/**
 * Which NUD state an entry is in depends on timing (wall clock there, simulated time here), so
 * `ip neigh` lines are compared with the state word masked on both sides; test/engine/l2.test.ts
 * and the ARP probe case in test/oracle/real-tools.test.ts judge the state machine itself.
 */
const NUD_STATE = / (REACHABLE|STALE|DELAY|PROBE) $/;

describe.skipIf(skipReason !== undefined)(`real ip/arp oracle${skipReason === undefined ? '' : ` (skipped: ${skipReason})`}`, () => {
  const sc = BUILTIN_SCENARIOS.find((s) => s.name === 'dual-stack')!;
  const session = new Session(sc, { skipActions: true });
  session.runUntil(2e9);

  function ours(node: string, line: string): { out: string[]; status: number } {
    const out: string[] = [];
    const status = session.exec(node, line, (l) => out.push(l), 10e9);
    return { out: out.map((l) => l.replace(/expires \d+sec/, 'expires Nsec').replace(NUD_STATE, ' NUD ')), status };
  }
  function real(node: string, line: string): { out: string[]; status: number | null } {
    const r = run('ip', ['netns', 'exec', nsOf(node), 'sh', '-c', `${line} 2>&1`]);
    return { out: normalise(r.stdout), status: r.status };
  }

  beforeAll(() => {
    for (const name of NODES) {
      const r = run('bash', ['-c', setupScript(session.host(name))]);
      if (r.status !== 0) throw new Error(`namespace setup for ${name} failed (${r.status}): ${r.stderr}`);
    }
    for (const name of NODES) {
      for (const p of PINGS[name]) {
        expect(ours(name, p.replace(/%eth0$/, '')).status, `engine: ${p}`).toBe(0);
        expect(real(name, p).status, `real: ${p}`).toBe(0);
      }
    }
  });

  afterAll(() => {
    for (const ns of namespaces) run('ip', ['netns', 'del', ns]);
  });

  const SAME = [
    'ip addr',
    'ip a',
    'ip -4 addr',
    'ip -6 addr',
    'ip address show dev eth0',
    'ip a s eth0',
    'ip addr show up',
    'ip link',
    'ip l show eth0',
    'ip -br addr',
    'ip -br -4 a',
    'ip -br -6 a',
    'ip -br link',
    'ip route',
    'ip r',
    'ip -6 route',
    'ip -6 r show',
    'ip foo',
    'ip addr foo',
    'ip addr eth0',
    'ip addr show dev nosuch',
    'ip link show nosuch',
    'ip neigh show dev nosuch',
    'ip route foo',
    'ip addr show dev',
    'ip -x addr',
    'ip help',
    'ip -V',
  ];
  for (const node of NODES) {
    for (const cmd of SAME) {
      it(`${node}: \`${cmd}\` prints what iproute2 prints`, () => {
        const r = real(node, cmd);
        const o = ours(node, cmd);
        expect(o.out).toEqual(r.out);
        expect(o.status).toBe(r.status);
      });
    }
    if (node === 'r1') {
      it('r1: ip addr show eth1 (second interface)', () => {
        expect(ours(node, 'ip addr show eth1').out).toEqual(real(node, 'ip addr show eth1').out);
      });
    }

    it(`${node}: ip neigh / ip -4 neigh / ip -6 neigh show dev eth0: every entry both sides know prints the same`, () => {
      for (const cmd of ['ip neigh', 'ip -4 neigh', 'ip -6 neigh show dev eth0', 'ip n']) {
        const r = real(node, cmd).out;
        const o = ours(node, cmd).out;
        const key = (l: string): string => l.split(' ')[0]!;
        const common = o.filter((l) => r.some((x) => key(x) === key(l)));
        expect(common.length, `${cmd}: entries known to both`).toBeGreaterThan(0);
        for (const l of common) expect(r).toContain(l);
      }
    });

    it(`${node}: arp -n, arp -a -n, arp -vn, lookups that find nothing`, () => {
      const r = real(node, 'arp -n').out;
      const o = ours(node, 'arp -n').out;
      expect(o[0]).toBe(r[0]);
      const key = (l: string): string => l.split(' ')[0]!;
      const common = o.slice(1).filter((l) => r.some((x) => key(x) === key(l)));
      expect(common.length).toBeGreaterThan(0);
      for (const l of common) expect(r).toContain(l);
      const bsdReal = real(node, 'arp -a -n').out;
      for (const l of ours(node, 'arp -a -n').out.filter((x) => bsdReal.some((y) => y.split(' ')[1] === x.split(' ')[1]))) expect(bsdReal).toContain(l);
      expect(ours(node, 'arp -n 10.99.99.99').out).toEqual(real(node, 'arp -n 10.99.99.99').out);
      const noMatch = real(node, 'arp -n -i nosuch').out;
      expect(ours(node, 'arp -n -i nosuch').out[0]?.replace(/\d+ entries/, 'N entries')).toBe(noMatch[0]?.replace(/\d+ entries/, 'N entries'));
      const v = ours(node, 'arp -vn').out;
      expect(v[v.length - 1]).toMatch(/^Entries: \d+\tSkipped: 0\tFound: \d+$/);
      expect(real(node, 'arp -vn').out.at(-1)).toMatch(/^Entries: \d+\tSkipped: 0\tFound: \d+$/);
    });
  }
});
