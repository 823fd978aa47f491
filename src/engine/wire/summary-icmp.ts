/**
 * ICMP and ICMPv6 one-liners as tcpdump -n 4.99 prints them (print-icmp.c, print-icmp6.c):
 * `ICMP echo request, id 1, seq 1, length 64`, `ICMP 10.0.0.9 udp port 33434 unreachable, length 36`,
 * `ICMP6, neighbor solicitation, who has fe80::1, length 32`. Without -v the quoted packet of an
 * error is only mined for the addresses and port tcpdump names.
 */
import { formatIpv4, formatIpv6 } from './addr.ts';
import { u16, u32 } from './bytes.ts';
import type { IpContext } from './summary-types.ts';

const ICMP_NAMES: Record<number, string> = {
  0: 'echo reply',
  3: 'destination unreachable',
  4: 'source quench',
  5: 'redirect',
  8: 'echo request',
  9: 'router advertisement',
  10: 'router solicitation',
  11: 'time exceeded',
  12: 'parameter problem',
  13: 'time stamp request',
  14: 'time stamp reply',
  15: 'information request',
  16: 'information reply',
  17: 'address mask request',
  18: 'address mask reply',
};

const UNREACH: Record<number, string> = {
  5: '%s unreachable - source route failed',
  6: 'net %s unreachable - unknown',
  7: 'host %s unreachable - unknown',
  8: '%s unreachable - source host isolated',
  9: 'net %s unreachable - admin prohibited',
  10: 'host %s unreachable - admin prohibited',
  11: 'net %s unreachable - tos prohibited',
  12: 'host %s unreachable - tos prohibited',
  13: 'host %s unreachable - admin prohibited filter',
  14: 'host %s unreachable - host precedence violation',
  15: 'host %s unreachable - precedence cutoff',
};

const REDIRECT = ['redirect %s to net %s', 'redirect %s to host %s', 'redirect-tos %s to net %s', 'redirect-tos %s to host %s'];

function fill(fmt: string, ...args: string[]): string {
  let i = 0;
  return fmt.replace(/%s/g, () => args[i++] ?? '');
}

export function summarizeIcmp4(p: Uint8Array, ctx: IpContext): string {
  if (p.length < 4) return '[|icmp]';
  const type = p[0]!;
  const code = p[1]!;
  const quotedDst = (): string | undefined => (p.length >= 28 ? formatIpv4(u32(p, 24)) : undefined);
  let str: string | undefined;
  switch (type) {
    case 0:
    case 8:
      if (p.length < 8) return '[|icmp]';
      str = `${type === 8 ? 'echo request' : 'echo reply'}, id ${u16(p, 4)}, seq ${u16(p, 6)}`;
      break;
    case 3: {
      const d = quotedDst();
      if (d === undefined) return '[|icmp]';
      switch (code) {
        case 0:
          str = `net ${d} unreachable`;
          break;
        case 1:
          str = `host ${d} unreachable`;
          break;
        case 2:
          str = `${d} protocol ${p[17]!} unreachable`;
          break;
        case 3: {
          const ohl = (p[8]! & 0x0f) * 4;
          if (p.length < 8 + ohl + 4) return '[|icmp]';
          const proto = p[17]!;
          const dport = u16(p, 8 + ohl + 2);
          str = proto === 6 ? `${d} tcp port ${dport} unreachable` : proto === 17 ? `${d} udp port ${dport} unreachable` : `${d} protocol ${proto} port ${dport} unreachable`;
          break;
        }
        case 4: {
          const mtu = u16(p, 6);
          str = mtu ? `${d} unreachable - need to frag (mtu ${mtu})` : `${d} unreachable - need to frag`;
          break;
        }
        default:
          str = fill(UNREACH[code] ?? `#${code} %s unreachable`, d);
      }
      break;
    }
    case 5: {
      const d = quotedDst();
      if (d === undefined || p.length < 8) return '[|icmp]';
      str = fill(REDIRECT[code] ?? `redirect-#${code} %s to %s`, d, formatIpv4(u32(p, 4)));
      break;
    }
    case 11:
      str = code === 0 ? 'time exceeded in-transit' : code === 1 ? 'ip reassembly time exceeded' : `time exceeded-#${code}`;
      break;
    case 12:
      str = code ? `parameter problem - code ${code}` : `parameter problem - octet ${p[4]!}`;
      break;
    case 13:
    case 14:
      if (p.length < 8) return '[|icmp]';
      str = type === 13 ? `time stamp query id ${u16(p, 4)} seq ${u16(p, 6)}` : `time stamp reply id ${u16(p, 4)} seq ${u16(p, 6)}`;
      break;
    case 18:
      if (p.length < 12) return '[|icmp]';
      str = `address mask is 0x${u32(p, 8).toString(16).padStart(8, '0')}`;
      break;
    default:
      str = ICMP_NAMES[type] ?? `type-#${type}`;
  }
  void ctx;
  return `ICMP ${str}, length ${p.length}`;
}

// ---- ICMPv6 ----------------------------------------------------------------------------------

const ICMP6_NAMES: Record<number, string> = {
  1: 'destination unreachable',
  2: 'packet too big',
  3: 'time exceeded',
  4: 'parameter problem',
  128: 'echo request',
  129: 'echo reply',
  130: 'multicast listener query',
  131: 'multicast listener report',
  132: 'multicast listener done',
  133: 'router solicitation',
  134: 'router advertisement',
  135: 'neighbor solicitation',
  136: 'neighbor advertisement',
  137: 'redirect',
  138: 'router renumbering',
  139: 'node information query',
  140: 'node information reply',
  141: 'inverse neighbor solicitation',
  142: 'inverse neighbor advertisement',
  143: 'multicast listener report v2',
  144: 'ha discovery request',
  145: 'ha discovery reply',
  146: 'mobile router solicitation',
  147: 'mobile router advertisement',
  155: 'RPL',
  200: 'mtrace response',
  201: 'mtrace message',
};

const UNREACH6: Record<number, string> = {
  0: 'unreachable route',
  1: ' unreachable prohibited',
  2: 'beyond scope',
  3: 'unreachable address',
  4: 'unreachable port',
};

/** The upper-layer protocol and its first bytes inside a quoted IPv6 packet (skipping extension headers). */
function quotedUpper6(q: Uint8Array): { proto: number; off: number } | undefined {
  if (q.length < 40) return undefined;
  let nh = q[6]!;
  let off = 40;
  while (nh === 0 || nh === 43 || nh === 60 || nh === 44) {
    if (q.length < off + 8) return undefined;
    const next = q[off]!;
    off += nh === 44 ? 8 : (q[off + 1]! + 1) * 8;
    nh = next;
  }
  return { proto: nh, off };
}

export function summarizeIcmp6(p: Uint8Array, ctx: IpContext): string {
  if (p.length < 4) return 'ICMP6, [|icmp6]';
  const type = p[0]!;
  const code = p[1]!;
  const name = ICMP6_NAMES[type] ?? `unknown icmp6 type (${type})`;
  const trunc = `ICMP6, ${name}[|icmp6]`;
  const q = p.subarray(8);
  const qdst = (): string | undefined => (q.length >= 40 ? formatIpv6(q.subarray(24, 40)) : undefined);
  let str = name;
  switch (type) {
    case 1: {
      str += `, ${UNREACH6[code] ?? `unknown unreach code (${code})`}`;
      const d = qdst();
      if (code === 0 || code === 1 || code === 3) {
        if (d === undefined) return trunc;
        str += ` ${d}`;
      } else if (code === 2) {
        if (d === undefined) return trunc;
        str += ` ${d}, source address ${formatIpv6(q.subarray(8, 24))}`;
      } else if (code !== 4) {
        return `ICMP6, ${str}`;
      } else {
        const up = quotedUpper6(q);
        if (d === undefined || !up || q.length < up.off + 4) return trunc;
        const dport = u16(q, up.off + 2);
        str += up.proto === 6 ? `, ${d} tcp port ${dport}` : up.proto === 17 ? `, ${d} udp port ${dport}` : `, ${d} protocol ${up.proto} port ${dport} unreachable`;
      }
      break;
    }
    case 2:
      if (p.length < 8) return trunc;
      str += `, mtu ${u32(p, 4)}`;
      break;
    case 3: {
      str += ' in-transit';
      if (code === 0) {
        const d = qdst();
        if (d === undefined) return trunc;
        str += ` for ${d}`;
      } else str += code === 1 ? ' (reassembly)' : `, unknown code (${code})`;
      break;
    }
    case 4:
      if (p.length < 8) return trunc;
      str += code === 0 ? `, erroneous - octet ${u32(p, 4)}` : code === 1 ? `, next header - octet ${u32(p, 4)}` : code === 2 ? `, option - octet ${u32(p, 4)}` : `, code-#${code}`;
      break;
    case 128:
    case 129:
      if (p.length < 8) return trunc;
      str += `, id ${u16(p, 4)}, seq ${u16(p, 6)}`;
      break;
    case 135:
    case 136:
      if (p.length < 24) return trunc;
      str += type === 135 ? `, who has ${formatIpv6(p.subarray(8, 24))}` : `, tgt is ${formatIpv6(p.subarray(8, 24))}`;
      break;
    case 137:
      if (p.length < 40) return trunc;
      str += `, ${formatIpv6(p.subarray(24, 40))} to ${formatIpv6(p.subarray(8, 24))}`;
      break;
    case 130:
    case 131:
    case 132:
      if (p.length < 24) return trunc;
      if (type === 130 && p.length >= 28) str += ` v2 [gaddr ${formatIpv6(p.subarray(8, 24))}]`;
      else if (type !== 130 || p.length === 24) str += `max resp delay: ${u16(p, 4)} addr: ${formatIpv6(p.subarray(8, 24))}`;
      break;
    case 144:
    case 146:
      if (p.length < 8) return trunc;
      str += `, id 0x${u16(p, 4).toString(16).padStart(4, '0')}`;
      break;
    case 143:
      if (p.length < 8) return trunc;
      str += `, ${u16(p, 6)} group record(s)`;
      break;
    default:
      break;
  }
  void ctx;
  return `ICMP6, ${str}, length ${p.length}`;
}
