/**
 * Inspector tree for DNS messages (RFC 1035 §4.1), over UDP or TCP (RFC 1035 §4.2.2 length
 * prefix). Byte ranges are absolute (`base` + offset in the message); compression pointers
 * (RFC 1035 §4.1.4) show as children of the names that use them. Never throws: the first field
 * that does not fit is a truncated node carrying `error`, and the description stops there.
 */
import type { FieldNode } from '../field.ts';
import { field, hex, truncatedField } from '../field.ts';
import { u16, u32 } from '../bytes.ts';
import { readName } from './names.ts';
import type { NameSegment } from './names.ts';
import { decodeRData } from './rdata.ts';
import { className, fqdn, formatRData, opcodeName, rcodeName, typeName } from './format.ts';
import { describeRDataFields } from './describe-rdata.ts';
import { EDNS_OPTION, ednsOptionName, formatEdnsOption } from './edns.ts';
import { RR_TYPE } from './types.ts';

const RFC = 'RFC 1035 §4.1';

/** Thrown internally when a field does not fit; caught in this module only. */
class Stop {
  constructor(readonly node: FieldNode) {}
}

/** Walks the message, pushing field nodes into the current list. */
export class Walker {
  pos: number;
  constructor(readonly msg: Uint8Array, readonly base: number, start: number, readonly end = msg.length) {
    this.pos = start;
  }
  /** Moves the position past a node that did not fit, so parents enclose it. */
  cover(node: FieldNode): void {
    this.pos = Math.max(this.pos, node.end - this.base);
  }
  need(n: number, key: string, what: string, rfc = RFC): void {
    if (this.pos + n > this.end) throw new Stop(truncatedField(key, what, this.base + this.pos, this.base + Math.min(this.end, this.msg.length), rfc));
  }
  num(out: FieldNode[], size: 1 | 2 | 4, key: string, name: string, meaning?: string, fmt?: (v: number) => string, rfc = RFC): number {
    this.need(size, key, name, rfc);
    const v = size === 1 ? this.msg[this.pos]! : size === 2 ? u16(this.msg, this.pos) : u32(this.msg, this.pos);
    out.push(field({ key, name, value: fmt ? fmt(v) : String(v), start: this.base + this.pos, end: this.base + this.pos + size, rfc, ...(meaning ? { meaning } : {}) }));
    this.pos += size;
    return v;
  }
  bytes(out: FieldNode[], n: number, key: string, name: string, value: string, rfc = RFC, meaning?: string): void {
    this.need(n, key, name, rfc);
    out.push(field({ key, name, value, start: this.base + this.pos, end: this.base + this.pos + n, rfc, ...(meaning ? { meaning } : {}) }));
    this.pos += n;
  }
  /** A domain name, with its compression pointers as children. */
  name(out: FieldNode[], key: string, name: string, allowPointers = true, rfc = RFC): string {
    const r = readName(this.msg.subarray(0, this.end), this.pos, allowPointers);
    const start = this.base + this.pos;
    if (!r.ok) {
      const limit = Math.min(this.end, this.msg.length);
      const end = this.base + Math.min(limit, Math.max(this.pos + 1, r.error.offset !== undefined ? r.error.offset + 1 : limit));
      throw new Stop(field({ key, name, value: '[malformed]', start, end, rfc, error: r.error.message }));
    }
    // Only the pointer written in place (later ones sit in the earlier names it leads to).
    const inPlace = (s: NameSegment): s is Extract<NameSegment, { kind: 'pointer' }> => s.kind === 'pointer' && s.at >= this.pos && s.at < r.value.next;
    const kids = r.value.segments.filter(inPlace).map((s) =>
      field({ key: 'pointer', name: 'Compression pointer', value: `${hex(0xc000 | s.target, 4)} → offset ${s.target}`, start: this.base + s.at, end: this.base + s.at + 2, bitMask: 0x3fff, rfc: 'RFC 1035 §4.1.4', meaning: 'The rest of the name is the name found at this earlier offset in the message, so repeated suffixes are sent once.' }),
    );
    out.push(field({ key, name, value: fqdn(r.value.name), start, end: this.base + r.value.next, rfc, ...(kids.length ? { children: kids } : {}) }));
    this.pos = r.value.next;
    return r.value.name;
  }
}

function flagNodes(w: number, at: number): FieldNode[] {
  const bit = (key: string, name: string, mask: number, value: string, rfc: string, meaning: string): FieldNode =>
    field({ key: `flags.${key}`, name, value, start: at, end: at + 2, bitMask: mask, rfc, meaning });
  const on = (mask: number, yes: string, no: string): string => ((w & mask) !== 0 ? `1 (${yes})` : `0 (${no})`);
  const opcode = (w >> 11) & 0xf;
  return [
    bit('qr', 'Response', 0x8000, on(0x8000, 'response', 'query'), 'RFC 1035 §4.1.1', 'Set in answers, clear in questions.'),
    bit('opcode', 'Opcode', 0x7800, `${opcode} (${opcodeName(opcode)})`, 'RFC 1035 §4.1.1', 'The kind of request: 0 is a standard query.'),
    bit('aa', 'Authoritative', 0x0400, on(0x0400, 'authoritative answer', 'not authoritative'), 'RFC 1035 §4.1.1', 'Set when the answer comes from a server that owns the zone, not from a cache.'),
    bit('tc', 'Truncated', 0x0200, on(0x0200, 'truncated', 'not truncated'), 'RFC 1035 §4.1.1', 'The full answer did not fit; the client should retry over TCP.'),
    bit('rd', 'Recursion desired', 0x0100, on(0x0100, 'do query recursively', 'no recursion'), 'RFC 1035 §4.1.1', 'The client asks the server to chase the answer for it.'),
    bit('ra', 'Recursion available', 0x0080, on(0x0080, 'server can recurse', 'server cannot recurse'), 'RFC 1035 §4.1.1', 'The server offers recursive resolution.'),
    bit('z', 'Z', 0x0040, on(0x0040, 'set', 'reserved'), 'RFC 1035 §4.1.1', 'Reserved; must be zero.'),
    bit('ad', 'Authentic data', 0x0020, on(0x0020, 'validated', 'not validated'), 'RFC 4035 §3.2.3', 'The resolver validated the answer with DNSSEC.'),
    bit('cd', 'Checking disabled', 0x0010, on(0x0010, 'checking disabled', 'checking enabled'), 'RFC 4035 §3.2.2', 'The client asks the resolver not to do DNSSEC validation.'),
    bit('rcode', 'Reply code', 0x000f, `${w & 0xf} (${rcodeName(w & 0xf)})`, 'RFC 1035 §4.1.1', 'Outcome of the query: 0 no error, 3 no such name, ...'),
  ];
}

function describeQuestion(wk: Walker, i: number): FieldNode {
  const kids: FieldNode[] = [];
  const start = wk.base + wk.pos;
  const done = (value: string, err?: FieldNode): FieldNode => {
    if (err) kids.push(err);
    return field({ key: 'question', name: `Question ${i + 1}`, value, start, end: wk.base + wk.pos, rfc: 'RFC 1035 §4.1.2', children: kids, ...(err ? { error: err.error ?? 'truncated' } : {}) });
  };
  try {
    const name = wk.name(kids, 'qname', 'Name');
    const type = wk.num(kids, 2, 'qtype', 'Type', 'The record type asked for.', (v) => `${typeName(v)} (${v})`);
    const cls = wk.num(kids, 2, 'qclass', 'Class', 'The class asked for; IN is the Internet.', (v) => `${className(v)} (${v})`);
    return done(`${fqdn(name)} ${className(cls)} ${typeName(type)}`);
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    wk.cover(e.node);
    return done('[truncated]', e.node);
  }
}

function describeOpt(wk: Walker, kids: FieldNode[], ttlAt: number, rdStart: number, rdLen: number): string {
  const at = wk.base + ttlAt;
  const ttl = u32(wk.msg, ttlAt);
  kids.push(field({ key: 'edns.rcode', name: 'Extended RCODE', value: String(ttl >>> 24), start: at, end: at + 1, rfc: 'RFC 6891 §6.1.3', meaning: 'Upper 8 bits of the 12-bit response code.' }));
  kids.push(field({ key: 'edns.version', name: 'EDNS version', value: String((ttl >>> 16) & 0xff), start: at + 1, end: at + 2, rfc: 'RFC 6891 §6.1.3' }));
  kids.push(field({ key: 'edns.do', name: 'DNSSEC OK', value: ttl & 0x8000 ? '1 (send DNSSEC records)' : '0', start: at + 2, end: at + 4, bitMask: 0x8000, rfc: 'RFC 3225 §3', meaning: 'The client understands DNSSEC and wants signatures in the answer.' }));
  kids.push(field({ key: 'edns.z', name: 'Z', value: hex(ttl & 0x7fff, 4), start: at + 2, end: at + 4, bitMask: 0x7fff, rfc: 'RFC 6891 §6.1.4' }));
  kids.push(field({ key: 'rdlength', name: 'Data length', value: String(rdLen), start: at + 4, end: at + 6, rfc: 'RFC 6891 §6.1.2' }));
  const opts = new Walker(wk.msg, wk.base, rdStart, rdStart + rdLen);
  const names: string[] = [];
  while (opts.pos < opts.end) {
    const okids: FieldNode[] = [];
    const ostart = opts.pos;
    try {
      const code = opts.num(okids, 2, 'option.code', 'Option code', undefined, (v) => `${ednsOptionName(v)} (${v})`, 'RFC 6891 §6.1.2');
      const len = opts.num(okids, 2, 'option.length', 'Option length', undefined, undefined, 'RFC 6891 §6.1.2');
      opts.need(len, 'option.data', 'Option data', 'RFC 6891 §6.1.2');
      const data = wk.msg.slice(opts.pos, opts.pos + len);
      if (code === EDNS_OPTION.COOKIE && len >= 8) {
        opts.bytes(okids, 8, 'cookie.client', 'Client cookie', hexStr(data.subarray(0, 8)), 'RFC 7873 §4');
        if (len > 8) opts.bytes(okids, len - 8, 'cookie.server', 'Server cookie', hexStr(data.subarray(8)), 'RFC 7873 §4');
      } else if (code === EDNS_OPTION.ECS && len >= 4) {
        opts.num(okids, 2, 'ecs.family', 'Family', undefined, (v) => `${v} (${v === 1 ? 'IPv4' : v === 2 ? 'IPv6' : '?'})`, 'RFC 7871 §6');
        opts.num(okids, 1, 'ecs.source', 'Source prefix length', undefined, undefined, 'RFC 7871 §6');
        opts.num(okids, 1, 'ecs.scope', 'Scope prefix length', undefined, undefined, 'RFC 7871 §6');
        if (len > 4) opts.bytes(okids, len - 4, 'ecs.address', 'Address', formatEdnsOption({ code, data }), 'RFC 7871 §6');
      } else if (len > 0) {
        opts.bytes(okids, len, 'option.data', 'Option data', hexStr(data), 'RFC 6891 §6.1.2');
      }
      const text = formatEdnsOption({ code, data });
      names.push(ednsOptionName(code));
      kids.push(field({ key: 'option', name: 'Option', value: text, start: wk.base + ostart, end: wk.base + opts.pos, rfc: 'RFC 6891 §6.1.2', children: okids }));
    } catch (e) {
      if (!(e instanceof Stop)) throw e;
      okids.push(e.node);
      kids.push(field({ key: 'option', name: 'Option', value: '[truncated]', start: wk.base + ostart, end: wk.base + opts.end, error: e.node.error ?? 'truncated', children: okids }));
      break;
    }
  }
  return `OPT udp ${u16(wk.msg, ttlAt - 2)}${ttl & 0x8000 ? ' DO' : ''}${names.length ? ' ' + names.join(' ') : ''}`;
}

function hexStr(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** One resource record; returns the node, whether it ended early, and its summary. */
function describeRecord(wk: Walker, section: string, i: number): { node: FieldNode; stopped: boolean; summary: string } {
  const kids: FieldNode[] = [];
  const start = wk.base + wk.pos;
  let summary = '';
  const node = (value: string, error?: string): FieldNode =>
    field({ key: 'rr', name: `${section} ${i + 1}`, value, start, end: wk.base + wk.pos, rfc: 'RFC 1035 §4.1.3', children: kids, ...(error ? { error } : {}) });
  try {
    const name = wk.name(kids, 'name', 'Name');
    const type = wk.num(kids, 2, 'type', 'Type', 'What kind of data this record holds.', (v) => `${typeName(v)} (${v})`);
    if (type === RR_TYPE.OPT) {
      wk.num(kids, 2, 'edns.udp', 'UDP payload size', 'Largest UDP reply the sender can reassemble (RFC 6891 §6.2.3).', undefined, 'RFC 6891 §6.1.2');
      wk.need(6, 'edns.ttl', 'Extended RCODE and flags', 'RFC 6891 §6.1.3');
      const ttlAt = wk.pos;
      const rdLen = u16(wk.msg, ttlAt + 4);
      wk.pos += 6;
      wk.need(rdLen, 'rdata', 'Options', 'RFC 6891 §6.1.2');
      summary = describeOpt(wk, kids, ttlAt, wk.pos, rdLen);
      wk.pos += rdLen;
      return { node: field({ key: 'opt', name: 'OPT pseudo-record (EDNS)', value: summary, start, end: wk.base + wk.pos, rfc: 'RFC 6891 §6.1', children: kids }), stopped: false, summary };
    }
    const cls = wk.num(kids, 2, 'class', 'Class', 'The protocol family; IN is the Internet.', (v) => `${className(v)} (${v})`);
    const ttl = wk.num(kids, 4, 'ttl', 'Time to live', 'Seconds a cache may keep this record.', (v) => `${v}`);
    const rdLen = wk.num(kids, 2, 'rdlength', 'Data length', 'Length of the record data in octets.');
    wk.need(rdLen, 'rdata', 'Record data');
    const rdStart = wk.pos;
    const rdKids: FieldNode[] = [];
    const d = decodeRData(wk.msg, rdStart, rdLen, type);
    let error: string | undefined;
    let text = `${rdLen} octets`;
    if (d.ok) text = formatRData(d.value);
    else error = d.error.message;
    try {
      describeRDataFields(new Walker(wk.msg, wk.base, rdStart, rdStart + rdLen), rdKids, type);
    } catch (e) {
      if (!(e instanceof Stop)) throw e;
      rdKids.push(e.node);
    }
    kids.push(field({ key: 'rdata', name: 'Record data', value: text, start: wk.base + rdStart, end: wk.base + rdStart + rdLen, rfc: 'RFC 1035 §3.3', children: rdKids, ...(error ? { error } : {}) }));
    wk.pos = rdStart + rdLen;
    summary = `${typeName(type)} ${text}`;
    return { node: node(`${fqdn(name)} ${ttl} ${className(cls)} ${summary}`, error), stopped: false, summary };
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    kids.push(e.node);
    wk.cover(e.node);
    return { node: node('[truncated]', e.node.error ?? 'truncated'), stopped: true, summary };
  }
}

/** Inspector tree for one DNS message starting at absolute offset `base`. Never throws. */
export function describeDns(bytes: Uint8Array, base: number): FieldNode {
  const kids: FieldNode[] = [];
  const wk = new Walker(bytes, base, 0);
  const top = (value: string, error?: string): FieldNode =>
    field({ key: 'dns', name: 'Domain Name System', value, start: base, end: base + Math.min(Math.max(wk.pos, 0), bytes.length), rfc: 'RFC 1035', children: kids, ...(error ? { error } : {}) });
  let id: number;
  let flags: number;
  const counts: number[] = [];
  try {
    id = wk.num(kids, 2, 'id', 'Transaction ID', 'Chosen by the client; the reply carries the same ID so it can be matched.', (v) => hex(v, 4));
    wk.need(2, 'flags', 'Flags');
    flags = u16(bytes, 2);
    kids.push(field({ key: 'flags', name: 'Flags', value: hex(flags, 4), start: base + 2, end: base + 4, rfc: 'RFC 1035 §4.1.1', children: flagNodes(flags, base + 2) }));
    wk.pos = 4;
    const labels: [string, string, string][] = [
      ['qdcount', 'Questions', 'Number of entries in the question section.'],
      ['ancount', 'Answer RRs', 'Number of records in the answer section.'],
      ['nscount', 'Authority RRs', 'Number of records in the authority section (referrals, SOA for negative answers).'],
      ['arcount', 'Additional RRs', 'Number of records in the additional section (glue, OPT).'],
    ];
    for (const [key, name, meaning] of labels) counts.push(wk.num(kids, 2, key, name, meaning));
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    kids.push(e.node);
    wk.cover(e.node);
    return top('[truncated]', e.node.error);
  }
  const isResponse = (flags & 0x8000) !== 0;
  const opcode = (flags >> 11) & 0xf;
  let info = `${opcode === 0 ? 'Standard query' : opcodeName(opcode)}${isResponse ? ' response' : ''} ${hex(id, 4)}`;
  if (isResponse && (flags & 0xf) !== 0) info += ` ${rcodeName(flags & 0xf)}`;
  const qs: FieldNode[] = [];
  const qstart = base + wk.pos;
  let error: string | undefined;
  for (let i = 0; i < counts[0]! && !error; i++) {
    const q = describeQuestion(wk, i);
    qs.push(q);
    if (q.error) error = q.error;
    else info += ` ${q.value.split(' ').slice(2).join(' ')} ${q.value.split(' ')[0]}`;
  }
  if (counts[0]) kids.push(field({ key: 'questions', name: 'Queries', value: `${qs.length}`, start: qstart, end: base + wk.pos, rfc: 'RFC 1035 §4.1.2', children: qs }));
  const sections: [string, string, string][] = [
    ['answers', 'Answers', 'Answer'],
    ['authorities', 'Authoritative nameservers', 'Authority'],
    ['additionals', 'Additional records', 'Additional'],
  ];
  for (let s = 0; s < 3 && !error; s++) {
    const [key, name, one] = sections[s]!;
    const rrs: FieldNode[] = [];
    const sstart = base + wk.pos;
    for (let i = 0; i < counts[s + 1]! && !error; i++) {
      const r = describeRecord(wk, one, i);
      rrs.push(r.node);
      if (r.stopped) error = r.node.error ?? 'truncated';
      else if (s === 0) info += ` ${r.summary}`;
    }
    if (counts[s + 1]) kids.push(field({ key, name, value: `${rrs.length}`, start: sstart, end: base + wk.pos, rfc: 'RFC 1035 §4.1.3', children: rrs }));
  }
  if (!error && wk.pos < bytes.length) {
    kids.push(field({ key: 'trailing', name: 'Trailing data', value: `${bytes.length - wk.pos} octets`, start: base + wk.pos, end: base + bytes.length, error: 'Octets after the last record counted in the header', rfc: RFC }));
    wk.pos = bytes.length;
  }
  return top(info, error);
}

/**
 * DNS over TCP: each message is preceded by a 2-octet length (RFC 1035 §4.2.2). Describes every
 * message in the segment; one cut short by the segment end is described as far as it goes.
 */
export function describeDnsTcp(bytes: Uint8Array, base: number): FieldNode {
  const kids: FieldNode[] = [];
  let pos = 0;
  const infos: string[] = [];
  while (pos < bytes.length) {
    if (pos + 2 > bytes.length) {
      kids.push(truncatedField('length', 'Length', base + pos, base + bytes.length, 'RFC 1035 §4.2.2'));
      break;
    }
    const len = u16(bytes, pos);
    const short = pos + 2 + len > bytes.length;
    kids.push(field({ key: 'length', name: 'Length', value: String(len), start: base + pos, end: base + pos + 2, rfc: 'RFC 1035 §4.2.2', meaning: 'Over TCP each DNS message is preceded by its length, since TCP is a byte stream.', ...(short ? { error: `Message continues past this segment (${bytes.length - pos - 2} of ${len} octets here)` } : {}) }));
    const msg = bytes.subarray(pos + 2, Math.min(bytes.length, pos + 2 + len));
    const d = describeDns(msg, base + pos + 2);
    kids.push(short ? { ...d, value: `${d.value} [partial]` } : d);
    infos.push(d.value);
    pos += 2 + len;
  }
  return field({ key: 'dns', name: 'Domain Name System (TCP)', value: infos.join('; ') || '[no message]', start: base, end: base + bytes.length, rfc: 'RFC 1035 §4.2.2', children: kids });
}
