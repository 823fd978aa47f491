/**
 * The lesson player (#lesson=<id>): the lesson's scenario loaded into a lab, its views, and a
 * side panel with the steps, the current task, hints and feedback. Progress is saved locally
 * as it happens, so a reload continues at the same step with the same answers.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Lesson } from '../../lessons/index.ts';
import { LabContext, useLab } from '../lab/context.ts';
import type { ViewId } from '../lab/store.ts';
import { TransportBar } from '../components/TransportBar.tsx';
import { StatusBanner, ViewGrid } from '../components/ViewGrid.tsx';
import { findLesson, lessonScenario, loadCatalogue } from './catalog.ts';
import { LessonLab } from './lesson-lab.ts';
import { loadProgress, saveProgress } from './progress.ts';
import type { LessonProgress, StepProgress } from './progress.ts';
import { CATALOGUE_HREF, lessonHref } from './route.ts';
import { Markdown, StepView } from './StepView.tsx';
import { ProgressFile } from './ProgressFile.tsx';

const DEFAULT_VIEWS: readonly ViewId[] = ['topology', 'ladder', 'terminal'];

export interface PlayerHooks {
  /** Called with the player's lab once it exists (embedding: drive it, listen to it). */
  readonly onLab?: (lab: LessonLab) => void;
  /** Called when the current step or the number of steps done changes. */
  readonly onStep?: (current: number, done: number) => void;
}

export function Player({ id, ...hooks }: { id: string } & PlayerHooks) {
  const [state, setState] = useState<{ lesson: Lesson; scenario: string | object } | { error: string } | null>(null);
  useEffect(() => {
    let live = true;
    findLesson(id)
      .then(async (lesson) => (lesson ? { lesson, scenario: await lessonScenario(lesson) } : { error: `There is no lesson “${id}”.` }))
      .catch((e: Error) => ({ error: e.message }))
      .then((s) => live && setState(s));
    return () => {
      live = false;
    };
  }, [id]);
  if (!state) {
    return (
      <p className="ss-banner" role="status">
        Loading the lesson…
      </p>
    );
  }
  if ('error' in state) {
    return (
      <main className="ss-catalogue">
        <p role="alert">{state.error}</p>
        <p>
          <a href={CATALOGUE_HREF}>All lessons</a>
        </p>
      </main>
    );
  }
  return <LessonPlayer lesson={state.lesson} scenario={state.scenario} hooks={hooks} />;
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  if (el.closest('.xterm')) return true;
  const tag = el.tagName;
  return tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA' || tag === 'BUTTON' || el.isContentEditable;
}

function LessonPlayer({ lesson, scenario, hooks }: { lesson: Lesson; scenario: string | object; hooks: PlayerHooks }) {
  const id = lesson.meta.id;
  const lab = useMemo(() => new LessonLab({ seed: lesson.meta.seed, views: lesson.meta.views ?? DEFAULT_VIEWS, ...(lesson.meta.host ? { terminalHost: lesson.meta.host } : {}) }), [lesson]);
  const [progress, setProgress] = useState<LessonProgress>(() => loadProgress(id));
  const [announcement, setAnnouncement] = useState('');
  const [focusHeading, setFocusHeading] = useState(false);
  /** Bumped by the resets and an import, so the step forgets what was typed into it. */
  const [generation, setGeneration] = useState(0);
  const current = Math.min(progress.current, lesson.steps.length - 1);
  const step = lesson.steps[current]!;

  const { onLab, onStep } = hooks;
  useEffect(() => {
    (window as unknown as { stackscope?: LessonLab }).stackscope = lab;
    onLab?.(lab);
    void lab.load(scenario, lesson.meta.seed);
    return () => lab.dispose();
  }, [lab, scenario, lesson, onLab]);

  useEffect(() => {
    document.title = `${lesson.meta.title} · Stackscope lessons`;
    return () => {
      document.title = 'Stackscope';
    };
  }, [lesson]);

  // Space plays/pauses when focus is not in a field, a button or the terminal.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== ' ' || isTyping(e.target) || e.altKey || e.ctrlKey || e.metaKey) return;
      if ((e.target as HTMLElement | null)?.closest('[data-own-keys]')) return;
      e.preventDefault();
      lab.toggle();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [lab]);

  const change = useCallback(
    (fn: (p: LessonProgress) => LessonProgress) => {
      setProgress((p) => {
        const n = fn(p);
        saveProgress(id, n);
        return n;
      });
    },
    [id],
  );

  const announce = useCallback((text: string) => {
    // Cleared first so the same words twice are announced twice.
    setAnnouncement('');
    requestAnimationFrame(() => setAnnouncement(text));
  }, []);

  const go = (i: number) => {
    setFocusHeading(true);
    change((p) => ({ ...p, current: i }));
  };

  const updateStep = useCallback(
    (key: string, patch: StepProgress | null) => {
      change((p) => {
        const steps = { ...p.steps };
        if (patch) steps[key] = patch;
        else delete steps[key];
        return { ...p, steps };
      });
    },
    [change],
  );

  const doneCount = lesson.steps.filter((s) => progress.steps[s.key]?.done).length;
  const allDone = doneCount === lesson.steps.length;
  useEffect(() => {
    onStep?.(current, doneCount);
  }, [onStep, current, doneCount]);

  return (
    <LabContext.Provider value={lab}>
      <div className="ss-app ss-lesson-app">
        <header className="ss-header ss-lesson-header">
          <a className="ss-brand" href="#" aria-label="Stackscope lab">
            <img src="/favicon.svg" alt="" width="28" height="28" />
            <span className="ss-brand-name">Stackscope</span>
          </a>
          <a className="ss-nav-link" href={CATALOGUE_HREF}>
            All lessons
          </a>
          <h1 className="ss-lesson-title">{lesson.meta.title}</h1>
          <p className="ss-lesson-progress">
            <progress max={lesson.steps.length} value={doneCount} aria-label="Steps done" /> {doneCount} of {lesson.steps.length} steps done
          </p>
        </header>
        <StatusBanner lab={lab} />
        <TransportBar lab={lab} />
        <div className="ss-lesson-layout">
          <aside className="ss-lesson-panel" aria-label="Lesson">
            <nav aria-label="Steps">
              <ol className="ss-steps">
                {lesson.steps.map((s, i) => {
                  const done = progress.steps[s.key]?.done === true;
                  return (
                    <li key={s.key} className={`${done ? 'ss-step-done' : ''}${i === current ? ' ss-step-current' : ''}`}>
                      <button type="button" onClick={() => go(i)} aria-current={i === current ? 'step' : undefined}>
                        <span className="ss-step-mark" aria-hidden="true">
                          {done ? '✓' : i + 1}
                        </span>
                        <span>{s.title}</span>
                        {done && <span className="visually-hidden"> (done)</span>}
                      </button>
                    </li>
                  );
                })}
              </ol>
            </nav>
            {lesson.intro && (
              <details className="ss-intro" open={doneCount === 0 && current === 0}>
                <summary>About this lesson</summary>
                <Markdown source={lesson.intro} />
              </details>
            )}
            {allDone && <Finished lesson={lesson} />}
            <StepView
              key={`${step.key}:${generation}`}
              lesson={lesson}
              step={step}
              lab={lab}
              progress={progress.steps[step.key] ?? {}}
              update={(patch) => updateStep(step.key, patch)}
              announce={announce}
              onNext={current + 1 < lesson.steps.length ? () => go(current + 1) : null}
              focusHeading={focusHeading}
            />
            <p className="visually-hidden" role="status" aria-live="polite">
              {announcement}
            </p>
            <LessonFooter
              onResetStep={() => {
                updateStep(step.key, null);
                setGeneration((g) => g + 1);
              }}
              onResetLesson={() => {
                saveProgress(id, null);
                setProgress(loadProgress(id));
                setGeneration((g) => g + 1);
                void lab.load(scenario, lesson.meta.seed);
                announce('The lesson was reset.');
              }}
              onImported={() => {
                setProgress(loadProgress(id));
                setGeneration((g) => g + 1);
              }}
            />
          </aside>
          <ViewGrid />
        </div>
      </div>
    </LabContext.Provider>
  );
}

function Finished({ lesson }: { lesson: Lesson }) {
  const [next, setNext] = useState<Lesson[]>([]);
  useEffect(() => {
    void loadCatalogue().then((c) => setNext(c.lessons.filter((l) => l.meta.prerequisites.includes(lesson.meta.id))));
  }, [lesson]);
  return (
    <section className="ss-finished" aria-label="Lesson complete">
      <p>
        <strong>Lesson complete.</strong> Every step is done.
      </p>
      {next.length > 0 && (
        <p>
          Next:{' '}
          {next.map((l, i) => (
            <span key={l.meta.id}>
              {i > 0 && ', '}
              <a href={lessonHref(l.meta.id)}>{l.meta.title}</a>
            </span>
          ))}
        </p>
      )}
    </section>
  );
}

function LessonFooter({ onResetStep, onResetLesson, onImported }: { onResetStep: () => void; onResetLesson: () => void; onImported: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const cancel = useRef<HTMLButtonElement>(null);
  const ready = useLab((s) => s.status === 'ready');
  useEffect(() => {
    if (confirming) cancel.current?.focus();
  }, [confirming]);
  return (
    <footer className="ss-lesson-footer">
      <button type="button" onClick={onResetStep}>
        Reset step
      </button>
      {confirming ? (
        <span className="ss-confirm" role="group" aria-label="Reset the whole lesson?">
          <span>Reset every step?</span>
          <button
            type="button"
            className="ss-danger"
            onClick={() => {
              setConfirming(false);
              onResetLesson();
            }}
          >
            Reset lesson
          </button>
          <button type="button" ref={cancel} onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </span>
      ) : (
        <button type="button" onClick={() => setConfirming(true)} disabled={!ready}>
          Reset lesson…
        </button>
      )}
      <ProgressFile onImported={onImported} />
    </footer>
  );
}
