/**
 * The send buffer: the byte stream an application wrote and TCP has not yet had acknowledged.
 * Chunks are real bytes, or synthetic runs (a length whose bytes follow a deterministic pattern,
 * like iperf3's --repeating-payload "0123456789…") so bulk senders need not allocate megabytes.
 * Either way, `read` returns the exact bytes that go on the wire.
 */
type Chunk = { start: number; bytes: Uint8Array } | { start: number; synthetic: number };

/** Byte at absolute stream offset `i` of a synthetic run: ASCII digits repeating. */
export function patternByte(i: number): number {
  return 0x30 + (i % 10);
}

export class SendBuffer {
  private chunks: Chunk[] = [];
  private head = 0;
  /** Stream offset of the first byte still held (everything before it was acknowledged). */
  start = 0;
  /** Stream offset one past the last byte written. */
  end = 0;

  get length(): number {
    return this.end - this.start;
  }

  write(data: Uint8Array | number): void {
    const n = typeof data === 'number' ? data : data.length;
    if (n <= 0) return;
    this.chunks.push(typeof data === 'number' ? { start: this.end, synthetic: data } : { start: this.end, bytes: data });
    this.end += n;
  }

  /** Drops bytes before stream offset `upto` (they were acknowledged). */
  release(upto: number): void {
    if (upto <= this.start) return;
    this.start = Math.min(upto, this.end);
    while (this.head < this.chunks.length) {
      const c = this.chunks[this.head]!;
      const len = 'bytes' in c ? c.bytes.length : c.synthetic;
      if (c.start + len > this.start) break;
      this.head++;
    }
    if (this.head > 64 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }

  /** True when every byte of [from, from + len) comes from synthetic runs (pattern bytes). */
  isSynthetic(from: number, len: number): boolean {
    let i = this.findChunk(from);
    let pos = from;
    while (pos < from + len && i < this.chunks.length) {
      const c = this.chunks[i]!;
      if ('bytes' in c) return false;
      pos = c.start + c.synthetic;
      i++;
    }
    return pos >= from + len;
  }

  private findChunk(from: number): number {
    let lo = this.head;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.chunks[mid]!.start <= from) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Copies stream bytes [from, from + len) (must be within [start, end)). */
  read(from: number, len: number): Uint8Array {
    const out = new Uint8Array(len);
    if (len === 0) return out;
    let i = this.findChunk(from);
    let pos = from;
    let o = 0;
    while (o < len && i < this.chunks.length) {
      const c = this.chunks[i]!;
      const clen = 'bytes' in c ? c.bytes.length : c.synthetic;
      const off = pos - c.start;
      const take = Math.min(clen - off, len - o);
      if ('bytes' in c) out.set(c.bytes.subarray(off, off + take), o);
      else for (let k = 0; k < take; k++) out[o + k] = patternByte(pos + k);
      o += take;
      pos += take;
      i++;
    }
    return out;
  }
}
