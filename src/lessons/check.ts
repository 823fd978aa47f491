/**
 * Task checks as predicates over a small observation interface, so one implementation serves
 * both sides: the headless runner fills it from a Session (its trace and the command's output),
 * the browser player from the lab's TraceBuffer, terminal output and store.
 */
import type { Check, LessonPacketMatch, TraceCheck, UiCheck } from './schema.ts';

export interface ObservedEvent {
  readonly kind: string;
  /** Node name, when the event belongs to a node. */
  readonly node: string | undefined;
  readonly text: string | undefined;
}

/** What a packet is, as the engine's frame classifier sees it (protocol stack, addresses, ports). */
export interface PacketInfo {
  /** Every protocol recognised, outermost first, e.g. ['ipv4', 'icmp']. */
  readonly stack: readonly string[];
  readonly src?: string | undefined;
  readonly dst?: string | undefined;
  readonly srcPort?: number | undefined;
  readonly dstPort?: number | undefined;
  readonly icmpType?: number | undefined;
}

/** The part of the app's state UI tasks look at. */
export interface UiSnapshot {
  readonly paused: boolean;
  readonly selectedPacket: PacketInfo | null;
  /** The current scenario's links (as parsed: defaults filled in). */
  readonly links: readonly Readonly<Record<string, unknown>>[];
}

export interface Observation {
  /** The command's output (lines joined with "\n"). */
  readonly output?: string;
  /** Trace events recorded while the command ran. */
  readonly events?: Iterable<ObservedEvent>;
  readonly ui?: UiSnapshot;
}

export interface CheckResult {
  readonly ok: boolean;
  /** Why it failed, one sentence each, for the learner (and the runner's report). */
  readonly failures: readonly string[];
}

export function packetMatches(m: LessonPacketMatch, p: PacketInfo): boolean {
  if (m.protocol !== undefined && !p.stack.includes(m.protocol)) return false;
  if (m.src !== undefined && p.src !== m.src) return false;
  if (m.dst !== undefined && p.dst !== m.dst) return false;
  if (m.srcPort !== undefined && p.srcPort !== m.srcPort) return false;
  if (m.dstPort !== undefined && p.dstPort !== m.dstPort) return false;
  if (m.icmpType !== undefined && p.icmpType !== m.icmpType) return false;
  return true;
}

export function describeMatch(m: LessonPacketMatch): string {
  const parts: string[] = [];
  if (m.protocol) parts.push(m.protocol.toUpperCase());
  if (m.icmpType !== undefined) parts.push(`ICMP type ${m.icmpType}`);
  if (m.src) parts.push(`from ${m.src}${m.srcPort !== undefined ? ` port ${m.srcPort}` : ''}`);
  else if (m.srcPort !== undefined) parts.push(`from port ${m.srcPort}`);
  if (m.dst) parts.push(`to ${m.dst}${m.dstPort !== undefined ? ` port ${m.dstPort}` : ''}`);
  else if (m.dstPort !== undefined) parts.push(`to port ${m.dstPort}`);
  return parts.length ? `a ${parts.join(' ')} packet` : 'a packet';
}

function countText(c: TraceCheck['count']): string {
  if (!c) return 'at least one';
  if (c.exactly !== undefined) return `exactly ${c.exactly}`;
  if (c.atLeast !== undefined && c.atMost !== undefined) return `${c.atLeast} to ${c.atMost}`;
  if (c.atMost !== undefined) return `at most ${c.atMost}`;
  return `at least ${c.atLeast ?? 1}`;
}

function countOk(c: TraceCheck['count'], n: number): boolean {
  if (!c) return n >= 1;
  if (c.exactly !== undefined && n !== c.exactly) return false;
  if (c.atLeast !== undefined && n < c.atLeast) return false;
  if (c.atMost !== undefined && n > c.atMost) return false;
  if (c.exactly === undefined && c.atLeast === undefined && c.atMost === undefined) return n >= 1;
  return true;
}

function checkTrace(checks: readonly TraceCheck[], events: Iterable<ObservedEvent> | undefined): string[] {
  const counts = new Array<number>(checks.length).fill(0);
  const texts = checks.map((c) => (c.text !== undefined ? new RegExp(c.text, 'm') : null));
  if (events) {
    for (const e of events) {
      checks.forEach((c, i) => {
        if (e.kind !== c.kind) return;
        if (c.node !== undefined && e.node !== c.node) return;
        const re = texts[i];
        if (re && !re.test(e.text ?? '')) return;
        counts[i]!++;
      });
    }
  }
  const failures: string[] = [];
  checks.forEach((c, i) => {
    if (!countOk(c.count, counts[i]!)) {
      failures.push(`The run should record ${countText(c.count)} ${c.kind} event${c.count?.exactly === 1 ? '' : 's'}${c.node ? ` on ${c.node}` : ''}${c.text ? ` matching /${c.text}/` : ''}; it recorded ${counts[i]}.`);
    }
  });
  return failures;
}

const DURATION: Record<string, number> = { ns: 1, us: 1e3, ms: 1e6, s: 1e9, m: 60e9, min: 60e9, h: 3600e9 };
const RATE: Record<string, number> = { bit: 1, bps: 1, kbit: 1e3, kbps: 1e3, mbit: 1e6, mbps: 1e6, gbit: 1e9, gbps: 1e9 };

/** "10ms" and "10000us" are equal, so are "100Mbit" and "100000kbit"; numbers compare as numbers. */
export function sameLinkValue(actual: unknown, expected: string | number): boolean {
  if (typeof actual === 'number' || typeof expected === 'number') return Number(actual) === Number(expected);
  const a = String(actual).trim().toLowerCase().replace(/\s+/g, '');
  const e = String(expected).trim().toLowerCase().replace(/\s+/g, '');
  if (a === e) return true;
  const unit = (s: string, table: Record<string, number>) => {
    const m = /^([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)([a-z]+)$/.exec(s);
    const f = m ? table[m[2]!] : undefined;
    return f === undefined ? undefined : Number(m![1]) * f;
  };
  for (const table of [DURATION, RATE]) {
    const x = unit(a, table);
    const y = unit(e, table);
    if (x !== undefined && y !== undefined) return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(y));
  }
  return false;
}

function checkUi(c: UiCheck, ui: UiSnapshot | undefined): string[] {
  if (!ui) return ['No app state to check.'];
  const failures: string[] = [];
  if (c.paused !== undefined && ui.paused !== c.paused) failures.push(c.paused ? 'The run is still playing: pause it.' : 'The run is paused: play it.');
  if (c.selectedPacket) {
    if (!ui.selectedPacket) failures.push(`No packet is selected: select ${describeMatch(c.selectedPacket)}.`);
    else if (!packetMatches(c.selectedPacket, ui.selectedPacket)) failures.push(`The selected packet is not ${describeMatch(c.selectedPacket)}.`);
  }
  if (c.link) {
    const link = ui.links[c.link.index];
    if (!link) failures.push(`The scenario has no link ${c.link.index}.`);
    else if (!sameLinkValue(link[c.link.field], c.link.equals)) failures.push(`Link ${c.link.index}'s ${c.link.field} is ${String(link[c.link.field] ?? 'unset')}, not ${String(c.link.equals)}.`);
  }
  return failures;
}

/** Evaluates every part of a check; all must hold. */
export function evaluateCheck(check: Check, obs: Observation): CheckResult {
  const failures: string[] = [];
  if (check.output) {
    const out = obs.output ?? '';
    if (check.output.matches !== undefined && !new RegExp(check.output.matches, 'm').test(out)) failures.push("The output doesn't show what this task is looking for yet.");
    if (check.output.notMatches !== undefined && new RegExp(check.output.notMatches, 'm').test(out)) failures.push('The output shows something this task should not produce.');
    if (out.trim() === '' && check.output.matches === undefined) failures.push('The command printed nothing.');
  }
  if (check.trace) failures.push(...checkTrace(Array.isArray(check.trace) ? check.trace : [check.trace], obs.events));
  if (check.ui) failures.push(...checkUi(check.ui, obs.ui));
  return { ok: failures.length === 0, failures };
}

/** Which parts of the UI state a check reads (the player re-checks only when one of them changes). */
export function uiFieldsRead(check: Check): { paused: boolean; packet: boolean; link: boolean } {
  return { paused: check.ui?.paused !== undefined, packet: check.ui?.selectedPacket !== undefined, link: check.ui?.link !== undefined };
}
