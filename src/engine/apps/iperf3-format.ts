/**
 * Output formatting for the `iperf3` terminal command, byte-for-byte as iperf 3.12 (Debian 12,
 * package iperf3 3.12-1) prints it in TCP mode. Pure functions: no I/O, no clock. Strings carry no
 * trailing newline; multi-line results are arrays with one element per line.
 *
 * Sources of truth, in order: the real binary (test/oracle/real-tcp-tools.test.ts replays real
 * client and server output through these functions), then iperf 3.12's src/units.c
 * (unit_snprintf) and src/iperf_locale.c (the report_* format strings, read out of libiperf.so.0).
 *
 * What a client run prints (`iperf3 -c 10.0.0.2 -t 2 -i 1`), line by line:
 *
 *   formatIperfConnecting('10.0.0.2')                    Connecting to host 10.0.0.2, port 5201
 *   formatIperfReverse('10.0.0.2')            (-R only)  Reverse mode, remote host 10.0.0.2 is sending
 *   formatIperfConnected({...})                          [  5] local 10.0.0.1 port 54492 connected to 10.0.0.2 port 5201
 *   formatIperfHeader({ retr: true, cwnd: true })        [ ID] Interval           Transfer     Bitrate         Retr  Cwnd
 *   formatIperfInterval({...}) per interval              [  5]   0.00-1.00   sec  2.11 GBytes  18.2 Gbits/sec  4703    458 KBytes       
 *   IPERF_SEPARATOR                                      - - - - - - - - - - - - - - - - - - - - - - - - -
 *   formatIperfHeader({ retr: true })                    [ ID] Interval           Transfer     Bitrate         Retr
 *   formatIperfSummary({..., kind: 'sender', retr })     [  5]   0.00-2.00   sec  4.26 GBytes  18.3 Gbits/sec  10048             sender
 *   formatIperfSummary({..., kind: 'receiver' })         [  5]   0.00-2.00   sec  4.26 GBytes  18.3 Gbits/sec                  receiver
 *   ...formatIperfDone()                                 (empty line), iperf Done.
 *
 * Which header/columns a side uses (iperf 3.12 on Linux, TCP):
 * - interval lines: the side that SENDS shows Retr and Cwnd (client normally, server with -R);
 *   the receiving side shows neither. Interval lines end in trailing spaces (the empty "omitted"
 *   slot), which is what the real tool prints.
 * - summary: the header has "Retr" whenever the sender reports retransmits (always on Linux);
 *   the client prints a sender line (with Retr) and a receiver line; the server prints only the
 *   line for its own role (receiver normally, sender with -R).
 * - the server also reports a last, tiny interval after the final full one ("2.00-2.00 sec").
 *
 * A server (`iperf3 -s`) prints formatIperfServerListening(5201, 1), then per client
 * formatIperfAccepted(...), formatIperfConnected(...), its header, intervals, IPERF_SEPARATOR,
 * header, summary, and (without -1) formatIperfServerListening(5201, n + 1) again.
 */
import { cFormatFixed } from './ping-format.ts';

// ---------------------------------------------------------------------------------------------
// Units (units.c: unit_snprintf)
// ---------------------------------------------------------------------------------------------

/**
 * iperf's unit letters. Upper case: bytes, 1024 base (KByte, MByte, ...); lower case: bits
 * (the value is multiplied by 8), 1000 base (Kbit, Mbit, ...). 'A'/'a' pick the unit adaptively;
 * the others force one (B/b = plain Byte/bit). Rates use -f (default 'a'), transfers always 'A'.
 */
export type IperfUnitFormat = 'a' | 'b' | 'k' | 'm' | 'g' | 't' | 'A' | 'B' | 'K' | 'M' | 'G' | 'T';

const LABEL_BYTE = ['Byte', 'KByte', 'MByte', 'GByte', 'TByte'] as const;
const LABEL_BIT = ['bit', 'Kbit', 'Mbit', 'Gbit', 'Tbit'] as const;
// the same constant expressions units.c uses, so the doubles are identical
const CONVERSION_BYTES = [1.0, 1.0 / 1024, 1.0 / 1024 / 1024, 1.0 / 1024 / 1024 / 1024, 1.0 / 1024 / 1024 / 1024 / 1024] as const;
const CONVERSION_BITS = [1.0, 1.0 / 1000, 1.0 / 1000 / 1000, 1.0 / 1000 / 1000 / 1000, 1.0 / 1000 / 1000 / 1000 / 1000] as const;
const TERA_CONV = 4;

/**
 * iperf 3.12 unit_snprintf(): `value` is a byte count (or bytes per second for a rate); for the
 * lower-case formats it is shown in bits. The number always takes 4 columns: "%4.2f" below
 * 9.995, "%4.1f" below 99.95, else "%4.0f". No plural "s": iperf appends it in its report
 * formats ("%ss", "%ss/sec").
 *
 *   iperfUnits(11744051, 'A') → "11.2 MByte"     iperfUnits(11744051, 'a') → "94.0 Mbit"
 *   iperfUnits(524288, 'A')   → " 512 KByte"     iperfUnits(1023 * 1024, 'A') → "1023 KByte"
 */
export function iperfUnits(value: number, format: IperfUnitFormat = 'A'): string {
  const isUpper = format === format.toUpperCase();
  let num = isUpper ? value : value * 8;
  let conv: number;
  switch (format.toUpperCase()) {
    case 'B':
      conv = 0;
      break;
    case 'K':
      conv = 1;
      break;
    case 'M':
      conv = 2;
      break;
    case 'G':
      conv = 3;
      break;
    case 'T':
      conv = 4;
      break;
    default: {
      const base = isUpper ? 1024.0 : 1000.0;
      let tmp = num;
      conv = 0;
      while (tmp >= base && conv < TERA_CONV) {
        tmp /= base;
        conv++;
      }
    }
  }
  num *= (isUpper ? CONVERSION_BYTES : CONVERSION_BITS)[conv] ?? 1;
  const label = (isUpper ? LABEL_BYTE : LABEL_BIT)[conv] ?? '';
  const digits = num < 9.995 ? 2 : num < 99.95 ? 1 : 0;
  return `${cFormatFixed(num, digits).padStart(4)} ${label}`;
}

/** The Transfer column: "2.11 GBytes", " 512 KBytes" (always adaptive bytes, plus the "s"). */
export function formatIperfTransfer(bytes: number): string {
  return `${iperfUnits(bytes, 'A')}s`;
}

/** The Bitrate column: "18.2 Gbits/sec" from bytes per second (format 'a' = adaptive bits). */
export function formatIperfBitrate(bytesPerSecond: number, format: IperfUnitFormat = 'a'): string {
  return `${iperfUnits(bytesPerSecond, format)}s/sec`;
}

// ---------------------------------------------------------------------------------------------
// Connection lines
// ---------------------------------------------------------------------------------------------

/** Default server port. */
export const IPERF_DEFAULT_PORT = 5201;

/** "Connecting to host 10.0.0.2, port 5201" (host as typed after -c). */
export function formatIperfConnecting(host: string, port: number = IPERF_DEFAULT_PORT): string {
  return `Connecting to host ${host}, port ${port}`;
}

/** -R: "Reverse mode, remote host 10.0.0.2 is sending" (host as typed). */
export function formatIperfReverse(host: string): string {
  return `Reverse mode, remote host ${host} is sending`;
}

/** "[%3d]": the stream id (the socket's fd, 5 for the first stream) or "SUM". */
function iperfId(id: number | 'SUM'): string {
  return id === 'SUM' ? '[SUM]' : `[${String(id).padStart(3)}]`;
}

export interface IperfConnectedInfo {
  /** Stream id: the data socket's file descriptor, 5 for the first stream of a run. */
  id: number;
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
}

/**
 * "[  5] local 10.0.0.1 port 54492 connected to 10.0.0.2 port 5201". Addresses are plain
 * (v4-mapped v6 addresses are shown as v4).
 */
export function formatIperfConnected(c: IperfConnectedInfo): string {
  return `${iperfId(c.id)} local ${c.localAddress} port ${c.localPort} connected to ${c.remoteAddress} port ${c.remotePort}`;
}

// ---------------------------------------------------------------------------------------------
// Server banner
// ---------------------------------------------------------------------------------------------

/** The server's 59-dash rule. */
export const IPERF_SERVER_RULE = '-----------------------------------------------------------';

/** The banner the server prints when it (re)starts listening; testNo counts from 1. */
export function formatIperfServerListening(port: number = IPERF_DEFAULT_PORT, testNo = 1): string[] {
  return [IPERF_SERVER_RULE, `Server listening on ${port} (test #${testNo})`, IPERF_SERVER_RULE];
}

/** "Accepted connection from 10.0.0.1, port 54490" (the client's control connection). */
export function formatIperfAccepted(address: string, port: number): string {
  return `Accepted connection from ${address}, port ${port}`;
}

// ---------------------------------------------------------------------------------------------
// Reports
// ---------------------------------------------------------------------------------------------

export interface IperfHeaderOptions {
  /** Show the Retr column (interval lines of the sending side; summary when the sender has retransmit counts). */
  retr?: boolean;
  /** Show the Cwnd column too (interval lines of the sending side). Implies retr. */
  cwnd?: boolean;
  /** --bidir: "[ ID][Role]". */
  bidir?: boolean;
}

/**
 * "[ ID] Interval           Transfer     Bitrate" plus "         Retr" and "  Cwnd".
 * Sending side's intervals: { retr: true, cwnd: true }; receiving side: {}; summary: { retr: true }
 * on Linux (the receiving server prints {} for its receiver-only summary).
 */
export function formatIperfHeader(opts: IperfHeaderOptions = {}): string {
  let s = `[ ID]${opts.bidir ? '[Role]' : ''} Interval           Transfer     Bitrate`;
  if (opts.retr || opts.cwnd) s += '         Retr';
  if (opts.cwnd) s += '  Cwnd';
  return s;
}

/** Between the interval reports and the summary. */
export const IPERF_SEPARATOR = '- - - - - - - - - - - - - - - - - - - - - - - - -';

export interface IperfReportLine {
  /** Stream id (5 for the first stream) or 'SUM' for the -P total. */
  id: number | 'SUM';
  /** --bidir role tag printed right after the id, e.g. "[TX-C]". */
  role?: string;
  /** Seconds since the test start ("%6.2f"). */
  start: number;
  /** Seconds since the test start ("%-6.2f"). */
  end: number;
  /** Bytes transferred in the interval (Transfer column). */
  bytes: number;
  /**
   * Measured duration the bitrate is computed over, in seconds; defaults to end - start.
   * (iperf uses the exact measured duration, which is not the rounded end - start.)
   */
  seconds?: number;
  /** Bitrate in bits per second; overrides bytes / seconds when given. */
  bitsPerSecond?: number;
  /** Rate unit letter (-f), default 'a'. */
  format?: IperfUnitFormat;
  /** Retransmits: prints the Retr column ("%3u"). */
  retr?: number;
  /** Congestion window in bytes (snd_cwnd × mss): prints the Cwnd column. Needs retr. */
  cwndBytes?: number;
  /** -O omitted interval: "(omitted)" in the last slot. */
  omitted?: boolean;
}

function rateBytesPerSecond(r: IperfReportLine): number {
  if (r.bitsPerSecond !== undefined) return r.bitsPerSecond / 8;
  const seconds = r.seconds ?? r.end - r.start;
  return seconds > 0 ? r.bytes / seconds : 0;
}

/** The common "[  5]   0.00-1.00   sec  2.11 GBytes  18.2 Gbits/sec" prefix. */
function reportPrefix(r: IperfReportLine): string {
  const start = cFormatFixed(r.start, 2).padStart(6);
  const end = cFormatFixed(r.end, 2).padEnd(6);
  return `${iperfId(r.id)}${r.role ?? ''} ${start}-${end} sec  ${formatIperfTransfer(r.bytes)}  ${formatIperfBitrate(rateBytesPerSecond(r), r.format)}`;
}

function reportTail(r: IperfReportLine, last: string): string {
  if (r.retr === undefined) return `                  ${last}`;
  const retr = String(r.retr).padStart(3);
  if (r.cwndBytes !== undefined && r.id !== 'SUM') return `  ${retr}   ${iperfUnits(r.cwndBytes, 'A')}s       ${last}`;
  return `  ${retr}             ${last}`;
}

/**
 * One interval report. Sending side (Linux): pass retr and cwndBytes →
 * "[  5]   0.00-1.00   sec  2.11 GBytes  18.2 Gbits/sec  4703    458 KBytes       ";
 * receiving side: neither → "[  5]   0.00-1.00   sec  2.11 GBytes  18.1 Gbits/sec                  ".
 * Both end in spaces, as the real lines do.
 */
export function formatIperfInterval(r: IperfReportLine): string {
  return reportPrefix(r) + reportTail(r, r.omitted ? '(omitted)' : '');
}

export interface IperfSummaryLine extends Omit<IperfReportLine, 'cwndBytes' | 'omitted'> {
  kind: 'sender' | 'receiver';
}

/**
 * A summary line after IPERF_SEPARATOR: "... 18.3 Gbits/sec  10048             sender" (retr
 * given: sender side on Linux) or "... 18.3 Gbits/sec                  receiver".
 */
export function formatIperfSummary(r: IperfSummaryLine): string {
  return reportPrefix(r) + reportTail({ ...r, cwndBytes: undefined }, r.kind);
}

/** Verbose-only placeholder lines: "[  5] (receiver statistics not available)". */
export function formatIperfStatsNotAvailable(id: number | 'SUM', kind: 'sender' | 'receiver'): string {
  return `${iperfId(id)} (${kind} statistics not available)`;
}

/** The client's last two lines: an empty line, then "iperf Done.". */
export function formatIperfDone(): string[] {
  return ['', 'iperf Done.'];
}

// ---------------------------------------------------------------------------------------------
// Errors and usage
// ---------------------------------------------------------------------------------------------

/**
 * Messages iperf3 3.12 prints after "iperf3: error - " (iperf_error.c). Those ending in ':' get
 * ": <strerror>" appended: formatIperfError(IPERF_ERRORS.connect, 'Connection refused').
 */
export const IPERF_ERRORS = {
  /** connect() failed: "unable to connect to server: Connection refused" / "Connection timed out" / "No route to host". */
  connect: 'unable to connect to server',
  /** The server is already running a test. */
  serverBusy: 'the server is busy running a test. try again later',
  /** The peer went away mid-test. */
  controlClosed: 'control socket has closed unexpectedly',
  /** Server side, the client disappeared. */
  clientTerminated: 'the client has terminated',
  /** bind() failed on the server port. */
  listen: 'unable to start listener for connections',
} as const;

/**
 * "iperf3: error - unable to connect to server: Connection refused" (stderr). `errnoText` is the
 * strerror() text for the errno-carrying messages (connect, listen).
 */
export function formatIperfError(message: string, errnoText?: string): string {
  return `iperf3: error - ${message}${errnoText === undefined ? '' : `: ${errnoText}`}`;
}

/** Argument errors iperf3 reports as "parameter error" (iperf_error.c). */
export const IPERF_PARAMETER_ERRORS = {
  noRole: 'must either be a client (-c) or server (-s)',
  bothRoles: 'cannot be both server and client',
  badPort: 'port number must be between 1 and 65535 inclusive',
} as const;

/**
 * A parameter error: ["iperf3: parameter error - <message>", ""] on stderr; iperf3 then prints
 * the long usage (formatIperfUsage()) on STDOUT and exits 1. Printed for a missing -s/-c (even
 * when other, valid options such as -Z were given), -s with -c, a bad -p, ...
 */
export function formatIperfParameterError(message: string): string[] {
  return [`iperf3: parameter error - ${message}`, ''];
}

/**
 * Unknown short option (`iperf3 -Q`): the getopt message, then the long usage, all on stderr;
 * exit status 1. `flag` without the dash.
 */
export function formatIperfBadOption(flag: string): string[] {
  return [`iperf3: invalid option -- '${flag}'`, ...formatIperfUsage()];
}

/** Unknown long option (`iperf3 --bogus`): as formatIperfBadOption, stderr, exit 1. */
export function formatIperfUnrecognizedOption(option: string): string[] {
  return [`iperf3: unrecognized option '${option}'`, ...formatIperfUsage()];
}

/** Option without its argument (`iperf3 -c`, `iperf3 -t`): getopt message + long usage on stderr, exit 1. */
export function formatIperfMissingArgument(flag: string): string[] {
  return [`iperf3: option requires an argument -- '${flag}'`, ...formatIperfUsage()];
}

/**
 * `iperf3 -v`: three lines; the second is the host's `uname -a` style line ("Linux vm 6.1.0-...
 * #1 SMP PREEMPT_DYNAMIC Debian ... x86_64"), passed in.
 */
export function formatIperfVersion(unameLine: string): string[] {
  return [
    'iperf 3.12 (cJSON 1.7.15)',
    unameLine,
    'Optional features available: CPU affinity setting, IPv6 flow label, SCTP, TCP congestion algorithm setting, sendfile / zerocopy, socket pacing, authentication, bind to device, support IPv4 don\'t fragment',
  ];
}

/** The long usage (`iperf3 -h` on stdout, exit 0; also after option errors), 96 lines. */
export function formatIperfUsage(): string[] {
  return [...IPERF_USAGE];
}

const IPERF_USAGE: readonly string[] = [
  "Usage: iperf3 [-s|-c host] [options]",
  "       iperf3 [-h|--help] [-v|--version]",
  "",
  "Server or Client:",
  "  -p, --port      #         server port to listen on/connect to",
  "  -f, --format   [kmgtKMGT] format to report: Kbits, Mbits, Gbits, Tbits",
  "  -i, --interval  #         seconds between periodic throughput reports",
  "  -I, --pidfile file        write PID file",
  "  -F, --file name           xmit/recv the specified file",
  "  -A, --affinity n/n,m      set CPU affinity",
  "  -B, --bind <host>[%<dev>] bind to the interface associated with the address <host>",
  "                            (optional <dev> equivalent to `--bind-dev <dev>`)",
  "  --bind-dev <dev>          bind to the network interface with SO_BINDTODEVICE",
  "  -V, --verbose             more detailed output",
  "  -J, --json                output in JSON format",
  "  --logfile f               send output to a log file",
  "  --forceflush              force flushing output at every interval",
  "  --timestamps<=format>     emit a timestamp at the start of each output line",
  "                            (optional \"=\" and format string as per strftime(3))",
  "  --rcv-timeout #           idle timeout for receiving data (default 120000 ms)",
  "  --snd-timeout #           timeout for unacknowledged TCP data",
  "                            (in ms, default is system settings)",
  "  -d, --debug[=#]           emit debugging output",
  "                            (optional optional \"=\" and debug level: 1-4. Default is 4 - all messages)",
  "  -v, --version             show version information and quit",
  "  -h, --help                show this message and quit",
  "Server specific:",
  "  -s, --server              run in server mode",
  "  -D, --daemon              run the server as a daemon",
  "  -1, --one-off             handle one client connection then exit",
  "  --server-bitrate-limit #[KMG][/#]   server's total bit rate limit (default 0 = no limit)",
  "                            (optional slash and number of secs interval for averaging",
  "                            total data rate.  Default is 5 seconds)",
  "  --idle-timeout #          restart idle server after # seconds in case it",
  "                            got stuck (default - no timeout)",
  "  --rsa-private-key-path    path to the RSA private key used to decrypt",
  "                            authentication credentials",
  "  --authorized-users-path   path to the configuration file containing user",
  "                            credentials",
  "  --time-skew-threshold     time skew threshold (in seconds) between the server",
  "                            and client during the authentication process",
  "Client specific:",
  "  -c, --client <host>[%<dev>] run in client mode, connecting to <host>",
  "                              (option <dev> equivalent to `--bind-dev <dev>`)",
  "  --sctp                    use SCTP rather than TCP",
  "  -X, --xbind <name>        bind SCTP association to links",
  "  --nstreams      #         number of SCTP streams",
  "  -u, --udp                 use UDP rather than TCP",
  "  --connect-timeout #       timeout for control connection setup (ms)",
  "  -b, --bitrate #[KMG][/#]  target bitrate in bits/sec (0 for unlimited)",
  "                            (default 1 Mbit/sec for UDP, unlimited for TCP)",
  "                            (optional slash and packet count for burst mode)",
  "  --pacing-timer #[KMG]     set the timing for pacing, in microseconds (default 1000)",
  "  --fq-rate #[KMG]          enable fair-queuing based socket pacing in",
  "                            bits/sec (Linux only)",
  "  -t, --time      #         time in seconds to transmit for (default 10 secs)",
  "  -n, --bytes     #[KMG]    number of bytes to transmit (instead of -t)",
  "  -k, --blockcount #[KMG]   number of blocks (packets) to transmit (instead of -t or -n)",
  "  -l, --length    #[KMG]    length of buffer to read or write",
  "                            (default 128 KB for TCP, dynamic or 1460 for UDP)",
  "  --cport         <port>    bind to a specific client port (TCP and UDP, default: ephemeral port)",
  "  -P, --parallel  #         number of parallel client streams to run",
  "  -R, --reverse             run in reverse mode (server sends, client receives)",
  "  --bidir                   run in bidirectional mode.",
  "                            Client and server send and receive data.",
  "  -w, --window    #[KMG]    set send/receive socket buffer sizes",
  "                            (indirectly sets TCP window size)",
  "  -C, --congestion <algo>   set TCP congestion control algorithm (Linux and FreeBSD only)",
  "  -M, --set-mss   #         set TCP/SCTP maximum segment size (MTU - 40 bytes)",
  "  -N, --no-delay            set TCP/SCTP no delay, disabling Nagle's Algorithm",
  "  -4, --version4            only use IPv4",
  "  -6, --version6            only use IPv6",
  "  -S, --tos N               set the IP type of service, 0-255.",
  "                            The usual prefixes for octal and hex can be used,",
  "                            i.e. 52, 064 and 0x34 all specify the same value.",
  "  --dscp N or --dscp val    set the IP dscp value, either 0-63 or symbolic.",
  "                            Numeric values can be specified in decimal,",
  "                            octal and hex (see --tos above).",
  "  -L, --flowlabel N         set the IPv6 flow label (only supported on Linux)",
  "  -Z, --zerocopy            use a 'zero copy' method of sending data",
  "  -O, --omit N              perform pre-test for N seconds and omit the pre-test statistics",
  "  -T, --title str           prefix every output line with this string",
  "  --extra-data str          data string to include in client and server JSON",
  "  --get-server-output       get results from server",
  "  --udp-counters-64bit      use 64-bit counters in UDP test packets",
  "  --repeating-payload       use repeating pattern in payload, instead of",
  "                            randomized payload (like in iperf2)",
  "  --dont-fragment           set IPv4 Don't Fragment flag",
  "  --username                username for authentication",
  "  --rsa-public-key-path     path to the RSA public key used to encrypt",
  "                            authentication credentials",
  "",
  "[KMG] indicates options that support a K/M/G suffix for kilo-, mega-, or giga-",
  "",
  "iperf3 homepage at: https://software.es.net/iperf/",
  "Report bugs to:     https://github.com/esnet/iperf",
];
