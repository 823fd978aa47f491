/**
 * The lessons in the app bundle: lessons/<id>/lesson.md (and scenario.json) are imported at
 * build time as text, each in its own small chunk loaded on demand, then read with the same
 * parser and checks as `npm run lessons:check` (which has already validated them in CI).
 */
import { orderLessons, parseLesson, validateLessons, formatLessonError } from '../../lessons/index.ts';
import type { Lesson } from '../../lessons/index.ts';
import { previewLesson } from './preview.ts';

// '@lessons' is lessons/ (vite.config.ts; STACKSCOPE_LESSONS=dir builds another folder).
const SOURCES = import.meta.glob<string>('@lessons/*/lesson.md', { query: '?raw', import: 'default' });
const SCENARIOS = import.meta.glob<string>('@lessons/*/scenario.json', { query: '?raw', import: 'default' });

function folderOf(path: string): string {
  return path.split('/').at(-2) ?? '';
}

export interface Catalogue {
  /** Lessons in teaching order (prerequisites first). */
  readonly lessons: readonly Lesson[];
  /** Problems (should not happen: CI checks every lesson). */
  readonly errors: readonly string[];
}

let catalogue: Promise<Catalogue> | null = null;

/** Reads every lesson (once per page). */
export function loadCatalogue(): Promise<Catalogue> {
  catalogue ??= (async () => {
    const entries = await Promise.all(Object.entries(SOURCES).map(async ([path, load]) => ({ path, folder: folderOf(path), text: await load() })));
    const lessons: Lesson[] = [];
    const errors: string[] = [];
    for (const e of entries) {
      const r = parseLesson(`lessons/${e.folder}/lesson.md`, e.text, e.folder);
      errors.push(...r.errors.map(formatLessonError));
      if (r.lesson) lessons.push(r.lesson);
    }
    errors.push(...validateLessons(lessons).map(formatLessonError));
    return { lessons: orderLessons(lessons), errors };
  })();
  return catalogue;
}

export async function findLesson(id: string): Promise<Lesson | null> {
  const preview = previewLesson(id);
  if (preview) return preview;
  const c = await loadCatalogue();
  return c.lessons.find((l) => l.meta.id === id) ?? null;
}

/** What LabController.load takes: a built-in scenario name, or the lesson's scenario.json. */
export async function lessonScenario(lesson: Lesson): Promise<string | object> {
  if (lesson.meta.scenario !== './scenario.json') return lesson.meta.scenario;
  const load = Object.entries(SCENARIOS).find(([path]) => folderOf(path) === lesson.meta.id)?.[1];
  if (!load) throw new Error(`lessons/${lesson.meta.id}/scenario.json is missing from this build`);
  return JSON.parse(await load()) as object;
}
