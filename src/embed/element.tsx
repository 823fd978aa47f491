/**
 * <stackscope-player>: the embeddable widget as a custom element, defined by one script
 * (dist/stackscope-player.js). Everything renders into a shadow root with the widget's own
 * stylesheet, so the page's CSS does not reach in and the widget's CSS does not leak out.
 * Each element has its own lab (store, trace, engine worker); several on a page are independent.
 *
 *   <script type="module" src="https://…/stackscope-player.js"></script>
 *   <stackscope-player scenario="lan" views="topology,ladder" autoplay controls="minimal"></stackscope-player>
 *
 * Methods: play(), pause(), seek(seconds), select(packetUid | null); `state` (read-only).
 * DOM events (bubbling, composed; detail = the event object of the postMessage API):
 * stackscope:ready, stackscope:step, stackscope:packetSelected, stackscope:error.
 */
import { createRoot } from 'react-dom/client';
import type { Root } from 'react-dom/client';
import { EmbedView } from './EmbedView.tsx';
import { LessonNotice } from './lesson.tsx';
import { EmbedPlayer } from './player.ts';
import type { PlayerState } from './player.ts';
import { OPTION_NAMES, parseOptions } from './options.ts';
import type { EmbedOptions } from './options.ts';
import type { EmbedEvent } from './messages.ts';
import { adoptStyles } from './shadow-styles.ts';
import { makeEngineWorker } from './worker.ts';

export const TAG = 'stackscope-player';

export class StackscopePlayerElement extends HTMLElement {
  static readonly observedAttributes = [...OPTION_NAMES];

  private player: EmbedPlayer | null = null;
  private root: Root | null = null;
  private observer: IntersectionObserver | null = null;
  private updateQueued = false;

  private readOptions(): EmbedOptions {
    const { options, problems } = parseOptions((name) => this.getAttribute(name));
    for (const p of problems) console.warn(`<${TAG}>: ignoring ${p}`);
    return options;
  }

  connectedCallback(): void {
    if (this.player) return;
    const shadow = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    adoptStyles(shadow);
    const mount = document.createElement('div');
    mount.style.height = '100%';
    shadow.replaceChildren(...Array.from(shadow.querySelectorAll('style')), mount);
    const options = this.readOptions();
    this.player = new EmbedPlayer(options, (e) => this.emit(e), { clientOpts: { makeWorker: makeEngineWorker } });
    this.root = createRoot(mount);
    this.render();
    if (typeof IntersectionObserver === 'function') {
      this.observer = new IntersectionObserver((entries) => {
        const e = entries[entries.length - 1];
        if (e) this.player?.setVisible(e.isIntersecting);
      });
      this.observer.observe(this);
    }
    void this.player.start();
  }

  disconnectedCallback(): void {
    this.observer?.disconnect();
    this.observer = null;
    this.player?.dispose();
    this.player = null;
    const root = this.root;
    this.root = null;
    // Unmount after the current task: React warns when a root unmounts during its own render.
    if (root) queueMicrotask(() => root.unmount());
  }

  attributeChangedCallback(_name: string, oldValue: string | null, newValue: string | null): void {
    if (!this.player || oldValue === newValue || this.updateQueued) return;
    // Several attributes set in a row (a framework re-rendering) become one update.
    this.updateQueued = true;
    queueMicrotask(() => {
      this.updateQueued = false;
      if (!this.player) return;
      void this.player.update(this.readOptions());
      this.render();
    });
  }

  private render(): void {
    const p = this.player;
    if (!p || !this.root) return;
    const o = p.options;
    this.root.render(<EmbedView lab={p.lab} controls={o.controls} notice={o.lesson !== null ? <LessonNotice id={o.lesson} /> : undefined} />);
  }

  private emit(e: EmbedEvent): void {
    this.dispatchEvent(new CustomEvent(e.type, { detail: e, bubbles: true, composed: true }));
  }

  play(): void {
    this.player?.play();
  }

  pause(): void {
    this.player?.pause();
  }

  /** Jumps to `t` seconds of simulated time. */
  seek(t: number): Promise<void> {
    if (!this.player || !Number.isFinite(t) || t < 0) return Promise.resolve();
    return this.player.seek(Math.round(t * 1e9));
  }

  /** Selects a packet by uid (null clears); false if no such packet has been recorded yet. */
  select(packet: number | null): boolean {
    return this.player?.select(packet) ?? false;
  }

  get state(): PlayerState | null {
    return this.player?.state ?? null;
  }
}

if (!customElements.get(TAG)) customElements.define(TAG, StackscopePlayerElement);

declare global {
  interface HTMLElementTagNameMap {
    [TAG]: StackscopePlayerElement;
  }
}
