import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeCapture, capinfos, icmpEchoFrame, tsharkAvailable, tsharkFields } from '../../../test/oracle/tshark.ts';
import { PcapWriter } from './pcap.ts';

const dir = mkdtempSync(join(tmpdir(), 'stackscope-pcap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, bytes: Uint8Array): string {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

describe('PcapWriter golden bytes (libpcap format, nanosecond magic, little-endian)', () => {
  it('writes the 24-byte global header', () => {
    const bytes = new PcapWriter().toBytes();
    // prettier-ignore
    expect([...bytes]).toEqual([
      0x4d, 0x3c, 0xb2, 0xa1, // magic_number 0xa1b23c4d (nanosecond timestamps), little-endian
      0x02, 0x00, //             version_major 2
      0x04, 0x00, //             version_minor 4
      0x00, 0x00, 0x00, 0x00, // thiszone 0 (UTC)
      0x00, 0x00, 0x00, 0x00, // sigfigs 0
      0x00, 0x00, 0x04, 0x00, // snaplen 262144 = 0x00040000
      0x01, 0x00, 0x00, 0x00, // network 1 = LINKTYPE_ETHERNET
    ]);
  });

  it('writes a 16-byte record header then the frame; epoch + time split into s / ns with carry', () => {
    // epoch 1.9 s, time 2.100000003 s → 4 s + 3 ns (the ns part carries into the seconds)
    const w = new PcapWriter({ epochNs: 1_900_000_000, snaplen: 65535, linktype: 1 });
    w.add(2_100_000_003, Uint8Array.of(0xde, 0xad, 0xbe));
    const bytes = w.toBytes();
    expect(w.count).toBe(1);
    expect([...bytes.subarray(16, 20)]).toEqual([0xff, 0xff, 0x00, 0x00]); // snaplen 65535
    // prettier-ignore
    expect([...bytes.subarray(24)]).toEqual([
      0x04, 0x00, 0x00, 0x00, // ts_sec 4
      0x03, 0x00, 0x00, 0x00, // ts_nsec 3
      0x03, 0x00, 0x00, 0x00, // incl_len 3
      0x03, 0x00, 0x00, 0x00, // orig_len 3
      0xde, 0xad, 0xbe, //       packet data (no padding in pcap)
    ]);
  });

  it('cuts frames longer than snaplen but keeps orig_len', () => {
    const w = new PcapWriter({ snaplen: 2 });
    w.add(0, Uint8Array.of(1, 2, 3, 4, 5));
    // prettier-ignore
    expect([...w.toBytes().subarray(24)]).toEqual([
      0, 0, 0, 0, 0, 0, 0, 0, // ts_sec 0, ts_nsec 0
      0x02, 0, 0, 0, //          incl_len 2
      0x05, 0, 0, 0, //          orig_len 5
      1, 2,
    ]);
  });

  it('accepts a bigint epoch for real dates (beyond 2^53 ns) and copies frames', () => {
    const w = new PcapWriter({ epochNs: 1_700_000_000_999_999_999n });
    const frame = Uint8Array.of(7);
    w.add(1, frame);
    frame[0] = 8; // later mutation by the caller must not change the capture
    const v = new DataView(w.toBytes().buffer);
    expect(v.getUint32(24, true)).toBe(1_700_000_001); // ts_sec
    expect(v.getUint32(28, true)).toBe(0); // ts_nsec
    expect(v.getUint8(40)).toBe(7);
  });

  it('throws RangeError on out-of-order, negative or fractional times and bad options', () => {
    const w = new PcapWriter();
    w.add(10, Uint8Array.of(0));
    w.add(10, Uint8Array.of(0)); // equal times are fine
    expect(() => w.add(9, Uint8Array.of(0))).toThrow(RangeError);
    expect(() => w.add(10.5, Uint8Array.of(0))).toThrow(RangeError);
    expect(() => w.add(-1, Uint8Array.of(0))).toThrow(RangeError);
    expect(w.count).toBe(2);
    expect(() => new PcapWriter({ epochNs: 1.5 })).toThrow(RangeError);
    expect(() => new PcapWriter({ epochNs: 2 ** 60 })).toThrow(RangeError); // unsafe number: use a bigint
    expect(() => new PcapWriter({ epochNs: -1n })).toThrow(RangeError);
    expect(() => new PcapWriter({ snaplen: 0 })).toThrow(RangeError);
    expect(() => new PcapWriter({ epochNs: 2n ** 32n * 1_000_000_000n }).add(0, Uint8Array.of(0))).toThrow(RangeError); // ts_sec overflow
  });
});

describe('PcapWriter judged by tshark', () => {
  it('tshark is installed', () => expect(tsharkAvailable()).toBe(true));

  const epochNs = 1_700_000_000_900_000_000n; // 2023-11-14T22:13:20.9Z
  const times = [0, 1, 100_000_000, 1_000_000_000 * 86_400 * 100 + 123]; // last: 100 days in
  const w = new PcapWriter({ epochNs });
  times.forEach((t, i) => w.add(t, icmpEchoFrame(i + 1)));
  const file = write('icmp.pcap', w.toBytes());

  it('reads every packet with exact nanosecond timestamps', () => {
    const rows = tsharkFields(file, ['frame.number', 'frame.time_epoch', 'frame.len', 'frame.cap_len', 'icmp.seq']);
    expect(rows).toEqual([
      ['1', '1700000000.900000000', '74', '74', '1'],
      ['2', '1700000000.900000001', '74', '74', '2'],
      ['3', '1700000001.000000000', '74', '74', '3'],
      ['4', '1708640000.900000123', '74', '74', '4'],
    ]);
  });

  it('dissects Ethernet/IPv4/ICMP with good checksums, nothing malformed, no expert warnings', () => {
    const report = analyzeCapture(file);
    expect(report.packets).toBe(4);
    expect(report.malformed).toBe(0);
    expect(report.badChecksums).toBe(0);
    expect(report.expertErrors).toEqual([]);
    expect(report.protocols.get('eth')).toBe(4);
    expect(report.protocols.get('ip')).toBe(4);
    expect(report.protocols.get('icmp')).toBe(4);
    const status = tsharkFields(file, ['ip.checksum.status', 'icmp.checksum.status', 'icmp.type'], { extraArgs: ['-o', 'ip.check_checksum:TRUE'] });
    expect(status).toEqual(times.map(() => ['1', '1', '8'])); // 1 = Good (verified, not merely unverified)
  });

  it('capinfos reports a nanosecond pcap with Ethernet encapsulation', () => {
    const info = capinfos(file);
    if (info === undefined) return; // capinfos not installed: tshark checks above still ran
    expect(info).toEqual({ fileType: 'nsecpcap', encapsulation: 'ether', packets: 4 });
  });
});
