/**
 * Oracle: every built-in scenario's capture must dissect in tshark (Wireshark 4.0) with zero
 * malformed packets, zero bad checksums and no expert warnings or errors (DESIGN.md "Captures").
 * Each scenario runs its scripted commands, and each of its example commands runs in a fresh
 * session; both captures are exported as pcap and pcapng and judged.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_SCENARIOS, Capture, Session, captureInterfaces } from '../../src/engine/index.ts';
import { analyzeCapture, tsharkAvailable, tsharkFields } from './tshark.ts';

const dir = mkdtempSync(join(tmpdir(), 'stackscope-oracle-'));
const hasTshark = tsharkAvailable();

function judge(name: string, cap: Capture, expected: readonly string[] = []): void {
  const pcap = join(dir, `${name}.pcap`);
  const pcapng = join(dir, `${name}.pcapng`);
  writeFileSync(pcap, cap.pcap.toBytes());
  writeFileSync(pcapng, cap.pcapng.toBytes());
  for (const file of [pcap, pcapng]) {
    const r = analyzeCapture(file, { allowedExperts: expected.map((e) => new RegExp(e)) });
    expect(r.packets, `${file} has packets`).toBe(cap.frames);
    expect(r.malformed, `${file} malformed`).toBe(0);
    expect(r.badChecksums, `${file} bad checksums`).toBe(0);
    expect(r.expertErrors, `${file} expert warnings/errors`).toEqual([]);
  }
}

describe.skipIf(!hasTshark)('tshark judges every built-in scenario', () => {
  for (const sc of BUILTIN_SCENARIOS) {
    it(`${sc.name}: scripted run dissects cleanly with checksums verified`, () => {
      const s = new Session(sc);
      const cap = new Capture(s.world, captureInterfaces(s.world, s.scenario.capture));
      s.runUntil();
      cap.stop();
      expect(cap.frames).toBeGreaterThan(0);
      judge(`${sc.name}-run`, cap, s.scenario.expectedExperts);
    });
    for (const [i, ex] of (sc.examples ?? []).entries()) {
      it(`${sc.name}: \`${ex.command}\` on ${ex.host} dissects cleanly`, () => {
        const s = new Session(sc, { skipActions: true });
        const cap = new Capture(s.world, captureInterfaces(s.world, s.scenario.capture));
        s.runUntil(2e9);
        const out: string[] = [];
        s.exec(ex.host, ex.command, (l) => out.push(l));
        cap.stop();
        expect(out.length).toBeGreaterThan(0);
        judge(`${sc.name}-ex${i}`, cap, s.scenario.expectedExperts);
      });
    }
  }

  it('pcapng has one interface block per captured interface, named node:iface', () => {
    const sc = BUILTIN_SCENARIOS.find((x) => x.name === 'routed')!;
    const s = new Session(sc);
    const ifaces = captureInterfaces(s.world, undefined);
    const cap = new Capture(s.world, ifaces);
    s.runUntil();
    cap.stop();
    const file = join(dir, 'idb.pcapng');
    writeFileSync(file, cap.pcapng.toBytes());
    const names = new Set(tsharkFields(file, ['frame.interface_name']).map((r) => r[0]));
    expect([...names].sort()).toEqual(ifaces.map((i) => i.fullName).sort());
  });

  it('tshark decodes the traceroute probes and ICMP answers the engine reports', () => {
    const sc = BUILTIN_SCENARIOS.find((x) => x.name === 'routed')!;
    const s = new Session(sc, { skipActions: true });
    const laptop = s.world.node('laptop')!;
    const cap = new Capture(s.world, [laptop.ifaces[0]!]);
    const out: string[] = [];
    s.exec('laptop', 'traceroute -n -q 1 203.0.113.10', (l) => out.push(l));
    cap.stop();
    const file = join(dir, 'tr.pcap');
    writeFileSync(file, cap.pcap.toBytes());
    // Every hop line's address appears in tshark as the source of an ICMP time-exceeded (type 11)
    // or, for the last hop, port-unreachable (type 3 code 3) arriving at the laptop.
    // ip.src lists the outer header first, then the quoted one inside the ICMP error.
    const icmp = tsharkFields(file, ['ip.src', 'icmp.type', 'icmp.code'], { filter: 'icmp && ip.dst == 192.168.1.10' }).map((r) => r.map((v) => v.split(',')[0]!));
    const hops = out.slice(1).map((l) => l.trim().split(/\s+/)[1]);
    expect(hops).toEqual(['192.168.1.1', '100.64.0.1', '198.51.100.2', '198.51.100.6', '198.51.100.10', '203.0.113.10']);
    for (const h of hops.slice(0, -1)) expect(icmp.some(([src, t]) => src === h && t === '11')).toBe(true);
    expect(icmp.some(([src, t, c]) => src === '203.0.113.10' && t === '3' && c === '3')).toBe(true);
  });
});
