import { describe, expect, it } from 'vitest';
import { renderInline, renderMarkdown, safeLink } from './markdown.ts';
import { parseLesson } from './parse.ts';

const HOSTILE = [
  '<script>alert(1)</script>',
  '',
  '<img src=x onerror=alert(1)>',
  '',
  '[x](javascript:alert(1)) [y](JAVASCRIPT:alert(1)) [z](java&#09;script:alert(1)) [d](data:text/html;base64,PHNjcmlwdD4=)',
  '',
  '[v](vbscript:msgbox) [f](file:///etc/passwd) <javascript:alert(1)> ![i](https://example.com/x.png)',
  '',
  '<a href="javascript:alert(1)" onclick="alert(1)">a</a> <div onmouseover="alert(1)">d</div>',
  '',
  '```html',
  '<script>alert(1)</script>',
  '```',
].join('\n');

/** Parses HTML the way a browser would be asked to, without a DOM: every tag and attribute. */
function tags(html: string): { tag: string; attrs: string }[] {
  return [...html.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)([^>]*)>/g)].map((m) => ({ tag: m[1]!.toLowerCase(), attrs: m[2]! }));
}

function expectInert(html: string): void {
  for (const t of tags(html)) {
    expect(['p', 'a', 'code', 'pre', 'em', 'strong', 'ul', 'ol', 'li', 'h3', 'h4', 'blockquote', 'br', 'hr', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 's']).toContain(t.tag);
    expect(t.attrs).not.toMatch(/\son[a-z]+\s*=/i);
    expect(t.attrs).not.toMatch(/(javascript|vbscript|data|file):/i);
  }
  expect(html).not.toMatch(/<script|<img|<div|<iframe/i);
}

describe('lesson Markdown is rendered inert', () => {
  it('shows raw HTML as text and drops unsafe links and images', () => {
    const html = renderMarkdown(HOSTILE);
    expectInert(html);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('href="javascript');
    expect(html).not.toContain('href="data');
    expect(html).not.toMatch(/href="[^"]*script/i);
  });

  it('keeps http(s), mailto and relative links; external ones open without an opener', () => {
    const html = renderMarkdown('[a](https://www.rfc-editor.org/rfc/rfc792) [b](mailto:x@example.org) [c](#lesson=ping) [d](./x)');
    expect(html).toContain('<a href="https://www.rfc-editor.org/rfc/rfc792" target="_blank" rel="noopener noreferrer">a</a>');
    expect(html).toContain('<a href="mailto:x@example.org">b</a>');
    expect(html).toContain('<a href="#lesson=ping">c</a>');
    expect(html).toContain('<a href="./x">d</a>');
  });

  it('inline rendering is just as strict', () => {
    const html = renderInline('Run `ping` <b onclick=x>now</b> [x](javascript:alert(1))');
    expectInert(html);
    expect(html).toContain('<code>ping</code>');
  });

  it('safeLink allows only http(s), mailto and scheme-less links', () => {
    expect(safeLink('https://a.example/')).toBe(true);
    expect(safeLink('#x')).toBe(true);
    expect(safeLink('java\tscript:alert(1)')).toBe(false);
    expect(safeLink('java%09script:alert(1)')).toBe(false);
    expect(safeLink('%6A%61vascript:alert(1)')).toBe(false);
    expect(safeLink(' javascript:alert(1)')).toBe(false);
    expect(safeLink('//evil.example/')).toBe(false);
    expect(safeLink('data:text/html,x')).toBe(false);
  });

  it('a whole hostile lesson renders inert: intro, prose, after-text', () => {
    const step = (n: number) => `## Step ${n}\n\n${HOSTILE}\n\n\`\`\`task\nkind: question\nprompt: "<script>x</script>"\nanswer: { number: 1 }\nsolution: 1\nwrong: [2]\nhints: ["<img src=x onerror=alert(1)>"]\n\`\`\`\n\n${HOSTILE}\n`;
    const text = `---\nid: evil\ntitle: Evil\nsummary: s\nlevel: beginner\nminutes: 1\nscenario: lan\n---\n\n${HOSTILE}\n\n${[1, 2, 3].map(step).join('\n')}`;
    const { lesson, errors } = parseLesson('lessons/evil/lesson.md', text, 'evil');
    expect(errors).toEqual([]);
    expectInert(renderMarkdown(lesson!.intro));
    for (const s of lesson!.steps) {
      expectInert(renderMarkdown(s.prose));
      expectInert(renderMarkdown(s.after));
      expectInert(renderInline(s.task.prompt));
      for (const h of s.task.hints) expectInert(renderInline(h));
    }
  });
});
