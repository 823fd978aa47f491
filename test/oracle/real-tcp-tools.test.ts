/**
 * Oracle test: run the REAL iperf3 (3.12), OpenBSD netcat (netcat-openbsd 1.219) and ss
 * (iproute2 6.1) between two throw-away network namespaces, parse the facts out of every line they
 * print (addresses, ports, byte counts, rates, tcp_info fields), feed those facts to our formatters
 * and require byte-identical lines, trailing spaces included.
 *
 * Topology (created here, deleted in afterAll):
 *
 *   A 10.0.0.1 ──veth── B 10.0.0.2
 *
 * - A routes 10.0.9.0/24 via B, which does not forward: SYNs to 10.0.9.9 vanish (timeouts).
 *   A's tcp_syn_retries is 1, so the kernel gives up a connect after ~3 s instead of ~2 min.
 * - Both namespaces get an nsswitch.conf with "hosts: files" and their own /etc/hosts (A knows
 *   bee = 10.0.0.2), so name lookups never wait for DNS (`ip netns exec` bind-mounts
 *   /etc/netns/<ns>/*).
 *
 * Debian packages: iperf3, netcat-openbsd, iproute2, bsdutils (`script`, for ss on a terminal).
 * Skipped (with the reason in the suite name) when not root, when `ip netns` does not work, or
 * when a tool is missing or not the version these formatters copy.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  formatIperfAccepted,
  formatIperfBadOption,
  formatIperfConnected,
  formatIperfConnecting,
  formatIperfDone,
  formatIperfError,
  formatIperfHeader,
  formatIperfInterval,
  formatIperfMissingArgument,
  formatIperfParameterError,
  formatIperfReverse,
  formatIperfServerListening,
  formatIperfSummary,
  formatIperfUnrecognizedOption,
  formatIperfUsage,
  IPERF_ERRORS,
  IPERF_PARAMETER_ERRORS,
  IPERF_SEPARATOR,
  IPERF_SERVER_RULE,
  iperfUnits,
} from '../../src/engine/apps/iperf3-format.ts';
import type { IperfReportLine } from '../../src/engine/apps/iperf3-format.ts';
import {
  formatNcBadOption,
  formatNcBadPort,
  formatNcConnectFailed,
  formatNcConnectionReceived,
  formatNcConnectionSucceeded,
  formatNcError,
  formatNcHelp,
  formatNcListening,
  formatNcMissingArgument,
  formatNcUsage,
  NC_ERRORS,
} from '../../src/engine/apps/nc-format.ts';
import { cFormatFixed } from '../../src/engine/apps/ping-format.ts';
import { formatSs, ssBandwidth, ssSendBps } from '../../src/engine/apps/ss-format.ts';
import type { SsSocket, SsState, SsTcpInfo } from '../../src/engine/apps/ss-format.ts';

const P = `st${process.pid}`;
const NS = { a: `${P}a`, b: `${P}b` } as const;
const ADDR = { a: '10.0.0.1', b: '10.0.0.2' } as const;

interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], input?: string): RunResult {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 15_000, ...(input === undefined ? {} : { input }) });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? (r.error ? String(r.error) : '') };
}

function inNs(ns: string, cmd: string, args: string[], input?: string): RunResult {
  return run('ip', ['netns', 'exec', ns, cmd, ...args], input);
}

function firstLine(r: RunResult): string {
  return (r.stdout + r.stderr).split('\n')[0] ?? '';
}

function detectSkipReason(): string | undefined {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not root: creating network namespaces needs root';
  const pkgs: Record<string, string> = { ip: 'iproute2', ss: 'iproute2', iperf3: 'iperf3', nc: 'netcat-openbsd', script: 'bsdutils' };
  for (const [tool, pkg] of Object.entries(pkgs)) {
    if (run('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is not installed (apt-get install -y ${pkg})`;
  }
  const iv = firstLine(run('iperf3', ['-v']));
  if (!iv.startsWith('iperf 3.12 ')) return `iperf3 is not 3.12: ${iv}`;
  const nv = firstLine(run('nc', ['-h']));
  if (!nv.startsWith('OpenBSD netcat (Debian patchlevel 1.219')) return `nc is not netcat-openbsd 1.219: ${nv}`;
  const sv = firstLine(run('ss', ['-V']));
  if (!sv.includes('iproute2-6.1')) return `ss is not iproute2 6.1: ${sv}`;
  const probe = `${P}probe`;
  const add = run('ip', ['netns', 'add', probe]);
  if (add.status !== 0) return `ip netns add failed: ${add.stderr.trim()}`;
  run('ip', ['netns', 'del', probe]);
  return undefined;
}

const skipReason = detectSkipReason();
if (skipReason !== undefined) console.warn(`[real-tcp-tools oracle] skipped: ${skipReason}`);

const SETUP = `
set -e
ip netns add ${NS.a}
ip netns add ${NS.b}
ip link add ${P}a0 netns ${NS.a} type veth peer name ${P}b0 netns ${NS.b}
for n in a b; do
  ip -n ${P}$n link set lo up
  ip -n ${P}$n link set ${P}\${n}0 up
done
ip -n ${NS.a} addr add ${ADDR.a}/24 dev ${P}a0
ip -n ${NS.b} addr add ${ADDR.b}/24 dev ${P}b0
ip -n ${NS.a} route add 10.0.9.0/24 via ${ADDR.b}
ip netns exec ${NS.a} sysctl -qw net.ipv4.tcp_syn_retries=1
`;

// ---------------------------------------------------------------------------------------------
// Background processes
// ---------------------------------------------------------------------------------------------

interface Background {
  proc: ChildProcess;
  out: () => string;
  err: () => string;
  /** Resolves with the exit status; kills the process if it has not exited within timeoutMs. */
  done: (timeoutMs?: number) => Promise<number | null>;
}

const children = new Set<ChildProcess>();

function startInNs(ns: string, cmd: string, args: string[], keepStdinOpen = false): Background {
  const proc = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: [keepStdinOpen ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  children.add(proc);
  let out = '';
  let err = '';
  proc.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
  proc.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => {
    proc.on('close', (code) => {
      children.delete(proc);
      resolve(code);
    });
  });
  return {
    proc,
    out: () => out,
    err: () => err,
    done: async (timeoutMs = 10_000) => {
      const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until something in `ns` listens on TCP `port`. */
async function waitListening(ns: string, port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (inNs(ns, 'ss', ['-Htln', `sport = :${port}`]).stdout.trim() !== '') return;
    await sleep(30);
  }
  throw new Error(`nothing listens on ${port} in ${ns}`);
}

/** stdout split into lines, without the empty string after the final newline. */
function outputLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

// ---------------------------------------------------------------------------------------------
// iperf3
// ---------------------------------------------------------------------------------------------

const BYTE_UNIT: Record<string, number> = { Byte: 1, KByte: 1024, MByte: 1024 ** 2, GByte: 1024 ** 3, TByte: 1024 ** 4 };
const BIT_UNIT: Record<string, number> = { bit: 1, Kbit: 1e3, Mbit: 1e6, Gbit: 1e9, Tbit: 1e12 };

/**
 * A quantity that prints back the same: the printed value in its unit. A value printed as 1000
 * (bits) or 1024 (bytes) came from just below the next unit, so use a value from that range.
 */
function printedQuantity(value: string, unit: string, table: Record<string, number>, base: number): number {
  const factor = table[unit];
  expect(factor, `unit ${unit}`).toBeDefined();
  const v = Number(value);
  return (v >= base - 0.5 ? base - 0.3 : v) * (factor ?? 1);
}

const REPORT_RE =
  /^\[( {2}\d| \d\d|\d{3}|SUM)\] {1,3}(\d+\.\d\d)-(\d+\.\d\d) +sec {2}([ \d.]{4}) (\w+)s {2}([ \d.]{4}) (\w+)s\/sec(?: {2}( *\d+)(?: {3}([ \d.]{4}) (\w+)s)?)? +(sender|receiver)?$/;

interface ParsedReport {
  line: IperfReportLine;
  kind?: 'sender' | 'receiver';
  text: string;
}

/** Parses one interval/summary line into the facts behind it (printed precision). */
function parseReport(text: string): ParsedReport | undefined {
  const m = REPORT_RE.exec(text);
  if (!m) return undefined;
  const [, id = '', start = '', end = '', xfer = '', xferUnit = '', rate = '', rateUnit = '', retr, cwnd, cwndUnit, kind] = m;
  const line: IperfReportLine = {
    id: id === 'SUM' ? 'SUM' : Number(id),
    start: Number(start),
    end: Number(end),
    bytes: printedQuantity(xfer.trim(), xferUnit, BYTE_UNIT, 1024),
    bitsPerSecond: printedQuantity(rate.trim(), rateUnit, BIT_UNIT, 1000),
    ...(retr === undefined ? {} : { retr: Number(retr) }),
    ...(cwnd === undefined || cwndUnit === undefined ? {} : { cwndBytes: printedQuantity(cwnd.trim(), cwndUnit, BYTE_UNIT, 1024) }),
  };
  return { line, text, ...(kind === undefined ? {} : { kind: kind as 'sender' | 'receiver' }) };
}

interface IperfTranscript {
  intervals: ParsedReport[];
  summaries: ParsedReport[];
  headers: string[];
  local?: { address: string; port: number };
  remote?: { address: string; port: number };
}

/**
 * Replays a real iperf3 client or server transcript through our formatters, line by line. Every
 * line must be one our formatters produce, byte for byte.
 */
function checkIperf(stdout: string, role: 'client' | 'server', target: string, reverse = false): IperfTranscript {
  const lines = outputLines(stdout);
  const t: IperfTranscript = { intervals: [], summaries: [], headers: [] };
  let afterSeparator = false;
  for (const [i, line] of lines.entries()) {
    let m: RegExpExecArray | null;
    if ((m = /^Connecting to host (\S+), port (\d+)$/.exec(line))) {
      expect(m[1]).toBe(target);
      expect(formatIperfConnecting(m[1] ?? '', Number(m[2]))).toBe(line);
    } else if ((m = /^Reverse mode, remote host (\S+) is sending$/.exec(line))) {
      expect(reverse).toBe(true);
      expect(formatIperfReverse(m[1] ?? '')).toBe(line);
    } else if ((m = /^\[ *(\d+)\] local (\S+) port (\d+) connected to (\S+) port (\d+)$/.exec(line))) {
      const c = { id: Number(m[1]), localAddress: m[2] ?? '', localPort: Number(m[3]), remoteAddress: m[4] ?? '', remotePort: Number(m[5]) };
      t.local = { address: c.localAddress, port: c.localPort };
      t.remote = { address: c.remoteAddress, port: c.remotePort };
      expect(formatIperfConnected(c)).toBe(line);
    } else if (line.startsWith('[ ID]')) {
      t.headers.push(line);
      const opts = { retr: line.includes('Retr'), cwnd: line.includes('Cwnd') };
      expect(formatIperfHeader(opts)).toBe(line);
    } else if (line === IPERF_SEPARATOR) {
      afterSeparator = true;
    } else if (line === IPERF_SERVER_RULE) {
      expect(role).toBe('server');
    } else if ((m = /^Server listening on (\d+) \(test #(\d+)\)$/.exec(line))) {
      expect(formatIperfServerListening(Number(m[1]), Number(m[2]))).toEqual(lines.slice(i - 1, i + 2));
    } else if ((m = /^Accepted connection from (\S+), port (\d+)$/.exec(line))) {
      expect(formatIperfAccepted(m[1] ?? '', Number(m[2]))).toBe(line);
    } else if (line === '' || line === 'iperf Done.') {
      expect(role).toBe('client');
      expect(lines.slice(-2)).toEqual(formatIperfDone());
    } else {
      const r = parseReport(line);
      expect(r, `unexpected iperf3 ${role} line: ${JSON.stringify(line)}`).toBeDefined();
      if (!r) continue;
      if (afterSeparator) {
        expect(r.kind, line).toBeDefined();
        expect(formatIperfSummary({ ...r.line, kind: r.kind ?? 'sender' })).toBe(line);
        t.summaries.push(r);
      } else {
        expect(r.kind, line).toBeUndefined();
        expect(formatIperfInterval(r.line)).toBe(line);
        t.intervals.push(r);
      }
    }
  }
  return t;
}

/** The interval layout each side must use: the sender shows Retr and Cwnd. */
function expectIperfShape(t: IperfTranscript, sending: boolean, summaryKinds: Array<'sender' | 'receiver'>): void {
  expect(t.intervals.length).toBeGreaterThan(0);
  for (const r of t.intervals) {
    expect(r.line.retr !== undefined, r.text).toBe(sending);
    expect(r.line.cwndBytes !== undefined, r.text).toBe(sending);
  }
  expect(t.summaries.map((s) => s.kind)).toEqual(summaryKinds);
  for (const s of t.summaries) expect(s.line.retr !== undefined, s.text).toBe(s.kind === 'sender');
}

/** Formats `line` with the rate from a duration known to ±1.5 µs, or undefined when that is ambiguous. */
function unambiguous(line: IperfReportLine, format: (l: IperfReportLine) => string): string | undefined {
  const s = line.seconds ?? line.end - line.start;
  const texts = new Set([0, 1.5e-6, -1.5e-6].map((d) => format({ ...line, seconds: s + d })));
  return texts.size === 1 ? [...texts][0] : undefined;
}

// ---------------------------------------------------------------------------------------------
// ss
// ---------------------------------------------------------------------------------------------

function parseEndpoint(text: string): { address: string; port: number } {
  const colon = text.lastIndexOf(':');
  expect(colon, text).toBeGreaterThan(0);
  const port = text.slice(colon + 1);
  return { address: text.slice(0, colon), port: port === '*' ? 0 : Number(port) };
}

/** Finds busy/limited µs values that print as the real "busy:Xms rwnd_limited:Yms(Z%)". */
function limitedUs(busyMs: number, limMs: number, pct: string): { busyUs: number; limUs: number } {
  for (let busyUs = busyMs * 1000; busyUs < busyMs * 1000 + 1000; busyUs++) {
    // limUs / busyUs must round to pct (one decimal): try the integers in that range
    const lo = Math.max(limMs * 1000, Math.floor(((Number(pct) - 0.06) / 100) * busyUs));
    const hi = Math.min(limMs * 1000 + 999, Math.ceil(((Number(pct) + 0.06) / 100) * busyUs));
    for (let limUs = lo; limUs <= hi; limUs++) {
      if (cFormatFixed((100.0 * limUs) / busyUs, 1) === pct) return { busyUs, limUs };
    }
  }
  throw new Error(`no µs values print as busy:${busyMs}ms limited:${limMs}ms(${pct}%)`);
}

/** Parses the text after the tab of an `ss -i` info line (numeric output). */
function parseSsInfo(text: string, sendChecks: Array<{ expected: string; actual: string }>): SsTcpInfo {
  const info: SsTcpInfo = {};
  const toks = text.trim().split(' ');
  const bps = (s: string | undefined): number => {
    expect(s, text).toMatch(/^\d+bps$/);
    return Number((s ?? '').replace(/bps$/, ''));
  };
  let busyMs: number | undefined;
  const limited: Array<{ key: 'rwndLimitedUs' | 'sndbufLimitedUs'; ms: number; pct: string }> = [];
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k] ?? '';
    if (t === 'ts' || t === 'sack' || t === 'ecn' || t === 'ecnseen' || t === 'fastopen') {
      info.options = { ...info.options, [t]: true };
      continue;
    }
    if (t === 'send') {
      info.sendBps = bps(toks[++k]);
      continue;
    }
    if (t === 'pacing_rate') {
      const [rate, max] = (toks[++k] ?? '').split('/');
      info.pacingRateBps = bps(rate);
      if (max !== undefined) info.pacingRateMaxBps = bps(max);
      continue;
    }
    if (t === 'delivery_rate') {
      info.deliveryRateBps = bps(toks[++k]);
      continue;
    }
    if (t === 'app_limited') {
      info.appLimited = true;
      continue;
    }
    const colon = t.indexOf(':');
    if (colon < 0) {
      expect(info.ccName, `second bare word in ${text}`).toBeUndefined();
      info.ccName = t;
      continue;
    }
    const key = t.slice(0, colon);
    const val = t.slice(colon + 1);
    const num = Number(val);
    switch (key) {
      case 'wscale': {
        const [snd, rcv] = val.split(',').map(Number);
        info.wscale = { snd: snd ?? 0, rcv: rcv ?? 0 };
        break;
      }
      case 'rto':
        info.rtoMs = num;
        break;
      case 'backoff':
        info.backoff = num;
        break;
      case 'rtt': {
        const [rtt, rttVar] = val.split('/').map(Number);
        info.rttMs = rtt ?? 0;
        info.rttVarMs = rttVar ?? 0;
        break;
      }
      case 'ato':
        info.atoMs = num;
        break;
      case 'mss':
        info.mss = num;
        break;
      case 'pmtu':
        info.pmtu = num;
        break;
      case 'rcvmss':
        info.rcvmss = num;
        break;
      case 'advmss':
        info.advmss = num;
        break;
      case 'cwnd':
        info.cwnd = num;
        break;
      case 'ssthresh':
        info.ssthresh = num;
        break;
      case 'bytes_sent':
        info.bytesSent = num;
        break;
      case 'bytes_retrans':
        info.bytesRetrans = num;
        break;
      case 'bytes_acked':
        info.bytesAcked = num;
        break;
      case 'bytes_received':
        info.bytesReceived = num;
        break;
      case 'segs_out':
        info.segsOut = num;
        break;
      case 'segs_in':
        info.segsIn = num;
        break;
      case 'data_segs_out':
        info.dataSegsOut = num;
        break;
      case 'data_segs_in':
        info.dataSegsIn = num;
        break;
      case 'bbr': {
        const m = /^\(bw:(\d+)bps,mrtt:([\d.e+-]+)(?:,pacing_gain:([\d.e+-]+))?(?:,cwnd_gain:([\d.e+-]+))?\)$/.exec(val);
        expect(m, t).not.toBeNull();
        info.bbrInfo = {
          bwBps: Number(m?.[1]),
          mrttMs: Number(m?.[2]),
          ...(m?.[3] === undefined ? {} : { pacingGain: Number(m[3]) }),
          ...(m?.[4] === undefined ? {} : { cwndGain: Number(m[4]) }),
        };
        break;
      }
      case 'dctcp': {
        if (val === 'fallback_mode') {
          info.dctcp = 'fallback';
        } else {
          const m = /^\(ce_state:(\d+),alpha:(\d+),ab_ecn:(\d+),ab_tot:(\d+)\)$/.exec(val);
          expect(m, t).not.toBeNull();
          info.dctcp = { ceState: Number(m?.[1]), alpha: Number(m?.[2]), abEcn: Number(m?.[3]), abTot: Number(m?.[4]) };
        }
        break;
      }
      case 'lastsnd':
        info.lastsndMs = num;
        break;
      case 'lastrcv':
        info.lastrcvMs = num;
        break;
      case 'lastack':
        info.lastackMs = num;
        break;
      case 'delivered':
        info.delivered = num;
        break;
      case 'delivered_ce':
        info.deliveredCe = num;
        break;
      case 'busy':
        expect(val).toMatch(/^\d+ms$/);
        busyMs = Number(val.replace(/ms$/, ''));
        info.busyUs = busyMs * 1000;
        break;
      case 'rwnd_limited':
      case 'sndbuf_limited': {
        const m = /^(\d+)ms\(([\d.]+)%\)$/.exec(val);
        expect(m, t).not.toBeNull();
        limited.push({ key: key === 'rwnd_limited' ? 'rwndLimitedUs' : 'sndbufLimitedUs', ms: Number(m?.[1]), pct: m?.[2] ?? '' });
        break;
      }
      case 'unacked':
        info.unacked = num;
        break;
      case 'retrans': {
        const [cur, total] = val.split('/').map(Number);
        info.retrans = cur ?? 0;
        info.retransTotal = total ?? 0;
        break;
      }
      case 'lost':
        info.lost = num;
        break;
      case 'sacked':
        info.sacked = num;
        break;
      case 'dsack_dups':
        info.dsackDups = num;
        break;
      case 'fackets':
        info.fackets = num;
        break;
      case 'reordering':
        info.reordering = num;
        break;
      case 'reord_seen':
        info.reordSeen = num;
        break;
      case 'rcv_rtt':
        info.rcvRttMs = num;
        break;
      case 'rcv_space':
        info.rcvSpace = num;
        break;
      case 'rcv_ssthresh':
        info.rcvSsthresh = num;
        break;
      case 'notsent':
        info.notsent = num;
        break;
      case 'minrtt':
        info.minRttMs = num;
        break;
      case 'rcv_ooopack':
        info.rcvOoopack = num;
        break;
      case 'snd_wnd':
        info.sndWnd = num;
        break;
      default:
        throw new Error(`unknown ss -i field ${t} in: ${text}`);
    }
  }
  for (const l of limited) {
    expect(busyMs, text).toBeDefined();
    const { busyUs, limUs } = limitedUs(busyMs ?? 0, l.ms, l.pct);
    info.busyUs = busyUs;
    info[l.key] = limUs;
  }
  // ss computes "send" from cwnd, mss and the µs rtt: check our helper reproduces it
  if (info.sendBps !== undefined && info.rttMs !== undefined && info.cwnd !== undefined && info.mss !== undefined && info.rttMs < 1000) {
    sendChecks.push({ expected: ssBandwidth(info.sendBps, true), actual: ssBandwidth(ssSendBps(info.cwnd, info.mss, Math.round(info.rttMs * 1000)), true) });
  }
  return info;
}

const SS_STATES: readonly string[] = ['ESTAB', 'SYN-SENT', 'SYN-RECV', 'FIN-WAIT-1', 'FIN-WAIT-2', 'TIME-WAIT', 'UNCONN', 'CLOSE-WAIT', 'LAST-ACK', 'LISTEN', 'CLOSING'];

/**
 * Replays a real `ss -t[a|l][i]n` table through formatSs(): parses every socket line (and info
 * line), renders the parsed rows and requires the identical text. Returns the parsed rows.
 */
function checkSs(stdout: string, opts: { info: boolean; screenWidth?: number }): SsSocket[] {
  const lines = outputLines(stdout.replace(/\r\n/g, '\n'));
  expect(lines[0], 'ss header').toMatch(/^State +Recv-Q +Send-Q +Local Address:Port +Peer Address:Port *Process *$/);
  const rows: SsSocket[] = [];
  const sendChecks: Array<{ expected: string; actual: string }> = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const f = line.trim().split(/\s+/);
    const [state = '', recvQ = '', sendQ = '', local = '', peer = '', ...rest] = f;
    expect(SS_STATES, line).toContain(state);
    const row: SsSocket = {
      state: state as SsState,
      recvQ: Number(recvQ),
      sendQ: Number(sendQ),
      local: parseEndpoint(local),
      peer: parseEndpoint(peer),
    };
    if (rest.length > 0) {
      const users = rest.join(' ');
      expect(users, line).toMatch(/^users:\(.*\)$/);
      row.users = users.slice('users:('.length, -1);
    }
    if (opts.info) {
      const infoLine = lines[++i] ?? '';
      expect(infoLine, `info line after ${line}`).toMatch(/^\t/);
      const text = infoLine.slice(1).replace(/ +$/, '');
      if (text !== '') row.info = parseSsInfo(text, sendChecks);
    }
    rows.push(row);
  }
  expect(formatSs(rows, { info: opts.info, ...(opts.screenWidth === undefined ? {} : { screenWidth: opts.screenWidth }) })).toEqual(lines);
  for (const c of sendChecks) expect(c.actual).toBe(c.expected);
  return rows;
}

// ---------------------------------------------------------------------------------------------
// The suite
// ---------------------------------------------------------------------------------------------

describe.skipIf(skipReason !== undefined)(`real iperf3/nc/ss oracle${skipReason === undefined ? '' : ` (skipped: ${skipReason})`}`, () => {
  const samples: string[] = [];
  const etcDirs = [`/etc/netns/${NS.a}`, `/etc/netns/${NS.b}`];

  beforeAll(() => {
    let nsswitch = '';
    try {
      nsswitch = readFileSync('/etc/nsswitch.conf', 'utf8').replace(/^hosts:.*$/m, 'hosts: files');
    } catch {
      // no nsswitch.conf: glibc defaults, plus our hosts line below
    }
    for (const [dir, hosts] of [
      [etcDirs[0], `127.0.0.1 localhost\n${ADDR.b} bee\n`],
      [etcDirs[1], '127.0.0.1 localhost\n'],
    ] as const) {
      if (dir === undefined) continue;
      mkdirSync(dir, { recursive: true });
      writeFileSync(`${dir}/hosts`, hosts);
      writeFileSync(`${dir}/nsswitch.conf`, nsswitch.includes('hosts: files') ? nsswitch : `${nsswitch}\nhosts: files\n`);
    }
    const r = run('bash', ['-c', SETUP]);
    if (r.status !== 0) throw new Error(`namespace setup failed (${r.status}): ${r.stderr}`);
  });

  afterAll(() => {
    for (const proc of children) proc.kill('SIGKILL');
    for (const ns of Object.values(NS)) {
      for (const pid of run('ip', ['netns', 'pids', ns]).stdout.split('\n').filter((p) => p !== '')) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // already gone
        }
      }
      run('ip', ['netns', 'del', ns]);
    }
    for (const dir of etcDirs) rmSync(dir, { recursive: true, force: true });
    try {
      rmdirSync('/etc/netns'); // only succeeds when empty, i.e. when nobody else uses it
    } catch {
      // in use by other namespaces, or already gone
    }
    if (process.env.STACKSCOPE_ORACLE_PRINT) console.log(samples.join('\n\n'));
  });

  /** One iperf3 run: a one-off server in B, the client in A; `during` runs while data flows. */
  async function iperfRun(clientArgs: string[], during?: () => void): Promise<{ client: RunResult; server: RunResult }> {
    const server = startInNs(NS.b, 'iperf3', ['-s', '-1']);
    try {
      await waitListening(NS.b, 5201);
      const client = startInNs(NS.a, 'iperf3', ['-c', ADDR.b, ...clientArgs]);
      try {
        if (during) {
          // control and data connections established, and data flowing for a while
          for (let i = 0; i < 100 && inNs(NS.a, 'ss', ['-Htn', 'state', 'established', 'dport', '=', ':5201']).stdout.trim().split('\n').length < 2; i++) await sleep(20);
          await sleep(500);
          during();
        }
        const clientStatus = await client.done(15_000);
        const serverStatus = await server.done(5_000);
        const res = {
          client: { status: clientStatus, stdout: client.out(), stderr: client.err() },
          server: { status: serverStatus, stdout: server.out(), stderr: server.err() },
        };
        const quiet = (text: string): string => outputLines(text).filter((l) => !/^sent \d/.test(l)).join('\n');
        samples.push(`$ iperf3 -c ${ADDR.b} ${clientArgs.join(' ')}\n${quiet(res.client.stdout)}${res.client.stderr}`, `$ iperf3 -s -1\n${res.server.stdout}${res.server.stderr}`);
        expect(res.client.stderr).toBe('');
        expect(res.server.stderr).toBe('');
        expect(res.client.status).toBe(0);
        expect(res.server.status).toBe(0);
        return res;
      } finally {
        client.proc.kill('SIGKILL');
      }
    } finally {
      server.proc.kill('SIGKILL');
    }
  }

  function ss(ns: string, args: string[]): string {
    const r = inNs(ns, 'ss', args);
    samples.push(`$ ss ${args.join(' ')}  (${ns === NS.a ? 'A' : 'B'})\n${r.stdout}${r.stderr}`);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    return r.stdout;
  }

  it('iperf3 -c -t 2 -i 1 (client sends) and ss -tin during the transfer', async () => {
    const snapshots: Array<{ ns: string; args: string[]; text: string; tty?: number }> = [];
    const { client, server } = await iperfRun(['-t', '2', '-i', '1'], () => {
      snapshots.push({ ns: NS.a, args: ['-tin'], text: ss(NS.a, ['-tin']) });
      snapshots.push({ ns: NS.b, args: ['-tina'], text: ss(NS.b, ['-tina']) });
      snapshots.push({ ns: NS.a, args: ['-tn'], text: ss(NS.a, ['-tn']) });
      snapshots.push({ ns: NS.b, args: ['-tln'], text: ss(NS.b, ['-tln']) });
      for (const [cols, args] of [
        [100, '-tin'],
        [120, '-tn'],
      ] as const) {
        const r = inNs(NS.a, 'script', ['-qc', `stty cols ${cols}; ss ${args}`, '/dev/null']);
        samples.push(`$ ss ${args}  (A, on a ${cols}-column terminal)\n${r.stdout}`);
        snapshots.push({ ns: NS.a, args: [args], text: r.stdout, tty: cols });
      }
    });
    const c = checkIperf(client.stdout, 'client', ADDR.b);
    expectIperfShape(c, true, ['sender', 'receiver']);
    expect(c.intervals.slice(0, 2).map((r) => `${r.line.start}-${r.line.end}`)).toEqual(['0-1', '1-2']);
    expect(c.headers).toEqual([formatIperfHeader({ retr: true, cwnd: true }), formatIperfHeader({ retr: true })]);
    const s = checkIperf(server.stdout, 'server', ADDR.b);
    expectIperfShape(s, false, ['receiver']);
    expect(s.headers).toEqual([formatIperfHeader(), formatIperfHeader()]);
    expect(server.stdout.startsWith(formatIperfServerListening(5201, 1).join('\n'))).toBe(true);

    // ss: the data connection (client port from iperf's own line) is there, with its info
    for (const snap of snapshots) {
      const info = snap.args[0]?.includes('i') ?? false;
      const rows = checkSs(snap.text, { info, ...(snap.tty === undefined ? {} : { screenWidth: snap.tty }) });
      if (snap.ns === NS.a) expect(rows.some((r) => r.state === 'ESTAB' && r.local.port === c.local?.port && r.peer.port === 5201)).toBe(true);
      if (snap.args[0] === '-tina') {
        expect(rows.some((r) => r.state === 'LISTEN' && r.local.address === '*' && r.local.port === 5201)).toBe(true);
        expect(rows.some((r) => r.state === 'ESTAB' && r.local.address === `[::ffff:${ADDR.b}]` && r.info?.bytesReceived !== undefined)).toBe(true);
      }
      if (snap.ns === NS.a && info) {
        const data = rows.find((r) => r.local.port === c.local?.port);
        expect(data?.info?.bytesSent).toBeGreaterThan(0);
        expect(data?.info?.cwnd).toBeGreaterThan(0);
      }
    }
  });

  it('iperf3 -c -R (server sends)', async () => {
    const { client, server } = await iperfRun(['-t', '2', '-i', '1', '-R']);
    const c = checkIperf(client.stdout, 'client', ADDR.b, true);
    expectIperfShape(c, false, ['sender', 'receiver']);
    expect(outputLines(client.stdout)[1]).toBe(formatIperfReverse(ADDR.b));
    const s = checkIperf(server.stdout, 'server', ADDR.b);
    expectIperfShape(s, true, ['sender']);
  });

  it('iperf3 -c -n 1M (byte count)', async () => {
    const { client, server } = await iperfRun(['-n', '1M']);
    const c = checkIperf(client.stdout, 'client', ADDR.b);
    expectIperfShape(c, true, ['sender', 'receiver']);
    expect(c.summaries[0]?.text).toContain('1.00 MBytes');
    checkIperf(server.stdout, 'server', ADDR.b);
  });

  it('iperf3 -d: exact byte counts, durations and cwnd give the printed lines', async () => {
    const { client } = await iperfRun(['-t', '1', '-i', '0.5', '-d']);
    const lines = outputLines(client.stdout);
    let lastLen: { seconds: number; bytes: number } | undefined;
    let lastCwnd: number | undefined;
    const jsonBlocks: Array<{ streams?: Array<{ bytes: number; start_time: number; end_time: number; retransmits: number }> }> = [];
    let checkedIntervals = 0;
    let checkedSummaries = 0;
    let afterSeparator = false;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] ?? '';
      let m: RegExpExecArray | null;
      if (line === '{') {
        const end = lines.indexOf('}', i);
        jsonBlocks.push(JSON.parse(lines.slice(i, end + 1).join('\n')) as (typeof jsonBlocks)[number]);
        i = end;
      } else if ((m = /^interval_len ([\d.]+) bytes_transferred (\d+)$/.exec(line))) {
        lastLen = { seconds: Math.fround(Number(m[1])), bytes: Number(m[2]) };
      } else if ((m = /^tcpi_snd_cwnd (\d+) tcpi_snd_mss (\d+) tcpi_rtt \d+$/.exec(line))) {
        lastCwnd = Number(m[1]) * Number(m[2]);
      } else if (line === IPERF_SEPARATOR) {
        afterSeparator = true;
      } else if (!afterSeparator && parseReport(line)) {
        const r = parseReport(line);
        expect(lastLen).toBeDefined();
        expect(lastCwnd).toBeDefined();
        if (!r || !lastLen || lastCwnd === undefined) continue;
        // the Transfer and Cwnd columns come from exact integers
        expect(iperfUnits(lastLen.bytes, 'A')).toBe(line.slice(25, 35));
        const exact: IperfReportLine = { id: r.line.id, start: r.line.start, end: r.line.end, bytes: lastLen.bytes, seconds: lastLen.seconds, retr: r.line.retr ?? 0, cwndBytes: lastCwnd };
        const text = unambiguous(exact, formatIperfInterval);
        if (text !== undefined) expect(text).toBe(line);
        checkedIntervals++;
        lastLen = undefined;
      } else if (afterSeparator && parseReport(line)) {
        const r = parseReport(line);
        const [own, peer] = jsonBlocks.filter((b) => b.streams !== undefined);
        const st = (r?.kind === 'sender' ? own : peer)?.streams?.[0];
        expect(st, line).toBeDefined();
        if (!r || !st) continue;
        const exact = { ...r.line, bytes: st.bytes, seconds: st.end_time - st.start_time, bitsPerSecond: undefined };
        expect(iperfUnits(st.bytes, 'A')).toBe(line.slice(25, 35));
        const text = unambiguous(exact, (l) => formatIperfSummary({ ...l, kind: r.kind ?? 'sender' }));
        if (text !== undefined) expect(text).toBe(line);
        checkedSummaries++;
      }
    }
    expect(checkedIntervals).toBeGreaterThanOrEqual(2);
    expect(checkedSummaries).toBe(2); // sender and receiver
  });

  // iperf's own unit_snprintf(), called through python3's ctypes on random and boundary values
  const python = run('sh', ['-c', 'command -v python3']).status === 0;
  it.skipIf(!python)(`iperfUnits() equals libiperf's unit_snprintf()${python ? '' : ' (skipped: no python3)'}`, () => {
    const script = `
import ctypes, json, random, sys
f = ctypes.CDLL('libiperf.so.0').unit_snprintf
f.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_double, ctypes.c_char]
random.seed(1)
vals = [10 ** random.uniform(0, 14) for _ in range(2000)] + [float(int(10 ** random.uniform(0, 12))) for _ in range(1000)]
for base in (1024.0, 1000.0):
    for k in range(5):
        for t in (9.995, 99.95, 999.5, 1000, 1023.5, 1024):
            for d in (-1e-9, 0, 1e-9):
                vals += [t * base ** k * (1 + d), t * base ** k / 8 * (1 + d)]
buf = ctypes.create_string_buffer(64)
out = []
for v in vals:
    for fmt in 'aAkKmMgG':
        f(buf, 64, v, fmt.encode())
        out.append([v, fmt, buf.value.decode()])
json.dump(out, sys.stdout)
`;
    const r = run('python3', ['-c', script]);
    expect(r.stderr).toBe('');
    const ref = JSON.parse(r.stdout) as Array<[number, Parameters<typeof iperfUnits>[1], string]>;
    expect(ref.length).toBeGreaterThan(20_000);
    expect(ref.filter(([v, fmt, text]) => iperfUnits(v, fmt) !== text).slice(0, 5)).toEqual([]);
  });

  it('iperf3 errors and usage', () => {
    const iperf = (...args: string[]): RunResult => {
      const r = inNs(NS.a, 'iperf3', args);
      samples.push(`$ iperf3 ${args.join(' ')}\n${r.stdout}${r.stderr}`.slice(0, 400));
      return r;
    };
    const refused = iperf('-c', ADDR.b, '-p', '5999');
    expect(refused.stdout).toBe('');
    expect(outputLines(refused.stderr)).toEqual([formatIperfError(IPERF_ERRORS.connect, 'Connection refused')]);
    expect(refused.status).toBe(1);

    const timedOut = iperf('-c', '10.0.9.9', '--connect-timeout', '300');
    expect(outputLines(timedOut.stderr)).toEqual([formatIperfError(IPERF_ERRORS.connect, 'Connection timed out')]);

    for (const args of [[], ['-Z']]) {
      const r = iperf(...args);
      expect(outputLines(r.stderr)).toEqual(formatIperfParameterError(IPERF_PARAMETER_ERRORS.noRole));
      expect(outputLines(r.stdout)).toEqual(formatIperfUsage());
      expect(r.status).toBe(1);
    }
    const both = iperf('-s', '-c', ADDR.b);
    expect(outputLines(both.stderr)).toEqual(formatIperfParameterError(IPERF_PARAMETER_ERRORS.bothRoles));
    const port = iperf('-s', '-p', '0');
    expect(outputLines(port.stderr)).toEqual(formatIperfParameterError(IPERF_PARAMETER_ERRORS.badPort));

    const bad = iperf('-Q');
    expect(bad.stdout).toBe('');
    expect(outputLines(bad.stderr)).toEqual(formatIperfBadOption('Q'));
    expect(outputLines(iperf('-c').stderr)).toEqual(formatIperfMissingArgument('c'));
    expect(outputLines(iperf('--bogus').stderr)).toEqual(formatIperfUnrecognizedOption('--bogus'));
    const help = iperf('-h');
    expect(help.status).toBe(0);
    expect(outputLines(help.stdout)).toEqual(formatIperfUsage());
  });

  it('nc -lv / nc -v: data, names, refused ports, timeouts', async () => {
    const listener = startInNs(NS.b, 'nc', ['-lvk', '5000']);
    // connect timeouts run in the background meanwhile: -w 1 (nc's own) and the kernel's (~3 s)
    const wTimeout = startInNs(NS.a, 'nc', ['-v', '-w', '1', '10.0.9.9', '5000']);
    const kTimeout = startInNs(NS.a, 'nc', ['-v', '10.0.9.9', '5000']);
    try {
      await waitListening(NS.b, 5000);
      const byAddr = inNs(NS.a, 'nc', ['-v', '-N', ADDR.b, '5000'], 'hello\n');
      const byName = inNs(NS.a, 'nc', ['-v', '-N', 'bee', '5000'], 'again\n');
      for (const r of [byAddr, byName]) expect(r.status).toBe(0);
      expect(byAddr.stderr).toBe(`${formatNcConnectionSucceeded({ host: ADDR.b, address: ADDR.b, port: 5000 })}\n`);
      expect(byName.stderr).toBe(`${formatNcConnectionSucceeded({ host: 'bee', address: ADDR.b, port: 5000 })}\n`);
      samples.push(`$ nc -v -N ${ADDR.b} 5000 <<< hello\n${byAddr.stderr}`, `$ nc -v -N bee 5000 <<< again\n${byName.stderr}`);

      for (let i = 0; i < 50 && outputLines(listener.err()).length < 3; i++) await sleep(20);
      listener.proc.kill('SIGTERM');
      await listener.done(2_000);
      samples.push(`$ nc -lvk 5000\n${listener.out()}${listener.err()}`);
      expect(listener.out()).toBe('hello\nagain\n');
      const lerr = outputLines(listener.err());
      expect(lerr[0]).toBe(formatNcListening('0.0.0.0', 5000));
      expect(lerr).toHaveLength(3);
      for (const line of lerr.slice(1)) {
        const m = /^Connection received on (\S+) (\d+)$/.exec(line);
        expect(m, line).not.toBeNull();
        expect(m?.[1]).toBe(ADDR.a);
        expect(formatNcConnectionReceived(m?.[1] ?? '', Number(m?.[2]))).toBe(line);
      }

      const refused = inNs(NS.a, 'nc', ['-v', ADDR.b, '5999']);
      expect(refused.status).toBe(1);
      expect(outputLines(refused.stderr)).toEqual([formatNcConnectFailed({ host: ADDR.b, address: ADDR.b, port: 5999, error: 'Connection refused' })]);
      const refusedName = inNs(NS.a, 'nc', ['-v', 'bee', '5999']);
      expect(outputLines(refusedName.stderr)).toEqual([formatNcConnectFailed({ host: 'bee', address: ADDR.b, port: 5999, error: 'Connection refused' })]);
      const silent = inNs(NS.a, 'nc', [ADDR.b, '5999']);
      expect(silent.stderr).toBe('');
      expect(silent.status).toBe(1);
      const scan = inNs(NS.a, 'nc', ['-zv', ADDR.b, '5998-5999']);
      expect(outputLines(scan.stderr)).toEqual([5998, 5999].map((port) => formatNcConnectFailed({ host: ADDR.b, port, error: 'Connection refused' })));
      samples.push(`$ nc -v ${ADDR.b} 5999\n${refused.stderr}`, `$ nc -v bee 5999\n${refusedName.stderr}`, `$ nc -zv ${ADDR.b} 5998-5999\n${scan.stderr}`);

      expect(await wTimeout.done(5_000)).toBe(1);
      expect(outputLines(wTimeout.err())).toEqual([formatNcConnectFailed({ host: '10.0.9.9', port: 5000, timedOut: true })]);
      expect(await kTimeout.done(10_000)).toBe(1);
      expect(outputLines(kTimeout.err())).toEqual([formatNcConnectFailed({ host: '10.0.9.9', port: 5000, error: 'Connection timed out' })]);
      samples.push(`$ nc -v -w 1 10.0.9.9 5000\n${wTimeout.err()}`, `$ nc -v 10.0.9.9 5000\n${kTimeout.err()}`);
    } finally {
      for (const b of [listener, wTimeout, kTimeout]) b.proc.kill('SIGKILL');
    }
  });

  it('nc usage and argument errors', () => {
    const nc = (...args: string[]): RunResult => inNs(NS.a, 'nc', args, '');
    const usage = nc();
    expect(usage.stdout).toBe('');
    expect(outputLines(usage.stderr)).toEqual(formatNcUsage());
    expect(usage.status).toBe(1);
    expect(outputLines(nc('-Q').stderr)).toEqual(formatNcBadOption('Q'));
    expect(outputLines(nc('-w').stderr)).toEqual(formatNcMissingArgument('w'));
    expect(outputLines(nc(ADDR.b).stderr)).toEqual([formatNcError(NC_ERRORS.missingPort)]);
    expect(outputLines(nc('-l').stderr)).toEqual([formatNcError(NC_ERRORS.missingPort)]);
    expect(outputLines(nc('-lz', '5000').stderr)).toEqual([formatNcError(NC_ERRORS.zWithListen)]);
    expect(outputLines(nc('-k', ADDR.b, '5000').stderr)).toEqual([formatNcError(NC_ERRORS.kWithoutListen)]);
    expect(outputLines(nc('-v', ADDR.b, '99999').stderr)).toEqual([formatNcBadPort('too large', '99999')]);
    expect(outputLines(nc('-v', ADDR.b, '0').stderr)).toEqual([formatNcBadPort('too small', '0')]);
    expect(outputLines(nc('-v', ADDR.b, 'nosuchservice').stderr)).toEqual([formatNcBadPort('invalid', 'nosuchservice')]);
    const help = nc('-h');
    expect(help.status).toBe(0);
    expect(help.stdout).toBe('');
    expect(outputLines(help.stderr)).toEqual(formatNcHelp());
  });

  it('ss -tin on a held-open nc connection (both ends)', async () => {
    const server = startInNs(NS.b, 'nc', ['-l', '6000']);
    let client: Background | undefined;
    try {
      await waitListening(NS.b, 6000);
      client = startInNs(NS.a, 'nc', [ADDR.b, '6000'], true);
      client.proc.stdin?.write('ping\n');
      for (let i = 0; i < 50 && server.out() === ''; i++) await sleep(20);
      expect(server.out()).toBe('ping\n');
      const a = checkSs(ss(NS.a, ['-tin']), { info: true });
      const b = checkSs(ss(NS.b, ['-tina']), { info: true });
      const conn = a.find((r) => r.peer.address === ADDR.b && r.peer.port === 6000);
      expect(conn?.state).toBe('ESTAB');
      expect(conn?.info?.bytesAcked).toBe(6); // 5 bytes of data + 1 for the SYN
      expect(b.some((r) => r.local.port === 6000 && r.state === 'ESTAB' && r.info?.bytesReceived === 5)).toBe(true);
    } finally {
      client?.proc.kill('SIGKILL');
      server.proc.kill('SIGKILL');
    }
  });
});
