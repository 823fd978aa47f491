/**
 * Capture taps: like tcpdump on chosen interfaces, recording frames leaving an interface when
 * they start transmitting and frames arriving when their last bit is in. By default one end of
 * every link is tapped, so each frame on each wire appears exactly once.
 */
import type { World } from '../net/world.ts';
import type { Interface } from '../net/iface.ts';
import { KIND_ID } from './kinds.ts';
import { PcapWriter } from './pcap.ts';
import { PcapngWriter } from './pcapng.ts';

export interface CapturedFrame {
  readonly timeNs: number;
  readonly iface: Interface;
  readonly direction: 'in' | 'out';
  readonly uid: number;
  readonly bytes: Uint8Array;
}

/** The default capture set: the first end of every link. */
export function defaultCaptureInterfaces(world: World): Interface[] {
  return world.links.map((l) => l.a);
}

/** Resolves "node:iface" names; throws with the bad name. */
export function captureInterfaces(world: World, names: readonly string[] | undefined): Interface[] {
  if (!names) return defaultCaptureInterfaces(world);
  return names.map((n) => {
    const i = world.ifaces.find((x) => x.fullName === n);
    if (!i) throw new Error(`no interface "${n}" to capture on`);
    return i;
  });
}

/** Subscribes to the trace and collects frames on `ifaces` until the returned stop() is called. */
export function tap(world: World, ifaces: readonly Interface[], onFrame: (f: CapturedFrame) => void): () => void {
  const wanted = new Set(ifaces.map((i) => i.id));
  const tx = KIND_ID['phy.txBegin'];
  const rx = KIND_ID['phy.rxEnd'];
  const ev = world.trace.events;
  return world.trace.listen((i) => {
    const k = ev.kindIdAt(i);
    if (k !== tx && k !== rx) return;
    const e = ev.get(i);
    if (!wanted.has(e.iface)) return;
    onFrame({ timeNs: e.t, iface: world.ifaces[e.iface]!, direction: k === tx ? 'out' : 'in', uid: e.pkt, bytes: world.trace.packets.bytes(e.pkt).slice() });
  });
}

/**
 * A capture of a whole recorded run, written after the fact from the trace (the browser
 * exports this way: nothing is buffered while the run plays).
 */
export function captureFromTrace(world: World, ifaces: readonly Interface[], format: 'pcap' | 'pcapng'): Uint8Array {
  const wanted = new Set(ifaces.map((i) => i.id));
  const tx = KIND_ID['phy.txBegin'];
  const rx = KIND_ID['phy.rxEnd'];
  const ev = world.trace.events;
  const pcap = new PcapWriter();
  const pcapng = new PcapngWriter();
  const ids = new Map<number, number>();
  if (format === 'pcapng') for (const i of ifaces) ids.set(i.id, pcapng.addInterface(i.fullName, { description: `${i.node.kind} ${i.node.name} interface ${i.name}` }));
  for (let i = 0; i < ev.length; i++) {
    const k = ev.kindIdAt(i);
    if (k !== tx && k !== rx) continue;
    const e = ev.get(i);
    if (!wanted.has(e.iface)) continue;
    const bytes = world.trace.packets.bytes(e.pkt);
    if (format === 'pcap') pcap.add(e.t, bytes);
    else pcapng.add(ids.get(e.iface)!, e.t, bytes, { direction: k === tx ? 'out' : 'in' });
  }
  return format === 'pcap' ? pcap.toBytes() : pcapng.toBytes();
}

/** A capture in progress, producing pcap and pcapng bytes of the same frames. */
export class Capture {
  readonly pcap = new PcapWriter();
  readonly pcapng = new PcapngWriter();
  private readonly ids = new Map<number, number>();
  readonly stop: () => void;
  frames = 0;

  constructor(world: World, ifaces: readonly Interface[]) {
    for (const i of ifaces) this.ids.set(i.id, this.pcapng.addInterface(i.fullName, { description: `${i.node.kind} ${i.node.name} interface ${i.name}` }));
    this.stop = tap(world, ifaces, (f) => {
      this.frames++;
      this.pcap.add(f.timeNs, f.bytes);
      this.pcapng.add(this.ids.get(f.iface.id)!, f.timeNs, f.bytes, { direction: f.direction });
    });
  }
}
