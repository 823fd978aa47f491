/**
 * What an embed renders: the chosen views in a compact grid and the chosen controls
 * (minimal = play/pause + scrubber + time; full = the app's transport bar; none = nothing,
 * the host page drives it). Used by the iframe page and inside the custom element's shadow root.
 */
import type { ReactNode } from 'react';
import type { LabController } from '../ui/lab/controller.ts';
import { LabContext, useLab } from '../ui/lab/context.ts';
import { PlayButton, Scrubber, TransportBar } from '../ui/components/TransportBar.tsx';
import { VIEW_TITLES } from '../ui/components/views.ts';
import { ViewBody } from '../ui/components/ViewGrid.tsx';
import { formatTime } from '../ui/components/format.ts';
import type { Controls } from './options.ts';

export interface EmbedViewProps {
  lab: LabController;
  controls: Controls;
  /** Shown instead of the lab (e.g. a lesson that cannot be embedded yet). */
  notice?: ReactNode;
}

export function EmbedView({ lab, controls, notice }: EmbedViewProps) {
  return (
    <LabContext.Provider value={lab}>
      <Frame lab={lab} controls={controls} notice={notice} />
    </LabContext.Provider>
  );
}

function isTyping(el: HTMLElement): boolean {
  if (el.closest('.xterm, [data-own-keys]')) return true;
  const tag = el.tagName;
  return tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA' || tag === 'BUTTON' || el.isContentEditable;
}

function Frame({ lab, controls, notice }: EmbedViewProps) {
  const theme = useLab((s) => s.theme);
  return (
    <div
      className={`ss-embed ss-embed-controls-${controls}`}
      data-theme={theme === 'system' ? undefined : theme}
      onKeyDown={(e) => {
        // Space plays/pauses while focus is inside the widget (never on the host page).
        if (controls === 'none' || e.key !== ' ' || e.altKey || e.ctrlKey || e.metaKey || isTyping(e.target as HTMLElement)) return;
        e.preventDefault();
        lab.toggle();
      }}
    >
      {notice ? (
        <div className="ss-embed-notice" role="status">
          {notice}
        </div>
      ) : (
        <>
          <Status />
          <Grid />
          {controls === 'full' && <TransportBar lab={lab} />}
          {controls === 'minimal' && <MinimalControls lab={lab} />}
        </>
      )}
    </div>
  );
}

function Status() {
  const status = useLab((s) => s.status);
  const message = useLab((s) => s.message);
  if (status === 'loading' || status === 'starting') {
    return (
      <p className="ss-embed-status" role="status">
        Loading the scenario…
      </p>
    );
  }
  if (!message) return null;
  return (
    <p className={`ss-embed-status ss-embed-status-${status === 'ready' ? 'warn' : 'error'}`} role="alert">
      {message}
    </p>
  );
}

function Grid() {
  const views = useLab((s) => s.views);
  const loaded = useLab((s) => s.run !== null);
  const title = useLab((s) => s.run?.title ?? '');
  if (!loaded) return <div className="ss-embed-grid" aria-busy="true" />;
  return (
    <div className="ss-embed-grid" data-views={views.length} role="group" aria-label={title ? `Stackscope: ${title}` : 'Stackscope'}>
      {views.map((id) => {
        return (
          <section key={id} className={`ss-panel ss-embed-panel ss-panel-${id}`} aria-label={VIEW_TITLES[id]}>
            <ViewBody id={id} />
          </section>
        );
      })}
    </div>
  );
}

/** Play/pause, a scrubber and the time: all a reader of a documentation page needs. */
export function MinimalControls({ lab }: { lab: LabController }) {
  const cursorNs = useLab((s) => s.cursorNs);
  return (
    <div className="ss-embed-controls" role="toolbar" aria-label="Timeline">
      <PlayButton lab={lab} />
      <Scrubber lab={lab} />
      <output className="ss-time" aria-live="off">
        {formatTime(cursorNs)}
      </output>
    </div>
  );
}
