/**
 * Name and address lookup for terminal commands: literal IPv4/IPv6 addresses, names from
 * the run's hosts table (node names, like an /etc/hosts generated from the topology), and —
 * on hosts with a resolver configuration — DNS through the host's stub resolver.
 */
import type { Ipv4, Ipv6 } from '../wire/addr.ts';
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from '../wire/addr.ts';
import type { World } from '../net/world.ts';
import type { IpNode } from '../stack/host.ts';
import { nameservers, stubResolver } from '../stack/dns/host-dns.ts';
import { EAI_TEXT } from '../stack/dns/stub.ts';
import { reverseName as dnsReverseName } from '../stack/dns/dname.ts';
import { RR_TYPE } from '../wire/dns/types.ts';

export interface Resolved {
  readonly v6: boolean;
  readonly addr: Ipv4 | Ipv6;
  readonly text: string;
  /** The canonical name when the target was a name. */
  readonly name?: string;
  readonly literal: boolean;
  /** The address came from DNS (so its reverse name should too). */
  readonly dns?: boolean;
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

export type Lookup = { readonly ok: true; readonly value: Resolved } | { readonly ok: false; readonly error: string };

/**
 * getaddrinfo for commands: literals and the hosts table answer at once (synchronously, so
 * commands behave exactly as before on hosts without DNS); otherwise, when the host has
 * nameservers, the stub resolver asks DNS and `done` runs when the answer is in. The error is
 * glibc's gai_strerror text ("Name or service not known", ...).
 */
export function lookupTarget(host: IpNode, target: string, family: 4 | 6 | undefined, done: (r: Lookup) => void): void {
  const direct = resolveTarget(host.world, target, family);
  if (direct) return done({ ok: true, value: direct });
  const known = host.world.hosts.byName.has(target) || parseIpv4(target) !== undefined || (target.includes(':') && parseIpv6(target) !== undefined);
  if (known || nameservers(host).length === 0) return done({ ok: false, error: family ? EAI_TEXT.FAMILY : EAI_TEXT.NONAME });
  stubResolver(host).getaddrinfo(target, family, (r) => {
    if (!r.ok) return done({ ok: false, error: EAI_TEXT[r.error] });
    for (const text of r.value.addrs) {
      const v4 = parseIpv4(text);
      if (v4 !== undefined && family !== 6) return done({ ok: true, value: { v6: false, addr: v4, text, name: r.value.canonName, literal: false, dns: true } });
      const v6 = text.includes(':') ? parseIpv6(text) : undefined;
      if (v6 !== undefined && family !== 4) return done({ ok: true, value: { v6: true, addr: v6, text: formatIpv6(v6), name: r.value.canonName, literal: false, dns: true } });
    }
    done({ ok: false, error: EAI_TEXT.NODATA });
  });
}

/**
 * getnameinfo for an address learned from DNS: the PTR name (trailing dot dropped), or
 * undefined. Runs `done` once.
 */
export function reverseLookup(host: IpNode, addrText: string, done: (name: string | undefined) => void): void {
  const v6 = addrText.includes(':') ? parseIpv6(addrText) : undefined;
  stubResolver(host).query(dnsReverseName(addrText, v6), RR_TYPE.PTR, (r) => {
    const ptr = r.ok ? r.msg.answers.find((a) => a.data.type === 'PTR') : undefined;
    done(ptr && ptr.data.type === 'PTR' ? ptr.data.target : undefined);
  });
}
