/**
 * Grading question and predict answers. The expected answer is either written in the lesson or
 * taken from the output of the predict task's `run` command (`fromOutput`: the first capture
 * group of a regular expression), so it can never drift from what the engine does.
 */
import type { Answer, AnswerValue } from './schema.ts';

export type Expected =
  | { readonly kind: 'choice'; readonly index: number; readonly options: readonly string[] }
  | { readonly kind: 'number'; readonly value: number; readonly tolerance: number }
  | { readonly kind: 'address'; readonly value: string }
  | { readonly kind: 'text'; readonly value: string; readonly caseSensitive: boolean };

export type ExpectedResult = { readonly ok: true; readonly expected: Expected } | { readonly ok: false; readonly error: string };

/** Whether the answer's correct value comes from the output of a run. */
export function needsRun(answer: Answer): boolean {
  if ('choice' in answer) return false;
  const v = 'number' in answer ? answer.number : 'address' in answer ? answer.address : answer.text;
  return typeof v === 'object';
}

function captured(source: string, output: string | undefined): { ok: true; text: string } | { ok: false; error: string } {
  if (output === undefined) return { ok: false, error: 'the answer comes from the output of a run, and nothing was run' };
  const m = new RegExp(source, 'm').exec(output);
  if (!m) return { ok: false, error: `fromOutput /${source}/ does not match the output of the run` };
  const g = m[1];
  if (g === undefined) return { ok: false, error: `fromOutput /${source}/ has no capture group (put the answer in parentheses)` };
  return { ok: true, text: g };
}

/** The correct answer; `runOutput` is the output of the predict task's `run` command. */
export function expectedAnswer(answer: Answer, runOutput?: string): ExpectedResult {
  if ('choice' in answer) {
    if (answer.correct >= answer.choice.length) return { ok: false, error: `correct is ${answer.correct} but there are only ${answer.choice.length} options (0-based)` };
    return { ok: true, expected: { kind: 'choice', index: answer.correct, options: answer.choice } };
  }
  if ('number' in answer) {
    let value: number;
    if (typeof answer.number === 'number') value = answer.number;
    else {
      const c = captured(answer.number.fromOutput, runOutput);
      if (!c.ok) return c;
      const n = parseNumber(c.text);
      if (n === null) return { ok: false, error: `fromOutput captured "${c.text}", which is not a number` };
      value = n;
    }
    return { ok: true, expected: { kind: 'number', value, tolerance: answer.tolerance } };
  }
  if ('address' in answer) {
    let text: string;
    if (typeof answer.address === 'string') text = answer.address;
    else {
      const c = captured(answer.address.fromOutput, runOutput);
      if (!c.ok) return c;
      text = c.text;
    }
    const value = normalizeAddress(text);
    if (value === null) return { ok: false, error: `"${text}" is not an IPv4 or IPv6 address` };
    return { ok: true, expected: { kind: 'address', value } };
  }
  let text: string;
  if (typeof answer.text === 'string') text = answer.text;
  else {
    const c = captured(answer.text.fromOutput, runOutput);
    if (!c.ok) return c;
    text = c.text;
  }
  return { ok: true, expected: { kind: 'text', value: squash(text), caseSensitive: answer.caseSensitive } };
}

export interface Grade {
  readonly correct: boolean;
  /** Set when the answer could not be read (not a number, not an address): say so, don't mark it wrong. */
  readonly unreadable?: string;
}

export function grade(expected: Expected, given: AnswerValue): Grade {
  switch (expected.kind) {
    case 'choice': {
      const i = typeof given === 'number' ? given : /^\s*\d+\s*$/.test(given) ? Number(given) : NaN;
      if (!Number.isInteger(i) || i < 0 || i >= expected.options.length) return { correct: false, unreadable: 'Choose one of the options.' };
      return { correct: i === expected.index };
    }
    case 'number': {
      const n = typeof given === 'number' ? given : parseNumber(given);
      if (n === null || !Number.isFinite(n)) return { correct: false, unreadable: 'Enter a number.' };
      return { correct: Math.abs(n - expected.value) <= expected.tolerance + 1e-9 * Math.max(1, Math.abs(expected.value)) };
    }
    case 'address': {
      const a = normalizeAddress(String(given));
      if (a === null) return { correct: false, unreadable: 'Enter an IPv4 or IPv6 address, such as 192.0.2.1.' };
      return { correct: a === expected.value };
    }
    case 'text': {
      const t = squash(String(given));
      if (t === '') return { correct: false, unreadable: 'Type an answer.' };
      return { correct: expected.caseSensitive ? t === expected.value : t.toLowerCase() === expected.value.toLowerCase() };
    }
  }
}

/** The correct answer as the learner would write it. */
export function formatExpected(e: Expected): string {
  switch (e.kind) {
    case 'choice':
      return e.options[e.index] ?? String(e.index);
    case 'number':
      return e.tolerance > 0 ? `${e.value} (± ${e.tolerance})` : String(e.value);
    case 'address':
    case 'text':
      return e.value;
  }
}

function squash(s: string): string {
  return s.trim().replace(/\s+/g, ' ');
}

/** "64", " 1,500 ", "59 ms", "-3.5e2" → number; anything else → null. */
export function parseNumber(text: string): number | null {
  const m = /^\s*([-+]?(?:\d{1,3}(?:,\d{3})+|\d*)(?:\.\d+)?(?:e[-+]?\d+)?)\s*(?:[a-zA-Z%/]+)?\s*$/.exec(text);
  if (!m || !/\d/.test(m[1]!)) return null;
  const n = Number(m[1]!.replace(/,/g, ''));
  return Number.isFinite(n) ? n : null;
}

function ipv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    out.push(Number(p));
  }
  return out;
}

/** IPv4 as dotted decimal, IPv6 in RFC 5952 form (lower case, longest zero run as ::); null if neither. */
export function normalizeAddress(text: string): string | null {
  const s = text.trim();
  const v4 = ipv4(s);
  if (v4) return v4.join('.');
  if (!s.includes(':')) return null;
  let head = s;
  const groups: number[] = [];
  const tailV4 = /:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(s);
  let extra: number[] = [];
  if (tailV4) {
    const b = ipv4(tailV4[1]!);
    if (!b) return null;
    extra = [(b[0]! << 8) | b[1]!, (b[2]! << 8) | b[3]!];
    head = s.slice(0, tailV4.index);
    if (head.endsWith(':')) head += ':';
  }
  const halves = head.split('::');
  if (halves.length > 2) return null;
  const parse = (h: string): number[] | null => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const left = parse(halves[0]!);
  const right = halves.length === 2 ? parse(halves[1]!) : [];
  if (!left || !right) return null;
  const known = left.length + right.length + extra.length;
  if (halves.length === 2) {
    if (known > 7) return null;
    groups.push(...left, ...new Array<number>(8 - known).fill(0), ...right, ...extra);
  } else {
    if (known !== 8) return null;
    groups.push(...left, ...extra);
  }
  // RFC 5952: compress the longest run (2+ groups) of zeros, the first if tied.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}
