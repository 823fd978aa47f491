/**
 * Pieces shared by the DNS servers and clients: the raw header peek used before a full parse
 * (so a malformed query still gets FORMERR with its ID), question text for the trace, server
 * EDNS(0) handling (RFC 6891 §6.1.1 / §7, COOKIE RFC 7873 / RFC 9018) and DNS over TCP with
 * its 2-octet length prefix (RFC 1035 §4.2.2, RFC 7766).
 */
import type { Ipv4, Ipv6 } from '../../wire/addr.ts';
import { parseIpv4, parseIpv6 } from '../../wire/addr.ts';
import type { DnsMessage, DnsQuestion, Edns } from '../../wire/dns/types.ts';
import { typeName } from '../../wire/dns/format.ts';
import { DnsTcpReassembler, frameTcpDns } from '../../wire/dns/tcp.ts';
import { EDNS_OPTION, cookieOption, parseCookie } from '../../wire/dns/edns.ts';
import type { IpNode } from '../host.ts';

export interface RawHeader {
  readonly id: number;
  readonly qr: boolean;
  readonly opcode: number;
  readonly rd: boolean;
}

export function readHeader(b: Uint8Array): RawHeader | undefined {
  if (b.length < 12) return undefined;
  return { id: (b[0]! << 8) | b[1]!, qr: (b[2]! & 0x80) !== 0, opcode: (b[2]! >> 3) & 0xf, rd: (b[2]! & 1) !== 0 };
}

export function questionText(q: DnsQuestion): string {
  return `${q.name} ${typeName(q.type)}`;
}

/** An address in text form as the stack's address type. */
export function edgeOf(text: string): Ipv4 | Ipv6 {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return v4;
  const v6 = parseIpv6(text);
  if (!v6) throw new RangeError(`not an IP address: ${text}`);
  return v6;
}

/** FNV-1a 64 over bytes, as two 32-bit halves (a deterministic stand-in for SipHash-2-4). */
function hash64(parts: readonly (Uint8Array | string)[]): Uint8Array {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  const feed = (b: number): void => {
    h1 = Math.imul(h1 ^ b, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ b ^ (h1 >>> 7), 0x5bd1e995) >>> 0;
  };
  for (const p of parts) {
    if (typeof p === 'string') for (let i = 0; i < p.length; i++) feed(p.charCodeAt(i) & 0xff);
    else for (const b of p) feed(b);
  }
  const out = new Uint8Array(8);
  for (let i = 0; i < 4; i++) {
    out[i] = (h1 >>> (24 - 8 * i)) & 0xff;
    out[4 + i] = (h2 >>> (24 - 8 * i)) & 0xff;
  }
  return out;
}

/**
 * RFC 9018 §4 interoperable server cookie: version 1, 3 reserved octets, the timestamp
 * (seconds since the epoch: simulated time), then a hash of client cookie, client address and
 * the server's secret.
 */
export function serverCookie(client: Uint8Array, from: string, secret: string, nowNs: number): Uint8Array {
  const ts = Math.floor(nowNs / 1e9) >>> 0;
  const c = new Uint8Array(16);
  c[0] = 1;
  c[4] = ts >>> 24;
  c[5] = (ts >>> 16) & 0xff;
  c[6] = (ts >>> 8) & 0xff;
  c[7] = ts & 0xff;
  c.set(hash64([client, c.subarray(0, 8), from, secret]), 8);
  return c;
}

/**
 * The OPT record of a server's answer (RFC 6891 §6.1.1): present only when the query had one;
 * the server's own payload size; DO echoed (RFC 3225 §3); COOKIE answered (RFC 7873 §5.2).
 * `badVersion`: the query asked for an EDNS version above 0 (answer BADVERS, §6.1.3).
 */
export function serverEdns(query: DnsMessage, udpMax: number, from: string, secret: string, nowNs: number): { edns?: Edns; badVersion: boolean } {
  const e = query.edns;
  if (!e) return { badVersion: false };
  const options = [];
  const c = e.options.find((o) => o.code === EDNS_OPTION.COOKIE);
  if (c) {
    const p = parseCookie(c.data);
    if (p.ok) options.push(cookieOption(p.value.client, serverCookie(p.value.client, from, secret, nowNs)));
  }
  return { edns: { udpPayloadSize: udpMax, extendedRcode: 0, version: 0, dnssecOk: e.dnssecOk, options }, badVersion: e.version > 0 };
}

/** A DNS-over-TCP listener: each message in goes through `handle`; its answer goes back framed. */
export function listenDnsTcp(host: IpNode, port: number, handle: (bytes: Uint8Array, from: string) => Uint8Array | undefined): void {
  host.tcp.listen(port, (s) => {
    const reader = new DnsTcpReassembler();
    s.onData = (d) => {
      for (const m of reader.push(d)) {
        const out = handle(m, s.remote.text);
        if (out) s.send(frameTcpDns(out));
      }
    };
    s.onEof = () => s.close();
  });
}

/** Listener that answers later (a recursive server): `handle` gets a callback for the answer and returns false when none will come. */
export function listenDnsTcpAsync(host: IpNode, port: number, handle: (bytes: Uint8Array, from: string, reply: (out: Uint8Array) => void) => boolean): void {
  host.tcp.listen(port, (s) => {
    const reader = new DnsTcpReassembler();
    let open = true;
    let eof = false;
    let pending = 0;
    s.onData = (d) => {
      for (const m of reader.push(d)) {
        let answered = false;
        pending++;
        const finish = (out?: Uint8Array): void => {
          if (answered) return;
          answered = true;
          pending--;
          if (out && open) s.send(frameTcpDns(out));
          // The client half-closed after its queries: close once every answer is out (RFC 7766 §6.2.3).
          if (eof && pending === 0 && open) s.close();
        };
        if (!handle(m, s.remote.text, finish)) finish();
      }
    };
    s.onEof = () => {
      eof = true;
      if (pending === 0) s.close();
    };
    s.onClose = () => {
      open = false;
    };
  });
}
