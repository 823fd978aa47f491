/**
 * IPv6 fragmentation by the source (RFC 8200 §4.5; routers never fragment, §5) and reassembly
 * at the destination.
 *
 * - The unfragmentable part is the IPv6 header (our senders put no extension headers before the
 *   upper layer); each fragment carries it, then an 8-byte Fragment header (Next Header = the
 *   original one, Fragment Offset in 8-byte units, M flag, 32-bit Identification), then data.
 *   Every fragment but the last holds a multiple of 8 data bytes, as many as the MTU allows:
 *   Linux's ip6_fragment cuts mtu − 40 − 8 rounded down to 8 (1352 bytes for a 1400 MTU).
 * - Reassembly is keyed by (source, destination, Identification) (§4.5). Overlapping fragments
 *   abandon the datagram (RFC 5722); exact duplicates are ignored. The timer starts with the
 *   first fragment and is not extended: 60 s (§4.5, Linux ip6frag_time). A datagram whose
 *   payload would exceed 65535 bytes is abandoned (§4.5: ICMPv6 Parameter Problem is not
 *   modelled).
 * - The reassembled packet is the first fragment's unfragmentable part, its last Next Header
 *   field set to the Fragment header's Next Header, Payload Length fixed, then the data.
 */
import type { Ipv6 } from './addr.ts';
import { put16, put32 } from './bytes.ts';
import { FragmentSet, ReassemblyTable } from './fragment-set.ts';
import type { Ipv6Packet, Ipv6Repr } from './ipv6.ts';
import { buildIpv6, IPV6_HEADER_LEN } from './ipv6.ts';

/** Fragment extension header: Next Header value and length (RFC 8200 §4.5). */
export const IPV6_FRAGMENT_HEADER = 44;
const FRAGMENT_HEADER_LEN = 8;
/** The smallest MTU every IPv6 link must offer (RFC 8200 §5). */
export const IPV6_MIN_MTU = 1280;
const MAX_PAYLOAD = 65535;

/**
 * Splits `payload` (the upper-layer bytes; `repr.nextHeader` is their protocol) into packets of
 * at most `mtu` bytes. Returns the whole packet unchanged when it fits.
 */
export function fragmentIpv6(repr: Omit<Ipv6Repr, 'payloadLength'>, payload: Uint8Array, mtu: number, ident: number): Uint8Array[] {
  if (IPV6_HEADER_LEN + payload.length <= mtu) return [buildIpv6(repr, payload)];
  if (!(mtu >= IPV6_MIN_MTU)) throw new RangeError(`IPv6 MTU ${mtu} is below the minimum of ${IPV6_MIN_MTU} (RFC 8200 §5)`);
  const room = Math.floor((mtu - IPV6_HEADER_LEN - FRAGMENT_HEADER_LEN) / 8) * 8;
  const out: Uint8Array[] = [];
  for (let pos = 0; pos < payload.length; pos += room) {
    const len = Math.min(room, payload.length - pos);
    const more = pos + len < payload.length;
    const body = new Uint8Array(FRAGMENT_HEADER_LEN + len);
    body[0] = repr.nextHeader;
    body[1] = 0;
    put16(body, 2, pos | (more ? 1 : 0));
    put32(body, 4, ident >>> 0);
    body.set(payload.subarray(pos, pos + len), FRAGMENT_HEADER_LEN);
    out.push(buildIpv6({ ...repr, nextHeader: IPV6_FRAGMENT_HEADER }, body));
  }
  return out;
}

export interface ExpiredReassembly6 {
  src: Ipv6;
  dst: Ipv6;
  ident: number;
  /** Raw bytes of the fragment with offset 0, if it arrived (for ICMPv6 Time Exceeded code 1). */
  firstFragment?: Uint8Array;
}

interface Reassembly6 {
  src: Ipv6;
  dst: Ipv6;
  ident: number;
  deadlineNs: number;
  data: FragmentSet;
  /** The first fragment's bytes before its Fragment header, and where its Next Header field is. */
  unfragmentable?: Uint8Array;
  nextHeaderAt?: number;
  upperProtocol?: number;
  firstFragment?: Uint8Array;
}

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

export class Ipv6Reassembler extends ReassemblyTable<Reassembly6> {
  push(nowNs: number, packet: Ipv6Packet, raw: Uint8Array): Uint8Array | undefined {
    this.lastDrop = undefined;
    this.lastFragments = 0;
    const f = packet.fragment;
    if (!f) return raw.subarray(0, IPV6_HEADER_LEN + packet.repr.payloadLength);
    const data = packet.upper;
    const start = f.offset;
    if (f.moreFragments && (data.length === 0 || data.length % 8 !== 0)) {
      // RFC 8200 §4.5 asks for ICMPv6 Parameter Problem code 0 here; we drop and say why.
      return this.drop(`non-last fragment with ${data.length} data bytes (must be a non-zero multiple of 8)`);
    }
    const fh = packet.extHeaders.find((h) => h.type === IPV6_FRAGMENT_HEADER);
    if (!fh) return this.drop('fragment without a Fragment header');
    const key = `${packet.repr.src.join(',')}/${packet.repr.dst.join(',')}/${hex8(f.ident)}`;
    let e = this.table.get(key);
    if (e && nowNs >= e.deadlineNs) return this.drop('fragment arrived after the reassembly timer expired');
    if (!e) {
      e = { src: packet.repr.src, dst: packet.repr.dst, ident: f.ident, deadlineNs: nowNs + this.timeoutNs, data: new FragmentSet() };
      this.table.set(key, e);
    }
    const unfragLen = start === 0 ? fh.offset : (e.unfragmentable?.length ?? fh.offset);
    if (unfragLen - IPV6_HEADER_LEN + start + data.length > MAX_PAYLOAD) return this.abandon(key, `reassembled payload would be ${unfragLen - IPV6_HEADER_LEN + start + data.length} bytes (> 65535)`);
    const refused = e.data.add(start, data, f.moreFragments);
    if (refused) return 'drop' in refused ? this.drop(refused.drop) : this.abandon(key, refused.abandon);
    if (start === 0) {
      e.unfragmentable = raw.slice(0, fh.offset);
      // The Next Header field that names the Fragment header: the IPv6 header's, or the
      // extension header's just before it.
      const before = packet.extHeaders[packet.extHeaders.indexOf(fh) - 1];
      e.nextHeaderAt = before ? before.offset : 6;
      e.upperProtocol = packet.upperProtocol;
      e.firstFragment = raw.slice(0, IPV6_HEADER_LEN + packet.repr.payloadLength);
    }
    if (!e.data.complete || !e.unfragmentable) return undefined;
    this.table.delete(key);
    this.lastFragments = e.data.fragments;
    const total = e.data.total!;
    const out = new Uint8Array(e.unfragmentable.length + total);
    out.set(e.unfragmentable, 0);
    out[e.nextHeaderAt!] = e.upperProtocol!;
    put16(out, 4, out.length - IPV6_HEADER_LEN);
    e.data.copyInto(out, e.unfragmentable.length);
    return out;
  }

  /** Removes and reports every reassembly whose deadline is at or before `nowNs`, oldest first. */
  expire(nowNs: number): ExpiredReassembly6[] {
    return this.takeExpired(nowNs).map((e) => ({ src: e.src, dst: e.dst, ident: e.ident, ...(e.firstFragment ? { firstFragment: e.firstFragment } : {}) }));
  }
}

