/**
 * The messages OpenBSD netcat prints, byte-for-byte as Debian 12's netcat-openbsd 1.219-1 `nc`
 * does. Pure functions: no I/O. Strings carry no trailing newline; multi-line results are arrays.
 * Everything here goes to STDERR (the data itself is the only thing nc writes to stdout).
 *
 * Checked against the real binary by test/oracle/real-tcp-tools.test.ts; wording from Debian's
 * netcat.c (connection_info, report_sock, remote_connect, usage, help).
 *
 *   nc -v 10.0.0.2 5000           Connection to 10.0.0.2 5000 port [tcp/*] succeeded!
 *   nc -v bee 5000                Connection to bee (10.0.0.2) 5000 port [tcp/*] succeeded!
 *   nc -v 10.0.0.2 80             Connection to 10.0.0.2 80 port [tcp/http] succeeded!
 *   nc -v 10.0.0.2 5001 (closed)  nc: connect to 10.0.0.2 port 5001 (tcp) failed: Connection refused
 *   nc -v -w 1 10.0.0.9 5001      nc: connect to 10.0.0.9 port 5001 (tcp) timed out: Operation now in progress
 *   nc -v 10.0.0.9 5001 (no -w)   nc: connect to 10.0.0.9 port 5001 (tcp) failed: Connection timed out
 *   nc -lv 5000                   Listening on 0.0.0.0 5000
 *                                 Connection received on 10.0.0.1 40002
 *
 * Without -v nothing of this is printed (connect failures are silent; the exit status is 1).
 */

export type NcProto = 'tcp' | 'udp';

export interface NcConnectionInfo {
  /** The destination as typed (name or address). */
  host: string;
  /** The numeric address actually connected to. */
  address: string;
  /** The port as a decimal string or number (service names are resolved to numbers first). */
  port: number | string;
  proto?: NcProto;
  /** The /etc/services name of the port ("http"), or undefined for "*". Ignored with -n. */
  service?: string;
  /** -n: no " (address)" and no service name. */
  numeric?: boolean;
}

/**
 * -v after a successful connect: "Connection to 10.0.0.2 5000 port [tcp/*] succeeded!". The
 * address is shown in parentheses when it differs from what was typed (and not -n).
 */
export function formatNcConnectionSucceeded(c: NcConnectionInfo): string {
  const proto = c.proto ?? 'tcp';
  const service = !c.numeric && c.service !== undefined ? c.service : '*';
  const addr = !c.numeric && c.host !== c.address ? ` (${c.address})` : '';
  return `Connection to ${c.host}${addr} ${c.port} port [${proto}/${service}] succeeded!`;
}

export interface NcConnectFailure {
  /** The destination as typed. */
  host: string;
  /** The numeric address tried; shown as "host (address)" when it differs from host (and not -n). */
  address?: string;
  port: number | string;
  proto?: NcProto;
  /** -w expired: "timed out: Operation now in progress". */
  timedOut?: boolean;
  /** strerror() of the failure: "Connection refused", "Connection timed out", "No route to host", "Network is unreachable". */
  error?: string;
  numeric?: boolean;
}

/**
 * -v after a failed connect (one line per address/port tried):
 * "nc: connect to 10.0.0.2 port 5000 (tcp) failed: Connection refused". With -w expiring the
 * verb is "timed out" and the errno text is the pending connect's EINPROGRESS.
 */
export function formatNcConnectFailed(f: NcConnectFailure): string {
  const proto = f.proto ?? 'tcp';
  const verb = f.timedOut ? 'timed out' : 'failed';
  const error = f.timedOut ? 'Operation now in progress' : (f.error ?? 'Connection refused');
  const who = !f.numeric && f.address !== undefined && f.address !== f.host ? `${f.host} (${f.address})` : f.host;
  return `nc: connect to ${who} port ${f.port} (${proto}) ${verb}: ${error}`;
}

/**
 * -l -v once bound: "Listening on 0.0.0.0 5000" (TCP) or "Bound on 0.0.0.0 5000" (-u). The
 * address is the bound one (0.0.0.0 for a plain `nc -l PORT`, IPv4 by default); with name
 * lookups on (no -n) it is whatever getnameinfo() returns, a host name when /etc/hosts has one.
 */
export function formatNcListening(address: string, port: number | string, udp = false): string {
  return `${udp ? 'Bound' : 'Listening'} on ${address} ${port}`;
}

/** -l -v on accept (or the first datagram with -u): "Connection received on 10.0.0.1 40002". */
export function formatNcConnectionReceived(host: string, port: number | string): string {
  return `Connection received on ${host} ${port}`;
}

/** "nc: <message>": fatal errors, exit status 1. See NC_ERRORS. */
export function formatNcError(message: string): string {
  return `nc: ${message}`;
}

/** Fixed fatal messages (all exit 1). */
export const NC_ERRORS = {
  /** `nc HOST` / `nc -l` without a port. */
  missingPort: 'missing port number',
  /** `nc -l -z`. */
  zWithListen: 'cannot use -z and -l',
  /** `nc -k HOST PORT`. */
  kWithoutListen: 'must use -l with -k',
} as const;

/**
 * A bad port argument: "nc: port number too small: 0", "nc: port number too large: 99999",
 * "nc: port number invalid: foo" (foo not in /etc/services either).
 */
export function formatNcBadPort(problem: 'too small' | 'too large' | 'invalid', value: string): string {
  return `nc: port number ${problem}: ${value}`;
}

/** A bad -w value: "nc: timeout invalid: x" (or "too large"). */
export function formatNcBadTimeout(problem: 'invalid' | 'too small' | 'too large', value: string): string {
  return `nc: timeout ${problem}: ${value}`;
}

/**
 * Name resolution failure: 'nc: getaddrinfo for host "nosuch" port 80: Name or service not
 * known' (also for a name with -n, which only accepts numeric hosts).
 */
export function formatNcGetaddrinfo(host: string, port: number | string, reason = 'Name or service not known'): string {
  return `nc: getaddrinfo for host "${host}" port ${port}: ${reason}`;
}

/** The usage text (stderr, exit 1): alone for `nc` without arguments or too many arguments. */
export function formatNcUsage(): string[] {
  return [...NC_HELP.slice(1, 6)];
}

/** Unknown option (`nc -Q`): "nc: invalid option -- 'Q'" then the usage; stderr, exit 1. */
export function formatNcBadOption(flag: string): string[] {
  return [`nc: invalid option -- '${flag}'`, ...formatNcUsage()];
}

/** Option missing its argument (`nc -w`): getopt message then the usage; stderr, exit 1. */
export function formatNcMissingArgument(flag: string): string[] {
  return [`nc: option requires an argument -- '${flag}'`, ...formatNcUsage()];
}

/** `nc -h`: version line, usage and the command summary (stderr, exit 0). Lines contain tabs. */
export function formatNcHelp(): string[] {
  return [...NC_HELP];
}

const NC_HELP: readonly string[] = [
  "OpenBSD netcat (Debian patchlevel 1.219-1)",
  "usage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]",
  "\t  [-m minttl] [-O length] [-P proxy_username] [-p source_port]",
  "\t  [-q seconds] [-s sourceaddr] [-T keyword] [-V rtable] [-W recvlimit]",
  "\t  [-w timeout] [-X proxy_protocol] [-x proxy_address[:port]]",
  "\t  [destination] [port]",
  "\tCommand Summary:",
  "\t\t-4\t\tUse IPv4",
  "\t\t-6\t\tUse IPv6",
  "\t\t-b\t\tAllow broadcast",
  "\t\t-C\t\tSend CRLF as line-ending",
  "\t\t-D\t\tEnable the debug socket option",
  "\t\t-d\t\tDetach from stdin",
  "\t\t-F\t\tPass socket fd",
  "\t\t-h\t\tThis help text",
  "\t\t-I length\tTCP receive buffer length",
  "\t\t-i interval\tDelay interval for lines sent, ports scanned",
  "\t\t-k\t\tKeep inbound sockets open for multiple connects",
  "\t\t-l\t\tListen mode, for inbound connects",
  "\t\t-M ttl\t\tOutgoing TTL / Hop Limit",
  "\t\t-m minttl\tMinimum incoming TTL / Hop Limit",
  "\t\t-N\t\tShutdown the network socket after EOF on stdin",
  "\t\t-n\t\tSuppress name/port resolutions",
  "\t\t-O length\tTCP send buffer length",
  "\t\t-P proxyuser\tUsername for proxy authentication",
  "\t\t-p port\t\tSpecify local port for remote connects",
  "\t\t-q secs\t\tquit after EOF on stdin and delay of secs",
  "\t\t-r\t\tRandomize remote ports",
  "\t\t-S\t\tEnable the TCP MD5 signature option",
  "\t\t-s sourceaddr\tLocal source address",
  "\t\t-T keyword\tTOS value",
  "\t\t-t\t\tAnswer TELNET negotiation",
  "\t\t-U\t\tUse UNIX domain socket",
  "\t\t-u\t\tUDP mode",
  "\t\t-V rtable\tSpecify alternate routing table",
  "\t\t-v\t\tVerbose",
  "\t\t-W recvlimit\tTerminate after receiving a number of packets",
  "\t\t-w timeout\tTimeout for connects and final net reads",
  "\t\t-X proto\tProxy protocol: \"4\", \"5\" (SOCKS) or \"connect\"",
  "\t\t-x addr[:port]\tSpecify proxy address and port",
  "\t\t-Z\t\tDCCP mode",
  "\t\t-z\t\tZero-I/O mode [used for scanning]",
  "\tPort numbers can be individual or ranges: lo-hi [inclusive]",
];
