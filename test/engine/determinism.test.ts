/**
 * Same scenario + seed ⇒ same bytes (DESIGN.md "Engine contract"); the trace replays to the
 * same observable state the live engine had (seek).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BUILTIN_SCENARIOS, Capture, Session, Timeline, captureInterfaces, traceToJsonLines } from '../../src/engine/index.ts';
import type { IpNode } from '../../src/engine/stack/host.ts';
import type { Switch } from '../../src/engine/net/switch.ts';
import { formatIpv4 } from '../../src/engine/wire/addr.ts';
import { run, session } from './helpers.ts';

function capture(name: string, seed?: number): { pcapng: string; pcap: string; trace: string } {
  const sc = BUILTIN_SCENARIOS.find((s) => s.name === name)!;
  const s = new Session(sc, seed !== undefined ? { seed } : {});
  const cap = new Capture(s.world, captureInterfaces(s.world, s.scenario.capture));
  s.runUntil();
  cap.stop();
  const h = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');
  return { pcapng: h(cap.pcapng.toBytes()), pcap: h(cap.pcap.toBytes()), trace: h(traceToJsonLines(s.world)) };
}

describe('determinism', () => {
  for (const sc of BUILTIN_SCENARIOS) {
    it(`${sc.name}: the same seed twice gives identical capture and trace (sha256)`, () => {
      expect(capture(sc.name, 7)).toEqual(capture(sc.name, 7));
    });
  }

  it('a different seed changes the randomised bytes (ports, identifiers)', () => {
    expect(capture('routed', 1).pcap).not.toBe(capture('routed', 2).pcap);
  });
});

describe('seek (Timeline)', () => {
  it('state rebuilt from the trace at the end matches the live engine’s tables', () => {
    const s = session('routed');
    run(s, 'laptop', 'ping -c 3 203.0.113.10');
    const tl = new Timeline(s.world, 16);
    const st = tl.stateAt(s.world.now);
    const live: string[] = [];
    for (const n of s.world.nodes) {
      const node = n as IpNode;
      if (!node.arp) continue;
      for (const e of node.arp.entries.values()) if (e.state !== 'incomplete') live.push(`${n.name} ${formatIpv4(e.addr)} ${e.state.toUpperCase()}`);
    }
    const rebuilt = [...st.neighbors.values()].filter((nb) => !nb.ip.includes(':')).map((nb) => `${s.world.nodes[nb.node]!.name} ${nb.ip} ${nb.state}`);
    expect(rebuilt.sort()).toEqual(live.sort());
    expect(st.natMappings.size).toBe(2);
  });

  it('seeking back shows the earlier state: before the first ARP reply the cache is empty and the request is in flight', () => {
    const s = session('lan');
    run(s, 'alice', 'ping -c 2 192.168.10.12');
    const ev = s.world.trace.events;
    let firstReq = -1;
    let firstAdd = -1;
    for (let i = 0; i < ev.length; i++) {
      const e = ev.get(i);
      if (firstReq < 0 && e.kind === 'arp.tx.request') firstReq = i;
      if (firstAdd < 0 && e.kind === 'arp.cache.add') firstAdd = i;
    }
    const tl = new Timeline(s.world, 8);
    const before = tl.stateAt(ev.timeAt(firstReq) + 1);
    expect(before.neighbors.size).toBe(0);
    expect(before.inFlight.size).toBe(1);
    const after = tl.stateAt(ev.timeAt(firstAdd));
    expect(after.neighbors.size).toBeGreaterThan(0);
    // Switch tables: the live table equals the state at the end.
    const sw = s.world.node('sw1') as Switch;
    expect(tl.stateAt(s.world.now).macTables.size).toBe(sw.table.size);
  });
});
