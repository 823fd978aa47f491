/**
 * Browser benchmarks (print figures; never pass/fail). They build the app, serve it, and
 * drive Debian's Chromium headless through Playwright:
 *  - ui:   a 100 Mbit/s bulk transfer played "as fast as possible" with the views open —
 *          main-thread long tasks (> 50 ms) and animation frame gaps;
 *          then seeks into a busy 60 s run, timed from the request to the views repainted.
 *  - topology: 5,000 frames in flight drawn by the topology view: draw time per frame.
 *  - size: gzip size of the app shell's initial JavaScript and CSS, and of the lazy chunks;
 *          the embeddable widget's first load (custom element script + static imports) and
 *          the iframe page's.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { busyLanScenario } from './bench.ts';

type Out = (line: string) => void;

export const BROWSER_BENCHES = ['ui', 'size', 'topology'];

const CHROMIUM = process.env.STACKSCOPE_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

async function buildApp(): Promise<void> {
  const { build } = await import('vite');
  await build({ logLevel: 'warn' });
}

function kb(n: number): string {
  return `${(n / 1024).toFixed(1)} kB`;
}

/** Scripts and stylesheets an HTML page of the build references (its first load). */
function htmlInitial(dist: string, page: string): string[] {
  const html = readFileSync(join(dist, page), 'utf8');
  return [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
}

export function benchSize(out: Out, dist = 'dist'): void {
  const initial = htmlInitial(dist, 'index.html');
  // Other pages' entries (embed.html, ...) are not the app's lazy chunks.
  const otherPages = readdirSync(dist).filter((f) => f.endsWith('.html') && f !== 'index.html').flatMap((p) => htmlInitial(dist, p));
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
  for (const f of all.map((x) => `assets/${x}`).filter((x) => !initial.includes(x) && !otherPages.includes(x)).sort()) out(`    ${f}: ${kb(gz(f))} gzip`);
  benchEmbedSize(out, dist);
}

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}

/** The embeds: the custom element's first load (script + static imports) and the iframe page's. */
export function benchEmbedSize(out: Out, dist = 'dist'): void {
  const gz = (f: string) => gzipSync(readFileSync(join(dist, f))).length;
  const manifestFile = join(dist, 'player', 'manifest.json');
  if (!existsSync(manifestFile)) {
    out('size: embed: dist/player/manifest.json missing (the custom element was not built)');
    return;
  }
  const m = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, ManifestChunk>;
  const entry = Object.keys(m).find((k) => m[k]!.isEntry);
  if (!entry) return;
  const closure = (keys: string[], seen = new Set<string>()): Set<string> => {
    for (const k of keys) {
      if (seen.has(k) || !m[k]) continue;
      seen.add(k);
      closure(m[k]!.imports ?? [], seen);
    }
    return seen;
  };
  const first = closure([entry]);
  let firstGz = 0;
  out(`size: embed custom element, first load (${m[entry]!.file} and its static imports; views and the engine worker load after)`);
  for (const k of first) {
    const f = m[k]!.file;
    const g = gz(f);
    firstGz += g;
    out(`  ${f}: ${kb(statSync(join(dist, f)).size)} raw, ${kb(g)} gzip`);
  }
  out(`  first load total: ${kb(firstGz)} gzip (budget 150 kB)`);
  const views = (m[entry]!.dynamicImports ?? []).filter((k) => /\/views\/(topology|ladder)\//.test(k));
  const viewFiles = [...closure(views)].filter((k) => !first.has(k)).map((k) => m[k]!.file);
  out(`  + default views (topology, ladder) when they open: ${kb(viewFiles.reduce((a, f) => a + gz(f), 0))} gzip (${viewFiles.length} files)`);
  const worker = readdirSync(join(dist, 'player')).filter((f) => /^engine\.worker-.*\.js$/.test(f));
  for (const w of worker) out(`  + engine worker (starts after the element mounts): player/${w}: ${kb(gz(`player/${w}`))} gzip`);

  if (existsSync(join(dist, 'embed.html'))) {
    const page = htmlInitial(dist, 'embed.html');
    const total = page.reduce((a, f) => a + gz(f), 0) + gz('embed.html');
    out(`size: embed iframe page, first load (embed.html and its references): ${kb(total)} gzip`);
    for (const f of page) out(`  ${f}: ${kb(gz(f))} gzip`);
  }
}

function pct(xs: number[], q: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

async function benchUi(out: Out): Promise<void> {
  await buildApp();
  const { preview } = await import('vite');
  const server = await preview({ logLevel: 'warn', preview: { host: '127.0.0.1', port: 4190, strictPort: false } });
  const url = server.resolvedUrls?.local[0] ?? 'http://127.0.0.1:4190/';
  const { chromium } = await import('@playwright/test');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    // Page scripts are strings: functions compiled by tsx would reference its helpers.
    await page.addInitScript(`
      window.__longtasks = [];
      window.__frames = [];
      new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longtasks.push(e.duration); }).observe({ type: 'longtask', buffered: true });
      let last = 0;
      const tick = (t) => { if (last) window.__frames.push(t - last); last = t; requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
    `);
    out('ui: tcp-bulk (100 Mbit/s, 10 s transfer) played as fast as possible, per set of open views');
    for (const views of ['', 'topology', 'ladder', 'events', 'charts', 'inspector', 'topology,ladder,events,charts,inspector']) {
      await page.goto(`${url}#s=tcp-bulk&seed=1&t=0&v=${views}`);
      await page.reload();
      await page.waitForFunction('window.stackscope && window.stackscope.store.getState().status === "ready"', undefined, { timeout: 30_000 });
      await page.waitForTimeout(1000);
      const t0 = Date.now();
      await page.evaluate(`window.__longtasks.length = 0; window.__frames.length = 0; window.stackscope.store.getState().set({ speed: 'max' }); window.stackscope.play();`);
      await page.waitForFunction('(() => { const s = window.stackscope.store.getState(); return !s.playing && s.headNs >= 10e9; })()', undefined, { timeout: 300_000, polling: 250 });
      const wall = (Date.now() - t0) / 1000;
      const r = (await page.evaluate(`({ long: [...window.__longtasks], frames: [...window.__frames], events: window.stackscope.trace.length, head: window.stackscope.store.getState().headNs })`)) as { long: number[]; frames: number[]; events: number; head: number };
      out(`  views [${views || 'none'}]: ${(r.head / 1e9).toFixed(1)} s simulated, ${r.events.toLocaleString('en-US')} events streamed in ${wall.toFixed(1)} s wall; long tasks > 50 ms: ${r.long.length} (longest ${Math.max(0, ...r.long).toFixed(0)} ms); frame gap p50 ${pct(r.frames, 0.5).toFixed(1)} ms, p95 ${pct(r.frames, 0.95).toFixed(1)} ms, max ${Math.max(0, ...r.frames).toFixed(0)} ms`);
    }
    out('  goal: the main thread never blocks for more than 50 ms');

    // Seek: a busy 60 s run, simulated to the end, then seeks at deterministic pseudo-random times.
    await page.goto(`${url}#s=lan&seed=1&t=0&v=topology,ladder,events,charts,inspector,node`);
    await page.reload();
    await page.waitForFunction('window.stackscope && window.stackscope.store.getState().status === "ready"', undefined, { timeout: 30_000 });
    await page.evaluate(`window.stackscope.load(${JSON.stringify(busyLanScenario())}, 1)`);
    const simWall = (await page.evaluate(`(async () => { const a = performance.now(); await window.stackscope.seek(60e9); return performance.now() - a; })()`)) as number;
    const seeks = (await page.evaluate(`(async () => {
      const frame = () => new Promise((res) => requestAnimationFrame(() => res()));
      const ms = [];
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
    })()`)) as { ms: number[]; events: number };
    out(`seek (browser): busy 60 s LAN, views open: topology, ladder, events, charts, inspector, device tables; ${seeks.events.toLocaleString('en-US')} trace events, simulated to the end in ${(simWall / 1000).toFixed(1)} s`);
    out(`  100 seeks, request → views repainted (2 frames): median ${pct(seeks.ms, 0.5).toFixed(1)} ms, p95 ${pct(seeks.ms, 0.95).toFixed(1)} ms, max ${Math.max(...seeks.ms).toFixed(1)} ms (budget 100 ms)`);
  } finally {
    await browser.close();
    await server.close();
  }
}

/** topology: 5,000 frames in flight drawn by the topology renderer (scripts/bench-topology.mjs). */
async function benchTopology(out: Out): Promise<number> {
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(process.execPath, ['scripts/bench-topology.mjs'], { encoding: 'utf8' });
  for (const line of (r.stdout ?? '').trimEnd().split('\n')) if (line) out(line);
  if (r.status !== 0) out(`topology benchmark failed: ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`);
  return r.status ?? 1;
}

export async function runBrowserBench(name: string, out: Out): Promise<number> {
  if (name === 'topology') return benchTopology(out);
  if (name === 'size') {
    await buildApp();
    benchSize(out);
  } else if (name === 'ui') {
    await benchUi(out);
  }
  return 0;
}
