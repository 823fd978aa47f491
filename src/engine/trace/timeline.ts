/**
 * Seeking: the observable state of a run at any simulated time, rebuilt from the trace.
 *
 * Strategy (DESIGN.md "Snapshots / seek"): the trace is append-only and ordered by time; every
 * state change a view shows is an event (ARP/NDP cache adds and expiries, MAC learning and
 * ageing, NAT mappings, learned routers, path-MTU updates, frames on the wire). A Timeline
 * keeps a checkpoint of that state every `interval` events; `stateAt(t)` clones the nearest
 * checkpoint at or before t and replays the few events after it. Cost is bounded by the
 * checkpoint interval, not by how long the run is.
 *
 * Checkpoints are built incrementally as the trace grows (call `sync()`), so a live run pays
 * only for the events it adds.
 */
import { NEIGHBOR_STATE_NAMES } from '../stack/neighbor.ts';
import type { World } from '../net/world.ts';
import { KIND_ID } from './kinds.ts';
import type { EventStore } from './store.ts';

export interface Neighbor {
  readonly node: number;
  readonly iface: number;
  readonly ip: string;
  readonly mac: number;
  /** As `ip neigh` prints it: REACHABLE, STALE, DELAY or PROBE. */
  readonly state: string;
}

export interface InFlight {
  readonly uid: number;
  readonly link: number;
  /** Sending interface. */
  readonly iface: number;
  readonly txBegin: number;
}

export interface WorldState {
  timeNs: number;
  /** Number of trace events applied (events with time <= timeNs). */
  eventCount: number;
  neighbors: Map<string, Neighbor>;
  macTables: Map<string, { node: number; mac: number; port: number }>;
  natMappings: Map<string, { node: number; mapping: string }>;
  routers: Map<string, { node: number; iface: number; router: string }>;
  pathMtu: Map<string, { node: number; destination: string; mtu: number }>;
  inFlight: Map<string, InFlight>;
  /** Commands running on hosts (by node id → command line). */
  running: Map<number, string>;
  /** TCP connections that are not CLOSED, by "node/connection". */
  sockets: Map<string, { node: number; connection: string; state: string }>;
}

function emptyState(): WorldState {
  return { timeNs: 0, eventCount: 0, neighbors: new Map(), macTables: new Map(), natMappings: new Map(), routers: new Map(), pathMtu: new Map(), inFlight: new Map(), running: new Map(), sockets: new Map() };
}

function cloneState(s: WorldState): WorldState {
  return {
    timeNs: s.timeNs,
    eventCount: s.eventCount,
    neighbors: new Map(s.neighbors),
    macTables: new Map(s.macTables),
    natMappings: new Map(s.natMappings),
    routers: new Map(s.routers),
    pathMtu: new Map(s.pathMtu),
    inFlight: new Map(s.inFlight),
    running: new Map(s.running),
    sockets: new Map(s.sockets),
  };
}

const K = KIND_ID;

function apply(s: WorldState, ev: EventStore, i: number, world: World): void {
  const kind = ev.kindIdAt(i);
  const node = ev.nodeAt(i);
  const e = ev.get(i);
  switch (kind) {
    case K['phy.txBegin']:
      s.inFlight.set(`${e.pkt}@${e.a}`, { uid: e.pkt, link: e.a, iface: e.iface, txBegin: e.t });
      break;
    case K['phy.rxEnd']:
    case K['link.drop']:
      s.inFlight.delete(`${e.pkt}@${e.a}`);
      break;
    case K['arp.cache.add']:
    case K['arp.cache.state']:
      s.neighbors.set(`${node}/${e.iface}/4/${e.a}`, { node, iface: e.iface, ip: ipText4(e.a), mac: e.b, state: e.text ?? 'REACHABLE' });
      break;
    case K['arp.cache.expire']:
      s.neighbors.delete(`${node}/${e.iface}/4/${e.a}`);
      break;
    case K['ndp.cache.add']:
    case K['ndp.cache.state']:
      s.neighbors.set(`${node}/${e.iface}/6/${e.text}`, { node, iface: e.iface, ip: e.text ?? '', mac: e.a, state: NEIGHBOR_STATE_NAMES[e.b] ?? 'REACHABLE' });
      break;
    case K['ndp.cache.expire']:
      s.neighbors.delete(`${node}/${e.iface}/6/${e.text}`);
      break;
    case K['sw.learn']:
      s.macTables.set(`${node}/${e.a}`, { node, mac: e.a, port: e.b });
      break;
    case K['sw.age']:
      s.macTables.delete(`${node}/${e.a}`);
      break;
    case K['nat.map.add']:
      s.natMappings.set(`${node}/${e.a}/${e.b}`, { node, mapping: e.text ?? '' });
      break;
    case K['nat.map.expire']:
      s.natMappings.delete(`${node}/${e.a}/${e.b}`);
      break;
    case K['ndp.router']:
      s.routers.set(`${node}/${e.iface}`, { node, iface: e.iface, router: e.text ?? '' });
      break;
    case K['ip.pmtu.update']:
      s.pathMtu.set(`${node}/${e.text}`, { node, destination: e.text ?? '', mtu: e.a });
      break;
    case K['tcp.state']: {
      // text: "10.0.0.1:40000>10.0.0.2:80 SYN-SENT→ESTABLISHED"
      const text = e.text ?? '';
      const sp = text.lastIndexOf(' ');
      const connection = text.slice(0, sp);
      const to = text.slice(text.indexOf('→', sp) + 1);
      if (to === 'CLOSED') s.sockets.delete(`${node}/${connection}`);
      else s.sockets.set(`${node}/${connection}`, { node, connection, state: to });
      break;
    }
    case K['app.start']:
      s.running.set(node, e.text ?? '');
      break;
    case K['app.exit']:
      s.running.delete(node);
      break;
  }
  void world;
  s.timeNs = e.t;
  s.eventCount = i + 1;
}

function ipText4(a: number): string {
  return `${a >>> 24}.${(a >>> 16) & 0xff}.${(a >>> 8) & 0xff}.${a & 0xff}`;
}

export class Timeline {
  private readonly checkpoints: WorldState[] = [emptyState()];
  private readonly live: WorldState = emptyState();

  constructor(
    private readonly world: World,
    readonly interval = 1024,
  ) {}

  /** Folds newly recorded events into the checkpoints. */
  sync(): void {
    const ev = this.world.trace.events;
    for (let i = this.live.eventCount; i < ev.length; i++) {
      apply(this.live, ev, i, this.world);
      if ((i + 1) % this.interval === 0) this.checkpoints.push(cloneState(this.live));
    }
  }

  get checkpointCount(): number {
    return this.checkpoints.length;
  }

  /**
   * The observable state after every event with time <= t, or after the first `events`
   * events when given (stepping one event at a time among events at the same instant).
   */
  stateAt(timeNs: number, events?: number): WorldState {
    this.sync();
    const ev = this.world.trace.events;
    const upto = events === undefined ? ev.upperBound(timeNs) : Math.max(0, Math.min(events, ev.length));
    const cp = this.checkpoints[Math.min(Math.floor(upto / this.interval), this.checkpoints.length - 1)]!;
    const s = cloneState(cp);
    for (let i = cp.eventCount; i < upto; i++) apply(s, ev, i, this.world);
    s.timeNs = timeNs;
    return s;
  }
}
