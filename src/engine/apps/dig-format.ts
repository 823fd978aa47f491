/**
 * dig 9.18's output, line by line (bin/dig/dig.c printmessage/received and BIND's message
 * text rendering), checked against the real dig (test/dns/real-dig.test.ts):
 * - the greeting ("", "; <<>> DiG … <<>> args", "; (1 server found)", ";; global options: +cmd")
 *   is printed once, before the first answer (or before the failure message);
 * - with +comments: ";; Got answer:", the header, flags and warnings, a blank line, the OPT
 *   pseudosection; each non-empty section has a ";; X SECTION:" title and ends with a blank
 *   line; with +nocomments, titles and blank lines go;
 * - +stats: Query time, SERVER, WHEN, MSG SIZE and a blank line; +short: RDATA only.
 */
import { utcParts } from '../wire/utc.ts';
import type { DnsMessage, DnsRecord, Edns, EdnsOption } from '../wire/dns/types.ts';
import { EDNS_OPTION, formatEdnsOption } from '../wire/dns/edns.ts';
import { formatQuestion, formatRData, formatRecord, opcodeName, rcodeName } from '../wire/dns/format.ts';
import { toHexUpper } from '../wire/dns/encoding.ts';

/** The version dig prints (Debian 12's bind9-dnsutils, the oracle on the reference machine). */
export const DIG_VERSION = '9.18.49-1~deb12u3-Debian';

export const DIG_USAGE = [
  'Usage:  dig [@global-server] [domain] [q-type] [q-class] {q-opt}',
  '            {global-d-opt} host [@local-server] {local-d-opt}',
  '            [ host [@local-server] {local-d-opt} [...]]',
  '',
  'Use "dig -h" (or "dig -h | more") for complete list of options',
];

/** What a dig lookup shows (+[no]cmd, +[no]comments, sections, +[no]stats, +short). */
export interface DigDisplay {
  cmd: boolean;
  comments: boolean;
  question: boolean;
  answer: boolean;
  authority: boolean;
  additional: boolean;
  stats: boolean;
  short: boolean;
}

export function digGreeting(args: readonly string[], serversFound: number, short: boolean): string[] {
  const lines = ['', `; <<>> DiG ${DIG_VERSION} <<>>${args.map((a) => ` ${a}`).join('')}`];
  if (serversFound > 0) lines.push(`; (${serversFound} server${serversFound > 1 ? 's' : ''} found)`);
  lines.push(`;; global options:${short ? ' +short' : ''} +cmd`);
  return lines;
}

/** strftime("%a %b %d %H:%M:%S %Z %Y") in UTC for seconds since 1970 (no Date in the engine). */
export function formatWhen(secs: number): string {
  const u = utcParts(secs);
  const wd = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][u.weekday]!;
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][u.month - 1]!;
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return `${wd} ${mon} ${p2(u.day)} ${p2(u.hour)}:${p2(u.minute)}:${p2(u.second)} UTC ${u.year}`;
}

function flagsText(m: DnsMessage): string {
  const f = m.flags;
  const names = [f.qr && 'qr', f.aa && 'aa', f.tc && 'tc', f.rd && 'rd', f.ra && 'ra', f.ad && 'ad', f.cd && 'cd'].filter((x): x is string => typeof x === 'string');
  return names.map((n) => ` ${n}`).join('');
}

/** The OPT pseudosection (RFC 6891 as BIND prints it). `sentCookie` marks the COOKIE "(good)". */
export function formatOpt(edns: Edns, sentCookie?: Uint8Array): string[] {
  const flags = edns.dnssecOk ? ' do' : '';
  const lines = [';; OPT PSEUDOSECTION:', `; EDNS: version: ${edns.version}, flags:${flags}; udp: ${edns.udpPayloadSize}`];
  for (const o of edns.options) lines.push(`; ${optionText(o, sentCookie)}`);
  return lines;
}

function optionText(o: EdnsOption, sentCookie?: Uint8Array): string {
  if (o.code !== EDNS_OPTION.COOKIE) return formatEdnsOption(o);
  const hex = toHexUpper(o.data).toLowerCase();
  if (!sentCookie || o.data.length < 8) return `COOKIE: ${hex}`;
  const same = sentCookie.every((b, i) => o.data[i] === b);
  if (!same) return `COOKIE: ${hex} (bad)`;
  return `COOKIE: ${hex}${o.data.length > 8 ? ' (good)' : ' (echoed)'}`;
}

function section(title: string, records: readonly DnsRecord[], comments: boolean): string[] {
  if (records.length === 0) return [];
  const lines = records.map(formatRecord);
  return comments ? [`;; ${title} SECTION:`, ...lines, ''] : lines;
}

/** The message part of dig's output (from ";; Got answer:" to the last section). */
export function formatDigMessage(m: DnsMessage, d: DigDisplay, opts: { sending?: boolean; sentCookie?: Uint8Array; querySent?: DnsMessage } = {}): string[] {
  if (d.short) return d.answer ? m.answers.map((r) => formatRData(r)) : [];
  const out: string[] = [];
  const counts = { an: m.answers.length, ns: m.authorities.length, ar: m.additionals.length + (m.edns ? 1 : 0) };
  if (d.comments) {
    out.push(opts.sending ? ';; Sending:' : ';; Got answer:');
    const rcode = ((m.edns?.extendedRcode ?? 0) << 4) | m.flags.rcode;
    out.push(`;; ->>HEADER<<- opcode: ${opcodeName(m.flags.opcode)}, status: ${rcodeName(rcode)}, id: ${m.id}`);
    out.push(`;; flags:${flagsText(m)}; QUERY: ${m.questions.length}, ANSWER: ${counts.an}, AUTHORITY: ${counts.ns}, ADDITIONAL: ${counts.ar}`);
    if (!opts.sending && m.flags.rd && !m.flags.ra) out.push(';; WARNING: recursion requested but not available');
    if (!opts.sending && opts.querySent?.edns && !m.edns && (m.flags.rcode === 1 || m.flags.rcode === 4)) {
      out.push('', `;; WARNING: EDNS query returned status ${rcodeName(m.flags.rcode)} - retry with '${opts.querySent.edns.dnssecOk ? '+nodnssec ' : ''}+noedns'`);
    }
    out.push('');
    if (m.edns) out.push(...formatOpt(m.edns, opts.sending ? undefined : opts.sentCookie));
  }
  if (d.question && m.questions.length) {
    const lines = m.questions.map(formatQuestion);
    out.push(...(d.comments ? [';; QUESTION SECTION:', ...lines, ''] : lines));
  }
  if (d.answer) out.push(...section('ANSWER', m.answers, d.comments));
  if (d.authority) out.push(...section('AUTHORITY', m.authorities, d.comments));
  if (d.additional) out.push(...section('ADDITIONAL', m.additionals, d.comments));
  return out;
}

export interface DigStats {
  readonly rttNs: number;
  readonly server: string;
  readonly port: number;
  readonly serverName: string;
  readonly tcp: boolean;
  readonly whenSecs: number;
  readonly size: number;
}

export function formatDigStats(s: DigStats): string[] {
  return [
    `;; Query time: ${Math.floor(s.rttNs / 1e6)} msec`,
    `;; SERVER: ${serverText(s.server, s.port)}(${s.serverName}) (${s.tcp ? 'TCP' : 'UDP'})`,
    `;; WHEN: ${formatWhen(s.whenSecs)}`,
    `;; MSG SIZE  rcvd: ${s.size}`,
    '',
  ];
}

/** "192.0.2.1#53", "2001:db8::1#53" (isc_sockaddr_format). */
export function serverText(addr: string, port: number): string {
  return `${addr}#${port}`;
}

/** +trace / +identify: ";; Received 239 bytes from 198.41.0.4#53(a.root-servers.net) in 12 ms". */
export function formatReceived(size: number, addr: string, port: number, name: string, rttNs: number): string[] {
  return [`;; Received ${size} bytes from ${serverText(addr, port)}(${name}) in ${Math.floor(rttNs / 1e6)} ms`, ''];
}

/** ";; QUERY SIZE: 52" after a +qr "Sending:" block. */
export function formatQuerySize(size: number): string[] {
  return [`;; QUERY SIZE: ${size}`, ''];
}
