/**
 * The world of one run: scheduler, seeded randomness, trace, and the devices and links.
 * Everything in a run hangs off one World; nothing is global, so runs are independent.
 */
import { Scheduler } from '../sim/scheduler.ts';
import { Rng } from '../sim/rng.ts';
import { Trace } from '../trace/trace.ts';
import type { Frame } from './frame.ts';
import { FrameSlab } from './frame.ts';
import type { PatternTail } from '../trace/store.ts';
import type { Interface } from './iface.ts';
import type { FaultRule, LinkConfig } from './link.ts';
import { Link } from './link.ts';
import type { Node } from './node.ts';

export class World {
  readonly sched = new Scheduler();
  readonly rng: Rng;
  readonly trace = new Trace();
  /** Room for outgoing frames (see `FrameSlab`). */
  readonly frames = new FrameSlab();
  readonly nodes: Node[] = [];
  readonly ifaces: Interface[] = [];
  readonly links: Link[] = [];
  /** The shared /etc/hosts of the run: node names ↔ interface addresses (text forms). */
  readonly hosts = { byName: new Map<string, string[]>(), byAddr: new Map<string, string>() };
  /** State applications share "out of band" (e.g. iperf3's results exchange on its control channel). */
  readonly appState = new Map<string, unknown>();
  private started = false;

  constructor(readonly seed: number) {
    this.rng = new Rng(seed);
  }

  get now(): number {
    return this.sched.now;
  }

  /** Records `bytes` in the trace and returns the frame to send. */
  newFrame(bytes: Uint8Array, parent = -1, tail?: PatternTail | 'inherit'): Frame {
    const packets = this.trace.packets;
    const uid = this.trace.addPacket(bytes, parent, this.now, tail);
    return { uid, bytes, tailLen: packets.tailLength(uid), tailOffset: packets.tailOffset(uid) };
  }

  addNode<N extends Node>(make: (world: World, id: number) => N): N {
    const node = make(this, this.nodes.length);
    if (this.nodes.some((n) => n.name === node.name)) throw new Error(`duplicate node name ${node.name}`);
    this.nodes.push(node);
    return node;
  }

  node(name: string): Node | undefined {
    return this.nodes.find((n) => n.name === name);
  }

  connect(a: Interface, b: Interface, config: LinkConfig, rules: FaultRule[] = [], name = `${a.fullName}-${b.fullName}`): Link {
    if (a.link || b.link) throw new Error(`interface already connected: ${a.link ? a.fullName : b.fullName}`);
    const link = new Link(this, this.links.length, name, a, b, config, rules);
    this.links.push(link);
    return link;
  }

  addHostEntry(name: string, addr: string): void {
    const list = this.hosts.byName.get(name) ?? [];
    if (!list.includes(addr)) list.push(addr);
    this.hosts.byName.set(name, list);
    if (!this.hosts.byAddr.has(addr)) this.hosts.byAddr.set(addr, name);
  }

  /** Starts every node (idempotent). */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const n of this.nodes) n.start(this.now);
  }
}
