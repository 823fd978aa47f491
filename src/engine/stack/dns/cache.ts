/**
 * A resolver's cache: RRsets and negative answers (RFC 2308), TTLs counting down in simulated
 * time on an integer-second clock (as BIND and Unbound keep it), and credibility ranks
 * (RFC 2181 §5.4.1): data is replaced only by data at least as trustworthy, and referral NS
 * sets and glue are never handed out as answers.
 */
import type { DnsRecord } from '../../wire/dns/types.ts';
import { RCODE } from '../../wire/dns/types.ts';
import { key } from './dname.ts';

/** RFC 2181 §5.4.1, lowest first. */
export const RANK = { hint: 0, glue: 1, referral: 2, answer: 3, authAnswer: 4 } as const;
export type Rank = (typeof RANK)[keyof typeof RANK];

interface Entry {
  readonly records: readonly DnsRecord[];
  /** Whole second (simulated) the entry expires; remaining TTL = expires − now. */
  readonly expires: number;
  readonly rank: Rank;
}

interface NegEntry {
  /** NXDOMAIN (whole name) or NOERROR (NODATA for one type). */
  readonly rcode: number;
  readonly soa: DnsRecord | undefined;
  readonly expires: number;
}

export interface CacheLimits {
  /** Unbound cache-max-ttl (86400) and cache-max-negative-ttl (3600). */
  maxTtl: number;
  maxNegTtl: number;
}

const NXDOMAIN_TYPE = -1;

export class DnsCache {
  private readonly rrsets = new Map<string, Entry>();
  private readonly negative = new Map<string, NegEntry>();

  constructor(
    private readonly clock: () => number,
    readonly limits: CacheLimits = { maxTtl: 86400, maxNegTtl: 3600 },
  ) {}

  private nowSec(): number {
    return Math.floor(this.clock() / 1e9);
  }

  private static k(name: string, type: number): string {
    return `${key(name)}|${type}`;
  }

  /** The RRset with TTLs decremented, if cached, unexpired and at least `minRank`. */
  get(name: string, type: number, minRank: Rank = RANK.answer): DnsRecord[] | undefined {
    const k = DnsCache.k(name, type);
    const e = this.rrsets.get(k);
    if (!e) return undefined;
    const left = e.expires - this.nowSec();
    if (left <= 0) {
      this.rrsets.delete(k);
      return undefined;
    }
    if (e.rank < minRank) return undefined;
    return e.records.map((r) => ({ ...r, ttl: left }));
  }

  rankOf(name: string, type: number): Rank | undefined {
    const e = this.rrsets.get(DnsCache.k(name, type));
    return e && e.expires > this.nowSec() ? e.rank : undefined;
  }

  /** Stores one RRset (all records share owner and type). Returns false when a better entry stays. */
  put(records: readonly DnsRecord[], rank: Rank): boolean {
    const first = records[0];
    if (!first) return false;
    const k = DnsCache.k(first.name, first.type);
    const old = this.rrsets.get(k);
    const now = this.nowSec();
    if (old && old.expires > now && old.rank > rank) return false;
    const ttl = Math.min(Math.min(...records.map((r) => r.ttl)), this.limits.maxTtl);
    if (ttl <= 0) return false;
    this.rrsets.set(k, { records: records.map((r) => ({ ...r, ttl })), expires: now + ttl, rank });
    // Positive data for a name supersedes a negative entry for it.
    this.negative.delete(DnsCache.k(first.name, NXDOMAIN_TYPE));
    this.negative.delete(k);
    return true;
  }

  /**
   * Stores a negative answer (RFC 2308 §5): NXDOMAIN for the name, or NODATA for (name, type).
   * The TTL is min(SOA TTL, SOA MINIMUM) (§3), capped; without an SOA nothing is cached (§5).
   */
  putNegative(name: string, type: number, rcode: number, soa: DnsRecord | undefined): number {
    if (!soa || soa.data.type !== 'SOA') return 0;
    const ttl = Math.min(soa.ttl, soa.data.minimum, this.limits.maxNegTtl);
    if (ttl <= 0) return 0;
    const t = rcode === RCODE.NXDOMAIN ? NXDOMAIN_TYPE : type;
    this.negative.set(DnsCache.k(name, t), { rcode, soa: { ...soa, ttl }, expires: this.nowSec() + ttl });
    return ttl;
  }

  /** A cached negative answer for (name, type): the RCODE, the SOA with its TTL decremented. */
  getNegative(name: string, type: number): { rcode: number; soa: DnsRecord | undefined; ttl: number } | undefined {
    const now = this.nowSec();
    for (const t of [NXDOMAIN_TYPE, type]) {
      const k = DnsCache.k(name, t);
      const e = this.negative.get(k);
      if (!e) continue;
      const left = e.expires - now;
      if (left <= 0) {
        this.negative.delete(k);
        continue;
      }
      return { rcode: e.rcode, soa: e.soa ? { ...e.soa, ttl: left } : undefined, ttl: left };
    }
    return undefined;
  }

  /** rndc flush / unbound-control flush_all. */
  flush(): void {
    this.rrsets.clear();
    this.negative.clear();
  }

  /** rndc flushname: every entry owned by `name`. */
  flushName(name: string): number {
    const prefix = `${key(name)}|`;
    let n = 0;
    for (const m of [this.rrsets, this.negative] as Map<string, unknown>[]) {
      for (const k of [...m.keys()]) {
        if (k.startsWith(prefix)) {
          m.delete(k);
          n++;
        }
      }
    }
    return n;
  }

  /** Live entries (for `rndc dumpdb`-like listings and tests). */
  dump(): { records: DnsRecord[]; rank: Rank }[] {
    const now = this.nowSec();
    const out: { records: DnsRecord[]; rank: Rank }[] = [];
    for (const e of this.rrsets.values()) if (e.expires > now) out.push({ records: e.records.map((r) => ({ ...r, ttl: e.expires - now })), rank: e.rank });
    return out;
  }

  get size(): number {
    return this.rrsets.size + this.negative.size;
  }
}
