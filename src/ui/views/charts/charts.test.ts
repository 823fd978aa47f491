import { describe, expect, it } from 'vitest';
import { runScenarioForView } from '../../../../test/ui/run-scenario.ts';
import type { TraceBuffer } from '../../trace/trace-buffer.ts';
import { ConnectionList, peerConnection } from '../events/flows.ts';
import { FlowExtractor, LinkActivity, LinkExtractor, Series, rateSeries } from './series.ts';
import { chartModel, cursorSummary, domainEnd, downsampleM4, splitAtTime, timeAtX } from './model.ts';
import { cwndChart, inflightChart, queueChart, rttChart, throughputChart } from './specs.ts';

function flowOf(trace: TraceBuffer): { flow: string; peer: string | null } {
  const list = new ConnectionList(trace);
  const names = list.update().map((c) => c.name);
  const flow = list.busiest()!.name;
  return { flow, peer: peerConnection(flow, names) };
}

/** The same buffer seen as if only its first n events had arrived (for incremental tests). */
function prefix(trace: TraceBuffer, n: number): TraceBuffer {
  const view = Object.create(trace) as TraceBuffer;
  Object.defineProperty(view, 'length', { value: n, writable: true });
  return view;
}

describe('tcp-bulk flow series', () => {
  const bulk = runScenarioForView('tcp-bulk', { untilNs: 4e9 });
  const { flow, peer } = flowOf(bulk.trace);
  const fs = new FlowExtractor(bulk.trace, flow, peer).update();

  it('finds the flow and its far end', () => {
    expect(flow).toMatch(/^10\.10\.1\.10:\d+>10\.10\.2\.20:5201$/);
    expect(peer).toBe(flow.split('>').reverse().join('>'));
  });

  it('cwnd starts at 10 * MSS with ssthresh infinite', () => {
    expect(fs.mss).toBe(1448);
    expect(fs.cwnd.v[0]).toBe(10 * fs.mss);
    expect(Number.isNaN(fs.ssthresh.v[0]!)).toBe(true);
    const chart = cwndChart(fs, 'packets');
    expect(chart.series[0]!.data.v[0]! * chart.series[0]!.scale).toBe(10);
  });

  it('RTT samples are at least the path RTT (2 × 10 ms) and SRTT follows them', () => {
    expect(fs.rttSample.length).toBeGreaterThan(100);
    for (let i = 0; i < fs.rttSample.length; i++) expect(fs.rttSample.v[i]!).toBeGreaterThanOrEqual(20e6);
    expect(fs.srtt.length).toBe(fs.rttSample.length);
    expect(fs.inflight.length).toBeGreaterThan(100);
  });

  it('goodput per 100 ms approaches the 100 Mbit/s bottleneck and never exceeds it', () => {
    const spec = throughputChart(fs, bulk.trace);
    expect(spec.source).toBe('goodput');
    const rate = spec.series[0]!.data;
    const mbit = Array.from(rate.v.subarray(0, rate.length), (v) => v / 1e6);
    // Full bins after slow start (skip the first second of the transfer and the partial last bin).
    const steady = mbit.slice(10, -1);
    expect(steady.length).toBeGreaterThan(10);
    expect(Math.max(...mbit)).toBeLessThanOrEqual(100.5);
    const mean = steady.reduce((a, b) => a + b, 0) / steady.length;
    expect(mean).toBeGreaterThan(80);
    // Total bytes counted = bytes delivered.
    let bytes = 0;
    for (let i = 0; i < fs.received.length; i++) bytes += fs.received.v[i]!;
    expect(bytes).toBeGreaterThan(20e6);
    expect(Math.abs(mbit.reduce((a, b) => a + b, 0) * 0.1 * 1e6 / 8 - bytes)).toBeLessThan(1);
  });

  it('is incremental: extracting in slices equals one pass', () => {
    const n = bulk.trace.length;
    const view = prefix(bulk.trace, Math.floor(n / 3));
    const ex = new FlowExtractor(view, flow, peer);
    ex.update();
    view.length = Math.floor(n / 2);
    ex.update();
    view.length = n;
    const got = ex.update();
    expect(got.cwnd.length).toBe(fs.cwnd.length);
    expect(Array.from(got.cwnd.v.subarray(0, got.cwnd.length))).toEqual(Array.from(fs.cwnd.v.subarray(0, fs.cwnd.length)));
    expect(Array.from(got.received.v.subarray(0, got.received.length))).toEqual(Array.from(fs.received.v.subarray(0, fs.received.length)));
    expect(got.retransmits.length).toBe(fs.retransmits.length);
  });

  it('draws the whole domain once; the cursor splits history from future exactly', () => {
    const t = bulk.trace;
    const cursorNs = 1.5e9;
    const cursorEvents = t.upperBound(cursorNs);
    const spec = cwndChart(fs, 'bytes');
    const input = { series: spec.series, markers: spec.markers, domain: [1e9, t.timeAt(t.length - 1)] as const, width: 600 };
    const m = chartModel(input);
    const cw = m.series[0]!;
    expect(cw.points.length).toBeLessThanOrEqual(4 * 600 + 3);
    // A step series holds its last value to the end of the domain.
    expect(cw.points.at(-1)![0]).toBe(input.domain[1]);
    // What the clip shows at the cursor ends on the value in effect there.
    const [past, future] = splitAtTime(cw.points, cursorNs);
    expect(past.at(-1)![1]).toBe(fs.cwnd.valueAt(cursorNs));
    expect(future.length).toBeGreaterThan(0);
    expect(future.every(([tt]) => tt > cursorNs)).toBe(true);
    // y covers the whole domain, so axes do not jump as the cursor moves.
    let max = 0;
    for (let i = 0; i < fs.cwnd.length; i++) if (fs.cwnd.t[i]! >= 1e9) max = Math.max(max, fs.cwnd.v[i]!);
    expect(m.yMax).toBe(max);
    // The summary is exact by event index.
    const sum = cursorSummary(spec.series, spec.markers, cursorEvents);
    expect(sum.latest[0]!.value).toBe(fs.cwnd.valueAt(cursorNs));
    expect(sum.counts[0]!.count).toBe(fs.retransmits.countBeforeEvent(cursorEvents));
    expect(timeAtX(300, 600, [0, 10])).toBe(5);
    // The other flow charts build too.
    expect(chartModel({ ...input, ...rttChart(fs) }).empty).toBe(false);
    expect(chartModel({ ...input, ...inflightChart(fs, 'packets') }).empty).toBe(false);
  });
});

describe('bufferbloat queue', () => {
  const bb = runScenarioForView('bufferbloat');
  it('the uplink queue builds to hundreds of packets, the busiest queue is the uplink', () => {
    const act = new LinkActivity(bb.trace);
    act.update();
    const busiest = act.busiest()!;
    const link = bb.topology.links.find((l) => l.id === busiest)!;
    expect(link.name).toBe('home:wan-isp:eth0');
    const ls = new LinkExtractor(bb.trace, link.id).update();
    const home = ls.directions.find((d) => bb.topology.nodes.find((n) => n.id === d.node)!.name === 'home')!;
    let max = 0;
    for (let i = 0; i < home.length.length; i++) max = Math.max(max, home.length.v[i]!);
    // The upload fills the 1000-packet buffer to ~600 packets (the sender is then limited by
    // the receive window), more than 0.7 s of queueing at 10 Mbit/s: bufferbloat.
    expect(max).toBeGreaterThan(500);
    expect(max).toBeLessThanOrEqual(link.queueLimit);
    const ping = ls.directions.find((d) => d !== home);
    if (ping) expect(Math.max(...Array.from(ping.length.v.subarray(0, ping.length.length)))).toBeLessThan(50);
    const spec = queueChart(ls, (_iface, node) => bb.topology.nodes.find((n) => n.id === node)!.name, link.queueLimit);
    expect(spec.limit?.v).toBe(1000);
    const m = chartModel({ series: spec.series, markers: spec.markers, limit: spec.limit, domain: [0, 14e9], width: 500 });
    expect(m.yMax).toBe(1000);
  });
});

describe('lossy-lfn retransmissions', () => {
  const lfn = runScenarioForView('lossy-lfn');
  const { flow, peer } = flowOf(lfn.trace);
  const fs = new FlowExtractor(lfn.trace, flow, peer).update();
  it('marks retransmissions on the cwnd chart at the cwnd of the time', () => {
    expect(fs.retransmits.length).toBeGreaterThan(5);
    for (let i = 0; i < fs.retransmits.length; i++) {
      const t = fs.retransmits.t[i]!;
      expect(fs.retransmits.v[i]).toBe(fs.cwnd.valueAt(t));
      expect(fs.retransmits.labels[i]!.length).toBeGreaterThan(0);
    }
    // ssthresh becomes finite after the first loss.
    let finite = 0;
    for (let i = 0; i < fs.ssthresh.length; i++) if (!Number.isNaN(fs.ssthresh.v[i]!)) finite++;
    expect(finite).toBeGreaterThan(0);
    const spec = cwndChart(fs, 'bytes');
    const t = lfn.trace;
    const end = t.timeAt(t.length - 1);
    const m = chartModel({ series: spec.series, markers: spec.markers, domain: [fs.cwnd.firstT, end], width: 800 });
    const drawn = m.markers[0]!.points;
    expect(drawn.length).toBeGreaterThan(0);
    expect(drawn.length).toBeLessThanOrEqual(fs.retransmits.length);
    for (const p of drawn) expect(p.v).toBe(fs.cwnd.valueAt(p.t));
    expect(cursorSummary(spec.series, spec.markers, t.length).counts[0]!.count).toBe(fs.retransmits.length);
    const mid = fs.retransmits.t[Math.floor(fs.retransmits.length / 2)]!;
    const half = cursorSummary(spec.series, spec.markers, t.upperBound(mid)).counts[0]!.count;
    expect(half).toBeGreaterThan(0);
    expect(half).toBeLessThan(fs.retransmits.length);
  });
});

describe('downsampling', () => {
  const N = 1_000_000;
  const s = new Series();
  let seed = 7;
  for (let i = 0; i < N; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    s.push(i * 10_000, (seed % 1000) + (i === 123_456 ? 50_000 : 0) - (i === 654_321 ? 50_000 : 0), i);
  }
  it('keeps at most 4 points per column and every extreme', () => {
    const t0 = performance.now();
    const idx = downsampleM4(s, 0, N, 0, N * 10_000, 800);
    const ms = performance.now() - t0;
    expect(idx.length).toBeLessThanOrEqual(4 * 800);
    expect(idx).toContain(123_456);
    expect(idx).toContain(654_321);
    expect(idx[0]).toBe(0);
    expect(idx.at(-1)).toBe(N - 1);
    for (let k = 1; k < idx.length; k++) expect(idx[k]!).toBeGreaterThan(idx[k - 1]!);
    expect(ms).toBeLessThan(200);
  });
  it('recomputes the cached visible range when a series grows', () => {
    const g = new Series();
    for (let i = 0; i < 10; i++) g.push(i, i, i);
    const spec = { id: 'g', label: 'g', colour: '#000', dash: '', style: 'line' as const, data: g, scale: 1 };
    const input = { series: [spec], domain: [0, 20] as const, width: 100 };
    expect(chartModel(input).series[0]!.points).toHaveLength(10);
    g.push(15, 99, 15);
    const m = chartModel(input);
    expect(m.series[0]!.points).toHaveLength(11);
    expect(m.yMax).toBe(99);
    expect(cursorSummary([spec], [], 5).latest[0]!.value).toBe(4);
  });
  it('passes small series through', () => {
    expect(downsampleM4(s, 10, 20, 0, 1, 800)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(downsampleM4(s, 5, 5, 0, 1, 800)).toEqual([]);
  });
  it('bins bytes into a rate', () => {
    const b = new Series();
    b.push(0, 1250, 0); // 10 kbit in bin 0
    b.push(50e6, 1250, 1);
    b.push(250e6, 2500, 2); // bin 2; bin 1 empty
    const trace = { upperBound: (t: number) => (t < 50e6 ? 1 : t < 250e6 ? 2 : 3), length: 4, timeAt: () => 400e6 };
    const r = rateSeries(b, 100e6, trace);
    expect(Array.from(r.v.subarray(0, r.length))).toEqual([200_000, 0, 200_000]);
    expect(Array.from(r.t.subarray(0, r.length))).toEqual([100e6, 200e6, 300e6]);
    expect(Array.from(r.ev.subarray(0, r.length))).toEqual([1, 1, 2]);
    // A live trace that has only reached 280 ms: the third bin is still filling.
    expect(rateSeries(b, 100e6, { ...trace, timeAt: () => 280e6 }).length).toBe(2);
  });
});

describe('time axis', () => {
  it('ends at the latest time rounded up to a round step', () => {
    expect(domainEnd(1e9, 1.3e9)).toBe(1.3e9);
    expect(domainEnd(1e9, 1.31e9)).toBeCloseTo(1.35e9, -1);
    expect(domainEnd(0, 12.9e9)).toBe(15e9);
    expect(domainEnd(0, 13.2e9)).toBe(domainEnd(0, 14.9e9));
    expect(domainEnd(0, 0.23e9)).toBeCloseTo(0.25e9, -1);
    expect(domainEnd(5e9, 5e9)).toBeGreaterThan(5e9);
    // The data always fills at least half the width.
    for (const t of [1.01e9, 2.2e9, 9.9e9, 10.1e9, 33e9]) expect(t / domainEnd(0, t)).toBeGreaterThan(0.5);
  });
});

describe('axis labels', () => {
  it('formats values short', async () => {
    const { formatSi } = await import('./model.ts');
    expect([0, 5, 0.25, 950, 14480, 1_200_000, 2.5e9].map(formatSi)).toEqual(['0', '5', '0.25', '950', '14.5k', '1.2M', '2.5G']);
  });
});
