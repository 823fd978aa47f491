/**
 * src/lessons is shared by Node (checker, headless runner) and the browser (player): ESLint keeps
 * it free of Node and DOM APIs, of the layers above it, and of engine values.
 */
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: process.cwd() });
});

async function errors(code: string, filePath = 'src/lessons/x.ts'): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath });
  expect(r!.messages.filter((m) => m.fatal || m.ruleId === null)).toEqual([]);
  return r!.messages.filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('src/lessons boundaries', () => {
  it('rejects Node built-ins', async () => {
    expect(await errors("import { readFileSync } from 'node:fs';\n\nexport const r = readFileSync;\n")).toContainEqual(expect.stringMatching(/no-restricted-imports: .*no Node APIs/));
  });

  it('rejects DOM and Node globals', async () => {
    expect(await errors('export const x = localStorage.getItem("a");\n')).toContainEqual(expect.stringMatching(/no-restricted-globals: .*no Node or DOM APIs/));
    expect(await errors('export const x = process.cwd();\n')).toContainEqual(expect.stringMatching(/no-restricted-globals/));
  });

  it('rejects engine values but allows engine types', async () => {
    expect(await errors("import { Session } from '../engine/index.ts';\n\nexport const s = Session;\n")).toContainEqual(expect.stringMatching(/engine types only/));
    expect(await errors("import type { TraceKind } from '../engine/index.ts';\n\nexport type K = TraceKind;\n")).toEqual([]);
  });

  it('rejects imports from the UI or the CLI', async () => {
    expect(await errors("import { LabController } from '../ui/lab/controller.ts';\n\nexport const c = LabController;\n")).toContainEqual(expect.stringMatching(/sits below the UI/));
  });

  it('the lessons code itself is clean', async () => {
    const results = await eslint.lintFiles(['src/lessons/**/*.ts', 'src/cli/lessons/**/*.ts']);
    expect(results.flatMap((r) => r.messages.map((m) => `${r.filePath}:${m.line}: ${m.ruleId}: ${m.message}`))).toEqual([]);
  });
});
