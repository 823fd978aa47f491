import { describe, expect, it } from 'vitest';
import { createLabStore } from './store.ts';
import { panelStore } from './panel-store.ts';

/** A hand-run task queue standing in for lab/tasks.ts. */
function queue() {
  const jobs = new Map<object, () => void>();
  return {
    schedule: (k: object, j: () => void) => void jobs.set(k, j),
    cancel: (k: object) => void jobs.delete(k),
    run() {
      const all = [...jobs.values()];
      jobs.clear();
      for (const j of all) j();
    },
    get size() {
      return jobs.size;
    },
  };
}

describe('a panel’s window on the lab store', () => {
  it('sees the cursor, head and trace version move in a task of its own, not at once', () => {
    const lab = createLabStore({ status: 'ready', cursorNs: 0, cursorEvents: 0 });
    const q = queue();
    const panel = panelStore(lab, q.schedule, q.cancel);
    const seen: number[] = [];
    panel.subscribe((s) => seen.push(s.cursorNs));
    lab.getState().seekTime(5e6, 12);
    lab.getState().set({ headNs: 9e6, traceVersion: 3 });
    expect(panel.getState().cursorNs).toBe(0);
    expect(panel.getState().headNs).toBe(0);
    expect(seen).toEqual([]);
    expect(q.size).toBe(1);
    q.run();
    expect(panel.getState()).toMatchObject({ cursorNs: 5e6, cursorEvents: 12, headNs: 9e6, traceVersion: 3 });
    // One notification for the whole catch-up.
    expect(seen).toEqual([5e6]);
  });

  it('sees selection and settings at once, with the streaming fields it last saw', () => {
    const lab = createLabStore({ status: 'ready' });
    const q = queue();
    const panel = panelStore(lab, q.schedule, q.cancel);
    const calls: { packet: number | null; cursor: number; prevPacket: number | null }[] = [];
    panel.subscribe((s, prev) => calls.push({ packet: s.selection.packet, cursor: s.cursorNs, prevPacket: prev.selection.packet }));
    lab.getState().seekTime(7e6, 3);
    lab.getState().select({ packet: 42 });
    expect(calls).toEqual([{ packet: 42, cursor: 0, prevPacket: null }]);
    expect(panel.getState().selection.packet).toBe(42);
    q.run();
    expect(calls.at(-1)).toEqual({ packet: 42, cursor: 7e6, prevPacket: 42 });
  });

  it('writes go straight to the lab, and the state object is stable while nothing changes', () => {
    const lab = createLabStore({ status: 'ready' });
    const q = queue();
    const panel = panelStore(lab, q.schedule, q.cancel);
    const off = panel.subscribe(() => {});
    panel.getState().set({ speed: 10 });
    expect(lab.getState().speed).toBe(10);
    expect(panel.getState().speed).toBe(10);
    expect(panel.getState()).toBe(panel.getState());
    expect(panel.getState()).toBe(lab.getState());
    lab.getState().seekTime(1e6, 1);
    const deferred = panel.getState();
    expect(deferred).not.toBe(lab.getState());
    expect(panel.getState()).toBe(deferred);
    off();
  });

  it('without subscribers nothing is deferred, and the last unsubscribe drops the waiting catch-up', () => {
    const lab = createLabStore({ status: 'ready' });
    const q = queue();
    const panel = panelStore(lab, q.schedule, q.cancel);
    lab.getState().seekTime(2e6, 2);
    expect(panel.getState().cursorNs).toBe(2e6);
    const off = panel.subscribe(() => {});
    lab.getState().seekTime(3e6, 3);
    expect(q.size).toBe(1);
    off();
    expect(q.size).toBe(0);
    expect(panel.getState().cursorNs).toBe(3e6);
  });
});
