import { describe, expect, it } from 'vitest';
import { SendBuffer, copyPattern, patternByte, patternSum16 } from './sendbuf.ts';
import { sum16 } from '../../wire/checksum.ts';

describe('synthetic send-buffer bytes', () => {
  it('copyPattern writes exactly patternByte at every phase and length', () => {
    for (const base of [0, 7, 2 ** 40 + 3]) {
      for (let len = 0; len < 40; len++) {
        const out = new Uint8Array(len + 2);
        copyPattern(out, 2, base, len);
        expect([...out.subarray(2)]).toEqual(Array.from({ length: len }, (_, i) => patternByte(base + i)));
      }
    }
    const big = new Uint8Array(70_001);
    copyPattern(big, 0, 3, big.length);
    expect(big.every((b, i) => b === patternByte(3 + i))).toBe(true);
  });

  it('patternSum16 equals sum16 over the materialised bytes (odd and even lengths, any phase)', () => {
    for (let from = 0; from < 23; from++) {
      for (const len of [0, 1, 2, 3, 9, 10, 11, 536, 1447, 1448, 65_535]) {
        const b = new Uint8Array(len);
        copyPattern(b, 0, from + 1e12, len);
        expect(patternSum16(from + 1e12, len)).toBe(sum16(b));
      }
    }
  });

  it('readInto copies real and synthetic chunks and says whether all bytes were synthetic', () => {
    const sb = new SendBuffer();
    sb.write(100);
    sb.write(new Uint8Array([1, 2, 3]));
    sb.write(50);
    const out = new Uint8Array(160);
    expect(sb.readInto(10, 80, out, 5)).toBe(true);
    expect([...out.subarray(5, 85)]).toEqual([...sb.read(10, 80)]);
    expect(sb.readInto(95, 20, out, 0)).toBe(false);
    expect([...out.subarray(0, 20)]).toEqual([95, 96, 97, 98, 99].map(patternByte).concat([1, 2, 3], Array.from({ length: 12 }, (_, i) => patternByte(103 + i))));
  });
});
