/**
 * Classic libpcap capture writer (draft-ietf-opsawg-pcap; https://wiki.wireshark.org/Development/LibpcapFileFormat).
 *
 * Fixed choices, so the same run always gives the same bytes:
 * - magic 0xa1b23c4d = nanosecond-resolution timestamps, written little-endian (4d 3c b2 a1);
 * - version 2.4, thiszone 0, sigfigs 0, snaplen 262144 and LinkType 1 (LINKTYPE_ETHERNET) by default.
 *
 * Time: `timeNs` is simulated time, integer nanoseconds from 0. The wall-clock time written to the
 * file is `epochNs + timeNs`, where `epochNs` (default 0 = 1970-01-01T00:00:00Z) is a fixed offset the
 * scenario may set. Real dates need more than 2^53 ns, so pass them as a bigint
 * (e.g. `1_700_000_000_000_000_000n`); a plain number must be a safe integer.
 * The engine never reads a clock: the epoch is data, not "now".
 *
 * Records must be added in non-decreasing time order; anything else is a programming error and
 * throws a RangeError (bad packet bytes are never an error: they are captured as given).
 */

const MAGIC_NS = 0xa1b23c4d;
export const DEFAULT_SNAPLEN = 262144;
export const LINKTYPE_ETHERNET = 1;
const GLOBAL_HEADER_LEN = 24;
const RECORD_HEADER_LEN = 16;
const NS_PER_S = 1_000_000_000;
const TWO_32 = 0x1_0000_0000;

/** A capture epoch split into exact parts, so per-packet arithmetic never needs bigint. */
export interface Epoch {
  /** Whole seconds since 1970-01-01T00:00:00Z (a safe integer). */
  readonly sec: number;
  /** Nanoseconds within that second, 0..999_999_999. */
  readonly nsec: number;
  /** epochNs as a 64-bit value split into unsigned 32-bit halves (pcapng timestamps). */
  readonly hi: number;
  readonly lo: number;
}

/** Validates and splits an epoch offset in nanoseconds (see the module comment). */
export function splitEpoch(epochNs: number | bigint = 0): Epoch {
  if (typeof epochNs === 'number' && (!Number.isSafeInteger(epochNs) || epochNs < 0)) {
    throw new RangeError(`epochNs must be a non-negative safe integer (use a bigint for real dates), got ${epochNs}`);
  }
  const e = BigInt(epochNs);
  if (e < 0n || e >= 1n << 64n) throw new RangeError(`epochNs must fit in 64 unsigned bits, got ${e}`);
  return {
    sec: Number(e / 1_000_000_000n),
    nsec: Number(e % 1_000_000_000n),
    hi: Number(e >> 32n),
    lo: Number(e & 0xffff_ffffn),
  };
}

/** Throws a RangeError unless `timeNs` is a non-negative safe integer not before `lastNs`. */
export function checkTime(timeNs: number, lastNs: number): void {
  if (!Number.isSafeInteger(timeNs) || timeNs < 0) {
    throw new RangeError(`timeNs must be a non-negative safe integer (nanoseconds), got ${timeNs}`);
  }
  if (timeNs < lastNs) {
    throw new RangeError(`packets must be added in time order: ${timeNs} ns after ${lastNs} ns`);
  }
}

/** Throws a RangeError unless `v` is an integer in [min, max]. */
export function checkUint(name: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${v}`);
}

/** Concatenates chunks into one array (one allocation). */
export function concatChunks(chunks: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

export interface PcapWriterOptions {
  /** Maximum bytes stored per packet (longer frames are cut; orig_len keeps the real length). */
  snaplen?: number;
  /** LinkType of every packet; default 1 (LINKTYPE_ETHERNET). */
  linktype?: number;
  /** Wall-clock time of simulated t=0, in ns since 1970-01-01T00:00:00Z. Default 0. */
  epochNs?: number | bigint;
}

export class PcapWriter {
  private readonly snaplen: number;
  private readonly linktype: number;
  private readonly epoch: Epoch;
  private readonly chunks: Uint8Array[] = [];
  private total = GLOBAL_HEADER_LEN;
  private lastNs = 0;

  constructor(opts: PcapWriterOptions = {}) {
    this.snaplen = opts.snaplen ?? DEFAULT_SNAPLEN;
    this.linktype = opts.linktype ?? LINKTYPE_ETHERNET;
    checkUint('snaplen', this.snaplen, 1, 0xffff_ffff);
    checkUint('linktype', this.linktype, 0, 0xffff);
    this.epoch = splitEpoch(opts.epochNs);
  }

  /** Number of packet records added so far. */
  get count(): number {
    return this.chunks.length;
  }

  /** Appends one packet seen at simulated time `timeNs`. The frame bytes are copied. */
  add(timeNs: number, frame: Uint8Array): void {
    checkTime(timeNs, this.lastNs);
    const within = timeNs % NS_PER_S; // exact for safe integers
    let nsec = this.epoch.nsec + within;
    let sec = this.epoch.sec + (timeNs - within) / NS_PER_S; // exact division
    if (nsec >= NS_PER_S) {
      nsec -= NS_PER_S;
      sec += 1;
    }
    if (sec >= TWO_32) throw new RangeError(`pcap ts_sec overflows 32 bits (epoch + time is after 2106)`);
    if (frame.length >= TWO_32) throw new RangeError('frame longer than 2^32-1 bytes');
    const capLen = Math.min(frame.length, this.snaplen);
    const rec = new Uint8Array(RECORD_HEADER_LEN + capLen);
    const v = new DataView(rec.buffer);
    v.setUint32(0, sec, true); // ts_sec
    v.setUint32(4, nsec, true); // ts_nsec (nanoseconds: magic 0xa1b23c4d)
    v.setUint32(8, capLen, true); // incl_len: bytes stored
    v.setUint32(12, frame.length, true); // orig_len: bytes on the wire
    rec.set(capLen === frame.length ? frame : frame.subarray(0, capLen), RECORD_HEADER_LEN);
    this.chunks.push(rec);
    this.total += rec.length;
    this.lastNs = timeNs;
  }

  /** The whole capture file: global header followed by every record, in the order added. */
  toBytes(): Uint8Array {
    const header = new Uint8Array(GLOBAL_HEADER_LEN);
    const v = new DataView(header.buffer);
    v.setUint32(0, MAGIC_NS, true); // magic_number
    v.setUint16(4, 2, true); // version_major
    v.setUint16(6, 4, true); // version_minor
    v.setInt32(8, 0, true); // thiszone: timestamps are UTC
    v.setUint32(12, 0, true); // sigfigs
    v.setUint32(16, this.snaplen, true); // snaplen
    v.setUint32(20, this.linktype, true); // network (LinkType)
    return concatChunks([header, ...this.chunks], this.total);
  }
}
