/**
 * React access to the lab a view belongs to: its store, trace buffer and engine client.
 * Views call `useLab(selector)` for state and `useTrace()` for the (non-reactive) trace.
 */
import { createContext, useContext, useEffect, useRef } from 'react';
import { useStore } from 'zustand';
import type { LabActions, LabState, LabStore } from './store.ts';
import type { TraceBuffer } from '../trace/trace-buffer.ts';
import type { EngineClient } from '../runner/engine-client.ts';
import { cancelTask, scheduleTask } from './tasks.ts';
import type { CommandExit, CommandOutput, ExecResult } from '../../worker/protocol.ts';

/** What the terminal needs from a lab (the LabController provides it). */
export interface TerminalBackend {
  exec(host: string, line: string): Promise<ExecResult>;
  input(cmd: number, data: string | null): Promise<void>;
  interrupt(cmd: number): Promise<void>;
  complete(host: string, line: string): Promise<string[]>;
  subscribe(l: { output(o: CommandOutput): void; exit(e: CommandExit): void }): () => void;
}

export interface Lab {
  readonly store: LabStore;
  readonly trace: TraceBuffer;
  /** Null until the worker is up (and in view tests that do not need it). */
  readonly engine: EngineClient | null;
  /** Absent in view tests that have no engine. */
  readonly terminal?: TerminalBackend;
}

export const LabContext = createContext<Lab | null>(null);

export function useLabContext(): Lab {
  const lab = useContext(LabContext);
  if (!lab) throw new Error('useLab must be used inside <LabContext.Provider>');
  return lab;
}

export function useLab<T>(selector: (s: LabState & LabActions) => T): T {
  return useStore(useLabContext().store, selector);
}

/** The trace buffer; subscribe to `traceVersion` (useLab) to re-render when it grows. */
export function useTrace(): TraceBuffer {
  return useLabContext().trace;
}

/**
 * Runs `consume` (a view's incremental trace index catching up) in a task of its own after each
 * batch the trace receives, so by the time the view renders for a trace notice its index holds
 * (nearly) everything and the render's own catch-up is small. Several views' catch-ups are
 * separate tasks, never one long one (lab/tasks.ts).
 */
export function useTraceConsumer(consume: () => void): void {
  const trace = useTrace();
  const ref = useRef(consume);
  ref.current = consume;
  useEffect(() => {
    const key = {};
    const off = trace.onChange(() => scheduleTask(key, () => ref.current()));
    return () => {
      off();
      cancelTask(key);
    };
  }, [trace]);
}
