/**
 * An IEEE 802.1D learning bridge: learns source MACs per port, forwards known unicast out of
 * one port, floods broadcast, multicast and unknown unicast out of every other port, filters
 * frames whose destination sits on the ingress port, and ages entries idle for `agingNs`
 * (802.1D default 300 s). Store-and-forward: frames leave unchanged (same packet uid).
 */
import { isMulticastMac, readMac } from '../wire/addr.ts';
import type { Frame } from './frame.ts';
import type { Interface } from './iface.ts';
import { Node } from './node.ts';
import type { World } from './world.ts';
import type { EventHandle } from '../sim/scheduler.ts';

interface MacEntry {
  port: Interface;
  lastSeen: number;
  timer: EventHandle;
}

export class Switch extends Node {
  readonly table = new Map<number, MacEntry>();

  constructor(
    world: World,
    id: number,
    name: string,
    readonly agingNs = 300e9,
  ) {
    super(world, id, name, 'switch');
  }

  receive(port: Interface, frame: Frame, now: number): void {
    const b = frame.bytes;
    const w = this.world;
    if (b.length < 14) {
      w.trace.emit(now, 'eth.rx.drop', this.id, port.id, frame.uid, 0, 0, 'runt frame');
      return;
    }
    const dst = readMac(b, 0);
    const src = readMac(b, 6);
    if (!isMulticastMac(src)) this.learn(src, port, now);
    const known = isMulticastMac(dst) ? undefined : this.table.get(dst);
    if (known) {
      if (known.port === port) {
        w.trace.emit(now, 'eth.rx.drop', this.id, port.id, frame.uid, 0, 0, 'destination is on the ingress port (filtered)');
        return;
      }
      w.trace.emit(now, 'sw.forward', this.id, port.id, frame.uid, port.id, known.port.id);
      known.port.send(frame);
      return;
    }
    const out = this.ifaces.filter((p) => p !== port && p.link && p.up);
    w.trace.emit(now, 'sw.flood', this.id, port.id, frame.uid, port.id, out.length);
    for (const p of out) p.send(frame);
  }

  private learn(mac: number, port: Interface, now: number): void {
    const e = this.table.get(mac);
    if (e && e.port === port) {
      e.lastSeen = now;
      return;
    }
    if (e) this.world.sched.cancel(e.timer);
    const entry: MacEntry = { port, lastSeen: now, timer: this.ageTimer(mac, now + this.agingNs) };
    this.table.set(mac, entry);
    this.world.trace.emit(now, 'sw.learn', this.id, port.id, -1, mac, port.id);
  }

  private ageTimer(mac: number, at: number): EventHandle {
    return this.world.sched.at(at, (t) => {
      const e = this.table.get(mac);
      if (!e) return;
      if (e.lastSeen + this.agingNs > t) {
        e.timer = this.ageTimer(mac, e.lastSeen + this.agingNs);
        return;
      }
      this.table.delete(mac);
      this.world.trace.emit(t, 'sw.age', this.id, e.port.id, -1, mac, e.port.id);
    });
  }
}
