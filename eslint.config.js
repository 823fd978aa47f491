// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

/**
 * Node built-ins, matched as whole specifiers (`fs`, `fs/promises`, `node:net`, ...). A regex, not
 * gitignore-style globs: the glob `crypto` also matched the engine's own `../crypto/aes.ts`.
 */
const nodeBuiltinSpecifier = `^(?:node:.+|${builtinModules.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`;

/**
 * Imports that climb out of the engine into a layer above it (`../ui/x`, `../../worker/y`), or pull
 * in React. Only a `..` step straight into one of those folders counts, so engine-internal names
 * such as `./ui/progress.ts` or `../net/worker/a.ts` stay allowed.
 */
const upwardSpecifier = '(?:^|/)\\.\\./(?:ui|worker|cli|embed)(?:/|$)|^react(?:-dom)?(?:/|$)';

/** Patterns that reach inside the engine instead of through its index. */
const engineDeepImports = ['**/engine/*/**', '**/engine/*', '!**/engine/index', '!**/engine/index.ts', '!**/engine/index.js'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Engine purity (DESIGN.md): time and randomness are inputs. No clocks, timers, Math.random or DOM.
    files: ['src/engine/**/*.ts'],
    ignores: ['src/engine/**/*.test.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-globals': [
        'error',
        ...['Date', 'performance', 'setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'window', 'document', 'self', 'process', 'Buffer', 'require'].map(
          (name) => ({ name, message: 'The engine is pure: time, randomness and I/O are inputs (DESIGN.md).' }),
        ),
      ],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Use the seeded PRNG streams (sim/rng.ts).' }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: nodeBuiltinSpecifier, message: 'The engine does not use Node APIs.' },
            { regex: upwardSpecifier, message: 'Dependencies point downward: the engine imports nothing above it.' },
          ],
        },
      ],
    },
  },
  {
    // UI and embed: engine *types* only, and only through src/engine/index.ts.
    files: ['src/ui/**/*.{ts,tsx}', 'src/embed/**/*.{ts,tsx}'],
    ignores: ['src/**/*.test.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: engineDeepImports, message: 'Import the engine only through src/engine/index.ts.' }] }],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/engine', '**/engine/**'], allowTypeImports: true, message: 'UI code imports engine types only; it talks to the engine through the worker client.' }] },
      ],
    },
  },
  {
    // Lessons (src/lessons): shared by the Node checker/runner and the browser player, so no Node
    // or DOM APIs; engine types only (engine facts come in through LessonContext); below UI and CLI.
    files: ['src/lessons/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        ...['window', 'document', 'localStorage', 'navigator', 'process', 'Buffer', 'require', '__dirname'].map((name) => ({
          name,
          message: 'src/lessons runs in Node and in the browser: no Node or DOM APIs.',
        })),
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: nodeBuiltinSpecifier, message: 'src/lessons runs in the browser too: no Node APIs.' },
            { regex: upwardSpecifier, message: 'src/lessons sits below the UI, worker and CLI: it imports none of them.' },
            { group: engineDeepImports, message: 'Import the engine only through src/engine/index.ts.' },
          ],
        },
      ],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/engine', '**/engine/**'], allowTypeImports: true, message: 'src/lessons imports engine types only; the checker passes engine facts in (LessonContext).' }] },
      ],
    },
  },
  {
    // Worker and CLI host the engine: values allowed, but only through its index.
    files: ['src/worker/**/*.ts', 'src/cli/**/*.ts', 'e2e/**/*.ts', 'scripts/**/*.{ts,mjs}'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: engineDeepImports, message: 'Import the engine only through src/engine/index.ts.' }] }],
    },
  },
  {
    // White-box tests (test/, colocated *.test.ts) may reach engine internals directly.
    files: ['test/**/*.ts', 'src/**/*.test.ts'],
    languageOptions: { globals: { ...globals.node } },
  },
);
