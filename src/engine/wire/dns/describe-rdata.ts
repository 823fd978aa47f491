/**
 * Field-by-field inspector nodes for RDATA (the parent node shows the presentation text).
 * Runs on a Walker bounded to the RDATA; a field that does not fit stops the walk (the caller
 * catches it and shows a truncated node).
 */
import type { FieldNode } from '../field.ts';
import { field } from '../field.ts';
import { formatIpv4, formatIpv6, readIpv4 } from '../addr.ts';
import { u16 } from '../bytes.ts';
import type { Walker } from './describe.ts';
import { RR_TYPE } from './types.ts';
import { typeName, formatDnssecTime } from './format.ts';
import { decodeTypeBitmap } from './rdata.ts';
import { escapeCharString, quoteCharString, toBase32Hex, toBase64, toHexUpper } from './encoding.ts';
import { formatSvcParam, svcKeyName } from './svcb.ts';


function rest(wk: Walker): Uint8Array {
  return wk.msg.slice(wk.pos, wk.end);
}

function bitmap(wk: Walker, out: FieldNode[], rfc: string): void {
  if (wk.pos >= wk.end) return;
  const t = decodeTypeBitmap(wk.msg, wk.pos, wk.end);
  const value = t.ok ? t.value.map(typeName).join(' ') : '[malformed]';
  out.push(field({ key: 'types', name: 'Type bit maps', value, start: wk.base + wk.pos, end: wk.base + wk.end, rfc, meaning: 'The record types that exist at this name.', ...(t.ok ? {} : { error: t.error.message }) }));
  wk.pos = wk.end;
}

export function describeRDataFields(wk: Walker, out: FieldNode[], type: number): void {
  const len = wk.end - wk.pos;
  switch (type) {
    case RR_TYPE.A:
      if (len === 4) wk.bytes(out, 4, 'a', 'Address', formatIpv4(readIpv4(wk.msg, wk.pos)), 'RFC 1035 §3.4.1', 'The IPv4 address of the name.');
      return;
    case RR_TYPE.AAAA:
      if (len === 16) wk.bytes(out, 16, 'aaaa', 'Address', formatIpv6(wk.msg.subarray(wk.pos, wk.pos + 16)), 'RFC 3596 §2.2', 'The IPv6 address of the name.');
      return;
    case RR_TYPE.NS: wk.name(out, 'ns', 'Name server', true, 'RFC 1035 §3.3.11'); return;
    case RR_TYPE.CNAME: wk.name(out, 'cname', 'Canonical name', true, 'RFC 1035 §3.3.1'); return;
    case RR_TYPE.PTR: wk.name(out, 'ptr', 'Domain name', true, 'RFC 1035 §3.3.12'); return;
    case RR_TYPE.MX:
      wk.num(out, 2, 'mx.preference', 'Preference', 'Lower values are tried first.', undefined, 'RFC 1035 §3.3.9');
      wk.name(out, 'mx.exchange', 'Mail exchange', true, 'RFC 1035 §3.3.9');
      return;
    case RR_TYPE.SOA: {
      const rfc = 'RFC 1035 §3.3.13';
      wk.name(out, 'soa.mname', 'Primary name server', true, rfc);
      wk.name(out, 'soa.rname', 'Responsible mailbox', true, rfc);
      wk.num(out, 4, 'soa.serial', 'Serial number', 'Version of the zone; secondaries transfer when it increases.', undefined, rfc);
      wk.num(out, 4, 'soa.refresh', 'Refresh interval', undefined, undefined, rfc);
      wk.num(out, 4, 'soa.retry', 'Retry interval', undefined, undefined, rfc);
      wk.num(out, 4, 'soa.expire', 'Expire limit', undefined, undefined, rfc);
      wk.num(out, 4, 'soa.minimum', 'Minimum TTL', 'TTL for caching negative answers (RFC 2308 §4).', undefined, rfc);
      return;
    }
    case RR_TYPE.TXT: {
      let i = 0;
      while (wk.pos < wk.end) {
        const n = wk.msg[wk.pos]!;
        wk.bytes(out, 1 + n, 'txt', `Text ${++i}`, quoteCharString(wk.msg.subarray(wk.pos + 1, Math.min(wk.end, wk.pos + 1 + n))), 'RFC 1035 §3.3.14');
      }
      return;
    }
    case RR_TYPE.SRV: {
      const rfc = 'RFC 2782';
      wk.num(out, 2, 'srv.priority', 'Priority', 'Lower values are tried first.', undefined, rfc);
      wk.num(out, 2, 'srv.weight', 'Weight', 'Share of traffic among targets of equal priority.', undefined, rfc);
      wk.num(out, 2, 'srv.port', 'Port', undefined, undefined, rfc);
      wk.name(out, 'srv.target', 'Target', true, rfc);
      return;
    }
    case RR_TYPE.CAA: {
      const rfc = 'RFC 8659 §4.1';
      wk.num(out, 1, 'caa.flags', 'Flags', 'Bit 0x80: issuer critical.', undefined, rfc);
      const tl = wk.num(out, 1, 'caa.taglen', 'Tag length', undefined, undefined, rfc);
      wk.bytes(out, tl, 'caa.tag', 'Tag', escapeCharString(wk.msg.subarray(wk.pos, wk.pos + tl)), rfc, 'issue, issuewild or iodef.');
      wk.bytes(out, wk.end - wk.pos, 'caa.value', 'Value', quoteCharString(rest(wk)), rfc);
      return;
    }
    case RR_TYPE.SVCB: case RR_TYPE.HTTPS: {
      const rfc = 'RFC 9460 §2.2';
      wk.num(out, 2, 'svcb.priority', 'SvcPriority', '0 = alias mode; otherwise lower values are preferred.', undefined, rfc);
      wk.name(out, 'svcb.target', 'TargetName', false, rfc);
      while (wk.pos < wk.end) {
        wk.need(4, 'svcb.param', 'SvcParam', rfc);
        const key = u16(wk.msg, wk.pos);
        const n = u16(wk.msg, wk.pos + 2);
        const value = wk.msg.slice(wk.pos + 4, Math.min(wk.end, wk.pos + 4 + n));
        wk.bytes(out, 4 + n, `svcb.${svcKeyName(key)}`, `SvcParam ${svcKeyName(key)}`, formatSvcParam({ key, value }), 'RFC 9460 §7');
      }
      return;
    }
    case RR_TYPE.DS: {
      const rfc = 'RFC 4034 §5.1';
      wk.num(out, 2, 'ds.keytag', 'Key tag', undefined, undefined, rfc);
      wk.num(out, 1, 'ds.algorithm', 'Algorithm', undefined, undefined, rfc);
      wk.num(out, 1, 'ds.digesttype', 'Digest type', undefined, undefined, rfc);
      wk.bytes(out, wk.end - wk.pos, 'ds.digest', 'Digest', toHexUpper(rest(wk)), rfc, "Hash of the child zone's key-signing key.");
      return;
    }
    case RR_TYPE.DNSKEY: {
      const rfc = 'RFC 4034 §2.1';
      wk.num(out, 2, 'dnskey.flags', 'Flags', '256 = zone key, 257 = zone key + secure entry point (KSK).', undefined, rfc);
      wk.num(out, 1, 'dnskey.protocol', 'Protocol', 'Always 3.', undefined, rfc);
      wk.num(out, 1, 'dnskey.algorithm', 'Algorithm', undefined, undefined, rfc);
      wk.bytes(out, wk.end - wk.pos, 'dnskey.key', 'Public key', toBase64(rest(wk)), rfc);
      return;
    }
    case RR_TYPE.RRSIG: {
      const rfc = 'RFC 4034 §3.1';
      wk.num(out, 2, 'rrsig.type', 'Type covered', undefined, typeName, rfc);
      wk.num(out, 1, 'rrsig.algorithm', 'Algorithm', undefined, undefined, rfc);
      wk.num(out, 1, 'rrsig.labels', 'Labels', undefined, undefined, rfc);
      wk.num(out, 4, 'rrsig.ttl', 'Original TTL', undefined, undefined, rfc);
      wk.num(out, 4, 'rrsig.expiration', 'Signature expiration', undefined, formatDnssecTime, rfc);
      wk.num(out, 4, 'rrsig.inception', 'Signature inception', undefined, formatDnssecTime, rfc);
      wk.num(out, 2, 'rrsig.keytag', 'Key tag', undefined, undefined, rfc);
      wk.name(out, 'rrsig.signer', "Signer's name", false, rfc);
      wk.bytes(out, wk.end - wk.pos, 'rrsig.signature', 'Signature', toBase64(rest(wk)), rfc);
      return;
    }
    case RR_TYPE.NSEC:
      wk.name(out, 'nsec.next', 'Next domain name', false, 'RFC 4034 §4.1.1');
      bitmap(wk, out, 'RFC 4034 §4.1.2');
      return;
    case RR_TYPE.NSEC3: {
      const rfc = 'RFC 5155 §3.2';
      wk.num(out, 1, 'nsec3.algorithm', 'Hash algorithm', undefined, undefined, rfc);
      wk.num(out, 1, 'nsec3.flags', 'Flags', 'Bit 0x01: opt-out.', undefined, rfc);
      wk.num(out, 2, 'nsec3.iterations', 'Iterations', undefined, undefined, rfc);
      const sl = wk.num(out, 1, 'nsec3.saltlen', 'Salt length', undefined, undefined, rfc);
      wk.bytes(out, sl, 'nsec3.salt', 'Salt', sl ? toHexUpper(wk.msg.subarray(wk.pos, wk.pos + sl)) : '-', rfc);
      const hl = wk.num(out, 1, 'nsec3.hashlen', 'Hash length', undefined, undefined, rfc);
      wk.bytes(out, hl, 'nsec3.next', 'Next hashed owner name', toBase32Hex(wk.msg.subarray(wk.pos, wk.pos + hl)), rfc);
      bitmap(wk, out, rfc);
      return;
    }
    default:
      if (len > 0) wk.bytes(out, len, 'data', 'Data', toHexUpper(rest(wk)), 'RFC 3597 §5');
  }
}
