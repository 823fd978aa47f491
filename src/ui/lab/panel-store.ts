/**
 * A view panel's window on its lab's store. While a run streams in, the time cursor moves every
 * frame and the trace grows every few milliseconds; if every open view caught up with that in
 * the same task, their costs would add up into one long task (five views: ~80 ms). Through this
 * wrapper each panel sees the streaming fields (cursor, head, trace version, idle) change in a
 * task of its own (lab/tasks.ts), a moment after the lab did. Everything else — selection,
 * settings, positions, status — is the lab's live state, so controls and selection stay
 * immediate. Writes go straight to the lab's store.
 */
import type { LabStore } from './store.ts';

type State = ReturnType<LabStore['getState']>;
type Listener = (state: State, prev: State) => void;

/** The fields that change continuously while playing. */
export const STREAM_FIELDS = ['cursorNs', 'cursorEvents', 'headNs', 'traceVersion', 'idle'] as const;
type StreamField = (typeof STREAM_FIELDS)[number];
type Stream = Pick<State, StreamField>;

function pick(s: State): Stream {
  return { cursorNs: s.cursorNs, cursorEvents: s.cursorEvents, headNs: s.headNs, traceVersion: s.traceVersion, idle: s.idle };
}

function sameStream(a: Stream, b: State | Stream): boolean {
  return STREAM_FIELDS.every((k) => a[k] === b[k]);
}

/** True if `a` and `b` differ in a field other than the streaming ones. */
function otherFieldsDiffer(a: State, b: State): boolean {
  for (const k in a) {
    if ((STREAM_FIELDS as readonly string[]).includes(k)) continue;
    if (a[k as keyof State] !== b[k as keyof State]) return true;
  }
  return false;
}

export function panelStore(lab: LabStore, schedule: (key: object, job: () => void) => void, cancel: (key: object) => void): LabStore {
  let stream = pick(lab.getState());
  let mergedFrom: State | null = null;
  let merged: State = lab.getState();
  const listeners = new Set<Listener>();
  let unsubscribe: (() => void) | null = null;
  const key = {};

  const getState = (): State => {
    const live = lab.getState();
    // Not subscribed (no view mounted yet): nothing is deferred.
    if (!unsubscribe && !sameStream(stream, live)) {
      stream = pick(live);
      mergedFrom = null;
    }
    if (live !== mergedFrom) {
      mergedFrom = live;
      merged = sameStream(stream, live) ? live : { ...live, ...stream };
    }
    return merged;
  };

  const notify = (prev: State): void => {
    const next = getState();
    if (next === prev) return;
    for (const l of listeners) l(next, prev);
  };

  const flush = (): void => {
    const prev = getState();
    stream = pick(lab.getState());
    mergedFrom = null;
    notify(prev);
  };

  const onLab = (live: State, prevLive: State): void => {
    if (otherFieldsDiffer(live, prevLive)) {
      // Selection, settings, status: at once (the streaming fields stay as the panel last saw them).
      const prev = merged;
      mergedFrom = null;
      notify(prev);
    }
    if (!sameStream(stream, live)) schedule(key, flush);
  };

  return {
    getState,
    getInitialState: () => lab.getInitialState(),
    setState: lab.setState,
    subscribe(listener: Listener) {
      listeners.add(listener);
      unsubscribe ??= lab.subscribe(onLab);
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && unsubscribe) {
          unsubscribe();
          unsubscribe = null;
          cancel(key);
        }
      };
    },
  } as LabStore;
}
