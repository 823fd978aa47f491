/**
 * Starts the engine worker for the custom element. The worker script's URL is resolved against
 * the element script's own URL (import.meta.url), so a page at any origin and path can load
 * `…/stackscope-player.js`. Browsers only start workers from the page's own origin, so when the
 * script comes from elsewhere (a CDN, the docs site's static host), a tiny same-origin blob module
 * imports the real worker script (which must then be served with CORS, as the element script is).
 */
import workerPath from '../worker/engine.worker.ts?worker&url';

export function engineWorkerUrl(base: string = import.meta.url): URL {
  return new URL(workerPath, base);
}

export function makeEngineWorker(): Worker {
  const url = engineWorkerUrl();
  const options: WorkerOptions = { type: 'module', name: 'stackscope-engine' };
  if (url.origin === location.origin) return new Worker(url, options);
  const blob = URL.createObjectURL(new Blob([`import ${JSON.stringify(url.href)};\n`], { type: 'text/javascript' }));
  const worker = new Worker(blob, options);
  // The blob is fetched when the worker starts; it is only a trampoline, so free it soon after.
  setTimeout(() => URL.revokeObjectURL(blob), 30_000);
  return worker;
}
