/**
 * The lab as a learner meets it, in Debian's Chromium: the engine runs in a worker, the
 * terminal makes real packets, the timeline plays/steps/rewinds, the state survives a reload
 * and a shared link, a crashed engine recovers without losing anything, and the page passes
 * an accessibility scan.
 */
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`requestfailed: ${r.url()}`));
  return problems;
}

async function ready(page: Page) {
  await expect(page.getByRole('toolbar', { name: 'Timeline' }).getByRole('button', { name: /^(Play|Pause)$/ })).toBeEnabled({ timeout: 15_000 });
}

async function typeInTerminal(page: Page, text: string) {
  await page.locator('.ss-terminal-screen .xterm').click();
  await page.keyboard.type(text);
}

function terminalText(page: Page) {
  return page.locator('.ss-terminal-screen .xterm-rows');
}

function eventCounter(page: Page) {
  return page.locator('.ss-time .ss-event-count');
}

test('loads the default scenario in a worker with only same-origin requests and no errors', async ({ page, baseURL }) => {
  const problems = watchProblems(page);
  const foreign: string[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.protocol !== 'data:' && u.protocol !== 'blob:' && u.origin !== new URL(baseURL!).origin) foreign.push(r.url());
  });
  await page.goto('/');
  await expect(page).toHaveTitle('Stackscope');
  await expect(page.getByRole('heading', { level: 1, name: 'Stackscope' })).toBeVisible();
  await ready(page);
  await expect(page.getByLabel('Scenario', { exact: true })).toHaveValue('routed');
  expect(page.workers().length).toBeGreaterThanOrEqual(1);
  expect(foreign).toEqual([]);
  expect(problems).toEqual([]);
});

test('a ping typed in the terminal prints what the real ping prints, as simulated time reaches it', async ({ page }) => {
  const problems = watchProblems(page);
  await page.goto('/#s=routed&seed=1&t=0&h=laptop');
  await ready(page);
  await typeInTerminal(page, 'ping -c 2 203.0.113.10\n');
  await expect(terminalText(page)).toContainText('PING 203.0.113.10 (203.0.113.10) 56(84) bytes of data.');
  await expect(terminalText(page)).toContainText('64 bytes from 203.0.113.10: icmp_seq=1 ttl=59');
  await expect(terminalText(page)).toContainText('2 packets transmitted, 2 received, 0% packet loss', { timeout: 10_000 });
  // The prompt comes back, and a usage error reads like the real tool's.
  await typeInTerminal(page, 'ping\n');
  await expect(terminalText(page)).toContainText('ping: usage error: Destination address required');
  expect(problems).toEqual([]);
});

test('history, tab completion, help and Ctrl-C work like a shell', async ({ page }) => {
  await page.goto('/#s=lan&seed=1&t=0&h=alice');
  await ready(page);
  await typeInTerminal(page, 'trac');
  await page.keyboard.press('Tab');
  await page.keyboard.type('-n bo');
  await page.keyboard.press('Tab');
  await expect(terminalText(page)).toContainText('alice:~$ traceroute -n bob');
  await page.keyboard.press('Control+c');
  await page.keyboard.type('ping 192.168.10.12\n');
  await expect(terminalText(page)).toContainText('icmp_seq=2');
  await page.keyboard.press('Control+c');
  await expect(terminalText(page)).toContainText('--- 192.168.10.12 ping statistics ---');
  await page.keyboard.press('ArrowUp');
  await expect(terminalText(page)).toContainText(/alice:~\$ ping 192\.168\.10\.12\s*$/m);
  await page.keyboard.press('Control+c');
  await page.keyboard.type('help\n');
  await expect(terminalText(page)).toContainText('Keys: ↑/↓ history');
});

test('space plays and pauses; arrow keys step one event forward and back', async ({ page }) => {
  await page.goto('/#s=lan&seed=1&t=0');
  await ready(page);
  await page.locator('.ss-header').click({ position: { x: 2, y: 2 } });
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(eventCounter(page)).toContainText('event 3 of');
  await page.keyboard.press('ArrowLeft');
  await expect(eventCounter(page)).toContainText('event 2 of');
  await page.keyboard.press(' ');
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  await page.keyboard.press(' ');
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
});

test('reload restores scenario, seed, time cursor and views from the URL', async ({ page }) => {
  await page.goto('/#s=lan&seed=42&t=0&v=terminal,inspector');
  await ready(page);
  await typeInTerminal(page, 'ping -c 2 192.168.10.13\n');
  await expect(terminalText(page)).toContainText('2 received', { timeout: 10_000 });
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page).toHaveURL(/seed=42/);
  await page.waitForFunction(() => /[#&]t=[1-9]/.test(location.hash));
  const t = Number(new URL(page.url()).hash.match(/[#&]t=([0-9.]+)/)![1]);
  await page.reload();
  await ready(page);
  await expect(page.getByLabel('Scenario', { exact: true })).toHaveValue('lan');
  await expect(page.getByRole('spinbutton', { name: 'Seed' })).toHaveValue('42');
  await expect(page.getByRole('heading', { name: 'Terminal' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Packet inspector' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Topology' })).toHaveCount(0);
  await expect.poll(async () => Number((await page.locator('.ss-time').innerText()).split(' ')[0])).toBeCloseTo(t, 3);
});

test('an engine crash shows a clear message; restart brings back the same scenario and seed', async ({ page }) => {
  await page.goto('/#s=lan&seed=5&t=0');
  await ready(page);
  await page.evaluate(() => (window as unknown as { stackscope: { engine: { api: { crashForTesting(): Promise<void> } } } }).stackscope.engine.api.crashForTesting());
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('The simulation engine stopped');
  await expect(alert).toContainText('simulated engine failure');
  await alert.getByRole('button', { name: 'Restart engine' }).click();
  await ready(page);
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByLabel('Scenario', { exact: true })).toHaveValue('lan');
  await expect(page.getByRole('spinbutton', { name: 'Seed' })).toHaveValue('5');
});

test('an engine that stops answering (a runaway run) shows a clear message; restart continues from the same time', async ({ page }) => {
  await page.goto('/#s=lan&seed=2&t=0');
  await ready(page);
  type Stuckable = { stuckAfterMs: number; play(): void; seek(ns: number): Promise<void>; store: { getState(): { cursorNs: number } }; engine: { api: { hangForTesting(ms: number): Promise<void> } } };
  await page.evaluate(async () => {
    const lab = (window as unknown as { stackscope: Stuckable }).stackscope;
    await lab.seek(2e9);
    lab.stuckAfterMs = 1500;
    void lab.engine.api.hangForTesting(60_000);
    lab.play();
  });
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('has not answered for 1.5 s', { timeout: 10_000 });
  await expect(alert).toContainText('runaway');
  const cursor = await page.evaluate(() => (window as unknown as { stackscope: Stuckable }).stackscope.store.getState().cursorNs);
  await alert.getByRole('button', { name: 'Restart engine' }).click();
  await ready(page);
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByRole('spinbutton', { name: 'Seed' })).toHaveValue('2');
  expect(await page.evaluate(() => (window as unknown as { stackscope: Stuckable }).stackscope.store.getState().cursorNs)).toBe(cursor);
});

test('an engine that was only slow withdraws the message when it answers', async ({ page }) => {
  await page.goto('/#s=lan&seed=1&t=0');
  await ready(page);
  await page.evaluate(() => {
    const lab = (window as unknown as { stackscope: { stuckAfterMs: number; play(): void; engine: { api: { hangForTesting(ms: number): Promise<void> } } } }).stackscope;
    lab.stuckAfterMs = 500;
    void lab.engine.api.hangForTesting(2500);
    lab.play();
  });
  await expect(page.getByRole('alert')).toContainText('has not answered for 0.5 s');
  await expect(page.getByRole('alert')).toHaveCount(0, { timeout: 10_000 });
  await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled();
});

test('a broken scenario import is refused with a message naming the problem', async ({ page }) => {
  await page.goto('/#s=lan&seed=1&t=0');
  await ready(page);
  await page.getByText('File').click();
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import scenario JSON…' }).click();
  await (await chooser).setFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ name: 'x', nodes: [{ name: 'a', kind: 'toaster' }] })) });
  await expect(page.getByRole('alert')).toContainText(/scenario: nodes\[0\]/);
  await page.getByRole('button', { name: 'Load the default scenario' }).click();
  await ready(page);
});

test('the capture export downloads a pcapng file', async ({ page }) => {
  await page.goto('/#s=lan&seed=1&t=0');
  await ready(page);
  await page.getByText('File').click();
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export capture (pcapng)' }).click();
  const d = await download;
  expect(d.suggestedFilename()).toBe('lan-seed1.pcapng');
});

test('no serious accessibility violations (axe)', async ({ page }) => {
  await page.goto('/#s=routed&seed=1&t=0');
  await ready(page);
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
});

type LabHandle = { store: { getState(): { cursorNs: number; headNs: number; select(p: { packet: number }): void } }; trace: { length: number; packetCount: number } };

test('compare: run B gets the one changed knob and follows run A’s time cursor', async ({ page }) => {
  await page.goto('/#compare=1&knob=loss&value=0.5&s=lan&seed=1&t=0&v=node');
  await expect(page.getByRole('region', { name: /Run B \(Bottleneck loss = 0\.5\)/ })).toBeVisible({ timeout: 15_000 });
  await ready(page);
  await page.getByLabel('Speed').selectOption('10');
  await page.getByRole('button', { name: 'Play' }).click();
  await page.waitForFunction(() => (window as unknown as { stackscopeCompare: { a: LabHandle } }).stackscopeCompare.a.store.getState().cursorNs > 5e9);
  await page.getByRole('button', { name: 'Pause' }).click();
  const r = await page.evaluate(async () => {
    const { a, b } = (window as unknown as { stackscopeCompare: { a: LabHandle; b: LabHandle } }).stackscopeCompare;
    await new Promise((res) => setTimeout(res, 500));
    return { a: a.store.getState().cursorNs, b: b.store.getState().cursorNs, ea: a.trace.length, eb: b.trace.length };
  });
  expect(r.b).toBe(r.a);
  expect(r.eb).not.toBe(r.ea);
});

test('device tables follow the time cursor: the ARP cache is empty again after rewinding', async ({ page }) => {
  await page.goto('/#s=lan&seed=1&t=0&v=node,terminal&h=alice');
  await ready(page);
  await page.getByLabel('Device', { exact: true }).selectOption({ label: 'alice (host)' });
  await typeInTerminal(page, 'ping -c 1 192.168.10.13\n');
  await expect(terminalText(page)).toContainText('1 received', { timeout: 10_000 });
  const neighbours = page.getByRole('table', { name: 'Neighbour cache (ARP / NDP)' });
  await expect(neighbours).toContainText('192.168.10.13');
  await page.getByRole('button', { name: 'Pause' }).click().catch(() => {});
  await page.locator('.ss-scrub').fill('0');
  await expect(neighbours).toContainText('Empty: no address resolved yet');
});

test('fault injection from the editor drops the selected packet and keeps the run reproducible', async ({ page }) => {
  await page.goto('/#s=lan&seed=1&t=0&v=editor,terminal&h=alice');
  await ready(page);
  await typeInTerminal(page, 'ping -c 3 192.168.10.13\n');
  await expect(terminalText(page)).toContainText('3 received', { timeout: 15_000 });
  // Select alice's second echo request to carol (the inspector/event list do this by click).
  const uid = await page.evaluate(async () => {
    const lab = (window as unknown as { stackscope: LabHandle & { engine: { api: { summaries(u: number[]): Promise<string[]>; packet(u: number): Promise<{ bytes: Uint8Array; parent: number }> } } } }).stackscope;
    const hits: number[] = [];
    for (let u = 0; u < lab.trace.packetCount; u++) {
      const p = await lab.engine.api.packet(u);
      const b = p.bytes;
      // IPv4, ICMP echo request, to 192.168.10.13, original frame (not a copy)
      if (p.parent === -1 && b[12] === 8 && b[13] === 0 && b[23] === 1 && b[34] === 8 && b[30] === 192 && b[33] === 13) hits.push(u);
    }
    lab.store.getState().select({ packet: hits[1]! });
    return hits[1];
  });
  expect(uid).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Drop it here' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Added to the scenario' })).toContainText(`drop packet ${uid}`);
  await page.getByRole('button', { name: 'Play' }).click();
  await page.waitForFunction(() => (window as unknown as { stackscope: LabHandle }).stackscope.store.getState().cursorNs > 5e9, undefined, { timeout: 20_000 });
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.getByText('Scenario JSON', { exact: true }).click();
  await expect(page.getByLabel('Scenario JSON')).toHaveValue(/"action": "drop"/);
  // The typed ping was replayed at its exact point, and the rule dropped exactly that packet.
  const drops = await page.evaluate(() => {
    const t = (window as unknown as { stackscope: { trace: { length: number; kindName(i: number): string; textAt(i: number): string | undefined } } }).stackscope.trace;
    const out: string[] = [];
    for (let i = 0; i < t.length; i++) if (t.kindName(i) === 'link.drop') out.push(t.textAt(i) ?? '');
    return out;
  });
  expect(drops).toEqual([expect.stringMatching(new RegExp(`^rule: drop packet ${uid} `))]);
});
