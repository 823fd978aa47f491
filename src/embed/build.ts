/**
 * Builds the custom element (dist/stackscope-player.js + dist/player/*) right after the app
 * build, as its own Vite build: the element must not share chunks or CSS handling with the app.
 *
 *  - base './': every URL in the element's code (lazy view chunks, the engine worker) resolves
 *    against the script's own URL, so the files work from any origin and path.
 *  - The views' side-effect CSS imports (`import './x.css'`) become empty modules: in an app
 *    build, Vite would inject a <link> into the host page's <head> when a lazy view loads. The
 *    element puts all of that CSS into its shadow root instead (shadow-styles.ts, `?inline`).
 *  - No module-preload helper: it would add <link rel=modulepreload> to the host page.
 *  - A manifest (player/manifest.json) lets `stackscope bench size` measure the first load.
 *
 * Node-side code: imported by vite.config.ts only.
 */
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import type { InlineConfig, Plugin } from 'vite';

export const PLAYER_ENTRY = 'src/embed/element.tsx';
export const PLAYER_FILE = 'stackscope-player.js';
export const PLAYER_DIR = 'player';
export const PLAYER_MANIFEST = `${PLAYER_DIR}/manifest.json`;

const EMPTY_CSS = '\0stackscope-player:empty-css';

/** `import './x.css'` (no query) → an empty module; `?inline` imports are untouched. */
export function dropCssSideEffects(): Plugin {
  return {
    name: 'stackscope-player:drop-css-side-effects',
    enforce: 'pre',
    resolveId(source, importer) {
      if (importer && /\.css$/.test(source)) return EMPTY_CSS;
      return null;
    },
    load(id) {
      return id === EMPTY_CSS ? 'export {};' : null;
    },
  };
}

export function playerBuildConfig(root: string, outDir: string, opts: { sourcemap: boolean; logLevel: InlineConfig['logLevel']; mode: string }): InlineConfig {
  const out = {
    entryFileNames: (c: { name: string }) => (c.name === 'stackscope-player' ? PLAYER_FILE : `${PLAYER_DIR}/[name]-[hash].js`),
    chunkFileNames: `${PLAYER_DIR}/[name]-[hash].js`,
    assetFileNames: `${PLAYER_DIR}/[name]-[hash][extname]`,
  };
  return {
    configFile: false,
    root,
    base: './',
    mode: opts.mode,
    logLevel: opts.logLevel,
    publicDir: false,
    plugins: [react(), dropCssSideEffects()],
    worker: { format: 'es', rolldownOptions: { output: { entryFileNames: `${PLAYER_DIR}/[name]-[hash].js`, chunkFileNames: `${PLAYER_DIR}/[name]-[hash].js` } } },
    build: {
      outDir,
      emptyOutDir: false,
      copyPublicDir: false,
      target: 'es2022',
      sourcemap: opts.sourcemap,
      modulePreload: false,
      manifest: PLAYER_MANIFEST,
      rolldownOptions: { input: { 'stackscope-player': resolve(root, PLAYER_ENTRY) }, output: out },
    },
  };
}

/** Runs the element build once the app build has written its files. */
export function stackscopePlayerBuild(): Plugin {
  let root = process.cwd();
  let outDir = 'dist';
  let sourcemap = false;
  let mode = 'production';
  let done = false;
  return {
    name: 'stackscope-player:build',
    apply: 'build',
    configResolved(c) {
      root = c.root;
      outDir = resolve(c.root, c.build.outDir);
      sourcemap = Boolean(c.build.sourcemap);
      mode = c.mode;
    },
    async closeBundle() {
      if (done || this.environment?.name !== 'client') return;
      done = true;
      const { build } = await import('vite');
      await build(playerBuildConfig(root, outDir, { sourcemap, logLevel: 'warn', mode }));
    },
  };
}
