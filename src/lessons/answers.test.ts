import { describe, expect, it } from 'vitest';
import { expectedAnswer, grade, normalizeAddress, parseNumber } from './answers.ts';
import type { Answer } from './schema.ts';

function check(answer: Answer, given: string | number, output?: string) {
  const e = expectedAnswer(answer, output);
  if (!e.ok) throw new Error(e.error);
  return grade(e.expected, given);
}

describe('answers', () => {
  it('numbers: tolerance, units and thousands separators', () => {
    expect(check({ number: 64, tolerance: 0 }, ' 64 ').correct).toBe(true);
    expect(check({ number: 64, tolerance: 0 }, '63').correct).toBe(false);
    expect(check({ number: 30, tolerance: 2 }, '31.5 ms').correct).toBe(true);
    expect(check({ number: 1500, tolerance: 0 }, '1,500').correct).toBe(true);
    expect(check({ number: 64, tolerance: 0 }, 'sixty-four').unreadable).toBe('Enter a number.');
    expect(parseNumber('1,5')).toBeNull();
  });

  it('fromOutput takes the first capture group of the run output', () => {
    const out = '64 bytes from 203.0.113.10: icmp_seq=1 ttl=59 time=65.2 ms';
    expect(check({ number: { fromOutput: 'ttl=(\\d+)' }, tolerance: 0 }, 59, out).correct).toBe(true);
    expect(check({ number: { fromOutput: 'ttl=(\\d+)' }, tolerance: 0 }, 64, out).correct).toBe(false);
    expect(expectedAnswer({ number: { fromOutput: 'hops=(\\d+)' }, tolerance: 0 }, out)).toMatchObject({ ok: false, error: expect.stringContaining('does not match') });
    expect(expectedAnswer({ number: { fromOutput: 'ttl=\\d+' }, tolerance: 0 }, out)).toMatchObject({ ok: false, error: expect.stringContaining('no capture group') });
    expect(expectedAnswer({ address: { fromOutput: 'from ([\\d.]+):' } }, out)).toMatchObject({ ok: true, expected: { value: '203.0.113.10' } });
  });

  it('addresses compare in canonical form', () => {
    expect(normalizeAddress('2001:DB8:0:0:0:0:0:1')).toBe('2001:db8::1');
    expect(normalizeAddress('2001:db8:0:1:0:0:0:0')).toBe('2001:db8:0:1::');
    expect(normalizeAddress('::ffff:192.0.2.1')).toBe('::ffff:c000:201');
    expect(normalizeAddress('::1.2.3.4')).toBe('::102:304');
    expect(normalizeAddress('1::2::3')).toBeNull();
    expect(normalizeAddress('256.1.1.1')).toBeNull();
    expect(check({ address: '2001:db8::1' }, '2001:0db8:0000::0001').correct).toBe(true);
    expect(check({ address: '192.0.2.1' }, '192.0.2.10').correct).toBe(false);
  });

  it('text ignores case and extra spaces unless told otherwise', () => {
    expect(check({ text: 'SYN-ACK', caseSensitive: false }, '  syn-ack ').correct).toBe(true);
    expect(check({ text: 'SYN-ACK', caseSensitive: true }, 'syn-ack').correct).toBe(false);
    expect(check({ text: 'time exceeded', caseSensitive: false }, 'Time   Exceeded').correct).toBe(true);
  });

  it('choices are option indexes', () => {
    const a: Answer = { choice: ['TCP', 'ICMP'], correct: 1 };
    expect(check(a, 1).correct).toBe(true);
    expect(check(a, '0').correct).toBe(false);
    expect(check(a, 5).unreadable).toBeDefined();
  });
});
