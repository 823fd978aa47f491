/**
 * The part of datagram reassembly IPv4 and IPv6 share: collecting fragment data by offset with
 * RFC 815 hole descriptors, the RFC 5722 overlap rule (any overlap abandons the datagram; an
 * exact duplicate is ignored, as RFC 8200 §4.5 allows) and the consistency of the last
 * fragment, and the table of datagrams in reassembly with their deadlines. Header handling,
 * keys and size limits belong to ipv4-fragment.ts and ipv6-fragment.ts.
 */

/** A gap in the datagram's data, inclusive bounds as in RFC 815 §3 ("hole.first", "hole.last"). */
interface Hole {
  first: number;
  last: number;
}

interface Piece {
  start: number;
  data: Uint8Array;
}

/** Why a fragment was not used: `drop` ignores this fragment, `abandon` gives up the datagram. */
export type FragmentRefusal = { readonly drop: string } | { readonly abandon: string };

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class FragmentSet {
  private holes: Hole[] = [{ first: 0, last: Infinity }];
  private readonly pieces: Piece[] = [];
  /** Fragments accepted so far. */
  fragments = 0;
  /** Data length, known once the last fragment (MF / M = 0) arrived. */
  total: number | undefined;

  /** Adds `data` at byte offset `start` (`more`: more fragments follow); undefined when accepted. */
  add(start: number, data: Uint8Array, more: boolean): FragmentRefusal | undefined {
    const end = start + data.length;
    for (const p of this.pieces) {
      if (start < p.start + p.data.length && p.start < end) {
        if (p.start === start && sameBytes(p.data, data)) return { drop: 'exact duplicate fragment ignored' };
        return { abandon: `fragment [${start}, ${end}) overlaps [${p.start}, ${p.start + p.data.length}) (RFC 5722 rule)` };
      }
    }
    if (!more) {
      if (this.total !== undefined && this.total !== end) return { abandon: `second last fragment ends at ${end}, not ${this.total}` };
      if (this.pieces.some((p) => p.start + p.data.length > end)) return { abandon: `data beyond the last fragment's end ${end}` };
      this.total = end;
    } else if (this.total !== undefined && end > this.total) {
      return { abandon: `fragment ends at ${end}, beyond the datagram end ${this.total}` };
    }
    this.fragments++;
    // RFC 815 §3 steps 1-8: the new fragment fills part of the one hole it falls into.
    if (data.length > 0) {
      const last = end - 1;
      const next: Hole[] = [];
      for (const h of this.holes) {
        if (start > h.last || last < h.first) {
          next.push(h);
          continue;
        }
        if (start > h.first) next.push({ first: h.first, last: start - 1 });
        if (last < h.last) next.push({ first: last + 1, last: h.last });
      }
      this.holes = next;
      this.pieces.push({ start, data: data.slice() });
    }
    if (this.total !== undefined) {
      const total = this.total;
      this.holes = this.holes.filter((h) => h.first < total).map((h) => ({ first: h.first, last: Math.min(h.last, total - 1) }));
    }
    return undefined;
  }

  /** Every byte from 0 to the last fragment's end has arrived. */
  get complete(): boolean {
    return this.total !== undefined && this.holes.length === 0;
  }

  /** Copies the data into `out` from offset `at`. */
  copyInto(out: Uint8Array, at: number): void {
    for (const p of this.pieces) out.set(p.data, at + p.start);
  }
}

/** Datagrams in reassembly, by key, each with the deadline its first fragment started. */
export abstract class ReassemblyTable<E extends { deadlineNs: number }> {
  protected readonly table = new Map<string, E>();
  /** Why the most recent `push` discarded data, or undefined if it did not. For trace events. */
  lastDrop: string | undefined;
  /** How many fragments the datagram the most recent `push` completed was made of (0 if none). */
  lastFragments = 0;

  constructor(protected readonly timeoutNs: number) {}

  get pending(): number {
    return this.table.size;
  }

  /** Removes and returns every entry whose deadline is at or before `nowNs`, oldest first. */
  protected takeExpired(nowNs: number): E[] {
    const out: E[] = [];
    for (const [key, e] of this.table) {
      if (nowNs < e.deadlineNs) continue;
      this.table.delete(key);
      out.push(e);
    }
    return out;
  }

  protected drop(reason: string): undefined {
    this.lastDrop = reason;
    return undefined;
  }

  protected abandon(key: string, reason: string): undefined {
    this.table.delete(key);
    return this.drop(`reassembly abandoned: ${reason}`);
  }
}
