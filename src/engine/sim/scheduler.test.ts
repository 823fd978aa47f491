import { describe, expect, it } from 'vitest';
import type { EventHandle } from './scheduler.ts';
import { Scheduler } from './scheduler.ts';

/**
 * Drives two schedulers with the same pseudo-random workload: timers re-armed with
 * `reschedule` in one, with cancel + atWith in the other. Both must run the same events at the
 * same times in the same order, and count the same events.
 */
function workload(useReschedule: boolean): { log: string[]; eventsRun: number } {
  const sched = new Scheduler();
  const log: string[] = [];
  let x = 99;
  const rnd = (n: number): number => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x % n;
  };
  const timers: Array<EventHandle | null> = [null, null, null];
  const fire = (now: number, k: number): void => {
    log.push(`t${k}@${now}#${timers[k]?.seq}`);
    timers[k] = null;
  };
  const tick = (now: number, id: number): void => {
    log.push(`e${id}@${now}`);
    sched.at(now + rnd(50), (t) => tick(t, id * 2));
    if (rnd(4) === 0) sched.at(now + rnd(50), (t) => tick(t, id * 2 + 1));
    const k = rnd(3);
    const when = now + rnd(20);
    if (rnd(3) !== 0) return;
    if (rnd(5) === 0) {
      sched.cancel(timers[k]);
      timers[k] = null;
    } else if (useReschedule) timers[k] = sched.reschedule(timers[k], when, fire, k);
    else {
      sched.cancel(timers[k]);
      timers[k] = sched.atWith(when, fire, k);
    }
  };
  for (let i = 0; i < 20; i++) sched.at(rnd(30), (t) => tick(t, i));
  sched.run(5000, 20000);
  return { log, eventsRun: sched.eventsRun };
}

describe('Scheduler.reschedule', () => {
  it('behaves exactly like cancel followed by atWith (order, times, event count)', () => {
    const a = workload(true);
    const b = workload(false);
    expect(a.log.length).toBeGreaterThan(1000);
    expect(a.log.filter((l) => l.startsWith('t')).length).toBeGreaterThan(50);
    expect(a.log).toEqual(b.log);
    expect(a.eventsRun).toBe(b.eventsRun);
  });

  it('moves a timer earlier by scheduling a new event', () => {
    const sched = new Scheduler();
    const seen: number[] = [];
    let h = sched.atWith(100, (t: number) => seen.push(t), 0);
    h = sched.reschedule(h, 50, (t: number) => seen.push(t), 0);
    sched.run();
    expect(seen).toEqual([50]);
    expect(h.time).toBe(50);
  });
});
