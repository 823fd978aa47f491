/**
 * Turns a validated scenario into a running World: nodes, interfaces (deterministic
 * locally-administered MACs), links, connected and static routes, NAT, firewalls, and the
 * shared hosts table. Semantic errors (unknown node, route via an unreachable gateway, ...)
 * throw ScenarioError with the offending path.
 */
import type { Ipv4, Ipv6 } from '../wire/addr.ts';
import { formatIpv4, formatIpv6, ip4, ip6, ipv4InPrefix, ipv4Mask, ipv6InPrefix, isIpv6LinkLocal, parseIpv4, parseIpv6, parseMac } from '../wire/addr.ts';
import { World } from '../net/world.ts';
import { Switch } from '../net/switch.ts';
import type { Interface } from '../net/iface.ts';
import type { FaultRule } from '../net/link.ts';
import { IpNode } from '../stack/host.ts';
import { Nat } from '../stack/nat.ts';
import { maskV6 } from '../stack/routing.ts';
import type { DnsHostConfig, Scenario, TcpConfig } from './schema.ts';
import { loadZone, setResolvConf, startAuthoritative, startRecursive } from '../stack/dns/host-dns.ts';
import type { Zone } from '../stack/dns/zone.ts';
import type { QdiscConfig } from '../net/qdisc/types.ts';
import type { TcpSocketOptions } from '../stack/tcp/types.ts';
import { parseFastOpenKey } from '../stack/tcp/fastopen.ts';
import { ScenarioError } from './schema.ts';
import { parseDuration, parseRate } from './units.ts';

/** Deterministic MAC: 02:00:00:<node>:<iface> — locally administered, unicast. */
function macFor(nodeIndex: number, ifaceIndex: number): number {
  return 0x020000000000 + (nodeIndex + 1) * 0x10000 + (ifaceIndex + 1) * 0x100 + 0;
}

function prefix4(text: string): { addr: Ipv4; len: number } {
  const [a, l] = text.split('/');
  return { addr: ip4(a!), len: Number(l) };
}
function prefix6(text: string): { addr: Ipv6; len: number } {
  const [a, l] = text.split('/');
  return { addr: ip6(a!), len: Number(l) };
}

export interface BuildOptions {
  seed?: number;
}

export function buildWorld(sc: Scenario, opts: BuildOptions = {}): World {
  const world = new World(opts.seed ?? sc.seed);
  sc.nodes.forEach((spec, ni) => {
    if (spec.kind === 'switch') {
      const sw = world.addNode((w, id) => new Switch(w, id, spec.name, parseDuration(spec.agingTime)!));
      for (let p = 0; p < spec.ports; p++) sw.addInterface(`p${p + 1}`, macFor(ni, p));
      return;
    }
    const node = world.addNode((w, id) => new IpNode(w, id, spec.name, { forwarding: spec.kind === 'router', icmpErrors: spec.icmpErrors, icmpEcho: spec.icmpEcho }));
    spec.interfaces.forEach((ifs, ii) => {
      const path = `nodes[${ni}].interfaces[${ii}]`;
      let mac = macFor(ni, ii);
      if (ifs.mac !== undefined) mac = parseMac(ifs.mac) ?? mac;
      const iface = node.addInterface(ifs.name, mac, ifs.mtu);
      for (const [k, t] of ifs.ipv4.entries()) {
        const p = prefix4(t);
        if (node.hasIpv4(p.addr)) throw new ScenarioError(`address ${formatIpv4(p.addr)} is assigned twice`, `${path}.ipv4[${k}]`);
        iface.ipv4.push({ addr: p.addr, prefixLen: p.len });
        node.routes4.add({ prefix: (p.addr & ipv4Mask(p.len)) >>> 0, prefixLen: p.len, iface, metric: 0, origin: 'connected' });
        world.addHostEntry(spec.name, formatIpv4(p.addr));
      }
      for (const t of ifs.ipv6) {
        const p = prefix6(t);
        iface.ipv6.push({ addr: p.addr, prefixLen: p.len });
        node.routes6.add({ prefix: maskV6(p.addr, p.len), prefixLen: p.len, iface, metric: 256, origin: 'connected' });
        world.addHostEntry(spec.name, formatIpv6(p.addr));
      }
      node.routes6.add({ prefix: ip6('fe80::'), prefixLen: 64, iface, metric: 256, origin: 'connected' });
    });
    spec.routes.forEach((r, ri) => addStaticRoute(node, r, `nodes[${ni}].routes[${ri}]`));
    if (spec.tcp) node.tcpDefaults = tcpOptions(spec.tcp);
    if (spec.tcp?.portRange) node.tcp.portRange = spec.tcp.portRange;
    if (spec.tcp?.fastOpenKey !== undefined) node.tcp.fastOpen.setKey(parseFastOpenKey(spec.tcp.fastOpenKey)!);
    for (const f of spec.firewall) node.firewall.push({ chain: f.chain, match: f.match, action: 'drop', label: f.label });
    if (spec.dns) setupDns(node, spec.dns, `nodes[${ni}].dns`);
    if (spec.kind === 'router' && spec.nat) {
      const outside = node.iface(spec.nat.outside);
      if (!outside) throw new ScenarioError(`no interface named "${spec.nat.outside}" on ${spec.name}`, `nodes[${ni}].nat.outside`);
      const pub = outside.ipv4[0];
      if (!pub) throw new ScenarioError(`NAT outside interface ${spec.nat.outside} has no IPv4 address`, `nodes[${ni}].nat.outside`);
      const cfg: ConstructorParameters<typeof Nat>[1] = { outside, publicAddr: pub.addr };
      if (spec.nat.udpTimeout !== undefined) cfg.udpTimeoutNs = parseDuration(spec.nat.udpTimeout)!;
      if (spec.nat.icmpTimeout !== undefined) cfg.icmpTimeoutNs = parseDuration(spec.nat.icmpTimeout)!;
      node.nat = new Nat(node, cfg);
    }
  });
  sc.links.forEach((l, li) => {
    const a = endpoint(world, l.a, `links[${li}].a`);
    const b = endpoint(world, l.b, `links[${li}].b`);
    if (a.link) throw new ScenarioError(`${l.a} is already connected`, `links[${li}].a`);
    if (b.link) throw new ScenarioError(`${l.b} is already connected`, `links[${li}].b`);
    if (l.mtu !== undefined) {
      a.mtu = l.mtu;
      b.mtu = l.mtu;
    }
    const rules: FaultRule[] = l.rules.map((r, ri) => {
      const rule: FaultRule = { match: r.match, nth: r.nth, andAfter: r.andAfter, action: r.action, label: r.label ?? `${r.action} #${r.nth}${r.andAfter ? '+' : ''} (links[${li}].rules[${ri}])` };
      if (r.from !== undefined) {
        if (r.from !== a.node.name && r.from !== b.node.name) throw new ScenarioError(`"${r.from}" is not an end of this link`, `links[${li}].rules[${ri}].from`);
        rule.from = r.from;
      }
      if (r.delay !== undefined) rule.delayNs = parseDuration(r.delay)!;
      if (r.offset !== undefined) rule.offset = r.offset;
      return rule;
    });
    const qdisc: QdiscConfig = { kind: l.qdisc, limit: l.queue, ...(l.ecn !== undefined ? { ecn: l.ecn } : {}) };
    world.connect(a, b, { bandwidthBps: parseRate(l.bandwidth)!, delayNs: parseDuration(l.delay)!, loss: l.loss, queueLimit: l.queue, mtu: Math.max(a.mtu, b.mtu), qdisc }, rules, `${l.a}-${l.b}`);
  });
  sc.services.forEach((svc, si) => {
    const n = world.node(svc.host);
    if (!(n instanceof IpNode)) throw new ScenarioError(`no host named "${svc.host}"`, `services[${si}].host`);
  });
  sc.actions.forEach((act, ai) => {
    const n = world.node(act.host);
    if (!(n instanceof IpNode)) throw new ScenarioError(`no host named "${act.host}"`, `actions[${ai}].host`);
  });
  return world;
}

function endpoint(world: World, text: string, path: string): Interface {
  const [nodeName, ifName] = text.split(':') as [string, string];
  const node = world.node(nodeName);
  if (!node) throw new ScenarioError(`no node named "${nodeName}"`, path);
  const iface = node.iface(ifName);
  if (!iface) throw new ScenarioError(`${nodeName} has no interface "${ifName}" (it has: ${node.ifaces.map((i) => i.name).join(', ') || 'none'})`, path);
  return iface;
}

function addStaticRoute(node: IpNode, r: { to: string; via?: string | undefined; dev?: string | undefined; metric: number }, path: string): void {
  const v6 = r.to === 'default6' || (r.to !== 'default' && r.to.includes(':'));
  const dev = r.dev !== undefined ? node.iface(r.dev) : undefined;
  if (r.dev !== undefined && !dev) throw new ScenarioError(`${node.name} has no interface "${r.dev}"`, `${path}.dev`);
  if (!v6) {
    const p = r.to === 'default' ? { addr: 0, len: 0 } : prefix4(r.to);
    const via = r.via !== undefined ? parseIpv4(r.via) : undefined;
    if (r.via !== undefined && via === undefined) throw new ScenarioError('gateway must be an IPv4 address for an IPv4 route', `${path}.via`);
    const iface = dev ?? (via !== undefined ? node.ifaces.find((i) => i.ipv4.some((a) => ipv4InPrefix(via, a.addr, a.prefixLen))) : undefined);
    if (!iface) throw new ScenarioError(via !== undefined ? `gateway ${r.via} is not on any connected subnet of ${node.name}` : 'a route needs "via" or "dev"', via !== undefined ? `${path}.via` : path);
    node.routes4.add({ prefix: (p.addr & ipv4Mask(p.len)) >>> 0, prefixLen: p.len, ...(via !== undefined ? { gateway: via } : {}), iface, metric: r.metric, origin: 'static' });
    return;
  }
  const p = r.to === 'default6' || r.to === 'default' ? { addr: new Uint8Array(16), len: 0 } : prefix6(r.to);
  const via = r.via !== undefined ? parseIpv6(r.via) : undefined;
  if (r.via !== undefined && via === undefined) throw new ScenarioError('gateway must be an IPv6 address for an IPv6 route', `${path}.via`);
  const iface = dev ?? (via !== undefined ? node.ifaces.find((i) => i.ipv6.some((a) => ipv6InPrefix(via, a.addr, a.prefixLen) && !(isIpv6LinkLocal(via) && !isIpv6LinkLocal(a.addr)))) : undefined);
  if (!iface) throw new ScenarioError(via !== undefined ? `gateway ${r.via} is not on any connected subnet of ${node.name}` : 'a route needs "via" or "dev"', via !== undefined ? `${path}.via` : path);
  node.routes6.add({ prefix: maskV6(p.addr, p.len), prefixLen: p.len, ...(via !== undefined ? { gateway: via } : {}), iface, metric: r.metric || 1024, origin: 'static' });
}

function tcpOptions(t: TcpConfig): Partial<TcpSocketOptions> {
  const o: Partial<TcpSocketOptions> = {};
  if (t.cc !== undefined) o.cc = t.cc;
  for (const k of ['ecn', 'sack', 'timestamps', 'windowScaling', 'nodelay', 'quickack'] as const) {
    const v = t[k];
    if (v !== undefined) o[k] = v;
  }
  if (t.delayedAck !== undefined) o.delayedAckNs = parseDuration(t.delayedAck)!;
  if (t.rto !== undefined) o.rtoProfile = t.rto;
  if (t.msl !== undefined) o.mslNs = parseDuration(t.msl)!;
  if (t.rcvbuf !== undefined) o.rcvbuf = t.rcvbuf;
  if (t.sndbuf !== undefined) o.sndbuf = t.sndbuf;
  if (t.twReuse !== undefined) o.twReuse = t.twReuse;
  if (t.fastOpen !== undefined) o.fastOpen = t.fastOpen;
  return o;
}

/** resolv.conf, authoritative zones and a recursive resolver for one host (schema: DnsHostSchema). */
function setupDns(node: IpNode, dns: DnsHostConfig, path: string): void {
  if (dns.resolvConf) {
    const r = dns.resolvConf;
    setResolvConf(node, { nameservers: r.nameservers, search: r.search, timeoutNs: r.timeout * 1e9, attempts: r.attempts, ndots: r.ndots, edns0: r.edns0 });
  }
  if (dns.authoritative && dns.recursive) throw new ScenarioError('a host cannot run an authoritative server and a recursive resolver on the same port 53', path);
  if (dns.authoritative) {
    const zones: Zone[] = [];
    dns.authoritative.zones.forEach((z, zi) => {
      const text = Array.isArray(z.file) ? z.file.join('\n') : z.file;
      const r = loadZone(z.origin, text, `${node.name}:${z.origin}`);
      if (!r.ok) throw new ScenarioError(`zone ${z.origin}: ${r.errors.join('; ')}`, `${path}.authoritative.zones[${zi}].file`);
      zones.push(r.zone);
    });
    startAuthoritative(node, zones, { udpMax: dns.authoritative.udpMax, tcp: dns.authoritative.tcp });
  }
  if (dns.recursive) {
    const r = dns.recursive;
    try {
      startRecursive(node, {
        rootHints: r.rootHints,
        qnameMinimisation: r.qnameMinimisation,
        ednsBufferSize: r.ednsBufferSize,
        timeoutNs: parseDuration(r.timeout)!,
        attempts: r.attempts,
        maxTtl: r.maxTtl,
        maxNegTtl: r.maxNegativeTtl,
      });
    } catch (e) {
      throw new ScenarioError((e as Error).message, `${path}.recursive`);
    }
  }
}
