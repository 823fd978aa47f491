/**
 * Checks across lessons and against the engine: prerequisites exist (and form no cycle), ids
 * are unique, the scenario exists and is valid, hosts and trace node names exist in it, trace
 * kinds are real. What the engine knows comes in through `LessonContext`, so this file stays
 * free of engine values (the Node checker fills the context from the engine).
 */
import type { Lesson } from './parse.ts';
import type { LessonError } from './yaml.ts';
import { fieldName } from './yaml.ts';
import type { FieldPath } from './yaml.ts';

export interface ScenarioFacts {
  /** Nodes a terminal command can run on (hosts and routers). */
  readonly hosts: readonly string[];
  /** Every node name (switches too). */
  readonly nodes: readonly string[];
  readonly defaultHost?: string | undefined;
}

export interface LessonContext {
  /** Known trace kind names. */
  readonly traceKinds?: readonly string[];
  /** The lesson's scenario, or why it cannot be loaded (one line). */
  scenario?(lesson: Lesson): ScenarioFacts | { readonly error: string };
}

/** The host a step's commands run on: the task's, else the lesson's, else the scenario's default. */
export function stepHost(lesson: Lesson, taskHost: string | undefined, facts?: ScenarioFacts): string | undefined {
  return taskHost ?? lesson.meta.host ?? facts?.defaultHost ?? facts?.hosts[0];
}

export function validateLessons(lessons: readonly Lesson[], ctx: LessonContext = {}): LessonError[] {
  const errors: LessonError[] = [];
  const byId = new Map<string, Lesson>();
  for (const l of lessons) {
    const other = byId.get(l.meta.id);
    if (other) errors.push({ file: l.file, line: l.frontLine(['id']), field: 'id', message: `"${l.meta.id}" is also the id of ${other.file}` });
    else byId.set(l.meta.id, l);
  }
  for (const l of lessons) {
    const front = (path: FieldPath, message: string) => errors.push({ file: l.file, line: l.frontLine(path), field: fieldName('', path), message });
    l.meta.prerequisites.forEach((p, i) => {
      if (p === l.meta.id) front(['prerequisites', i], 'a lesson cannot be its own prerequisite');
      else if (!byId.has(p)) front(['prerequisites', i], `no lesson "${p}" (lessons: ${[...byId.keys()].sort().join(', ')})`);
    });
    const facts = ctx.scenario?.(l);
    if (facts && 'error' in facts) {
      front(['scenario'], facts.error);
      continue;
    }
    const kinds = ctx.traceKinds ? new Set(ctx.traceKinds) : null;
    if (facts && l.meta.host !== undefined && !facts.hosts.includes(l.meta.host)) front(['host'], `no host "${l.meta.host}" in the scenario (hosts: ${facts.hosts.join(', ')})`);
    for (const s of l.steps) {
      const task = (path: FieldPath, message: string) => errors.push({ file: l.file, line: s.taskLine(path), field: fieldName('task', path), message });
      const t = s.task;
      if (facts && (t.kind === 'command' || t.kind === 'predict') && t.host !== undefined && !facts.hosts.includes(t.host)) task(['host'], `no host "${t.host}" in the scenario (hosts: ${facts.hosts.join(', ')})`);
      if (t.kind !== 'command') continue;
      const traces = t.check.trace === undefined ? [] : Array.isArray(t.check.trace) ? t.check.trace : [t.check.trace];
      traces.forEach((tc, i) => {
        const base: FieldPath = Array.isArray(t.check.trace) ? ['check', 'trace', i] : ['check', 'trace'];
        if (kinds && !kinds.has(tc.kind)) task([...base, 'kind'], `unknown trace kind "${tc.kind}"`);
        if (facts && tc.node !== undefined && !facts.nodes.includes(tc.node)) task([...base, 'node'], `no node "${tc.node}" in the scenario (nodes: ${facts.nodes.join(', ')})`);
      });
    }
  }
  // Prerequisite cycles.
  const state = new Map<string, 1 | 2>();
  const visit = (id: string, chain: string[]): void => {
    const st = state.get(id);
    if (st === 2) return;
    const l = byId.get(id);
    if (!l) return;
    if (st === 1) {
      errors.push({ file: l.file, line: l.frontLine(['prerequisites']), field: 'prerequisites', message: `prerequisites form a cycle: ${[...chain.slice(chain.indexOf(id)), id].join(' → ')}` });
      return;
    }
    state.set(id, 1);
    for (const p of l.meta.prerequisites) visit(p, [...chain, id]);
    state.set(id, 2);
  };
  for (const id of byId.keys()) visit(id, []);
  return errors;
}

/** Lessons in a sensible order: prerequisites first, then by level, then by title. */
export function orderLessons<T extends { readonly meta: Lesson['meta'] }>(lessons: readonly T[]): T[] {
  const rank = { beginner: 0, intermediate: 1, advanced: 2 } as const;
  const sorted = [...lessons].sort((a, b) => rank[a.meta.level] - rank[b.meta.level] || a.meta.title.localeCompare(b.meta.title));
  const byId = new Map(sorted.map((l) => [l.meta.id, l]));
  const out: T[] = [];
  const seen = new Set<string>();
  const add = (l: T, depth: number) => {
    if (seen.has(l.meta.id) || depth > 64) return;
    seen.add(l.meta.id);
    for (const p of l.meta.prerequisites) {
      const pl = byId.get(p);
      if (pl) add(pl, depth + 1);
    }
    out.push(l);
  };
  for (const l of sorted) add(l, 0);
  return out;
}
