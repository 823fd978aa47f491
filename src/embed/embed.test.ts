import { describe, expect, it, vi } from 'vitest';
import { acceptMessage, allowedOrigins, normalizeOrigin, parseCommand, parseOrigins, throttle } from './messages.ts';
import { DEFAULT_OPTIONS, optionsDiff, parseOptions } from './options.ts';
import { shadowSelector, splitSelectorList } from './css-scope.ts';

describe('parseCommand', () => {
  it('accepts the four commands, with an optional id', () => {
    expect(parseCommand({ type: 'stackscope:play' })).toEqual({ kind: 'play' });
    expect(parseCommand({ type: 'stackscope:pause', id: 'p1' })).toEqual({ kind: 'pause', id: 'p1' });
    expect(parseCommand({ type: 'stackscope:seek', timeNs: 1_500_000_000 })).toEqual({ kind: 'seek', timeNs: 1_500_000_000 });
    expect(parseCommand({ type: 'stackscope:seek', t: 0.25, id: 'x' })).toEqual({ kind: 'seek', timeNs: 250_000_000, id: 'x' });
    expect(parseCommand({ type: 'stackscope:select', packet: 42 })).toEqual({ kind: 'select', packet: 42 });
    expect(parseCommand({ type: 'stackscope:select', packet: null })).toEqual({ kind: 'select', packet: null });
  });

  it('prefers timeNs over t and rounds to whole nanoseconds', () => {
    expect(parseCommand({ type: 'stackscope:seek', timeNs: 10.4, t: 99 })).toEqual({ kind: 'seek', timeNs: 10 });
    expect(parseCommand({ type: 'stackscope:seek', t: 1e-10 })).toEqual({ kind: 'seek', timeNs: 0 });
  });

  it('refuses anything malformed, never throwing', () => {
    const bad: unknown[] = [
      null,
      undefined,
      'stackscope:play',
      42,
      [],
      { type: 'play' },
      { type: 'stackscope:' },
      { type: 'stackscope:stop' },
      { type: 'stackscope:ready' },
      { type: 'stackscope:play', id: 7 },
      { type: 'stackscope:play', id: 'x'.repeat(201) },
      { type: 'stackscope:seek' },
      { type: 'stackscope:seek', t: '1' },
      { type: 'stackscope:seek', t: -1 },
      { type: 'stackscope:seek', t: Number.NaN },
      { type: 'stackscope:seek', timeNs: Number.POSITIVE_INFINITY },
      { type: 'stackscope:seek', timeNs: 2 ** 60 },
      { type: 'stackscope:select' },
      { type: 'stackscope:select', packet: -1 },
      { type: 'stackscope:select', packet: 1.5 },
      { type: 'stackscope:select', packet: '3' },
      { type: 'stackscope:select', packet: 2 ** 40 },
      Object.create({ type: 'stackscope:play' }),
    ];
    for (const b of bad) expect(parseCommand(b), JSON.stringify(b)).toBeNull();
  });
});

describe('origins', () => {
  it('normalizes http(s) origins and drops everything else', () => {
    expect(normalizeOrigin('https://docs.example.org/guide/page.html?x#y')).toBe('https://docs.example.org');
    expect(normalizeOrigin('HTTPS://Docs.Example.org:443/')).toBe('https://docs.example.org');
    expect(normalizeOrigin('http://localhost:8080')).toBe('http://localhost:8080');
    for (const x of ['null', '', '*', 'file:///tmp/a.html', 'javascript:alert(1)', 'data:text/html,x', 'docs.example.org', 'ftp://a.org']) expect(normalizeOrigin(x), x).toBeNull();
  });

  it('parses ?origins= lists with commas or spaces, without duplicates', () => {
    expect(parseOrigins('https://a.org, https://b.org/x  https://a.org,*,null')).toEqual(['https://a.org', 'https://b.org']);
    expect(parseOrigins(null)).toEqual([]);
    expect(parseOrigins('')).toEqual([]);
  });

  it("allows the embedding page's origin (from the referrer) plus the explicit list", () => {
    expect(allowedOrigins('https://docs.example.org/tcp/handshake.html', null)).toEqual(['https://docs.example.org']);
    expect(allowedOrigins('https://docs.example.org/', 'https://staging.example.org')).toEqual(['https://docs.example.org', 'https://staging.example.org']);
    expect(allowedOrigins('https://docs.example.org/', 'https://docs.example.org')).toEqual(['https://docs.example.org']);
    // No referrer (Referrer-Policy: no-referrer): only what is listed; nothing by default.
    expect(allowedOrigins('', 'https://docs.example.org')).toEqual(['https://docs.example.org']);
    expect(allowedOrigins('', null)).toEqual([]);
  });

  it('accepts a message only from the parent window and an allowed origin', () => {
    const allowed = ['https://docs.example.org'];
    expect(acceptMessage({ origin: 'https://docs.example.org', fromParent: true }, allowed)).toBe(true);
    expect(acceptMessage({ origin: 'https://docs.example.org', fromParent: false }, allowed)).toBe(false);
    expect(acceptMessage({ origin: 'https://evil.example', fromParent: true }, allowed)).toBe(false);
    expect(acceptMessage({ origin: 'https://docs.example.org.evil.example', fromParent: true }, allowed)).toBe(false);
    expect(acceptMessage({ origin: 'http://docs.example.org', fromParent: true }, allowed)).toBe(false);
    expect(acceptMessage({ origin: 'null', fromParent: true }, ['null'])).toBe(false);
    expect(acceptMessage({ origin: 'https://docs.example.org', fromParent: true }, [])).toBe(false);
  });
});

describe('throttle', () => {
  it('runs the first call at once and collapses a burst into one trailing call with the last arguments', () => {
    vi.useFakeTimers();
    try {
      const calls: number[] = [];
      const t = throttle((n: number) => calls.push(n), 200, { now: () => Date.now(), set: (f, ms) => setTimeout(f, ms), clear: (h) => clearTimeout(h as number) });
      t.call(1);
      t.call(2);
      t.call(3);
      expect(calls).toEqual([1]);
      vi.advanceTimersByTime(199);
      expect(calls).toEqual([1]);
      vi.advanceTimersByTime(1);
      expect(calls).toEqual([1, 3]);
      vi.advanceTimersByTime(1000);
      t.call(4);
      expect(calls).toEqual([1, 3, 4]);
      t.call(5);
      t.cancel();
      vi.advanceTimersByTime(1000);
      expect(calls).toEqual([1, 3, 4]);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('parseOptions', () => {
  const from = (q: string) => parseOptions((name) => new URLSearchParams(q).get(name));

  it('reads the query string / attributes', () => {
    const { options, problems } = from('scenario=routed&views=topology,ladder,events&autoplay&controls=full&theme=dark&seed=7&speed=0.5&t=1.5&host=laptop');
    expect(problems).toEqual([]);
    expect(options).toEqual({ scenario: 'routed', lesson: null, views: ['topology', 'ladder', 'events'], autoplay: true, controls: 'full', theme: 'dark', seed: 7, speed: 0.5, t: 1.5, host: 'laptop' });
  });

  it('has defaults, and keeps them for bad values while reporting the problem', () => {
    expect(from('').options).toEqual(DEFAULT_OPTIONS);
    const { options, problems } = from('scenario=../x&views=topology,bogus&controls=huge&theme=pink&seed=-1&speed=1000&t=soon&host=a%20b');
    expect(options).toEqual({ ...DEFAULT_OPTIONS, views: ['topology'] });
    expect(problems).toHaveLength(8);
  });

  it('treats autoplay as a boolean attribute', () => {
    expect(from('autoplay').options.autoplay).toBe(true);
    expect(from('autoplay=true').options.autoplay).toBe(true);
    expect(from('autoplay=false').options.autoplay).toBe(false);
    expect(from('autoplay=0').options.autoplay).toBe(false);
    expect(from('').options.autoplay).toBe(false);
  });

  it('accepts speed=max, t in seconds with an s, an empty views list and a lesson id', () => {
    const { options } = from('speed=max&t=2.5s&views=&lesson=ping-and-traceroute');
    expect(options.speed).toBe('max');
    expect(options.t).toBe(2.5);
    expect(options.views).toEqual([]);
    expect(options.lesson).toBe('ping-and-traceroute');
  });

  it('says what a change of options needs: a new run, a seek, or new settings', () => {
    const a = DEFAULT_OPTIONS;
    expect(optionsDiff(a, { ...a, scenario: 'routed' })).toEqual({ reload: true, seek: false, settings: false });
    expect(optionsDiff(a, { ...a, seed: 2 }).reload).toBe(true);
    expect(optionsDiff(a, { ...a, t: 3 })).toEqual({ reload: false, seek: true, settings: false });
    expect(optionsDiff(a, { ...a, views: ['events'], theme: 'dark' })).toEqual({ reload: false, seek: false, settings: true });
    expect(optionsDiff(a, { ...a, autoplay: true })).toEqual({ reload: false, seek: false, settings: false });
  });
});

describe('shadow CSS selectors', () => {
  it('moves page-level selectors onto the widget wrapper', () => {
    expect(shadowSelector(':root')).toBe('.ss-embed');
    expect(shadowSelector(':root[data-theme="dark"]')).toBe('.ss-embed[data-theme="dark"]');
    expect(shadowSelector(':root:not([data-theme="light"])')).toBe('.ss-embed:not([data-theme="light"])');
    expect(shadowSelector('html, body, #root')).toBe('.ss-embed');
    expect(shadowSelector('body')).toBe('.ss-embed');
  });

  it('leaves other selectors alone', () => {
    for (const s of ['*', '.ss-panel-body', '.ss-events-body .ss-events-row', 'button:disabled', '.bodyish', '#rooted', 'htmlx', ':focus-visible']) expect(shadowSelector(s)).toBe(s);
  });

  it('splits selector lists at top-level commas only', () => {
    expect(splitSelectorList('a, b:not(c, d), [x="1,2"], e')).toEqual(['a', 'b:not(c, d)', '[x="1,2"]', 'e']);
  });
});
