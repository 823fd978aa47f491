/**
 * Iterative resolution of one question (RFC 1034 §5.3.3, RFC 1035 §7): the cache first, then
 * the closest known zone cut (priming from the root hints, RFC 8109), referrals down the tree
 * with glue kept only in bailiwick, NS names without glue resolved separately, CNAMEs chased
 * across zones, negative answers cached (RFC 2308), lame or silent servers skipped, TC=1
 * retried over TCP, optional QNAME minimisation (RFC 9156: QTYPE A, one more label per step).
 */
import type { DnsMessage, DnsRecord } from '../../wire/dns/types.ts';
import { RCODE, RR_CLASS, RR_TYPE } from '../../wire/dns/types.ts';
import { dnsFlags, fullRcode } from '../../wire/dns/message.ts';
import type { IpNode } from '../host.ts';
import type { DnsCache } from './cache.ts';
import { RANK } from './cache.ts';
import { rcodeName, typeName } from '../../wire/dns/format.ts';
import { ancestorWithLabels, isSubdomain, key, labelCount, parentOf } from './dname.ts';
import type { ExchangeResult } from './transport.ts';
import { exchange, newQueryId } from './transport.ts';

export interface IterConfig {
  readonly rootHints: readonly { readonly name: string; readonly address: string }[];
  readonly qnameMinimisation: boolean;
  /** EDNS UDP payload size offered upstream; 0 sends no OPT. */
  readonly ednsBufferSize: number;
  /** Initial timeout per server; doubled each round over the server list. */
  readonly timeoutNs: number;
  /** Rounds over a zone's server list before giving up. */
  readonly attempts: number;
  /** How long a server that timed out or answered lamely is avoided. */
  readonly holdDownNs: number;
}

export interface IterContext {
  readonly host: IpNode;
  readonly cache: DnsCache;
  readonly cfg: IterConfig;
  /** Servers to avoid (timed out / lame) until the given time. */
  readonly holdDown: Map<string, number>;
  /** Runs (or joins) the root priming query (RFC 8109). */
  prime(done: () => void): void;
}

export interface Resolution {
  readonly rcode: number;
  readonly answers: DnsRecord[];
  readonly authority: DnsRecord[];
}

interface Server {
  readonly addr: string;
  readonly ns: string;
}

/** Limits shared by a resolution and the lookups it starts (Unbound: max 8 levels). */
interface Budget {
  queries: number;
}
const MAX_QUERIES = 100;
const MAX_DEPTH = 8;
const MAX_CHAIN = 16;
const MAX_REFERRALS = 30;

export class Iterator {
  private name: string;
  private readonly chain: DnsRecord[] = [];
  private zone = '.';
  private ns: DnsRecord[] = [];
  private hints = false;
  private minLabels = 0;
  private noMinimise = false;
  private readonly tried = new Set<string>();
  private readonly nsLookedUp = new Set<string>();
  private readonly noEdns = new Set<string>();
  private round = 0;
  private referrals = 0;
  private finished = false;

  constructor(
    private readonly ctx: IterContext,
    private readonly qname: string,
    private readonly qtype: number,
    private readonly done: (r: Resolution) => void,
    private readonly depth = 0,
    private readonly busy: ReadonlySet<string> = new Set(),
    private readonly budget: Budget = { queries: 0 },
    private readonly priming = false,
  ) {
    this.name = qname;
  }

  private trace(kind: 'dns.cacheHit' | 'dns.cacheMiss' | 'dns.cacheStore' | 'dns.referral' | 'dns.timeout' | 'dns.lame' | 'dns.truncated' | 'dns.resolved', a: number, b: number, text: string): void {
    const w = this.ctx.host.world;
    w.trace.emit(w.now, kind, this.ctx.host.id, -1, -1, a, b, text);
  }

  private q(name = this.name, type = this.qtype): string {
    return `${name} ${typeName(type)}`;
  }

  start(): void {
    this.step();
  }

  private finish(rcode: number, answers: DnsRecord[] = [], authority: DnsRecord[] = []): void {
    if (this.finished) return;
    this.finished = true;
    this.trace('dns.resolved', rcode, answers.length, this.q(this.qname));
    this.done({ rcode, answers, authority });
  }

  /** Answers from the cache where it can, else finds the closest zone cut and asks there. */
  private step(): void {
    const cache = this.ctx.cache;
    for (;;) {
      const hit = cache.get(this.name, this.qtype);
      if (hit) {
        this.trace('dns.cacheHit', hit[0]!.ttl, 0, this.q());
        return this.finish(RCODE.NOERROR, [...this.chain, ...hit]);
      }
      const cname = this.qtype !== RR_TYPE.CNAME ? cache.get(this.name, RR_TYPE.CNAME) : undefined;
      if (cname && cname[0]!.data.type === 'CNAME') {
        this.trace('dns.cacheHit', cname[0]!.ttl, 0, this.q(this.name, RR_TYPE.CNAME));
        if (!this.follow(cname[0]!)) return;
        continue;
      }
      const neg = cache.getNegative(this.name, this.qtype);
      if (neg) {
        this.trace('dns.cacheHit', neg.ttl, 1, this.q());
        return this.finish(neg.rcode, [...this.chain], neg.soa ? [neg.soa] : []);
      }
      break;
    }
    this.trace('dns.cacheMiss', 0, 0, this.q());
    if (!this.findZone()) return;
    this.tried.clear();
    this.round = 0;
    this.next();
  }

  /** Appends a CNAME to the chain and moves on to its target; false when the chain is too long. */
  private follow(cname: DnsRecord): boolean {
    if (cname.data.type !== 'CNAME') return false;
    this.chain.push(cname);
    if (this.chain.length > MAX_CHAIN || this.chain.slice(0, -1).some((r) => key(r.name) === key(cname.name))) {
      this.finish(RCODE.SERVFAIL, [...this.chain]);
      return false;
    }
    this.name = cname.data.target;
    return true;
  }

  /** The deepest zone cut whose NS set is cached (or the root hints). False: waiting for priming. */
  private findZone(): boolean {
    const cache = this.ctx.cache;
    for (let n = this.name; ; n = parentOf(n)) {
      const ns = cache.get(n, RR_TYPE.NS, RANK.referral);
      if (ns) return this.enterZone(n, ns, false);
      if (n === '.') break;
    }
    if (this.priming || this.hints) return this.enterZone('.', this.hintNs(), true);
    this.ctx.prime(() => {
      this.hints = true; // if priming failed, the hints themselves are used
      this.step();
    });
    return false;
  }

  private hintNs(): DnsRecord[] {
    return this.ctx.cfg.rootHints.map((h) => ({ name: '.', type: RR_TYPE.NS, class: RR_CLASS.IN, ttl: 3600000, data: { type: 'NS', target: h.name } }));
  }

  private enterZone(zone: string, ns: DnsRecord[], hints: boolean): boolean {
    this.zone = zone;
    this.ns = ns;
    this.hints = hints;
    this.minLabels = labelCount(zone) + 1;
    return true;
  }

  private addresses(target: string): string[] {
    const a = this.ctx.cache.get(target, RR_TYPE.A, RANK.hint)?.map((r) => (r.data.type === 'A' ? r.data.address : '')) ?? [];
    if (a.length === 0 && this.hints) for (const h of this.ctx.cfg.rootHints) if (key(h.name) === key(target)) a.push(h.address);
    return a.filter((x) => x !== '');
  }

  /** Picks the next server for the current zone, resolving NS names without glue when needed. */
  private next(): void {
    if (this.finished) return;
    if (++this.budget.queries > MAX_QUERIES) return this.finish(RCODE.SERVFAIL, [...this.chain]);
    const now = this.ctx.host.world.now;
    const servers: Server[] = [];
    for (const r of this.ns) if (r.data.type === 'NS') for (const addr of this.addresses(r.data.target)) servers.push({ addr, ns: r.data.target });
    const held = (s: Server): boolean => (this.ctx.holdDown.get(s.addr) ?? 0) > now || (this.ctx.holdDown.get(`${s.addr}|${key(this.zone)}`) ?? 0) > now;
    const usable = servers.filter((s) => !this.tried.has(s.addr) && (this.round > 0 || !held(s)));
    if (usable.length > 0) return this.send(usable[0]!);
    // Out-of-bailiwick or missing glue: look up an NS name's address (RFC 1034 §5.3.3 step 4).
    const missing = this.ns.find((r) => r.data.type === 'NS' && this.addresses(r.data.target).length === 0 && !this.nsLookedUp.has(key(r.data.target)) && !this.busy.has(key(r.data.target)));
    if (missing && missing.data.type === 'NS' && this.depth < MAX_DEPTH) {
      const target = missing.data.target;
      this.nsLookedUp.add(key(target));
      const sub = new Iterator(this.ctx, target, RR_TYPE.A, () => this.next(), this.depth + 1, new Set([...this.busy, key(this.qname), key(target)]), this.budget);
      return sub.start();
    }
    if (this.round + 1 < this.ctx.cfg.attempts && servers.length > 0) {
      this.round++;
      this.tried.clear();
      return this.next();
    }
    this.finish(RCODE.SERVFAIL, [...this.chain]);
  }

  private send(server: Server, tcp = false): void {
    const cfg = this.ctx.cfg;
    this.tried.add(server.addr);
    const minimise = cfg.qnameMinimisation && !this.noMinimise && labelCount(this.name) > this.minLabels;
    const qname = minimise ? ancestorWithLabels(this.name, this.minLabels) : this.name;
    const qtype = minimise ? RR_TYPE.A : this.qtype;
    const edns = cfg.ednsBufferSize > 0 && !this.noEdns.has(server.addr);
    const query: DnsMessage = {
      id: newQueryId(this.ctx.host),
      flags: dnsFlags({ rd: false }),
      questions: [{ name: qname, type: qtype, class: RR_CLASS.IN }],
      answers: [],
      authorities: [],
      additionals: [],
      ...(edns ? { edns: { udpPayloadSize: cfg.ednsBufferSize, extendedRcode: 0, version: 0, dnssecOk: false, options: [] } } : {}),
    };
    const timeoutNs = cfg.timeoutNs * 2 ** this.round;
    exchange(this.ctx.host, query, { server: server.addr, timeoutNs, tcp }, (r) => this.onAnswer(server, query, tcp, r));
  }

  private lame(server: Server, why: string, rcode = 0): void {
    this.trace('dns.lame', rcode, 0, `${server.ns} (${server.addr}) for ${this.zone}: ${why}`);
    // Lame for this zone only (a server may well serve other zones).
    this.ctx.holdDown.set(`${server.addr}|${key(this.zone)}`, this.ctx.host.world.now + this.ctx.cfg.holdDownNs);
    this.next();
  }

  private onAnswer(server: Server, query: DnsMessage, tcp: boolean, r: ExchangeResult): void {
    if (this.finished) return;
    const q = query.questions[0]!;
    if (!r.ok) {
      if (r.error === 'timeout') {
        this.trace('dns.timeout', Math.round((this.ctx.cfg.timeoutNs * 2 ** this.round) / 1e6), 0, `${this.q(q.name, q.type)} to ${server.ns} (${server.addr})`);
        this.ctx.holdDown.set(server.addr, this.ctx.host.world.now + this.ctx.cfg.holdDownNs);
        return this.next();
      }
      return this.lame(server, r.error);
    }
    const m = r.msg;
    if (m.flags.tc && !tcp) {
      this.trace('dns.truncated', m.id, 0, this.q(q.name, q.type));
      return this.send(server, true);
    }
    const rcode = fullRcode(m);
    if (rcode === RCODE.FORMERR && query.edns) {
      // RFC 6891 §7: a server that does not know EDNS answers FORMERR; ask again without.
      this.noEdns.add(server.addr);
      return this.send(server, tcp);
    }
    if (rcode !== RCODE.NOERROR && rcode !== RCODE.NXDOMAIN) return this.lame(server, `answered ${rcodeName(rcode)}`, rcode);
    if (this.referral(m, q.name, server)) return;
    if (key(q.name) !== key(this.name)) return this.minimised(m, rcode, server);
    this.full(m, rcode, server);
  }

  /** A referral to a zone below the current one: cache NS and in-bailiwick glue, go down. */
  private referral(m: DnsMessage, qname: string, server: Server): boolean {
    if (m.answers.length > 0 || m.flags.aa) return false;
    const ns = m.authorities.filter((r) => r.type === RR_TYPE.NS);
    if (ns.length === 0) return false;
    const cut = ns[0]!.name;
    if (!isSubdomain(qname, cut) || !isSubdomain(cut, this.zone) || labelCount(cut) <= labelCount(this.zone)) {
      this.lame(server, `referral to ${cut} does not lead below ${this.zone} (upward or sideways referral)`);
      return true;
    }
    const nsSet = ns.filter((r) => key(r.name) === key(cut));
    this.ctx.cache.put(nsSet, RANK.referral);
    const glue = this.cacheGlue(m, nsSet);
    this.trace('dns.referral', nsSet.length, glue, `${cut} from ${server.ns} (${server.addr})`);
    if (++this.referrals > MAX_REFERRALS) {
      this.finish(RCODE.SERVFAIL, [...this.chain]);
      return true;
    }
    this.enterZone(cut, nsSet, false);
    this.tried.clear();
    this.round = 0;
    this.next();
    return true;
  }

  /** Glue: A/AAAA for the NS targets, only if inside the zone that sent them (bailiwick). */
  private cacheGlue(m: DnsMessage, nsSet: readonly DnsRecord[]): number {
    const targets = new Set(nsSet.map((r) => (r.data.type === 'NS' ? key(r.data.target) : '')));
    const groups = new Map<string, DnsRecord[]>();
    for (const r of m.additionals) {
      if (r.type !== RR_TYPE.A && r.type !== RR_TYPE.AAAA) continue;
      if (!targets.has(key(r.name)) || !isSubdomain(r.name, this.zone)) continue;
      const k = `${key(r.name)}|${r.type}`;
      groups.set(k, [...(groups.get(k) ?? []), r]);
    }
    let n = 0;
    for (const g of groups.values()) if (this.ctx.cache.put(g, RANK.glue)) n += g.length;
    return n;
  }

  /** Answer to a minimised question (RFC 9156 §3). */
  private minimised(m: DnsMessage, rcode: number, server: Server): void {
    const soa = m.authorities.find((r) => r.type === RR_TYPE.SOA && isSubdomain(r.name, this.zone));
    if (rcode === RCODE.NXDOMAIN && (m.flags.aa || soa)) {
      // RFC 8020: nothing exists below a name that does not exist.
      const ttl = this.ctx.cache.putNegative(this.name, this.qtype, RCODE.NXDOMAIN, soa);
      this.trace('dns.cacheStore', ttl, 0, `${this.q()} NXDOMAIN`);
      return this.finish(RCODE.NXDOMAIN, [...this.chain], soa ? [soa] : []);
    }
    if (m.answers.some((r) => r.type === RR_TYPE.CNAME)) {
      this.noMinimise = true;
      return this.send(server);
    }
    if (m.flags.aa || soa) {
      // The name exists in this zone without a cut: reveal one more label to the same server.
      this.minLabels++;
      return this.send(server);
    }
    this.lame(server, 'no authority for the minimised name');
  }

  /** Answer to the full question: data, a CNAME chain, NXDOMAIN or NODATA (RFC 2308 §2). */
  private full(m: DnsMessage, rcode: number, server: Server): void {
    const cache = this.ctx.cache;
    const rank = m.flags.aa ? RANK.authAnswer : RANK.answer;
    const start = this.name;
    let got: DnsRecord[] | undefined;
    // Walk the chain through the answer section, trusting only owners inside the zone asked.
    for (let guard = 0; guard <= MAX_CHAIN && isSubdomain(this.name, this.zone); guard++) {
      const set = m.answers.filter((r) => key(r.name) === key(this.name) && (r.type === this.qtype || this.qtype === RR_TYPE.ANY));
      if (set.length > 0) {
        got = set;
        if (this.qtype !== RR_TYPE.ANY && cache.put(set, rank)) this.trace('dns.cacheStore', set[0]!.ttl, set.length, this.q());
        if (this.qtype === RR_TYPE.NS) this.cacheGlue(m, set);
        break;
      }
      const cname = m.answers.find((r) => key(r.name) === key(this.name) && r.type === RR_TYPE.CNAME);
      if (!cname || this.qtype === RR_TYPE.CNAME) break;
      if (cache.put([cname], rank)) this.trace('dns.cacheStore', cname.ttl, 1, this.q(cname.name, RR_TYPE.CNAME));
      if (!this.follow(cname)) return;
    }
    if (got) return this.finish(RCODE.NOERROR, [...this.chain, ...got]);
    const moved = key(start) !== key(this.name);
    if (moved && !isSubdomain(this.name, this.zone)) return this.step(); // the target lives elsewhere
    const soa = m.authorities.find((r) => r.type === RR_TYPE.SOA && isSubdomain(r.name, this.zone));
    if (rcode === RCODE.NXDOMAIN && (m.flags.aa || soa)) {
      const ttl = cache.putNegative(this.name, this.qtype, RCODE.NXDOMAIN, soa);
      this.trace('dns.cacheStore', ttl, 0, `${this.q()} NXDOMAIN`);
      return this.finish(RCODE.NXDOMAIN, [...this.chain], soa ? [soa] : []);
    }
    if (m.flags.aa || soa) {
      const ttl = cache.putNegative(this.name, this.qtype, RCODE.NOERROR, soa);
      this.trace('dns.cacheStore', ttl, 0, `${this.q()} NODATA`);
      return this.finish(RCODE.NOERROR, [...this.chain], soa ? [soa] : []);
    }
    if (moved) return this.step();
    this.lame(server, 'answer without authority, data or referral');
  }
}
