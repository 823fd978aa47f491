/**
 * The DNS side of each host: its resolver configuration (resolv.conf), and the authoritative
 * and recursive servers it runs. Kept beside the node (a WeakMap), so the IP stack knows
 * nothing about DNS; commands and the scenario builder reach it through these functions.
 */
import { parseIpv4 } from '../../wire/addr.ts';
import type { IpNode } from '../host.ts';
import { AuthServer } from './auth.ts';
import type { AuthOptions } from './auth.ts';
import type { RecursiveConfig } from './recursive.ts';
import { RecursiveServer } from './recursive.ts';
import type { ResolvConf } from './stub.ts';
import { RESOLV_DEFAULTS, StubResolver } from './stub.ts';
import { Zone } from './zone.ts';
import { parseZoneFile } from './zonefile.ts';
import { fromUser } from './dname.ts';

export interface HostDns {
  resolv: ResolvConf;
  auth?: AuthServer;
  recursive?: RecursiveServer;
}

const registry = new WeakMap<IpNode, HostDns>();

export function hostDns(host: IpNode): HostDns {
  let d = registry.get(host);
  if (!d) registry.set(host, (d = { resolv: RESOLV_DEFAULTS }));
  return d;
}

/**
 * The nameservers a host's tools use. With none configured, a host running a recursive server
 * asks itself (like "nameserver 127.0.0.1"); otherwise the list is empty.
 */
export function nameservers(host: IpNode): string[] {
  const d = hostDns(host);
  if (d.resolv.nameservers.length > 0) return [...d.resolv.nameservers];
  if (d.recursive) {
    for (const i of host.ifaces) for (const a of i.ipv4) return [`${a.addr >>> 24}.${(a.addr >>> 16) & 0xff}.${(a.addr >>> 8) & 0xff}.${a.addr & 0xff}`];
  }
  return [];
}

export function stubResolver(host: IpNode): StubResolver {
  const d = hostDns(host);
  return new StubResolver(host, { ...d.resolv, nameservers: nameservers(host) });
}

export function setResolvConf(host: IpNode, conf: Partial<ResolvConf>): void {
  const d = hostDns(host);
  d.resolv = { ...d.resolv, ...conf };
}

/** Loads a zone from master-file text; errors name the line. */
export function loadZone(origin: string, text: string, fileName?: string): { ok: true; zone: Zone } | { ok: false; errors: string[] } {
  const o = fromUser(origin);
  const p = parseZoneFile(text, { origin: o, ...(fileName !== undefined ? { fileName } : {}) });
  if (!p.ok) return { ok: false, errors: p.errors.map((e) => e.message) };
  const zone = new Zone(o, p.records);
  const errors = zone.check();
  return errors.length ? { ok: false, errors } : { ok: true, zone };
}

/** Starts an authoritative server on the host (UDP and TCP port 53). */
export function startAuthoritative(host: IpNode, zones: readonly Zone[], opts: Partial<AuthOptions> = {}, port = 53): AuthServer {
  const d = hostDns(host);
  if (d.auth) throw new Error(`${host.name} already runs an authoritative server`);
  const s = new AuthServer(host, opts);
  for (const z of zones) s.addZone(z);
  s.start(port);
  d.auth = s;
  return s;
}

/** Starts a recursive resolver on the host (UDP and TCP port 53). */
export function startRecursive(host: IpNode, cfg: Partial<RecursiveConfig> & Pick<RecursiveConfig, 'rootHints'>): RecursiveServer {
  const d = hostDns(host);
  if (d.recursive) throw new Error(`${host.name} already runs a recursive resolver`);
  if (d.auth) throw new Error(`${host.name} runs an authoritative server on port 53 already`);
  for (const h of cfg.rootHints) if (parseIpv4(h.address) === undefined) throw new Error(`root hint ${h.name}: only IPv4 addresses are used (${h.address})`);
  const s = new RecursiveServer(host, cfg);
  s.start();
  d.recursive = s;
  return s;
}
