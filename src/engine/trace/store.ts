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

/** Events live in chunks of 2^16 (the first one grows by doubling): appending never copies the past. */
const EV_SHIFT = 16;
const EV_CHUNK = 1 << EV_SHIFT;
const EV_MASK = EV_CHUNK - 1;

type Column = Float64Array | Int32Array | Uint16Array;

/** Copies rows [from, to) of a chunked column into one new array. */
function sliceChunks<T extends Column>(chunks: readonly Column[], from: number, to: number, make: (n: number) => T): T {
  const out = make(Math.max(0, to - from));
  let o = 0;
  for (let i = from; i < to; ) {
    const c = i >>> EV_SHIFT;
    const j = i & EV_MASK;
    const n = Math.min(to - i, EV_CHUNK - j);
    out.set(chunks[c]!.subarray(j, j + n), o);
    o += n;
    i += n;
  }
  return out;
}

/** Puts `next` (a fresh chunk, or the grown first chunk holding a copy of its `cap` rows) in `list`. */
function place<T extends Column>(first: boolean, cap: number, list: T[], cur: T, next: T): T {
  if (first) next.set(cur.subarray(0, cap));
  if (first && list.length === 1) list[0] = next;
  else list.push(next);
  return next;
}

export class EventStore {
  private time: Float64Array[] = [];
  private kind: Uint16Array[] = [];
  private node: Int32Array[] = [];
  private iface: Int32Array[] = [];
  private pkt: Int32Array[] = [];
  private a: Float64Array[] = [];
  private b: Float64Array[] = [];
  private text: Int32Array[] = [];
  /** The chunk being filled (the last of each list) and its first free row. */
  private cTime: Float64Array = new Float64Array(0);
  private cKind: Uint16Array = new Uint16Array(0);
  private cNode: Int32Array = new Int32Array(0);
  private cIface: Int32Array = new Int32Array(0);
  private cPkt: Int32Array = new Int32Array(0);
  private cA: Float64Array = new Float64Array(0);
  private cB: Float64Array = new Float64Array(0);
  private cText: Int32Array = new Int32Array(0);
  private fill = 0;
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

  /** Makes room after a full chunk: doubles the first chunk up to the chunk size, else starts a new one. */
  private addRoom(): void {
    const cap = this.cTime.length;
    const first = this.time.length <= 1 && cap < EV_CHUNK;
    const n = first ? Math.max(1024, cap * 2) : EV_CHUNK;
    this.cTime = place(first, cap, this.time, this.cTime, new Float64Array(n));
    this.cKind = place(first, cap, this.kind, this.cKind, new Uint16Array(n));
    this.cNode = place(first, cap, this.node, this.cNode, new Int32Array(n));
    this.cIface = place(first, cap, this.iface, this.cIface, new Int32Array(n));
    this.cPkt = place(first, cap, this.pkt, this.cPkt, new Int32Array(n));
    this.cA = place(first, cap, this.a, this.cA, new Float64Array(n));
    this.cB = place(first, cap, this.b, this.cB, new Float64Array(n));
    this.cText = place(first, cap, this.text, this.cText, new Int32Array(n));
    if (!first) this.fill = 0;
  }

  push(t: number, kind: number, node: number, iface: number, pkt: number, a: number, b: number, text: number): number {
    if (this.fill === this.cTime.length) this.addRoom();
    const j = this.fill++;
    this.cTime[j] = t;
    this.cKind[j] = kind;
    this.cNode[j] = node;
    this.cIface[j] = iface;
    this.cPkt[j] = pkt;
    this.cA[j] = a;
    this.cB[j] = b;
    this.cText[j] = text;
    return this.length++;
  }

  timeAt(i: number): number {
    return this.time[i >>> EV_SHIFT]![i & EV_MASK]!;
  }
  kindIdAt(i: number): number {
    return this.kind[i >>> EV_SHIFT]![i & EV_MASK]!;
  }
  nodeAt(i: number): number {
    return this.node[i >>> EV_SHIFT]![i & EV_MASK]!;
  }
  pktAt(i: number): number {
    return this.pkt[i >>> EV_SHIFT]![i & EV_MASK]!;
  }
  aAt(i: number): number {
    return this.a[i >>> EV_SHIFT]![i & EV_MASK]!;
  }
  bAt(i: number): number {
    return this.b[i >>> EV_SHIFT]![i & EV_MASK]!;
  }
  textAt(i: number): string | undefined {
    const id = this.text[i >>> EV_SHIFT]![i & EV_MASK]!;
    return id < 0 ? undefined : this.strings[id];
  }

  get(i: number): TraceEvent {
    if (i < 0 || i >= this.length) throw new RangeError(`no trace event ${i}`);
    const c = i >>> EV_SHIFT;
    const j = i & EV_MASK;
    return {
      index: i,
      t: this.time[c]![j]!,
      kind: TRACE_KINDS[this.kind[c]![j]!]!.name,
      node: this.node[c]![j]!,
      iface: this.iface[c]![j]!,
      pkt: this.pkt[c]![j]!,
      a: this.a[c]![j]!,
      b: this.b[c]![j]!,
      text: this.textAt(i),
    };
  }

  /** Index of the first event with time > t (binary search; times are non-decreasing). */
  upperBound(t: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.timeAt(mid) <= t) lo = mid + 1;
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
    const lo = Math.max(0, Math.min(from, this.length));
    const hi = Math.max(lo, Math.min(to, this.length));
    return {
      time: sliceChunks(this.time, lo, hi, (n) => new Float64Array(n)),
      kind: sliceChunks(this.kind, lo, hi, (n) => new Uint16Array(n)),
      node: sliceChunks(this.node, lo, hi, (n) => new Int32Array(n)),
      iface: sliceChunks(this.iface, lo, hi, (n) => new Int32Array(n)),
      pkt: sliceChunks(this.pkt, lo, hi, (n) => new Int32Array(n)),
      a: sliceChunks(this.a, lo, hi, (n) => new Float64Array(n)),
      b: sliceChunks(this.b, lo, hi, (n) => new Float64Array(n)),
      text: sliceChunks(this.text, lo, hi, (n) => new Int32Array(n)),
    };
  }

  countKind(kind: TraceKind): number {
    const id = KIND_ID[kind];
    let n = 0;
    for (let i = 0; i < this.length; i++) if (this.kindIdAt(i) === id) n++;
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

  /**
   * `pattern(i)`: the byte at stream offset i of a lazy tail; `fill`, if given, writes `len` of
   * them from offset `from` into `dst` at `at` (faster than byte by byte; same bytes).
   */
  constructor(
    private readonly pattern: (i: number) => number = () => 0,
    private readonly fill?: (dst: Uint8Array, at: number, from: number, len: number) => void,
  ) {}

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
    // Room for the whole frame: copying all of it (one memcpy) and keeping only the stored
    // prefix is cheaper than making a view of the prefix; what lies past it is free space.
    this.arena = grow(this.arena, this.used + bytes.length);
    this.arena.set(bytes, this.used);
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
    if (this.fill) this.fill(out, head, off, tLen);
    else for (let i = 0; i < tLen; i++) out[head + i] = this.pattern(off + i);
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

  /** Length of the frame's lazily stored pattern tail (0: none), and its first stream offset. */
  tailLength(uid: number): number {
    return this.tailLen[uid]!;
  }
  tailOffset(uid: number): number {
    return this.tailOff[uid]!;
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
