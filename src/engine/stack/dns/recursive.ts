/**
 * A recursive resolver service (Unbound/BIND-like) on UDP and TCP port 53: answers stub
 * queries with RD=1 by iterating from the root (iterate.ts) through its cache, sets RA, echoes
 * EDNS (RFC 6891) and truncates to the client's payload size. With RD=0 it answers from the
 * cache only (or refers to the closest cached zone cut), as BIND does.
 */
import type { DnsMessage, DnsRecord } from '../../wire/dns/types.ts';
import { OPCODE, RCODE, RR_CLASS, RR_TYPE } from '../../wire/dns/types.ts';
import { DNS_MAX_UDP_NO_EDNS, dnsFlags, emitDnsMessage, parseDnsMessage } from '../../wire/dns/message.ts';
import type { IpNode } from '../host.ts';
import { DnsCache, RANK } from './cache.ts';
import type { IterConfig, IterContext, Resolution } from './iterate.ts';
import { Iterator } from './iterate.ts';
import { edgeOf, listenDnsTcpAsync, questionText, readHeader, serverEdns } from './common.ts';
import { key, parentOf } from './dname.ts';

export interface RecursiveConfig extends IterConfig {
  /** Unbound cache-max-ttl / cache-max-negative-ttl. */
  readonly maxTtl: number;
  readonly maxNegTtl: number;
  /** Largest UDP answer to clients with EDNS. */
  readonly udpMax: number;
}

export const RECURSIVE_DEFAULTS: Omit<RecursiveConfig, 'rootHints'> = {
  qnameMinimisation: false,
  ednsBufferSize: 1232,
  timeoutNs: 800e6,
  attempts: 2,
  holdDownNs: 120e9,
  maxTtl: 86400,
  maxNegTtl: 3600,
  udpMax: 1232,
};

export class RecursiveServer implements IterContext {
  readonly cache: DnsCache;
  readonly holdDown = new Map<string, number>();
  readonly cfg: RecursiveConfig;
  private priming: (() => void)[] | null = null;

  constructor(
    readonly host: IpNode,
    cfg: Partial<RecursiveConfig> & Pick<RecursiveConfig, 'rootHints'>,
  ) {
    this.cfg = { ...RECURSIVE_DEFAULTS, ...cfg };
    this.cache = new DnsCache(() => host.world.now, { maxTtl: this.cfg.maxTtl, maxNegTtl: this.cfg.maxNegTtl });
  }

  /** RFC 8109 priming: one ". NS" query to the hints; concurrent callers wait for the same one. */
  prime(done: () => void): void {
    if (this.priming) {
      this.priming.push(done);
      return;
    }
    this.priming = [done];
    new Iterator(this, '.', RR_TYPE.NS, () => {
      const waiting = this.priming ?? [];
      this.priming = null;
      for (const d of waiting) d();
    }, 0, new Set(), { queries: 0 }, true).start();
  }

  /** Resolves (name, type) as a client would ask (used by the server and by tests). */
  resolve(name: string, type: number, done: (r: Resolution) => void): void {
    new Iterator(this, name, type, done).start();
  }

  start(port = 53): void {
    const sock = this.host.udp.bind(port);
    sock.onMessage = (m) => void this.handle(m.data, m.from, 'udp', (out) => sock.sendTo(edgeOf(m.from), m.fromPort, out));
    listenDnsTcpAsync(this.host, port, (bytes, from, reply) => this.handle(bytes, from, 'tcp', reply));
  }

  /** Handles one query; false when it will not be answered (not a query, or too short). */
  handle(bytes: Uint8Array, from: string, transport: 'udp' | 'tcp', reply: (out: Uint8Array) => void): boolean {
    const w = this.host.world;
    const h = readHeader(bytes);
    if (!h || h.qr) {
      w.trace.emit(w.now, 'dns.drop', this.host.id, -1, -1, 0, 0, h ? `response from ${from} sent to a resolver (ignored)` : `query from ${from} shorter than a DNS header`);
      return false;
    }
    const p = parseDnsMessage(bytes);
    const send = (resp: DnsMessage, maxSize: number): void => {
      const q = resp.questions[0];
      w.trace.emit(w.now, 'dns.serverAnswer', this.host.id, -1, -1, resp.flags.rcode | ((resp.edns?.extendedRcode ?? 0) << 4), resp.answers.length, q ? `${questionText(q)} from ${from} (${transport.toUpperCase()})` : `from ${from}`);
      reply(emitDnsMessage(resp, { maxSize: transport === 'tcp' ? 65535 : maxSize }));
    };
    if (!p.ok || p.value.questions.length !== 1) {
      w.trace.emit(w.now, 'dns.drop', this.host.id, -1, -1, 0, 0, `FORMERR to ${from}: ${p.ok ? `${p.value.questions.length} questions` : p.error.message}`);
      send({ id: h.id, flags: dnsFlags({ qr: true, opcode: h.opcode, rd: h.rd, ra: true, rcode: RCODE.FORMERR }), questions: [], answers: [], authorities: [], additionals: [] }, DNS_MAX_UDP_NO_EDNS);
      return true;
    }
    const query = p.value;
    const q = query.questions[0]!;
    const e = serverEdns(query, this.cfg.udpMax, from, this.host.name, w.now);
    const maxSize = query.edns ? Math.min(Math.max(query.edns.udpPayloadSize, DNS_MAX_UDP_NO_EDNS), this.cfg.udpMax) : DNS_MAX_UDP_NO_EDNS;
    const answer = (rcode: number, answers: DnsRecord[] = [], authorities: DnsRecord[] = []): true => {
      send(
        {
          id: query.id,
          flags: dnsFlags({ qr: true, opcode: query.flags.opcode, rd: query.flags.rd, ra: true, cd: query.flags.cd, rcode: rcode & 0xf }),
          questions: [q],
          answers,
          authorities,
          additionals: [],
          ...(e.edns ? { edns: { ...e.edns, extendedRcode: rcode >> 4 } } : {}),
        },
        maxSize,
      );
      return true;
    };
    if (e.badVersion) return answer(RCODE.BADVERS);
    if (query.flags.opcode !== OPCODE.QUERY) return answer(RCODE.NOTIMP);
    if (q.class !== RR_CLASS.IN) return answer(RCODE.REFUSED);
    if (q.type === 251 || q.type === 252 || q.type === RR_TYPE.OPT) return answer(q.type === RR_TYPE.OPT ? RCODE.FORMERR : RCODE.REFUSED);
    if (!query.flags.rd) {
      const c = this.fromCache(q.name, q.type);
      return answer(c.rcode, c.answers, c.authority);
    }
    this.resolve(q.name, q.type, (r) => answer(r.rcode, r.answers, r.authority));
    return true;
  }

  /** RD=0: cached data only, else a referral to the closest cached zone cut. */
  fromCache(name: string, type: number): Resolution {
    const chain: DnsRecord[] = [];
    let n = name;
    for (let i = 0; i < 16; i++) {
      const hit = this.cache.get(n, type);
      if (hit) return { rcode: RCODE.NOERROR, answers: [...chain, ...hit], authority: [] };
      const c = this.cache.get(n, RR_TYPE.CNAME);
      if (c && c[0]!.data.type === 'CNAME' && type !== RR_TYPE.CNAME) {
        chain.push(c[0]!);
        n = c[0]!.data.target;
        continue;
      }
      const neg = this.cache.getNegative(n, type);
      if (neg) return { rcode: neg.rcode, answers: chain, authority: neg.soa ? [neg.soa] : [] };
      break;
    }
    for (let z = n; ; z = parentOf(z)) {
      const ns = this.cache.get(z, RR_TYPE.NS, RANK.referral);
      if (ns) return { rcode: RCODE.NOERROR, answers: chain, authority: ns };
      if (z === '.' || key(z) === '.') break;
    }
    return { rcode: RCODE.NOERROR, answers: chain, authority: [] };
  }
}
