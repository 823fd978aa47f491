/**
 * Bulk TCP judged by tshark (Wireshark's TCP sequence analysis is the outside judge):
 * a loss-free transfer shows no retransmissions, out-of-order segments or bad checksums, and
 * with scripted drops every retransmission tshark finds is one the engine reports, one for one.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Capture, Session, captureInterfaces } from '../../src/engine/index.ts';
import type { ScenarioInput } from '../../src/engine/index.ts';
import { bulkPath } from '../../src/engine/scenario/builtin/tcp.ts';
import { analyzeCapture, tsharkAvailable, tsharkFields } from '../oracle/tshark.ts';

const dir = mkdtempSync(join(tmpdir(), 'stackscope-tcp-'));

function capture(sc: ScenarioInput, name: string): { s: Session; file: string; lines: string[] } {
  const lines: string[] = [];
  const s = new Session(sc, { onActionOutput: (_h, l) => lines.push(l) });
  const cap = new Capture(s.world, captureInterfaces(s.world, ['sender:eth0']));
  s.runUntil();
  cap.stop();
  const file = join(dir, `${name}.pcap`);
  writeFileSync(file, cap.pcap.toBytes());
  return { s, file, lines };
}

function retransmitEvents(s: Session): number[] {
  const out: number[] = [];
  const ev = s.world.trace.events;
  for (let i = 0; i < ev.length; i++) if (ev.get(i).kind === 'tcp.retransmit') out.push(ev.get(i).a);
  return out;
}

describe.skipIf(!tsharkAvailable())('bulk TCP through tshark', () => {
  it('a loss-free CUBIC transfer (100 Mbit/s, 10 ms, 5000-packet queue, 3 s) has 0 retransmissions, 0 out-of-order, 0 bad checksums', () => {
    // HyStart++ leaves slow start before the queue overflows, and in 3 s CUBIC's window does not
    // grow past BDP + queue (≈ 5170 segments): nothing is dropped.
    const { s, file, lines } = capture(bulkPath({ queue: 5000, seconds: 3 }), 'lossfree');
    const r = analyzeCapture(file);
    expect(r.packets).toBeGreaterThan(20_000);
    expect(r.malformed).toBe(0);
    expect(r.badChecksums).toBe(0);
    expect(r.expertErrors).toEqual([]);
    const flagged = tsharkFields(file, ['frame.number'], { filter: 'tcp.analysis.retransmission || tcp.analysis.fast_retransmission || tcp.analysis.out_of_order || tcp.analysis.lost_segment' });
    expect(flagged).toEqual([]);
    expect(retransmitEvents(s)).toEqual([]);
    expect(lines.some((l) => /\[ {2}5\] {3}0\.00-3\.00 {3}sec .* {2}0 {13}sender$/.test(l))).toBe(true);
  });

  it('with scripted drops, tshark’s retransmission flags match the engine’s retransmission events one for one', () => {
    const base = bulkPath({ queue: 1000, seconds: 3 });
    const drops = [200, 400, 600, 3000];
    const links = base.links!.map((l) =>
      l.a === 'r1:eth1' ? { ...l, rules: drops.map((nth) => ({ from: 'r1', match: { protocol: 'tcp' as const, dstPort: 5201, minLength: 1000 }, nth, action: 'drop' as const })) } : l,
    );
    const { s, file } = capture({ ...base, links }, 'drops');
    const engine = retransmitEvents(s);
    expect(engine).toHaveLength(drops.length);
    // tshark calls a retransmission "fast" after duplicate ACKs, or "out-of-order" when it follows
    // the original closely; all three are the analysis of a retransmitted segment.
    const rows = tsharkFields(file, ['tcp.seq', 'tcp.analysis.retransmission', 'tcp.analysis.fast_retransmission', 'tcp.analysis.out_of_order', 'tcp.analysis.spurious_retransmission'], {
      filter: 'tcp.analysis.retransmission || tcp.analysis.fast_retransmission || tcp.analysis.out_of_order || tcp.analysis.spurious_retransmission',
      extraArgs: ['-o', 'tcp.relative_sequence_numbers:TRUE'],
    });
    expect(rows.map((r) => Number(r[0])).sort((a, b) => a - b)).toEqual([...engine].sort((a, b) => a - b));
    expect(rows.filter((r) => r[4] === '1')).toEqual([]); // no spurious retransmissions
    expect(rows.filter((r) => r[2] === '1').length).toBeGreaterThanOrEqual(3);
    const r = analyzeCapture(file, { allowedExperts: (s.scenario.expectedExperts ?? []).map((e) => new RegExp(e)) });
    expect(r.badChecksums).toBe(0);
    expect(r.malformed).toBe(0);
    expect(r.expertErrors).toEqual([]);
  });

  it('tshark reads the negotiated options: MSS 1460, SACK permitted, timestamps, window scale 7', () => {
    const { file } = capture(bulkPath({ queue: 1000, seconds: 1 }), 'options');
    const syn = tsharkFields(file, ['tcp.options.mss_val', 'tcp.options.sack_perm', 'tcp.options.timestamp.tsval', 'tcp.options.wscale.shift'], { filter: 'tcp.flags.syn == 1 && tcp.flags.ack == 0' });
    expect(syn).toHaveLength(1);
    expect(syn[0]![0]).toBe('1460');
    expect(syn[0]![1]).not.toBe('');
    expect(syn[0]![2]).not.toBe('');
    expect(syn[0]![3]).toBe('7');
    // Full-sized segments carry 1448 bytes: 1500 − 20 (IP) − 20 (TCP) − 12 (timestamps).
    const lens = new Set(tsharkFields(file, ['tcp.len'], { filter: 'tcp.len > 1000' }).map((r) => r[0]));
    expect([...lens]).toEqual(['1448']);
  });
});
