/**
 * tshark as an oracle (ORACLES.md §1): a judge this project did not write.
 *
 * Field names verified against tshark 4.0.17 (`tshark -G fields`, `tshark -G values`):
 * - checksum status: ip.checksum.status, udp.checksum.status, tcp.checksum.status,
 *   icmp.checksum.status, icmpv6.checksum.status (0 = Bad, 1 = Good, 2 = Unverified, 3 = Not present).
 *   IP/TCP/UDP are only verified with `-o <proto>.check_checksum:TRUE`; ICMP and ICMPv6 always are.
 * - malformed: `_ws.malformed` (present, non-empty with -e, on frames whose dissection threw).
 *   It does NOT show up in frame.protocols.
 * - expert info: _ws.expert.severity / _ws.expert.group (printed as decimal numbers with -T fields),
 *   _ws.expert.message. Severity: Comment 0x00100000, Chat 0x00200000, Note 0x00400000,
 *   Warning 0x00600000, Error 0x00800000. A display filter such as
 *   `_ws.expert.severity >= 0x00600000` works too.
 * - pcapng: frame.interface_id, frame.interface_name, frame.interface_description, frame.comment;
 *   epb_flags direction is frame.packet_flags_direction (1 = inbound, 2 = outbound; the raw word is
 *   frame.packet_flags), and tshark also derives frame.p2p_dir (1 = received, 0 = sent).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PcapWriter } from '../../src/engine/trace/pcap.ts';

export const CHECKSUM_ARGS = ['-o', 'ip.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE'];
export const CHECKSUM_STATUS_FIELDS = ['ip.checksum.status', 'udp.checksum.status', 'tcp.checksum.status', 'icmp.checksum.status', 'icmpv6.checksum.status'];
export const SEVERITY = { comment: 0x00100000, chat: 0x00200000, note: 0x00400000, warning: 0x00600000, error: 0x00800000 } as const;

const SEVERITY_NAMES = new Map<number, string>(Object.entries(SEVERITY).map(([k, v]) => [v, k[0]!.toUpperCase() + k.slice(1)]));
const GROUP_NAMES = new Map<number, string>(
  ['Checksum', 'Sequence', 'Response', 'Request', 'Undecoded', 'Reassemble', 'Malformed', 'Debug', 'Protocol', 'Security', 'Comment', 'Decryption', 'Assumption', 'Deprecated'].map(
    (name, i) => [(i + 1) * 0x01000000, name],
  ),
);
/** Separates multiple occurrences of a field in analyzeCapture (messages may contain commas). */
const AGG = '\x1f';
const MAX_BUFFER = 1 << 30;
const TIMEOUT_MS = 10 * 60_000;

let available: boolean | undefined;

/** True when a working `tshark` is on PATH (result cached). */
export function tsharkAvailable(): boolean {
  available ??= spawnSync('tshark', ['--version'], { encoding: 'utf8' }).status === 0;
  return available;
}

export interface ExpertInfo {
  frame: number;
  /** "Error", "Warning", ... (or the hex value when unknown). */
  severity: string;
  /** "Malformed", "Checksum", "Protocol", ... (or the hex value when unknown). */
  group: string;
  message: string;
}

export interface TsharkReport {
  /** Packets tshark read. */
  packets: number;
  /** Frames carrying `_ws.malformed` (dissector exception). */
  malformed: number;
  /** Checksum status fields equal to 0 (Bad), over all of CHECKSUM_STATUS_FIELDS and all layers. */
  badChecksums: number;
  /** Expert infos with severity >= Warning whose message matches none of `allowedExperts`. */
  expertErrors: ExpertInfo[];
  /** For each frame.protocols component, the number of frames containing it. */
  protocols: Map<string, number>;
}

/** Runs tshark and returns stdout; throws with tshark's stderr when it fails. */
export function runTshark(args: string[]): string {
  const r = spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: MAX_BUFFER, timeout: TIMEOUT_MS });
  if (r.error) throw new Error(`tshark ${args.join(' ')}: ${r.error.message}`);
  const stderr = r.stderr
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('Running as user'))
    .join('\n');
  if (r.status !== 0) throw new Error(`tshark ${args.join(' ')} exited with ${r.status ?? r.signal}:\n${stderr}`);
  return r.stdout;
}

function lines(out: string): string[] {
  const ls = out.split('\n');
  if (ls.at(-1) === '') ls.pop();
  return ls;
}

function fieldArgs(fields: string[], aggregator: string): string[] {
  return ['-T', 'fields', '-E', 'separator=/t', '-E', `aggregator=${aggregator}`, '-E', 'occurrence=a', ...fields.flatMap((f) => ['-e', f])];
}

/**
 * One row per displayed packet, one string per field, exactly as tshark prints it: several
 * occurrences of a field are joined with ','; an absent field is ''.
 */
export function tsharkFields(file: string, fields: string[], opts: { filter?: string; extraArgs?: string[] } = {}): string[][] {
  const filter = opts.filter === undefined ? [] : ['-Y', opts.filter];
  const out = runTshark(['-r', file, '-n', ...(opts.extraArgs ?? []), ...filter, ...fieldArgs(fields, ',')]);
  return lines(out).map((l) => {
    const row = l.split('\t');
    while (row.length < fields.length) row.push('');
    return row;
  });
}

/** Like tsharkFields, but each field is split into its occurrences ([] when absent). */
export function tsharkFieldValues(file: string, fields: string[], opts: { filter?: string; extraArgs?: string[] } = {}): string[][][] {
  const filter = opts.filter === undefined ? [] : ['-Y', opts.filter];
  const out = runTshark(['-r', file, '-n', ...(opts.extraArgs ?? []), ...filter, ...fieldArgs(fields, AGG)]);
  return lines(out).map((l) => {
    const row = l.split('\t');
    return fields.map((_, i) => (row[i] ? row[i].split(AGG) : []));
  });
}

function name(table: Map<number, string>, raw: string): string {
  const n = Number(raw);
  return table.get(n) ?? `0x${n.toString(16).padStart(8, '0')}`;
}

/**
 * Dissects the whole capture with IP/TCP/UDP checksum validation on (ICMP/ICMPv6 are always
 * validated) and reports packets, malformed frames, bad checksums, expert infos >= Warning and
 * protocol counts. Throws when tshark cannot read the file (damaged or cut-short captures too).
 */
export function analyzeCapture(file: string, opts: { extraArgs?: string[]; allowedExperts?: RegExp[] } = {}): TsharkReport {
  const fields = ['frame.number', 'frame.protocols', '_ws.malformed', '_ws.expert.severity', '_ws.expert.group', '_ws.expert.message', ...CHECKSUM_STATUS_FIELDS];
  const rows = tsharkFieldValues(file, fields, { extraArgs: [...CHECKSUM_ARGS, ...(opts.extraArgs ?? [])] });
  const allowed = opts.allowedExperts ?? [];
  const report: TsharkReport = { packets: rows.length, malformed: 0, badChecksums: 0, expertErrors: [], protocols: new Map() };
  for (const [num, protos, malformed, sev, group, msg, ...status] of rows) {
    const frame = Number(num?.[0]);
    if (malformed && malformed.length > 0) report.malformed++;
    for (const p of new Set(protos?.[0]?.split(':') ?? [])) report.protocols.set(p, (report.protocols.get(p) ?? 0) + 1);
    for (const values of status) report.badChecksums += values.filter((v) => v === '0').length;
    (sev ?? []).forEach((s, i) => {
      if (Number(s) < SEVERITY.warning) return;
      const message = msg?.[i] ?? '';
      if (allowed.some((re) => re.test(message))) return;
      report.expertErrors.push({ frame, severity: name(SEVERITY_NAMES, s), group: name(GROUP_NAMES, group?.[i] ?? ''), message });
    });
  }
  return report;
}

/** capinfos -M (machine-readable: fileType 'nsecpcap' | 'pcapng', encapsulation 'ether'); undefined when not installed. */
export function capinfos(file: string): { encapsulation: string; packets: number; fileType: string } | undefined {
  const r = spawnSync('capinfos', ['-M', '-t', '-E', '-c', file], { encoding: 'utf8' });
  if (r.error) return undefined;
  if (r.status !== 0) throw new Error(`capinfos ${file} exited with ${r.status}:\n${r.stderr}`);
  const get = (key: string): string => r.stdout.match(new RegExp(`^${key}:\\s*(.*)$`, 'm'))?.[1]?.trim() ?? '';
  return { encapsulation: get('File encapsulation'), packets: Number(get('Number of packets')), fileType: get('File type') };
}

// ---------------------------------------------------------------------------------------------
// Fixture for oracle tests: a hand-typed Ethernet II + IPv4 + ICMP echo request, with checksums
// fixed by an RFC 1071 sum written here (independent of src/engine/wire/checksum.ts).

/** RFC 1071 §4.1 Internet checksum of buf[start, end). */
export function rfc1071(buf: Uint8Array, start = 0, end = buf.length): number {
  let sum = 0;
  for (let i = start; i < end; i += 2) sum += (buf[i]! << 8) | (i + 1 < end ? buf[i + 1]! : 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** 74-byte frame 02:00:00:00:00:01 → 02:00:00:00:00:02, 10.0.0.1 → 10.0.0.2, ICMP echo id 1. */
export function icmpEchoFrame(seq = 1): Uint8Array {
  // prettier-ignore
  const f = Uint8Array.from([
    0x02, 0x00, 0x00, 0x00, 0x00, 0x02, // Ethernet destination
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01, // Ethernet source
    0x08, 0x00, //                         EtherType IPv4
    0x45, 0x00, 0x00, 0x3c, //             version 4, IHL 5, DSCP/ECN 0, total length 60
    0x12, 0x34, 0x40, 0x00, //             identification 0x1234, flags DF, fragment offset 0
    0x40, 0x01, 0x00, 0x00, //             TTL 64, protocol 1 (ICMP), header checksum (fixed below)
    0x0a, 0x00, 0x00, 0x01, //             source 10.0.0.1
    0x0a, 0x00, 0x00, 0x02, //             destination 10.0.0.2
    0x08, 0x00, 0x00, 0x00, //             ICMP type 8 (echo request), code 0, checksum (fixed below)
    0x00, 0x01, seq >> 8, seq & 0xff, //   identifier 1, sequence number
    ...Array.from({ length: 32 }, (_, i) => 0x61 + (i % 23)), // payload "abcdefghijklmnopqrstuvwabcdefghi"
  ]);
  const ip = rfc1071(f, 14, 34);
  f[24] = ip >> 8;
  f[25] = ip & 0xff;
  const icmp = rfc1071(f, 34, f.length);
  f[36] = icmp >> 8;
  f[37] = icmp & 0xff;
  return f;
}

/**
 * Writes `frames` (Ethernet) to a temporary pcap and returns tsharkFields rows for them;
 * each entry of `prefs` becomes a `-o` preference (e.g. "ip.check_checksum:TRUE").
 */
export function tsharkOnFrames(frames: Uint8Array[], fields: string[], prefs: string[] = []): string[][] {
  const dir = mkdtempSync(join(tmpdir(), 'stackscope-frames-'));
  try {
    const w = new PcapWriter();
    frames.forEach((f, i) => w.add(i * 1000, f));
    const file = join(dir, 'frames.pcap');
    writeFileSync(file, w.toBytes());
    return tsharkFields(file, fields, { extraArgs: prefs.flatMap((p) => ['-o', p]) });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
