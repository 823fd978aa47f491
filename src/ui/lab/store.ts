/**
 * One lab's UI state (zustand): what is loaded, the time cursor, playback, the single
 * selection every view follows, and view settings. Trace data is NOT here (it lives in the
 * lab's TraceBuffer); `traceVersion` mirrors the buffer so views re-render when it grows.
 *
 * A page can hold several labs (embedded widgets), so stores are created per lab, never global.
 */
import { createStore } from 'zustand/vanilla';
import type { Topology } from '../../engine/index.ts';
import type { LoadOk } from '../../worker/protocol.ts';

export type LabStatus = 'starting' | 'loading' | 'ready' | 'error' | 'crashed';

export type ViewId = 'topology' | 'layers' | 'ladder' | 'inspector' | 'events' | 'charts' | 'node' | 'editor' | 'terminal';

export const ALL_VIEWS: readonly ViewId[] = ['topology', 'ladder', 'inspector', 'events', 'layers', 'charts', 'node', 'editor', 'terminal'];

/** Playback speed: simulated seconds per wall second; 'max' = as fast as the engine runs. */
export type Speed = number | 'max';

export const SPEEDS: readonly Speed[] = [0.01, 0.1, 0.25, 0.5, 1, 2, 10, 100, 'max'];

export interface Selection {
  /** Selected packet uid (a frame on one hop; views link rewrites through TraceBuffer.packetOrigin). */
  readonly packet: number | null;
  /** Selected trace event index. */
  readonly event: number | null;
  readonly node: number | null;
  readonly link: number | null;
  /** A TCP connection text as in the trace ("10.0.0.1:40000>10.0.0.2:5201"). */
  readonly flow: string | null;
}

export const EMPTY_SELECTION: Selection = { packet: null, event: null, node: null, link: null, flow: null };

export interface LabState {
  status: LabStatus;
  /** One line for the user when status is 'error' or 'crashed', or a run stopped (budget). */
  message: string | null;
  scenario: string | object | null;
  run: LoadOk | null;
  topology: Topology | null;
  seed: number;
  /** Simulated time the engine has reached. */
  headNs: number;
  /** Nothing left to simulate until a new command. */
  idle: boolean;
  traceVersion: number;
  /** Time cursor: the views show the world as it is at cursorNs after the first cursorEvents events. */
  cursorNs: number;
  cursorEvents: number;
  playing: boolean;
  speed: Speed;
  selection: Selection;
  views: readonly ViewId[];
  layerLabels: 'osi' | 'tcpip';
  theme: 'light' | 'dark' | 'system';
  /** Host the terminal is attached to. */
  terminalHost: string | null;
  /** Node positions the user dragged (node name → x, y in 0..1 of the view). */
  positions: Readonly<Record<string, readonly [number, number]>>;
}

export interface LabActions {
  set(partial: Partial<LabState>): void;
  select(partial: Partial<Selection>): void;
  clearSelection(): void;
  /** Moves the cursor to a time (all events at or before it applied). */
  seekTime(ns: number, eventsAtOrBefore: number): void;
  toggleView(view: ViewId): void;
}

export type LabStore = ReturnType<typeof createLabStore>;

export function createLabStore(init: Partial<LabState> = {}) {
  return createStore<LabState & LabActions>()((set) => ({
    status: 'starting',
    message: null,
    scenario: null,
    run: null,
    topology: null,
    seed: 1,
    headNs: 0,
    idle: false,
    traceVersion: 0,
    cursorNs: 0,
    cursorEvents: 0,
    playing: false,
    speed: 1,
    selection: EMPTY_SELECTION,
    views: ['topology', 'ladder', 'inspector', 'events', 'terminal'],
    layerLabels: 'tcpip',
    theme: 'system',
    terminalHost: null,
    positions: {},
    ...init,
    set: (partial) => set(partial),
    select: (partial) => set((s) => ({ selection: { ...s.selection, ...partial } })),
    clearSelection: () => set({ selection: EMPTY_SELECTION }),
    seekTime: (ns, events) => set({ cursorNs: ns, cursorEvents: events }),
    toggleView: (view) => set((s) => ({ views: s.views.includes(view) ? s.views.filter((v) => v !== view) : [...s.views, view] })),
  }));
}
