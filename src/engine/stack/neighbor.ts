/**
 * A neighbour cache shared by ARP (RFC 826, RFC 1122 §2.3.2) and IPv6 Neighbor Discovery
 * (RFC 4861 §7.3), in the simplified form Linux presents: INCOMPLETE while resolving (packets
 * queued, solicitation retried every `retransNs`, up to `maxProbes`), then REACHABLE until
 * `reachableNs` passes, when the entry is removed and the next packet resolves again.
 *
 * RFC 1122 §2.3.2.2 asks to keep at least one queued packet per unresolved address; like Linux
 * (neigh unres_qlen, default 101) we keep up to `queueLimit` and drop the oldest beyond that.
 * That matters: traceroute sends 16 probes at once, all waiting for the first ARP reply.
 */
import type { EventHandle } from '../sim/scheduler.ts';
import type { Interface } from '../net/iface.ts';
import type { World } from '../net/world.ts';

export interface NeighborEntry<A> {
  readonly addr: A;
  readonly iface: Interface;
  state: 'incomplete' | 'reachable';
  mac: number;
  updated: number;
  probes: number;
  queue: Array<Pending>;
  timer: EventHandle | null;
}

/** A packet waiting for resolution: how to send it, and what to do if resolution fails. */
export interface Pending {
  send: (mac: number) => void;
  fail?: () => void;
}

export interface NeighborPolicy<A> {
  key(iface: Interface, addr: A): string;
  /** Send one solicitation (ARP request / Neighbor Solicitation). */
  solicit(iface: Interface, addr: A, attempt: number): void;
  onAdd(entry: NeighborEntry<A>): void;
  onExpire(entry: NeighborEntry<A>): void;
  onQueue(iface: Interface, addr: A, queued: number): void;
  /** Resolution failed; `dropped` packets were waiting. */
  onFail(iface: Interface, addr: A, dropped: number): void;
}

export interface NeighborTimers {
  reachableNs: number;
  retransNs: number;
  maxProbes: number;
  queueLimit: number;
}

export class NeighborCache<A> {
  readonly entries = new Map<string, NeighborEntry<A>>();

  constructor(
    private readonly world: World,
    private readonly policy: NeighborPolicy<A>,
    readonly timers: NeighborTimers,
  ) {}

  /** The entry `reachableMac` found last (always one still in `entries`), so a repeat destination needs no key string. */
  private hitIface: Interface | null = null;
  private hitAddr: A | undefined;
  private hitEntry: NeighborEntry<A> | null = null;

  /** The neighbour's MAC if it is reachable now, else -1 (then `resolve`). */
  reachableMac(iface: Interface, addr: A): number {
    let e = this.hitEntry;
    if (e === null || this.hitIface !== iface || this.hitAddr !== addr) {
      e = this.entries.get(this.policy.key(iface, addr)) ?? null;
      if (e === null) return -1;
      this.hitIface = iface;
      this.hitAddr = addr;
      this.hitEntry = e;
    }
    return e.state === 'reachable' ? e.mac : -1;
  }

  private forget(k: string, e: NeighborEntry<A>): void {
    this.entries.delete(k);
    if (this.hitEntry === e) {
      this.hitEntry = null;
      this.hitIface = null;
      this.hitAddr = undefined;
    }
  }

  lookup(iface: Interface, addr: A): NeighborEntry<A> | undefined {
    const e = this.entries.get(this.policy.key(iface, addr));
    return e && e.state === 'reachable' ? e : undefined;
  }

  /**
   * Calls `send(mac)` now if the neighbour is known, else queues it and starts resolution.
   * If resolution fails, `fail` runs for each packet still queued (ICMP host unreachable).
   */
  resolve(iface: Interface, addr: A, send: (mac: number) => void, fail?: () => void): void {
    const pending: Pending = fail ? { send, fail } : { send };
    const k = this.policy.key(iface, addr);
    const e = this.entries.get(k);
    if (e && e.state === 'reachable') {
      send(e.mac);
      return;
    }
    if (e) {
      e.queue.push(pending);
      if (e.queue.length > this.timers.queueLimit) e.queue.shift();
      this.policy.onQueue(iface, addr, e.queue.length);
      return;
    }
    const entry: NeighborEntry<A> = { addr, iface, state: 'incomplete', mac: 0, updated: this.world.now, probes: 0, queue: [pending], timer: null };
    this.entries.set(k, entry);
    this.policy.onQueue(iface, addr, 1);
    this.probe(k, entry);
  }

  /**
   * Records `addr → mac`. `create` says whether an unknown address may be added (RFC 826's
   * merge rule: update existing entries always, add only when the packet was for us).
   */
  learn(iface: Interface, addr: A, mac: number, create: boolean): void {
    const k = this.policy.key(iface, addr);
    const e = this.entries.get(k);
    if (!e && !create) return;
    const now = this.world.now;
    if (e && e.state === 'reachable' && e.mac === mac) {
      e.updated = now;
      this.armExpiry(k, e);
      return;
    }
    const entry = e ?? ({ addr, iface, state: 'reachable', mac, updated: now, probes: 0, queue: [], timer: null } as NeighborEntry<A>);
    entry.state = 'reachable';
    entry.mac = mac;
    entry.updated = now;
    this.entries.set(k, entry);
    this.policy.onAdd(entry);
    this.armExpiry(k, entry);
    const queued = entry.queue;
    entry.queue = [];
    for (const q of queued) q.send(mac);
  }

  private probe(k: string, e: NeighborEntry<A>): void {
    if (e.probes >= this.timers.maxProbes) {
      this.forget(k, e);
      this.policy.onFail(e.iface, e.addr, e.queue.length);
      const queued = e.queue;
      e.queue = [];
      for (const q of queued) q.fail?.();
      return;
    }
    e.probes++;
    this.policy.solicit(e.iface, e.addr, e.probes);
    e.timer = this.world.sched.after(this.timers.retransNs, () => {
      if (e.state === 'incomplete') this.probe(k, e);
    });
  }

  private armExpiry(k: string, e: NeighborEntry<A>): void {
    this.world.sched.cancel(e.timer);
    e.timer = this.world.sched.at(e.updated + this.timers.reachableNs, () => {
      if (this.entries.get(k) !== e) return;
      this.forget(k, e);
      this.policy.onExpire(e);
    });
  }
}
