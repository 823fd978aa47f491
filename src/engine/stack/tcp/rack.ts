/**
 * RACK-TLP loss detection (RFC 8985), as Linux uses by default alongside SACK:
 *  - RACK (§6): a segment is lost once a segment sent *after* it has been delivered and more
 *    than RACK.rtt + reo_wnd has passed since it was (re)sent. Unlike DupThresh counting this
 *    also finds lost retransmissions.
 *  - TLP (§7): when the tail of a flight may be lost (nothing left to elicit SACKs), a probe
 *    timeout of 2·SRTT sends new data or the last segment again, so recovery need not wait for
 *    the RTO.
 */
import { forgetRetransmission, isRetransmitted, markLost } from './output.ts';
import type { TcpSocket } from './socket.ts';
import type { TxSegment } from './types.ts';
import type { EventHandle } from '../../sim/scheduler.ts';
import { seqAdd, seqGt } from './seq.ts';

export interface RackState {
  /** Send time of the most recently sent segment known delivered (RACK.xmit_ts). */
  xmitTs: number;
  /** RTT of that segment (RACK.rtt). */
  rtt: number;
  /** Its end sequence number (RACK.end_seq), to order segments sent at the same instant. */
  endSeq: number;
  reorderTimer: EventHandle | null;
}

export function newRack(): RackState {
  return { xmitTs: -1, rtt: 0, endSeq: 0, reorderTimer: null };
}

/** RFC 8985 §6.2 step 2: update RACK.xmit_ts / RACK.rtt from a newly delivered segment. */
export function rackOnDelivered(s: TcpSocket, t: TxSegment): void {
  const now = s.now;
  const rtt = now - t.sentAt;
  // Ignore a retransmitted segment delivered sooner than min RTT: the original got through.
  if (t.retransmits > 0 && Number.isFinite(s.rtt.minRtt) && rtt < s.rtt.minRtt) return;
  const end = seqAdd(t.seq, t.len);
  if (sentAfter(t.sentAt, end, s.rack.xmitTs, s.rack.endSeq)) {
    s.rack.xmitTs = t.sentAt;
    s.rack.endSeq = end;
    s.rack.rtt = rtt;
  }
}

/** RFC 8985 §6.2 RACK_sent_after(t1, seq1, t2, seq2). */
function sentAfter(t1: number, seq1: number, t2: number, seq2: number): boolean {
  return t1 > t2 || (t1 === t2 && seqGt(seq1, seq2));
}

/** RFC 8985 §6.2 step 5: mark segments lost by time; arm the reordering timer for the rest. */
export function rackDetectLoss(s: TcpSocket): void {
  // Only out-of-order delivery (SACK) or outstanding retransmissions can reveal a loss by time:
  // with cumulative ACKs alone every segment sent before a delivered one is itself acknowledged.
  if (s.rack.xmitTs < 0 || (s.sackedBytes === 0 && s.retransOutBytes === 0)) {
    if (s.rack.reorderTimer) {
      s.node.world.sched.cancel(s.rack.reorderTimer);
      s.rack.reorderTimer = null;
    }
    return;
  }
  const now = s.now;
  // §6.2 step 4 (simplified): reo_wnd = min_RTT / 4 (Linux default), 0 before any RTT.
  const reoWnd = Number.isFinite(s.rtt.minRtt) ? s.rtt.minRtt / 4 : 0;
  let earliestTimeout = Infinity;
  for (const t of s.rtx) {
    if (t.sacked || t.syn) continue;
    // Only segments sent before the newest delivered one (same instant: lower sequence) count.
    if (!sentAfter(s.rack.xmitTs, s.rack.endSeq, t.sentAt, seqAdd(t.seq, t.len))) continue;
    if (t.lost && !isRetransmitted(t)) continue; // already queued for retransmission
    const remaining = t.sentAt + s.rack.rtt + reoWnd - now;
    if (remaining <= 0) {
      if (t.lost) forgetRetransmission(s, t); // the retransmission itself was lost
      else markLost(s, t);
    } else if (remaining < earliestTimeout) {
      earliestTimeout = remaining;
    }
  }
  const sched = s.node.world.sched;
  sched.cancel(s.rack.reorderTimer);
  s.rack.reorderTimer = null;
  if (earliestTimeout !== Infinity) {
    s.rack.reorderTimer = sched.after(Math.ceil(earliestTimeout), () => {
      s.rack.reorderTimer = null;
      const before = s.lostBytes - s.retransOutBytes;
      rackDetectLoss(s);
      if (s.lostBytes - s.retransOutBytes > before) s.lossDetectedByTimer();
    });
  }
}
