/**
 * A Session is one run of a scenario: it validates and builds the world, schedules the
 * scenario's scripted commands, and runs terminal commands on hosts. Node (CLI, tests,
 * benchmarks) and the browser worker drive the engine through this class.
 */
import type { Scenario } from './scenario/schema.ts';
import { parseScenario } from './scenario/schema.ts';
import { buildWorld } from './scenario/build.ts';
import { parseDuration } from './scenario/units.ts';
import type { World } from './net/world.ts';
import { IpNode } from './stack/host.ts';
import type { CommandRegistry, RunningCommand } from './apps/registry.ts';
import { startCommand } from './apps/registry.ts';
import { defaultRegistry } from './apps/index.ts';

/** Default event budget of one run: large enough for minutes of busy traffic, small enough to stop a runaway. */
export const DEFAULT_EVENT_BUDGET = 50_000_000;

export class BudgetExceeded extends Error {
  constructor(
    readonly events: number,
    readonly atNs: number,
  ) {
    super(`run stopped: event budget of ${events.toLocaleString('en-US')} events used up at t=${(atNs / 1e9).toFixed(6)} s (a runaway scenario? raise the budget or shorten the run)`);
    this.name = 'BudgetExceeded';
  }
}

export interface SessionOptions {
  seed?: number;
  budget?: number;
  registry?: CommandRegistry;
  /** Skip the scenario's scripted commands (e.g. when the user drives the terminal). */
  skipActions?: boolean;
  /** Receives output of the scenario's scripted commands. */
  onActionOutput?: (host: string, line: string) => void;
}

export interface ActionRun {
  readonly host: string;
  readonly command: string;
  readonly output: string[];
  running?: RunningCommand;
}

export class Session {
  readonly scenario: Scenario;
  readonly world: World;
  readonly registry: CommandRegistry;
  readonly budget: number;
  readonly actions: ActionRun[] = [];
  private eventsUsed = 0;

  constructor(input: unknown, opts: SessionOptions = {}) {
    this.scenario = parseScenario(input);
    this.world = buildWorld(this.scenario, opts.seed !== undefined ? { seed: opts.seed } : {});
    this.registry = opts.registry ?? defaultRegistry();
    this.budget = opts.budget ?? DEFAULT_EVENT_BUDGET;
    this.world.start();
    for (const svc of this.scenario.services) {
      startCommand(this.registry, this.world, this.host(svc.host), svc.command, (l) => opts.onActionOutput?.(svc.host, l));
    }
    for (const a of opts.skipActions ? [] : this.scenario.actions) {
      const run: ActionRun = { host: a.host, command: a.command, output: [] };
      this.actions.push(run);
      this.world.sched.at(parseDuration(a.at)!, () => {
        run.running = startCommand(this.registry, this.world, this.host(a.host), a.command, (l) => {
          run.output.push(l);
          opts.onActionOutput?.(a.host, l);
        });
      });
    }
  }

  get stopTimeNs(): number {
    return parseDuration(this.scenario.stopTime)!;
  }

  host(name: string): IpNode {
    const n = this.world.node(name);
    if (!(n instanceof IpNode)) {
      const hosts = this.world.nodes.filter((x) => x instanceof IpNode).map((x) => x.name);
      throw new Error(`no host named "${name}" (hosts: ${hosts.join(', ')})`);
    }
    return n;
  }

  /** Runs until `untilNs` (default: the scenario's stop time). Throws BudgetExceeded. */
  runUntil(untilNs = this.stopTimeNs): void {
    const r = this.world.sched.run(untilNs, this.budget - this.eventsUsed);
    this.eventsUsed += r.eventsRun;
    if (r.reason === 'budget') this.overBudget();
  }

  /**
   * Runs at most `maxEvents` events with time <= untilNs (the worker's time slices).
   * Returns why it stopped; throws BudgetExceeded when the run's own budget is used up.
   */
  advance(untilNs: number, maxEvents: number): 'until' | 'idle' | 'slice' {
    const left = this.budget - this.eventsUsed;
    const r = this.world.sched.run(untilNs, Math.min(maxEvents, left));
    this.eventsUsed += r.eventsRun;
    if (r.reason === 'budget') {
      if (this.eventsUsed >= this.budget) this.overBudget();
      return 'slice';
    }
    return r.reason === 'idle' ? 'idle' : r.reason === 'until' ? 'until' : 'slice';
  }

  /**
   * Brings the run to the exact point where a command was typed in an earlier run of the same
   * scenario and seed: after `events` scheduler events, at simulated time `atNs`. Commands
   * replayed this way start in the same order relative to same-time events as they did then
   * (scheduling them as actions at `atNs` would put them after events already queued for it).
   */
  replayTo(atNs: number, events: number): void {
    const sched = this.world.sched;
    const left = events - sched.eventsRun;
    if (left > 0) {
      const r = sched.run(atNs, left);
      this.eventsUsed += r.eventsRun;
    }
    if (sched.now < atNs && sched.peekTime() > atNs) sched.now = atNs;
  }

  private overBudget(): never {
    this.world.trace.emit(this.world.now, 'sim.budget', -1, -1, -1, this.budget);
    throw new BudgetExceeded(this.budget, this.world.now);
  }

  /**
   * Runs a terminal command on `hostName` starting now, and runs the simulation until the
   * command exits (or `maxNs` of simulated time passes, then it is interrupted like Ctrl-C).
   * Returns the exit status.
   */
  exec(hostName: string, line: string, sink: (line: string) => void, maxNs = 3600e9, input?: string): number {
    const host = this.host(hostName);
    const sched = this.world.sched;
    let status: number | undefined;
    const cmd = startCommand(this.registry, this.world, host, line, sink, (s) => {
      status = s;
      sched.stop();
    });
    // Standard input, if any, is typed at once and then closed (like `echo text | cmd`).
    if (input !== undefined) {
      if (input !== '') cmd.input(input);
      cmd.input(null);
    }
    const deadline = this.world.now + maxNs;
    while (status === undefined) {
      const r = sched.run(deadline, this.budget - this.eventsUsed);
      this.eventsUsed += r.eventsRun;
      if (r.reason === 'budget') this.overBudget();
      if (status !== undefined) break;
      if (r.reason === 'until' || r.reason === 'idle') {
        cmd.interrupt();
        if (status === undefined) status = 130;
      }
    }
    return status;
  }
}
