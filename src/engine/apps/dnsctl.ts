/**
 * Operator commands for the DNS servers of a host (lab tools, not copies of real ones):
 *  zone-set <zone> "<record line>"   replace the RRset(s) of the record(s) on this host's
 *                                    authoritative server (zone-file syntax, names relative
 *                                    to the zone); the SOA serial goes up by one
 *  zone-del <zone> <name> [type]     delete an RRset (every type when none is given)
 *  zone-show <zone>                  print the zone as a master file
 * and `rndc` for the resolver's cache, as BIND's rndc words it: flush, flushname NAME,
 * dumpdb (printed here instead of written to named_dump.db).
 */
import type { DnsRecord } from '../wire/dns/types.ts';
import { formatRecord, typeFromName } from '../wire/dns/format.ts';
import type { Command, CommandContext } from './registry.ts';
import { hostDns } from '../stack/dns/host-dns.ts';
import { parseZoneFile } from '../stack/dns/zonefile.ts';
import { fromUser, key } from '../stack/dns/dname.ts';
import type { Zone } from '../stack/dns/zone.ts';

function zoneOf(ctx: CommandContext, cmd: string, origin: string | undefined): Zone | undefined {
  const auth = hostDns(ctx.host).auth;
  if (!auth) {
    ctx.print(`${cmd}: ${ctx.host.name} runs no authoritative DNS server`);
    ctx.exit(1);
    return undefined;
  }
  if (origin === undefined) {
    ctx.print(`usage: ${cmd} <zone> ...   (zones here: ${auth.zones.map((z) => z.origin).join(', ')})`);
    ctx.exit(2);
    return undefined;
  }
  const z = auth.zone(fromUser(origin));
  if (!z) {
    ctx.print(`${cmd}: ${ctx.host.name} is not authoritative for ${origin} (zones here: ${auth.zones.map((x) => x.origin).join(', ')})`);
    ctx.exit(1);
  }
  return z;
}

function serialOf(z: Zone): number {
  const d = z.soa.data;
  return d.type === 'SOA' ? d.serial : 0;
}

export const zoneSetCommand: Command = {
  name: 'zone-set',
  summary: 'change records on this host’s authoritative server (lab tool)',
  usage: 'zone-set <zone> "<name> [ttl] [IN] <type> <rdata>" ...',
  run(ctx, args) {
    const z = zoneOf(ctx, 'zone-set', args[0]);
    if (!z) return;
    const text = args.slice(1).join('\n');
    if (text.trim() === '') {
      ctx.print(`usage: ${zoneSetCommand.usage}`);
      return ctx.exit(2);
    }
    const soa = z.soa.data;
    const p = parseZoneFile(text, { origin: z.origin, fragment: true, defaultTtl: soa.type === 'SOA' ? soa.minimum : 3600, fileName: 'zone-set' });
    if (!p.ok) {
      for (const e of p.errors) ctx.print(`zone-set: ${e.message}`);
      return ctx.exit(1);
    }
    const groups = new Map<string, DnsRecord[]>();
    for (const r of p.records) {
      const k = `${key(r.name)}|${r.type}`;
      groups.set(k, [...(groups.get(k) ?? []), r]);
    }
    for (const rs of groups.values()) z.replace(rs[0]!.name, rs[0]!.type, rs);
    for (const r of p.records) ctx.print(formatRecord(r));
    ctx.print(`; zone ${z.origin === '.' ? '.' : `${z.origin}.`} serial ${serialOf(z)}`);
    ctx.exit(0);
  },
};

export const zoneDelCommand: Command = {
  name: 'zone-del',
  summary: 'delete an RRset on this host’s authoritative server (lab tool)',
  usage: 'zone-del <zone> <name> [type]',
  run(ctx, args) {
    const z = zoneOf(ctx, 'zone-del', args[0]);
    if (!z) return;
    const nameArg = args[1];
    if (nameArg === undefined) {
      ctx.print(`usage: ${zoneDelCommand.usage}`);
      return ctx.exit(2);
    }
    const name = nameArg === '@' ? z.origin : nameArg.endsWith('.') ? fromUser(nameArg) : z.origin === '.' ? nameArg : `${nameArg}.${z.origin}`;
    const type = args[2] !== undefined ? typeFromName(args[2]) : undefined;
    if (args[2] !== undefined && type === undefined) {
      ctx.print(`zone-del: unknown type ${args[2]}`);
      return ctx.exit(2);
    }
    const victims = z.records().filter((r) => key(r.name) === key(name) && (type === undefined || r.type === type));
    const types = [...new Set(victims.map((r) => r.type))];
    for (const t of types) z.replace(name, t, []);
    ctx.print(`; ${victims.length} record${victims.length === 1 ? '' : 's'} deleted; zone ${z.origin} serial ${serialOf(z)}`);
    ctx.exit(victims.length ? 0 : 1);
  },
};

export const zoneShowCommand: Command = {
  name: 'zone-show',
  summary: 'print a zone of this host’s authoritative server',
  usage: 'zone-show <zone>',
  run(ctx, args) {
    const z = zoneOf(ctx, 'zone-show', args[0]);
    if (!z) return;
    for (const r of z.records()) ctx.print(formatRecord(r));
    ctx.exit(0);
  },
};

export const rndcCommand: Command = {
  name: 'rndc',
  summary: 'control this host’s recursive resolver (flush, flushname, dumpdb)',
  usage: 'rndc flush | rndc flushname <name> | rndc dumpdb',
  run(ctx, args) {
    const rec = hostDns(ctx.host).recursive;
    if (!rec) {
      ctx.print('rndc: connect failed: 127.0.0.1#953: connection refused');
      return ctx.exit(1);
    }
    switch (args[0]) {
      case 'flush':
        rec.cache.flush();
        return ctx.exit(0);
      case 'flushname':
        if (args[1] === undefined) break;
        rec.cache.flushName(fromUser(args[1]));
        return ctx.exit(0);
      case 'dumpdb':
        ctx.print(';');
        ctx.print('; Cache dump of view \'_default\' (cache _default)');
        ctx.print(';');
        for (const e of rec.cache.dump()) for (const r of e.records) ctx.print(formatRecord(r));
        return ctx.exit(0);
    }
    ctx.print(`usage: ${rndcCommand.usage}`);
    ctx.exit(1);
  },
};
