/**
 * Seeded randomness. One run has one seed; every consumer asks for a *named stream*
 * (e.g. "link:r1-r2:ab:loss", "host:h1:ephemeral-port"), whose state is derived from
 * (seed, name) alone. Adding a new consumer therefore never reshuffles existing streams.
 *
 * Generator: sfc32 (Small Fast Counter, PractRand-clean), seeded through splitmix32 over an
 * FNV-1a hash of the name. Pure integer arithmetic: identical in Node and browsers.
 */

function fnv1a(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

export class RandomStream {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, readonly name: string) {
    const st = { s: fnv1a(name, seed >>> 0) ^ Math.imul(seed >>> 0, 0x9e3779b1) };
    this.a = splitmix32(st);
    this.b = splitmix32(st);
    this.c = splitmix32(st);
    this.d = splitmix32(st);
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** Uniform unsigned 32-bit integer. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1) with 32 bits of randomness. */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [lo, hi] (inclusive), unbiased by rejection. */
  int(lo: number, hi: number): number {
    const span = hi - lo + 1;
    if (span <= 0 || span > 4294967296) throw new RangeError(`bad range [${lo}, ${hi}]`);
    const limit = 4294967296 - (4294967296 % span);
    let x = this.u32();
    while (x >= limit) x = this.u32();
    return lo + (x % span);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return p > 0 && (p >= 1 || this.next() < p);
  }

  /** Captures the generator state (for snapshots). */
  save(): [number, number, number, number] {
    return [this.a, this.b, this.c, this.d];
  }

  restore(s: readonly [number, number, number, number]): void {
    [this.a, this.b, this.c, this.d] = s;
  }
}

export class Rng {
  private streams = new Map<string, RandomStream>();

  constructor(readonly seed: number) {}

  /** The named stream; created on first use, the same object afterwards. */
  stream(name: string): RandomStream {
    let s = this.streams.get(name);
    if (!s) {
      s = new RandomStream(this.seed, name);
      this.streams.set(name, s);
    }
    return s;
  }
}
