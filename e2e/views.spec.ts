/**
 * The linked views as a user meets them (issue: "The app"): packets animate on the topology
 * when the terminal makes them, stepping back shows the earlier state, the inspector links a
 * field to its bytes, a link edited to lose packets loses them, a shared URL gives the same
 * view, the transport works from the keyboard alone, and the traceroute walk-through a new
 * user does in their first minute works end to end.
 */
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';

type Lab = {
  store: { getState(): { cursorNs: number; cursorEvents: number; status: string; playing: boolean; selection: { packet: number | null } } };
  trace: { length: number; packetCount: number; kindId(n: string): number; kindAt(i: number): number; pktAt(i: number): number; timeAt(i: number): number; packetProtoName(u: number): string };
  seek(ns: number): Promise<void>;
  pause(): void;
  engine: { api: { packet(u: number): Promise<{ bytes: Uint8Array }> } };
};

async function ready(page: Page) {
  await expect(page.getByRole('toolbar', { name: 'Timeline' }).getByRole('button', { name: /^(Play|Pause)$/ })).toBeEnabled({ timeout: 15_000 });
}

async function typeInTerminal(page: Page, text: string) {
  await page.locator('.ss-terminal-screen .xterm').click();
  await page.keyboard.type(text);
}

/** Activates a control from the keyboard (the frames-in-flight list is visible only to keyboard and screen-reader users). */
async function choose(page: Page, control: ReturnType<Page['locator']>) {
  await control.focus();
  await page.keyboard.press('Enter');
}

const terminal = (page: Page) => page.locator('.ss-terminal-screen .xterm-rows');
const counter = (page: Page) => page.locator('.ss-time .ss-event-count');
const inFlight = (page: Page) => page.getByRole('region', { name: 'Frames in flight' });

async function eventNumber(page: Page): Promise<number> {
  return Number(/event ([\d,]+) of/.exec(await counter(page).innerText())![1]!.replace(/,/g, ''));
}

/** Seeks to just after the first time a frame of `proto` started on a link; returns its uid. */
async function seekToFirstFrame(page: Page, proto: string, after = 0): Promise<number> {
  return page.evaluate(
    async ([p, a]) => {
      const lab = (window as unknown as { stackscope: Lab }).stackscope;
      const t = lab.trace;
      const tx = t.kindId('phy.txBegin');
      for (let i = 0; i < t.length; i++) {
        if (t.kindAt(i) === tx && t.timeAt(i) >= a && t.packetProtoName(t.pktAt(i)) === p) {
          lab.pause();
          await lab.seek(t.timeAt(i) + 2000);
          return t.pktAt(i);
        }
      }
      return -1;
    },
    [proto, after] as const,
  );
}

test('run ping -c 3 in the terminal and see the packets move on the topology', async ({ page }) => {
  await page.goto('/#s=routed&seed=1&t=0&h=laptop&v=topology,terminal');
  await ready(page);
  await page.getByLabel('Speed').selectOption('0.1');
  await typeInTerminal(page, 'ping -c 3 203.0.113.10\n');
  // While the pings cross the path, the topology lists ICMP frames in flight at the cursor.
  await expect.poll(async () => inFlight(page).innerText(), { intervals: [25], timeout: 10_000 }).toMatch(/ICMP frame \d+ on link/);
  await expect(terminal(page)).toContainText('64 bytes from 203.0.113.10: icmp_seq=1', { timeout: 10_000 });
});

test('pause, step back two events, and see the earlier state', async ({ page }) => {
  await page.goto('/#s=routed&seed=1&t=0&h=laptop&v=topology,terminal,node');
  await ready(page);
  await typeInTerminal(page, 'ping -c 1 203.0.113.10\n');
  await expect(terminal(page)).toContainText('1 received', { timeout: 10_000 });
  // Stop just before the echo request leaves, then step forward until it is on the wire.
  const uid = await seekToFirstFrame(page, 'icmp');
  await page.evaluate(async () => {
    const lab = (window as unknown as { stackscope: Lab }).stackscope;
    await lab.seek(lab.store.getState().cursorNs - 3000);
  });
  await expect(inFlight(page)).not.toContainText(`ICMP frame ${uid} `);
  await page.locator('.ss-header').click({ position: { x: 2, y: 2 } });
  for (let i = 0; i < 50 && !(await inFlight(page).innerText()).includes(`ICMP frame ${uid} `); i++) {
    await page.keyboard.press('ArrowRight');
    await page.waitForTimeout(150); // let the views catch up before looking again
  }
  await expect(inFlight(page)).toContainText(`ICMP frame ${uid} `);
  await page.keyboard.press('ArrowRight');
  const n = await eventNumber(page);
  const t = Number((await page.locator('.ss-time').innerText()).split(' ')[0]);
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await expect(counter(page)).toContainText(`event ${(n - 2).toLocaleString('en-US')} of`);
  expect(Number((await page.locator('.ss-time').innerText()).split(' ')[0])).toBeLessThanOrEqual(t);
  // Two events back, the echo request has not started yet: it is not on the wire any more.
  await expect(inFlight(page)).not.toContainText(`ICMP frame ${uid} `);
});

test('select the ICMP packet and see its checksum field highlighted in the bytes', async ({ page }) => {
  await page.goto('/#s=routed&seed=1&t=0&h=laptop&v=topology,terminal,inspector');
  await ready(page);
  await typeInTerminal(page, 'ping -c 1 203.0.113.10\n');
  await expect(terminal(page)).toContainText('1 received', { timeout: 10_000 });
  const uid = await seekToFirstFrame(page, 'icmp');
  await choose(page, inFlight(page).getByRole('button', { name: new RegExp(`^ICMP frame ${uid} on link`) }));
  const tree = page.getByRole('tree', { name: 'Packet fields' });
  await expect(tree).toBeVisible();
  const icmp = tree.getByRole('treeitem', { name: /Internet Control Message Protocol/ });
  if ((await icmp.getAttribute('aria-expanded')) === 'false') await icmp.click({ clickCount: 2 });
  const checksum = tree.getByRole('treeitem', { name: /^Checksum/ }).last();
  await checksum.click();
  await expect(checksum).toHaveAttribute('aria-selected', 'true');
  const bytes = page.getByRole('grid', { name: 'Packet bytes' });
  // The ICMP checksum is the two bytes at offset 36-37 of the frame (14 Ethernet + 20 IPv4 + 2).
  await expect(bytes.locator('[aria-selected="true"]')).toHaveCount(2);
  await expect(bytes.locator('[data-offset="36"]')).toHaveAttribute('aria-selected', 'true');
  await expect(bytes.locator('[data-offset="37"]')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByLabel('Field details')).toContainText(/RFC 792/);
});

test('edit a link to lose every packet and see the drops', async ({ page }) => {
  await page.goto('/#s=lan&seed=1&t=0&h=alice&v=editor,terminal,events');
  await ready(page);
  await page.getByLabel('Loss (0–1) of alice:eth0 — sw1:p1').fill('1');
  await page.getByRole('button', { name: 'Apply changes' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Scenario applied' })).toBeVisible();
  await typeInTerminal(page, 'ping -c 2 -W 1 192.168.10.12\n');
  await expect(terminal(page)).toContainText('2 packets transmitted, 0 received, 100% packet loss', { timeout: 15_000 });
  await page.getByRole('toolbar', { name: 'Event filters' }).getByLabel('Search').fill('random loss');
  await expect(page.getByRole('grid', { name: 'Trace events' })).toContainText('link.drop');
});

test('copy the share URL, open it in a new page and get the identical view', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/#s=routed&seed=3&t=0&h=laptop&v=topology,terminal,inspector');
  await ready(page);
  await typeInTerminal(page, 'ping -c 1 203.0.113.10\n');
  await expect(terminal(page)).toContainText('1 received', { timeout: 10_000 });
  const uid = await seekToFirstFrame(page, 'icmp');
  await choose(page, inFlight(page).getByRole('button', { name: new RegExp(`^ICMP frame ${uid} on link`) }));
  await expect(page.getByRole('tree', { name: 'Packet fields' })).toBeVisible();
  await page.waitForFunction((u) => location.hash.includes(`p=${u}`), uid);
  await page.getByRole('button', { name: 'Share link' }).click();
  const url = await page.evaluate(() => navigator.clipboard.readText());
  expect(url).toContain('seed=3');
  const other = await context.newPage();
  await other.goto(url);
  await ready(other);
  await expect(other.getByLabel('Scenario', { exact: true })).toHaveValue('routed');
  await expect(other.getByRole('spinbutton', { name: 'Seed' })).toHaveValue('3');
  for (const title of ['Topology', 'Terminal', 'Packet inspector']) await expect(other.getByRole('heading', { name: title, exact: true })).toBeVisible();
  // Same time and same number of events applied at the cursor (the first page simulated further ahead).
  const at = (await page.locator('.ss-time').innerText()).split(' of ')[0]!;
  await expect(other.locator('.ss-time')).toContainText(at);
  // The shared run re-simulates the same bytes: the selected frame is the same ICMP packet.
  await expect(other.getByRole('tree', { name: 'Packet fields' })).toContainText('Internet Control Message Protocol');
  expect(await other.evaluate(() => (window as unknown as { stackscope: Lab }).stackscope.store.getState().selection.packet)).toBe(uid);
});

test('run the transport with the keyboard alone', async ({ page }) => {
  await page.goto('/#s=lan&seed=1&t=0&v=events');
  await ready(page);
  const play = page.getByRole('button', { name: 'Play' });
  for (let i = 0; i < 40 && !(await play.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
  await expect(play).toBeFocused();
  await expect(play).not.toHaveCSS('outline-style', 'none');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Pause' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Play' })).toBeFocused();
  const start = await eventNumber(page);
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Step one event forward' })).toBeFocused();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await expect(counter(page)).toContainText(`event ${(start + 2).toLocaleString('en-US')} of`);
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Shift+Tab');
  await expect(page.getByRole('button', { name: 'Step one event back' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(counter(page)).toContainText(`event ${(start + 1).toLocaleString('en-US')} of`);
});

test('first minute: traceroute hop by hop, rewind, and inspect a TTL-exceeded packet’s bytes', async ({ page }) => {
  await page.goto('/#s=routed&seed=1&t=0&h=laptop&v=topology,ladder,inspector,terminal');
  await ready(page);
  await typeInTerminal(page, 'traceroute -n 203.0.113.10\n');
  await expect(terminal(page)).toContainText(/ 1 {2}192\.168\.1\.1 {2}/, { timeout: 10_000 });
  await expect(terminal(page)).toContainText(/ 6 {2}203\.0\.113\.10 {2}/, { timeout: 20_000 });
  // Rewind to the start of the walk.
  await page.getByRole('button', { name: 'Pause' }).click().catch(() => {});
  await page.locator('.ss-scrub').focus();
  await page.keyboard.press('Home');
  await expect(page.locator('.ss-time')).toContainText(/^0\.000000 s/);
  // The first ICMP message back is a time exceeded from the first hop: select and inspect it.
  const uid = await seekToFirstFrame(page, 'icmp');
  const bytes = await page.evaluate((u) => (window as unknown as { stackscope: Lab }).stackscope.engine.api.packet(u).then((p) => [...p.bytes]), uid);
  expect(bytes[34]).toBe(11);
  // (Sixteen probes are in flight around it; select it as the ladder or event list would.)
  await page.evaluate((u) => (window as unknown as { stackscope: { store: { getState(): { select(p: { packet: number }): void } } } }).stackscope.store.getState().select({ packet: u }), uid);
  await expect(page.getByRole('tree', { name: 'Packet fields' })).toContainText(/Time.to.live exceeded|Time Exceeded/i);
  await expect(page.getByRole('grid', { name: 'Packet bytes' }).locator('[data-offset="34"]')).toHaveAccessibleName('offset 34: 0x0b');
});

test('watch a bulk transfer’s congestion window, click the chart to rewind, and export it as SVG', async ({ page }) => {
  await page.goto('/#s=tcp-bulk&seed=1&t=0&v=charts');
  await ready(page);
  await page.evaluate(() => (window as unknown as { stackscope: Lab }).stackscope.seek(3e9));
  const cwnd = page.getByRole('img', { name: 'cwnd chart' });
  // The cwnd line is drawn from the trace: a path with many segments (slow start, then a sawtooth).
  await expect
    .poll(async () => (await cwnd.locator('path[stroke-width="1.75"]').first().getAttribute('d'))?.split(/[HVL]/).length ?? 0, { timeout: 15_000 })
    .toBeGreaterThan(50);
  await expect(page.locator('.ss-charts-summary').first()).toContainText(/At 3\.0+ s: cwnd \d/);
  // Clicking a quarter of the way along the plot moves the time cursor there, for every view.
  const box = (await cwnd.boundingBox())!;
  await cwnd.click({ position: { x: 56 + (box.width - 56 - 14) / 4, y: box.height / 2 } });
  const cursor = await page.evaluate(() => (window as unknown as { stackscope: Lab }).stackscope.store.getState().cursorNs);
  expect(cursor).toBeGreaterThan(0.3e9);
  expect(cursor).toBeLessThan(2.5e9);
  await expect(page.locator('.ss-charts-summary').first()).not.toContainText('At 3.0');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export cwnd chart as SVG' }).click();
  const d = await download;
  expect(d.suggestedFilename()).toBe('tcp-bulk-cwnd.svg');
  const svg = await (await import('node:fs/promises')).readFile((await d.path())!, 'utf8');
  expect(svg).toMatch(/^<\?xml/);
  expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
  expect(svg).toContain('Congestion window and slow-start threshold');
  expect(svg).toMatch(/<path d="M[\d.]+,[\d.]+[HV]/);
});
