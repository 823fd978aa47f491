/**
 * A frame on the simulated wire: real Ethernet bytes (no FCS, padded to 60) plus the uid under
 * which the trace stores them. Frames are immutable once sent: a device that rewrites a packet
 * (router TTL, NAT) sends a new frame whose trace record points at the original as its parent.
 */
export interface Frame {
  readonly uid: number;
  readonly bytes: Uint8Array;
  /**
   * The frame's last `tailLen` bytes are pattern bytes of stream offsets from `tailOffset` on
   * (bulk TCP payload), exactly as the trace records them lazily: a receiver may take their
   * checksum contribution from the pattern instead of summing them. 0/absent: no such claim.
   */
  readonly tailLen?: number;
  readonly tailOffset?: number;
}

/** Untagged Ethernet II header and minimum frame length without FCS (IEEE 802.3). */
const ETH_HEADER = 14;
const ETH_MIN = 60;

/**
 * Allocates zeroed room for one untagged Ethernet frame carrying an IP packet of `ipLen` bytes
 * (padded to the 60-byte minimum) and returns the view where the packet goes. The bytes in
 * front of the view (the Ethernet header) and after it (padding) are scratch space the link
 * layer fills in place (`IpNode.sendFrame` with `inPlace`), so a packet built into this view
 * reaches the wire without being copied again.
 *
 * Frames are carved from shared slabs (never reused, so always zero) rather than allocated one
 * by one: a separate ArrayBuffer per frame costs an allocation outside the JS heap and makes the
 * garbage collector run far more often. A slab is freed once no frame in it is referenced.
 */
export class FrameSlab {
  /** The current slab, as one view (subarray of a view is cheaper than a view constructor). */
  private slab = new Uint8Array(0);
  private used = 0;

  constructor(private readonly slabBytes = 1 << 16) {}

  /** With `skip`, the view starts that many bytes into the packet (e.g. after its IP header). */
  framedPacket(ipLen: number, skip = 0): Uint8Array {
    const len = Math.max(ETH_MIN, ETH_HEADER + ipLen);
    if (len * 4 > this.slabBytes) return framedPacket(ipLen).subarray(skip);
    if (this.used + len > this.slab.length) {
      this.slab = new Uint8Array(this.slabBytes);
      this.used = 0;
    }
    const start = this.used + ETH_HEADER + skip;
    const view = this.slab.subarray(start, start + ipLen - skip);
    this.used += len;
    return view;
  }

  /**
   * A view of `len` bytes starting `before` bytes in front of `inner`, in `inner`'s buffer (the
   * caller knows they are there, e.g. the headers in front of a `framedPacket` view).
   */
  widen(inner: Uint8Array, before: number, len: number): Uint8Array {
    const start = inner.byteOffset - before;
    if (inner.buffer === this.slab.buffer) return this.slab.subarray(start, start + len);
    return new Uint8Array(inner.buffer, start, len);
  }

  /** `frameAround(packet)`, cheaper for packets in the current slab. */
  frameAround(packet: Uint8Array): Uint8Array | undefined {
    if (packet.buffer !== this.slab.buffer) return frameAround(packet);
    const start = packet.byteOffset - ETH_HEADER;
    const len = Math.max(ETH_MIN, ETH_HEADER + packet.length);
    if (start < 0 || start + len > this.slab.length) return undefined;
    return this.slab.subarray(start, start + len);
  }
}

/** Like `FrameSlab.framedPacket`, with a buffer of its own. */
export function framedPacket(ipLen: number): Uint8Array {
  return new Uint8Array(Math.max(ETH_MIN, ETH_HEADER + ipLen)).subarray(ETH_HEADER, ETH_HEADER + ipLen);
}

/**
 * The whole frame around a packet from `framedPacket` (or a view into one at the same place):
 * the Ethernet header bytes in front of it and the padding after it. Undefined if the buffer
 * has no room for them (the caller then copies).
 */
export function frameAround(packet: Uint8Array): Uint8Array | undefined {
  const start = packet.byteOffset - ETH_HEADER;
  const len = Math.max(ETH_MIN, ETH_HEADER + packet.length);
  if (start < 0 || start + len > packet.buffer.byteLength) return undefined;
  return new Uint8Array(packet.buffer, start, len);
}
