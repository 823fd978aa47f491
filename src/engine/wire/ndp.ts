/**
 * Neighbor Discovery options, RFC 4861 §4.6 (type, length in units of 8 octets, value):
 * Source/Target Link-Layer Address (§4.6.1, Ethernet), Prefix Information (§4.6.2), MTU (§4.6.4).
 * The NDP messages themselves are in icmpv6.ts.
 *
 * Invariants:
 * - `parseNdpOptions` never throws. An option with length 0 is 'malformed' (§4.6: "Nodes MUST
 *   silently discard an ND packet that contains an option with length zero"), as is one that
 *   runs past the message.
 * - Lossless: a known type with an unexpected length (e.g. a non-Ethernet link-layer address)
 *   decodes as `unknown`, keeping its bytes. Reserved bits and fields read as zero.
 * - `emitNdpOptions` cannot fail into `ndpOptionsLength(options)` bytes; an `unknown` option's
 *   data is zero-padded to a multiple of 8 bytes.
 * - `describeNdpOptions` never throws.
 */
import type { Ipv6, Mac } from './addr.ts';
import { formatIpv6, formatMac, readIpv6, readMac, writeIpv6, writeMac } from './addr.ts';
import type { FieldNode } from './field.ts';
import { field } from './field.ts';
import type { ParseResult } from './result.ts';
import { fail, ok } from './result.ts';
import { u32, put32 } from './bytes.ts';

export const NDP_OPTION = { SOURCE_LINK_ADDR: 1, TARGET_LINK_ADDR: 2, PREFIX_INFO: 3, REDIRECTED_HEADER: 4, MTU: 5 } as const;

/** Byte ranges [start, end) within one option. */
export const NDP_OPTION_FIELD = {
  TYPE: [0, 1],
  LENGTH: [1, 2],
  LINK_ADDR: [2, 8],
  PREFIX_LENGTH: [2, 3],
  PREFIX_FLAGS: [3, 4],
  VALID_LIFETIME: [4, 8],
  PREFERRED_LIFETIME: [8, 12],
  PREFIX_RESERVED: [12, 16],
  PREFIX: [16, 32],
  MTU_RESERVED: [2, 4],
  MTU: [4, 8],
} as const;

const PREFIX_FLAG_ONLINK = 0x80;
const PREFIX_FLAG_AUTONOMOUS = 0x40;
const RFC = 'RFC 4861 §4.6';

export type NdpOption =
  | { type: 'sourceLinkAddr' | 'targetLinkAddr'; mac: Mac }
  | { type: 'prefixInfo'; prefixLength: number; onLink: boolean; autonomous: boolean; validLifetime: number; preferredLifetime: number; prefix: Ipv6 }
  | { type: 'mtu'; mtu: number }
  | { type: 'unknown'; code: number; data: Uint8Array };


/** Zero-copy view of one option. `check` validates the type/length header and extent once. */
export class NdpOptionView {
  private constructor(readonly buf: Uint8Array) {}

  /** `buf` starts at the option; it may extend beyond it. */
  static check(buf: Uint8Array): ParseResult<NdpOptionView> {
    if (buf.length < 2) return fail('malformed', 'NDP option header needs 2 bytes', buf.length);
    const len = buf[1]! * 8;
    if (len === 0) return fail('malformed', `NDP option type ${buf[0]} has length 0 (RFC 4861 §4.6)`, 1);
    if (len > buf.length) return fail('malformed', `NDP option type ${buf[0]} of ${len} bytes runs past the message`, 1);
    return ok(new NdpOptionView(buf.subarray(0, len)));
  }

  static unchecked(buf: Uint8Array): NdpOptionView {
    return new NdpOptionView(buf);
  }

  get type(): number {
    return this.buf[0]!;
  }
  /** Length in units of 8 bytes. */
  get length(): number {
    return this.buf[1]!;
  }
  get byteLength(): number {
    return this.buf[1]! * 8;
  }
  get mac(): Mac {
    return readMac(this.buf, NDP_OPTION_FIELD.LINK_ADDR[0]);
  }
  get prefixLength(): number {
    return this.buf[NDP_OPTION_FIELD.PREFIX_LENGTH[0]]!;
  }
  get prefixFlags(): number {
    return this.buf[NDP_OPTION_FIELD.PREFIX_FLAGS[0]]!;
  }
  get validLifetime(): number {
    return u32(this.buf, NDP_OPTION_FIELD.VALID_LIFETIME[0]);
  }
  get preferredLifetime(): number {
    return u32(this.buf, NDP_OPTION_FIELD.PREFERRED_LIFETIME[0]);
  }
  get prefix(): Ipv6 {
    return readIpv6(this.buf, NDP_OPTION_FIELD.PREFIX[0]);
  }
  get mtu(): number {
    return u32(this.buf, NDP_OPTION_FIELD.MTU[0]);
  }
  /** Bytes after type and length. */
  get data(): Uint8Array {
    return this.buf.subarray(2);
  }
}

/** Bytes one option occupies (a multiple of 8). */
export function ndpOptionLength(o: NdpOption): number {
  switch (o.type) {
    case 'sourceLinkAddr':
    case 'targetLinkAddr':
    case 'mtu':
      return 8;
    case 'prefixInfo':
      return 32;
    case 'unknown':
      return (2 + o.data.length + 7) & ~7;
  }
}

export function ndpOptionsLength(options: readonly NdpOption[]): number {
  return options.reduce((n, o) => n + ndpOptionLength(o), 0);
}

/** Writes the options at `off`; returns `ndpOptionsLength(options)`. */
export function emitNdpOptions(options: readonly NdpOption[], buf: Uint8Array, off: number): number {
  let at = off;
  for (const o of options) {
    const len = ndpOptionLength(o);
    const b = buf.subarray(at, at + len);
    b.fill(0);
    b[1] = len / 8;
    switch (o.type) {
      case 'sourceLinkAddr':
      case 'targetLinkAddr':
        b[0] = o.type === 'sourceLinkAddr' ? NDP_OPTION.SOURCE_LINK_ADDR : NDP_OPTION.TARGET_LINK_ADDR;
        writeMac(b, NDP_OPTION_FIELD.LINK_ADDR[0], o.mac);
        break;
      case 'prefixInfo':
        b[0] = NDP_OPTION.PREFIX_INFO;
        b[NDP_OPTION_FIELD.PREFIX_LENGTH[0]] = o.prefixLength;
        b[NDP_OPTION_FIELD.PREFIX_FLAGS[0]] = (o.onLink ? PREFIX_FLAG_ONLINK : 0) | (o.autonomous ? PREFIX_FLAG_AUTONOMOUS : 0);
        put32(b, NDP_OPTION_FIELD.VALID_LIFETIME[0], o.validLifetime);
        put32(b, NDP_OPTION_FIELD.PREFERRED_LIFETIME[0], o.preferredLifetime);
        writeIpv6(b, NDP_OPTION_FIELD.PREFIX[0], o.prefix);
        break;
      case 'mtu':
        b[0] = NDP_OPTION.MTU;
        put32(b, NDP_OPTION_FIELD.MTU[0], o.mtu);
        break;
      case 'unknown':
        b[0] = o.code;
        b.set(o.data, 2);
        break;
    }
    at += len;
  }
  return at - off;
}

function decode(v: NdpOptionView): NdpOption {
  switch (v.type) {
    case NDP_OPTION.SOURCE_LINK_ADDR:
    case NDP_OPTION.TARGET_LINK_ADDR:
      if (v.length === 1) return { type: v.type === NDP_OPTION.SOURCE_LINK_ADDR ? 'sourceLinkAddr' : 'targetLinkAddr', mac: v.mac };
      break;
    case NDP_OPTION.PREFIX_INFO:
      if (v.length === 4) {
        const flags = v.prefixFlags;
        return {
          type: 'prefixInfo',
          prefixLength: v.prefixLength,
          onLink: (flags & PREFIX_FLAG_ONLINK) !== 0,
          autonomous: (flags & PREFIX_FLAG_AUTONOMOUS) !== 0,
          validLifetime: v.validLifetime,
          preferredLifetime: v.preferredLifetime,
          prefix: v.prefix,
        };
      }
      break;
    case NDP_OPTION.MTU:
      if (v.length === 1) return { type: 'mtu', mtu: v.mtu };
      break;
  }
  return { type: 'unknown', code: v.type, data: v.data.slice() };
}

/** Parses the options in `buf[start, end)`. Never throws; offsets in errors are relative to `buf`. */
export function parseNdpOptions(buf: Uint8Array, start: number, end = buf.length): ParseResult<NdpOption[]> {
  const out: NdpOption[] = [];
  let at = start;
  while (at < end) {
    const checked = NdpOptionView.check(buf.subarray(at, end));
    if (!checked.ok) return fail(checked.error.kind, checked.error.message, at + (checked.error.offset ?? 0));
    out.push(decode(checked.value));
    at += checked.value.byteLength;
  }
  return ok(out);
}

const OPTION_NAMES: Record<number, string> = {
  1: 'Source link-layer address',
  2: 'Target link-layer address',
  3: 'Prefix information',
  4: 'Redirected header',
  5: 'MTU',
};

const OPTION_RFC: Record<number, string> = { 1: 'RFC 4861 §4.6.1', 2: 'RFC 4861 §4.6.1', 3: 'RFC 4861 §4.6.2', 4: 'RFC 4861 §4.6.3', 5: 'RFC 4861 §4.6.4' };

const OPTION_MEANING: Record<number, string> = {
  1: 'The sender\'s link-layer (MAC) address, so the receiver can reply without resolving it first.',
  2: 'The link-layer (MAC) address of the target, i.e. the answer to address resolution.',
  3: 'An on-link prefix and whether hosts may build addresses from it (SLAAC), with lifetimes.',
  4: 'Part of the packet that triggered a Redirect.',
  5: 'The MTU hosts on this link should use.',
};

const OPTION_KEYS: Record<number, string> = { 1: 'src_lladdr', 2: 'tgt_lladdr', 3: 'prefix_info', 4: 'redirected', 5: 'mtu' };

export function ndpOptionName(type: number): string {
  return OPTION_NAMES[type] ?? `Unknown option ${type}`;
}

function summarize(o: NdpOption): string {
  switch (o.type) {
    case 'sourceLinkAddr':
    case 'targetLinkAddr':
      return formatMac(o.mac);
    case 'prefixInfo':
      return `${formatIpv6(o.prefix)}/${o.prefixLength}${o.onLink ? ' L' : ''}${o.autonomous ? ' A' : ''}, valid ${o.validLifetime}s, preferred ${o.preferredLifetime}s`;
    case 'mtu':
      return String(o.mtu);
    case 'unknown':
      return `${o.data.length + 2} bytes`;
  }
}

function children(o: NdpOption, at: number): FieldNode[] {
  const sub = (key: string, name: string, range: readonly [number, number], value: string | number, meaning: string, bitMask?: number): FieldNode =>
    field({ key, name, value, start: at + range[0], end: at + range[1], rfc: 'RFC 4861 §4.6.2', meaning, ...(bitMask !== undefined ? { bitMask } : {}) });
  if (o.type !== 'prefixInfo') return [];
  const F = NDP_OPTION_FIELD;
  return [
    sub('prefix_length', 'Prefix Length', F.PREFIX_LENGTH, o.prefixLength, 'How many leading bits of the prefix are significant.'),
    sub('flag.l', 'On-link flag (L)', F.PREFIX_FLAGS, o.onLink ? 'Set' : 'Not set', 'Addresses in this prefix are on this link: reach them directly, not via a router.', PREFIX_FLAG_ONLINK),
    sub('flag.a', 'Autonomous address-configuration flag (A)', F.PREFIX_FLAGS, o.autonomous ? 'Set' : 'Not set', 'Hosts may form their own addresses from this prefix (SLAAC).', PREFIX_FLAG_AUTONOMOUS),
    sub('valid_lifetime', 'Valid Lifetime', F.VALID_LIFETIME, o.validLifetime, 'Seconds the prefix stays valid for on-link decisions (0xffffffff = forever).'),
    sub('preferred_lifetime', 'Preferred Lifetime', F.PREFERRED_LIFETIME, o.preferredLifetime, 'Seconds addresses from this prefix stay preferred for new connections.'),
    sub('prefix', 'Prefix', F.PREFIX, formatIpv6(o.prefix), 'The IPv6 prefix being advertised.'),
  ];
}

/** One node per option in `buf[start, end)`, at absolute offset `base + …`. Never throws. */
export function describeNdpOptions(buf: Uint8Array, start: number, end: number, base: number): FieldNode[] {
  const out: FieldNode[] = [];
  const stop = Math.min(end, buf.length);
  let at = start;
  while (at < stop) {
    const type = buf[at]!;
    const checked = NdpOptionView.check(buf.subarray(at, stop));
    if (!checked.ok) {
      const meaning = 'Every option needs a non-zero length (in units of 8 bytes) that fits in the message.';
      out.push(field({ key: 'option.malformed', name: ndpOptionName(type), value: '[malformed]', start: base + at, end: base + stop, rfc: RFC, meaning, error: checked.error.message }));
      break;
    }
    const v = checked.value;
    const o = decode(v);
    const wrongLength = o.type === 'unknown' && type >= NDP_OPTION.SOURCE_LINK_ADDR && type <= NDP_OPTION.MTU && type !== NDP_OPTION.REDIRECTED_HEADER;
    const kids = children(o, base + at);
    out.push(
      field({
        key: `option.${OPTION_KEYS[type] ?? 'unknown'}`,
        name: ndpOptionName(type),
        value: summarize(o),
        start: base + at,
        end: base + at + v.byteLength,
        rfc: OPTION_RFC[type] ?? RFC,
        meaning: OPTION_MEANING[type] ?? 'An option this dissector does not know; receivers skip it using its length.',
        ...(wrongLength ? { error: `Unexpected length ${v.length} (×8 bytes) for this option` } : {}),
        ...(kids.length > 0 ? { children: kids } : {}),
      }),
    );
    at += v.byteLength;
  }
  return out;
}
