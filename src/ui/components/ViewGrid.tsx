/**
 * The lab's status line (loading, errors, a crashed engine with its restart button) and the
 * grid of open views. Shared by the single-run app and the side-by-side compare mode.
 */
import { Suspense, useMemo } from 'react';
import type { LabController } from '../lab/controller.ts';
import { LabContext, useLab, useLabContext } from '../lab/context.ts';
import type { Lab } from '../lab/context.ts';
import { panelStore } from '../lab/panel-store.ts';
import { cancelTask, scheduleTask } from '../lab/tasks.ts';
import { VIEW_TITLES, viewComponent } from './views.ts';
import type { ViewId } from '../lab/store.ts';

export function StatusBanner({ lab }: { lab: LabController }) {
  const status = useLab((s) => s.status);
  const message = useLab((s) => s.message);
  if (status === 'loading' || status === 'starting') {
    return (
      <p className="ss-banner" role="status">
        Loading the scenario…
      </p>
    );
  }
  if (!message) return null;
  return (
    <div className={`ss-banner ss-banner-${status === 'ready' ? 'warn' : 'error'}`} role="alert">
      <span>{message}</span>
      {status === 'crashed' && (
        <button type="button" onClick={() => void lab.restart()}>
          Restart engine
        </button>
      )}
      {status === 'error' && (
        <button type="button" onClick={() => void lab.load('routed', 1)}>
          Load the default scenario
        </button>
      )}
    </div>
  );
}

export function ViewGrid() {
  const views = useLab((s) => s.views);
  const loaded = useLab((s) => s.run !== null);
  const busy = useLab((s) => s.status === 'loading' || s.status === 'starting');
  const toggleView = useLab((s) => s.toggleView);
  // With an odd number of views one is two rows tall (the picture views first), so the grid's
  // two columns on a laptop or projector come out even.
  const tall = views.length % 2 === 1 ? (['topology', 'ladder'].find((v) => views.includes(v as ViewId)) ?? views[0]) : undefined;
  // Views stay mounted while a new run loads (their own state, e.g. an editor message, survives).
  if (!loaded) return <main className="ss-grid" aria-busy="true" />;
  return (
    <main className="ss-grid" aria-busy={busy}>
      {views.length === 0 && <p className="ss-muted">No views open: choose some from the Views menu.</p>}
      {views.map((id) => {
        return (
          <section key={id} className={`ss-panel ss-panel-${id}${id === tall ? ' ss-panel-tall' : ''}`} aria-labelledby={`ss-panel-title-${id}`}>
            <header className="ss-panel-header">
              <h2 id={`ss-panel-title-${id}`}>{VIEW_TITLES[id]}</h2>
              <button type="button" className="ss-panel-close" onClick={() => toggleView(id)} aria-label={`Close ${VIEW_TITLES[id]}`}>
                ×
              </button>
            </header>
            <ViewBody id={id} />
          </section>
        );
      })}
    </main>
  );
}

/**
 * Views that draw the run and follow the time cursor and the growing trace. Each sees the lab
 * through its own panel store, so those reach each open view in a task of its own
 * (lab/panel-store.ts). The editor and the terminal act on the lab itself and get it as is.
 */
const FOLLOWS_THE_RUN: ReadonlySet<ViewId> = new Set(['topology', 'layers', 'ladder', 'inspector', 'events', 'charts', 'node']);

/** One view's panel body: the lazily loaded view, a loading line meanwhile (also used by the embed). */
export function ViewBody({ id }: { id: ViewId }) {
  const View = viewComponent(id);
  const lab = useLabContext();
  const panelLab = useMemo((): Lab => {
    const store = panelStore(lab.store, scheduleTask, cancelTask);
    // Getters: the lab may be a LabController whose engine is replaced on restart.
    return {
      store,
      get trace() {
        return lab.trace;
      },
      get engine() {
        return lab.engine;
      },
      get terminal() {
        return lab.terminal;
      },
    };
  }, [lab]);
  return (
    <div className="ss-panel-body">
      {View ? (
        <LabContext.Provider value={FOLLOWS_THE_RUN.has(id) ? panelLab : lab}>
          <Suspense fallback={<p className="ss-muted">Loading {VIEW_TITLES[id]}…</p>}>
            <View />
          </Suspense>
        </LabContext.Provider>
      ) : (
        <p className="ss-muted">This view is not available in this build.</p>
      )}
    </div>
  );
}
