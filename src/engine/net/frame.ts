/**
 * A frame on the simulated wire: real Ethernet bytes (no FCS, padded to 60) plus the uid under
 * which the trace stores them. Frames are immutable once sent: a device that rewrites a packet
 * (router TTL, NAT) sends a new frame whose trace record points at the original as its parent.
 */
export interface Frame {
  readonly uid: number;
  readonly bytes: Uint8Array;
}
