/**
 * Drives one lab: loads scenarios into the engine worker, pumps the simulation ahead of the
 * time cursor during playback, appends trace batches, delivers terminal output when the
 * cursor passes the moment it was printed, and recovers from a crashed worker by reloading
 * the same scenario and seed at the same cursor.
 *
 * Pacing to wall time happens here (the engine never reads a clock): the cursor advances by
 * wall-clock delta × speed each animation frame, and the engine is asked to simulate up to
 * slightly beyond it, in slices bounded by an event count so no reply is ever huge.
 */
import type { TraceKindInfo } from '../../engine/index.ts';
import type { AdvanceResult, CommandExit, CommandOutput, ExecResult, TypedCommandRecord } from '../../worker/protocol.ts';
import { EngineClient } from '../runner/engine-client.ts';
import type { EngineClientOptions } from '../runner/engine-client.ts';
import { TraceBuffer } from '../trace/trace-buffer.ts';
import { createLabStore } from './store.ts';
import type { LabState, LabStore } from './store.ts';
import type { Lab, TerminalBackend } from './context.ts';

/** Events per advance() call: keeps each reply small (a few ms to append on the UI thread). */
export const SLICE_EVENTS = 20_000;
/**
 * During playback, views learn that the trace grew at most this often (wall ms): each growth
 * notice makes every open view fold in the new events and redraw, and at full speed batches
 * arrive every frame. Paused, stepping or seeking, the notice is immediate.
 */
const TRACE_NOTICE_MS = 120;
/**
 * An advance() slice takes milliseconds; a worker silent for this long is stuck (an engine bug
 * looping inside one event: the event budget cannot stop that). The user gets the restart
 * button; an answer that still comes later is taken and the message withdrawn.
 */
export const STUCK_AFTER_MS = 10_000;
/** Simulate this far ahead of the cursor during playback (ns of simulated time per wall second of lead). */
const LOOKAHEAD_WALL_S = 0.25;

export interface CommandListener {
  output(o: CommandOutput): void;
  exit(e: CommandExit): void;
}

export class LabController implements Lab {
  readonly store: LabStore;
  readonly trace = new TraceBuffer();
  engine: EngineClient;
  private pending: AdvanceResult[] = [];
  private queuedOutput: CommandOutput[] = [];
  private queuedExits: CommandExit[] = [];
  private listeners = new Set<CommandListener>();
  private inFlight: Promise<void> | null = null;
  private raf = 0;
  private lastFrame = 0;
  private loadToken = 0;
  /** Terminal commands started and not yet exited: playback goes past the stop time for them. */
  private userCommands = 0;
  /** See STUCK_AFTER_MS (tests lower it). */
  stuckAfterMs = STUCK_AFTER_MS;
  private stuck = false;

  constructor(init: Partial<LabState> = {}, private readonly clientOpts: EngineClientOptions = {}) {
    this.store = createLabStore(init);
    this.engine = this.makeClient();
  }

  private makeClient(): EngineClient {
    return new EngineClient({ ...this.clientOpts, onCrash: (m) => this.onCrash(m) });
  }

  private get s() {
    return this.store.getState();
  }

  /** Starts the worker and loads `scenario`. Errors end up in the store (status 'error'). */
  /** Terminal commands typed in this run, with their start times: part of the shared state. */
  typed: TypedCommandRecord[] = [];

  async load(scenario: string | object, seed = this.s.seed, cursorNs = 0, commands: readonly TypedCommandRecord[] = []): Promise<boolean> {
    const token = ++this.loadToken;
    this.pause();
    this.s.set({ status: 'loading', message: null, scenario, seed });
    try {
      if (!this.engine.running) await this.engine.start();
      const r = await this.engine.api.load(scenario, seed, commands);
      if (token !== this.loadToken) return false;
      if (!r.ok) {
        this.s.set({ status: 'error', message: r.error });
        return false;
      }
      this.trace.reset(r.kinds as TraceKindInfo[], r.protoClasses);
      this.queuedOutput = [];
      this.queuedExits = [];
      this.userCommands = 0;
      this.typed = [...commands];
      const host = this.s.terminalHost && r.hosts.includes(this.s.terminalHost) ? this.s.terminalHost : (r.hosts.find((h) => r.topology.nodes.find((n) => n.name === h)?.kind === 'host') ?? r.hosts[0] ?? null);
      this.s.set({ status: 'ready', run: r, topology: r.topology, seed: r.seed, headNs: 0, idle: false, cursorNs: 0, cursorEvents: 0, traceVersion: this.trace.version, terminalHost: host, message: null });
      this.s.clearSelection();
      if (cursorNs > 0) await this.seek(cursorNs);
      return true;
    } catch (e) {
      if (token !== this.loadToken) return false;
      this.s.set({ status: 'error', message: (e as Error).message });
      return false;
    }
  }

  private onCrash(message: string): void {
    this.pause();
    this.s.set({ status: 'crashed', message: `The simulation engine stopped: ${message}. Your scenario, seed and time are kept; press “Restart engine” to continue.` });
  }

  private onStuck(engine: EngineClient): void {
    if (engine !== this.engine || this.s.status !== 'ready') return;
    this.stuck = true;
    this.pause();
    const secs = this.stuckAfterMs / 1000;
    this.s.set({
      status: 'crashed',
      message: `The simulation engine has not answered for ${secs} s: the run looks stuck (a runaway scenario?). Your scenario, seed and time are kept; press “Restart engine” to continue from the time cursor.`,
    });
  }

  /** Replaces a crashed or stuck worker and reloads the same scenario at the same cursor. */
  async restart(): Promise<void> {
    this.stuck = false;
    const { scenario, seed, cursorNs } = this.s;
    this.engine.dispose();
    this.engine = this.makeClient();
    this.inFlight = null;
    if (scenario !== null) await this.load(scenario, seed, cursorNs, this.typed);
  }

  subscribe(l: CommandListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Asks the engine to simulate up to `untilNs`; appends the result. One request at a time. */
  private advance(untilNs: number, maxEvents = SLICE_EVENTS): Promise<void> {
    if (this.inFlight) return this.inFlight;
    const engine = this.engine;
    const p = (async () => {
      const watchdog = setTimeout(() => this.onStuck(engine), this.stuckAfterMs);
      try {
        const r = await engine.api.advance(untilNs, maxEvents);
        clearTimeout(watchdog);
        if (engine !== this.engine) return;
        if (this.stuck) {
          // Slow, not stuck after all.
          this.stuck = false;
          this.s.set({ status: 'ready', message: null });
        }
        this.accept(r);
      } catch (e) {
        clearTimeout(watchdog);
        if (this.s.status === 'ready') this.s.set({ message: (e as Error).message });
      } finally {
        if (engine === this.engine) this.inFlight = null;
      }
    })();
    this.inFlight = p;
    return p;
  }

  private lastNotice = 0;
  private noticeTimer = 0;

  /** Tells the views the trace grew (throttled while playing; see TRACE_NOTICE_MS). */
  private noticeTrace(): void {
    const now = performance.now();
    if (!this.s.playing || now - this.lastNotice >= TRACE_NOTICE_MS) {
      clearTimeout(this.noticeTimer);
      this.noticeTimer = 0;
      this.lastNotice = now;
      if (this.s.traceVersion !== this.trace.version) this.s.set({ traceVersion: this.trace.version });
    } else if (!this.noticeTimer) {
      this.noticeTimer = window.setTimeout(() => {
        this.noticeTimer = 0;
        this.noticeTrace();
      }, TRACE_NOTICE_MS);
    }
  }

  private accept(r: AdvanceResult): void {
    this.trace.append(r.batch);
    this.queuedOutput.push(...r.output);
    this.queuedExits.push(...r.exits);
    this.userCommands = Math.max(0, this.userCommands - r.exits.length);
    this.s.set({ headNs: r.headNs, idle: r.idle, ...(r.error ? { message: r.error } : {}) });
    this.noticeTrace();
    if (r.error) this.pause();
    this.deliver();
  }

  /** Hands terminal output and exits whose time the cursor has reached to listeners, in order. */
  private deliver(): void {
    const t = this.s.cursorNs;
    let o = 0;
    let x = 0;
    while (o < this.queuedOutput.length || x < this.queuedExits.length) {
      const out = this.queuedOutput[o];
      const ex = this.queuedExits[x];
      const takeOut = out !== undefined && (ex === undefined || out.t <= ex.t);
      const item = takeOut ? out : ex!;
      if (item.t > t) break;
      for (const l of this.listeners) {
        if (takeOut) l.output(out);
        else l.exit(ex!);
      }
      if (takeOut) o++;
      else x++;
    }
    this.queuedOutput.splice(0, o);
    this.queuedExits.splice(0, x);
  }

  /** End of the timeline the user can scrub to: what is simulated, at least the scenario's stop time. */
  get endNs(): number {
    return Math.max(this.s.headNs, this.stopNs);
  }

  private get stopNs(): number {
    return this.s.run?.stopTimeNs ?? 0;
  }

  /**
   * Where playback ends: the scenario's stop time, or later while a terminal command runs
   * (periodic timers — ARP ageing, a listening server — would otherwise keep a run going forever).
   */
  private get playLimit(): number {
    return this.userCommands > 0 ? Infinity : Math.max(this.stopNs, this.s.headNs);
  }

  play(): void {
    if (this.s.status !== 'ready') return;
    if (this.userCommands === 0 && this.s.cursorNs >= this.endNs) this.s.seekTime(0, 0);
    this.s.set({ playing: true });
    this.lastFrame = 0;
    if (!this.raf) this.raf = requestAnimationFrame((t) => this.frame(t));
  }

  pause(): void {
    this.s.set({ playing: false });
    this.noticeTrace();
    if (this.raf) cancelAnimationFrame(this.raf);
    this.raf = 0;
  }

  toggle(): void {
    if (this.s.playing) this.pause();
    else this.play();
  }

  private frame(now: number): void {
    this.raf = 0;
    const st = this.s;
    if (!st.playing || st.status !== 'ready') return;
    const dtMs = this.lastFrame ? Math.min(now - this.lastFrame, 100) : 0;
    this.lastFrame = now;
    const limit = this.userCommands > 0 ? Infinity : this.stopNs;
    if (st.speed === 'max') {
      if (!this.inFlight && !st.idle && st.headNs < limit) void this.advance(limit);
      this.setCursor(st.headNs);
      if (!this.inFlight && (st.idle || st.headNs >= limit)) this.pause();
    } else {
      const target = st.cursorNs + dtMs * 1e6 * st.speed;
      const ahead = Math.min(target + LOOKAHEAD_WALL_S * 1e9 * st.speed, Math.max(limit, target));
      if (st.headNs < ahead && !this.inFlight) void this.advance(ahead);
      this.setCursor(Math.min(target, st.headNs));
      const end = Math.max(this.playLimit, this.s.headNs);
      if (this.userCommands === 0 && this.s.cursorNs >= end) {
        this.setCursor(end);
        this.pause();
      }
    }
    if (this.s.playing) this.raf = requestAnimationFrame((t) => this.frame(t));
  }

  private setCursor(ns: number): void {
    this.s.seekTime(ns, this.trace.upperBound(ns));
    this.deliver();
  }

  /** Jumps to a time, simulating up to it first if needed. */
  async seek(ns: number): Promise<void> {
    const target = Math.max(0, ns);
    while (this.s.status === 'ready' && this.s.headNs < target && !this.s.message?.startsWith('run stopped')) {
      await this.advance(target);
    }
    this.setCursor(Math.min(target, Math.max(this.s.headNs, target)));
  }

  /** One trace event forward (simulating one more event when at the head). */
  async stepForward(): Promise<void> {
    this.pause();
    let i = this.s.cursorEvents;
    if (i >= this.trace.length) {
      await this.advance(Infinity, 1);
      if (i >= this.trace.length) return;
    }
    i = this.s.cursorEvents;
    this.s.seekTime(this.trace.timeAt(i), i + 1);
    this.deliver();
  }

  /** One trace event back. */
  stepBack(): void {
    this.pause();
    const i = this.s.cursorEvents - 1;
    if (i < 0) return;
    this.s.seekTime(i > 0 ? this.trace.timeAt(i - 1) : 0, i);
  }

  /**
   * Runs a terminal command on a host. Commands start at the head of the run; when the user has
   * rewound, the cursor first jumps to the head ("live") so the new packets are seen as made.
   */
  async exec(host: string, line: string): Promise<ExecResult> {
    if (this.s.cursorNs < this.s.headNs) this.setCursor(this.s.headNs);
    if (this.inFlight) await this.inFlight;
    const r = await this.engine.api.exec(host, line);
    if (r.ok) {
      this.userCommands++;
      this.typed.push({ atNs: r.t, events: r.events, host, command: line });
      this.s.set({ idle: false });
      if (!this.s.playing) this.play();
    }
    return r;
  }

  get terminal(): TerminalBackend {
    return this;
  }

  complete(host: string, line: string): Promise<string[]> {
    return this.engine.api.complete(host, line);
  }

  input(cmd: number, data: string | null): Promise<void> {
    return this.engine.api.input(cmd, data);
  }

  interrupt(cmd: number): Promise<void> {
    return this.engine.api.interrupt(cmd);
  }

  async exportCapture(format: 'pcap' | 'pcapng'): Promise<Uint8Array> {
    return this.engine.api.exportCapture(format);
  }

  dispose(): void {
    this.pause();
    this.engine.dispose();
  }
}
