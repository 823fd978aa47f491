/**
 * Every lesson in lessons/ runs headless, so lessons cannot rot: each is valid (what
 * `npm run lessons:check` checks), each step's reference solution passes its check, and each
 * check refuses a wrong attempt (no command at all, the state before the UI actions, every
 * listed wrong answer). The fixtures under test/lessons/fixtures/ exercise the runner and the
 * checker's messages (file, line, field) whatever lessons/ holds.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_VIEWS } from '../../src/ui/lab/store.ts';
import { LESSON_VIEWS, formatLessonError } from '../../src/lessons/index.ts';
import { lessonScenarioInput, loadLessons } from '../../src/cli/lessons/load.ts';
import { runLesson } from '../../src/cli/lessons/runner.ts';
import type { LoadedLessons } from '../../src/cli/lessons/load.ts';
import { main } from '../../src/cli/main.ts';

function runAll(set: LoadedLessons, title: string) {
  describe(title, () => {
    it('every lesson is valid', () => {
      expect(set.errors.map(formatLessonError)).toEqual([]);
    });
    for (const lesson of set.lessons) {
      it(`${lesson.meta.id}: every reference solution passes and every wrong attempt is refused`, () => {
        const report = runLesson(lesson, lessonScenarioInput(lesson, set.folders.get(lesson.meta.id)!));
        const problems: string[] = [];
        for (const s of report.steps) {
          const where = `${lesson.file}:${s.step.line}: step ${s.step.index + 1} "${s.step.title}" (${s.step.task.kind})`;
          if (!s.solution.ok) problems.push(`${where}: reference solution fails: ${s.solution.failures.join(' ')}${s.output !== undefined ? `\n--- output of ${s.did}:\n${s.output}` : ''}`);
          for (const w of s.wrong) if (!w.outcome.ok) problems.push(`${where}: ${w.label}: ${w.outcome.failures.join(' ')}`);
          expect(s.wrong.length, `${where}: a wrong attempt is tried`).toBeGreaterThan(0);
        }
        expect(problems).toEqual([]);
        expect(report.ok).toBe(true);
      });
    }
  });
}

const real = loadLessons('lessons');
const hasLessons = existsSync('lessons') && readdirSync('lessons', { withFileTypes: true }).some((e) => e.isDirectory());
if (hasLessons) runAll(real, 'lessons/');
runAll(loadLessons('test/lessons/fixtures/good'), 'fixture lessons');

describe('the fixture lessons cover every task kind', () => {
  it('command, ui, question and predict tasks all run', () => {
    const set = loadLessons('test/lessons/fixtures/good');
    const kinds = new Set(set.lessons.flatMap((l) => l.steps.map((s) => s.task.kind)));
    expect([...kinds].sort()).toEqual(['command', 'predict', 'question', 'ui']);
  });
});

describe('a deliberately broken lesson fails validation with file, line and field', () => {
  const broken = loadLessons('test/lessons/fixtures/broken');
  const messages = broken.errors.map(formatLessonError);
  const file = join('test', 'lessons', 'fixtures', 'broken', 'broken-lesson', 'lesson.md');
  const misnamed = join('test', 'lessons', 'fixtures', 'broken', 'misnamed', 'lesson.md');
  const badScenario = join('test', 'lessons', 'fixtures', 'broken', 'bad-scenario', 'lesson.md');

  it.each([
    `${file}:7: prerequisites[0]: no lesson "no-such-lesson"`,
    `${file}:20: task.check.output.matches: invalid regular expression /1 packets (transmitted/: Unterminated group`,
    `${file}:28: task.hints: missing`,
    `${file}:32: task.wrong: needs at least one wrong answer`,
    `${file}:45: task.colour: unknown field`,
    `${file}:53: task.host: no host "mars" in the scenario`,
    `${file}:55: task.check.trace.kind: unknown trace kind "icmp.teleport"`,
    `${file}:55: task.check.trace.node: no node "nowhere" in the scenario`,
    `${file}:66: task.solution: 1 is not the correct answer`,
    `${file}:67: task.wrong[0]: 0 is accepted as correct`,
    `${misnamed}:2: id: must equal the folder name "misnamed" (is "not-the-folder")`,
    `${misnamed}:5: level: expected one of beginner, intermediate, advanced (is "expert")`,
    `${misnamed}:6: views[1]: expected one of topology, ladder,`,
    `${badScenario}:9: scenario: ./scenario.json: links[0].bandwidth: expected a rate such as "100Mbit"`,
    `${misnamed}:10: steps: a lesson needs at least 3 steps`,
  ])('reports %s', (text) => {
    expect(messages.some((m) => m.startsWith(text)), `${text}\n in:\n${messages.join('\n')}`).toBe(true);
  });

  it('returns no lesson from a broken folder', () => {
    expect(broken.lessons).toEqual([]);
  });
});

describe('stackscope lessons', () => {
  async function cli(args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const wo = process.stdout.write.bind(process.stdout);
    const we = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((s: string) => (out.push(s), true)) as typeof process.stdout.write;
    process.stderr.write = ((s: string) => (err.push(s), true)) as typeof process.stderr.write;
    try {
      const status = await main(args);
      return { status, out: out.join(''), err: err.join('') };
    } finally {
      process.stdout.write = wo;
      process.stderr.write = we;
    }
  }

  it('check exits 1 with file:line: field: messages for a broken folder', async () => {
    const r = await cli(['lessons', 'check', 'test/lessons/fixtures/broken']);
    expect(r.status).toBe(1);
    expect(r.err).toContain('broken-lesson/lesson.md:20: task.check.output.matches: invalid regular expression');
    expect(r.err).toMatch(/\d+ problems in test\/lessons\/fixtures\/broken\//);
  });

  it('check exits 0 for valid lessons', async () => {
    const r = await cli(['lessons', 'check', 'test/lessons/fixtures/good']);
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
    expect(r.out).toContain('2 lessons OK');
  });

  it('run prints each step’s reference solution and result', async () => {
    const r = await cli(['lessons', 'run', 'fixture-ping', '--dir', 'test/lessons/fixtures/good']);
    expect(r.status).toBe(0);
    expect(r.out).toContain('$ ping -c 1 203.0.113.10');
    expect(r.out).toContain('1 packets transmitted, 1 received');
    expect(r.out).toContain('correct answer: 6');
    expect(r.out).toContain('✓ refused: wrong answer 64');
    expect(r.out).toMatch(/OK: 5 steps pass\n$/);
  });

  it('run names an unknown lesson', async () => {
    const r = await cli(['lessons', 'run', 'nope', '--dir', 'test/lessons/fixtures/good']);
    expect(r.status).toBe(1);
    expect(r.err).toContain('no lesson "nope"');
  });
});

describe('lesson views', () => {
  it('are the app’s views', () => {
    expect([...LESSON_VIEWS].sort()).toEqual([...ALL_VIEWS].sort());
  });
});
