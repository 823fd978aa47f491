/**
 * Test helper (Node, vitest): runs a built-in scenario (optionally with extra terminal
 * commands) through the real engine and returns what a lab would hold: the UI trace buffer
 * filled through the same batching the worker uses, and the topology.
 */
import { Session, builtinScenario, describeTopology, PROTO_CLASSES, TRACE_KINDS } from '../../src/engine/index.ts';
import type { Topology } from '../../src/engine/index.ts';
import { collectBatch, newBatchCursor } from '../../src/worker/batch.ts';
import { TraceBuffer } from '../../src/ui/trace/trace-buffer.ts';

export interface ScenarioRun {
  readonly session: Session;
  readonly trace: TraceBuffer;
  readonly topology: Topology;
}

export function runScenarioForView(name: string, opts: { seed?: number; commands?: { host: string; line: string }[]; untilNs?: number } = {}): ScenarioRun {
  const scenario = builtinScenario(name);
  if (!scenario) throw new Error(`no built-in scenario ${name}`);
  const session = new Session(scenario, { seed: opts.seed ?? 1 });
  for (const c of opts.commands ?? []) session.exec(c.host, c.line, () => {}, 60e9);
  session.runUntil(Math.max(session.world.now, opts.untilNs ?? session.stopTimeNs));
  const trace = new TraceBuffer(TRACE_KINDS, PROTO_CLASSES);
  const cursor = newBatchCursor();
  trace.append(collectBatch(session.world, cursor));
  return { session, trace, topology: describeTopology(session.world) };
}
