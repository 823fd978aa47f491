/**
 * A full-duplex point-to-point link (an Ethernet cable, or a switch port's cable).
 *
 * Each direction has a drop-tail transmit queue (limit in packets) and a transmitter that
 * serialises one frame at a time at the link bandwidth. Timing follows IEEE 802.3: a frame
 * occupies the wire for preamble+SFD (8) + frame padded to 60 + FCS (4) + inter-frame gap (12)
 * bytes; its last bit arrives (8 + frame + 4) byte-times after it started, plus propagation delay.
 *
 * Random loss draws from a per-direction named PRNG stream. Scripted rules act on the Nth
 * frame matching a pattern in a direction (drop, delay, corrupt), so faults are reproducible.
 * Corruption models damage the link layer does not catch (e.g. in a middlebox's memory): the
 * frame is delivered, and the receiver's IP/UDP/ICMP checksums must catch it.
 */
import type { RandomStream } from '../sim/rng.ts';
import type { Frame } from './frame.ts';
import type { Interface } from './iface.ts';
import type { PacketMatch } from './classify.ts';
import { classifyFrame, matches } from './classify.ts';
import type { World } from './world.ts';
import type { Qdisc, QdiscConfig, QueuedFrame } from './qdisc/types.ts';
import { createQdisc } from './qdisc/index.ts';
import { ecnCapable, flowHashOfFrame, markCe } from './qdisc/flow-hash.ts';

export const ETH_WIRE_OVERHEAD = 8 + 4 + 12;
export const ETH_MIN_PAYLOAD_FRAME = 60;

export interface LinkConfig {
  bandwidthBps: number;
  delayNs: number;
  /** Independent random loss probability per frame, 0..1. */
  loss: number;
  /** Drop-tail transmit queue limit in packets (frames waiting, not counting the one on the wire). */
  queueLimit: number;
  /** Largest payload (IP packet) the medium carries; larger frames are lost as giants. Default: unlimited. */
  mtu?: number;
  /** Queue discipline on each transmit side (default: drop-tail with `queueLimit`). */
  qdisc?: QdiscConfig;
}

export interface FaultRule {
  /** Only frames sent by this node over the link (default: either direction). */
  from?: string;
  match: PacketMatch;
  /** Act on the Nth matching frame (1-based). */
  nth: number;
  /** Also act on every later match (default false: only the Nth). */
  andAfter?: boolean;
  action: 'drop' | 'delay' | 'corrupt';
  delayNs?: number;
  /** Byte offset to flip for 'corrupt' (default: the last byte of the frame). */
  offset?: number;
  /** Label recorded in the trace. */
  label: string;
}

/** Bytes after the Ethernet (and 802.1Q) header. */
function payloadLength(f: Uint8Array): number {
  const tagged = f.length >= 14 && f[12] === 0x81 && f[13] === 0x00;
  return f.length - (tagged ? 18 : 14);
}

class Direction {
  busy = false;
  readonly ruleHits: number[];
  /** The frame being serialised (one at a time): what its phy.txEnd reports. */
  txUid = -1;
  txWireBytes = 0;
  txDrop: string | undefined;
  /** Event handlers, made once per direction (no closure per frame). */
  readonly onTxEnd: () => void;
  readonly onArrive: (now: number, frame: Frame) => void;
  readonly onFree: () => void;

  constructor(
    link: Link,
    readonly from: Interface,
    readonly to: Interface,
    readonly loss: RandomStream,
    rules: number,
    readonly q: Qdisc,
  ) {
    this.ruleHits = new Array<number>(rules).fill(0);
    this.onTxEnd = () => link.txEnd(this);
    this.onArrive = (_now, frame) => link.arrive(this, frame);
    this.onFree = () => link.free(this);
  }

  get queued(): number {
    return this.q.length;
  }
}

export class Link {
  private readonly dirs: [Direction, Direction];
  private readonly hashSeed: number;
  /** Only fair queueing classifies by flow and only AQMs mark ECN: drop-tail skips both. */
  private readonly classify: boolean;

  constructor(
    readonly world: World,
    readonly id: number,
    readonly name: string,
    readonly a: Interface,
    readonly b: Interface,
    readonly config: LinkConfig,
    readonly rules: FaultRule[] = [],
  ) {
    a.link = this;
    a.side = 0;
    b.link = this;
    b.side = 1;
    const rng = world.rng;
    const qcfg: QdiscConfig = config.qdisc ?? { kind: 'droptail', limit: config.queueLimit };
    const mk = (): Qdisc => createQdisc({ ...qcfg, mtuBytes: qcfg.mtuBytes ?? (config.mtu ?? Math.max(a.mtu, b.mtu)) + 14 });
    this.dirs = [
      new Direction(this, a, b, rng.stream(`link:${name}:${a.node.name}>${b.node.name}:loss`), rules.length, mk()),
      new Direction(this, b, a, rng.stream(`link:${name}:${b.node.name}>${a.node.name}:loss`), rules.length, mk()),
    ];
    this.hashSeed = rng.stream(`link:${name}:flow-hash`).u32();
    this.classify = qcfg.kind !== 'droptail';
  }

  /** Frames waiting in the transmit queue of the direction leaving `side`. */
  queueLength(side: 0 | 1): number {
    return this.dirs[side].queued;
  }

  transmit(side: 0 | 1, frame: Frame): void {
    const d = this.dirs[side];
    const w = this.world;
    const item: QueuedFrame = this.classify
      ? { frame, bytes: frame.bytes.length, flowHash: flowHashOfFrame(frame.bytes, this.hashSeed), ecnCapable: ecnCapable(frame.bytes), enqueuedAt: w.now }
      : { frame, bytes: frame.bytes.length, flowHash: 0, ecnCapable: false, enqueuedAt: w.now };
    const r = d.q.enqueue(item, w.now);
    const evicted = r.evicted;
    if (evicted) for (let i = 0; i < evicted.length; i++) w.trace.emit(w.now, 'link.drop', d.from.node.id, d.from.id, evicted[i]!.item.frame.uid, this.id, d.queued, evicted[i]!.reason);
    if (r.refused !== undefined) {
      w.trace.emit(w.now, 'link.drop', d.from.node.id, d.from.id, frame.uid, this.id, d.queued, r.refused);
      return;
    }
    if (d.busy) w.trace.emit(w.now, 'link.enqueue', d.from.node.id, d.from.id, frame.uid, this.id, d.queued);
    else this.next(d);
  }

  /** Takes the next frame from the queue discipline (tracing AQM drops and marks) and sends it. */
  private next(d: Direction): void {
    const w = this.world;
    const r = d.q.dequeue(w.now);
    const dropped = r.dropped;
    for (let i = 0; i < dropped.length; i++) w.trace.emit(w.now, 'link.drop', d.from.node.id, d.from.id, dropped[i]!.item.frame.uid, this.id, d.queued, dropped[i]!.reason);
    if (!r.item) return;
    let frame = r.item.frame;
    const sojourn = w.now - r.item.enqueuedAt;
    if (sojourn > 0) w.trace.emit(w.now, 'link.dequeue', d.from.node.id, d.from.id, frame.uid, this.id, d.queued);
    if (r.markCe) {
      frame = w.newFrame(markCe(frame.bytes), frame.uid);
      w.trace.emit(w.now, 'link.mark', d.from.node.id, d.from.id, frame.uid, this.id, d.queued, d.q.kind);
    }
    this.startTx(d, frame);
  }

  private startTx(d: Direction, original: Frame): void {
    const w = this.world;
    const now = w.now;
    d.busy = true;
    let frame = original;
    let extraDelay = 0;
    let drop: string | undefined;
    if (this.rules.length > 0) {
      const r = this.applyRules(d, frame);
      frame = r.frame;
      extraDelay = r.delay;
      drop = r.drop;
    }
    const padded = Math.max(frame.bytes.length, ETH_MIN_PAYLOAD_FRAME);
    const wireBytes = padded + ETH_WIRE_OVERHEAD;
    const bw = this.config.bandwidthBps;
    const occupyNs = Math.ceil((wireBytes * 8e9) / bw);
    const lastBitNs = Math.ceil(((padded + 12) * 8e9) / bw);
    w.trace.emit(now, 'phy.txBegin', d.from.node.id, d.from.id, frame.uid, this.id, wireBytes);
    if (drop === undefined && this.config.mtu !== undefined && payloadLength(frame.bytes) > this.config.mtu) drop = `frame exceeds link MTU ${this.config.mtu}`;
    if (drop === undefined && d.loss.chance(this.config.loss)) drop = 'random loss';
    const arrive = now + lastBitNs + this.config.delayNs + extraDelay;
    d.txUid = frame.uid;
    d.txWireBytes = wireBytes;
    d.txDrop = drop;
    w.sched.at(now + lastBitNs, d.onTxEnd);
    if (drop === undefined) w.sched.atWith(arrive, d.onArrive, frame);
    w.sched.at(now + occupyNs, d.onFree);
  }

  /** The last bit left the transmitter (the transmitter stays busy for the inter-frame gap). */
  txEnd(d: Direction): void {
    const w = this.world;
    w.trace.emit(w.now, 'phy.txEnd', d.from.node.id, d.from.id, d.txUid, this.id, d.txWireBytes);
    if (d.txDrop !== undefined) w.trace.emit(w.now, 'link.drop', d.from.node.id, d.from.id, d.txUid, this.id, d.queued, d.txDrop);
  }

  /** The whole frame reached the other end. */
  arrive(d: Direction, frame: Frame): void {
    const w = this.world;
    const wireBytes = Math.max(frame.bytes.length, ETH_MIN_PAYLOAD_FRAME) + ETH_WIRE_OVERHEAD;
    w.trace.emit(w.now, 'phy.rxEnd', d.to.node.id, d.to.id, frame.uid, this.id, wireBytes);
    if (d.to.up) d.to.node.receive(d.to, frame, w.now);
    else w.trace.emit(w.now, 'eth.rx.drop', d.to.node.id, d.to.id, frame.uid, 0, 0, 'interface down');
  }

  /** Preamble to inter-frame gap are over: the next queued frame may start. */
  free(d: Direction): void {
    d.busy = false;
    if (d.queued > 0) this.next(d);
  }

  private applyRules(d: Direction, frame: Frame): { frame: Frame; delay: number; drop?: string } {
    const w = this.world;
    let cls: ReturnType<typeof classifyFrame> | undefined;
    let delay = 0;
    let out = frame;
    for (let i = 0; i < this.rules.length; i++) {
      const r = this.rules[i]!;
      if (r.from !== undefined && r.from !== d.from.node.name) continue;
      cls ??= classifyFrame(frame.bytes);
      if (!matches(r.match, cls, frame.bytes.length)) continue;
      const hit = ++d.ruleHits[i]!;
      if (hit < r.nth || (hit > r.nth && !r.andAfter)) continue;
      if (r.action === 'drop') return { frame: out, delay, drop: `rule: ${r.label}` };
      if (r.action === 'delay') {
        delay += r.delayNs ?? 0;
        w.trace.emit(w.now, 'link.delay', d.from.node.id, d.from.id, out.uid, this.id, r.delayNs ?? 0, r.label);
      } else {
        const bytes = out.bytes.slice();
        const off = Math.min(Math.max(r.offset ?? bytes.length - 1, 0), bytes.length - 1);
        bytes[off] = bytes[off]! ^ 0xff;
        out = w.newFrame(bytes, out.uid);
        w.trace.emit(w.now, 'link.corrupt', d.from.node.id, d.from.id, out.uid, this.id, off, r.label);
      }
    }
    return { frame: out, delay };
  }

  /** The interface at the other end from `iface`. */
  peer(iface: Interface): Interface {
    return iface === this.a ? this.b : this.a;
  }
}
