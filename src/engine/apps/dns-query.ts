/**
 * The query loop `host` and `nslookup` share with dig (BIND's dighost.c): each try goes to the
 * servers in turn with a timeout, failures print ";; communications error to …", a truncated
 * UDP answer is retried over TCP, and "no servers could be reached" ends it.
 */
import type { DnsMessage } from '../wire/dns/types.ts';
import { RR_CLASS } from '../wire/dns/types.ts';
import { dnsFlags } from '../wire/dns/message.ts';
import { parseIpv4, parseIpv6 } from '../wire/addr.ts';
import type { CommandContext } from './registry.ts';
import { exchange, newQueryId } from '../stack/dns/transport.ts';
import { nameservers, stubResolver } from '../stack/dns/host-dns.ts';

export interface QueryServer {
  readonly addr: string;
  readonly name: string;
}

export interface QueryOptions {
  readonly port: number;
  readonly timeoutNs: number;
  readonly tries: number;
  readonly tcp: boolean;
  readonly recurse: boolean;
  /** nslookup says ";; Truncated, retrying in TCP mode."; host retries silently. */
  readonly announceTc?: boolean;
}

/** Resolves an explicit server argument (address or name); undefined: the resolver configuration. */
export function pickServers(ctx: CommandContext, text: string | undefined, done: (s: QueryServer[] | undefined) => void): void {
  if (text === undefined) {
    const ns = nameservers(ctx.host);
    return done(ns.map((a) => ({ addr: a, name: a })));
  }
  if (parseIpv4(text) !== undefined || (text.includes(':') && parseIpv6(text))) return done([{ addr: text, name: text }]);
  stubResolver(ctx.host).getaddrinfo(text, 4, (r) => done(r.ok ? r.value.addrs.map((a) => ({ addr: a, name: text })) : undefined));
}

export function queryServers(ctx: CommandContext, servers: readonly QueryServer[], name: string, type: number, o: QueryOptions, done: (r: { msg: DnsMessage; server: QueryServer } | undefined) => void): void {
  let attempt = 0;
  let i = 0;
  const next = (): void => {
    if (ctx.exited) return;
    if (i >= servers.length) {
      i = 0;
      attempt++;
    }
    if (attempt >= o.tries || servers.length === 0) {
      ctx.print(';; no servers could be reached');
      return done(undefined);
    }
    const server = servers[i++]!;
    const ask = (tcp: boolean): void => {
      const query: DnsMessage = { id: newQueryId(ctx.host), flags: dnsFlags({ rd: o.recurse }), questions: [{ name, type, class: RR_CLASS.IN }], answers: [], authorities: [], additionals: [] };
      exchange(ctx.host, query, { server: server.addr, port: o.port, timeoutNs: o.timeoutNs, tcp }, (r) => {
        if (ctx.exited) return;
        if (!r.ok) {
          const why = r.error === 'timeout' ? 'timed out' : r.error === 'refused' ? 'connection refused' : r.error === 'reset' ? 'connection reset' : 'host unreachable';
          ctx.print(`;; communications error to ${server.addr}#${o.port}: ${why}`);
          return next();
        }
        if (r.msg.flags.tc && !tcp) {
          if (o.announceTc) ctx.print(';; Truncated, retrying in TCP mode.');
          return ask(true);
        }
        done({ msg: r.msg, server });
      });
    };
    ask(o.tcp);
  };
  next();
}
