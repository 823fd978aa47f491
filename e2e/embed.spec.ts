/**
 * The embeddable widget as a documentation author uses it, in Debian's Chromium:
 *  - a docs page at another origin (http://docs.localhost:<port>, a small HTTP server started by
 *    this file; Chromium resolves *.localhost to loopback and fetches the widget's script, chunks
 *    and worker cross-origin from the preview server) with its own aggressive CSS and two
 *    <stackscope-player> elements;
 *  - the iframe embed driven by postMessage from its parent, ignoring a third-party frame (at
 *    http://evil.localhost:<port>) and a parent whose origin it was not told to trust.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

let server: Server;
let DOCS = '';
let EVIL = '';
let WIDGETS = '';

function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

/** The docs site: e2e/fixtures/*.html with the widget origin filled in (?widgets=0: without the script). */
test.beforeAll(async ({ baseURL }) => {
  WIDGETS = new URL(baseURL!).origin;
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const name = url.pathname.slice(1);
    if (!/^[a-z-]+\.html$/.test(name)) {
      res.writeHead(404).end();
      return;
    }
    const script = url.searchParams.get('widgets') === '0' ? '' : `<script type="module" src="${WIDGETS}/stackscope-player.js"></script>`;
    const body = fixture(name).replace('{{PLAYER_SCRIPT}}', script).replaceAll('{{EMBED}}', WIDGETS).replaceAll('{{EVIL}}', EVIL);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  DOCS = `http://docs.localhost:${port}`;
  EVIL = `http://evil.localhost:${port}`;
});

test.afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`requestfailed: ${r.url()}`));
  return problems;
}

/** Opens the docs page, with or without the widget script. */
async function openDocs(page: Page, withWidgets: boolean) {
  await page.goto(`${DOCS}/docs.html${withWidgets ? '' : '?widgets=0'}`);
}

interface WidgetState {
  status: string;
  scenario: string | null;
  playing: boolean;
  timeNs: number;
  visible: boolean;
}

function widgetState(page: Page, id: string): Promise<WidgetState | null> {
  return page.evaluate((id) => (document.getElementById(id) as unknown as { state: WidgetState | null }).state, id);
}

async function waitPlaying(page: Page, id: string, minNs = 1) {
  await page.waitForFunction(
    ([id, minNs]) => {
      const s = (document.getElementById(id as string) as unknown as { state: WidgetState | null }).state;
      return s !== null && s.status === 'ready' && s.playing && s.timeNs >= (minNs as number);
    },
    [id, minNs] as const,
    { timeout: 20_000 },
  );
}

const PAGE_PROPS = ['color', 'font-family', 'font-size', 'letter-spacing', 'text-transform', 'line-height', 'background-color', 'border-top-style', 'border-top-width', 'padding-top', 'margin-top', 'display', 'box-sizing', 'outline-style'];

function pageStyles(page: Page) {
  return page.evaluate((props) => {
    const out: Record<string, Record<string, string>> = {};
    for (const sel of ['body', '#title', '#intro', '#page-button', '#page-panel', '#footer', 'html']) {
      const cs = getComputedStyle(document.querySelector(sel)!);
      out[sel] = Object.fromEntries(props.map((p) => [p, cs.getPropertyValue(p)]));
    }
    return out;
  }, PAGE_PROPS);
}

test.describe('custom element on a docs page at another origin', () => {
  test('two widgets load and play independently, each with its own worker', async ({ page }) => {
    const problems = watchProblems(page);
    await openDocs(page, true);
    await waitPlaying(page, 'a', 50e6);
    await waitPlaying(page, 'b', 50e6);
    expect((await widgetState(page, 'a'))?.scenario).toBe('lan');
    expect((await widgetState(page, 'b'))?.scenario).toBe('routed');
    expect(page.workers().length).toBeGreaterThanOrEqual(2);

    // Pausing A leaves B playing.
    await page.evaluate(() => (document.getElementById('a') as unknown as { pause(): void }).pause());
    const a0 = (await widgetState(page, 'a'))!;
    const b0 = (await widgetState(page, 'b'))!;
    // Wait for B to move on (not a fixed sleep), then A must not have moved.
    await page.waitForFunction((t) => (document.getElementById('b') as unknown as { state: WidgetState }).state.timeNs > t + 300e6, b0.timeNs);
    const a1 = (await widgetState(page, 'a'))!;
    const b1 = (await widgetState(page, 'b'))!;
    expect(a1.playing).toBe(false);
    expect(a1.timeNs).toBe(a0.timeNs);
    expect(b1.playing).toBe(true);
    expect(b1.timeNs).toBeGreaterThan(b0.timeNs);

    // Seeking A moves A only; its own time display shows it.
    await page.evaluate(() => (document.getElementById('a') as unknown as { seek(t: number): Promise<void> }).seek(0.25));
    expect((await widgetState(page, 'a'))!.timeNs).toBe(250_000_000);
    await expect(page.locator('#a .ss-time')).toHaveText('0.250000 s');
    const b2 = (await widgetState(page, 'b'))!;
    expect(b2.playing).toBe(true);
    expect(b2.timeNs).toBeGreaterThan(b1.timeNs);
    await expect(page.locator('#b .ss-time')).not.toContainText('0.250000 s');

    // DOM events: a seek in B is announced on B only.
    const seen = await page.evaluate(async () => {
      const got: string[] = [];
      for (const id of ['a', 'b']) document.getElementById(id)!.addEventListener('stackscope:step', () => got.push(id));
      await (document.getElementById('b') as unknown as { seek(t: number): Promise<void> }).seek(1);
      await new Promise((r) => setTimeout(r, 400)); // past the 200 ms step-event throttle
      return got;
    });
    expect(seen).toContain('b');
    expect(seen).not.toContain('a');
    expect(problems).toEqual([]);
  });

  test("the page's CSS does not reach the widgets, and the widgets' CSS does not touch the page", async ({ page }) => {
    await openDocs(page, false);
    const before = await pageStyles(page);
    await openDocs(page, true);
    await waitPlaying(page, 'a');
    await waitPlaying(page, 'b');
    expect(await pageStyles(page)).toEqual(before);
    // Nothing was added to the page's <head> (no <style>/<link> from lazily loaded views).
    expect(await page.evaluate(() => Array.from(document.head.children, (e) => e.tagName))).toEqual(['META', 'LINK', 'TITLE', 'STYLE']);

    const inside = await page.evaluate(() => {
      const root = document.getElementById('a')!.shadowRoot!;
      const cs = (el: Element | null) => (el ? getComputedStyle(el) : null);
      const play = cs(root.querySelector('.ss-play'));
      const wrap = cs(root.querySelector('.ss-embed'));
      const panel = cs(root.querySelector('.ss-panel'));
      const time = cs(root.querySelector('.ss-time'));
      const canvas = cs(root.querySelector('canvas, svg'));
      return {
        playBg: play?.backgroundColor,
        playBorder: play?.borderTopStyle,
        playColor: play?.color,
        wrapDisplay: wrap?.display,
        wrapBg: wrap?.backgroundColor,
        wrapFont: wrap?.fontFamily,
        wrapSpacing: wrap?.letterSpacing,
        wrapTransform: wrap?.textTransform,
        panelDisplay: panel?.display,
        timeDisplay: time?.display,
        timeColor: time?.color,
        canvasDisplay: canvas?.display,
      };
    });
    expect(inside.playBg).not.toBe('rgb(255, 105, 180)');
    expect(inside.playBorder).not.toBe('dashed');
    expect(inside.playColor).not.toBe('rgb(255, 0, 0)');
    expect(inside.wrapDisplay).toBe('flex');
    expect(inside.wrapBg).toBe('rgb(246, 247, 249)'); // the light theme's --ss-bg, not the page's
    expect(inside.wrapFont).not.toContain('Comic Sans');
    expect(inside.wrapSpacing).toBe('normal');
    expect(inside.wrapTransform).toBe('none');
    expect(inside.panelDisplay).toBe('flex');
    expect(inside.timeDisplay).not.toBe('none');
    expect(inside.timeColor).not.toBe('rgb(255, 0, 0)');
    expect(inside.canvasDisplay).not.toBe('none');
    // B asked for the dark theme.
    expect(await page.evaluate(() => getComputedStyle(document.getElementById('b')!.shadowRoot!.querySelector('.ss-embed')!).backgroundColor)).toBe('rgb(14, 17, 22)');
  });

  test('a widget scrolled out of view pauses and resumes when back', async ({ page }) => {
    await openDocs(page, true);
    await waitPlaying(page, 'a');
    await page.evaluate(() => window.scrollTo(0, 2500));
    await page.waitForFunction(() => {
      const s = (document.getElementById('a') as unknown as { state: WidgetState }).state;
      return !s.visible && !s.playing;
    });
    const t0 = (await widgetState(page, 'a'))!.timeNs;
    await page.waitForTimeout(400); // checking that nothing happens needs some time to pass
    expect((await widgetState(page, 'a'))!.timeNs).toBe(t0);
    await page.evaluate(() => window.scrollTo(0, 0));
    await waitPlaying(page, 'a', t0 + 1);
  });

  test('attributes changed after mount reload or restyle; removing a widget ends its worker', async ({ page }) => {
    await openDocs(page, true);
    await waitPlaying(page, 'a');
    await waitPlaying(page, 'b');
    await page.evaluate(() => {
      const a = document.getElementById('a')!;
      a.setAttribute('scenario', 'dual-stack');
      a.setAttribute('controls', 'none');
    });
    await page.waitForFunction(() => {
      const s = (document.getElementById('a') as unknown as { state: WidgetState }).state;
      return s.scenario === 'dual-stack' && s.status === 'ready';
    });
    await expect(page.locator('#a .ss-embed-controls')).toHaveCount(0);
    await expect(page.locator('#a .ss-embed')).toHaveClass(/ss-embed-controls-none/);
    await page.evaluate(() => document.getElementById('a')!.setAttribute('views', 'events'));
    await expect(page.locator('#a .ss-panel')).toHaveCount(1);

    const workers = page.workers().length;
    const gone = new Promise<void>((resolve) => {
      for (const w of page.workers()) w.once('close', () => resolve());
    });
    await page.evaluate(() => document.getElementById('b')!.remove());
    await gone;
    expect(page.workers().length).toBe(workers - 1);
  });
});

test.describe('iframe embed', () => {

  type Ev = { frame: string; origin: string; data: { type?: string; id?: string; ok?: boolean; playing?: boolean; timeNs?: number } };
  const events = (page: Page) => page.evaluate(() => (window as unknown as { __events: Ev[] }).__events);

  async function send(page: Page, frame: string, msg: object, targetOrigin: string) {
    await page.evaluate(([frame, msg, o]) => (document.getElementById(frame as string) as HTMLIFrameElement).contentWindow!.postMessage(msg, o as string), [frame, msg, targetOrigin] as const);
  }

  async function ack(page: Page, id: string) {
    await page.waitForFunction((id) => (window as unknown as { __events: Ev[] }).__events.some((e) => e.data?.type === 'stackscope:ack' && e.data.id === id), id, { timeout: 15_000 });
    return (await events(page)).find((e) => e.data.type === 'stackscope:ack' && e.data.id === id)!;
  }

  test('answers play/pause/seek from its parent and ignores other frames and origins', async ({ page }) => {
    const problems = watchProblems(page);
    const origin = WIDGETS;
    await page.goto(`${DOCS}/iframe-host.html`);
    const embed = page.frameLocator('#embed');
    await page.waitForFunction(() => (window as unknown as { __events: Ev[] }).__events.some((e) => e.frame === 'embed' && e.data?.type === 'stackscope:ready'), undefined, { timeout: 20_000 });
    const ready = (await events(page)).find((e) => e.data.type === 'stackscope:ready')!;
    expect(ready.origin).toBe(origin);
    await expect(embed.getByRole('button', { name: 'Play' })).toBeEnabled();

    await send(page, 'embed', { type: 'stackscope:play', id: 'p1' }, origin);
    expect((await ack(page, 'p1')).data.ok).toBe(true);
    await expect(embed.getByRole('button', { name: 'Pause' })).toBeVisible();
    await page.waitForFunction(() => (window as unknown as { __events: Ev[] }).__events.some((e) => e.data?.type === 'stackscope:step' && e.data.playing && (e.data.timeNs ?? 0) > 0));

    await send(page, 'embed', { type: 'stackscope:pause', id: 'p2' }, origin);
    await ack(page, 'p2');
    await send(page, 'embed', { type: 'stackscope:seek', t: 0.25, id: 's1' }, origin);
    expect((await ack(page, 's1')).data.ok).toBe(true);
    await expect(embed.locator('.ss-time')).toHaveText('0.250000 s');
    await expect(embed.getByRole('button', { name: 'Play' })).toBeVisible();
    await send(page, 'embed', { type: 'stackscope:select', packet: 1e9, id: 'x1' }, origin);
    expect((await ack(page, 'x1')).data.ok).toBe(false);

    // A third-party frame on the same page tries to play and seek the widget: ignored.
    await page.evaluate(() => (document.getElementById('evil') as HTMLIFrameElement).contentWindow!.postMessage('attack', '*'));
    await page.waitForFunction(() => (window as unknown as { __events: Ev[] }).__events.some((e) => e.frame === 'evil'));
    await send(page, 'embed', { type: 'stackscope:pause', id: 'after' }, origin);
    await ack(page, 'after');
    await page.waitForTimeout(300); // an accepted seek would have landed by now
    await expect(embed.locator('.ss-time')).toHaveText('0.250000 s');
    await expect(embed.getByRole('button', { name: 'Play' })).toBeVisible();
    expect((await events(page)).filter((e) => e.data.id?.startsWith('evil'))).toEqual([]);

    // A widget told to trust only https://docs.example.org (and sent no referrer) ignores this
    // page and posts it nothing.
    const strict = page.frameLocator('#strict');
    await expect(strict.getByRole('button', { name: 'Play' })).toBeEnabled({ timeout: 20_000 });
    await send(page, 'strict', { type: 'stackscope:play', id: 'strict-play' }, origin);
    await page.waitForTimeout(800); // an accepted play would have moved the time by now
    await expect(strict.getByRole('button', { name: 'Play' })).toBeVisible();
    await expect(strict.locator('.ss-time')).toHaveText('0.000000 s');
    expect((await events(page)).filter((e) => e.frame === 'strict')).toEqual([]);
    expect(problems).toEqual([]);
  });

  test('an iframe scrolled out of view pauses and resumes when back', async ({ page }) => {
    await page.goto(`${DOCS}/iframe-host.html`);
    const embed = page.frameLocator('#embed');
    await expect(embed.getByRole('button', { name: 'Play' })).toBeEnabled({ timeout: 20_000 });
    await send(page, 'embed', { type: 'stackscope:play', id: 'p' }, WIDGETS);
    await ack(page, 'p');
    await page.evaluate(() => window.scrollTo(0, 3000));
    await expect(embed.getByRole('button', { name: 'Play' })).toBeVisible();
    const last = async () => (await events(page)).filter((e) => e.frame === 'embed' && e.data.type === 'stackscope:step').at(-1)!.data;
    await expect.poll(async () => (await last()).playing).toBe(false);
    await page.evaluate(() => window.scrollTo(0, 0));
    await expect(embed.getByRole('button', { name: 'Pause' })).toBeVisible();
    await expect.poll(async () => (await last()).playing).toBe(true);
  });

  test('?lesson= embeds the lesson player: it reports the step reached and answers the same commands', async ({ page }) => {
    const problems = watchProblems(page);
    await page.goto(`${DOCS}/lesson-host.html`);
    const lesson = page.frameLocator('#lesson');
    await expect(lesson.getByRole('navigation', { name: 'Steps' })).toBeVisible({ timeout: 20_000 });
    /** Waits for a message whose data has all of `fields`. */
    const has = (fields: Record<string, unknown>) =>
      page.waitForFunction((f) => (window as unknown as { __events: { data: Record<string, unknown> }[] }).__events.some((e) => Object.entries(f).every(([k, v]) => e.data?.[k] === v)), fields, { timeout: 20_000 });
    await has({ type: 'stackscope:stepReached', lesson: 'layers', step: 0 });
    await has({ type: 'stackscope:ready' });
    await send(page, 'lesson', { type: 'stackscope:seek', t: 0.5, id: 'ls' }, WIDGETS);
    expect((await ack(page, 'ls')).data.ok).toBe(true);
    await expect(lesson.locator('.ss-time')).toContainText('0.500000 s');
    await lesson.getByRole('navigation', { name: 'Steps' }).getByRole('button').nth(1).click();
    await has({ type: 'stackscope:stepReached', lesson: 'layers', step: 1 });
    expect(problems).toEqual([]);
  });

  test('?lesson= runs the lesson player in the iframe (an unknown lesson says so)', async ({ page }) => {
    const problems = watchProblems(page);
    await page.goto('/embed.html?lesson=no-such-lesson');
    await expect(page.getByRole('alert')).toContainText('There is no lesson “no-such-lesson”');
    expect(page.workers()).toHaveLength(0);
    expect(problems).toEqual([]);
  });
});

test('the iframe page has no serious accessibility violations (axe)', async ({ page }) => {
  await page.goto('/embed.html?scenario=lan&views=topology,ladder&controls=minimal');
  await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled({ timeout: 20_000 });
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
});
