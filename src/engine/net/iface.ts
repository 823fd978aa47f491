/**
 * A network interface: a MAC, an MTU, addresses, and at most one attached link end.
 */
import type { Ipv4, Ipv6, Mac } from '../wire/addr.ts';
import { formatIpv4, formatIpv6 } from '../wire/addr.ts';
import type { Frame } from './frame.ts';
import type { Link } from './link.ts';
import type { Node } from './node.ts';

export interface Ipv4Assignment {
  readonly addr: Ipv4;
  readonly prefixLen: number;
}
export interface Ipv6Assignment {
  readonly addr: Ipv6;
  readonly prefixLen: number;
}

export class Interface {
  link: Link | null = null;
  /** Which end of `link` this interface is (0 = a, 1 = b). */
  side: 0 | 1 = 0;
  readonly ipv4: Ipv4Assignment[] = [];
  readonly ipv6: Ipv6Assignment[] = [];
  up = true;

  constructor(
    readonly id: number,
    readonly node: Node,
    readonly name: string,
    readonly mac: Mac,
    public mtu: number,
  ) {}

  /** "node:eth0", the name used in captures and the trace. */
  get fullName(): string {
    return `${this.node.name}:${this.name}`;
  }

  /** Hands a frame to the attached link (queued if the transmitter is busy). */
  send(frame: Frame): void {
    if (!this.link || !this.up) {
      this.node.world.trace.emit(this.node.world.now, 'link.drop', this.node.id, this.id, frame.uid, -1, 0, 'interface has no link');
      return;
    }
    this.link.transmit(this.side, frame);
  }

  describeAddresses(): string[] {
    return [
      ...this.ipv4.map((a) => `${formatIpv4(a.addr)}/${a.prefixLen}`),
      ...this.ipv6.map((a) => `${formatIpv6(a.addr)}/${a.prefixLen}`),
    ];
  }
}
