/**
 * The UI's copy of a run's trace: append-only typed columns outside React (DESIGN.md UI
 * contract: no deep-reactive trace arrays). Batches from the worker are appended as they
 * arrive; views read by index. `version` increases on every append so React shells can
 * subscribe cheaply (the store mirrors it as `traceVersion`).
 */
import type { TraceKindInfo } from '../../engine/index.ts';
import type { TraceBatch } from '../../worker/protocol.ts';

type Column = Float64Array | Int32Array | Uint16Array | Uint8Array;

function grow<T extends Column>(arr: T, min: number): T {
  if (arr.length >= min) return arr;
  let n = Math.max(arr.length * 2, 4096);
  while (n < min) n *= 2;
  const next = new (arr.constructor as new (n: number) => T)(n);
  next.set(arr);
  return next;
}

export class TraceBuffer {
  private time = new Float64Array(0);
  private kind = new Uint16Array(0);
  private node = new Int32Array(0);
  private iface = new Int32Array(0);
  private pkt = new Int32Array(0);
  private a = new Float64Array(0);
  private b = new Float64Array(0);
  private text = new Int32Array(0);
  private strings: string[] = [];
  private pLen = new Int32Array(0);
  private pParent = new Int32Array(0);
  private pCreated = new Float64Array(0);
  private pProto = new Uint8Array(0);
  private kindIds = new Map<string, number>();
  /** Number of events. */
  length = 0;
  packetCount = 0;
  /** Increases on every change (append or reset). */
  version = 0;

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
  }

  append(batch: TraceBatch): void {
    if (batch.firstEvent !== this.length) throw new Error(`trace batch out of order: expected event ${this.length}, got ${batch.firstEvent}`);
    if (batch.firstPacket !== this.packetCount) throw new Error(`trace batch out of order: expected packet ${this.packetCount}, got ${batch.firstPacket}`);
    if (batch.firstString !== this.strings.length) throw new Error(`trace batch out of order: expected string ${this.strings.length}, got ${batch.firstString}`);
    const n = batch.time.length;
    const end = this.length + n;
    this.time = grow(this.time, end);
    this.kind = grow(this.kind, end);
    this.node = grow(this.node, end);
    this.iface = grow(this.iface, end);
    this.pkt = grow(this.pkt, end);
    this.a = grow(this.a, end);
    this.b = grow(this.b, end);
    this.text = grow(this.text, end);
    this.time.set(batch.time, this.length);
    this.kind.set(batch.kind, this.length);
    this.node.set(batch.node, this.length);
    this.iface.set(batch.iface, this.length);
    this.pkt.set(batch.pkt, this.length);
    this.a.set(batch.a, this.length);
    this.b.set(batch.b, this.length);
    this.text.set(batch.text, this.length);
    this.length = end;
    for (const s of batch.strings) this.strings.push(s);
    const p = batch.packetLen.length;
    const pEnd = this.packetCount + p;
    this.pLen = grow(this.pLen, pEnd);
    this.pParent = grow(this.pParent, pEnd);
    this.pCreated = grow(this.pCreated, pEnd);
    this.pProto = grow(this.pProto, pEnd);
    this.pLen.set(batch.packetLen, this.packetCount);
    this.pParent.set(batch.packetParent, this.packetCount);
    this.pCreated.set(batch.packetCreated, this.packetCount);
    this.pProto.set(batch.packetProto, this.packetCount);
    this.packetCount = pEnd;
    this.version++;
  }

  timeAt(i: number): number {
    return this.time[i]!;
  }
  kindAt(i: number): number {
    return this.kind[i]!;
  }
  kindName(i: number): string {
    return this.kinds[this.kind[i]!]?.name ?? `kind#${this.kind[i]}`;
  }
  /** Kind id for a name, or -1 if this run's engine does not know it. */
  kindId(name: string): number {
    return this.kindIds.get(name) ?? -1;
  }
  nodeAt(i: number): number {
    return this.node[i]!;
  }
  ifaceAt(i: number): number {
    return this.iface[i]!;
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

  packetLen(uid: number): number {
    return this.pLen[uid]!;
  }
  packetParent(uid: number): number {
    return this.pParent[uid]!;
  }
  packetCreated(uid: number): number {
    return this.pCreated[uid]!;
  }
  /** Index into PROTO_CLASSES. */
  packetProto(uid: number): number {
    return this.pProto[uid]!;
  }
  /** Protocol class name ("tcp", "arp", ...; see the engine's PROTO_CLASSES). */
  packetProtoName(uid: number): string {
    return this.protoClasses[this.pProto[uid]!] ?? 'other';
  }
  /** The first packet a chain of rewrites (router forward, NAT) started from. */
  packetOrigin(uid: number): number {
    let u = uid;
    while (u >= 0 && this.pParent[u]! >= 0) u = this.pParent[u]!;
    return u;
  }

  /** Index of the first event with time > t (events are ordered by time). */
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

  /** Index of the first event with time >= t. */
  lowerBound(t: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.time[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
