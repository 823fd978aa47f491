/**
 * DNS one-liners as tcpdump -n 4.99 prints them (print-domain.c, without -v):
 * query `1234+ [1au] A? www.example.com. (44)`, response `1234 2/0/1 CNAME example.com., A 192.0.2.1 (80)`.
 *
 * A small reader of its own (header, question names with compression, answer RDATA of the
 * common types) rather than the full codec in wire/dns/: tcpdump prints even malformed
 * messages as far as they go, and this must never throw.
 */
import { formatIpv4, formatIpv6 } from './addr.ts';
import { u16, u32 } from './bytes.ts';

/** The types tcpdump 4.99 names (print-domain.c ns_type2str); others print as "Type<n>". */
const TYPE_NAMES: Record<number, string> = {
  1: 'A', 2: 'NS', 3: 'MD', 4: 'MF', 5: 'CNAME', 6: 'SOA', 7: 'MB', 8: 'MG', 9: 'MR', 10: 'NULL', 11: 'WKS', 12: 'PTR', 13: 'HINFO', 14: 'MINFO', 15: 'MX',
  16: 'TXT', 17: 'RP', 18: 'AFSDB', 19: 'X25', 20: 'ISDN', 21: 'RT', 22: 'NSAP', 23: 'NSAP_PTR', 24: 'SIG', 25: 'KEY', 26: 'PX', 27: 'GPOS', 28: 'AAAA',
  29: 'LOC', 30: 'NXT', 31: 'EID', 32: 'NIMLOC', 33: 'SRV', 34: 'ATMA', 35: 'NAPTR', 36: 'KX', 37: 'CERT', 38: 'A6', 39: 'DNAME', 40: 'SINK', 41: 'OPT',
  42: 'APL', 43: 'DS', 44: 'SSHFP', 45: 'IPSECKEY', 46: 'RRSIG', 47: 'NSEC', 48: 'DNSKEY', 99: 'SPF', 100: 'UINFO', 101: 'UID', 102: 'GID', 103: 'UNSPEC',
  104: 'UNSPECA', 249: 'TKEY', 250: 'TSIG', 251: 'IXFR', 252: 'AXFR', 253: 'MAILB', 254: 'MAILA', 255: 'ANY', 256: 'URI',
};
const CLASS_NAMES: Record<number, string> = { 1: 'IN', 3: 'CHAOS', 4: 'HS', 254: 'NONE', 255: 'ANY' };
const OPS = ['', ' inv_q', ' stat', ' op3', ' notify', ' update', ' op6', ' op7', ' op8', ' updateA', ' updateD', ' updateDA', ' updateM', ' updateMA', ' zoneInit', ' zoneRef'];
const RCODES = ['', ' FormErr', ' ServFail', ' NXDomain', ' NotImp', ' Refused', ' YXDomain', ' YXRRSet', ' NXRRSet', ' NotAuth', ' NotZone', ' Resp11', ' Resp12', ' Resp13', ' Resp14', ' NoChange', ' BadVers'];

class Trunc extends Error {}

/** Reads a (possibly compressed) name starting at `off`; returns its text (with final dot) and the offset after it. */
function readName(m: Uint8Array, off: number): { text: string; next: number } {
  let text = '';
  let next = -1;
  let p = off;
  let hops = 0;
  for (;;) {
    if (p >= m.length) throw new Trunc();
    const len = m[p]!;
    if ((len & 0xc0) === 0xc0) {
      if (p + 1 >= m.length) throw new Trunc();
      if (next < 0) next = p + 2;
      p = ((len & 0x3f) << 8) | m[p + 1]!;
      if (++hops > m.length) return { text: `${text}<LOOP>`, next };
      continue;
    }
    if (len === 0) {
      if (next < 0) next = p + 1;
      return { text: text === '' ? '.' : text, next };
    }
    if ((len & 0xc0) !== 0) throw new Trunc();
    if (p + 1 + len > m.length) throw new Trunc();
    for (let i = p + 1; i <= p + len; i++) {
      const c = m[i]!;
      text += c >= 0x20 && c <= 0x7e ? String.fromCharCode(c) : `\\${c.toString(8).padStart(3, '0')}`;
    }
    text += '.';
    p += 1 + len;
  }
}

function skipName(m: Uint8Array, off: number): number {
  return readName(m, off).next;
}

function typeName(t: number): string {
  return TYPE_NAMES[t] ?? `Type${t}`;
}

function question(m: Uint8Array, off: number, mdns: boolean): { text: string; next: number } {
  const name = readName(m, off);
  if (name.next + 4 > m.length) throw new Trunc();
  const type = u16(m, name.next);
  let cls = u16(m, name.next + 2);
  let text = ` ${typeName(type)}`;
  if (mdns && cls & 0x8000) {
    cls &= 0x7fff;
    text += cls === 1 ? ' (QU)' : ` ${CLASS_NAMES[cls] ?? `(Class ${cls})`} (QU)`;
  } else if (cls !== 1) text += ` ${CLASS_NAMES[cls] ?? `(Class ${cls})`}`;
  return { text: `${text}? ${name.text}`, next: name.next + 4 };
}

function record(m: Uint8Array, off: number, mdns: boolean): { text: string; next: number } {
  const after = skipName(m, off);
  if (after + 10 > m.length) throw new Trunc();
  const type = u16(m, after);
  let cls = u16(m, after + 2);
  const rdlen = u16(m, after + 8);
  const rd = after + 10;
  const end = rd + rdlen;
  let text = '';
  if (mdns && cls & 0x8000 && type !== 41) {
    cls &= 0x7fff;
    if (cls !== 1) text += ` ${CLASS_NAMES[cls] ?? `(Class ${cls})`}`;
    text += ' (Cache flush)';
  } else if (cls !== 1 && type !== 41) text += ` ${CLASS_NAMES[cls] ?? `(Class ${cls})`}`;
  text += ` ${typeName(type)}`;
  if (end > m.length) throw new Trunc();
  switch (type) {
    case 1:
      if (rdlen >= 4) text += ` ${formatIpv4(u32(m, rd))}`;
      break;
    case 28:
      if (rdlen >= 16) text += ` ${formatIpv6(m.subarray(rd, rd + 16))}`;
      break;
    case 2:
    case 5:
    case 12:
    case 39:
      text += ` ${readName(m, rd).text}`;
      break;
    case 15:
      text += ` ${readName(m, rd + 2).text} ${u16(m, rd)}`;
      break;
    case 16: {
      let p = rd;
      while (p < end) {
        const l = m[p]!;
        let s = '';
        for (let i = p + 1; i <= p + l && i < end; i++) {
          const c = m[i]!;
          s += c >= 0x20 && c <= 0x7e ? String.fromCharCode(c) : `\\${c.toString(8).padStart(3, '0')}`;
        }
        text += ` "${s}"`;
        p += 1 + l;
      }
      break;
    }
    case 33:
      text += ` ${readName(m, rd + 6).text}:${u16(m, rd + 4)} ${u16(m, rd)} ${u16(m, rd + 2)}`;
      break;
    case 41:
      text += ` UDPsize=${cls}`;
      if (u32(m, after + 4) & 0x8000) text += ' DO';
      break;
    default:
      break;
  }
  return { text, next: end };
}

/**
 * The DNS part of a tcpdump line. `length` is the message length tcpdump prints at the end
 * (the UDP payload length, or the TCP payload minus the 2-byte length prefix).
 */
export function summarizeDns(m: Uint8Array, length: number, _overTcp: boolean, mdns: boolean): string {
  if (length < 12 || m.length < 12) return `domain [length ${length} < 12] (invalid)`;
  const id = u16(m, 0);
  const flags = u16(m, 2);
  const qd = u16(m, 4);
  const an = u16(m, 6);
  const ns = u16(m, 8);
  const ar = u16(m, 10);
  const opcode = (flags >> 11) & 0x0f;
  let out = '';
  try {
    if (flags & 0x8000) {
      const rcode = flags & 0x0f;
      out += `${id}${OPS[opcode]!}${RCODES[rcode] ?? ` Resp${rcode}`}${flags & 0x0400 ? '*' : ''}${flags & 0x0080 ? '' : '-'}${flags & 0x0200 ? '|' : ''}${flags & 0x0020 ? '$' : ''}`;
      if (qd !== 1) out += ` [${qd}q]`;
      let p = 12;
      for (let i = 0; i < qd; i++) p = skipName(m, p) + 4;
      out += ` ${an}/${ns}/${ar}`;
      for (let i = 0; i < an; i++) {
        if (p >= m.length) throw new Trunc();
        const r = record(m, p, mdns);
        out += (i > 0 ? ',' : '') + r.text;
        p = r.next;
      }
    } else {
      out += `${id}${OPS[opcode]!}${flags & 0x0100 ? '+' : ''}${flags & 0x0010 ? '%' : ''}`;
      if (flags & 0x06cf) out += ` [b2&3=0x${flags.toString(16)}]`;
      if (opcode === 1) {
        if (qd) out += ` [${qd}q]`;
        if (an !== 1) out += ` [${an}a]`;
      } else {
        if (an) out += ` [${an}a]`;
        if (qd !== 1) out += ` [${qd}q]`;
      }
      if (ns) out += ` [${ns}n]`;
      if (ar) out += ` [${ar}au]`;
      let p = 12;
      for (let i = 0; i < qd; i++) {
        if (p >= m.length) throw new Trunc();
        const q = question(m, p, mdns);
        out += q.text;
        p = q.next;
      }
    }
  } catch (e) {
    if (e instanceof Trunc) return `${out} [|domain]`;
    throw e;
  }
  return `${out} (${length})`;
}
