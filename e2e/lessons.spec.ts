/**
 * A lesson as a learner takes it, in Debian's Chromium: the catalogue, then one lesson end to
 * end — commands typed into the terminal, a wrong answer refused and the right one accepted, a
 * prediction locked in and graded by the run — with a reload in the middle that continues where
 * the learner was. The steps are read from the lesson file itself (its reference solutions), so
 * the test follows the lesson as its author changes it.
 *
 * STACKSCOPE_E2E_LESSON picks another lesson (with STACKSCOPE_LESSONS=dir for the build, e.g.
 * test/lessons/fixtures/good and fixture-ping).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { parseLesson } from '../src/lessons/index.ts';
import type { Lesson, Step, UiAction } from '../src/lessons/index.ts';

const LESSON_ID = process.env.STACKSCOPE_E2E_LESSON ?? 'ping-and-traceroute';
const LESSONS_DIR = resolve(process.env.STACKSCOPE_LESSONS ?? 'lessons');

function readLesson(): Lesson {
  const file = resolve(LESSONS_DIR, LESSON_ID, 'lesson.md');
  const r = parseLesson(file, readFileSync(file, 'utf8'), LESSON_ID);
  if (!r.lesson) throw new Error(r.errors.map((e) => `${e.file}:${e.line}: ${e.field}: ${e.message}`).join('\n'));
  return r.lesson;
}

function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  return problems;
}

const panel = (page: Page) => page.getByRole('complementary', { name: 'Lesson' });
const stepItem = (page: Page, i: number) => panel(page).getByRole('navigation', { name: 'Steps' }).getByRole('listitem').nth(i);

async function labReady(page: Page) {
  await expect(page.getByRole('toolbar', { name: 'Timeline' }).getByRole('button', { name: /^(Play|Pause)$/ })).toBeEnabled({ timeout: 20_000 });
}

async function typeInTerminal(page: Page, host: string | undefined, text: string) {
  const screen = page.locator('.ss-terminal-screen .xterm');
  if (host) await expect(page.locator('.ss-terminal-screen .xterm-rows')).toContainText(`${host}:~$`);
  await screen.click();
  await page.keyboard.type(text);
}

/** Answers a question or prediction in the panel's form. */
async function answer(page: Page, step: Step, value: string | number) {
  const t = step.task;
  if (t.kind !== 'question' && t.kind !== 'predict') throw new Error('not a question');
  if ('choice' in t.answer) await panel(page).getByRole('radio').nth(Number(value)).check();
  else await panel(page).getByRole('textbox', { name: 'Your answer' }).fill(String(value));
}

/** UI actions through the lab handle (a learner would click; the checks see the same state). */
async function act(page: Page, a: UiAction) {
  if ('pause' in a) {
    const play = page.getByRole('toolbar', { name: 'Timeline' }).getByRole('button', { name: /^(Play|Pause)$/ });
    if ((await play.getAttribute('aria-label')) === 'Play') await play.click();
    await page.getByRole('toolbar', { name: 'Timeline' }).getByRole('button', { name: 'Pause' }).click();
    return;
  }
  await page.evaluate(async (action) => {
    type Api = { packetClass(uid: number): Promise<Record<string, unknown> & { stack: string[] }>; scenarioJson(): Promise<{ links: Record<string, unknown>[] }> };
    const lab = (window as unknown as { stackscope: { engine: { api: Api }; trace: { packetCount: number }; store: { getState(): { select(p: { packet: number }): void; seed: number } }; seek(ns: number): Promise<void>; load(s: object, seed: number): Promise<boolean> } }).stackscope;
    if ('select' in action) {
      const m = action.select.packet as Record<string, unknown>;
      for (let uid = 0; uid < lab.trace.packetCount; uid++) {
        const c = await lab.engine.api.packetClass(uid);
        const ok = Object.entries(m).every(([k, v]) => (k === 'protocol' ? c.stack.includes(String(v)) : c[k] === v));
        if (ok) return lab.store.getState().select({ packet: uid });
      }
      throw new Error(`no packet matches ${JSON.stringify(m)}`);
    }
    if ('seek' in action) {
      const m = /([\d.]+)\s*(ns|us|ms|s)/.exec(action.seek)!;
      return lab.seek(Number(m[1]) * { ns: 1, us: 1e3, ms: 1e6, s: 1e9 }[m[2] as 'ns']);
    }
    const sc = await lab.engine.api.scenarioJson();
    sc.links[action.setLink.link]![action.setLink.field] = action.setLink.value;
    await lab.load(sc, lab.store.getState().seed);
  }, a);
}

async function expectDone(page: Page, i: number) {
  await expect(stepItem(page, i)).toHaveClass(/ss-step-done/, { timeout: 30_000 });
  await expect(stepItem(page, i)).toContainText('(done)');
}

test('the catalogue lists the lesson with its level, length and progress', async ({ page }) => {
  const lesson = readLesson();
  const problems = watchProblems(page);
  await page.goto('/');
  await page.getByRole('link', { name: 'Lessons' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Lessons' })).toBeVisible();
  const card = page.getByRole('article', { name: lesson.meta.title });
  await expect(card).toContainText(lesson.meta.summary);
  await expect(card).toContainText(`${lesson.meta.minutes} min`);
  await expect(card).toContainText('Not started');
  const serious = (await new AxeBuilder({ page }).analyze()).violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  await card.getByRole('link', { name: lesson.meta.title }).click();
  await expect(page).toHaveURL(new RegExp(`#lesson=${LESSON_ID}$`));
  await expect(page.getByRole('heading', { level: 1, name: lesson.meta.title })).toBeVisible();
  expect(problems).toEqual([]);
});

test('a learner completes a lesson end to end, with a reload in the middle', async ({ page }) => {
  test.setTimeout(180_000);
  const lesson = readLesson();
  const problems = watchProblems(page);
  await page.goto(`/#lesson=${LESSON_ID}`);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await labReady(page);
  // Faster than real time: the lesson's timing is simulated, the wait is not.
  await page.getByLabel('Speed').selectOption('100');

  const reloadAfterLock = lesson.steps.findIndex((s) => s.task.kind === 'predict');
  let reloaded = false;
  const reloadAndContinue = async (at: number) => {
    await page.reload();
    reloaded = true;
    await labReady(page);
    await page.getByLabel('Speed').selectOption('100');
    await expect(panel(page).getByRole('heading', { level: 2, name: lesson.steps[at]!.title })).toBeVisible();
    for (let j = 0; j < at; j++) await expectDone(page, j);
  };

  for (const step of lesson.steps) {
    const i = step.index;
    const t = step.task;
    await expect(panel(page).getByRole('heading', { level: 2, name: step.title })).toBeVisible();
    await expect(stepItem(page, i).getByRole('button')).toHaveAttribute('aria-current', 'step');
    const host = t.kind === 'command' || t.kind === 'predict' ? (t.host ?? lesson.meta.host) : undefined;
    if (t.kind === 'command') {
      await typeInTerminal(page, host, `${t.solution}\n`);
    } else if (t.kind === 'question') {
      await answer(page, step, t.wrong[0]!);
      await panel(page).getByRole('button', { name: 'Check' }).click();
      await expect(panel(page).locator('.ss-feedback')).toContainText(/Not quite|Choose|Enter|Type/);
      await answer(page, step, t.solution);
      await panel(page).getByRole('button', { name: 'Check' }).click();
      await expect(panel(page).locator('.ss-feedback')).toHaveText('Correct.');
    } else if (t.kind === 'predict') {
      await answer(page, step, t.solution);
      await panel(page).getByRole('button', { name: 'Lock in prediction' }).click();
      await expect(panel(page).locator('.ss-feedback')).toContainText('Prediction saved');
      if (i === reloadAfterLock) {
        // Mid-step: the locked-in prediction survives the reload.
        await reloadAndContinue(i);
        await expect(panel(page).getByRole('button', { name: 'Change prediction' })).toBeVisible();
      }
      await typeInTerminal(page, host, `${t.run}\n`);
      await expect(panel(page).locator('.ss-after')).toContainText('Well predicted.', { timeout: 30_000 });
    } else {
      for (const a of t.solution) await act(page, a);
    }
    await expectDone(page, i);
    await expect(page.getByRole('status').filter({ hasText: /Done|Correct|prediction was right/ })).toHaveCount(1);
    if (i + 1 < lesson.steps.length) {
      await panel(page).getByRole('button', { name: 'Next step' }).click();
      // Without a prediction to reload in the middle of, reload between steps 2 and 3.
      if (reloadAfterLock < 0 && i === 1) await reloadAndContinue(2);
    }
  }
  expect(reloaded).toBe(true);
  await expect(panel(page).getByText('Lesson complete.')).toBeVisible();
  await expect(page.locator('.ss-lesson-progress')).toContainText(`${lesson.steps.length} of ${lesson.steps.length} steps done`);
  const serious = (await new AxeBuilder({ page }).exclude('.ss-terminal-screen').analyze()).violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);

  await page.getByRole('link', { name: 'All lessons' }).click();
  await expect(page.getByRole('article', { name: lesson.meta.title })).toContainText('Done');
  expect(problems).toEqual([]);
});

test('hints come one at a time, progress exports as a file, and a reset starts over', async ({ page }) => {
  const lesson = readLesson();
  const first = lesson.steps[0]!;
  await page.goto(`/#lesson=${LESSON_ID}`);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await labReady(page);
  const hint = panel(page).getByRole('button', { name: /Show a hint/ });
  await hint.focus();
  await page.keyboard.press('Enter');
  await expect(panel(page).locator('.ss-hints li')).toHaveCount(1);
  for (let n = 1; n < first.task.hints.length; n++) await panel(page).getByRole('button', { name: /Another hint/ }).click();
  await expect(panel(page).locator('.ss-hints li')).toHaveCount(first.task.hints.length);
  await panel(page).getByRole('button', { name: 'Show the solution' }).click();
  await expect(panel(page).locator('.ss-solution')).toBeVisible();

  const download = page.waitForEvent('download');
  await panel(page).getByRole('button', { name: 'Export progress' }).click();
  const file = await (await download).path();
  const saved = JSON.parse(readFileSync(file, 'utf8')) as { format: string; lessons: Record<string, { steps: Record<string, { hints?: number }> }> };
  expect(saved.format).toBe('stackscope-lesson-progress');
  expect(saved.lessons[LESSON_ID]!.steps[first.key]!.hints).toBe(first.task.hints.length);

  await panel(page).getByRole('button', { name: 'Reset lesson…' }).click();
  await panel(page).getByRole('button', { name: 'Reset lesson', exact: true }).click();
  await expect(panel(page).locator('.ss-hints li')).toHaveCount(0);
  await labReady(page);

  // Importing the exported file brings the hints back.
  await panel(page).locator('input[type=file]').setInputFiles(file);
  await expect(panel(page).getByText(/Imported progress for 1 lesson/)).toBeVisible();
  await expect(panel(page).locator('.ss-hints li')).toHaveCount(first.task.hints.length);
});

test('a lesson with a script tag in its Markdown renders it inert (author preview)', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => {
    errors.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  const lesson = [
    '---',
    'id: hostile',
    'title: A hostile lesson',
    'summary: Tries to run code in the page.',
    'level: beginner',
    'minutes: 1',
    'prerequisites: []',
    'topics: [security]',
    'scenario: lan',
    'host: alice',
    '---',
    '',
    'Intro <script>window.__pwned = 1; alert(1)</script> and <img src="x" onerror="window.__pwned = 2"> and [a link](javascript:window.__pwned=3).',
    '',
    ...[1, 2, 3].flatMap((n) => [
      `## Step ${n} <b onmouseover="window.__pwned = 4">bold</b>`,
      '',
      'Prose <iframe src="javascript:window.__pwned=5"></iframe>',
      '',
      '```task',
      'kind: question',
      'prompt: How many bytes are in an IPv4 header without options?',
      'answer: { number: 20 }',
      'solution: 20',
      'wrong: [21]',
      'hints: ["RFC 791"]',
      '```',
      '',
    ]),
  ].join('\n');
  await page.goto('/#lessons');
  await page.getByLabel('Preview a lesson file').setInputFiles({ name: 'lesson.md', mimeType: 'text/markdown', buffer: Buffer.from(lesson) });
  await expect(page).toHaveURL(/#lesson=preview%3Ahostile|#lesson=preview:hostile/);
  const prose = page.locator('.ss-prose').first();
  await expect(prose).toContainText('<script>window.__pwned = 1; alert(1)</script>');
  await expect(page.locator('.ss-prose script, .ss-prose iframe, .ss-prose img[onerror], .ss-prose [onmouseover]')).toHaveCount(0);
  await expect(page.locator('.ss-prose a[href^="javascript:"]')).toHaveCount(0);
  await page.mouse.move(300, 300);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(errors).toEqual([]);
});

test('a broken lesson file is refused in the preview with file, line and field', async ({ page }) => {
  await page.goto('/#lessons');
  await page.getByLabel('Preview a lesson file').setInputFiles({ name: 'lesson.md', mimeType: 'text/markdown', buffer: Buffer.from('---\nid: x\ntitle: X\n---\n\n## Step\n\n```task\nkind: teleport\n```\n') });
  await expect(page.getByRole('alert')).toContainText(/lesson\.md:\d+: /);
});
