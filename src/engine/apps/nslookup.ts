/**
 * `nslookup` (BIND 9.18 bin/dig/nslookup.c), non-interactive: `nslookup [-type=T] [-port=N]
 * [-timeout=S] [-retry=N] [-norecurse] [-vc] name [server]`. Without -type it asks A, then
 * AAAA for the canonical name; an address is looked up as PTR. Layout: "Server:" / "Address:",
 * "Non-authoritative answer:", "Name:\t…" / "Address: …", "X\tmail exchanger = …",
 * "** server can't find X: NXDOMAIN", "Authoritative answers can be found from:".
 */
import type { DnsMessage, DnsRecord } from '../wire/dns/types.ts';
import { RR_TYPE } from '../wire/dns/types.ts';
import { formatRData, rcodeName, typeFromName } from '../wire/dns/format.ts';
import { parseIpv4, parseIpv6 } from '../wire/addr.ts';
import type { Command, CommandContext } from './registry.ts';
import { canonicalOf } from '../stack/dns/stub.ts';
import { fromUser } from '../stack/dns/dname.ts';
import { digReverse } from './dig-args.ts';
import type { QueryOptions, QueryServer } from './dns-query.ts';
import { pickServers, queryServers } from './dns-query.ts';

/** nslookup.c rtypetext[] (types above 41 print as "rdata_N = "). */
const TEXT: Record<number, string> = {
  1: 'internet address = ', 2: 'nameserver = ', 3: 'md = ', 4: 'mf = ', 5: 'canonical name = ', 6: 'soa = ', 7: 'mb = ', 8: 'mg = ', 9: 'mr = ',
  11: 'protocol = ', 12: 'name = ', 13: 'hinfo = ', 14: 'minfo = ', 15: 'mail exchanger = ', 16: 'text = ', 17: 'rp = ', 18: 'afsdb = ',
  19: 'x25 address = ', 20: 'isdn address = ', 21: 'rt = ', 22: 'nsap = ', 23: 'nsap_ptr = ', 24: 'signature = ', 25: 'key = ', 26: 'px = ',
  27: 'gpos = ', 28: 'has AAAA address ', 29: 'loc = ', 30: 'next = ', 33: 'service = ', 35: 'naptr = ', 36: 'kx = ', 37: 'cert = ',
  38: 'v6 address = ', 39: 'dname = ', 41: 'optional = ',
};

function rtypeText(t: number): string {
  return TEXT[t] ?? (t <= 41 ? `rtype_${t} = ` : `rdata_${t} = `);
}

/** nslookup.c printsection for one record. */
export function formatNslookupRecord(r: DnsRecord, answerSection: boolean): string[] {
  const d = r.data;
  if ((d.type === 'A' || d.type === 'AAAA') && answerSection) return [`Name:\t${r.name}`, `Address: ${d.address}`];
  if (d.type === 'SOA') {
    const strip = (n: string): string => n;
    return [r.name, `\torigin = ${strip(d.mname)}`, `\tmail addr = ${strip(d.rname)}`, `\tserial = ${d.serial}`, `\trefresh = ${d.refresh}`, `\tretry = ${d.retry}`, `\texpire = ${d.expire}`, `\tminimum = ${d.minimum}`];
  }
  return [`${r.name}\t${rtypeText(r.type)}${formatRData(r)}`];
}

export const nslookupCommand: Command = {
  name: 'nslookup',
  summary: 'query Internet name servers (non-interactive)',
  usage: 'nslookup [-type=T] [-port=N] [-timeout=S] [-retry=N] [-norecurse] [-vc] name [server]',
  run(ctx, args) {
    const o: QueryOptions & { type?: number } = { port: 53, timeoutNs: 5e9, tries: 3, tcp: false, recurse: true, announceTc: true };
    const operands: string[] = [];
    for (const a of args) {
      if (!a.startsWith('-') || a === '-') {
        operands.push(a);
        continue;
      }
      const [k, v = ''] = a.slice(1).split('=', 2) as [string, string?];
      const key = k.toLowerCase();
      if (key === 'type' || key === 'querytype' || key === 'query' || key === 'q' || key === 't') {
        const t = typeFromName(v);
        if (t === undefined) {
          ctx.print(`unknown query type: ${v}`);
          continue;
        }
        Object.assign(o, { type: t });
      } else if (key === 'port') Object.assign(o, { port: Number(v) || 53 });
      else if (key === 'timeout') Object.assign(o, { timeoutNs: Math.max(1, Number(v) || 1) * 1e9 });
      else if (key === 'retry') Object.assign(o, { tries: Math.max(1, Number(v) || 1) });
      else if (key === 'norecurse' || key === 'norec') Object.assign(o, { recurse: false });
      else if (key === 'recurse') Object.assign(o, { recurse: true });
      else if (key === 'vc') Object.assign(o, { tcp: true });
      else if (key === 'novc') Object.assign(o, { tcp: false });
      else {
        ctx.print(`*** Invalid option: ${a.slice(1)}`);
      }
    }
    const [target, serverArg] = operands;
    if (target === undefined) {
      ctx.print('nslookup: interactive mode is not simulated; give a name: nslookup [-type=T] name [server]');
      return ctx.exit(1);
    }
    pickServers(ctx, serverArg, (servers) => {
      if (!servers || servers.length === 0) {
        ctx.print(`nslookup: couldn't get address for '${serverArg ?? 'a nameserver'}': not found`);
        return ctx.exit(1);
      }
      run(ctx, servers, target, o);
    });
  },
};

interface Lookup {
  name: string;
  type: number;
  text: string;
}

function run(ctx: CommandContext, servers: QueryServer[], target: string, o: QueryOptions & { type?: number }): void {
  const isAddr = parseIpv4(target) !== undefined || (target.includes(':') && parseIpv6(target) !== undefined);
  const defaults = o.type === undefined;
  const first: Lookup = isAddr && defaults ? { name: digReverse(target), type: RR_TYPE.PTR, text: digReverse(target) } : { name: fromUser(target), type: o.type ?? RR_TYPE.A, text: target };
  const queue: Lookup[] = [first];
  let failed = false;
  let aNoAnswer = false;
  const finish = (): void => {
    ctx.print('');
    ctx.exit(failed ? 1 : 0);
  };
  const next = (): void => {
    const l = queue.shift();
    if (!l) return finish();
    queryServers(ctx, servers, l.name, l.type, o, (r) => {
      if (!r) {
        failed = true;
        return finish();
      }
      const m = r.msg;
      const headerShown = !defaults || l.type === RR_TYPE.A;
      if (headerShown) {
        ctx.print(`Server:\t\t${r.server.name}`);
        ctx.print(`Address:\t${r.server.addr}#${o.port}`);
        ctx.print('');
      }
      if (m.flags.rcode !== 0) {
        ctx.print(`** server can't find ${l.name}: ${rcodeName(m.flags.rcode)}`);
        failed = true;
        return next();
      }
      if (defaults && l.type === RR_TYPE.A) queue.push({ name: canonicalOf(l.name, m.answers), type: RR_TYPE.AAAA, text: canonicalOf(l.name, m.answers) });
      printMessage(ctx, m, l, defaults, headerShown, () => (aNoAnswer = true), () => aNoAnswer);
      next();
    });
  };
  next();
}

function printMessage(ctx: CommandContext, m: DnsMessage, l: Lookup, defaults: boolean, headerShown: boolean, setNoAnswer: () => void, noAnswer: () => boolean): void {
  if (!m.flags.aa && headerShown) ctx.print('Non-authoritative answer:');
  if (m.answers.length) {
    // The AAAA lookup of the default pair goes to the canonical name: no CNAME lines twice.
    for (const r of m.answers) for (const line of formatNslookupRecord(r, true)) ctx.print(line);
  } else if (defaults && l.type === RR_TYPE.A) {
    setNoAnswer();
  } else if (!defaults || (l.type === RR_TYPE.AAAA && noAnswer())) {
    ctx.print(`*** Can't find ${l.text}: No answer`);
  }
  if (!m.flags.aa && l.type !== RR_TYPE.A && l.type !== RR_TYPE.AAAA) {
    ctx.print('');
    ctx.print('Authoritative answers can be found from:');
    for (const r of m.authorities) for (const line of formatNslookupRecord(r, false)) ctx.print(line);
    for (const r of m.additionals) for (const line of formatNslookupRecord(r, false)) ctx.print(line);
  }
}
