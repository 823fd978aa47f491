/**
 * Reading one `lesson.md` (lessons/README.md): YAML front matter, intro prose, then one step
 * per `## ` heading, each with exactly one ```task block. Every problem found is reported, each
 * with its file, line and field; a lesson with any problem is not returned.
 */
import { expectedAnswer, grade, needsRun } from './answers.ts';
import { markdownParser } from './markdown.ts';
import { FrontMatterSchema, TaskSchema } from './schema.ts';
import type { Answer, AnswerValue, FrontMatter, Task } from './schema.ts';
import { fieldName, readYaml, zodErrors } from './yaml.ts';
import type { FieldPath, LessonError } from './yaml.ts';

/** A lesson needs at least this many checked tasks (one per step). */
export const MIN_TASKS = 3;

export interface Step {
  readonly index: number;
  /** Stable key for saved progress: the title as a slug, unique within the lesson. */
  readonly key: string;
  readonly title: string;
  /** Line of the step's heading. */
  readonly line: number;
  /** Markdown before the task block. */
  readonly prose: string;
  /** Markdown after the task block, shown once the task is done. */
  readonly after: string;
  readonly task: Task;
  /** File line of a field of the task. */
  readonly taskLine: (path: FieldPath) => number;
}

export interface Lesson {
  /** Path of lesson.md as given (used in messages). */
  readonly file: string;
  readonly meta: FrontMatter;
  /** Markdown between the front matter and the first step. */
  readonly intro: string;
  readonly steps: readonly Step[];
  readonly frontLine: (path: FieldPath) => number;
}

export interface ParseResult {
  /** The lesson, when it has no problem at all. */
  readonly lesson: Lesson | null;
  /** With problems but a valid front matter: the lesson with the steps that did parse (for cross-checks). */
  readonly partial: Lesson | null;
  readonly errors: LessonError[];
}

function slugify(title: string): string {
  return (
    title
      .toLowerCase()
      .replace(/[`*_]/g, '')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'step'
  );
}

/** Static checks a schema cannot express. Paths are relative to the task. */
function taskProblems(task: Task): { path: FieldPath; message: string }[] {
  const out: { path: FieldPath; message: string }[] = [];
  const p = (path: FieldPath, message: string) => out.push({ path, message });
  if (task.kind === 'command' || task.kind === 'ui') {
    const c = task.check;
    if (task.kind === 'command') {
      if (!c.output && !c.trace) p(['check'], 'a command task checks output and/or trace');
      if (c.ui) p(['check', 'ui'], 'ui checks belong to ui tasks');
    } else {
      if (!c.ui) p(['check'], 'a ui task needs check.ui');
      if (c.output) p(['check', 'output'], 'a ui task runs no command: check ui only');
      if (c.trace) p(['check', 'trace'], 'a ui task runs no command: check ui only');
      if (c.ui && c.ui.paused === undefined && !c.ui.selectedPacket && !c.ui.link) p(['check', 'ui'], 'give paused, selectedPacket and/or link');
    }
    if (c.output && c.output.matches === undefined && c.output.notMatches === undefined) p(['check', 'output'], 'give matches and/or notMatches');
    const traces = c.trace === undefined ? [] : Array.isArray(c.trace) ? c.trace : [c.trace];
    traces.forEach((t, i) => {
      const base: FieldPath = Array.isArray(c.trace) ? ['check', 'trace', i] : ['check', 'trace'];
      const n = t.count;
      if (n && n.exactly !== undefined && (n.atLeast !== undefined || n.atMost !== undefined)) p([...base, 'count'], 'exactly cannot be combined with atLeast/atMost');
      if (n && n.atLeast !== undefined && n.atMost !== undefined && n.atLeast > n.atMost) p([...base, 'count'], 'atLeast is greater than atMost');
    });
    return out;
  }
  if (task.kind === 'question' && needsRun(task.answer)) {
    p(['answer'], 'fromOutput needs a run: use a predict task');
    return out;
  }
  if (needsRun(task.answer)) return out; // graded against the run's output by the headless runner
  gradeStatically(task.answer, task.solution, task.wrong, p);
  return out;
}

function gradeStatically(answer: Answer, solution: AnswerValue, wrong: readonly AnswerValue[], p: (path: FieldPath, message: string) => void): void {
  const e = expectedAnswer(answer);
  if (!e.ok) {
    p(['answer'], e.error);
    return;
  }
  const s = grade(e.expected, solution);
  if (s.unreadable) p(['solution'], `cannot be read as an answer (${s.unreadable})`);
  else if (!s.correct) p(['solution'], `${JSON.stringify(solution)} is not the correct answer`);
  wrong.forEach((w, i) => {
    const g = grade(e.expected, w);
    if (g.unreadable) p(['wrong', i], `cannot be read as an answer (${g.unreadable}): test a plausible mistake`);
    else if (g.correct) p(['wrong', i], `${JSON.stringify(w)} is accepted as correct`);
  });
}

/** Parses `text` (the content of `file`); `folder` is the lesson's folder name when known. */
export function parseLesson(file: string, text: string, folder?: string): ParseResult {
  const errors: LessonError[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines[0]?.trim() !== '---') {
    return { lesson: null, partial: null, errors: [{ file, line: 1, field: '', message: 'lesson.md must start with YAML front matter between --- lines' }] };
  }
  const end = lines.findIndex((l, i) => i > 0 && (l.trim() === '---' || l.trim() === '...'));
  if (end < 0) return { lesson: null, partial: null, errors: [{ file, line: 1, field: '', message: 'the front matter has no closing --- line' }] };

  const front = readYaml(lines.slice(1, end).join('\n'), file, 2, '');
  errors.push(...front.errors);
  let meta: FrontMatter | null = null;
  if (!front.errors.length) {
    const r = FrontMatterSchema.safeParse(front.value ?? {});
    if (r.success) meta = r.data;
    else errors.push(...zodErrors(r.error, front, file, ''));
  }
  const rawId = (front.value as { id?: unknown } | null | undefined)?.id;
  if (folder !== undefined && typeof rawId === 'string' && rawId !== folder) errors.push({ file, line: front.lineOf(['id']), field: 'id', message: `must equal the folder name "${folder}" (is "${rawId}")` });

  // Body: line b of `body` is file line bodyFirst + b.
  const bodyFirst = end + 2;
  const body = lines.slice(end + 1);
  const tokens = markdownParser().parse(body.join('\n'), {});
  const slice = (from: number, to: number) => body.slice(from, to).join('\n').trim();
  interface RawStep {
    title: string;
    start: number;
    headingEnd: number;
    tasks: { start: number; end: number; content: string }[];
  }
  const raw: RawStep[] = [];
  let introEnd = body.length;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.level !== 0 || !t.map) continue;
    if (t.type === 'heading_open' && t.tag === 'h2') {
      if (raw.length === 0) introEnd = t.map[0];
      raw.push({ title: tokens[i + 1]?.content.trim() ?? '', start: t.map[0], headingEnd: t.map[1], tasks: [] });
    } else if (t.type === 'fence' && t.info.trim().split(/\s+/)[0] === 'task') {
      const step = raw[raw.length - 1];
      if (!step) errors.push({ file, line: bodyFirst + t.map[0], field: 'task', message: 'a task block before the first "## " step heading' });
      else step.tasks.push({ start: t.map[0], end: t.map[1], content: t.content });
    }
  }

  const steps: Step[] = [];
  const keys = new Set<string>();
  raw.forEach((r, index) => {
    const headingLine = bodyFirst + r.start;
    if (!r.title) errors.push({ file, line: headingLine, field: `steps[${index}]`, message: 'the step heading has no title' });
    if (r.tasks.length === 0) {
      errors.push({ file, line: headingLine, field: `steps[${index}]`, message: `step "${r.title}" has no \`\`\`task block (every step has exactly one)` });
      return;
    }
    for (const extra of r.tasks.slice(1)) errors.push({ file, line: bodyFirst + extra.start, field: `steps[${index}]`, message: `step "${r.title}" has more than one task block (start a new step with "## ")` });
    const tb = r.tasks[0]!;
    const block = readYaml(tb.content, file, bodyFirst + tb.start + 1, 'task');
    if (block.errors.length) {
      errors.push(...block.errors);
      return;
    }
    const parsed = TaskSchema.safeParse(block.value ?? {});
    if (!parsed.success) {
      errors.push(...zodErrors(parsed.error, block, file, 'task'));
      return;
    }
    for (const prob of taskProblems(parsed.data)) errors.push({ file, line: block.lineOf(prob.path), field: fieldName('task', prob.path), message: prob.message });
    let key = slugify(r.title);
    for (let n = 2; keys.has(key); n++) key = `${slugify(r.title)}-${n}`;
    keys.add(key);
    const next = raw[index + 1]?.start ?? body.length;
    steps.push({ index, key, title: r.title, line: headingLine, prose: slice(r.headingEnd, tb.start), after: slice(tb.end, next), task: parsed.data, taskLine: block.lineOf });
  });
  if (raw.length < MIN_TASKS) {
    errors.push({ file, line: Math.max(bodyFirst, 1), field: 'steps', message: `a lesson needs at least ${MIN_TASKS} steps, each with a checked task (found ${raw.length})` });
  }
  const lesson: Lesson | null = meta && { file, meta, intro: slice(0, introEnd), steps, frontLine: front.lineOf };
  return errors.length ? { lesson: null, partial: lesson, errors } : { lesson, partial: null, errors };
}
