import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeCapture, capinfos, icmpEchoFrame, tsharkAvailable, tsharkFields } from '../../../test/oracle/tshark.ts';
import { PcapngWriter } from './pcapng.ts';
import { utf8Encode, utf8Length } from './utf8.ts';

const dir = mkdtempSync(join(tmpdir(), 'stackscope-pcapng-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

describe('utf8Encode', () => {
  it('matches TextEncoder, including surrogate pairs and lone surrogates (→ U+FFFD)', () => {
    const cases = ['', 'Stackscope', '\u0000\u007f\u0080\u07ff\u0800\uffff', 'héllo €', '🚀 r1:eth0', '\ud800', 'a\udc00b', 'x\ud83d', '\ud83d\ud83d\ude80'];
    for (const s of cases) {
      const expected = new TextEncoder().encode(s);
      expect([...utf8Encode(s)], JSON.stringify(s)).toEqual([...expected]);
      expect(utf8Length(s)).toBe(expected.length);
    }
  });
});

describe('PcapngWriter golden bytes (draft-ietf-opsawg-pcapng, little-endian)', () => {
  const w = new PcapngWriter();
  const id = w.addInterface('r1:eth0', { description: 'router one' });
  w.add(id, 0x1_0000_0005, Uint8Array.of(1, 2, 3, 4, 5), { direction: 'out', comment: 'hi' });
  const bytes = [...w.toBytes()];

  it('Section Header Block (§4.1) with shb_userappl and the exact section length', () => {
    // prettier-ignore
    expect(bytes.slice(0, 48)).toEqual([
      0x0a, 0x0d, 0x0d, 0x0a, //                     Block Type = SHB
      0x30, 0x00, 0x00, 0x00, //                     Block Total Length 48
      0x4d, 0x3c, 0x2b, 0x1a, //                     Byte-Order Magic 0x1A2B3C4D
      0x01, 0x00, 0x00, 0x00, //                     Major Version 1, Minor Version 0
      0x78, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // Section Length 120 = IDB 60 + EPB 60
      0x04, 0x00, 0x0a, 0x00, ...ascii('Stackscope'), 0x00, 0x00, // shb_userappl (4), len 10, padded to 12
      0x00, 0x00, 0x00, 0x00, //                     opt_endofopt
      0x30, 0x00, 0x00, 0x00, //                     Block Total Length 48
    ]);
  });

  it('Interface Description Block (§4.2) with if_name, if_description, if_tsresol = 9', () => {
    // prettier-ignore
    expect(bytes.slice(48, 108)).toEqual([
      0x01, 0x00, 0x00, 0x00, //                     Block Type = IDB
      0x3c, 0x00, 0x00, 0x00, //                     Block Total Length 60
      0x01, 0x00, 0x00, 0x00, //                     LinkType 1 (Ethernet), Reserved 0
      0x00, 0x00, 0x04, 0x00, //                     SnapLen 262144
      0x02, 0x00, 0x07, 0x00, ...ascii('r1:eth0'), 0x00, //           if_name (2), len 7, padded to 8
      0x03, 0x00, 0x0a, 0x00, ...ascii('router one'), 0x00, 0x00, // if_description (3), len 10, padded to 12
      0x09, 0x00, 0x01, 0x00, 0x09, 0x00, 0x00, 0x00, //  if_tsresol (9), len 1, value 9 (10^-9 s), padded
      0x00, 0x00, 0x00, 0x00, //                     opt_endofopt
      0x3c, 0x00, 0x00, 0x00, //                     Block Total Length 60
    ]);
  });

  it('Enhanced Packet Block (§4.3) with 64-bit timestamp, padding, epb_flags and opt_comment', () => {
    // prettier-ignore
    expect(bytes.slice(108)).toEqual([
      0x06, 0x00, 0x00, 0x00, //                     Block Type = EPB
      0x3c, 0x00, 0x00, 0x00, //                     Block Total Length 60
      0x00, 0x00, 0x00, 0x00, //                     Interface ID 0
      0x01, 0x00, 0x00, 0x00, //                     Timestamp (High) 1   } 0x1_0000_0005 ns
      0x05, 0x00, 0x00, 0x00, //                     Timestamp (Low) 5    }
      0x05, 0x00, 0x00, 0x00, //                     Captured Packet Length 5
      0x05, 0x00, 0x00, 0x00, //                     Original Packet Length 5
      0x01, 0x02, 0x03, 0x04, 0x05, 0x00, 0x00, 0x00, // Packet Data, padded to 32 bits
      0x02, 0x00, 0x04, 0x00, 0x02, 0x00, 0x00, 0x00, // epb_flags (2), len 4, bits 0-1 = 10 outbound
      0x01, 0x00, 0x02, 0x00, 0x68, 0x69, 0x00, 0x00, // opt_comment (1), len 2, "hi", padded
      0x00, 0x00, 0x00, 0x00, //                     opt_endofopt
      0x3c, 0x00, 0x00, 0x00, //                     Block Total Length 60
    ]);
  });

  it('EPB without options has no option list; snaplen cuts Captured but not Original length', () => {
    const w2 = new PcapngWriter({ application: 'x' });
    const i = w2.addInterface('a', { snaplen: 4 });
    w2.add(i, 0, Uint8Array.of(9, 8, 7, 6, 5, 4));
    const b = w2.toBytes();
    const epb = [...b.subarray(b.length - 36)];
    // prettier-ignore
    expect(epb).toEqual([
      0x06, 0, 0, 0, 0x24, 0, 0, 0, // EPB, Block Total Length 36
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // Interface 0, Timestamp 0
      0x04, 0, 0, 0, 0x06, 0, 0, 0, // Captured 4, Original 6
      9, 8, 7, 6, //                   data (already 32-bit aligned)
      0x24, 0, 0, 0, //                Block Total Length 36
    ]);
  });

  it('adds a bigint epoch exactly to the 64-bit timestamp', () => {
    const epochNs = 1_700_000_000_123_456_789n;
    const w3 = new PcapngWriter({ epochNs });
    w3.add(w3.addInterface('a'), 2 ** 52 + 3, new Uint8Array(0));
    const b = w3.toBytes();
    const v = new DataView(b.buffer);
    const epbAt = b.length - 32;
    const ts = (BigInt(v.getUint32(epbAt + 12, true)) << 32n) | BigInt(v.getUint32(epbAt + 16, true));
    expect(ts).toBe(epochNs + BigInt(2 ** 52 + 3));
  });

  it('throws RangeError on unknown interfaces and out-of-order times (across interfaces)', () => {
    const w4 = new PcapngWriter();
    const a = w4.addInterface('a');
    const b = w4.addInterface('b');
    w4.add(a, 5, Uint8Array.of(0));
    expect(() => w4.add(2, 6, Uint8Array.of(0))).toThrow(RangeError);
    expect(() => w4.add(b, 4, Uint8Array.of(0))).toThrow(RangeError);
    expect(() => w4.addInterface('c', { linktype: 0x10000 })).toThrow(RangeError);
    expect(() => w4.add(a, 6, Uint8Array.of(0), { comment: 'x'.repeat(70000) })).toThrow(RangeError);
    expect(w4.count).toBe(1);
  });
});

describe('PcapngWriter judged by tshark', () => {
  it('tshark is installed', () => expect(tsharkAvailable()).toBe(true));

  const w = new PcapngWriter({ epochNs: 1_700_000_000_999_999_999n });
  const r1 = w.addInterface('r1:eth0', { description: 'router one, port 0' });
  const h1 = w.addInterface('h1:eth0');
  w.add(r1, 0, icmpEchoFrame(1), { direction: 'in', comment: 'héllo, wörld 🚀' });
  w.add(h1, 1, icmpEchoFrame(2), { direction: 'out' });
  w.add(h1, 2_000_000_000, icmpEchoFrame(3));
  const file = join(dir, 'icmp.pcapng');
  writeFileSync(file, w.toBytes());

  it('reads interfaces, nanosecond timestamps, comments and directions', () => {
    const fields = ['frame.number', 'frame.time_epoch', 'frame.interface_id', 'frame.interface_name', 'frame.interface_description', 'frame.comment', 'frame.packet_flags_direction', 'frame.p2p_dir', 'frame.len'];
    expect(tsharkFields(file, fields)).toEqual([
      ['1', '1700000000.999999999', '0', 'r1:eth0', 'router one, port 0', 'héllo, wörld 🚀', '0x00000001', '1', '74'], // inbound; p2p_dir 1 = received
      ['2', '1700000001.000000000', '1', 'h1:eth0', '', '', '0x00000002', '0', '74'], // outbound; p2p_dir 0 = sent
      ['3', '1700000002.999999999', '1', 'h1:eth0', '', '', '', '', '74'], // no epb_flags option
    ]);
  });

  it('dissects every packet cleanly: good checksums, nothing malformed, no expert warnings', () => {
    const report = analyzeCapture(file);
    expect(report).toMatchObject({ packets: 3, malformed: 0, badChecksums: 0, expertErrors: [] });
    expect(report.protocols.get('icmp')).toBe(3);
    const status = tsharkFields(file, ['ip.checksum.status', 'icmp.checksum.status'], { extraArgs: ['-o', 'ip.check_checksum:TRUE'] });
    expect(status).toEqual([
      ['1', '1'],
      ['1', '1'],
      ['1', '1'],
    ]);
  });

  it('the file-format dissector sees SHB, 2 IDBs, 3 EPBs and our options, with no errors', () => {
    const fields = ['pcapng.block.type', 'pcapng.options.option.data.user_application', 'pcapng.options.option.data.interface.name', 'pcapng.options.option.data.interface.timestamp_resolution', 'pcapng.options.option.data.packet.flags.direction', '_ws.malformed', '_ws.expert.message'];
    const rows = tsharkFields(file, fields, { extraArgs: ['-X', 'read_format:MIME Files Format'] });
    expect(rows).toEqual([['0x0a0d0d0a,0x00000001,0x00000001,0x00000006,0x00000006,0x00000006', 'Stackscope', 'r1:eth0,h1:eth0', '0x09,0x09', '0x0001,0x0002', '', '']]);
  });

  it('capinfos reports pcapng, Ethernet, 3 packets', () => {
    const info = capinfos(file);
    if (info === undefined) return; // capinfos not installed: tshark checks above still ran
    expect(info).toEqual({ fileType: 'pcapng', encapsulation: 'ether', packets: 3 });
  });
});
