/**
 * Lesson Markdown → HTML that is safe to insert with dangerouslySetInnerHTML:
 *  - raw HTML is off: `<script>` and `<img onerror>` render as visible text;
 *  - links may only be http(s), mailto or relative (`#lesson=...`, `./x`): no javascript:,
 *    data:, vbscript:, file: or any other scheme; external links open in a new tab without
 *    an opener;
 *  - images are off (no requests to other origins; `![x](y)` shows as text and a link);
 *  - markdown-it escapes every text and attribute it writes, so no event handler can appear.
 */
import MarkdownIt from 'markdown-it';
import type { MarkdownIt as Md } from 'markdown-it';

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** Whether a link target is allowed: http(s), mailto, or relative (no scheme at all). */
export function safeLink(url: string): boolean {
  let decoded = url;
  try {
    decoded = decodeURIComponent(url);
  } catch {
    // malformed escapes: judge the text as written
  }
  // Browsers ignore control characters and spaces inside a scheme ("java\tscript:").
  return [url, decoded].every((raw) => {
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
    const u = raw.replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
    if (u.startsWith('//') || u.startsWith('\\')) return false;
    return !SCHEME.test(u) || /^(?:https?:\/\/|mailto:)/i.test(u);
  });
}

export function createMarkdown(): Md {
  const md = new MarkdownIt('default', { html: false, linkify: false, typographer: true });
  md.disable(['image']);
  md.validateLink = safeLink;
  const defaultOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
  md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
    const href = String(tokens[idx]!.attrGet('href') ?? '');
    if (/^https?:\/\//i.test(href)) {
      tokens[idx]!.attrSet('target', '_blank');
      tokens[idx]!.attrSet('rel', 'noopener noreferrer');
    }
    return defaultOpen(tokens, idx, options, env, self);
  };
  return md;
}

let shared: Md | null = null;

function instance(): Md {
  shared ??= createMarkdown();
  return shared;
}

/** Renders lesson Markdown (a block: paragraphs, lists, code) to sanitized HTML. */
export function renderMarkdown(source: string): string {
  return instance().render(source);
}

/** Renders one line of Markdown (a prompt, a hint) without the surrounding paragraph. */
export function renderInline(source: string): string {
  return instance().renderInline(source);
}

/** The same parser the renderer uses (the lesson reader needs its block tokens and line maps). */
export function markdownParser(): Md {
  return instance();
}
