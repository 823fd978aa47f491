/**
 * DNS codec against fixed bytes: the RFC 1035 §4.1.4 compression layout, a real captured
 * response re-emitted byte for byte, header flag bits, EDNS, truncation and TCP framing.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hexBytes } from '../../src/engine/wire/testing/frames.ts';
import { DnsWriter, readName } from '../../src/engine/wire/dns/names.ts';
import {
  DNS_MAX_UDP_NO_EDNS,
  DnsTcpReassembler,
  cookieOption,
  describeDns,
  dnsFlags,
  ecsOption,
  emitDnsMessage,
  formatRecord,
  frameTcpDns,
  fullRcode,
  parseCookie,
  parseDnsMessage,
  parseEcs,
  nameToLabels,
  normalizeName,
  namesEqual,
  nameKey,
  resolveName,
} from '../../src/engine/wire/dns/index.ts';
import type { DnsMessage, DnsRecord } from '../../src/engine/wire/dns/index.ts';
import { rr, sampleResponse } from './corpus.ts';

const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));

/**
 * RFC 1035 §4.1.4: "F.ISI.ARPA" at offset 20, "FOO.F.ISI.ARPA" at 40 as FOO + pointer to 20,
 * "ARPA" at 64 as a pointer to 26, and the root at 92. Other octets are filler (0xee).
 */
function rfc1035Layout(): Uint8Array {
  const b = new Uint8Array(93).fill(0xee);
  b.set([1, ...ascii('F'), 3, ...ascii('ISI'), 4, ...ascii('ARPA'), 0], 20);
  b.set([3, ...ascii('FOO'), 0xc0, 20], 40);
  b.set([0xc0, 26], 64);
  b[92] = 0;
  return b;
}

// Real MX answer for xkcd.com (tcpdump capture published in google/gopacket layers/udp_test.go;
// the same datagram is the UDP golden in src/engine/wire/udp.test.ts).
const XKCD = hexBytes(`
  b8d8 8180 0001 0007 0000 0000 0478 6b63 6403 636f 6d00 000f
  0001 c00c 000f 0001 0000 0258 0018 0014 0441 4c54 3205 4153 504d 5801 4c06 474f
  4f47 4c45 c011 c00c 000f 0001 0000 0258 0016 001e 0641 5350 4d58 320a 474f 4f47
  4c45 4d41 494c c011 c00c 000f 0001 0000 0258 000b 001e 0641 5350 4d58 33c0 53c0
  0c00 0f00 0100 0002 5800 0b00 1e06 4153 504d 5834 c053 c00c 000f 0001 0000 0258
  000b 001e 0641 5350 4d58 35c0 53c0 0c00 0f00 0100 0002 5800 0400 0ac0 2dc0 0c00
  0f00 0100 0002 5800 0900 1404 414c 5431 c02d`);

function parsed(bytes: Uint8Array): DnsMessage {
  const r = parseDnsMessage(bytes);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('RFC 1035 §4.1.4 compression example', () => {
  it('RFC 1035 §4.1.4: the parser reads F.ISI.ARPA, FOO.F.ISI.ARPA, ARPA and the root at 20, 40, 64, 92', () => {
    const b = rfc1035Layout();
    const at = (off: number): [string, number] => {
      const r = readName(b, off);
      if (!r.ok) throw new Error(r.error.message);
      return [r.value.name, r.value.next];
    };
    expect(at(20)).toEqual(['F.ISI.ARPA', 32]);
    expect(at(40)).toEqual(['FOO.F.ISI.ARPA', 46]);
    expect(at(64)).toEqual(['ARPA', 66]);
    expect(at(92)).toEqual(['.', 93]);
  });

  it('RFC 1035 §4.1.4: the emitter writes the same octets and pointers for the same names at the same offsets', () => {
    const w = new DnsWriter(true);
    const fill = (to: number): void => {
      while (w.length < to) w.u8(0xee);
    };
    fill(20);
    w.name('F.ISI.ARPA', true);
    fill(40);
    w.name('FOO.F.ISI.ARPA', true);
    fill(64);
    w.name('ARPA', true);
    fill(92);
    w.name('.', true);
    expect(w.result()).toEqual(rfc1035Layout());
  });
});

describe('a captured response', () => {
  it('RFC 1035 §4.1: parses the 7 MX records of the xkcd.com answer', () => {
    const m = parsed(XKCD);
    expect(m.id).toBe(0xb8d8);
    expect(m.flags).toEqual(dnsFlags({ qr: true, rd: true, ra: true }));
    expect(m.questions).toEqual([{ name: 'xkcd.com', type: 15, class: 1 }]);
    expect(m.answers.map(formatRecord)).toEqual([
      'xkcd.com.\t\t600\tIN\tMX\t20 ALT2.ASPMX.L.GOOGLE.com.',
      'xkcd.com.\t\t600\tIN\tMX\t30 ASPMX2.GOOGLEMAIL.com.',
      'xkcd.com.\t\t600\tIN\tMX\t30 ASPMX3.GOOGLEMAIL.com.',
      'xkcd.com.\t\t600\tIN\tMX\t30 ASPMX4.GOOGLEMAIL.com.',
      'xkcd.com.\t\t600\tIN\tMX\t30 ASPMX5.GOOGLEMAIL.com.',
      'xkcd.com.\t\t600\tIN\tMX\t10 ASPMX.L.GOOGLE.com.',
      'xkcd.com.\t\t600\tIN\tMX\t20 ALT1.ASPMX.L.GOOGLE.com.',
    ]);
  });

  it('RFC 1035 §4.1.4: re-emitting it reproduces the server\'s compression byte for byte', () => {
    expect(emitDnsMessage(parsed(XKCD))).toEqual(XKCD);
  });

  it('RFC 1035 §4.1.4: without compression the names are written in full and read back the same', () => {
    const m = parsed(XKCD);
    const plain = emitDnsMessage(m, { compress: false });
    expect(plain.length).toBeGreaterThan(XKCD.length);
    expect(JSON.stringify(describeDns(plain, 0))).not.toContain('"key":"pointer"');
    expect(JSON.stringify(describeDns(XKCD, 0))).toContain('"key":"pointer"');
    expect(parsed(plain)).toEqual(m);
  });
});

describe('header and sections', () => {
  it('RFC 1035 §4.1.1 / RFC 4035 §3.2: each flag has its own bit', () => {
    const bits: [keyof ReturnType<typeof dnsFlags>, number][] = [['qr', 0x8000], ['aa', 0x0400], ['tc', 0x0200], ['rd', 0x0100], ['ra', 0x0080], ['ad', 0x0020], ['cd', 0x0010]];
    for (const [flag, mask] of bits) {
      const b = emitDnsMessage({ id: 1, flags: dnsFlags({ [flag]: true }), questions: [], answers: [], authorities: [], additionals: [] });
      expect((b[2]! << 8) | b[3]!, flag).toBe(mask);
      expect(parsed(b).flags[flag]).toBe(true);
    }
    const b = emitDnsMessage({ id: 1, flags: dnsFlags({ opcode: 5, rcode: 3 }), questions: [], answers: [], authorities: [], additionals: [] });
    expect((b[2]! << 8) | b[3]!).toBe((5 << 11) | 3);
  });

  it('RFC 1035 §4.1: a response with every record type round-trips', () => {
    const m = sampleResponse();
    expect(parsed(emitDnsMessage(m))).toEqual(m);
    expect(parsed(emitDnsMessage(m, { compress: false }))).toEqual(m);
  });

  it('RFC 3597 §4: names in SRV, SVCB, RRSIG and NSEC RDATA are never compressed; NS/CNAME/SOA/MX/PTR are', () => {
    const name = 'a.example.com';
    const cases: [DnsRecord, boolean][] = [
      [rr(name, { type: 'SRV', priority: 1, weight: 1, port: 1, target: name }), false],
      [rr(name, { type: 'SVCB', priority: 1, target: name, params: [] }), false],
      [rr(name, { type: 'RRSIG', typeCovered: 1, algorithm: 13, labels: 3, originalTtl: 1, expiration: 2, inception: 1, keyTag: 1, signerName: name, signature: new Uint8Array(4) }), false],
      [rr(name, { type: 'NSEC', nextName: name, types: [1] }), false],
      [rr(name, { type: 'CNAME', target: name }), true],
      [rr(name, { type: 'MX', preference: 1, exchange: name }), true],
    ];
    for (const [record, compressed] of cases) {
      const b = emitDnsMessage({ id: 1, flags: dnsFlags(), questions: [], answers: [record], authorities: [], additionals: [] });
      const pointers = Array.from(b.subarray(12 + 15)).filter((x, i, a) => x === 0xc0 && a[i + 1] === 12).length;
      expect(pointers, record.data.type).toBe(compressed ? 1 : 0);
      expect(parsed(b).answers[0]).toEqual(record);
    }
  });
});

describe('EDNS(0)', () => {
  it('RFC 6891 §6.1.3: payload size, extended RCODE, version and DO travel in CLASS and TTL', () => {
    const m: DnsMessage = {
      id: 9, flags: dnsFlags({ qr: true, rcode: 0 }), questions: [], answers: [], authorities: [], additionals: [],
      edns: { udpPayloadSize: 4096, extendedRcode: 1, version: 0, dnssecOk: true, options: [] },
    };
    const b = emitDnsMessage(m);
    expect(Array.from(b.subarray(12))).toEqual([0, 0, 41, 0x10, 0x00, 1, 0, 0x80, 0, 0, 0]);
    const p = parsed(b);
    expect(p.edns).toEqual(m.edns);
    expect(fullRcode(p)).toBe(16); // BADVERS
  });

  it('RFC 7873 §4 / RFC 7871 §6: COOKIE and CLIENT-SUBNET options', () => {
    const client = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const server = new Uint8Array(16).fill(9);
    expect(parseCookie(cookieOption(client).data)).toEqual({ ok: true, value: { client } });
    expect(parseCookie(cookieOption(client, server).data)).toEqual({ ok: true, value: { client, server } });
    expect(parseCookie(new Uint8Array(12)).ok).toBe(false);
    const ecs = ecsOption({ family: 1, sourcePrefixLength: 20, scopePrefixLength: 0, address: '198.51.100.77' });
    expect(Array.from(ecs.data)).toEqual([0, 1, 20, 0, 198, 51, 96]); // ceil(20/8) = 3 octets, host bits cleared
    expect(parseEcs(ecs.data)).toEqual({ ok: true, value: { family: 1, sourcePrefixLength: 20, scopePrefixLength: 0, address: '198.51.96.0' } });
    const ecs6 = ecsOption({ family: 2, sourcePrefixLength: 56, scopePrefixLength: 0, address: '2001:db8:1:2ff::' });
    expect(parseEcs(ecs6.data)).toEqual({ ok: true, value: { family: 2, sourcePrefixLength: 56, scopePrefixLength: 0, address: '2001:db8:1:200::' } });
    expect(parseEcs(Uint8Array.from([0, 1, 24, 0, 1, 2])).ok).toBe(false); // 24 bits need 3 octets
  });

  it('RFC 6891 §6.1.1: an OPT outside the additional section, a second OPT, or a non-root owner is malformed', () => {
    const base = emitDnsMessage({ id: 1, flags: dnsFlags(), questions: [], answers: [], authorities: [], additionals: [], edns: { udpPayloadSize: 512, extendedRcode: 0, version: 0, dnssecOk: false, options: [] } });
    const opt = base.subarray(12);
    const two = Uint8Array.from([...base.subarray(0, 10), 0, 2, ...opt, ...opt]);
    expect(parseDnsMessage(two).ok).toBe(false);
    const inAnswer = Uint8Array.from([...base.subarray(0, 6), 0, 1, 0, 0, 0, 0, ...opt]);
    expect(parseDnsMessage(inAnswer).ok).toBe(false);
    const named = Uint8Array.from([...base.subarray(0, 12), 1, 0x61, ...opt]);
    expect(parseDnsMessage(named).ok).toBe(false);
  });
});

describe('truncation (maxSize)', () => {
  const question = { name: 'big.example.com', type: 1, class: 1 };
  const many = (n: number, name = 'big.example.com'): DnsRecord[] => Array.from({ length: n }, (_, i) => rr(name, { type: 'A', address: `10.0.${i >> 8}.${i & 255}` }));

  it('RFC 1035 §4.2.1: a 512-octet limit drops answers from the end, sets TC and keeps the question', () => {
    const m: DnsMessage = { id: 1, flags: dnsFlags({ qr: true }), questions: [question], answers: many(60), authorities: [], additionals: [] };
    expect(emitDnsMessage(m).length).toBeGreaterThan(DNS_MAX_UDP_NO_EDNS);
    const b = emitDnsMessage(m, { maxSize: DNS_MAX_UDP_NO_EDNS });
    expect(b.length).toBeLessThanOrEqual(512);
    const p = parsed(b);
    expect(p.flags.tc).toBe(true);
    expect(p.questions).toEqual([question]);
    // RFC 2181 §9: the answer RRset did not fit whole, so none of it is sent.
    expect(p.answers).toEqual([]);
  });

  it('RFC 2181 §9: whole RRsets that fit are kept; the partial one is dropped; the OPT record stays', () => {
    const edns = { udpPayloadSize: 512, extendedRcode: 0, version: 0, dnssecOk: false, options: [{ code: 10, data: new Uint8Array(8) }] };
    const answers = [...many(5, 'a.example.com'), ...many(50, 'b.example.com')];
    const b = emitDnsMessage({ id: 1, flags: dnsFlags({ qr: true }), questions: [question], answers, authorities: [], additionals: [], edns }, { maxSize: 512 });
    const p = parsed(b);
    expect(b.length).toBeLessThanOrEqual(512);
    expect(p.flags.tc).toBe(true);
    expect(p.answers).toEqual(answers.slice(0, 5));
    expect(p.edns).toEqual(edns);
  });

  it('RFC 2181 §9: additional data that does not fit is dropped without setting TC', () => {
    const answers = many(2, 'a.example.com');
    const b = emitDnsMessage({ id: 1, flags: dnsFlags({ qr: true }), questions: [question], answers, authorities: [], additionals: many(60, 'glue.example.com') }, { maxSize: 512 });
    const p = parsed(b);
    expect(p.flags.tc).toBe(false);
    expect(p.answers).toEqual(answers);
    expect(p.additionals).toEqual([]);
  });

  it('RFC 1035 §4.2.1: a message that fits is unchanged', () => {
    const m = sampleResponse();
    expect(emitDnsMessage(m, { maxSize: 65535 })).toEqual(emitDnsMessage(m));
  });
});

describe('TCP framing (RFC 1035 §4.2.2)', () => {
  it('RFC 1035 §4.2.2: a two-octet length prefix', () => {
    expect(Array.from(frameTcpDns(Uint8Array.from([1, 2, 3])))).toEqual([0, 3, 1, 2, 3]);
  });

  it('RFC 7766 §8: the reassembler yields whole messages however the stream is cut', () => {
    const msgs = [emitDnsMessage(sampleResponse()), emitDnsMessage(parsed(XKCD)), new Uint8Array(0)];
    const stream = Uint8Array.from(msgs.flatMap((m) => Array.from(frameTcpDns(m))));
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 20 }), (cuts) => {
        const r = new DnsTcpReassembler();
        const out: Uint8Array[] = [];
        let prev = 0;
        for (const c of [...cuts.sort((a, b) => a - b), stream.length]) {
          out.push(...r.push(stream.subarray(prev, c)));
          prev = c;
        }
        expect(out).toEqual(msgs);
        expect(r.pending).toBe(0);
      }),
    );
  });
});

describe('names in presentation form (RFC 1035 §5.1, RFC 4343)', () => {
  it('RFC 1035 §5.1: escaped dots, backslashes, \\DDD and spaces survive text → wire → text', () => {
    for (const name of ['esc\\.dot.example.com', 'back\\\\slash.example', 'sp\\032ace.example', 'at\\@sign.example', 'bin\\000\\255.example', '*.wild.example']) {
      const m: DnsMessage = { id: 1, flags: dnsFlags(), questions: [{ name, type: 1, class: 1 }], answers: [], authorities: [], additionals: [] };
      expect(parsed(emitDnsMessage(m)).questions[0]!.name).toBe(name);
    }
    expect(normalizeName('A\\066C.example.')).toBe('ABC.example');
    expect(nameToLabels('a..b')).toMatch(/empty label/);
    expect(nameToLabels('x'.repeat(64))).toMatch(/at most 63/);
    expect(nameToLabels(Array.from({ length: 5 }, () => 'x'.repeat(63)).join('.'))).toMatch(/at most 255/);
  });

  it('RFC 4343: name comparison ignores ASCII case only', () => {
    expect(namesEqual('WWW.Example.COM', 'www.example.com.')).toBe(true);
    expect(namesEqual('www.example.com', 'www.example.net')).toBe(false);
    expect(nameKey('WwW.ExAmple.com.')).toBe('www.example.com');
  });

  it('RFC 1035 §5.1: relative names, "@" and escaped trailing dots in zone text', () => {
    expect(resolveName('www', 'example.com', 'x')).toBe('www.example.com');
    expect(resolveName('@', 'example.com', 'x')).toBe('example.com');
    expect(resolveName('abs.example.org.', 'example.com', 'x')).toBe('abs.example.org');
    expect(resolveName('dot\\.', 'example.com', 'x')).toBe('dot\\..example.com');
    expect(resolveName('slash\\\\.', 'example.com', 'x')).toBe('slash\\\\');
  });
});
