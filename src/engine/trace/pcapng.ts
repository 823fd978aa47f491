/**
 * pcapng capture writer (draft-ietf-opsawg-pcapng; section numbers below refer to it).
 *
 * Layout, little-endian throughout (byte-order magic 0x1A2B3C4D):
 * - one Section Header Block (§4.1) with shb_userappl = "Stackscope" and the exact section length;
 * - one Interface Description Block (§4.2) per captured interface, written where `addInterface`
 *   is called (so always before the packets that refer to it), with if_name, optional
 *   if_description and if_tsresol = 9 (timestamps in nanoseconds);
 * - one Enhanced Packet Block (§4.3) per packet: interface id, 64-bit timestamp (high/low),
 *   captured/original length, data padded to 32 bits, optional epb_flags (§4.3.1: bits 0-1
 *   direction, 01 = inbound, 10 = outbound) and optional opt_comment.
 *
 * Time works as in pcap.ts: file time = `epochNs` (default 0 = 1970-01-01, bigint for real
 * dates) + simulated `timeNs`; packets must be added in non-decreasing time order across all
 * interfaces (RangeError otherwise, a programming error). Blocks are collected as chunks and
 * concatenated once by `toBytes`.
 */
import { checkTime, checkUint, concatChunks, DEFAULT_SNAPLEN, LINKTYPE_ETHERNET, splitEpoch } from './pcap.ts';
import type { Epoch } from './pcap.ts';
import { utf8Encode } from './utf8.ts';

const BT_SHB = 0x0a0d0d0a;
const BT_IDB = 0x00000001;
const BT_EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

const OPT_ENDOFOPT = 0;
const OPT_COMMENT = 1;
const SHB_USERAPPL = 4;
const IF_NAME = 2;
const IF_DESCRIPTION = 3;
const IF_TSRESOL = 9;
const EPB_FLAGS = 2;

const TSRESOL_NS = 9; // 10^-9 s
const DIRECTION_BITS = { in: 1, out: 2 } as const;
const TWO_32 = 0x1_0000_0000;

interface Option {
  readonly code: number;
  readonly value: Uint8Array;
}

const pad4 = (n: number): number => (n + 3) & ~3;

function stringOption(code: number, s: string): Option {
  const value = utf8Encode(s);
  if (value.length > 0xffff) throw new RangeError(`pcapng option ${code} longer than 65535 bytes`);
  return { code, value };
}

/** Bytes needed for an options list, including opt_endofopt; 0 when there are no options. */
function optionsLength(opts: readonly Option[]): number {
  if (opts.length === 0) return 0;
  let n = 4; // opt_endofopt
  for (const o of opts) n += 4 + pad4(o.value.length);
  return n;
}

/** Writes options (code, length, value, zero padding) plus opt_endofopt at `off`. */
function writeOptions(block: Uint8Array, v: DataView, off: number, opts: readonly Option[]): void {
  if (opts.length === 0) return;
  for (const o of opts) {
    v.setUint16(off, o.code, true);
    v.setUint16(off + 2, o.value.length, true);
    block.set(o.value, off + 4);
    off += 4 + pad4(o.value.length); // padding bytes stay zero
  }
  v.setUint16(off, OPT_ENDOFOPT, true);
  v.setUint16(off + 2, 0, true);
}

/**
 * Allocates a block of `bodyLen` bytes of fixed body plus options, fills in Block Type and both
 * Block Total Length fields (§3.1), writes the options, and returns the block with a view.
 */
function makeBlock(type: number, bodyLen: number, opts: readonly Option[]): { block: Uint8Array; v: DataView } {
  const total = 12 + bodyLen + optionsLength(opts);
  const block = new Uint8Array(total);
  const v = new DataView(block.buffer);
  v.setUint32(0, type, true); // Block Type
  v.setUint32(4, total, true); // Block Total Length
  writeOptions(block, v, 8 + bodyLen, opts);
  v.setUint32(total - 4, total, true); // Block Total Length (trailer)
  return { block, v };
}

interface Iface {
  readonly snaplen: number;
}

export interface PcapngWriterOptions {
  /** shb_userappl; default "Stackscope". */
  application?: string;
  /** Wall-clock time of simulated t=0, in ns since 1970-01-01T00:00:00Z. Default 0. */
  epochNs?: number | bigint;
}

export interface PcapngInterfaceOptions {
  /** if_description. */
  description?: string;
  /** LinkType; default 1 (LINKTYPE_ETHERNET). */
  linktype?: number;
  /** SnapLen; default 262144. Longer frames are cut (original length is kept). */
  snaplen?: number;
}

export interface PcapngPacketOptions {
  /** epb_flags direction bits: 'in' = 01 (inbound), 'out' = 10 (outbound). */
  direction?: 'in' | 'out';
  /** opt_comment. */
  comment?: string;
}

export class PcapngWriter {
  private readonly application: string;
  private readonly epoch: Epoch;
  private readonly ifaces: Iface[] = [];
  private readonly chunks: Uint8Array[] = [];
  private total = 0;
  private packets = 0;
  private lastNs = 0;

  constructor(opts: PcapngWriterOptions = {}) {
    this.application = opts.application ?? 'Stackscope';
    this.epoch = splitEpoch(opts.epochNs);
  }

  /** Number of packets (EPBs) added so far. */
  get count(): number {
    return this.packets;
  }

  /** Writes an Interface Description Block; returns its interface id (0, 1, 2, ... in order). */
  addInterface(name: string, opts: PcapngInterfaceOptions = {}): number {
    const linktype = opts.linktype ?? LINKTYPE_ETHERNET;
    const snaplen = opts.snaplen ?? DEFAULT_SNAPLEN;
    checkUint('linktype', linktype, 0, 0xffff);
    checkUint('snaplen', snaplen, 0, 0xffff_ffff); // 0 = no limit (§4.2)
    const options: Option[] = [stringOption(IF_NAME, name)];
    if (opts.description !== undefined) options.push(stringOption(IF_DESCRIPTION, opts.description));
    options.push({ code: IF_TSRESOL, value: Uint8Array.of(TSRESOL_NS) });
    const { block, v } = makeBlock(BT_IDB, 8, options);
    v.setUint16(8, linktype, true); // LinkType
    v.setUint16(10, 0, true); // Reserved
    v.setUint32(12, snaplen, true); // SnapLen
    this.push(block);
    this.ifaces.push({ snaplen });
    return this.ifaces.length - 1;
  }

  /** Appends one packet on interface `ifaceId` at simulated time `timeNs`. The bytes are copied. */
  add(ifaceId: number, timeNs: number, frame: Uint8Array, opts: PcapngPacketOptions = {}): void {
    const iface = Number.isInteger(ifaceId) ? this.ifaces[ifaceId] : undefined;
    if (iface === undefined) throw new RangeError(`unknown pcapng interface id ${ifaceId}`);
    checkTime(timeNs, this.lastNs);
    if (frame.length >= TWO_32) throw new RangeError('frame longer than 2^32-1 bytes');
    const capLen = iface.snaplen === 0 ? frame.length : Math.min(frame.length, iface.snaplen);

    const options: Option[] = [];
    if (opts.direction !== undefined) {
      const flags = new Uint8Array(4);
      new DataView(flags.buffer).setUint32(0, DIRECTION_BITS[opts.direction], true);
      options.push({ code: EPB_FLAGS, value: flags });
    }
    if (opts.comment !== undefined) options.push(stringOption(OPT_COMMENT, opts.comment));

    // 64-bit timestamp = epoch + timeNs, in exact 32-bit halves (timeNs < 2^53, so no bigint needed).
    const tLo = timeNs % TWO_32;
    let lo = this.epoch.lo + tLo;
    let hi = this.epoch.hi + (timeNs - tLo) / TWO_32;
    if (lo >= TWO_32) {
      lo -= TWO_32;
      hi += 1;
    }
    if (hi >= TWO_32) throw new RangeError('pcapng timestamp overflows 64 bits');

    const { block, v } = makeBlock(BT_EPB, 20 + pad4(capLen), options);
    v.setUint32(8, ifaceId, true); // Interface ID
    v.setUint32(12, hi, true); // Timestamp (High)
    v.setUint32(16, lo, true); // Timestamp (Low)
    v.setUint32(20, capLen, true); // Captured Packet Length
    v.setUint32(24, frame.length, true); // Original Packet Length
    block.set(capLen === frame.length ? frame : frame.subarray(0, capLen), 28); // Packet Data (+ zero padding)
    this.push(block);
    this.packets++;
    this.lastNs = timeNs;
  }

  /** The whole file: the Section Header Block, then every IDB and EPB in the order added. */
  toBytes(): Uint8Array {
    const { block: shb, v } = makeBlock(BT_SHB, 16, [stringOption(SHB_USERAPPL, this.application)]);
    v.setUint32(8, BYTE_ORDER_MAGIC, true); // Byte-Order Magic
    v.setUint16(12, 1, true); // Major Version
    v.setUint16(14, 0, true); // Minor Version
    v.setUint32(16, this.total % TWO_32, true); // Section Length (64-bit): bytes after the SHB
    v.setUint32(20, Math.floor(this.total / TWO_32), true);
    return concatChunks([shb, ...this.chunks], shb.length + this.total);
  }

  private push(block: Uint8Array): void {
    this.chunks.push(block);
    this.total += block.length;
  }
}
