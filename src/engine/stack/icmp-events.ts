/**
 * What applications (ping, traceroute, sockets) learn from received ICMP/ICMPv6 messages.
 */
import type { Ipv4, Ipv6 } from '../wire/addr.ts';
import type { QuotedPacket } from './quoted.ts';

export interface IcmpEvent {
  readonly now: number;
  readonly v6: boolean;
  readonly type: number;
  readonly code: number;
  /** Sender of the ICMP message (text form) and its address value. */
  readonly from: string;
  readonly fromAddr: Ipv4 | Ipv6;
  /** TTL / hop limit of the packet that carried the ICMP message. */
  readonly ttl: number;
  /** Length of the ICMP message in bytes (header + body). */
  readonly length: number;
  readonly frameUid: number;
  /** Echo request/reply fields. */
  readonly ident?: number;
  readonly seq?: number;
  readonly data?: Uint8Array;
  /** Next-hop MTU (IPv4 frag needed, RFC 1191) or MTU (ICMPv6 packet too big). */
  readonly mtu?: number;
  /** The offending packet quoted in an error message. */
  readonly quoted?: QuotedPacket;
}
