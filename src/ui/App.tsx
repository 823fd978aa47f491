/**
 * The lab: one scenario run shown in linked views on one timeline. State that matters
 * (scenario, seed, cursor, views, selection, host, theme) lives in the URL fragment and is
 * autosaved locally, so a reload or a shared link restores it exactly.
 */
import { Suspense, lazy, useEffect, useMemo, useRef, useState } from 'react';
import { LabController } from './lab/controller.ts';
import { LabContext, useLab } from './lab/context.ts';
import { ALL_VIEWS } from './lab/store.ts';
import type { ViewId } from './lab/store.ts';
import { decodeState, encodeState } from './lab/url-state.ts';
import type { SharedState } from './lab/url-state.ts';
import { TransportBar } from './components/TransportBar.tsx';
import { downloadBlob } from './components/download.ts';
import { VIEW_TITLES } from './components/views.ts';
import { StatusBanner, ViewGrid } from './components/ViewGrid.tsx';
import type { ScenarioInfo } from '../worker/protocol.ts';
import { CompareApp } from './compare/CompareApp.tsx';
import type { CompareInit } from './compare/CompareApp.tsx';
import { KNOBS } from './compare/knobs.ts';
import type { Knob } from './compare/knobs.ts';
import { CATALOGUE_HREF, lessonRoute } from './lessons/route.ts';

/** The lesson catalogue and player (#lessons, #lesson=<id>): a separate chunk, loaded when used. */
const LessonsApp = lazy(() => import('./lessons/LessonsApp.tsx'));

const AUTOSAVE_KEY = 'stackscope:lab:v1';
const DEFAULT_SCENARIO = 'routed';

function initialState(): Partial<SharedState> {
  const fromUrl = decodeState(window.location.hash);
  if (fromUrl.scenario !== undefined) return fromUrl;
  try {
    const saved = localStorage.getItem(AUTOSAVE_KEY);
    if (saved) return decodeState(saved);
  } catch {
    // storage disabled: start fresh
  }
  return fromUrl;
}

function download(name: string, data: BlobPart, type: string): void {
  downloadBlob(new Blob([data], { type }), name);
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  if (el.closest('.xterm')) return true;
  const tag = el.tagName;
  return tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA' || el.isContentEditable;
}

/** Compare mode (`#compare=1&knob=cc&value=bbr&s=…`): two runs side by side. */
function compareInit(): CompareInit | null {
  const p = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  if (p.get('compare') !== '1') return null;
  const st = decodeState(window.location.hash);
  const knob = (KNOBS.find((k) => k.knob === p.get('knob'))?.knob ?? 'seed') as Knob;
  return { scenario: st.scenario ?? DEFAULT_SCENARIO, seed: st.seed ?? 1, knob, value: p.get('value') ?? String((st.seed ?? 1) + 1), views: st.views ?? ['topology', 'charts'] };
}

export function App() {
  const compare = useMemo(compareInit, []);
  const [lessons, setLessons] = useState(() => lessonRoute(window.location.hash) !== null);
  useEffect(() => {
    const onHash = () => setLessons(lessonRoute(window.location.hash) !== null);
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  if (lessons) {
    return (
      <Suspense fallback={<p className="ss-banner" role="status">Loading lessons…</p>}>
        <LessonsApp />
      </Suspense>
    );
  }
  return compare ? <CompareApp init={compare} /> : <SingleApp />;
}

function SingleApp() {
  const init = useMemo(initialState, []);
  const lab = useMemo(
    () =>
      new LabController({
        seed: init.seed ?? 1,
        ...(init.views ? { views: init.views } : {}),
        ...(init.host ? { terminalHost: init.host } : {}),
        ...(init.theme ? { theme: init.theme } : {}),
      }),
    [init],
  );

  useEffect(() => {
    // A handle for end-to-end tests and curious learners (window.stackscope in the console).
    (window as unknown as { stackscope?: LabController }).stackscope = lab;
    void lab.load(init.scenario ?? DEFAULT_SCENARIO, init.seed ?? 1, (init.t ?? 0) * 1e9, init.commands ?? []).then((ok) => {
      if (ok && init.packet !== undefined && init.packet < lab.trace.packetCount) lab.store.getState().select({ packet: init.packet });
    });
    return () => lab.dispose();
  }, [lab, init]);

  // Keep the URL and the autosave in step with the state (not on every animation frame).
  useEffect(() => {
    let timer = 0;
    const unsub = lab.store.subscribe(() => {
      if (timer) return;
      timer = window.setTimeout(() => {
        timer = 0;
        const s = lab.store.getState();
        if (s.scenario === null || s.status !== 'ready') return;
        const st: SharedState = { scenario: s.scenario, seed: s.seed, t: s.cursorNs / 1e9, views: [...s.views] };
        if (s.selection.packet !== null) st.packet = s.selection.packet;
        if (s.terminalHost) st.host = s.terminalHost;
        if (s.theme !== 'system') st.theme = s.theme;
        if (lab.typed.length > 0) st.commands = lab.typed;
        const enc = encodeState(st);
        history.replaceState(null, '', `#${enc}`);
        try {
          localStorage.setItem(AUTOSAVE_KEY, enc);
        } catch {
          // storage full or disabled: the URL still holds the state
        }
      }, 400);
    });
    return () => {
      unsub();
      clearTimeout(timer);
    };
  }, [lab]);

  // Global shortcuts: Space play/pause, ←/→ step, when not typing.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target) || e.altKey || e.ctrlKey || e.metaKey) return;
      if ((e.target as HTMLElement | null)?.closest('[data-own-keys]')) return;
      if (e.key === ' ' && !(e.target instanceof HTMLButtonElement)) {
        e.preventDefault();
        lab.toggle();
      } else if (e.key === 'ArrowRight') {
        e.preventDefault();
        void lab.stepForward();
      } else if (e.key === 'ArrowLeft') {
        e.preventDefault();
        lab.stepBack();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [lab]);

  return (
    <LabContext.Provider value={lab}>
      <Shell lab={lab} />
    </LabContext.Provider>
  );
}

function Shell({ lab }: { lab: LabController }) {
  const theme = useLab((s) => s.theme);
  useEffect(() => {
    if (theme === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = theme;
  }, [theme]);
  return (
    <div className="ss-app">
      <Header lab={lab} />
      <StatusBanner lab={lab} />
      <TransportBar lab={lab} />
      <ViewGrid />
    </div>
  );
}

function Header({ lab }: { lab: LabController }) {
  const run = useLab((s) => s.run);
  const scenario = useLab((s) => s.scenario);
  const seed = useLab((s) => s.seed);
  const theme = useLab((s) => s.theme);
  const views = useLab((s) => s.views);
  const toggleView = useLab((s) => s.toggleView);
  const setState = useLab((s) => s.set);
  const status = useLab((s) => s.status);
  const [scenarios, setScenarios] = useState<ScenarioInfo[]>([]);
  const [copied, setCopied] = useState('');
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (status === 'ready' && scenarios.length === 0) void lab.engine.api.scenarios().then(setScenarios, () => {});
  }, [lab, status, scenarios.length]);

  const current = typeof scenario === 'string' ? scenario : 'custom';

  async function share() {
    try {
      await navigator.clipboard.writeText(window.location.href);
      setCopied('Link copied.');
    } catch {
      setCopied('Copy the address bar to share.');
    }
    setTimeout(() => setCopied(''), 2500);
  }

  async function exportCapture(format: 'pcap' | 'pcapng') {
    const bytes = await lab.exportCapture(format);
    download(`${run?.scenarioName ?? 'stackscope'}-seed${seed}.${format}`, bytes as BlobPart, 'application/vnd.tcpdump.pcap');
  }

  async function exportScenario() {
    const json = await lab.engine.api.scenarioJson();
    download(`${run?.scenarioName ?? 'scenario'}.json`, JSON.stringify(json, null, 2) + '\n', 'application/json');
  }

  async function importScenario(file: File) {
    let obj: unknown;
    try {
      obj = JSON.parse(await file.text());
    } catch (e) {
      setState({ status: 'error', message: `${file.name} is not valid JSON: ${(e as Error).message}` });
      return;
    }
    if (!obj || typeof obj !== 'object') {
      setState({ status: 'error', message: `${file.name} does not hold a scenario object` });
      return;
    }
    await lab.load(obj, seed);
  }

  return (
    <header className="ss-header">
      <div className="ss-brand">
        <img src="/favicon.svg" alt="" width="28" height="28" />
        <h1>Stackscope</h1>
      </div>
      <a className="ss-nav-link" href={CATALOGUE_HREF}>
        Lessons
      </a>
      <label>
        Scenario{' '}
        <select className="ss-scenario" value={current} onChange={(e) => void lab.load(e.target.value, seed)} aria-label="Scenario" aria-describedby="ss-scenario-desc">
          {current === 'custom' && <option value="custom">{run?.title ?? 'Imported scenario'}</option>}
          {scenarios.length === 0 && current !== 'custom' && <option value={current}>{current}</option>}
          {scenarios.map((s) => (
            <option key={s.name} value={s.name}>
              {s.name}
              {s.title && s.title !== s.name ? ` — ${s.title}` : ''}
            </option>
          ))}
        </select>
      </label>
      <label>
        Seed{' '}
        <input
          type="number"
          min={0}
          max={4294967295}
          value={seed}
          className="ss-seed"
          onChange={(e) => {
            const v = Number(e.target.value);
            if (Number.isInteger(v) && v >= 0 && scenario !== null) void lab.load(scenario, v);
          }}
        />
      </label>
      <details className="ss-menu">
        <summary>Views</summary>
        <fieldset>
          <legend className="visually-hidden">Open views</legend>
          {ALL_VIEWS.map((v: ViewId) => (
            <label key={v}>
              <input type="checkbox" checked={views.includes(v)} onChange={() => toggleView(v)} /> {VIEW_TITLES[v]}
            </label>
          ))}
        </fieldset>
      </details>
      <details className="ss-menu">
        <summary>File</summary>
        <div className="ss-menu-items">
          <button type="button" onClick={() => void exportCapture('pcapng')} disabled={status !== 'ready'}>
            Export capture (pcapng)
          </button>
          <button type="button" onClick={() => void exportCapture('pcap')} disabled={status !== 'ready'}>
            Export capture (pcap)
          </button>
          <button type="button" onClick={() => void exportScenario()} disabled={status !== 'ready'}>
            Export scenario JSON
          </button>
          <button type="button" onClick={() => fileInput.current?.click()}>
            Import scenario JSON…
          </button>
          <input
            ref={fileInput}
            type="file"
            accept="application/json,.json"
            hidden
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) void importScenario(f);
              e.target.value = '';
            }}
          />
        </div>
      </details>
      <button type="button" onClick={() => void share()}>
        Share link
      </button>
      <button
        type="button"
        onClick={() => {
          if (scenario === null) return;
          window.location.hash = `compare=1&knob=seed&value=${seed + 1}&${encodeState({ scenario, seed, t: 0, views: ['topology', 'charts'] })}`;
          window.location.reload();
        }}
      >
        Compare…
      </button>
      <span role="status" className="ss-muted">
        {copied}
      </span>
      <label className="ss-theme">
        Theme{' '}
        <select value={theme} onChange={(e) => setState({ theme: e.target.value as 'light' | 'dark' | 'system' })}>
          <option value="system">System</option>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </select>
      </label>
      <p id="ss-scenario-desc" className="ss-scenario-desc">
        {scenarios.find((s) => s.name === current)?.description ?? ''}
      </p>
    </header>
  );
}

