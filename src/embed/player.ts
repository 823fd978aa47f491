/**
 * One embedded widget's lab: a LabController (its own store, trace buffer and engine worker)
 * driven by embed options and commands, reporting what happens as embed events. Shared by the
 * iframe page and the custom element; knows nothing about how events travel (postMessage or
 * DOM events) or how it is rendered.
 *
 * Visibility: a widget scrolled out of view pauses, and plays again when it comes back if it
 * was playing (or was asked to autoplay) when it left.
 */
import { LabController } from '../ui/lab/controller.ts';
import type { EngineClientOptions } from '../ui/runner/engine-client.ts';
import type { LabState } from '../ui/lab/store.ts';
import { throttle } from './messages.ts';
import type { Command, EmbedEvent } from './messages.ts';
import { optionsDiff } from './options.ts';
import type { EmbedOptions } from './options.ts';

/** stackscope:step is sent at most this often while the cursor moves. */
export const STEP_EVENT_MS = 200;

export interface PlayerState {
  readonly status: LabState['status'];
  readonly scenario: string | null;
  readonly seed: number;
  readonly playing: boolean;
  readonly timeNs: number;
  readonly event: number;
  readonly selectedPacket: number | null;
  readonly visible: boolean;
}

export class EmbedPlayer {
  readonly lab: LabController;
  private opts: EmbedOptions;
  private visible = true;
  /** Play again when the widget is back in view. */
  private resumeOnVisible = false;
  private unsubscribe: () => void;
  private disposed = false;
  private readonly step = throttle(() => this.emitStep(), STEP_EVENT_MS, {
    now: () => performance.now(),
    set: (f, ms) => setTimeout(f, ms),
    clear: (h) => clearTimeout(h as number),
  });

  /** A lab someone else runs (the lesson player's): only driven and reported on, never loaded or disposed here. */
  private readonly external: boolean;

  constructor(
    options: EmbedOptions,
    private readonly emit: (e: EmbedEvent) => void,
    source: { clientOpts?: EngineClientOptions; lab?: LabController } = {},
  ) {
    this.opts = options;
    this.external = source.lab !== undefined;
    this.lab =
      source.lab ??
      new LabController(
        {
          seed: options.seed,
          views: options.views,
          speed: options.speed,
          theme: options.theme,
          ...(options.host ? { terminalHost: options.host } : {}),
        },
        source.clientOpts ?? {},
      );
    this.unsubscribe = this.lab.store.subscribe((s, prev) => {
      if (s.cursorNs !== prev.cursorNs || s.cursorEvents !== prev.cursorEvents || s.playing !== prev.playing) this.step.call();
      if (s.selection.packet !== prev.selection.packet) this.emit({ type: 'stackscope:packetSelected', packet: s.selection.packet });
      if (s.status !== prev.status && (s.status === 'error' || s.status === 'crashed') && s.message) this.emit({ type: 'stackscope:error', message: s.message });
      if (this.external && s.status === 'ready' && s.run !== prev.run) this.ready();
    });
    if (this.external && this.lab.store.getState().status === 'ready') queueMicrotask(() => this.ready());
  }

  get options(): EmbedOptions {
    return this.opts;
  }

  /** Loads the run the options describe; autoplays if asked (once in view). */
  async start(): Promise<boolean> {
    if (this.external) return false;
    if (this.opts.lesson !== null) {
      // Only the iframe page runs lessons (through the lesson player); see lesson.tsx.
      this.emit({ type: 'stackscope:error', message: `lesson "${this.opts.lesson}": lessons can be embedded with the iframe (embed.html?lesson=…), not with this widget` });
      return false;
    }
    const ok = await this.lab.load(this.opts.scenario, this.opts.seed, Math.round(this.opts.t * 1e9));
    if (!ok || this.disposed) return false;
    const s = this.lab.store.getState();
    if (this.opts.host && s.run?.hosts.includes(this.opts.host)) s.set({ terminalHost: this.opts.host });
    this.ready();
    if (this.opts.autoplay) {
      if (this.visible) this.lab.play();
      else this.resumeOnVisible = true;
    }
    return true;
  }

  /** Applies changed options (attributes changed after mount): reloads only when the run changes. */
  async update(next: EmbedOptions): Promise<void> {
    const prev = this.opts;
    this.opts = next;
    const d = optionsDiff(prev, next);
    const s = this.lab.store.getState();
    if (d.settings) s.set({ views: next.views, theme: next.theme, speed: next.speed, ...(next.host && s.run?.hosts.includes(next.host) ? { terminalHost: next.host } : {}) });
    if (d.reload) {
      this.resumeOnVisible = false;
      await this.start();
    } else if (d.seek) {
      await this.seek(Math.round(next.t * 1e9));
    }
  }

  play(): void {
    this.resumeOnVisible = false;
    this.lab.play();
  }

  pause(): void {
    this.resumeOnVisible = false;
    this.lab.pause();
  }

  /** Jumps to a time; playback continues afterwards if it was playing. */
  async seek(ns: number): Promise<void> {
    const wasPlaying = this.lab.store.getState().playing;
    this.lab.pause();
    await this.lab.seek(ns);
    if (wasPlaying && !this.disposed) this.lab.play();
  }

  /** Selects a packet by uid (null clears); false when no such packet has been recorded yet. */
  select(packet: number | null): boolean {
    if (packet !== null && (packet < 0 || packet >= this.lab.trace.packetCount)) return false;
    this.lab.store.getState().select({ packet });
    return true;
  }

  /** Runs a host page's command; resolves to an error text, or null when it was done. */
  async command(c: Command): Promise<string | null> {
    const status = this.lab.store.getState().status;
    if (status !== 'ready') return `the widget is not ready (${status})`;
    switch (c.kind) {
      case 'play':
        this.play();
        return null;
      case 'pause':
        this.pause();
        return null;
      case 'seek':
        await this.seek(c.timeNs);
        return null;
      case 'select':
        return this.select(c.packet) ? null : `no packet ${c.packet} has been recorded yet`;
    }
  }

  /** Called by the IntersectionObserver of the page or element. */
  setVisible(visible: boolean): void {
    if (visible === this.visible) return;
    this.visible = visible;
    const s = this.lab.store.getState();
    if (!visible) {
      if (s.playing) {
        this.lab.pause();
        this.resumeOnVisible = true;
      }
    } else if (this.resumeOnVisible) {
      this.resumeOnVisible = false;
      this.lab.play();
    }
  }

  get state(): PlayerState {
    const s = this.lab.store.getState();
    return {
      status: s.status,
      scenario: typeof s.scenario === 'string' ? s.scenario : s.scenario === null ? null : 'custom',
      seed: s.seed,
      playing: s.playing,
      timeNs: Math.round(s.cursorNs),
      event: s.cursorEvents,
      selectedPacket: s.selection.packet,
      visible: this.visible,
    };
  }

  private ready(): void {
    if (this.disposed) return;
    const s = this.lab.store.getState();
    this.emit({ type: 'stackscope:ready', scenario: s.run?.scenarioName ?? this.opts.scenario, title: s.run?.title ?? '', seed: s.seed, stopTimeNs: s.run?.stopTimeNs ?? 0, hosts: s.run?.hosts ?? [] });
    this.emitStep();
  }

  private emitStep(): void {
    if (this.disposed) return;
    const s = this.lab.store.getState();
    const ns = Math.round(s.cursorNs);
    this.emit({ type: 'stackscope:step', timeNs: ns, t: ns / 1e9, event: s.cursorEvents, events: this.lab.trace.length, playing: s.playing });
  }

  dispose(): void {
    this.disposed = true;
    this.step.cancel();
    this.unsubscribe();
    if (!this.external) this.lab.dispose();
  }
}
