/**
 * IPv4 fragmentation (RFC 791 §3.2, §2.3) and reassembly (RFC 815 hole descriptors).
 *
 * Invariants and choices:
 * - `fragmentIpv4` never looks at DF: the caller checks DF first and sends ICMP "fragmentation
 *   needed" (RFC 792 type 3 code 4) instead. Every link MTU must be >= 68 (RFC 791 §3.2
 *   "every internet module must be able to forward a datagram of 68 octets"); a smaller MTU is a
 *   programming error and throws a RangeError.
 * - Fragment data is cut on 8-byte boundaries; the first fragment keeps all options, later ones
 *   only the options with the copied flag (RFC 791 §3.1). Re-fragmenting a fragment keeps its
 *   offset base and its MF bit on the last piece.
 * - Reassembly is keyed by (src, dst, protocol, ident) (RFC 791 §3.2). The timer starts with
 *   the first fragment seen and is not extended (RFC 1122 §3.3.2 recommends 60-120 s).
 *   A fragment arriving after its reassembly's deadline is not used; `expire` reports that
 *   reassembly (with fragment zero, if received, for ICMP Time Exceeded code 1, RFC 792).
 * - Overlaps: RFC 791 lets later data overwrite earlier data, which is how overlapping-fragment
 *   attacks (teardrop, IDS evasion) work. We follow the RFC 5722 rule written for IPv6: any
 *   overlap abandons the whole reassembly. Exact duplicates (same offset, length and bytes) are
 *   ignored instead, as RFC 8200 §4.5 allows.
 * - Also dropped: a non-last fragment whose data is not a multiple of 8 bytes or is empty; a
 *   datagram that would exceed 65535 bytes (RFC 791 §3.1 Total Length; "ping of death" drops
 *   the whole reassembly); a second last fragment with a different end; data beyond the end.
 *   `lastDrop` says why the latest `push` discarded something.
 * - A packet that is not a fragment (MF = 0, offset 0) is returned by `push` as is (a subarray
 *   of `raw` of Total Length bytes). Completed datagrams are fresh buffers.
 */
import type { Ipv4 } from './addr.ts';
import type { Ipv4Packet, Ipv4Repr } from './ipv4.ts';
import { buildIpv4, ipv4HeaderLen, Ipv4View } from './ipv4.ts';
import { copiedIpv4Options } from './ipv4-options.ts';
import { FragmentSet, ReassemblyTable } from './fragment-set.ts';

/** The smallest MTU every IPv4 link must offer (RFC 791 §3.2). */
export const IPV4_MIN_MTU = 68;
const MAX_DATAGRAM = 65535;

export function fragmentIpv4(repr: Omit<Ipv4Repr, 'payloadLength'>, payload: Uint8Array, mtu: number): Uint8Array[] {
  const firstHl = ipv4HeaderLen({ ...repr, payloadLength: 0 });
  if (firstHl + payload.length <= mtu) return [buildIpv4(repr, payload)];
  if (!(mtu >= IPV4_MIN_MTU)) throw new RangeError(`IPv4 MTU ${mtu} is below the minimum of ${IPV4_MIN_MTU} (RFC 791 §3.2)`);
  const laterOptions = copiedIpv4Options(repr.options);
  const laterHl = ipv4HeaderLen({ ...repr, options: laterOptions, payloadLength: 0 });
  const out: Uint8Array[] = [];
  let pos = 0;
  while (pos < payload.length) {
    const first = pos === 0;
    const room = Math.floor((mtu - (first ? firstHl : laterHl)) / 8) * 8;
    const len = Math.min(room, payload.length - pos);
    const last = pos + len >= payload.length;
    out.push(
      buildIpv4(
        {
          ...repr,
          options: first ? repr.options : laterOptions,
          moreFragments: !last || repr.moreFragments,
          fragmentOffset: repr.fragmentOffset + pos,
        },
        payload.subarray(pos, pos + len),
      ),
    );
    pos += len;
  }
  return out;
}

export interface ReassemblyResult {
  datagram?: Uint8Array /* full reassembled IPv4 packet, header of first fragment with MF=0, offset 0, totalLength and checksum fixed */;
}

export interface ExpiredReassembly {
  src: Ipv4;
  dst: Ipv4;
  protocol: number;
  ident: number;
  firstFragment?: Uint8Array /* raw bytes of fragment 0 if received, for ICMP time exceeded code 1 (RFC 792) */;
}

interface Reassembly {
  src: Ipv4;
  dst: Ipv4;
  protocol: number;
  ident: number;
  deadlineNs: number;
  data: FragmentSet;
  firstHeader?: Uint8Array;
  firstFragment?: Uint8Array;
}

export class Ipv4Reassembler extends ReassemblyTable<Reassembly> {
  push(nowNs: number, packet: Ipv4Packet, raw: Uint8Array): Uint8Array | undefined {
    this.lastDrop = undefined;
    this.lastFragments = 0;
    const r = packet.repr;
    if (!r.moreFragments && r.fragmentOffset === 0) return raw.subarray(0, packet.totalLength);
    const data = packet.payload;
    const start = r.fragmentOffset;
    const end = start + data.length;
    if (r.moreFragments && (data.length === 0 || data.length % 8 !== 0)) {
      return this.drop(`non-last fragment with ${data.length} data bytes (must be a non-zero multiple of 8)`);
    }
    const key = `${r.src}/${r.dst}/${r.protocol}/${r.ident}`;
    let e = this.table.get(key);
    if (e && nowNs >= e.deadlineNs) return this.drop('fragment arrived after the reassembly timer expired');
    if (!e) {
      e = { src: r.src, dst: r.dst, protocol: r.protocol, ident: r.ident, deadlineNs: nowNs + this.timeoutNs, data: new FragmentSet() };
      this.table.set(key, e);
    }
    const hl = start === 0 ? packet.headerLen : (e.firstHeader?.length ?? packet.headerLen);
    if (hl + end > MAX_DATAGRAM) return this.abandon(key, `reassembled datagram would be ${hl + end} bytes (> 65535)`);
    const refused = e.data.add(start, data, r.moreFragments);
    if (refused) return 'drop' in refused ? this.drop(refused.drop) : this.abandon(key, refused.abandon);
    if (start === 0) {
      e.firstHeader = raw.slice(0, packet.headerLen);
      e.firstFragment = raw.slice(0, packet.totalLength);
    }
    if (!e.data.complete || !e.firstHeader) return undefined;
    const total = e.data.total!;
    if (e.firstHeader.length + total > MAX_DATAGRAM) return this.abandon(key, `reassembled datagram would be ${e.firstHeader.length + total} bytes (> 65535)`);
    this.table.delete(key);
    this.lastFragments = e.data.fragments;
    return assemble(e.firstHeader, e.data, total);
  }

  /** Removes and reports every reassembly whose deadline is at or before `nowNs`, oldest first. */
  expire(nowNs: number): ExpiredReassembly[] {
    return this.takeExpired(nowNs).map((e) => ({ src: e.src, dst: e.dst, protocol: e.protocol, ident: e.ident, ...(e.firstFragment ? { firstFragment: e.firstFragment } : {}) }));
  }
}

function assemble(header: Uint8Array, data: FragmentSet, total: number): Uint8Array {
  const out = new Uint8Array(header.length + total);
  out.set(header, 0);
  data.copyInto(out, header.length);
  const v = Ipv4View.unchecked(out);
  v.totalLength = out.length;
  v.moreFragments = false;
  v.fragmentOffset = 0;
  v.fillChecksum();
  return out;
}
