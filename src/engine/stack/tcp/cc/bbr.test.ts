import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Bbr, BBR_DRAIN_GAIN, BBR_HIGH_GAIN, BBR_PACING_GAIN_CYCLE, formatBw, formatG } from './bbr.ts';
import type { BbrMode } from './bbr.ts';
import { DeliveryRateEstimator } from './rate-sample.ts';
import type { SentMeta } from './rate-sample.ts';
import type { AckEvent, RateSample } from './types.ts';

const MSS = 1250;
const MS = 1_000_000;
const S = 1_000_000_000;
/** 100 Mbit/s bottleneck: one 1250-byte packet every 100 µs. */
const RATE = 12_500_000;
const BASE_RTT = 40 * MS;
const SERVICE = (MSS * S) / RATE;

interface Rec {
  readonly now: number;
  readonly mode: BbrMode;
  readonly bw: number;
  readonly cwnd: number;
  readonly inflight: number;
  readonly pacingGain: number;
  readonly cycle: number;
  readonly round: number;
  readonly fullBw: boolean;
}

/**
 * Synthetic path: sender → FIFO bottleneck (RATE, unlimited buffer) → BASE_RTT → ACK per packet.
 * The sender is bulk (never app-limited), sends whenever cwnd allows, paced at bbr.pacingRate.
 */
function simulate(bbr: Bbr, durationNs: number): Rec[] {
  const est = new DeliveryRateEstimator();
  bbr.init(MSS, 10 * MSS, 0);
  const pipe: { meta: SentMeta; ackAt: number }[] = [];
  const recs: Rec[] = [];
  let head = 0;
  let inflight = 0;
  let lastDepart = 0;
  let nextSend = 0;
  let now = 0;
  let srtt = 0;
  let minRtt = Infinity;
  while (now < durationNs) {
    const p = pipe[head];
    const ackAt = p?.ackAt ?? Infinity;
    const sendAt = inflight + MSS <= bbr.cwnd ? Math.max(now, nextSend) : Infinity;
    if (p !== undefined && ackAt <= sendAt) {
      now = ackAt;
      head++;
      const prior = inflight;
      est.onDelivered(p.meta, now);
      inflight -= MSS;
      const rtt = now - p.meta.sentTime;
      srtt = srtt === 0 ? rtt : Math.round((7 * srtt + rtt) / 8);
      minRtt = Math.min(minRtt, rtt);
      const rs = est.finishAck(now, prior, 0, MSS, rtt);
      bbr.onAck({ now, ackedBytes: MSS, inflight, srttNs: srtt, minRttNs: minRtt, rttSampleNs: rtt, inRecovery: false, appLimited: false, rs });
      if (bbr.wantsAppLimited) est.markAppLimited(inflight);
      recs.push({ now, mode: bbr.mode, bw: bbr.btlBw, cwnd: bbr.cwnd, inflight, pacingGain: bbr.pacingGain, cycle: bbr.cycleIndex, round: bbr.roundCount, fullBw: bbr.fullBwReached });
    } else if (sendAt !== Infinity) {
      now = sendAt;
      const meta = est.onSend(pipe.length, MSS, now, inflight);
      inflight += MSS;
      lastDepart = Math.max(now, lastDepart) + SERVICE;
      pipe.push({ meta, ackAt: lastDepart + BASE_RTT });
      nextSend = bbr.pacingRate > 0 ? now + Math.ceil((MSS * S) / bbr.pacingRate) : now;
    } else break;
  }
  return recs;
}

const seeded = (x: number) => (): number => x;

function rs(extra: Partial<RateSample> = {}): RateSample {
  return { delivered: 0, intervalNs: 0, deliveryRate: 0, rttNs: -1, isAppLimited: false, priorInFlight: 0, newlyLost: 0, newlyAcked: 0, totalDelivered: 0, ...extra };
}
function ack(now: number, ackedBytes: number, inflight: number, extra: Partial<RateSample> = {}): AckEvent {
  return { now, ackedBytes, inflight, srttNs: 40 * MS, minRttNs: 40 * MS, rttSampleNs: -1, inRecovery: false, appLimited: false, rs: rs({ newlyAcked: ackedBytes, ...extra }) };
}

// One shared 12 s run (ProbeRTT needs > 10 s); the tests below read its trace.
const bbr = new Bbr(seeded(0.5));
const trace = simulate(bbr, 12 * S);
const bdp = RATE * ((BASE_RTT + SERVICE) / S);

describe('BBR v1 on a 100 Mbit/s, 40 ms path', () => {
  it('draft §4.3.2.1: Startup at 2/ln2 doubles the delivery rate every round until the pipe is full', () => {
    expect(BBR_HIGH_GAIN).toBeCloseTo(2.885, 3);
    const perRound = new Map<number, number>();
    for (const r of trace) if (r.mode === 'startup') perRound.set(r.round, r.bw);
    const bws = [...perRound.values()];
    const growing = bws.filter((bw) => bw < RATE / 2);
    expect(growing.length).toBeGreaterThanOrEqual(4);
    for (let i = 2; i < growing.length; i++) expect((growing[i] ?? 0) / (growing[i - 1] ?? 1)).toBeGreaterThan(1.8);
  });

  it('draft §4.3.2.2/§4.3.3: full pipe after 3 rounds with < 25 % growth, then Drain until inflight ≤ BDP', () => {
    const firstDrain = trace.findIndex((r) => r.mode === 'drain');
    const firstProbe = trace.findIndex((r) => r.mode === 'probe_bw');
    expect(firstDrain).toBeGreaterThan(0);
    expect(firstProbe).toBeGreaterThan(firstDrain);
    const atFull = trace[firstDrain];
    expect(atFull?.fullBw).toBe(true);
    // The estimate had stopped growing ≥ 25 % for 3 rounds.
    const bwAt = (round: number): number => trace.filter((r) => r.round === round).at(-1)?.bw ?? 0;
    const fullRound = atFull?.round ?? 0;
    expect(bwAt(fullRound)).toBeLessThan(1.25 * bwAt(fullRound - 3));
    expect(trace.slice(firstDrain, firstProbe).every((r) => r.pacingGain === BBR_DRAIN_GAIN)).toBe(true);
    // Left Drain once inflight fell to the BDP (+ the 4-packet quantization budget).
    expect(trace[firstProbe]?.inflight).toBeLessThanOrEqual(bdp + 4 * MSS);
    expect(trace[firstProbe - 1]?.inflight).toBeGreaterThan(bdp);
  });

  it('BtlBw converges within 2 % of the bottleneck and cwnd to ≈ 2·BDP in ProbeBW', () => {
    const steady = trace.filter((r) => r.mode === 'probe_bw' && r.now > 3 * S);
    expect(steady.length).toBeGreaterThan(1000);
    const worst = (f: (r: Rec) => number): [number, number] =>
      steady.reduce<[number, number]>(([lo, hi], r) => [Math.min(lo, f(r)), Math.max(hi, f(r))], [Infinity, -Infinity]);
    const [bwLo, bwHi] = worst((r) => r.bw);
    expect(bwLo).toBeGreaterThan(0.98 * RATE);
    expect(bwHi).toBeLessThan(1.02 * RATE);
    const [cwndLo, cwndHi] = worst((r) => r.cwnd);
    // cwnd_gain·BDP + quantization budget (3 packets, even, +2 in the 1.25 phase).
    expect(cwndLo).toBeGreaterThanOrEqual(2 * bdp);
    expect(cwndHi).toBeLessThanOrEqual(2 * bdp + 7 * MSS);
    expect(bbr.describe()).toMatch(/^bbr:\(bw:\d+\.\dMbps,mrtt:40\.1,pacing_gain:[\d.]+,cwnd_gain:[\d.]+\)$/);
  });

  it('draft §4.3.4: ProbeBW cycles pacing gains 1.25, 0.75, 1 ×6, one min RTT per phase (0.75 may end early)', () => {
    // Phases of each uninterrupted ProbeBW stretch (ProbeRTT restarts the cycle at a random phase).
    const phases: { idx: number; gain: number; start: number; run: number }[] = [];
    let run = 0;
    for (const r of trace) {
      if (r.mode !== 'probe_bw') {
        run++;
        continue;
      }
      const last = phases.at(-1);
      if (last?.idx !== r.cycle || last.run !== run) phases.push({ idx: r.cycle, gain: r.pacingGain, start: r.now, run });
    }
    expect(phases.length).toBeGreaterThan(16);
    let checked = 0;
    for (let i = 1; i < phases.length; i++) {
      const prev = phases[i - 1];
      const cur = phases[i];
      if (prev === undefined || cur === undefined || prev.run !== cur.run) continue;
      expect(cur.idx).toBe((prev.idx + 1) % 8);
      expect(cur.gain).toBe(BBR_PACING_GAIN_CYCLE[cur.idx]);
      if (prev.gain !== 0.75) expect(cur.start - prev.start).toBeGreaterThan(BASE_RTT);
      checked++;
    }
    expect(checked).toBeGreaterThan(16);
  });

  it('draft §4.3.5: ProbeRTT after 10 s without a new min RTT holds cwnd at 4 packets for 200 ms', () => {
    const enter = trace.findIndex((r) => r.mode === 'probe_rtt');
    expect(enter).toBeGreaterThan(0);
    const first = trace[enter];
    expect(first?.now).toBeGreaterThan(10 * S);
    expect(first?.now).toBeLessThan(10.2 * S);
    const exit = trace.findIndex((r, i) => i > enter && r.mode !== 'probe_rtt');
    const during = trace.slice(enter, exit);
    for (const r of during) expect(r.cwnd).toBe(4 * MSS);
    // Held for at least 200 ms after inflight first dropped to 4 packets, and one round.
    const low = during.find((r) => r.inflight <= 4 * MSS);
    const left = trace[exit];
    expect(low).toBeDefined();
    expect((left?.now ?? 0) - (low?.now ?? 0)).toBeGreaterThan(200 * MS);
    expect((left?.now ?? 0) - (low?.now ?? 0)).toBeLessThan(200 * MS + 2 * BASE_RTT);
    expect(left?.mode).toBe('probe_bw');
    expect(left?.cwnd).toBeGreaterThan(2 * bdp); // cwnd restored
  });
});

describe('BBR v1 unit behaviour', () => {
  it('initial pacing rate: high_gain · initial cwnd / 1 ms before any RTT sample (Linux bbr_init_pacing_rate_from_rtt)', () => {
    const b = new Bbr(seeded(0));
    b.init(MSS, 10 * MSS, 0);
    expect(b.pacingRate).toBeCloseTo(((10 * MSS) / 0.001) * BBR_HIGH_GAIN * 0.99, 3);
    expect(b.mode).toBe('startup');
    expect(b.ssthresh).toBe(Infinity);
    b.onAck(ack(40 * MS, MSS, 9 * MSS));
    expect(b.pacingRate).toBeCloseTo(((10 * MSS) / 0.04) * BBR_HIGH_GAIN * 0.99, 3);
  });

  it('ProbeBW starts in a random phase, never the 0.75 drain phase (Linux bbr_reset_probe_bw_mode)', () => {
    const starts = new Set<number>();
    for (const r of [0, 0.1, 0.2, 0.3, 0.45, 0.6, 0.75, 0.9, 0.9999]) {
      const b = new Bbr(seeded(r));
      const t = simulate(b, 1.5 * S);
      const first = t.find((x) => x.mode === 'probe_bw');
      expect(first).toBeDefined();
      expect(first?.cycle).not.toBe(1);
      expect(first?.cycle).toBe((8 - Math.floor(r * 7)) % 8);
      starts.add(first?.cycle ?? -1);
    }
    expect([...starts].sort()).toEqual([0, 2, 3, 4, 5, 6, 7]);
  });

  it('loss: packet conservation for the first recovery round, cwnd restored on exit (bbr_set_cwnd_to_recover_or_restore)', () => {
    const b = new Bbr(seeded(0.5));
    simulate(b, 3 * S);
    const before = b.cwnd;
    const t = 3 * S;
    b.onCongestionEvent(t, 500 * MSS, 'loss');
    expect(b.cwnd).toBe(before); // the model is not reduced on loss
    b.onAck(ack(t + MS, MSS, 300 * MSS, { newlyLost: MSS }));
    expect(b.cwnd).toBe(301 * MSS); // inflight + acked
    b.onAck(ack(t + 2 * MS, 2 * MSS, 250 * MSS));
    expect(b.cwnd).toBe(301 * MSS); // max(cwnd, inflight + acked)
    b.onRecoveryExit(t + 3 * MS);
    b.onAck(ack(t + 3 * MS, MSS, 300 * MSS));
    expect(b.cwnd).toBe(before);
    expect(b.btlBw).toBeCloseTo(RATE, -4);
  });

  it('ECN-Echo does not change BBR v1 cwnd', () => {
    const b = new Bbr(seeded(0.5));
    simulate(b, 3 * S);
    const before = b.cwnd;
    b.onCongestionEvent(3 * S, before, 'ecn');
    b.onAck(ack(3 * S + MS, MSS, before - MSS));
    expect(b.cwnd).toBe(before);
  });

  it('RTO: cwnd = 1 packet (tcp_enter_loss), ≥ 4 packets from the next ACK, restored when recovery ends', () => {
    const b = new Bbr(seeded(0.5));
    simulate(b, 3 * S);
    const before = b.cwnd;
    b.onRto(3 * S, before);
    expect(b.cwnd).toBe(MSS);
    b.onAck(ack(3 * S + 10 * MS, MSS, 0));
    expect(b.cwnd).toBe(4 * MSS);
    b.onRecoveryExit(3 * S + 20 * MS);
    b.onAck(ack(3 * S + 20 * MS, MSS, 0));
    expect(b.cwnd).toBe(before);
  });

  it('describe() prints like ss -i', () => {
    expect(formatG(BBR_HIGH_GAIN)).toBe('2.88539');
    expect(formatG(1.25)).toBe('1.25');
    expect(formatG(20.123)).toBe('20.123');
    expect(formatBw(95_200_000)).toBe('95.2M');
    expect(formatBw(1_500)).toBe('1.5K');
    const b = new Bbr(seeded(0));
    b.init(MSS, 10 * MSS, 0);
    expect(b.describe()).toBe('bbr:(bw:0bps,mrtt:0,pacing_gain:2.88539,cwnd_gain:2.88539)');
  });

  it('invariants: cwnd never NaN, ≥ 4 packets outside loss recovery, pacing rate finite', () => {
    const step = fc.record({
      dt: fc.integer({ min: 0, max: 3 * S }),
      acked: fc.integer({ min: 0, max: 50 * MSS }),
      inflight: fc.integer({ min: 0, max: 2000 * MSS }),
      rate: fc.double({ min: 0, max: 1e10, noNaN: true }),
      interval: fc.integer({ min: 0, max: S }),
      rtt: fc.integer({ min: -1, max: S }),
      app: fc.boolean(),
      lost: fc.integer({ min: 0, max: 10 * MSS }),
      event: fc.constantFrom('none', 'none', 'none', 'loss', 'exit', 'rto', 'ecn'),
    });
    fc.assert(
      fc.property(fc.double({ min: 0, max: 0.999999, noNaN: true }), fc.array(step, { maxLength: 300 }), (r, steps) => {
        const b = new Bbr(seeded(r));
        b.init(MSS, 10 * MSS, 0);
        let t = 0;
        let delivered = 0;
        let inLoss = false;
        for (const s of steps) {
          t += s.dt;
          delivered += s.acked;
          if (s.event === 'loss') b.onCongestionEvent(t, s.inflight, 'loss');
          if (s.event === 'ecn') b.onCongestionEvent(t, s.inflight, 'ecn');
          if (s.event === 'rto') b.onRto(t, s.inflight);
          if (s.event === 'exit') b.onRecoveryExit(t);
          if (s.event === 'loss' || s.event === 'rto') inLoss = true;
          const sample = rs({ delivered: Math.min(s.acked, delivered), intervalNs: s.interval, deliveryRate: s.rate, rttNs: s.rtt, isAppLimited: s.app, newlyLost: s.lost, newlyAcked: s.acked, totalDelivered: delivered, priorInFlight: s.inflight });
          b.onAck({ now: t, ackedBytes: s.acked, inflight: s.inflight, srttNs: Math.max(0, s.rtt), minRttNs: Math.max(0, s.rtt), rttSampleNs: s.rtt, inRecovery: false, appLimited: s.app, rs: sample });
          expect(Number.isNaN(b.cwnd)).toBe(false);
          expect(b.cwnd).toBeGreaterThanOrEqual(MSS);
          expect(Number.isFinite(b.pacingRate)).toBe(true);
          expect(b.pacingRate).toBeGreaterThanOrEqual(0);
          if (!inLoss && b.mode !== 'probe_rtt' && s.acked > 0) expect(b.cwnd).toBeGreaterThanOrEqual(4 * MSS);
          if (b.mode === 'probe_rtt') expect(b.cwnd).toBeLessThanOrEqual(4 * MSS);
        }
      }),
    );
  });
});
