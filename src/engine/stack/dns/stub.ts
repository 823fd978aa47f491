/**
 * The stub resolver of a host (glibc-like, configured like /etc/resolv.conf): /etc/hosts
 * first (the run's hosts table), then recursive queries (RD=1) to each nameserver in turn with
 * `timeout` per try and `attempts` rounds, retrying over TCP when an answer is truncated.
 * SERVFAIL and REFUSED move on to the next server, as glibc does.
 */
import type { DnsMessage, DnsRecord } from '../../wire/dns/types.ts';
import { RCODE, RR_CLASS, RR_TYPE } from '../../wire/dns/types.ts';
import { dnsFlags } from '../../wire/dns/message.ts';
import { parseIpv4, parseIpv6 } from '../../wire/addr.ts';
import type { IpNode } from '../host.ts';
import { fromUser, key, splitLabels } from './dname.ts';
import { exchange, newQueryId } from './transport.ts';

export interface ResolvConf {
  readonly nameservers: readonly string[];
  readonly search: readonly string[];
  /** `options timeout:n` (glibc default 5 s) and `attempts:n` (default 2). */
  readonly timeoutNs: number;
  readonly attempts: number;
  /** `options ndots:n` (default 1). */
  readonly ndots: number;
  /** `options edns0`: advertise a 1200-octet buffer (glibc); off by default. */
  readonly edns0: boolean;
}

export const RESOLV_DEFAULTS: ResolvConf = { nameservers: [], search: [], timeoutNs: 5e9, attempts: 2, ndots: 1, edns0: false };

export type StubAnswer = { readonly ok: true; readonly msg: DnsMessage; readonly server: string } | { readonly ok: false; readonly error: 'timeout' | 'refused' | 'unreachable' | 'noservers' };

export interface AddrInfo {
  readonly addrs: string[];
  readonly canonName: string;
}

/** getaddrinfo's failures (glibc gai_strerror wording). */
export const EAI_TEXT = {
  NONAME: 'Name or service not known',
  NODATA: 'No address associated with hostname',
  AGAIN: 'Temporary failure in name resolution',
  FAMILY: 'Address family for hostname not supported',
} as const;
export type EaiError = keyof typeof EAI_TEXT;

export class StubResolver {
  constructor(
    readonly host: IpNode,
    readonly conf: ResolvConf,
  ) {}

  /** One recursive query through the configured servers (res_query). */
  query(name: string, type: number, done: (r: StubAnswer) => void): void {
    const servers = this.conf.nameservers;
    if (servers.length === 0) {
      this.host.world.sched.after(0, () => done({ ok: false, error: 'noservers' }));
      return;
    }
    let attempt = 0;
    let i = 0;
    let lastError: 'timeout' | 'refused' | 'unreachable' = 'timeout';
    const tryNext = (): void => {
      if (i >= servers.length) {
        i = 0;
        attempt++;
      }
      if (attempt >= this.conf.attempts) return done({ ok: false, error: lastError });
      const server = servers[i++]!;
      const query: DnsMessage = {
        id: newQueryId(this.host),
        flags: dnsFlags({ rd: true }),
        questions: [{ name, type, class: RR_CLASS.IN }],
        answers: [],
        authorities: [],
        additionals: [],
        ...(this.conf.edns0 ? { edns: { udpPayloadSize: 1200, extendedRcode: 0, version: 0, dnssecOk: false, options: [] } } : {}),
      };
      const ask = (tcp: boolean): void => {
        exchange(this.host, query, { server, timeoutNs: this.conf.timeoutNs, tcp }, (r) => {
          if (!r.ok) {
            lastError = r.error === 'reset' ? 'refused' : r.error;
            return tryNext();
          }
          if (r.msg.flags.tc && !tcp) return ask(true);
          const rc = r.msg.flags.rcode;
          if (rc !== RCODE.NOERROR && rc !== RCODE.NXDOMAIN) {
            lastError = 'refused';
            return tryNext();
          }
          done({ ok: true, msg: r.msg, server });
        });
      };
      ask(false);
    };
    tryNext();
  }

  /** Names to try for `name`: the search list first when it has fewer than ndots dots (resolv.conf(5)). */
  candidates(name: string): string[] {
    if (name.endsWith('.')) return [fromUser(name)];
    const dots = splitLabels(name).length - 1;
    const withSearch = this.conf.search.map((s) => `${name}.${fromUser(s)}`);
    return dots >= this.conf.ndots ? [name, ...withSearch] : [...withSearch, name];
  }

  /**
   * getaddrinfo(3): /etc/hosts, then A (and AAAA for IPv6 or when the host has a global IPv6
   * address, AI_ADDRCONFIG) through the search list. Addresses are those of the canonical name.
   */
  getaddrinfo(name: string, family: 4 | 6 | undefined, done: (r: { ok: true; value: AddrInfo } | { ok: false; error: EaiError }) => void): void {
    const hosts = this.host.world.hosts.byName.get(fromUser(name));
    if (hosts) {
      const addrs = hosts.filter((a) => (family === 6 ? parseIpv6(a) !== undefined && a.includes(':') : family === 4 ? parseIpv4(a) !== undefined : true));
      if (addrs.length) return done({ ok: true, value: { addrs, canonName: fromUser(name) } });
    }
    const types = family === 6 ? [RR_TYPE.AAAA] : family === 4 || this.host.primaryIpv6Text() === undefined ? [RR_TYPE.A] : [RR_TYPE.A, RR_TYPE.AAAA];
    const names = this.candidates(name);
    let worst: EaiError = 'NONAME';
    const tryName = (ni: number): void => {
      if (ni >= names.length) return done({ ok: false, error: worst });
      const n = names[ni]!;
      const addrs: string[] = [];
      let canon = n;
      let exists = false;
      const tryType = (ti: number): void => {
        if (ti >= types.length) {
          if (addrs.length) return done({ ok: true, value: { addrs, canonName: canon } });
          if (exists && worst === 'NONAME') worst = 'NODATA';
          return tryName(ni + 1);
        }
        this.query(n, types[ti]!, (r) => {
          if (!r.ok) {
            worst = 'AGAIN';
            return tryType(ti + 1);
          }
          if (r.msg.flags.rcode === RCODE.NOERROR) exists = true;
          const c = canonicalOf(n, r.msg.answers);
          canon = c;
          for (const a of r.msg.answers) if (key(a.name) === key(c) && (a.data.type === 'A' || a.data.type === 'AAAA')) addrs.push(a.data.address);
          tryType(ti + 1);
        });
      };
      tryType(0);
    };
    tryName(0);
  }
}

/** The end of the CNAME chain starting at `name` within `answers`. */
export function canonicalOf(name: string, answers: readonly DnsRecord[]): string {
  let cur = name;
  for (let i = 0; i < 16; i++) {
    const c = answers.find((r) => r.data.type === 'CNAME' && key(r.name) === key(cur));
    if (!c || c.data.type !== 'CNAME') break;
    cur = c.data.target;
  }
  return cur;
}
