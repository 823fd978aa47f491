/**
 * The custom element's styles, as text for its shadow root: the app's stylesheet (theme
 * variables and shared controls), every view's stylesheet, xterm's, and the embed layout.
 *
 * Nothing here touches document.head: the element build turns the views' own side-effect CSS
 * imports into empty modules (see build.ts), so lazily loaded views add no <link>/<style> to the
 * host page; their CSS is already in the shadow root from here. Page-level selectors of the app
 * stylesheet (`:root`, `html`, `body`, `#root`) are rewritten by the browser's own CSS parser to
 * the widget's wrapper `.ss-embed`, so the theme variables and base font live inside the widget.
 */
import appCss from '../ui/app.css?inline';
import xtermCss from '@xterm/xterm/css/xterm.css?inline';
import embedCss from './embed.css?inline';
import { shadowSelector } from './css-scope.ts';

const viewCss = import.meta.glob<string>('../ui/views/*/*.css', { query: '?inline', import: 'default', eager: true });

/** First: the host box, and a wrapper that inherits nothing from the page around it. */
const BASE_CSS = `
:host { display: block; position: relative; height: 28rem; min-height: 12rem; contain: content; }
:host([hidden]) { display: none; }
.ss-embed { all: initial; }
`;

function rewriteRules(rules: CSSRuleList): void {
  for (const rule of Array.from(rules)) {
    if (rule instanceof CSSStyleRule) {
      const next = shadowSelector(rule.selectorText);
      if (next !== rule.selectorText) rule.selectorText = next;
    }
    if ('cssRules' in rule && rule.cssRules) rewriteRules(rule.cssRules as CSSRuleList);
  }
}

/**
 * All of the widget's CSS, rewritten for a shadow root (parsed once, in a detached document, so
 * the browser's CSS parser does the work; the :host rules are added after, unparsed).
 */
export function shadowCssText(doc: Document = document): string {
  const sources = [appCss, xtermCss, ...Object.keys(viewCss).sort().map((k) => viewCss[k]!), embedCss];
  const scratch = doc.implementation.createHTMLDocument('');
  const style = scratch.createElement('style');
  style.textContent = sources.join('\n');
  scratch.head.appendChild(style);
  const sheet = style.sheet;
  if (!sheet) return BASE_CSS + sources.join('\n');
  rewriteRules(sheet.cssRules);
  return BASE_CSS + Array.from(sheet.cssRules, (r) => r.cssText).join('\n');
}

let shared: CSSStyleSheet | null = null;
let sharedText: string | null = null;

/** Gives a shadow root the widget's styles (one constructed stylesheet shared by all widgets). */
export function adoptStyles(root: ShadowRoot): void {
  sharedText ??= shadowCssText();
  if ('adoptedStyleSheets' in root && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
    if (!shared) {
      shared = new CSSStyleSheet();
      shared.replaceSync(sharedText);
    }
    root.adoptedStyleSheets = [shared];
  } else {
    const style = document.createElement('style');
    style.textContent = sharedText;
    (root as ShadowRoot).prepend(style);
  }
}
