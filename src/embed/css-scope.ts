/**
 * Rewrites the app stylesheet's page-level selectors for a shadow root: `:root`, `html`, `body`
 * and `#root` become the widget's wrapper `.ss-embed` (qualifiers kept: `:root[data-theme=dark]`
 * → `.ss-embed[data-theme=dark]`). Pure string functions over one selector list.
 */

/** Page-level selectors → the widget's wrapper. `:root:not(...)` keeps its qualifiers. */
export function shadowSelector(selector: string): string {
  const parts = splitSelectorList(selector).map((s) => s.replace(/^(?::root|html|body|#root)(?=$|[\s:[.#>~+])/, '.ss-embed'));
  return [...new Set(parts)].join(', ');
}

/** Splits "a, b:not(c, d)" at top-level commas only. */
export function splitSelectorList(selector: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    const ch = selector[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (ch === ',' && depth === 0) {
      out.push(selector.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(selector.slice(start).trim());
  return out.filter(Boolean);
}
