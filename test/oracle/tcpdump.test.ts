/**
 * Oracle test: the REAL tcpdump 4.99 judges our packet summariser, our filter compiler and our
 * `tcpdump` command.
 *
 * - Summaries: the built-in scenarios' captures and a corpus of hand-made frames
 *   (summary-corpus.ts) are exported as pcap and read back with `tcpdump -n -r`; every line must
 *   equal summarizeFrame() of the same frame, for -S (absolute), default (relative TCP
 *   sequence numbers, with a TcpSeqTracker), -e, -q and -e -q.
 * - Filters: each pcap-filter expression must select exactly the frames tcpdump selects, or fail
 *   with tcpdump's own error text.
 * - The command: `tcpdump -n` run inside the simulation prints, timestamps included, exactly the
 *   lines the real tcpdump prints for a capture of the same interface (TZ=UTC: the simulated
 *   clock starts at the epoch).
 * - Live: the real tcpdump capturing in a network namespace (`-i any`, `-i eth0 -e`, with
 *   `-w --print`) — banner, the cooked `-i any` columns and the statistics lines.
 * Skipped when tcpdump 4.99 is not installed (apt-get install -y tcpdump); the live part also
 * needs root and network namespaces.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_SCENARIOS, Capture, Session, captureInterfaces } from '../../src/engine/index.ts';
import { PcapWriter } from '../../src/engine/trace/pcap.ts';
import { summarizeFrame, TcpSeqTracker } from '../../src/engine/wire/summary.ts';
import type { SummaryOptions } from '../../src/engine/wire/summary.ts';
import { compileFilter } from '../../src/engine/apps/tcpdump-filter.ts';
import { formatCookedLine, formatTcpdumpBanner, formatTcpdumpStats, formatTcpdumpTimestamp } from '../../src/engine/apps/tcpdump-format.ts';
import type { SllPacketType } from '../../src/engine/apps/tcpdump-format.ts';
import { summaryCorpus } from './summary-corpus.ts';

function run(cmd: string, args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120_000, maxBuffer: 1 << 30, env: { ...process.env, TZ: 'UTC', ...env } });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

const version = run('tcpdump', ['--version']);
const skipReason = version.status !== 0 ? 'tcpdump is not installed (apt-get install -y tcpdump)' : !/tcpdump version 4\.99\./.test(version.stdout) ? `not tcpdump 4.99: ${version.stdout.split('\n')[0]}` : undefined;
if (skipReason) console.warn(`[tcpdump oracle] skipped: ${skipReason}`);
const liveSkip = skipReason ?? (process.getuid?.() !== 0 ? 'not root' : run('ip', ['netns', 'list']).status !== 0 ? 'ip netns does not work' : undefined);

const dir = mkdtempSync(join(tmpdir(), 'stackscope-tcpdump-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Time of day of a live (µs-resolution) pcap record in ns: whole epoch nanoseconds exceed 2^53. */
const todNs = (f: { sec: number; frac: number }): number => (f.sec % 86400) * 1e9 + f.frac * 1e3;

/** Frames of a classic pcap file (either timestamp resolution), with the file's link type. */
function readPcap(file: string): { linktype: number; frames: Array<{ sec: number; frac: number; bytes: Uint8Array }> } {
  const b = readFileSync(file);
  const frames: Array<{ sec: number; frac: number; bytes: Uint8Array }> = [];
  for (let o = 24; o + 16 <= b.length; ) {
    const incl = b.readUInt32LE(o + 8);
    frames.push({ sec: b.readUInt32LE(o), frac: b.readUInt32LE(o + 4), bytes: new Uint8Array(b.subarray(o + 16, o + 16 + incl)) });
    o += 16 + incl;
  }
  return { linktype: b.readUInt32LE(20), frames };
}

function writePcap(name: string, frames: ReadonlyArray<{ timeNs: number; bytes: Uint8Array }>): string {
  const w = new PcapWriter();
  for (const f of frames) w.add(f.timeNs, f.bytes);
  const file = join(dir, name);
  writeFileSync(file, w.toBytes());
  return file;
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '' && !l.startsWith('\t'));
}

const MODES: ReadonlyArray<{ name: string; args: string[]; opts: () => SummaryOptions }> = [
  { name: '-S', args: ['-S'], opts: () => ({}) },
  { name: 'relative seqs', args: [], opts: () => ({ tcpSeq: new TcpSeqTracker() }) },
  { name: '-e', args: ['-S', '-e'], opts: () => ({ link: true }) },
  { name: '-q', args: ['-S', '-q'], opts: () => ({ quiet: true }) },
  { name: '-e -q', args: ['-e', '-q'], opts: () => ({ link: true, quiet: true, tcpSeq: new TcpSeqTracker() }) },
];

/** Every frame's summary must be the line tcpdump prints for it, in every mode. */
function judgeSummaries(file: string, frames: readonly Uint8Array[], limit?: number): void {
  for (const mode of MODES) {
    const real = lines(run('tcpdump', ['-n', '-t', ...mode.args, ...(limit ? ['-c', String(limit)] : []), '-r', file]).stdout);
    const opts = mode.opts();
    const ours = frames.slice(0, limit ?? frames.length).map((f) => summarizeFrame(f, opts));
    expect(real.length, `${file} ${mode.name}: line count`).toBe(ours.length);
    for (let i = 0; i < ours.length; i++) if (ours[i] !== real[i]) expect(`#${i + 1} ${ours[i]}`, `${file} ${mode.name}`).toBe(`#${i + 1} ${real[i]}`);
  }
}

/** Every built-in scenario's scripted run; the bulk transfers shortened and limited to their first frames. */
const LIMITS: Readonly<Record<string, { untilNs: number; limit: number }>> = {
  'tcp-bulk': { untilNs: 1.5e9, limit: 5000 },
  'lossy-lfn': { untilNs: 3e9, limit: 6000 },
  bufferbloat: { untilNs: 3e9, limit: 6000 },
  'bufferbloat-fq-codel': { untilNs: 3e9, limit: 6000 },
};
const SCENARIO_RUNS = BUILTIN_SCENARIOS.map((sc) => ({ name: sc.name, ...LIMITS[sc.name] }));

describe.skipIf(skipReason !== undefined)(`tcpdump 4.99 judges the summariser${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  for (const sc of SCENARIO_RUNS) {
    it(`${sc.name}: every captured frame summarises as tcpdump -n prints it`, () => {
      const s = new Session(BUILTIN_SCENARIOS.find((x) => x.name === sc.name)!);
      const frames: Array<{ timeNs: number; bytes: Uint8Array }> = [];
      const cap = new Capture(s.world, captureInterfaces(s.world, s.scenario.capture));
      s.runUntil(sc.untilNs ?? s.stopTimeNs);
      cap.stop();
      const file = join(dir, `${sc.name}.pcap`);
      writeFileSync(file, cap.pcap.toBytes());
      for (const f of readPcap(file).frames) frames.push({ timeNs: 0, bytes: f.bytes });
      expect(frames.length).toBeGreaterThan(0);
      judgeSummaries(
        file,
        frames.map((f) => f.bytes),
        sc.limit,
      );
    });
  }

  it('hand-made corpus: ICMP/ICMPv6 errors, fragments, TCP flags and options, DNS, HTTP, 802.1Q, ARP oddities', () => {
    const corpus = summaryCorpus();
    const file = writePcap(
      'corpus.pcap',
      corpus.map((f, i) => ({ timeNs: i * 1e9, bytes: f.bytes })),
    );
    judgeSummaries(
      file,
      corpus.map((f) => f.bytes),
    );
  });
});

const FILTERS = [
  'tcp', 'udp', 'icmp', 'icmp6', 'arp', 'ip', 'ip6', 'rarp', 'sctp', 'host 10.0.0.1', 'src host 10.0.0.1', 'dst host 10.0.0.1', 'host 192.168.10.12',
  'arp host 10.0.0.2', 'ip host 10.0.0.2', 'host 2001:db8::1', 'ip6 host fd00:10::13', 'net 10.0.0.0/8', 'net 10', 'net 192.168.10', 'net 192.168.10.0 mask 255.255.255.0',
  'src net 192.168.0.0/16', 'net 2001:db8::/32', 'ip6 net fd00::/8', 'port 53', 'src port 53', 'dst port 53', 'tcp port 80', 'udp port 53', 'port 80 or 443', 'port domain',
  'tcp port http', 'portrange 33434-33534', 'udp portrange 33434-33440', 'portrange 80', 'ether host 02:00:00:01:01:00', 'ether src 02:00:00:01:01:00',
  'ether dst ff:ff:ff:ff:ff:ff', 'broadcast', 'multicast', 'ether multicast', 'less 60', 'greater 100', 'ip proto 1', 'ip proto \\tcp', 'ip6 proto 58', 'proto \\udp',
  'ether proto \\arp', 'ether proto 0x86dd', 'not arp', '!arp', 'tcp && port 80', 'udp || icmp6', 'tcp or udp and port 53', 'not (tcp or udp)', 'host 10.0.0.1 and (port 53 or icmp)',
  'host 10.0.0.1 or 10.0.0.2', 'dst port 33434 or 33435 or 33436', 'vlan', 'vlan 10', 'vlan and icmp', 'vlan 4094 and arp', 'src or dst host 10.0.0.1', 'src and dst host 10.0.0.1',
  'ip and not icmp', 'icmp or arp or port 53', 'ip6 and udp', 'ip6 multicast', 'icmp6 and not ip6 multicast', 'ip multicast', 'ip broadcast',
  // errors
  'host nosuch', 'port foo', 'icmp port 80', 'ip6 host 10.0.0.1', 'ip host 2001:db8::1', 'vlan 5000', 'portrange 1-70000', 'net 10.0.0.0/33', 'host 10.0.0.300', 'tcp and', '(tcp',
  'tcp)', 'not', 'host', 'arp port 80', '80', '10.0.0.1', 'net 10.0.0.1/24', 'net 2001:db8::1/32', 'net 10.0.0.0/8 mask 255.0.0.0', 'gateway x', 'arp multicast', 'ip6 broadcast',
];

describe.skipIf(skipReason !== undefined)(`tcpdump judges the filter compiler${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const files: Array<{ file: string; frames: Uint8Array[] }> = [];
  const corpus = summaryCorpus();
  files.push({ file: writePcap('filter-corpus.pcap', corpus.map((f, i) => ({ timeNs: i * 1e9, bytes: f.bytes }))), frames: corpus.map((f) => f.bytes) });
  for (const name of ['lan', 'dual-stack']) {
    const s = new Session(BUILTIN_SCENARIOS.find((x) => x.name === name)!);
    const cap = new Capture(s.world, captureInterfaces(s.world, s.scenario.capture));
    s.runUntil();
    cap.stop();
    const file = join(dir, `filter-${name}.pcap`);
    writeFileSync(file, cap.pcap.toBytes());
    files.push({ file, frames: readPcap(file).frames.map((f) => f.bytes) });
  }
  for (const expr of FILTERS) {
    it(`\`${expr}\``, () => {
      const c = compileFilter(expr);
      for (const { file, frames } of files) {
        const r = run('tcpdump', ['-n', '-S', '-t', '-r', file, expr]);
        if (r.status !== 0) {
          expect(c.ok ? 'compiled' : `tcpdump: ${c.error}`).toBe(r.stderr.trim().split('\n').pop());
          return;
        }
        expect(c.ok, c.ok ? '' : c.error).toBe(true);
        if (!c.ok) return;
        expect(frames.filter((f) => c.match(f, 'in')).map((f) => summarizeFrame(f))).toEqual(lines(r.stdout));
      }
    });
  }
});

describe.skipIf(skipReason !== undefined)(`the tcpdump command prints what tcpdump prints for the same capture${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const cases: ReadonlyArray<{ scenario: string; host: string; args: string; real: string[]; untilNs?: number }> = [
    { scenario: 'lan', host: 'bob', args: '-n', real: ['-n'] },
    { scenario: 'nagle', host: 'client', args: '-n', real: ['-n'] },
    { scenario: 'dual-stack', host: 'r1', args: '-n -e -i eth1', real: ['-n', '-e'] },
    { scenario: 'routed', host: 'laptop', args: '-nq udp or icmp', real: ['-n', '-q', 'udp or icmp'] },
    { scenario: 'churn', host: 'client', args: '-n -c 40 tcp', real: ['-n', '-c', '40', 'tcp'] },
  ];
  for (const c of cases) {
    it(`${c.scenario} on ${c.host}: tcpdump ${c.args}`, () => {
      const s = new Session(BUILTIN_SCENARIOS.find((x) => x.name === c.scenario)!);
      const host = s.host(c.host);
      const ifname = /-i (\S+)/.exec(c.args)?.[1] ?? host.ifaces[0]!.name;
      const cap = new Capture(s.world, [host.iface(ifname)!]);
      const out: string[] = [];
      s.exec(c.host, `tcpdump ${c.args}`, (l) => out.push(l), c.untilNs ?? s.stopTimeNs);
      cap.stop();
      const file = join(dir, `cmd-${c.scenario}.pcap`);
      writeFileSync(file, cap.pcap.toBytes());
      const real = lines(run('tcpdump', ['-r', file, ...c.real]).stdout);
      const banner = formatTcpdumpBanner(ifname, { verbose: false });
      expect(out.slice(0, banner.length)).toEqual(banner);
      const packets = out.slice(banner.length).filter((l) => /^\d\d:\d\d:\d\d\.\d{6} /.test(l));
      expect(packets.length).toBeGreaterThan(0);
      expect(packets).toEqual(real.slice(0, packets.length));
      expect(out.slice(-3)).toEqual(formatTcpdumpStats(packets.length, packets.length));
    });
  }
});

describe.skipIf(liveSkip !== undefined)(`live capture in a network namespace${liveSkip ? ` (skipped: ${liveSkip})` : ''}`, () => {
  const P = `st${process.pid}`;
  const a = `${P}a`;
  const b = `${P}b`;
  const setup = [
    `ip netns add ${a}`,
    `ip netns add ${b}`,
    `ip link add eth0 netns ${a} type veth peer name eth0 netns ${b}`,
    `ip -n ${a} link set eth0 address 02:00:00:01:01:00`,
    `ip -n ${b} link set eth0 address 02:00:00:02:01:00`,
    `ip netns exec ${a} sysctl -qw net.ipv6.conf.all.disable_ipv6=1`,
    `ip netns exec ${b} sysctl -qw net.ipv6.conf.all.disable_ipv6=1`,
    `ip -n ${a} link set eth0 up`,
    `ip -n ${b} link set eth0 up`,
    `ip -n ${a} addr add 10.0.0.1/24 dev eth0`,
    `ip -n ${b} addr add 10.0.0.2/24 dev eth0`,
  ].join(' && ');
  let ok = { status: null as number | null, stderr: 'not set up' };
  beforeAll(() => {
    ok = run('sh', ['-c', setup]);
  });
  afterAll(() => {
    run('ip', ['netns', 'del', a]);
    run('ip', ['netns', 'del', b]);
  });

  /**
   * Captures the first 4 packets (normally ARP request/reply, ICMP echo request/reply) with the real tcpdump, also
   * writing them to a file (-w --print) unless `write` is false.
   */
  function capture(args: string[], write = true): { stdout: string[]; stderr: string[]; file: string } {
    const file = join(dir, `live-${args.join('')}.pcap`);
    const script = `ip neigh flush all; (sleep 1; ping -c 3 -i 0.5 -W 1 10.0.0.2 >/dev/null) & exec tcpdump -n -c 4 ${args.join(' ')} ${write ? `-w ${file} --print` : ''} 2>&1`;
    const r = run('ip', ['netns', 'exec', a, 'sh', '-c', script]);
    const all = r.stdout.split('\n').filter((l) => l !== '');
    return { stdout: all.filter((l) => /^\d\d:\d\d:\d\d\.\d{6} /.test(l)), stderr: all.filter((l) => !/^\d\d:\d\d:\d\d\.\d{6} /.test(l)), file };
  }

  it('-i any: banner, "eth0  Out"/"In " columns, packets and statistics', () => {
    expect(ok.status, ok.stderr).toBe(0);
    for (const e of [false, true]) {
      const got = capture(['-i', 'any', ...(e ? ['-e'] : [])]);
      expect(got.stdout).toHaveLength(4);
      const pcap = readPcap(got.file);
      expect(pcap.linktype).toBe(276); // LINKTYPE_LINUX_SLL2
      const types: SllPacketType[] = ['In', 'B', 'M', 'P', 'Out'];
      pcap.frames.forEach((f, i) => {
        const sll = f.bytes;
        const frame = new Uint8Array(14 + sll.length - 20);
        frame.set(sll.subarray(12, 18), 6); // source link-layer address
        frame.set(sll.subarray(0, 2), 12); // protocol
        frame.set(sll.subarray(20), 14);
        const ifindex = new DataView(sll.buffer, sll.byteOffset).getUint32(4);
        const line = formatCookedLine('eth0', types[sll[10]!]!, ifindex, frame, { link: e, tcpSeq: new TcpSeqTracker() });
        const ts = formatTcpdumpTimestamp(0, todNs(f), undefined, undefined);
        expect(`${ts}${line}`).toBe(got.stdout[i]);
      });
      const received = Number(/^(\d+) packets? received by filter$/m.exec(got.stderr.join('\n'))?.[1]);
      // With -w tcpdump prints the one-line banner it also prints for -v.
      expect(got.stderr).toEqual([...formatTcpdumpBanner('any', { verbose: true }), ...formatTcpdumpStats(4, received)]);
    }
  });

  it('banner and statistics of a plain live capture (no -w)', () => {
    expect(ok.status, ok.stderr).toBe(0);
    for (const iface of ['eth0', 'any']) {
      const got = capture(['-i', iface], false);
      expect(got.stdout).toHaveLength(4);
      const received = Number(/^(\d+) packets? received by filter$/m.exec(got.stderr.join('\n'))?.[1]);
      expect(got.stderr).toEqual([...formatTcpdumpBanner(iface, { verbose: false }), ...formatTcpdumpStats(4, received)]);
    }
  });

  it('-i eth0 -e: the Ethernet capture prints as summarizeFrame(-e) of the same frames', () => {
    expect(ok.status, ok.stderr).toBe(0);
    const got = capture(['-i', 'eth0', '-e']);
    const pcap = readPcap(got.file);
    expect(pcap.linktype).toBe(1);
    pcap.frames.forEach((f, i) => expect(`${formatTcpdumpTimestamp(0, todNs(f), undefined, undefined)}${summarizeFrame(f.bytes, { link: true })}`).toBe(got.stdout[i]));
    const received = Number(/^(\d+) packets? received by filter$/m.exec(got.stderr.join('\n'))?.[1]);
    expect(got.stderr).toEqual([...formatTcpdumpBanner('eth0', { verbose: true }), ...formatTcpdumpStats(4, received)]);
  });
});
