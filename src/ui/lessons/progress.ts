/**
 * Lesson progress, kept in localStorage so it survives a reload: per lesson the current step
 * and, per step (by its key), whether it is done, the answer given, hints shown. Exported and
 * imported as one JSON file. Reading is forgiving: anything malformed is dropped, never thrown.
 */
export interface StepProgress {
  done?: boolean;
  /** The learner's answer (question/predict): an option index, or what they typed. */
  answer?: string | number;
  /** Whether that answer was right (a predict step is done either way once it ran). */
  correct?: boolean;
  /** The correct answer as shown after a predict run. */
  expected?: string;
  /** Hints revealed so far. */
  hints?: number;
  /** The solution was revealed. */
  solution?: boolean;
}

export interface LessonProgress {
  current: number;
  steps: Record<string, StepProgress>;
  /** Milliseconds since the epoch of the last change. */
  updated: number;
}

export type AllProgress = Record<string, LessonProgress>;

export const STORAGE_KEY = 'stackscope:lessons:v1';
const FORMAT = 'stackscope-lesson-progress';

function cleanStep(v: unknown): StepProgress | null {
  if (!v || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  const s: StepProgress = {};
  if (o.done === true) s.done = true;
  if (typeof o.answer === 'string' || (typeof o.answer === 'number' && Number.isFinite(o.answer))) s.answer = o.answer;
  if (typeof o.correct === 'boolean') s.correct = o.correct;
  if (typeof o.expected === 'string') s.expected = o.expected;
  if (typeof o.hints === 'number' && Number.isInteger(o.hints) && o.hints >= 0 && o.hints < 100) s.hints = o.hints;
  if (o.solution === true) s.solution = true;
  return s;
}

function cleanLesson(v: unknown): LessonProgress | null {
  if (!v || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  const steps: Record<string, StepProgress> = {};
  if (o.steps && typeof o.steps === 'object') {
    for (const [k, sv] of Object.entries(o.steps as Record<string, unknown>)) {
      const s = cleanStep(sv);
      if (s && /^[a-z0-9-]{1,100}$/.test(k)) steps[k] = s;
    }
  }
  const current = typeof o.current === 'number' && Number.isInteger(o.current) && o.current >= 0 ? o.current : 0;
  const updated = typeof o.updated === 'number' && Number.isFinite(o.updated) ? o.updated : 0;
  return { current, steps, updated };
}

function cleanAll(v: unknown): AllProgress {
  const out: AllProgress = {};
  if (!v || typeof v !== 'object') return out;
  for (const [id, lv] of Object.entries(v as Record<string, unknown>)) {
    const l = cleanLesson(lv);
    if (l && /^[a-z0-9][a-z0-9-]{0,99}$/.test(id)) out[id] = l;
  }
  return out;
}

export function loadAllProgress(): AllProgress {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    return raw ? cleanAll(JSON.parse(raw)) : {};
  } catch {
    return {};
  }
}

export function loadProgress(id: string): LessonProgress {
  return loadAllProgress()[id] ?? { current: 0, steps: {}, updated: 0 };
}

export function saveProgress(id: string, p: LessonProgress | null): void {
  const all = loadAllProgress();
  if (p) all[id] = { ...p, updated: Date.now() };
  else delete all[id];
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(all));
  } catch {
    // storage full or disabled: progress lasts until the page closes
  }
}

/** All progress as a JSON document (for a file download). */
export function exportProgress(): string {
  return JSON.stringify({ format: FORMAT, version: 1, exported: new Date().toISOString(), lessons: loadAllProgress() }, null, 2) + '\n';
}

/** Merges an exported file into the saved progress (its lessons replace the saved ones). */
export function importProgress(text: string): { ok: true; lessons: number } | { ok: false; error: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `not a JSON file (${(e as Error).message})` };
  }
  const d = doc as { format?: unknown; lessons?: unknown } | null;
  if (!d || d.format !== FORMAT) return { ok: false, error: 'not a Stackscope lesson progress file' };
  const incoming = cleanAll(d.lessons);
  const all = { ...loadAllProgress(), ...incoming };
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(all));
  } catch {
    return { ok: false, error: 'the browser would not store it (storage full or disabled)' };
  }
  return { ok: true, lessons: Object.keys(incoming).length };
}

export function downloadText(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
