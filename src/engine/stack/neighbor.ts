/**
 * A neighbour cache shared by ARP (RFC 826, RFC 1122 §2.3.2) and IPv6 Neighbor Discovery
 * (RFC 4861 §7.3), with the states and timers of Linux's neighbour table (net/core/neighbour.c),
 * which implements RFC 4861's Neighbor Unreachability Detection for both families:
 *
 * - INCOMPLETE: resolving. Packets wait (up to `queueLimit`, like unres_qlen 101; RFC 1122
 *   §2.3.2.2 asks for at least one); the broadcast / multicast solicitation is repeated every
 *   `retransNs`, `maxProbes` times, then the entry fails and the waiting packets are dropped
 *   (ICMP host unreachable). Traceroute sends 16 probes at once, all waiting here.
 * - REACHABLE: confirmed recently — by a solicited answer (ARP reply to us, NA with S set) or by
 *   an upper layer making progress (TCP acknowledging new data: Linux's dst_confirm). Lasts a
 *   random 0.5–1.5 × `reachableNs` (base_reachable_time 30 s) after the last confirmation.
 * - STALE: the address is still used, unverified. Entries learned from an unsolicited packet (an
 *   ARP request for us, an NS / RS / RA source address) start here, and REACHABLE decays here.
 *   A STALE entry stays until it is needed (no garbage collection below gc_thresh1).
 * - DELAY: a packet was sent through a STALE entry; if nothing confirms it within `delayNs`
 *   (delay_first_probe_time 5 s), PROBE.
 * - PROBE: unicast solicitations to the cached address, every `retransNs`, `unicastProbes`
 *   times (ucast_solicit 3); packets still go to the cached address meanwhile. No answer: the
 *   entry is removed.
 */
import type { EventHandle } from '../sim/scheduler.ts';
import type { Interface } from '../net/iface.ts';
import type { World } from '../net/world.ts';
import type { RandomStream } from '../sim/rng.ts';
import type { IpNodeConfig } from './host.ts';

export type NeighborState = 'incomplete' | 'reachable' | 'stale' | 'delay' | 'probe';

/** States as `ip neigh` prints them, and as numbered in ndp.cache.* trace events. */
export const NEIGHBOR_STATE_NAMES = ['INCOMPLETE', 'REACHABLE', 'STALE', 'DELAY', 'PROBE'] as const;
export const NEIGHBOR_STATE_CODE: Record<NeighborState, number> = { incomplete: 0, reachable: 1, stale: 2, delay: 3, probe: 4 };
export function neighborStateName(s: NeighborState): (typeof NEIGHBOR_STATE_NAMES)[number] {
  return NEIGHBOR_STATE_NAMES[NEIGHBOR_STATE_CODE[s]]!;
}

export interface NeighborEntry<A> {
  readonly addr: A;
  readonly iface: Interface;
  state: NeighborState;
  mac: number;
  /** Last confirmation (solicited answer or upper-layer progress), ns. */
  confirmed: number;
  /** Last time a packet was sent through the entry, ns. */
  used: number;
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
  /** Send one solicitation: broadcast / multicast while INCOMPLETE, unicast to `unicastMac` in PROBE. */
  solicit(iface: Interface, addr: A, attempt: number, unicastMac?: number): void;
  /** The entry got its first link-layer address (it was INCOMPLETE or new). */
  onAdd(entry: NeighborEntry<A>): void;
  /** The entry changed state (any change but the first resolution and removal). */
  onState(entry: NeighborEntry<A>): void;
  /** The entry was removed (its unicast probes went unanswered). */
  onExpire(entry: NeighborEntry<A>): void;
  onQueue(iface: Interface, addr: A, queued: number): void;
  /** Resolution failed; `dropped` packets were waiting. */
  onFail(iface: Interface, addr: A, dropped: number): void;
}

export interface NeighborTimers {
  /** base_reachable_time: REACHABLE lasts a random 0.5–1.5 × this. */
  reachableNs: number;
  retransNs: number;
  /** Broadcast / multicast solicitations while INCOMPLETE (mcast_solicit). */
  maxProbes: number;
  /** delay_first_probe_time. */
  delayNs: number;
  /** Unicast solicitations in PROBE (ucast_solicit). */
  unicastProbes: number;
  queueLimit: number;
}

/** The timers of a node's neighbour caches, from its configuration (queue: Linux unres_qlen 101). */
export function neighborTimers(config: IpNodeConfig): NeighborTimers {
  return {
    reachableNs: config.neighborReachableNs,
    retransNs: config.neighborRetransNs,
    maxProbes: config.neighborMaxProbes,
    delayNs: config.neighborDelayNs,
    unicastProbes: config.neighborUnicastProbes,
    queueLimit: 101,
  };
}

/** How an address was learned: a solicited answer confirms it; anything else only suggests it. */
export type Learned = 'solicited' | 'unsolicited';

export class NeighborCache<A> {
  readonly entries = new Map<string, NeighborEntry<A>>();
  /** This cache's REACHABLE time (Linux draws it from [0.5, 1.5) × base, per table). */
  readonly reachableTimeNs: number;

  constructor(
    private readonly world: World,
    private readonly policy: NeighborPolicy<A>,
    readonly timers: NeighborTimers,
    rng: RandomStream,
  ) {
    this.reachableTimeNs = Math.round(timers.reachableNs * (0.5 + rng.next()));
  }

  /** The entry `reachableMac` found last (always one still in `entries`), so a repeat destination needs no key string. */
  private hitIface: Interface | null = null;
  private hitAddr: A | undefined;
  private hitEntry: NeighborEntry<A> | null = null;

  /**
   * The neighbour's MAC if a packet can go straight out (REACHABLE, DELAY, PROBE), else -1
   * (then `resolve`, which also handles STALE). Records the use.
   */
  reachableMac(iface: Interface, addr: A): number {
    let e = this.hitEntry;
    if (e === null || this.hitIface !== iface || this.hitAddr !== addr) {
      e = this.entries.get(this.policy.key(iface, addr)) ?? null;
      if (e === null) return -1;
      this.hitIface = iface;
      this.hitAddr = addr;
      this.hitEntry = e;
    }
    if (e.state === 'incomplete' || e.state === 'stale') return -1;
    e.used = this.world.now;
    return e.mac;
  }

  private forget(k: string, e: NeighborEntry<A>): void {
    this.entries.delete(k);
    this.world.sched.cancel(e.timer);
    e.timer = null;
    if (this.hitEntry === e) {
      this.hitEntry = null;
      this.hitIface = null;
      this.hitAddr = undefined;
    }
  }

  /** The entry for `addr`, if it has a link-layer address (any state but INCOMPLETE). */
  lookup(iface: Interface, addr: A): NeighborEntry<A> | undefined {
    const e = this.entries.get(this.policy.key(iface, addr));
    return e && e.state !== 'incomplete' ? e : undefined;
  }

  /**
   * Calls `send(mac)` now if the neighbour's address is known (a STALE entry goes to DELAY),
   * else queues it and starts resolution. If resolution fails, `fail` runs for each packet
   * still queued (ICMP host unreachable).
   */
  resolve(iface: Interface, addr: A, send: (mac: number) => void, fail?: () => void): void {
    const k = this.policy.key(iface, addr);
    const e = this.entries.get(k);
    const now = this.world.now;
    if (e && e.state !== 'incomplete') {
      e.used = now;
      if (e.state === 'stale') {
        this.setState(e, 'delay');
        this.arm(k, e, now + this.timers.delayNs);
      }
      send(e.mac);
      return;
    }
    const pending: Pending = fail ? { send, fail } : { send };
    if (e) {
      e.queue.push(pending);
      if (e.queue.length > this.timers.queueLimit) e.queue.shift();
      this.policy.onQueue(iface, addr, e.queue.length);
      return;
    }
    const entry: NeighborEntry<A> = { addr, iface, state: 'incomplete', mac: 0, confirmed: -Infinity, used: now, probes: 0, queue: [pending], timer: null };
    this.entries.set(k, entry);
    this.policy.onQueue(iface, addr, 1);
    this.solicitAgain(k, entry);
  }

  /**
   * Records `addr → mac`. `create` says whether an unknown address may be added (RFC 826's
   * merge rule: update existing entries always, add only when the packet was for us). A
   * solicited answer makes the entry REACHABLE; an unsolicited one makes a new entry, or one
   * whose address changed, STALE and leaves others as they are (Linux neigh_update).
   */
  learn(iface: Interface, addr: A, mac: number, create: boolean, how: Learned = 'unsolicited'): void {
    const k = this.policy.key(iface, addr);
    const e = this.entries.get(k);
    if (!e && !create) return;
    const now = this.world.now;
    if (!e || e.state === 'incomplete') {
      const entry = e ?? { addr, iface, state: 'incomplete' as NeighborState, mac, confirmed: -Infinity, used: -Infinity, probes: 0, queue: [], timer: null };
      entry.mac = mac;
      entry.probes = 0;
      this.world.sched.cancel(entry.timer);
      entry.timer = null;
      this.entries.set(k, entry);
      if (how === 'solicited') {
        entry.state = 'reachable';
        entry.confirmed = now;
        this.arm(k, entry, now + this.reachableTimeNs);
      } else {
        entry.state = 'stale';
      }
      this.policy.onAdd(entry);
      const queued = entry.queue;
      entry.queue = [];
      // Sending what waited counts as use: a STALE entry goes to DELAY.
      for (const q of queued) this.resolve(iface, addr, q.send, q.fail);
      return;
    }
    const changed = e.mac !== mac;
    e.mac = mac;
    if (how === 'solicited') {
      e.confirmed = now;
      e.probes = 0;
      if (e.state !== 'reachable' || changed) this.setState(e, 'reachable');
      this.arm(k, e, now + this.reachableTimeNs);
    } else if (changed) {
      this.world.sched.cancel(e.timer);
      e.timer = null;
      this.setState(e, 'stale');
    }
  }

  /**
   * An upper layer saw progress through this neighbour (TCP: new data acknowledged). Like
   * Linux's neigh_confirm it only records the time: the REACHABLE and DELAY timers look at it.
   */
  confirm(iface: Interface, addr: A): void {
    const e = this.entries.get(this.policy.key(iface, addr));
    if (e && e.state !== 'incomplete') e.confirmed = this.world.now;
  }

  private setState(e: NeighborEntry<A>, state: NeighborState): void {
    if (e.state === state) return;
    e.state = state;
    this.policy.onState(e);
  }

  private arm(k: string, e: NeighborEntry<A>, at: number): void {
    this.world.sched.cancel(e.timer);
    e.timer = this.world.sched.at(at, () => {
      e.timer = null;
      if (this.entries.get(k) === e) this.tick(k, e);
    });
  }

  /** neigh_timer_handler: what a state's timer does when it fires. */
  private tick(k: string, e: NeighborEntry<A>): void {
    const now = this.world.now;
    const t = this.timers;
    switch (e.state) {
      case 'incomplete':
        this.solicitAgain(k, e);
        return;
      case 'reachable':
        if (now < e.confirmed + this.reachableTimeNs) {
          this.arm(k, e, e.confirmed + this.reachableTimeNs);
        } else if (now < e.used + t.delayNs) {
          this.setState(e, 'delay');
          this.arm(k, e, e.used + t.delayNs);
        } else {
          this.setState(e, 'stale');
        }
        return;
      case 'delay':
        if (now < e.confirmed + t.delayNs) {
          this.setState(e, 'reachable');
          this.arm(k, e, e.confirmed + this.reachableTimeNs);
        } else {
          e.probes = 0;
          this.setState(e, 'probe');
          this.unicastProbe(k, e);
        }
        return;
      case 'probe':
        this.unicastProbe(k, e);
        return;
      case 'stale':
        return;
    }
  }

  private unicastProbe(k: string, e: NeighborEntry<A>): void {
    if (e.probes >= this.timers.unicastProbes) {
      this.forget(k, e);
      this.policy.onExpire(e);
      return;
    }
    e.probes++;
    this.policy.solicit(e.iface, e.addr, e.probes, e.mac);
    this.arm(k, e, this.world.now + this.timers.retransNs);
  }

  private solicitAgain(k: string, e: NeighborEntry<A>): void {
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
    this.arm(k, e, this.world.now + this.timers.retransNs);
  }
}
