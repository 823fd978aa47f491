/**
 * Discrete-event scheduler. Events are ordered by (timeNs, seq): events at the same time run
 * in the order they were scheduled, so the same scenario and seed give the same event sequence.
 *
 * Time is integer nanoseconds. Nothing here reads a clock; `now` only advances by running events.
 * A run has an event budget: a runaway scenario stops with `reason: 'budget'` instead of hanging.
 */

export type Action = (now: number) => void;

/** A scheduled event. Cancel it with `Scheduler.cancel`; cancelled events are skipped lazily. */
export interface EventHandle {
  readonly time: number;
  readonly seq: number;
  cancelled: boolean;
}

interface Entry extends EventHandle {
  time: number;
  seq: number;
  action: (now: number, arg: never) => void;
  arg: unknown;
  /** Its place in the heap; differs from (time, seq) after `reschedule` moved it later. */
  heapTime: number;
  heapSeq: number;
  inHeap: boolean;
}

export type StopReason = 'idle' | 'until' | 'budget' | 'stopped';

export interface RunResult {
  readonly reason: StopReason;
  readonly now: number;
  readonly eventsRun: number;
}

export class Scheduler {
  private heap: Entry[] = [];
  private nextSeq = 0;
  private stopRequested = false;
  /** Current simulated time in ns. */
  now = 0;
  /** Events executed since creation (cancelled ones are not counted). */
  eventsRun = 0;

  get pending(): number {
    return this.heap.length;
  }

  /** Schedules `action` at absolute time `timeNs` (>= now, integer). */
  at(timeNs: number, action: Action): EventHandle {
    return this.atWith(timeNs, action, undefined);
  }

  /**
   * Schedules `action(now, arg)` at absolute time `timeNs`: lets a hot path pass its data to a
   * handler created once instead of allocating a closure per event.
   */
  atWith<T>(timeNs: number, action: (now: number, arg: T) => void, arg: T): EventHandle {
    if (!(timeNs >= this.now) || !Number.isFinite(timeNs)) {
      throw new RangeError(`cannot schedule at ${timeNs} ns: now is ${this.now} ns`);
    }
    const time = Math.round(timeNs);
    const seq = this.nextSeq++;
    const e: Entry = { time, seq, cancelled: false, action: action as (now: number, arg: never) => void, arg, heapTime: time, heapSeq: seq, inHeap: false };
    this.push(e);
    return e;
  }

  /**
   * Equivalent to `cancel(handle)` followed by `atWith(timeNs, action, arg)` (same order among
   * events, same sequence numbers), for a timer that is re-armed often (TCP's retransmission
   * timer on every ACK): when the new time is not earlier, the pending entry is reused and
   * only moved when it reaches the top of the heap, so the heap does not fill with cancelled
   * entries. Only for handles nobody else keeps.
   */
  reschedule<T>(handle: EventHandle | null | undefined, timeNs: number, action: (now: number, arg: T) => void, arg: T): EventHandle {
    const e = handle as Entry | null | undefined;
    if (!e || !e.inHeap || !(timeNs >= e.heapTime) || !(timeNs >= this.now) || !Number.isFinite(timeNs)) {
      this.cancel(handle);
      return this.atWith(timeNs, action, arg);
    }
    e.time = Math.round(timeNs);
    e.seq = this.nextSeq++;
    e.cancelled = false;
    e.action = action as (now: number, arg: never) => void;
    e.arg = arg;
    return e;
  }

  /** Schedules `action` `delayNs` after now. */
  after(delayNs: number, action: Action): EventHandle {
    return this.at(this.now + delayNs, action);
  }

  cancel(handle: EventHandle | undefined | null): void {
    if (handle) handle.cancelled = true;
  }

  /** Asks the running loop to return after the current event. */
  stop(): void {
    this.stopRequested = true;
  }

  /** Time of the next live event, or Infinity. */
  peekTime(): number {
    for (;;) {
      const top = this.heap[0];
      if (top === undefined) return Infinity;
      if (top.cancelled) this.pop();
      else if (top.time !== top.heapTime || top.seq !== top.heapSeq) {
        // Rescheduled later: take its real place now.
        this.pop();
        top.heapTime = top.time;
        top.heapSeq = top.seq;
        this.push(top);
      } else return top.time;
    }
  }

  /**
   * Runs events with time <= untilNs (default: until idle), at most `budget` of them.
   * On 'until', `now` is advanced to untilNs.
   */
  run(untilNs = Infinity, budget = Infinity): RunResult {
    this.stopRequested = false;
    let ran = 0;
    for (;;) {
      if (this.stopRequested) return { reason: 'stopped', now: this.now, eventsRun: ran };
      const t = this.peekTime();
      if (t === Infinity) {
        if (untilNs !== Infinity) this.now = untilNs;
        return { reason: 'idle', now: this.now, eventsRun: ran };
      }
      if (t > untilNs) {
        this.now = untilNs;
        return { reason: 'until', now: this.now, eventsRun: ran };
      }
      if (ran >= budget) return { reason: 'budget', now: this.now, eventsRun: ran };
      const e = this.pop()!;
      this.now = e.time;
      ran++;
      this.eventsRun++;
      e.action(e.time, e.arg as never);
    }
  }

  /** Runs exactly one live event; returns false when none is left. */
  step(): boolean {
    if (this.peekTime() === Infinity) return false;
    const e = this.pop()!;
    this.now = e.time;
    this.eventsRun++;
    e.action(e.time, e.arg as never);
    return true;
  }

  private static less(a: Entry, b: Entry): boolean {
    return a.heapTime < b.heapTime || (a.heapTime === b.heapTime && a.heapSeq < b.heapSeq);
  }

  private push(e: Entry): void {
    e.inHeap = true;
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p]!;
      if (!Scheduler.less(e, parent)) break;
      h[i] = parent;
      i = p;
    }
    h[i] = e;
  }

  private pop(): Entry | undefined {
    const h = this.heap;
    const top = h[0];
    if (top !== undefined) top.inHeap = false;
    const last = h.pop();
    if (top === undefined || last === undefined || h.length === 0) return top;
    const n = h.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && Scheduler.less(h[r]!, h[l]!) ? r : l;
      if (!Scheduler.less(h[c]!, last)) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
    return top;
  }
}
