/**
 * The engine side of the worker protocol: one Session at a time, run in slices the UI asks
 * for, with the new trace cut into transferable batches. Plain class (no worker globals) so
 * Node tests drive exactly what the browser worker runs.
 */
import {
  BudgetExceeded,
  PROTO_CLASSES,
  ScenarioError,
  Session,
  TRACE_KINDS,
  Timeline,
  builtinScenario,
  BUILTIN_SCENARIOS,
  captureFromTrace,
  captureInterfaces,
  classifyFrame,
  describeFrame,
  describeTopology,
  formatMac,
  IpNode,
  startCommand,
  summarizeFrame,
} from '../engine/index.ts';
import type { RunningCommand } from '../engine/index.ts';
import type { TypedCommandRecord, FaultResult, NodeState, PacketClass, ScenarioInfo, AdvanceResult, CommandExit, CommandOutput, EngineApi, ExecResult, LoadResult, PacketDetail, SerializedWorldState } from './protocol.ts';
import { PROTOCOL_VERSION } from './protocol.ts';
import type { BatchCursor } from './batch.ts';
import { collectBatch, newBatchCursor } from './batch.ts';
import { faultScenario } from './fault.ts';
import type { FaultAction } from './fault.ts';

interface Run {
  readonly session: Session;
  readonly timeline: Timeline;
  readonly cursor: BatchCursor;
  readonly commands: Map<number, RunningCommand>;
  output: CommandOutput[];
  exits: CommandExit[];
  error: string | undefined;
  /** Terminal commands of an earlier run still to replay, in order (output not shown again). */
  readonly replays: TypedCommandRecord[];
}

export class EngineHost implements EngineApi {
  private run: Run | null = null;
  private nextCmd = 1;

  protocolVersion(): number {
    return PROTOCOL_VERSION;
  }

  scenarios(): ScenarioInfo[] {
    return BUILTIN_SCENARIOS.map((s) => ({ name: s.name, title: s.title ?? s.name, description: s.description ?? '' }));
  }

  scenarioJson(): object {
    return this.current().session.scenario;
  }

  load(scenario: string | object, seed?: number, commands: readonly TypedCommandRecord[] = []): LoadResult {
    let input: unknown = scenario;
    if (typeof scenario === 'string') {
      input = builtinScenario(scenario);
      if (!input) return { ok: false, error: `unknown scenario "${scenario}" (built-in: ${BUILTIN_SCENARIOS.map((s) => s.name).join(', ')})` };
    }
    let session: Session;
    const run: Partial<Run> = {};
    try {
      session = new Session(input, {
        ...(seed !== undefined ? { seed } : {}),
        onActionOutput: (host, line) => run.output?.push({ cmd: 0, t: session.world.now, line: `[${host}] ${line}` }),
      });
    } catch (e) {
      if (e instanceof ScenarioError) return { ok: false, error: `scenario: ${e.message}` };
      return { ok: false, error: (e as Error).message };
    }
    this.run = { session, timeline: new Timeline(session.world), cursor: newBatchCursor(), commands: new Map(), output: [], exits: [], error: undefined, replays: [...commands].sort((a, b) => a.events - b.events) };
    run.output = this.run.output;
    const sc = session.scenario;
    return {
      ok: true,
      scenarioName: sc.name,
      title: sc.title || sc.name,
      seed: session.world.seed,
      stopTimeNs: session.stopTimeNs,
      topology: describeTopology(session.world),
      kinds: TRACE_KINDS,
      protoClasses: PROTO_CLASSES,
      hosts: session.world.nodes.filter((n) => n.kind !== 'switch').map((n) => n.name),
      commands: session.registry.list().map((c) => ({ name: c.name, usage: c.usage })),
      examples: sc.examples.map((e) => ({ host: e.host, command: e.command })),
    };
  }

  private current(): Run {
    if (!this.run) throw new Error('no scenario loaded');
    return this.run;
  }

  advance(untilNs: number, maxEvents: number): AdvanceResult {
    const run = this.current();
    const { session } = run;
    let idle = false;
    if (run.error === undefined) {
      try {
        this.replay(run, untilNs);
        const why = session.advance(untilNs, Math.max(1, maxEvents));
        idle = why === 'idle';
      } catch (e) {
        if (!(e instanceof BudgetExceeded)) throw e;
        run.error = e.message;
      }
    }
    const output = run.output;
    const exits = run.exits;
    run.output = [];
    run.exits = [];
    const result: AdvanceResult = { headNs: session.world.now, batch: collectBatch(session.world, run.cursor), output, exits, idle: idle || run.error !== undefined };
    return run.error === undefined ? result : { ...result, error: run.error };
  }

  /** Starts the replayed commands due by `untilNs`, each at its exact original point. */
  private replay(run: Run, untilNs: number): void {
    while (run.replays.length > 0 && run.replays[0]!.atNs <= untilNs) {
      const c = run.replays.shift()!;
      run.session.replayTo(c.atNs, c.events);
      try {
        const world = run.session.world;
        startCommand(run.session.registry, world, run.session.host(c.host), c.command, (line) => run.output.push({ cmd: 0, t: world.now, line: `[${c.host}] ${line}` }));
      } catch {
        // a host removed since: nothing to replay
      }
    }
  }

  stateAt(timeNs: number, events?: number): SerializedWorldState {
    const s = this.current().timeline.stateAt(timeNs, events);
    return {
      timeNs: s.timeNs,
      eventCount: s.eventCount,
      neighbors: [...s.neighbors.values()],
      macTables: [...s.macTables.values()],
      natMappings: [...s.natMappings.values()],
      routers: [...s.routers.values()],
      pathMtu: [...s.pathMtu.values()],
      inFlight: [...s.inFlight.values()],
      running: [...s.running.entries()],
      sockets: [...s.sockets.values()],
    };
  }

  nodeState(nodeId: number, timeNs: number, events?: number): NodeState {
    const run = this.current();
    const world = run.session.world;
    const node = world.nodes[nodeId];
    if (!node) throw new RangeError(`no node ${nodeId}`);
    const s = run.timeline.stateAt(timeNs, events);
    const ifName = (id: number) => world.ifaces[id]?.name ?? `if${id}`;
    const mine = <T extends { node: number }>(m: Map<string, T>): T[] => [...m.values()].filter((v) => v.node === nodeId);
    const routes: string[] = [];
    if (node instanceof IpNode) {
      const learned = new Set(mine(s.routers).map((r) => ifName(r.iface)));
      for (const r of node.routes4.routes) routes.push(node.routes4.format(r));
      for (const r of node.routes6.routes) if (r.origin !== 'ra' || learned.has(r.iface.name)) routes.push(node.routes6.format(r));
    }
    return {
      node: nodeId,
      name: node.name,
      kind: node.kind,
      timeNs: s.timeNs,
      addresses: node.ifaces.map((i) => ({ iface: i.name, mac: formatMac(i.mac), addresses: i.describeAddresses() })),
      routes,
      neighbors: mine(s.neighbors).map((n) => ({ ip: n.ip, mac: formatMac(n.mac), iface: ifName(n.iface), state: n.state })),
      macTable: mine(s.macTables).map((m) => ({ mac: formatMac(m.mac), port: m.port })),
      natMappings: mine(s.natMappings).map((m) => m.mapping),
      pathMtu: mine(s.pathMtu).map((p) => ({ destination: p.destination, mtu: p.mtu })),
      sockets: mine(s.sockets).map((k) => ({ connection: k.connection, state: k.state })),
      running: s.running.get(nodeId) ?? null,
    };
  }

  packet(uid: number): PacketDetail {
    const packets = this.current().session.world.trace.packets;
    if (!Number.isInteger(uid) || uid < 0 || uid >= packets.count) throw new RangeError(`no packet ${uid}`);
    const bytes = packets.bytes(uid).slice();
    return { uid, bytes, fields: describeFrame(bytes), summary: summarizeFrame(bytes), parent: packets.parentOf(uid), createdNs: packets.createdAt(uid) };
  }

  packetClass(uid: number): PacketClass {
    const packets = this.current().session.world.trace.packets;
    if (!Number.isInteger(uid) || uid < 0 || uid >= packets.count) throw new RangeError(`no packet ${uid}`);
    const c = classifyFrame(packets.bytes(uid));
    return { stack: c.stack, ...(c.src !== undefined ? { src: c.src } : {}), ...(c.dst !== undefined ? { dst: c.dst } : {}), ...(c.srcPort !== undefined ? { srcPort: c.srcPort } : {}), ...(c.dstPort !== undefined ? { dstPort: c.dstPort } : {}), ...(c.icmpType !== undefined ? { icmpType: c.icmpType } : {}) };
  }

  summaries(uids: readonly number[]): string[] {
    const packets = this.current().session.world.trace.packets;
    return uids.map((u) => (Number.isInteger(u) && u >= 0 && u < packets.count ? summarizeFrame(packets.bytes(u)) : ''));
  }

  exec(host: string, line: string): ExecResult {
    const run = this.current();
    if (run.error !== undefined) return { ok: false, error: run.error };
    let node;
    try {
      node = run.session.host(host);
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
    const cmd = this.nextCmd++;
    const world = run.session.world;
    const events = world.sched.eventsRun;
    const running = startCommand(
      run.session.registry,
      world,
      node,
      line,
      (l) => run.output.push({ cmd, t: world.now, line: l }),
      (status) => {
        run.exits.push({ cmd, t: world.now, status });
        run.commands.delete(cmd);
      },
    );
    if (!run.exits.some((e) => e.cmd === cmd)) run.commands.set(cmd, running);
    return { ok: true, cmd, t: world.now, events };
  }

  validateScenario(scenario: object): string | null {
    try {
      // Building the world checks what the schema cannot (endpoints exist, addresses fit).
      new Session(scenario, { skipActions: true });
      return null;
    } catch (e) {
      return e instanceof ScenarioError ? `scenario: ${e.message}` : (e as Error).message;
    }
  }

  injectFault(uid: number, action: FaultAction, delayNs?: number, link?: number): FaultResult {
    const run = this.current();
    try {
      const r = faultScenario(run.session, uid, action, delayNs, link);
      return { ok: true, scenario: r.scenario, description: r.description };
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
  }

  input(cmd: number, data: string | null): void {
    this.run?.commands.get(cmd)?.input(data);
  }

  interrupt(cmd: number): void {
    this.run?.commands.get(cmd)?.interrupt();
  }

  complete(host: string, line: string): string[] {
    const run = this.current();
    const words = line.split(/\s+/);
    const last = words[words.length - 1] ?? '';
    if (words.length <= 1) return run.session.registry.names().filter((n) => n.startsWith(last));
    const world = run.session.world;
    const candidates = new Set<string>();
    for (const [name, addrs] of world.hosts.byName) {
      if (name !== host) candidates.add(name);
      for (const a of addrs) candidates.add(a);
    }
    return [...candidates].filter((c) => c.startsWith(last)).sort();
  }

  exportCapture(format: 'pcap' | 'pcapng'): Uint8Array {
    const { session } = this.current();
    return captureFromTrace(session.world, captureInterfaces(session.world, session.scenario.capture), format);
  }
}
