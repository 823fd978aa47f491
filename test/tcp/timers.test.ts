/**
 * Timed TCP behaviours against a scripted peer (see peer.ts): SYN and SYN-ACK retransmission
 * with exponential back-off (RFC 6298 §2.1, §5.5) and Linux's retry limits, TIME-WAIT = 2·MSL
 * (RFC 9293 §3.4.2, §3.10.7.4), delayed ACKs (RFC 1122 §4.2.3.2, RFC 5681 §4.2), FIN
 * retransmission, zero-window probing (RFC 9293 §3.8.6.1) and keep-alive (RFC 1122 §4.2.3.6).
 *
 * Intervals are measured between captures at the peer: every compared segment has the same size
 * and path, so the one-way delay cancels out.
 */
import { describe, expect, it } from 'vitest';
import { TCP_DEFAULTS } from '../../src/engine/stack/tcp/types.ts';
import { TCP_FLAG } from '../../src/engine/wire/tcp.ts';
import type { Captured } from './peer.ts';
import { flagsText, reach, u32 } from './peer.ts';

const MS = 1e6;
const S = 1e9;

/** Each segment was captured within 1 ms after t0 + the expected number of seconds. */
function expectTimes(segs: readonly Captured[], t0: number, seconds: number[]): void {
  expect(segs.length).toBe(seconds.length);
  segs.forEach((g, i) => {
    const late = g.t - t0 - seconds[i]! * S;
    expect(late, `segment ${i + 1}: ${(g.t - t0) / S} s after the start, expected ${seconds[i]} s`).toBeGreaterThanOrEqual(0);
    expect(late, `segment ${i + 1}: ${(g.t - t0) / S} s after the start, expected ${seconds[i]} s`).toBeLessThan(1 * MS);
  });
}

const gaps = (segs: readonly Captured[]): number[] => segs.slice(1).map((g, i) => g.t - segs[i]!.t);

describe('retransmission timers (RFC 6298)', () => {
  it('RFC 6298 §2.1 and §5.5 SYN-SENT: the SYN is retransmitted after 1 s, then backing off 2, 4, 8, 16, 32 s, same ISS, no ACK flag', () => {
    const c = reach('SYN-SENT');
    const t0 = c.enteredAt('SYN-SENT');
    const first = c.w.rx[0]!;
    const rest = c.collect(100 * S);
    const syns = [first, ...rest];
    expect(syns.map((g) => flagsText(g.flags))).toEqual(Array(7).fill('SYN'));
    expect(syns.every((g) => g.seq === c.iss)).toBe(true);
    // Times from connect(): frames may wait for ARP (the first SYN, and again once the ARP entry
    // has aged out), the timer does not, hence the one-millisecond allowance.
    expectTimes(rest, t0, [1, 3, 7, 15, 31, 63]);
  });

  it('Linux tcp_syn_retries = 6 SYN-SENT: the connect fails with ETIMEDOUT 127 s after the first SYN (1+2+…+64), no RST sent', () => {
    const c = reach('SYN-SENT');
    const t0 = c.enteredAt('SYN-SENT');
    const segs = c.collect(200 * S);
    expect(segs.filter((g) => g.flags & TCP_FLAG.RST)).toEqual([]);
    expect(c.closeError).toBe('ETIMEDOUT');
    expect(c.state()).toBe('CLOSED');
    expect(c.closedAt! - t0).toBe(127 * S);
    expect(TCP_DEFAULTS.synRetries).toBe(6);
  });

  it('RFC 6298 §5.5 SYN-RECEIVED: the SYN-ACK is retransmitted after 1, 2, 4, 8, 16 s; Linux tcp_synack_retries = 5 → dropped at 63 s, back to LISTEN', () => {
    const c = reach('SYN-RECEIVED');
    const t0 = c.enteredAt('SYN-RECEIVED');
    const first = c.w.rx.find((g) => g.flags === (TCP_FLAG.SYN | TCP_FLAG.ACK))!;
    const rest = c.collect(100 * S);
    const synacks = [first, ...rest];
    expect(synacks.map((g) => flagsText(g.flags))).toEqual(Array(6).fill('SYN|ACK'));
    expect(synacks.every((g) => g.seq === c.iss && g.ack === u32(c.irs + 1))).toBe(true);
    expectTimes(rest, t0, [1, 3, 7, 15, 31]);
    expect(c.state()).toBe('LISTEN');
    expect(c.enteredAt('CLOSED') - t0).toBe(63 * S);
  });

  for (const synRtx of [1, 2]) {
    const title = `RFC 6298 §5.7 after ${synRtx} SYN retransmission${synRtx > 1 ? 's' : ''} (no RTT sample), the RTO is re-initialized to 3 s when data transmission begins`;
    it(title, () => {
      const c = reach('SYN-SENT');
      const t0 = c.enteredAt('SYN-SENT');
      c.w.run(t0 + (2 ** synRtx - 0.5) * S - c.w.now); // past the retransmission(s), before the next
      expect(c.collect(0).length).toBe(synRtx);
      c.sendNext({ flags: TCP_FLAG.SYN | TCP_FLAG.ACK, ack: u32(c.iss + 1), options: c.synOptions() });
      expect(c.collect(1 * MS).map((g) => flagsText(g.flags))).toEqual(['ACK']);
      c.sock!.send(100);
      const data = c.collect(10 * S);
      expect(data.length).toBeGreaterThanOrEqual(2);
      expect(data.every((g) => g.seq === u32(c.iss + 1) && g.dataLen === 100)).toBe(true);
      expect(gaps(data)[0]).toBe(3 * S);
    });
  }

  it('RFC 6298 §5.4–5.5 FIN-WAIT-1: an unacknowledged FIN is retransmitted after the RTO (≥ 200 ms, Linux tcp_rto_min), then after twice that', () => {
    const c = reach('FIN-WAIT-1');
    const fin = c.w.rx.at(-1)!;
    expect(fin.flags).toBe(TCP_FLAG.FIN | TCP_FLAG.ACK);
    const rest = c.collect(1.5 * S);
    const fins = [fin, ...rest];
    expect(fins.length).toBeGreaterThanOrEqual(3);
    expect(fins.every((g) => g.flags === (TCP_FLAG.FIN | TCP_FLAG.ACK) && g.seq === fin.seq)).toBe(true);
    const [d1, d2] = gaps(fins) as [number, number];
    expect(d1).toBeGreaterThanOrEqual(200 * MS);
    expect(d1).toBeLessThan(1 * S);
    expect(d2).toBe(2 * d1);
    expect(c.state()).toBe('FIN-WAIT-1');
  });
});

describe('TIME-WAIT (RFC 9293 §3.4.2, §3.10.7.4)', () => {
  const twoMsl = 2 * TCP_DEFAULTS.mslNs;

  it('RFC 9293 §3.10.7.4 TIME-WAIT lasts exactly 2·MSL (2 × TCP_DEFAULTS.mslNs = 60 s), then CLOSED', () => {
    const c = reach('TIME-WAIT');
    const t0 = c.enteredAt('TIME-WAIT');
    c.w.run(t0 + twoMsl - 1 - c.w.now);
    expect(c.state()).toBe('TIME-WAIT');
    c.w.run(1);
    expect(c.state()).toBe('CLOSED');
    expect(c.closedAt! - t0).toBe(twoMsl);
    expect(c.collect(1)).toEqual([]); // TIME-WAIT ends silently
  });

  it('RFC 9293 §3.10.7.4 TIME-WAIT: a retransmitted FIN is ACKed and restarts the 2·MSL timer', () => {
    const c = reach('TIME-WAIT');
    const t0 = c.enteredAt('TIME-WAIT');
    c.w.run(t0 + 30 * S - c.w.now);
    const sentAt = c.w.now;
    c.send({ flags: TCP_FLAG.FIN | TCP_FLAG.ACK, seq: u32(c.rcvNxt - 1) });
    const got = c.collect(1 * MS);
    expect(got.map((g) => [flagsText(g.flags), g.seq, g.ack])).toEqual([['ACK', c.sndNxt, c.rcvNxt]]);
    // The FIN reached the SUT halfway between sending it and capturing the ACK (symmetric path).
    const arrived = sentAt + (got[0]!.t - sentAt) / 2;
    c.w.run(arrived + twoMsl - 1 - c.w.now);
    expect(c.state()).toBe('TIME-WAIT');
    c.w.run(1);
    expect(c.state()).toBe('CLOSED');
    expect(c.closedAt! - t0).toBe(arrived - t0 + twoMsl);
  });

  it('RFC 9293 §3.10.7.1 after TIME-WAIT expires, an ACK for the old connection gets RST seq = SEG.ACK', () => {
    const c = reach('TIME-WAIT');
    c.w.run(twoMsl + 1 * S);
    expect(c.state()).toBe('CLOSED');
    c.send({ flags: TCP_FLAG.ACK, ack: c.sndNxt });
    expect(c.collect(1 * MS).map((g) => [flagsText(g.flags), g.seq])).toEqual([['RST', c.sndNxt]]);
  });
});

describe('acknowledgment timing (RFC 1122 §4.2.3.2, RFC 5681 §4.2)', () => {
  it('RFC 1122 §4.2.3.2 ESTABLISHED: a lone data segment is ACKed after the delayed-ACK timeout (40 ms, < 500 ms)', () => {
    const c = reach('ESTABLISHED');
    const sentAt = c.w.now;
    c.sendNext({ flags: TCP_FLAG.ACK | TCP_FLAG.PSH, data: 100 });
    const got = c.collect(600 * MS);
    expect(got.map((g) => [flagsText(g.flags), g.ack])).toEqual([['ACK', c.rcvNxt]]);
    const oneWay = 0.1 * MS; // checked below: the ACK comes 40 ms + a round trip later
    const delay = got[0]!.t - sentAt;
    expect(delay).toBeLessThan(500 * MS);
    expect(delay).toBeGreaterThanOrEqual(TCP_DEFAULTS.delayedAckNs);
    expect(delay - TCP_DEFAULTS.delayedAckNs).toBeLessThan(4 * oneWay);
  });

  it('RFC 5681 §4.2 ESTABLISHED: two full-sized segments are ACKed at once (every second segment), ACK = SEQ+2·MSS', () => {
    const c = reach('ESTABLISHED');
    const sentAt = c.w.now;
    c.sendNext({ flags: TCP_FLAG.ACK, data: 1460 });
    c.sendNext({ flags: TCP_FLAG.ACK, data: 1460 });
    const got = c.collect(100 * MS);
    expect(got.map((g) => [flagsText(g.flags), g.ack])).toEqual([['ACK', c.rcvNxt]]);
    expect(got[0]!.t - sentAt).toBeLessThan(1 * MS);
    expect(c.delivered).toBe(2920);
  });
});

describe('persist and keep-alive', () => {
  it('RFC 9293 §3.8.6.1 ESTABLISHED: with a zero send window the SUT probes with one byte at SND.NXT after the persist timeout', () => {
    const c = reach('ESTABLISHED');
    c.send({ flags: TCP_FLAG.ACK, window: 0 });
    c.w.run(1 * MS);
    const writeAt = c.w.now;
    c.sock!.send(100);
    const got = c.collect(5 * S);
    expect(got.length).toBeGreaterThanOrEqual(1);
    const probe = got[0]!;
    expect([flagsText(probe.flags & ~TCP_FLAG.PSH), probe.seq, probe.dataLen]).toEqual(['ACK', u32(c.iss + 1), 1]);
    expect(probe.t - writeAt).toBeGreaterThanOrEqual(200 * MS);
    // "SHOULD increase exponentially the interval between successive probes".
    const g = gaps(got);
    expect(g.length).toBeGreaterThanOrEqual(3);
    g.slice(1).forEach((d, i) => expect(Math.abs(d - 2 * g[i]!)).toBeLessThan(1 * MS));
  });

  it('RFC 1122 §4.2.3.6 ESTABLISHED: keep-alive probes carry SEQ = SND.NXT−1 and no data; unanswered, the connection times out', () => {
    const c = reach('ESTABLISHED', { sut: { keepalive: true, keepaliveIdleNs: 10 * S, keepaliveIntervalNs: 1 * S, keepaliveProbes: 3 } });
    const t0 = c.enteredAt('ESTABLISHED');
    const got = c.collect(20 * S);
    expect(got.map((g) => [flagsText(g.flags), g.seq, g.ack, g.dataLen])).toEqual(Array(3).fill(['ACK', u32(c.iss), c.rcvNxt, 0]));
    expect(gaps(got)).toEqual([1 * S, 1 * S]);
    expect(got[0]!.t - t0).toBeGreaterThanOrEqual(10 * S);
    expect(got[0]!.t - t0).toBeLessThan(10 * S + 1 * MS);
    expect(c.closeError).toBe('ETIMEDOUT');
    expect(c.closedAt! - got[0]!.t).toBeGreaterThanOrEqual(3 * S - 1 * MS);
  });
});
