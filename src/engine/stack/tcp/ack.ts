/**
 * ACK processing on the sending side: window updates (RFC 9293 §3.10.7.4), RTT sampling
 * (RFC 6298 with Karn's rule), SACK scoreboard and loss detection (RFC 6675 §4 IsLost),
 * duplicate-ACK counting and NewReno fast retransmit / fast recovery (RFC 5681 §3.2,
 * RFC 6582) when SACK is off, ECN-Echo reaction (RFC 3168 §6.1.2), and the congestion-control
 * and delivery-rate callbacks.
 */
import { TCP_FLAG } from '../../wire/tcp.ts';
import { armRto, finiteOr, isRetransmitted, markLost, settle, stopPersist, stopRto, tcpOutput } from './output.ts';
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt } from './seq.ts';
import type { TcpSocket } from './socket.ts';
import type { Segment } from './types.ts';
import { rackDetectLoss, rackOnDelivered } from './rack.ts';
import { timestampsOf } from './input.ts';

/** RFC 6675 DupThresh. */
const DUP_THRESH = 3;

/** Returns false when the segment must be dropped (it acknowledged data never sent). */
export function processAck(s: TcpSocket, seg: Segment): boolean {
  const now = s.now;
  const ack = seg.ack;
  if (seqGt(ack, s.sndMax)) {
    s.trace('tcp.drop', seqDiff(seg.seq, s.irs), 0, `${s.name} ACK for data not yet sent`);
    s.sendAck();
    return false;
  }
  // Window update: only from a segment at least as new as the last one used (RFC 9293 §3.10.7.4).
  const scaledWindow = seg.window << s.sndWscale;
  const windowChanged = scaledWindow !== s.sndWnd;
  if (seqLt(s.sndWl1, seg.seq) || (s.sndWl1 === seg.seq && seqLe(s.sndWl2, ack))) {
    if (windowChanged) s.trace('tcp.window', scaledWindow);
    s.sndWnd = scaledWindow;
    if (scaledWindow > s.maxSndWnd) s.maxSndWnd = scaledWindow;
    s.sndWl1 = seg.seq;
    s.sndWl2 = ack;
    if (s.sndWnd > 0) stopPersist(s);
  }
  if (seqLt(ack, s.sndUna)) return true; // an old duplicate: ignore the ACK, keep the data

  const priorInFlight = s.inflight;
  const priorUna = s.sndUna;
  const priorLost = s.lostBytes;
  let newlyAcked = 0;
  let rttSample = -1;

  // SACK blocks (RFC 2018): mark covered segments; ignore blocks below SND.UNA (D-SACK) or beyond SND.MAX.
  let newlySacked = 0;
  if (s.sackOk) {
    for (const o of seg.options) {
      if (o.kind !== 'sack') continue;
      s.trace('tcp.sack', o.blocks.length, 0, `${s.name} ${o.blocks.map(([l, r]) => `${seqDiff(l, s.iss)}-${seqDiff(r, s.iss)}`).join(' ')}`);
      for (const [left, right] of o.blocks) {
        if (seqLe(right, ack) || seqGt(right, s.sndMax)) continue;
        // The queue is in sequence order: binary-search the first segment that may be covered.
        let lo = 0;
        let hi = s.rtx.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (seqLe(seqAdd(s.rtx[mid]!.seq, s.rtx[mid]!.len), left)) lo = mid + 1;
          else hi = mid;
        }
        for (let k = lo; k < s.rtx.length; k++) {
          const t = s.rtx[k]!;
          if (seqGe(t.seq, right)) break;
          if (t.sacked || seqLt(t.seq, left) || seqGt(seqAdd(t.seq, t.len), right)) continue;
          settle(s, t, 'sacked');
          rackOnDelivered(s, t);
          newlySacked += t.len;
          if (t.meta) s.rate.onDelivered(t.meta, now);
          if (t.retransmits === 0) rttSample = now - t.sentAt;
        }
      }
    }
  }

  // Cumulative acknowledgment: drop fully acknowledged segments from the queue.
  while (s.rtx.length > 0) {
    const t = s.rtx[0]!;
    const end = seqAdd(t.seq, t.len);
    if (seqGt(end, ack)) {
      // Partly acknowledged (the MSS shrank): trim the front.
      const part = seqDiff(ack, t.seq);
      if (part > 0 && !t.sacked) {
        if (t.lost) s.lostBytes -= part;
        if (isRetransmitted(t)) s.retransOutBytes -= part;
        t.seq = ack;
        t.len -= part;
        t.dataLen = Math.max(0, t.dataLen - part);
        newlyAcked += part;
      }
      break;
    }
    s.rtx.shift();
    if (!t.sacked) {
      rackOnDelivered(s, t);
      newlyAcked += t.len;
      if (t.meta) s.rate.onDelivered(t.meta, now);
      // Karn's rule (RFC 6298 §3): never time a retransmitted segment.
      if (t.retransmits === 0) rttSample = now - t.sentAt;
    }
    settle(s, t, 'acked');
  }
  const advanced = seqGt(ack, priorUna);
  if (advanced) {
    const delta = seqDiff(ack, priorUna);
    s.sndUnaOff += delta;
    s.sndUna = ack;
    if (seqLt(s.sndNxt, ack)) s.sndNxt = ack;
    s.bytesAcked += delta;
    s.sendBuf.release(Math.max(0, s.sndUnaOff));
    s.lastAck = now;
    s.rtoRetries = 0;
    s.tlpOutstanding = false;
    // Forward progress confirms the next hop is reachable (Linux: dst_confirm), so a busy
    // connection never sends neighbour probes. Once a second is plenty: REACHABLE lasts ≥ 15 s.
    if (now - s.neighborConfirmedAt >= 1e9) {
      s.neighborConfirmedAt = now;
      s.node.confirmNeighbor(s.remote.addr);
    }
  }
  if (newlySacked > 0) s.tlpOutstanding = false;
  if (rttSample < 0 && advanced && s.tsOk) {
    // RFC 7323 §4: with timestamps, RTT comes from TSecr (1 ms resolution here).
    const ts = timestampsOf(seg);
    if (ts && ts.kind === 'timestamps' && ts.tsecr !== 0) rttSample = Math.max(0, s.tsval() - ts.tsecr) * 1e6;
  }
  if (rttSample >= 0 && (advanced || newlySacked > 0)) {
    s.rtt.sample(rttSample);
    s.trace('tcp.rtt', rttSample, s.rtt.srtt);
  }

  // Duplicate ACKs (RFC 5681 §2 definition; with SACK, an ACK carrying new SACK information).
  const outstanding = s.sndMax !== s.sndUna;
  const isDup = !advanced && outstanding && seg.data.length === 0 && !(seg.flags & (TCP_FLAG.SYN | TCP_FLAG.FIN)) && (s.sackOk ? newlySacked > 0 : !windowChanged);
  if (advanced) s.dupAcks = 0;
  else if (isDup) s.dupAcks++;

  // RFC 3168 §6.1.2: react to ECN-Echo at most once per window of data.
  if (s.ecnOk && seg.flags & TCP_FLAG.ECE && now - s.lastEcnReduction > Math.max(s.rtt.srtt, 1e6) && !s.inRecovery) {
    s.lastEcnReduction = now;
    s.cc.onCongestionEvent(now, priorInFlight, 'ecn');
    s.cwrPending = true;
    s.trace('tcp.ecn', TCP_FLAG.ECE, 0, `${s.name} ECE received: window reduced`);
    s.trace('tcp.cwnd', s.cc.cwnd, finiteOr(s.cc.ssthresh));
  }

  detectLoss(s, isDup, advanced, newlyAcked, priorInFlight);

  // Leave recovery once the recovery point is acknowledged (RFC 6582 §3.2 step 3, RFC 6675 §5).
  if (s.inRecovery && seqGe(s.sndUna, s.recoveryPoint)) {
    s.inRecovery = false;
    s.renoWindow = -1;
    s.cc.onRecoveryExit(now);
    s.trace('tcp.recovery', 0, seqDiff(s.recoveryPoint, s.iss));
    s.trace('tcp.cwnd', s.cc.cwnd, finiteOr(s.cc.ssthresh));
  }

  if (s.rtoRecovering && seqGe(s.sndUna, s.recoveryPoint)) {
    // Everything outstanding at the RTO is acknowledged: the loss episode is over.
    s.rtoRecovering = false;
    s.cc.onRecoveryExit(now);
  }

  const rs = s.rate.finishAck(now, priorInFlight, Math.max(0, s.lostBytes - priorLost), newlyAcked + newlySacked, rttSample);
  const beforeCwnd = s.cc.cwnd;
  s.cc.onAck({
    now,
    ackedBytes: newlyAcked + newlySacked,
    inflight: s.inflight,
    srttNs: s.rtt.srtt,
    minRttNs: Number.isFinite(s.rtt.minRtt) ? s.rtt.minRtt : 0,
    rttSampleNs: rttSample,
    inRecovery: s.inRecovery,
    appLimited: rs.isAppLimited,
    rs,
  });
  if (s.cc.cwnd !== beforeCwnd) s.trace('tcp.cwnd', s.cc.cwnd, finiteOr(s.cc.ssthresh));
  // BBR's ProbeRTT drains the pipe on purpose: its samples must not lower the bandwidth estimate.
  if ('wantsAppLimited' in s.cc && (s.cc as { wantsAppLimited: boolean }).wantsAppLimited) s.rate.markAppLimited(s.inflight);

  if (advanced) {
    if (s.rtx.length > 0) armRto(s);
    else stopRto(s);
    if (s.writable > 0) s.onWritable?.();
  }
  s.onAckHook?.();
  tcpOutput(s);
  s.trace('tcp.inflight', s.inflight, s.cc.pacingRate);
  return true;
}

/** Called when RACK's reordering timer marks segments lost between ACKs. */
export function lossDetectedByTimer(s: TcpSocket): void {
  if (!s.inRecovery && !s.rtoRecovering) enterRecovery(s, s.inflight + s.lostBytes);
  tcpOutput(s);
}

function detectLoss(s: TcpSocket, isDup: boolean, advanced: boolean, newlyAcked: number, priorInFlight: number): void {
  if (s.sackOk) {
    rackDetectLoss(s);
    // RFC 6675 §4 IsLost: more than (DupThresh − 1)·SMSS bytes SACKed above an unSACKed segment.
    if (s.sackedBytes > (DUP_THRESH - 1) * s.mss) {
      let sackedAbove = 0;
      for (let i = s.rtx.length - 1; i >= 0; i--) {
        const t = s.rtx[i]!;
        if (t.sacked) sackedAbove += t.len;
        else if (sackedAbove > (DUP_THRESH - 1) * s.mss) {
          if (t.lost) break; // everything below was already examined on earlier ACKs
          markLost(s, t);
        }
      }
    }
    // RFC 6675 §5.1: after an RTO, no fast recovery until the RTO's recovery point is acknowledged.
    if (!s.inRecovery && !s.rtoRecovering && (s.dupAcks >= DUP_THRESH || s.lostBytes > s.retransOutBytes)) {
      if (s.dupAcks >= DUP_THRESH && s.rtx[0]) markLost(s, s.rtx[0]);
      enterRecovery(s, priorInFlight);
    }
    return;
  }
  // NewReno (RFC 6582).
  if (!s.inRecovery) {
    // RFC 6582 §3.2 step 1: not again for losses from before the last recovery (or RTO).
    if (isDup && s.dupAcks === DUP_THRESH && seqGe(s.sndUna, s.recoveryPoint)) {
      if (s.rtx[0]) markLost(s, s.rtx[0]);
      enterRecovery(s, priorInFlight);
      // Step 3: inflate by the segments that left. Model-based BBR keeps its own window instead.
      if (s.cc.name !== 'bbr') s.renoWindow = s.cc.ssthresh + DUP_THRESH * s.mss;
    }
    return;
  }
  if (s.renoWindow < 0) {
    if (advanced && seqLt(s.sndUna, s.recoveryPoint) && s.rtx[0]) markLost(s, s.rtx[0]);
  } else if (isDup) {
    s.renoWindow += s.mss; // step 4: each further dup ACK means another segment left the network
  } else if (advanced && seqLt(s.sndUna, s.recoveryPoint)) {
    // Partial ACK (step 5): retransmit the next hole, deflate by the amount acked, add one SMSS.
    if (s.rtx[0]) markLost(s, s.rtx[0]);
    s.renoWindow = Math.max(s.renoWindow - newlyAcked + s.mss, s.mss);
  }
}

function enterRecovery(s: TcpSocket, priorInFlight: number): void {
  s.inRecovery = true;
  s.recoveryPoint = s.sndMax;
  s.cc.onCongestionEvent(s.now, priorInFlight, 'loss');
  s.trace('tcp.recovery', 1, seqDiff(s.recoveryPoint, s.iss));
  s.trace('tcp.cwnd', s.cc.cwnd, finiteOr(s.cc.ssthresh));
}
