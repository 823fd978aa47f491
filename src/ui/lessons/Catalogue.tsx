/**
 * The lesson catalogue (#lessons): every lesson with its summary, level, length, topics,
 * prerequisites and the learner's progress, in teaching order (prerequisites first).
 */
import { useEffect, useState } from 'react';
import { storePreview } from './preview.ts';
import type { Lesson } from '../../lessons/index.ts';
import { loadCatalogue } from './catalog.ts';
import type { Catalogue as CatalogueData } from './catalog.ts';
import { loadAllProgress } from './progress.ts';
import type { AllProgress } from './progress.ts';
import { ProgressFile } from './ProgressFile.tsx';
import { lessonHref } from './route.ts';

function doneSteps(lesson: Lesson, all: AllProgress): number {
  const p = all[lesson.meta.id];
  return p ? lesson.steps.filter((s) => p.steps[s.key]?.done).length : 0;
}

export function Catalogue() {
  const [data, setData] = useState<CatalogueData | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [progress, setProgress] = useState<AllProgress>(loadAllProgress);

  useEffect(() => {
    document.title = 'Lessons · Stackscope';
    void loadCatalogue().then(setData, (e: Error) => setFailed(e.message));
    return () => {
      document.title = 'Stackscope';
    };
  }, []);

  const titles = new Map(data?.lessons.map((l) => [l.meta.id, l]) ?? []);

  return (
    <div className="ss-catalogue-page">
      <header className="ss-header">
        <a className="ss-brand" href="#" aria-label="Stackscope lab">
          <img src="/favicon.svg" alt="" width="28" height="28" />
          <span className="ss-brand-name">Stackscope</span>
        </a>
        <a className="ss-nav-link" href="#">
          Lab
        </a>
      </header>
      <main className="ss-catalogue" aria-busy={!data && !failed}>
        <h1>Lessons</h1>
        <p className="ss-catalogue-intro">
          Short, self-paced lessons. Each opens a network in the lab beside the text: you run real commands, watch the packets, and every task is checked as you go. Progress is kept in this
          browser.
        </p>
        <div className="ss-catalogue-tools">
          <ProgressFile onImported={() => setProgress(loadAllProgress())} />
          <PreviewFile />
        </div>
        {failed && <p role="alert">The lessons could not be loaded: {failed}</p>}
        {!data && !failed && <p role="status">Loading lessons…</p>}
        {data && data.errors.length > 0 && (
          <div className="ss-banner ss-banner-warn" role="alert">
            <span>Some lessons have problems and are not listed: {data.errors.join('; ')}</span>
          </div>
        )}
        {data && data.lessons.length === 0 && <p>No lessons yet.</p>}
        {data && (
          <ol className="ss-lesson-cards">
            {data.lessons.map((l) => {
              const done = doneSteps(l, progress);
              const total = l.steps.length;
              const state = done === 0 ? 'Not started' : done === total ? 'Done' : `${done} of ${total} steps done`;
              return (
                <li key={l.meta.id} className="ss-lesson-card">
                  <article aria-labelledby={`ss-card-${l.meta.id}`}>
                    <h2 id={`ss-card-${l.meta.id}`}>
                      <a href={lessonHref(l.meta.id)}>{l.meta.title}</a>
                    </h2>
                    <p className="ss-card-summary">{l.meta.summary}</p>
                    <p className="ss-card-meta">
                      <span className={`ss-level ss-level-${l.meta.level}`}>{l.meta.level}</span>
                      <span>{l.meta.minutes} min</span>
                      <span>{total} steps</span>
                    </p>
                    {l.meta.topics.length > 0 && (
                      <ul className="ss-topics" aria-label="Topics">
                        {l.meta.topics.map((t) => (
                          <li key={t}>{t}</li>
                        ))}
                      </ul>
                    )}
                    {l.meta.prerequisites.length > 0 && (
                      <p className="ss-card-prereq">
                        After:{' '}
                        {l.meta.prerequisites.map((p, i) => {
                          const pl = titles.get(p);
                          const pd = pl ? doneSteps(pl, progress) === pl.steps.length : false;
                          return (
                            <span key={p}>
                              {i > 0 && ', '}
                              <a href={lessonHref(p)}>{pl?.meta.title ?? p}</a>
                              {pd && <span aria-label=" (done)"> ✓</span>}
                            </span>
                          );
                        })}
                      </p>
                    )}
                    <p className="ss-card-progress">
                      <progress max={total} value={done} aria-label={`${l.meta.title}: steps done`} /> <span>{state}</span>
                    </p>
                  </article>
                </li>
              );
            })}
          </ol>
        )}
      </main>
    </div>
  );
}

/** Authors: open a lesson.md from disk and play it (checked like `npm run lessons:check`). */
function PreviewFile() {
  const [errors, setErrors] = useState<string[]>([]);
  async function open(file: File) {
    const r = storePreview(file.name, await file.text());
    if ('errors' in r) setErrors(r.errors);
    else {
      setErrors([]);
      window.location.hash = `lesson=${encodeURIComponent(r.id)}`;
    }
  }
  return (
    <div className="ss-preview-file">
      <label>
        Preview a lesson file{' '}
        <input
          type="file"
          accept=".md,text/markdown,text/plain"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void open(f);
            e.target.value = '';
          }}
        />
      </label>
      {errors.length > 0 && (
        <ul role="alert" className="ss-preview-errors">
          {errors.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
