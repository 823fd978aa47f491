/**
 * Deckard-style resolver scenarios (ORACLES.md §6): scripted authoritative servers, a question
 * from a stub, and the expected answer, flags, cache behaviour and upstream queries. Each
 * scenario states the RFC behaviour it checks.
 */
import { describe, expect, it } from 'vitest';
import type { DnsMessage } from '../../src/engine/wire/dns/types.ts';
import { RCODE, RR_TYPE } from '../../src/engine/wire/dns/types.ts';
import { dnsFlags } from '../../src/engine/wire/dns/message.ts';
import { formatRecord } from '../../src/engine/wire/dns/format.ts';
import type { LabServer } from './lab.ts';
import { buildLab, zone } from './lab.ts';

const HINTS = [{ name: 'a.root-servers.net', address: '10.1.0.1' }];

function root(extra: string[] = []): LabServer {
  return {
    name: 'root',
    addr: '10.1.0.1',
    zones: [
      {
        origin: '.',
        file: zone('.', ['a.root-servers.net.'], [
          'a.root-servers.net. IN A 10.1.0.1',
          'com. 172800 IN NS a.gtld-servers.net.',
          'net. 172800 IN NS a.gtld-servers.net.',
          'a.gtld-servers.net. 172800 IN A 10.2.0.1',
          'org. 172800 IN NS a0.nic.org.',
          'a0.nic.org. 172800 IN A 10.3.0.1',
          ...extra,
        ], 86400, 86400),
      },
    ],
  };
}

const DELEGATION = ['example.com. IN NS ns1.example.com.', 'ns1.example.com. IN A 10.4.0.1'];

/** .com and .net; `delegation` replaces the example.com NS records and glue in .com. */
function gtld(delegation = DELEGATION, netExtra: string[] = []): LabServer {
  return {
    name: 'gtld',
    addr: '10.2.0.1',
    zones: [
      { origin: 'com', file: zone('com', ['a.gtld-servers.net.'], delegation, 900, 900) },
      { origin: 'net', file: zone('net', ['a.gtld-servers.net.'], ['a.gtld-servers.net. IN A 10.2.0.1', 'example.net. IN NS ns.example.net.', 'ns.example.net. IN A 10.5.0.1', ...netExtra], 900, 900) },
    ],
  };
}

const exampleCom = (extra: string[] = [], ns = ['ns1.example.com.']): { origin: string; file: string[] } => ({
  origin: 'example.com',
  file: zone('example.com', ns, ['ns1 IN A 10.4.0.1', 'www 300 IN A 192.0.2.80', 'alias IN CNAME target.example.net.', 'mail IN MX 10 www.example.com.', ...extra]),
});

function ns1(extra: string[] = [], nsNames?: string[]): LabServer {
  return { name: 'ns1', addr: '10.4.0.1', zones: [exampleCom(extra, nsNames)] };
}

function nsNet(): LabServer {
  return {
    name: 'nsnet',
    addr: '10.5.0.1',
    zones: [
      { origin: 'example.net', file: zone('example.net', ['ns.example.net.'], ['ns IN A 10.5.0.1', 'target IN A 192.0.2.99']) },
      { origin: 'example.org', file: zone('example.org', ['ns.example.net.'], ['@ IN A 192.0.2.77']) },
    ],
  };
}

const org: LabServer = { name: 'org', addr: '10.3.0.1', zones: [{ origin: 'org', file: zone('org', ['a0.nic.org.'], ['a0.nic.org. IN A 10.3.0.1', 'example.org. IN NS ns.example.net.'], 900, 900) }] };

const answers = (m: DnsMessage): string[] => m.answers.map(formatRecord);

describe('iterative resolution (RFC 1034 §5.3.3)', () => {
  it('plain referral chain: priming, root → com → example.com; RA set, not authoritative', () => {
    const lab = buildLab([root(), gtld(), ns1()], { rootHints: HINTS });
    const m = lab.ask('www.example.com');
    expect(m.flags.rcode).toBe(RCODE.NOERROR);
    expect(m.flags.ra).toBe(true);
    expect(m.flags.aa).toBe(false);
    expect(answers(m)).toEqual(['www.example.com.\t300\tIN\tA\t192.0.2.80']);
    // RFC 8109 priming first, then one query per zone, each with RD=0 to the right server.
    expect(lab.queries()).toEqual(['. NS to 10.1.0.1', 'www.example.com A to 10.1.0.1', 'www.example.com A to 10.2.0.1', 'www.example.com A to 10.4.0.1']);
    expect(lab.events('dns.referral', 0, 'resolver').map((e) => e.text?.split(' ')[0])).toEqual(['com', 'example.com']);
  });

  it('glue from a referral is used: the name server’s address is not looked up separately', () => {
    const lab = buildLab([root(), gtld(), ns1()], { rootHints: HINTS });
    lab.ask('www.example.com');
    expect(lab.queries().some((q) => q.startsWith('ns1.example.com'))).toBe(false);
    const ref = lab.events('dns.referral', 0, 'resolver').find((e) => e.text?.startsWith('example.com'))!;
    expect(ref.b).toBe(1); // one glue record kept
  });

  it('missing glue: the out-of-bailiwick NS name is resolved first (ns.example.net for example.org)', () => {
    const lab = buildLab([root(), gtld(), nsNet(), org], { rootHints: HINTS });
    const m = lab.ask('example.org');
    expect(answers(m)).toEqual(['example.org.\t\t3600\tIN\tA\t192.0.2.77']);
    const q = lab.queries();
    const nsLookup = q.indexOf('ns.example.net A to 10.1.0.1');
    expect(nsLookup).toBeGreaterThan(q.indexOf('example.org A to 10.3.0.1'));
    expect(q.indexOf('example.org A to 10.5.0.1')).toBeGreaterThan(nsLookup);
  });

  it('CNAME into another zone is chased there; the answer carries the whole chain', () => {
    const lab = buildLab([root(), gtld(), ns1(), nsNet()], { rootHints: HINTS });
    const m = lab.ask('alias.example.com');
    expect(answers(m)).toEqual(['alias.example.com.\t3600\tIN\tCNAME\ttarget.example.net.', 'target.example.net.\t3600\tIN\tA\t192.0.2.99']);
    expect(lab.queries()).toContain('target.example.net A to 10.5.0.1');
  });

  it('NXDOMAIN carries the SOA, its TTL min(SOA TTL, MINIMUM) (RFC 2308 §3)', () => {
    const lab = buildLab([root(), gtld(), ns1()], { rootHints: HINTS });
    const m = lab.ask('nosuch.example.com');
    expect(m.flags.rcode).toBe(RCODE.NXDOMAIN);
    expect(m.answers).toEqual([]);
    expect(m.authorities.map(formatRecord)).toEqual(['example.com.\t\t300\tIN\tSOA\tns1.example.com. hostmaster.example.com. 1 3600 900 604800 300']);
  });

  it('NODATA: NOERROR, no answer, the SOA in the authority section (RFC 2308 §2.2)', () => {
    const lab = buildLab([root(), gtld(), ns1()], { rootHints: HINTS });
    const m = lab.ask('www.example.com', 'AAAA');
    expect(m.flags.rcode).toBe(RCODE.NOERROR);
    expect(m.answers).toEqual([]);
    expect(m.authorities[0]?.type).toBe(RR_TYPE.SOA);
  });
});

describe('caching (RFC 1035 §7.4, RFC 2308 §5)', () => {
  it('negative caching: the second NXDOMAIN comes from the cache, no packet sent upstream, TTL counted down', () => {
    const lab = buildLab([root(), gtld(), ns1()], { rootHints: HINTS });
    lab.ask('nosuch.example.com');
    lab.advance(10e9);
    const from = lab.mark();
    const m = lab.ask('nosuch.example.com');
    expect(m.flags.rcode).toBe(RCODE.NXDOMAIN);
    expect(lab.queries(from)).toEqual([]);
    expect(lab.events('dns.cacheHit', from, 'resolver').map((e) => e.b)).toEqual([1]);
    expect(m.authorities[0]!.ttl).toBeGreaterThanOrEqual(289);
    expect(m.authorities[0]!.ttl).toBeLessThanOrEqual(290);
  });

  it('positive answers count down, then expire: after the TTL the resolver asks again', () => {
    const lab = buildLab([root(), gtld(), ns1()], { rootHints: HINTS });
    lab.ask('www.example.com');
    lab.advance(100e9);
    let from = lab.mark();
    const cached = lab.ask('www.example.com');
    expect(lab.queries(from)).toEqual([]);
    expect(cached.answers[0]!.ttl).toBe(200);
    lab.advance(201e9);
    from = lab.mark();
    const fresh = lab.ask('www.example.com');
    // Only the zone's own server is asked: the NS sets and glue are still cached.
    expect(lab.queries(from)).toEqual(['www.example.com A to 10.4.0.1']);
    expect(fresh.answers[0]!.ttl).toBe(300);
  });

  it('referral NS sets and glue are not handed out as answers (RFC 2181 §5.4.1)', () => {
    const lab = buildLab([root(), gtld(), ns1()], { rootHints: HINTS });
    lab.ask('www.example.com');
    const from = lab.mark();
    const m = lab.ask('example.com', 'NS');
    expect(lab.queries(from)).toEqual(['example.com NS to 10.4.0.1']);
    expect(m.answers.map((r) => r.type)).toEqual([RR_TYPE.NS]);
  });

  it('bailiwick: out-of-zone data in a referral is not cached (no poisoning of other zones)', () => {
    const evil: LabServer = {
      name: 'gtld',
      addr: '10.2.0.1',
      script: (q) => ({
        id: q.id,
        flags: dnsFlags({ qr: true }),
        questions: q.questions,
        answers: [],
        authorities: [{ name: 'example.com', type: RR_TYPE.NS, class: 1, ttl: 172800, data: { type: 'NS', target: 'ns1.example.com' } }],
        additionals: [
          { name: 'ns1.example.com', type: RR_TYPE.A, class: 1, ttl: 172800, data: { type: 'A', address: '10.4.0.1' } },
          { name: 'www.example.org', type: RR_TYPE.A, class: 1, ttl: 172800, data: { type: 'A', address: '6.6.6.6' } },
        ],
      }),
    };
    const lab = buildLab([root(), evil, ns1(), nsNet(), org], { rootHints: HINTS });
    expect(answers(lab.ask('www.example.com'))).toEqual(['www.example.com.\t300\tIN\tA\t192.0.2.80']);
    const cached = lab.resolver.cache.dump().flatMap((e) => e.records.map((r) => r.name));
    expect(cached).toContain('ns1.example.com');
    expect(cached).not.toContain('www.example.org');
  });
});

describe('server selection and fallback', () => {
  it('lame delegation: the first NS refuses (REFUSED), the next one answers', () => {
    const lame: LabServer = { name: 'lame', addr: '10.6.0.1', zones: [{ origin: 'example.net', file: zone('example.net', ['ns.example.net.'], []) }] };
    const lab = buildLab([root(), gtld(['example.com. IN NS lame.example.com.', 'lame.example.com. IN A 10.6.0.1', ...DELEGATION]), ns1([], ['lame.example.com.', 'ns1.example.com.']), lame], { rootHints: HINTS });
    const m = lab.ask('www.example.com');
    expect(answers(m)).toEqual(['www.example.com.\t300\tIN\tA\t192.0.2.80']);
    const lameEv = lab.events('dns.lame', 0, 'resolver');
    expect(lameEv.length).toBe(1);
    expect(lameEv[0]!.a).toBe(RCODE.REFUSED);
    const q = lab.queries();
    expect(q.indexOf('www.example.com A to 10.4.0.1')).toBeGreaterThan(q.indexOf('www.example.com A to 10.6.0.1'));
  });

  it('silent server: after the per-server timeout (800 ms) the next NS is tried', () => {
    const silent: LabServer = { name: 'silent', addr: '10.6.0.1', silent: true };
    const lab = buildLab([root(), gtld(['example.com. IN NS dead.example.com.', 'dead.example.com. IN A 10.6.0.1', ...DELEGATION]), ns1(), silent], { rootHints: HINTS });
    const t0 = lab.session.world.now;
    const m = lab.ask('www.example.com');
    const took = lab.session.world.now - t0;
    expect(answers(m)).toEqual(['www.example.com.\t300\tIN\tA\t192.0.2.80']);
    const timeouts = lab.events('dns.timeout', 0, 'resolver');
    expect(timeouts.map((e) => e.a)).toEqual([800]);
    expect(took).toBeGreaterThan(800e6);
    expect(took).toBeLessThan(1200e6);
    // The silent server is held down: the next question goes straight to the good one.
    const from = lab.mark();
    lab.ask('mail.example.com', 'MX');
    expect(lab.queries(from)).toEqual(['mail.example.com MX to 10.4.0.1']);
  });

  it('an upward referral (a server that is not authoritative) is lame, the next server answers', () => {
    const upward: LabServer = { name: 'up', addr: '10.6.0.1', zones: root().zones! };
    const lab = buildLab([root(), gtld(['example.com. IN NS up.example.com.', 'up.example.com. IN A 10.6.0.1', ...DELEGATION]), ns1(), upward], { rootHints: HINTS });
    expect(answers(lab.ask('www.example.com'))).toEqual(['www.example.com.\t300\tIN\tA\t192.0.2.80']);
    expect(lab.events('dns.lame', 0, 'resolver')[0]?.text).toMatch(/upward or sideways referral/);
  });

  it('all servers dead: SERVFAIL to the client', () => {
    const silent: LabServer = { name: 'silent', addr: '10.4.0.1', silent: true };
    const lab = buildLab([root(), gtld(), silent], { rootHints: HINTS });
    const m = lab.askRaw('www.example.com', 'A', 60e9);
    expect(m.flags.rcode).toBe(RCODE.SERVFAIL);
    expect(lab.events('dns.timeout', 0, 'resolver').map((e) => e.a)).toEqual([800, 1600]);
  });
});

describe('transport: truncation, TCP and EDNS(0)', () => {
  const big = ['big IN TXT "' + 'a'.repeat(200) + '"', 'big IN TXT "' + 'b'.repeat(200) + '"', 'big IN TXT "' + 'c'.repeat(200) + '"'];

  it('TC=1 over UDP → the resolver retries the same server over TCP (RFC 7766 §5)', () => {
    const lab = buildLab([root(), gtld(), ns1(big)], { rootHints: HINTS, ednsBufferSize: 0 });
    const m = lab.ask('big.example.com', 'TXT');
    expect(m.answers.length).toBe(3);
    expect(lab.events('dns.truncated', 0, 'resolver').length).toBe(1);
    const tcp = lab.events('dns.query', 0, 'resolver').filter((e) => e.b === 1);
    expect(tcp.map((e) => e.text)).toEqual(['big.example.com TXT to 10.4.0.1']);
  });

  it('EDNS buffer 1232: the same answer fits in one UDP datagram, no TCP', () => {
    const lab = buildLab([root(), gtld(), ns1(big)], { rootHints: HINTS });
    const m = lab.ask('big.example.com', 'TXT');
    expect(m.answers.length).toBe(3);
    expect(lab.events('dns.truncated', 0, 'resolver')).toEqual([]);
    expect(lab.events('dns.query', 0, 'resolver').filter((e) => e.b === 1)).toEqual([]);
  });

  it('the stub without EDNS gets TC=1 from the resolver (512 octets) and retries over TCP', () => {
    const lab = buildLab([root(), gtld(), ns1(big)], { rootHints: HINTS });
    const m = lab.ask('big.example.com', 'TXT');
    expect(m.answers.length).toBe(3);
    const clientTcp = lab.events('dns.query', 0, 'client').filter((e) => e.b === 1);
    expect(clientTcp.length).toBe(1);
  });
});

describe('QNAME minimisation (RFC 9156)', () => {
  it('the root sees only "com", the TLD only "example.com"; the full name goes to the zone’s server', () => {
    const lab = buildLab([root(), gtld(), ns1()], { rootHints: HINTS, qnameMinimisation: true });
    const m = lab.ask('www.example.com');
    expect(answers(m)).toEqual(['www.example.com.\t300\tIN\tA\t192.0.2.80']);
    expect(lab.queries()).toEqual(['. NS to 10.1.0.1', 'com A to 10.1.0.1', 'example.com A to 10.2.0.1', 'www.example.com A to 10.4.0.1']);
  });

  it('without minimisation every server sees the full name', () => {
    const lab = buildLab([root(), gtld(), ns1()], { rootHints: HINTS });
    lab.ask('www.example.com');
    expect(lab.queries().slice(1).every((q) => q.startsWith('www.example.com A'))).toBe(true);
  });

  it('a deep name inside one zone: one more label per query until the answer (empty non-terminals exist)', () => {
    const lab = buildLab([root(), gtld(), ns1(['a.b.c 60 IN A 192.0.2.5'])], { rootHints: HINTS, qnameMinimisation: true });
    expect(answers(lab.ask('a.b.c.example.com'))).toEqual(['a.b.c.example.com.\t60\tIN\tA\t192.0.2.5']);
    expect(lab.queries().filter((q) => q.endsWith('10.4.0.1'))).toEqual(['c.example.com A to 10.4.0.1', 'b.c.example.com A to 10.4.0.1', 'a.b.c.example.com A to 10.4.0.1']);
  });

  it('NXDOMAIN for a minimised name ends the resolution (RFC 8020)', () => {
    const lab = buildLab([root(), gtld(), ns1()], { rootHints: HINTS, qnameMinimisation: true });
    const m = lab.ask('x.y.nosuch.example.com');
    expect(m.flags.rcode).toBe(RCODE.NXDOMAIN);
    expect(lab.queries().filter((q) => q.endsWith('10.4.0.1'))).toEqual(['nosuch.example.com A to 10.4.0.1']);
  });
});
