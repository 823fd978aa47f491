/**
 * The embed's message API (postMessage for the iframe, methods + DOM events for the custom
 * element), as pure functions: validating what comes in, deciding whose messages are accepted,
 * and where events may be posted.
 *
 * In (host page → embed):
 *   { type: 'stackscope:play',   id?: string }
 *   { type: 'stackscope:pause',  id?: string }
 *   { type: 'stackscope:seek',   timeNs: number } or { type: 'stackscope:seek', t: seconds }
 *   { type: 'stackscope:select', packet: uid | null }
 * A message with an `id` is answered with { type: 'stackscope:ack', id, ok, error? } once done.
 *
 * Out (embed → host page):
 *   stackscope:ready, stackscope:step (throttled), stackscope:packetSelected,
 *   stackscope:stepReached (lesson steps), stackscope:error, stackscope:ack.
 *
 * Origins (iframe): messages are accepted only from the parent window, and only when their
 * origin is the embedding page's (from document.referrer) or listed in `?origins=`. Events are
 * posted to the parent with each allowed origin as targetOrigin, never '*': the browser
 * delivers them only if the parent really has that origin.
 */

export const MESSAGE_PREFIX = 'stackscope:';

export type Command =
  | { readonly kind: 'play'; readonly id?: string }
  | { readonly kind: 'pause'; readonly id?: string }
  | { readonly kind: 'seek'; readonly timeNs: number; readonly id?: string }
  | { readonly kind: 'select'; readonly packet: number | null; readonly id?: string };

export interface ReadyEvent {
  readonly type: 'stackscope:ready';
  readonly scenario: string;
  readonly title: string;
  readonly seed: number;
  readonly stopTimeNs: number;
  readonly hosts: readonly string[];
}
export interface StepEvent {
  readonly type: 'stackscope:step';
  /** Time cursor, ns and seconds. */
  readonly timeNs: number;
  readonly t: number;
  /** Trace events applied at the cursor, and recorded so far. */
  readonly event: number;
  readonly events: number;
  readonly playing: boolean;
}
export interface PacketSelectedEvent {
  readonly type: 'stackscope:packetSelected';
  readonly packet: number | null;
}
export interface StepReachedEvent {
  readonly type: 'stackscope:stepReached';
  readonly lesson: string;
  /** The step the learner is on (0-based), and how many steps are done. */
  readonly step: number;
  readonly done: number;
}
export interface EmbedErrorEvent {
  readonly type: 'stackscope:error';
  readonly message: string;
}
export interface AckEvent {
  readonly type: 'stackscope:ack';
  readonly id: string;
  readonly ok: boolean;
  readonly error?: string;
}
export type EmbedEvent = ReadyEvent | StepEvent | PacketSelectedEvent | StepReachedEvent | EmbedErrorEvent | AckEvent;

/** The largest time a seek accepts (~104 days, where ns stop being exact integers). */
const MAX_NS = Number.MAX_SAFE_INTEGER;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Own data properties only (postMessage data is a structured clone; this is for direct callers). */
function ownFields(x: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ['type', 'id', 'timeNs', 't', 'packet']) if (Object.hasOwn(x, k)) out[k] = x[k];
  return out;
}

/** Validates a message; returns null for anything that is not a well-formed command. */
export function parseCommand(message: unknown): Command | null {
  if (!isRecord(message)) return null;
  const data = ownFields(message);
  if (typeof data.type !== 'string' || !data.type.startsWith(MESSAGE_PREFIX)) return null;
  let id: string | undefined;
  if (data.id !== undefined) {
    if (typeof data.id !== 'string' || data.id.length > 200) return null;
    id = data.id;
  }
  const withId = <T extends object>(c: T): T => (id === undefined ? c : { ...c, id });
  switch (data.type.slice(MESSAGE_PREFIX.length)) {
    case 'play':
      return withId({ kind: 'play' as const });
    case 'pause':
      return withId({ kind: 'pause' as const });
    case 'seek': {
      let ns: number;
      if (typeof data.timeNs === 'number') ns = data.timeNs;
      else if (typeof data.t === 'number') ns = data.t * 1e9;
      else return null;
      if (!Number.isFinite(ns) || ns < 0 || ns > MAX_NS) return null;
      return withId({ kind: 'seek' as const, timeNs: Math.round(ns) });
    }
    case 'select': {
      const p = data.packet;
      if (p === undefined) return null;
      if (p !== null && !(typeof p === 'number' && Number.isInteger(p) && p >= 0 && p <= 0x7fffffff)) return null;
      return withId({ kind: 'select' as const, packet: p });
    }
    default:
      return null;
  }
}

/** An http(s) origin ("https://docs.example.org"), or null for anything else ('null', file:, junk). */
export function normalizeOrigin(text: string): string | null {
  try {
    const u = new URL(text.trim());
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
    return u.origin;
  } catch {
    return null;
  }
}

/** `?origins=https://a.org,https://b.org` (commas or spaces); invalid entries are dropped. */
export function parseOrigins(list: string | null): string[] {
  if (!list) return [];
  const out: string[] = [];
  for (const part of list.split(/[\s,]+/)) {
    const o = part ? normalizeOrigin(part) : null;
    if (o && !out.includes(o)) out.push(o);
  }
  return out;
}

/**
 * Origins whose messages the iframe accepts and to which it posts events: the embedding
 * page's origin (from `document.referrer`, empty when the page sends no referrer) and the
 * explicit `?origins=` list.
 */
export function allowedOrigins(referrer: string, originsParam: string | null): string[] {
  const out = parseOrigins(originsParam);
  const fromReferrer = referrer ? normalizeOrigin(referrer) : null;
  if (fromReferrer && !out.includes(fromReferrer)) out.unshift(fromReferrer);
  return out;
}

/** Whether a message event is accepted: from the parent window, from an allowed origin. */
export function acceptMessage(ev: { readonly origin: string; readonly fromParent: boolean }, allowed: readonly string[]): boolean {
  return ev.fromParent && ev.origin !== 'null' && allowed.includes(ev.origin);
}

/**
 * Calls `fn` at most once per `ms`: the first call runs at once, later ones within the
 * window collapse into one trailing call with the latest arguments.
 */
export function throttle<A extends unknown[]>(fn: (...a: A) => void, ms: number, timers: { now(): number; set(f: () => void, ms: number): unknown; clear(h: unknown): void }) {
  let last = -Infinity;
  let timer: unknown = null;
  let pending: A | null = null;
  const run = (a: A) => {
    last = timers.now();
    fn(...a);
  };
  return {
    call(...a: A) {
      const wait = last + ms - timers.now();
      if (wait <= 0 && timer === null) return run(a);
      pending = a;
      if (timer === null) {
        timer = timers.set(() => {
          timer = null;
          const p = pending;
          pending = null;
          if (p) run(p);
        }, Math.max(0, wait));
      }
    },
    cancel() {
      if (timer !== null) timers.clear(timer);
      timer = null;
      pending = null;
    },
  };
}
