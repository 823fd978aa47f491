/**
 * Address Resolution Protocol, RFC 826, for Ethernet (htype 1) and IPv4 (ptype 0x0800).
 *
 * Invariants:
 * - `parseArp` never throws. Other hardware/protocol types or address lengths, and operations
 *   other than REQUEST/REPLY (RARP, InARP, ...), are 'unsupported'; short input is 'truncated'.
 *   Bytes after the 28-byte packet (Ethernet padding) are ignored.
 * - `emitArp` cannot fail into a buffer with ARP_LEN bytes free at `off`.
 * - `ArpView` reads any hlen/plen (the address offsets follow the length fields), so the
 *   inspector can show foreign ARP packets; the typed Mac/Ipv4 getters assume 6/4.
 * - `describeArp` never throws.
 */
import type { FieldNode } from './field.ts';
import { field, hex, truncatedField } from './field.ts';
import type { ParseResult } from './result.ts';
import { fail, ok } from './result.ts';
import type { Ipv4, Mac } from './addr.ts';
import { formatIpv4, formatMac, readIpv4, readMac, writeIpv4, writeMac } from './addr.ts';
import { u16, put16 } from './bytes.ts';

export const ARP_OP = { REQUEST: 1, REPLY: 2 } as const;
export const ARP_LEN = 28;
export const ARP_HTYPE_ETHERNET = 1;
export const ARP_PTYPE_IPV4 = 0x0800;

/** Fixed part, then the Ethernet/IPv4 address positions (hlen 6, plen 4). RFC 826 "Packet format". */
export const ARP_FIELD = {
  HTYPE: [0, 2],
  PTYPE: [2, 4],
  HLEN: 4,
  PLEN: 5,
  OPER: [6, 8],
  SHA: [8, 14],
  SPA: [14, 18],
  THA: [18, 24],
  TPA: [24, 28],
} as const;
const FIXED_LEN = 8;

export interface ArpRepr {
  op: number;
  senderMac: Mac;
  senderIp: Ipv4;
  targetMac: Mac;
  targetIp: Ipv4;
}


/** Zero-copy view; `check` verifies the buffer holds the fixed part and all four addresses. */
export class ArpView {
  private constructor(readonly buf: Uint8Array) {}

  static check(buf: Uint8Array): ParseResult<ArpView> {
    if (buf.length < FIXED_LEN) return fail('truncated', `ARP needs at least 8 bytes, got ${buf.length}`, buf.length);
    const need = FIXED_LEN + 2 * (buf[4]! + buf[5]!);
    if (buf.length < need) return fail('truncated', `ARP with these address lengths needs ${need} bytes, got ${buf.length}`, buf.length);
    return ok(new ArpView(buf));
  }

  static unchecked(buf: Uint8Array): ArpView {
    return new ArpView(buf);
  }

  get htype(): number {
    return u16(this.buf, 0);
  }
  set htype(v: number) {
    put16(this.buf, 0, v);
  }
  get ptype(): number {
    return u16(this.buf, 2);
  }
  set ptype(v: number) {
    put16(this.buf, 2, v);
  }
  get hlen(): number {
    return this.buf[4]!;
  }
  set hlen(v: number) {
    this.buf[4] = v;
  }
  get plen(): number {
    return this.buf[5]!;
  }
  set plen(v: number) {
    this.buf[5] = v;
  }
  get op(): number {
    return u16(this.buf, 6);
  }
  set op(v: number) {
    put16(this.buf, 6, v);
  }
  /** Offsets of sha, spa, tha, tpa for the current hlen/plen. */
  get offsets(): [number, number, number, number] {
    const h = this.hlen;
    const p = this.plen;
    return [FIXED_LEN, FIXED_LEN + h, FIXED_LEN + h + p, FIXED_LEN + 2 * h + p];
  }
  /** Total length implied by hlen/plen (28 for Ethernet/IPv4). */
  get length(): number {
    return FIXED_LEN + 2 * (this.hlen + this.plen);
  }
  get senderMac(): Mac {
    return readMac(this.buf, ARP_FIELD.SHA[0]);
  }
  set senderMac(m: Mac) {
    writeMac(this.buf, ARP_FIELD.SHA[0], m);
  }
  get senderIp(): Ipv4 {
    return readIpv4(this.buf, ARP_FIELD.SPA[0]);
  }
  set senderIp(a: Ipv4) {
    writeIpv4(this.buf, ARP_FIELD.SPA[0], a);
  }
  get targetMac(): Mac {
    return readMac(this.buf, ARP_FIELD.THA[0]);
  }
  set targetMac(m: Mac) {
    writeMac(this.buf, ARP_FIELD.THA[0], m);
  }
  get targetIp(): Ipv4 {
    return readIpv4(this.buf, ARP_FIELD.TPA[0]);
  }
  set targetIp(a: Ipv4) {
    writeIpv4(this.buf, ARP_FIELD.TPA[0], a);
  }
}

export function arpLen(_repr?: ArpRepr): number {
  return ARP_LEN;
}

export function emitArp(repr: ArpRepr, buf: Uint8Array, off = 0): number {
  const v = ArpView.unchecked(buf.subarray(off));
  v.htype = ARP_HTYPE_ETHERNET;
  v.ptype = ARP_PTYPE_IPV4;
  v.hlen = 6;
  v.plen = 4;
  v.op = repr.op;
  v.senderMac = repr.senderMac;
  v.senderIp = repr.senderIp;
  v.targetMac = repr.targetMac;
  v.targetIp = repr.targetIp;
  return ARP_LEN;
}

export function parseArp(buf: Uint8Array): ParseResult<ArpRepr> {
  const checked = ArpView.check(buf);
  if (!checked.ok) return checked;
  const v = checked.value;
  if (v.htype !== ARP_HTYPE_ETHERNET) return fail('unsupported', `ARP hardware type ${v.htype} (only Ethernet = 1)`, 0);
  if (v.ptype !== ARP_PTYPE_IPV4) return fail('unsupported', `ARP protocol type ${hex(v.ptype, 4)} (only IPv4 = 0x0800)`, 2);
  if (v.hlen !== 6) return fail('unsupported', `ARP hardware address length ${v.hlen} (Ethernet is 6)`, 4);
  if (v.plen !== 4) return fail('unsupported', `ARP protocol address length ${v.plen} (IPv4 is 4)`, 5);
  if (v.op !== ARP_OP.REQUEST && v.op !== ARP_OP.REPLY) return fail('unsupported', `ARP operation ${v.op} (only request/reply)`, 6);
  return ok({ op: v.op, senderMac: v.senderMac, senderIp: v.senderIp, targetMac: v.targetMac, targetIp: v.targetIp });
}

const RFC = 'RFC 826 (Packet format)';

function opName(op: number): string {
  return op === 1 ? 'request' : op === 2 ? 'reply' : op === 3 ? 'RARP request' : op === 4 ? 'RARP reply' : 'unknown';
}

function summary(v: ArpView): string {
  if (v.htype !== 1 || v.ptype !== ARP_PTYPE_IPV4 || v.hlen !== 6 || v.plen !== 4) return `${opName(v.op)} (non-Ethernet/IPv4)`;
  const spa = formatIpv4(v.senderIp);
  const tpa = formatIpv4(v.targetIp);
  if (v.op === ARP_OP.REQUEST) return spa === tpa ? `Gratuitous ARP for ${spa}` : `Who has ${tpa}? Tell ${spa}`;
  if (v.op === ARP_OP.REPLY) return `${spa} is at ${formatMac(v.senderMac)}`;
  return opName(v.op);
}

function addrText(buf: Uint8Array, off: number, len: number, kind: 'hw' | 'proto'): string {
  if (kind === 'hw' && len === 6) return formatMac(readMac(buf, off));
  if (kind === 'proto' && len === 4) return formatIpv4(readIpv4(buf, off));
  return len === 0 ? '(empty)' : Array.from(buf.subarray(off, off + len), (b) => b.toString(16).padStart(2, '0')).join(':');
}

export function describeArp(buf: Uint8Array, base = 0): FieldNode {
  const children: FieldNode[] = [];
  const n = buf.length;
  const fixed = (key: string, name: string, start: number, end: number, value: () => string, meaning: string, error?: string): void => {
    if (n < end) children.push(truncatedField(key, name, base + start, base + n, RFC));
    else children.push(field({ key, name, value: value(), start: base + start, end: base + end, rfc: RFC, meaning, ...(error ? { error } : {}) }));
  };
  const htype = n >= 2 ? u16(buf, 0) : 0;
  const ptype = n >= 4 ? u16(buf, 2) : 0;
  fixed('arp.htype', 'Hardware type', 0, 2, () => (htype === 1 ? 'Ethernet (1)' : String(htype)), 'The kind of link-layer address being resolved; 1 is Ethernet.');
  fixed('arp.ptype', 'Protocol type', 2, 4, () => (ptype === ARP_PTYPE_IPV4 ? 'IPv4 (0x0800)' : hex(ptype, 4)), 'The network-layer protocol whose address is being resolved, as an EtherType.');
  fixed('arp.hlen', 'Hardware size', 4, 5, () => String(buf[4]), 'Length in bytes of each hardware address (6 for Ethernet).');
  fixed('arp.plen', 'Protocol size', 5, 6, () => String(buf[5]), 'Length in bytes of each protocol address (4 for IPv4).');
  const op = n >= 8 ? u16(buf, 6) : 0;
  fixed('arp.op', 'Opcode', 6, 8, () => `${opName(op)} (${op})`, 'Request asks who owns the target IP address; reply answers with the sender MAC.');
  const hlen = n >= 5 ? buf[4]! : 6;
  const plen = n >= 6 ? buf[5]! : 4;
  const addrs: Array<[string, string, number, 'hw' | 'proto', string]> = [
    ['arp.sha', 'Sender MAC address', hlen, 'hw', 'The hardware address of the sender; receivers may cache it.'],
    ['arp.spa', 'Sender IP address', plen, 'proto', 'The protocol address of the sender.'],
    ['arp.tha', 'Target MAC address', hlen, 'hw', 'The hardware address being asked for; zero in a request.'],
    ['arp.tpa', 'Target IP address', plen, 'proto', 'The protocol address whose owner should answer.'],
  ];
  let off = FIXED_LEN;
  for (const [key, name, len, kind, meaning] of addrs) {
    const at = off;
    fixed(key, name, at, at + len, () => addrText(buf, at, len, kind), meaning);
    off += len;
  }
  const checked = ArpView.check(buf);
  return field({
    key: 'arp',
    name: 'Address Resolution Protocol',
    value: checked.ok ? summary(checked.value) : '[truncated]',
    start: base,
    end: base + Math.min(n, off),
    rfc: 'RFC 826',
    meaning: 'ARP maps an IPv4 address to the MAC address of the station that owns it on the local link.',
    children,
    ...(checked.ok ? {} : { error: checked.error.message }),
  });
}
