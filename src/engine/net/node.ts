/**
 * Base class of every device (host, router, switch). A node owns interfaces and receives
 * whole frames from links; what it does with them is the subclass's business.
 */
import type { Mac } from '../wire/addr.ts';
import type { Frame } from './frame.ts';
import { Interface } from './iface.ts';
import type { World } from './world.ts';

export type NodeKind = 'host' | 'router' | 'switch';

export abstract class Node {
  readonly ifaces: Interface[] = [];

  constructor(
    readonly world: World,
    readonly id: number,
    readonly name: string,
    readonly kind: NodeKind,
  ) {}

  addInterface(name: string, mac: Mac, mtu = 1500): Interface {
    if (this.ifaces.some((i) => i.name === name)) throw new Error(`${this.name} already has an interface ${name}`);
    const iface = new Interface(this.world.ifaces.length, this, name, mac, mtu);
    this.world.ifaces.push(iface);
    this.ifaces.push(iface);
    return iface;
  }

  iface(name: string): Interface | undefined {
    return this.ifaces.find((i) => i.name === name);
  }

  /** Called by a link when the last bit of `frame` has arrived on `iface`. */
  abstract receive(iface: Interface, frame: Frame, now: number): void;

  /** Called once when the simulation starts (t = 0). */
  start(_now: number): void {}
}
