/**
 * Lesson preview for authors: open a lesson.md from disk and play it in the app before it is
 * committed. The text is kept in sessionStorage (this tab only) and read with the same parser
 * and checks as `npm run lessons:check`; previews use built-in scenarios only.
 */
import { formatLessonError, parseLesson } from '../../lessons/index.ts';
import type { Lesson } from '../../lessons/index.ts';

const KEY = 'stackscope:lesson-preview';
export const PREVIEW_PREFIX = 'preview:';

/** Parses an author's file; returns the id to open, or the problems (file:line: field: message). */
export function storePreview(fileName: string, text: string): { id: string } | { errors: string[] } {
  const r = readPreview(fileName, text);
  if ('errors' in r) return r;
  try {
    sessionStorage.setItem(KEY, JSON.stringify({ fileName, text }));
  } catch {
    return { errors: ['this browser does not allow keeping the preview (session storage is off)'] };
  }
  return { id: PREVIEW_PREFIX + r.lesson.meta.id };
}

function readPreview(fileName: string, text: string): { lesson: Lesson } | { errors: string[] } {
  const id = /^id:\s*([A-Za-z0-9_-]+)\s*$/m.exec(text)?.[1] ?? 'preview';
  const r = parseLesson(fileName, text, id);
  const errors = r.errors.map(formatLessonError);
  if (!r.lesson) return { errors: errors.length ? errors : [`${fileName}: not a lesson`] };
  if (r.lesson.meta.scenario === './scenario.json') return { errors: [`${fileName}: a preview runs built-in scenarios only (this lesson uses ./scenario.json)`] };
  return errors.length ? { errors } : { lesson: r.lesson };
}

/** The previewed lesson of this tab, if `id` names it. */
export function previewLesson(id: string): Lesson | null {
  if (!id.startsWith(PREVIEW_PREFIX)) return null;
  try {
    const saved = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as { fileName: string; text: string } | null;
    if (!saved) return null;
    const r = readPreview(saved.fileName, saved.text);
    return 'lesson' in r && PREVIEW_PREFIX + r.lesson.meta.id === id ? r.lesson : null;
  } catch {
    return null;
  }
}
