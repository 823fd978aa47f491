/**
 * The receiver's out-of-order queue: segments beyond RCV.NXT held until the gap fills, and the
 * SACK blocks describing them (RFC 2018 §4: the first block reports the most recently
 * received segment; later blocks repeat the most recently reported ones).
 */
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt } from './seq.ts';

interface Block {
  start: number;
  end: number;
  parts: Array<{ seq: number; data: Uint8Array }>;
  touched: number;
}

export class ReassemblyQueue {
  private blocks: Block[] = [];
  private clock = 0;
  bytes = 0;

  get empty(): boolean {
    return this.blocks.length === 0;
  }

  /** Adds data at `seq` (already trimmed to the window, beyond RCV.NXT). */
  add(seq: number, data: Uint8Array): void {
    if (data.length === 0) return;
    const end = seqAdd(seq, data.length);
    this.clock++;
    const merged: Block = { start: seq, end, parts: [{ seq, data }], touched: this.clock };
    const keep: Block[] = [];
    for (const b of this.blocks) {
      if (seqLt(b.end, merged.start) || seqGt(b.start, merged.end)) {
        keep.push(b);
        continue;
      }
      // Overlapping or adjacent: merge (existing bytes win where they overlap).
      merged.start = seqLt(b.start, merged.start) ? b.start : merged.start;
      merged.end = seqGt(b.end, merged.end) ? b.end : merged.end;
      merged.parts = [...b.parts, ...merged.parts];
    }
    keep.push(merged);
    keep.sort((x, y) => seqDiff(x.start, y.start));
    this.blocks = keep;
    this.recount();
  }

  private recount(): void {
    let n = 0;
    for (const b of this.blocks) n += seqDiff(b.end, b.start);
    this.bytes = n;
  }

  /** Removes and returns the contiguous bytes starting at `rcvNxt`, if the first block starts there (or before). */
  take(rcvNxt: number): Uint8Array | undefined {
    const b = this.blocks[0];
    if (!b || seqGt(b.start, rcvNxt)) return undefined;
    this.blocks.shift();
    this.recount();
    if (seqLe(b.end, rcvNxt)) return this.take(rcvNxt);
    const len = seqDiff(b.end, rcvNxt);
    const out = new Uint8Array(len);
    // Earlier parts were received first; where parts overlap, the first arrival wins: copy the
    // parts last to first so earlier ones overwrite later ones.
    for (let k = b.parts.length - 1; k >= 0; k--) {
      const p = b.parts[k]!;
      const at = seqDiff(p.seq, rcvNxt);
      const from = Math.max(0, -at);
      const to = Math.min(p.data.length, len - at);
      if (from < to) out.set(p.data.subarray(from, to), at + from);
    }
    return out;
  }

  /** Drops everything below `rcvNxt` (it arrived in order some other way). */
  trim(rcvNxt: number): void {
    this.blocks = this.blocks.filter((b) => seqGt(b.end, rcvNxt));
    for (const b of this.blocks) if (seqLt(b.start, rcvNxt)) b.start = rcvNxt;
    this.recount();
  }

  /** Up to `max` SACK blocks [left, right), most recently updated first (RFC 2018 §4). */
  sackBlocks(max: number): Array<[number, number]> {
    return [...this.blocks]
      .sort((a, b) => b.touched - a.touched)
      .slice(0, max)
      .map((b) => [b.start, b.end] as [number, number]);
  }

  /** True if [seq, seq+len) is entirely held already (a duplicate). */
  holds(seq: number, len: number): boolean {
    const end = seqAdd(seq, len);
    return this.blocks.some((b) => seqLe(b.start, seq) && seqGe(b.end, end));
  }
}
