/**
 * Hostile input: every malformed message returns a typed error (a server answers FORMERR), and
 * neither the parser nor the inspector throws on any bytes.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { describeDns, describeDnsTcp, emitDnsMessage, parseDnsMessage } from '../../src/engine/wire/dns/index.ts';
import type { FieldNode } from '../../src/engine/wire/field.ts';
import { sampleResponse } from './corpus.ts';

const header = (qd: number, an = 0, ns = 0, ar = 0): number[] => [0x12, 0x34, 0x01, 0x00, 0, qd, 0, an, 0, ns, 0, ar];
const q = (...name: number[]): Uint8Array => Uint8Array.from([...header(1), ...name, 0, 1, 0, 1]);
const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));

function expectError(bytes: Uint8Array, re: RegExp, kind?: string): void {
  let r: ReturnType<typeof parseDnsMessage> | undefined;
  expect(() => (r = parseDnsMessage(bytes))).not.toThrow();
  expect(r!.ok).toBe(false);
  if (r!.ok) return;
  expect(r!.error.message).toMatch(re);
  if (kind) expect(r!.error.kind).toBe(kind);
  expect(() => describeDns(bytes, 0)).not.toThrow();
  expect(errors(describeDns(bytes, 0)).length).toBeGreaterThan(0);
}

function errors(n: FieldNode): string[] {
  return [...(n.error ? [n.error] : []), ...(n.children ?? []).flatMap(errors)];
}

/** An answer record for "a" (type A) with the given RDATA. */
const answerA = (rdata: number[], rdlen = rdata.length): Uint8Array => Uint8Array.from([...header(0, 1), 1, 0x61, 0, 0, 1, 0, 1, 0, 0, 0, 60, rdlen >> 8, rdlen & 0xff, ...rdata]);

describe('hostile DNS messages', () => {
  it('RFC 1035 §4.1.4: a pointer to itself (a loop) is an error', () => {
    expectError(q(0xc0, 12), /does not point backwards/, 'malformed');
  });

  it('RFC 1035 §4.1.4: two pointers pointing at each other (a loop) are an error', () => {
    // Name at 12 is a label then a pointer to 12's own label run start -> loop.
    expectError(q(1, 0x61, 0xc0, 12), /does not point backwards/, 'malformed');
  });

  it('RFC 1035 §4.1.4: a forward pointer is an error', () => {
    expectError(q(0xc0, 20), /does not point backwards/, 'malformed');
  });

  it('RFC 1035 §4.1.4: a pointer past the end of the message is an error', () => {
    expectError(Uint8Array.from([...header(1), 0xff, 0xff]), /point|past|end/);
  });

  it('RFC 1035 §4.1.4: a pointer cut short by the end of the message is an error', () => {
    expectError(Uint8Array.from([...header(1), 0xc0]), /cut short/, 'truncated');
  });

  it('RFC 1035 §2.3.4: a label longer than 63 octets (0x40/0x80 label types) is an error', () => {
    expectError(q(64, ...new Array(64).fill(0x61)), /label type/, 'malformed');
    expectError(q(0x80, 0x61), /label type/, 'malformed');
  });

  it('RFC 1035 §3.1: a name longer than 255 octets is an error, even when built from pointers', () => {
    const long = Array.from({ length: 5 }, () => [63, ...new Array(63).fill(0x61)]).flat(); // 320 octets
    expectError(q(...long), /longer than 255/, 'malformed');
    // 4 labels of 63 (256 with the root) assembled through a backwards pointer.
    const first = [63, ...new Array(63).fill(0x62), 63, ...new Array(63).fill(0x63), 0];
    const msg = Uint8Array.from([...header(2), ...first, 0, 1, 0, 1, 63, ...new Array(63).fill(0x64), 63, ...new Array(63).fill(0x65), 0xc0, 12, 0, 1, 0, 1]);
    expectError(msg, /longer than 255/, 'malformed');
  });

  it('RFC 1035 §4.1.3: RDATA shorter than RDLENGTH says (truncated message) is an error', () => {
    expectError(answerA([192, 0, 2], 4), /runs past the end/, 'truncated');
  });

  it('RFC 1035 §3.4.1: an A record whose RDLENGTH is not 4 is an error', () => {
    expectError(answerA([192, 0, 2, 1, 9]), /must be 4 octets/, 'malformed');
  });

  it('RFC 1035 §4.1.1: counts larger than the data are an error', () => {
    expectError(Uint8Array.from(header(3)), /question 1/, 'truncated');
    expectError(Uint8Array.from([...header(2), 1, 0x61, 0, 0, 1, 0, 1]), /question 2/);
    const ok = emitDnsMessage(sampleResponse());
    const more = ok.slice();
    more[7] = more[7]! + 1; // ANCOUNT + 1
    expectError(more, /past the end|cut short/);
  });

  it('RFC 1035 §4.1: octets after the last counted record are an error', () => {
    expectError(Uint8Array.from([...q(1, 0x61, 0), 0xde, 0xad]), /after the last record/, 'malformed');
  });

  it('RFC 1035 §4.1.1: a message shorter than the 12-octet header is an error', () => {
    expectError(Uint8Array.from([0x12, 0x34, 1]), /header/, 'truncated');
  });

  it('RFC 1035 §3.3: a name inside RDATA may not run past RDLENGTH', () => {
    // CNAME with RDLENGTH 3 but a name "abc" (5 octets with its length and root).
    const m = Uint8Array.from([...header(0, 1), 1, 0x61, 0, 0, 5, 0, 1, 0, 0, 0, 60, 0, 3, 3, ...ascii('abc'), 0]);
    expectError(m, /CNAME|RDATA|left over|past/);
  });

  it('RFC 1035 §3.3.14: a TXT character-string longer than its RDATA is an error', () => {
    const m = Uint8Array.from([...header(0, 1), 1, 0x61, 0, 0, 16, 0, 1, 0, 0, 0, 60, 0, 3, 5, 0x61, 0x62]);
    expectError(m, /character-string/, 'malformed');
  });

  it('RFC 9460 §2.2: SvcParams out of order are malformed; a compressed TargetName too', () => {
    const rd = [0, 1, 0, 0, 3, 0, 2, 1, 187, 0, 1, 0, 3, 2, 104, 50];
    expectError(Uint8Array.from([...header(0, 1), 1, 0x61, 0, 0, 65, 0, 1, 0, 0, 0, 60, 0, rd.length, ...rd]), /out of order/, 'malformed');
    const rd2 = [0, 1, 0xc0, 12];
    expectError(Uint8Array.from([...header(0, 1), 1, 0x61, 0, 0, 65, 0, 1, 0, 0, 0, 60, 0, rd2.length, ...rd2]), /must not be compressed/, 'malformed');
  });

  it('RFC 4034 §4.1.2: an NSEC type bitmap with a zero-length window is an error', () => {
    const rd = [0, 0, 0];
    expectError(Uint8Array.from([...header(0, 1), 1, 0x61, 0, 0, 47, 0, 1, 0, 0, 0, 60, 0, rd.length, ...rd]), /bitmap length/, 'malformed');
  });

  it('every cut of a valid message is an error, not an exception', () => {
    const full = emitDnsMessage(sampleResponse());
    for (let n = 0; n < full.length; n++) {
      const r = parseDnsMessage(full.subarray(0, n));
      expect(r.ok, `cut at ${n}`).toBe(false);
      expect(() => describeDns(full.subarray(0, n), 0)).not.toThrow();
    }
    expect(parseDnsMessage(full).ok).toBe(true);
  });

  it('parseDnsMessage and describeDns never throw on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        expect(() => parseDnsMessage(b)).not.toThrow();
        expect(() => describeDns(b, 0)).not.toThrow();
        expect(() => describeDnsTcp(b, 0)).not.toThrow();
      }),
      { numRuns: 5000 },
    );
  });

  it('parseDnsMessage never throws on mutated valid messages (bit flips keep most structure)', () => {
    const base = emitDnsMessage(sampleResponse());
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: base.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), (edits) => {
        const b = base.slice();
        for (const [at, v] of edits) b[at] = v;
        expect(() => parseDnsMessage(b)).not.toThrow();
        const node = describeDns(b, 0);
        const walk = (n: FieldNode): void => {
          expect(n.start).toBeLessThanOrEqual(n.end);
          expect(n.end).toBeLessThanOrEqual(b.length);
          n.children?.forEach(walk);
        };
        walk(node);
      }),
      { numRuns: 3000 },
    );
  });
});
