/**
 * A TCP connection (RFC 9293): user interface, segment output, timers. Segment arrival lives
 * in input.ts, ACK processing and loss recovery (RFC 5681, 6582, 6675) in ack.ts, the
 * out-of-order queue in reasm.ts. Congestion control is a plug-in (cc/).
 *
 * Stream offsets: data byte 0 has sequence number ISS+1. Offsets are kept as plain numbers
 * (exact to 2^53), derived from SND.UNA so sequence wrap-around never confuses them.
 */
import type { TcpOption, TcpRepr } from '../../wire/tcp.ts';
import { TCP_FLAG, buildTcp, emitTcpHeader, tcpHeaderLen } from '../../wire/tcp.ts';
import { IPPROTO, IPV4_MIN_HEADER_LEN } from '../../wire/ipv4.ts';
import { payloadSum } from '../../wire/checksum.ts';
import type { PseudoHeader } from '../../wire/checksum.ts';
import type { Send4 } from '../ipv4.ts';
import type { EventHandle } from '../../sim/scheduler.ts';
import type { IpNode } from '../host.ts';
import type { CongestionControl } from './cc/types.ts';
import { createCongestionControl } from './cc/index.ts';
import { DeliveryRateEstimator } from './cc/rate-sample.ts';
import { RttEstimator } from './rtt.ts';
import { SendBuffer, patternSum16 } from './sendbuf.ts';
import { ReassemblyQueue } from './reasm.ts';
import { seqAdd, seqDiff, seqGt, seqLt } from './seq.ts';
import type { Segment, TcpAddr, TcpError, TcpSocketOptions, TcpState, TxSegment } from './types.ts';
import { TCP_DEFAULTS } from './types.ts';
import type { TcpLayer } from './layer.ts';
import type { PatternTail } from '../../trace/store.ts';
import { tcpOutput } from './output.ts';
import { segmentArrives } from './input.ts';
import { newRack } from './rack.ts';
import { lossDetectedByTimer } from './ack.ts';
import type { FastOpenConn } from './fastopen.ts';
import { fastOpenFirstWrite } from './fastopen.ts';

const MAX_WINDOW_FIELD = 0xffff;
/** NOP padding options carry nothing: shared by every segment (never modified). */
const NOP: TcpOption = { kind: 'nop' };
const NO_OPTIONS: readonly TcpOption[] = [];
/** Linux picks a window-scale shift so the receive buffer fits (6 MB → 7). */
function wscaleFor(buf: number): number {
  let s = 0;
  while (s < 14 && MAX_WINDOW_FIELD << s < buf) s++;
  return s;
}

export class TcpSocket {
  state: TcpState = 'CLOSED';
  readonly opts: TcpSocketOptions;
  // --- send sequence space (RFC 9293 §3.3.1)
  iss = 0;
  sndUna = 0;
  /** When forward progress last confirmed the next hop's neighbour entry (see ack.ts). */
  neighborConfirmedAt = -Infinity;
  sndNxt = 0;
  /** Highest sequence number sent + 1 (RFC 6675 HighData + 1). */
  sndMax = 0;
  sndWnd = 0;
  /** Largest window the peer has offered (for sender SWS avoidance). */
  maxSndWnd = 0;
  sndWl1 = 0;
  sndWl2 = 0;
  /** Stream offset of SND.UNA. */
  sndUnaOff = 0;
  // --- receive sequence space
  irs = 0;
  rcvNxt = 0;
  rcvNxtOff = 0;
  /** Right edge of the window we last advertised (never moved left: RFC 9293 §3.8.6.2.2). */
  rcvAdvEdge = 0;
  /** Bytes received in order but not yet read by the application. */
  rcvBuffered = 0;
  // --- negotiated
  mss = 536;
  peerMss = 536;
  advMss = 1460;
  sackOk = false;
  tsOk = false;
  /** Shift we apply to the peer's window field / that the peer applies to ours. */
  sndWscale = 0;
  rcvWscale = 0;
  /** The peer's SYN carried a Window Scale option. */
  peerWscaleOffered = false;
  ecnOk = false;
  tsRecent = 0;
  lastAckSent = 0;
  readonly tsOffset: number;
  // --- data
  readonly sendBuf = new SendBuffer();
  finQueued = false;
  readonly rtx: TxSegment[] = [];
  readonly ooo = new ReassemblyQueue();
  /** Sequence number of a FIN received beyond a hole. */
  oooFinSeq: number | undefined;
  // --- recovery (ack.ts)
  dupAcks = 0;
  inRecovery = false;
  /** After an RTO, until everything outstanding then is acknowledged. */
  rtoRecovering = false;
  /** RFC 8985 RACK state and whether a tail loss probe awaits its ACK. */
  readonly rack = newRack();
  tlpOutstanding = false;
  recoveryPoint = 0;
  /** NewReno's inflated window during fast recovery without SACK (RFC 6582); -1 otherwise. */
  renoWindow = -1;
  sackedBytes = 0;
  lostBytes = 0;
  retransOutBytes = 0;
  eceSeen = false;
  cwrPending = false;
  ceToEcho = false;
  lastEcnReduction = -Infinity;
  // --- congestion control and timing
  cc: CongestionControl;
  readonly rate = new DeliveryRateEstimator();
  readonly rtt: RttEstimator;
  nextSendTime = 0;
  // --- timers
  rtoTimer: EventHandle | null = null;
  delAckTimer: EventHandle | null = null;
  /** The last delayed-ACK event, kept after it is cancelled so the next one can reuse it (Scheduler.reschedule). */
  delAckEvent: EventHandle | null = null;
  persistTimer: EventHandle | null = null;
  keepaliveTimer: EventHandle | null = null;
  timeWaitTimer: EventHandle | null = null;
  /** When the connection entered TIME-WAIT (for tcp_tw_reuse). */
  timeWaitSince = -1;
  paceTimer: EventHandle | null = null;
  synRetries = 0;
  rtoRetries = 0;
  persistBackoff = 0;
  keepaliveProbes = 0;
  unackedSegments = 0;
  // --- counters (ss -i)
  bytesSent = 0;
  bytesAcked = 0;
  bytesReceived = 0;
  segsOut = 0;
  segsIn = 0;
  dataSegsOut = 0;
  dataSegsIn = 0;
  retransTotal = 0;
  lastSnd = 0;
  lastRcv = 0;
  lastAck = 0;
  readingPaused = false;
  /** In-order data held while the application is not reading. */
  readonly unread: Uint8Array[] = [];
  /** A soft error (ICMP unreachable) reported if the connection later times out. */
  softError: TcpError | undefined;
  /** Passive open: the listener that accepts this connection once established. */
  acceptInto: ((s: TcpSocket) => void) | null = null;
  /** TCP Fast Open state (RFC 7413, fastopen.ts); null when the connection does not use it. */
  tfo: FastOpenConn | null = null;
  // --- application callbacks
  onConnect: (() => void) | null = null;
  onData: ((data: Uint8Array) => void) | null = null;
  onEof: (() => void) | null = null;
  onClose: ((error?: TcpError) => void) | null = null;
  onWritable: (() => void) | null = null;
  /** Called after every ACK is processed (applications that pace their writes to cwnd). */
  onAckHook: (() => void) | null = null;
  error: TcpError | undefined;

  constructor(
    readonly layer: TcpLayer,
    readonly local: TcpAddr,
    readonly localPort: number,
    readonly remote: TcpAddr,
    readonly remotePort: number,
    opts: Partial<TcpSocketOptions> = {},
  ) {
    this.opts = { ...TCP_DEFAULTS, ...opts };
    const rng = layer.node.world.rng.stream(`host:${layer.node.name}:tcp`);
    this.tsOffset = rng.u32();
    this.rtt = new RttEstimator(this.opts.rtoProfile);
    this.cc = createCongestionControl(this.opts.cc, { rand: () => rng.next() });
    this.rcvWscale = this.opts.windowScaling ? wscaleFor(this.opts.rcvbuf) : 0;
  }

  get node(): IpNode {
    return this.layer.node;
  }

  get now(): number {
    return this.layer.node.world.now;
  }

  /** "10.0.0.1:40000>10.0.0.2:5201": the connection's name in the trace. */
  get name(): string {
    if (this.cachedName === undefined) {
      const f = (a: TcpAddr, p: number): string => (a.v6 ? `[${a.text}]:${p}` : `${a.text}:${p}`);
      this.cachedName = `${f(this.local, this.localPort)}>${f(this.remote, this.remotePort)}`;
    }
    return this.cachedName;
  }

  private cachedName: string | undefined;
  /** The IPv4 pseudo-header of every segment we send (fixed addresses). */
  private pseudo4: PseudoHeader | undefined;
  /** Scratch for `emit`: the header being sent (rewritten for every segment). */
  private readonly txOptions: TcpOption[] = [];
  private readonly txTimestamps = { kind: 'timestamps' as const, tsval: 0, tsecr: 0 };
  private readonly txRepr: TcpRepr = { srcPort: 0, dstPort: 0, seq: 0, ack: 0, flags: 0, window: 0, urgent: 0, options: this.txOptions };
  /** `name` interned in the trace's string table (most events carry it). */
  private nameId = -1;

  trace(kind: Parameters<IpNode['world']['trace']['emit']>[1], a = 0, b = 0, text?: string, pkt = -1): void {
    const w = this.node.world;
    if (text === undefined || text === this.cachedName) {
      if (this.nameId < 0) this.nameId = w.trace.events.intern(this.name);
      w.trace.emitInterned(w.now, kind, this.node.id, -1, pkt, a, b, this.nameId);
    } else {
      w.trace.emit(w.now, kind, this.node.id, -1, pkt, a, b, text);
    }
  }

  setState(s: TcpState): void {
    if (s === this.state) return;
    this.trace('tcp.state', 0, 0, `${this.name} ${this.state}→${s}`);
    this.state = s;
    // RFC 7413 §4.2.2 "Server: Receiving ACK", §5.1: a Fast Open connection stops counting as
    // pending once its handshake is done (FIN-WAIT-1 may still await it) or it is gone.
    if (this.tfo?.release && s !== 'SYN-RECEIVED' && s !== 'FIN-WAIT-1') this.tfo.release();
  }

  // ---- user interface (RFC 9293 §3.10.1–3.10.6) ------------------------------------------

  /** Bytes the application may still write before the send buffer is full. */
  get writable(): number {
    return Math.max(0, this.opts.sndbuf - this.sendBuf.length);
  }

  /** Queues data (bytes, or a length of synthetic pattern bytes); returns bytes accepted. */
  send(data: Uint8Array | number): number {
    if (this.finQueued || !['ESTABLISHED', 'CLOSE-WAIT', 'SYN-SENT', 'SYN-RECEIVED'].includes(this.state)) return -1;
    const n = typeof data === 'number' ? data : data.length;
    const take = Math.min(n, this.writable);
    if (take <= 0) return 0;
    this.sendBuf.write(typeof data === 'number' ? take : take === n ? data : data.subarray(0, take));
    if (this.state === 'ESTABLISHED' || this.state === 'CLOSE-WAIT') this.output();
    else if (this.tfo) {
      // RFC 7413: a deferred Fast Open connect sends its SYN with this data; a Fast Open server may answer before the handshake completes.
      if (this.tfo.deferred) fastOpenFirstWrite(this);
      else this.output();
    }
    return take;
  }

  /** Half-close: send FIN after queued data (shutdown(SHUT_WR)). */
  shutdown(): void {
    if (this.finQueued) return;
    if (this.state === 'SYN-SENT' || this.state === 'LISTEN') return this.destroy();
    if (this.state !== 'ESTABLISHED' && this.state !== 'CLOSE-WAIT' && this.state !== 'SYN-RECEIVED') return;
    this.finQueued = true;
    this.setState(this.state === 'CLOSE-WAIT' ? 'LAST-ACK' : 'FIN-WAIT-1');
    this.output();
  }

  /** close(): like shutdown, and stop reading (unread data would make Linux send RST). */
  close(): void {
    if (this.rcvBuffered > 0 && (this.state === 'ESTABLISHED' || this.state === 'CLOSE-WAIT')) {
      // Linux (RFC 2525 §2.17): closing with unread data aborts with RST.
      return this.abort('close with unread data');
    }
    this.shutdown();
  }

  /** abort(): send RST and forget the connection (SO_LINGER 0). */
  abort(reason = 'application abort'): void {
    // RFC 9293 §3.10.5: in CLOSING, LAST-ACK and TIME-WAIT the TCB is simply deleted.
    if (['SYN-RECEIVED', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT'].includes(this.state)) {
      this.sendRst(this.sndNxt, reason);
    }
    this.destroy();
  }

  /** Stops (true) or resumes (false) reading: unread data fills the receive buffer and closes the window. */
  pauseReading(paused: boolean): void {
    this.readingPaused = paused;
    if (!paused && this.rcvBuffered > 0) {
      const wasSmall = this.receiveWindow() < this.mss;
      const data = this.unread.splice(0);
      this.rcvBuffered = 0;
      for (const d of data) this.onData?.(d);
      // RFC 1122 §4.2.3.3: announce the reopened window.
      if (wasSmall) this.sendAck();
    }
  }

  // ---- output ---------------------------------------------------------------------------

  /** Receive window to advertise, in bytes (receiver SWS avoidance, RFC 9293 §3.8.6.2.2). */
  receiveWindow(): number {
    const free = Math.max(0, this.opts.rcvbuf - this.rcvBuffered - this.ooo.bytes);
    const current = Math.max(0, seqDiff(this.rcvAdvEdge, this.rcvNxt));
    if (free - current < Math.min(this.opts.rcvbuf / 2, this.advMss)) return current;
    return free;
  }

  /**
   * Builds and sends one segment. `seq` is the first sequence number it covers. `data` is the
   * payload, or a length of send-buffer bytes starting at stream offset `dataOffset`, which are
   * copied straight into the outgoing frame (pattern bytes with a precomputed checksum sum).
   */
  emit(seq: number, flags: number, data: Uint8Array | number, extraOptions: readonly TcpOption[] = NO_OPTIONS, dataOffset = 0): void {
    const node = this.node;
    const syn = (flags & TCP_FLAG.SYN) !== 0;
    // Scratch records, consumed before this returns (the header is written from them at once).
    const options = this.txOptions;
    options.length = 0;
    if (syn) {
      // A SYN offers every option we support; a SYN-ACK only those the peer's SYN offered
      // (RFC 7323 §1.3, §3.2; RFC 2018 §2).
      const reply = this.state === 'SYN-RECEIVED';
      options.push({ kind: 'mss', mss: this.advMss });
      if (this.opts.sack && (!reply || this.sackOk)) options.push({ kind: 'sackPermitted' });
      if (this.opts.timestamps && (!reply || this.tsOk)) options.push({ kind: 'timestamps', tsval: this.tsval(), tsecr: reply ? this.tsRecent : 0 });
      if (this.opts.windowScaling && (!reply || this.peerWscaleOffered)) options.push({ kind: 'nop' }, { kind: 'wscale', shift: this.rcvWscale });
    } else {
      if (this.tsOk) {
        const ts = this.txTimestamps;
        ts.tsval = this.tsval();
        ts.tsecr = this.tsRecent;
        options.push(NOP, NOP, ts);
      }
      if (this.sackOk && (flags & TCP_FLAG.ACK) !== 0 && !this.ooo.empty) {
        const blocks = this.ooo.sackBlocks(this.tsOk ? 3 : 4);
        if (blocks.length) options.push(NOP, NOP, { kind: 'sack', blocks });
      }
    }
    for (const o of extraOptions) options.push(o);
    let window = 0;
    if ((flags & TCP_FLAG.RST) === 0) {
      const w = this.receiveWindow();
      window = syn ? Math.min(w, MAX_WINDOW_FIELD) : Math.min(w >>> this.rcvWscale, MAX_WINDOW_FIELD);
      const edge = seqAdd(this.rcvNxt, syn ? window : window << this.rcvWscale);
      if (seqGt(edge, this.rcvAdvEdge) || this.state === 'SYN-SENT' || this.state === 'SYN-RECEIVED') this.rcvAdvEdge = edge;
    }
    let f = flags;
    const hasAck = (f & TCP_FLAG.ACK) !== 0;
    if (this.ecnOk && hasAck && this.ceToEcho && !syn) f |= TCP_FLAG.ECE;
    const dataLen = typeof data === 'number' ? data : data.length;
    if (this.ecnOk && dataLen > 0 && this.cwrPending) {
      f |= TCP_FLAG.CWR;
      this.cwrPending = false;
      this.trace('tcp.ecn', TCP_FLAG.CWR, 0, `${this.name} CWR sent`);
    }
    const repr = this.txRepr;
    repr.srcPort = this.localPort;
    repr.dstPort = this.remotePort;
    repr.seq = seq;
    repr.ack = hasAck ? this.rcvNxt : 0;
    repr.flags = f;
    repr.window = window;
    // RFC 3168 §6.1.5: data segments (not SYNs, pure ACKs or retransmissions) carry ECT(0).
    const ect = this.ecnOk && dataLen > 0 ? 2 : 0;
    let r: { ok: boolean; error?: string };
    if (this.local.v6) {
      const bytes = typeof data === 'number' ? this.sendBuf.read(dataOffset, dataLen) : data;
      const tail = typeof data === 'number' && dataLen > 0 && this.sendBuf.isSynthetic(dataOffset, dataLen) ? { len: dataLen, offset: dataOffset } : undefined;
      r = node.ipv6.send({ dst: this.remote.addr as Uint8Array, src: this.local.addr as Uint8Array, protocol: IPPROTO.TCP, ...(tail ? { tail } : {}), build: (src) => buildTcp(repr, bytes, { v: 6, src, dst: this.remote.addr as Uint8Array }) });
    } else {
      // The segment is written once, into the buffer of the frame that will carry it.
      const src = this.local.addr as number;
      const headerLen = tcpHeaderLen(repr);
      const segment = node.world.frames.framedPacket(IPV4_MIN_HEADER_LEN + headerLen + dataLen, IPV4_MIN_HEADER_LEN);
      let sum: number;
      let tail: PatternTail | undefined;
      if (typeof data !== 'number') {
        segment.set(data, headerLen);
        sum = payloadSum(data);
      } else if (this.sendBuf.readInto(dataOffset, dataLen, segment, headerLen) && dataLen > 0) {
        sum = patternSum16(dataOffset, dataLen);
        tail = { len: dataLen, offset: dataOffset };
      } else {
        sum = payloadSum(segment.subarray(headerLen));
      }
      this.pseudo4 ??= { v: 4, src, dst: this.remote.addr as number };
      emitTcpHeader(repr, dataLen, sum, this.pseudo4, segment);
      const req: Send4 = { dst: this.remote.addr as number, src, protocol: IPPROTO.TCP, ecn: ect, pmtudisc: 'want', build: segment, inPlace: true };
      if (tail) req.tail = tail;
      r = node.ipv4.send(req);
    }
    if (!r.ok) {
      this.trace('tcp.drop', seq, 0, `${this.name} send failed: ${r.error}`);
      return;
    }
    this.segsOut++;
    this.lastSnd = this.now;
    if (dataLen > 0) {
      this.dataSegsOut++;
      this.bytesSent += dataLen;
    }
    if (hasAck) {
      this.lastAckSent = this.rcvNxt;
      this.unackedSegments = 0;
      this.layer.node.world.sched.cancel(this.delAckTimer);
      this.delAckTimer = null;
    }
    this.trace('tcp.tx', seqDiff(seq, this.iss), dataLen);
  }

  /** RFC 7323 §4.1: TSval is a millisecond clock with a random per-connection offset. */
  tsval(): number {
    return (Math.floor(this.now / 1e6) + this.tsOffset) >>> 0;
  }

  sendAck(): void {
    if (this.state === 'CLOSED' || this.state === 'LISTEN' || this.state === 'SYN-SENT') return;
    this.emit(this.sndNxt, TCP_FLAG.ACK, new Uint8Array(0));
  }

  sendRst(seq: number, reason: string): void {
    this.emit(seq, TCP_FLAG.RST | TCP_FLAG.ACK, new Uint8Array(0));
    this.trace('tcp.rst', 1, 0, `${this.name} sent: ${reason}`);
  }

  /** Sends what the windows allow (layer.ts/ack.ts implement the policy). */
  output(): void {
    tcpOutput(this);
  }

  // ---- lifecycle ------------------------------------------------------------------------

  /** Reports an error to the application and removes the connection. */
  fail(err: TcpError): void {
    this.error = err;
    this.destroy(err);
  }

  destroy(err?: TcpError): void {
    const sched = this.node.world.sched;
    for (const t of [this.rtoTimer, this.delAckTimer, this.persistTimer, this.keepaliveTimer, this.timeWaitTimer, this.paceTimer]) sched.cancel(t);
    this.rtoTimer = this.delAckTimer = this.persistTimer = this.keepaliveTimer = this.timeWaitTimer = this.paceTimer = null;
    const was = this.state;
    this.setState('CLOSED');
    this.layer.remove(this);
    if (was !== 'CLOSED') this.onClose?.(err);
  }

  /** Effective congestion window for sending. */
  get cwnd(): number {
    return this.renoWindow >= 0 ? this.renoWindow : this.cc.cwnd;
  }

  /** RFC 6675 "pipe": bytes believed in flight. */
  get inflight(): number {
    return seqDiff(this.sndMax, this.sndUna) - this.sackedBytes - this.lostBytes + this.retransOutBytes;
  }

  /** Stream offset of a sequence number (data bytes only; SYN occupies ISS). */
  offsetOf(seq: number): number {
    return this.sndUnaOff + seqDiff(seq, this.sndUna);
  }

  seqOfOffset(off: number): number {
    return seqAdd(this.sndUna, off - this.sndUnaOff);
  }

  /** Sequence number one past the last queued data byte (FIN goes here). */
  get sendEndSeq(): number {
    return this.seqOfOffset(this.sendBuf.end);
  }

  /** True once our FIN has been acknowledged. */
  get finAcked(): boolean {
    return this.finQueued && this.rtx.length === 0 && !seqLt(this.sndUna, seqAdd(this.sendEndSeq, 1));
  }

  toString(): string {
    return `${this.state} ${this.name}`;
  }

  /** Shorthand for tests and `ss`: unscaled advertised peer window and our own. */
  describe(): string {
    return `${this.state} snd.una=${seqDiff(this.sndUna, this.iss)} snd.nxt=${seqDiff(this.sndNxt, this.iss)} rcv.nxt=${seqDiff(this.rcvNxt, this.irs)} cwnd=${this.cwnd} ssthresh=${this.cc.ssthresh}`;
  }

  /** RACK's reordering timer found losses: enter recovery if needed and retransmit. */
  lossDetectedByTimer(): void {
    lossDetectedByTimer(this);
  }

  /** Incoming segment (called by the layer after demultiplexing). */
  deliver(seg: Segment): void {
    segmentArrives(this, seg);
  }
}
