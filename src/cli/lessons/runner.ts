/**
 * The headless lesson runner: one Session of the lesson's scenario and seed; each step in order
 * performs its reference solution (a command on the step's host, UI actions against a small
 * model of the app's state, an answer) and evaluates the task's check exactly as the browser
 * player does (the shared predicates of src/lessons). It also proves each check can fail: a
 * command task's check must fail on no output and no trace, a UI task's before its actions,
 * and every `wrong` answer must be refused.
 *
 * Model of the app: the network settles for 2 s first (as `stackscope exec` and a learner
 * reading the intro); the run counts as playing until a `pause` action (running a command
 * plays it again, as the terminal does); `setLink` remakes the run with the edited scenario,
 * as the scenario editor does.
 */
import { BudgetExceeded, Session, TRACE_KINDS, classifyFrame } from '../../engine/index.ts';
import { evaluateCheck, expectedAnswer, formatExpected, grade, packetMatches, stepHost } from '../../lessons/index.ts';
import type { AnswerValue, CheckResult, Lesson, ObservedEvent, PacketInfo, Step, UiAction, UiSnapshot } from '../../lessons/index.ts';
import { scenarioFacts } from './load.ts';

/** Simulated time before the first step (IPv6 router discovery settles in ~1.5 s). */
export const SETTLE_NS = 2e9;
/** A reference command still running after this much simulated time is interrupted (Ctrl-C). */
export const COMMAND_LIMIT_NS = 600e9;

export interface Outcome {
  readonly ok: boolean;
  readonly failures: readonly string[];
}

export interface StepReport {
  readonly step: Step;
  /** What the reference solution did ("$ ping -c 1 ...", "answer 59", "pause; select ..."). */
  readonly did: string;
  readonly host?: string;
  readonly output?: string;
  readonly status?: number;
  /** The correct answer (question/predict). */
  readonly expected?: string;
  /** The reference solution passes the check. */
  readonly solution: Outcome;
  /** Each wrong attempt is refused (ok = refused, as it should be). */
  readonly wrong: readonly { readonly label: string; readonly outcome: Outcome }[];
}

export interface LessonReport {
  readonly lesson: Lesson;
  readonly steps: readonly StepReport[];
  readonly ok: boolean;
}

const PASS: Outcome = { ok: true, failures: [] };
const fail = (...failures: string[]): Outcome => ({ ok: false, failures });
const fromCheck = (r: CheckResult): Outcome => ({ ok: r.ok, failures: [...r.failures] });
/** A wrong attempt must make the check fail. */
const refused = (r: CheckResult): Outcome => (r.ok ? fail('the check passed, but this attempt should fail it') : PASS);

class Lab {
  session: Session;
  paused = false;
  selected: PacketInfo | null = null;

  constructor(
    scenario: unknown,
    private readonly seed: number,
  ) {
    this.session = this.start(scenario);
  }

  private start(scenario: unknown): Session {
    const s = new Session(scenario, { seed: this.seed });
    s.runUntil(SETTLE_NS);
    return s;
  }

  ui(): UiSnapshot {
    return { paused: this.paused, selectedPacket: this.selected, links: this.session.scenario.links as unknown as Record<string, unknown>[] };
  }

  exec(host: string, line: string): { output: string; status: number; events: ObservedEvent[] } {
    const w = this.session.world;
    const from = w.trace.events.length;
    const out: string[] = [];
    const status = this.session.exec(host, line, (l) => out.push(l), COMMAND_LIMIT_NS);
    this.paused = false;
    const ev = w.trace.events;
    const events: ObservedEvent[] = [];
    for (let i = from; i < ev.length; i++) events.push({ kind: TRACE_KINDS[ev.kindIdAt(i)]?.name ?? '', node: w.nodes[ev.nodeAt(i)]?.name, text: ev.textAt(i) });
    return { output: out.join('\n'), status, events };
  }

  /** Performs one UI action; returns a failure message when it cannot be done. */
  act(a: UiAction): string | null {
    if ('pause' in a) {
      this.paused = true;
      return null;
    }
    if ('select' in a) {
      const packets = this.session.world.trace.packets;
      for (let uid = 0; uid < packets.count; uid++) {
        const bytes = packets.bytes(uid);
        const c = classifyFrame(bytes);
        const info: PacketInfo = { stack: c.stack, src: c.src, dst: c.dst, srcPort: c.srcPort, dstPort: c.dstPort, icmpType: c.icmpType };
        if (packetMatches(a.select.packet, info)) {
          this.selected = info;
          return null;
        }
      }
      return `no packet in the run so far matches ${JSON.stringify(a.select.packet)}`;
    }
    if ('seek' in a) {
      const m = /^\s*([0-9]*\.?[0-9]+)\s*(ns|us|ms|s)\s*$/.exec(a.seek)!;
      const ns = Number(m[1]) * { ns: 1, us: 1e3, ms: 1e6, s: 1e9 }[m[2] as 'ns' | 'us' | 'ms' | 's'];
      if (ns > this.session.world.now) this.session.runUntil(ns);
      return null;
    }
    const { link, field, value } = a.setLink;
    const next = structuredClone(this.session.scenario) as unknown as { links: Record<string, unknown>[] };
    if (!next.links[link]) return `the scenario has no link ${link}`;
    next.links[link]![field] = value;
    try {
      this.session = this.start(next);
    } catch (e) {
      return `the edited scenario does not load: ${(e as Error).message}`;
    }
    this.selected = null;
    return null;
  }
}

function label(v: AnswerValue): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

function runStep(lab: Lab, lesson: Lesson, step: Step, defaultHost: string | undefined): StepReport {
  const t = step.task;
  switch (t.kind) {
    case 'command': {
      const host = stepHost(lesson, t.host) ?? defaultHost ?? '';
      const wrong = [{ label: 'no command run (no output, no trace)', outcome: refused(evaluateCheck(t.check, { output: '', events: [] })) }];
      const r = lab.exec(host, t.solution);
      return { step, did: `$ ${t.solution}`, host, output: r.output, status: r.status, solution: fromCheck(evaluateCheck(t.check, { output: r.output, events: r.events })), wrong };
    }
    case 'ui': {
      const wrong = [{ label: 'the state before the UI actions', outcome: refused(evaluateCheck(t.check, { ui: lab.ui() })) }];
      const problems = t.solution.map((a) => lab.act(a)).filter((p): p is string => p !== null);
      const did = t.solution.map((a) => JSON.stringify(a)).join('; ');
      if (problems.length) return { step, did, solution: fail(...problems), wrong };
      return { step, did, solution: fromCheck(evaluateCheck(t.check, { ui: lab.ui() })), wrong };
    }
    case 'question':
    case 'predict': {
      let ran: { output: string; status: number } | undefined;
      let host: string | undefined;
      if (t.kind === 'predict') {
        host = stepHost(lesson, t.host) ?? defaultHost ?? '';
        ran = lab.exec(host, t.run);
      }
      const e = expectedAnswer(t.answer, ran?.output);
      const base = { step, did: `${t.kind === 'predict' ? `$ ${t.run}; ` : ''}answer ${label(t.solution)}`, ...(host ? { host } : {}), ...(ran ? { output: ran.output, status: ran.status } : {}) };
      if (!e.ok) return { ...base, solution: fail(e.error), wrong: [] };
      const g = grade(e.expected, t.solution);
      const solution = g.correct ? PASS : fail(g.unreadable ?? `the solution ${label(t.solution)} is not the correct answer ${formatExpected(e.expected)}`);
      const wrong = t.wrong.map((w) => {
        const wg = grade(e.expected, w);
        return { label: `wrong answer ${label(w)}`, outcome: wg.correct ? fail(`${label(w)} is accepted as correct`) : PASS };
      });
      return { ...base, expected: formatExpected(e.expected), solution, wrong };
    }
  }
}

/** Runs every step of a lesson against `scenario` (the parsed scenario input). */
export function runLesson(lesson: Lesson, scenario: unknown, onStep?: (r: StepReport) => void): LessonReport {
  const lab = new Lab(scenario, lesson.meta.seed);
  const defaultHost = scenarioFacts(scenario).defaultHost;
  const steps: StepReport[] = [];
  for (const step of lesson.steps) {
    let r: StepReport;
    try {
      r = runStep(lab, lesson, step, defaultHost);
    } catch (e) {
      const msg = e instanceof BudgetExceeded ? e.message : `${(e as Error).name}: ${(e as Error).message}`;
      r = { step, did: 'crashed', solution: fail(msg), wrong: [] };
    }
    steps.push(r);
    onStep?.(r);
  }
  return { lesson, steps, ok: steps.every((s) => s.solution.ok && s.wrong.every((w) => w.outcome.ok)) };
}
