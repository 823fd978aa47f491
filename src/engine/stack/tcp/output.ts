/**
 * What to send and when (RFC 9293 §3.8.6, RFC 5681, RFC 6675 §5 NextSeg, RFC 896 Nagle,
 * RFC 3042 limited transmit, pacing), plus the retransmission, persist and delayed-ACK timers.
 */
import type { TcpOption } from '../../wire/tcp.ts';
import { TCP_FLAG } from '../../wire/tcp.ts';
import { seqAdd, seqDiff, seqGe, seqLt } from './seq.ts';
import type { TcpSocket } from './socket.ts';
import type { TxSegment } from './types.ts';

const DATA_STATES = new Set(['ESTABLISHED', 'CLOSE-WAIT', 'FIN-WAIT-1', 'LAST-ACK', 'CLOSING']);

/** Sends retransmissions and new data as the congestion and receive windows allow. */
export function tcpOutput(s: TcpSocket): void {
  // RFC 7413 §4.2.2: a Fast Open server may send before its handshake completes.
  if (!DATA_STATES.has(s.state) && !(s.state === 'SYN-RECEIVED' && s.tfo?.role === 'server')) return;
  const sched = s.node.world.sched;
  for (let guard = 0; guard < 100000; guard++) {
    const now = s.now;
    const paced = s.cc.pacingRate > 0;
    if (paced && s.nextSendTime > now) {
      if (!s.paceTimer) s.paceTimer = sched.at(s.nextSendTime, () => {
        s.paceTimer = null;
        tcpOutput(s);
      });
      return;
    }
    const room = s.cwnd - s.inflight;
    // RFC 6675 NextSeg rule 1: the first segment believed lost and not yet retransmitted.
    const lost = s.lostBytes > s.retransOutBytes ? firstLostToRetransmit(s) : undefined;
    if (lost) {
      if (room < Math.min(lost.len, s.mss)) return;
      retransmit(s, lost, s.inRecovery ? (s.sackOk ? 'SACK recovery' : 'fast retransmit') : 'RTO');
      pace(s, lost.dataLen);
      continue;
    }
    const sent = sendNewData(s, room);
    if (!sent) return;
  }
}

function firstLostToRetransmit(s: TcpSocket): TxSegment | undefined {
  for (const t of s.rtx) if (t.lost && !t.sacked && !isRetransmitted(t)) return t;
  return undefined;
}

/** A lost segment counts as "retransmitted" once resent after being marked lost. */
const RETRANS_MARK = new WeakSet<TxSegment>();

/** True if the segment was retransmitted after it was last marked lost. */
export function isRetransmitted(t: TxSegment): boolean {
  return RETRANS_MARK.has(t);
}

/** Marks a segment lost (RFC 6675 IsLost / RTO), keeping the pipe counters exact. */
export function markLost(s: TcpSocket, t: TxSegment): void {
  if (t.lost || t.sacked) return;
  t.lost = true;
  s.lostBytes += t.len;
}

/** Recomputes the pipe counters from the retransmission queue (after wholesale changes). */
export function recountScoreboard(s: TcpSocket): void {
  let sacked = 0;
  let lost = 0;
  let retrans = 0;
  for (const t of s.rtx) {
    if (t.sacked) sacked += t.len;
    else {
      if (t.lost) lost += t.len;
      if (RETRANS_MARK.has(t)) retrans += t.len;
    }
  }
  s.sackedBytes = sacked;
  s.lostBytes = lost;
  s.retransOutBytes = retrans;
}

/** Clears the retransmitted mark (after an RTO every lost segment is sent again). */
export function forgetRetransmission(s: TcpSocket, t: TxSegment): void {
  if (RETRANS_MARK.delete(t) && !t.sacked) s.retransOutBytes -= t.len;
}

/** Bookkeeping when a segment leaves the queue or becomes SACKed. */
export function settle(s: TcpSocket, t: TxSegment, how: 'acked' | 'sacked'): void {
  if (t.sacked) {
    if (how === 'acked') s.sackedBytes -= t.len;
    return;
  }
  if (t.lost) s.lostBytes -= t.len;
  if (RETRANS_MARK.has(t)) {
    s.retransOutBytes -= t.len;
    if (how === 'acked') RETRANS_MARK.delete(t);
  }
  if (how === 'sacked') {
    t.sacked = true;
    s.sackedBytes += t.len;
  }
}

function retransmit(s: TcpSocket, t: TxSegment, reason: string): void {
  const now = s.now;
  t.retransmits++;
  t.sentAt = now;
  RETRANS_MARK.add(t);
  s.retransOutBytes += t.len;
  s.retransTotal++;
  t.meta = s.rate.onSend(t.seq, t.len, now, s.inflight);
  emitRange(s, t);
  s.trace('tcp.retransmit', seqDiff(t.seq, s.iss), t.dataLen, `${s.name} ${reason}`);
  armRto(s);
}

function emitRange(s: TcpSocket, t: TxSegment): void {
  let flags: number = TCP_FLAG.ACK;
  if (t.syn) flags = TCP_FLAG.SYN | (s.state === 'SYN-SENT' ? 0 : TCP_FLAG.ACK);
  if (t.fin) flags |= TCP_FLAG.FIN;
  // Like Linux: PSH on the segment that empties what the application has written so far.
  if (t.dataLen > 0 && seqAdd(t.seq, t.dataLen) === s.sendEndSeq) flags |= TCP_FLAG.PSH;
  s.emit(t.seq, flags, t.dataLen, undefined, t.dataLen > 0 ? s.offsetOf(t.seq) : 0);
}

/** Sends one new segment if the windows, Nagle and SWS avoidance allow; false if nothing sent. */
function sendNewData(s: TcpSocket, cwndRoom: number): boolean {
  const endSeq = s.sendEndSeq;
  const avail = seqDiff(endSeq, s.sndNxt);
  const finPending = s.finQueued && seqLt(s.sndMax, seqAdd(endSeq, 1)) && seqGe(s.sndNxt, endSeq);
  if (avail <= 0 && !finPending) return false;
  // RFC 3042 limited transmit: one extra segment per early duplicate ACK.
  const limited = !s.inRecovery && s.dupAcks > 0 && s.dupAcks < 3 ? s.dupAcks * s.mss : 0;
  const wndRoom = seqDiff(seqAdd(s.sndUna, s.sndWnd), s.sndNxt);
  if (avail <= 0) {
    // Only a FIN left: it needs no window space but obeys cwnd loosely (Linux sends it anyway).
    sendSegment(s, 0, true);
    return true;
  }
  let len = Math.min(s.mss, avail, Math.max(0, wndRoom), Math.max(0, cwndRoom + limited));
  if (len <= 0) {
    if (wndRoom <= 0 && s.rtx.length === 0) armPersist(s);
    return false;
  }
  const outstanding = s.sndMax !== s.sndUna;
  if (len < s.mss) {
    if (len < avail) {
      // Window-limited: RFC 9293 §3.8.6.2.1 sender SWS avoidance — send a partial segment only
      // if it is at least half the largest window the peer has offered, else wait for ACKs.
      if (len === wndRoom && len < s.maxSndWnd / 2 && outstanding) return false;
      if (cwndRoom < s.mss && outstanding) return false;
    } else if (outstanding && !s.opts.nodelay && !s.finQueued && !(s.rtx.length === 1 && s.rtx[0]!.syn)) {
      // RFC 896 / RFC 1122 §4.2.3.4 Nagle: hold a small segment while data is unacknowledged
      // (a Fast Open server's SYN-ACK is not data: RFC 7413 §4.2.2 lets it answer at once).
      return false;
    }
  }
  const fin = s.finQueued && len === avail;
  if (fin && len < avail) len = avail;
  sendSegment(s, len, fin);
  return true;
}

function sendSegment(s: TcpSocket, dataLen: number, fin: boolean): void {
  const now = s.now;
  const t: TxSegment = { seq: s.sndNxt, len: dataLen + (fin ? 1 : 0), dataLen, syn: false, fin, firstSentAt: now, sentAt: now, retransmits: 0, sacked: false, lost: false, meta: null };
  t.meta = s.rate.onSend(t.seq, t.len, now, s.inflight);
  s.rtx.push(t);
  s.sndNxt = seqAdd(s.sndNxt, t.len);
  if (seqLt(s.sndMax, s.sndNxt)) s.sndMax = s.sndNxt;
  emitRange(s, t);
  pace(s, dataLen);
  armRto(s, false);
  // RFC 7661-style bookkeeping: sending less than the window allows marks the sample app-limited.
  if (seqDiff(s.sendEndSeq, s.sndNxt) <= 0 && s.inflight < s.cwnd) s.rate.markAppLimited(s.inflight);
}

/**
 * Sends the SYN (active open) or SYN-ACK (passive open), queued for retransmission. A Fast Open
 * SYN (RFC 7413) adds its option and carries the first `dataLen` bytes of the send buffer,
 * queued as a second entry (like Linux) so that a retransmitted SYN goes without them.
 */
export function sendSyn(s: TcpSocket, extraOptions: TcpOption[] = [], dataLen = 0): void {
  const now = s.now;
  const t: TxSegment = { seq: s.iss, len: 1, dataLen: 0, syn: true, fin: false, firstSentAt: now, sentAt: now, retransmits: 0, sacked: false, lost: false, meta: null };
  s.rtx.length = 0;
  s.rtx.push(t);
  s.sndUna = s.iss;
  s.sndNxt = seqAdd(s.iss, 1);
  s.sndUnaOff = -1;
  if (dataLen > 0) {
    s.rtx.push({ seq: s.sndNxt, len: dataLen, dataLen, syn: false, fin: false, firstSentAt: now, sentAt: now, retransmits: 0, sacked: false, lost: false, meta: null });
    s.sndNxt = seqAdd(s.sndNxt, dataLen);
  }
  s.sndMax = s.sndNxt;
  s.recoveryPoint = s.iss;
  emitSyn(s, extraOptions, dataLen > 0 ? s.sendBuf.read(0, dataLen) : new Uint8Array(0));
  armRto(s, false);
}

/** Emits the SYN or SYN-ACK; retransmissions carry no Fast Open option or data (RFC 7413 §4.2.2). */
export function emitSyn(s: TcpSocket, extraOptions: TcpOption[] = [], data: Uint8Array = new Uint8Array(0)): void {
  // RFC 3168 §6.1.1: an ECN-setup SYN carries ECE+CWR; the SYN-ACK carries ECE only.
  let flags = TCP_FLAG.SYN;
  if (s.state === 'SYN-RECEIVED') flags |= TCP_FLAG.ACK | (s.ecnOk ? TCP_FLAG.ECE : 0);
  else if (s.opts.ecn) flags |= TCP_FLAG.ECE | TCP_FLAG.CWR;
  s.emit(s.iss, flags, data, extraOptions);
}

function pace(s: TcpSocket, dataLen: number): void {
  const rate = s.cc.pacingRate;
  if (rate <= 0 || dataLen <= 0) return;
  // The pacing rate is in payload bytes/s (the units the delivery rate is measured in).
  const bytes = dataLen;
  s.nextSendTime = Math.max(s.nextSendTime, s.now) + Math.round((bytes * 1e9) / rate);
}

/**
 * RFC 6298 §5.1: start the timer if not running (or restart when `restart`). With SACK, the
 * first expiry is a Tail Loss Probe (RFC 8985 §7.2) when it comes sooner: PTO = 2·SRTT, plus
 * the peer's delayed-ACK allowance when only one segment is outstanding.
 */
export function armRto(s: TcpSocket, restart = true): void {
  const sched = s.node.world.sched;
  if (s.rtoTimer && !restart) return;
  // reschedule = cancel + schedule anew, without leaving a cancelled entry behind per ACK.
  if (s.sackOk && s.rtt.hasRtt && !s.inRecovery && !s.rtoRecovering && !s.tlpOutstanding && s.state !== 'SYN-SENT' && s.state !== 'SYN-RECEIVED') {
    const pto = 2 * s.rtt.srtt + (s.rtx.length === 1 ? 200e6 : 0);
    if (pto < s.rtt.rto) {
      s.rtoTimer = sched.reschedule(s.rtoTimer, sched.now + Math.max(Math.round(pto), 10e6), probeTimerFired, s);
      return;
    }
  }
  s.rtoTimer = sched.reschedule(s.rtoTimer, sched.now + s.rtt.rto, rtoTimerFired, s);
}

// Timer handlers taking the socket as their argument: re-arming on every ACK allocates no closure.
function probeTimerFired(_now: number, s: TcpSocket): void {
  onProbeTimeout(s);
}
function rtoTimerFired(_now: number, s: TcpSocket): void {
  onRto(s);
}
function delAckTimerFired(_now: number, s: TcpSocket): void {
  s.delAckTimer = null;
  if (s.unackedSegments > 0) s.sendAck();
}

/** RFC 8985 §7.3: send one probe — new data if the windows allow, else the last segment again. */
function onProbeTimeout(s: TcpSocket): void {
  s.rtoTimer = null;
  if (s.rtx.length === 0) return;
  s.tlpOutstanding = true;
  const avail = seqDiff(s.sendEndSeq, s.sndNxt);
  const wndRoom = seqDiff(seqAdd(s.sndUna, s.sndWnd), s.sndNxt);
  if (avail > 0 && wndRoom > 0) {
    sendSegment(s, Math.min(s.mss, avail, wndRoom), false);
    s.trace('tcp.retransmit', seqDiff(s.sndNxt, s.iss), 0, `${s.name} tail loss probe (new data)`);
  } else {
    const last = [...s.rtx].reverse().find((t) => !t.sacked);
    if (last) {
      last.retransmits++;
      last.sentAt = s.now;
      s.retransTotal++;
      emitRange(s, last);
      s.trace('tcp.retransmit', seqDiff(last.seq, s.iss), last.dataLen, `${s.name} tail loss probe`);
    }
  }
  s.rtoTimer = s.node.world.sched.after(s.rtt.rto, () => onRto(s));
}

export function stopRto(s: TcpSocket): void {
  s.node.world.sched.cancel(s.rtoTimer);
  s.rtoTimer = null;
}

/** RFC 6298 §5.4–5.6 and RFC 5681 §3.1: retransmit, back off, collapse cwnd. */
function onRto(s: TcpSocket): void {
  s.rtoTimer = null;
  if (s.rtx.length === 0) return;
  if (s.state === 'SYN-SENT' || s.state === 'SYN-RECEIVED') {
    const limit = s.state === 'SYN-SENT' ? s.opts.synRetries : 5;
    if (s.synRetries >= limit) return s.fail(s.softError ?? 'ETIMEDOUT');
    s.synRetries++;
    s.rtt.backoff();
    s.rtx[0]!.retransmits++;
    s.retransTotal++;
    s.trace('tcp.retransmit', 0, 0, `${s.name} SYN timeout`);
    emitSyn(s);
    armRto(s);
    return;
  }
  if (s.rtoRetries >= s.opts.retries2) return s.fail(s.softError ?? 'ETIMEDOUT');
  s.rtoRetries++;
  s.rtt.backoff();
  s.trace('tcp.rto', s.rtt.rto, s.rtt.backoffs);
  // RFC 5681 §3.1 eq. 4: ssthresh from FlightSize, measured before anything is marked lost.
  const flightSize = seqDiff(s.sndMax, s.sndUna);
  // RFC 6675 §5.1: after an RTO, every unSACKed segment is considered lost and resent.
  for (const t of s.rtx) {
    RETRANS_MARK.delete(t);
    if (!t.sacked) t.lost = true;
  }
  recountScoreboard(s);
  s.cc.onRto(s.now, flightSize);
  s.inRecovery = false;
  s.rtoRecovering = true;
  s.renoWindow = -1;
  s.dupAcks = 0;
  s.recoveryPoint = s.sndMax;
  s.trace('tcp.cwnd', s.cc.cwnd, finiteOr(s.cc.ssthresh));
  armRto(s);
  s.nextSendTime = 0;
  tcpOutput(s);
}

export function finiteOr(v: number, fallback = -1): number {
  return Number.isFinite(v) ? v : fallback;
}

/** RFC 9293 §3.8.6.1: probe a zero window with backed-off persist timer. */
export function armPersist(s: TcpSocket): void {
  if (s.persistTimer) return;
  const delay = Math.min(Math.max(s.rtt.rto, 200e6) * 2 ** s.persistBackoff, 120e9);
  s.persistTimer = s.node.world.sched.after(delay, () => {
    s.persistTimer = null;
    if (s.sndWnd > 0 || seqDiff(s.sendEndSeq, s.sndNxt) <= 0 || s.rtx.length > 0) return;
    s.persistBackoff++;
    // Send one byte beyond the closed window (RFC 9293 §3.8.6.1: "at least one octet of new data").
    const saved = s.sndWnd;
    s.sndWnd = seqDiff(s.sndNxt, s.sndUna) + 1;
    sendSegment(s, 1, false);
    s.sndWnd = saved;
    s.trace('tcp.retransmit', seqDiff(s.sndNxt, s.iss) - 1, 1, `${s.name} zero-window probe`);
  });
}

export function stopPersist(s: TcpSocket): void {
  s.node.world.sched.cancel(s.persistTimer);
  s.persistTimer = null;
  s.persistBackoff = 0;
}

/**
 * RFC 1122 §4.2.3.2 / RFC 5681 §4.2: ACK at least every second full-sized segment, and within
 * the delayed-ACK timeout otherwise; out-of-order data, holes filled and FINs get an ACK at once.
 */
export function scheduleAck(s: TcpSocket, immediate: boolean): void {
  // Already acknowledged (the application answered at once and its data carried the ACK).
  if (s.lastAckSent === s.rcvNxt && !immediate) return;
  s.unackedSegments++;
  if (immediate || s.opts.quickack || s.unackedSegments >= 2) {
    s.sendAck();
    return;
  }
  if (!s.delAckTimer) {
    const sched = s.node.world.sched;
    s.delAckTimer = s.delAckEvent = sched.reschedule(s.delAckEvent, sched.now + s.opts.delayedAckNs, delAckTimerFired, s);
  }
}
