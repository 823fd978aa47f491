/**
 * The authoritative server (RFC 1034 §4.3.2): answers, referrals, negative answers, EDNS(0)
 * (RFC 6891), truncation, and robustness: malformed queries get FORMERR and never crash it.
 * Answers are cross-checked with the npm `dns-packet` decoder (ORACLES.md §4).
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { World } from '../../src/engine/net/world.ts';
import { IpNode } from '../../src/engine/stack/host.ts';
import { AuthServer } from '../../src/engine/stack/dns/auth.ts';
import { loadZone } from '../../src/engine/stack/dns/host-dns.ts';
import { dnsFlags, emitDnsMessage, parseDnsMessage } from '../../src/engine/wire/dns/message.ts';
import { formatRecord } from '../../src/engine/wire/dns/format.ts';
import { EDNS_OPTION } from '../../src/engine/wire/dns/edns.ts';
import type { DnsMessage, Edns } from '../../src/engine/wire/dns/types.ts';
import { OPCODE, RCODE, RR_TYPE } from '../../src/engine/wire/dns/types.ts';
import { RandomStream } from '../../src/engine/sim/rng.ts';

const dnsPacket = createRequire(import.meta.url)('dns-packet') as { decode(b: Uint8Array): { id: number; flags: number; rcode: string; answers: { name: string; type: string; ttl: number; data: unknown }[]; authorities: { name: string; type: string }[]; additionals: { name: string; type: string }[] } };

const ZONES: Record<string, string[]> = {
  'example.com': [
    '$TTL 3600',
    '@ IN SOA ns1.example.com. hostmaster.example.com. 7 7200 3600 1209600 300',
    '@ IN NS ns1.example.com.',
    '@ IN MX 10 mail.example.com.',
    'ns1 IN A 192.0.2.1',
    'mail IN A 192.0.2.25',
    'www 300 IN CNAME web.example.com.',
    'web IN A 192.0.2.80',
    'out IN CNAME www.example.net.',
    'chain1 IN CNAME chain2',
    'chain2 IN CNAME web',
    '*.wild IN A 192.0.2.99',
    'a.b.deep IN A 192.0.2.7',
    'sub IN NS ns.sub.example.com.',
    'sub IN NS ns.elsewhere.net.',
    'ns.sub IN A 192.0.2.53',
    'big IN TXT "' + 'x'.repeat(250) + '"',
    'big IN TXT "' + 'y'.repeat(250) + '"',
    'big IN TXT "' + 'z'.repeat(250) + '"',
  ],
  'sub.example.com': ['$TTL 60', '@ IN SOA ns.sub.example.com. h.example.com. 1 60 60 60 30', '@ IN NS ns.sub.example.com.', 'ns IN A 192.0.2.53', 'x IN A 192.0.2.54'],
};

function server(zones = ZONES): AuthServer {
  const w = new World(1);
  const host = w.addNode((world, id) => new IpNode(world, id, 'ns'));
  const s = new AuthServer(host);
  for (const [origin, file] of Object.entries(zones)) {
    const r = loadZone(origin, file.join('\n'));
    if (!r.ok) throw new Error(r.errors.join('; '));
    s.addZone(r.zone);
  }
  return s;
}

function query(name: string, type: number, opts: { rd?: boolean; edns?: Partial<Edns> | false; opcode?: number } = {}): DnsMessage {
  const edns = opts.edns === false || opts.edns === undefined ? undefined : { udpPayloadSize: 1232, extendedRcode: 0, version: 0, dnssecOk: false, options: [], ...opts.edns };
  return { id: 4242, flags: dnsFlags({ rd: opts.rd ?? false, opcode: opts.opcode ?? OPCODE.QUERY }), questions: [{ name, type, class: 1 }], answers: [], authorities: [], additionals: [], ...(edns ? { edns } : {}) };
}

/** Sends through the wire path (bytes in, bytes out) and parses the answer. */
function ask(s: AuthServer, q: DnsMessage, transport: 'udp' | 'tcp' = 'udp'): { m: DnsMessage; bytes: Uint8Array } {
  const bytes = s.handle(emitDnsMessage(q), '192.0.2.200', transport)!;
  const p = parseDnsMessage(bytes);
  if (!p.ok) throw new Error(p.error.message);
  return { m: p.value, bytes };
}

describe('authoritative answers (RFC 1034 §4.3.2)', () => {
  const s = server();

  it('an authoritative answer sets AA, echoes RD, adds addresses of MX targets', () => {
    const { m } = ask(s, query('example.com', RR_TYPE.MX, { rd: true }));
    expect(m.flags).toMatchObject({ qr: true, aa: true, rd: true, ra: false, rcode: RCODE.NOERROR });
    expect(m.answers.map(formatRecord)).toEqual(['example.com.\t\t3600\tIN\tMX\t10 mail.example.com.']);
    expect(m.additionals.map(formatRecord)).toEqual(['mail.example.com.\t3600\tIN\tA\t192.0.2.25']);
  });

  it('CNAMEs are chased inside the zone; a target elsewhere ends the answer', () => {
    expect(ask(s, query('chain1.example.com', RR_TYPE.A)).m.answers.map((r) => r.name)).toEqual(['chain1.example.com', 'chain2.example.com', 'web.example.com']);
    const out = ask(s, query('out.example.com', RR_TYPE.A)).m;
    expect(out.flags.rcode).toBe(RCODE.NOERROR);
    expect(out.answers.map((r) => r.type)).toEqual([RR_TYPE.CNAME]);
  });

  it('a CNAME query returns the CNAME itself', () => {
    expect(ask(s, query('www.example.com', RR_TYPE.CNAME)).m.answers.map((r) => r.type)).toEqual([RR_TYPE.CNAME]);
  });

  it('referral at a zone cut: NS in authority, in-zone glue in additional, AA clear', () => {
    const plain = server({ 'example.com': ZONES['example.com']! });
    const { m } = ask(plain, query('x.sub.example.com', RR_TYPE.A));
    expect(m.flags.aa).toBe(false);
    expect(m.answers).toEqual([]);
    expect(m.authorities.map((r) => `${r.name} ${r.type}`)).toEqual(['sub.example.com 2', 'sub.example.com 2']);
    expect(m.additionals.map(formatRecord)).toEqual(['ns.sub.example.com.\t3600\tIN\tA\t192.0.2.53']);
  });

  it('a server that also holds the child zone answers from the child (nearest zone)', () => {
    const { m } = ask(s, query('x.sub.example.com', RR_TYPE.A));
    expect(m.flags.aa).toBe(true);
    expect(m.answers.map(formatRecord)).toEqual(['x.sub.example.com.\t60\tIN\tA\t192.0.2.54']);
  });

  it('NXDOMAIN and NODATA carry the SOA with TTL min(SOA TTL, MINIMUM) (RFC 2308 §3)', () => {
    const nx = ask(s, query('nope.example.com', RR_TYPE.A)).m;
    expect(nx.flags.rcode).toBe(RCODE.NXDOMAIN);
    expect(nx.flags.aa).toBe(true);
    expect(nx.authorities.map((r) => [r.type, r.ttl])).toEqual([[RR_TYPE.SOA, 300]]);
    const nodata = ask(s, query('web.example.com', RR_TYPE.AAAA)).m;
    expect(nodata.flags.rcode).toBe(RCODE.NOERROR);
    expect(nodata.answers).toEqual([]);
    expect(nodata.authorities.map((r) => r.type)).toEqual([RR_TYPE.SOA]);
  });

  it('empty non-terminals exist (NODATA, not NXDOMAIN; RFC 8020)', () => {
    expect(ask(s, query('b.deep.example.com', RR_TYPE.A)).m.flags.rcode).toBe(RCODE.NOERROR);
  });

  it('wildcards synthesise records owned by the query name (RFC 4592)', () => {
    const { m } = ask(s, query('anything.wild.example.com', RR_TYPE.A));
    expect(m.answers.map(formatRecord)).toEqual(['anything.wild.example.com. 3600\tIN\tA\t192.0.2.99']);
  });

  it('names outside its zones are REFUSED; other opcodes get NOTIMP; CH class is REFUSED', () => {
    expect(ask(s, query('www.example.org', RR_TYPE.A)).m.flags.rcode).toBe(RCODE.REFUSED);
    expect(ask(s, query('example.com', RR_TYPE.SOA, { opcode: OPCODE.NOTIFY })).m.flags.rcode).toBe(RCODE.NOTIMP);
    expect(ask(s, { ...query('version.bind', RR_TYPE.TXT), questions: [{ name: 'version.bind', type: RR_TYPE.TXT, class: 3 }] }).m.flags.rcode).toBe(RCODE.REFUSED);
  });
});

describe('EDNS(0) and truncation (RFC 6891, RFC 1035 §4.2.1)', () => {
  const s = server();

  it('echoes OPT with its own payload size, copies DO, answers the COOKIE (RFC 7873)', () => {
    const client = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const { m } = ask(s, query('web.example.com', RR_TYPE.A, { edns: { udpPayloadSize: 4096, dnssecOk: true, options: [{ code: EDNS_OPTION.COOKIE, data: client }] } }));
    expect(m.edns).toMatchObject({ udpPayloadSize: 1232, version: 0, dnssecOk: true });
    const cookie = m.edns!.options.find((o) => o.code === EDNS_OPTION.COOKIE)!;
    expect([...cookie.data.slice(0, 8)]).toEqual([...client]);
    expect(cookie.data.length).toBe(24);
  });

  it('no OPT in the query, none in the answer', () => {
    expect(ask(s, query('web.example.com', RR_TYPE.A)).m.edns).toBeUndefined();
  });

  it('EDNS version 1 gets BADVERS (RFC 6891 §6.1.3)', () => {
    const { m } = ask(s, query('web.example.com', RR_TYPE.A, { edns: { version: 1 } }));
    expect((m.edns!.extendedRcode << 4) | m.flags.rcode).toBe(RCODE.BADVERS);
    expect(m.answers).toEqual([]);
  });

  it('an answer over 512 octets without EDNS is truncated with TC=1; with EDNS 1232 it fits', () => {
    const plain = ask(s, query('big.example.com', RR_TYPE.TXT));
    expect(plain.bytes.length).toBeLessThanOrEqual(512);
    expect(plain.m.flags.tc).toBe(true);
    const edns = ask(s, query('big.example.com', RR_TYPE.TXT, { edns: {} }));
    expect(edns.m.flags.tc).toBe(false);
    expect(edns.m.answers.length).toBe(3);
    expect(edns.bytes.length).toBeGreaterThan(512);
  });

  it('the requester’s smaller payload size is honoured (600 → TC), and 512 is the floor', () => {
    expect(ask(s, query('big.example.com', RR_TYPE.TXT, { edns: { udpPayloadSize: 600 } })).m.flags.tc).toBe(true);
    const tiny = ask(s, query('web.example.com', RR_TYPE.A, { edns: { udpPayloadSize: 100 } }));
    expect(tiny.m.flags.tc).toBe(false);
  });

  it('over TCP nothing is truncated', () => {
    const { m } = ask(s, query('big.example.com', RR_TYPE.TXT), 'tcp');
    expect(m.flags.tc).toBe(false);
    expect(m.answers.length).toBe(3);
  });
});

describe('robustness: malformed queries get FORMERR, never a crash', () => {
  const s = server();

  it('garbage after a valid header → FORMERR with the same ID and no question', () => {
    const b = new Uint8Array(20);
    b.set([0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0xc0, 0xff, 0xff]);
    const out = s.handle(b, '192.0.2.9', 'udp')!;
    const m = parseDnsMessage(out);
    expect(m.ok && m.value).toMatchObject({ id: 0x1234, flags: { qr: true, rcode: RCODE.FORMERR, rd: true }, questions: [] });
  });

  it('two questions → FORMERR; a response sent to the server and a runt are ignored', () => {
    const two = { ...query('web.example.com', RR_TYPE.A), questions: [{ name: 'a.example.com', type: 1, class: 1 }, { name: 'b.example.com', type: 1, class: 1 }] };
    const out = parseDnsMessage(s.handle(emitDnsMessage(two), '192.0.2.9', 'udp')!);
    expect(out.ok && out.value.flags.rcode).toBe(RCODE.FORMERR);
    expect(s.handle(emitDnsMessage({ ...query('web.example.com', 1), flags: dnsFlags({ qr: true }) }), '192.0.2.9', 'udp')).toBeUndefined();
    expect(s.handle(new Uint8Array(5), '192.0.2.9', 'udp')).toBeUndefined();
  });

  it('a question cut short → FORMERR', () => {
    const full = emitDnsMessage(query('web.example.com', RR_TYPE.A));
    const out = parseDnsMessage(s.handle(full.slice(0, full.length - 3), '192.0.2.9', 'udp')!);
    expect(out.ok && out.value.flags.rcode).toBe(RCODE.FORMERR);
  });

  it('2000 random and mutated packets: every answer parses, nothing throws', () => {
    const rng = new RandomStream(7, 'dns-fuzz');
    const seed = emitDnsMessage(query('chain1.example.com', RR_TYPE.A, { edns: { options: [{ code: EDNS_OPTION.COOKIE, data: new Uint8Array(8) }] } }));
    for (let i = 0; i < 2000; i++) {
      let b: Uint8Array;
      if (i % 2 === 0) {
        b = new Uint8Array(rng.int(0, 80)).map(() => rng.int(0, 255));
      } else {
        b = seed.slice(0, rng.int(0, seed.length));
        for (let k = 0; k < 3; k++) if (b.length) b[rng.int(0, b.length - 1)] = rng.int(0, 255);
        if (b.length > 2) b[2] = b[2]! & 0x7f; // keep it a query
      }
      const out = s.handle(b, '192.0.2.9', 'udp');
      if (out) expect(parseDnsMessage(out).ok).toBe(true);
    }
  });
});

describe('cross-check with dns-packet (ORACLES.md §4)', () => {
  const s = server();
  for (const [name, type] of [['example.com', RR_TYPE.MX], ['chain1.example.com', RR_TYPE.A], ['nope.example.com', RR_TYPE.A], ['big.example.com', RR_TYPE.TXT]] as const) {
    it(`${name} ${type}: dns-packet decodes our answer to the same records`, () => {
      const { m, bytes } = ask(s, query(name, type, { edns: {} }));
      const d = dnsPacket.decode(Buffer.from(bytes));
      expect(d.id).toBe(m.id);
      expect(d.rcode).toBe(['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN'][m.flags.rcode]);
      expect(d.answers.map((r) => [r.name, r.type, r.ttl])).toEqual(m.answers.map((r) => [r.name, { 1: 'A', 5: 'CNAME', 15: 'MX', 16: 'TXT' }[r.type], r.ttl]));
      expect(d.authorities.length).toBe(m.authorities.length);
      expect(d.additionals.filter((r) => r.type !== 'OPT').length).toBe(m.additionals.length);
    });
  }
});
