/**
 * Output formatting for the `traceroute` terminal command, byte-for-byte as Linux traceroute 2.1.x
 * (Debian 12, Dmitry Butskoy's implementation) prints it. Pure functions: no I/O, no clock.
 * Strings carry no trailing newline; multi-line results are arrays of lines.
 *
 * Checked against the real binary by test/oracle/real-tools.test.ts.
 */
import { cFormatFixed } from './ping-format.ts';

export interface TracerouteHeaderInfo {
  /** As typed on the command line. */
  target: string;
  address: string;
  /** -m, default 30. */
  maxHops: number;
  /**
   * Full probe length: IP header + method header + data. Defaults: 60 for v4 (UDP, -I ICMP
   * and -T TCP alike: 20 + 40), 80 for v6 (40 + 40); or the packetlen argument when given.
   */
  packetLen: number;
}

/** "traceroute to 10.0.2.2 (10.0.2.2), 30 hops max, 60 byte packets" */
export function formatTracerouteHeader(h: TracerouteHeaderInfo): string {
  return `traceroute to ${h.target} (${h.address}), ${h.maxHops} hops max, ${h.packetLen} byte packets`;
}

/** Default full packet length (no packetlen argument): IP header plus 40. */
export function tracerouteDefaultPacketLen(v6: boolean): number {
  return v6 ? 80 : 60;
}

export interface TracerouteProbe {
  /** Who answered; undefined = no answer ("*"). */
  address?: string;
  /** Reverse name of `address` (shown unless -n); without one traceroute shows "addr (addr)". */
  name?: string;
  /** Round-trip time in microseconds (integer µs print exactly, as the real tool's do). */
  rttUs?: number;
  /** '!H', '!N', '!P', '!F-1400', '!X', '!S' ...: see tracerouteAnnotation(). */
  annotation?: string;
}

function probeAddress(p: TracerouteProbe, numeric: boolean): string {
  const addr = p.address ?? '';
  if (numeric) return ` ${addr}`;
  return ` ${p.name !== undefined && p.name !== '' ? p.name : addr} (${addr})`;
}

/**
 * One hop line (print_probe() in traceroute.c):
 *   " 1  10.0.0.1  0.345 ms  0.301 ms  0.290 ms"
 *   " 3  * * *"
 *   " 6  * 10.0.2.2  0.078 ms  0.007 ms"
 *   " 1  10.0.0.1  0.213 ms !H  0.122 ms !H  0.113 ms !H"
 * The address is printed for the first answered probe and again whenever it differs from the
 * previous answered probe of the same hop. Without -n: "name (addr)", or "addr (addr)".
 */
export function formatTracerouteHop(ttl: number, probes: readonly TracerouteProbe[], opts: { numeric: boolean }): string {
  let s = `${String(ttl).padStart(2, ' ')} `;
  let prevAddress: string | undefined;
  for (const p of probes) {
    if (p.address === undefined) {
      s += ' *';
    } else {
      if (prevAddress === undefined || prevAddress !== p.address) s += probeAddress(p, opts.numeric);
      prevAddress = p.address;
    }
    if (p.rttUs !== undefined) s += `  ${cFormatFixed(p.rttUs / 1000, 3)} ms`;
    if (p.annotation !== undefined && p.annotation !== '') s += ` ${p.annotation}`;
  }
  return s;
}

/**
 * The annotation traceroute appends after a probe's time for an ICMP answer (parse_icmp_res()
 * in traceroute.c). undefined for answers printed without one: TTL / hop limit exceeded in
 * transit, port unreachable (the destination was reached) and echo replies (-I).
 */
export function tracerouteAnnotation(icmp: { v6: boolean; type: number; code: number; mtu?: number }): string | undefined {
  const { type, code } = icmp;
  const info = icmp.mtu ?? 0;
  if (!icmp.v6) {
    if (type === 0) return undefined; // echo reply (-I): final, no annotation
    if (type === 11 && code === 0) return undefined;
    if (type === 3) {
      switch (code) {
        case 0:
        case 6:
        case 8:
        case 11:
          return '!N';
        case 1:
        case 7:
        case 12:
          return '!H';
        case 9:
        case 10:
        case 13:
          return '!X';
        case 3:
          return undefined; // the destination host is reached
        case 2:
          return '!P';
        case 4:
          return `!F-${info}`;
        case 5:
          return '!S';
        case 14:
          return '!V';
        case 15:
          return '!C';
        default:
          return `!<${code}>`;
      }
    }
    return `!<${type}-${code}>`;
  }
  if (type === 129) return undefined; // echo reply (-I)
  if (type === 3 && code === 0) return undefined;
  if (type === 1) {
    switch (code) {
      case 0:
        return '!N';
      case 2:
      case 3:
        return '!H';
      case 1:
        return '!X';
      case 4:
        return undefined; // the destination host is reached
      default:
        return `!<${code}>`;
    }
  }
  if (type === 2) return `!F-${info}`;
  return `!<${type}-${code}>`;
}

// ---------------------------------------------------------------------------------------------
// Usage and command-line errors. All go to stderr with exit status 2, except the usage text
// itself (no arguments, or --help), which traceroute prints on stderr with exit status 0.
// ---------------------------------------------------------------------------------------------

const TRACEROUTE_USAGE: readonly string[] = [
  'Usage:',
  '  traceroute [ -46dFITnreAUDV ] [ -f first_ttl ] [ -g gate,... ] [ -i device ] [ -m max_ttl ] [ -N squeries ] [ -p port ] [ -t tos ] [ -l flow_label ] [ -w MAX,HERE,NEAR ] [ -q nqueries ] [ -s src_addr ] [ -z sendwait ] [ --fwmark=num ] host [ packetlen ]',
  'Options:',
  '  -4                          Use IPv4',
  '  -6                          Use IPv6',
  '  -d  --debug                 Enable socket level debugging',
  '  -F  --dont-fragment         Do not fragment packets',
  '  -f first_ttl  --first=first_ttl',
  '                              Start from the first_ttl hop (instead from 1)',
  '  -g gate,...  --gateway=gate,...',
  '                              Route packets through the specified gateway',
  '                              (maximum 8 for IPv4 and 127 for IPv6)',
  '  -I  --icmp                  Use ICMP ECHO for tracerouting',
  '  -T  --tcp                   Use TCP SYN for tracerouting (default port is 80)',
  '  -i device  --interface=device',
  '                              Specify a network interface to operate with',
  '  -m max_ttl  --max-hops=max_ttl',
  '                              Set the max number of hops (max TTL to be',
  '                              reached). Default is 30',
  '  -N squeries  --sim-queries=squeries',
  '                              Set the number of probes to be tried',
  '                              simultaneously (default is 16)',
  '  -n                          Do not resolve IP addresses to their domain names',
  '  -p port  --port=port        Set the destination port to use. It is either',
  '                              initial udp port value for "default" method',
  '                              (incremented by each probe, default is 33434), or',
  '                              initial seq for "icmp" (incremented as well,',
  '                              default from 1), or some constant destination',
  '                              port for other methods (with default of 80 for',
  '                              "tcp", 53 for "udp", etc.)',
  '  -t tos  --tos=tos           Set the TOS (IPv4 type of service) or TC (IPv6',
  '                              traffic class) value for outgoing packets',
  '  -l flow_label  --flowlabel=flow_label',
  '                              Use specified flow_label for IPv6 packets',
  '  -w MAX,HERE,NEAR  --wait=MAX,HERE,NEAR',
  '                              Wait for a probe no more than HERE (default 3)',
  '                              times longer than a response from the same hop,',
  '                              or no more than NEAR (default 10) times than some',
  '                              next hop, or MAX (default 5.0) seconds (float',
  '                              point values allowed too)',
  '  -q nqueries  --queries=nqueries',
  '                              Set the number of probes per each hop. Default is',
  '                              3',
  '  -r                          Bypass the normal routing and send directly to a',
  '                              host on an attached network',
  '  -s src_addr  --source=src_addr',
  '                              Use source src_addr for outgoing packets',
  '  -z sendwait  --sendwait=sendwait',
  '                              Minimal time interval between probes (default 0).',
  '                              If the value is more than 10, then it specifies a',
  '                              number in milliseconds, else it is a number of',
  '                              seconds (float point values allowed too)',
  '  -e  --extensions            Show ICMP extensions (if present), including MPLS',
  '  -A  --as-path-lookups       Perform AS path lookups in routing registries and',
  '                              print results directly after the corresponding',
  '                              addresses',
  '  -M name  --module=name      Use specified module (either builtin or external)',
  '                              for traceroute operations. Most methods have',
  "                              their shortcuts (`-I' means `-M icmp' etc.)",
  '  -O OPTS,...  --options=OPTS,...',
  '                              Use module-specific option OPTS for the',
  '                              traceroute module. Several OPTS allowed,',
  '                              separated by comma. If OPTS is "help", print info',
  '                              about available options',
  '  --sport=num                 Use source port num for outgoing packets. Implies',
  "                              `-N 1'",
  '  --fwmark=num                Set firewall mark for outgoing packets',
  '  -U  --udp                   Use UDP to particular port for tracerouting',
  '                              (instead of increasing the port per each probe),',
  '                              default port is 53',
  '  -UL                         Use UDPLITE for tracerouting (default dest port',
  '                              is 53)',
  '  -D  --dccp                  Use DCCP Request for tracerouting (default port',
  '                              is 33434)',
  '  -P prot  --protocol=prot    Use raw packet of protocol prot for tracerouting',
  '  --mtu                       Discover MTU along the path being traced. Implies',
  "                              `-F -N 1'",
  '  --back                      Guess the number of hops in the backward path and',
  '                              print if it differs',
  '  -V  --version               Print version info and exit',
  '  --help                      Read this help and exit',
  '',
  'Arguments:',
  '+     host          The host to traceroute to',
  '      packetlen     The full packet length (default is the length of an IP',
  '                    header plus 40). Can be ignored or increased to a minimal',
  '                    allowed value',
];

/** The usage text (`traceroute` with no arguments, or `traceroute --help`). */
export function formatTracerouteUsage(): string[] {
  return [...TRACEROUTE_USAGE];
}

/** Options taking an argument, and the argument's name in the messages. */
const OPTION_ARGS: Readonly<Record<string, string>> = {
  f: 'first_ttl',
  first: 'first_ttl',
  g: 'gate,...',
  gateway: 'gate,...',
  i: 'device',
  interface: 'device',
  m: 'max_ttl',
  'max-hops': 'max_ttl',
  N: 'squeries',
  'sim-queries': 'squeries',
  p: 'port',
  port: 'port',
  t: 'tos',
  tos: 'tos',
  l: 'flow_label',
  flowlabel: 'flow_label',
  w: 'MAX,HERE,NEAR',
  wait: 'MAX,HERE,NEAR',
  q: 'nqueries',
  queries: 'nqueries',
  s: 'src_addr',
  source: 'src_addr',
  z: 'sendwait',
  sendwait: 'sendwait',
  M: 'name',
  module: 'name',
  O: 'OPTS,...',
  options: 'OPTS,...',
  sport: 'num',
  fwmark: 'num',
  P: 'prot',
  protocol: 'prot',
};

/** Option as shown in messages: "-Y" / "--bogus" (a bare "Y" becomes "-Y"). */
function optionName(flag: string): string {
  return flag.startsWith('-') ? flag : flag.length === 1 ? `-${flag}` : `--${flag}`;
}

/**
 * An unknown option, e.g. `traceroute -n -Y x` → ["Bad option `-Y' (argc 2)"]. `argc` is the
 * index in argv of the word holding the option (1 = first argument).
 */
export function formatTracerouteBadOption(flag: string, argc = 1): string[] {
  return [`Bad option \`${optionName(flag)}' (argc ${argc})`];
}

/** The name of the argument an option takes ('max_ttl' for -m), or undefined for flags. */
export function tracerouteOptionArgName(flag: string): string | undefined {
  return OPTION_ARGS[flag.replace(/^-+/, '')];
}

/**
 * An option given without its argument: `traceroute -m` →
 * ["Option `-m' (argc 1) requires an argument: `-m max_ttl'"]; long form:
 * "Option `--max-hops' (argc 1) requires an argument: `--max-hops=max_ttl'".
 */
export function formatTracerouteMissingArgument(flag: string, argc = 1): string[] {
  const name = optionName(flag);
  const arg = tracerouteOptionArgName(name) ?? 'arg';
  const usage = name.startsWith('--') ? `${name}=${arg}` : `${name} ${arg}`;
  return [`Option \`${name}' (argc ${argc}) requires an argument: \`${usage}'`];
}

/**
 * An option argument that does not parse: `traceroute -m abc x` →
 * ["Cannot handle `-m' option with arg `abc' (argc 2)"] (argc: index of the word holding the value).
 */
export function formatTracerouteBadArgument(flag: string, value: string, argc: number): string[] {
  return [`Cannot handle \`${optionName(flag)}' option with arg \`${value}' (argc ${argc})`];
}

/** A third positional argument: `traceroute x 60 70` → ["Extra arg `70' (position 3, argc 3)"]. */
export function formatTracerouteExtraArg(arg: string, position: number, argc: number): string[] {
  return [`Extra arg \`${arg}' (position ${position}, argc ${argc})`];
}

/**
 * Name resolution failure: `traceroute nosuch` →
 * ["nosuch: Name or service not known", "Cannot handle \"host\" cmdline arg `nosuch' on position 1 (argc 1)"].
 */
export function formatTracerouteUnknownHost(host: string, argc = 1, reason = 'Name or service not known'): string[] {
  return [`${host}: ${reason}`, `Cannot handle "host" cmdline arg \`${host}' on position 1 (argc ${argc})`];
}

/**
 * Range errors traceroute reports after parsing (one line each), e.g. for -q 20:
 * "no more than 10 probes per hop"; -m 300: "max hops cannot be more than 255";
 * -m 0 or -f above -m: "first hop out of range".
 */
export const TRACEROUTE_RANGE_ERRORS = {
  probesPerHop: 'no more than 10 probes per hop',
  maxHops: 'max hops cannot be more than 255',
  firstHop: 'first hop out of range',
} as const;
