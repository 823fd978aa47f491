/**
 * The worker protocol, driven in Node exactly as the browser worker runs it: scenarios load
 * with clear errors, the trace arrives in order as compact batches, terminal commands print
 * what `stackscope exec` prints, and exported captures pass tshark.
 */
import { describe, expect, test } from 'vitest';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineHost } from '../../src/worker/engine-host.ts';
import { PROTOCOL_VERSION } from '../../src/worker/protocol.ts';
import type { CommandOutput } from '../../src/worker/protocol.ts';
import { TraceBuffer } from '../../src/ui/trace/trace-buffer.ts';
import { Session, builtinScenario, classifyFrame, KIND_ID } from '../../src/engine/index.ts';
import { analyzeCapture } from '../oracle/tshark.ts';

function loaded(name: string, seed = 1): EngineHost {
  const h = new EngineHost();
  const r = h.load(name, seed);
  if (!r.ok) throw new Error(r.error);
  return h;
}

describe('engine worker protocol', () => {
  test('speaks the current protocol version and lists the built-in scenarios', () => {
    const h = new EngineHost();
    expect(h.protocolVersion()).toBe(PROTOCOL_VERSION);
    expect(h.scenarios().map((s) => s.name)).toContain('routed');
  });

  test('load describes the run: topology, hosts, commands, kinds, stop time', () => {
    const h = new EngineHost();
    const r = h.load('routed', 7);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.seed).toBe(7);
    expect(r.topology.nodes.map((n) => n.name)).toContain('laptop');
    expect(r.topology.links.length).toBeGreaterThan(3);
    expect(r.hosts).toContain('laptop');
    expect(r.hosts).not.toContain(r.topology.nodes.find((n) => n.kind === 'switch')?.name ?? '#none');
    expect(r.commands.map((c) => c.name)).toEqual(expect.arrayContaining(['ping', 'traceroute']));
    expect(r.kinds[KIND_ID['phy.txBegin']]!.name).toBe('phy.txBegin');
    expect(r.stopTimeNs).toBeGreaterThan(0);
  });

  test('bad scenarios fail with one line naming the problem, not an exception', () => {
    const h = new EngineHost();
    expect(h.load('no-such')).toEqual({ ok: false, error: expect.stringContaining('unknown scenario "no-such"') });
    const bad = { ...builtinScenario('lan')!, links: [{ a: 'alice:eth0', b: 'nowhere:eth0' }] };
    const r = h.load(bad);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/nowhere/);
    expect(h.load({ name: 'Bad Name' })).toEqual({ ok: false, error: expect.stringMatching(/^scenario: name: /) });
  });

  test('advance delivers the whole trace in order, in slices bounded by the event count', () => {
    const h = loaded('routed');
    const ui = new TraceBuffer();
    let last = 0;
    let slices = 0;
    for (let i = 0; i < 10_000; i++) {
      const r = h.advance(30e9, 50);
      slices++;
      // 50 scheduler events; each records a handful of trace events at most.
      expect(r.batch.time.length).toBeLessThanOrEqual(50 * 8);
      ui.append(r.batch);
      expect(r.headNs).toBeGreaterThanOrEqual(last);
      last = r.headNs;
      if (r.idle || r.headNs >= 30e9) break;
    }
    expect(slices).toBeGreaterThan(3);
    // The same run made directly has exactly the same events and packets.
    const direct = new Session(builtinScenario('routed')!, { seed: 1 });
    direct.runUntil(last);
    const ev = direct.world.trace.events;
    expect(ui.length).toBe(ev.length);
    expect(ui.packetCount).toBe(direct.world.trace.packets.count);
    for (const i of [0, 1, Math.floor(ev.length / 2), ev.length - 1]) {
      expect([ui.timeAt(i), ui.kindAt(i), ui.nodeAt(i), ui.pktAt(i), ui.aAt(i), ui.textAt(i)]).toEqual([ev.timeAt(i), ev.kindIdAt(i), ev.nodeAt(i), ev.pktAt(i), ev.aAt(i), ev.textAt(i)]);
    }
  });

  test('a terminal command prints exactly what stackscope exec prints, timestamped in simulated time', () => {
    const h = loaded('lan');
    const started = h.exec('alice', 'ping -c 2 192.168.10.12');
    expect(started.ok).toBe(true);
    const out: CommandOutput[] = [];
    let status: number | undefined;
    for (let i = 0; i < 100 && status === undefined; i++) {
      const r = h.advance(Infinity, 1000);
      out.push(...r.output);
      if (r.exits.length) status = r.exits[0]!.status;
    }
    expect(status).toBe(0);
    const cli: string[] = [];
    const s = new Session(builtinScenario('lan')!, { seed: 1 });
    s.exec('alice', 'ping -c 2 192.168.10.12', (l) => cli.push(l));
    if (!started.ok) return;
    const mine = out.filter((o) => o.cmd === started.cmd);
    expect(mine.map((o) => o.line)).toEqual(cli);
    expect(mine[0]!.t).toBe(0);
    expect(mine[1]!.t).toBeGreaterThan(0);
  });

  test('unknown hosts and commands are reported like a shell would', () => {
    const h = loaded('lan');
    expect(h.exec('nobody', 'ping x')).toEqual({ ok: false, error: expect.stringContaining('no host named "nobody"') });
    const r = h.exec('alice', 'frobnicate');
    expect(r.ok).toBe(true);
    const a = h.advance(Infinity, 100);
    expect(a.output.map((o) => o.line).join('\n')).toMatch(/frobnicate: command not found/);
    expect(a.exits[0]?.status).toBe(127);
  });

  test('Ctrl-C interrupts a running command', () => {
    const h = loaded('lan');
    const r = h.exec('alice', 'ping 192.168.10.12');
    if (!r.ok) throw new Error(r.error);
    h.advance(3.5e9, 1e6);
    h.interrupt(r.cmd);
    const a = h.advance(3.6e9, 1e6);
    expect(a.exits).toEqual([{ cmd: r.cmd, t: expect.any(Number), status: 0 }]);
    expect(a.output.map((o) => o.line).join('\n')).toMatch(/--- 192\.168\.10\.12 ping statistics ---\n4 packets transmitted, 4 received/);
  });

  test('packet details: exact bytes, the field tree and a summary', () => {
    const h = loaded('lan');
    h.exec('alice', 'ping -c 1 192.168.10.12');
    h.advance(Infinity, 1e5);
    const p = h.packet(0);
    expect(p.bytes.length).toBeGreaterThanOrEqual(42);
    expect(p.fields[0]!.name).toMatch(/Ethernet/);
    expect(p.summary.length).toBeGreaterThan(0);
    expect(() => h.packet(1e9)).toThrow(/no packet/);
  });

  test('tab completion offers commands, then host names and addresses', () => {
    const h = loaded('lan');
    expect(h.complete('alice', 'tra')).toEqual(['traceroute']);
    expect(h.complete('alice', 'ping b')).toContain('bob');
    expect(h.complete('alice', 'ping 192.168.10.1')).toContain('192.168.10.12');
  });

  test('seeking state: neighbour caches at a past time', () => {
    const h = loaded('lan');
    h.exec('alice', 'ping -c 1 192.168.10.12');
    h.advance(Infinity, 1e5);
    expect(h.stateAt(0).neighbors).toEqual([]);
    expect(h.stateAt(1e9).neighbors.length).toBeGreaterThan(0);
  });

  test('node state at a time: addresses, routes, neighbours, NAT mappings and sockets as they were then', () => {
    const h = new EngineHost();
    const r = h.load('routed');
    if (!r.ok) throw new Error(r.error);
    h.exec('laptop', 'ping -c 1 203.0.113.10');
    for (let i = 0; i < 100 && !h.advance(5e9, 5000).idle && i < 99; i++);
    const laptop = r.topology.nodes.find((n) => n.name === 'laptop')!.id;
    const before = h.nodeState(laptop, 0, 0);
    expect(before.addresses[0]!.addresses.length).toBeGreaterThan(0);
    expect(before.routes.some((l) => l.startsWith('default via'))).toBe(true);
    expect(before.neighbors).toEqual([]);
    const after = h.nodeState(laptop, 5e9);
    expect(after.neighbors.length).toBe(1);
    const nat = r.topology.nodes.find((n) => h.nodeState(n.id, 5e9).natMappings.length > 0);
    expect(nat).toBeDefined();
    expect(h.nodeState(nat!.id, 0).natMappings).toEqual([]);

    const t = new EngineHost();
    const tr = t.load('nagle');
    if (!tr.ok) throw new Error(tr.error);
    const done = t.advance(Infinity, 1e7);
    const states = new Set<string>();
    const nodes = tr.topology.nodes.map((n) => n.id);
    for (let ns = 0; ns <= done.headNs; ns += done.headNs / 50) for (const n of nodes) for (const k of t.nodeState(n, ns).sockets) states.add(k.state);
    expect(states).toContain('ESTABLISHED');
    expect(states).toContain('TIME-WAIT');
  });

  test('fault injection: dropping the second echo request at the first hop makes ping lose exactly it, reproducibly', () => {
    const h = loaded('lan');
    const typed = h.exec('alice', 'ping -c 3 192.168.10.13');
    if (!typed.ok) throw new Error(typed.error);
    const out: string[] = [];
    for (let i = 0; i < 100; i++) {
      const r = h.advance(Infinity, 10_000);
      out.push(...r.output.filter((o) => o.cmd !== 0).map((o) => o.line));
      if (r.exits.length) break;
    }
    expect(out.join('\n')).toMatch(/3 received/);
    // Find the second echo request alice sent (by its summary), and drop it where alice sent it.
    const uids: number[] = [];
    for (let u = 0; ; u++) {
      let p;
      try {
        p = h.packet(u);
      } catch {
        break;
      }
      const c = classifyFrame(p.bytes);
      if (c.protocol === 'icmp' && c.icmpType === 8 && c.dst === '192.168.10.13' && p.parent === -1) uids.push(u);
    }
    expect(uids.length).toBe(3);
    const f = h.injectFault(uids[1]!, 'drop');
    if (!f.ok) throw new Error(f.error);
    expect(f.description).toMatch(/drop packet/);
    // The saved scenario, with the typed command replayed, drops exactly that request.
    const again = new EngineHost();
    const r = again.load(f.scenario, 1, [{ atNs: typed.t, events: typed.events, host: 'alice', command: 'ping -c 3 192.168.10.13' }]);
    if (!r.ok) throw new Error(r.error);
    const lines: string[] = [];
    for (let i = 0; i < 100; i++) {
      const a = again.advance(Infinity, 10_000);
      lines.push(...a.output.map((o) => o.line));
      if (a.idle) break;
    }
    const text = lines.join('\n');
    const carol = lines.filter((l) => l.includes('192.168.10.13')).join('\n');
    expect(carol).toMatch(/from 192\.168\.10\.13: icmp_seq=1 /);
    expect(carol).not.toMatch(/icmp_seq=2 /);
    expect(carol).toMatch(/from 192\.168\.10\.13: icmp_seq=3 /);
    expect(text).toMatch(/3 packets transmitted, 2 received, 33\.3333% packet loss/);
    expect(h.injectFault(1e9, 'drop')).toEqual({ ok: false, error: expect.stringContaining('never sent') });
  });

  test('typed commands replayed from a shared link give exactly the same run, even at the same instant as scripted traffic', () => {
    // routed's scripted traffic starts at t = 0 too; the typed ping went first, before any event ran.
    const a = loaded('routed');
    const p1 = a.exec('laptop', 'ping -c 2 203.0.113.10');
    a.advance(1.5e9, 1e6);
    const p2 = a.exec('laptop', 'traceroute -n -q 1 203.0.113.10');
    if (!p1.ok || !p2.ok) throw new Error('exec failed');
    a.advance(20e9, 1e7);
    const b = new EngineHost();
    b.load('routed', 1, [
      { atNs: p1.t, events: p1.events, host: 'laptop', command: 'ping -c 2 203.0.113.10' },
      { atNs: p2.t, events: p2.events, host: 'laptop', command: 'traceroute -n -q 1 203.0.113.10' },
    ]);
    // Compare whole runs: same packets, byte for byte.
    let rb;
    do rb = b.advance(20e9, 1e7);
    while (rb.headNs < 20e9 && !rb.idle);
    const pa = a.exportCapture('pcap');
    const pb = b.exportCapture('pcap');
    expect(Buffer.from(pb).equals(Buffer.from(pa))).toBe(true);
    expect(b.packet(2).bytes).toEqual(a.packet(2).bytes);
  });

  test('an exported capture of a run made through the worker passes tshark', async () => {
    const h = loaded('routed');
    h.exec('laptop', 'traceroute -n 203.0.113.10');
    for (let i = 0; i < 1000 && !h.advance(Infinity, 5000).idle; i++);
    const dir = mkdtempSync(join(tmpdir(), 'ss-worker-'));
    for (const format of ['pcap', 'pcapng'] as const) {
      const file = join(dir, `run.${format}`);
      writeFileSync(file, h.exportCapture(format));
      const a = await analyzeCapture(file);
      expect(a.packets).toBeGreaterThan(20);
      expect(a.expertErrors).toEqual([]);
      expect(a.malformed).toBe(0);
      expect(a.badChecksums).toBe(0);
    }
  });
});
