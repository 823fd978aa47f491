/**
 * dig's command line (bin/dig/dig.c parse_args): `@server`, names, types and classes in any
 * order, dash options (-p -t -c -x -q -4 -6 -h -v) with attached or separate values, and
 * `+[no]keyword[=value]` options that may be abbreviated to any unique prefix. Options before
 * the first name are global; after a name they only apply to that lookup.
 */
import { classFromName, typeFromName } from '../wire/dns/format.ts';
import { RR_CLASS, RR_TYPE } from '../wire/dns/types.ts';
import { parseIpv6 } from '../wire/addr.ts';
import { fromUser, reverseName } from '../stack/dns/dname.ts';
import type { DigDisplay } from './dig-format.ts';
import { DIG_VERSION } from './dig-format.ts';

export interface DigOptions extends DigDisplay {
  recurse: boolean;
  /** undefined: UDP, except TCP for ANY/AXFR/IXFR as dig 9.18 does. */
  tcp: boolean | undefined;
  ignoreTc: boolean;
  dnssec: boolean;
  edns: boolean;
  bufsize: number;
  cookie: boolean;
  adflag: boolean;
  cdflag: boolean;
  aaflag: boolean;
  trace: boolean;
  qr: boolean;
  tries: number;
  timeoutS: number;
  identify: boolean;
  failStops: boolean;
}

export interface DigLookup {
  name: string;
  type: number;
  cls: number;
  server?: string;
  opts: DigOptions;
}

export interface DigArgs {
  lookups: DigLookup[];
  port: number;
  /** The global @server (before the first name). */
  server?: string;
  family?: 4 | 6;
  /** Warnings dig prints while parsing (";; Warning, ignoring invalid type FOO"). */
  warnings: string[];
}

export type DigParse = { ok: true; value: DigArgs } | { ok: false; lines: string[]; status: number; usage: boolean } | { ok: 'info'; lines: string[] };

export function defaultDigOptions(): DigOptions {
  return {
    cmd: true, comments: true, question: true, answer: true, authority: true, additional: true, stats: true, short: false,
    recurse: true, tcp: undefined, ignoreTc: false, dnssec: false, edns: true, bufsize: 1232, cookie: true, adflag: true, cdflag: false,
    aaflag: false, trace: false, qr: false, tries: 3, timeoutS: 5, identify: false, failStops: false,
  };
}

type Setter = (o: DigOptions, on: boolean, value: string | undefined) => string | undefined;

const bool = (k: keyof DigOptions): Setter => (o, on) => void ((o as unknown as Record<string, boolean>)[k] = on);
const num = (k: 'bufsize' | 'tries' | 'timeoutS', what: string, min: number, max: number): Setter => (o, on, v) => {
  if (!on) return 'invalid';
  if (v === undefined) return 'need';
  if (!/^[0-9]+$/.test(v)) return `invalid ${what} '${v}': not a valid number`;
  const n = Number(v);
  if (n > max) return `invalid ${what} '${v}': out of range`;
  o[k] = Math.max(n, min);
  return undefined;
};

/** Keywords in dig's order; a prefix must be unique unless it is listed as an exact alias. */
const PLUS: [string, Setter][] = [
  ['aaflag', bool('aaflag')], ['aaonly', bool('aaflag')], ['additional', bool('additional')], ['adflag', bool('adflag')],
  ['all', (o, on) => void Object.assign(o, { question: on, answer: on, authority: on, additional: on, comments: on, stats: on, cmd: on })],
  ['answer', bool('answer')], ['authority', bool('authority')],
  ['bufsize', num('bufsize', 'buffer size', 0, 65535)],
  ['cdflag', bool('cdflag')], ['cmd', bool('cmd')], ['comments', bool('comments')], ['cookie', bool('cookie')],
  ['dnssec', (o, on) => void ((o.dnssec = on), on && (o.edns = true))],
  ['edns', (o, on, v) => (v !== undefined && v !== '0' ? `invalid edns '${v}': only EDNS version 0 is simulated` : void (o.edns = on))],
  ['fail', bool('failStops')], ['identify', bool('identify')], ['ignore', bool('ignoreTc')],
  ['qr', bool('qr')], ['question', bool('question')],
  ['rdflag', bool('recurse')], ['recurse', bool('recurse')],
  ['retry', (o, on, v) => (v === undefined ? 'need' : !/^[0-9]+$/.test(v) ? `invalid retries '${v}': not a valid number` : void (on && (o.tries = Number(v) + 1)))],
  ['short', (o, on) => void ((o.short = on), on && Object.assign(o, { cmd: false, comments: false, stats: false, question: false, authority: false, additional: false, answer: true }))],
  ['stats', bool('stats')],
  ['tcp', (o, on) => void (o.tcp = on)],
  ['timeout', num('timeoutS', 'timeout', 1, 4294967)],
  ['trace', (o, on) => void ((o.trace = on), on && Object.assign(o, { dnssec: true, recurse: false, comments: false, stats: false, question: false, additional: false }))],
  ['tries', num('tries', 'tries', 1, 4294967)],
  ['vc', (o, on) => void (o.tcp = on)],
];
const EXACT_ALIASES: Record<string, string> = { ad: 'adflag' };
/** Real dig options this lab does not simulate (they get a clear message instead of a wrong output). */
const UNSUPPORTED = ['multiline', 'nssearch', 'yaml', 'besteffort', 'nsid', 'subnet', 'expire', 'keepalive', 'padding', 'ednsopt', 'ednsflags', 'tcflag', 'zflag', 'ttlunits', 'ttlid', 'class', 'crypto', 'rrcomments', 'split', 'unknownformat', 'search', 'defname', 'showsearch', 'domain', 'ndots', 'opcode', 'header-only', 'sigchase', 'topdown', 'dscp', 'mapped', 'keepopen', 'expandaaaa', 'idnin', 'idnout', 'onesoa', 'raflag', 'badcookie', 'ednsnegotiation', 'unexpected', 'https', 'tls', 'http-plain'];

function plusOption(text: string, o: DigOptions): { error?: string; status?: number; usage?: boolean } {
  const eq = text.indexOf('=');
  let cmd = (eq >= 0 ? text.slice(0, eq) : text).toLowerCase();
  const value = eq >= 0 ? text.slice(eq + 1) : undefined;
  let on = true;
  if (cmd.startsWith('no')) {
    cmd = cmd.slice(2);
    on = false;
  }
  const full = EXACT_ALIASES[cmd] ?? (PLUS.some(([k]) => k === cmd) ? cmd : undefined);
  const matches = full !== undefined ? PLUS.filter(([k]) => k === full) : PLUS.filter(([k]) => cmd.length > 0 && k.startsWith(cmd));
  if (matches.length !== 1) {
    const u = UNSUPPORTED.find((k) => cmd.length > 0 && k.startsWith(cmd));
    if (u) return { error: `dig: +${u} is not simulated in this lab`, status: 1 };
    return { error: `Invalid option: +${text}`, status: 1, usage: true };
  }
  const r = matches[0]![1](o, on, value);
  if (r === 'invalid') return { error: `Invalid option: +${text}`, status: 1, usage: true };
  if (r === 'need') return { error: `dig: value for ${matches[0]![0]} required`, status: 1 };
  if (r !== undefined) {
    const what = matches[0]![0] === 'bufsize' ? 'buffer size' : matches[0]![0];
    return { error: `${r}\ndig: Couldn't parse ${what}`, status: 10 };
  }
  return {};
}

/** `-x` operand → the reverse name (dig reverses whatever dotted text it gets). */
export function digReverse(text: string): string {
  const v6 = text.includes(':') ? parseIpv6(text) : undefined;
  if (v6) return reverseName(text, v6);
  return reverseName(text);
}

export function parseDigArgs(args: readonly string[]): DigParse {
  const global = defaultDigOptions();
  const out: DigArgs = { lookups: [], port: 53, warnings: [] };
  let cur: DigLookup | undefined;
  let pendingType: number | undefined;
  let pendingClass: number | undefined;
  const opts = (): DigOptions => cur?.opts ?? global;
  const fail = (lines: string[], status: number, usage = false): DigParse => ({ ok: false, lines, status, usage });
  const start = (name: string, type?: number): void => {
    cur = { name, type: type ?? pendingType ?? RR_TYPE.A, cls: pendingClass ?? RR_CLASS.IN, opts: { ...global } };
    out.lookups.push(cur);
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('@') && a.length > 1) {
      if (cur) cur.server = a.slice(1);
      else out.server = a.slice(1);
      continue;
    }
    if (a.startsWith('+')) {
      const r = plusOption(a.slice(1), opts());
      if (r.error) return fail(r.error.split('\n'), r.status ?? 1, r.usage ?? false);
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      const flag = a[1]!;
      const attached = a.slice(2);
      const takes = 'ptcxqbkyf'.includes(flag);
      let value = attached;
      if (takes && attached === '') {
        if (i + 1 >= args.length) return fail([`Invalid option: ${a}`], 1, true);
        value = args[++i]!;
      } else if (!takes && attached !== '') {
        return fail([`Invalid option: ${a}`], 1, true);
      }
      switch (flag) {
        case 'p':
          if (!/^[0-9]+$/.test(value) || Number(value) > 65535) return fail([`invalid port number '${value}': ${/^[0-9]+$/.test(value) ? 'out of range' : 'not a valid number'}`, "dig: Couldn't parse port number"], 10);
          out.port = Number(value);
          break;
        case 't': {
          const t = typeFromName(value);
          if (t === undefined) out.warnings.push(`;; Warning, ignoring invalid type ${value}`);
          else if (cur) cur.type = t;
          else pendingType = t;
          break;
        }
        case 'c': {
          const c = classFromName(value);
          if (c === undefined) out.warnings.push(`;; Warning, ignoring invalid class ${value}`);
          else if (cur) cur.cls = c;
          else pendingClass = c;
          break;
        }
        case 'x':
          start(digReverse(value), RR_TYPE.PTR);
          break;
        case 'q':
          start(fromUser(value));
          break;
        case '4':
        case '6':
          out.family = flag === '4' ? 4 : 6;
          break;
        case 'h':
          return { ok: 'info', lines: DIG_HELP };
        case 'v':
          return { ok: 'info', lines: [`DiG ${DIG_VERSION}`] };
        case 'r':
        case 'u':
        case 'm':
          break;
        default:
          return fail([`Invalid option: ${a}`], 1, true);
      }
      continue;
    }
    // A type, a class, or a name: a known type or class mnemonic is never a name (dig.c
    // parse_args). Before the first name it is global, after it belongs to that lookup.
    const t = /^ixfr/i.test(a) ? undefined : typeFromName(a);
    if (t !== undefined) {
      if (cur) cur.type = t;
      else pendingType = t;
      continue;
    }
    const c = classFromName(a);
    if (c !== undefined) {
      if (cur) cur.cls = c;
      else pendingClass = c;
      continue;
    }
    start(fromUser(a));
  }
  if (out.lookups.length === 0) {
    start('.', pendingType ?? RR_TYPE.NS);
  }
  for (const l of out.lookups) if (l.opts.trace && l.type === RR_TYPE.A && l.name === '.') l.type = RR_TYPE.NS;
  return { ok: true, value: out };
}


const DIG_HELP = [
  'Usage:  dig [@global-server] [domain] [q-type] [q-class] {q-opt}',
  '            {global-d-opt} host [@local-server] {local-d-opt}',
  '            [ host [@local-server] {local-d-opt} [...]]',
  'Where:  domain\t  is in the Domain Name System',
  '        q-class  is one of (in,hs,ch,...) [default: in]',
  '        q-type   is one of (a,any,mx,ns,soa,hinfo,axfr,txt,...) [default:a]',
  '        q-opt    is one of:',
  '                 -4                  (use IPv4 query transport only)',
  '                 -6                  (use IPv6 query transport only)',
  '                 -c class            (specify query class)',
  '                 -p port             (specify port number)',
  '                 -q name             (specify query name)',
  '                 -t type             (specify query type)',
  '                 -x dot-notation     (shortcut for reverse lookups)',
  '        d-opt    is of the form +keyword[=value], where keyword is:',
  '                 +[no]aaflag         (Set AA flag in query (+[no]aaflag))',
  '                 +[no]additional     (Control display of additional section)',
  '                 +[no]adflag         (Set AD flag in query (default on))',
  '                 +[no]all            (Set or clear all display flags)',
  '                 +[no]answer         (Control display of answer section)',
  '                 +[no]authority      (Control display of authority section)',
  '                 +bufsize[=###]      (Set EDNS0 Max UDP packet size)',
  '                 +[no]cdflag         (Set checking disabled flag in query)',
  '                 +[no]cmd            (Control display of command line - global option)',
  '                 +[no]comments       (Control display of packet header and section name comments)',
  '                 +[no]cookie         (Add a COOKIE option to the request)',
  '                 +[no]dnssec         (Request DNSSEC records)',
  '                 +[no]edns[=###]     (Set EDNS version) [0]',
  '                 +[no]fail           (Don\'t try next server on SERVFAIL)',
  '                 +[no]identify       (ID responders in short answers)',
  '                 +[no]ignore         (Don\'t revert to TCP for TC responses.)',
  '                 +[no]qr             (Print question before sending)',
  '                 +[no]question       (Control display of question section)',
  '                 +[no]recurse        (Recursive mode (+[no]rdflag))',
  '                 +retry=###          (Set number of UDP retries) [2]',
  '                 +[no]short          (Display nothing except short form of answers - global option)',
  '                 +[no]stats          (Control display of statistics)',
  '                 +[no]tcp            (TCP mode (+[no]vc))',
  '                 +timeout=###        (Set query timeout) [5]',
  '                 +[no]trace          (Trace delegation down from root [+dnssec])',
  '                 +tries=###          (Set number of UDP attempts) [3]',
  '        global d-opts and servers (before host name) affect all queries.',
  '        local d-opts and servers (after host name) affect only that lookup.',
  '        -h                           (print help and exit)',
  '        -v                           (print version and exit)',
];
