/**
 * Oracle test: run the REAL iputils `ping` and Linux `traceroute` inside throw-away network
 * namespaces, parse the facts (addresses, seq, ttl, rtts, counts, elapsed time) out of every line
 * they print, feed those facts to our formatters and require byte-identical lines.
 *
 * Topology (all namespaces are created here and deleted in afterAll):
 *
 *   A 10.0.0.2-6 ── R1 10.0.0.1 | 10.0.1.1 ── R2 10.0.1.2 | 10.0.2.1 ── B 10.0.2.2
 *     fd00::2          fd00::1 | fd00:1::1        fd00:1::2 | fd00:2::1      fd00:2::2
 *
 * - R1 answers everything. It has no default route (10.0.9.9: net unreachable) and holds special
 *   routes: 10.0.8.0/24 `unreachable` (host unreachable), 10.0.7.0/24 `prohibit` (packet filtered),
 *   fd00:8::/64 `unreachable` (no route), fd00:7::/64 `prohibit` (admin prohibited).
 *   Its link towards R2 has MTU 1400 (frag needed / packet too big).
 * - R2 forwards but never reports over v4: a policy rule sends the ICMP it originates towards
 *   10.0.0.0/24 into a blackhole table, so traceroute shows "* * *" for hop 2.
 * - ICMP rate limiting is switched off in every namespace so back-to-back runs stay deterministic.
 * - A gets its own /etc/hosts and resolv.conf (`ip netns exec` bind-mounts /etc/netns/<ns>/*):
 *   names bee → 10.0.2.2, bee6 → fd00:2::2, rtr1v6 → fd00::1, and a resolver on 127.0.0.1 that
 *   fails at once, so reverse lookups of everything else are fast misses.
 *
 * Skipped (with the reason in the suite name) when not root, when `ip netns` does not work, or when
 * the installed tools are not the versions these formatters copy.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPingError, formatPingHeader, formatPingLocalError, formatPingReply, formatPingStats, formatPingRtt } from '../../src/engine/apps/ping-format.ts';
import type { PingErrorKind, PingStats } from '../../src/engine/apps/ping-format.ts';
import { formatTracerouteHeader, formatTracerouteHop } from '../../src/engine/apps/traceroute-format.ts';
import type { TracerouteProbe } from '../../src/engine/apps/traceroute-format.ts';

const P = `ss${process.pid}`;
const NS = { a: `${P}a`, r1: `${P}r1`, r2: `${P}r2`, b: `${P}b` } as const;

function run(cmd: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 15_000 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? (r.error ? String(r.error) : '') };
}

function detectSkipReason(): string | undefined {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not root: creating network namespaces needs root';
  for (const tool of ['ip', 'ping', 'traceroute', 'tcpdump']) {
    if (run('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is not installed (apt-get install -y iputils-ping traceroute iproute2 tcpdump)`;
  }
  const pv = run('ping', ['-V']);
  const pingVersion = pv.stdout + pv.stderr;
  if (!pingVersion.includes('20221126')) return `ping is not iputils 20221126: ${pingVersion.split('\n')[0] ?? ''}`;
  const trv = run('traceroute', ['--version']);
  const trVersion = trv.stdout + trv.stderr;
  if (!/version 2\.1\./.test(trVersion)) return `traceroute is not 2.1.x: ${trVersion.split('\n')[0] ?? ''}`;
  const probe = `${P}probe`;
  const add = run('ip', ['netns', 'add', probe]);
  if (add.status !== 0) return `ip netns add failed: ${add.stderr.trim()}`;
  run('ip', ['netns', 'del', probe]);
  return undefined;
}

const skipReason = detectSkipReason();
if (skipReason !== undefined) console.warn(`[real-tools oracle] skipped: ${skipReason}`);

const SETUP = `
set -e
P=${P}
for n in a r1 r2 b; do
  ip netns add $P$n
  ip -n $P$n link set lo up
  ip netns exec $P$n sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \\
    net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0 net.ipv4.icmp_msgs_per_sec=100000
done
ip link add ${P}a0 netns ${P}a type veth peer name ${P}r10 netns ${P}r1
ip link add ${P}r11 netns ${P}r1 type veth peer name ${P}r20 netns ${P}r2
ip link add ${P}r21 netns ${P}r2 type veth peer name ${P}b0 netns ${P}b
# link up before addressing: addresses added to a down veth make the first v6 neighbour solicitation get lost (1 s stall)
addr() { ip -n $P$1 link set $P$2 up; ip -n $P$1 addr add $3 dev $P$2; ip -n $P$1 -6 addr add $4 dev $P$2 nodad; }
addr a a0 10.0.0.2/24 fd00:0::2/64
addr r1 r10 10.0.0.1/24 fd00:0::1/64
addr r1 r11 10.0.1.1/24 fd00:1::1/64
addr r2 r20 10.0.1.2/24 fd00:1::2/64
addr r2 r21 10.0.2.1/24 fd00:2::1/64
addr b b0 10.0.2.2/24 fd00:2::2/64
for i in 3 4 5 6; do ip -n ${P}a addr add 10.0.0.$i/24 dev ${P}a0; done
for n in r1 r2; do ip netns exec $P$n sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1; done
ip -n ${P}a route add default via 10.0.0.1
ip -n ${P}a -6 route add default via fd00:0::1
ip -n ${P}r1 route add 10.0.2.0/24 via 10.0.1.2
ip -n ${P}r1 -6 route add fd00:2::/64 via fd00:1::2
ip -n ${P}r2 route add 10.0.0.0/24 via 10.0.1.1
ip -n ${P}r2 -6 route add fd00::/64 via fd00:1::1
ip -n ${P}b route add default via 10.0.2.1
ip -n ${P}b -6 route add default via fd00:2::1
ip -n ${P}r1 link set ${P}r11 mtu 1400
ip -n ${P}r2 link set ${P}r20 mtu 1400
ip -n ${P}r1 route add unreachable 10.0.8.0/24
ip -n ${P}r1 route add prohibit 10.0.7.0/24
ip -n ${P}r1 -6 route add unreachable fd00:8::/64
ip -n ${P}r1 -6 route add prohibit fd00:7::/64
ip -n ${P}r2 rule add pref 100 iif lo ipproto icmp to 10.0.0.0/24 lookup 100
ip -n ${P}r2 route add blackhole 10.0.0.0/24 table 100
`;

function inA(cmd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return run('ip', ['netns', 'exec', NS.a, cmd, ...args]);
}

/** stdout split into lines, without the empty string after the final newline. */
function outputLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** "0.523" → 523, "12.3" → 12300, "2049" → 2049000: a µs value that prints back the same way. */
function printedMsToUs(ms: string): number {
  const [int = '0', frac = ''] = ms.split('.');
  return Number(int) * 1000 + Number(frac.padEnd(3, '0'));
}

interface PingExpectation {
  v6: boolean;
  replies: number;
  /** Kinds of the "From ..." lines, in order. */
  errors?: PingErrorKind[];
  mtu?: number;
}

/** Replays one real ping run through our formatters, line by line. */
function checkPing(stdout: string, want: PingExpectation): void {
  const lines = outputLines(stdout);
  const header = lines[0] ?? '';
  const h4 = /^PING (\S+) \((\S+)\) (?:from (\S+) (\S*): )?(\d+)\((\d+)\) bytes of data\.$/.exec(header);
  const h6 = /^PING (\S+)\((\S+)(?: \((\S+)\))?\) (\d+) data bytes$/.exec(header);
  if (want.v6) {
    expect(h6, `header: ${header}`).not.toBeNull();
    const [, target = '', first = '', second, dataLen = ''] = h6 ?? [];
    const named = second === undefined ? {} : { addressName: first };
    expect(formatPingHeader({ target, address: second ?? first, v6: true, dataLen: Number(dataLen), ...named })).toBe(header);
  } else {
    expect(h4, `header: ${header}`).not.toBeNull();
    const [, target = '', address = '', source, device, dataLen = ''] = h4 ?? [];
    const from = source === undefined ? {} : { source, ...(device ? { device } : {}) };
    expect(formatPingHeader({ target, address, v6: false, dataLen: Number(dataLen), ...from })).toBe(header);
  }

  const blank = lines.indexOf('', 1);
  expect(blank).toBeGreaterThan(0);
  const rtts: number[] = [];
  const rttTexts: string[] = [];
  let errorIdx = 0;
  let duplicates = 0;
  for (const line of lines.slice(1, blank)) {
    const reply = /^(\d+) bytes from (.+): icmp_seq=(\d+) ttl=(\d+) time=([\d.]+) ms( \(DUP!\))?$/.exec(line);
    if (reply) {
      const [, bytes = '', from = '', seq = '', ttl = '', time = '', dup] = reply;
      const rttUs = printedMsToUs(time);
      rtts.push(rttUs);
      rttTexts.push(time);
      if (dup) duplicates++;
      expect(formatPingReply({ bytes: Number(bytes), from, seq: Number(seq), ttl: Number(ttl), rttUs, duplicate: dup !== undefined })).toBe(line);
      expect(formatPingRtt(rttUs)).toBe(time);
      continue;
    }
    const err = /^From (\S+(?: \(\S+\))?) icmp_seq=(\d+) (.+)$/.exec(line);
    expect(err, `unexpected ping line: ${line}`).not.toBeNull();
    if (!err) continue;
    const [, from = '', seq = ''] = err;
    const kind = want.errors?.[errorIdx++];
    expect(kind, `unexpected error line: ${line}`).toBeDefined();
    if (kind === undefined) continue;
    expect(formatPingError({ from, seq: Number(seq), kind, ...(want.mtu === undefined ? {} : { mtu: want.mtu }) })).toBe(line);
  }
  expect(rtts.length - duplicates).toBe(want.replies);
  expect(errorIdx).toBe(want.errors?.length ?? 0);

  // statistics block: "", "--- x ping statistics ---", summary, rtt line (or "")
  const statsLines = lines.slice(blank);
  expect(statsLines).toHaveLength(4);
  const titled = /^--- (\S+) ping statistics ---$/.exec(statsLines[1] ?? '');
  const summary = /^(\d+) packets transmitted, (\d+) received(?:, \+(\d+) duplicates)?(?:, \+(\d+) errors)?, ([\d.]+)% packet loss, time (\d+)ms$/.exec(statsLines[2] ?? '');
  expect(titled, statsLines[1]).not.toBeNull();
  expect(summary, statsLines[2]).not.toBeNull();
  if (!titled || !summary) return;
  const rttLine = statsLines[3] ?? '';
  const pipe = /pipe (\d+)$/.exec(rttLine);
  const stats: PingStats = {
    target: titled[1] ?? '',
    transmitted: Number(summary[1]),
    received: Number(summary[2]),
    duplicates: Number(summary[3] ?? 0),
    errors: Number(summary[4] ?? 0),
    elapsedMs: Number(summary[6]),
    rttsUs: rtts,
    ...(pipe ? { pipe: Number(pipe[1]) } : {}),
  };
  expect(stats.received).toBe(want.replies);
  const ours = formatPingStats(stats);
  expect(ours.slice(0, 3)).toEqual(statsLines.slice(0, 3));
  if (rttTexts.length === 0) {
    // no replies: no rtt line (or the same trailing line) on both sides
    expect(ours[3]).toBe(rttLine);
  } else if (rttTexts.every((t) => /^\d+\.\d{3}$/.test(t))) {
    // Every reply time was printed to the microsecond, so min/avg/max are reproducible exactly.
    // mdev is not quite: iputils computes it from its internal (sub-microsecond) times, so the
    // printed times can put it one microsecond either way.
    const re = /^(rtt min\/avg\/max\/mdev = \d+\.\d{3}\/\d+\.\d{3}\/\d+\.\d{3}\/)(\d+\.\d{3})( ms.*)$/;
    const real = re.exec(rttLine);
    const mine = re.exec(ours[3] ?? '');
    expect(real, rttLine).not.toBeNull();
    expect(mine?.[1], ours[3]).toBe(real?.[1]);
    expect(mine?.[3]).toBe(real?.[3]);
    expect(Math.abs(Number(mine?.[2]) - Number(real?.[2]))).toBeLessThanOrEqual(0.0011);
  } else {
    // times above 1 ms lose digits: compare the shape, and min/avg/max within the lost precision
    const re = /^rtt min\/avg\/max\/mdev = (\d+\.\d{3})\/(\d+\.\d{3})\/(\d+\.\d{3})\/(\d+\.\d{3}) ms/;
    const real = re.exec(rttLine);
    const mine = re.exec(ours[3] ?? '');
    expect(real, rttLine).not.toBeNull();
    expect(mine, ours[3]).not.toBeNull();
    for (const i of [1, 2, 3]) expect(Math.abs(Number(real?.[i]) - Number(mine?.[i]))).toBeLessThan(0.5);
  }
}

/** Parses one real hop line into probes (address changes, "*", rtts, "!X" annotations). */
function parseHop(line: string): { ttl: number; probes: TracerouteProbe[] } {
  const m = /^([ \d]\d|\d{3}) (.*)$/.exec(line);
  expect(m, `hop line: ${line}`).not.toBeNull();
  const tokens = (m?.[2] ?? '').split(' ').filter((t) => t !== '');
  const probes: TracerouteProbe[] = [];
  let address: string | undefined;
  let name: string | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i] ?? '';
    if (tok === '*') {
      probes.push({});
    } else if (/^\d+\.\d{3}$/.test(tok) && tokens[i + 1] === 'ms') {
      probes.push({ ...(address === undefined ? {} : { address }), ...(name === undefined ? {} : { name }), rttUs: printedMsToUs(tok) });
      i++;
    } else if (tok.startsWith('!')) {
      const last = probes[probes.length - 1];
      expect(last, `annotation without probe: ${line}`).toBeDefined();
      if (last) last.annotation = tok;
    } else if (/^\(.+\)$/.test(tok)) {
      name = address;
      address = tok.slice(1, -1);
    } else {
      address = tok;
      name = undefined;
    }
  }
  return { ttl: Number(m?.[1]), probes };
}

/** Replays one real traceroute run through our formatters; returns the parsed hops. */
function checkTraceroute(stdout: string, numeric: boolean): Array<{ ttl: number; probes: TracerouteProbe[] }> {
  const lines = outputLines(stdout);
  const header = lines[0] ?? '';
  const h = /^traceroute to (\S+) \((\S+)\), (\d+) hops max, (\d+) byte packets$/.exec(header);
  expect(h, header).not.toBeNull();
  expect(formatTracerouteHeader({ target: h?.[1] ?? '', address: h?.[2] ?? '', maxHops: Number(h?.[3]), packetLen: Number(h?.[4]) })).toBe(header);
  const hops = lines.slice(1).map(parseHop);
  hops.forEach((hop, i) => {
    expect(hop.ttl).toBe(i + 1);
    expect(formatTracerouteHop(hop.ttl, hop.probes, { numeric })).toBe(lines[i + 1]);
  });
  return hops;
}

describe.skipIf(skipReason !== undefined)(`real ping/traceroute oracle${skipReason === undefined ? '' : ` (skipped: ${skipReason})`}`, () => {
  const samples: string[] = [];

  const etcDir = `/etc/netns/${NS.a}`;

  beforeAll(() => {
    mkdirSync(etcDir, { recursive: true });
    writeFileSync(`${etcDir}/hosts`, '127.0.0.1 localhost\n10.0.2.2 bee\nfd00:2::2 bee6\nfd00::1 rtr1v6\n');
    writeFileSync(`${etcDir}/resolv.conf`, 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n');
    const r = run('bash', ['-c', SETUP]);
    if (r.status !== 0) throw new Error(`namespace setup failed (${r.status}): ${r.stderr}`);
  });

  afterAll(() => {
    for (const ns of Object.values(NS)) run('ip', ['netns', 'del', ns]);
    rmSync(etcDir, { recursive: true, force: true });
    try {
      rmdirSync('/etc/netns'); // only succeeds when empty, i.e. when nobody else uses it
    } catch {
      // in use by other namespaces, or already gone
    }
    if (process.env.STACKSCOPE_ORACLE_PRINT) console.log(samples.join('\n\n'));
  });

  function ping(...args: string[]): { stdout: string; stderr: string } {
    const r = inA('ping', ...args);
    samples.push(`$ ping ${args.join(' ')}\n${r.stdout}${r.stderr}`);
    return r;
  }

  function traceroute(...args: string[]): { stdout: string; stderr: string } {
    const r = inA('traceroute', ...args);
    samples.push(`$ traceroute ${args.join(' ')}\n${r.stdout}${r.stderr}`);
    expect(r.stderr).toBe('');
    return r;
  }

  it('ping -c 3 -i 0.2 (v4 replies and statistics)', () => {
    const r = ping('-c', '3', '-i', '0.2', '10.0.2.2');
    expect(r.stderr).toBe('');
    checkPing(r.stdout, { v6: false, replies: 3 });
  });

  it('ping -6 -c 2 -i 0.2 (v6 replies and statistics)', () => {
    const r = ping('-6', '-c', '2', '-i', '0.2', 'fd00:2::2');
    expect(r.stderr).toBe('');
    checkPing(r.stdout, { v6: true, replies: 2 });
  });

  it('ping -c 2 -t 1 (TTL exceeded from the first router)', () => {
    const r = ping('-c', '2', '-i', '0.2', '-t', '1', '10.0.2.2');
    expect(r.stdout).toContain('From 10.0.0.1 icmp_seq=1 ');
    checkPing(r.stdout, { v6: false, replies: 0, errors: ['ttlExceeded', 'ttlExceeded'] });
  });

  it('ping -6 -c 2 -t 1 (hop limit exceeded)', () => {
    const r = ping('-6', '-c', '2', '-i', '0.2', '-t', '1', 'fd00:2::2');
    expect(r.stdout).toContain('From fd00::1 icmp_seq=1 ');
    checkPing(r.stdout, { v6: true, replies: 0, errors: ['v6HopLimitExceeded', 'v6HopLimitExceeded'] });
  });

  it('ping through a silent router: no reply, no error, trailing empty line', () => {
    const r = ping('-c', '1', '-W', '0.3', '-t', '2', '10.0.2.2');
    checkPing(r.stdout, { v6: false, replies: 0 });
  });

  it('ping to unreachable / prohibited destinations (v4 and v6)', () => {
    // Linux routers share one ICMP token bucket per offending source between time-exceeded and
    // route errors, and the -t 1 pings above emptied 10.0.0.2's: use fresh sources (-I), which
    // also puts the "from <source> : " form of the header under the oracle.
    checkPing(ping('-c', '1', '-W', '1', '-I', '10.0.0.4', '10.0.9.9').stdout, { v6: false, replies: 0, errors: ['netUnreachable'] });
    checkPing(ping('-c', '1', '-W', '1', '-I', '10.0.0.5', '10.0.8.8').stdout, { v6: false, replies: 0, errors: ['hostUnreachable'] });
    checkPing(ping('-c', '1', '-W', '1', '-I', '10.0.0.6', '10.0.7.7').stdout, { v6: false, replies: 0, errors: ['adminProhibited'] });
    checkPing(ping('-c', '1', '-W', '1', '-I', `${NS.a}0`, '10.0.2.2').stdout, { v6: false, replies: 1 });
    checkPing(ping('-6', '-c', '1', '-W', '1', 'fd00:8::8').stdout, { v6: true, replies: 0, errors: ['v6NoRoute'] });
    checkPing(ping('-6', '-c', '1', '-W', '1', 'fd00:7::7').stdout, { v6: true, replies: 0, errors: ['v6AdminProhibited'] });
  });

  it('ping -M do -s 1400 (frag needed, then local "message too long")', () => {
    const r4 = ping('-c', '2', '-i', '0.2', '-M', 'do', '-s', '1400', '10.0.2.2');
    checkPing(r4.stdout, { v6: false, replies: 0, errors: ['fragNeeded'], mtu: 1400 });
    const local4 = outputLines(r4.stderr);
    expect(local4.length).toBeGreaterThan(0);
    for (const line of local4) expect(line).toBe(formatPingLocalError('messageTooLong', 1400));

    const r6 = ping('-6', '-c', '2', '-i', '0.2', '-M', 'do', '-s', '1400', 'fd00:2::2');
    checkPing(r6.stdout, { v6: true, replies: 0, errors: ['v6PacketTooBig'], mtu: 1400 });
    const local6 = outputLines(r6.stderr);
    expect(local6.length).toBeGreaterThan(0);
    for (const line of local6) expect(line).toBe(formatPingLocalError('messageTooLong', 1400, true));
  });

  it('ping -M want -s 1472 after "frag needed": Linux fragments at the learned path MTU itself, the router does not (what test/engine/l3.test.ts checks of the engine)', () => {
    inA('ip', 'route', 'flush', 'cache');
    // Capture on a's own link while it pings: every IPv4 packet a sends, with its flags and length.
    const script = `timeout -s INT 4 tcpdump -n -v -l -i ${NS.a}0 'icmp and src host 10.0.0.2' 2>/dev/null & sleep 1; ping -c 3 -i 0.3 -W 1 -s 1472 10.0.2.2 >/dev/null; wait`;
    const r = inA('sh', '-c', script);
    samples.push(`$ tcpdump -n -v (on a0) during ping -c 3 -s 1472 10.0.2.2\n${r.stdout}`);
    const sent = [...r.stdout.matchAll(/offset (\d+), flags \[([^\]]*)\], proto ICMP \(1\), length (\d+)\)/g)].map((m) => `${m[3]} ${m[2]} @${m[1]}`);
    expect(sent).toEqual([
      // The first request, DF set, bounces off the 1400-byte link ("frag needed").
      '1500 DF @0',
      // Then a fragments to the path MTU itself: 20 + 1376 and 20 + 104 bytes.
      '1396 + @0',
      '124 none @1376',
      '1396 + @0',
      '124 none @1376',
    ]);
  });

  it('ping -6 -s 1452 over the 1400-byte link: after Packet Too Big the source fragments (1352 + 108), and so does the replier once told (what test/engine/l3.test.ts checks of the engine)', () => {
    inA('ip', '-6', 'route', 'flush', 'cache');
    run('ip', ['netns', 'exec', NS.b, 'ip', '-6', 'route', 'flush', 'cache']);
    const script = `timeout -s INT 5 tcpdump -n -l -i ${NS.a}0 'ip6 and src host fd00::2 and not icmp6[0] >= 133' 2>/dev/null & sleep 1; ping -6 -c 4 -i 0.3 -W 1 -s 1452 fd00:2::2; wait`;
    const r = inA('sh', '-c', script);
    samples.push(`$ tcpdump -n (on a0) during ping -6 -c 4 -s 1452 fd00:2::2\n${r.stdout}`);
    const sent = outputLines(r.stdout)
      .filter((l) => / IP6 fd00::2 > /.test(l))
      .map((l) => l.replace(/^\S+ IP6 fd00::2 > fd00:2::2: /, '').replace(/id \d+/, 'id ID'));
    expect(sent).toEqual([
      'ICMP6, echo request, id ID, seq 1, length 1460',
      ...[2, 3, 4].flatMap((seq) => [`frag (0|1352) ICMP6, echo request, id ID, seq ${seq}, length 1352`, 'frag (1352|108)']),
    ]);
    const printed = outputLines(r.stdout).filter((l) => / bytes from |^From |packets transmitted/.test(l));
    expect(printed.map((l) => l.replace(/ time=.*/, ''))).toEqual([
      'From fd00::1 icmp_seq=1 Packet too big: mtu=1400',
      '1460 bytes from fd00:2::2: icmp_seq=3 ttl=62',
      '1460 bytes from fd00:2::2: icmp_seq=4 ttl=62',
      expect.stringMatching(/^4 packets transmitted, 2 received, \+1 errors, 50% packet loss, time \d+ms$/),
    ]);
  });

  it('Linux NUD: a router that learned a host from its ARP request (STALE) and answered through it probes it by unicast 5 s later (what test/engine/l2.test.ts checks of the engine)', () => {
    inA('ip', 'neigh', 'flush', 'all');
    run('ip', ['netns', 'exec', NS.r1, 'ip', 'neigh', 'flush', 'all']);
    const mac = inA('cat', `/sys/class/net/${NS.a}0/address`).stdout.trim();
    const script = `timeout -s INT 8 tcpdump -tt -n -e -l -i ${NS.a}0 'arp or icmp' 2>/dev/null & sleep 1; ping -c 1 -W 1 10.0.0.1 >/dev/null; wait`;
    const r = inA('sh', '-c', script);
    samples.push(`$ tcpdump -tt -n -e (on a0) during ping -c 1 10.0.0.1, 8 s\n${r.stdout}`);
    const lines = outputLines(r.stdout);
    const at = (re: RegExp): number[] => lines.filter((l) => re.test(l)).map((l) => Number(l.split(' ')[0]));
    const broadcast = at(/ > ff:ff:ff:ff:ff:ff, ethertype ARP .*Request who-has 10\.0\.0\.1 tell 10\.0\.0\.2/);
    const echoReply = at(/ICMP echo reply/);
    const probe = at(new RegExp(` > ${mac}, ethertype ARP .*Request who-has 10\\.0\\.0\\.2 tell 10\\.0\\.0\\.1`));
    expect(broadcast).toHaveLength(1);
    expect(echoReply).toHaveLength(1);
    expect(probe).toHaveLength(1);
    expect(probe[0]! - echoReply[0]!).toBeGreaterThan(4.5);
    expect(probe[0]! - echoReply[0]!).toBeLessThan(6);
  });

  it('traceroute -n (UDP) with a silent hop', () => {
    const hops = checkTraceroute(traceroute('-n', '10.0.2.2').stdout, true);
    expect(hops.map((h) => h.probes.map((p) => p.address ?? '*').join(' '))).toEqual(['10.0.0.1 10.0.0.1 10.0.0.1', '* * *', '10.0.2.2 10.0.2.2 10.0.2.2']);
  });

  it('traceroute -n -I (ICMP echo) with a silent hop', () => {
    const hops = checkTraceroute(traceroute('-n', '-I', '10.0.2.2').stdout, true);
    expect(hops.map((h) => h.probes.map((p) => p.address ?? '*').join(' '))).toEqual(['10.0.0.1 10.0.0.1 10.0.0.1', '* * *', '10.0.2.2 10.0.2.2 10.0.2.2']);
  });

  it('ping and traceroute by name (name (addr) display, canonical names)', () => {
    const r4 = ping('-c', '2', '-i', '0.2', 'bee');
    expect(r4.stdout).toContain('64 bytes from bee (10.0.2.2): icmp_seq=1 ');
    checkPing(r4.stdout, { v6: false, replies: 2 });
    const r6 = ping('-6', '-c', '1', 'bee6');
    expect(r6.stdout.split('\n')[0]).toBe('PING bee6(bee6 (fd00:2::2)) 56 data bytes');
    checkPing(r6.stdout, { v6: true, replies: 1 });
    const e6 = ping('-6', '-c', '1', '-t', '1', 'bee6');
    expect(e6.stdout).toContain('From rtr1v6 (fd00::1) icmp_seq=1 ');
    checkPing(e6.stdout, { v6: true, replies: 0, errors: ['v6HopLimitExceeded'] });

    const hops = checkTraceroute(traceroute('bee').stdout, false);
    expect(hops.map((h) => h.probes.map((p) => (p.address === undefined ? '*' : `${p.name ?? ''}|${p.address}`)).join(' '))).toEqual([
      '10.0.0.1|10.0.0.1 10.0.0.1|10.0.0.1 10.0.0.1|10.0.0.1',
      '* * *',
      'bee|10.0.2.2 bee|10.0.2.2 bee|10.0.2.2',
    ]);
    const hops6 = checkTraceroute(traceroute('-6', 'bee6').stdout, false);
    expect(hops6.map((h) => h.probes[0]?.name)).toEqual(['rtr1v6', 'fd00:1::2', 'bee6']);
  });

  it('traceroute -6 -n (all hops answer)', () => {
    const hops = checkTraceroute(traceroute('-6', '-n', 'fd00:2::2').stdout, true);
    expect(hops.map((h) => h.probes[0]?.address)).toEqual(['fd00::1', 'fd00:1::2', 'fd00:2::2']);
  });

  it('traceroute annotations: !X !N (v6), !H (v4), !F-1400', () => {
    const x = checkTraceroute(traceroute('-6', '-n', 'fd00:7::7').stdout, true);
    expect(x[0]?.probes.map((p) => p.annotation)).toEqual(['!X', '!X', '!X']);
    const nn = checkTraceroute(traceroute('-6', '-n', 'fd00:8::8').stdout, true);
    expect(nn[0]?.probes.map((p) => p.annotation)).toEqual(['!N', '!N', '!N']);
    // a fresh source address: the kernel's per-source budget for route errors was used by the pings above
    const h = checkTraceroute(traceroute('-n', '-s', '10.0.0.3', '10.0.8.8').stdout, true);
    expect(h[0]?.probes.some((p) => p.annotation === '!H')).toBe(true);
    const f = checkTraceroute(traceroute('-n', '-F', '10.0.2.2', '1500').stdout, true);
    expect(f.flatMap((hop) => hop.probes).some((p) => p.annotation === '!F-1400')).toBe(true);
  });
});
