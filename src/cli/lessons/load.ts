/**
 * Reading the lessons/ folder in Node and validating every lesson against the engine: the
 * scenario exists (a built-in name, or ./scenario.json passing the scenario schema and
 * building), hosts and node names exist in it, trace kinds are real.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BUILTIN_SCENARIOS, ScenarioError, Session, TRACE_KINDS, builtinScenario } from '../../engine/index.ts';
import { parseLesson, validateLessons } from '../../lessons/index.ts';
import type { Lesson, LessonContext, LessonError, ScenarioFacts } from '../../lessons/index.ts';

export interface LoadedLessons {
  readonly dir: string;
  readonly lessons: Lesson[];
  readonly errors: LessonError[];
  /** Folder of each lesson (by id). */
  readonly folders: ReadonlyMap<string, string>;
}

function display(path: string): string {
  const r = relative(process.cwd(), path);
  return r && !r.startsWith('..') ? r : path;
}

/** The scenario a lesson runs: a built-in scenario, or its folder's scenario.json (parsed JSON). */
export function lessonScenarioInput(lesson: Lesson, folder: string): unknown {
  const ref = lesson.meta.scenario;
  if (ref !== './scenario.json') {
    const b = builtinScenario(ref);
    if (!b) throw new Error(`unknown scenario "${ref}" (built-in: ${BUILTIN_SCENARIOS.map((s) => s.name).join(', ')})`);
    return b;
  }
  const file = join(folder, 'scenario.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`./scenario.json: no such file (${display(file)})`, { cause: e });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`./scenario.json is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
}

/** Builds the scenario once to learn its hosts and nodes (and to prove it loads). */
export function scenarioFacts(input: unknown): ScenarioFacts {
  const s = new Session(input, { skipActions: true });
  const nodes = s.world.nodes;
  return { hosts: nodes.filter((n) => n.kind !== 'switch').map((n) => n.name), nodes: nodes.map((n) => n.name), defaultHost: s.scenario.defaultHost ?? nodes.find((n) => n.kind === 'host')?.name };
}

export function engineContext(folders: ReadonlyMap<string, string>): LessonContext {
  return {
    traceKinds: TRACE_KINDS.map((k) => k.name),
    scenario(lesson) {
      try {
        return scenarioFacts(lessonScenarioInput(lesson, folders.get(lesson.meta.id) ?? '.'));
      } catch (e) {
        const msg = e instanceof ScenarioError ? `${lesson.meta.scenario}: ${e.message}` : (e as Error).message;
        return { error: msg };
      }
    },
  };
}

/** Reads and validates every `<dir>/<id>/lesson.md`. */
export function loadLessons(dir = 'lessons'): LoadedLessons {
  const lessons: Lesson[] = [];
  const errors: LessonError[] = [];
  const folders = new Map<string, string>();
  const partial: Lesson[] = [];
  if (!existsSync(dir)) return { dir, lessons, errors: [{ file: display(dir), line: 1, field: '', message: 'no such folder' }], folders };
  const entries = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
  for (const name of entries) {
    const folder = join(dir, name);
    const file = join(folder, 'lesson.md');
    if (!existsSync(file)) {
      errors.push({ file: display(folder), line: 1, field: '', message: 'a lesson folder needs a lesson.md' });
      continue;
    }
    const r = parseLesson(display(file), readFileSync(file, 'utf8'), name);
    errors.push(...r.errors);
    if (r.lesson) {
      lessons.push(r.lesson);
      folders.set(r.lesson.meta.id, folder);
    } else if (r.partial) {
      partial.push(r.partial);
      folders.set(r.partial.meta.id, folder);
    }
  }
  // Lessons with problems are cross-checked too (prerequisites, scenario, hosts), so one run
  // reports everything; only clean lessons are returned.
  errors.push(...validateLessons([...lessons, ...partial], engineContext(folders)));
  errors.sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));
  const bad = new Set(errors.map((e) => e.file));
  return { dir, lessons: lessons.filter((l) => !bad.has(l.file)), errors, folders };
}
