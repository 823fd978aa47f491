import { existsSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ARP_LEN, ARP_OP, ArpView, describeArp, emitArp, parseArp } from './arp.ts';
import type { ArpRepr } from './arp.ts';
import { ip4, MAC_BROADCAST } from './addr.ts';
import { buildFrame, ETHERTYPE } from './ethernet.ts';
import type { FieldNode } from './field.ts';
import { findField } from './field.ts';
import { hexBytes } from './testing/frames.ts';
import { tsharkOnFrames } from '../../../test/oracle/tshark.ts';

const TSHARK = '/usr/bin/tshark';
const hasTshark = existsSync(TSHARK);
const tsharkTitle = (t: string): string => (hasTshark ? t : `${t} (skipped: ${TSHARK} not installed)`);

const tshark = tsharkOnFrames;

// Golden packet from smoltcp's src/wire/arp.rs tests (PACKET_BYTES), laid out per RFC 826
// "Packet format": ar$hrd 0x0001 (Ethernet), ar$pro 0x0800, ar$hln 6, ar$pln 4, ar$op 1 (request),
// ar$sha 11:12:13:14:15:16, ar$spa 33.34.35.36, ar$tha 31:32:33:34:35:36, ar$tpa 65.66.67.68.
const PACKET = hexBytes(`
  0001 0800 06 04 0001
  111213141516 21222324
  313233343536 41424344`);
const REPR: ArpRepr = { op: ARP_OP.REQUEST, senderMac: 0x111213141516, senderIp: ip4('33.34.35.36'), targetMac: 0x313233343536, targetIp: ip4('65.66.67.68') };

function allNodes(n: FieldNode): FieldNode[] {
  return [n, ...(n.children ?? []).flatMap(allNodes)];
}

describe('ARP golden bytes (smoltcp test vector)', () => {
  it('RFC 826 (Packet format): deconstruct via the view', () => {
    const r = ArpView.check(PACKET);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const v = r.value;
    expect([v.htype, v.ptype, v.hlen, v.plen, v.op, v.length]).toEqual([1, 0x0800, 6, 4, 1, 28]);
    expect([v.senderMac, v.senderIp, v.targetMac, v.targetIp]).toEqual([REPR.senderMac, REPR.senderIp, REPR.targetMac, REPR.targetIp]);
    expect(v.offsets).toEqual([8, 14, 18, 24]);
  });

  it('RFC 826 (Packet format): construct via view setters', () => {
    const bytes = new Uint8Array(28).fill(0xa5);
    const v = ArpView.unchecked(bytes);
    v.htype = 1;
    v.ptype = 0x0800;
    v.hlen = 6;
    v.plen = 4;
    v.op = 1;
    v.senderMac = REPR.senderMac;
    v.senderIp = REPR.senderIp;
    v.targetMac = REPR.targetMac;
    v.targetIp = REPR.targetIp;
    expect(bytes).toEqual(PACKET);
  });

  it('RFC 826 (Packet format): parse gives the representation', () => {
    expect(parseArp(PACKET)).toEqual({ ok: true, value: REPR });
  });

  it('RFC 826 (Packet format): emit writes identical bytes', () => {
    const bytes = new Uint8Array(30).fill(0xa5);
    expect(emitArp(REPR, bytes, 2)).toBe(ARP_LEN);
    expect(bytes.subarray(2)).toEqual(PACKET);
  });

  it('RFC 894: trailing Ethernet padding is ignored', () => {
    const padded = new Uint8Array(46);
    padded.set(PACKET);
    padded.fill(0xee, 28);
    expect(parseArp(padded)).toEqual({ ok: true, value: REPR });
  });
});

describe('errors', () => {
  it('RFC 826: fewer than 28 bytes is truncated', () => {
    for (let n = 0; n < 28; n++) {
      const r = parseArp(PACKET.subarray(0, n));
      expect(r.ok ? 'ok' : r.error.kind).toBe('truncated');
    }
  });

  const mutate = (at: number, v: number): Uint8Array => {
    const b = PACKET.slice();
    b[at] = v;
    return b;
  };

  it.each([
    ['hardware type 6 (IEEE 802)', mutate(1, 6), 0],
    ['protocol type 0x86dd', (() => { const b = PACKET.slice(); b[2] = 0x86; b[3] = 0xdd; return b; })(), 2],
    ['hardware length 8', (() => { const b = new Uint8Array(36); b.set(PACKET.subarray(0, 8)); b[4] = 8; return b; })(), 4],
    ['protocol length 16', (() => { const b = new Uint8Array(52); b.set(PACKET.subarray(0, 8)); b[5] = 16; return b; })(), 5],
    ['operation 3 (RARP request, RFC 903)', mutate(7, 3), 6],
    ['operation 8 (InARP request, RFC 2390)', mutate(7, 8), 6],
  ])('RFC 826: %s is unsupported', (_name, bytes, offset) => {
    const r = parseArp(bytes);
    expect(r.ok ? 'ok' : r.error).toMatchObject({ kind: 'unsupported', offset });
  });

  it('RFC 826: the view follows hlen/plen for foreign address sizes', () => {
    const b = new Uint8Array(8 + 2 * (8 + 16));
    b.set([0, 6, 0x86, 0xdd, 8, 16, 0, 1]);
    const v = ArpView.check(b);
    expect(v.ok && v.value.offsets).toEqual([8, 16, 32, 40]);
    expect(ArpView.check(b.subarray(0, 55)).ok).toBe(false);
  });
});

describe('describeArp', () => {
  it('RFC 826: a request reads "Who has ...? Tell ..."', () => {
    const d = describeArp(PACKET, 14);
    expect(d).toMatchObject({ key: 'arp', value: 'Who has 65.66.67.68? Tell 33.34.35.36', start: 14, end: 42 });
    expect(findField(d, 'arp.op')?.value).toBe('request (1)');
    expect(findField(d, 'arp.sha')).toMatchObject({ value: '11:12:13:14:15:16', start: 22, end: 28 });
    expect(findField(d, 'arp.tpa')).toMatchObject({ value: '65.66.67.68', start: 38, end: 42 });
    for (const n of allNodes(d)) {
      expect(n.rfc, n.key).toBeTruthy();
      expect(n.meaning, n.key).toBeTruthy();
    }
  });

  it('RFC 826: a reply reads "... is at ..."; a gratuitous request is named so', () => {
    const reply = new Uint8Array(28);
    emitArp({ ...REPR, op: ARP_OP.REPLY }, reply);
    expect(describeArp(reply).value).toBe('33.34.35.36 is at 11:12:13:14:15:16');
    const grat = new Uint8Array(28);
    emitArp({ ...REPR, targetIp: REPR.senderIp, targetMac: 0 }, grat);
    expect(describeArp(grat).value).toBe('Gratuitous ARP for 33.34.35.36');
  });

  it('RFC 826: a truncated packet describes as far as it goes', () => {
    const d = describeArp(PACKET.subarray(0, 16));
    expect(d.error).toMatch(/needs 28 bytes/);
    expect(findField(d, 'arp.sha')?.error).toBeUndefined();
    expect(findField(d, 'arp.spa')).toMatchObject({ value: '[truncated]', start: 14, end: 16 });
    expect(findField(d, 'arp.tpa')?.value).toBe('[truncated]');
  });
});

describe('properties', () => {
  const reprArb: fc.Arbitrary<ArpRepr> = fc.record({
    op: fc.constantFrom(ARP_OP.REQUEST, ARP_OP.REPLY),
    senderMac: fc.integer({ min: 0, max: 2 ** 48 - 1 }),
    senderIp: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    targetMac: fc.integer({ min: 0, max: 2 ** 48 - 1 }),
    targetIp: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  });

  it('parse never throws on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 60 }), (b) => void parseArp(b)));
  });

  it('parse ∘ emit is the identity on valid representations', () => {
    fc.assert(
      fc.property(reprArb, (repr) => {
        const b = new Uint8Array(ARP_LEN);
        emitArp(repr, b);
        expect(parseArp(b)).toEqual({ ok: true, value: repr });
      }),
    );
  });

  it('describe never throws on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), fc.nat(100), (b, base) => void describeArp(b, base)));
  });
});

describe('outside judge', () => {
  it.skipIf(!hasTshark)(tsharkTitle('tshark decodes our emitted request and reply the same way'), () => {
    const me = 0x020000000001;
    const peer = 0x020000000002;
    const req = new Uint8Array(ARP_LEN);
    emitArp({ op: ARP_OP.REQUEST, senderMac: me, senderIp: ip4('10.0.0.1'), targetMac: 0, targetIp: ip4('10.0.0.2') }, req);
    const rep = new Uint8Array(ARP_LEN);
    emitArp({ op: ARP_OP.REPLY, senderMac: peer, senderIp: ip4('10.0.0.2'), targetMac: me, targetIp: ip4('10.0.0.1') }, rep);
    const frames = [buildFrame({ dst: MAC_BROADCAST, src: me, ethertype: ETHERTYPE.ARP }, req), buildFrame({ dst: me, src: peer, ethertype: ETHERTYPE.ARP }, rep)];
    const rows = tshark(frames, ['arp.hw.type', 'arp.proto.type', 'arp.opcode', 'arp.src.hw_mac', 'arp.src.proto_ipv4', 'arp.dst.hw_mac', 'arp.dst.proto_ipv4']);
    expect(rows).toEqual([
      ['1', '0x0800', '1', '02:00:00:00:00:01', '10.0.0.1', '00:00:00:00:00:00', '10.0.0.2'],
      ['1', '0x0800', '2', '02:00:00:00:00:02', '10.0.0.2', '02:00:00:00:00:01', '10.0.0.1'],
    ]);
  });
});
