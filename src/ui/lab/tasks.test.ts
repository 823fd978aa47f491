import { describe, expect, it } from 'vitest';
import { cancelTask, scheduleTask } from './tasks.ts';

const settle = () => new Promise((r) => setTimeout(r, 20));

describe('one job per task', () => {
  it('runs each job in a task of its own, in order; a newer job for a key replaces the waiting one', async () => {
    const log: string[] = [];
    const a = {};
    const b = {};
    const c = {};
    const job = (name: string) => () => {
      log.push(name);
      // A microtask queued by a job runs before the next job: they are separate tasks.
      queueMicrotask(() => log.push(`${name} microtask`));
    };
    scheduleTask(a, job('a1'));
    scheduleTask(b, job('b'));
    scheduleTask(a, job('a2'));
    scheduleTask(c, job('c'));
    cancelTask(c);
    expect(log).toEqual([]);
    await settle();
    expect(log).toEqual(['b', 'b microtask', 'a2', 'a2 microtask']);
  });

  it('keeps going after a job throws', async () => {
    const log: string[] = [];
    const errors: unknown[] = [];
    const onError = (e: unknown) => errors.push(e);
    process.on('uncaughtException', onError);
    try {
      scheduleTask({}, () => {
        throw new Error('boom');
      });
      scheduleTask({}, () => log.push('after'));
      await settle();
    } finally {
      process.off('uncaughtException', onError);
    }
    expect(log).toEqual(['after']);
    expect(String(errors[0])).toContain('boom');
  });
});
