/**
 * An authoritative name server (RFC 1034 §4.3.2 without recursion; NSD/Knot-like minimal
 * responses): AA answers, CNAME chasing inside a zone, referrals at zone cuts with glue,
 * NXDOMAIN / NODATA with the SOA (negative TTL = min(SOA TTL, MINIMUM), RFC 2308 §3),
 * wildcards (RFC 4592), REFUSED outside its zones, FORMERR for malformed queries, NOTIMP for
 * other opcodes, EDNS(0) (RFC 6891: OPT echoed, the requester's payload size honoured, 512
 * without EDNS, TC=1 when the answer does not fit) and DNS over TCP (RFC 7766).
 */
import type { DnsMessage, DnsQuestion, DnsRecord } from '../../wire/dns/types.ts';
import { OPCODE, RCODE, RR_CLASS, RR_TYPE } from '../../wire/dns/types.ts';
import { DNS_MAX_UDP_NO_EDNS, dnsFlags, emitDnsMessage, parseDnsMessage } from '../../wire/dns/message.ts';
import type { IpNode } from '../host.ts';
import { isSubdomain, key, labelCount } from './dname.ts';
import type { Zone } from './zone.ts';
import { edgeOf, listenDnsTcp, questionText, readHeader, serverEdns } from './common.ts';

export interface AuthOptions {
  /** Largest UDP answer this server sends with EDNS (BIND/NSD default 1232, DNS flag day 2020). */
  udpMax: number;
  /** Listen on TCP port 53 too (RFC 7766: required). */
  tcp: boolean;
}

export const AUTH_DEFAULTS: AuthOptions = { udpMax: 1232, tcp: true };

/** Longest CNAME chain followed inside the server's data (BIND: 16). */
const MAX_CHAIN = 16;

export class AuthServer {
  readonly zones: Zone[] = [];
  readonly opts: AuthOptions;

  constructor(
    readonly host: IpNode,
    opts: Partial<AuthOptions> = {},
  ) {
    this.opts = { ...AUTH_DEFAULTS, ...opts };
  }

  addZone(z: Zone): void {
    const i = this.zones.findIndex((x) => key(x.origin) === key(z.origin));
    if (i >= 0) this.zones.splice(i, 1);
    this.zones.push(z);
  }

  zone(origin: string): Zone | undefined {
    return this.zones.find((z) => key(z.origin) === key(origin));
  }

  /** The zone nearest to `qname` (RFC 1034 §4.3.2 step 2). */
  zoneFor(qname: string): Zone | undefined {
    let best: Zone | undefined;
    for (const z of this.zones) if (isSubdomain(qname, z.origin) && (!best || labelCount(z.origin) > labelCount(best.origin))) best = z;
    return best;
  }

  /** Binds UDP and TCP port 53 on the host. */
  start(port = 53): void {
    const sock = this.host.udp.bind(port);
    sock.onMessage = (m) => {
      const out = this.handle(m.data, m.from, 'udp');
      if (out) sock.sendTo(edgeOf(m.from), m.fromPort, out);
    };
    if (this.opts.tcp) listenDnsTcp(this.host, port, (bytes, from) => this.handle(bytes, from, 'tcp'));
  }

  /** One query's bytes in, the response's bytes out (undefined: stay silent). Never throws. */
  handle(bytes: Uint8Array, from: string, transport: 'udp' | 'tcp'): Uint8Array | undefined {
    const w = this.host.world;
    const h = readHeader(bytes);
    if (!h) {
      w.trace.emit(w.now, 'dns.drop', this.host.id, -1, -1, 0, 0, `query from ${from} shorter than a DNS header`);
      return undefined;
    }
    if (h.qr) {
      w.trace.emit(w.now, 'dns.drop', this.host.id, -1, -1, 0, 0, `response from ${from} sent to a server (ignored)`);
      return undefined;
    }
    const parsed = parseDnsMessage(bytes);
    let resp: DnsMessage;
    if (!parsed.ok || parsed.value.questions.length !== 1) {
      // RFC 1035 §4.1.1 / RFC 6891 §7: FORMERR, question omitted when it cannot be trusted.
      resp = { id: h.id, flags: dnsFlags({ qr: true, opcode: h.opcode, rd: h.rd, rcode: RCODE.FORMERR }), questions: [], answers: [], authorities: [], additionals: [] };
      const why = parsed.ok ? `${parsed.value.questions.length} questions` : parsed.error.message;
      w.trace.emit(w.now, 'dns.drop', this.host.id, -1, -1, 0, 0, `FORMERR to ${from}: ${why}`);
    } else {
      resp = this.respond(parsed.value, from);
    }
    const maxSize = transport === 'tcp' ? 65535 : parsed.ok && parsed.value.edns ? Math.min(Math.max(parsed.value.edns.udpPayloadSize, DNS_MAX_UDP_NO_EDNS), this.opts.udpMax) : DNS_MAX_UDP_NO_EDNS;
    const q = resp.questions[0];
    w.trace.emit(w.now, 'dns.serverAnswer', this.host.id, -1, -1, resp.flags.rcode | ((resp.edns?.extendedRcode ?? 0) << 4), resp.answers.length, q ? `${questionText(q)} from ${from} (${transport.toUpperCase()})` : `from ${from}`);
    try {
      return emitDnsMessage(resp, { compress: true, maxSize });
    } catch (e) {
      w.trace.emit(w.now, 'dns.drop', this.host.id, -1, -1, 0, 0, `cannot encode the answer: ${(e as Error).message}`);
      return undefined;
    }
  }

  /** The answer to a parsed query (pure: no I/O). */
  respond(query: DnsMessage, from = ''): DnsMessage {
    const q = query.questions[0]!;
    const edns = serverEdns(query, this.opts.udpMax, from, this.host.name, this.host.world.now);
    const base = { id: query.id, questions: [q], ...(edns.edns ? { edns: edns.edns } : {}) };
    const reply = (rcode: number, answers: DnsRecord[] = [], authorities: DnsRecord[] = [], additionals: DnsRecord[] = [], aa = false): DnsMessage => ({
      ...base,
      flags: dnsFlags({ qr: true, opcode: query.flags.opcode, aa, rd: query.flags.rd, cd: query.flags.cd, rcode }),
      answers,
      authorities,
      additionals,
    });
    if (edns.badVersion) return { ...reply(0), edns: { ...edns.edns!, extendedRcode: RCODE.BADVERS >> 4 } };
    if (query.flags.opcode !== OPCODE.QUERY) return reply(RCODE.NOTIMP);
    if (q.class !== RR_CLASS.IN && q.class !== RR_CLASS.ANY) return reply(RCODE.REFUSED);
    if (q.type === RR_TYPE.OPT || q.type === 251 || q.type === 252) return reply(q.type === RR_TYPE.OPT ? RCODE.FORMERR : RCODE.NOTIMP);
    const first = this.zoneFor(q.name);
    if (!first) return reply(RCODE.REFUSED);
    return this.lookup(first, q, reply);
  }

  private lookup(zone: Zone, q: DnsQuestion, reply: (rcode: number, an?: DnsRecord[], ns?: DnsRecord[], ar?: DnsRecord[], aa?: boolean) => DnsMessage): DnsMessage {
    const answers: DnsRecord[] = [];
    let name = q.name;
    for (let hop = 0; hop <= MAX_CHAIN; hop++) {
      const step = zone.lookup(name, q.type);
      switch (step.kind) {
        case 'records':
          answers.push(...step.records);
          return reply(RCODE.NOERROR, answers, [], this.additional(answers), true);
        case 'cname': {
          answers.push(step.record);
          const target = step.record.data.type === 'CNAME' ? step.record.data.target : name;
          // In-zone chasing only (BIND/NSD/Knot): a target elsewhere is the resolver's job.
          if (!isSubdomain(target, zone.origin) || answers.length > MAX_CHAIN) return reply(RCODE.NOERROR, answers, [], [], true);
          name = target;
          continue;
        }
        case 'nodata':
          return reply(RCODE.NOERROR, answers, [zone.negativeSoa()], [], true);
        case 'nxdomain':
          // RFC 6604 §3: the RCODE describes the last name in the chain.
          return reply(RCODE.NXDOMAIN, answers, [zone.negativeSoa()], [], true);
        case 'delegation':
          // Referral (RFC 1034 §4.3.2 step 3b): not authoritative, NS + glue.
          return reply(RCODE.NOERROR, answers, step.ns, step.glue, answers.length > 0);
      }
    }
    return reply(RCODE.SERVFAIL, answers);
  }

  /** Additional-section processing (RFC 1034 §4.3.2 step 6): addresses of MX/SRV/NS targets we hold. */
  private additional(answers: readonly DnsRecord[]): DnsRecord[] {
    const out: DnsRecord[] = [];
    const seen = new Set<string>();
    for (const r of answers) {
      const d = r.data;
      const target = d.type === 'MX' ? d.exchange : d.type === 'SRV' || d.type === 'NS' ? d.target : undefined;
      if (target === undefined || seen.has(key(target))) continue;
      seen.add(key(target));
      const z = this.zoneFor(target);
      if (!z) continue;
      out.push(...z.rrset(target, RR_TYPE.A), ...z.rrset(target, RR_TYPE.AAAA));
    }
    return out;
  }
}

