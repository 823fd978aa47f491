/**
 * Serves zones from the engine's authoritative server on real sockets (node:dgram / node:net on
 * 127.0.N.1), so the REAL dig, host and nslookup can query the very bytes our commands see in
 * the simulation. Only used by tests.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { World } from '../../src/engine/net/world.ts';
import { IpNode } from '../../src/engine/stack/host.ts';
import { AuthServer } from '../../src/engine/stack/dns/auth.ts';
import { loadZone } from '../../src/engine/stack/dns/host-dns.ts';
import { serverEdns } from '../../src/engine/stack/dns/common.ts';
import { key, labelCount } from '../../src/engine/stack/dns/dname.ts';
import { dnsFlags, emitDnsMessage, parseDnsMessage } from '../../src/engine/wire/dns/message.ts';
import type { DnsMessage, DnsRecord } from '../../src/engine/wire/dns/types.ts';
import { RCODE, RR_TYPE } from '../../src/engine/wire/dns/types.ts';

export interface BridgeServer {
  readonly address: string;
  readonly zones: readonly { origin: string; file: string[] }[];
  /**
   * Answer like a recursive resolver with a cold cache: RA set, the CNAME chain followed
   * across every other server's zones, the SOA only in negative answers, no additional data
   * (what src/engine/stack/dns/recursive.ts answers on its first resolution).
   */
  readonly recursive?: boolean;
}

export interface Bridge {
  close(): Promise<void>;
}

export async function startBridge(servers: readonly BridgeServer[], port: number): Promise<Bridge> {
  const world = new World(1);
  const closers: (() => Promise<void>)[] = [];
  const auths: AuthServer[] = [];
  const handlers: ((bytes: Uint8Array, from: string, transport: 'udp' | 'tcp') => Uint8Array | undefined)[] = [];
  for (const [i, s] of servers.entries()) {
    const host = world.addNode((w, id) => new IpNode(w, id, `bridge${i}`));
    const auth = new AuthServer(host);
    for (const z of s.zones) {
      const r = loadZone(z.origin, z.file.join('\n'));
      if (!r.ok) throw new Error(r.errors.join('; '));
      auth.addZone(r.zone);
    }
    if (!s.recursive) auths.push(auth);
    handlers.push(s.recursive ? (b, from, t) => recursiveAnswer(auths, host.name, b, from, t) : (b, from, t) => auth.handle(b, from, t));
  }
  for (const [i, s] of servers.entries()) {
    const handle = handlers[i]!;
    const udp = dgram.createSocket('udp4');
    udp.on('message', (msg, rinfo) => {
      const out = handle(new Uint8Array(msg), rinfo.address, 'udp');
      if (out) udp.send(out, rinfo.port, rinfo.address);
    });
    await new Promise<void>((res) => udp.bind(port, s.address, () => res()));
    const tcp = net.createServer((c) => {
      let buf = Buffer.alloc(0);
      c.on('data', (d) => {
        buf = Buffer.concat([buf, d]);
        while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          const len = buf.readUInt16BE(0);
          const out = handle(new Uint8Array(buf.subarray(2, 2 + len)), c.remoteAddress ?? '', 'tcp');
          buf = buf.subarray(2 + len);
          if (out) {
            const hdr = Buffer.alloc(2);
            hdr.writeUInt16BE(out.length);
            c.write(Buffer.concat([hdr, Buffer.from(out)]));
          }
        }
      });
      c.on('error', () => {});
    });
    await new Promise<void>((res) => tcp.listen(port, s.address, () => res()));
    closers.push(() => new Promise<void>((res) => udp.close(() => res())), () => new Promise<void>((res) => tcp.close(() => res())));
  }
  return { close: async () => void (await Promise.all(closers.map((c) => c()))) };
}

function recursiveAnswer(auths: readonly AuthServer[], secret: string, bytes: Uint8Array, from: string, transport: 'udp' | 'tcp'): Uint8Array | undefined {
  const p = parseDnsMessage(bytes);
  if (!p.ok || p.value.questions.length !== 1) return undefined;
  const q = p.value;
  const question = q.questions[0]!;
  const answers: DnsRecord[] = [];
  let authority: DnsRecord[] = [];
  let rcode: number = RCODE.NOERROR;
  let name = question.name;
  for (let hop = 0; hop < 16; hop++) {
    let best: AuthServer | undefined;
    let depth = -1;
    for (const a of auths) {
      const z = a.zoneFor(name);
      if (z && labelCount(z.origin) > depth) {
        best = a;
        depth = labelCount(z.origin);
      }
    }
    if (!best) {
      rcode = RCODE.SERVFAIL;
      break;
    }
    const r = best.respond({ ...q, flags: dnsFlags({ rd: false }), questions: [{ ...question, name }] }, from);
    const fresh = r.answers.filter((x) => !answers.some((y) => y.name === x.name && y.type === x.type));
    answers.push(...fresh);
    const last = answers[answers.length - 1];
    const answered = answers.some((x) => x.type === question.type && key(x.name) === key(last?.name ?? ''));
    if (last && last.data.type === 'CNAME' && question.type !== RR_TYPE.CNAME && !answered && r.flags.rcode === RCODE.NOERROR && r.authorities.length === 0) {
      name = last.data.target;
      continue;
    }
    rcode = r.flags.rcode;
    authority = answered ? [] : r.authorities.filter((x) => x.type === RR_TYPE.SOA);
    break;
  }
  const e = serverEdns(q, 1232, from, secret, 0);
  const resp: DnsMessage = {
    id: q.id,
    flags: dnsFlags({ qr: true, rd: q.flags.rd, ra: true, cd: q.flags.cd, rcode }),
    questions: [question],
    answers,
    authorities: authority,
    additionals: [],
    ...(e.edns ? { edns: e.edns } : {}),
  };
  const maxSize = transport === 'tcp' ? 65535 : q.edns ? Math.min(Math.max(q.edns.udpPayloadSize, 512), 1232) : 512;
  return emitDnsMessage(resp, { maxSize });
}
