/**
 * Shared TCP types: states (RFC 9293 §3.3.2), socket options, endpoints, parsed segments and
 * entries of the retransmission queue.
 */
import type { Ipv4, Ipv6 } from '../../wire/addr.ts';
import type { TcpOption } from '../../wire/tcp.ts';
import type { CongestionControlName } from './cc/types.ts';
import type { SentMeta } from './cc/rate-sample.ts';
import type { RtoProfile } from './rtt.ts';

export type TcpState = 'CLOSED' | 'LISTEN' | 'SYN-SENT' | 'SYN-RECEIVED' | 'ESTABLISHED' | 'FIN-WAIT-1' | 'FIN-WAIT-2' | 'CLOSE-WAIT' | 'CLOSING' | 'LAST-ACK' | 'TIME-WAIT';

export type TcpAddr = { readonly v6: false; readonly addr: Ipv4; readonly text: string } | { readonly v6: true; readonly addr: Ipv6; readonly text: string };

export type TcpError = 'ECONNREFUSED' | 'ECONNRESET' | 'ETIMEDOUT' | 'EHOSTUNREACH' | 'ENETUNREACH' | 'EPIPE' | 'EADDRNOTAVAIL' | 'EADDRINUSE';

export const TCP_ERROR_TEXT: Readonly<Record<TcpError, string>> = {
  ECONNREFUSED: 'Connection refused',
  ECONNRESET: 'Connection reset by peer',
  ETIMEDOUT: 'Connection timed out',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  EPIPE: 'Broken pipe',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  EADDRINUSE: 'Address already in use',
};

export interface TcpSocketOptions {
  /** TCP_NODELAY: disable Nagle's algorithm (RFC 896). */
  nodelay: boolean;
  /** TCP_QUICKACK: acknowledge every segment at once instead of delaying (RFC 1122 §4.2.3.2). */
  quickack: boolean;
  cc: CongestionControlName;
  /** Send / receive buffer sizes in bytes (Linux tcp_wmem/tcp_rmem maxima). */
  sndbuf: number;
  rcvbuf: number;
  sack: boolean;
  timestamps: boolean;
  windowScaling: boolean;
  /** RFC 3168 ECN negotiation. */
  ecn: boolean;
  rtoProfile: RtoProfile;
  /** Delayed-ACK timeout (Linux: 40 ms minimum ato; classic BSD/RFC 1122 practice: 200 ms). */
  delayedAckNs: number;
  /** Maximum segment lifetime; TIME-WAIT lasts 2·MSL (RFC 9293 §3.4.2; Linux: fixed 60 s). */
  mslNs: number;
  /** SO_KEEPALIVE with Linux's defaults: 7200 s idle, 75 s interval, 9 probes. */
  keepalive: boolean;
  keepaliveIdleNs: number;
  keepaliveIntervalNs: number;
  keepaliveProbes: number;
  /** RFC 6928 initial window in segments. */
  initialCwnd: number;
  /**
   * net.ipv4.tcp_tw_reuse for outgoing connections: a 4-tuple still in TIME-WAIT may be reused
   * once it has been there ≥ 1 s (safe with timestamps, RFC 6191 / RFC 7323 PAWS).
   */
  twReuse: boolean;
  /** Linux tcp_syn_retries (6 ≈ 127 s) and tcp_retries2 (15 ≈ 924 s). */
  synRetries: number;
  retries2: number;
  /**
   * net.ipv4.tcp_fastopen (RFC 7413): bit 1 lets connections ask for Fast Open as clients,
   * bit 2 lets listeners accept it as servers. Linux's default is 1 (client only).
   */
  fastOpen: number;
  /** TCP_FASTOPEN_CONNECT: connect with Fast Open; with a cached cookie the first write rides in the SYN. */
  fastOpenConnect: boolean;
  /**
   * TCP_FASTOPEN on a listener: how many Fast Open connections may wait for their handshake to
   * complete (RFC 7413 §5.1 PendingFastOpenRequests, Linux max_qlen); 0 = no Fast Open.
   */
  fastOpenQueue: number;
}

export const TCP_DEFAULTS: TcpSocketOptions = {
  nodelay: false,
  quickack: false,
  cc: 'cubic',
  sndbuf: 4 * 1024 * 1024,
  rcvbuf: 6 * 1024 * 1024,
  sack: true,
  timestamps: true,
  windowScaling: true,
  ecn: false,
  rtoProfile: 'linux',
  delayedAckNs: 40e6,
  mslNs: 30e9,
  keepalive: false,
  keepaliveIdleNs: 7200e9,
  keepaliveIntervalNs: 75e9,
  keepaliveProbes: 9,
  initialCwnd: 10,
  twReuse: false,
  synRetries: 6,
  retries2: 15,
  fastOpen: 1,
  fastOpenConnect: false,
  fastOpenQueue: 0,
};

/** An incoming segment, parsed and annotated by the TCP layer. */
export interface Segment {
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  /** Raw 16-bit window field (unscaled). */
  readonly window: number;
  readonly options: readonly TcpOption[];
  readonly data: Uint8Array;
  /** Sequence space consumed: data + SYN + FIN. */
  readonly len: number;
  /** The IP header carried CE (RFC 3168). */
  readonly ce: boolean;
  readonly frameUid: number;
}

/** A sent segment awaiting acknowledgment (the retransmission queue, RFC 6675 scoreboard). */
export interface TxSegment {
  seq: number;
  /** Sequence space: data bytes + SYN + FIN. */
  len: number;
  dataLen: number;
  syn: boolean;
  fin: boolean;
  firstSentAt: number;
  sentAt: number;
  retransmits: number;
  sacked: boolean;
  lost: boolean;
  meta: SentMeta | null;
}
