/** Small helpers for engine behaviour tests: build a scenario session, run a command, read the trace. */
import type { ScenarioInput, TraceEvent, TraceKind } from '../../src/engine/index.ts';
import { Session, builtinScenario } from '../../src/engine/index.ts';

export function session(name: string, overrides: Partial<ScenarioInput> = {}, seed?: number): Session {
  const base = builtinScenario(name);
  if (!base) throw new Error(`no scenario ${name}`);
  return new Session({ ...base, ...overrides }, { skipActions: true, ...(seed !== undefined ? { seed } : {}) });
}

export function run(s: Session, host: string, line: string, at = 2e9): { lines: string[]; status: number } {
  if (s.world.now < at) s.runUntil(at);
  const lines: string[] = [];
  const status = s.exec(host, line, (l) => lines.push(l));
  return { lines, status };
}

export function events(s: Session, kind: TraceKind): TraceEvent[] {
  const out: TraceEvent[] = [];
  const ev = s.world.trace.events;
  for (let i = 0; i < ev.length; i++) if (ev.get(i).kind === kind) out.push(ev.get(i));
  return out;
}
