/**
 * A subset of pcap-filter(7) compiled to a predicate over Ethernet frames, with libpcap 1.10's
 * error texts. Supported: `[ether|ip|ip6|arp|rarp|tcp|udp|icmp|icmp6|sctp] [src|dst|src or dst|src and dst]
 * [host|net|port|portrange|proto] ID`, the bare protocol names, `net N/len`, `net N mask M`,
 * `ether host|src|dst MAC`, `[ether] broadcast|multicast`, `ip broadcast`, `ip|ip6 multicast`, `less N`, `greater N`, `vlan [ID]`,
 * `inbound`, `outbound`, `and`/`&&`, `or`/`||`, `not`/`!`, parentheses, and libpcap's
 * abbreviation where a bare ID repeats the previous qualifiers (`host a or b`, `port 80 or 443`).
 * As in libpcap, `and` and `or` have equal precedence and associate left to right, and after
 * `vlan` the rest of the expression looks inside the 802.1Q tag.
 * Not supported: byte-offset expressions (`tcp[13] & 2 != 0`) and `gateway`.
 */
import { ipv4Mask, ipv6Equal, ipv6InPrefix, parseIpv4, parseIpv6, parseMac, readIpv4, readMac } from '../wire/addr.ts';
import { maskV6 } from '../stack/routing.ts';
import type { Ipv6 } from '../wire/addr.ts';
import { u16 } from '../wire/bytes.ts';
import { dirMatch, etype, isArp, isIp4, isIp6, ports, protoMatch } from './tcpdump-filter-frame.ts';

export type FrameMatcher = (bytes: Uint8Array, direction: 'in' | 'out') => boolean;
export type FilterResult = { ok: true; match: FrameMatcher } | { ok: false; error: string };

/** Resolves a host name to its addresses (text forms), or undefined when unknown. */
export type HostResolver = (name: string) => readonly string[] | undefined;

const SERVICES: Record<string, number> = { ftp: 21, ssh: 22, telnet: 23, smtp: 25, domain: 53, bootps: 67, bootpc: 68, tftp: 69, http: 80, www: 80, pop3: 110, ntp: 123, imap: 143, snmp: 161, bgp: 179, ldap: 389, https: 443, syslog: 514, mdns: 5353 };
const PROTO_NUMS: Record<string, number> = { icmp: 1, igmp: 2, tcp: 6, udp: 17, icmp6: 58, sctp: 132 };
const ETHER_PROTOS: Record<string, number> = { ip: 0x0800, ip6: 0x86dd, arp: 0x0806, rarp: 0x8035 };
const PROTOS = new Set(['ether', 'ip', 'ip6', 'arp', 'rarp', 'tcp', 'udp', 'icmp', 'icmp6', 'sctp']);
const DIRS = new Set(['src', 'dst']);
const TYPES = new Set(['host', 'net', 'port', 'portrange', 'proto', 'gateway']);
const OPERATORS = new Set(['and', 'or', 'not', '&&', '||', '!', '(', ')']);
const SPECIAL = new Set(['less', 'greater', 'vlan', 'broadcast', 'multicast', 'inbound', 'outbound', 'mask']);

class FilterError extends Error {}
const syntax = (): never => {
  throw new FilterError("can't parse filter expression: syntax error");
};

function tokenize(expr: string): string[] {
  const out: string[] = [];
  const re = /\s*(&&|\|\||[()!]|[^\s()!&|]+|[&|])/y;
  let m: RegExpExecArray | null;
  while ((m = re.exec(expr)) !== null) out.push(m[1]!);
  return out;
}

interface Quals {
  proto?: string;
  dir?: string;
  type?: string;
}

/** Where the network header starts (14, or further in after each `vlan`). */
interface Offsets {
  lo: number;
}

// ---- parser --------------------------------------------------------------------------------

class Parser {
  private i = 0;
  private last: Quals | undefined;
  private readonly off: Offsets = { lo: 14 };

  constructor(
    private readonly toks: string[],
    private readonly resolve: HostResolver,
    /** The capture interface's IPv4 netmask (for `ip broadcast`); 0 for files, as tcpdump -r uses. */
    private readonly netmask: number | undefined,
  ) {}

  parse(): FrameMatcher {
    const m = this.expr();
    if (this.i < this.toks.length) syntax();
    return m;
  }

  private peek(k = 0): string | undefined {
    return this.toks[this.i + k];
  }

  private expr(): FrameMatcher {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if (t === 'and' || t === '&&') {
        this.i++;
        const l = left;
        const r = this.unary();
        left = (b, d) => l(b, d) && r(b, d);
      } else if (t === 'or' || t === '||') {
        this.i++;
        const l = left;
        const r = this.unary();
        left = (b, d) => l(b, d) || r(b, d);
      } else return left;
    }
  }

  private unary(): FrameMatcher {
    const t = this.peek();
    if (t === undefined) return syntax();
    if (t === 'not' || t === '!') {
      this.i++;
      const inner = this.unary();
      return (b, d) => !inner(b, d);
    }
    if (t === '(') {
      this.i++;
      const inner = this.expr();
      if (this.peek() !== ')') syntax();
      this.i++;
      return inner;
    }
    return this.primitive();
  }

  private primitive(): FrameMatcher {
    const t = this.peek()!;
    if (t.includes('[')) throw new FilterError(`unsupported filter expression: byte offsets such as ${t} are not modelled`);
    if (SPECIAL.has(t) && t !== 'mask') return this.special(t);
    const q: Quals = {};
    if (PROTOS.has(t)) {
      q.proto = t;
      this.i++;
    }
    const d = this.peek();
    if (d !== undefined && DIRS.has(d)) {
      this.i++;
      q.dir = d;
      const op = this.peek();
      const other = this.peek(1);
      if ((op === 'or' || op === 'and') && other !== undefined && DIRS.has(other) && other !== d) {
        q.dir = op === 'or' ? 'src or dst' : 'src and dst';
        this.i += 2;
      }
    }
    const ty = this.peek();
    if (ty !== undefined && TYPES.has(ty)) {
      this.i++;
      q.type = ty;
    }
    const id = this.peek();
    const isId = id !== undefined && !OPERATORS.has(id) && !PROTOS.has(id) && !DIRS.has(id) && !TYPES.has(id) && !SPECIAL.has(id);
    if (q.proto === undefined && q.dir === undefined && q.type === undefined) {
      // A bare ID repeats the previous primitive's qualifiers (libpcap's abbreviation).
      if (!isId || !this.last) return syntax();
      this.i++;
      return this.value(this.last, id);
    }
    if (q.dir === undefined && q.type === undefined) {
      if (this.peek() === 'broadcast' || this.peek() === 'multicast') return this.castQualified(q.proto!, this.peek()!);
      if (!isId) return this.protocol(q.proto!);
    }
    if (q.type === 'proto') {
      if (!isId) return syntax();
      this.i++;
      return this.protoNumber(q.proto, id);
    }
    if (!isId) return syntax();
    this.i++;
    this.last = q;
    return this.value(q, id);
  }

  private special(t: string): FrameMatcher {
    this.i++;
    const lo = this.off.lo;
    switch (t) {
      case 'broadcast':
        return (b) => b.length >= 6 && readMac(b, 0) === 0xffffffffffff;
      case 'multicast':
        return (b) => b.length >= 6 && (b[0]! & 1) === 1;
      case 'inbound':
        return (_b, d) => d === 'in';
      case 'outbound':
        return (_b, d) => d === 'out';
      case 'less':
      case 'greater': {
        const n = this.number(this.next());
        return t === 'less' ? (b) => b.length <= n : (b) => b.length >= n;
      }
      case 'vlan': {
        const v = this.peek();
        let vid: number | undefined;
        if (v !== undefined && /^\d+$/.test(v)) {
          this.i++;
          vid = Number(v);
          if (vid > 4095) throw new FilterError(`VLAN tag ${vid} greater than maximum 4095`);
        }
        this.off.lo += 4;
        return (b) => {
          const ty = etype(b, lo);
          if (ty !== 0x8100 && ty !== 0x88a8 && ty !== 0x9100) return false;
          return vid === undefined || (b.length >= lo + 2 && (u16(b, lo) & 0x0fff) === vid);
        };
      }
      default:
        return syntax();
    }
  }

  /** `ip broadcast`, `ip multicast`, `ip6 multicast`, `ether broadcast|multicast`. */
  private castQualified(proto: string, kind: string): FrameMatcher {
    const lo = this.off.lo;
    if (proto === 'ether') return this.special(kind);
    this.i++;
    if (kind === 'broadcast') {
      if (proto !== 'ip') throw new FilterError('only link-layer/IP broadcast filters supported');
      if (this.netmask === undefined) throw new FilterError("netmask not known, so 'ip broadcast' not supported");
      const host = ~this.netmask >>> 0;
      return (b) => isIp4(b, lo) && [0, host].includes((readIpv4(b, lo + 16) & host) >>> 0);
    }
    if (proto === 'ip') return (b) => isIp4(b, lo) && b[lo + 16]! >= 224 && b[lo + 16]! < 240;
    if (proto === 'ip6') return (b) => isIp6(b, lo) && b[lo + 24] === 0xff;
    throw new FilterError('link-layer multicast filters supported only on ethernet/FDDI/token ring/ARCNET/802.11/ATM LANE/Fibre Channel');
  }

  private next(): string {
    const t = this.peek();
    if (t === undefined || OPERATORS.has(t)) return syntax();
    this.i++;
    return t;
  }

  private number(t: string): number {
    if (!/^(0x[0-9a-f]+|\d+)$/i.test(t)) return syntax();
    return Number(t);
  }

  private protocol(p: string): FrameMatcher {
    const lo = this.off.lo;
    switch (p) {
      case 'ip':
        return (b) => etype(b, lo) === 0x0800;
      case 'ip6':
        return (b) => etype(b, lo) === 0x86dd;
      case 'arp':
        return (b) => etype(b, lo) === 0x0806;
      case 'rarp':
        return (b) => etype(b, lo) === 0x8035;
      case 'icmp':
        return (b) => protoMatch(b, lo, 1, 'ip');
      case 'icmp6':
        return (b) => protoMatch(b, lo, 58, 'ip6');
      case 'tcp':
      case 'udp':
      case 'sctp':
        return (b) => protoMatch(b, lo, PROTO_NUMS[p]!, 'any');
      default:
        return syntax();
    }
  }

  private protoNumber(family: string | undefined, id: string): FrameMatcher {
    const lo = this.off.lo;
    const name = id.startsWith('\\') ? id.slice(1) : undefined;
    const num = /^(0x[0-9a-f]+|\d+)$/i.test(id) ? Number(id) : undefined;
    if (family === 'ether') {
      const n = name !== undefined ? ETHER_PROTOS[name] : num;
      if (n === undefined) throw new FilterError(`unknown ether proto '${name ?? id}'`);
      return (b) => etype(b, lo) === n;
    }
    const n = name !== undefined ? PROTO_NUMS[name] : num;
    if (n === undefined) throw new FilterError(`unknown ip proto '${name ?? id}'`);
    if (family !== undefined && family !== 'ip' && family !== 'ip6') throw new FilterError(`'proto' modifier applied to ${family}`);
    return (b) => protoMatch(b, lo, n, family === 'ip' ? 'ip' : family === 'ip6' ? 'ip6' : 'any');
  }

  private value(q: Quals, id: string): FrameMatcher {
    const type = q.type ?? 'host';
    switch (type) {
      case 'host':
        return q.proto === 'ether' ? this.etherHost(q, id) : this.host(q, id);
      case 'net':
        return this.net(q, id);
      case 'port':
      case 'portrange':
        return this.port(q, id, type === 'portrange');
      case 'gateway':
        throw new FilterError("'gateway' not supported in this configuration");
      default:
        return syntax();
    }
  }

  private etherHost(q: Quals, id: string): FrameMatcher {
    const mac = parseMac(id);
    if (mac === undefined) throw new FilterError(`bogus ethernet address ${id}`);
    return (b) => b.length >= 12 && dirMatch(q.dir, readMac(b, 6) === mac, readMac(b, 0) === mac);
  }

  private host(q: Quals, id: string): FrameMatcher {
    if (q.proto === 'ether') return this.etherHost(q, id);
    let addrs: readonly string[];
    if (/^[\d.]+$/.test(id)) {
      if (parseIpv4(id) === undefined || id.split('.').length !== 4) throw new FilterError(`invalid IPv4 address '${id}'`);
      addrs = [id];
    } else if (id.includes(':')) {
      if (parseIpv6(id) === undefined) throw new FilterError(`invalid IPv6 address '${id}'`);
      addrs = [id];
    } else {
      const r = this.resolve(id);
      if (!r || r.length === 0) throw new FilterError(`unknown host '${id}'`);
      addrs = r;
    }
    const v4 = addrs.map(parseIpv4).filter((a): a is number => a !== undefined);
    const v6 = addrs.filter((a) => a.includes(':')).map((a) => parseIpv6(a)!);
    const p = q.proto;
    if (p && !['ip', 'ip6', 'arp', 'rarp'].includes(p)) throw new FilterError(`'${p}' modifier applied to host`);
    if (v4.length === 0 && (p === 'ip' || p === 'arp' || p === 'rarp')) throw new FilterError(`'${p}' modifier applied to ip6 host`);
    if (v6.length === 0 && p === 'ip6') throw new FilterError(`'ip6' modifier applied to ip host`);
    return this.addrMatcher(q, (a) => v4.includes(a), (a) => v6.some((x) => ipv6InPrefix(a, x, 128)), v4.length > 0, v6.length > 0);
  }

  private addrMatcher(q: Quals, m4: (a: number) => boolean, m6: (a: Ipv6) => boolean, has4: boolean, has6: boolean): FrameMatcher {
    const lo = this.off.lo;
    const p = q.proto;
    const ip = has4 && (p === undefined || p === 'ip');
    const arp = has4 && (p === undefined || p === 'arp');
    const rarp = has4 && (p === undefined || p === 'rarp');
    const ip6 = has6 && (p === undefined || p === 'ip6');
    return (b) => {
      if (ip && isIp4(b, lo)) return dirMatch(q.dir, m4(readIpv4(b, lo + 12)), m4(readIpv4(b, lo + 16)));
      if (ip6 && isIp6(b, lo)) return dirMatch(q.dir, m6(b.subarray(lo + 8, lo + 24)), m6(b.subarray(lo + 24, lo + 40)));
      if ((arp && isArp(b, lo)) || (rarp && isArp(b, lo, 0x8035))) return dirMatch(q.dir, m4(readIpv4(b, lo + 14)), m4(readIpv4(b, lo + 24)));
      return false;
    };
  }

  private net(q: Quals, id: string): FrameMatcher {
    let text = id;
    let len: number | undefined;
    const slash = id.indexOf('/');
    if (slash >= 0) {
      text = id.slice(0, slash);
      len = Number(id.slice(slash + 1));
      if (!/^\d+$/.test(id.slice(slash + 1))) return syntax();
    }
    if (text.includes(':')) {
      const a = parseIpv6(text);
      if (!a) throw new FilterError(`invalid IPv6 address '${text}'`);
      const l = len ?? 128;
      if (l > 128) throw new FilterError('mask length must be <= 128');
      if (!ipv6Equal(maskV6(a, l), a)) throw new FilterError(`non-network bits set in "${id}"`);
      if (q.proto && q.proto !== 'ip6') throw new FilterError(`'${q.proto}' modifier applied to ip6 net`);
      return this.addrMatcher(q, () => false, (x) => ipv6InPrefix(x, a, l), false, true);
    }
    const parts = text.split('.');
    if (parts.length > 4 || parts.some((x) => !/^\d+$/.test(x) || Number(x) > 255)) throw new FilterError(`invalid IPv4 address '${text}'`);
    let mask: number;
    if (this.peek() === 'mask') {
      if (len !== undefined) return syntax();
      this.i++;
      const m = parseIpv4(this.next());
      if (m === undefined) return syntax();
      mask = m;
    } else {
      const l = len ?? parts.length * 8;
      if (l > 32) throw new FilterError('mask length must be <= 32');
      mask = ipv4Mask(l);
    }
    const net = parseIpv4([...parts, '0', '0', '0'].slice(0, 4).join('.'))!;
    if ((net & ~mask) >>> 0 !== 0) throw new FilterError(`non-network bits set in "${id}"`);
    if (q.proto && !['ip', 'arp', 'rarp'].includes(q.proto)) throw new FilterError(`'${q.proto}' modifier applied to net`);
    return this.addrMatcher(q, (a) => (a & mask) >>> 0 === net, () => false, true, false);
  }

  private port(q: Quals, id: string, range: boolean): FrameMatcher {
    const p = q.proto;
    if (p !== undefined && !['ip', 'ip6', 'tcp', 'udp', 'sctp'].includes(p)) throw new FilterError(`illegal qualifier of '${range ? 'portrange' : 'port'}'`);
    const one = (t: string): number => {
      const n = /^\d+$/.test(t) ? Number(t) : SERVICES[t];
      if (n === undefined) throw new FilterError(`unknown port '${t}'`);
      if (n > 65535) throw new FilterError(`illegal port number ${n} > 65535`);
      return n;
    };
    let lo: number;
    let hi: number;
    if (range) {
      const m = /^([^-]+)(?:-([^-]+))?$/.exec(id);
      if (!m) return syntax();
      lo = one(m[1]!);
      hi = m[2] === undefined ? lo : one(m[2]);
      if (lo > hi) [lo, hi] = [hi, lo];
    } else lo = hi = one(id);
    const protos = p === 'tcp' || p === 'udp' || p === 'sctp' ? [PROTO_NUMS[p]!] : [6, 17, 132];
    const fam = p === 'ip' ? 'ip' : p === 'ip6' ? 'ip6' : 'any';
    const off = this.off.lo;
    const inR = (x: number): boolean => x >= lo && x <= hi;
    return (b) => {
      if (fam === 'ip' && !isIp4(b, off)) return false;
      if (fam === 'ip6' && !isIp6(b, off)) return false;
      const pp = ports(b, off, protos);
      return pp !== undefined && dirMatch(q.dir, inR(pp[0]), inR(pp[1]));
    };
  }
}

/** Compiles a filter expression (the words after tcpdump's options, joined by spaces). */
export function compileFilter(expr: string, resolve: HostResolver = () => undefined, netmask: number | undefined = 0): FilterResult {
  const toks = tokenize(expr);
  if (toks.length === 0) return { ok: true, match: () => true };
  try {
    return { ok: true, match: new Parser(toks, resolve, netmask).parse() };
  } catch (e) {
    if (e instanceof FilterError) return { ok: false, error: e.message };
    throw e;
  }
}
