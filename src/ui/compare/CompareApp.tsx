/**
 * Compare: two runs of one scenario side by side, from the same seed, with one knob changed
 * in run B. Each run has its own engine worker; run B's time cursor is locked to run A's, so
 * the same instant is on screen in both.
 */
import { useEffect, useMemo, useState } from 'react';
import { LabController } from '../lab/controller.ts';
import { LabContext, useLab } from '../lab/context.ts';
import type { ViewId } from '../lab/store.ts';
import { TransportBar } from '../components/TransportBar.tsx';
import { StatusBanner, ViewGrid } from '../components/ViewGrid.tsx';
import { KNOBS, applyKnob } from './knobs.ts';
import type { Knob } from './knobs.ts';
import { encodeState } from '../lab/url-state.ts';

export interface CompareInit {
  scenario: string | object;
  seed: number;
  knob: Knob;
  value: string;
  views: ViewId[];
}

/** Keeps `b`'s cursor on `a`'s: the latest target wins, one seek at a time. */
function lockCursor(a: LabController, b: LabController): () => void {
  let target = -1;
  let busy = false;
  const pump = async () => {
    busy = true;
    while (target >= 0) {
      const t = target;
      target = -1;
      if (b.store.getState().status === 'ready') await b.seek(t);
    }
    busy = false;
  };
  return a.store.subscribe((s, prev) => {
    if (s.cursorNs === prev.cursorNs && s.cursorEvents === prev.cursorEvents) return;
    target = s.cursorNs;
    if (!busy) void pump();
  });
}

export function CompareApp({ init }: { init: CompareInit }) {
  const a = useMemo(() => new LabController({ seed: init.seed, views: init.views }), [init]);
  const b = useMemo(() => new LabController({ seed: init.seed, views: init.views }), [init]);
  const [knob, setKnob] = useState<Knob>(init.knob);
  const [value, setValue] = useState(init.value);
  const [problem, setProblem] = useState<string | null>(null);
  const [bLabel, setBLabel] = useState('');

  async function loadB(k: Knob, v: string) {
    if (a.store.getState().status !== 'ready') return;
    const base = (await a.engine.api.scenarioJson()) as Parameters<typeof applyKnob>[0];
    let next;
    try {
      next = applyKnob(base, a.store.getState().seed, k, v);
    } catch (e) {
      setProblem((e as Error).message);
      return;
    }
    setProblem(null);
    setBLabel(`${KNOBS.find((x) => x.knob === k)?.label ?? k} = ${v}`);
    await b.load(next.scenario, next.seed, a.store.getState().cursorNs);
    history.replaceState(null, '', `#compare=1&knob=${k}&value=${encodeURIComponent(v)}&${encodeState({ scenario: init.scenario, seed: init.seed, t: 0, views: init.views })}`);
  }

  useEffect(() => {
    (window as unknown as { stackscopeCompare?: { a: LabController; b: LabController } }).stackscopeCompare = { a, b };
    const unlock = lockCursor(a, b);
    const unviews = a.store.subscribe((s, prev) => {
      if (s.views !== prev.views) b.store.getState().set({ views: s.views });
      if (s.speed !== prev.speed) b.store.getState().set({ speed: s.speed });
    });
    void a.load(init.scenario, init.seed).then(async (ok) => {
      if (ok) await loadB(init.knob, init.value);
    });
    return () => {
      unlock();
      unviews();
      a.dispose();
      b.dispose();
    };
  }, [a, b, init]);

  return (
    <div className="ss-app ss-compare">
      <header className="ss-header">
        <div className="ss-brand">
          <img src="/favicon.svg" alt="" width="28" height="28" />
          <h1>Stackscope — compare</h1>
        </div>
        <label>
          Change in run B{' '}
          <select value={knob} onChange={(e) => setKnob(e.target.value as Knob)}>
            {KNOBS.map((k) => (
              <option key={k.knob} value={k.knob}>
                {k.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          to{' '}
          <input value={value} placeholder={KNOBS.find((k) => k.knob === knob)?.placeholder} onChange={(e) => setValue(e.target.value)} aria-label="Value in run B" />
        </label>
        <button type="button" onClick={() => void loadB(knob, value)}>
          Remake run B
        </button>
        <a href={`#${encodeState({ scenario: init.scenario, seed: init.seed, t: 0, views: init.views })}`} onClick={() => setTimeout(() => location.reload())}>
          Back to one run
        </a>
        {problem && (
          <p role="alert" className="ss-banner ss-banner-error">
            {problem}
          </p>
        )}
      </header>
      <LabContext.Provider value={a}>
        <TransportBar lab={a} />
      </LabContext.Provider>
      <div className="ss-compare-columns">
        <LabContext.Provider value={a}>
          <RunColumn lab={a} label="Run A (as the scenario is)" />
        </LabContext.Provider>
        <LabContext.Provider value={b}>
          <RunColumn lab={b} label={`Run B (${bLabel || '…'})`} />
        </LabContext.Provider>
      </div>
    </div>
  );
}

function RunColumn({ lab, label }: { lab: LabController; label: string }) {
  const seed = useLab((s) => s.seed);
  return (
    <section className="ss-compare-column" aria-label={label}>
      <h2 className="ss-compare-title">
        {label} <span className="ss-muted">seed {seed}</span>
      </h2>
      <StatusBanner lab={lab} />
      <ViewGrid />
    </section>
  );
}
