/**
 * `ip` (iproute2 6.1), read-only: `ip [-4|-6] [-br] addr|link|route|neigh [show [dev] IFNAME]`
 * with iproute2's abbreviations (`ip a`, `ip r`, `ip n`, `ip l`, `ip a s eth0`) and error texts.
 * Changing the configuration (add/del/flush) is not modelled: the scenario defines it.
 */
import type { Command, CommandContext } from './registry.ts';
import type { IpAddrMode } from './ip-format.ts';
import { formatIpAddr, formatIpBriefAddr, formatIpBriefLink, formatIpLink, formatIpNeigh, formatIpRoute, IP_ERRORS, IP_USAGE } from './ip-format.ts';
import { devicesOf, neighboursOf, routes4Of, routes6Of } from './netdev.ts';

/** iproute2's object table, in its matching order (the first object the word is a prefix of wins). */
const OBJECTS = ['address', 'addrlabel', 'maddress', 'route', 'rule', 'neighbor', 'neighbour', 'ntable', 'ntbl', 'link', 'l2tp', 'fou', 'ila', 'macsec', 'tunnel', 'tuntap', 'tap', 'token', 'tcpmetrics', 'tcp_metrics', 'monitor', 'xfrm', 'mroute', 'mrule', 'netns', 'netconf', 'vrf', 'sr', 'nexthop', 'mptcp', 'ioam', 'help'];
const OBJECT_NAMES: Record<string, string> = { address: 'address', route: 'route', neighbor: 'neigh', neighbour: 'neigh', link: 'link' };

interface IpOptions {
  family: IpAddrMode;
  brief: boolean;
}

const matches = (word: string, full: string): boolean => word.length > 0 && full.startsWith(word);

function parseGlobal(ctx: CommandContext, args: string[]): { opts: IpOptions; rest: string[] } | undefined {
  const opts: IpOptions = { family: 'all', brief: false };
  let i = 0;
  for (; i < args.length && args[i]!.startsWith('-'); i++) {
    let o = args[i]!;
    if (o.startsWith('--')) o = o.slice(1);
    if (o === '-4') opts.family = 4;
    else if (o === '-6') opts.family = 6;
    else if (o.length >= 3 && matches(o, '-brief')) opts.brief = true;
    else if (matches(o, '-family') || o === '-f') {
      const f = args[++i];
      if (f === 'inet') opts.family = 4;
      else if (f === 'inet6') opts.family = 6;
      else {
        ctx.print(f === undefined ? 'Command line is not complete. Try option "help"' : `Error: argument "${f}" is wrong: invalid protocol family`);
        ctx.exit(255);
        return undefined;
      }
    } else if (o.length >= 3 && matches(o, '-color')) continue;
    else if (o === '-V' || matches(o, '-Version')) {
      ctx.print('ip utility, iproute2-6.1.0, libbpf 1.1.2');
      ctx.exit(0);
      return undefined;
    } else if (matches(o, '-help')) {
      for (const l of IP_USAGE) ctx.print(l);
      ctx.exit(255);
      return undefined;
    } else {
      ctx.print(IP_ERRORS.unknownOption(args[i]!));
      ctx.exit(255);
      return undefined;
    }
  }
  return { opts, rest: args.slice(i) };
}

/** `show [dev] NAME [up]` arguments; returns the device filter, or a status when it printed an error. */
function parseShow(ctx: CommandContext, object: string, args: string[], noDevice: (d: string) => string): { dev?: string; up: boolean } | number {
  let i = 0;
  const cmd = args[0];
  if (cmd !== undefined && (matches(cmd, 'show') || matches(cmd, 'list') || matches(cmd, 'lst'))) i = 1;
  else if (cmd !== undefined) {
    if (['add', 'del', 'delete', 'change', 'replace', 'flush', 'set', 'append', 'prepend'].some((c) => matches(cmd, c))) {
      ctx.print(`ip ${object} ${cmd}: changing the configuration is not modelled here (the scenario sets addresses, routes and links)`);
      return 2;
    }
    if (matches(cmd, 'help')) {
      ctx.print(`Usage: ip ${object} show [ dev IFNAME ]`);
      return 255;
    }
    ctx.print(IP_ERRORS.unknownCommand(cmd, object));
    return 255;
  }
  let dev: string | undefined;
  let up = false;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === 'up') up = true;
    else {
      let name = a;
      if (a === 'dev') {
        const n = args[++i];
        if (n === undefined) {
          ctx.print('Command line is not complete. Try option "help"');
          return 255;
        }
        name = n;
      }
      if (dev !== undefined) {
        ctx.print(`Error: either "dev" is duplicate, or "${name}" is a garbage.`);
        return 255;
      }
      dev = name;
    }
  }
  if (dev !== undefined && dev !== 'lo' && !ctx.host.iface(dev)) {
    ctx.print(noDevice(dev));
    return 1;
  }
  return { ...(dev !== undefined ? { dev } : {}), up };
}

function showAddr(ctx: CommandContext, o: IpOptions, args: string[], linkOnly: boolean): number {
  const object = linkOnly ? 'link' : 'address';
  const p = parseShow(ctx, object, args, IP_ERRORS.noDevice);
  if (typeof p === 'number') return p;
  for (const d of devicesOf(ctx.host)) {
    if (p.dev !== undefined && d.link.name !== p.dev) continue;
    if (p.up && !d.link.flags.includes('UP')) continue;
    const addrs = o.family === 'all' ? d.addrs : d.addrs.filter((a) => a.family === o.family);
    if (linkOnly) {
      if (o.brief) ctx.print(formatIpBriefLink(d.link));
      else for (const l of formatIpLink(d.link)) ctx.print(l);
      continue;
    }
    if (o.family !== 'all' && addrs.length === 0) continue;
    if (o.brief) ctx.print(formatIpBriefAddr(d.link, addrs, o.family));
    else for (const l of formatIpAddr(d.link, addrs, o.family)) ctx.print(l);
  }
  return 0;
}

function showRoute(ctx: CommandContext, o: IpOptions, args: string[]): number {
  const cmd = args[0];
  if (cmd !== undefined && !(matches(cmd, 'show') || matches(cmd, 'list'))) {
    if (matches(cmd, 'get')) ctx.print('ip route get: not modelled here; traceroute and ping show the path');
    else if (['add', 'del', 'delete', 'change', 'replace', 'flush', 'append', 'prepend'].some((c) => matches(cmd, c))) ctx.print(`ip route ${cmd}: changing the configuration is not modelled here (the scenario sets routes)`);
    else {
      ctx.print(IP_ERRORS.unknownCommand(cmd, 'route'));
      return 255;
    }
    return 2;
  }
  if (args.length > 1) {
    ctx.print('ip route show: filters are not modelled here; use ip route');
    return 2;
  }
  const routes = o.family === 6 ? routes6Of(ctx.host) : routes4Of(ctx.host);
  for (const r of routes) ctx.print(formatIpRoute(r));
  return 0;
}

function showNeigh(ctx: CommandContext, o: IpOptions, args: string[]): number {
  const p = parseShow(ctx, 'neigh', args, (d) => `Cannot find device "${d}"`);
  if (typeof p === 'number') return p;
  for (const n of neighboursOf(ctx.host)) {
    if (o.family !== 'all' && n.family !== o.family) continue;
    if (p.dev !== undefined && n.dev !== p.dev) continue;
    ctx.print(formatIpNeigh(n, p.dev === undefined));
  }
  return 0;
}

export const ipCommand: Command = {
  name: 'ip',
  summary: 'show addresses, links, routes and neighbours (iproute2 ip)',
  usage: 'ip [-4|-6] [-br] { addr | link | route | neigh } [show [dev IFNAME]]',
  run(ctx, args) {
    const g = parseGlobal(ctx, args);
    if (!g) return;
    const [word, ...rest] = g.rest;
    if (word === undefined) {
      for (const l of IP_USAGE) ctx.print(l);
      ctx.exit(255);
      return;
    }
    const object = OBJECTS.find((x) => matches(word, x));
    if (object === undefined) {
      ctx.print(IP_ERRORS.unknownObject(word));
      ctx.exit(1);
      return;
    }
    if (object === 'help') {
      for (const l of IP_USAGE) ctx.print(l);
      ctx.exit(255);
      return;
    }
    const name = OBJECT_NAMES[object];
    if (name === undefined) {
      ctx.print(`ip ${object}: not modelled in this simulation (supported: address, link, route, neigh)`);
      ctx.exit(2);
      return;
    }
    const status = name === 'address' ? showAddr(ctx, g.opts, rest, false) : name === 'link' ? showAddr(ctx, g.opts, rest, true) : name === 'route' ? showRoute(ctx, g.opts, rest) : showNeigh(ctx, g.opts, rest);
    ctx.exit(status);
  },
};
