import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ip4, ip6 } from '../../wire/addr.ts';
import { internetChecksum } from '../../wire/checksum.ts';
import { ethIpv4, ethIpv6, pcapFile } from '../../wire/testing/frames.ts';
import { tsharkFields } from '../../../../test/oracle/tshark.ts';
import { ecnCapable, ecnField, flowHashOfFrame, markCe } from './flow-hash.ts';

const A4 = ip4('192.0.2.1');
const B4 = ip4('198.51.100.7');
const A6 = ip6('2001:db8::1');
const B6 = ip6('2001:db8::2');

/** An 8-byte UDP/TCP-style header start: ports, then filler. */
function ports(src: number, dst: number, extra = 8): Uint8Array {
  const b = new Uint8Array(4 + extra);
  b[0] = src >> 8;
  b[1] = src & 0xff;
  b[2] = dst >> 8;
  b[3] = dst & 0xff;
  return b;
}

function v4(srcPort: number, dstPort: number, o: { proto?: number; tos?: number; src?: number; dst?: number; id?: number } = {}): Uint8Array {
  const f = ethIpv4({ src: o.src ?? A4, dst: o.dst ?? B4, protocol: o.proto ?? 17, id: o.id ?? 0x1234 }, ports(srcPort, dstPort));
  if (o.tos !== undefined) {
    f[15] = o.tos;
    f[24] = 0;
    f[25] = 0;
    const c = internetChecksum(f, 14, 34);
    f[24] = c >> 8;
    f[25] = c & 0xff;
  }
  return f;
}

function v6(srcPort: number, dstPort: number, o: { nextHeader?: number; tc?: number; payload?: Uint8Array } = {}): Uint8Array {
  const f = ethIpv6({ src: A6, dst: B6, nextHeader: o.nextHeader ?? 17 }, o.payload ?? ports(srcPort, dstPort));
  const tc = o.tc ?? 0;
  f[14] = 0x60 | (tc >> 4);
  f[15] = (tc & 0x0f) << 4;
  return f;
}

/** The same frame with an 802.1Q tag (VLAN 5) after the MAC addresses. */
function tagged(f: Uint8Array): Uint8Array {
  const out = new Uint8Array(f.length + 4);
  out.set(f.subarray(0, 12), 0);
  out.set([0x81, 0x00, 0x00, 0x05], 12);
  out.set(f.subarray(12), 16);
  return out;
}

/** Recomputes the IPv4 header checksum from scratch (field zeroed) and compares with the stored one. */
function ipv4ChecksumValid(f: Uint8Array, ipOff = 14): boolean {
  const h = f.slice(ipOff, ipOff + 20);
  const stored = (h[10]! << 8) | h[11]!;
  h[10] = 0;
  h[11] = 0;
  return internetChecksum(h) === stored;
}

describe('flowHashOfFrame', () => {
  it('RFC 8290 §4.1.1: hashes the 5-tuple — same tuple same hash, any field changed a different hash', () => {
    const base = flowHashOfFrame(v4(1000, 53), 0);
    expect(flowHashOfFrame(v4(1000, 53, { id: 99 }), 0)).toBe(base); // non-tuple fields do not count
    const variants = [v4(1001, 53), v4(1000, 54), v4(1000, 53, { proto: 6 }), v4(1000, 53, { src: ip4('192.0.2.9') }), v4(1000, 53, { dst: A4, src: B4 }), v4(53, 1000)];
    for (const f of variants) expect(flowHashOfFrame(f, 0)).not.toBe(base);
  });

  it('is pinned: the hash of a fixed frame never changes (scenario snapshots depend on it)', () => {
    expect(flowHashOfFrame(v4(1000, 53), 0).toString(16)).toMatchInlineSnapshot(`"eec9bb66"`);
    expect(flowHashOfFrame(v6(1000, 53), 7).toString(16)).toMatchInlineSnapshot(`"b44c7eb"`);
  });

  it('depends on the seed', () => {
    expect(flowHashOfFrame(v4(1000, 53), 1)).not.toBe(flowHashOfFrame(v4(1000, 53), 2));
  });

  it('is 0 for non-IP and truncated frames', () => {
    const arp = v4(1, 2);
    arp[12] = 0x08;
    arp[13] = 0x06;
    expect(flowHashOfFrame(arp, 0)).toBe(0);
    expect(flowHashOfFrame(v4(1, 2).subarray(0, 30), 0)).toBe(0);
    expect(flowHashOfFrame(new Uint8Array(0), 0)).toBe(0);
  });

  it('IEEE 802.1Q: a VLAN tag does not change the hash', () => {
    expect(flowHashOfFrame(tagged(v4(1000, 53)), 3)).toBe(flowHashOfFrame(v4(1000, 53), 3));
    expect(flowHashOfFrame(tagged(v6(1000, 53)), 3)).toBe(flowHashOfFrame(v6(1000, 53), 3));
  });

  it('RFC 791: all fragments of a datagram share a flow (ports are not used for fragments)', () => {
    const first = v4(1000, 53);
    first[20] = 0x20; // MF
    const later = v4(7777, 8888); // bytes where ports would be are payload in a later fragment
    later[20] = 0x00;
    later[21] = 0xb9; // offset 185 × 8
    expect(flowHashOfFrame(first, 0)).toBe(flowHashOfFrame(later, 0));
    expect(flowHashOfFrame(first, 0)).not.toBe(flowHashOfFrame(v4(1000, 53), 0));
  });

  it('RFC 8200 §4: IPv6 extension headers are skipped to reach the ports', () => {
    const hopByHop = new Uint8Array([17, 0, 1, 4, 0, 0, 0, 0]); // next UDP, length 0 (8 bytes), PadN
    const withExt = v6(0, 0, { nextHeader: 0, payload: new Uint8Array([...hopByHop, ...ports(1000, 53)]) });
    expect(flowHashOfFrame(withExt, 0)).toBe(flowHashOfFrame(v6(1000, 53), 0));
    expect(flowHashOfFrame(v6(1000, 54), 0)).not.toBe(flowHashOfFrame(v6(1000, 53), 0));
  });

  it('spreads 4096 flows over 1024 queues (no queue holds more than 16)', () => {
    const counts = new Array<number>(1024).fill(0);
    for (let p = 0; p < 4096; p++) counts[flowHashOfFrame(v4(10000 + p, 443), 0xc0de) % 1024]!++;
    expect(Math.max(...counts)).toBeLessThanOrEqual(16);
    expect(counts.filter((c) => c === 0).length).toBeLessThan(60); // Poisson(4): e^-4·1024 ≈ 19 empty
  });

  it('never throws on arbitrary bytes and returns an unsigned 32-bit value', () => {
    const kinds = [undefined, [0x08, 0x00, 0x45], [0x08, 0x00, 0x4f], [0x86, 0xdd, 0x60]] as const;
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 12, maxLength: 120 }), fc.constantFrom(...kinds), fc.integer(), (raw, kind, seed) => {
        const bytes = raw.slice();
        if (kind !== undefined) bytes.set(kind.slice(0, Math.max(0, bytes.length - 12)), 12);
        for (const f of [bytes, tagged(bytes)]) {
          const h = flowHashOfFrame(f, seed);
          expect(Number.isInteger(h) && h >= 0 && h <= 0xffffffff).toBe(true);
          expect(markCe(f)).toHaveLength(f.length);
          expect(typeof ecnCapable(f)).toBe('boolean');
        }
      }),
    );
  });
});

describe('ECN field', () => {
  it('RFC 3168 §5: ECT(0) and ECT(1) are ECN-capable; Not-ECT and CE are not', () => {
    for (const [ecn, capable] of [[0, false], [1, true], [2, true], [3, false]] as const) {
      expect(ecnField(v4(1, 2, { tos: 0xb8 | ecn }))).toBe(ecn);
      expect(ecnCapable(v4(1, 2, { tos: 0xb8 | ecn }))).toBe(capable);
      expect(ecnField(v6(1, 2, { tc: 0xb8 | ecn }))).toBe(ecn);
      expect(ecnCapable(v6(1, 2, { tc: 0xb8 | ecn }))).toBe(capable);
      expect(ecnCapable(tagged(v4(1, 2, { tos: ecn })))).toBe(capable);
    }
    const arp = v4(1, 2, { tos: 2 });
    arp[13] = 0x06;
    expect(ecnCapable(arp)).toBe(false);
    expect(ecnField(arp)).toBe(-1);
  });

  it('RFC 1624: markCe keeps the IPv4 header checksum valid', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 63 }), fc.constantFrom(1, 2), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffffffff }), (dscp, ect, id, src) => {
        const f = v4(1000, 53, { tos: (dscp << 2) | ect, id, src });
        expect(ipv4ChecksumValid(f)).toBe(true);
        const m = markCe(f);
        expect(m).not.toBe(f);
        expect(m[15]).toBe((dscp << 2) | 3);
        expect(ipv4ChecksumValid(m)).toBe(true);
        // Only the ECN bits and the checksum changed; the input is untouched.
        const diff = [...m].flatMap((b, i) => (b !== f[i] ? [i] : []));
        expect(diff.every((i) => i === 15 || i === 24 || i === 25)).toBe(true);
        expect(f[15]).toBe((dscp << 2) | ect);
      }),
    );
    const t = markCe(tagged(v4(1, 2, { tos: 0x02 })));
    expect(t[19]).toBe(0x03);
    expect(ipv4ChecksumValid(t, 18)).toBe(true);
  });

  it('RFC 3168 §5: markCe sets CE in the IPv6 traffic class and nothing else', () => {
    const f = v6(1000, 53, { tc: 0xb9 });
    const m = markCe(f);
    expect(ecnField(m)).toBe(3);
    expect(((m[14]! & 0x0f) << 4) | (m[15]! >> 4)).toBe(0xbb);
    expect([...m.subarray(16)]).toEqual([...f.subarray(16)]);
  });

  it('RFC 3168 §5: markCe leaves Not-ECT, CE and non-IP frames unchanged (but still copies)', () => {
    for (const f of [v4(1, 2, { tos: 0 }), v4(1, 2, { tos: 3 }), v6(1, 2, { tc: 0 }), new Uint8Array([1, 2, 3])]) {
      const m = markCe(f);
      expect(m).not.toBe(f);
      expect([...m]).toEqual([...f]);
    }
  });
});

const TSHARK = '/usr/bin/tshark';
const HAVE_TSHARK = existsSync(TSHARK);
if (!HAVE_TSHARK) console.warn(`${TSHARK} not found: skipping the tshark cross-check of markCe`);

describe.skipIf(!HAVE_TSHARK)('markCe judged by tshark', () => {
  it('RFC 1624: tshark reads ECN = CE and a good IPv4 header checksum after markCe', () => {
    const frames = [v4(1000, 53, { tos: 0x02 }), v4(1000, 53, { tos: 0xb9, id: 0xffff }), v4(5, 6, { tos: 0x01, src: ip4('255.255.255.254'), dst: ip4('255.255.255.255') })].map(markCe);
    const dir = mkdtempSync(join(tmpdir(), 'stackscope-markce-'));
    try {
      const file = join(dir, 'marked.pcap');
      writeFileSync(file, pcapFile(frames));
      const rows = tsharkFields(file, ['ip.dsfield.ecn', 'ip.checksum.status'], { extraArgs: ['-o', 'ip.check_checksum:TRUE'] });
      expect(rows).toEqual(frames.map(() => ['3', '1']));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
