/**
 * A Deckard-style lab for resolver tests: every server on its own /24 around one router,
 * authoritative zones (our AuthServer) or scripted responders (a function from query to
 * answer, for misbehaving servers), one recursive resolver and one client with a stub.
 */
import type { ScenarioInput, TraceEvent, TraceKind } from '../../src/engine/index.ts';
import { Session } from '../../src/engine/index.ts';
import type { IpNode } from '../../src/engine/stack/host.ts';
import { hostDns, loadZone, startAuthoritative, startRecursive, stubResolver } from '../../src/engine/stack/dns/host-dns.ts';
import type { RecursiveConfig, RecursiveServer } from '../../src/engine/stack/dns/recursive.ts';
import type { StubAnswer } from '../../src/engine/stack/dns/stub.ts';
import { edgeOf } from '../../src/engine/stack/dns/common.ts';
import { dnsFlags, emitDnsMessage, parseDnsMessage } from '../../src/engine/wire/dns/message.ts';
import { exchange } from '../../src/engine/stack/dns/transport.ts';
import type { ExchangeResult } from '../../src/engine/stack/dns/transport.ts';
import type { DnsMessage } from '../../src/engine/wire/dns/types.ts';
import { RR_TYPE } from '../../src/engine/wire/dns/types.ts';
import { typeFromName } from '../../src/engine/wire/dns/format.ts';

export interface LabServer {
  readonly name: string;
  /** IPv4 address; the host gets it as /24 with the router at .254. */
  readonly addr: string;
  readonly zones?: readonly { origin: string; file: string[] }[];
  /** A scripted responder (undefined: stay silent for this query). */
  readonly script?: (q: DnsMessage) => DnsMessage | undefined;
  /** Drop every DNS packet (a silent server, like a firewall eating them). */
  readonly silent?: boolean;
  readonly delay?: string;
}

export interface Lab {
  readonly session: Session;
  readonly resolver: RecursiveServer;
  readonly client: IpNode;
  /** Index of the next trace event (to look only at what a step did). */
  mark(): number;
  /** A stub query from the client (RD=1) through the resolver; runs the simulation until answered. */
  ask(name: string, type?: string, maxNs?: number): DnsMessage;
  /** One RD=1 query from the client straight to the resolver (no stub retries), whatever the RCODE. */
  askRaw(name: string, type?: string, maxNs?: number): DnsMessage;
  events(kind: TraceKind, from?: number, node?: string): TraceEvent[];
  /** Questions the resolver sent upstream since `from`: "name TYPE to addr". */
  queries(from?: number): string[];
  advance(ns: number): void;
}

export const RESOLVER_ADDR = '10.53.0.53';
const CLIENT_ADDR = '10.10.0.10';

export function buildLab(servers: readonly LabServer[], cfg: Partial<RecursiveConfig> & Pick<RecursiveConfig, 'rootHints'>): Lab {
  const net = (a: string): string => a.split('.').slice(0, 3).join('.');
  const all = [...servers.map((s) => ({ name: s.name, addr: s.addr, delay: s.delay ?? '5ms', silent: s.silent ?? false })), { name: 'resolver', addr: RESOLVER_ADDR, delay: '1ms', silent: false }, { name: 'client', addr: CLIENT_ADDR, delay: '1ms', silent: false }];
  const sc: ScenarioInput = {
    name: 'dns-lab',
    stopTime: '600s',
    nodes: [
      { name: 'r', kind: 'router', interfaces: all.map((h, i) => ({ name: `eth${i}`, ipv4: [`${net(h.addr)}.254/24`] })) },
      ...all.map((h) => ({
        name: h.name,
        kind: 'host' as const,
        interfaces: [{ name: 'eth0', ipv4: [`${h.addr}/24`] }],
        routes: [{ to: 'default', via: `${net(h.addr)}.254` }],
        ...(h.silent ? { firewall: [{ chain: 'input' as const, match: { protocol: 'udp' as const, dstPort: 53 } }, { chain: 'input' as const, match: { protocol: 'tcp' as const, dstPort: 53 } }] } : {}),
      })),
    ],
    links: all.map((h, i) => ({ a: `r:eth${i}`, b: `${h.name}:eth0`, delay: h.delay })),
  };
  const session = new Session(sc, { skipActions: true });
  for (const s of servers) {
    const host = session.host(s.name);
    if (s.zones) {
      const zones = s.zones.map((z) => {
        const r = loadZone(z.origin, z.file.join('\n'));
        if (!r.ok) throw new Error(`${s.name} ${z.origin}: ${r.errors.join('; ')}`);
        return r.zone;
      });
      startAuthoritative(host, zones);
    } else if (s.script) {
      const script = s.script;
      const sock = host.udp.bind(53);
      sock.onMessage = (m) => {
        const p = parseDnsMessage(m.data);
        if (!p.ok) return;
        const out = script(p.value);
        if (out) sock.sendTo(edgeOf(m.from), m.fromPort, emitDnsMessage(out));
      };
    }
  }
  const resolver = startRecursive(session.host('resolver'), cfg);
  const client = session.host('client');
  hostDns(client).resolv = { ...hostDns(client).resolv, nameservers: [RESOLVER_ADDR] };
  const ev = session.world.trace.events;
  const lab: Lab = {
    session,
    resolver,
    client,
    mark: () => ev.length,
    ask(name, type = 'A', maxNs = 30e9) {
      let got: StubAnswer | undefined;
      stubResolver(client).query(name, typeFromName(type) ?? RR_TYPE.A, (r) => (got = r));
      const deadline = session.world.now + maxNs;
      while (!got && session.world.now < deadline) session.runUntil(Math.min(deadline, session.world.now + 100e6));
      if (!got) throw new Error(`no answer for ${name} ${type} within ${maxNs / 1e9} s`);
      if (!got.ok) throw new Error(`stub query failed: ${got.error}`);
      return got.msg;
    },
    askRaw(name, type = 'A', maxNs = 30e9) {
      let got: ExchangeResult | undefined;
      const q: DnsMessage = { id: 1, flags: dnsFlags({ rd: true }), questions: [{ name, type: typeFromName(type) ?? RR_TYPE.A, class: 1 }], answers: [], authorities: [], additionals: [] };
      exchange(client, q, { server: RESOLVER_ADDR, timeoutNs: maxNs }, (r) => (got = r));
      const deadline = session.world.now + maxNs + 1;
      while (!got && session.world.now < deadline) session.runUntil(Math.min(deadline, session.world.now + 100e6));
      if (!got || !got.ok) throw new Error(`no answer for ${name} ${type}`);
      return got.msg;
    },
    events(kind, from = 0, node) {
      const id = node === undefined ? undefined : session.host(node).id;
      const out: TraceEvent[] = [];
      for (let i = from; i < ev.length; i++) {
        const e = ev.get(i);
        if (e.kind === kind && (id === undefined || e.node === id)) out.push(e);
      }
      return out;
    },
    queries(from = 0) {
      return lab.events('dns.query', from, 'resolver').map((e) => e.text ?? '');
    },
    advance(ns) {
      session.runUntil(session.world.now + ns);
    },
  };
  return lab;
}

/** A zone file with the usual apex records. */
export function zone(origin: string, ns: string[], body: string[], soaTtl = 3600, minimum = 300): string[] {
  return [`$TTL 3600`, `@ ${soaTtl} IN SOA ${ns[0]} hostmaster.${origin === '.' ? 'root' : origin}. 1 3600 900 604800 ${minimum}`, ...ns.map((n) => `@ IN NS ${n}`), ...body];
}
