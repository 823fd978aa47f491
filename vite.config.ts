import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { stackscopePlayerBuild } from './src/embed/build.ts';

/**
 * The app (index.html) and the embeddable iframe page (embed.html); after them, the
 * <stackscope-player> custom element is built on its own (src/embed/build.ts).
 */
export default defineConfig({
  plugins: [react(), stackscopePlayerBuild()],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    sourcemap: true,
    rolldownOptions: { input: { main: resolve(import.meta.dirname, 'index.html'), embed: resolve(import.meta.dirname, 'embed.html') } },
  },
  resolve: {
    // The lessons bundled into the app (src/ui/lessons/catalog.ts); STACKSCOPE_LESSONS points a
    // dev server or build at another folder (lesson authors, the lesson system's own fixtures).
    alias: { '@lessons': resolve(import.meta.dirname, process.env.STACKSCOPE_LESSONS ?? 'lessons') },
  },
});
