/**
 * A frame on the simulated wire: real Ethernet bytes (no FCS, padded to 60) plus the uid under
 * which the trace stores them. Frames are immutable once sent: a device that rewrites a packet
 * (router TTL, NAT) sends a new frame whose trace record points at the original as its parent.
 */
export interface Frame {
  readonly uid: number;
  readonly bytes: Uint8Array;
}

/** Untagged Ethernet II header and minimum frame length without FCS (IEEE 802.3). */
const ETH_HEADER = 14;
const ETH_MIN = 60;

/**
 * Allocates a zeroed buffer for one untagged Ethernet frame carrying an IP packet of `ipLen`
 * bytes (padded to the 60-byte minimum) and returns the view where the packet goes. The bytes
 * in front of the view (the Ethernet header) and after it (padding) are scratch space the link
 * layer fills in place (`IpNode.sendFrame` with `inPlace`), so a packet built into this view
 * reaches the wire without being copied again.
 */
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
