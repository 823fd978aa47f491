/**
 * Ethernet II (DIX) framing, RFC 894 / IEEE 802.3 Clause 3, with an optional IEEE 802.1Q tag.
 *
 * Invariants:
 * - `parseEthernet` never throws: short input is 'truncated', an 802.3 length field
 *   (Length/Type < 0x0600) is 'unsupported' (we speak Ethernet II only).
 * - `emitEthernet` cannot fail into a buffer with `ethernetHeaderLen(repr)` bytes free at `off`.
 * - Frames never include the FCS; `buildFrame` pads to 60 bytes (64 on the wire with the FCS).
 * - A repr whose `ethertype` is VLAN (0x8100) must carry `vlan`; an untagged header with
 *   type 0x8100 would read back as a tagged one.
 * - `describeEthernet` never throws and does not look past the header.
 */
import type { FieldNode } from './field.ts';
import { field, hex, truncatedField } from './field.ts';
import type { ParseResult } from './result.ts';
import { fail, ok } from './result.ts';
import type { Mac } from './addr.ts';
import { formatMac, isMulticastMac, MAC_BROADCAST, readMac, writeMac } from './addr.ts';
import { u16, put16 } from './bytes.ts';

export const ETHERTYPE = { IPV4: 0x0800, ARP: 0x0806, VLAN: 0x8100, IPV6: 0x86dd } as const;

/** Byte ranges [start, end) of the Ethernet II header, and of the 802.1Q tag when present. */
export const ETH_FIELD = {
  DST: [0, 6],
  SRC: [6, 12],
  /** Length/Type; 0x8100 here is the 802.1Q TPID and the real type follows the tag. */
  ETHERTYPE: [12, 14],
  VLAN_TCI: [14, 16],
  VLAN_ETHERTYPE: [16, 18],
} as const;

export const ETH_HEADER_LEN = 14;
export const ETH_VLAN_HEADER_LEN = 18;
export const ETH_MIN_FRAME = 60; // without FCS
/** Length/Type values below this are an IEEE 802.3 length, not an EtherType (802.3 §3.2.6). */
const MIN_ETHERTYPE = 0x0600;

export interface VlanTag {
  pcp: number;
  dei: boolean;
  vid: number;
}
export interface EthernetRepr {
  dst: Mac;
  src: Mac;
  vlan?: VlanTag;
  ethertype: number;
}
export interface EthernetFrame {
  repr: EthernetRepr;
  headerLen: number;
  payload: Uint8Array /* subarray after header, incl. any padding */;
}


/** Zero-copy view of an Ethernet II header. `check` validates the length once. */
export class EthernetView {
  private constructor(readonly buf: Uint8Array) {}

  static check(buf: Uint8Array): ParseResult<EthernetView> {
    if (buf.length < ETH_HEADER_LEN) return fail('truncated', `Ethernet header needs 14 bytes, got ${buf.length}`, buf.length);
    if (u16(buf, 12) === ETHERTYPE.VLAN && buf.length < ETH_VLAN_HEADER_LEN) {
      return fail('truncated', `802.1Q-tagged header needs 18 bytes, got ${buf.length}`, buf.length);
    }
    return ok(new EthernetView(buf));
  }

  /** Wraps a buffer already known to be long enough (e.g. one we are about to emit into). */
  static unchecked(buf: Uint8Array): EthernetView {
    return new EthernetView(buf);
  }

  get dst(): Mac {
    return readMac(this.buf, ETH_FIELD.DST[0]);
  }
  set dst(mac: Mac) {
    writeMac(this.buf, ETH_FIELD.DST[0], mac);
  }
  get src(): Mac {
    return readMac(this.buf, ETH_FIELD.SRC[0]);
  }
  set src(mac: Mac) {
    writeMac(this.buf, ETH_FIELD.SRC[0], mac);
  }
  /** The Length/Type field at offset 12 (0x8100 when tagged). */
  get outerType(): number {
    return u16(this.buf, ETH_FIELD.ETHERTYPE[0]);
  }
  set outerType(v: number) {
    put16(this.buf, ETH_FIELD.ETHERTYPE[0], v);
  }
  get tagged(): boolean {
    return this.outerType === ETHERTYPE.VLAN;
  }
  /** 802.1Q Tag Control Information (only meaningful when `tagged`). */
  get tci(): number {
    return u16(this.buf, ETH_FIELD.VLAN_TCI[0]);
  }
  set tci(v: number) {
    put16(this.buf, ETH_FIELD.VLAN_TCI[0], v);
  }
  get pcp(): number {
    return this.tci >>> 13;
  }
  get dei(): boolean {
    return (this.tci & 0x1000) !== 0;
  }
  get vid(): number {
    return this.tci & 0x0fff;
  }
  /** The EtherType of the payload: after the tag when tagged. */
  get ethertype(): number {
    return this.tagged ? u16(this.buf, ETH_FIELD.VLAN_ETHERTYPE[0]) : this.outerType;
  }
  set ethertype(v: number) {
    put16(this.buf, this.tagged ? ETH_FIELD.VLAN_ETHERTYPE[0] : ETH_FIELD.ETHERTYPE[0], v);
  }
  get headerLen(): number {
    return this.tagged ? ETH_VLAN_HEADER_LEN : ETH_HEADER_LEN;
  }
  get payload(): Uint8Array {
    return this.buf.subarray(this.headerLen);
  }
}

export function ethernetHeaderLen(repr: EthernetRepr): number {
  return repr.vlan ? ETH_VLAN_HEADER_LEN : ETH_HEADER_LEN;
}

function tciOf(tag: VlanTag): number {
  return ((tag.pcp & 7) << 13) | (tag.dei ? 0x1000 : 0) | (tag.vid & 0x0fff);
}

/** Writes the header at `off`; returns its length (14, or 18 with an 802.1Q tag). */
export function emitEthernet(repr: EthernetRepr, buf: Uint8Array, off = 0): number {
  const v = EthernetView.unchecked(buf.subarray(off));
  v.dst = repr.dst;
  v.src = repr.src;
  if (repr.vlan) {
    v.outerType = ETHERTYPE.VLAN;
    v.tci = tciOf(repr.vlan);
  } else {
    v.outerType = repr.ethertype;
  }
  v.ethertype = repr.ethertype;
  return ethernetHeaderLen(repr);
}

export function parseEthernet(buf: Uint8Array): ParseResult<EthernetFrame> {
  const checked = EthernetView.check(buf);
  if (!checked.ok) return checked;
  const v = checked.value;
  const ethertype = v.ethertype;
  if (ethertype < MIN_ETHERTYPE) {
    return fail('unsupported', `IEEE 802.3 length field ${ethertype} (not Ethernet II)`, v.tagged ? 16 : 12);
  }
  const repr: EthernetRepr = { dst: v.dst, src: v.src, ethertype };
  if (v.tagged) repr.vlan = { pcp: v.pcp, dei: v.dei, vid: v.vid };
  return ok({ repr, headerLen: v.headerLen, payload: v.payload });
}

/** Writes an untagged header (the common case of `emitEthernet`, without building a repr) at `off`. */
export function emitEthernetUntagged(dst: Mac, src: Mac, ethertype: number, buf: Uint8Array, off = 0): number {
  writeMac(buf, off + ETH_FIELD.DST[0], dst);
  writeMac(buf, off + ETH_FIELD.SRC[0], src);
  put16(buf, off + ETH_FIELD.ETHERTYPE[0], ethertype);
  return ETH_HEADER_LEN;
}

/** Header + payload, zero-padded to ETH_MIN_FRAME (RFC 894: pad the data to the 46-byte minimum). */
export function buildFrame(repr: EthernetRepr, payload: Uint8Array): Uint8Array {
  const hl = ethernetHeaderLen(repr);
  const out = new Uint8Array(Math.max(ETH_MIN_FRAME, hl + payload.length));
  emitEthernet(repr, out, 0);
  out.set(payload, hl);
  return out;
}

const ETHERTYPE_NAMES: Record<number, string> = {
  0x0800: 'IPv4',
  0x0806: 'ARP',
  0x8100: '802.1Q VLAN',
  0x86dd: 'IPv6',
  0x88a8: '802.1ad QinQ',
  0x8035: 'RARP',
  0x88cc: 'LLDP',
};

export function ethertypeName(t: number): string {
  return ETHERTYPE_NAMES[t] ?? 'Unknown';
}

function macValue(mac: Mac): string {
  const s = formatMac(mac);
  if (mac === MAC_BROADCAST) return `${s} (broadcast)`;
  return isMulticastMac(mac) ? `${s} (multicast)` : s;
}

function macNode(buf: Uint8Array, base: number, which: 'dst' | 'src'): FieldNode {
  const [start, end] = which === 'dst' ? ETH_FIELD.DST : ETH_FIELD.SRC;
  const name = which === 'dst' ? 'Destination' : 'Source';
  const rfc = which === 'dst' ? 'IEEE 802.3 §3.2.4' : 'IEEE 802.3 §3.2.5';
  if (buf.length < end) return truncatedField(`eth.${which}`, name, base + start, base + buf.length, rfc);
  const mac = readMac(buf, start);
  const b0 = buf[start]!;
  return field({
    key: `eth.${which}`,
    name,
    value: macValue(mac),
    start: base + start,
    end: base + end,
    rfc,
    meaning:
      which === 'dst'
        ? 'The MAC address of the station (or group) that should receive this frame.'
        : 'The MAC address of the interface that sent this frame.',
    children: [
      field({
        key: `eth.${which}.lg`,
        name: 'LG bit',
        value: b0 & 2 ? 'Locally administered address' : 'Globally unique address (factory default)',
        start: base + start,
        end: base + start + 1,
        bitMask: 0x02,
        rfc: 'IEEE 802 §8.2',
        meaning: 'Set when the address was assigned locally rather than burned in by the manufacturer.',
      }),
      field({
        key: `eth.${which}.ig`,
        name: 'IG bit',
        value: b0 & 1 ? 'Group address (multicast/broadcast)' : 'Individual address (unicast)',
        start: base + start,
        end: base + start + 1,
        bitMask: 0x01,
        rfc: 'IEEE 802 §8.2',
        meaning: 'Set for group (multicast or broadcast) addresses, clear for a single station.',
      }),
    ],
  });
}

function typeNode(buf: Uint8Array, base: number, at: number, key: string): FieldNode {
  const rfc = 'IEEE 802.3 §3.2.6';
  if (buf.length < at + 2) return truncatedField(key, 'Type', base + at, base + buf.length, rfc);
  const t = u16(buf, at);
  return field({
    key,
    name: 'Type',
    value: t < MIN_ETHERTYPE ? `${t} (IEEE 802.3 length, unsupported)` : `${ethertypeName(t)} (${hex(t, 4)})`,
    start: base + at,
    end: base + at + 2,
    rfc,
    meaning: 'The EtherType names the protocol carried in the payload, e.g. 0x0800 for IPv4.',
    ...(t < MIN_ETHERTYPE ? { error: 'values below 0x0600 are an 802.3 length, not an EtherType' } : {}),
  });
}

function vlanNode(buf: Uint8Array, base: number): FieldNode {
  const [start, end] = ETH_FIELD.VLAN_TCI;
  const rfc = 'IEEE 802.1Q §9.6';
  if (buf.length < end) return truncatedField('eth.vlan', '802.1Q Tag Control Information', base + start, base + buf.length, rfc);
  const tci = u16(buf, start);
  const s = base + start;
  const e = base + end;
  return field({
    key: 'eth.vlan',
    name: '802.1Q Tag Control Information',
    value: `PRI: ${tci >>> 13}, DEI: ${(tci >>> 12) & 1}, ID: ${tci & 0xfff}`,
    start: s,
    end: e,
    rfc,
    meaning: 'The VLAN tag puts the frame in a virtual LAN and gives it a priority.',
    children: [
      field({ key: 'eth.vlan.pcp', name: 'Priority code point', value: tci >>> 13, start: s, end: e, bitMask: 0xe000, rfc, meaning: 'Class of service 0-7 used by switches to prioritise queues.' }),
      field({ key: 'eth.vlan.dei', name: 'Drop eligible indicator', value: (tci >>> 12) & 1, start: s, end: e, bitMask: 0x1000, rfc, meaning: 'Marks frames that may be dropped first under congestion.' }),
      field({ key: 'eth.vlan.vid', name: 'VLAN identifier', value: tci & 0xfff, start: s, end: e, bitMask: 0x0fff, rfc, meaning: 'The VLAN (1-4094) the frame belongs to; 0 means priority tag only.' }),
    ],
  });
}

export function describeEthernet(buf: Uint8Array, base = 0): FieldNode {
  const children: FieldNode[] = [macNode(buf, base, 'dst'), macNode(buf, base, 'src')];
  const tagged = buf.length >= 14 && u16(buf, 12) === ETHERTYPE.VLAN;
  if (tagged) {
    children.push(
      field({
        key: 'eth.tpid',
        name: 'Tag protocol identifier',
        value: `802.1Q (${hex(ETHERTYPE.VLAN, 4)})`,
        start: base + 12,
        end: base + 14,
        rfc: 'IEEE 802.1Q §9.5',
        meaning: 'The value 0x8100 where the type would be says a VLAN tag follows.',
      }),
      vlanNode(buf, base),
      typeNode(buf, base, ETH_FIELD.VLAN_ETHERTYPE[0], 'eth.type'),
    );
  } else {
    children.push(typeNode(buf, base, ETH_FIELD.ETHERTYPE[0], 'eth.type'));
  }
  const hl = tagged ? ETH_VLAN_HEADER_LEN : ETH_HEADER_LEN;
  const complete = buf.length >= hl;
  const value = buf.length >= 12 ? `Src: ${formatMac(readMac(buf, 6))}, Dst: ${formatMac(readMac(buf, 0))}` : '[truncated]';
  return field({
    key: 'eth',
    name: tagged ? 'Ethernet II, 802.1Q' : 'Ethernet II',
    value,
    start: base,
    end: base + Math.min(hl, buf.length),
    rfc: 'RFC 894',
    meaning: 'The link-layer header: which station on this network segment gets the frame and what it carries.',
    children,
    ...(complete ? {} : { error: `Ethernet header truncated: ${buf.length} of ${hl} bytes` }),
  });
}
