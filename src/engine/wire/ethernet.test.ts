import { existsSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildFrame, describeEthernet, emitEthernet, ETH_MIN_FRAME, ETHERTYPE, ethernetHeaderLen, EthernetView, parseEthernet } from './ethernet.ts';
import type { EthernetRepr } from './ethernet.ts';
import type { FieldNode } from './field.ts';
import { findField } from './field.ts';
import type { ParseResult } from './result.ts';
import { hexBytes } from './testing/frames.ts';
import { tsharkOnFrames } from '../../../test/oracle/tshark.ts';

const TSHARK = '/usr/bin/tshark';
const hasTshark = existsSync(TSHARK);
const tsharkTitle = (t: string): string => (hasTshark ? t : `${t} (skipped: ${TSHARK} not installed)`);

const tshark = tsharkOnFrames;

// Golden frame from smoltcp's src/wire/ethernet.rs tests (test_ipv4::FRAME_BYTES): dst 01:02:03:04:05:06,
// src 11:12:13:14:15:16, type 0x0800, 50-byte payload 0xaa, 48 x 0x00, 0xff. Checked by hand against
// IEEE 802.3 §3.1.1: 6 + 6 + 2 + 50 = 64 bytes.
const FRAME = hexBytes(`
  010203040506 111213141516 0800
  aa ${'00'.repeat(48)} ff`);
const PAYLOAD = FRAME.subarray(14);
const REPR: EthernetRepr = { dst: 0x010203040506, src: 0x111213141516, ethertype: ETHERTYPE.IPV4 };

// Hand-built 802.1Q frame (IEEE 802.1Q §9.5, §9.6): TPID 0x8100, TCI 0x6064 = PCP 3 (011), DEI 0, VID 100
// (0000 0110 0100), inner type 0x0806 (ARP). tshark decodes it identically (test below).
const TAGGED = hexBytes(`ffffffffffff 020000000001 8100 6064 0806 ${'00'.repeat(42)}`);
const TAGGED_REPR: EthernetRepr = { dst: 0xffffffffffff, src: 0x020000000001, vlan: { pcp: 3, dei: false, vid: 100 }, ethertype: ETHERTYPE.ARP };

function value<T>(r: ParseResult<T>): T {
  if (!r.ok) throw new Error(`${r.error.kind}: ${r.error.message}`);
  return r.value;
}

function allNodes(n: FieldNode): FieldNode[] {
  return [n, ...(n.children ?? []).flatMap(allNodes)];
}

describe('Ethernet II golden bytes (smoltcp test vector)', () => {
  it('RFC 894: deconstruct via the view', () => {
    const v = EthernetView.check(FRAME);
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.value.dst).toBe(0x010203040506);
    expect(v.value.src).toBe(0x111213141516);
    expect(v.value.ethertype).toBe(0x0800);
    expect(v.value.tagged).toBe(false);
    expect(v.value.headerLen).toBe(14);
    expect(v.value.payload).toEqual(PAYLOAD);
  });

  it('RFC 894: construct via view setters', () => {
    const bytes = new Uint8Array(64).fill(0xa5);
    const v = EthernetView.unchecked(bytes);
    v.dst = 0x010203040506;
    v.src = 0x111213141516;
    v.ethertype = ETHERTYPE.IPV4;
    bytes.set(PAYLOAD, 14);
    expect(bytes).toEqual(FRAME);
  });

  it('RFC 894: parse gives the representation', () => {
    const r = parseEthernet(FRAME);
    expect(r).toEqual({ ok: true, value: { repr: REPR, headerLen: 14, payload: PAYLOAD } });
  });

  it('RFC 894: emit writes identical bytes', () => {
    const bytes = new Uint8Array(64).fill(0xa5);
    expect(emitEthernet(REPR, bytes)).toBe(14);
    bytes.set(PAYLOAD, 14);
    expect(bytes).toEqual(FRAME);
    expect(buildFrame(REPR, PAYLOAD)).toEqual(FRAME);
  });
});

describe('IEEE 802.1Q tag', () => {
  it('IEEE 802.1Q §9.6: parse decodes PCP, DEI and VID, payload after the 18-byte header', () => {
    const r = parseEthernet(TAGGED);
    expect(r.ok && r.value.repr).toEqual(TAGGED_REPR);
    expect(r.ok && r.value.headerLen).toBe(18);
    expect(r.ok && r.value.payload.length).toBe(42);
  });

  it('IEEE 802.1Q §9.6: view getters and emit agree with the golden bytes', () => {
    const v = EthernetView.check(TAGGED);
    expect(v.ok && [v.value.tagged, v.value.pcp, v.value.dei, v.value.vid, v.value.ethertype]).toEqual([true, 3, false, 100, 0x0806]);
    expect(ethernetHeaderLen(TAGGED_REPR)).toBe(18);
    expect(buildFrame(TAGGED_REPR, new Uint8Array(42))).toEqual(TAGGED);
  });

  it('IEEE 802.1Q §9.6: DEI and the full 12-bit VID round-trip', () => {
    const repr: EthernetRepr = { dst: 1, src: 2, vlan: { pcp: 7, dei: true, vid: 4095 }, ethertype: ETHERTYPE.IPV6 };
    const f = buildFrame(repr, new Uint8Array(0));
    expect(Array.from(f.subarray(12, 18))).toEqual([0x81, 0x00, 0xff, 0xff, 0x86, 0xdd]);
    expect(value(parseEthernet(f)).repr).toEqual(repr);
  });
});

describe('errors', () => {
  it('IEEE 802.3 §3.1.1: fewer than 14 bytes is truncated', () => {
    for (let n = 0; n < 14; n++) {
      const r = parseEthernet(FRAME.subarray(0, n));
      expect(r.ok ? 'ok' : r.error.kind).toBe('truncated');
    }
  });

  it('IEEE 802.1Q §9.5: a tag without room for TCI and inner type is truncated', () => {
    for (const n of [14, 15, 16, 17]) {
      const r = parseEthernet(TAGGED.subarray(0, n));
      expect(r.ok ? 'ok' : r.error.kind).toBe('truncated');
    }
  });

  it('IEEE 802.3 §3.2.6: a Length/Type below 0x0600 is an 802.3 length, unsupported', () => {
    const f = FRAME.slice();
    f[12] = 0x05;
    f[13] = 0xdc; // 1500
    const r = parseEthernet(f);
    expect(r.ok ? 'ok' : r.error).toMatchObject({ kind: 'unsupported', offset: 12 });
    const d = describeEthernet(f);
    expect(findField(d, 'eth.type')?.error).toMatch(/802.3 length/);
  });
});

describe('buildFrame', () => {
  it('RFC 894: short payloads are zero-padded to 60 bytes (64 with FCS)', () => {
    const f = buildFrame(REPR, new Uint8Array([1, 2, 3]));
    expect(f.length).toBe(ETH_MIN_FRAME);
    expect(Array.from(f.subarray(14, 17))).toEqual([1, 2, 3]);
    expect(f.subarray(17).every((b) => b === 0)).toBe(true);
    const p = parseEthernet(f);
    expect(p.ok && p.value.payload.length).toBe(46); // padding is part of the payload
  });

  it('RFC 894: long payloads are not padded', () => {
    expect(buildFrame(REPR, new Uint8Array(1500)).length).toBe(1514);
  });
});

describe('describeEthernet', () => {
  it('IEEE 802.3 §3.2: field tree with absolute ranges, RFC and meaning', () => {
    const d = describeEthernet(FRAME, 100);
    expect(d.key).toBe('eth');
    expect(d.value).toBe('Src: 11:12:13:14:15:16, Dst: 01:02:03:04:05:06');
    expect([d.start, d.end]).toEqual([100, 114]);
    expect(findField(d, 'eth.dst')).toMatchObject({ start: 100, end: 106, value: '01:02:03:04:05:06 (multicast)' });
    expect(findField(d, 'eth.src')).toMatchObject({ start: 106, end: 112 });
    expect(findField(d, 'eth.type')).toMatchObject({ start: 112, end: 114, value: 'IPv4 (0x0800)' });
    expect(findField(d, 'eth.dst.ig')).toMatchObject({ bitMask: 0x01, start: 100, end: 101 });
    for (const n of allNodes(d)) {
      expect(n.rfc, n.key).toBeTruthy();
      expect(n.meaning, n.key).toBeTruthy();
      expect(n.error, n.key).toBeUndefined();
    }
  });

  it('IEEE 802.1Q §9.6: tag fields carry bit masks over the TCI', () => {
    const d = describeEthernet(TAGGED);
    expect(findField(d, 'eth.vlan.pcp')).toMatchObject({ value: '3', start: 14, end: 16, bitMask: 0xe000 });
    expect(findField(d, 'eth.vlan.dei')).toMatchObject({ value: '0', bitMask: 0x1000 });
    expect(findField(d, 'eth.vlan.vid')).toMatchObject({ value: '100', bitMask: 0x0fff });
    expect(findField(d, 'eth.type')).toMatchObject({ start: 16, end: 18, value: 'ARP (0x0806)' });
    expect(findField(d, 'eth.dst')?.value).toBe('ff:ff:ff:ff:ff:ff (broadcast)');
  });

  it('IEEE 802.3 §3.1.1: a truncated header describes as far as it goes', () => {
    const d = describeEthernet(FRAME.subarray(0, 9));
    expect(d.error).toMatch(/truncated/);
    expect(findField(d, 'eth.dst')?.error).toBeUndefined();
    expect(findField(d, 'eth.src')).toMatchObject({ value: '[truncated]', start: 6, end: 9 });
    expect(findField(d, 'eth.type')?.value).toBe('[truncated]');
  });
});

describe('properties', () => {
  const macArb = fc.integer({ min: 0, max: 2 ** 48 - 1 });
  const reprArb: fc.Arbitrary<EthernetRepr> = fc.record(
    {
      dst: macArb,
      src: macArb,
      vlan: fc.record({ pcp: fc.integer({ min: 0, max: 7 }), dei: fc.boolean(), vid: fc.integer({ min: 0, max: 4095 }) }),
      ethertype: fc.integer({ min: 0x0600, max: 0xffff }).filter((t) => t !== ETHERTYPE.VLAN),
    },
    { requiredKeys: ['dst', 'src', 'ethertype'] },
  );

  it('parse never throws on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (b) => void parseEthernet(b)));
  });

  it('parse ∘ emit is the identity on valid representations', () => {
    fc.assert(
      fc.property(reprArb, fc.uint8Array({ maxLength: 100 }), (repr, payload) => {
        const f = buildFrame(repr, payload);
        const r = parseEthernet(f);
        expect(r.ok && r.value.repr).toEqual(repr);
        expect(r.ok && r.value.payload.subarray(0, payload.length)).toEqual(payload);
      }),
    );
  });

  it('emit ∘ parse reproduces the header bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 18, maxLength: 64 }), (b) => {
        const r = parseEthernet(b);
        if (!r.ok) return;
        const out = new Uint8Array(r.value.headerLen);
        emitEthernet(r.value.repr, out);
        expect(out).toEqual(b.subarray(0, r.value.headerLen));
      }),
    );
  });

  it('describe never throws and keeps complete fields inside the buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.nat(1000), (b, base) => {
        const d = describeEthernet(b, base);
        for (const n of allNodes(d)) if (n.value !== '[truncated]') expect(n.end).toBeLessThanOrEqual(base + b.length);
      }),
    );
  });
});

describe('outside judge', () => {
  it.skipIf(!hasTshark)(tsharkTitle('tshark decodes our emitted frames the same way'), () => {
    const frames = [FRAME, buildFrame(TAGGED_REPR, new Uint8Array(28)), buildFrame({ dst: 0x0200000000aa, src: 0x0200000000bb, vlan: { pcp: 5, dei: true, vid: 4000 }, ethertype: ETHERTYPE.IPV6 }, new Uint8Array(40))];
    const rows = tshark(frames, ['eth.dst', 'eth.src', 'vlan.priority', 'vlan.dei', 'vlan.id', 'vlan.etype', 'eth.type']);
    expect(rows[0]).toEqual(['01:02:03:04:05:06', '11:12:13:14:15:16', '', '', '', '', '0x0800']);
    expect(rows[1]).toEqual(['ff:ff:ff:ff:ff:ff', '02:00:00:00:00:01', '3', '0', '100', '0x0806', '0x8100']);
    expect(rows[2]!.slice(2, 6)).toEqual(['5', '1', '4000', '0x86dd']);
  });
});
