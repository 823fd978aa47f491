/**
 * DNS messages (RFC 1035 §4.1): parse and emit whole messages, with name compression
 * (§4.1.4) and EDNS(0) (RFC 6891).
 *
 * Invariants:
 * - `parseDnsMessage` never throws. Malformed input (bad names, counts larger than the data,
 *   RDATA not matching RDLENGTH, a misplaced or repeated OPT, trailing bytes) returns a typed
 *   error; a server answers those with FORMERR (RFC 6891 §6.1.1 for OPT).
 * - `emitDnsMessage` writes questions, then answer, authority and additional records in order,
 *   the OPT record last in the additional section. With `maxSize`, records that do not fit are
 *   dropped from the end (RFC 1035 §4.2.1, RFC 2181 §9): a partly-fitting RRset is dropped
 *   whole; TC is set when answer or authority data was dropped (not for additional data,
 *   RFC 2181 §9). The header, the question and the OPT record are always kept.
 * - Received TTLs with the top bit set are read as 0 (RFC 2181 §8).
 */
import type { ParseResult } from '../result.ts';
import { fail, ok } from '../result.ts';
import { u16, u32 } from '../bytes.ts';
import type { DnsHeaderFlags, DnsMessage, DnsQuestion, DnsRecord, Edns } from './types.ts';
import { RR_TYPE } from './types.ts';
import { DnsWriter, namesEqual, readName } from './names.ts';
import { decodeRData, encodeRData } from './rdata.ts';
import { decodeOpt, encodeOpt, optRecordLength } from './edns.ts';

/** Largest UDP message without EDNS (RFC 1035 §2.3.4, §4.2.1). */
export const DNS_MAX_UDP_NO_EDNS = 512;
export const DNS_HEADER_LEN = 12;

export interface EmitOptions {
  /** Compress names (RFC 1035 §4.1.4). Default true. */
  compress?: boolean;
  /** Truncate to this many octets (512 without EDNS, else the EDNS payload size). */
  maxSize?: number;
}

/** Flags word (bytes 2–3 of the header, RFC 1035 §4.1.1; AD/CD RFC 4035 §3.2). */
export function encodeFlags(f: DnsHeaderFlags): number {
  return (
    (f.qr ? 0x8000 : 0) |
    ((f.opcode & 0xf) << 11) |
    (f.aa ? 0x0400 : 0) |
    (f.tc ? 0x0200 : 0) |
    (f.rd ? 0x0100 : 0) |
    (f.ra ? 0x0080 : 0) |
    (f.ad ? 0x0020 : 0) |
    (f.cd ? 0x0010 : 0) |
    (f.rcode & 0xf)
  );
}

export function decodeFlags(w: number): DnsHeaderFlags {
  return {
    qr: (w & 0x8000) !== 0,
    opcode: (w >> 11) & 0xf,
    aa: (w & 0x0400) !== 0,
    tc: (w & 0x0200) !== 0,
    rd: (w & 0x0100) !== 0,
    ra: (w & 0x0080) !== 0,
    ad: (w & 0x0020) !== 0,
    cd: (w & 0x0010) !== 0,
    rcode: w & 0xf,
  };
}

/** The 12-bit RCODE: EDNS extended bits above the header's 4 (RFC 6891 §6.1.3). */
export function fullRcode(msg: DnsMessage): number {
  return ((msg.edns?.extendedRcode ?? 0) << 4) | msg.flags.rcode;
}

/** All-false flags with the given overrides. */
export function dnsFlags(overrides: Partial<DnsHeaderFlags> = {}): DnsHeaderFlags {
  return { qr: false, opcode: 0, aa: false, tc: false, rd: false, ra: false, ad: false, cd: false, rcode: 0, ...overrides };
}

function writeRecord(w: DnsWriter, rr: DnsRecord): void {
  w.name(rr.name, true);
  w.u16(rr.type);
  w.u16(rr.class);
  w.u32(rr.ttl >>> 0);
  const lenAt = w.length;
  w.u16(0);
  encodeRData(w, rr.data);
  const len = w.length - lenAt - 2;
  if (len > 0xffff) throw new RangeError(`RDATA of ${len} octets does not fit RDLENGTH`);
  w.patch16(lenAt, len);
}

function sameRrset(a: DnsRecord, b: DnsRecord): boolean {
  return a.type === b.type && a.class === b.class && namesEqual(a.name, b.name);
}

/**
 * Encodes `msg`. Throws RangeError only for an invalid representation (a bad name or address,
 * RDATA over 65535 octets); see the module comment for truncation.
 */
export function emitDnsMessage(msg: DnsMessage, opts: EmitOptions = {}): Uint8Array {
  const w = new DnsWriter(opts.compress ?? true);
  const limit = opts.maxSize ?? Infinity;
  const optLen = msg.edns ? optRecordLength(msg.edns) : 0;
  w.u16(msg.id);
  w.u16(0); // flags, patched below (TC may change)
  w.u16(msg.questions.length);
  for (let i = 0; i < 3; i++) w.u16(0);
  for (const q of msg.questions) {
    w.name(q.name, true);
    w.u16(q.type);
    w.u16(q.class);
  }
  let tc = msg.flags.tc;
  const counts = [0, 0, 0];
  const sections = [msg.answers, msg.authorities, msg.additionals];
  let stopped = false;
  for (let s = 0; s < 3 && !stopped; s++) {
    const written: { rr: DnsRecord; mark: ReturnType<DnsWriter['mark']> }[] = [];
    for (const rr of sections[s]!) {
      const mark = w.mark();
      writeRecord(w, rr);
      if (w.length + optLen <= limit) {
        written.push({ rr, mark });
        continue;
      }
      // RFC 2181 §9: never leave part of an RRset behind.
      let back = mark;
      while (written.length && sameRrset(written[written.length - 1]!.rr, rr)) back = written.pop()!.mark;
      w.rollback(back);
      if (s < 2) tc = true;
      stopped = true;
      break;
    }
    counts[s] = written.length;
  }
  if (msg.edns) encodeOpt(w, msg.edns);
  w.patch16(2, encodeFlags({ ...msg.flags, tc }));
  w.patch16(6, counts[0]!);
  w.patch16(8, counts[1]!);
  w.patch16(10, counts[2]! + (msg.edns ? 1 : 0));
  return w.result();
}

/** Position-annotated parse of one RR header, shared with the describer. */
export interface RrHeader {
  readonly name: string;
  readonly nameStart: number;
  readonly type: number;
  readonly class: number;
  readonly ttl: number;
  /** Offset of RDATA. */
  readonly rdStart: number;
  readonly rdLength: number;
}

export function readRrHeader(msg: Uint8Array, off: number): ParseResult<RrHeader> {
  const n = readName(msg, off);
  if (!n.ok) return n;
  const p = n.value.next;
  if (p + 10 > msg.length) return fail('truncated', `resource record at ${off} is cut short after its name`, p);
  const rdLength = u16(msg, p + 8);
  if (p + 10 + rdLength > msg.length) return fail('truncated', `RDATA of ${rdLength} octets at ${p + 10} runs past the end of the message`, p + 8);
  return ok({ name: n.value.name, nameStart: off, type: u16(msg, p), class: u16(msg, p + 2), ttl: u32(msg, p + 4), rdStart: p + 10, rdLength });
}

const SECTIONS = ['answer', 'authority', 'additional'] as const;

/** Parses a whole DNS message. Never throws. */
export function parseDnsMessage(bytes: Uint8Array): ParseResult<DnsMessage> {
  if (bytes.length < DNS_HEADER_LEN) return fail('truncated', `DNS header needs 12 octets, got ${bytes.length}`, bytes.length);
  const counts = [u16(bytes, 4), u16(bytes, 6), u16(bytes, 8), u16(bytes, 10)];
  let pos = DNS_HEADER_LEN;
  const questions: DnsQuestion[] = [];
  for (let i = 0; i < counts[0]!; i++) {
    const n = readName(bytes, pos);
    if (!n.ok) return fail(n.error.kind, `question ${i + 1}: ${n.error.message}`, n.error.offset);
    pos = n.value.next;
    if (pos + 4 > bytes.length) return fail('truncated', `question ${i + 1} is cut short (QDCOUNT ${counts[0]})`, pos);
    questions.push({ name: n.value.name, type: u16(bytes, pos), class: u16(bytes, pos + 2) });
    pos += 4;
  }
  const lists: DnsRecord[][] = [[], [], []];
  let edns: Edns | undefined;
  for (let s = 0; s < 3; s++) {
    for (let i = 0; i < counts[s + 1]!; i++) {
      const where = `${SECTIONS[s]} record ${i + 1}`;
      const h = readRrHeader(bytes, pos);
      if (!h.ok) return fail(h.error.kind, `${where}: ${h.error.message}`, h.error.offset);
      const rr = h.value;
      pos = rr.rdStart + rr.rdLength;
      if (rr.type === RR_TYPE.OPT) {
        // RFC 6891 §6.1.1: one OPT, in the additional section, owned by the root.
        if (s !== 2) return fail('malformed', `${where}: OPT outside the additional section (RFC 6891 §6.1.1)`, rr.nameStart);
        if (edns) return fail('malformed', `${where}: more than one OPT record (RFC 6891 §6.1.1)`, rr.nameStart);
        if (rr.name !== '.') return fail('malformed', `${where}: OPT owner must be the root, got "${rr.name}" (RFC 6891 §6.1.2)`, rr.nameStart);
        const o = decodeOpt(rr.class, rr.ttl, bytes, rr.rdStart, rr.rdLength);
        if (!o.ok) return fail(o.error.kind, `${where}: ${o.error.message}`, o.error.offset);
        edns = o.value;
        continue;
      }
      const d = decodeRData(bytes, rr.rdStart, rr.rdLength, rr.type);
      if (!d.ok) return fail(d.error.kind, `${where} (${rr.name}): ${d.error.message}`, d.error.offset);
      const ttl = rr.ttl >= 0x80000000 ? 0 : rr.ttl; // RFC 2181 §8
      lists[s]!.push({ name: rr.name, type: rr.type, class: rr.class, ttl, data: d.value });
    }
  }
  if (pos !== bytes.length) return fail('malformed', `${bytes.length - pos} octets after the last record`, pos);
  const msg: DnsMessage = {
    id: u16(bytes, 0),
    flags: decodeFlags(u16(bytes, 2)),
    questions,
    answers: lists[0]!,
    authorities: lists[1]!,
    additionals: lists[2]!,
    ...(edns ? { edns } : {}),
  };
  return ok(msg);
}
