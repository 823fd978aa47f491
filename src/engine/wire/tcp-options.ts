/**
 * TCP options (RFC 9293 §3.1/§3.2): EOL, NOP, MSS (RFC 9293 §3.7.1), Window Scale and Timestamps
 * (RFC 7323 §2.2, §3.2), SACK-Permitted and SACK (RFC 2018 §2, §3), TCP Fast Open (RFC 7413 §4.1.1).
 *
 * Invariants:
 * - `parseTcpOptions` never throws. A length byte below 2, missing, or running past the header is
 *   'malformed' (RFC 9293 §3.2 / RFC 1122 §4.2.2.5). A known kind with an unexpected length
 *   decodes as `unknown`, keeping its bytes, so emit reproduces it exactly.
 * - Parsing stops at EOL, which is kept in the list once; bytes after it are padding.
 * - `emitTcpOptions` writes the options then zero (EOL) padding to a multiple of 4 and cannot
 *   fail into `tcpOptionsLength(options)` bytes. A list that is not a multiple of 4 bytes reads
 *   back with a trailing `eol` (the padding); that is the only repr change a round trip makes.
 * - `describeTcpOptions` never throws.
 */
import type { FieldNode } from './field.ts';
import { field } from './field.ts';
import type { ParseResult } from './result.ts';
import { fail, ok } from './result.ts';
import { u16, u32, put16, put32 } from './bytes.ts';

export const TCP_OPTION_KIND = { EOL: 0, NOP: 1, MSS: 2, WSCALE: 3, SACK_PERMITTED: 4, SACK: 5, TIMESTAMPS: 8, FAST_OPEN: 34 } as const;

/** Byte ranges [start, end) within one kind-length-value option. */
export const TCP_OPTION_FIELD = {
  KIND: [0, 1],
  LENGTH: [1, 2],
  DATA: 2,
} as const;

export type TcpOption =
  | { kind: 'eol' }
  | { kind: 'nop' }
  | { kind: 'mss'; mss: number }
  | { kind: 'wscale'; shift: number }
  | { kind: 'sackPermitted' }
  | { kind: 'sack'; blocks: Array<[left: number, right: number]> }
  | { kind: 'timestamps'; tsval: number; tsecr: number }
  | { kind: 'fastOpen'; cookie: Uint8Array }
  | { kind: 'unknown'; code: number; data: Uint8Array };

/** Maximum shift a receiver honours (RFC 7323 §2.3). */
export const TCP_MAX_WSCALE = 14;


/** Bytes one option occupies on the wire, before padding. */
export function tcpOptionLength(o: TcpOption): number {
  switch (o.kind) {
    case 'eol':
    case 'nop':
      return 1;
    case 'mss':
      return 4;
    case 'wscale':
      return 3;
    case 'sackPermitted':
      return 2;
    case 'sack':
      return 2 + 8 * o.blocks.length;
    case 'timestamps':
      return 10;
    case 'fastOpen':
      return 2 + o.cookie.length;
    case 'unknown':
      return 2 + o.data.length;
  }
}

/** Total option bytes, padded with EOL/zero bytes to a multiple of 4 (RFC 9293 §3.1 "Padding"). */
export function tcpOptionsLength(options: readonly TcpOption[]): number {
  const raw = options.reduce((n, o) => n + tcpOptionLength(o), 0);
  return (raw + 3) & ~3;
}

/** Writes an option's kind and length bytes at `i`; returns the offset of its data. */
function kindLength(buf: Uint8Array, i: number, kind: number, len: number): number {
  buf[i] = kind;
  buf[i + 1] = len;
  return i + 2;
}

/** Writes the options and zero padding at `off`; returns `tcpOptionsLength(options)`. */
export function emitTcpOptions(options: readonly TcpOption[], buf: Uint8Array, off: number): number {
  let i = off;
  for (const o of options) {
    switch (o.kind) {
      case 'eol':
        buf[i++] = TCP_OPTION_KIND.EOL;
        break;
      case 'nop':
        buf[i++] = TCP_OPTION_KIND.NOP;
        break;
      case 'mss':
        i = kindLength(buf, i, TCP_OPTION_KIND.MSS, 4);
        put16(buf, i, o.mss);
        i += 2;
        break;
      case 'wscale':
        i = kindLength(buf, i, TCP_OPTION_KIND.WSCALE, 3);
        buf[i++] = o.shift;
        break;
      case 'sackPermitted':
        i = kindLength(buf, i, TCP_OPTION_KIND.SACK_PERMITTED, 2);
        break;
      case 'sack':
        i = kindLength(buf, i, TCP_OPTION_KIND.SACK, 2 + 8 * o.blocks.length);
        for (const [left, right] of o.blocks) {
          put32(buf, i, left);
          put32(buf, i + 4, right);
          i += 8;
        }
        break;
      case 'timestamps':
        i = kindLength(buf, i, TCP_OPTION_KIND.TIMESTAMPS, 10);
        put32(buf, i, o.tsval);
        put32(buf, i + 4, o.tsecr);
        i += 8;
        break;
      case 'fastOpen':
        i = kindLength(buf, i, TCP_OPTION_KIND.FAST_OPEN, 2 + o.cookie.length);
        buf.set(o.cookie, i);
        i += o.cookie.length;
        break;
      case 'unknown':
        i = kindLength(buf, i, o.code, 2 + o.data.length);
        buf.set(o.data, i);
        i += o.data.length;
        break;
    }
  }
  const end = off + tcpOptionsLength(options);
  buf.fill(0, i, end);
  return end - off;
}

/** Decodes one kind-length-value option's data: the `n` bytes at `buf[at]` (after kind and length). */
function decodeOption(kind: number, buf: Uint8Array, at: number, n: number): TcpOption {
  switch (kind) {
    case TCP_OPTION_KIND.MSS:
      if (n === 2) return { kind: 'mss', mss: u16(buf, at) };
      break;
    case TCP_OPTION_KIND.WSCALE:
      if (n === 1) return { kind: 'wscale', shift: buf[at]! };
      break;
    case TCP_OPTION_KIND.SACK_PERMITTED:
      if (n === 0) return { kind: 'sackPermitted' };
      break;
    case TCP_OPTION_KIND.SACK:
      if (n > 0 && n % 8 === 0) {
        const blocks: Array<[number, number]> = [];
        for (let i = at; i < at + n; i += 8) blocks.push([u32(buf, i), u32(buf, i + 4)]);
        return { kind: 'sack', blocks };
      }
      break;
    case TCP_OPTION_KIND.TIMESTAMPS:
      if (n === 8) return { kind: 'timestamps', tsval: u32(buf, at), tsecr: u32(buf, at + 4) };
      break;
    case TCP_OPTION_KIND.FAST_OPEN:
      // RFC 7413 §4.1.1: empty (a cookie request) or a 4..16-byte cookie.
      if (n === 0 || (n >= 4 && n <= 16)) return { kind: 'fastOpen', cookie: buf.slice(at, at + n) };
      break;
  }
  return { kind: 'unknown', code: kind, data: buf.slice(at, at + n) };
}

/** Parsed EOL and NOP options carry nothing: every parse shares these two (never modified). */
const EOL: TcpOption = { kind: 'eol' };
const NOP: TcpOption = { kind: 'nop' };

/** Parses options in `buf[start, end)` (the header bytes after the fixed 20). Never throws. */
export function parseTcpOptions(buf: Uint8Array, start: number, end: number): ParseResult<TcpOption[]> {
  const out: TcpOption[] = [];
  let i = start;
  while (i < end) {
    const kind = buf[i]!;
    if (kind === TCP_OPTION_KIND.EOL) {
      out.push(EOL);
      break;
    }
    if (kind === TCP_OPTION_KIND.NOP) {
      out.push(NOP);
      i++;
      continue;
    }
    if (i + 1 >= end) return fail('malformed', `TCP option kind ${kind} has no length byte`, i);
    const len = buf[i + 1]!;
    if (len < 2) return fail('malformed', `TCP option kind ${kind} has length ${len} (< 2)`, i + 1);
    if (i + len > end) return fail('malformed', `TCP option kind ${kind} of length ${len} runs past the header`, i + 1);
    out.push(decodeOption(kind, buf, i + 2, len - 2));
    i += len;
  }
  return ok(out);
}

const hexBytes = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** tcpdump-style text for one option: "mss 1460", "sackOK", "TS val 1 ecr 0", "wscale 7", ... */
export function formatTcpOption(o: TcpOption): string {
  switch (o.kind) {
    case 'eol':
      return 'eol';
    case 'nop':
      return 'nop';
    case 'mss':
      return `mss ${o.mss}`;
    case 'wscale':
      return `wscale ${o.shift}`;
    case 'sackPermitted':
      return 'sackOK';
    case 'sack':
      return `sack ${o.blocks.length} ${o.blocks.map(([l, r]) => `{${l}:${r}}`).join('')}`;
    case 'timestamps':
      return `TS val ${o.tsval} ecr ${o.tsecr}`;
    case 'fastOpen':
      return o.cookie.length === 0 ? 'tfo cookiereq' : `tfo cookie ${hexBytes(o.cookie)}`;
    case 'unknown':
      return `opt-${o.code}:${hexBytes(o.data)}`;
  }
}

interface OptionInfo {
  key: string;
  name: string;
  rfc: string;
  meaning: string;
  /** Expected total length, if fixed. */
  length?: number;
}

const OPTION_INFO: Record<number, OptionInfo> = {
  [TCP_OPTION_KIND.EOL]: { key: 'eol', name: 'End of Option List', rfc: 'RFC 9293 §3.2', meaning: 'Marks the end of the options; the remaining header bytes are padding.' },
  [TCP_OPTION_KIND.NOP]: { key: 'nop', name: 'No-Operation', rfc: 'RFC 9293 §3.2', meaning: 'A one-byte filler used to align the next option.' },
  [TCP_OPTION_KIND.MSS]: { key: 'mss', name: 'Maximum segment size', rfc: 'RFC 9293 §3.7.1', meaning: 'The largest segment payload this end is willing to receive (sent on SYN only).', length: 4 },
  [TCP_OPTION_KIND.WSCALE]: { key: 'wscale', name: 'Window scale', rfc: 'RFC 7323 §2.2', meaning: 'The Window field is shifted left by this many bits, allowing windows above 64 KiB (SYN only).', length: 3 },
  [TCP_OPTION_KIND.SACK_PERMITTED]: { key: 'sack_perm', name: 'SACK permitted', rfc: 'RFC 2018 §2', meaning: 'This end understands selective acknowledgments (SYN only).', length: 2 },
  [TCP_OPTION_KIND.SACK]: { key: 'sack', name: 'SACK', rfc: 'RFC 2018 §3', meaning: 'Blocks of data received out of order, so the sender only retransmits the gaps.' },
  [TCP_OPTION_KIND.TIMESTAMPS]: { key: 'timestamp', name: 'Timestamps', rfc: 'RFC 7323 §3.2', meaning: 'Sender\'s clock value and the echo of the peer\'s, used for RTT measurement and to reject old duplicates (PAWS).', length: 10 },
  [TCP_OPTION_KIND.FAST_OPEN]: { key: 'tfo', name: 'TCP Fast Open', rfc: 'RFC 7413 §4.1.1', meaning: 'Requests or carries a cookie that lets a later SYN carry data.' },
};

function describeOne(o: TcpOption, kind: number, at: number, len: number, base: number): FieldNode {
  const info = OPTION_INFO[kind] ?? { key: 'unknown', name: `Unknown (kind ${kind})`, rfc: 'RFC 9293 §3.2', meaning: 'An option this dissector does not know; receivers must skip it using its length.' };
  let error: string | undefined;
  if (o.kind === 'unknown' && OPTION_INFO[kind] !== undefined) error = `Unexpected length ${len} for ${info.name}`;
  if (o.kind === 'wscale' && o.shift > TCP_MAX_WSCALE) error = `Shift ${o.shift} exceeds 14; receivers use 14 (RFC 7323 §2.3)`;
  return field({
    key: `option.${info.key}`,
    name: info.name,
    value: formatTcpOption(o),
    start: base + at,
    end: base + at + len,
    rfc: info.rfc,
    meaning: info.meaning,
    ...(error ? { error } : {}),
  });
}

/**
 * The 'options' node for header bytes `buf[start, end)`, one child per option; an undecodable
 * option gets an error child and stops the walk. Never throws.
 */
export function describeTcpOptions(buf: Uint8Array, start: number, end: number, base: number): FieldNode {
  const kids: FieldNode[] = [];
  const stop = Math.min(end, buf.length);
  let i = start;
  let problem: string | undefined;
  while (i < stop) {
    const kind = buf[i]!;
    if (kind === TCP_OPTION_KIND.EOL || kind === TCP_OPTION_KIND.NOP) {
      kids.push(describeOne(kind === 0 ? { kind: 'eol' } : { kind: 'nop' }, kind, i, 1, base));
      i++;
      if (kind === TCP_OPTION_KIND.EOL) {
        if (i < stop) {
          const meaning = 'Zero bytes after End of Option List that fill the header to a 32-bit boundary.';
          kids.push(field({ key: 'padding', name: 'Padding', value: `${stop - i} bytes`, start: base + i, end: base + stop, rfc: 'RFC 9293 §3.1', meaning }));
        }
        break;
      }
      continue;
    }
    const len = i + 1 < stop ? buf[i + 1]! : -1;
    if (len < 2 || i + len > stop) {
      problem = len < 0 ? `Option kind ${kind} has no length byte` : len < 2 ? `Option kind ${kind} has invalid length ${len}` : `Option kind ${kind} of length ${len} runs past the header`;
      kids.push(
        field({
          key: 'option.malformed',
          name: `Option kind ${kind}`,
          value: '[malformed]',
          start: base + i,
          end: base + stop,
          rfc: 'RFC 9293 §3.2',
          meaning: 'Every option except EOL and NOP carries a length byte of at least 2 that must fit in the header.',
          error: problem,
        }),
      );
      break;
    }
    kids.push(describeOne(decodeOption(kind, buf, i + 2, len - 2), kind, i, len, base));
    i += len;
  }
  const summary = kids.filter((k) => k.key !== 'padding').map((k) => k.value).join(', ');
  return field({
    key: 'options',
    name: 'Options',
    value: `(${end - start} bytes) ${summary}`,
    start: base + start,
    end: base + Math.max(start, stop),
    rfc: 'RFC 9293 §3.1',
    meaning: 'Optional extensions negotiated or carried per segment, padded to a multiple of 4 bytes.',
    ...(end > buf.length ? { error: 'Options run past the captured bytes' } : problem ? { error: problem } : {}),
    children: kids,
  });
}
