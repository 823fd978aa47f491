/**
 * One authoritative zone in memory and its lookup step (RFC 1034 §4.3.2 step 3): match the
 * name down from the apex; stop at a zone cut (referral), a CNAME, the data, a wildcard
 * (RFC 4592) or a name that does not exist (RFC 1034 §4.3.3, RFC 8020 for empty non-terminals).
 */
import type { DnsRecord } from '../../wire/dns/types.ts';
import { RR_TYPE } from '../../wire/dns/types.ts';
import { isSubdomain, joinLabels, key, splitLabels } from './dname.ts';

export type ZoneStep =
  | { readonly kind: 'records'; readonly records: DnsRecord[] }
  | { readonly kind: 'cname'; readonly record: DnsRecord }
  | { readonly kind: 'nodata' }
  | { readonly kind: 'nxdomain' }
  | { readonly kind: 'delegation'; readonly cut: string; readonly ns: DnsRecord[]; readonly glue: DnsRecord[] };

export class Zone {
  readonly origin: string;
  private readonly data = new Map<string, Map<number, DnsRecord[]>>();
  /** Every name that exists, including empty non-terminals (RFC 8020). */
  private readonly names = new Set<string>();

  constructor(origin: string, records: readonly DnsRecord[]) {
    this.origin = origin;
    for (const r of records) this.add(r);
  }

  /** Problems that make the zone unusable (missing SOA/NS at the apex, data outside the zone). */
  check(): string[] {
    const errors: string[] = [];
    const apex = this.data.get(key(this.origin));
    if (!apex?.get(RR_TYPE.SOA)?.length) errors.push(`zone ${this.origin}: no SOA record at the apex`);
    if (!apex?.get(RR_TYPE.NS)?.length) errors.push(`zone ${this.origin}: no NS records at the apex`);
    for (const [k, m] of this.data) {
      if (!isSubdomain(k, this.origin)) errors.push(`zone ${this.origin}: ${k} is outside the zone`);
      if (m.has(RR_TYPE.CNAME) && [...m.keys()].some((t) => t !== RR_TYPE.CNAME && t !== RR_TYPE.RRSIG && t !== RR_TYPE.NSEC)) errors.push(`zone ${this.origin}: ${k} has a CNAME and other data (RFC 1034 §3.6.2)`);
    }
    return errors;
  }

  get soa(): DnsRecord {
    return this.data.get(key(this.origin))!.get(RR_TYPE.SOA)![0]!;
  }

  /** The SOA for a negative answer, its TTL lowered to min(TTL, MINIMUM) (RFC 2308 §3). */
  negativeSoa(): DnsRecord {
    const soa = this.soa;
    const min = soa.data.type === 'SOA' ? soa.data.minimum : soa.ttl;
    return { ...soa, ttl: Math.min(soa.ttl, min) };
  }

  /** All records in zone order of insertion (for `zone-show`). */
  records(): DnsRecord[] {
    const out: DnsRecord[] = [];
    for (const m of this.data.values()) for (const rs of m.values()) out.push(...rs);
    return out;
  }

  rrset(name: string, type: number): DnsRecord[] {
    return this.data.get(key(name))?.get(type) ?? [];
  }

  /** Replaces the RRset (name, type) with `records` (empty: deletes it); bumps the SOA serial. */
  replace(name: string, type: number, records: readonly DnsRecord[]): void {
    const k = key(name);
    const m = this.data.get(k);
    if (m) m.delete(type);
    for (const r of records) this.add(r);
    this.rebuildNames();
    if (type !== RR_TYPE.SOA) {
      const soa = this.soa;
      if (soa.data.type === 'SOA') this.data.get(key(this.origin))!.set(RR_TYPE.SOA, [{ ...soa, data: { ...soa.data, serial: (soa.data.serial + 1) >>> 0 } }]);
    }
  }

  private add(r: DnsRecord): void {
    const k = key(r.name);
    let m = this.data.get(k);
    if (!m) this.data.set(k, (m = new Map()));
    const list = m.get(r.type) ?? [];
    // An RRset has one TTL (RFC 2181 §5.2): the latest wins for all members. Duplicates collapse.
    const same = list.findIndex((x) => sameData(x, r));
    if (same >= 0) list.splice(same, 1);
    list.push(r);
    m.set(
      r.type,
      list.map((x) => ({ ...x, ttl: r.ttl })),
    );
    this.addName(k);
  }

  private addName(k: string): void {
    const labels = splitLabels(k);
    const apex = splitLabels(key(this.origin)).length;
    for (let n = labels.length; n >= apex; n--) this.names.add(joinLabels(labels.slice(labels.length - n)));
  }

  private rebuildNames(): void {
    this.names.clear();
    for (const [k, m] of this.data) {
      if ([...m.values()].every((l) => l.length === 0)) this.data.delete(k);
      else this.addName(k);
    }
  }

  /** One lookup step for (qname, qtype); qname must be at or below the origin. */
  lookup(qname: string, qtype: number): ZoneStep {
    const q = splitLabels(key(qname));
    const apexLabels = splitLabels(key(this.origin)).length;
    // Walk down from just below the apex: a name with NS records there is a zone cut.
    for (let n = apexLabels + 1; n <= q.length; n++) {
      const name = joinLabels(q.slice(q.length - n));
      if (!this.names.has(name)) return this.wildcard(qname, qtype, joinLabels(q.slice(q.length - n + 1)));
      const ns = this.data.get(name)?.get(RR_TYPE.NS);
      // DS lives on the parent side of the cut (RFC 4035 §3.1.4.1).
      if (ns?.length && !(n === q.length && qtype === RR_TYPE.DS)) return { kind: 'delegation', cut: this.data.get(name)!.get(RR_TYPE.NS)![0]!.name, ns, glue: this.glueFor(ns) };
    }
    return this.atNode(qname, key(qname), qtype, false);
  }

  private atNode(qname: string, k: string, qtype: number, synthesized: boolean): ZoneStep {
    const m = this.data.get(k);
    const own = (rs: DnsRecord[]): DnsRecord[] => (synthesized ? rs.map((r) => ({ ...r, name: qname })) : rs);
    if (!m) return { kind: 'nodata' };
    if (qtype === RR_TYPE.ANY) {
      const all = [...m.values()].flat();
      return all.length ? { kind: 'records', records: own(all) } : { kind: 'nodata' };
    }
    const cname = m.get(RR_TYPE.CNAME);
    if (cname?.length && qtype !== RR_TYPE.CNAME) return { kind: 'cname', record: own(cname)[0]! };
    const rs = m.get(qtype);
    return rs?.length ? { kind: 'records', records: own(rs) } : { kind: 'nodata' };
  }

  /** RFC 4592: the name does not exist below `closest`; a `*` child of it may answer. */
  private wildcard(qname: string, qtype: number, closest: string): ZoneStep {
    const star = closest === '.' ? '*' : `*.${closest}`;
    if (this.names.has(star)) return this.atNode(qname, star, qtype, true);
    return { kind: 'nxdomain' };
  }

  /** Addresses of in-zone name servers (glue, RFC 1034 §4.2.1), including below the cut. */
  glueFor(ns: readonly DnsRecord[]): DnsRecord[] {
    const out: DnsRecord[] = [];
    for (const r of ns) {
      if (r.data.type !== 'NS' || !isSubdomain(r.data.target, this.origin)) continue;
      out.push(...this.rrset(r.data.target, RR_TYPE.A), ...this.rrset(r.data.target, RR_TYPE.AAAA));
    }
    return out;
  }
}

function sameData(a: DnsRecord, b: DnsRecord): boolean {
  return a.type === b.type && JSON.stringify(a.data, bytesAsArray) === JSON.stringify(b.data, bytesAsArray);
}

function bytesAsArray(_k: string, v: unknown): unknown {
  return v instanceof Uint8Array ? [...v] : v;
}
