/**
 * ECN end to end (RFC 3168): negotiation in the handshake, ECT(0) on data, an AQM marking CE
 * instead of dropping, the receiver echoing ECE, the sender reducing once and answering CWR —
 * with tshark reading the same bits from the capture.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Capture, Session, builtinScenario, captureInterfaces } from '../../src/engine/index.ts';
import { tsharkAvailable, tsharkFields } from '../oracle/tshark.ts';

describe('RFC 3168 ECN through fq_codel', () => {
  it('CE marks replace drops; ECE/CWR close the loop; tshark agrees on the bits', () => {
    const base = builtinScenario('bufferbloat-fq-codel')!;
    const nodes = base.nodes.map((n) => (n.kind === 'host' ? { ...n, tcp: { ecn: true } } : n));
    const s = new Session({ ...base, nodes, stopTime: '8s', actions: [{ at: '1s', host: 'laptop', command: 'iperf3 -c 203.0.113.10 -t 6' }] });
    const cap = new Capture(s.world, captureInterfaces(s.world, ['server:eth0']));
    s.runUntil();
    cap.stop();
    const ev = s.world.trace.events;
    const texts = (kind: 'tcp.ecn' | 'link.drop' | 'link.mark'): string[] => {
      const out: string[] = [];
      for (let i = 0; i < ev.length; i++) if (ev.get(i).kind === kind) out.push(ev.get(i).text ?? '');
      return out;
    };
    const marks = texts('link.mark');
    expect(marks.length).toBeGreaterThan(0);
    expect(texts('link.drop').filter((t) => t.startsWith('codel') || t.includes('fq_codel'))).toEqual([]);
    const ecn = texts('tcp.ecn');
    expect(ecn.some((t) => t.endsWith('CE received'))).toBe(true);
    expect(ecn.some((t) => t.endsWith('ECE received: window reduced'))).toBe(true);
    expect(ecn.some((t) => t.endsWith('CWR sent'))).toBe(true);
    if (!tsharkAvailable()) return;
    const file = join(mkdtempSync(join(tmpdir(), 'stackscope-ecn-')), 'ecn.pcap');
    writeFileSync(file, cap.pcap.toBytes());
    // Handshake: SYN with ECE+CWR, SYN-ACK with ECE only (RFC 3168 §6.1.1).
    const syn = tsharkFields(file, ['tcp.flags.ece', 'tcp.flags.cwr'], { filter: 'tcp.flags.syn == 1 && tcp.flags.ack == 0' });
    expect(syn[0]).toEqual(['1', '1']);
    const synack = tsharkFields(file, ['tcp.flags.ece', 'tcp.flags.cwr'], { filter: 'tcp.flags.syn == 1 && tcp.flags.ack == 1' });
    expect(synack[0]).toEqual(['1', '0']);
    // CE-marked data arrives at the server; its ACKs carry ECE; the laptop answers with CWR.
    expect(tsharkFields(file, ['frame.number'], { filter: 'ip.dsfield.ecn == 3 && tcp.len > 0' }).length).toBeGreaterThan(0);
    expect(tsharkFields(file, ['frame.number'], { filter: 'tcp.flags.ece == 1 && tcp.flags.syn == 0' }).length).toBeGreaterThan(0);
    expect(tsharkFields(file, ['frame.number'], { filter: 'tcp.flags.cwr == 1 && tcp.flags.syn == 0' }).length).toBeGreaterThan(0);
    expect(tsharkFields(file, ['ip.checksum.status'], { filter: 'ip.dsfield.ecn == 3', extraArgs: ['-o', 'ip.check_checksum:TRUE'] }).every((r) => r[0] === '1')).toBe(true);
  });
});
