/**
 * `stackscope lessons check [dir]` validates every lesson (file:line: field: message, exit 1 on
 * any problem); `stackscope lessons run <id> [--dir D]` runs one lesson headless and prints what
 * each step's reference solution did and whether its check passed (for lesson authors).
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { formatLessonError } from '../../lessons/index.ts';
import { parseCli } from '../args.ts';
import { CliError } from '../load.ts';
import { lessonScenarioInput, loadLessons } from './load.ts';
import { runLesson } from './runner.ts';
import type { StepReport } from './runner.ts';

type Out = (line: string) => void;

const USAGE = 'stackscope lessons check [dir] | stackscope lessons run <id|folder> [--dir lessons]';

function check(args: string[], out: Out, err: Out): number {
  const p = parseCli(args, [], [], USAGE);
  const dir = p.positional[0] ?? 'lessons';
  const r = loadLessons(dir);
  for (const e of r.errors) err(formatLessonError(e));
  const n = r.lessons.length;
  if (r.errors.length) {
    err(`${r.errors.length} problem${r.errors.length === 1 ? '' : 's'} in ${dir}/ (${n} lesson${n === 1 ? '' : 's'} read cleanly)`);
    return 1;
  }
  out(`${n} lesson${n === 1 ? '' : 's'} OK in ${dir}/: ${r.lessons.map((l) => l.meta.id).join(', ')}`);
  return 0;
}

function indent(text: string, prefix = '     '): string {
  return text
    .split('\n')
    .map((l) => prefix + l)
    .join('\n');
}

function printStep(r: StepReport, out: Out): void {
  const s = r.step;
  out(`${s.index + 1}. ${s.title}  [${s.task.kind}${r.host ? ` on ${r.host}` : ''}]`);
  out(`   ${r.did}`);
  if (r.output !== undefined) out(indent(r.output === '' ? '(no output)' : r.output));
  if (r.status !== undefined && r.status !== 0) out(`   exit status ${r.status}`);
  if (r.expected !== undefined) out(`   correct answer: ${r.expected}`);
  out(`   ${r.solution.ok ? '✓ check passes' : '✗ CHECK FAILS'}${r.solution.failures.length ? `: ${r.solution.failures.join(' ')}` : ''}`);
  for (const w of r.wrong) out(`   ${w.outcome.ok ? '✓ refused' : '✗ NOT REFUSED'}: ${w.label}${w.outcome.failures.length ? ` (${w.outcome.failures.join(' ')})` : ''}`);
}

function run(args: string[], out: Out, err: Out): number {
  const p = parseCli(args, ['dir'], [], USAGE);
  const ref = p.positional[0];
  if (!ref || p.positional.length > 1) throw new CliError(`usage: ${USAGE}`, 2);
  const dirOpt = p.options.get('dir');
  // `lessons run lessons/ping` or `lessons run ping`.
  const asFolder = existsSync(join(ref, 'lesson.md'));
  const dir = typeof dirOpt === 'string' ? dirOpt : asFolder ? dirname(ref) : 'lessons';
  const id = asFolder ? basename(ref) : ref;
  const r = loadLessons(dir);
  const lesson = r.lessons.find((l) => l.meta.id === id);
  const mine = r.errors.filter((e) => `/${e.file}/`.includes(`/${id}/`));
  for (const e of mine) err(formatLessonError(e));
  if (!lesson) {
    if (!mine.length) err(`no lesson "${id}" in ${dir}/ (lessons: ${r.lessons.map((l) => l.meta.id).join(', ') || 'none'})`);
    return 1;
  }
  out(`${lesson.meta.id} — ${lesson.meta.title} (scenario ${lesson.meta.scenario}, seed ${lesson.meta.seed})`);
  const report = runLesson(lesson, lessonScenarioInput(lesson, r.folders.get(id)!), (s) => printStep(s, out));
  out(report.ok && !mine.length ? `OK: ${report.steps.length} steps pass` : 'FAILED');
  return report.ok && !mine.length ? 0 : 1;
}

export function lessonsCommand(args: string[], out: Out, err: Out): number {
  const [sub, ...rest] = args;
  if (sub === 'check') return check(rest, out, err);
  if (sub === 'run') return run(rest, out, err);
  throw new CliError(`usage: ${USAGE}`, 2);
}
