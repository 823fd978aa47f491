/**
 * Segment arrival (RFC 9293 §3.10.7.3 SYN-SENT and §3.10.7.4 "Other states"), with RFC 5961
 * challenge ACKs for in-window RSTs and SYNs, RFC 7323 timestamps/PAWS and RFC 3168 ECN echo.
 * ACK processing and loss recovery are in ack.ts.
 */
import { TCP_FLAG } from '../../wire/tcp.ts';
import { processAck } from './ack.ts';
import { scheduleAck, sendSyn, stopRto, armRto } from './output.ts';
import { fastOpenResendSynAck, fastOpenSynAck } from './fastopen.ts';
import { seqAdd, seqDiff, seqGt, seqInRange, seqLe, seqLt } from './seq.ts';
import type { TcpSocket } from './socket.ts';
import type { Segment } from './types.ts';
import type { TcpOption } from '../../wire/tcp.ts';

const has = (seg: Segment, f: number): boolean => (seg.flags & f) !== 0;

/** The segment's Timestamps option (RFC 7323), if any. */
export function timestampsOf(seg: Segment): Extract<TcpOption, { kind: 'timestamps' }> | undefined {
  const opts = seg.options;
  for (let i = 0; i < opts.length; i++) {
    const o = opts[i]!;
    if (o.kind === 'timestamps') return o;
  }
  return undefined;
}

export function segmentArrives(s: TcpSocket, seg: Segment, again = false): void {
  if (!again) {
    s.segsIn++;
    s.lastRcv = s.now;
    if (seg.data.length > 0) s.dataSegsIn++;
    s.trace('tcp.rx', seqDiff(seg.seq, s.irs), seg.data.length, s.name, seg.frameUid);
  }
  if (s.state === 'SYN-SENT') return synSent(s, seg);
  if (s.state === 'CLOSED' || s.state === 'LISTEN') return;
  s.keepaliveProbes = 0;

  // First: sequence number acceptability (RFC 9293 §3.10.7.4, table of four cases).
  const wnd = Math.max(0, seqDiff(s.rcvAdvEdge, s.rcvNxt));
  const ts = timestampsOf(seg);
  // RFC 7323 §5.3 PAWS: a segment whose TSval is older than TS.Recent is a duplicate.
  if (s.tsOk && ts && ts.kind === 'timestamps' && !has(seg, TCP_FLAG.RST) && seqLt(ts.tsval, s.tsRecent)) {
    s.trace('tcp.drop', seqDiff(seg.seq, s.irs), 0, `${s.name} PAWS: old timestamp`);
    s.sendAck();
    return;
  }
  let acceptable: boolean;
  if (seg.len === 0) acceptable = wnd === 0 ? seg.seq === s.rcvNxt : seqInRange(seg.seq, s.rcvNxt, seqAdd(s.rcvNxt, wnd));
  else acceptable = wnd > 0 && (seqInRange(seg.seq, s.rcvNxt, seqAdd(s.rcvNxt, wnd)) || seqInRange(seqAdd(seg.seq, seg.len - 1), s.rcvNxt, seqAdd(s.rcvNxt, wnd)));
  if (s.state === 'SYN-RECEIVED' && has(seg, TCP_FLAG.SYN) && has(seg, TCP_FLAG.ACK) && seg.seq === s.irs && !s.acceptInto && seg.ack === s.sndNxt) {
    // Simultaneous open (RFC 9293 §3.5 figure 7): the peer's SYN-ACK repeats its SYN; like BSD,
    // drop the SYN and process the rest as the ACK that completes the handshake.
    return segmentArrives(s, { ...seg, seq: seqAdd(seg.seq, 1), len: seg.len - 1, flags: seg.flags & ~TCP_FLAG.SYN }, true);
  }
  if (s.state === 'SYN-RECEIVED' && has(seg, TCP_FLAG.SYN) && !has(seg, TCP_FLAG.ACK) && seg.seq === s.irs) {
    // A retransmitted SYN: our SYN-ACK was lost; send it again (what Linux does).
    s.trace('tcp.retransmit', 0, 0, `${s.name} SYN-ACK (peer retransmitted SYN)`);
    if (s.tfo?.role === 'server') fastOpenResendSynAck(s);
    else sendSyn(s);
    return;
  }
  if (!acceptable) {
    if (has(seg, TCP_FLAG.RST)) return;
    s.trace('tcp.drop', seqDiff(seg.seq, s.irs), seg.len, `${s.name} not acceptable: outside the receive window`);
    if (s.state === 'TIME-WAIT' && has(seg, TCP_FLAG.FIN)) restartTimeWait(s);
    s.sendAck();
    return;
  }
  // RFC 7323 §3.2: once timestamps are in use, a non-RST segment without TSopt SHOULD be dropped.
  if (s.tsOk && !ts && !has(seg, TCP_FLAG.RST)) {
    s.trace('tcp.drop', seqDiff(seg.seq, s.irs), seg.len, `${s.name} no timestamp option on a timestamped connection (RFC 7323 §3.2)`);
    return;
  }
  if (s.tsOk && ts && ts.kind === 'timestamps' && seqLe(seg.seq, s.lastAckSent)) s.tsRecent = ts.tsval; // RFC 7323 §4.3

  // Second: RST (RFC 5961 §3.2: reset only on an exact match; otherwise challenge ACK).
  if (has(seg, TCP_FLAG.RST)) {
    if (seg.seq !== s.rcvNxt) {
      s.trace('tcp.rst', 0, 0, `${s.name} received in-window RST with inexact sequence: challenge ACK (RFC 5961)`);
      s.sendAck();
      return;
    }
    s.trace('tcp.rst', 0, 0, `${s.name} received`);
    // (An accepted Fast Open connection is the application's already: reset, not refused.)
    if (s.state === 'SYN-RECEIVED') return s.acceptInto ? s.destroy() : s.fail(s.tfo?.role === 'server' ? 'ECONNRESET' : 'ECONNREFUSED');
    if (['ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT'].includes(s.state)) return s.fail('ECONNRESET');
    return s.destroy();
  }
  // Fourth: SYN. A passively opened SYN-RECEIVED connection returns to LISTEN (RFC 9293
  // §3.10.7.4); a simultaneous-open SYN-ACK that acknowledges our SYN completes the handshake
  // (RFC 9293 §3.5 figure 7: its SYN is a duplicate we strip); otherwise challenge ACK (RFC 5961 §4).
  if (has(seg, TCP_FLAG.SYN) && s.state === 'SYN-RECEIVED' && s.acceptInto) {
    s.trace('tcp.drop', seqDiff(seg.seq, s.irs), 0, `${s.name} SYN in passive SYN-RECEIVED: back to LISTEN`);
    s.destroy();
    return;
  }
  if (has(seg, TCP_FLAG.SYN)) {
    s.trace('tcp.drop', seqDiff(seg.seq, s.irs), 0, `${s.name} SYN in synchronized state: challenge ACK (RFC 5961 §4)`);
    s.sendAck();
    return;
  }
  // Fifth: ACK.
  if (!has(seg, TCP_FLAG.ACK)) return;
  if (s.state === 'SYN-RECEIVED') {
    if (!(seqLt(s.sndUna, seg.ack) && seqLe(seg.ack, s.sndNxt))) {
      s.emit(seg.ack, TCP_FLAG.RST, new Uint8Array(0));
      s.trace('tcp.rst', 1, 0, `${s.name} sent: unacceptable ACK in SYN-RECEIVED`);
      return;
    }
    established(s, seg);
  }
  if (!processAck(s, seg)) return;
  if (s.state === 'FIN-WAIT-1' && s.finAcked) s.setState('FIN-WAIT-2');
  if (s.state === 'CLOSING' && s.finAcked) return enterTimeWait(s);
  if (s.state === 'LAST-ACK' && s.finAcked) return s.destroy();
  if (s.state === 'TIME-WAIT' && has(seg, TCP_FLAG.FIN)) {
    restartTimeWait(s);
    s.sendAck();
    return;
  }

  // RFC 3168 §6.1.3: a CE mark makes us set ECE on ACKs until the sender's CWR.
  if (s.ecnOk) {
    if (has(seg, TCP_FLAG.CWR) && s.ceToEcho) s.ceToEcho = false;
    if (seg.ce) {
      if (!s.ceToEcho) s.trace('tcp.ecn', 3, 0, `${s.name} CE received`);
      s.ceToEcho = true;
    }
  }

  processTextAndFin(s, seg);
}

/** Steps seven and eight of RFC 9293 §3.10.7.4: segment text, then the FIN bit. */
function processTextAndFin(s: TcpSocket, seg: Segment): void {
  // Seventh: segment text.
  let immediate = false;
  let fin = has(seg, TCP_FLAG.FIN);
  const finSeq = seqAdd(seg.seq, seg.data.length);
  if (seg.data.length > 0 && (s.state === 'ESTABLISHED' || s.state === 'FIN-WAIT-1' || s.state === 'FIN-WAIT-2')) {
    const r = receiveData(s, seg);
    immediate = r.immediate;
  } else if (seg.data.length > 0) {
    fin = false;
  }
  // A FIN beyond a hole is remembered (like data in the out-of-order queue) until the gap fills.
  if (fin && finSeq !== s.rcvNxt && seqGt(finSeq, s.rcvNxt)) {
    s.oooFinSeq = finSeq;
    fin = false;
  }
  if (!fin && s.oooFinSeq !== undefined && s.oooFinSeq === s.rcvNxt) fin = true;
  // Eighth: FIN.
  if (fin && s.rcvNxt === (s.oooFinSeq ?? finSeq)) {
    s.oooFinSeq = undefined;
    s.rcvNxt = seqAdd(s.rcvNxt, 1);
    s.sendAck();
    switch (s.state) {
      case 'SYN-RECEIVED':
      case 'ESTABLISHED':
        s.setState('CLOSE-WAIT');
        s.onEof?.();
        break;
      case 'FIN-WAIT-1':
        if (s.finAcked) enterTimeWait(s);
        else s.setState('CLOSING');
        s.onEof?.();
        break;
      case 'FIN-WAIT-2':
        enterTimeWait(s);
        s.onEof?.();
        break;
    }
    return;
  }
  if (seg.data.length > 0) scheduleAck(s, immediate || s.ceToEcho);
  // RFC 5681 §4.2: an out-of-order FIN (beyond a hole) is acknowledged at once, like data.
  else if (has(seg, TCP_FLAG.FIN) && s.oooFinSeq !== undefined) s.sendAck();
}

function receiveData(s: TcpSocket, seg: Segment): { immediate: boolean; inOrder: boolean } {
  let seq = seg.seq;
  let data = seg.data;
  // Trim what we already have (left of RCV.NXT) and what exceeds the window.
  const before = seqDiff(s.rcvNxt, seq);
  if (before > 0) {
    data = data.subarray(before);
    seq = s.rcvNxt;
  }
  const wnd = Math.max(0, seqDiff(s.rcvAdvEdge, s.rcvNxt));
  const beyond = seqDiff(seqAdd(seq, data.length), seqAdd(s.rcvNxt, wnd));
  if (beyond > 0) data = data.subarray(0, Math.max(0, data.length - beyond));
  if (data.length === 0) return { immediate: true, inOrder: false };
  if (seq !== s.rcvNxt) {
    // Out of order: hold it and ACK at once so the sender sees a duplicate ACK (RFC 5681 §4.2).
    s.ooo.add(seq, data);
    return { immediate: true, inOrder: false };
  }
  const hadHole = !s.ooo.empty;
  deliverInOrder(s, data);
  if (hadHole) {
    s.ooo.trim(s.rcvNxt);
    for (let more = s.ooo.take(s.rcvNxt); more; more = s.ooo.take(s.rcvNxt)) deliverInOrder(s, more);
  }
  return { immediate: hadHole, inOrder: true };
}

function deliverInOrder(s: TcpSocket, data: Uint8Array): void {
  s.rcvNxt = seqAdd(s.rcvNxt, data.length);
  s.rcvNxtOff += data.length;
  s.bytesReceived += data.length;
  if (s.readingPaused) {
    s.unread.push(data);
    s.rcvBuffered += data.length;
  } else {
    s.onData?.(data);
  }
}

/** RFC 9293 §3.10.7.3: the SYN-SENT state. */
function synSent(s: TcpSocket, seg: Segment): void {
  const ackFlag = has(seg, TCP_FLAG.ACK);
  if (ackFlag && (seqLe(seg.ack, s.iss) || seqGt(seg.ack, s.sndMax))) {
    if (!has(seg, TCP_FLAG.RST)) {
      s.emit(seg.ack, TCP_FLAG.RST, new Uint8Array(0));
      s.trace('tcp.rst', 1, 0, `${s.name} sent: unacceptable ACK in SYN-SENT`);
    }
    return;
  }
  if (has(seg, TCP_FLAG.RST)) {
    if (ackFlag) {
      s.trace('tcp.rst', 0, 0, `${s.name} received: connection refused`);
      s.fail('ECONNREFUSED');
    }
    return;
  }
  if (!has(seg, TCP_FLAG.SYN)) return;
  s.irs = seg.seq;
  s.rcvNxt = seqAdd(seg.seq, 1);
  // The window our SYN offered (unscaled in a SYN) now has a left edge.
  s.rcvAdvEdge = seqAdd(s.rcvNxt, Math.min(s.opts.rcvbuf, 0xffff));
  negotiate(s, seg);
  if (ackFlag) {
    s.ecnOk = s.opts.ecn && has(seg, TCP_FLAG.ECE) && !has(seg, TCP_FLAG.CWR);
    established(s, seg);
    // RFC 7413 §4.2.2: data sent in the SYN is acknowledged now, or resent at once (carrying the ACK).
    const resent = s.tfo ? fastOpenSynAck(s, seg) : false;
    if (seg.data.length === 0 && !has(seg, TCP_FLAG.FIN)) {
      // Like Linux: the handshake's ACK goes out before the application is told (and writes).
      if (!resent || s.lastAckSent !== s.rcvNxt) s.sendAck();
      s.onConnect?.();
      s.output();
      return;
    }
    s.onConnect?.();
    // RFC 9293 §3.10.7.3: "continue processing at the sixth step": text and FIN in the SYN-ACK.
    processTextAndFin(s, { ...seg, seq: seqAdd(seg.seq, 1), len: seg.len - 1, flags: seg.flags & ~TCP_FLAG.SYN });
    // The handshake's final ACK goes out now (covering the data) unless one already did.
    if (s.state === 'ESTABLISHED' && (s.lastAckSent !== s.rcvNxt || s.delAckTimer)) s.sendAck();
    s.output();
    return;
  }
  // Simultaneous open (RFC 9293 §3.5 figure 7): SYN-RECEIVED, send SYN-ACK.
  s.setState('SYN-RECEIVED');
  sendSyn(s);
}

/** Applies the peer's SYN options (RFC 9293 §3.7.1 MSS, RFC 7323 §2.2 and §3.2, RFC 2018 §2). */
export function negotiate(s: TcpSocket, seg: Segment): void {
  let peerMss = 536; // RFC 9293 §3.7.1 default
  let wscale = -1;
  let sack = false;
  let ts: { tsval: number } | undefined;
  for (const o of seg.options) {
    if (o.kind === 'mss') peerMss = o.mss;
    else if (o.kind === 'wscale') wscale = Math.min(o.shift, 14);
    else if (o.kind === 'sackPermitted') sack = true;
    else if (o.kind === 'timestamps') ts = o;
  }
  s.peerMss = peerMss;
  s.sackOk = s.opts.sack && sack;
  s.tsOk = s.opts.timestamps && ts !== undefined;
  if (ts) s.tsRecent = ts.tsval;
  s.peerWscaleOffered = wscale >= 0;
  if (s.opts.windowScaling && wscale >= 0) s.sndWscale = wscale;
  else {
    s.sndWscale = 0;
    s.rcvWscale = 0;
  }
  // Effective MSS: the smaller of the peer's and our own, minus option space (RFC 6691).
  s.mss = Math.min(peerMss, s.advMss) - (s.tsOk ? 12 : 0);
}

/** Moves to ESTABLISHED once our SYN is acknowledged. */
function established(s: TcpSocket, seg: Segment): void {
  const syn = s.rtx[0];
  if (syn && syn.syn) {
    s.rtx.shift();
    // RFC 6298 §2/Karn: time the handshake only if the SYN was not retransmitted.
    if (syn.retransmits === 0) {
      s.rtt.sample(s.now - syn.sentAt);
      s.trace('tcp.rtt', s.now - syn.sentAt, s.rtt.srtt);
    } else {
      // RFC 6298 §5.7: after SYN retransmissions the RTO is re-initialized to 3 s once data starts.
      s.rtt.rto = 3e9;
    }
  }
  // Only the SYN here: data acknowledged with it (RFC 7413 Fast Open) is settled by processAck / fastOpenSynAck.
  s.sndUna = seqAdd(s.iss, 1);
  s.sndUnaOff = 0;
  s.sndWnd = seg.window; // the window in a SYN is never scaled (RFC 7323 §2.2)
  if (!has(seg, TCP_FLAG.SYN)) s.sndWnd = seg.window << s.sndWscale;
  s.maxSndWnd = s.sndWnd;
  s.sndWl1 = seg.seq;
  s.sndWl2 = seg.ack;
  stopRto(s);
  s.synRetries = 0;
  s.cc.init(s.mss, s.opts.initialCwnd * s.mss, s.now);
  s.setState('ESTABLISHED');
  s.trace('tcp.cwnd', s.cc.cwnd, -1);
  if (s.acceptInto) {
    const accept = s.acceptInto;
    s.acceptInto = null;
    accept(s);
  } else if (has(seg, TCP_FLAG.ACK) && !has(seg, TCP_FLAG.SYN) && s.tfo?.role !== 'server') {
    // Simultaneous open completed: the user's OPEN call returns (RFC 9293 §3.10.1).
    s.onConnect?.();
  }
  if (s.opts.keepalive) s.layer.armKeepalive(s);
  if (s.rtx.length > 0) armRto(s);
}

export function enterTimeWait(s: TcpSocket): void {
  s.setState('TIME-WAIT');
  s.timeWaitSince = s.now;
  stopRto(s);
  restartTimeWait(s);
}

function restartTimeWait(s: TcpSocket): void {
  const sched = s.node.world.sched;
  sched.cancel(s.timeWaitTimer);
  // RFC 9293 §3.4.2 / §3.6: TIME-WAIT lasts 2·MSL.
  s.timeWaitTimer = sched.after(2 * s.opts.mslNs, () => {
    s.timeWaitTimer = null;
    s.destroy();
  });
}

