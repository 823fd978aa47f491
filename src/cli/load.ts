/**
 * Loading a scenario by built-in name or from a JSON file, with one-line errors.
 */
import { readFileSync } from 'node:fs';
import { BUILTIN_SCENARIOS, builtinScenario } from '../engine/index.ts';

export class CliError extends Error {
  constructor(
    message: string,
    readonly status = 1,
  ) {
    super(message);
  }
}

export function loadScenarioInput(ref: string): unknown {
  const builtin = builtinScenario(ref);
  if (builtin) return builtin;
  if (!ref.endsWith('.json')) {
    throw new CliError(`unknown scenario "${ref}" (built-in: ${BUILTIN_SCENARIOS.map((s) => s.name).join(', ')}; or give a .json file)`, 2);
  }
  let text: string;
  try {
    text = readFileSync(ref, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read scenario file ${ref}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, 2);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(`scenario file ${ref} is not valid JSON: ${(e as Error).message}`, 2);
  }
}
