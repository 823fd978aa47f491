/**
 * The layer boundaries of DESIGN.md ("Layers of the code") are enforced by eslint.config.js.
 * These tests lint small snippets under made-up paths inside the project, proving each rule
 * fires where it should (so it can fail) and stays quiet where the design allows the import.
 */
import { ESLint, type Linter } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: process.cwd() });
});

/** Lints `code` as if it lived at `filePath` (relative to the repo root; the file need not exist). */
async function lint(filePath: string, code: string): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(code, { filePath });
  if (!result) throw new Error(`ESLint returned no result for ${filePath}`);
  // A parse error or an ignored file would make every "no error" expectation pass vacuously.
  const fatal = result.messages.filter((message) => message.fatal || message.ruleId === null);
  expect(fatal, `${filePath} was not linted normally`).toEqual([]);
  return result.messages;
}

/** "rule: message" for each error, for readable failures. */
function errors(messages: Linter.LintMessage[]): string[] {
  return messages.filter((message) => message.severity === 2).map((message) => `${message.ruleId}: ${message.message}`);
}

function expectError(messages: Linter.LintMessage[], ruleId: string, text: string | RegExp): void {
  expect(errors(messages)).toContainEqual(expect.stringMatching(new RegExp(`^${ruleId}: .*${typeof text === 'string' ? escapeRegExp(text) : text.source}`)));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('src/ui imports engine types only, and only through src/engine/index.ts', () => {
  it('rejects a value import from the engine index', async () => {
    const messages = await lint('src/ui/x.tsx', "import { createSim } from '../engine/index.ts';\n\nexport const sim = createSim;\n");
    expectError(messages, '@typescript-eslint/no-restricted-imports', 'UI code imports engine types only');
  });

  it('rejects a value import mixed into a type import', async () => {
    const messages = await lint('src/ui/x.tsx', "import { type TraceEvent, createSim } from '../engine/index.ts';\n\nexport const sim: TraceEvent = createSim;\n");
    expectError(messages, '@typescript-eslint/no-restricted-imports', 'UI code imports engine types only');
  });

  it('allows `import type` from the engine index', async () => {
    const messages = await lint('src/ui/x.tsx', "import type { TraceEvent } from '../engine/index.ts';\n\nexport type Row = TraceEvent;\n");
    expect(errors(messages)).toEqual([]);
  });

  it('rejects a type import that reaches inside the engine (engine/sim/scheduler.ts)', async () => {
    const messages = await lint('src/ui/x.tsx', "import type { Scheduler } from '../engine/sim/scheduler.ts';\n\nexport type S = Scheduler;\n");
    expectError(messages, 'no-restricted-imports', 'Import the engine only through src/engine/index.ts');
  });

  it('applies the same rules to src/embed', async () => {
    const messages = await lint('src/embed/x.ts', "import { createSim } from '../engine/index.ts';\n\nexport const sim = createSim;\n");
    expectError(messages, '@typescript-eslint/no-restricted-imports', 'UI code imports engine types only');
  });
});

describe('src/engine is pure: time and randomness are inputs', () => {
  const file = 'src/engine/sim/x.ts';

  it('rejects Math.random()', async () => {
    expectError(await lint(file, 'export const r = Math.random();\n'), 'no-restricted-properties', 'Use the seeded PRNG streams');
  });

  it('rejects Date.now()', async () => {
    expectError(await lint(file, 'export const t = Date.now();\n'), 'no-restricted-globals', "Unexpected use of 'Date'");
  });

  it('rejects setTimeout', async () => {
    expectError(await lint(file, 'setTimeout(() => undefined, 1);\n'), 'no-restricted-globals', "Unexpected use of 'setTimeout'");
  });

  it('rejects performance.now()', async () => {
    expectError(await lint(file, 'export const t = performance.now();\n'), 'no-restricted-globals', "Unexpected use of 'performance'");
  });

  it('allows plain engine code', async () => {
    const messages = await lint(file, 'export function later(nowNs: number, delayNs: number): number {\n  return nowNs + delayNs;\n}\n');
    expect(messages).toEqual([]);
  });
});

describe('src/engine uses no Node APIs and imports nothing above it', () => {
  it.each(['node:fs', 'fs', 'fs/promises', 'node:fs/promises', 'child_process', 'crypto', 'node:crypto'])('rejects %s', async (specifier) => {
    const messages = await lint('src/engine/x.ts', `import { thing } from '${specifier}';\n\nexport const t = thing;\n`);
    expectError(messages, 'no-restricted-imports', 'The engine does not use Node APIs');
  });

  it.each(['../ui/App.tsx', '../../worker/host.ts', '../../cli/main.ts', '../embed/widget.ts', 'react', 'react-dom/client'])(
    'rejects importing upward: %s',
    async (specifier) => {
      const messages = await lint('src/engine/stack/x.ts', `import { thing } from '${specifier}';\n\nexport const t = thing;\n`);
      expectError(messages, 'no-restricted-imports', 'Dependencies point downward');
    },
  );

  it.each(['../crypto/aes.ts', '../wire/result.ts', './path.ts', '../net/worker/pool.ts'])('allows the engine-internal import %s', async (specifier) => {
    const messages = await lint('src/engine/stack/x.ts', `import { thing } from '${specifier}';\n\nexport const t = thing;\n`);
    expect(messages).toEqual([]);
  });
});

describe('src/worker hosts the engine: values allowed, only through its index', () => {
  it('allows a value import from the engine index', async () => {
    const messages = await lint('src/worker/x.ts', "import { createSim } from '../engine/index.ts';\n\nexport const sim = createSim;\n");
    expect(messages).toEqual([]);
  });

  it('rejects a deep import into the engine', async () => {
    const messages = await lint('src/worker/x.ts', "import { createSim } from '../engine/sim/scheduler.ts';\n\nexport const sim = createSim;\n");
    expectError(messages, 'no-restricted-imports', 'Import the engine only through src/engine/index.ts');
  });
});
