/**
 * `arp` (net-tools 2.10), display only: `arp [-n] [-v] [-a|-e] [-i IFACE] [HOST]` over the host's
 * ARP cache (reachable entries show their MAC with flag C, entries still resolving show
 * "(incomplete)"). Names come from the run's hosts table unless -n. Adding or deleting entries
 * (-s, -d, -f) is not modelled.
 */
import type { Command } from './registry.ts';
import { getopt } from './getopt.ts';
import { formatIpv4, formatMac, parseIpv4 } from '../wire/addr.ts';
import type { ArpRow } from './arp-format.ts';
import { ARP_ERRORS, ARP_HEADER, ARP_USAGE, formatArpBsd, formatArpRow, formatArpVerboseSummary } from './arp-format.ts';

export const arpCommand: Command = {
  name: 'arp',
  summary: 'show the ARP cache (net-tools arp)',
  usage: 'arp [-n] [-v] [-a|-e] [-i interface] [hostname]',
  run(ctx, args) {
    const g = getopt(args, 'aenvi:H:dsfD');
    if (!g.ok) {
      ctx.print(g.error.kind === 'invalid' ? `arp: invalid option -- '${g.error.flag}'` : `arp: option requires an argument -- '${g.error.flag}'`);
      for (const l of ARP_USAGE) ctx.print(l);
      ctx.exit(3);
      return;
    }
    let numeric = false;
    let bsd = false;
    let verbose = false;
    let iface: string | undefined;
    for (const { flag, value } of g.value.opts) {
      if (flag === 'n') numeric = true;
      else if (flag === 'a') bsd = true;
      else if (flag === 'e') bsd = false;
      else if (flag === 'v') verbose = true;
      else if (flag === 'i') iface = value;
      else if (flag === 'H' && value !== 'ether') {
        ctx.print(`arp: ${value}: unknown hardware type.`);
        ctx.exit(255);
        return;
      } else if (flag === 'd' || flag === 's' || flag === 'f' || flag === 'D') {
        ctx.print(`arp: -${flag}: changing the ARP cache is not modelled here (entries come from ARP traffic)`);
        ctx.exit(1);
        return;
      }
    }
    const world = ctx.world;
    let target: string | undefined;
    let targetName: string | undefined;
    const operand = g.value.operands[0];
    if (operand !== undefined) {
      if (parseIpv4(operand) !== undefined && operand.split('.').length === 4) target = operand;
      else target = world.hosts.byName.get(operand)?.find((a) => parseIpv4(a) !== undefined);
      if (target === undefined) {
        ctx.print(ARP_ERRORS.lookupFailure(operand));
        ctx.exit(255);
        return;
      }
      targetName = operand;
    }
    const all: ArpRow[] = [...ctx.host.arp.entries.values()].map((e) => {
      const ip = formatIpv4(e.addr);
      const name = numeric ? ip : (world.hosts.byAddr.get(ip) ?? ip);
      return { name, ip, iface: e.iface.name, ...(e.state !== 'incomplete' ? { mac: formatMac(e.mac) } : {}) };
    });
    const rows = all.filter((r) => (iface === undefined || r.iface === iface) && (target === undefined || r.ip === target));
    if (rows.length > 0 && !bsd) ctx.print(ARP_HEADER);
    for (const r of rows) ctx.print(bsd ? formatArpBsd(r, numeric) : formatArpRow(r));
    if (verbose) ctx.print(formatArpVerboseSummary(all.length, rows.length));
    if (rows.length === 0) {
      if (target !== undefined) ctx.print(ARP_ERRORS.noEntry(targetName ?? target, target));
      else if (iface !== undefined) ctx.print(ARP_ERRORS.noMatch(all.length));
    }
    ctx.exit(0);
  },
};
