/**
 * A host's network devices, addresses, routes and neighbours as Linux presents them to iproute2
 * and net-tools: ifindex 1 is the loopback device (which every Linux host has), the scenario's
 * interfaces follow in order; IPv6 addresses are listed global-before-link-local, newest first
 * (the kernel's per-device order); routes in the kernel's dump order. Used by `ip`, `arp` and
 * tcpdump's `-i any` lines.
 */
import { neighborStateName } from '../stack/neighbor.ts';
import type { Interface } from '../net/iface.ts';
import type { IpNode } from '../stack/host.ts';
import type { Route } from '../stack/routing.ts';
import { maskV6 } from '../stack/routing.ts';
import type { Ipv6 } from '../wire/addr.ts';
import { formatIpv4, formatIpv6, formatMac, ipv4InPrefix, ipv4Mask, isIpv6LinkLocal } from '../wire/addr.ts';
import { KIND_ID } from '../trace/kinds.ts';
import type { IpAddr, IpLink, IpNeigh, IpRoute } from './ip-format.ts';

/** Linux ifindex of a scenario interface (1 is lo). */
export function ifindexOf(iface: Interface): number {
  return iface.node.ifaces.indexOf(iface) + 2;
}

const QDISC_NAMES = { droptail: 'pfifo', codel: 'codel', fq_codel: 'fq_codel' } as const;

export const LOOPBACK_LINK: IpLink = { index: 1, name: 'lo', flags: ['LOOPBACK', 'UP', 'LOWER_UP'], mtu: 65536, qdisc: 'noqueue', state: 'UNKNOWN', loopback: true, mac: '00:00:00:00:00:00', qlen: 1000 };
export const LOOPBACK_ADDRS: readonly IpAddr[] = [
  { family: 4, addr: '127.0.0.1', prefixLen: 8, scope: 'host' },
  { family: 6, addr: '::1', prefixLen: 128, scope: 'host' },
];

/** Carrier: the interface is attached to a link. */
function carrier(i: Interface): boolean {
  return i.link !== null;
}

export function linkOf(i: Interface): IpLink {
  const flags = i.up ? [...(carrier(i) ? [] : ['NO-CARRIER']), 'BROADCAST', 'MULTICAST', 'UP', ...(carrier(i) ? ['LOWER_UP'] : [])] : ['BROADCAST', 'MULTICAST'];
  const qdisc = !i.up ? 'noop' : QDISC_NAMES[i.link?.config.qdisc?.kind ?? 'droptail'];
  return { index: ifindexOf(i), name: i.name, flags, mtu: i.mtu, qdisc, state: i.up && carrier(i) ? 'UP' : 'DOWN', loopback: false, mac: formatMac(i.mac), qlen: 1000 };
}

/** Addresses of an interface in the order `ip addr` lists them. */
export function addrsOf(i: Interface): IpAddr[] {
  const out: IpAddr[] = [];
  const seen: Array<{ addr: number; len: number }> = [];
  for (const a of i.ipv4) {
    const secondary = seen.some((p) => p.len === a.prefixLen && ipv4InPrefix(a.addr, p.addr, p.len));
    seen.push({ addr: a.addr, len: a.prefixLen });
    const brd = a.prefixLen <= 30 ? formatIpv4((a.addr | ~ipv4Mask(a.prefixLen)) >>> 0) : undefined;
    out.push({ family: 4, addr: formatIpv4(a.addr), prefixLen: a.prefixLen, scope: 'global', ...(brd ? { brd } : {}), ...(secondary ? { secondary } : {}) });
  }
  const v6 = (ll: boolean): IpAddr[] =>
    i.ipv6
      .filter((a) => isIpv6LinkLocal(a.addr) === ll)
      .reverse()
      .map((a) => ({ family: 6 as const, addr: formatIpv6(a.addr), prefixLen: a.prefixLen, scope: ll ? ('link' as const) : ('global' as const) }));
  return [...out, ...v6(false), ...v6(true)];
}

/** Every device of the host: lo first. */
export function devicesOf(host: IpNode): Array<{ link: IpLink; addrs: IpAddr[]; iface?: Interface }> {
  return [{ link: LOOPBACK_LINK, addrs: [...LOOPBACK_ADDRS] }, ...host.ifaces.map((iface) => ({ link: linkOf(iface), addrs: addrsOf(iface), iface }))];
}

/** Bitwise order of two prefixes as a radix-tree walk meets them: covered (longer) prefixes first. */
function comparePrefixes(a: Uint8Array, alen: number, b: Uint8Array, blen: number): number {
  const n = Math.min(alen, blen);
  for (let bit = 0; bit < n; bit++) {
    const x = (a[bit >> 3]! >> (7 - (bit & 7))) & 1;
    const y = (b[bit >> 3]! >> (7 - (bit & 7))) & 1;
    if (x !== y) return x - y;
  }
  return blen - alen;
}

/** The main IPv4 table as `ip route` prints it (routes of downed interfaces are gone, as in Linux). */
export function routes4Of(host: IpNode): IpRoute[] {
  const seen = new Set<string>();
  const rows: Array<{ r: Route<number>; net: number }> = [];
  for (const r of host.routes4.routes) {
    if (!r.iface.up || !r.iface.link) continue;
    if (r.origin === 'connected' && r.prefixLen === 32) continue;
    const net = (r.prefix & ipv4Mask(r.prefixLen)) >>> 0;
    const key = `${net}/${r.prefixLen}/${r.iface.id}/${r.gateway ?? ''}/${r.metric}`;
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push({ r, net });
  }
  rows.sort((x, y) => {
    if (x.r.prefixLen === 0 || y.r.prefixLen === 0) return (x.r.prefixLen === 0 ? 0 : 1) - (y.r.prefixLen === 0 ? 0 : 1) || x.r.metric - y.r.metric;
    return x.net - y.net || y.r.prefixLen - x.r.prefixLen || x.r.metric - y.r.metric;
  });
  return rows.map(({ r, net }) => {
    const dest = r.prefixLen === 0 ? 'default' : `${formatIpv4(net)}/${r.prefixLen}`;
    if (r.origin === 'connected') {
      const src = r.iface.ipv4.find((a) => a.prefixLen === r.prefixLen && ipv4InPrefix(a.addr, net, r.prefixLen));
      return { family: 4, dest, dev: r.iface.name, proto: 'kernel', scope: 'link', ...(src ? { src: formatIpv4(src.addr) } : {}) };
    }
    const base: IpRoute = { family: 4, dest, dev: r.iface.name, ...(r.metric ? { metric: r.metric } : {}) };
    return r.gateway !== undefined ? { ...base, via: formatIpv4(r.gateway) } : { ...base, scope: 'link' };
  });
}

/** When the host learned its default router from a Router Advertisement, and the lifetime it gave. */
function raLearned(host: IpNode, gateway: Ipv6): { atNs: number; lifetimeS: number } | undefined {
  const ev = host.world.trace.events;
  const kind = KIND_ID['ndp.router'];
  const gw = formatIpv6(gateway);
  for (let i = ev.length - 1; i >= 0; i--) {
    if (ev.kindIdAt(i) === kind && ev.nodeAt(i) === host.id && ev.textAt(i) === gw) return { atNs: ev.timeAt(i), lifetimeS: ev.aAt(i) };
  }
  return undefined;
}

/** The main IPv6 table as `ip -6 route` prints it. */
export function routes6Of(host: IpNode): IpRoute[] {
  const rows = host.routes6.routes.filter((r) => r.iface.up && r.iface.link);
  const sorted = rows
    .map((r, order) => ({ r, net: maskV6(r.prefix, r.prefixLen), order }))
    .sort((x, y) => comparePrefixes(x.net, x.r.prefixLen, y.net, y.r.prefixLen) || x.r.metric - y.r.metric || ifindexOf(x.r.iface) - ifindexOf(y.r.iface) || x.order - y.order);
  return sorted.map(({ r, net }) => {
    const route: IpRoute = {
      family: 6,
      dest: r.prefixLen === 0 ? 'default' : `${formatIpv6(net)}/${r.prefixLen}`,
      dev: r.iface.name,
      metric: r.metric || 1024,
      ...(r.gateway !== undefined ? { via: formatIpv6(r.gateway) } : {}),
      ...(r.origin === 'connected' ? { proto: 'kernel' as const } : r.origin === 'ra' ? { proto: 'ra' as const } : {}),
    };
    if (r.origin !== 'ra' || r.gateway === undefined) return route;
    const learned = raLearned(host, r.gateway);
    const expiresSec = learned ? Math.max(0, learned.lifetimeS - Math.floor((host.world.now - learned.atNs) / 1e9)) : undefined;
    return { ...route, ...(expiresSec !== undefined ? { expiresSec } : {}), hoplimit: 64 };
  });
}

/** Whether the node owning `mac` is a router (its Neighbor Advertisements carry the R flag). */
function isRouterMac(host: IpNode, mac: number): boolean {
  for (const n of host.world.nodes) {
    if (n.kind === 'router' && n.ifaces.some((i) => i.mac === mac)) return true;
  }
  return false;
}

/** Both neighbour caches as `ip neigh` lists them: ARP first, then NDP. */
export function neighboursOf(host: IpNode): Array<IpNeigh & { family: 4 | 6; ifname: string }> {
  const out: Array<IpNeigh & { family: 4 | 6; ifname: string }> = [];
  for (const e of host.arp.entries.values()) {
    const base = { family: 4 as const, ifname: e.iface.name, addr: formatIpv4(e.addr), dev: e.iface.name };
    out.push(e.state !== 'incomplete' ? { ...base, lladdr: formatMac(e.mac), state: neighborStateName(e.state) } : { ...base, state: 'INCOMPLETE' });
  }
  for (const e of host.ipv6.nd.entries.values()) {
    const base = { family: 6 as const, ifname: e.iface.name, addr: formatIpv6(e.addr), dev: e.iface.name };
    out.push(e.state !== 'incomplete' ? { ...base, lladdr: formatMac(e.mac), ...(isRouterMac(host, e.mac) ? { router: true } : {}), state: neighborStateName(e.state) } : { ...base, state: 'INCOMPLETE' });
  }
  return out;
}
