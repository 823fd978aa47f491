/**
 * The TCP layer of one node: demultiplexing segments to connections and listeners, active
 * and passive opens, RST for segments nobody owns (RFC 9293 §3.10.7.1), ephemeral ports, and
 * ICMP errors that concern connections (RFC 1122 §4.2.3.9, RFC 1191/8201 MSS reduction).
 */
import type { Ipv4, Ipv6 } from '../../wire/addr.ts';
import { formatIpv4, formatIpv6, ipv6Equal } from '../../wire/addr.ts';
import type { Ipv4Packet } from '../../wire/ipv4.ts';
import { IPPROTO } from '../../wire/ipv4.ts';
import type { Ipv6Packet } from '../../wire/ipv6.ts';
import type { TcpRepr } from '../../wire/tcp.ts';
import { TCP_FLAG, buildTcp, parseTcp } from '../../wire/tcp.ts';
import type { Frame } from '../../net/frame.ts';
import type { Interface } from '../../net/iface.ts';
import type { IpNode } from '../host.ts';
import type { IcmpEvent } from '../icmp-events.ts';
import { EPHEMERAL_HIGH, EPHEMERAL_LOW } from '../udp.ts';
import { TcpSocket } from './socket.ts';
import { negotiate } from './input.ts';
import { markLost, sendSyn, tcpOutput } from './output.ts';
import { seqAdd } from './seq.ts';
import { FastOpenHost, fastOpenAccept, fastOpenConnect, fastOpenListen } from './fastopen.ts';
import { patternSum16 } from './sendbuf.ts';
import type { Segment, TcpAddr, TcpSocketOptions } from './types.ts';

export interface Listener {
  readonly port: number;
  readonly opts: Partial<TcpSocketOptions>;
  readonly backlog: number;
  pending: number;
  /** Fast Open connections accepted before their handshake completed (RFC 7413 §5.1). */
  fastOpenPending: number;
  onAccept: (s: TcpSocket) => void;
  close(): void;
}

function addrKey(a: TcpAddr): string {
  return a.text;
}

function tupleKey(local: TcpAddr, lport: number, remote: TcpAddr, rport: number): string {
  return `${addrKey(local)}|${lport}|${addrKey(remote)}|${rport}`;
}

export function tcpAddr(a: Ipv4 | Ipv6): TcpAddr {
  return typeof a === 'number' ? { v6: false, addr: a, text: formatIpv4(a) } : { v6: true, addr: a, text: formatIpv6(a) };
}

export class TcpLayer {
  readonly sockets = new Map<string, TcpSocket>();
  readonly listeners = new Map<number, Listener>();
  /** net.ipv4.ip_local_port_range. */
  portRange: readonly [number, number] = [EPHEMERAL_LOW, EPHEMERAL_HIGH];
  /** TCP Fast Open: the server key and the client's cookie cache (RFC 7413). */
  readonly fastOpen: FastOpenHost;
  private nextEphemeral: number;

  constructor(readonly node: IpNode) {
    this.fastOpen = new FastOpenHost(node);
    this.nextEphemeral = node.world.rng.stream(`host:${node.name}:tcp-ephemeral`).int(EPHEMERAL_LOW, EPHEMERAL_HIGH);
    node.onIcmp((e) => this.icmp(e));
  }

  /** All connections (for `ss`), listeners excluded. */
  connections(): TcpSocket[] {
    return [...this.sockets.values()];
  }

  listen(port: number, onAccept: (s: TcpSocket) => void, opts: Partial<TcpSocketOptions> = {}, backlog = 128): Listener {
    if (this.listeners.has(port)) throw new Error('EADDRINUSE');
    const l: Listener = {
      port,
      opts,
      backlog,
      pending: 0,
      fastOpenPending: 0,
      onAccept,
      close: () => {
        if (this.listeners.get(port) === l) this.listeners.delete(port);
      },
    };
    this.listeners.set(port, l);
    return l;
  }

  /** Active open (RFC 9293 §3.10.1). Returns the socket in SYN-SENT, or an error code. */
  connect(dst: Ipv4 | Ipv6, port: number, opts: Partial<TcpSocketOptions> = {}): TcpSocket | 'ENETUNREACH' | 'EADDRNOTAVAIL' {
    const remote = tcpAddr(dst);
    let local: TcpAddr | undefined;
    let mtu: number;
    if (remote.v6) {
      const r = this.node.ipv6.route(remote.addr);
      const src = r ? this.node.sourceIpv6(r.iface, remote.addr) : undefined;
      if (!r || !src) return 'ENETUNREACH';
      local = tcpAddr(src);
      mtu = this.node.ipv6.pathMtu(remote.addr, r);
    } else {
      const r = this.node.ipv4.route(remote.addr);
      const src = r ? this.node.ipv4.sourceFor(r, remote.addr) : undefined;
      if (!r || src === undefined) return 'ENETUNREACH';
      local = tcpAddr(src);
      mtu = this.node.ipv4.pathMtu(remote.addr, r);
    }
    const lport = this.ephemeralPort(local, remote, port, opts.twReuse ?? this.node.tcpDefaults.twReuse ?? false);
    if (lport === undefined) return 'EADDRNOTAVAIL';
    const s = new TcpSocket(this, local, lport, remote, port, { ...this.node.tcpDefaults, ...opts });
    s.advMss = mtu - (remote.v6 ? 60 : 40);
    s.iss = this.isn();
    this.sockets.set(tupleKey(local, lport, remote, port), s);
    s.setState('SYN-SENT');
    if (!fastOpenConnect(s)) sendSyn(s);
    return s;
  }

  /** RFC 9293 §3.4.1 / RFC 6528: ISNs from the seeded stream (an unpredictable-looking clock stand-in). */
  private isn(): number {
    return this.node.world.rng.stream(`host:${this.node.name}:tcp-isn`).u32();
  }

  /**
   * Linux-like: sequential search from a random start, skipping 4-tuples in use (incl. TIME-WAIT,
   * unless `reuse` allows taking over one that has been in TIME-WAIT for at least a second).
   */
  private ephemeralPort(local: TcpAddr, remote: TcpAddr, rport: number, reuse: boolean): number | undefined {
    const [low, high] = this.portRange;
    const span = high - low + 1;
    const start = Math.min(Math.max(this.nextEphemeral, low), high);
    for (let i = 0; i < span; i++) {
      const p = low + ((start - low + i) % span);
      if (this.listeners.has(p)) continue;
      const existing = this.sockets.get(tupleKey(local, p, remote, rport));
      if (existing) {
        if (!(reuse && existing.state === 'TIME-WAIT' && existing.now - existing.timeWaitSince >= 1e9)) continue;
        existing.destroy();
      }
      this.nextEphemeral = p + 1 > high ? low : p + 1;
      return p;
    }
    return undefined;
  }

  remove(s: TcpSocket): void {
    const k = tupleKey(s.local, s.localPort, s.remote, s.remotePort);
    if (this.sockets.get(k) === s) this.sockets.delete(k);
    if (this.lastHit === s) this.lastHit = null;
  }

  /**
   * The IPv4 connection the last segment was demultiplexed to (always one still in `sockets`):
   * a bulk flow's segments find it without formatting addresses into a key.
   */
  private lastHit: TcpSocket | null = null;

  armKeepalive(s: TcpSocket): void {
    const sched = this.node.world.sched;
    sched.cancel(s.keepaliveTimer);
    const due = Math.max(s.lastRcv, s.lastSnd) + (s.keepaliveProbes === 0 ? s.opts.keepaliveIdleNs : s.opts.keepaliveIntervalNs);
    s.keepaliveTimer = sched.at(Math.max(due, s.now), () => {
      s.keepaliveTimer = null;
      if (s.state !== 'ESTABLISHED' && s.state !== 'CLOSE-WAIT') return;
      const idle = s.now - s.lastRcv;
      if (s.keepaliveProbes === 0 && idle < s.opts.keepaliveIdleNs) return this.armKeepalive(s);
      if (s.keepaliveProbes >= s.opts.keepaliveProbes) return s.fail('ETIMEDOUT');
      s.keepaliveProbes++;
      // RFC 1122 §4.2.3.6: a probe with SEG.SEQ = SND.NXT − 1 and no data elicits an ACK.
      s.emit(seqAdd(s.sndNxt, -1), TCP_FLAG.ACK, new Uint8Array(0));
      this.armKeepalive(s);
    });
  }

  // ---- input ----------------------------------------------------------------------------

  input4(p: Ipv4Packet, _packet: Uint8Array, frame: Frame, iface: Interface | null): void {
    const src = p.repr.src;
    const dst = p.repr.dst;
    const seg = p.payload;
    const hit = this.lastHit;
    if (hit !== null && seg.length >= 4 && hit.remote.addr === src && hit.local.addr === dst && hit.remotePort === ((seg[0]! << 8) | seg[1]!) && hit.localPort === ((seg[2]! << 8) | seg[3]!)) {
      this.input(hit.remote, hit.local, seg, { v: 4, src, dst }, p.repr.ecn === 3, frame, iface, hit);
      return;
    }
    this.input(tcpAddr(src), tcpAddr(dst), seg, { v: 4, src, dst }, p.repr.ecn === 3, frame, iface);
  }

  input6(p: Ipv6Packet, _packet: Uint8Array, frame: Frame, iface: Interface | null): void {
    const ecn = (p.repr.trafficClass & 3) === 3;
    this.input(tcpAddr(p.repr.src), tcpAddr(p.repr.dst), p.upper, { v: 6, src: p.repr.src, dst: p.repr.dst }, ecn, frame, iface);
  }

  /** `known`: the connection the caller already matched to the segment's ports and addresses. */
  private input(src: TcpAddr, dst: TcpAddr, bytes: Uint8Array, pseudo: Parameters<typeof parseTcp>[1] & object, ce: boolean, frame: Frame, iface: Interface | null, known?: TcpSocket): void {
    const w = this.node.world;
    // Bulk payload the sender took from its pattern: verify with the pattern's precomputed sum.
    const fb = frame.bytes;
    const tailLen = frame.tailLen ?? 0;
    const tail =
      tailLen > 0 && tailLen <= bytes.length && bytes.buffer === fb.buffer && bytes.byteOffset + bytes.length === fb.byteOffset + fb.length
        ? { len: tailLen, sum: patternSum16(frame.tailOffset ?? 0, tailLen) }
        : undefined;
    const parsed = parseTcp(bytes, pseudo, tail);
    if (!parsed.ok || !parsed.value.checksumOk) {
      w.trace.emit(w.now, 'tcp.drop', this.node.id, iface?.id ?? -1, frame.uid, 0, 0, parsed.ok ? 'bad TCP checksum' : `malformed TCP: ${parsed.error.message}`);
      return;
    }
    const { repr, payload } = parsed.value;
    const f = repr.flags;
    const seg: Segment = {
      seq: repr.seq,
      ack: repr.ack,
      flags: f,
      window: repr.window,
      options: repr.options,
      data: payload,
      len: payload.length + (f & TCP_FLAG.SYN ? 1 : 0) + (f & TCP_FLAG.FIN ? 1 : 0),
      ce,
      frameUid: frame.uid,
    };
    const s = known ?? this.sockets.get(tupleKey(dst, repr.dstPort, src, repr.srcPort));
    if (s) {
      if (!s.local.v6) this.lastHit = s;
      return s.deliver(seg);
    }
    const l = this.listeners.get(repr.dstPort);
    if (l) return this.listenInput(l, dst, repr.dstPort, src, repr.srcPort, seg);
    this.resetClosed(dst, repr.dstPort, src, repr.srcPort, seg, 'no socket (port closed)');
  }

  /** RFC 9293 §3.10.7.2: the LISTEN state. */
  private listenInput(l: Listener, local: TcpAddr, lport: number, remote: TcpAddr, rport: number, seg: Segment): void {
    if (seg.flags & TCP_FLAG.RST) return;
    if (seg.flags & TCP_FLAG.ACK) return this.resetClosed(local, lport, remote, rport, seg, 'ACK to a listening socket');
    if (!(seg.flags & TCP_FLAG.SYN)) return;
    if (l.pending >= l.backlog) {
      const w = this.node.world;
      w.trace.emit(w.now, 'tcp.drop', this.node.id, -1, seg.frameUid, 0, 0, 'listen backlog full: SYN dropped');
      return;
    }
    const s = new TcpSocket(this, local, lport, remote, rport, { ...this.node.tcpDefaults, ...l.opts });
    const r = remote.v6 ? this.node.ipv6.route(remote.addr) : this.node.ipv4.route(remote.addr);
    s.advMss = (r?.iface.mtu ?? 1500) - (remote.v6 ? 60 : 40);
    s.irs = seg.seq;
    s.rcvNxt = seqAdd(seg.seq, 1);
    s.rcvAdvEdge = s.rcvNxt;
    negotiate(s, seg);
    // RFC 3168 §6.1.1: accept ECN when the SYN carries ECE+CWR and we allow it.
    s.ecnOk = s.opts.ecn && (seg.flags & (TCP_FLAG.ECE | TCP_FLAG.CWR)) === (TCP_FLAG.ECE | TCP_FLAG.CWR);
    s.iss = this.isn();
    const synAckOptions = fastOpenListen(l, s, seg);
    l.pending++;
    s.acceptInto = (c) => {
      l.pending--;
      if (this.listeners.get(lport) === l) l.onAccept(c);
      else c.abort('listener closed');
    };
    const onClose = (): void => {
      if (s.acceptInto) l.pending--;
    };
    s.onClose = onClose;
    this.sockets.set(tupleKey(local, lport, remote, rport), s);
    s.setState('SYN-RECEIVED');
    sendSyn(s, synAckOptions);
    if (s.tfo) fastOpenAccept(s, seg.data);
  }

  /** RFC 9293 §3.10.7.1: a segment for a closed port gets a RST (unless it is one). */
  private resetClosed(local: TcpAddr, lport: number, remote: TcpAddr, rport: number, seg: Segment, why: string): void {
    const w = this.node.world;
    if (seg.flags & TCP_FLAG.RST) return;
    const repr: TcpRepr =
      seg.flags & TCP_FLAG.ACK
        ? { srcPort: lport, dstPort: rport, seq: seg.ack, ack: 0, flags: TCP_FLAG.RST, window: 0, urgent: 0, options: [] }
        : { srcPort: lport, dstPort: rport, seq: 0, ack: seqAdd(seg.seq, seg.len), flags: TCP_FLAG.RST | TCP_FLAG.ACK, window: 0, urgent: 0, options: [] };
    if (remote.v6) this.node.ipv6.send({ dst: remote.addr, src: local.addr as Ipv6, protocol: IPPROTO.TCP, build: (src) => buildTcp(repr, new Uint8Array(0), { v: 6, src, dst: remote.addr }) });
    else this.node.ipv4.send({ dst: remote.addr, src: local.addr as Ipv4, protocol: IPPROTO.TCP, pmtudisc: 'want', build: (src) => buildTcp(repr, new Uint8Array(0), { v: 4, src, dst: remote.addr }) });
    w.trace.emit(w.now, 'tcp.rst', this.node.id, -1, seg.frameUid, 1, 0, `sent to ${remote.text}:${rport}: ${why}`);
  }

  // ---- ICMP (RFC 1122 §4.2.3.9, RFC 5927) -----------------------------------------------

  private icmp(e: IcmpEvent): void {
    const q = e.quoted;
    if (!q || q.protocol !== IPPROTO.TCP || q.srcPort === undefined || q.dstPort === undefined) return;
    const s = [...this.sockets.values()].find(
      (x) => x.localPort === q.srcPort && x.remotePort === q.dstPort && (x.remote.v6 ? q.v6 && ipv6Equal(x.remote.addr, q.dstAddr as Ipv6) : !q.v6 && x.remote.addr === q.dstAddr),
    );
    if (!s) return;
    const fragNeeded = e.mtu !== undefined && ((!e.v6 && e.type === 3 && e.code === 4) || (e.v6 && e.type === 2));
    if (fragNeeded) {
      // RFC 1191 §6.3 / RFC 8201: shrink the MSS to the new path MTU and resend what no longer fits.
      const newMss = e.mtu! - (s.remote.v6 ? 60 : 40) - (s.tsOk ? 12 : 0);
      if (newMss < s.mss && newMss >= 88) {
        s.mss = newMss;
        for (const t of s.rtx) if (t.dataLen > newMss && !t.sacked) markLost(s, t);
        tcpOutput(s);
      }
      return;
    }
    const portUnreach = (!e.v6 && e.type === 3 && (e.code === 2 || e.code === 3)) || (e.v6 && e.type === 1 && e.code === 4);
    const unreachable = (!e.v6 && e.type === 3) || (e.v6 && e.type === 1);
    if (s.state === 'SYN-SENT' && portUnreach) return s.fail('ECONNREFUSED');
    if (unreachable) s.softError = e.code === 0 && !e.v6 ? 'ENETUNREACH' : 'EHOSTUNREACH';
  }
}
