/**
 * TCP Fast Open (RFC 7413), modelled on Linux (net/ipv4/tcp_fastopen.c, tcp_output.c
 * tcp_send_syn_data, tcp_input.c tcp_rcv_fastopen_synack).
 *
 * Server (net.ipv4.tcp_fastopen bit 2, and a listener with TCP_FASTOPEN = queue length):
 * - cookie = SipHash-2-4(key, client address ‖ server address), 8 bytes, like Linux ≥ 5.2; the
 *   128-bit key comes from the host's seeded random stream unless the scenario sets one
 *   (net.ipv4.tcp_fastopen_key) (RFC 7413 §4.1.2);
 * - a SYN with an empty Fast Open option (a cookie request) gets the cookie in the SYN-ACK
 *   (§4.2.1);
 * - a SYN with a valid cookie: its data is accepted, the SYN-ACK acknowledges it, and the
 *   connection is handed to the application at once, which may answer before the handshake
 *   completes (§4.2.2 server steps 4–6);
 * - a SYN with an invalid cookie: the SYN-ACK acknowledges only the SYN and carries a fresh
 *   cookie; the data is dropped (the client resends it) (§4.2.2 step 3 → 5);
 * - at most `fastOpenQueue` Fast Open connections may wait for their handshake's ACK; beyond
 *   that a SYN gets a plain handshake (§4.2.2 step 2, §5.1 PendingFastOpenRequests);
 * - SYN-ACK retransmissions carry no Fast Open option (§4.2.2 "If the SYN-ACK timer fires").
 *
 * Client (bit 1, and TCP_FASTOPEN_CONNECT on the socket):
 * - a per-host cache of cookie and MSS by server address (Linux: tcp_metrics) (§4.1.3);
 * - no cookie: connect() sends at once a SYN with a cookie request and no data (§4.2.1);
 * - a cookie: connect() defers the SYN until the first write, which rides in the SYN with the
 *   cookie, up to the cached MSS minus 40 bytes of option space (§4.2.2 client step 1);
 * - a SYN-ACK that acknowledges only the SYN: the data is sent again at once, carrying the
 *   handshake's ACK (§4.2.2 "Client: Receiving SYN-ACK");
 * - SYN retransmissions carry neither data nor the option (§4.2.2); when a retransmitted SYN
 *   was answered without a cookie and without acknowledging the data, the SYN probably died on
 *   the path: after two such losses in a row Fast Open to that server is off for a while
 *   (Linux's syn_loss back-off: 60 s << losses) (§4.2.2 last paragraph of the client part).
 */
import type { TcpOption } from '../../wire/tcp.ts';
import type { IpNode } from '../host.ts';
import type { Listener } from './layer.ts';
import { emitSyn, sendSyn, stopRto, tcpOutput } from './output.ts';
import { seqAdd, seqDiff } from './seq.ts';
import { siphash24 } from './siphash.ts';
import type { TcpSocket } from './socket.ts';
import type { Segment, TcpAddr } from './types.ts';

/** net.ipv4.tcp_fastopen bits (Linux Documentation/networking/ip-sysctl.rst). */
export const TFO_CLIENT_ENABLE = 1;
export const TFO_SERVER_ENABLE = 2;

/** Room kept for options when sizing the data of a SYN (Linux MAX_TCP_OPTION_SPACE). */
const MAX_TCP_OPTION_SPACE = 40;
/** Linux: with more than one SYN loss in a row, Fast Open waits 60 s << losses. */
const SYN_LOSS_BACKOFF_NS = 60e9;

/** Argument `a` of the 'tcp.fastopen' trace event. */
export const TFO_EVENT = {
  /** Client: the SYN asks for a cookie. */
  COOKIE_REQUESTED: 1,
  /** Client: a SYN-ACK carried a cookie; it is cached for the server's address. */
  COOKIE_CACHED: 2,
  /** Client: the SYN carries a cookie and data (b = bytes). */
  SYN_DATA_SENT: 3,
  /** Client: the SYN-ACK acknowledged the data in the SYN (b = bytes). */
  SYN_DATA_ACKED: 4,
  /** Client: the SYN-ACK acknowledged only the SYN; the data goes again (b = bytes). */
  SYN_DATA_RESENT: 5,
  /** Server: a cookie request answered with a cookie. */
  COOKIE_ISSUED: 6,
  /** Server: a valid cookie; the SYN's data is accepted before the handshake completes (b = bytes). */
  DATA_ACCEPTED: 7,
  /** Server: an invalid cookie; the SYN's data is dropped and a fresh cookie sent (b = bytes dropped). */
  COOKIE_REJECTED: 8,
  /** Server: too many Fast Open connections pending; a plain handshake instead. */
  QUEUE_FULL: 9,
  /** Server: Fast Open is off here; the option (and any data) is ignored (b = bytes dropped). */
  IGNORED: 10,
  /** Client: Fast Open to this server is suspended after repeated SYN losses. */
  SUSPENDED: 11,
} as const;

/** Per-connection Fast Open state (TcpSocket.tfo). */
export interface FastOpenConn {
  readonly role: 'client' | 'server';
  /** Client: connect() is waiting for the first write (a cookie is cached). */
  deferred: boolean;
  /** Client: the cookie the SYN carries (empty: a cookie request). */
  readonly cookie: Uint8Array;
  /** Data bytes the SYN carried (client) or that were accepted from it (server). */
  synData: number;
  /** Client: bytes of the SYN's data the SYN-ACK acknowledged (-1 until it arrives). */
  synDataAcked: number;
  /** Client: the cookie the SYN-ACK brought, if any. */
  received: Uint8Array | undefined;
  /** Server: leaves the listener's queue of pending Fast Open connections (null once left). */
  release: (() => void) | null;
}

interface CacheEntry {
  cookie: Uint8Array | undefined;
  /** The server's MSS from its last SYN-ACK (0: unknown). */
  mss: number;
  synLoss: number;
  lastSynLoss: number;
}

const EMPTY = new Uint8Array(0);

export const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function addrBytes(a: TcpAddr): Uint8Array {
  if (a.v6) return a.addr;
  const v = a.addr;
  return Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
}

/**
 * The option as Linux writes it: kind 34, length, cookie, then two NOPs when that leaves the
 * header two bytes short of a 32-bit boundary (tcp_options_write).
 */
export function fastOpenOptions(cookie: Uint8Array): TcpOption[] {
  const o: TcpOption[] = [{ kind: 'fastOpen', cookie }];
  if (((2 + cookie.length) & 3) === 2) o.push({ kind: 'nop' }, { kind: 'nop' });
  return o;
}

/** Parses net.ipv4.tcp_fastopen_key text ("00112233-44556677-8899aabb-ccddeeff") into SipHash key bytes. */
export function parseFastOpenKey(text: string): Uint8Array | undefined {
  const m = /^([0-9a-f]{1,8})-([0-9a-f]{1,8})-([0-9a-f]{1,8})-([0-9a-f]{1,8})$/i.exec(text.trim());
  if (!m) return undefined;
  // Linux converts each 32-bit word with cpu_to_le32 and reads the key as two little-endian u64s.
  const key = new Uint8Array(16);
  for (let i = 0; i < 4; i++) {
    const w = parseInt(m[i + 1]!, 16);
    for (let j = 0; j < 4; j++) key[4 * i + j] = (w >>> (8 * j)) & 0xff;
  }
  return key;
}

/** One host's Fast Open state: the server key and the client's cookie cache. */
export class FastOpenHost {
  /** Client side: cookie and MSS per server address (Linux keeps them in tcp_metrics). */
  readonly cache = new Map<string, CacheEntry>();
  private key: Uint8Array | undefined;

  constructor(private readonly node: IpNode) {}

  /** Sets the server key (net.ipv4.tcp_fastopen_key). */
  setKey(key: Uint8Array): void {
    this.key = key;
  }

  /** The server key: configured, or 128 bits from the host's seeded stream (Linux: random at first use). */
  serverKey(): Uint8Array {
    if (!this.key) {
      const rng = this.node.world.rng.stream(`host:${this.node.name}:tcp-fastopen-key`);
      const key = new Uint8Array(16);
      for (let i = 0; i < 16; i += 4) {
        const w = rng.u32();
        for (let j = 0; j < 4; j++) key[i + j] = (w >>> (8 * j)) & 0xff;
      }
      this.key = key;
    }
    return this.key;
  }

  /** The cookie for a client talking to one of our addresses (RFC 7413 §4.1.2; Linux: SipHash of saddr ‖ daddr). */
  cookie(client: TcpAddr, server: TcpAddr): Uint8Array {
    const c = addrBytes(client);
    const s = addrBytes(server);
    const msg = new Uint8Array(c.length + s.length);
    msg.set(c);
    msg.set(s, c.length);
    return siphash24(this.serverKey(), msg);
  }

  /** The cached cookie for a server, if any (what `ip tcp_metrics` would show). */
  cachedCookie(server: string): Uint8Array | undefined {
    return this.cache.get(server)?.cookie;
  }

  entry(server: string): CacheEntry {
    let e = this.cache.get(server);
    if (!e) {
      e = { cookie: undefined, mss: 0, synLoss: 0, lastSynLoss: 0 };
      this.cache.set(server, e);
    }
    return e;
  }
}

function trace(s: TcpSocket, event: number, bytes: number, what: string): void {
  s.trace('tcp.fastopen', event, bytes, `${s.name} ${what}`);
}

// ---- client -------------------------------------------------------------------------------

/**
 * Active open with TCP_FASTOPEN_CONNECT (called in SYN-SENT, before any SYN). Returns false when
 * Fast Open is not in play and the caller sends an ordinary SYN.
 */
export function fastOpenConnect(s: TcpSocket): boolean {
  if (!s.opts.fastOpenConnect || (s.opts.fastOpen & TFO_CLIENT_ENABLE) === 0) return false;
  const e = s.layer.fastOpen.cache.get(s.remote.text);
  if (e && e.synLoss > 1 && s.now < e.lastSynLoss + SYN_LOSS_BACKOFF_NS * 2 ** e.synLoss) {
    trace(s, TFO_EVENT.SUSPENDED, 0, `Fast Open to ${s.remote.text} suspended after ${e.synLoss} lost SYNs: plain SYN`);
    return false;
  }
  if (e?.cookie) {
    // Linux tcp_fastopen_defer_connect: connect() returns at once; the first write sends the SYN.
    s.tfo = { role: 'client', deferred: true, cookie: e.cookie, synData: 0, synDataAcked: -1, received: undefined, release: null };
    return true;
  }
  s.tfo = { role: 'client', deferred: false, cookie: EMPTY, synData: 0, synDataAcked: -1, received: undefined, release: null };
  sendSyn(s, fastOpenOptions(EMPTY));
  trace(s, TFO_EVENT.COOKIE_REQUESTED, 0, `no cookie for ${s.remote.text}: the SYN requests one (RFC 7413 §4.2.1)`);
  return true;
}

/** The application wrote while connect() is deferred: send the SYN with the cookie and data. */
export function fastOpenFirstWrite(s: TcpSocket): void {
  const t = s.tfo;
  if (!t || !t.deferred || s.state !== 'SYN-SENT') return;
  t.deferred = false;
  // Linux tcp_send_syn_data: the cached MSS (or our own) less the largest option space.
  const cached = s.layer.fastOpen.cache.get(s.remote.text)?.mss ?? 0;
  const room = Math.max(0, Math.min(s.advMss, cached > 0 ? cached : s.advMss) - MAX_TCP_OPTION_SPACE);
  const n = Math.min(s.sendBuf.length, room);
  t.synData = n;
  sendSyn(s, fastOpenOptions(t.cookie), n);
  trace(s, TFO_EVENT.SYN_DATA_SENT, n, `SYN carries cookie ${hex(t.cookie)} and ${n} bytes of data (RFC 7413 §4.2.2)`);
}

/**
 * The SYN-ACK arrived (after `established` took the SYN off the queue): cache the cookie and
 * MSS (§4.2.2 client step 1), then settle the data the SYN carried: acknowledged, or sent again
 * at once (the resent data carries the ACK of the SYN-ACK, as in Linux). True when data was resent.
 */
export function fastOpenSynAck(s: TcpSocket, seg: Segment): boolean {
  const t = s.tfo;
  if (!t || t.role !== 'client') return false;
  const e = s.layer.fastOpen.entry(s.remote.text);
  e.mss = s.peerMss;
  const opt = seg.options.find((o) => o.kind === 'fastOpen');
  if (opt && opt.kind === 'fastOpen' && opt.cookie.length > 0) {
    t.received = opt.cookie;
    e.cookie = opt.cookie;
    trace(s, TFO_EVENT.COOKIE_CACHED, 0, `SYN-ACK carries cookie ${hex(opt.cookie)}: cached for ${s.remote.text}`);
  }
  const d = s.rtx[0];
  const data = t.synData > 0 && d !== undefined && !d.syn && d.seq === seqAdd(s.iss, 1) ? d : undefined;
  // Linux: a retransmitted SYN answered without a cookie and without the data acknowledged.
  const acked = data ? Math.max(0, Math.min(data.dataLen, seqDiff(seg.ack, data.seq))) : 0;
  if (s.retransTotal > 0 && !opt && data && acked < data.dataLen) {
    e.synLoss++;
    e.lastSynLoss = s.now;
  } else e.synLoss = 0;
  if (!data) return false;
  t.synDataAcked = acked;
  s.rtx.shift();
  if (acked > 0) {
    s.sndUna = seqAdd(s.sndUna, acked);
    s.sndUnaOff = acked;
    s.bytesAcked += acked;
    s.sendBuf.release(acked);
    trace(s, TFO_EVENT.SYN_DATA_ACKED, acked, `SYN-ACK acknowledges the ${acked} bytes sent in the SYN`);
  }
  if (s.rtx.length === 0) stopRto(s);
  if (acked < data.dataLen) {
    const left = data.dataLen - acked;
    // Go back: everything after SND.UNA is sent again by the ordinary output path.
    s.sndNxt = s.sndUna;
    s.sndMax = s.sndUna;
    s.retransTotal++;
    trace(s, TFO_EVENT.SYN_DATA_RESENT, left, `SYN-ACK acknowledges only the SYN: ${left} bytes of SYN data sent again (RFC 7413 §4.2.2)`);
    s.trace('tcp.retransmit', seqDiff(s.sndUna, s.iss), left, `${s.name} SYN data not acknowledged`);
    tcpOutput(s);
    return true;
  }
  return false;
}

/** A line for applications: what Fast Open did on this connection, or undefined if it was not used. */
export function fastOpenSummary(s: TcpSocket): string | undefined {
  const t = s.tfo;
  if (!t || t.role !== 'client') return undefined;
  if (t.cookie.length === 0) {
    return t.received ? `cookie requested; the server sent cookie ${hex(t.received)}` : 'cookie requested; the server sent none';
  }
  if (t.deferred) return `cookie ${hex(t.cookie)} cached; nothing written yet`;
  const sent = `${t.synData} bytes sent in the SYN with cookie ${hex(t.cookie)}`;
  if (t.synDataAcked < 0) return `${sent}; no SYN-ACK yet`;
  if (t.synDataAcked === t.synData) return `${sent}; the SYN-ACK acknowledged them`;
  return `${sent}; the SYN-ACK acknowledged ${t.synDataAcked === 0 ? 'only the SYN' : `${t.synDataAcked} of them`}, the rest went again${t.received ? ` (new cookie ${hex(t.received)})` : ''}`;
}

// ---- server -------------------------------------------------------------------------------

/**
 * A SYN reached a listener (RFC 7413 §4.2.2 "Server: Receiving SYN", Linux tcp_try_fastopen).
 * Called after the new socket negotiated its options and chose its ISS; returns the options
 * for the SYN-ACK. With a valid cookie the socket becomes a Fast Open connection: RCV.NXT
 * covers the data (so the SYN-ACK acknowledges it) and `fastOpenAccept` must follow the SYN-ACK.
 */
export function fastOpenListen(l: Listener, s: TcpSocket, seg: Segment): TcpOption[] {
  const opt = seg.options.find((o) => o.kind === 'fastOpen');
  const n = seg.data.length;
  if (!opt && n === 0) return [];
  const dropped = n > 0 ? `; ${n} bytes of SYN data dropped` : '';
  if ((s.opts.fastOpen & TFO_SERVER_ENABLE) === 0 || s.opts.fastOpenQueue <= 0) {
    const why = (s.opts.fastOpen & TFO_SERVER_ENABLE) === 0 ? 'net.ipv4.tcp_fastopen has no server bit' : 'the listener did not enable TCP_FASTOPEN';
    trace(s, TFO_EVENT.IGNORED, n, `Fast Open off (${why}): ${opt ? 'option ignored' : 'plain SYN'}${dropped}`);
    return [];
  }
  if (l.fastOpenPending >= s.opts.fastOpenQueue) {
    trace(s, TFO_EVENT.QUEUE_FULL, n, `${l.fastOpenPending} Fast Open connections already pending (TCP_FASTOPEN ${s.opts.fastOpenQueue}): plain handshake (RFC 7413 §5.1)${dropped}`);
    return [];
  }
  if (!opt || opt.kind !== 'fastOpen') {
    // Data without the option: Linux neither accepts it nor offers a cookie.
    trace(s, TFO_EVENT.IGNORED, n, `SYN data without a Fast Open option${dropped}`);
    return [];
  }
  const valid = s.layer.fastOpen.cookie(s.remote, s.local);
  if (opt.cookie.length === 0) {
    trace(s, TFO_EVENT.COOKIE_ISSUED, 0, `cookie request: SYN-ACK carries cookie ${hex(valid)} (RFC 7413 §4.2.1)${dropped}`);
    return fastOpenOptions(valid);
  }
  if (!bytesEqual(opt.cookie, valid)) {
    trace(s, TFO_EVENT.COOKIE_REJECTED, n, `invalid cookie ${hex(opt.cookie)}: SYN-ACK acknowledges only the SYN and carries cookie ${hex(valid)}${dropped}`);
    return fastOpenOptions(valid);
  }
  // Valid: take the data, count the connection as pending, and get ready to send before the
  // handshake completes (Linux tcp_fastopen_create_child).
  l.fastOpenPending++;
  const t: FastOpenConn = { role: 'server', deferred: false, cookie: opt.cookie, synData: n, synDataAcked: -1, received: undefined, release: null };
  t.release = () => {
    t.release = null;
    l.fastOpenPending--;
  };
  s.tfo = t;
  s.rcvNxt = seqAdd(s.rcvNxt, n);
  s.sndWnd = seg.window; // a SYN's window is never scaled (RFC 7323 §2.2)
  s.maxSndWnd = s.sndWnd;
  s.sndWl1 = seg.seq;
  s.sndWl2 = s.iss;
  s.cc.init(s.mss, s.opts.initialCwnd * s.mss, s.now);
  trace(s, TFO_EVENT.DATA_ACCEPTED, n, `valid cookie: ${n} bytes of SYN data accepted before the handshake completes (RFC 7413 §4.2.2)`);
  return [];
}

/**
 * After the SYN-ACK of a Fast Open connection: hand it to the application now and deliver the
 * SYN's data (RFC 7413 §4.2.2 server step 4; Linux queues the child for accept() at once).
 */
export function fastOpenAccept(s: TcpSocket, data: Uint8Array): void {
  const accept = s.acceptInto;
  s.acceptInto = null;
  accept?.(s);
  if (data.length === 0 || s.state === 'CLOSED') return;
  s.rcvNxtOff += data.length;
  s.bytesReceived += data.length;
  if (s.readingPaused) {
    s.unread.push(data);
    s.rcvBuffered += data.length;
  } else s.onData?.(data);
}

/** The peer retransmitted its SYN to a Fast Open connection: resend the SYN-ACK only, keeping what was sent since. */
export function fastOpenResendSynAck(s: TcpSocket): void {
  const syn = s.rtx[0];
  if (syn?.syn) {
    syn.retransmits++;
    syn.sentAt = s.now;
  }
  s.retransTotal++;
  emitSyn(s);
}
