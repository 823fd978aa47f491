import { describe, expect, it } from 'vitest';
import { runScenarioForView } from '../../../../test/ui/run-scenario.ts';
import { EventFormatter, formatDuration, formatIpv4, formatMac, formatTime, layersOf, nodeNames } from './format.ts';
import { EventIndex, NO_FILTER } from './filter.ts';
import type { EventFilter } from './filter.ts';
import { ConnectionList, connectionOf, peerConnection, reverseConnection } from './flows.ts';
import { isRowVisible, rowTop, scrollTopFor, virtualWindow } from './virtual.ts';

const lan = runScenarioForView('lan');
const lanFmt = new EventFormatter(lan.trace.kinds, nodeNames(lan.topology));
const bulk = runScenarioForView('tcp-bulk', { untilNs: 1.4e9 });
const bulkFmt = new EventFormatter(bulk.trace.kinds, nodeNames(bulk.topology));

function filtered(run: typeof lan, fmt: EventFormatter, f: Partial<EventFilter>): number[] {
  const idx = new EventIndex(run.trace, { ...NO_FILTER, ...f }, fmt);
  while (!idx.advance(5000));
  return Array.from({ length: idx.count }, (_, k) => idx.at(k));
}
function brute(run: typeof lan, pred: (i: number) => boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < run.trace.length; i++) if (pred(i)) out.push(i);
  return out;
}

describe('format', () => {
  it('formats time, durations, addresses', () => {
    expect(formatTime(1_000_123_456)).toBe('1.000123');
    expect(formatTime(0)).toBe('0.000000');
    expect(formatDuration(20_300_000)).toBe('20.3 ms');
    expect(formatDuration(850_000)).toBe('850 µs');
    expect(formatIpv4(0x0a000001)).toBe('10.0.0.1');
    expect(formatMac(0x020000010100)).toBe('02:00:00:01:01:00');
  });

  it('describes events from their argument names and text', () => {
    const t = lan.trace;
    const tx = brute(lan, (i) => t.kindName(i) === 'phy.txBegin')[0]!;
    expect(lanFmt.describe(t, tx)).toMatch(/^link \d+, \d+ B$/);
    const row = lanFmt.row(t, tx);
    expect(row.kind).toBe('phy.txBegin');
    expect(row.node).toBe(lan.topology.nodes.find((n) => n.id === t.nodeAt(tx))!.name);
    expect(row.packet).toBe(String(t.pktAt(tx)));
    const arp = brute(lan, (i) => t.kindName(i) === 'arp.cache.add')[0]!;
    expect(lanFmt.describe(t, arp)).toMatch(/^\d+\.\d+\.\d+\.\d+, [0-9a-f]{2}(:[0-9a-f]{2}){5} · (REACHABLE|STALE)$/);
    const dual = runScenarioForView('dual-stack');
    const ndp = brute(dual, (i) => dual.trace.kindName(i) === 'ndp.cache.add');
    expect(ndp.length).toBeGreaterThan(0);
    const dualFmt = new EventFormatter(dual.trace.kinds, nodeNames(dual.topology));
    expect(dualFmt.describe(dual.trace, ndp[0]!)).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}, (REACHABLE|STALE) · [0-9a-f:]+$/);
    const cwnd = brute(bulk, (i) => bulk.trace.kindName(i) === 'tcp.cwnd')[0]!;
    expect(bulkFmt.describe(bulk.trace, cwnd)).toBe(`cwnd 14480 B, ssthresh ∞ · ${bulk.trace.textAt(cwnd)}`);
    const rtt = brute(bulk, (i) => bulk.trace.kindName(i) === 'tcp.rtt')[0]!;
    expect(bulkFmt.describe(bulk.trace, rtt)).toMatch(/^rtt [\d.]+ ms, srtt [\d.]+ ms · /);
    expect(bulkFmt.sentence(bulk.trace, rtt)).toMatch(/^\d+\.\d{6} s, sender, tcp\.rtt: rtt/);
  });

  it('lists layers in kind-table order', () => {
    const layers = layersOf(lan.trace.kinds);
    expect(layers.slice(0, 3)).toEqual(['phy', 'link', 'eth']);
    expect(layers).toContain('tcp');
  });
});

describe('EventIndex', () => {
  it('is the identity with no criteria', () => {
    const idx = new EventIndex(lan.trace, NO_FILTER, lanFmt);
    expect(idx.identity).toBe(true);
    expect(idx.count).toBe(lan.trace.length);
    expect(idx.countBefore(10)).toBe(10);
    expect(idx.positionAtOrBefore(5)).toBe(5);
  });

  it('filters by node, layer, kind and text exactly like a brute-force scan', () => {
    const t = lan.trace;
    const node = lan.topology.nodes[1]!;
    expect(filtered(lan, lanFmt, { node: node.id })).toEqual(brute(lan, (i) => t.nodeAt(i) === node.id));
    expect(filtered(lan, lanFmt, { layer: 'arp' })).toEqual(brute(lan, (i) => t.kindName(i).startsWith('arp.')));
    const k = t.kindId('phy.rxEnd');
    expect(filtered(lan, lanFmt, { kind: k, node: node.id })).toEqual(brute(lan, (i) => t.kindAt(i) === k && t.nodeAt(i) === node.id));
    const rowText = (i: number): string => {
      const r = lanFmt.row(t, i);
      return [r.time, r.node, r.kind, r.description, r.packet].join('\u0000').toLowerCase();
    };
    for (const q of ['ARP', 'link 0', 'B', node.name, '0.0010', 'request']) {
      expect(filtered(lan, lanFmt, { text: q }), q).toEqual(brute(lan, (i) => rowText(i).includes(q.toLowerCase())));
    }
    expect(filtered(lan, lanFmt, { layer: 'nope' })).toEqual([]);
  });

  it('extends incrementally as the trace grows and answers cursor queries', () => {
    const t = lan.trace;
    const idx = new EventIndex(t, { ...NO_FILTER, layer: 'phy' }, lanFmt);
    const all = brute(lan, (i) => t.kindName(i).startsWith('phy.'));
    // Simulate a growing trace by scanning in small slices.
    let steps = 0;
    while (!idx.advance(7)) steps++;
    expect(steps).toBeGreaterThan(3);
    expect(Array.from({ length: idx.count }, (_, k) => idx.at(k))).toEqual(all);
    const cursor = all[5]! + 1;
    expect(idx.countBefore(cursor)).toBe(6);
    expect(idx.positionOf(all[5]!)).toBe(5);
    expect(idx.positionOf(all[5]! + 1 === all[6] ? -5 : all[5]! + 1)).toBe(-1);
    expect(idx.positionAtOrBefore(all[6]! - 1)).toBe(5);
  });

  it('scopes to a packet and its rewrites on other hops', () => {
    const routed = runScenarioForView('routed', { commands: [{ host: 'laptop', line: 'ping -c 1 203.0.113.10' }], untilNs: 3e9 });
    const t = routed.trace;
    const fmt = new EventFormatter(t.kinds, nodeNames(routed.topology));
    // A forwarded packet: its origin chain spans several hops.
    let child = -1;
    for (let u = 0; u < t.packetCount; u++) if (t.packetParent(u) >= 0 && t.packetProtoName(u) === 'icmp') child = u;
    expect(child).toBeGreaterThan(0);
    const origin = t.packetOrigin(child);
    const got = filtered(routed, fmt, { scope: 'packet', packet: child });
    expect(got).toEqual(brute(routed, (i) => t.pktAt(i) >= 0 && t.packetOrigin(t.pktAt(i)) === origin));
    expect(new Set(got.map((i) => t.nodeAt(i))).size).toBeGreaterThan(2);
  });

  it('scopes to a TCP flow: its events at both ends and its packets', () => {
    const t = bulk.trace;
    const conns = new ConnectionList(t).update();
    const data = conns.find((c) => c.txBytes > 100_000)!;
    const got = filtered(bulk, bulkFmt, { scope: 'flow', flow: data.name });
    const names = new Set(got.map((i) => connectionOf(t.textAt(i))).filter((c) => c !== null));
    expect(names).toEqual(new Set([data.name, reverseConnection(data.name)]));
    const kinds = new Set(got.map((i) => t.kindName(i)));
    for (const k of ['tcp.tx', 'tcp.rx', 'tcp.cwnd', 'ip.tx', 'phy.txBegin', 'phy.rxEnd', 'ip.forward']) expect(kinds, k).toContain(k);
    // Sorted, unique.
    for (let k = 1; k < got.length; k++) expect(got[k]!).toBeGreaterThan(got[k - 1]!);
    // Every ip.tx the flow's endpoints made at the time of one of its tcp.tx is in.
    const txTimes = new Set(got.filter((i) => t.kindName(i) === 'tcp.tx').map((i) => `${t.nodeAt(i)}@${t.timeAt(i)}`));
    const ipTx = brute(bulk, (i) => t.kindName(i) === 'ip.tx' && txTimes.has(`${t.nodeAt(i)}@${t.timeAt(i)}`));
    const gotSet = new Set(got);
    expect(ipTx.length).toBeGreaterThan(100);
    expect(ipTx.every((i) => gotSet.has(i))).toBe(true);
    // The other (control) connection's events are not in.
    const other = conns.find((c) => c.name !== data.name && c.name !== reverseConnection(data.name));
    if (other) expect(names.has(other.name)).toBe(false);
    // Combined with a kind filter.
    const k = t.kindId('phy.rxEnd');
    const rx = filtered(bulk, bulkFmt, { scope: 'flow', flow: data.name, kind: k });
    expect(rx).toEqual(got.filter((i) => t.kindAt(i) === k));
  });

  it('learns a NAT-rewritten far end of a flow', () => {
    const bb = runScenarioForView('bufferbloat', { untilNs: 1.5e9 });
    const t = bb.trace;
    const fmt = new EventFormatter(t.kinds, nodeNames(bb.topology));
    const conns = new ConnectionList(t).update();
    const client = conns.find((c) => c.name.startsWith('192.168.1.10:') && c.txBytes > 10_000)!;
    const server = peerConnection(client.name, conns.map((c) => c.name));
    expect(server).toMatch(/^203\.0\.113\.10:5201>198\.51\.100\.2:/);
    const got = filtered(bb, fmt, { scope: 'flow', flow: client.name });
    const names = new Set(got.map((i) => connectionOf(t.textAt(i))).filter((c) => c !== null));
    expect(names.has(server!)).toBe(true);
    expect(got.some((i) => t.kindName(i) === 'nat.translate')).toBe(true);
  });

  it('filters a large trace fast', () => {
    // Generous bounds (shared CI cores); typical figures are printed.
    const t = bulk.trace;
    const list = new ConnectionList(t);
    list.update();
    const flow = list.busiest()!.name;
    for (const f of [{ layer: 'tcp', node: 0 }, { scope: 'flow' as const, flow }, { text: 'retransmit' }]) {
      new EventIndex(t, { ...NO_FILTER, ...f }, bulkFmt).advance(); // warm up
      const t1 = performance.now();
      const idx = new EventIndex(t, { ...NO_FILTER, ...f }, bulkFmt);
      idx.advance();
      expect(idx.count).toBeGreaterThan(0);
      const perEvent = (performance.now() - t1) / t.length;
      console.log(JSON.stringify(f), t.length, 'events', (perEvent * 1000).toFixed(3), 'µs/event');
      expect(perEvent).toBeLessThan(0.005);
    }
  });
});

describe('flows', () => {
  it('parses connections', () => {
    expect(connectionOf('10.0.0.1:40000>10.0.0.2:5201 ESTABLISHED→FIN-WAIT-1')).toBe('10.0.0.1:40000>10.0.0.2:5201');
    expect(connectionOf('[2001:db8::1]:40000>[2001:db8::2]:80')).toBe('[2001:db8::1]:40000>[2001:db8::2]:80');
    expect(connectionOf('SACK 1-2')).toBeNull();
    expect(connectionOf(undefined)).toBeNull();
    expect(reverseConnection('a:1>b:2')).toBe('b:2>a:1');
    expect(peerConnection('1.1.1.1:5>2.2.2.2:80', ['2.2.2.2:80>1.1.1.1:5'])).toBe('2.2.2.2:80>1.1.1.1:5');
    expect(peerConnection('1.1.1.1:5>2.2.2.2:80', ['2.2.2.2:80>9.9.9.9:6', '2.2.2.2:80>9.9.9.9:5'])).toBe('2.2.2.2:80>9.9.9.9:5');
    expect(peerConnection('1.1.1.1:5>2.2.2.2:80', ['3.3.3.3:80>1.1.1.1:5'])).toBeNull();
  });
  it('lists connections incrementally with the busiest first-class', () => {
    const list = new ConnectionList(bulk.trace);
    const conns = list.update();
    expect(conns.length).toBeGreaterThanOrEqual(2);
    expect(list.busiest()!.name.startsWith('10.10.1.10:')).toBe(true);
    expect(list.update()).toEqual(conns);
  });
});

describe('virtual window', () => {
  it('renders only the visible rows', () => {
    const w = virtualWindow(0, 220, 1000, 22);
    expect(w.first).toBe(0);
    expect(w.last).toBe(14);
    expect(w.spacer).toBe(22000);
    const w2 = virtualWindow(2200, 220, 1000, 22, undefined, 0);
    expect([w2.first, w2.last]).toEqual([100, 110]);
    expect(rowTop(w2, 100, 22, 2200)).toBe(2200);
  });
  it('compresses a million rows into a bounded spacer and still reaches the end', () => {
    const rows = 1_500_000;
    const w = virtualWindow(Infinity, 400, rows, 22);
    expect(w.spacer).toBeLessThanOrEqual(8_000_000);
    expect(w.last).toBe(rows);
    expect(rowTop(w, rows - 1, 22, w.spacer - 400)).toBeCloseTo(w.spacer - 22, 3);
    const top = scrollTopFor(1_000_000, 0, 400, rows, 22, 'center');
    expect(isRowVisible(top, 400, rows, 22, 1_000_000)).toBe(true);
    const near = scrollTopFor(1_000_000, top, 400, rows, 22);
    expect(near).toBe(top);
    const end = scrollTopFor(rows - 1, 0, 400, rows, 22, 'end');
    expect(isRowVisible(end, 400, rows, 22, rows - 1)).toBe(true);
  });
});
