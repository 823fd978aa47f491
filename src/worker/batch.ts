/**
 * Cuts the new part of a run's trace into a TraceBatch (typed columns, transferable).
 * A BatchCursor remembers how much has been sent: events, interned strings, packets.
 */
import type { World } from '../engine/index.ts';
import { protoClassOf } from '../engine/index.ts';
import type { TraceBatch } from './protocol.ts';

export interface BatchCursor {
  events: number;
  strings: number;
  packets: number;
}

export function newBatchCursor(): BatchCursor {
  return { events: 0, strings: 0, packets: 0 };
}

export function collectBatch(world: World, cursor: BatchCursor): TraceBatch {
  const ev = world.trace.events;
  const ps = world.trace.packets;
  const cols = ev.columns(cursor.events, ev.length);
  const strings = ev.stringsFrom(cursor.strings);
  const n = ps.count - cursor.packets;
  const packetLen = new Int32Array(n);
  const packetParent = new Int32Array(n);
  const packetCreated = new Float64Array(n);
  const packetProto = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const uid = cursor.packets + i;
    packetLen[i] = ps.length(uid);
    packetParent[i] = ps.parentOf(uid);
    packetCreated[i] = ps.createdAt(uid);
    packetProto[i] = protoClassOf(ps.head(uid));
  }
  const batch: TraceBatch = {
    firstEvent: cursor.events,
    ...cols,
    firstString: cursor.strings,
    strings,
    firstPacket: cursor.packets,
    packetLen,
    packetParent,
    packetCreated,
    packetProto,
  };
  cursor.events = ev.length;
  cursor.strings += strings.length;
  cursor.packets = ps.count;
  return batch;
}

/** The buffers of a batch, for Comlink.transfer (moved, not copied, to the UI thread). */
export function batchTransferables(b: TraceBatch): ArrayBuffer[] {
  return [b.time, b.kind, b.node, b.iface, b.pkt, b.a, b.b, b.text, b.packetLen, b.packetParent, b.packetCreated, b.packetProto].map((a) => a.buffer as ArrayBuffer);
}
