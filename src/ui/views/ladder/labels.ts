/**
 * Short arrow labels for the ladder ("SYN", "SYN-ACK", "ACK 1448 B", "echo request",
 * "who-has 10.0.0.2", "A? example.com.") from either a tcpdump -n style one-line summary or the
 * engine's field tree (top-level layer nodes). Pure.
 */
import type { FieldNode } from '../../../engine/index.ts';

export interface PacketLabel {
  /** What the arrow shows. */
  readonly text: string;
  /** TCP/UDP flow "src:port>dst:port" when known (pairs handshakes). */
  readonly flow?: string;
  /** TCP flag names, e.g. ["SYN", "ACK"]. */
  readonly tcpFlags?: readonly string[];
}

const FLAG_ORDER = ['SYN', 'FIN', 'RST', 'PSH', 'URG', 'ECE', 'CWR', 'ACK'] as const;
const TCPDUMP_FLAG: Readonly<Record<string, string>> = { S: 'SYN', F: 'FIN', R: 'RST', P: 'PSH', U: 'URG', E: 'ECE', W: 'CWR', '.': 'ACK' };

function flagText(flags: readonly string[]): string {
  const sorted = FLAG_ORDER.filter((f) => flags.includes(f));
  return sorted.length > 0 ? sorted.join('-') : 'no flags';
}

function tcpLabel(letters: string, len: number, flow: string | undefined): PacketLabel {
  const flags = [...letters].map((c) => TCPDUMP_FLAG[c]).filter((f): f is string => f !== undefined);
  const text = flagText(flags) + (len > 0 ? ` ${len} B` : '');
  return flow ? { text, flow, tcpFlags: flags } : { text, tcpFlags: flags };
}

function icmpText(s: string): string {
  const t = s.toLowerCase();
  if (t.includes('echo') && t.includes('request')) return 'echo request';
  if (t.includes('echo') && t.includes('reply')) return 'echo reply';
  if (t.includes('time exceeded') || t.includes('time-to-live exceeded')) return 'time exceeded';
  if (t.includes('port') && t.includes('unreachable')) return 'port unreachable';
  if (t.includes('host') && t.includes('unreachable')) return 'host unreachable';
  if (t.includes('net') && t.includes('unreachable')) return 'net unreachable';
  if (t.includes('need to frag') || t.includes('fragmentation needed') || t.includes('too big')) return 'frag needed';
  if (t.includes('unreachable')) return 'unreachable';
  for (const k of ['router solicitation', 'router advertisement', 'neighbor solicitation', 'neighbor advertisement', 'redirect']) if (t.includes(k)) return k;
  return t.split(/[,(]/)[0]!.trim() || 'icmp';
}

/** "10.0.0.1.40000" (tcpdump address.port) → ["10.0.0.1", "40000"]. */
function splitAddrPort(s: string): [string, string] | null {
  const i = s.lastIndexOf('.');
  if (i <= 0) return null;
  const port = s.slice(i + 1);
  return /^\d+$/.test(port) ? [s.slice(0, i), port] : null;
}

/**
 * Label from a tcpdump -n line ("IP 10.0.0.1.40000 > 10.0.0.2.5201: Flags [S], seq 0, ...").
 * Returns undefined for text that is not in tcpdump's format (e.g. "Ethernet II / IPv4 / TCP").
 */
export function labelFromSummary(summary: string): PacketLabel | undefined {
  const s = summary.trim();
  const arp = /^ARP,\s*(Request|Reply)\s+(?:who-has\s+(\S+))?/i.exec(s);
  if (arp) return { text: arp[1]!.toLowerCase() === 'request' ? `who-has ${arp[2] ?? ''}`.trim() : 'is-at' };
  const ip = /^IP6?\s+(\S+)\s+>\s+(\S+?):\s+(.*)$/.exec(s);
  if (!ip) return undefined;
  const rest = ip[3]!;
  const src = splitAddrPort(ip[1]!);
  const dst = splitAddrPort(ip[2]!);
  const flow = src && dst ? `${src[0]}:${src[1]}>${dst[0]}:${dst[1]}` : undefined;
  const tcp = /Flags \[([^\]]*)\]/.exec(rest);
  if (tcp) {
    const len = /length (\d+)/.exec(rest);
    return tcpLabel(tcp[1]!, len ? Number(len[1]) : 0, flow);
  }
  if (/^ICMP6?\b/.test(rest)) return { text: icmpText(rest.replace(/^ICMP6?,?\s*/, '')) };
  if (/^UDP\b/.test(rest)) return flow ? { text: `UDP :${dst![1]}`, flow } : { text: 'UDP' };
  // DNS: "1234+ A? example.com. (29)" / "1234 1/0/0 A 192.0.2.1 (45)"
  const dns = /^\d+\S*\s+(.*?)\s*(?:\(\d+\))?$/.exec(rest);
  if (dns && (src?.[1] === '53' || dst?.[1] === '53')) return flow ? { text: truncate(dns[1]!), flow } : { text: truncate(dns[1]!) };
  const first = rest.split(',')[0]!.trim();
  return flow ? { text: truncate(first || 'IP'), flow } : { text: truncate(first || 'IP') };
}

function truncate(s: string, n = 30): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** Label from the engine's field tree (describeFrame): its top-level nodes are the layers. */
export function labelFromFields(fields: readonly FieldNode[]): PacketLabel {
  const layer = (key: string) => fields.find((f) => f.key === key);
  const ip = layer('ipv4') ?? layer('ipv6');
  const addr = (name: 'src' | 'dst'): string | undefined => ip?.children?.find((c) => c.key.endsWith(`.${name}`))?.value.split(' ')[0];
  const tcp = layer('tcp');
  if (tcp) {
    const flags = /Flags: \[([^\]]*)\]/.exec(tcp.value);
    const len = /Len: (\d+)/.exec(tcp.value);
    const ports = /Src Port: (\d+), Dst Port: (\d+)/.exec(tcp.value);
    const flow = ports && addr('src') && addr('dst') ? `${addr('src')}:${ports[1]}>${addr('dst')}:${ports[2]}` : undefined;
    return tcpLabel(flags?.[1] ?? '', len ? Number(len[1]) : 0, flow);
  }
  const dns = layer('dns');
  if (dns) {
    const q = /^Standard query (?:0x[0-9a-f]+ )?(\S+) (\S+)/i.exec(dns.value);
    const r = /^Standard query response (?:0x[0-9a-f]+ )?(.*)$/i.exec(dns.value);
    if (r) return { text: truncate(`response ${r[1]!}`) };
    if (q) return { text: truncate(`${q[1]}? ${q[2]}`) };
    return { text: truncate(dns.value) };
  }
  const icmp = layer('icmp') ?? layer('icmpv6');
  if (icmp) return { text: icmpText(icmp.value) };
  const arp = layer('arp');
  if (arp) {
    const who = /Who has (\S+?)\?/i.exec(arp.value);
    return { text: who ? `who-has ${who[1]}` : /is at/i.test(arp.value) ? 'is-at' : truncate(arp.value) };
  }
  const udp = layer('udp');
  if (udp) {
    const ports = /Src Port: (\d+), Dst Port: (\d+)/.exec(udp.value);
    const flow = ports && addr('src') && addr('dst') ? `${addr('src')}:${ports[1]}>${addr('dst')}:${ports[2]}` : undefined;
    const text = ports ? `UDP :${ports[2]}` : 'UDP';
    return flow ? { text, flow } : { text };
  }
  const top = fields[fields.length - 1];
  return { text: top ? truncate(top.name) : 'frame' };
}

/** The fallback before a packet's label has loaded: its protocol class in capitals. */
export function protoLabel(protoName: string): PacketLabel {
  return { text: protoName === 'other' ? 'frame' : protoName.toUpperCase() };
}
