/**
 * IPv4 header options, RFC 791 §3.1 ("Options"), plus Router Alert (RFC 2113 §2.1).
 *
 * Invariants:
 * - `walkIpv4Options` never throws: it returns the options in order or a 'malformed' error whose
 *   offset is relative to the start of the options area (add 20 for an ICMP Parameter Problem
 *   pointer, RFC 792). Single-byte options are EOL (0) and NOP (1); every other option is
 *   type, length (>= 2, covering type and length), data. After EOL the rest is padding.
 * - `copiedIpv4Options` keeps only options whose copied flag (0x80) is set, for fragments after
 *   the first (RFC 791 §3.2); the result is not padded.
 * - `describeIpv4Options` never throws; unknown options are shown raw.
 */
import type { FieldNode } from './field.ts';
import { field, hex } from './field.ts';
import type { ParseResult, WireError } from './result.ts';
import { ok } from './result.ts';
import { formatIpv4, readIpv4 } from './addr.ts';

export const IPV4_OPT = {
  EOL: 0,
  NOP: 1,
  RECORD_ROUTE: 7,
  TIMESTAMP: 68,
  SECURITY: 130,
  LSRR: 131,
  STREAM_ID: 136,
  SSRR: 137,
  ROUTER_ALERT: 148,
} as const;

/** Positions inside one option, relative to its type byte. */
export const IPV4_OPT_FIELD = { TYPE: 0, LENGTH: 1, POINTER: 2, TS_FLAGS: 3, DATA_ROUTE: 3, DATA_TS: 4 } as const;

export interface Ipv4Option {
  type: number;
  /** Offset of the type byte from the start of the options area. */
  offset: number;
  /** Total option length in bytes (1 for EOL/NOP). */
  length: number;
}

export const optionCopied = (type: number): boolean => (type & 0x80) !== 0;

function malformed(list: Ipv4Option[], message: string, offset: number): { list: Ipv4Option[]; error: WireError } {
  return { list, error: { kind: 'malformed', message, offset } };
}

/** Walks as far as the options are well formed; `error` says where and why it stopped early. */
function walk(opts: Uint8Array): { list: Ipv4Option[]; error?: WireError } {
  const list: Ipv4Option[] = [];
  let i = 0;
  while (i < opts.length) {
    const type = opts[i]!;
    if (type === IPV4_OPT.EOL || type === IPV4_OPT.NOP) {
      list.push({ type, offset: i, length: 1 });
      if (type === IPV4_OPT.EOL) break;
      i++;
      continue;
    }
    if (i + 1 >= opts.length) return malformed(list, `IPv4 option ${type} has no length byte`, i);
    const len = opts[i + 1]!;
    if (len < 2) return malformed(list, `IPv4 option ${type} has length ${len} (< 2)`, i + 1);
    if (i + len > opts.length) return malformed(list, `IPv4 option ${type} (length ${len}) overruns the header`, i + 1);
    list.push({ type, offset: i, length: len });
    i += len;
  }
  return { list };
}

export function walkIpv4Options(opts: Uint8Array): ParseResult<Ipv4Option[]> {
  const w = walk(opts);
  return w.error ? { ok: false, error: w.error } : ok(w.list);
}

/** Options to repeat in every fragment after the first: those with the copied flag. Malformed → empty. */
export function copiedIpv4Options(opts: Uint8Array): Uint8Array {
  const walked = walkIpv4Options(opts);
  if (!walked.ok) return new Uint8Array(0);
  const keep = walked.value.filter((o) => optionCopied(o.type));
  const out = new Uint8Array(keep.reduce((n, o) => n + o.length, 0));
  let at = 0;
  for (const o of keep) {
    out.set(opts.subarray(o.offset, o.offset + o.length), at);
    at += o.length;
  }
  return out;
}

const RFC = 'RFC 791 §3.1';

const NAMES: Record<number, [string, string, string]> = {
  0: ['eol', 'End of Option List', 'Marks the end of the options; the rest of the header is padding.'],
  1: ['nop', 'No-Operation', 'A one-byte filler used to align the following option.'],
  7: ['rr', 'Record Route', 'Each router that forwards the packet writes its address into the next free slot.'],
  68: ['ts', 'Timestamp', 'Routers append a millisecond timestamp (and optionally their address) as the packet passes.'],
  130: ['sec', 'Security', 'Carries security classification labels (RFC 791 / RFC 1108); rarely seen today.'],
  131: ['lsrr', 'Loose Source Route', 'The sender lists routers the packet must visit; other hops may be in between.'],
  136: ['sid', 'Stream ID', 'Carried a SATNET stream identifier; obsolete.'],
  137: ['ssrr', 'Strict Source Route', 'The sender lists the exact sequence of routers the packet must visit.'],
  148: ['ra', 'Router Alert', 'Asks every router on the path to look at this packet even though it is not addressed to them.'],
};

function optName(type: number): [string, string, string] {
  return NAMES[type] ?? [`t${type}`, `Unknown option ${type}`, 'An option this inspector does not decode; shown raw.'];
}

function rawHex(b: Uint8Array): string {
  return b.length === 0 ? '(empty)' : Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

function typeNode(key: string, type: number, s: number): FieldNode {
  return field({
    key: `${key}.type`,
    name: 'Type',
    value: `${type} (${hex(type, 2)})`,
    start: s,
    end: s + 1,
    rfc: RFC,
    meaning: 'Option type: copied flag, class and number packed in one byte.',
    children: [
      field({ key: `${key}.copied`, name: 'Copied flag', value: optionCopied(type) ? 'Copied to all fragments' : 'First fragment only', start: s, end: s + 1, bitMask: 0x80, rfc: RFC, meaning: 'Set when the option must be repeated in every fragment.' }),
      field({ key: `${key}.class`, name: 'Class', value: ((type >>> 5) & 3) === 2 ? 'Debugging and measurement (2)' : `${(type >>> 5) & 3}${((type >>> 5) & 3) === 0 ? ' (Control)' : ''}`, start: s, end: s + 1, bitMask: 0x60, rfc: RFC, meaning: 'Option class: 0 is control, 2 is debugging and measurement.' }),
      field({ key: `${key}.number`, name: 'Number', value: type & 0x1f, start: s, end: s + 1, bitMask: 0x1f, rfc: RFC, meaning: 'The option number within its class.' }),
    ],
  });
}

/** Route-style options (RR, LSRR, SSRR): pointer then a list of addresses. */
function routeChildren(key: string, opt: Uint8Array, s: number, rfc: string): FieldNode[] {
  const out: FieldNode[] = [];
  const len = opt.length;
  const ptr = opt[2];
  if (ptr === undefined) return out;
  out.push(field({ key: `${key}.pointer`, name: 'Pointer', value: ptr, start: s + 2, end: s + 3, rfc, meaning: 'One-based offset of the next address slot to use; past the end means the route is full.', ...(ptr < 4 ? { error: 'pointer is smaller than its minimum of 4' } : {}) }));
  for (let at = 3; at + 4 <= len; at += 4) {
    const used = at + 1 < ptr;
    out.push(field({ key: `${key}.addr`, name: used ? 'Recorded/visited address' : 'Address slot', value: formatIpv4(readIpv4(opt, at)) + (at + 1 === ptr ? ' <- next' : ''), start: s + at, end: s + at + 4, rfc, meaning: 'One IPv4 address of the route.' }));
  }
  if ((len - 3) % 4 !== 0) out.push(field({ key: `${key}.trailing`, name: 'Trailing bytes', value: rawHex(opt.subarray(3 + Math.floor((len - 3) / 4) * 4)), start: s + 3 + Math.floor((len - 3) / 4) * 4, end: s + len, rfc, error: 'route data is not a multiple of 4 bytes' }));
  return out;
}

function timestampChildren(key: string, opt: Uint8Array, s: number): FieldNode[] {
  const out: FieldNode[] = [];
  const len = opt.length;
  if (len < 4) return out;
  const ptr = opt[2]!;
  const oflw = opt[3]! >>> 4;
  const flg = opt[3]! & 0x0f;
  out.push(field({ key: `${key}.pointer`, name: 'Pointer', value: ptr, start: s + 2, end: s + 3, rfc: RFC, meaning: 'One-based offset of the next free timestamp slot.', ...(ptr < 5 ? { error: 'pointer is smaller than its minimum of 5' } : {}) }));
  out.push(field({ key: `${key}.oflw`, name: 'Overflow', value: oflw, start: s + 3, end: s + 4, bitMask: 0xf0, rfc: RFC, meaning: 'How many routers could not add a timestamp because the option was full.' }));
  out.push(field({ key: `${key}.flg`, name: 'Flag', value: flg === 0 ? 'Timestamps only (0)' : flg === 1 ? 'Address and timestamp (1)' : flg === 3 ? 'Prespecified addresses (3)' : `${flg} (undefined)`, start: s + 3, end: s + 4, bitMask: 0x0f, rfc: RFC, meaning: 'What each entry holds: just a timestamp, or an address followed by a timestamp.' }));
  const entry = flg === 0 ? 4 : 8;
  for (let at = 4; at + entry <= len; at += entry) {
    const ts = readIpv4(opt, at + entry - 4);
    const tsText = ts & 0x80000000 ? `${ts >>> 0} (non-standard)` : `${ts} ms since midnight UT`;
    const value = entry === 4 ? tsText : `${formatIpv4(readIpv4(opt, at))}: ${tsText}`;
    out.push(field({ key: `${key}.entry`, name: entry === 4 ? 'Timestamp' : 'Address and timestamp', value, start: s + at, end: s + at + entry, rfc: RFC, meaning: 'One recorded hop.' }));
  }
  return out;
}

function describeOne(opts: Uint8Array, o: Ipv4Option, abs: number): FieldNode {
  const [short, name, meaning] = optName(o.type);
  const key = `ipv4.opt.${short}`;
  const s = abs + o.offset;
  const opt = opts.subarray(o.offset, o.offset + o.length);
  if (o.length === 1) {
    return field({ key, name, value: o.type === 0 ? 'End' : 'Padding', start: s, end: s + 1, rfc: RFC, meaning, children: [typeNode(key, o.type, s)] });
  }
  const rfc = o.type === IPV4_OPT.ROUTER_ALERT ? 'RFC 2113 §2.1' : RFC;
  const children: FieldNode[] = [typeNode(key, o.type, s), field({ key: `${key}.len`, name: 'Length', value: o.length, start: s + 1, end: s + 2, rfc, meaning: 'Length of the whole option in bytes, including type and length.' })];
  let value = `${o.length} bytes`;
  let error: string | undefined;
  switch (o.type) {
    case IPV4_OPT.RECORD_ROUTE:
    case IPV4_OPT.LSRR:
    case IPV4_OPT.SSRR: {
      children.push(...routeChildren(key, opt, s, rfc));
      const n = Math.floor((o.length - 3) / 4);
      value = `${n} slot${n === 1 ? '' : 's'}`;
      if (o.length < 3) error = 'route option shorter than 3 bytes';
      break;
    }
    case IPV4_OPT.TIMESTAMP:
      children.push(...timestampChildren(key, opt, s));
      if (o.length < 4) error = 'timestamp option shorter than 4 bytes';
      break;
    case IPV4_OPT.ROUTER_ALERT: {
      if (o.length !== 4) error = 'Router Alert must be 4 bytes long';
      if (o.length >= 4) {
        const v = (opt[2]! << 8) | opt[3]!;
        value = v === 0 ? 'Router shall examine packet (0)' : String(v);
        children.push(field({ key: `${key}.value`, name: 'Value', value, start: s + 2, end: s + 4, rfc, meaning: '0 means every router shall examine the packet.' }));
      }
      break;
    }
    default:
      if (o.length > 2) children.push(field({ key: `${key}.data`, name: 'Data', value: rawHex(opt.subarray(2)), start: s + 2, end: s + o.length, rfc, meaning: 'Option contents, not decoded.' }));
  }
  return field({ key, name, value, start: s, end: s + o.length, rfc, meaning, children, ...(error ? { error } : {}) });
}

/**
 * Describes the options area `buf[start, end)`; `base` is the absolute offset of `buf[0]`.
 * A malformed option ends the walk with an error node covering the remaining bytes.
 */
export function describeIpv4Options(buf: Uint8Array, start: number, end: number, base: number): FieldNode {
  const opts = buf.subarray(start, end);
  const abs = base + start;
  const { list, error } = walk(opts);
  const children: FieldNode[] = [];
  for (const o of list) children.push(describeOne(opts, o, abs));
  const last = list[list.length - 1];
  const consumed = last ? last.offset + last.length : 0;
  if (error) {
    children.push(field({ key: 'ipv4.opt.malformed', name: 'Malformed option', value: rawHex(opts.subarray(consumed)), start: abs + consumed, end: abs + opts.length, rfc: RFC, error: error.message }));
  } else if (consumed < opts.length) {
    const pad = opts.subarray(consumed);
    const zero = pad.every((b) => b === 0);
    children.push(field({ key: 'ipv4.opt.padding', name: 'Padding', value: rawHex(pad), start: abs + consumed, end: abs + opts.length, rfc: RFC, meaning: 'Zero bytes that round the header up to a multiple of 4 bytes.', ...(zero ? {} : { error: 'padding after End of Option List should be zero' }) }));
  }
  const names = list.filter((o) => o.type !== IPV4_OPT.EOL && o.type !== IPV4_OPT.NOP).map((o) => optName(o.type)[1]);
  return field({
    key: 'ipv4.options',
    name: 'Options',
    value: `${opts.length} bytes${names.length ? ': ' + names.join(', ') : ''}`,
    start: abs,
    end: abs + opts.length,
    rfc: RFC,
    meaning: 'Optional header extensions such as Record Route; most packets have none.',
    children,
    ...(error ? { error: error.message } : {}),
  });
}
