/**
 * The typed, versioned protocol between the UI (main thread) and the engine worker.
 *
 * Bump PROTOCOL_VERSION whenever a message shape changes; the client refuses a worker that
 * speaks another version (a stale cached worker script) with a clear message.
 *
 * Trace data crosses as columns of typed arrays (transferred, not cloned), strings only once
 * (the interned table grows incrementally), packet bytes only on demand.
 */
import type { FieldNode, Topology, TraceKindInfo, WorldState } from '../engine/index.ts';

export const PROTOCOL_VERSION = 1;

/** New trace since the previous batch. Event i of the run is `firstEvent + j` for column index j. */
export interface TraceBatch {
  readonly firstEvent: number;
  readonly time: Float64Array;
  readonly kind: Uint16Array;
  readonly node: Int32Array;
  readonly iface: Int32Array;
  readonly pkt: Int32Array;
  readonly a: Float64Array;
  readonly b: Float64Array;
  /** Interned string id per event, -1 for none. */
  readonly text: Int32Array;
  /** New interned strings; the first has id `firstString`. */
  readonly firstString: number;
  readonly strings: readonly string[];
  /** New packets; the first has uid `firstPacket`. */
  readonly firstPacket: number;
  readonly packetLen: Int32Array;
  readonly packetParent: Int32Array;
  readonly packetCreated: Float64Array;
  /** Protocol class per packet (index into PROTO_CLASSES). */
  readonly packetProto: Uint8Array;
}

/** A line a terminal command printed, at the simulated time it printed it. */
export interface CommandOutput {
  readonly cmd: number;
  readonly t: number;
  readonly line: string;
}

export interface CommandExit {
  readonly cmd: number;
  readonly t: number;
  readonly status: number;
}

export interface LoadOk {
  readonly ok: true;
  readonly scenarioName: string;
  readonly title: string;
  readonly seed: number;
  readonly stopTimeNs: number;
  readonly topology: Topology;
  readonly kinds: readonly TraceKindInfo[];
  /** Names of the packet protocol classes (TraceBatch.packetProto indexes this). */
  readonly protoClasses: readonly string[];
  readonly hosts: readonly string[];
  readonly commands: readonly { readonly name: string; readonly usage: string }[];
  readonly examples: readonly { readonly host: string; readonly command: string }[];
}

export interface LoadFailed {
  readonly ok: false;
  /** One line, pointing at the offending field for schema errors. */
  readonly error: string;
}

export type LoadResult = LoadOk | LoadFailed;

export interface AdvanceResult {
  /** Simulated time the engine has reached (the "head"). */
  readonly headNs: number;
  readonly batch: TraceBatch;
  readonly output: readonly CommandOutput[];
  readonly exits: readonly CommandExit[];
  /** No events are scheduled any more: the run has nothing left to do until a new command. */
  readonly idle: boolean;
  /** Set when the run stopped on its event budget (the message says what to do). */
  readonly error?: string;
}

export interface PacketDetail {
  readonly uid: number;
  readonly bytes: Uint8Array;
  readonly fields: readonly FieldNode[];
  /** tcpdump -n style one-line summary. */
  readonly summary: string;
  readonly parent: number;
  readonly createdNs: number;
}

export interface ExecStarted {
  readonly ok: true;
  readonly cmd: number;
  readonly t: number;
  /** Scheduler events run before it started (see TypedCommandRecord). */
  readonly events: number;
}

export type ExecResult = ExecStarted | { readonly ok: false; readonly error: string };

/** Observable state at a time (maps flattened to arrays for structured cloning). */
export type SerializedWorldState = { readonly [K in keyof WorldState]: WorldState[K] extends Map<string, infer V> ? readonly V[] : WorldState[K] extends Map<number, infer V> ? readonly (readonly [number, V])[] : WorldState[K] };

export interface ScenarioInfo {
  readonly name: string;
  readonly title: string;
  readonly description: string;
}

/** One device as it is at a moment of the run (the node view; `ip`/`ss`-like tables). */
export interface NodeState {
  readonly node: number;
  readonly name: string;
  readonly kind: string;
  readonly timeNs: number;
  readonly addresses: readonly { readonly iface: string; readonly mac: string; readonly addresses: readonly string[] }[];
  /** `ip route` style lines, IPv4 then IPv6 (router-advertised routes only once learned). */
  readonly routes: readonly string[];
  readonly neighbors: readonly { readonly ip: string; readonly mac: string; readonly iface: string; readonly state: string }[];
  readonly macTable: readonly { readonly mac: string; readonly port: number }[];
  readonly natMappings: readonly string[];
  readonly pathMtu: readonly { readonly destination: string; readonly mtu: number }[];
  readonly sockets: readonly { readonly connection: string; readonly state: string }[];
  readonly running: string | null;
}

/** How the engine's frame classifier sees a packet (what fault rules and lesson checks match on). */
export interface PacketClass {
  /** Every protocol recognised, outermost first, e.g. ['ipv4', 'icmp']. */
  readonly stack: readonly string[];
  readonly src?: string;
  readonly dst?: string;
  readonly srcPort?: number;
  readonly dstPort?: number;
  readonly icmpType?: number;
}

/** `scenario` has the new rule; load it with the run's typed commands to see the run again with the fault. */
export type FaultResult = { readonly ok: true; readonly scenario: object; readonly description: string } | { readonly ok: false; readonly error: string };

/** A terminal command as typed: when (simulated ns), on which host, what. */
export interface TypedCommandRecord {
  readonly atNs: number;
  /** Scheduler events run before it started (orders it among events at the same instant). */
  readonly events: number;
  readonly host: string;
  readonly command: string;
}

/** What the worker exposes (through Comlink; every method returns a promise on the UI side). */
export interface EngineApi {
  protocolVersion(): number;
  /** The built-in scenarios (for the picker). */
  scenarios(): ScenarioInfo[];
  /** The scenario JSON of the current run (for export; defaults filled in). */
  scenarioJson(): object;
  /** Loads a scenario (built-in name or scenario JSON). Replaces any current run. */
  /**
   * `commands`: terminal commands typed in an earlier run (a shared link), replayed at the
   * simulated times they were typed so the run is the same one.
   */
  load(scenario: string | object, seed?: number, commands?: readonly TypedCommandRecord[]): LoadResult;
  /** Runs until `untilNs` or `maxEvents` events, whichever comes first; returns the new trace. */
  advance(untilNs: number, maxEvents: number): AdvanceResult;
  stateAt(timeNs: number, events?: number): SerializedWorldState;
  /** A device's tables at a moment (after the first `events` events when given). */
  nodeState(node: number, timeNs: number, events?: number): NodeState;
  packet(uid: number): PacketDetail;
  /** A packet's protocols, addresses and ports (lesson checks match the selected packet on these). */
  packetClass(uid: number): PacketClass;
  /** One-line summaries for many packets (the event list, tcpdump view). */
  summaries(uids: readonly number[]): string[];
  /** Starts a terminal command on a host at the current head time; output arrives with advance(). */
  exec(host: string, line: string): ExecResult;
  /** Types into a running command's standard input (null = Ctrl-D). */
  input(cmd: number, data: string | null): void;
  /** Ctrl-C. */
  interrupt(cmd: number): void;
  /** Tab completion candidates for a partial command line on a host. */
  complete(host: string, line: string): string[];
  exportCapture(format: 'pcap' | 'pcapng'): Uint8Array;
  /**
   * The current scenario with a rule that drops/delays/corrupts this packet at the hop where
   * it was sent (on `link` when it crossed several): load it with the same typed commands to
   * see the run again with the fault.
   */
  /** Checks a scenario without loading it: null when it would load, else the one-line error. */
  validateScenario(scenario: object): string | null;
  injectFault(uid: number, action: 'drop' | 'delay' | 'corrupt', delayNs?: number, link?: number): FaultResult;
}
