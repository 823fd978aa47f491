/**
 * Compact, append-only trace storage (DESIGN.md: no millions of JS objects).
 * Events live in parallel typed arrays; frame bytes live in one growing byte arena.
 * Both grow by doubling. Reading materialises one small object at a time.
 */
import type { TraceKind } from './kinds.ts';
import { KIND_ID, TRACE_KINDS } from './kinds.ts';

function grow<T extends Float64Array | Int32Array | Uint16Array | Uint8Array>(arr: T, min: number): T {
  if (arr.length >= min) return arr;
  let n = Math.max(arr.length * 2, 1024);
  while (n < min) n *= 2;
  const next = new (arr.constructor as new (n: number) => T)(n);
  next.set(arr);
  return next;
}

export interface TraceEvent {
  readonly index: number;
  readonly t: number;
  readonly kind: TraceKind;
  readonly node: number;
  readonly iface: number;
  readonly pkt: number;
  readonly a: number;
  readonly b: number;
  readonly text: string | undefined;
}

/** A range of events as parallel columns; `text` holds interned string ids (-1 = none). */
export interface EventColumns {
  readonly time: Float64Array;
  readonly kind: Uint16Array;
  readonly node: Int32Array;
  readonly iface: Int32Array;
  readonly pkt: Int32Array;
  readonly a: Float64Array;
  readonly b: Float64Array;
  readonly text: Int32Array;
}

export class EventStore {
  private time = new Float64Array(1024);
  private kind = new Uint16Array(1024);
  private node = new Int32Array(1024);
  private iface = new Int32Array(1024);
  private pkt = new Int32Array(1024);
  private a = new Float64Array(1024);
  private b = new Float64Array(1024);
  private text = new Int32Array(1024);
  private strings: string[] = [];
  private stringIds = new Map<string, number>();
  length = 0;

  intern(s: string): number {
    let id = this.stringIds.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.stringIds.set(s, id);
    }
    return id;
  }

  push(t: number, kind: number, node: number, iface: number, pkt: number, a: number, b: number, text: number): number {
    const i = this.length;
    if (i >= this.time.length) {
      const n = i + 1;
      this.time = grow(this.time, n);
      this.kind = grow(this.kind, n);
      this.node = grow(this.node, n);
      this.iface = grow(this.iface, n);
      this.pkt = grow(this.pkt, n);
      this.a = grow(this.a, n);
      this.b = grow(this.b, n);
      this.text = grow(this.text, n);
    }
    this.time[i] = t;
    this.kind[i] = kind;
    this.node[i] = node;
    this.iface[i] = iface;
    this.pkt[i] = pkt;
    this.a[i] = a;
    this.b[i] = b;
    this.text[i] = text;
    this.length = i + 1;
    return i;
  }

  timeAt(i: number): number {
    return this.time[i]!;
  }
  kindIdAt(i: number): number {
    return this.kind[i]!;
  }
  nodeAt(i: number): number {
    return this.node[i]!;
  }
  pktAt(i: number): number {
    return this.pkt[i]!;
  }
  aAt(i: number): number {
    return this.a[i]!;
  }
  bAt(i: number): number {
    return this.b[i]!;
  }
  textAt(i: number): string | undefined {
    const id = this.text[i]!;
    return id < 0 ? undefined : this.strings[id];
  }

  get(i: number): TraceEvent {
    if (i < 0 || i >= this.length) throw new RangeError(`no trace event ${i}`);
    return {
      index: i,
      t: this.time[i]!,
      kind: TRACE_KINDS[this.kind[i]!]!.name,
      node: this.node[i]!,
      iface: this.iface[i]!,
      pkt: this.pkt[i]!,
      a: this.a[i]!,
      b: this.b[i]!,
      text: this.textAt(i),
    };
  }

  /** Index of the first event with time > t (binary search; times are non-decreasing). */
  upperBound(t: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.time[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Number of interned strings (text ids are indexes into this table). */
  get stringCount(): number {
    return this.strings.length;
  }

  /** Interned strings from id `from` on (for streaming the table incrementally). */
  stringsFrom(from: number): string[] {
    return this.strings.slice(from);
  }

  /** Copies of the columns for events [from, to): compact, transferable trace batches. */
  columns(from: number, to: number): EventColumns {
    return {
      time: this.time.slice(from, to),
      kind: this.kind.slice(from, to),
      node: this.node.slice(from, to),
      iface: this.iface.slice(from, to),
      pkt: this.pkt.slice(from, to),
      a: this.a.slice(from, to),
      b: this.b.slice(from, to),
      text: this.text.slice(from, to),
    };
  }

  countKind(kind: TraceKind): number {
    const id = KIND_ID[kind];
    let n = 0;
    for (let i = 0; i < this.length; i++) if (this.kind[i] === id) n++;
    return n;
  }

  *events(from = 0, to = this.length): IterableIterator<TraceEvent> {
    for (let i = from; i < to; i++) yield this.get(i);
  }
}

/**
 * A frame's trailing bytes that follow a known deterministic pattern (bulk TCP payload from a
 * synthetic send buffer): only their length and stream offset are stored, and the bytes are
 * regenerated exactly when asked for (DESIGN.md "Payload bytes may be lazy").
 */
export interface PatternTail {
  readonly len: number;
  readonly offset: number;
}

/** Frame bytes by packet uid, with the uid of the frame it was derived from (router rewrite, NAT). */
export class PacketStore {
  private arena = new Uint8Array(1 << 16);
  private used = 0;
  private offset = new Float64Array(1024);
  private len = new Int32Array(1024);
  private tailLen = new Int32Array(1024);
  private tailOff = new Float64Array(1024);
  private parent = new Int32Array(1024);
  private created = new Float64Array(1024);
  count = 0;

  constructor(private readonly pattern: (i: number) => number = () => 0) {}

  /**
   * Records a frame. With `tail`, the last `tail.len` bytes are pattern bytes (not copied);
   * 'inherit' takes the parent's tail when the frame has the parent's length (a forwarded copy).
   */
  add(bytes: Uint8Array, parent: number, timeNs: number, tail?: PatternTail | 'inherit'): number {
    const uid = this.count;
    const n = uid + 1;
    if (n > this.offset.length) {
      this.offset = grow(this.offset, n);
      this.len = grow(this.len, n);
      this.tailLen = grow(this.tailLen, n);
      this.tailOff = grow(this.tailOff, n);
      this.parent = grow(this.parent, n);
      this.created = grow(this.created, n);
    }
    let tLen = 0;
    let tOff = 0;
    if (tail === 'inherit') {
      if (parent >= 0 && parent < this.count && this.tailLen[parent]! > 0 && this.len[parent] === bytes.length) {
        tLen = this.tailLen[parent]!;
        tOff = this.tailOff[parent]!;
      }
    } else if (tail && tail.len > 0 && tail.len <= bytes.length) {
      tLen = tail.len;
      tOff = tail.offset;
    }
    const stored = bytes.length - tLen;
    this.arena = grow(this.arena, this.used + stored);
    this.arena.set(stored === bytes.length ? bytes : bytes.subarray(0, stored), this.used);
    this.offset[uid] = this.used;
    this.len[uid] = bytes.length;
    this.tailLen[uid] = tLen;
    this.tailOff[uid] = tOff;
    this.parent[uid] = parent;
    this.created[uid] = timeNs;
    this.used += stored;
    this.count = n;
    return uid;
  }

  /** The frame's bytes (a view into the arena, or a fresh array for lazy tails: copy before keeping). */
  bytes(uid: number): Uint8Array {
    if (uid < 0 || uid >= this.count) throw new RangeError(`no packet ${uid}`);
    const o = this.offset[uid]!;
    const total = this.len[uid]!;
    const tLen = this.tailLen[uid]!;
    if (tLen === 0) return this.arena.subarray(o, o + total);
    const out = new Uint8Array(total);
    const head = total - tLen;
    out.set(this.arena.subarray(o, o + head));
    const off = this.tailOff[uid]!;
    for (let i = 0; i < tLen; i++) out[head + i] = this.pattern(off + i);
    return out;
  }

  /**
   * The stored (non-pattern) prefix of a frame: always holds every header, never copies.
   * Equals `bytes(uid)` for frames without a lazy tail.
   */
  head(uid: number): Uint8Array {
    if (uid < 0 || uid >= this.count) throw new RangeError(`no packet ${uid}`);
    const o = this.offset[uid]!;
    return this.arena.subarray(o, o + this.len[uid]! - this.tailLen[uid]!);
  }

  length(uid: number): number {
    return this.len[uid]!;
  }

  parentOf(uid: number): number {
    return this.parent[uid]!;
  }

  createdAt(uid: number): number {
    return this.created[uid]!;
  }

  get byteSize(): number {
    return this.used;
  }
}
