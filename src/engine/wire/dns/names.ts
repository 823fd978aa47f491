/**
 * Domain names: presentation text ⇄ labels ⇄ wire form, and message compression
 * (RFC 1035 §3.1, §4.1.4, §5.1).
 *
 * A name in the shared representation is presentation text without the trailing dot
 * ("www.example.com"; the root is "."), with RFC 1035 §5.1 escapes (`\.`, `\\`, `\DDD`) for
 * label bytes that are not plain printable characters. `nameToLabels` accepts a trailing dot.
 *
 * Reading (`readName`) never throws. It enforces:
 * - label length ≤ 63; the 0x40/0x80 label types (RFC 6891 §5: extended labels are dead) are
 *   malformed;
 * - a name's wire form (length octets included) ≤ 255 octets (RFC 1035 §3.1);
 * - a compression pointer must point strictly before the start of the label run that
 *   contains it, so every jump goes backwards and loops cannot happen (RFC 1035 §4.1.4: a
 *   pointer refers to a *prior* occurrence); jumps are also capped at 127.
 */
import type { ParseResult } from '../result.ts';
import { fail, ok } from '../result.ts';
import { utf8Encode } from '../../trace/utf8.ts';

export const MAX_LABEL_LEN = 63;
export const MAX_NAME_WIRE_LEN = 255;
const MAX_JUMPS = 127;
/** Offsets ≥ 0x4000 cannot be reached by a 14-bit pointer. */
const MAX_POINTER_TARGET = 0x3fff;

/** A label byte printed with a backslash (BIND's "special" characters). */
const SPECIAL = new Set([0x22, 0x24, 0x28, 0x29, 0x2e, 0x3b, 0x40, 0x5c]);

/** Presentation form of one label (RFC 1035 §5.1 escapes). */
export function escapeLabel(label: Uint8Array): string {
  let s = '';
  for (const b of label) {
    if (SPECIAL.has(b)) s += '\\' + String.fromCharCode(b);
    else if (b <= 0x20 || b >= 0x7f) s += '\\' + String(b).padStart(3, '0');
    else s += String.fromCharCode(b);
  }
  return s;
}

/** Labels (root excluded) → representation string ("." for the root). */
export function labelsToName(labels: readonly Uint8Array[]): string {
  return labels.length === 0 ? '.' : labels.map(escapeLabel).join('.');
}

/**
 * Presentation text → labels (root label excluded). Accepts a trailing dot, `\X` and `\DDD`
 * escapes and non-ASCII text (UTF-8). Returns an error string for empty labels, labels > 63
 * octets, bad escapes and names whose wire form exceeds 255 octets.
 */
export function nameToLabels(name: string): Uint8Array[] | string {
  if (name === '.' || name === '') return [];
  const labels: Uint8Array[] = [];
  let cur: number[] = [];
  let total = 1;
  const finish = (): string | undefined => {
    if (cur.length === 0) return `empty label in "${name}"`;
    if (cur.length > MAX_LABEL_LEN) return `label of ${cur.length} octets in "${name}" (at most 63, RFC 1035 §2.3.4)`;
    total += cur.length + 1;
    labels.push(Uint8Array.from(cur));
    cur = [];
    return undefined;
  };
  let trailingDot = false;
  for (let i = 0; i < name.length; i++) {
    const c = name[i]!;
    if (c === '\\') {
      const d = /^[0-9]{3}/.exec(name.slice(i + 1, i + 4));
      if (d) {
        const v = Number(d[0]);
        if (v > 255) return `escape \\${d[0]} in "${name}" is above 255`;
        cur.push(v);
        i += 3;
      } else if (i + 1 < name.length) {
        const ch = String.fromCodePoint(name.codePointAt(i + 1)!);
        cur.push(...utf8Encode(ch));
        i += ch.length;
      } else {
        return `dangling backslash at the end of "${name}"`;
      }
    } else if (c === '.') {
      const err = finish();
      if (err) return err;
      if (i === name.length - 1) trailingDot = true;
    } else {
      const ch = String.fromCodePoint(name.codePointAt(i)!);
      cur.push(...utf8Encode(ch));
      i += ch.length - 1;
    }
  }
  if (!trailingDot) {
    const err = finish();
    if (err) return err;
  }
  if (total > MAX_NAME_WIRE_LEN) return `name "${name}" is ${total} octets on the wire (at most 255, RFC 1035 §2.3.4)`;
  return labels;
}

/** Canonical representation of a name: escapes normalised, no trailing dot. Undefined if invalid. */
export function normalizeName(name: string): string | undefined {
  const labels = nameToLabels(name);
  return typeof labels === 'string' ? undefined : labelsToName(labels);
}

/** Wire length of a name written without compression. */
export function nameWireLength(labels: readonly Uint8Array[]): number {
  return labels.reduce((n, l) => n + l.length + 1, 1);
}

/** One step of a name on the wire, for the inspector. */
export type NameSegment =
  | { readonly kind: 'label'; readonly at: number; readonly length: number }
  | { readonly kind: 'pointer'; readonly at: number; readonly target: number }
  | { readonly kind: 'root'; readonly at: number };

export interface ReadName {
  readonly name: string;
  readonly labels: readonly Uint8Array[];
  /** Offset just after the name where it started (after the first pointer, if any). */
  readonly next: number;
  /** Every label/pointer/root visited, in reading order. */
  readonly segments: readonly NameSegment[];
}

/**
 * Reads a (possibly compressed) name at `off` in the whole message `msg`. With
 * `allowPointers` false a pointer is malformed (RFC 3597 §4; RFC 4034 §3.1.7, §4.1.1; RFC 9460 §2.2).
 */
export function readName(msg: Uint8Array, off: number, allowPointers = true): ParseResult<ReadName> {
  const labels: Uint8Array[] = [];
  const segments: NameSegment[] = [];
  let pos = off;
  let runStart = off;
  let next = -1;
  let total = 1;
  let jumps = 0;
  for (;;) {
    if (pos >= msg.length) return fail('truncated', `name at ${off} runs past the end of the message`, pos);
    const len = msg[pos]!;
    const kind = len & 0xc0;
    if (len === 0) {
      segments.push({ kind: 'root', at: pos });
      if (next < 0) next = pos + 1;
      break;
    }
    if (kind === 0xc0) {
      if (!allowPointers) return fail('malformed', `compression pointer at ${pos} in a name that must not be compressed (RFC 3597 §4)`, pos);
      if (pos + 2 > msg.length) return fail('truncated', `compression pointer at ${pos} is cut short`, pos);
      const target = ((len & 0x3f) << 8) | msg[pos + 1]!;
      segments.push({ kind: 'pointer', at: pos, target });
      if (target >= runStart) {
        return fail('malformed', `compression pointer at ${pos} to ${target} does not point backwards (RFC 1035 §4.1.4: a prior occurrence)`, pos);
      }
      if (++jumps > MAX_JUMPS) return fail('malformed', `name at ${off} follows more than ${MAX_JUMPS} compression pointers`, pos);
      if (next < 0) next = pos + 2;
      pos = target;
      runStart = target;
      continue;
    }
    if (kind !== 0) return fail('malformed', `label type 0x${kind.toString(16)} at ${pos} is not supported (RFC 6891 §5)`, pos);
    if (pos + 1 + len > msg.length) return fail('truncated', `label at ${pos} (length ${len}) runs past the end of the message`, pos);
    total += len + 1;
    if (total > MAX_NAME_WIRE_LEN) return fail('malformed', `name at ${off} is longer than 255 octets (RFC 1035 §3.1)`, pos);
    segments.push({ kind: 'label', at: pos, length: len });
    labels.push(msg.slice(pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
  return ok({ name: labelsToName(labels), labels, next, segments });
}

/** ASCII case folding for compression keys and comparisons (RFC 4343). */
function lowerLabel(l: Uint8Array): string {
  let s = '';
  for (const b of l) s += String.fromCharCode(b >= 0x41 && b <= 0x5a ? b + 32 : b);
  return s;
}

/** Case-insensitive equality of two representation names (RFC 4343). */
export function namesEqual(a: string, b: string): boolean {
  const la = nameToLabels(a);
  const lb = nameToLabels(b);
  if (typeof la === 'string' || typeof lb === 'string') return a.toLowerCase() === b.toLowerCase();
  return la.length === lb.length && la.every((l, i) => lowerLabel(l) === lowerLabel(lb[i]!));
}

/** A growable output buffer with a compression table (RFC 1035 §4.1.4). */
export class DnsWriter {
  private buf = new Uint8Array(512);
  length = 0;
  /** Name suffix key (exact bytes: case is preserved, so compressed names read back unchanged) → offset. */
  private readonly table = new Map<string, number>();
  private readonly added: string[] = [];

  constructor(readonly compress: boolean) {}

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.length));
    this.buf = b;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.length++] = v & 0xff;
  }
  u16(v: number): void {
    this.ensure(2);
    this.buf[this.length++] = (v >>> 8) & 0xff;
    this.buf[this.length++] = v & 0xff;
  }
  u32(v: number): void {
    this.u16(Math.floor(v / 0x10000) & 0xffff);
    this.u16(v & 0xffff);
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  /** Overwrites a 16-bit value already written (RDLENGTH, counts). */
  patch16(at: number, v: number): void {
    this.buf[at] = (v >>> 8) & 0xff;
    this.buf[at + 1] = v & 0xff;
  }

  /**
   * Writes a name. With `compressible` (and compression on) the longest known suffix becomes a
   * pointer and new suffixes are remembered; otherwise the name is written in full.
   * Throws RangeError for a name that is not valid presentation text.
   */
  name(name: string, compressible: boolean): void {
    const labels = nameToLabels(name);
    if (typeof labels === 'string') throw new RangeError(`invalid DNS name: ${labels}`);
    this.labels(labels, compressible);
  }

  labels(labels: readonly Uint8Array[], compressible: boolean): void {
    const useTable = this.compress && compressible;
    const keys: string[] = [];
    if (useTable) {
      let key = '';
      for (let i = labels.length - 1; i >= 0; i--) {
        key = escapeLabel(labels[i]!) + '.' + key;
        keys[i] = key;
      }
    }
    for (let i = 0; i < labels.length; i++) {
      if (useTable) {
        const hit = this.table.get(keys[i]!);
        if (hit !== undefined) {
          this.u16(0xc000 | hit);
          return;
        }
        if (this.length <= MAX_POINTER_TARGET) {
          this.table.set(keys[i]!, this.length);
          this.added.push(keys[i]!);
        }
      }
      this.u8(labels[i]!.length);
      this.bytes(labels[i]!);
    }
    this.u8(0);
  }

  /** A restore point: `rollback(mark)` forgets everything written (and learned) after it. */
  mark(): { length: number; added: number } {
    return { length: this.length, added: this.added.length };
  }
  rollback(m: { length: number; added: number }): void {
    this.length = m.length;
    while (this.added.length > m.added) this.table.delete(this.added.pop()!);
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** Case-folded key of a name, for maps keyed by name (RFC 4343). Invalid names fold as text. */
export function nameKey(name: string): string {
  const labels = nameToLabels(name);
  if (typeof labels === 'string') return name.toLowerCase();
  return labels.length === 0 ? '.' : labels.map((l) => escapeLabel(Uint8Array.from(lowerLabel(l), (c) => c.charCodeAt(0)))).join('.');
}
