/**
 * `host` (BIND 9.18 bin/dig/host.c): `host name [server]` looks up A, then AAAA and MX for the
 * canonical name; `host address` looks up the PTR; `-t type` asks one type. Lines are
 * "X is an alias for Y.", "X has address A", "X mail is handled by 10 Y.", "X has T record …".
 * Exit status 1 when a lookup fails (NXDOMAIN, SERVFAIL, no reply).
 */
import type { DnsMessage, DnsRecord } from '../wire/dns/types.ts';
import { RR_TYPE } from '../wire/dns/types.ts';
import { formatRData, rcodeName, typeFromName, typeName } from '../wire/dns/format.ts';
import { parseIpv4, parseIpv6 } from '../wire/addr.ts';
import type { Command, CommandContext } from './registry.ts';
import { getopt } from './getopt.ts';
import { canonicalOf } from '../stack/dns/stub.ts';
import { fromUser } from '../stack/dns/dname.ts';
import { digReverse } from './dig-args.ts';
import type { QueryOptions, QueryServer } from './dns-query.ts';
import { pickServers, queryServers } from './dns-query.ts';

export const HOST_USAGE = [
  'Usage: host [-aCdilrTvVw] [-c class] [-N ndots] [-t type] [-W time]',
  '            [-R number] [-m flag] [-p port] hostname [server]',
  '       -a is equivalent to -v -t ANY',
  '       -A is like -a but omits RRSIG, NSEC, NSEC3',
  '       -c specifies query class for non-IN data',
  '       -C compares SOA records on authoritative nameservers',
  '       -d is equivalent to -v',
  '       -l lists all hosts in a domain, using AXFR',
  '       -m set memory debugging flag (trace|record|usage)',
  '       -N changes the number of dots allowed before root lookup is done',
  '       -p specifies the port on the server to query',
  '       -r disables recursive processing',
  '       -R specifies number of retries for UDP packets',
  '       -s a SERVFAIL response should stop query',
  '       -t specifies the query type',
  '       -T enables TCP/IP mode',
  '       -U enables UDP mode',
  '       -v enables verbose output',
  '       -V print version number and exit',
  '       -w specifies to wait forever for a reply',
  '       -W specifies how long to wait for a reply',
  '       -4 use IPv4 query transport only',
  '       -6 use IPv6 query transport only',
];

/** host.c's rtypes[]: the phrase for each type ("has address", "mail is handled by", ...). */
const PHRASE: Record<number, string> = {
  [RR_TYPE.A]: 'has address',
  [RR_TYPE.AAAA]: 'has IPv6 address',
  [RR_TYPE.CNAME]: 'is an alias for',
  [RR_TYPE.MX]: 'mail is handled by',
  [RR_TYPE.NS]: 'name server',
  [RR_TYPE.PTR]: 'domain name pointer',
  [RR_TYPE.TXT]: 'descriptive text',
  13: 'host information',
  [RR_TYPE.SOA]: 'has SOA record',
};

function owner(r: DnsRecord): string {
  return r.name === '.' ? '.' : r.name;
}

export function formatHostRecord(r: DnsRecord): string {
  return `${owner(r)} ${PHRASE[r.type] ?? `has ${typeName(r.type)} record`} ${formatRData(r)}`;
}

export const hostCommand: Command = {
  name: 'host',
  summary: 'DNS lookup utility (BIND 9.18)',
  usage: 'host [-rT] [-t type] [-W time] [-R number] [-p port] name [server]',
  run(ctx, args) {
    const g = getopt(args, 'aAcCdilrsTUvVw46t:W:R:p:N:m:');
    const usage = (): void => {
      for (const l of HOST_USAGE) ctx.print(l);
      ctx.exit(1);
    };
    if (!g.ok) {
      ctx.print(g.error.kind === 'invalid' ? `host: invalid option -- '${g.error.flag}'` : `host: option requires an argument -- '${g.error.flag}'`);
      return usage();
    }
    const o: QueryOptions & { type?: number } = { port: 53, timeoutNs: 5e9, tries: 2, tcp: false, recurse: true };
    for (const { flag, value = '' } of g.value.opts) {
      switch (flag) {
        case 't': {
          const t = typeFromName(value);
          if (t === undefined) {
            ctx.print(`host: invalid type: ${value}`);
            return ctx.exit(1);
          }
          Object.assign(o, { type: t });
          break;
        }
        case 'W':
          Object.assign(o, { timeoutNs: Math.max(1, Number(value) || 1) * 1e9 });
          break;
        case 'R':
          Object.assign(o, { tries: Math.max(1, (Number(value) || 0) + 1) });
          break;
        case 'p':
          Object.assign(o, { port: Number(value) || 53 });
          break;
        case 'T':
          Object.assign(o, { tcp: true });
          break;
        case 'r':
          Object.assign(o, { recurse: false });
          break;
        case 'V':
          ctx.print('host 9.18.49-1~deb12u3-Debian');
          return ctx.exit(0);
        case 'a':
        case 'A':
        case 'l':
        case 'C':
          ctx.print(`host: -${flag} is not simulated in this lab`);
          return ctx.exit(1);
      }
    }
    const [target, serverArg] = g.value.operands;
    if (target === undefined) return usage();
    pickServers(ctx, serverArg, (servers) => {
      if (!servers) {
        ctx.print(`host: couldn't get address for '${serverArg}': not found`);
        return ctx.exit(1);
      }
      if (serverArg !== undefined) {
        ctx.print('Using domain server:');
        ctx.print(`Name: ${serverArg}`);
        ctx.print(`Address: ${servers[0]?.addr ?? serverArg}#${o.port}`);
        ctx.print('Aliases: ');
        ctx.print('');
      }
      runHost(ctx, servers, target, o);
    });
  },
};

function runHost(ctx: CommandContext, servers: QueryServer[], target: string, o: QueryOptions & { type?: number }): void {
  const isAddr = parseIpv4(target) !== undefined || (target.includes(':') && parseIpv6(target) !== undefined);
  const defaults = o.type === undefined;
  const first = isAddr && defaults ? { name: digReverse(target), type: RR_TYPE.PTR, text: `${digReverse(target)}.` } : { name: fromUser(target), type: o.type ?? RR_TYPE.A, text: target };
  let failed = false;
  const queue: { name: string; type: number; text: string }[] = [first];
  const next = (): void => {
    const l = queue.shift();
    if (!l) return ctx.exit(failed ? 1 : 0);
    queryServers(ctx, servers, l.name, l.type, o, (r) => {
      if (!r) {
        failed = true;
        return ctx.exit(1);
      }
      if (!print(ctx, r.msg, l, defaults)) failed = true;
      else if (defaults && l.type === RR_TYPE.A) {
        const canon = canonicalOf(l.name, r.msg.answers);
        queue.push({ name: canon, type: RR_TYPE.AAAA, text: canon }, { name: canon, type: RR_TYPE.MX, text: canon });
      }
      next();
    });
  };
  next();
}

/** host.c printmessage; false when the lookup failed. */
function print(ctx: CommandContext, m: DnsMessage, l: { name: string; type: number; text: string }, defaults: boolean): boolean {
  const rcode = m.flags.rcode;
  if (rcode !== 0) {
    ctx.print(`Host ${rcode === 3 ? l.text : l.name} not found: ${rcode}(${rcodeName(rcode)})`);
    return false;
  }
  for (const r of m.answers) ctx.print(formatHostRecord(r));
  if (!defaults && m.answers.length === 0) ctx.print(`${l.name} has no ${typeName(l.type)} record`);
  return true;
}
