/**
 * Lesson routes in the URL fragment: `#lessons` is the catalogue, `#lesson=<id>` a lesson.
 * Tiny on purpose: App.tsx imports it to decide which app to show, before the lessons chunk
 * (Markdown, YAML, the player) is loaded.
 */
export type LessonRoute = { readonly kind: 'catalogue' } | { readonly kind: 'lesson'; readonly id: string };

export function lessonRoute(hash: string): LessonRoute | null {
  const h = hash.replace(/^#/, '');
  if (h === 'lessons' || h.startsWith('lessons&')) return { kind: 'catalogue' };
  const id = new URLSearchParams(h).get('lesson');
  if (id !== null) return /^(preview:)?[a-z0-9][a-z0-9-]{0,99}$/.test(id) ? { kind: 'lesson', id } : { kind: 'catalogue' };
  return null;
}

export function lessonHref(id: string): string {
  return `#lesson=${id}`;
}

export const CATALOGUE_HREF = '#lessons';
