/**
 * EDNS(0) (RFC 6891): the OPT pseudo-RR and its options, with helpers for COOKIE (RFC 7873)
 * and edns-client-subnet (RFC 7871).
 *
 * OPT layout (RFC 6891 §6.1.2): owner "." (root), TYPE 41, CLASS = requestor's UDP payload
 * size, TTL = extended RCODE (8) | VERSION (8) | DO (1) | Z (15), RDATA = {code, length, data}*.
 */
import type { ParseResult } from '../result.ts';
import { fail, ok } from '../result.ts';
import { u16 } from '../bytes.ts';
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6, readIpv4 } from '../addr.ts';
import type { Edns, EdnsOption } from './types.ts';
import { RR_TYPE } from './types.ts';
import type { DnsWriter } from './names.ts';
import { toHexUpper } from './encoding.ts';

export const EDNS_OPTION = { NSID: 3, ECS: 8, COOKIE: 10, TCP_KEEPALIVE: 11, PADDING: 12, EDE: 15 } as const;

/** Names as dig 9.18 prints them in the OPT pseudosection. */
const OPTION_NAMES: Record<number, string> = { 3: 'NSID', 5: 'DAU', 6: 'DHU', 7: 'N3U', 8: 'CLIENT-SUBNET', 9: 'EXPIRE', 10: 'COOKIE', 11: 'TCP-KEEPALIVE', 12: 'PADDING', 13: 'CHAIN', 14: 'KEY-TAG', 15: 'EDE' };

export function ednsOptionName(code: number): string {
  return OPTION_NAMES[code] ?? `OPT=${code}`;
}

/** Wire size of the OPT RR for `edns` (uncompressed root owner). */
export function optRecordLength(edns: Edns): number {
  return 11 + edns.options.reduce((n, o) => n + 4 + o.data.length, 0);
}

/** Writes the whole OPT RR. */
export function encodeOpt(w: DnsWriter, edns: Edns): void {
  w.u8(0); // root owner name
  w.u16(RR_TYPE.OPT);
  w.u16(edns.udpPayloadSize);
  w.u8(edns.extendedRcode);
  w.u8(edns.version);
  w.u16(edns.dnssecOk ? 0x8000 : 0);
  w.u16(edns.options.reduce((n, o) => n + 4 + o.data.length, 0));
  for (const o of edns.options) {
    w.u16(o.code);
    w.u16(o.data.length);
    w.bytes(o.data);
  }
}

/** Builds the Edns view of an OPT RR from its CLASS, TTL and RDATA. */
export function decodeOpt(cls: number, ttl: number, msg: Uint8Array, start: number, length: number): ParseResult<Edns> {
  const options: EdnsOption[] = [];
  let pos = start;
  const end = start + length;
  while (pos < end) {
    if (pos + 4 > end) return fail('malformed', 'EDNS option header cut short (RFC 6891 §6.1.2)', pos);
    const code = u16(msg, pos);
    const len = u16(msg, pos + 2);
    if (pos + 4 + len > end) return fail('malformed', `EDNS option ${ednsOptionName(code)} length ${len} runs past the OPT RDATA`, pos + 2);
    options.push({ code, data: msg.slice(pos + 4, pos + 4 + len) });
    pos += 4 + len;
  }
  return ok({
    udpPayloadSize: cls,
    extendedRcode: ttl >>> 24,
    version: (ttl >>> 16) & 0xff,
    dnssecOk: (ttl & 0x8000) !== 0,
    options,
  });
}

// --- COOKIE (RFC 7873 §4) ------------------------------------------------------------------------

export function cookieOption(client: Uint8Array, server?: Uint8Array): EdnsOption {
  if (client.length !== 8) throw new RangeError('a client cookie is 8 octets (RFC 7873 §4)');
  if (server && (server.length < 8 || server.length > 32)) throw new RangeError('a server cookie is 8..32 octets (RFC 7873 §4)');
  const data = new Uint8Array(8 + (server?.length ?? 0));
  data.set(client);
  if (server) data.set(server, 8);
  return { code: EDNS_OPTION.COOKIE, data };
}

/** Client and server cookie, or an error: total length must be 8 or 16..40 (RFC 7873 §5.2.2). */
export function parseCookie(data: Uint8Array): ParseResult<{ client: Uint8Array; server?: Uint8Array }> {
  if (data.length === 8) return ok({ client: data.slice(0, 8) });
  if (data.length >= 16 && data.length <= 40) return ok({ client: data.slice(0, 8), server: data.slice(8) });
  return fail('malformed', `COOKIE option of ${data.length} octets (must be 8 or 16..40, RFC 7873 §5.2.2)`);
}

// --- edns-client-subnet (RFC 7871 §6) ------------------------------------------------------------

export interface ClientSubnet {
  /** 1 = IPv4, 2 = IPv6 (IANA address family numbers). */
  readonly family: number;
  readonly sourcePrefixLength: number;
  readonly scopePrefixLength: number;
  /** Address text with the bits beyond the source prefix zero ("192.0.2.0"). */
  readonly address: string;
}

export function ecsOption(s: ClientSubnet): EdnsOption {
  const full = s.family === 1 ? addr4(s.address) : s.family === 2 ? parseIpv6(s.address) : undefined;
  if (!full) throw new RangeError(`ECS address ${s.address} does not match family ${s.family}`);
  const maxBits = full.length * 8;
  if (s.sourcePrefixLength > maxBits || s.scopePrefixLength > maxBits) throw new RangeError(`ECS prefix longer than ${maxBits} bits`);
  const n = Math.ceil(s.sourcePrefixLength / 8); // RFC 7871 §6: only the prefix octets are sent
  const data = new Uint8Array(4 + n);
  data[0] = s.family >> 8;
  data[1] = s.family & 0xff;
  data[2] = s.sourcePrefixLength;
  data[3] = s.scopePrefixLength;
  data.set(full.subarray(0, n), 4);
  if (s.sourcePrefixLength % 8) data[3 + n] = data[3 + n]! & ((0xff << (8 - (s.sourcePrefixLength % 8))) & 0xff);
  return { code: EDNS_OPTION.ECS, data };
}

function addr4(text: string): Uint8Array | undefined {
  const a = parseIpv4(text);
  return a === undefined ? undefined : Uint8Array.of(a >>> 24, (a >>> 16) & 0xff, (a >>> 8) & 0xff, a & 0xff);
}

/** RFC 7871 §6: ADDRESS must be exactly ceil(SOURCE PREFIX-LENGTH / 8) octets. */
export function parseEcs(data: Uint8Array): ParseResult<ClientSubnet> {
  if (data.length < 4) return fail('malformed', 'CLIENT-SUBNET option shorter than 4 octets (RFC 7871 §6)');
  const family = u16(data, 0);
  const source = data[2]!;
  const scope = data[3]!;
  const size = family === 1 ? 4 : family === 2 ? 16 : 0;
  if (!size) return fail('unsupported', `CLIENT-SUBNET family ${family} is not IPv4 (1) or IPv6 (2)`);
  if (source > size * 8 || scope > size * 8) return fail('malformed', `CLIENT-SUBNET prefix longer than ${size * 8} bits (RFC 7871 §6)`);
  if (data.length - 4 !== Math.ceil(source / 8)) return fail('malformed', `CLIENT-SUBNET address is ${data.length - 4} octets, source prefix ${source} needs ${Math.ceil(source / 8)} (RFC 7871 §6)`);
  const full = new Uint8Array(size);
  full.set(data.subarray(4));
  return ok({ family, sourcePrefixLength: source, scopePrefixLength: scope, address: size === 4 ? formatIpv4(readIpv4(full, 0)) : formatIpv6(full) });
}

/** One line of dig's OPT pseudosection for an option, without the leading "; ". */
export function formatEdnsOption(o: EdnsOption): string {
  const name = ednsOptionName(o.code);
  if (o.code === EDNS_OPTION.ECS) {
    const e = parseEcs(o.data);
    if (e.ok) return `${name}: ${e.value.address}/${e.value.sourcePrefixLength}/${e.value.scopePrefixLength}`;
  }
  if (o.code === EDNS_OPTION.TCP_KEEPALIVE && o.data.length === 2) return `${name}: ${(u16(o.data, 0) / 10).toFixed(1)} secs`;
  if (o.code === EDNS_OPTION.COOKIE) return `${name}: ${toHexUpper(o.data).toLowerCase()}`;
  return `${name}: ${toHexUpper(o.data)}`;
}
