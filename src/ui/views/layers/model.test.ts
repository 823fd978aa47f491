import { describe, expect, it } from 'vitest';
import { describeFrame } from '../../../engine/index.ts';
import { runScenarioForView } from '../../../../test/ui/run-scenario.ts';
import type { ScenarioRun } from '../../../../test/ui/run-scenario.ts';
import { describeStep, fieldChanges, headerBlocks, hopSequence, layerStack } from './model.ts';

function firstUid(run: ScenarioRun, pred: (uid: number) => boolean, after = 0): number {
  for (let u = 0; u < run.trace.packetCount; u++) if (run.trace.packetCreated(u) >= after && pred(u)) return u;
  throw new Error('no such packet');
}

const fieldsOf = (run: ScenarioRun, uid: number) => describeFrame(run.session.world.trace.packets.bytes(uid));

describe('hop sequence', () => {
  it('routed ping: laptop → NAT → NAT → routers (L3) → server, any frame of the chain gives the same path', () => {
    const run = runScenarioForView('routed', { commands: [{ host: 'laptop', line: 'ping -c 2 203.0.113.10' }], untilNs: 3e9 });
    const echo = firstUid(run, (u) => run.trace.packetProtoName(u) === 'icmp' && run.trace.packetParent(u) < 0 && fieldsOf(run, u).some((f) => f.key === 'icmp' && /request/.test(f.value)), 0.5e9);
    const seq = hopSequence(run.trace, run.topology, echo)!;
    expect(seq.complete).toBe(true);
    expect(seq.steps.map((s) => `${s.name}:${s.action}:${s.depth}`)).toEqual([
      'laptop:send:7',
      'home:nat:4',
      'cgnat:nat:4',
      'r1:route:3',
      'r2:route:3',
      'r3:route:3',
      'server:receive:7',
    ]);
    // Each hop hands on a new frame (rewritten) whose origin is the echo request.
    const outs = seq.steps.slice(0, -1).map((s) => s.outUid!);
    expect(new Set(outs).size).toBe(outs.length);
    for (const u of outs) expect(run.trace.packetOrigin(u)).toBe(echo);
    for (let i = 1; i < seq.steps.length; i++) expect(seq.steps[i]!.inUid).toBe(seq.steps[i - 1]!.outUid);
    // Selecting a later hop's frame gives the same sequence.
    expect(hopSequence(run.trace, run.topology, outs[3]!)!.steps.map((s) => s.name)).toEqual(seq.steps.map((s) => s.name));
    // Times increase along the path.
    for (let i = 1; i < seq.steps.length; i++) expect(seq.steps[i]!.tIn!).toBeGreaterThan(seq.steps[i - 1]!.tOut ?? seq.steps[i - 1]!.tIn!);
    // A router rewrote TTL and MACs; a NAT also the source address.
    const r1 = seq.steps[3]!;
    const changes = fieldChanges(fieldsOf(run, r1.inUid!), fieldsOf(run, r1.outUid!)).map((c) => c.key);
    expect(changes).toEqual(expect.arrayContaining(['eth.src', 'eth.dst', 'ipv4.ttl', 'ipv4.checksum']));
    const home = seq.steps[1]!;
    const natChanges = fieldChanges(fieldsOf(run, home.inUid!), fieldsOf(run, home.outUid!));
    expect(natChanges.find((c) => c.key === 'ipv4.src')).toMatchObject({ from: '192.168.1.10', to: '100.64.0.10' });
    expect(natChanges.find((c) => c.key === 'ipv4.ttl')).toMatchObject({ from: '64', to: '63' });
  });

  it('lan ping: the switch hop is L2 only and forwards the same frame', () => {
    const run = runScenarioForView('lan');
    const echo = firstUid(run, (u) => run.trace.packetProtoName(u) === 'icmp');
    const seq = hopSequence(run.trace, run.topology, echo)!;
    expect(seq.steps.map((s) => `${s.name}:${s.action}:${s.depth}`)).toEqual(['alice:send:7', 'sw1:switch:2', 'bob:receive:7']);
    expect(seq.steps[1]!.inUid).toBe(echo);
    expect(seq.steps[1]!.outUid).toBe(echo);
    expect(seq.steps[0]!.wireBytes).toBe(122);
  });

  it('a flooded ARP request follows the branch that was answered', () => {
    const run = runScenarioForView('lan');
    const who = firstUid(run, (u) => run.trace.packetProtoName(u) === 'arp');
    const seq = hopSequence(run.trace, run.topology, who)!;
    expect(seq.steps.map((s) => s.name)).toEqual(['alice', 'sw1', seq.steps[2]!.name]);
    expect(['bob', 'carol']).toContain(seq.steps[2]!.name);
    expect(seq.steps[2]!.action).toBe('receive');
  });

  it('traceroute probe: dropped at the first router with TTL expired', () => {
    const run = runScenarioForView('routed', { untilNs: 1e9 });
    const probe = firstUid(run, (u) => run.trace.packetProtoName(u) === 'udp');
    const seq = hopSequence(run.trace, run.topology, probe)!;
    expect(seq.steps.map((s) => s.action)).toEqual(['send', 'drop']);
    expect(seq.steps[1]!.name).toBe('home');
    expect(seq.steps[1]!.reason).toBe('TTL expired in transit');
    expect(describeStep(seq.steps[1]!, 'osi')).toBe('Dropped at home: TTL expired in transit.');
  });

  it('a frame lost on a link ends with a drop on that link', () => {
    const run = runScenarioForView('tcp-bulk', { untilNs: 2.5e9 });
    const k = run.trace.kindId('link.drop');
    let d = -1;
    for (let i = 0; i < run.trace.length && d < 0; i++) if (run.trace.kindAt(i) === k) d = i;
    const seq = hopSequence(run.trace, run.topology, run.trace.pktAt(d))!;
    expect(seq.complete).toBe(true);
    expect(seq.steps.map((s) => `${s.name}:${s.action}`)).toEqual(['sender:send', 'r1:route', 'r1:drop']);
    expect(seq.steps[2]!.reason).toContain('drop-tail');
  });
});

describe('layer stack', () => {
  const run = runScenarioForView('nagle', { untilNs: 1.1e9 });
  const syn = firstUid(run, (u) => run.trace.packetProtoName(u) === 'tcp');
  const fields = fieldsOf(run, syn);

  it('header blocks with sizes and main fields', () => {
    const blocks = headerBlocks(fields);
    expect(blocks.map((b) => [b.key, b.bytes, b.osi])).toEqual([
      ['eth', 14, 2],
      ['ipv4', 20, 3],
      ['tcp', 40, 4],
    ]);
    expect(blocks[1]!.fields.map((f) => f.key)).toEqual(['ipv4.src', 'ipv4.dst', 'ipv4.ttl', 'ipv4.proto', 'ipv4.len', 'ipv4.checksum']);
    expect(blocks[2]!.fields.find((f) => f.key === 'flags')!.value).toContain('SYN');
  });

  it('OSI: seven rows, physical shows the wire overhead', () => {
    const rows = layerStack(fields, 'osi', run.trace.packetLen(syn), 98);
    expect(rows.map((r) => r.label)).toEqual(['L7', 'L6', 'L5', 'L4', 'L3', 'L2', 'L1']);
    expect(rows[3]!.blocks.map((b) => b.key)).toEqual(['tcp']);
    expect(rows[3]!.pduBytes).toBe(40);
    expect(rows[4]!.pduBytes).toBe(60);
    expect(rows[5]!.pduBytes).toBe(74);
    expect(rows[6]!.blocks[0]!.bytes).toBe(24);
    expect(rows[6]!.pduBytes).toBe(98);
  });

  it('TCP/IP: four rows', () => {
    const rows = layerStack(fields, 'tcpip', run.trace.packetLen(syn), 98);
    expect(rows.map((r) => r.name)).toEqual(['Application', 'Transport', 'Internet', 'Link']);
    expect(rows[3]!.blocks.map((b) => b.key)).toEqual(['eth', 'phy']);
    expect(rows[0]!.blocks).toEqual([]);
  });

  it('payload-bearing layers count only their header bytes', () => {
    const r = runScenarioForView('routed', { untilNs: 1e9 });
    const probe = firstUid(r, (u) => r.trace.packetProtoName(u) === 'udp');
    const blocks = headerBlocks(fieldsOf(r, probe));
    expect(blocks.map((b) => [b.key, b.bytes])).toEqual([
      ['eth', 14],
      ['ipv4', 20],
      ['udp', 8],
      ['data', 32],
    ]);
  });
});
