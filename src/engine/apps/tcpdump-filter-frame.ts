/**
 * Bounds-checked frame access for the pcap-filter predicates (tcpdump-filter.ts): where the
 * network header starts is `lo` (14, or 18 after one 802.1Q tag, ...).
 */
import { u16 } from '../wire/bytes.ts';

export const etype = (b: Uint8Array, lo: number): number => (b.length >= lo ? u16(b, lo - 2) : -1);
export const isIp4 = (b: Uint8Array, lo: number): boolean => etype(b, lo) === 0x0800 && b.length >= lo + 20;
export const isIp6 = (b: Uint8Array, lo: number): boolean => etype(b, lo) === 0x86dd && b.length >= lo + 40;
export const isArp = (b: Uint8Array, lo: number, t = 0x0806): boolean => etype(b, lo) === t && b.length >= lo + 28;

/** ip proto / ip6 proto (libpcap also accepts an IPv6 fragment header right before the protocol). */
export function protoMatch(b: Uint8Array, lo: number, proto: number, family: 'ip' | 'ip6' | 'any'): boolean {
  if (family !== 'ip6' && isIp4(b, lo) && b[lo + 9] === proto) return true;
  if (family !== 'ip' && isIp6(b, lo)) return b[lo + 6] === proto || (b[lo + 6] === 44 && b.length > lo + 40 && b[lo + 40] === proto);
  return false;
}

/** Source and destination transport ports of a first fragment / unfragmented TCP, UDP or SCTP packet. */
export function ports(b: Uint8Array, lo: number, protos: readonly number[]): [number, number] | undefined {
  if (isIp4(b, lo) && protos.includes(b[lo + 9]!) && (u16(b, lo + 6) & 0x1fff) === 0) {
    const t = lo + (b[lo]! & 0x0f) * 4;
    return b.length >= t + 4 ? [u16(b, t), u16(b, t + 2)] : undefined;
  }
  if (isIp6(b, lo) && protos.includes(b[lo + 6]!)) return b.length >= lo + 44 ? [u16(b, lo + 40), u16(b, lo + 42)] : undefined;
  return undefined;
}

export function dirMatch(dir: string | undefined, s: boolean, d: boolean): boolean {
  return dir === 'src' ? s : dir === 'dst' ? d : dir === 'src and dst' ? s && d : s || d;
}
