/**
 * The fixed texts of tcpdump 4.99.3 / libpcap 1.10.3 as they appear on a Linux terminal (stderr
 * and stdout interleaved): banner, statistics, usage, errors, timestamp columns, and the
 * "eth0  Out " prefix of `-i any` (LINUX_SLL2) captures. Checked against the real tcpdump
 * (test/oracle/tcpdump.test.ts).
 */
import { formatEthertype, formatTcpdumpTime, summarizeEthertype, summarizeFrame } from '../wire/summary.ts';
import type { SummaryOptions } from '../wire/summary.ts';
import { formatMac, readMac } from '../wire/addr.ts';
import { u16 } from '../wire/bytes.ts';

export const TCPDUMP_SNAPLEN = 262144;

/** Lines printed before the first packet. */
export function formatTcpdumpBanner(iface: string, opts: { verbose: boolean }): string[] {
  const any = iface === 'any';
  const out: string[] = [];
  if (any) out.push('tcpdump: data link type LINUX_SLL2');
  const link = any ? 'LINUX_SLL2 (Linux cooked v2)' : 'EN10MB (Ethernet)';
  const listening = `listening on ${iface}, link-type ${link}, snapshot length ${TCPDUMP_SNAPLEN} bytes`;
  if (opts.verbose) out.push(`tcpdump: ${listening}`);
  else out.push('tcpdump: verbose output suppressed, use -v[v]... for full protocol decode', listening);
  return out;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The three statistics lines tcpdump prints when a live capture ends. */
export function formatTcpdumpStats(captured: number, received: number, dropped = 0): string[] {
  return [`${plural(captured, 'packet')} captured`, `${plural(received, 'packet')} received by filter`, `${plural(dropped, 'packet')} dropped by kernel`];
}

export const TCPDUMP_USAGE = [
  'tcpdump version 4.99.3',
  'libpcap version 1.10.3 (with TPACKET_V3)',
  'Usage: tcpdump [-AbdDefhHIJKlLnNOpqStuUvxX#] [ -B size ] [ -c count ] [--count]',
  '\t\t[ -C file_size ] [ -E algo:secret ] [ -F file ] [ -G seconds ]',
  '\t\t[ -i interface ] [ --immediate-mode ] [ -j tstamptype ]',
  '\t\t[ -M secret ] [ --number ] [ --print ] [ -Q in|out|inout ]',
  '\t\t[ -r file ] [ -s snaplen ] [ -T type ] [ --version ]',
  '\t\t[ -V file ] [ -w file ] [ -W filecount ] [ -y datalinktype ]',
  '\t\t[ --time-stamp-precision precision ] [ --micro ] [ --nano ]',
  '\t\t[ -z postrotate-command ] [ -Z user ] [ expression ]',
];

/** libpcap's text for an interface that does not exist (two lines). */
export function formatTcpdumpNoDevice(name: string): string[] {
  return [`tcpdump: ${name}: No such device exists`, '(No such device exists)'];
}

/**
 * The timestamp column for `-t` repeated `tFlags` times: 0 → HH:MM:SS.uuuuuu (time of day),
 * 1 → none, 2 → seconds.micro since the epoch, 3 → delta since the previous packet,
 * 4 → date and time, 5 → delta since the first packet. The simulation's clock starts at the
 * epoch, 1970-01-01 00:00:00.
 */
export function formatTcpdumpTimestamp(tFlags: number, tNs: number, prevNs: number | undefined, firstNs: number | undefined): string {
  const usOf = (ns: number): number => Math.floor(ns / 1000);
  switch (tFlags) {
    case 0:
      return `${formatTcpdumpTime(tNs)} `;
    case 1:
      return '';
    case 2: {
      const us = usOf(tNs);
      return `${Math.floor(us / 1e6)}.${String(us % 1e6).padStart(6, '0')} `;
    }
    case 3:
    case 5: {
      const base = tFlags === 3 ? prevNs : firstNs;
      const d = base === undefined ? 0 : usOf(tNs) - usOf(base);
      return ` ${formatTcpdumpTime(d * 1000)} `;
    }
    default: {
      const days = Math.floor(usOf(tNs) / 86400e6);
      return `${civilDate(days)} ${formatTcpdumpTime(tNs)} `;
    }
  }
}

/** YYYY-MM-DD of a day count since 1970-01-01 (proleptic Gregorian; Howard Hinnant's algorithm). */
function civilDate(days: number): string {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Packet type of a frame on a cooked (`-i any`) capture: "Out", "In", "B", "M" or "P". */
export type SllPacketType = 'Out' | 'In' | 'B' | 'M' | 'P';

/** "eth0  Out " — the interface and direction columns of a LINUX_SLL2 line (without -e). */
export function formatSllPrefix(ifname: string, type: SllPacketType): string {
  return `${ifname.padEnd(5)} ${type.padEnd(3)} `;
}

/**
 * A `-i any` line after the timestamp: interface and packet type, then (with -e) the cooked
 * header "ifindex N <source MAC> ethertype T (0x....), length L: " — L counts the 20-byte SLL2
 * header instead of Ethernet's 14 — and the packet as tcpdump decodes it.
 */
export function formatCookedLine(ifname: string, type: SllPacketType, ifindex: number, frame: Uint8Array, opts: SummaryOptions): string {
  const prefix = formatSllPrefix(ifname, type);
  if (!opts.link || frame.length < 14) return prefix + summarizeFrame(frame, { ...opts, link: false });
  const ethertype = u16(frame, 12);
  const head = `ifindex ${ifindex} ${formatMac(readMac(frame, 6))} ${formatEthertype(ethertype, opts.quiet)}, length ${frame.length + 6}: `;
  return prefix + head + (summarizeEthertype(ethertype, frame.subarray(14), opts) ?? '');
}
