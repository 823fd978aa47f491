import { describe, expect, it } from 'vitest';
import { BUILTIN_SCENARIOS, builtinScenario, describeTopology, Session } from '../../../engine/index.ts';
import { runScenarioForView } from '../../../../test/ui/run-scenario.ts';
import { dropMarkersAt, flightIndexFor, FlightIndex, frameList, framesInFlight, markerList, LOST_AT, QUEUE_DROP_AT } from './flight-index.ts';
import { layoutTopology, mergePositions } from './layout.ts';
import { LinkGeometry, topologyModel, visibleExtent } from './model.ts';
import { formatBandwidth, formatDuration } from './format.ts';

function scenarioNames(): string[] {
  return BUILTIN_SCENARIOS.map((s) => s.name);
}

function topologyOf(name: string) {
  const s = new Session(builtinScenario(name)!, { seed: 1 });
  return describeTopology(s.world);
}

/** First event index of `kind` for packet `uid` (optionally on a link). */
function eventOf(trace: ReturnType<typeof runScenarioForView>['trace'], kind: string, pred: (i: number) => boolean): number {
  const k = trace.kindId(kind);
  for (let i = 0; i < trace.length; i++) if (trace.kindAt(i) === k && pred(i)) return i;
  return -1;
}

describe('topology layout', () => {
  it('covers every built-in scenario', () => {
    expect(scenarioNames().length).toBeGreaterThanOrEqual(5);
  });

  for (const name of scenarioNames()) {
    it(`${name}: deterministic, inside the view, no overlapping nodes`, () => {
      const topo = topologyOf(name);
      const a = layoutTopology(topo);
      const b = layoutTopology(topologyOf(name));
      expect([...a.entries()]).toEqual([...b.entries()]);
      expect(a.size).toBe(topo.nodes.length);
      // Reference view 960×600 px; nodes are drawn ~44 px wide with a label under them.
      const W = 960;
      const H = 600;
      for (const p of a.values()) {
        expect(p.x).toBeGreaterThanOrEqual(0);
        expect(p.x).toBeLessThanOrEqual(1);
        expect(p.y).toBeGreaterThanOrEqual(0);
        expect(p.y).toBeLessThanOrEqual(1);
      }
      const pts = [...a.values()];
      for (let i = 0; i < pts.length; i++) {
        for (let j = i + 1; j < pts.length; j++) {
          const dx = (pts[i]!.x - pts[j]!.x) * W;
          const dy = (pts[i]!.y - pts[j]!.y) * H;
          expect(Math.hypot(dx, dy)).toBeGreaterThan(70);
        }
      }
    });
  }

  it('lays a routed path out left to right along its spine', () => {
    const topo = topologyOf('routed');
    const l = layoutTopology(topo);
    const xs = ['laptop', 'home', 'cgnat', 'r1', 'r2', 'r3', 'server'].map((n) => l.get(topo.nodes.find((x) => x.name === n)!.id)!.x);
    for (let i = 1; i < xs.length; i++) expect(xs[i]!).toBeGreaterThan(xs[i - 1]!);
  });

  it('user-dragged positions override the layout', () => {
    const topo = topologyOf('lan');
    const l = layoutTopology(topo);
    const m = mergePositions(topo, l, { bob: [0.25, 0.75] });
    const bob = topo.nodes.find((n) => n.name === 'bob')!;
    expect(m.get(bob.id)).toEqual({ x: 0.25, y: 0.75 });
    const alice = topo.nodes.find((n) => n.name === 'alice')!;
    expect(m.get(alice.id)).toEqual(l.get(alice.id));
  });
});

describe('topology model', () => {
  it('labels nodes with their first address and links with bandwidth and delay', () => {
    const topo = topologyOf('lan');
    const model = topologyModel(topo, layoutTopology(topo));
    const alice = model.nodes.find((n) => n.name === 'alice')!;
    expect(alice.kind).toBe('host');
    expect(alice.address).toBe('192.168.10.11/24');
    expect(model.nodes.find((n) => n.name === 'sw1')!.address).toBeNull();
    expect(model.links.map((l) => l.label)).toEqual(['1 Gbit/s · 50 µs', '1 Gbit/s · 50 µs', '100 Mbit/s · 50 µs']);
  });

  it('formats units', () => {
    expect(formatBandwidth(10e9)).toBe('10 Gbit/s');
    expect(formatBandwidth(2.5e6)).toBe('2.5 Mbit/s');
    expect(formatDuration(200_000)).toBe('200 µs');
    expect(formatDuration(4e6)).toBe('4 ms');
    expect(formatDuration(1.5e9)).toBe('1.5 s');
  });

  it('keeps short frames visible at a minimum size', () => {
    expect(visibleExtent(0.4, 0.5, 100, 4)).toEqual([0.4, 0.5]);
    const [t, h] = visibleExtent(0.5, 0.5, 400, 8);
    expect(h).toBe(0.5);
    expect(h - t).toBeCloseTo(0.02);
    expect(visibleExtent(0, 0, 400, 8)).toEqual([0, 0.02]);
  });

  it('puts a frame at a fraction of its link, offset by direction', () => {
    const topo = topologyOf('nagle');
    const model = topologyModel(topo, new Map([[0, { x: 0, y: 0.5 }], [1, { x: 1, y: 0.5 }]]));
    const g = LinkGeometry.build(model, 1000, 100, 0);
    expect(g.point(0, 0, 0.5, 0)).toEqual([500, 50]);
    const [x0, y0] = g.point(0, 0, 0.25, 3);
    const [x1, y1] = g.point(0, 1, 0.75, 3);
    expect(x0).toBeCloseTo(250);
    expect(x1).toBeCloseTo(250);
    expect(y0).not.toBeCloseTo(y1); // the two directions are drawn on either side
  });
});

describe('frames in flight', () => {
  const lan = runScenarioForView('lan');
  const ix = flightIndexFor(lan.trace, lan.topology);

  it('a ping on the lan at half the link delay is half way, its tail at the sender', () => {
    const t = lan.trace;
    // First echo request: alice → sw1 on link 0.
    const tx = eventOf(t, 'phy.txBegin', (i) => t.packetProtoName(t.pktAt(i)) === 'icmp' && t.nodeAt(i) === 0);
    const uid = t.pktAt(tx);
    const t0 = t.timeAt(tx);
    const link = t.aAt(tx);
    const delay = lan.topology.links[link]!.delayNs;
    const txEnd = t.timeAt(eventOf(t, 'phy.txEnd', (i) => t.pktAt(i) === uid && t.aAt(i) === link));
    const rx = t.timeAt(eventOf(t, 'phy.rxEnd', (i) => t.pktAt(i) === uid && t.aAt(i) === link));
    expect(rx - txEnd).toBe(delay);
    // 122 wire bytes at 1 Gbit/s: last bit after (122 - 12) × 8 ns.
    expect(txEnd - t0).toBe(880);

    const at = (time: number) => frameList(framesInFlight(ix, time)).filter((f) => f.uid === uid);
    const half = at(t0 + delay / 2);
    expect(half).toHaveLength(1);
    expect(half[0]!.link).toBe(link);
    expect(half[0]!.side).toBe(0); // alice is the link's a end
    expect(half[0]!.head).toBeCloseTo(0.5, 6);
    expect(half[0]!.tail).toBeCloseTo((delay / 2 - 880) / delay, 6);
    // Serialisation: the tail leaves after txEnd; at txEnd the frame spans exactly 880 ns of link.
    const atEnd = at(txEnd)[0]!;
    expect(atEnd.tail).toBe(0);
    expect(atEnd.head).toBeCloseTo(880 / delay, 6);
    // Head arrives first, then the tail; after rxEnd it is off the link.
    const late = at(rx - 1)[0]!;
    expect(late.head).toBe(1);
    expect(late.tail).toBeCloseTo(1 - 1 / delay, 6);
    expect(at(rx).filter((f) => f.link === link)).toHaveLength(0);
    expect(at(t0 - 1)).toHaveLength(0);
    // The switch forwards the same uid on the next link once it has the whole frame.
    const next = at(rx + delay / 4);
    expect(next).toHaveLength(1);
    expect(next[0]!.link).not.toBe(link);
    expect(next[0]!.head).toBeCloseTo(0.25, 6);
  });

  it('a flooded ARP request is on two links at once', () => {
    const t = lan.trace;
    const flood = eventOf(t, 'sw.flood', (i) => t.packetProtoName(t.pktAt(i)) === 'arp');
    const uid = t.pktAt(flood);
    const frames = frameList(framesInFlight(ix, t.timeAt(flood) + 10_000)).filter((f) => f.uid === uid);
    expect(frames.map((f) => f.link).sort()).toEqual([1, 2]);
    expect(frames.every((f) => f.side === 1)).toBe(true); // sw1 is the b end
  });

  it('is incremental: feeding the trace in pieces gives the same index', () => {
    const whole = new FlightIndex();
    whole.sync(lan.trace, lan.topology);
    const time = lan.trace.timeAt(eventOf(lan.trace, 'phy.txBegin', (i) => lan.trace.packetProtoName(lan.trace.pktAt(i)) === 'icmp')) + 30_000;
    const a = frameList(framesInFlight(whole, time));
    expect(a.length).toBeGreaterThan(0);
    expect(frameList(framesInFlight(ix, time))).toEqual(a);
  });

  it('rewritten copies on later hops share the origin (routed ping through NAT)', () => {
    const r = runScenarioForView('routed', { commands: [{ host: 'laptop', line: 'ping -c 1 203.0.113.10' }], untilNs: 2e9 });
    const t = r.trace;
    const fix = flightIndexFor(t, r.topology);
    const fwd = eventOf(t, 'ip.forward', (i) => t.packetProtoName(t.pktAt(i)) === 'icmp' && t.nodeAt(i) === 3);
    const uid = t.pktAt(fwd);
    const origin = t.packetOrigin(uid);
    expect(origin).not.toBe(uid);
    const f = frameList(framesInFlight(fix, t.timeAt(fwd) + 1000)).find((x) => x.uid === uid)!;
    expect(f.origin).toBe(origin);
  });
});

describe('drops', () => {
  it('queue drops appear at the sender end of their link', () => {
    const r = runScenarioForView('tcp-bulk', { untilNs: 2.5e9 });
    const t = r.trace;
    const ix = flightIndexFor(t, r.topology);
    const d = eventOf(t, 'link.drop', () => true);
    expect(d).toBeGreaterThan(0);
    const link = t.aAt(d);
    const markers = markerList(ix, dropMarkersAt(ix, t.timeAt(d) + 1, 1e6)).filter((m) => m.uid === t.pktAt(d));
    expect(markers).toHaveLength(1);
    expect(markers[0]!.link).toBe(link);
    expect(markers[0]!.kind).toBe('queue');
    expect(markers[0]!.frac).toBeCloseTo(QUEUE_DROP_AT, 6);
    expect(markers[0]!.side).toBe(r.topology.links[link]!.a.node === t.nodeAt(d) ? 0 : 1);
    expect(markers[0]!.reason).toContain('drop-tail');
    // Gone after the linger time, absent before the drop.
    expect(markerList(ix, dropMarkersAt(ix, t.timeAt(d) + 2e6, 1e6)).some((m) => m.uid === t.pktAt(d))).toBe(false);
    expect(markerList(ix, dropMarkersAt(ix, t.timeAt(d) - 1, 1e6)).some((m) => m.uid === t.pktAt(d))).toBe(false);
  });

  it('frames lost on the wire travel to mid-link and vanish under a marker', () => {
    const r = runScenarioForView('lossy-lfn', { untilNs: 3e9 });
    const t = r.trace;
    const ix = flightIndexFor(t, r.topology);
    const d = eventOf(t, 'link.drop', () => true);
    expect(d).toBeGreaterThan(0);
    const uid = t.pktAt(d);
    const link = t.aAt(d);
    const tx = eventOf(t, 'phy.txBegin', (i) => t.pktAt(i) === uid && t.aAt(i) === link);
    expect(tx).toBeGreaterThan(0);
    const delay = r.topology.links[link]!.delayNs;
    const t0 = t.timeAt(tx);
    const before = frameList(framesInFlight(ix, t0 + delay * 0.25)).find((f) => f.uid === uid)!;
    expect(before.lost).toBe(true);
    expect(before.head).toBeCloseTo(0.25, 6);
    const clipped = frameList(framesInFlight(ix, t0 + delay * 0.5 + 1)).find((f) => f.uid === uid);
    expect(clipped?.head ?? LOST_AT).toBeLessThanOrEqual(LOST_AT);
    expect(frameList(framesInFlight(ix, t.timeAt(d) + delay * 0.75)).some((f) => f.uid === uid)).toBe(false);
    const m = markerList(ix, dropMarkersAt(ix, t0 + delay * 0.6, 1e9)).find((x) => x.uid === uid)!;
    expect(m.kind).toBe('in-transit');
    expect(m.link).toBe(link);
    expect(m.frac).toBeCloseTo(LOST_AT, 6);
  });
});
