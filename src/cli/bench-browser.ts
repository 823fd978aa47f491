/**
 * Browser benchmarks (print figures; never pass/fail). They build the app, serve it, and
 * drive Debian's Chromium headless through Playwright:
 *  - ui:   a 100 Mbit/s bulk transfer played "as fast as possible" with the views open —
 *          main-thread long tasks (> 50 ms) and animation frame gaps;
 *          then seeks into a busy 60 s run, timed from the request to the views repainted.
 *  - size: gzip size of the app shell's initial JavaScript and CSS, and of the lazy chunks.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { busyLanScenario } from './bench.ts';

type Out = (line: string) => void;

export const BROWSER_BENCHES = ['ui', 'size'];

const CHROMIUM = process.env.STACKSCOPE_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

async function buildApp(): Promise<void> {
  const { build } = await import('vite');
  await build({ logLevel: 'warn' });
}

function kb(n: number): string {
  return `${(n / 1024).toFixed(1)} kB`;
}

export function benchSize(out: Out, dist = 'dist'): void {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const initial = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
  const all = readdirSync(join(dist, 'assets')).filter((f) => /\.(js|css)$/.test(f));
  const gz = (f: string) => gzipSync(readFileSync(join(dist, f))).length;
  let initialGz = 0;
  out('size: app shell, initial load (index.html references)');
  for (const f of initial) {
    const g = gz(f);
    initialGz += g;
    out(`  ${f}: ${kb(statSync(join(dist, f)).size)} raw, ${kb(g)} gzip`);
  }
  out(`  initial total: ${kb(initialGz)} gzip (budget 250 kB)`);
  out('  lazy chunks (loaded when a view opens / the worker starts):');
  for (const f of all.map((x) => `assets/${x}`).filter((x) => !initial.includes(x)).sort()) out(`    ${f}: ${kb(gz(f))} gzip`);
}

function pct(xs: number[], q: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

interface PageLab {
  store: { getState(): { status: string; headNs: number; cursorNs: number; idle: boolean; playing: boolean; set(p: object): void } };
  trace: { length: number };
  play(): void;
  pause(): void;
  load(s: string | object, seed?: number): Promise<boolean>;
  seek(ns: number): Promise<void>;
}
declare const window: { stackscope: PageLab; __longtasks: number[]; __frames: number[] } & Record<string, unknown>;

async function benchUi(out: Out): Promise<void> {
  await buildApp();
  const { preview } = await import('vite');
  const server = await preview({ logLevel: 'warn', preview: { host: '127.0.0.1', port: 4190, strictPort: false } });
  const url = server.resolvedUrls?.local[0] ?? 'http://127.0.0.1:4190/';
  const { chromium } = await import('@playwright/test');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.addInitScript(() => {
      window.__longtasks = [];
      window.__frames = [];
      new PerformanceObserver((l) => {
        for (const e of l.getEntries()) window.__longtasks.push(e.duration);
      }).observe({ type: 'longtask', buffered: true });
      let last = 0;
      const tick = (t: number) => {
        if (last) window.__frames.push(t - last);
        last = t;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    await page.goto(`${url}#s=tcp-bulk&seed=1&t=0&v=topology,ladder,events,charts,inspector`);
    await page.waitForFunction(() => window.stackscope?.store.getState().status === 'ready', undefined, { timeout: 30_000 });
    await page.waitForTimeout(1000);
    const t0 = Date.now();
    await page.evaluate(() => {
      window.__longtasks.length = 0;
      window.__frames.length = 0;
      window.stackscope.store.getState().set({ speed: 'max' });
      window.stackscope.play();
    });
    await page.waitForFunction(() => {
      const s = window.stackscope.store.getState();
      return !s.playing && s.headNs >= 14e9;
    }, undefined, { timeout: 300_000, polling: 250 });
    const wall = (Date.now() - t0) / 1000;
    const r = await page.evaluate(() => ({ long: [...window.__longtasks], frames: [...window.__frames], events: window.stackscope.trace.length, head: window.stackscope.store.getState().headNs }));
    out('ui: tcp-bulk (100 Mbit/s, 10 s transfer) played as fast as possible, views open: topology, ladder, events, charts, inspector');
    out(`  ${(r.head / 1e9).toFixed(1)} s simulated, ${r.events.toLocaleString('en-US')} trace events streamed to the page in ${wall.toFixed(1)} s wall`);
    out(`  main thread: ${r.long.length} long tasks > 50 ms, longest ${Math.max(0, ...r.long).toFixed(0)} ms (goal: never > 50 ms)`);
    out(`  animation frames: ${r.frames.length}, gap p50 ${pct(r.frames, 0.5).toFixed(1)} ms, p95 ${pct(r.frames, 0.95).toFixed(1)} ms, max ${Math.max(0, ...r.frames).toFixed(1)} ms`);

    // Seek: a busy 60 s run, simulated to the end, then seeks at deterministic pseudo-random times.
    await page.evaluate(async (sc) => {
      await window.stackscope.load(sc, 1);
    }, busyLanScenario());
    const simWall = await page.evaluate(async () => {
      const a = performance.now();
      await window.stackscope.seek(60e9);
      return performance.now() - a;
    });
    const seeks = await page.evaluate(async () => {
      const frame = () => new Promise<void>((res) => requestAnimationFrame(() => res()));
      const ms: number[] = [];
      let x = 12345;
      for (let i = 0; i < 100; i++) {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        const t = Math.floor((x / 2 ** 32) * 60e9);
        const a = performance.now();
        await window.stackscope.seek(t);
        await frame();
        await frame();
        ms.push(performance.now() - a);
      }
      return { ms, events: window.stackscope.trace.length };
    });
    out(`seek (browser): busy 60 s LAN, ${seeks.events.toLocaleString('en-US')} trace events, simulated to the end in ${(simWall / 1000).toFixed(1)} s`);
    out(`  100 seeks, request → views repainted (2 frames): median ${pct(seeks.ms, 0.5).toFixed(1)} ms, p95 ${pct(seeks.ms, 0.95).toFixed(1)} ms, max ${Math.max(...seeks.ms).toFixed(1)} ms (budget 100 ms)`);
  } finally {
    await browser.close();
    await server.close();
  }
}

export async function runBrowserBench(name: string, out: Out): Promise<number> {
  if (name === 'size') {
    await buildApp();
    benchSize(out);
  } else if (name === 'ui') {
    await benchUi(out);
  }
  return 0;
}
