/**
 * The UI's copy of a run's trace: append-only typed columns outside React (DESIGN.md UI
 * contract: no deep-reactive trace arrays). Batches from the worker are appended as they
 * arrive; views read by index. `version` increases on every append so React shells can
 * subscribe cheaply (the store mirrors it as `traceVersion`).
 */
import type { TraceKindInfo } from '../../engine/index.ts';
import type { TraceBatch } from '../../worker/protocol.ts';

type Column = Float64Array | Int32Array | Uint16Array | Uint8Array;

/**
 * Columns are stored in fixed-size chunks: growing adds a chunk and never copies what is already
 * there (doubling a contiguous million-event column would hold the main thread for tens of
 * milliseconds while a run streams in). Event i is at chunk i >> SHIFT, slot i & MASK.
 */
const SHIFT = 16;
const CHUNK = 1 << SHIFT;
const MASK = CHUNK - 1;

/** Adds chunks to `chunks` until it holds `n` items. */
function reserve<T extends Column>(chunks: T[], n: number, make: (size: number) => T): void {
  while (chunks.length * CHUNK < n) chunks.push(make(CHUNK));
}

/** Copies `src` into chunked storage from position `at`. */
function store<T extends Column>(chunks: T[], src: T, at: number): void {
  let off = 0;
  while (off < src.length) {
    const i = at + off;
    const slot = i & MASK;
    const take = Math.min(CHUNK - slot, src.length - off);
    chunks[i >>> SHIFT]!.set(src.subarray(off, off + take) as never, slot);
    off += take;
  }
}

export class TraceBuffer {
  private time: Float64Array[] = [];
  private kind: Uint16Array[] = [];
  private node: Int32Array[] = [];
  private iface: Int32Array[] = [];
  private pkt: Int32Array[] = [];
  private a: Float64Array[] = [];
  private b: Float64Array[] = [];
  private text: Int32Array[] = [];
  private pLen: Int32Array[] = [];
  private pParent: Int32Array[] = [];
  private pCreated: Float64Array[] = [];
  private pProto: Uint8Array[] = [];
  private strings: string[] = [];
  private kindIds = new Map<string, number>();
  /** Number of events. */
  length = 0;
  packetCount = 0;
  /** Increases on every change (append or reset). */
  version = 0;
  private readonly listeners = new Set<() => void>();

  constructor(
    public kinds: readonly TraceKindInfo[] = [],
    public protoClasses: readonly string[] = [],
  ) {
    this.indexKinds();
  }

  private indexKinds(): void {
    this.kindIds = new Map(this.kinds.map((k, i) => [k.name, i]));
  }

  /** Forgets everything (a new run). */
  reset(kinds: readonly TraceKindInfo[], protoClasses: readonly string[]): void {
    this.kinds = kinds;
    this.protoClasses = protoClasses;
    this.indexKinds();
    this.length = 0;
    this.packetCount = 0;
    this.strings = [];
    this.version++;
    this.changed();
  }

  /** Calls `fn` after every append or reset (synchronously); returns the unsubscribe. */
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(): void {
    for (const fn of this.listeners) fn();
  }

  append(batch: TraceBatch): void {
    if (batch.firstEvent !== this.length) throw new Error(`trace batch out of order: expected event ${this.length}, got ${batch.firstEvent}`);
    if (batch.firstPacket !== this.packetCount) throw new Error(`trace batch out of order: expected packet ${this.packetCount}, got ${batch.firstPacket}`);
    if (batch.firstString !== this.strings.length) throw new Error(`trace batch out of order: expected string ${this.strings.length}, got ${batch.firstString}`);
    const n = batch.time.length;
    const end = this.length + n;
    const p = batch.packetLen.length;
    const pEnd = this.packetCount + p;
    const f64 = (k: number) => new Float64Array(k);
    const i32 = (k: number) => new Int32Array(k);
    reserve(this.time, end, f64);
    reserve(this.kind, end, (k) => new Uint16Array(k));
    reserve(this.node, end, i32);
    reserve(this.iface, end, i32);
    reserve(this.pkt, end, i32);
    reserve(this.a, end, f64);
    reserve(this.b, end, f64);
    reserve(this.text, end, i32);
    reserve(this.pLen, pEnd, i32);
    reserve(this.pParent, pEnd, i32);
    reserve(this.pCreated, pEnd, f64);
    reserve(this.pProto, pEnd, (k) => new Uint8Array(k));
    store(this.time, batch.time, this.length);
    store(this.kind, batch.kind, this.length);
    store(this.node, batch.node, this.length);
    store(this.iface, batch.iface, this.length);
    store(this.pkt, batch.pkt, this.length);
    store(this.a, batch.a, this.length);
    store(this.b, batch.b, this.length);
    store(this.text, batch.text, this.length);
    this.length = end;
    for (const s of batch.strings) this.strings.push(s);
    store(this.pLen, batch.packetLen, this.packetCount);
    store(this.pParent, batch.packetParent, this.packetCount);
    store(this.pCreated, batch.packetCreated, this.packetCount);
    store(this.pProto, batch.packetProto, this.packetCount);
    this.packetCount = pEnd;
    this.version++;
    this.changed();
  }

  timeAt(i: number): number {
    return this.time[i >>> SHIFT]![i & MASK]!;
  }
  kindAt(i: number): number {
    return this.kind[i >>> SHIFT]![i & MASK]!;
  }
  kindName(i: number): string {
    const k = this.kindAt(i);
    return this.kinds[k]?.name ?? `kind#${k}`;
  }
  /** Kind id for a name, or -1 if this run's engine does not know it. */
  kindId(name: string): number {
    return this.kindIds.get(name) ?? -1;
  }
  nodeAt(i: number): number {
    return this.node[i >>> SHIFT]![i & MASK]!;
  }
  ifaceAt(i: number): number {
    return this.iface[i >>> SHIFT]![i & MASK]!;
  }
  pktAt(i: number): number {
    return this.pkt[i >>> SHIFT]![i & MASK]!;
  }
  aAt(i: number): number {
    return this.a[i >>> SHIFT]![i & MASK]!;
  }
  bAt(i: number): number {
    return this.b[i >>> SHIFT]![i & MASK]!;
  }
  textAt(i: number): string | undefined {
    const id = this.text[i >>> SHIFT]![i & MASK]!;
    return id < 0 ? undefined : this.strings[id];
  }
  /** The interned id of event i's text (-1 = none): equal ids mean equal texts within a run. */
  textIdAt(i: number): number {
    return this.text[i >>> SHIFT]![i & MASK]!;
  }

  // Packet accessors answer for any uid: out of range reads as "no such packet" (length 0, no
  // parent, created NaN, protocol class -1 → "other"), as views look up uids they only remember.
  packetLen(uid: number): number {
    return this.hasPacket(uid) ? this.pLen[uid >>> SHIFT]![uid & MASK]! : 0;
  }
  packetParent(uid: number): number {
    return this.hasPacket(uid) ? this.pParent[uid >>> SHIFT]![uid & MASK]! : -1;
  }
  packetCreated(uid: number): number {
    return this.hasPacket(uid) ? this.pCreated[uid >>> SHIFT]![uid & MASK]! : NaN;
  }
  /** Index into PROTO_CLASSES (-1 for an unknown uid). */
  packetProto(uid: number): number {
    return this.hasPacket(uid) ? this.pProto[uid >>> SHIFT]![uid & MASK]! : -1;
  }
  /** Protocol class name ("tcp", "arp", ...; see the engine's PROTO_CLASSES). */
  packetProtoName(uid: number): string {
    return this.protoClasses[this.packetProto(uid)] ?? 'other';
  }
  /** The first packet a chain of rewrites (router forward, NAT) started from. */
  packetOrigin(uid: number): number {
    let u = uid;
    for (let p = this.packetParent(u); p >= 0; p = this.packetParent(u)) u = p;
    return u;
  }
  private hasPacket(uid: number): boolean {
    return uid >= 0 && uid < this.packetCount;
  }

  /** Index of the first event with time > t (events are ordered by time). */
  upperBound(t: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.time[mid >>> SHIFT]![mid & MASK]! <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the first event with time >= t. */
  lowerBound(t: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.time[mid >>> SHIFT]![mid & MASK]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
