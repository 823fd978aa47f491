/**
 * iproute2 6.1 `ip` output formats, from plain data: `ip addr` (full, -4, -6, -br), `ip link`
 * (full, -br), `ip route` / `ip -6 route`, `ip neigh`, and ip's error texts. Trailing spaces are
 * part of the real output and kept. Checked against the real `ip` in network namespaces
 * (test/oracle/real-ip-tools.test.ts).
 */

export interface IpLink {
  readonly index: number;
  readonly name: string;
  /** "<BROADCAST,MULTICAST,UP,LOWER_UP>" members, in iproute2's order. */
  readonly flags: readonly string[];
  readonly mtu: number;
  readonly qdisc: string;
  readonly state: 'UP' | 'DOWN' | 'UNKNOWN';
  readonly loopback: boolean;
  readonly mac: string;
  readonly qlen: number;
}

export interface IpAddr {
  readonly family: 4 | 6;
  readonly addr: string;
  readonly prefixLen: number;
  /** IPv4 broadcast address, when set. */
  readonly brd?: string;
  readonly scope: 'global' | 'link' | 'host';
  readonly secondary?: boolean;
}

export interface IpRoute {
  readonly family: 4 | 6;
  /** "default" or "prefix/len". */
  readonly dest: string;
  readonly via?: string;
  readonly dev: string;
  readonly proto?: 'kernel' | 'ra';
  /** IPv4: "link" for on-link routes. */
  readonly scope?: 'link';
  readonly src?: string;
  readonly metric?: number;
  /** IPv6 RA routes: seconds until the route expires, and the hop limit the RA carried. */
  readonly expiresSec?: number;
  readonly hoplimit?: number;
}

export interface IpNeigh {
  readonly addr: string;
  readonly dev: string;
  readonly lladdr?: string;
  readonly router?: boolean;
  readonly state: 'REACHABLE' | 'STALE' | 'DELAY' | 'PROBE' | 'INCOMPLETE' | 'FAILED' | 'PERMANENT' | 'NOARP';
}

/** Which `ip addr` variant prints the link line. */
export type IpAddrMode = 'all' | 4 | 6;

function linkLine(l: IpLink, mode: IpAddrMode | 'link'): string {
  const head = `${l.index}: ${l.name}: <${l.flags.join(',')}> mtu ${l.mtu}`;
  if (mode === 6) return `${head} state ${l.state} qlen ${l.qlen}`;
  const modeText = mode === 'link' ? ' mode DEFAULT' : '';
  return `${head} qdisc ${l.qdisc} state ${l.state}${modeText} group default qlen ${l.qlen}`;
}

function linkLayerLine(l: IpLink): string {
  return l.loopback ? '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00' : `    link/ether ${l.mac} brd ff:ff:ff:ff:ff:ff`;
}

/** `ip [-4|-6] addr show` lines for one interface. */
export function formatIpAddr(l: IpLink, addrs: readonly IpAddr[], mode: IpAddrMode = 'all'): string[] {
  const out = [linkLine(l, mode)];
  if (mode === 'all') out.push(linkLayerLine(l));
  for (const a of addrs) {
    if (mode !== 'all' && a.family !== mode) continue;
    if (a.family === 4) out.push(`    inet ${a.addr}/${a.prefixLen}${a.brd ? ` brd ${a.brd}` : ''} scope ${a.scope} ${a.secondary ? 'secondary ' : ''}${l.name}`);
    else out.push(`    inet6 ${a.addr}/${a.prefixLen} scope ${a.scope} `);
    out.push('       valid_lft forever preferred_lft forever');
  }
  return out;
}

/** `ip link show` lines for one interface. */
export function formatIpLink(l: IpLink): string[] {
  return [linkLine(l, 'link'), linkLayerLine(l)];
}

/** `ip -br addr` line: name, state, then every address followed by a space. */
export function formatIpBriefAddr(l: IpLink, addrs: readonly IpAddr[], mode: IpAddrMode = 'all'): string {
  const list = addrs.filter((a) => mode === 'all' || a.family === mode).map((a) => `${a.addr}/${a.prefixLen} `);
  return `${l.name.padEnd(16)} ${l.state.padEnd(14)} ${list.join('')}`;
}

/** `ip -br link` line: name, state, MAC, flags. */
export function formatIpBriefLink(l: IpLink): string {
  return `${l.name.padEnd(16)} ${l.state.padEnd(14)} ${l.loopback ? '00:00:00:00:00:00' : l.mac} <${l.flags.join(',')}> `;
}

/** One `ip route` / `ip -6 route` line. */
export function formatIpRoute(r: IpRoute): string {
  let s = r.dest;
  if (r.via !== undefined) s += ` via ${r.via}`;
  s += ` dev ${r.dev}`;
  if (r.proto) s += ` proto ${r.proto}`;
  if (r.family === 4) {
    if (r.scope) s += ` scope ${r.scope}`;
    if (r.src) s += ` src ${r.src}`;
    if (r.metric) s += ` metric ${r.metric}`;
    return `${s} `;
  }
  s += ` metric ${r.metric ?? 1024}`;
  if (r.expiresSec !== undefined) s += ` expires ${r.expiresSec}sec`;
  if (r.hoplimit !== undefined) s += ` hoplimit ${r.hoplimit}`;
  return `${s} pref medium`;
}

/** One `ip neigh` line (`dev` is left out when the listing is for one device). */
export function formatIpNeigh(n: IpNeigh, showDev = true): string {
  let s = n.addr;
  if (showDev) s += ` dev ${n.dev}`;
  if (n.lladdr) s += ` lladdr ${n.lladdr}`;
  if (n.router) s += ' router';
  return `${s} ${n.state} `;
}

export const IP_ERRORS = {
  unknownObject: (o: string): string => `Object "${o}" is unknown, try "ip help".`,
  unknownCommand: (c: string, object: string): string => `Command "${c}" is unknown, try "ip ${object} help".`,
  unknownOption: (o: string): string => `Option "${o}" is unknown, try "ip -help".`,
  noDevice: (d: string): string => `Device "${d}" does not exist.`,
} as const;

export const IP_USAGE = [
  'Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }',
  '       ip [ -force ] -batch filename',
  'where  OBJECT := { address | addrlabel | amt | fou | help | ila | ioam | l2tp |',
  '                   link | macsec | maddress | monitor | mptcp | mroute | mrule |',
  '                   neighbor | neighbour | netconf | netns | nexthop | ntable |',
  '                   ntbl | route | rule | sr | tap | tcpmetrics |',
  '                   token | tunnel | tuntap | vrf | xfrm }',
  '       OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] | -r[esolve] |',
  '                    -h[uman-readable] | -iec | -j[son] | -p[retty] |',
  '                    -f[amily] { inet | inet6 | mpls | bridge | link } |',
  '                    -4 | -6 | -M | -B | -0 |',
  '                    -l[oops] { maximum-addr-flush-attempts } | -br[ief] |',
  '                    -o[neline] | -t[imestamp] | -ts[hort] | -b[atch] [filename] |',
  '                    -rc[vbuf] [size] | -n[etns] name | -N[umeric] | -a[ll] |',
  '                    -c[olor]}',
];
