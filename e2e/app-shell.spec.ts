import { expect, test } from '@playwright/test';

test('opens the app and sees the Stackscope shell', async ({ page }) => {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console.error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`requestfailed: ${request.url()}`));

  await page.goto('/');

  await expect(page).toHaveTitle('Stackscope');
  await expect(page.getByRole('heading', { level: 1, name: 'Stackscope' })).toBeVisible();
  await expect(page.getByText('A network lab where every packet is real')).toBeVisible();
  await expect(page.getByRole('banner')).toBeVisible();
  await expect(page.getByRole('main')).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Use the headless CLI today' })).toBeVisible();
  for (const command of [
    'npx stackscope scenarios',
    'npx stackscope exec routed -- traceroute -n 203.0.113.10',
    'npx stackscope run routed --pcap out.pcap',
  ]) {
    await expect(page.getByText(command, { exact: true })).toBeVisible();
  }

  expect(problems).toEqual([]);
});

test('uses only same-origin requests (no external fonts or services)', async ({ page, baseURL }) => {
  const foreign: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.protocol !== 'data:' && url.origin !== new URL(baseURL ?? 'http://127.0.0.1:4174').origin) foreign.push(request.url());
  });

  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Stackscope' })).toBeVisible();

  expect(foreign).toEqual([]);
});

test('moves through the shell with the keyboard and sees where focus is', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Stackscope' })).toBeVisible();

  await page.keyboard.press('Tab');
  const firstCopy = page.getByRole('button', { name: /^Copy command: npx stackscope scenarios/ });
  await expect(firstCopy).toBeFocused();
  await expect(firstCopy).not.toHaveCSS('outline-style', 'none');
});

test('copies a CLI command to the clipboard', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/');

  const copy = page.getByRole('button', { name: /^Copy command: npx stackscope run routed --pcap out\.pcap$/ });
  await copy.click();

  await expect(page.getByRole('button', { name: /^Copied command: npx stackscope run routed/ })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Copied to clipboard.' })).toHaveCount(1);
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('npx stackscope run routed --pcap out.pcap');
  // The label returns to "Copy" on its own.
  await expect(copy).toBeVisible();
});
