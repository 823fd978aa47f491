/**
 * The trace bus: the engine emits named events here; they are stored compactly and passed to
 * live listeners (capture taps, the worker's batcher, tests). Listeners must not throw.
 */
import type { TraceKind } from './kinds.ts';
import { KIND_ID } from './kinds.ts';
import { EventStore, PacketStore } from './store.ts';
import type { PatternTail } from './store.ts';
import { copyPattern, patternByte } from '../stack/tcp/sendbuf.ts';

export type TraceListener = (index: number) => void;

export class Trace {
  readonly events = new EventStore();
  readonly packets = new PacketStore(patternByte, copyPattern);
  private listeners: TraceListener[] = [];

  /** Registers a listener called with the index of each new event; returns an unsubscribe. */
  listen(fn: TraceListener): () => void {
    this.listeners.push(fn);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== fn);
    };
  }

  emit(t: number, kind: TraceKind, node: number, iface = -1, pkt = -1, a = 0, b = 0, text?: string): number {
    return this.emitInterned(t, kind, node, iface, pkt, a, b, text === undefined ? -1 : this.events.intern(text));
  }

  /** `emit` with the text already interned (`events.intern`): for emitters that repeat one text. */
  emitInterned(t: number, kind: TraceKind, node: number, iface: number, pkt: number, a: number, b: number, textId: number): number {
    const i = this.events.push(t, KIND_ID[kind], node, iface, pkt, a, b, textId);
    const ls = this.listeners;
    for (let k = 0; k < ls.length; k++) ls[k]!(i);
    return i;
  }

  /** Records a frame's bytes and returns its packet uid. */
  addPacket(bytes: Uint8Array, parent: number, t: number, tail?: PatternTail | 'inherit'): number {
    return this.packets.add(bytes, parent, t, tail);
  }
}
