/**
 * Routing tables with longest-prefix match (RFC 1812 §5.2.4.3; RFC 8200 uses the same rule).
 * Ties on prefix length go to the lower metric, then to the earlier route. Connected routes
 * have no gateway. A default route is the /0 entry.
 */
import type { Ipv4, Ipv6 } from '../wire/addr.ts';
import { formatIpv4, formatIpv6, ipv4InPrefix, ipv4Mask, ipv6InPrefix } from '../wire/addr.ts';
import type { Interface } from '../net/iface.ts';

export type RouteOrigin = 'connected' | 'static' | 'ra';

export interface Route<A> {
  readonly prefix: A;
  readonly prefixLen: number;
  readonly gateway?: A;
  readonly iface: Interface;
  readonly metric: number;
  readonly origin: RouteOrigin;
}

abstract class RouteTable<A> {
  readonly routes: Route<A>[] = [];

  protected abstract contains(addr: A, net: A, len: number): boolean;
  protected abstract same(a: A, b: A): boolean;
  abstract format(r: Route<A>): string;

  add(route: Route<A>): void {
    this.routes.push(route);
    // Keep most specific first so lookup can stop at the first hit.
    this.routes.sort((x, y) => y.prefixLen - x.prefixLen || x.metric - y.metric);
  }

  remove(pred: (r: Route<A>) => boolean): Route<A>[] {
    const gone = this.routes.filter(pred);
    for (const r of gone) this.routes.splice(this.routes.indexOf(r), 1);
    return gone;
  }

  /** Longest-prefix match over routes whose interface is up. */
  lookup(dst: A): Route<A> | undefined {
    for (const r of this.routes) if (r.iface.up && this.contains(dst, r.prefix, r.prefixLen)) return r;
    return undefined;
  }

  has(prefix: A, prefixLen: number): boolean {
    return this.routes.some((r) => r.prefixLen === prefixLen && this.same(r.prefix, prefix));
  }
}

export class RouteTable4 extends RouteTable<Ipv4> {
  protected contains(addr: Ipv4, net: Ipv4, len: number): boolean {
    return ipv4InPrefix(addr, net, len);
  }
  protected same(a: Ipv4, b: Ipv4): boolean {
    return a === b;
  }
  /** iproute2 `ip route` style: "default via 10.0.0.1 dev eth0", "10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.2". */
  format(r: Route<Ipv4>): string {
    const dest = r.prefixLen === 0 ? 'default' : `${formatIpv4((r.prefix & ipv4Mask(r.prefixLen)) >>> 0)}/${r.prefixLen}`;
    const via = r.gateway !== undefined ? ` via ${formatIpv4(r.gateway)}` : '';
    const src = r.origin === 'connected' && r.iface.ipv4[0] ? ` proto kernel scope link src ${formatIpv4(r.iface.ipv4[0].addr)}` : '';
    const metric = r.metric ? ` metric ${r.metric}` : '';
    return `${dest}${via} dev ${r.iface.name}${src}${metric}`;
  }
}

export class RouteTable6 extends RouteTable<Ipv6> {
  protected contains(addr: Ipv6, net: Ipv6, len: number): boolean {
    return ipv6InPrefix(addr, net, len);
  }
  protected same(a: Ipv6, b: Ipv6): boolean {
    return ipv6InPrefix(a, b, 128);
  }
  format(r: Route<Ipv6>): string {
    const dest = r.prefixLen === 0 ? 'default' : `${formatIpv6(maskV6(r.prefix, r.prefixLen))}/${r.prefixLen}`;
    const via = r.gateway !== undefined ? ` via ${formatIpv6(r.gateway)}` : '';
    const proto = r.origin === 'connected' ? ' proto kernel' : r.origin === 'ra' ? ' proto ra' : '';
    return `${dest}${via} dev ${r.iface.name}${proto} metric ${r.metric || 256}`;
  }
}

export function maskV6(a: Ipv6, len: number): Ipv6 {
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) {
    const bits = Math.min(Math.max(len - i * 8, 0), 8);
    out[i] = a[i]! & ((0xff << (8 - bits)) & 0xff);
  }
  return out;
}
