/**
 * Output formatting for the `ss` terminal command (TCP sockets: `ss -t`, `-tn`, `-tin`, `-tan`,
 * `-tln` ...), byte-for-byte as iproute2 6.1 (Debian 12, package iproute2 6.1.0-3) prints it.
 * Pure functions: no I/O, no clock. The result is an array of lines without newlines.
 *
 * Sources of truth, in order: the real binary (test/oracle/real-tcp-tools.test.ts replays real
 * `ss -tin` output, piped and on a terminal, through formatSs()), then iproute2's misc/ss.c:
 * columns[], render_calc_width(), render(), sock_state_print(), inet_addr_print(),
 * tcp_show_info() and tcp_stats_print().
 *
 * How ss lays a table out (misc/ss.c): every cell is buffered as a token of one of ten columns
 * (Netid, State, Recv-Q, Send-Q, "Local Address:", Port, "Peer Address:", Port, "Process", and a
 * last headerless one). A column's width is the longest token it ever got, plus its one-space
 * left delimiter (all but the first visible column and the two Port columns have one). Addresses
 * are right-aligned, everything else left-aligned and padded to the width. Two quirks matter:
 * - The "Process" column also carries the -i text ("\n\t cubic wscale:7,7 ..."), so its width is
 *   the longest info text, and the header's "Process" and short info lines are padded to it.
 * - The very last socket's Process cell is never measured (ss does not flush the last token
 *   before rendering), so it is padded when shorter but does not widen the column.
 * When stdout is a terminal (screenWidth given), spare columns are spread over the columns that
 * fit on the line; when piped (screenWidth undefined) there is no extra spacing.
 */
import { cFormatFixed, cFormatG } from './ping-format.ts';

// ---------------------------------------------------------------------------------------------
// Socket rows
// ---------------------------------------------------------------------------------------------

/** TCP states as ss names them. */
export type SsState =
  | 'ESTAB'
  | 'SYN-SENT'
  | 'SYN-RECV'
  | 'FIN-WAIT-1'
  | 'FIN-WAIT-2'
  | 'TIME-WAIT'
  | 'UNCONN'
  | 'CLOSE-WAIT'
  | 'LAST-ACK'
  | 'LISTEN'
  | 'CLOSING'
  | 'UNKNOWN';

/** ss's names indexed by the kernel's TCP state number (TCP_ESTABLISHED = 1 ... TCP_CLOSING = 11). */
export const SS_STATE_NAMES: readonly SsState[] = [
  'UNKNOWN',
  'ESTAB',
  'SYN-SENT',
  'SYN-RECV',
  'FIN-WAIT-1',
  'FIN-WAIT-2',
  'TIME-WAIT',
  'UNCONN',
  'CLOSE-WAIT',
  'LAST-ACK',
  'LISTEN',
  'CLOSING',
];

export interface SsEndpoint {
  /** The address as ss shows it: see ssAddress() ("10.0.0.1", "[fd00::1]", "[::ffff:10.0.0.2]", "*", "0.0.0.0"). */
  address: string;
  /** Port number (0 prints "*"), or an already resolved service name (without -n). */
  port: number | string;
  /** Bound interface (SO_BINDTODEVICE): "addr%eth0:port". Local side only. */
  device?: string;
}

export interface SsSocket {
  /** Netid column text ("tcp"), shown only when opts.netid is set. */
  netid?: string;
  state: SsState;
  /** Bytes in the receive queue (for LISTEN: the accept backlog length). */
  recvQ: number;
  /** Bytes in the send queue (for LISTEN: the backlog limit). */
  sendQ: number;
  local: SsEndpoint;
  peer: SsEndpoint;
  /** -p: the inside of users:(...) e.g. '("nc",pid=42,fd=3)'. */
  users?: string;
  /**
   * -i: the TCP info to print under the socket. Leave undefined for sockets the kernel reports
   * without tcp_info (TIME-WAIT): the info line is then just the tab.
   */
  info?: SsTcpInfo;
}

/**
 * How ss prints an IP address: IPv4 as is (0.0.0.0 for the wildcard), IPv6 in brackets, and the
 * IPv6 wildcard "::" as "*" (unless the socket is v6only). Pass names (without -n) as they are.
 */
export function ssAddress(ip: string, v6only = false): string {
  if (!ip.includes(':')) return ip;
  if (ip === '::' && !v6only) return '*';
  return `[${ip}]`;
}

// ---------------------------------------------------------------------------------------------
// tcp_info (-i)
// ---------------------------------------------------------------------------------------------

/** BBR's tcp_bbr_info as ss shows it in "bbr:(bw:...bps,mrtt:...,pacing_gain:...,cwnd_gain:...)". */
export interface SsBbrInfo {
  /** Bottleneck bandwidth estimate in bits per second (kernel bytes/s × 8). */
  bwBps: number;
  /** bbr_min_rtt in ms (kernel µs / 1000). */
  mrttMs: number;
  /** bbr_pacing_gain / 256 (omitted when 0). */
  pacingGain?: number;
  /** bbr_cwnd_gain / 256 (omitted when 0). */
  cwndGain?: number;
}

/**
 * The facts behind the -i line, named after what ss prints. As in ss, a field that is 0 or
 * undefined is not printed (exceptions noted). Times in ms are the kernel's µs / 1000 (a double,
 * printed with %g), e.g. rttMs 0.05 for tcpi_rtt 50.
 */
export interface SsTcpInfo {
  /** -o (show_options) only: TCP options seen; printed first. */
  options?: { ts?: boolean; sack?: boolean; ecn?: boolean; ecnseen?: boolean; fastopen?: boolean };
  /** Congestion control name: "cubic", "bbr", "reno". */
  ccName?: string;
  /** Window scale (snd, rcv), when the peers negotiated window scaling. */
  wscale?: { snd: number; rcv: number };
  /** Retransmission timeout in ms; not printed when 3000 (the kernel's 3 s initial value) or 0. */
  rtoMs?: number;
  backoff?: number;
  /** Smoothed RTT and its variation in ms ("rtt:0.05/0.025"), printed when rttMs is non-zero. */
  rttMs?: number;
  rttVarMs?: number;
  /** Delayed-ACK timeout in ms. */
  atoMs?: number;
  /** Sender MSS. */
  mss?: number;
  pmtu?: number;
  rcvmss?: number;
  advmss?: number;
  /** Congestion window in segments. */
  cwnd?: number;
  /** Slow-start threshold in segments; ss omits it while "infinite" (>= 0xFFFF), so do that or leave it undefined. */
  ssthresh?: number;
  bytesSent?: number;
  bytesRetrans?: number;
  bytesAcked?: number;
  bytesReceived?: number;
  segsOut?: number;
  segsIn?: number;
  dataSegsOut?: number;
  dataSegsIn?: number;
  /** DCTCP: its info, or 'fallback' for "dctcp:fallback_mode". */
  dctcp?: { ceState: number; alpha: number; abEcn: number; abTot: number } | 'fallback';
  bbrInfo?: SsBbrInfo;
  /** cwnd × mss × 8 / rtt in bits per second: see ssSendBps(). */
  sendBps?: number;
  /** ms since the last data sent / data received / ACK received. */
  lastsndMs?: number;
  lastrcvMs?: number;
  lastackMs?: number;
  /** Pacing rate in bits per second (kernel bytes/s × 8), and the SO_MAX_PACING_RATE cap. */
  pacingRateBps?: number;
  pacingRateMaxBps?: number;
  /** Delivery rate in bits per second. */
  deliveryRateBps?: number;
  delivered?: number;
  deliveredCe?: number;
  appLimited?: boolean;
  /** tcpi_busy_time in µs (printed as whole ms, truncated), and the rwnd/sndbuf limited parts. */
  busyUs?: number;
  rwndLimitedUs?: number;
  sndbufLimitedUs?: number;
  unacked?: number;
  /** "retrans:current/total", printed when either is non-zero. */
  retrans?: number;
  retransTotal?: number;
  lost?: number;
  /** Not printed for LISTEN sockets. */
  sacked?: number;
  dsackDups?: number;
  fackets?: number;
  /** Printed when not 3 (the default tcp_reordering); undefined counts as 3. */
  reordering?: number;
  reordSeen?: number;
  rcvRttMs?: number;
  rcvSpace?: number;
  rcvSsthresh?: number;
  /** Bytes written by the application but not yet sent. */
  notsent?: number;
  minRttMs?: number;
  rcvOoopack?: number;
  /** Peer's advertised window in bytes. */
  sndWnd?: number;
}

/**
 * ss's "send" rate: cwnd × mss × 8000000 / rtt with rtt in µs (tcpi_rtt), the same double ss
 * computes. 0 when rtt, mss or cwnd is 0 (then ss prints no "send").
 */
export function ssSendBps(cwnd: number, mss: number, rttUs: number): number {
  if (!(rttUs > 0) || !mss || !cwnd) return 0;
  return (cwnd * mss * 8000000) / rttUs;
}

/**
 * ss's sprint_bw(): with -n the plain number ("%.0f"), else 3 significant digits with k/M/G/T
 * ("52.4G"). ss appends "bps".
 */
export function ssBandwidth(bps: number, numeric: boolean): string {
  if (numeric) return cFormatFixed(bps, 0);
  if (bps >= 1e12) return `${cFormatG(bps / 1e12, 3)}T`;
  if (bps >= 1e9) return `${cFormatG(bps / 1e9, 3)}G`;
  if (bps >= 1e6) return `${cFormatG(bps / 1e6, 3)}M`;
  if (bps >= 1e3) return `${cFormatG(bps / 1e3, 3)}k`;
  return cFormatG(bps);
}

/**
 * The -i text after the tab, in tcp_stats_print() order, each item with its leading space:
 * " cubic wscale:7,7 rto:204 rtt:0.05/0.025 ato:40 mss:32768 ... minrtt:0.01".
 * `numeric` (-n) selects how rates print (see ssBandwidth()); `listen` hides "sacked" as ss does
 * for LISTEN sockets.
 */
export function formatSsTcpInfo(i: SsTcpInfo, numeric = true, listen = false): string {
  const out: string[] = [];
  const g = (x: number): string => cFormatG(x);
  const bw = (x: number): string => ssBandwidth(x, numeric);
  const nz = (x: number | undefined): x is number => x !== undefined && x !== 0;
  if (i.options?.ts) out.push(' ts');
  if (i.options?.sack) out.push(' sack');
  if (i.options?.ecn) out.push(' ecn');
  if (i.options?.ecnseen) out.push(' ecnseen');
  if (i.options?.fastopen) out.push(' fastopen');
  if (i.ccName) out.push(` ${i.ccName}`);
  if (i.wscale) out.push(` wscale:${i.wscale.snd},${i.wscale.rcv}`);
  if (nz(i.rtoMs) && i.rtoMs !== 3000) out.push(` rto:${g(i.rtoMs)}`);
  if (nz(i.backoff)) out.push(` backoff:${i.backoff}`);
  if (nz(i.rttMs)) out.push(` rtt:${g(i.rttMs)}/${g(i.rttVarMs ?? 0)}`);
  if (nz(i.atoMs)) out.push(` ato:${g(i.atoMs)}`);
  if (nz(i.mss)) out.push(` mss:${i.mss}`);
  if (nz(i.pmtu)) out.push(` pmtu:${i.pmtu}`);
  if (nz(i.rcvmss)) out.push(` rcvmss:${i.rcvmss}`);
  if (nz(i.advmss)) out.push(` advmss:${i.advmss}`);
  if (nz(i.cwnd)) out.push(` cwnd:${i.cwnd}`);
  if (nz(i.ssthresh) && i.ssthresh < 0xffff) out.push(` ssthresh:${i.ssthresh}`);
  if (nz(i.bytesSent)) out.push(` bytes_sent:${i.bytesSent}`);
  if (nz(i.bytesRetrans)) out.push(` bytes_retrans:${i.bytesRetrans}`);
  if (nz(i.bytesAcked)) out.push(` bytes_acked:${i.bytesAcked}`);
  if (nz(i.bytesReceived)) out.push(` bytes_received:${i.bytesReceived}`);
  if (nz(i.segsOut)) out.push(` segs_out:${i.segsOut}`);
  if (nz(i.segsIn)) out.push(` segs_in:${i.segsIn}`);
  if (nz(i.dataSegsOut)) out.push(` data_segs_out:${i.dataSegsOut}`);
  if (nz(i.dataSegsIn)) out.push(` data_segs_in:${i.dataSegsIn}`);
  if (i.dctcp === 'fallback') out.push(' dctcp:fallback_mode');
  else if (i.dctcp) out.push(` dctcp:(ce_state:${i.dctcp.ceState},alpha:${i.dctcp.alpha},ab_ecn:${i.dctcp.abEcn},ab_tot:${i.dctcp.abTot})`);
  if (i.bbrInfo) {
    let s = ` bbr:(bw:${bw(i.bbrInfo.bwBps)}bps,mrtt:${g(i.bbrInfo.mrttMs)}`;
    if (nz(i.bbrInfo.pacingGain)) s += `,pacing_gain:${g(i.bbrInfo.pacingGain)}`;
    if (nz(i.bbrInfo.cwndGain)) s += `,cwnd_gain:${g(i.bbrInfo.cwndGain)}`;
    out.push(`${s})`);
  }
  if (nz(i.sendBps)) out.push(` send ${bw(i.sendBps)}bps`);
  if (nz(i.lastsndMs)) out.push(` lastsnd:${i.lastsndMs}`);
  if (nz(i.lastrcvMs)) out.push(` lastrcv:${i.lastrcvMs}`);
  if (nz(i.lastackMs)) out.push(` lastack:${i.lastackMs}`);
  if (nz(i.pacingRateBps)) {
    out.push(` pacing_rate ${bw(i.pacingRateBps)}bps`);
    if (nz(i.pacingRateMaxBps)) out.push(`/${bw(i.pacingRateMaxBps)}bps`);
  }
  if (nz(i.deliveryRateBps)) out.push(` delivery_rate ${bw(i.deliveryRateBps)}bps`);
  if (nz(i.delivered)) out.push(` delivered:${i.delivered}`);
  if (nz(i.deliveredCe)) out.push(` delivered_ce:${i.deliveredCe}`);
  if (i.appLimited) out.push(' app_limited');
  if (nz(i.busyUs)) {
    const busy = i.busyUs;
    out.push(` busy:${Math.trunc(busy / 1000)}ms`);
    if (nz(i.rwndLimitedUs)) out.push(` rwnd_limited:${Math.trunc(i.rwndLimitedUs / 1000)}ms(${cFormatFixed((100.0 * i.rwndLimitedUs) / busy, 1)}%)`);
    if (nz(i.sndbufLimitedUs)) out.push(` sndbuf_limited:${Math.trunc(i.sndbufLimitedUs / 1000)}ms(${cFormatFixed((100.0 * i.sndbufLimitedUs) / busy, 1)}%)`);
  }
  if (nz(i.unacked)) out.push(` unacked:${i.unacked}`);
  if (nz(i.retrans) || nz(i.retransTotal)) out.push(` retrans:${i.retrans ?? 0}/${i.retransTotal ?? 0}`);
  if (nz(i.lost)) out.push(` lost:${i.lost}`);
  if (nz(i.sacked) && !listen) out.push(` sacked:${i.sacked}`);
  if (nz(i.dsackDups)) out.push(` dsack_dups:${i.dsackDups}`);
  if (nz(i.fackets)) out.push(` fackets:${i.fackets}`);
  if ((i.reordering ?? 3) !== 3) out.push(` reordering:${i.reordering}`);
  if (nz(i.reordSeen)) out.push(` reord_seen:${i.reordSeen}`);
  if (nz(i.rcvRttMs)) out.push(` rcv_rtt:${g(i.rcvRttMs)}`);
  if (nz(i.rcvSpace)) out.push(` rcv_space:${i.rcvSpace}`);
  if (nz(i.rcvSsthresh)) out.push(` rcv_ssthresh:${i.rcvSsthresh}`);
  if (nz(i.notsent)) out.push(` notsent:${i.notsent}`);
  if (nz(i.minRttMs)) out.push(` minrtt:${g(i.minRttMs)}`);
  if (nz(i.rcvOoopack)) out.push(` rcv_ooopack:${i.rcvOoopack}`);
  if (nz(i.sndWnd)) out.push(` snd_wnd:${i.sndWnd}`);
  return out.join('');
}

// ---------------------------------------------------------------------------------------------
// Table rendering (misc/ss.c render_calc_width() / render())
// ---------------------------------------------------------------------------------------------

export interface SsFormatOptions {
  /** Netid column ("tcp"): ss shows it when more than one socket table is listed (e.g. -t -u). */
  netid?: boolean;
  /** State column; ss hides it when exactly one state is selected (`ss -t state listening`). Default true. */
  state?: boolean;
  /** -i: an info line under every socket. */
  info?: boolean;
  /** -n: numeric rates in the info line (ports/addresses are already strings in the rows). Default true. */
  numeric?: boolean;
  /** -H / --no-header: no header line. */
  noHeader?: boolean;
  /**
   * Terminal width when stdout is a terminal: ss then spreads the spare width over the columns.
   * Undefined = piped (compact output, no extra spacing).
   */
  screenWidth?: number;
}

type Align = 'left' | 'right';

interface Column {
  align: Align;
  header: string;
  ldelim: string;
  disabled: boolean;
  width: number;
  maxLen: number;
}

const COL_NETID = 0;
const COL_STATE = 1;
const COL_PROC = 9;

function makeColumns(opts: SsFormatOptions): Column[] {
  const spec: Array<[Align, string, string]> = [
    ['left', 'Netid', ''],
    ['left', 'State', ' '],
    ['left', 'Recv-Q', ' '],
    ['left', 'Send-Q', ' '],
    ['right', 'Local Address:', ' '],
    ['left', 'Port', ''],
    ['right', 'Peer Address:', ' '],
    ['left', 'Port', ''],
    ['left', 'Process', ''],
    ['left', '', ''],
  ];
  return spec.map(([align, header, ldelim], i) => ({
    align,
    header,
    ldelim,
    disabled: (i === COL_NETID && !opts.netid) || (i === COL_STATE && opts.state === false),
    width: 0,
    maxLen: 0,
  }));
}

interface Token {
  col: number;
  text: string;
}

function portText(port: number | string): string {
  return port === 0 ? '*' : String(port);
}

/** C `%-6d`. */
function left6(n: number): string {
  return String(n).padEnd(6);
}

/** The ten cells of one socket line, in column order. */
function socketCells(s: SsSocket, opts: SsFormatOptions): string[] {
  const local = s.local.device === undefined ? `${s.local.address}:` : `${s.local.address}%${s.local.device}:`;
  let ext = s.users === undefined ? '' : ` users:(${s.users})`;
  if (opts.info) ext += `\n\t${s.info ? formatSsTcpInfo(s.info, opts.numeric ?? true, s.state === 'LISTEN') : ''}`;
  return [s.netid ?? 'tcp', s.state, left6(s.recvQ), left6(s.sendQ), local, portText(s.local.port), `${s.peer.address}:`, portText(s.peer.port), ext, ''];
}

/**
 * Width calculation, as render_calc_width(): content length plus delimiter; on a terminal the
 * spare width of each screen line is spread over the columns on it.
 */
function calcWidths(cols: Column[], screenWidth: number | undefined): void {
  const compact = screenWidth === undefined || screenWidth <= 0;
  const screen = compact ? Number.MAX_SAFE_INTEGER : screenWidth;
  let first = true;
  for (const c of cols) {
    if (c.disabled) continue;
    c.width = !first && c.maxLen ? c.maxLen + c.ldelim.length : c.maxLen;
    c.width = Math.min(c.width, screen);
    if (c.width) first = false;
  }
  if (compact) return;

  let len = 0;
  let linecols = 0;
  let eol = -1;
  for (let ci = 0; ci < cols.length; ci++) {
    const c = cols[ci];
    if (!c || !c.width) continue;
    linecols++;
    len += c.width;
    const last = !cols.slice(ci + 1).some((t) => t.width);
    if (!last && len < screen) continue;
    if (len !== screen) {
      // screen width exceeded: this column starts the next screen line
      if (len > screen) {
        len -= c.width;
        ci--;
        linecols--;
      }
      const pad = screen - len;
      const spacing = linecols > 0 ? Math.trunc(pad / linecols) : 0;
      let rem = linecols > 0 ? pad % linecols : 0;
      for (let t = ci; t > eol; t--) {
        const tc = cols[t];
        if (!tc || !tc.width) continue;
        tc.width += spacing;
        if (rem) {
          tc.width++;
          rem--;
        }
      }
    }
    eol = ci;
    len = 0;
    linecols = 0;
  }
}

/**
 * The whole `ss -t...` output: header (unless noHeader) and one line per socket, plus the info
 * line with -i. `sockets` in the kernel's dump order (ss prints IPv4 sockets before IPv6 ones).
 *
 * ss prints only the header when no socket matches.
 */
export function formatSs(sockets: readonly SsSocket[], opts: SsFormatOptions = {}): string[] {
  const cols = makeColumns(opts);
  const tokens: Token[] = [];
  if (!opts.noHeader) {
    // print_header(): every column's title but the last, then the (empty) last cell
    cols.forEach((c, i) => {
      if (!c.disabled) tokens.push({ col: i, text: i === COL_PROC ? '' : c.header });
    });
  }
  sockets.forEach((s, n) => {
    const cells = socketCells(s, opts);
    const lastSocket = n === sockets.length - 1;
    cells.forEach((text, i) => {
      if (cols[i]?.disabled) return;
      // ss renders before flushing the last socket's Process cell: the line ends there
      if (lastSocket && i === COL_PROC) return;
      tokens.push({ col: i, text });
    });
  });
  // measure every token except the very last one, which ss never flushes
  tokens.slice(0, -1).forEach((t) => {
    const c = cols[t.col];
    if (c && t.text.length > c.maxLen) c.maxLen = t.text.length;
  });
  calcWidths(cols, opts.screenWidth);

  let text = '';
  let lineStarted = false;
  for (const t of tokens) {
    const c = cols[t.col];
    if (!c) continue;
    let printed = 0;
    if (lineStarted) {
      text += c.ldelim;
      printed = c.ldelim.length;
    }
    lineStarted = true;
    if (c.width && c.align === 'right') {
      const s = c.width - t.text.length - printed;
      if (s > 0) {
        text += ' '.repeat(s);
        printed += s;
      }
    }
    text += t.text;
    printed += t.text.length;
    if (c.width && c.align === 'left') {
      const s = c.width - printed;
      if (s > 0) text += ' '.repeat(s);
    }
    // end of line after the last enabled column
    const nextEnabled = cols.findIndex((col, i) => i > t.col && !col.disabled);
    if (nextEnabled < 0) {
      text += '\n';
      lineStarted = false;
    }
  }
  if (lineStarted) text += '\n';
  const lines = text.split('\n');
  lines.pop();
  return lines;
}
