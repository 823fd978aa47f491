/**
 * DNS message representation shared by the codec (wire/dns), zone files, servers, resolvers
 * and dig. Names are absolute, lower-or-mixed case, WITHOUT the trailing dot except the root,
 * which is "." (e.g. "www.example.com", "."). Comparisons are case-insensitive (RFC 4343).
 */

/** RR TYPE values (IANA "Resource Record (RR) TYPEs"). */
export const RR_TYPE = {
  A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, MX: 15, TXT: 16, AAAA: 28, SRV: 33, OPT: 41,
  DS: 43, RRSIG: 46, NSEC: 47, DNSKEY: 48, NSEC3: 50, SVCB: 64, HTTPS: 65, CAA: 257, ANY: 255,
} as const;
export type RrTypeName = keyof typeof RR_TYPE;

export const RR_CLASS = { IN: 1, CH: 3, ANY: 255 } as const;

export const OPCODE = { QUERY: 0, IQUERY: 1, STATUS: 2, NOTIFY: 4, UPDATE: 5 } as const;

export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5, BADVERS: 16, BADCOOKIE: 23 } as const;

/** A/AAAA addresses in text form ("192.0.2.1", "2001:db8::1", canonical RFC 5952). */
export type RData =
  | { readonly type: 'A'; readonly address: string }
  | { readonly type: 'AAAA'; readonly address: string }
  | { readonly type: 'NS' | 'CNAME' | 'PTR'; readonly target: string }
  | { readonly type: 'SOA'; readonly mname: string; readonly rname: string; readonly serial: number; readonly refresh: number; readonly retry: number; readonly expire: number; readonly minimum: number }
  | { readonly type: 'MX'; readonly preference: number; readonly exchange: string }
  /** Character-strings, each ≤ 255 bytes (as bytes so non-ASCII survives a round trip). */
  | { readonly type: 'TXT'; readonly strings: readonly Uint8Array[] }
  | { readonly type: 'SRV'; readonly priority: number; readonly weight: number; readonly port: number; readonly target: string }
  | { readonly type: 'CAA'; readonly flags: number; readonly tag: string; readonly value: Uint8Array }
  | { readonly type: 'SVCB' | 'HTTPS'; readonly priority: number; readonly target: string; readonly params: readonly SvcParam[] }
  | { readonly type: 'DS'; readonly keyTag: number; readonly algorithm: number; readonly digestType: number; readonly digest: Uint8Array }
  | { readonly type: 'DNSKEY'; readonly flags: number; readonly protocol: number; readonly algorithm: number; readonly publicKey: Uint8Array }
  | { readonly type: 'RRSIG'; readonly typeCovered: number; readonly algorithm: number; readonly labels: number; readonly originalTtl: number; readonly expiration: number; readonly inception: number; readonly keyTag: number; readonly signerName: string; readonly signature: Uint8Array }
  | { readonly type: 'NSEC'; readonly nextName: string; readonly types: readonly number[] }
  | { readonly type: 'NSEC3'; readonly hashAlgorithm: number; readonly flags: number; readonly iterations: number; readonly salt: Uint8Array; readonly nextHashed: Uint8Array; readonly types: readonly number[] }
  /** Any type the codec does not interpret (RFC 3597 \# form). */
  | { readonly type: 'UNKNOWN'; readonly rrType: number; readonly data: Uint8Array };

/** SVCB/HTTPS SvcParam (RFC 9460 §14.3.2 keys: 0 mandatory, 1 alpn, 2 no-default-alpn, 3 port, 4 ipv4hint, 5 ech, 6 ipv6hint). */
export interface SvcParam {
  readonly key: number;
  readonly value: Uint8Array;
}

export interface DnsQuestion {
  readonly name: string;
  /** Numeric TYPE (RR_TYPE values). */
  readonly type: number;
  readonly class: number;
}

export interface DnsRecord {
  readonly name: string;
  readonly type: number;
  readonly class: number;
  readonly ttl: number;
  readonly data: RData;
}

export interface EdnsOption {
  /** 10 = COOKIE (RFC 7873), 8 = edns-client-subnet (RFC 7871), others raw. */
  readonly code: number;
  readonly data: Uint8Array;
}

/** The OPT pseudo-record, lifted out of the additional section (RFC 6891 §6.1). */
export interface Edns {
  readonly udpPayloadSize: number;
  /** Upper 8 bits of the 12-bit extended RCODE. */
  readonly extendedRcode: number;
  readonly version: number;
  /** DNSSEC OK bit (RFC 3225). */
  readonly dnssecOk: boolean;
  readonly options: readonly EdnsOption[];
}

export interface DnsHeaderFlags {
  readonly qr: boolean;
  readonly opcode: number;
  readonly aa: boolean;
  readonly tc: boolean;
  readonly rd: boolean;
  readonly ra: boolean;
  /** RFC 4035 §3.2.3. */
  readonly ad: boolean;
  /** RFC 4035 §3.2.2. */
  readonly cd: boolean;
  /** Low 4 bits (the full RCODE combines Edns.extendedRcode). */
  readonly rcode: number;
}

export interface DnsMessage {
  readonly id: number;
  readonly flags: DnsHeaderFlags;
  readonly questions: readonly DnsQuestion[];
  readonly answers: readonly DnsRecord[];
  readonly authorities: readonly DnsRecord[];
  /** Additional records other than OPT. */
  readonly additionals: readonly DnsRecord[];
  readonly edns?: Edns;
}
