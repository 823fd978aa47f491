/**
 * Per-packet inputs of the qdiscs, read straight from Ethernet frame bytes: the 5-tuple flow
 * hash fq_codel classifies by (RFC 8290 §4.1.1), the ECN field (RFC 3168 §5), and CE marking.
 *
 * Frames are Ethernet II with at most two VLAN tags (802.1Q 0x8100 / 802.1ad 0x88a8), carrying
 * IPv4 (0x0800) or IPv6 (0x86dd). Nothing here throws: short or non-IP frames hash to 0, are not
 * ECN-capable and are returned unmarked. Only `markCe` allocates (its copy).
 */
import { updateChecksum } from '../../wire/checksum.ts';

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
/** Protocols whose first 4 bytes are source and destination port. */
const PORTED = new Set([6 /* TCP */, 17 /* UDP */, 33 /* DCCP */, 132 /* SCTP */, 136 /* UDP-Lite */]);

/** Offset of the IP header (its version nibble says 4 or 6), or -1 for non-IP / truncated frames. */
function ipStart(b: Uint8Array): number {
  let off = 12;
  for (let tags = 0; tags <= 2; tags++) {
    if (b.length < off + 2) return -1;
    const type = (b[off]! << 8) | b[off + 1]!;
    if (type === 0x8100 || type === 0x88a8) {
      off += 4;
      continue;
    }
    if (type === ETHERTYPE_IPV4 && b.length >= off + 22 && b[off + 2]! >> 4 === 4) return off + 2;
    if (type === ETHERTYPE_IPV6 && b.length >= off + 42 && b[off + 2]! >> 4 === 6) return off + 2;
    return -1;
  }
  return -1;
}

function word(b: Uint8Array, i: number): number {
  return ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
}

/** MurmurHash3 (x86, 32-bit) block step. */
function mix(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** MurmurHash3 finaliser (avalanche). */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** IPv6 extension headers walked to find the transport header (RFC 8200 §4). */
const V6_EXT = new Set([0 /* hop-by-hop */, 43 /* routing */, 60 /* destination options */, 51 /* AH */]);
const V6_FRAGMENT = 44;

/**
 * Deterministic 32-bit hash of (src address, dst address, protocol, src port, dst port) under
 * `seed` (MurmurHash3 over the tuple's 32-bit words); 0 for non-IP frames. Ports count only for
 * TCP, UDP, UDP-Lite, SCTP and DCCP, and not in fragments: every fragment of a datagram must land
 * in one flow, so ports count for none of them (as in Linux's flow dissector). IPv6 extension
 * headers are skipped to find the transport protocol. Direction-sensitive (A→B and B→A differ),
 * which suits a per-direction transmit queue. Allocates nothing.
 */
export function flowHashOfFrame(bytes: Uint8Array, seed: number): number {
  const off = ipStart(bytes);
  if (off < 0) return 0;
  const v = bytes[off]! >> 4;
  let h = seed | 0;
  let proto: number;
  let l4: number;
  let ports = true;
  if (v === 4) {
    h = mix(h, word(bytes, off + 12));
    h = mix(h, word(bytes, off + 16));
    const ihl = (bytes[off]! & 0x0f) * 4;
    const fragment = (((bytes[off + 6]! & 0x3f) << 8) | bytes[off + 7]!) !== 0; // MF flag or offset
    proto = bytes[off + 9]!;
    l4 = off + ihl;
    ports = ihl >= 20 && !fragment;
  } else {
    for (let i = 8; i < 40; i += 4) h = mix(h, word(bytes, off + i));
    proto = bytes[off + 6]!;
    l4 = off + 40;
    for (let n = 0; n < 8 && ports; n++) {
      if (bytes.length < l4 + 2) break;
      if (proto === V6_FRAGMENT) ports = false;
      else if (!V6_EXT.has(proto)) break;
      const len = proto === V6_FRAGMENT ? 8 : proto === 51 ? (bytes[l4 + 1]! + 2) * 4 : (bytes[l4 + 1]! + 1) * 8;
      proto = bytes[l4]!;
      l4 += len;
    }
  }
  const havePorts = ports && PORTED.has(proto) && bytes.length >= l4 + 4;
  h = mix(h, (v << 8) | proto);
  h = mix(h, havePorts ? word(bytes, l4) : 0);
  return fmix(h ^ (v === 4 ? 16 : 40));
}

/** The 2-bit ECN field (RFC 3168 §5: 0 Not-ECT, 1 ECT(1), 2 ECT(0), 3 CE), or -1 for non-IP. */
export function ecnField(bytes: Uint8Array): number {
  const off = ipStart(bytes);
  if (off < 0) return -1;
  return bytes[off]! >> 4 === 4 ? bytes[off + 1]! & 3 : (bytes[off + 1]! >> 4) & 3;
}

/** The IP header says ECT(0) or ECT(1): an AQM may mark CE instead of dropping (RFC 3168 §5). */
export function ecnCapable(bytes: Uint8Array): boolean {
  const ecn = ecnField(bytes);
  return ecn === 1 || ecn === 2;
}

/**
 * A copy of the frame with the ECN field set to CE (3). IPv4's header checksum is updated
 * incrementally (RFC 1624 eqn. 3) over the word holding version/IHL and TOS; IPv6 has none.
 * RFC 3168 §5 forbids marking Not-ECT packets, so those (and non-IP frames) come back as an
 * unchanged copy, as do packets already CE.
 */
export function markCe(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  const ecn = ecnField(out);
  if (ecn !== 1 && ecn !== 2) return out;
  const o = ipStart(out);
  if (out[o]! >> 4 === 6) {
    out[o + 1] = out[o + 1]! | 0x30;
    return out;
  }
  const oldWord = (out[o]! << 8) | out[o + 1]!;
  out[o + 1] = out[o + 1]! | 0x03;
  const newWord = (out[o]! << 8) | out[o + 1]!;
  const sum = updateChecksum((out[o + 10]! << 8) | out[o + 11]!, oldWord, newWord);
  out[o + 10] = sum >>> 8;
  out[o + 11] = sum & 0xff;
  return out;
}
