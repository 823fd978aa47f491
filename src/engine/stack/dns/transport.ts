/**
 * The client side of one DNS exchange: a query over UDP from a fresh ephemeral port (RFC 5452
 * §9.2: random ID and port) or over TCP (RFC 7766), with a timeout. Answers are only accepted
 * from the address and port queried, with the query's ID and question (RFC 5452 §9.1); other
 * datagrams are ignored and traced. ICMP port unreachable ends the exchange as "refused".
 */
import type { DnsMessage } from '../../wire/dns/types.ts';
import { emitDnsMessage, parseDnsMessage } from '../../wire/dns/message.ts';
import { IPPROTO } from '../../wire/ipv4.ts';
import type { IpNode } from '../host.ts';
import type { EventHandle } from '../../sim/scheduler.ts';
import { DnsTcpReassembler, frameTcpDns } from '../../wire/dns/tcp.ts';
import { edgeOf, questionText } from './common.ts';
import { key } from './dname.ts';

export interface ExchangeOptions {
  readonly server: string;
  readonly port?: number;
  readonly tcp?: boolean;
  readonly timeoutNs: number;
}

export type ExchangeResult =
  | { readonly ok: true; readonly msg: DnsMessage; readonly size: number; readonly rttNs: number; readonly transport: 'udp' | 'tcp'; readonly querySize: number }
  | { readonly ok: false; readonly error: 'timeout' | 'refused' | 'unreachable' | 'reset'; readonly transport: 'udp' | 'tcp' };

export interface Exchange {
  cancel(): void;
}

/** A fresh message ID from the host's seeded stream. */
export function newQueryId(host: IpNode): number {
  return host.world.rng.stream(`host:${host.name}:dns-id`).int(0, 0xffff);
}

function matches(q: DnsMessage, r: DnsMessage): boolean {
  if (r.id !== q.id || !r.flags.qr) return false;
  const a = q.questions[0];
  const b = r.questions[0];
  // A FORMERR/NOTIMP answer may omit the question (RFC 1035 §4.1.1, RFC 6891 §7).
  if (!b) return r.questions.length === 0 && r.flags.rcode !== 0;
  return !!a && a.type === b.type && a.class === b.class && key(a.name) === key(b.name);
}

/** Sends `query` and calls `done` once with the answer or the failure. */
export function exchange(host: IpNode, query: DnsMessage, opts: ExchangeOptions, done: (r: ExchangeResult) => void): Exchange {
  return opts.tcp ? exchangeTcp(host, query, opts, done) : exchangeUdp(host, query, opts, done);
}

function exchangeUdp(host: IpNode, query: DnsMessage, opts: ExchangeOptions, done: (r: ExchangeResult) => void): Exchange {
  const w = host.world;
  const port = opts.port ?? 53;
  const bytes = emitDnsMessage(query);
  const qtext = query.questions[0] ? questionText(query.questions[0]) : '(no question)';
  const sock = host.udp.bind();
  let finished = false;
  let timer: EventHandle | null = null;
  const start = w.now;
  const finish = (r: ExchangeResult): void => {
    if (finished) return;
    finished = true;
    w.sched.cancel(timer);
    unlisten();
    sock.close();
    done(r);
  };
  const unlisten = host.onIcmp((e) => {
    const q = e.quoted;
    if (!q || q.protocol !== IPPROTO.UDP || q.srcPort !== sock.port || q.dstPort !== port) return;
    const unreach = (!e.v6 && e.type === 3) || (e.v6 && e.type === 1);
    if (!unreach) return;
    const refused = (!e.v6 && e.code === 3) || (e.v6 && e.code === 4);
    finish({ ok: false, error: refused ? 'refused' : 'unreachable', transport: 'udp' });
  });
  sock.onMessage = (m) => {
    if (m.from !== opts.server || m.fromPort !== port) {
      w.trace.emit(w.now, 'dns.drop', host.id, -1, -1, 0, 0, `answer from unexpected source ${m.from}#${m.fromPort} (RFC 5452)`);
      return;
    }
    const p = parseDnsMessage(m.data);
    if (!p.ok) {
      w.trace.emit(w.now, 'dns.drop', host.id, -1, -1, 0, 0, `malformed answer from ${m.from}: ${p.error.message}`);
      return;
    }
    if (!matches(query, p.value)) {
      w.trace.emit(w.now, 'dns.drop', host.id, -1, -1, p.value.id, 0, `answer from ${m.from} does not match the query (ID or question)`);
      return;
    }
    w.trace.emit(w.now, 'dns.response', host.id, -1, -1, p.value.id, p.value.flags.rcode, `${qtext} from ${opts.server}`);
    finish({ ok: true, msg: p.value, size: m.data.length, rttNs: w.now - start, transport: 'udp', querySize: bytes.length });
  };
  w.trace.emit(w.now, 'dns.query', host.id, -1, -1, query.id, 0, `${qtext} to ${opts.server}`);
  const r = sock.sendTo(edgeOf(opts.server), port, bytes);
  if (!r.ok) {
    // Report asynchronously, like a socket error, so callers never re-enter themselves.
    timer = w.sched.after(0, () => finish({ ok: false, error: 'unreachable', transport: 'udp' }));
  } else {
    timer = w.sched.after(opts.timeoutNs, () => finish({ ok: false, error: 'timeout', transport: 'udp' }));
  }
  return { cancel: () => finish({ ok: false, error: 'timeout', transport: 'udp' }) };
}

function exchangeTcp(host: IpNode, query: DnsMessage, opts: ExchangeOptions, done: (r: ExchangeResult) => void): Exchange {
  const w = host.world;
  const port = opts.port ?? 53;
  const bytes = emitDnsMessage(query);
  const qtext = query.questions[0] ? questionText(query.questions[0]) : '(no question)';
  const start = w.now;
  let finished = false;
  let timer: EventHandle | null = null;
  const s = host.tcp.connect(edgeOf(opts.server), port);
  const finish = (r: ExchangeResult): void => {
    if (finished) return;
    finished = true;
    w.sched.cancel(timer);
    if (typeof s !== 'string') {
      s.onClose = null;
      s.onData = null;
      if (r.ok) s.close();
      else s.abort('DNS query abandoned');
    }
    done(r);
  };
  if (typeof s === 'string') {
    timer = w.sched.after(0, () => finish({ ok: false, error: 'unreachable', transport: 'tcp' }));
    return { cancel: () => finish({ ok: false, error: 'timeout', transport: 'tcp' }) };
  }
  const reader = new DnsTcpReassembler();
  s.onConnect = () => {
    w.trace.emit(w.now, 'dns.query', host.id, -1, -1, query.id, 1, `${qtext} to ${opts.server}`);
    s.send(frameTcpDns(bytes));
  };
  s.onData = (d) => {
    for (const m of reader.push(d)) {
      const p = parseDnsMessage(m);
      if (!p.ok || !matches(query, p.value)) {
        w.trace.emit(w.now, 'dns.drop', host.id, -1, -1, 0, 0, p.ok ? `answer over TCP from ${opts.server} does not match the query` : `malformed answer over TCP from ${opts.server}: ${p.error.message}`);
        continue;
      }
      w.trace.emit(w.now, 'dns.response', host.id, -1, -1, p.value.id, p.value.flags.rcode, `${qtext} from ${opts.server} (TCP)`);
      finish({ ok: true, msg: p.value, size: m.length, rttNs: w.now - start, transport: 'tcp', querySize: bytes.length });
      return;
    }
  };
  s.onClose = (err) => finish({ ok: false, error: err === 'ECONNREFUSED' ? 'refused' : err === 'ETIMEDOUT' ? 'timeout' : 'reset', transport: 'tcp' });
  timer = w.sched.after(opts.timeoutNs, () => finish({ ok: false, error: 'timeout', transport: 'tcp' }));
  return { cancel: () => finish({ ok: false, error: 'timeout', transport: 'tcp' }) };
}
