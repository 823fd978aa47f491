import { describe, expect, it } from 'vitest';
import { parseLesson } from './parse.ts';
import { formatLessonError } from './yaml.ts';

const FRONT = '---\nid: demo\ntitle: Demo\nsummary: A demo.\nlevel: beginner\nminutes: 3\nscenario: lan\n---\n';
const q = (extra = '') => `\`\`\`task\nkind: question\nprompt: Two?\nanswer: { number: 2 }\nsolution: 2\nwrong: [3]\nhints: [count]\n${extra}\`\`\`\n`;

function errs(text: string): string[] {
  return parseLesson('lessons/demo/lesson.md', text, 'demo').errors.map(formatLessonError);
}

describe('parseLesson', () => {
  it('splits intro, steps, prose before and after each task; code fences in prose stay prose', () => {
    const text = `${FRONT}\nIntro text.\n\n## First\n\nBefore.\n\n\`\`\`sh\nping -c 1 x\n\`\`\`\n\n${q()}\nAfter.\n\n## Second\n\n${q()}\n## Third\n\n### A sub-heading\n\n${q()}`;
    const { lesson, errors } = parseLesson('lessons/demo/lesson.md', text, 'demo');
    expect(errors).toEqual([]);
    expect(lesson!.intro).toBe('Intro text.');
    expect(lesson!.steps.map((s) => s.title)).toEqual(['First', 'Second', 'Third']);
    expect(lesson!.steps[0]!.prose).toBe('Before.\n\n```sh\nping -c 1 x\n```');
    expect(lesson!.steps[0]!.after).toBe('After.');
    expect(lesson!.steps[2]!.prose).toBe('### A sub-heading');
    expect(lesson!.steps[0]!.line).toBe(12);
    expect(lesson!.meta).toMatchObject({ seed: 1, prerequisites: [], topics: [] });
    expect(lesson!.steps.map((s) => s.key)).toEqual(['first', 'second', 'third']);
  });

  it('points at the line and field of each problem', () => {
    const text = `${FRONT}\n## One\n\n${q('colour: red\n')}\n## Two\n\n\`\`\`task\nkind: question\nprompt: [unclosed\n\`\`\`\n\n## Three\n\n${q()}${q()}`;
    expect(errs(text)).toEqual([
      'lessons/demo/lesson.md:19: task.colour: unknown field',
      expect.stringMatching(/^lessons\/demo\/lesson.md:26: task: invalid YAML: /),
      'lessons/demo/lesson.md:39: steps[2]: step "Three" has more than one task block (start a new step with "## ")',
    ]);
  });

  it('refuses a task outside a step, a step without a task, and missing front matter', () => {
    expect(errs(`${FRONT}\n${q()}\n## A\n\n${q()}## B\n\n${q()}## C\n\nNo task.\n`)).toEqual([
      'lessons/demo/lesson.md:10: task: a task block before the first "## " step heading',
      'lessons/demo/lesson.md:39: steps[2]: step "C" has no ```task block (every step has exactly one)',
    ]);
    expect(errs('# Just markdown\n')).toEqual(['lessons/demo/lesson.md:1: lesson.md must start with YAML front matter between --- lines']);
  });

  it('checks kind-specific rules', () => {
    const cmd = '```task\nkind: command\nprompt: Run.\nhints: [h]\nsolution: "true"\ncheck: { ui: { paused: true } }\n```\n';
    const pred = '```task\nkind: question\nprompt: TTL?\nanswer: { number: { fromOutput: "ttl=(\\\\d+)" } }\nsolution: 59\nwrong: [1]\nhints: [h]\n```\n';
    const text = `${FRONT}\n## A\n\n${cmd}\n## B\n\n${pred}\n## C\n\n${q()}`;
    expect(errs(text)).toEqual([
      'lessons/demo/lesson.md:17: task.check: a command task checks output and/or trace',
      'lessons/demo/lesson.md:17: task.check.ui: ui checks belong to ui tasks',
      'lessons/demo/lesson.md:25: task.answer: fromOutput needs a run: use a predict task',
    ]);
  });
});
