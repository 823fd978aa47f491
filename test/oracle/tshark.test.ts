/**
 * The harness must catch problems, not just bless clean captures: every case here has a
 * known defect (typed in by hand) that the report has to show.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeCapture, icmpEchoFrame, rfc1071, tsharkAvailable, tsharkFields, tsharkFieldValues } from './tshark.ts';

const dir = mkdtempSync(join(tmpdir(), 'stackscope-oracle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A nanosecond pcap (typed here, independent of the engine's writer) of the given frames, 1 µs apart. */
function capture(name: string, frames: Uint8Array[]): string {
  const header = Uint8Array.of(0x4d, 0x3c, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 1, 0, 0, 0);
  const records = frames.map((f, i) => {
    const rec = new Uint8Array(16 + f.length);
    const v = new DataView(rec.buffer);
    v.setUint32(4, i * 1000, true); // ts_nsec
    v.setUint32(8, f.length, true); // incl_len
    v.setUint32(12, f.length, true); // orig_len
    rec.set(f, 16);
    return rec;
  });
  const file = join(dir, name);
  writeFileSync(file, Buffer.concat([header, ...records]));
  return file;
}

/** Re-fixes the IPv4 header checksum after editing header bytes. */
function fixIp(f: Uint8Array): Uint8Array {
  f[24] = 0;
  f[25] = 0;
  const c = rfc1071(f, 14, 34);
  f[24] = c >> 8;
  f[25] = c & 0xff;
  return f;
}

describe('test/oracle/tshark harness', () => {
  it('tshark is installed', () => expect(tsharkAvailable()).toBe(true));

  it('the fixture is a valid RFC 1071 frame (IPv4 and ICMP sums verify to 0)', () => {
    const f = icmpEchoFrame();
    expect(f.length).toBe(74);
    expect(rfc1071(f, 14, 34)).toBe(0);
    expect(rfc1071(f, 34)).toBe(0);
  });

  it('reports a clean capture as all zeros', () => {
    const r = analyzeCapture(capture('clean.pcap', [icmpEchoFrame(1), icmpEchoFrame(2)]));
    expect(r).toMatchObject({ packets: 2, malformed: 0, badChecksums: 0, expertErrors: [] });
    expect(Object.fromEntries(r.protocols)).toEqual({ eth: 2, ethertype: 2, ip: 2, icmp: 2, data: 2 });
  });

  it('catches a wrong IPv4 header checksum (needs -o ip.check_checksum:TRUE)', () => {
    const bad = icmpEchoFrame();
    bad[25] = bad[25]! ^ 0x01;
    const r = analyzeCapture(capture('bad-ip.pcap', [icmpEchoFrame(), bad]));
    expect(r.badChecksums).toBe(1);
    expect(r.expertErrors).toEqual([{ frame: 2, severity: 'Error', group: 'Checksum', message: expect.stringMatching(/^Bad checksum/) }]);
  });

  it('catches a wrong ICMP checksum (checked by default)', () => {
    const bad = icmpEchoFrame();
    bad[37] = bad[37]! ^ 0x80;
    const r = analyzeCapture(capture('bad-icmp.pcap', [bad]));
    expect(r.badChecksums).toBe(1);
    expect(r.expertErrors.length).toBeGreaterThanOrEqual(1);
  });

  it('catches an IPv4 total length longer than the frame', () => {
    const f = icmpEchoFrame();
    f[17] = 200; // total length 200, frame carries 60 bytes of IP
    const r = analyzeCapture(capture('long-ip.pcap', [fixIp(f)]));
    expect(r.malformed + r.expertErrors.length).toBeGreaterThanOrEqual(1);
    expect(r.expertErrors).toContainEqual({ frame: 1, severity: 'Error', group: 'Protocol', message: expect.stringMatching(/total length exceeds packet length/) });
    expect(r.badChecksums).toBe(0); // the header checksum was fixed: only the length is wrong
  });

  it('catches a packet cut inside the ICMP header as malformed', () => {
    const f = fixIp(icmpEchoFrame()).slice(0, 36); // IP says 60 bytes; only 2 of the ICMP header remain
    const r = analyzeCapture(capture('cut.pcap', [f]));
    expect(r.malformed).toBe(1);
    expect(r.expertErrors.map((e) => e.group)).toContain('Malformed');
  });

  it('allowedExperts removes only the matching expert infos', () => {
    const f = icmpEchoFrame();
    f[17] = 200;
    const file = capture('allowed.pcap', [fixIp(f)]);
    expect(analyzeCapture(file, { allowedExperts: [/total length exceeds/] }).expertErrors).toEqual([]);
    expect(analyzeCapture(file, { allowedExperts: [/something else/] }).expertErrors).toHaveLength(1);
  });

  it('tsharkFields: one row per displayed packet, "" for absent fields, filter applied', () => {
    const file = capture('fields.pcap', [icmpEchoFrame(1), icmpEchoFrame(2), icmpEchoFrame(3)]);
    expect(tsharkFields(file, ['frame.number', 'icmp.seq', 'udp.port'])).toEqual([
      ['1', '1', ''],
      ['2', '2', ''],
      ['3', '3', ''],
    ]);
    expect(tsharkFields(file, ['frame.number'], { filter: 'icmp.seq >= 2' })).toEqual([['2'], ['3']]);
  });

  it('multiple occurrences: joined with "," by tsharkFields, split by tsharkFieldValues', () => {
    const file = capture('multi.pcap', [icmpEchoFrame()]);
    expect(tsharkFields(file, ['ip.addr'])).toEqual([['10.0.0.1,10.0.0.2']]);
    expect(tsharkFieldValues(file, ['ip.addr', 'udp.port'])).toEqual([[['10.0.0.1', '10.0.0.2'], []]]);
  });

  it("surfaces tshark's stderr when it cannot read a capture", () => {
    expect(() => analyzeCapture(join(dir, 'missing.pcap'))).toThrow(/exited with .*\n.*missing\.pcap/s);
    const file = capture('damaged.pcap', [icmpEchoFrame()]);
    writeFileSync(file, readFileSync(file).subarray(0, 24 + 16 + 30)); // record cut in the middle
    expect(() => analyzeCapture(file)).toThrow(/cut short|damaged|truncated/i);
  });
});

