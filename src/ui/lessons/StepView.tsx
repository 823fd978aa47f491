/**
 * One step of a lesson: its prose, its task and the feedback. Command tasks are checked when a
 * command the learner ran in the terminal finishes; UI tasks when the app's state changes (after
 * it first did not satisfy the check, so a step is never done by arriving at it) or on Check;
 * questions on Check; predictions are locked in, then graded when the learner runs the command.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { describeMatch, evaluateCheck, expectedAnswer, formatExpected, grade, renderInline, renderMarkdown } from '../../lessons/index.ts';
import type { Lesson, Step, Task, UiAction } from '../../lessons/index.ts';
import type { LessonLab, FinishedCommand } from './lesson-lab.ts';
import type { StepProgress } from './progress.ts';

export function Markdown({ source, className }: { source: string; className?: string }) {
  const html = useMemo(() => renderMarkdown(source), [source]);
  if (!source) return null;
  // Sanitized: raw HTML off, links restricted, no images (src/lessons/markdown.ts).
  return <div className={className ?? 'ss-prose'} dangerouslySetInnerHTML={{ __html: html }} />;
}

function Inline({ source }: { source: string }) {
  const html = useMemo(() => renderInline(source), [source]);
  return <span dangerouslySetInnerHTML={{ __html: html }} />;
}

type Tone = 'ok' | 'no' | 'info';

export interface StepViewProps {
  readonly lesson: Lesson;
  readonly step: Step;
  readonly lab: LessonLab;
  readonly progress: StepProgress;
  readonly update: (patch: StepProgress | null) => void;
  readonly announce: (text: string) => void;
  readonly onNext: (() => void) | null;
  /** Move focus to the step heading when shown (navigation from the panel). */
  readonly focusHeading: boolean;
}

function taskHost(lesson: Lesson, task: Task): string | undefined {
  return task.kind === 'command' || task.kind === 'predict' ? (task.host ?? lesson.meta.host) : undefined;
}

function describeAction(a: UiAction): string {
  if ('pause' in a) return 'Pause the run (the Pause button, or Space).';
  if ('select' in a) return `Select ${describeMatch(a.select.packet)}: click it in the ladder diagram or the events list.`;
  if ('seek' in a) return `Move the time cursor to ${a.seek}.`;
  return `In the scenario editor, set link ${a.setLink.link}'s ${a.setLink.field} to ${String(a.setLink.value)}.`;
}

const squash = (s: string) => s.trim().replace(/\s+/g, ' ');

export function StepView({ lesson, step, lab, progress, update, announce, onNext, focusHeading }: StepViewProps) {
  const task = step.task;
  const done = progress.done === true;
  const [feedback, setFeedback] = useState<{ tone: Tone; text: string } | null>(null);
  const [draft, setDraft] = useState<string>(progress.answer !== undefined ? String(progress.answer) : '');
  const heading = useRef<HTMLHeadingElement>(null);
  const next = useRef<HTMLButtonElement>(null);
  const focusNext = useRef(false);
  const lastRun = useRef<FinishedCommand | null>(null);
  const host = taskHost(lesson, task);
  const hints = progress.hints ?? 0;

  const say = (tone: Tone, text: string) => {
    setFeedback({ tone, text });
    announce(text);
  };
  const complete = (patch: StepProgress, text: string, fromPanel: boolean, tone: Tone = 'ok') => {
    focusNext.current = fromPanel;
    update({ ...progress, ...patch, done: true });
    say(tone, text);
  };
  // Latest values for the listeners below (they subscribe once per step).
  const live = useRef({ progress, complete, say });
  live.current = { progress, complete, say };

  useEffect(() => {
    if (focusHeading) heading.current?.focus();
  }, [focusHeading]);

  useEffect(() => {
    if (done && focusNext.current) next.current?.focus();
    focusNext.current = false;
  }, [done]);

  // Open the views this step needs, and put the terminal on its host.
  useEffect(() => {
    const s = lab.store.getState();
    const want = [...(task.views ?? []), ...(task.kind === 'command' || task.kind === 'predict' ? (['terminal'] as const) : [])];
    const views = [...s.views, ...want.filter((v) => !s.views.includes(v))];
    s.set({ views, ...(host ? { terminalHost: host } : {}) });
  }, [lab, task, host]);

  // Commands the learner runs in the terminal.
  useEffect(() => {
    if (task.kind !== 'command' && task.kind !== 'predict') return undefined;
    return lab.onCommandFinished((c) => {
      const { progress: p, complete: finish, say: tell } = live.current;
      if (p.done) return;
      if (host && c.host !== host) {
        tell('info', `That ran on ${c.host}; this step wants the terminal on ${host} (choose it above the terminal).`);
        return;
      }
      if (task.kind === 'command') {
        lastRun.current = c;
        const r = evaluateCheck(task.check, { output: c.output, events: c.events });
        if (r.ok) finish({}, 'Done: that command did it.', false);
        else tell('no', `Not yet. ${r.failures[0] ?? ''} Try again, or take a hint.`);
        return;
      }
      const sameProgram = c.line.trim().split(/\s+/)[0] === task.run.trim().split(/\s+/)[0];
      if (!sameProgram) return;
      if (p.answer === undefined) {
        tell('info', 'Make your prediction first, then run the command to see.');
        return;
      }
      const e = expectedAnswer(task.answer, c.output);
      if (!e.ok) {
        if (squash(c.line) === squash(task.run)) tell('no', `This run did not show the answer (${e.error}).`);
        else tell('info', `Run exactly: ${task.run}`);
        return;
      }
      const g = grade(e.expected, p.answer);
      const expected = formatExpected(e.expected);
      if (g.correct) finish({ correct: true, expected }, `Your prediction was right: ${expected}.`, false);
      else finish({ correct: false, expected }, `The run says ${expected}; you predicted ${String(p.answer)}.`, false, 'info');
    });
  }, [lab, task, host]);

  // UI tasks: checked on every change of what the check reads.
  useEffect(() => {
    if (task.kind !== 'ui') return undefined;
    let armed = false;
    let seq = 0;
    let stopped = false;
    const evaluate = async () => {
      const mine = ++seq;
      const ui = await lab.uiSnapshot();
      if (stopped || mine !== seq || live.current.progress.done) return;
      const r = evaluateCheck(task.check, { ui });
      if (!r.ok) armed = true;
      else if (armed) live.current.complete({}, 'Done.', false);
    };
    void evaluate();
    const unsub = lab.store.subscribe((s, prev) => {
      if (s.playing !== prev.playing || s.selection.packet !== prev.selection.packet || s.run !== prev.run) void evaluate();
    });
    return () => {
      stopped = true;
      unsub();
    };
  }, [lab, task]);

  async function check(e?: FormEvent) {
    e?.preventDefault();
    if (done) return;
    if (task.kind === 'command') {
      const c = lastRun.current;
      if (!c) return say('info', 'Run the command in the terminal: it is checked as soon as it finishes.');
      const r = evaluateCheck(task.check, { output: c.output, events: c.events });
      return r.ok ? complete({}, 'Done.', true) : say('no', `Not yet. ${r.failures[0] ?? ''}`);
    }
    if (task.kind === 'ui') {
      const r = evaluateCheck(task.check, { ui: await lab.uiSnapshot() });
      return r.ok ? complete({}, 'Done.', true) : say('no', `Not yet. ${r.failures[0] ?? ''}`);
    }
    const given = task.answer && 'choice' in task.answer ? Number(draft) : draft;
    if (draft.trim() === '') return say('info', 'choice' in task.answer ? 'Choose one of the options.' : 'Type your answer first.');
    if (task.kind === 'predict') {
      // Locked in without grading: the run decides (its output may hold the answer).
      update({ ...progress, answer: given });
      return say('info', `Prediction saved. Now run ${task.run} in the terminal to see.`);
    }
    const ex = expectedAnswer(task.answer);
    if (!ex.ok) return say('no', ex.error);
    const g = grade(ex.expected, given);
    if (g.unreadable) return say('info', g.unreadable);
    if (g.correct) return complete({ answer: given, correct: true }, 'Correct.', true);
    update({ ...progress, answer: given, correct: false });
    return say('no', 'Not quite. Try again, or take a hint.');
  }

  const predictLocked = task.kind === 'predict' && progress.answer !== undefined && !done;
  const choice = (task.kind === 'question' || task.kind === 'predict') && 'choice' in task.answer ? task.answer.choice : null;
  const answerId = `ss-answer-${step.key}`;

  return (
    <article className="ss-step" aria-labelledby={`ss-step-title-${step.key}`}>
      <p className="ss-step-count">
        Step {step.index + 1} of {lesson.steps.length}
      </p>
      <h2 id={`ss-step-title-${step.key}`} ref={heading} tabIndex={-1}>
        {step.title}
      </h2>
      <Markdown source={step.prose} />
      <section className={`ss-task${done ? ' ss-task-done' : ''}`} aria-label="Task">
        <p className="ss-task-prompt">
          <span className="ss-task-kind">{task.kind === 'command' ? 'Run' : task.kind === 'ui' ? 'Do' : task.kind === 'predict' ? 'Predict' : 'Answer'}</span> <Inline source={task.prompt} />
        </p>
        {task.kind === 'command' && !done && (
          <p className="ss-muted">
            Type it in the terminal{host ? ` on ${host}` : ''}: it is checked when the command finishes.
          </p>
        )}
        {(task.kind === 'question' || task.kind === 'predict') && !done && (
          <form className="ss-answer" onSubmit={(e) => void check(e)}>
            {choice ? (
              <fieldset disabled={predictLocked}>
                <legend className="visually-hidden">{task.prompt}</legend>
                {choice.map((opt, i) => (
                  <label key={i} className="ss-choice">
                    <input type="radio" name={answerId} value={i} checked={draft === String(i)} onChange={() => setDraft(String(i))} /> <Inline source={opt} />
                  </label>
                ))}
              </fieldset>
            ) : (
              <label className="ss-answer-field">
                <span className="visually-hidden">Your answer</span>
                <input
                  id={answerId}
                  type="text"
                  inputMode={'number' in task.answer ? 'decimal' : 'text'}
                  autoComplete="off"
                  spellCheck={false}
                  value={draft}
                  readOnly={predictLocked}
                  onChange={(e) => setDraft(e.target.value)}
                  placeholder={'number' in task.answer ? 'a number' : 'address' in task.answer ? 'an address' : 'your answer'}
                />
              </label>
            )}
            {predictLocked ? (
              <button type="button" onClick={() => update({ ...progress, answer: undefined })}>
                Change prediction
              </button>
            ) : (
              <button type="submit" className="ss-primary">
                {task.kind === 'predict' ? 'Lock in prediction' : 'Check'}
              </button>
            )}
          </form>
        )}
        {predictLocked && task.kind === 'predict' && (
          <p className="ss-run-this">
            Now run <code>{task.run}</code> in the terminal{host ? ` on ${host}` : ''}.
          </p>
        )}
        {(task.kind === 'command' || task.kind === 'ui') && !done && (
          <div className="ss-task-actions">
            <button type="button" onClick={() => void check()}>
              Check
            </button>
          </div>
        )}
        <p className={`ss-feedback${feedback ? ` ss-feedback-${feedback.tone}` : ''}`}>{feedback?.text ?? (done ? 'Done.' : '')}</p>
        {!done && (
          <div className="ss-hints">
            {hints > 0 && (
              <ol>
                {task.hints.slice(0, hints).map((h, i) => (
                  <li key={i}>
                    <Inline source={h} />
                  </li>
                ))}
              </ol>
            )}
            {hints < task.hints.length ? (
              <button type="button" onClick={() => update({ ...progress, hints: hints + 1 })}>
                {hints === 0 ? 'Show a hint' : 'Another hint'} ({hints + 1} of {task.hints.length})
              </button>
            ) : progress.solution ? (
              <div className="ss-solution">
                <strong>Solution:</strong> <SolutionText task={task} />
              </div>
            ) : (
              <button type="button" onClick={() => update({ ...progress, solution: true })}>
                Show the solution
              </button>
            )}
          </div>
        )}
      </section>
      {done && (
        <div className="ss-after">
          {task.kind === 'predict' && progress.expected !== undefined && (
            <p>
              You predicted <strong>{String(progress.answer ?? '—')}</strong>; the run says <strong>{progress.expected}</strong>. {progress.correct ? 'Well predicted.' : 'Worth a second look at why.'}
            </p>
          )}
          {task.kind === 'predict' && task.reveal && <Markdown source={task.reveal} />}
          <Markdown source={step.after} />
          {onNext && (
            <button type="button" className="ss-primary" ref={next} onClick={onNext}>
              Next step
            </button>
          )}
        </div>
      )}
    </article>
  );
}

function SolutionText({ task }: { task: Task }) {
  if (task.kind === 'command') return <code>{task.solution}</code>;
  if (task.kind === 'ui') return <span>{task.solution.map(describeAction).join(' ')}</span>;
  const e = expectedAnswer(task.answer);
  if (task.kind === 'predict' && !e.ok) return <span>run <code>{task.run}</code> and read the answer from its output.</span>;
  return <span>{e.ok ? formatExpected(e.expected) : String(task.solution)}</span>;
}
