/**
 * One-line packet summaries exactly as `tcpdump -n` (4.99) prints them after the timestamp:
 * `IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 1, seq 1, length 64`,
 * `ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 28`, `IP6 fe80::1 > ff02::1: ICMP6, ...`.
 *
 * Stateless by default, which is `tcpdump -n -S` (absolute TCP sequence numbers); pass a
 * TcpSeqTracker to get tcpdump's relative numbers. `link` is -e (print the Ethernet header,
 * incl. 802.1Q tags, which plain tcpdump does not show), `quiet` is -q.
 * Reads the bytes directly, like tcpdump: malformed or short packets print what is there and
 * tcpdump's truncation marks ("[|tcp]"). Checked line for line against the real tcpdump over
 * every built-in scenario's capture (test/oracle/tcpdump.test.ts).
 */
import { formatIpv4, formatIpv6, formatMac, readMac } from './addr.ts';
import { u16, u32 } from './bytes.ts';
import { summarizeIcmp4, summarizeIcmp6 } from './summary-icmp.ts';
import { summarizeTcp, summarizeUdp } from './summary-transport.ts';
import type { IpContext, SummaryOptions } from './summary-types.ts';

export type { SummaryOptions } from './summary-types.ts';
export { TcpSeqTracker } from './summary-types.ts';

const ETHERTYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [0x0800, 'IPv4'],
  [0x0806, 'ARP'],
  [0x86dd, 'IPv6'],
  [0x8100, '802.1Q'],
  [0x88a8, '802.1Q-QinQ'],
  [0x9100, '802.1Q-9100'],
  [0x8035, 'Reverse ARP'],
  [0x88cc, 'LLDP'],
  [0x8847, 'MPLS unicast'],
  [0x8848, 'MPLS multicast'],
  [0x888e, 'EAPOL'],
  [0x8863, 'PPPoE D'],
  [0x8864, 'PPPoE S'],
]);
const VLAN_TYPES = new Set([0x8100, 0x88a8, 0x9100, 0x9200]);

function ethertypeText(t: number, quiet: boolean | undefined): string {
  const hex = `0x${t.toString(16).padStart(4, '0')}`;
  const known = ETHERTYPE_NAMES.get(t);
  if (quiet) return known ?? `Unknown Ethertype (${hex})`;
  return `ethertype ${known ?? 'Unknown'} (${hex})`;
}

/** The text tcpdump -n prints for one Ethernet frame, after the timestamp. */
export function summarizeFrame(bytes: Uint8Array, opts: SummaryOptions = {}): string {
  if (bytes.length < 14) return '[|ether]';
  const dst = formatMac(readMac(bytes, 0));
  const src = formatMac(readMac(bytes, 6));
  let type = u16(bytes, 12);
  let off = 14;
  let out = opts.link ? `${src} > ${dst}, ` : '';
  let printedLength = false;
  const lengthSep = (): string => {
    if (printedLength) return ', ';
    printedLength = true;
    return `, length ${bytes.length}: `;
  };
  while (VLAN_TYPES.has(type)) {
    if (bytes.length < off + 4) return `${out}[|vlan]`;
    const tci = u16(bytes, off);
    if (opts.link) out += `${ethertypeText(type, opts.quiet)}${lengthSep()}vlan ${tci & 0x0fff}, p ${tci >> 13}${tci & 0x1000 ? ', DEI' : ''}, `;
    type = u16(bytes, off + 2);
    off += 4;
  }
  const body = bytes.subarray(off);
  if (type <= 1500) {
    // IEEE 802.3 length field: an LLC frame. The engine never sends these; print the header.
    return `${opts.link ? out : `${src} > ${dst}, `}802.3, length ${type}: LLC`;
  }
  if (opts.link) out += `${ethertypeText(type, opts.quiet)}${lengthSep()}`;
  const rest = summarizeEthertype(type, body, opts);
  if (rest !== undefined) return out + rest;
  return opts.link ? out : `${src} > ${dst}, ${ethertypeText(type, opts.quiet)}, length ${bytes.length}: `;
}

/**
 * What tcpdump prints for the payload of a link-layer frame of EtherType `type` (after "length
 * N: " with -e, or from the start without it); undefined for EtherTypes it cannot decode.
 */
export function summarizeEthertype(type: number, body: Uint8Array, opts: SummaryOptions = {}): string | undefined {
  switch (type) {
    case 0x0800:
      return summarizeIpv4(body, opts);
    case 0x86dd:
      return summarizeIpv6(body, opts);
    case 0x0806:
      return summarizeArp(body, opts);
    default:
      return undefined;
  }
}

/** tcpdump's "ethertype IPv4 (0x0800)" (or, with -q, "IPv4"). */
export function formatEthertype(t: number, quiet = false): string {
  return ethertypeText(t, quiet);
}

/** `HH:MM:SS.uuuuuu` of simulated time since midnight (the simulation starts at 00:00:00). */
export function formatTcpdumpTime(tNs: number): string {
  const us = Math.floor(tNs / 1000);
  const secs = Math.floor(us / 1e6);
  const frac = us - secs * 1e6;
  const hh = Math.floor(secs / 3600) % 24;
  const mm = Math.floor(secs / 60) % 60;
  const ss = secs % 60;
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(hh)}:${two(mm)}:${two(ss)}.${String(frac).padStart(6, '0')}`;
}

/** The whole line tcpdump prints: timestamp, a space, the summary. */
export function summarizeFrameWithTime(tNs: number, bytes: Uint8Array, opts: SummaryOptions = {}): string {
  return `${formatTcpdumpTime(tNs)} ${summarizeFrame(bytes, opts)}`;
}

// ---- ARP (print-arp.c) ---------------------------------------------------------------------

const ARP_OPS = ['', 'Request', 'Reply', 'Reverse Request', 'Reverse Reply', '', '', '', 'Inverse Request', 'Inverse Reply', 'NACK Reply'];

function summarizeArp(p: Uint8Array, opts: SummaryOptions): string {
  const prefix = opts.link ? '' : 'ARP, ';
  if (p.length < 8) return `${prefix}[|ARP]`;
  const hrd = u16(p, 0);
  const pro = u16(p, 2);
  const hln = p[4]!;
  const pln = p[5]!;
  const op = u16(p, 6);
  const need = 8 + 2 * hln + 2 * pln;
  if (p.length < need) return `${prefix}[|ARP]`;
  if (pro !== 0x0800 || pln !== 4 || hln === 0) {
    const hw = hrd === 1 ? 'Ethernet' : `Unknown Hardware (${hrd})`;
    const proto = ETHERTYPE_NAMES.get(pro) ?? `Unknown Protocol (0x${pro.toString(16).padStart(4, '0')})`;
    return `${prefix}${hw} (len ${hln}), ${proto} (len ${pln}), length ${p.length}`;
  }
  const sha = p.subarray(8, 8 + hln);
  const spa = formatIpv4(u32(p, 8 + hln));
  const tha = p.subarray(12 + hln, 12 + 2 * hln);
  const tpa = formatIpv4(u32(p, 12 + 2 * hln));
  const hw = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':');
  const opName = ARP_OPS[op] || `Unknown (${op})`;
  let text: string;
  switch (op) {
    case 1:
      text = `who-has ${tpa}${tha.some((x) => x !== 0) ? ` (${hw(tha)})` : ''} tell ${spa}`;
      break;
    case 2:
      text = `${spa} is-at ${hw(sha)}`;
      break;
    case 3:
    case 8:
      text = `who-is ${hw(tha)} tell ${hw(sha)}`;
      break;
    case 4:
      text = `${hw(tha)} at ${tpa}`;
      break;
    case 9:
      text = `${hw(sha)} at ${spa}`;
      break;
    default:
      return `${prefix}${opName} `;
  }
  return `${prefix}${opName} ${text}, length ${p.length}`;
}

// ---- IPv4 (print-ip.c) ---------------------------------------------------------------------

function summarizeIpv4(p: Uint8Array, opts: SummaryOptions): string {
  const prefix = opts.link ? '' : 'IP ';
  if (p.length < 20) return `${prefix}[|ip]`;
  const version = p[0]! >> 4;
  if (version === 6) return summarizeIpv6(p, opts);
  if (version !== 4) return `${prefix.trimEnd()}${version} `;
  const hlen = (p[0]! & 0x0f) * 4;
  if (hlen < 20) return `${prefix}bad-hlen ${hlen}`;
  const total = u16(p, 2);
  let warn = '';
  if (total > p.length) warn = `[total length ${total} > length ${p.length}] (invalid) `;
  if (total < hlen) return `${prefix}bad-len ${total}`;
  const len = Math.min(total, p.length);
  const off = u16(p, 6);
  const fragOffset = off & 0x1fff;
  const mf = (off & 0x2000) !== 0;
  const proto = p[9]!;
  const src = formatIpv4(u32(p, 12));
  const dst = formatIpv4(u32(p, 16));
  const payload = p.subarray(hlen, len);
  if (fragOffset !== 0) return `${prefix}${warn}${src} > ${dst}: ip-proto-${proto}`;
  const ctx: IpContext = { v: 4, src, dst, srcBytes: p.subarray(12, 16), dstBytes: p.subarray(16, 20), fragmented: mf, direct: true, opts };
  const head = proto === 6 || proto === 17 ? '' : `${src} > ${dst}: `;
  return `${prefix}${warn}${head}${demux(proto, payload, ctx)}`;
}

// ---- IPv6 (print-ip6.c, print-frag6.c) --------------------------------------------------------

function summarizeIpv6(p: Uint8Array, opts: SummaryOptions): string {
  const prefix = opts.link ? '' : 'IP6 ';
  if (p.length < 40) return `${prefix}[|ip6]`;
  const version = p[0]! >> 4;
  if (version !== 6) return `${prefix}version error: ${version} != 6`;
  const plen = u16(p, 4);
  let warn = '';
  if (40 + plen > p.length) warn = `truncated-ip6 - ${40 + plen - p.length} bytes missing!`;
  const end = Math.min(40 + plen, p.length);
  const src = formatIpv6(p.subarray(8, 24));
  const dst = formatIpv6(p.subarray(24, 40));
  let nh = p[6]!;
  let off = 40;
  let out = prefix + warn;
  let fragmented = false;
  for (;;) {
    if (off === 40 && nh !== 6 && nh !== 17 && nh !== 33 && nh !== 132) out += `${src} > ${dst}: `;
    if (nh === 0 || nh === 60 || nh === 43) {
      if (end < off + 2) return `${out}[|${nh === 0 ? 'hbhopt' : nh === 60 ? 'dstopt' : 'srcrt'}]`;
      const extLen = (p[off + 1]! + 1) * 8;
      if (end < off + extLen) return `${out}[|${nh === 0 ? 'hbhopt' : nh === 60 ? 'dstopt' : 'srcrt'}]`;
      if (nh === 0) out += 'HBH ';
      else if (nh === 60) out += 'DSTOPT ';
      else out += `srcrt (len=${p[off + 1]!}, type=${p[off + 2]!}, segleft=${p[off + 3]!}) `;
      nh = p[off]!;
      off += extLen;
      continue;
    }
    if (nh === 44) {
      if (end < off + 8) return `${out}[|frag6]`;
      const fo = u16(p, off + 2) & 0xfff8;
      const fragLen = end - off - 8;
      out += `frag (${fo}|${fragLen})`;
      if (fo !== 0) return out;
      out += ' ';
      fragmented = true;
      nh = p[off]!;
      off += 8;
      continue;
    }
    break;
  }
  const ctx: IpContext = { v: 6, src, dst, srcBytes: p.subarray(8, 24), dstBytes: p.subarray(24, 40), fragmented, direct: p[6] === nh, opts };
  return out + demux(nh, p.subarray(off, end), ctx);
}

// ---- transport demultiplexing (print-ip-demux.c) ------------------------------------------------

function demux(proto: number, payload: Uint8Array, ctx: IpContext): string {
  switch (proto) {
    case 1:
      return summarizeIcmp4(payload, ctx);
    case 58:
      return summarizeIcmp6(payload, ctx);
    case 6:
      return summarizeTcp(payload, ctx);
    case 17:
      return summarizeUdp(payload, ctx);
    case 59:
      return 'no next header';
    case 4:
      return `${summarizeIpv4(payload, { ...ctx.opts, link: false })}`;
    case 41:
      return `${summarizeIpv6(payload, { ...ctx.opts, link: false })}`;
    default:
      return ` ip-proto-${proto} ${payload.length}`;
  }
}
