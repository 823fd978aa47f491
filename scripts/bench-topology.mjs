#!/usr/bin/env node
/**
 * Topology view benchmark: builds the benchmark page (src/ui/views/bench/topology-bench.html)
 * with Vite into a temporary directory, serves it with `vite preview`, opens it in headless
 * Chromium through Playwright and prints the frame-time figures the page measured.
 *
 *   node scripts/bench-topology.mjs [--frames 300] [--inflight 5000] [--json] [--budget 16.7] [--screenshot out.png]
 *
 * Exits 0 whatever the figures (a benchmark, not a test) unless --budget is given, in which
 * case it exits 1 when the p95 draw time exceeds it. STACKSCOPE_CHROMIUM overrides the browser.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build, preview } from 'vite';
import react from '@vitejs/plugin-react';
import { chromium } from '@playwright/test';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const ENTRY = 'src/ui/views/bench/topology-bench.html';

const { values } = parseArgs({
  options: {
    frames: { type: 'string', default: '300' },
    warmup: { type: 'string', default: '30' },
    inflight: { type: 'string', default: '5000' },
    json: { type: 'boolean', default: false },
    budget: { type: 'string' },
    screenshot: { type: 'string' },
  },
});

const outDir = mkdtempSync(join(tmpdir(), 'stackscope-bench-'));
let server;
let browser;
try {
  // Only the benchmark page is built (not the app's pages from vite.config.ts).
  await build({
    root,
    configFile: false,
    plugins: [react()],
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, sourcemap: false, target: 'es2022', rolldownOptions: { input: { bench: resolve(root, ENTRY) } } },
  });
  server = await preview({ root, configFile: false, logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false } });
  const base = server.resolvedUrls?.local?.[0] ?? `http://127.0.0.1:${server.httpServer.address().port}/`;
  browser = await chromium.launch({
    executablePath: process.env.STACKSCOPE_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  const page = await browser.newPage({ viewport: { width: 1320, height: 900 }, deviceScaleFactor: 1 });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const url = new URL(ENTRY, base);
  url.searchParams.set('frames', values.frames);
  url.searchParams.set('warmup', values.warmup);
  url.searchParams.set('inflight', values.inflight);
  await page.goto(url.href);
  await page.waitForFunction(() => window.__benchResult !== undefined, null, { timeout: 180_000 });
  const result = await page.evaluate(() => window.__benchResult);
  if (values.screenshot) await page.screenshot({ path: values.screenshot });
  if (!result || 'error' in result) throw new Error(`benchmark page failed: ${result?.error ?? 'no result'}${errors.length ? `\n${errors.join('\n')}` : ''}`);
  if (values.json) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    const f = (s) => `p50 ${s.p50.toFixed(2)} ms  p95 ${s.p95.toFixed(2)} ms  max ${s.max.toFixed(2)} ms  mean ${s.mean.toFixed(2)} ms`;
    console.log(`topology view: ${result.frames} frames, canvas ${result.canvas}, frames in flight ${result.inFlight.min}–${result.inFlight.max} (mean ${result.inFlight.mean}), ${result.events} trace events`);
    console.log(`  draw (query + canvas + raster): ${f(result.drawMs)}`);
    console.log(`    query frames in flight:       ${f(result.phasesMs.query)}`);
    console.log(`    canvas calls:                 ${f(result.phasesMs.draw)}`);
    console.log(`    rasterise (1px readback):     ${f(result.phasesMs.flush)}`);
    console.log(`  animation frame interval:       ${f(result.frameIntervalMs)}`);
    console.log(`  p95 draw ${result.drawMs.p95 <= 16.7 ? '≤' : '>'} 16.7 ms budget`);
  }
  if (values.budget !== undefined && result.drawMs.p95 > Number(values.budget)) process.exitCode = 1;
} finally {
  await browser?.close();
  await new Promise((r) => (server ? server.httpServer.close(() => r()) : r()));
  rmSync(outDir, { recursive: true, force: true });
}
