/**
 * TCP sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4): comparisons use the signed
 * 32-bit difference, valid while the numbers are less than 2^31 apart.
 */
export const seqAdd = (a: number, n: number): number => (a + n) >>> 0;
/** a − b as a signed 32-bit distance. */
export const seqDiff = (a: number, b: number): number => (a - b) | 0;
export const seqLt = (a: number, b: number): boolean => seqDiff(a, b) < 0;
export const seqLe = (a: number, b: number): boolean => seqDiff(a, b) <= 0;
export const seqGt = (a: number, b: number): boolean => seqDiff(a, b) > 0;
export const seqGe = (a: number, b: number): boolean => seqDiff(a, b) >= 0;
export const seqMax = (a: number, b: number): number => (seqGt(a, b) ? a : b);
export const seqMin = (a: number, b: number): number => (seqLt(a, b) ? a : b);
/** lo <= x < hi in sequence space. */
export const seqInRange = (x: number, lo: number, hi: number): boolean => seqLe(lo, x) && seqLt(x, hi);
