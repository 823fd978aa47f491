/**
 * The app on the devices the issue names: a tablet driven by touch, a 1366×768 projector, and a
 * user who asked for reduced motion. Each test does what such a user does and checks what they
 * would notice: controls big enough to tap, nothing cut off or scrolled sideways, no animation.
 */
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';

type Lab = { store: { getState(): { cursorNs: number; playing: boolean; selection: { node: number | null } } } };
const state = (page: Page) => page.evaluate(() => (window as unknown as { stackscope: Lab }).stackscope.store.getState());

async function ready(page: Page) {
  await expect(page.getByRole('toolbar', { name: 'Timeline' }).getByRole('button', { name: /^(Play|Pause)$/ })).toBeEnabled({ timeout: 15_000 });
}

/** Nothing wider than the window: no sideways page scrolling. */
async function noSidewaysScroll(page: Page) {
  const [scroll, inner] = await page.evaluate(() => [document.scrollingElement!.scrollWidth, window.innerWidth]);
  expect(scroll).toBeLessThanOrEqual(inner);
}

test.describe('on a tablet, by touch', () => {
  test.use({ viewport: { width: 1024, height: 768 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });

  test('tap play and pause, tap the timeline to jump, tap a device to select it', async ({ page }) => {
    await page.goto('/#s=lan&seed=1&t=0&v=topology,events');
    await ready(page);
    await noSidewaysScroll(page);
    // Every transport control is at least 24×24 CSS px (WCAG 2.2 target size).
    const bar = page.getByRole('toolbar', { name: 'Timeline' });
    for (const b of await bar.getByRole('button').all()) {
      const box = (await b.boundingBox())!;
      expect(box.width).toBeGreaterThanOrEqual(24);
      expect(box.height).toBeGreaterThanOrEqual(24);
    }
    await bar.getByRole('button', { name: 'Play' }).tap();
    await expect(bar.getByRole('button', { name: 'Pause' })).toBeVisible();
    await expect.poll(async () => (await state(page)).cursorNs).toBeGreaterThan(0);
    await bar.getByRole('button', { name: 'Pause' }).tap();
    await expect(bar.getByRole('button', { name: 'Play' })).toBeVisible();
    expect((await state(page)).playing).toBe(false);
    // A tap three quarters along the timeline moves the cursor there.
    const scrub = page.getByRole('slider', { name: 'Time' });
    const box = (await scrub.boundingBox())!;
    await page.touchscreen.tap(box.x + box.width * 0.75, box.y + box.height / 2);
    await expect.poll(async () => (await state(page)).cursorNs).toBeGreaterThan(20e9);
    // Tapping a device on the topology selects it.
    const node = page.locator('.ss-topology-node').first();
    await node.tap();
    await expect.poll(async () => (await state(page)).selection.node).not.toBeNull();
  });
});

test.describe('on a 1366×768 projector', () => {
  test.use({ viewport: { width: 1366, height: 768 } });

  test('the transport and four views fit the screen, with text large enough to read from the back', async ({ page }) => {
    await page.goto('/#s=routed&seed=1&t=0&v=topology,ladder,inspector,events');
    await ready(page);
    await noSidewaysScroll(page);
    for (const title of ['Topology', 'Ladder diagram', 'Packet inspector', 'Events']) {
      const heading = page.getByRole('heading', { name: title, exact: true });
      await expect(heading).toBeInViewport();
    }
    await expect(page.getByRole('toolbar', { name: 'Timeline' })).toBeInViewport();
    // Body text at least 12 px.
    const small = await page.evaluate(() =>
      [...document.querySelectorAll('button, label, h2, p, [role="row"]')]
        .filter((el) => (el as HTMLElement).offsetParent !== null && el.textContent!.trim() !== '')
        .map((el) => parseFloat(getComputedStyle(el).fontSize))
        .filter((px) => px < 12),
    );
    expect(small).toEqual([]);
  });
});

test.describe('with reduced motion', () => {
  test.use({ viewport: { width: 1366, height: 768 } });

  test('nothing animates: no CSS animations or transitions run', async ({ page }) => {
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.goto('/#s=lan&seed=1&t=0&v=topology,layers,events');
    await ready(page);
    await page.evaluate(async () => {
      const lab = (window as unknown as { stackscope: { seek(ns: number): Promise<void> } }).stackscope;
      await lab.seek(1.5e9);
    });
    await page.getByRole('button', { name: 'Play' }).click();
    await page.waitForTimeout(500);
    await page.getByRole('button', { name: 'Pause' }).click();
    const running = await page.evaluate(() => document.getAnimations().filter((a) => a.playState === 'running').length);
    expect(running).toBe(0);
  });
});
