import { describe, expect, it } from 'vitest';
import { describeFrame } from '../../../engine/index.ts';
import { runScenarioForView } from '../../../../test/ui/run-scenario.ts';
import type { ScenarioRun } from '../../../../test/ui/run-scenario.ts';
import { ladderIndexFor, LadderIndex } from './ladder-index.ts';
import { labelFromFields, labelFromSummary, protoLabel } from './labels.ts';
import type { PacketLabel } from './labels.ts';
import { buildLadderModel, describeArrow, laneOrder, timeTicks } from './model.ts';
import type { LadderModel } from './model.ts';

function labeller(run: ScenarioRun): (uid: number) => PacketLabel {
  const cache = new Map<number, PacketLabel>();
  return (uid) => {
    let l = cache.get(uid);
    if (!l) {
      l = labelFromFields(describeFrame(run.session.world.trace.packets.bytes(uid)));
      cache.set(uid, l);
    }
    return l;
  };
}

function model(run: ScenarioRun, opts: { showRouters?: boolean; t0?: number; t1?: number; maxArrows?: number; maxPerBin?: number; bins?: number } = {}): { m: LadderModel; ix: LadderIndex } {
  const ix = ladderIndexFor(run.trace, run.topology, opts.showRouters ?? false);
  const lanes = laneOrder(run.topology, ix);
  const m = buildLadderModel(ix, lanes, {
    t0: opts.t0 ?? 0,
    t1: opts.t1 ?? run.trace.timeAt(run.trace.length - 1),
    maxArrows: opts.maxArrows ?? 400,
    bins: opts.bins ?? 100,
    ...(opts.maxPerBin !== undefined ? { maxPerBin: opts.maxPerBin } : {}),
    label: labeller(run),
    fallbackLabel: (uid) => protoLabel(run.trace.packetProtoName(uid)).text,
  });
  return { m, ix };
}

function firstEvent(run: ScenarioRun, kind: string, pred: (i: number) => boolean): number {
  const t = run.trace;
  const k = t.kindId(kind);
  for (let i = 0; i < t.length; i++) if (t.kindAt(i) === k && pred(i)) return i;
  return -1;
}

describe('labels', () => {
  it('reads tcpdump -n summaries', () => {
    expect(labelFromSummary('IP 10.0.0.1.40000 > 10.0.0.2.5201: Flags [S], seq 1, win 64240, options [mss 1460], length 0')).toEqual({ text: 'SYN', flow: '10.0.0.1:40000>10.0.0.2:5201', tcpFlags: ['SYN'] });
    expect(labelFromSummary('IP 10.0.0.2.5201 > 10.0.0.1.40000: Flags [S.], seq 9, ack 2, win 65160, length 0')?.text).toBe('SYN-ACK');
    expect(labelFromSummary('IP 10.0.0.1.40000 > 10.0.0.2.5201: Flags [.], ack 1, win 502, length 0')?.text).toBe('ACK');
    expect(labelFromSummary('IP 10.0.0.1.40000 > 10.0.0.2.5201: Flags [P.], seq 1:101, ack 1, win 502, length 100')?.text).toBe('PSH-ACK 100 B');
    expect(labelFromSummary('IP 10.0.0.1.40000 > 10.0.0.2.5201: Flags [F.], seq 101, ack 1, win 502, length 0')?.text).toBe('FIN-ACK');
    expect(labelFromSummary('IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 1, seq 1, length 64')?.text).toBe('echo request');
    expect(labelFromSummary('IP 10.0.0.2 > 10.0.0.1: ICMP echo reply, id 1, seq 1, length 64')?.text).toBe('echo reply');
    expect(labelFromSummary('IP 192.168.1.1 > 192.168.1.10: ICMP time exceeded in-transit, length 68')?.text).toBe('time exceeded');
    expect(labelFromSummary('ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 28')?.text).toBe('who-has 10.0.0.2');
    expect(labelFromSummary('ARP, Reply 10.0.0.2 is-at 02:00:00:00:00:02, length 28')?.text).toBe('is-at');
    expect(labelFromSummary('IP 10.0.0.1.53000 > 10.0.0.53.53: 4660+ A? example.com. (29)')?.text).toBe('A? example.com.');
    expect(labelFromSummary('IP6 fe80::1 > ff02::2: ICMP6, router solicitation, length 16')?.text).toBe('router solicitation');
    expect(labelFromSummary('Ethernet II / IPv4 / TCP')).toBeUndefined();
  });

  it('reads the engine field tree', () => {
    const run = runScenarioForView('nagle', { untilNs: 1.1e9 });
    const label = labeller(run);
    const t = run.trace;
    const labels: string[] = [];
    for (let u = 0; u < t.packetCount; u++) labels.push(label(u).text);
    expect(labels).toContain('who-has 10.20.0.20');
    expect(labels).toContain('is-at');
    expect(labels.slice(labels.indexOf('SYN'), labels.indexOf('SYN') + 3)).toEqual(['SYN', 'SYN-ACK', 'ACK']);
    expect(labels.some((l) => /^(PSH-)?ACK 100 B$/.test(l))).toBe(true);
  });
});

describe('ladder: TCP handshake on nagle', () => {
  const run = runScenarioForView('nagle', { untilNs: 1.3e9 });
  const { m } = model(run, { t0: 0.9e9, t1: 1.3e9 });

  it('has one lane per host', () => {
    expect(m.lanes.map((l) => l.name)).toEqual(['client', 'server']);
  });

  it('has SYN, SYN-ACK, ACK in order, slanted by the path delay, bracketed as a handshake', () => {
    const tcp = m.arrows.filter((a) => /SYN|ACK/.test(a.label));
    expect(tcp.slice(0, 3).map((a) => a.label)).toEqual(['SYN', 'SYN-ACK', 'ACK']);
    const [syn, synAck, ack] = tcp;
    expect([syn!.from, syn!.to]).toEqual([0, 1]);
    expect([synAck!.from, synAck!.to]).toEqual([1, 0]);
    expect([ack!.from, ack!.to]).toEqual([0, 1]);
    expect(syn!.tStart).toBeLessThan(synAck!.tStart);
    expect(synAck!.tStart).toBeLessThan(ack!.tStart);
    // 1 ms link + serialisation of a 98-byte (wire) SYN at 1 Gbit/s: (98 - 12) × 8 ns.
    const link = run.topology.links[0]!;
    expect(syn!.tEnd - syn!.tStart).toBe(link.delayNs + 688);
    // The arrow's ends are the first frame's txBegin and the last hop's rxEnd.
    const t = run.trace;
    const txb = firstEvent(run, 'phy.txBegin', (i) => t.pktAt(i) === syn!.uid);
    const rx = firstEvent(run, 'phy.rxEnd', (i) => t.pktAt(i) === syn!.uid);
    expect(syn!.tStart).toBe(t.timeAt(txb));
    expect(syn!.tEnd).toBe(t.timeAt(rx));
    expect(m.handshakes).toHaveLength(1);
    expect(m.handshakes[0]).toMatchObject({ client: 0, server: 1, tStart: syn!.tStart, tEnd: ack!.tEnd, label: '3-way handshake' });
    expect(describeArrow(syn!, m.lanes)).toMatch(/^SYN from client to server, sent 1\.00\d+ s, arrived after 1 ms/);
  });

  it('ticks cover the window', () => {
    expect(m.ticks.length).toBeGreaterThan(2);
    expect(m.ticks[0]!.t).toBeGreaterThanOrEqual(0.9e9);
    expect(timeTicks(0, 1e6).map((x) => x.label)[1]).toBe('0.0001 s');
  });
});

describe('ladder: routed', () => {
  const run = runScenarioForView('routed', { commands: [{ host: 'laptop', line: 'ping -c 2 203.0.113.10' }], untilNs: 3e9 });
  const t = run.trace;

  it('end-to-end arrows across hidden routers and NAT: slant = sum of the hops', () => {
    const { m } = model(run, { t0: 0, t1: 3e9, maxArrows: 10_000 });
    const echo = m.arrows.filter((a) => a.label === 'echo request');
    expect(echo.length).toBeGreaterThanOrEqual(2);
    const second = echo[echo.length - 1]!; // ARP caches warm: no waits on the way
    expect(m.lanes[second.from]!.name).toBe('laptop');
    expect(m.lanes[second.to]!.name).toBe('server');
    // Sum of per-hop times (txBegin → rxEnd) along the rewrite chain.
    let sum = 0;
    const chain = new Set([second.uid]);
    const tx = t.kindId('phy.txBegin');
    const rx = t.kindId('phy.rxEnd');
    let begin = -1;
    for (let i = 0; i < t.length; i++) {
      const u = t.pktAt(i);
      if (u >= 0 && !chain.has(u) && chain.has(t.packetParent(u))) chain.add(u);
      if (!chain.has(u)) continue;
      if (t.kindAt(i) === tx) begin = t.timeAt(i);
      if (t.kindAt(i) === rx) sum += t.timeAt(i) - begin;
    }
    expect(second.tEnd - second.tStart).toBe(sum);
    expect(sum).toBeGreaterThan(16e6); // 0.2 + 4 + 1 + 8 + 3 + 0.1 ms of links
  });

  it('traceroute: probes end at routers with ✕ (TTL expired), routers answer with time exceeded', () => {
    const { m } = model(run, { t0: 0, t1: 0.9e9, maxArrows: 10_000 });
    const names = m.lanes.map((l) => l.name);
    expect(names[0]).toBe('laptop');
    expect(names[names.length - 1]).toBe('server');
    expect(names).toContain('home');
    const expired = m.arrows.filter((a) => a.endDrop && a.dropReason === 'TTL expired in transit');
    expect(expired.length).toBeGreaterThan(0);
    expect(m.lanes[expired[0]!.to]!.name).toBe('home');
    const te = m.arrows.filter((a) => a.label === 'time exceeded');
    expect(te.length).toBeGreaterThan(0);
    expect(m.lanes[te[0]!.from]!.name).toBe('home');
    expect(m.lanes[te[0]!.to]!.name).toBe('laptop');
  });

  it('routers as lanes split arrows at every hop', () => {
    const { m } = model(run, { showRouters: true, t0: 0.9e9, t1: 3e9, maxArrows: 10_000 });
    expect(m.lanes.map((l) => l.name)).toEqual(['laptop', 'home', 'cgnat', 'r1', 'r2', 'r3', 'server']);
    const echo = m.arrows.filter((a) => a.label === 'echo request');
    const hops = echo.map((a) => `${m.lanes[a.from]!.name}>${m.lanes[a.to]!.name}`);
    expect(hops.slice(-6)).toEqual(['laptop>home', 'home>cgnat', 'cgnat>r1', 'r1>r2', 'r2>r3', 'r3>server']);
    // Each hop's slant is that link's time: serialisation + delay.
    const last = echo[echo.length - 1]!;
    expect(last.tEnd - last.tStart).toBeGreaterThanOrEqual(run.topology.links[5]!.delayNs);
    expect(last.tEnd - last.tStart).toBeLessThan(run.topology.links[5]!.delayNs + 10_000);
  });
});

describe('ladder: lan', () => {
  it('a flooded ARP request reaches both other hosts; ignored floods are not drawn', () => {
    const run = runScenarioForView('lan');
    const { m } = model(run, { t0: 0, t1: 1.01e9, maxArrows: 10_000 });
    expect(m.lanes.map((l) => l.name).sort()).toEqual(['alice', 'bob', 'carol']);
    const who = m.arrows.filter((a) => a.label.startsWith('who-has'));
    expect(who.map((a) => m.lanes[a.to]!.name).sort()).toEqual(['bob', 'carol']);
    // Router solicitations nobody listens to are discarded by every host: no arrows.
    expect(m.arrows.some((a) => a.label === 'router solicitation')).toBe(false);
  });
});

describe('ladder: tcp-bulk', () => {
  const run = runScenarioForView('tcp-bulk', { untilNs: 2.5e9 });

  it('aggregates dense windows into density bands with counts', () => {
    const { m, ix } = model(run, { t0: 0, t1: 2.5e9, maxArrows: 400 });
    expect(ix.n).toBeGreaterThan(10_000);
    // Hidden routers: the sender and receiver are the only lanes (no link-local chatter with r1).
    expect(m.lanes.map((l) => l.name)).toEqual(['sender', 'receiver']);
    expect(m.aggregated).toBe(true);
    expect(m.arrows).toHaveLength(0);
    expect(m.bands.reduce((s, b) => s + b.count, 0)).toBe(m.visibleCount);
    expect(m.bands.some((b) => b.drops > 0)).toBe(true);
    expect(m.bands.some((b) => b.retransmits > 0)).toBe(true);
    for (const b of m.bands) expect(b.t1).toBeGreaterThan(b.t0);
  });

  it('draws sparse parts arrow by arrow and only the dense parts as bands', () => {
    const { m } = model(run, { t0: 0.95e9, t1: 1.35e9, maxArrows: 100_000, maxPerBin: 6, bins: 40 });
    expect(m.aggregated).toBe(true);
    expect(m.bands.length).toBeGreaterThan(0);
    // The handshake, before the data starts flowing, is still drawn message by message.
    expect(m.arrows.slice(0, 2).map((a) => a.label)).toEqual(['SYN', 'SYN-ACK']);
    expect(m.arrows.length + m.bands.reduce((s, b) => s + b.count, 0)).toBe(m.visibleCount);
    // No drawn arrow shares a time bin with a band.
    // Bins lie on a grid of absolute time (stable while scrolling).
    const dt = (m.t1 - m.t0) / 40;
    for (const b of m.bands) expect(b.t0 / dt).toBeCloseTo(Math.round(b.t0 / dt), 6);
    const bandBins = new Set(m.bands.map((b) => Math.round(b.t0 / dt)));
    for (const a of m.arrows) expect(bandBins.has(Math.floor(a.tStart / dt))).toBe(false);
  });

  it('zoomed in, draws every arrow: drops end mid-way, retransmissions are marked', () => {
    const t = run.trace;
    const d = firstEvent(run, 'link.drop', () => true);
    const td = t.timeAt(d);
    const { m } = model(run, { t0: td - 2e6, t1: td + 60e6, maxArrows: 100_000 });
    expect(m.aggregated).toBe(false);
    const dropped = m.arrows.filter((a) => a.dropped);
    expect(dropped.length).toBeGreaterThan(0);
    expect(m.lanes[dropped[0]!.from]!.name).toBe('sender');
    expect(m.lanes[dropped[0]!.to]!.name).toBe('receiver');
    expect(dropped[0]!.dropReason).toContain('drop-tail');
    const rtx = m.arrows.filter((a) => a.retransmit);
    expect(rtx.length).toBeGreaterThan(0);
    expect(rtx[0]!.retransmitReason).toBe('SACK recovery');
    expect(rtx[0]!.tStart).toBeGreaterThan(td);
  });

  it('is incremental: the index fed in pieces matches one built at once', () => {
    const whole = new LadderIndex({ showRouters: false });
    whole.sync(run.trace, run.topology);
    const shared = ladderIndexFor(run.trace, run.topology, false);
    expect(whole.n).toBe(shared.n);
    expect(Array.from(whole.tEnd.subarray(0, whole.n))).toEqual(Array.from(shared.tEnd.subarray(0, shared.n)));
  });
});
