/**
 * Output formatting for the `ping` terminal command, byte-for-byte as iputils `ping` prints it
 * (Debian 12, iputils-ping 20221126). Pure functions: no I/O, no clock. Every function returns
 * text without a trailing newline; multi-line results are arrays with one element per line.
 *
 * Sources of truth, in order: the real binary (see test/oracle/real-tools.test.ts, which replays
 * real output through these functions), then iputils' ping.c / ping6_common.c / ping_common.c.
 */

// ---------------------------------------------------------------------------------------------
// C printf emulation (exact: works on the binary value of the double, ties round half to even
// like glibc does). Shared with traceroute-format.ts.
// ---------------------------------------------------------------------------------------------

/** x = 0.DIGITS × 10^exp10, DIGITS without leading or trailing zeros. x must be finite and > 0. */
interface ExactDecimal {
  digits: string;
  exp10: number;
}

function exactDecimal(x: number): ExactDecimal {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e2: number;
  if (biased === 0) {
    e2 = -1074;
  } else {
    mant |= 1n << 52n;
    e2 = biased - 1075;
  }
  // x = mant × 2^e2 = intStr × 10^-fracDigits
  let intStr: string;
  let fracDigits: number;
  if (e2 >= 0) {
    intStr = (mant << BigInt(e2)).toString();
    fracDigits = 0;
  } else {
    intStr = (mant * 5n ** BigInt(-e2)).toString();
    fracDigits = -e2;
  }
  const exp10 = intStr.length - fracDigits;
  return { digits: intStr.replace(/0+$/, ''), exp10 };
}

/** Increment a string of decimal digits; returns [digits, carriedOut]. */
function incrementDigits(digits: string): [string, boolean] {
  const out = digits.split('');
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i] === '9') {
      out[i] = '0';
    } else {
      out[i] = String(Number(out[i]) + 1);
      return [out.join(''), false];
    }
  }
  return ['1' + out.join(''), true];
}

/**
 * Keep `keep` leading digits of d (relative to its first digit), rounding half to even on the
 * exact value. Returns the kept digits (exactly `keep` long, zero padded) and the new exp10.
 * keep <= 0 rounds to a value whose first digit sits at or above 10^exp10.
 */
function roundExact(d: ExactDecimal, keep: number): ExactDecimal {
  const { digits } = d;
  if (keep >= digits.length) return { digits: digits.padEnd(Math.max(keep, 0), '0'), exp10: d.exp10 };
  if (keep < 0) return { digits: '', exp10: d.exp10 };
  const head = digits.slice(0, keep);
  const rest = digits.slice(keep);
  const first = rest.charCodeAt(0) - 48;
  // trailing zeros were stripped, so rest.length > 1 means "strictly more than half" when first is 5
  const lastHead = head.length > 0 ? head.charCodeAt(head.length - 1) - 48 : 0;
  const up = first > 5 || (first === 5 && (rest.length > 1 || lastHead % 2 === 1));
  if (!up) return { digits: head, exp10: d.exp10 };
  if (head.length === 0) return { digits: '1', exp10: d.exp10 + 1 };
  const [inc, carried] = incrementDigits(head);
  return carried ? { digits: inc.slice(0, keep), exp10: d.exp10 + 1 } : { digits: inc, exp10: d.exp10 };
}

function nonFinite(x: number): string | undefined {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return undefined;
}

/** C `printf("%.<precision>f", x)` (glibc). */
export function cFormatFixed(x: number, precision: number): string {
  const nf = nonFinite(x);
  if (nf !== undefined) return nf;
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const ax = Math.abs(x);
  let intPart: string;
  let fracPart: string;
  if (ax === 0) {
    intPart = '0';
    fracPart = '0'.repeat(precision);
  } else {
    const d = exactDecimal(ax);
    const r = roundExact(d, d.exp10 + precision);
    // r.digits represent the value r.digits × 10^(r.exp10 - r.digits.length)
    const all = r.digits.length === 0 ? '0' : r.digits;
    const intLen = r.exp10;
    if (intLen <= 0) {
      intPart = '0';
      fracPart = ('0'.repeat(-intLen) + (r.digits.length === 0 ? '' : all)).padEnd(precision, '0').slice(0, precision);
    } else {
      const padded = all.padEnd(intLen + precision, '0');
      intPart = padded.slice(0, intLen);
      fracPart = padded.slice(intLen, intLen + precision);
    }
  }
  return precision > 0 ? `${sign}${intPart}.${fracPart}` : `${sign}${intPart}`;
}

/** C `printf("%g", x)` (glibc), with an optional precision (default 6). */
export function cFormatG(x: number, precision = 6): string {
  const nf = nonFinite(x);
  if (nf !== undefined) return nf;
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const P = precision === 0 ? 1 : precision;
  const ax = Math.abs(x);
  if (ax === 0) return `${sign}0`;
  const r = roundExact(exactDecimal(ax), P);
  const X = r.exp10 - 1; // exponent of the first significant digit after rounding
  const strip = (s: string): string => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (P > X && X >= -4) {
    return sign + strip(cFormatFixed(ax, P - 1 - X));
  }
  const mantissa = r.digits.length > 1 ? `${r.digits[0]}.${r.digits.slice(1)}` : r.digits;
  const expAbs = Math.abs(X);
  return `${sign}${strip(mantissa)}e${X < 0 ? '-' : '+'}${String(expAbs).padStart(2, '0')}`;
}

/** C `%03ld` for a possibly negative long: the sign counts towards the width. */
function pad03(n: number): string {
  return n < 0 ? '-' + String(-n).padStart(2, '0') : String(n).padStart(3, '0');
}

/** C integer division (truncates toward zero). */
function cdiv(a: number, b: number): number {
  return Math.trunc(a / b);
}

/** C `%` on integers (sign follows the dividend). */
function cmod(a: number, b: number): number {
  return a - cdiv(a, b) * b;
}

// ---------------------------------------------------------------------------------------------
// Addresses
// ---------------------------------------------------------------------------------------------

/**
 * How iputils' pr_addr() shows a peer: "name (address)" when a (reverse) name is known and
 * numeric output is off, otherwise just the address. Numeric output is on for `-n`, and also
 * whenever the target was typed as a literal address (v4) or contains ':' (v6).
 */
export function pingAddress(address: string, name?: string, numeric = false): string {
  return name !== undefined && name !== '' && !numeric ? `${name} (${address})` : address;
}

// ---------------------------------------------------------------------------------------------
// Header
// ---------------------------------------------------------------------------------------------

export interface PingHeaderInfo {
  /**
   * The name shown after PING: for v4 the literal address as typed, or for a name the canonical
   * name the resolver returned (e.g. the first name on its /etc/hosts line); for v6 as typed.
   */
  target: string;
  address: string;
  v6: boolean;
  /** -s, default 56. */
  dataLen: number;
  /** v4 IP options length: 40 with -R or -T, else 0. */
  ipOptionsLen?: number;
  /** With -I: the source address ping bound to. */
  source?: string;
  /** With -I <interface>: the interface name. */
  device?: string;
  /**
   * v6 only: the reverse name of `address` when the target was typed as a name and -n was not
   * given ("PING bee6(bee6 (fd00:2::2)) 56 data bytes"). Leave undefined for literal targets.
   */
  addressName?: string;
}

/**
 * v4: "PING 10.0.0.2 (10.0.0.2) 56(84) bytes of data."
 * v6: "PING fd00::2(fd00::2) 56 data bytes"
 * with -I: "PING 10.0.2.2 (10.0.2.2) from 10.0.0.2 eth0: 56(84) bytes of data."
 */
export function formatPingHeader(h: PingHeaderInfo): string {
  const from = h.source !== undefined || h.device !== undefined ? `from ${h.source ?? ''} ${h.device ?? ''}: ` : '';
  if (h.v6) {
    return `PING ${h.target}(${pingAddress(h.address, h.addressName)}) ${from}${h.dataLen} data bytes`;
  }
  return `PING ${h.target} (${h.address}) ${from}${h.dataLen}(${h.dataLen + 8 + (h.ipOptionsLen ?? 0) + 20}) bytes of data.`;
}

// ---------------------------------------------------------------------------------------------
// Replies
// ---------------------------------------------------------------------------------------------

export interface PingReplyInfo {
  /** ICMP bytes including the 8-byte ICMP header (dataLen + 8 for a full reply). */
  bytes: number;
  /** Peer as pr_addr() shows it: see pingAddress(). */
  from: string;
  seq: number;
  /** Reply TTL / hop limit; negative = unknown (not printed). */
  ttl: number;
  /**
   * Round-trip time in integer microseconds. Omit when ping does no timing (data length below
   * 16 bytes, the size of a struct timeval): then no "time=" is printed.
   */
  rttUs?: number;
  duplicate?: boolean;
  /** Reply shorter than dataLen + 8: printed as " (truncated)" with no time. */
  truncated?: boolean;
}

/**
 * iputils' time= rounding (ping_common.c): 3 decimals below 1 ms (truncated), 2 decimals below
 * 9.995 ms, 1 decimal below 99.95 ms, none above; each rounded half up in integer microseconds.
 */
export function formatPingRtt(rttUs: number): string {
  const t = Math.trunc(rttUs);
  if (t >= 100000 - 50) return `${cdiv(t + 500, 1000)}`;
  if (t >= 10000 - 5) return `${cdiv(t + 50, 1000)}.${cdiv(cmod(t + 50, 1000), 100)}`;
  if (t >= 1000) return `${cdiv(t + 5, 1000)}.${String(cdiv(cmod(t + 5, 1000), 10)).padStart(2, '0')}`;
  return `${cdiv(t, 1000)}.${pad03(cmod(t, 1000))}`;
}

/** "64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=0.045 ms" (+ " (DUP!)"). */
export function formatPingReply(r: PingReplyInfo): string {
  let s = `${r.bytes} bytes from ${r.from}: icmp_seq=${r.seq}`;
  if (r.ttl >= 0) s += ` ttl=${r.ttl}`;
  if (r.truncated) return `${s} (truncated)`;
  if (r.rttUs !== undefined) s += ` time=${formatPingRtt(r.rttUs)} ms`;
  if (r.duplicate) s += ' (DUP!)';
  return s;
}

// ---------------------------------------------------------------------------------------------
// ICMP errors
// ---------------------------------------------------------------------------------------------

export type PingErrorKind =
  | 'ttlExceeded'
  | 'fragReassemblyExceeded'
  | 'netUnreachable'
  | 'hostUnreachable'
  | 'protocolUnreachable'
  | 'portUnreachable'
  | 'fragNeeded'
  | 'adminProhibited'
  | 'v6NoRoute'
  | 'v6AdminProhibited'
  | 'v6AddrUnreachable'
  | 'v6PortUnreachable'
  | 'v6PacketTooBig'
  | 'v6HopLimitExceeded'
  | 'v6FragReassemblyExceeded';

/**
 * The ICMP (type, code) behind each kind. 'adminProhibited' is what a Linux router sends for a
 * `prohibit` route: Destination Unreachable code 13 (communication administratively filtered),
 * which ping prints as "Packet filtered".
 */
export const PING_ERROR_ICMP: Readonly<Record<PingErrorKind, { v6: boolean; type: number; code: number }>> = {
  ttlExceeded: { v6: false, type: 11, code: 0 },
  fragReassemblyExceeded: { v6: false, type: 11, code: 1 },
  netUnreachable: { v6: false, type: 3, code: 0 },
  hostUnreachable: { v6: false, type: 3, code: 1 },
  protocolUnreachable: { v6: false, type: 3, code: 2 },
  portUnreachable: { v6: false, type: 3, code: 3 },
  fragNeeded: { v6: false, type: 3, code: 4 },
  adminProhibited: { v6: false, type: 3, code: 13 },
  v6NoRoute: { v6: true, type: 1, code: 0 },
  v6AdminProhibited: { v6: true, type: 1, code: 1 },
  v6AddrUnreachable: { v6: true, type: 1, code: 3 },
  v6PortUnreachable: { v6: true, type: 1, code: 4 },
  v6PacketTooBig: { v6: true, type: 2, code: 0 },
  v6HopLimitExceeded: { v6: true, type: 3, code: 0 },
  v6FragReassemblyExceeded: { v6: true, type: 3, code: 1 },
};

const V4_UNREACH: readonly string[] = [
  'Destination Net Unreachable',
  'Destination Host Unreachable',
  'Destination Protocol Unreachable',
  'Destination Port Unreachable',
  '', // 4: frag needed, has the mtu
  'Source Route Failed',
  'Destination Net Unknown',
  'Destination Host Unknown',
  'Source Host Isolated',
  'Destination Net Prohibited',
  'Destination Host Prohibited',
  'Destination Net Unreachable for Type of Service',
  'Destination Host Unreachable for Type of Service',
  'Packet filtered',
  'Precedence Violation',
  'Precedence Cutoff',
];

const V6_UNREACH: readonly string[] = [
  'No route',
  'Administratively prohibited',
  'Beyond scope of source address',
  'Address unreachable',
  'Port unreachable',
  'Source address failed ingress/egress policy',
  'Reject route to destination',
];

/**
 * The text ping prints after "From X icmp_seq=N " for an ICMP error (v4: pr_icmph() in ping.c,
 * v6: print_icmp() in ping6_common.c). `info` is the MTU for frag-needed / packet-too-big, the
 * pointer for parameter problems, the gateway (dotted quad) for v4 redirects.
 */
export function pingIcmpText(icmp: { v6: boolean; type: number; code: number; info?: number | string }): string {
  const { type, code } = icmp;
  const info = icmp.info ?? 0;
  if (icmp.v6) {
    switch (type) {
      case 1:
        return `Destination unreachable: ${V6_UNREACH[code] ?? `Unknown code ${code}`}`;
      case 2:
        return `Packet too big: mtu=${info}${code ? `, code=${code}` : ''}`;
      case 3:
        return `Time exceeded: ${code === 0 ? 'Hop limit' : code === 1 ? 'Defragmentation failure' : `code ${code}`}`;
      case 4: {
        const what = code === 0 ? 'Wrong header field ' : code === 1 ? 'Unknown header ' : code === 2 ? 'Unknown option ' : `code ${code} `;
        return `Parameter problem: ${what}at ${info}`;
      }
      case 128:
        return 'Echo request';
      case 129:
        return 'Echo reply';
      case 130:
        return 'MLD Query';
      case 131:
        return 'MLD Report';
      case 132:
        return 'MLD Reduction';
      default:
        return `unknown icmp type: ${type}`;
    }
  }
  switch (type) {
    case 0:
      return 'Echo Reply';
    case 3:
      if (code === 4) return `Frag needed and DF set (mtu = ${info})`;
      return V4_UNREACH[code] ?? `Dest Unreachable, Bad Code: ${code}`;
    case 4:
      return 'Source Quench';
    case 5: {
      const what = ['Redirect Network', 'Redirect Host', 'Redirect Type of Service and Network', 'Redirect Type of Service and Host'][code] ?? `Redirect, Bad Code: ${code}`;
      return `${what}(New nexthop: ${info})`;
    }
    case 8:
      return 'Echo Request';
    case 11:
      return code === 0 ? 'Time to live exceeded' : code === 1 ? 'Frag reassembly time exceeded' : `Time exceeded, Bad Code: ${code}`;
    case 12:
      return `Parameter problem: pointer = ${info}`;
    case 13:
      return 'Timestamp';
    case 14:
      return 'Timestamp Reply';
    case 15:
      return 'Information Request';
    case 16:
      return 'Information Reply';
    case 17:
      return 'Address Mask Request';
    case 18:
      return 'Address Mask Reply';
    default:
      return `Bad ICMP type: ${type}`;
  }
}

/** "From 10.0.1.1 icmp_seq=2 Time to live exceeded" for an ICMP error of any type/code. */
export function formatPingIcmpError(e: { from: string; seq: number; v6: boolean; type: number; code: number; info?: number | string }): string {
  return `From ${e.from} icmp_seq=${e.seq} ${pingIcmpText(e)}`;
}

/**
 * "From 10.0.1.1 icmp_seq=2 Time to live exceeded", "From 10.0.1.1 icmp_seq=1 Frag needed and
 * DF set (mtu = 1400)", "From fd00::1 icmp_seq=1 Packet too big: mtu=1400", ...
 * `from` is the reporting router as pingAddress() shows it.
 */
export function formatPingError(e: { from: string; seq: number; kind: PingErrorKind; mtu?: number }): string {
  const icmp = PING_ERROR_ICMP[e.kind];
  return formatPingIcmpError({ from: e.from, seq: e.seq, ...icmp, info: e.mtu ?? 0 });
}

/**
 * Local send error (printed on stderr): v4 "ping: local error: message too long, mtu=1400",
 * v6 "ping: local error: message too long, mtu: 1400".
 */
export function formatPingLocalError(kind: 'messageTooLong', mtu: number, v6 = false): string {
  const what: Record<typeof kind, string> = { messageTooLong: 'message too long' };
  return `ping: local error: ${what[kind]}, mtu${v6 ? ': ' : '='}${mtu}`;
}

// ---------------------------------------------------------------------------------------------
// Statistics
// ---------------------------------------------------------------------------------------------

export interface PingStats {
  /** As shown in the --- line: the same name the PING header shows. */
  target: string;
  transmitted: number;
  /** Distinct replies (duplicates not included). */
  received: number;
  /** ICMP errors reported ("From ... icmp_seq=..." lines) plus local errors. */
  errors: number;
  duplicates: number;
  /** Wall time from the first send to the last send, rounded to ms ("time 2003ms"). */
  elapsedMs: number;
  /** Integer µs of every timed reply in arrival order, duplicates included (as iputils sums them). */
  rttsUs: number[];
  /** Replies with a bad checksum ("+N corrupted"). */
  corrupted?: number;
  /** False when ping does no timing (data length < 16): no rtt line. Default true. */
  timing?: boolean;
  /** Most probes ever in flight; "pipe N" is printed when above 1. */
  pipe?: number;
  /** Interval 0, -f or -A: ping appends "ipg/ewma x/y ms". */
  ipgEwma?: boolean;
  /** Exact elapsed time in µs for ipg (default elapsedMs × 1000). */
  elapsedUs?: number;
}

/** iputils' llsqrt(): integer Newton square root. */
function llsqrt(a: bigint): bigint {
  let prev: bigint | undefined;
  let x = a;
  if (x > 0n) {
    while (prev === undefined || x < prev) {
      prev = x;
      x = (x + a / x) / 2n;
    }
  }
  return x;
}

function msDotUs(us: number | bigint): string {
  const n = Number(us);
  return `${cdiv(n, 1000)}.${pad03(cmod(n, 1000))}`;
}

/**
 * The four lines ping prints on exit, e.g.
 *   ["", "--- 10.0.0.2 ping statistics ---",
 *    "3 packets transmitted, 3 received, 0% packet loss, time 2003ms",
 *    "rtt min/avg/max/mdev = 0.045/0.051/0.060/0.006 ms"]
 * The last line is always present: it is "" when nothing was received (ping still ends the
 * output with an empty line), or "pipe N" alone when probes overlapped but none came back.
 */
export function formatPingStats(s: PingStats): string[] {
  const lines: string[] = ['', `--- ${s.target} ping statistics ---`];
  let summary = `${s.transmitted} packets transmitted, ${s.received} received`;
  if (s.duplicates) summary += `, +${s.duplicates} duplicates`;
  if (s.corrupted) summary += `, +${s.corrupted} corrupted`;
  if (s.errors) summary += `, +${s.errors} errors`;
  if (s.transmitted) {
    const loss = Math.fround(((s.transmitted - s.received) * 100.0) / s.transmitted);
    summary += `, ${cFormatG(loss)}% packet loss, time ${s.elapsedMs}ms`;
  }
  lines.push(summary);

  let last = '';
  let comma = '';
  const timed = s.received > 0 && s.timing !== false && s.rttsUs.length > 0;
  let ewma = 0;
  if (timed) {
    const rtts = s.rttsUs.map((t) => Math.trunc(t));
    let tsum = 0n;
    let tsum2 = 0n;
    let tmin = Infinity;
    let tmax = -Infinity;
    for (const t of rtts) {
      const bt = BigInt(t);
      tsum += bt;
      tsum2 += bt * bt;
      if (t < tmin) tmin = t;
      if (t > tmax) tmax = t;
      ewma = ewma === 0 ? t * 8 : ewma + t - cdiv(ewma, 8);
    }
    const total = BigInt(s.received + s.duplicates);
    const tmavg = tsum / total;
    const INT_MAX = 2147483647n;
    const tmvar = tsum < INT_MAX ? (tsum2 - (tsum * tsum) / total) / total : tsum2 / total - tmavg * tmavg;
    const tmdev = llsqrt(tmvar);
    last = `rtt min/avg/max/mdev = ${msDotUs(tmin)}/${msDotUs(tmavg)}/${msDotUs(tmax)}/${msDotUs(tmdev)} ms`;
    comma = ', ';
  }
  if (s.pipe !== undefined && s.pipe > 1) {
    last += `${comma}pipe ${s.pipe}`;
    comma = ', ';
  }
  if (s.received > 0 && s.ipgEwma && s.transmitted > 1) {
    const ipg = Math.trunc((s.elapsedUs ?? s.elapsedMs * 1000) / (s.transmitted - 1));
    last += `${comma}ipg/ewma ${msDotUs(ipg)}/${cdiv(ewma, 8000)}.${pad03(cmod(cdiv(ewma, 8), 1000))} ms`;
  }
  lines.push(last);
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Usage and option errors (all printed on stderr; exit status 2, except "usage error" which is 1)
// ---------------------------------------------------------------------------------------------

const PING_USAGE: readonly string[] = [
  '',
  'Usage',
  '  ping [options] <destination>',
  '',
  'Options:',
  '  <destination>      dns name or ip address',
  '  -a                 use audible ping',
  '  -A                 use adaptive ping',
  '  -B                 sticky source address',
  '  -c <count>         stop after <count> replies',
  '  -C                 call connect() syscall on socket creation',
  '  -D                 print timestamps',
  '  -d                 use SO_DEBUG socket option',
  '  -e <identifier>    define identifier for ping session, default is random for',
  '                     SOCK_RAW and kernel defined for SOCK_DGRAM',
  '                     Imply using SOCK_RAW (for IPv4 only for identifier 0)',
  '  -f                 flood ping',
  '  -h                 print help and exit',
  '  -I <interface>     either interface name or address',
  '  -i <interval>      seconds between sending each packet',
  '  -L                 suppress loopback of multicast packets',
  '  -l <preload>       send <preload> number of packages while waiting replies',
  '  -m <mark>          tag the packets going out',
  '  -M <pmtud opt>     define mtu discovery, can be one of <do|dont|want>',
  '  -n                 no dns name resolution',
  '  -O                 report outstanding replies',
  '  -p <pattern>       contents of padding byte',
  '  -q                 quiet output',
  '  -Q <tclass>        use quality of service <tclass> bits',
  '  -s <size>          use <size> as number of data bytes to be sent',
  '  -S <size>          use <size> as SO_SNDBUF socket option value',
  '  -t <ttl>           define time to live',
  '  -U                 print user-to-user latency',
  '  -v                 verbose output',
  '  -V                 print version and exit',
  '  -w <deadline>      reply wait <deadline> in seconds',
  '  -W <timeout>       time to wait for response',
  '',
  'IPv4 options:',
  '  -4                 use IPv4',
  '  -b                 allow pinging broadcast',
  '  -R                 record route',
  '  -T <timestamp>     define timestamp, can be one of <tsonly|tsandaddr|tsprespec>',
  '',
  'IPv6 options:',
  '  -6                 use IPv6',
  '  -F <flowlabel>     define flow label, default is random',
  '  -N <nodeinfo opt>  use icmp6 node info query, try <help> as argument',
  '',
  'For more details see ping(8).',
];

/** iputils' usage text (stderr, exit status 2), as printed by `ping -h` or after a bad option. */
export function formatPingUsage(): string[] {
  return [...PING_USAGE];
}

/** getopt's view of the offending character: 'z', '-z' → 'z'; '--foo' → '-' (ping has no long options). */
function optionChar(flag: string): string {
  if (flag.startsWith('--')) return '-';
  if (flag.length >= 2 && flag.startsWith('-')) return flag.charAt(1);
  return flag.charAt(0);
}

/** `ping -z`: "ping: invalid option -- 'z'" followed by the usage text (stderr, exit 2). */
export function formatPingBadOption(flag: string): string[] {
  return [`ping: invalid option -- '${optionChar(flag)}'`, ...PING_USAGE];
}

/** `ping -c`: "ping: option requires an argument -- 'c'" followed by the usage text (stderr, exit 2). */
export function formatPingMissingArgument(flag: string): string[] {
  return [`ping: option requires an argument -- '${optionChar(flag)}'`, ...PING_USAGE];
}

/**
 * A numeric option out of range (stderr, exit 1), e.g. `ping -c 0 x`:
 * "ping: invalid argument: '0': out of range: 1 <= value <= 9223372036854775807";
 * without a range (not a number at all, `ping -c abc x`): "ping: invalid argument: 'abc'".
 */
export function formatPingInvalidArgument(value: string, range?: { min: string | number; max: string | number }): string {
  return range === undefined
    ? `ping: invalid argument: '${value}'`
    : `ping: invalid argument: '${value}': out of range: ${range.min} <= value <= ${range.max}`;
}

/** No destination (stderr, exit 1). */
export function formatPingNoDestination(): string {
  return 'ping: usage error: Destination address required';
}

/** Name resolution failure (stderr, exit 2), e.g. "ping: nosuchhost: Name or service not known". */
export function formatPingUnknownHost(target: string, reason = 'Name or service not known'): string {
  return `ping: ${target}: ${reason}`;
}
