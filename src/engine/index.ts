/**
 * The engine's public API. Other folders import the engine only through this file
 * (UI code: types only). Everything here is pure: no DOM, no clock, no Math.random.
 */
export { Session, BudgetExceeded, DEFAULT_EVENT_BUDGET } from './session.ts';
export type { SessionOptions, ActionRun } from './session.ts';
export { parseScenario, ScenarioSchema, ScenarioError } from './scenario/schema.ts';
export type { Scenario, ScenarioInput } from './scenario/schema.ts';
export { BUILTIN_SCENARIOS, builtinScenario } from './scenario/builtin/index.ts';
export { parseDuration, parseRate, formatDuration } from './scenario/units.ts';
export { defaultRegistry } from './apps/index.ts';
export { CommandRegistry, startCommand } from './apps/registry.ts';
export type { Command, CommandContext, RunningCommand } from './apps/registry.ts';
export { Capture, captureFromTrace, captureInterfaces, defaultCaptureInterfaces, tap } from './trace/capture.ts';
export type { CapturedFrame } from './trace/capture.ts';
export { PcapWriter } from './trace/pcap.ts';
export { PcapngWriter } from './trace/pcapng.ts';
export { traceToJsonLines, eventToJson } from './trace/jsonl.ts';
export { TRACE_KINDS, KIND_ID } from './trace/kinds.ts';
export type { TraceKind, TraceKindInfo } from './trace/kinds.ts';
export type { TraceEvent } from './trace/store.ts';
export type { FieldNode } from './wire/field.ts';
export { describeFrame } from './wire/dissect.ts';
export { Timeline } from './trace/timeline.ts';
export type { WorldState } from './trace/timeline.ts';
export { World } from './net/world.ts';
export { formatMac } from './wire/addr.ts';
export { classifyFrame, matches as matchesPacket } from './net/classify.ts';
export type { PacketMatch } from './net/classify.ts';
export { IpNode } from './stack/host.ts';
export { describeTopology, protoClassOf, PROTO_CLASSES } from './net/topology.ts';
export type { Topology, TopologyNode, TopologyLink, TopologyIface, ProtoClass } from './net/topology.ts';
export type { EventColumns } from './trace/store.ts';
export { parseDnsMessage, emitDnsMessage, DNS_MAX_UDP_NO_EDNS, formatRData, formatRecord, formatQuestion, typeName, typeFromName, rcodeName, describeDns, frameTcpDns, DnsTcpReassembler, RR_TYPE, RR_CLASS, RCODE, OPCODE } from './wire/dns/index.ts';
export type { DnsMessage, DnsRecord, DnsQuestion, DnsHeaderFlags, RData, Edns, EdnsOption, SvcParam } from './wire/dns/index.ts';
export { parseZoneFile } from './stack/dns/zonefile.ts';
export type { ZoneFileResult, ZoneFileError, ZoneFileOptions } from './stack/dns/zonefile.ts';
export { summarizeFrame, summarizeFrameWithTime, formatTcpdumpTime, TcpSeqTracker } from './wire/summary.ts';
export type { SummaryOptions } from './wire/summary.ts';
