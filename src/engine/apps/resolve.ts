/**
 * Name and address lookup for terminal commands: literal IPv4/IPv6 addresses, or names from
 * the run's hosts table (node names, like an /etc/hosts generated from the topology).
 */
import type { Ipv4, Ipv6 } from '../wire/addr.ts';
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from '../wire/addr.ts';
import type { World } from '../net/world.ts';

export interface Resolved {
  readonly v6: boolean;
  readonly addr: Ipv4 | Ipv6;
  readonly text: string;
  /** The canonical name when the target was a name. */
  readonly name?: string;
  readonly literal: boolean;
}

export function resolveTarget(world: World, target: string, family: 4 | 6 | undefined): Resolved | undefined {
  const v4 = parseIpv4(target);
  if (v4 !== undefined) return family === 6 ? undefined : { v6: false, addr: v4, text: formatIpv4(v4), literal: true };
  const v6 = target.includes(':') ? parseIpv6(target) : undefined;
  if (v6 !== undefined) return family === 4 ? undefined : { v6: true, addr: v6, text: formatIpv6(v6), literal: true };
  const list = world.hosts.byName.get(target);
  if (!list) return undefined;
  for (const text of list) {
    const a4 = parseIpv4(text);
    if (a4 !== undefined && family !== 6) return { v6: false, addr: a4, text, name: target, literal: false };
  }
  for (const text of list) {
    const a6 = parseIpv6(text);
    if (a6 !== undefined && family !== 4) return { v6: true, addr: a6, text, name: target, literal: false };
  }
  return undefined;
}

/** Reverse lookup in the hosts table (getnameinfo with /etc/hosts). */
export function reverseName(world: World, addrText: string): string | undefined {
  return world.hosts.byAddr.get(addrText);
}
