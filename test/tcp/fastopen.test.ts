/**
 * TCP Fast Open (RFC 7413) against a scripted peer (see peer.ts): bob's TcpLayer is the system
 * under test, as a server (his listener has TCP_FASTOPEN and net.ipv4.tcp_fastopen = 3) and as
 * a client (TCP_FASTOPEN_CONNECT). Expectations come from RFC 7413 §4.2.1 (cookie request),
 * §4.2.2 (SYN with cookie and data, both ends), §5.1 (limit on pending Fast Open connections),
 * and from what Linux does where the RFC leaves a choice (noted per case).
 */
import { describe, expect, it } from 'vitest';
import { FastOpenHost, TFO_EVENT, fastOpenOptions, parseFastOpenKey } from '../../src/engine/stack/tcp/fastopen.ts';
import { siphash24 } from '../../src/engine/stack/tcp/siphash.ts';
import type { TcpOption } from '../../src/engine/wire/tcp.ts';
import { TCP_FLAG } from '../../src/engine/wire/tcp.ts';
import { events } from '../engine/helpers.ts';
import type { Captured } from './peer.ts';
import { Conn, PEER_ADDR, PEER_PORT, SUT_ADDR, SUT_PORT, Wire, flagsText, reach, u32 } from './peer.ts';

const SYN = TCP_FLAG.SYN;
const ACK = TCP_FLAG.ACK;
const SYNACK = SYN | ACK;
const PSH = TCP_FLAG.PSH;
const FIN = TCP_FLAG.FIN;

const tfoOption = (seg: Captured | undefined): Uint8Array | undefined => {
  const o = seg?.options.find((x) => x.kind === 'fastOpen');
  return o && o.kind === 'fastOpen' ? o.cookie : undefined;
};
const hex = (b: Uint8Array | undefined): string => (b ? Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('') : 'none');
/** Flags without PSH (the tables ignore it too). */
const f = (seg: Captured | undefined): string => flagsText((seg?.flags ?? 0) & ~PSH);

const KEY_TEXT = '00112233-44556677-8899aabb-ccddeeff';

/** Bob listens on SUT_PORT with TCP_FASTOPEN `queue`; his host has net.ipv4.tcp_fastopen = `mode`. */
function server(opts: { mode?: number; queue?: number; peerPort?: number; w?: Wire } = {}): Conn {
  const w = opts.w ?? new Wire();
  w.sut.tcpDefaults = { ...w.sut.tcpDefaults, fastOpen: opts.mode ?? 3 };
  w.sut.tcp.fastOpen.setKey(parseFastOpenKey(KEY_TEXT)!);
  const c = new Conn(w, { ts: true, sack: true, wscale: 7 }, SUT_PORT);
  if (opts.peerPort !== undefined) c.peerPort = opts.peerPort;
  let conns = PEERS.get(w);
  if (!conns) {
    // One listener per world; each accepted socket goes to the Conn of its peer port.
    const byPort = new Map<number, Conn>();
    w.sut.tcp.listen(SUT_PORT, (s) => byPort.get(s.remotePort)?.adopt(s), { fastOpenQueue: opts.queue ?? 16 });
    PEERS.set(w, (conns = byPort));
  }
  conns.set(c.peerPort, c);
  c.listener = w.sut.tcp.listeners.get(SUT_PORT);
  return c;
}
const PEERS = new WeakMap<Wire, Map<number, Conn>>();

/** The cookie bob's server gives alice: SipHash-2-4 over alice's and bob's addresses (Linux ≥ 5.2). */
function expectedCookie(): Uint8Array {
  const msg = Uint8Array.of(192, 168, 10, 11, 192, 168, 10, 12);
  return siphash24(parseFastOpenKey(KEY_TEXT)!, msg);
}

/** Peer's SYN: its usual options plus a Fast Open option, with `data` bytes. */
function peerSyn(c: Conn, cookie: Uint8Array | undefined, data = 0): void {
  const options: TcpOption[] = [...c.synOptions(), ...(cookie ? fastOpenOptions(cookie) : [])];
  c.sendNext({ flags: SYN, options, data });
}

function fastopenTexts(w: Wire): string[] {
  return events(w.s, 'tcp.fastopen')
    .filter((e) => e.node === w.sut.id)
    .map((e) => e.text ?? '');
}

describe('RFC 7413 server (bob listens with TCP_FASTOPEN, net.ipv4.tcp_fastopen = 3)', () => {
  it('RFC 7413 §4.2.1: a SYN with an empty Fast Open option gets a SYN-ACK carrying the cookie; ack = SEQ+1', () => {
    const c = server();
    peerSyn(c, new Uint8Array(0));
    const got = c.collect(10e6);
    expect(got.map(f)).toEqual(['SYN|ACK']);
    expect(got[0]!.ack).toBe(u32(c.irs + 1));
    expect(hex(tfoOption(got[0]))).toBe(hex(expectedCookie()));
    expect(c.state()).toBe('SYN-RECEIVED');
    expect(fastopenTexts(c.w).some((t) => t.includes('cookie request'))).toBe(true);
  });

  it('RFC 7413 §4.1.2 cookie = SipHash-2-4(key, client address ‖ server address), 8 bytes; the same for every SYN from that client', () => {
    const a = server();
    peerSyn(a, new Uint8Array(0));
    const first = tfoOption(a.collect(10e6)[0]);
    const b = server({ w: a.w, peerPort: PEER_PORT + 1 });
    peerSyn(b, new Uint8Array(0));
    const second = tfoOption(b.collect(10e6)[0]);
    expect(first?.length).toBe(8);
    expect(hex(second)).toBe(hex(first));
    // Another host key gives another cookie (the key is the secret).
    const other = new FastOpenHost(a.w.sut);
    other.setKey(parseFastOpenKey('1-2-3-4')!);
    const alice = { v6: false, addr: PEER_ADDR, text: '192.168.10.11' } as const;
    const bob = { v6: false, addr: SUT_ADDR, text: '192.168.10.12' } as const;
    expect(hex(other.cookie(alice, bob))).not.toBe(hex(first));
    expect(hex(a.w.sut.tcp.fastOpen.cookie(alice, bob))).toBe(hex(first));
  });

  it('RFC 7413 §4.2.2: a valid cookie with data → the SYN-ACK acknowledges SEQ+1+len, no option; the data reaches the application before the handshake completes', () => {
    const c = server();
    peerSyn(c, expectedCookie(), 300);
    const got = c.collect(10e6);
    expect(got.map(f)).toEqual(['SYN|ACK']);
    expect(got[0]!.ack).toBe(u32(c.irs + 1 + 300));
    expect(tfoOption(got[0])).toBeUndefined();
    expect(c.state()).toBe('SYN-RECEIVED');
    expect(c.delivered).toBe(300);
    expect(fastopenTexts(c.w).some((t) => t.includes('300 bytes of SYN data accepted'))).toBe(true);
    // The final ACK completes the handshake; nothing is delivered twice.
    c.sendNext({ flags: ACK });
    c.collect(10e6);
    expect(c.state()).toBe('ESTABLISHED');
    expect(c.delivered).toBe(300);
  });

  it('RFC 7413 §4.2.2 server steps 5–6: the Fast Open server answers in SYN-RECEIVED (data right after the SYN-ACK, SEQ = ISS+1), then takes the ACK', () => {
    const c = server();
    c.listener!.onAccept = (s) => {
      c.adopt(s);
      s.onData = (d) => {
        c.delivered += d.length;
        s.send(500);
      };
    };
    peerSyn(c, expectedCookie(), 100);
    const got = c.collect(10e6);
    expect(got.map(f)).toEqual(['SYN|ACK', 'ACK']);
    expect(got[1]!.seq).toBe(u32(c.iss + 1));
    expect(got[1]!.dataLen).toBe(500);
    expect(got[1]!.ack).toBe(u32(c.irs + 101));
    expect(c.state()).toBe('SYN-RECEIVED');
    // The peer's ACK covers the SYN-ACK and the 500 bytes at once.
    c.sendNext({ flags: ACK });
    expect(c.collect(300e6)).toEqual([]); // nothing left to retransmit
    expect(c.state()).toBe('ESTABLISHED');
    expect(c.sock!.sndUna).toBe(u32(c.iss + 501));
    expect(c.sock!.rtx).toEqual([]);
  });

  it('RFC 7413 §4.2.2: an invalid cookie → the SYN-ACK acknowledges only the SYN and carries a fresh cookie; the data is dropped until the client resends it', () => {
    const c = server();
    peerSyn(c, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8), 200);
    const got = c.collect(10e6);
    expect(got.map(f)).toEqual(['SYN|ACK']);
    expect(got[0]!.ack).toBe(u32(c.irs + 1));
    expect(hex(tfoOption(got[0]))).toBe(hex(expectedCookie()));
    expect(c.delivered).toBe(0);
    expect(fastopenTexts(c.w).some((t) => t.includes('invalid cookie 0102030405060708'))).toBe(true);
    // The client resends the data after the handshake (§4.2.2 "Client: Receiving SYN-ACK" step 2).
    c.rcvNxt = u32(c.irs + 1);
    c.sendNext({ flags: ACK, data: 200 });
    c.collect(100e6);
    expect(c.state()).toBe('ESTABLISHED');
    expect(c.delivered).toBe(200);
  });

  it('RFC 7413 §4.2.2 step 2 / §5.1: beyond TCP_FASTOPEN pending connections a valid cookie gets a plain handshake; a completed handshake frees the slot', () => {
    const a = server({ queue: 1 });
    peerSyn(a, expectedCookie(), 50);
    expect(a.collect(10e6)[0]!.ack).toBe(u32(a.irs + 51)); // accepted: one pending
    const b = server({ w: a.w, peerPort: PEER_PORT + 1 });
    peerSyn(b, expectedCookie(), 50);
    const gotB = b.collect(10e6);
    expect(gotB.map(f)).toEqual(['SYN|ACK']);
    expect(gotB[0]!.ack).toBe(u32(b.irs + 1)); // plain: only the SYN
    expect(tfoOption(gotB[0])).toBeUndefined(); // Linux checks the queue before the cookie
    expect(b.delivered).toBe(0);
    expect(fastopenTexts(a.w).some((t) => t.includes('1 Fast Open connections already pending'))).toBe(true);
    // a's handshake completes: the slot is free again.
    expect(a.listener!.fastOpenPending).toBe(1);
    a.sendNext({ flags: ACK });
    a.collect(10e6);
    expect(a.state()).toBe('ESTABLISHED');
    expect(a.listener!.fastOpenPending).toBe(0);
    const c3 = server({ w: a.w, peerPort: PEER_PORT + 2 });
    peerSyn(c3, expectedCookie(), 50);
    expect(c3.collect(10e6)[0]!.ack).toBe(u32(c3.irs + 51));
    expect(c3.delivered).toBe(50);
  });

  it('RFC 7413 §4.2.2 + RFC 9293 §3.10.4: a Fast Open server that answers and closes in SYN-RECEIVED sends data and FIN at once (Linux); the peer’s ACKs complete it and free the pending slot', () => {
    const c = server({ queue: 1 });
    c.listener!.onAccept = (s) => {
      c.adopt(s);
      s.onData = () => {
        s.send(200);
        s.close();
      };
    };
    peerSyn(c, expectedCookie(), 20);
    const got = c.collect(10e6);
    expect(got.map(f)).toEqual(['SYN|ACK', 'ACK', 'FIN|ACK']);
    expect(got[2]!.seq).toBe(u32(c.iss + 201));
    expect(c.state()).toBe('FIN-WAIT-1');
    expect(c.listener!.fastOpenPending).toBe(1);
    c.sendNext({ flags: ACK }); // acknowledges SYN-ACK, data and FIN
    expect(c.collect(10e6)).toEqual([]);
    expect(c.state()).toBe('FIN-WAIT-2');
    expect(c.sock!.sndUna).toBe(u32(c.iss + 202));
    expect(c.listener!.fastOpenPending).toBe(0);
    c.sendNext({ flags: FIN | ACK });
    expect(c.collect(10e6).map(f)).toEqual(['ACK']);
    expect(c.state()).toBe('TIME-WAIT');
  });

  it('RFC 9293 §3.10.7.4 (second) on an accepted Fast Open connection in SYN-RECEIVED: a RST resets it (ECONNRESET, not "refused") and frees the pending slot', () => {
    const c = server({ queue: 1 });
    peerSyn(c, expectedCookie(), 20);
    c.collect(10e6);
    expect(c.listener!.fastOpenPending).toBe(1);
    c.send({ flags: TCP_FLAG.RST });
    expect(c.collect(10e6)).toEqual([]);
    expect(c.state()).toBe('LISTEN');
    expect(c.closeError).toBe('ECONNRESET');
    expect(c.listener!.fastOpenPending).toBe(0);
  });

  it('RFC 7413 §4.2.2 "If the SYN-ACK timer fires": the retransmitted SYN-ACK carries no Fast Open option', () => {
    const c = server();
    peerSyn(c, new Uint8Array(0));
    const first = c.collect(10e6);
    expect(tfoOption(first[0])).toBeDefined();
    const again = c.collect(1.5e9);
    expect(again.map(f)).toEqual(['SYN|ACK']);
    expect(tfoOption(again[0])).toBeUndefined();
  });

  it('RFC 7413 §4.2.2 server step 1 (FastOpenEnabled false): without the server bit in net.ipv4.tcp_fastopen the option is ignored — no cookie, SYN data not acknowledged or delivered', () => {
    const c = server({ mode: 1 });
    peerSyn(c, new Uint8Array(0));
    const req = c.collect(10e6);
    expect(req.map(f)).toEqual(['SYN|ACK']);
    expect(tfoOption(req[0])).toBeUndefined();
    const d = server({ w: c.w, mode: 1, peerPort: PEER_PORT + 1 });
    peerSyn(d, expectedCookie(), 100);
    const got = d.collect(10e6);
    expect(got[0]!.ack).toBe(u32(d.irs + 1));
    expect(tfoOption(got[0])).toBeUndefined();
    expect(d.delivered).toBe(0);
    expect(fastopenTexts(c.w).every((t) => t.includes('Fast Open off'))).toBe(true);
  });

  it('Linux TCP_FASTOPEN: a listener that did not set it ignores the option even with the server bit', () => {
    const c = server({ queue: 0 });
    peerSyn(c, expectedCookie(), 100);
    const got = c.collect(10e6);
    expect(got[0]!.ack).toBe(u32(c.irs + 1));
    expect(tfoOption(got[0])).toBeUndefined();
    expect(c.delivered).toBe(0);
  });

  it('RFC 7413 §4.2.2: a retransmitted SYN to a Fast Open connection gets the SYN-ACK again, keeping the accepted data and the answer sent since', () => {
    const c = server();
    c.listener!.onAccept = (s) => {
      c.adopt(s);
      s.onData = () => void s.send(100);
    };
    peerSyn(c, expectedCookie(), 10);
    expect(c.collect(10e6).map(f)).toEqual(['SYN|ACK', 'ACK']);
    // The SYN-ACK "was lost": the client retransmits a plain SYN (no data, no option).
    c.send({ flags: SYN, seq: c.irs, options: c.synOptions() });
    const got = c.collect(10e6);
    expect(got.map(f)).toEqual(['SYN|ACK']);
    expect(got[0]!.ack).toBe(u32(c.irs + 11));
    c.sendNext({ flags: ACK });
    c.collect(10e6);
    expect(c.state()).toBe('ESTABLISHED');
    expect(c.sock!.sndUna).toBe(u32(c.iss + 101));
  });
});

// ---- client ---------------------------------------------------------------------------------

/** Bob connects to alice with TCP_FASTOPEN_CONNECT; `cookie` pre-fills his cache for alice. */
function client(opts: { cookie?: Uint8Array; mode?: number; mss?: number } = {}): Conn {
  const w = new Wire();
  if (opts.mode !== undefined) w.sut.tcpDefaults = { ...w.sut.tcpDefaults, fastOpen: opts.mode };
  if (opts.cookie) {
    const e = w.sut.tcp.fastOpen.entry('192.168.10.11');
    e.cookie = opts.cookie;
    e.mss = opts.mss ?? 1460;
  }
  const c = new Conn(w, { ts: true, sack: true, wscale: 7 }, 0);
  const s = w.sut.tcp.connect(PEER_ADDR, PEER_PORT, { fastOpenConnect: true });
  if (typeof s === 'string') throw new Error(s);
  c.sutPort = s.localPort;
  c.adopt(s);
  return c;
}

const COOKIE = Uint8Array.of(0xc0, 0x0c, 0x1e, 0x5a, 0x11, 0x22, 0x33, 0x44);

/** The peer answers bob's SYN with a SYN-ACK acknowledging `ackData` bytes of its data, with `options` added. */
function synAck(c: Conn, ackData: number, extra: TcpOption[] = []): void {
  c.sendNext({ flags: SYNACK, ack: u32(c.iss + 1 + ackData), options: [...c.synOptions(), ...extra] });
}

describe('RFC 7413 client (bob connects with TCP_FASTOPEN_CONNECT)', () => {
  it('RFC 7413 §4.2.1: without a cookie the SYN carries an empty Fast Open option and no data; the SYN-ACK’s cookie is cached and the request follows the handshake', () => {
    const c = client();
    c.sock!.send(300);
    const syn = c.collect(10e6);
    expect(syn.map(f)).toEqual(['SYN']);
    expect(syn[0]!.dataLen).toBe(0);
    expect(tfoOption(syn[0])?.length).toBe(0);
    synAck(c, 0, fastOpenOptions(COOKIE));
    const after = c.collect(10e6);
    expect(after.map(f)).toEqual(['ACK', 'ACK']);
    expect(after[1]!.dataLen).toBe(300);
    expect(after[1]!.seq).toBe(u32(c.iss + 1));
    expect(hex(c.w.sut.tcp.fastOpen.cachedCookie('192.168.10.11'))).toBe(hex(COOKIE));
  });

  it('RFC 7413 §4.2.2 client step 1: with a cached cookie connect() sends nothing until the first write, which rides in the SYN with the cookie', () => {
    const c = client({ cookie: COOKIE });
    expect(c.collect(10e6)).toEqual([]);
    expect(c.state()).toBe('SYN-SENT');
    c.sock!.send(300);
    const syn = c.collect(10e6);
    expect(syn.map(f)).toEqual(['SYN']);
    expect(syn[0]!.dataLen).toBe(300);
    expect(hex(tfoOption(syn[0]))).toBe(hex(COOKIE));
    // The SYN-ACK acknowledges the data: only the handshake's ACK follows, nothing is resent.
    synAck(c, 300);
    const after = c.collect(300e6);
    expect(after.map(f)).toEqual(['ACK']);
    expect(after[0]!.seq).toBe(u32(c.iss + 301));
    expect(c.state()).toBe('ESTABLISHED');
    expect(c.sock!.rtx).toEqual([]);
    expect(c.connected).toBe(true);
  });

  it('RFC 7413 §4.2.2 "Client: Receiving SYN-ACK": a SYN-ACK acknowledging only the SYN → the data goes again at once, carrying the ACK; a new cookie replaces the old', () => {
    const c = client({ cookie: COOKIE });
    c.sock!.send(300);
    c.collect(10e6);
    const fresh = Uint8Array.of(9, 8, 7, 6, 5, 4, 3, 2);
    synAck(c, 0, fastOpenOptions(fresh));
    const after = c.collect(10e6);
    expect(after.map(f)).toEqual(['ACK']);
    expect(after[0]!.seq).toBe(u32(c.iss + 1));
    expect(after[0]!.dataLen).toBe(300);
    expect(after[0]!.ack).toBe(c.rcvNxt);
    expect(hex(c.w.sut.tcp.fastOpen.cachedCookie('192.168.10.11'))).toBe(hex(fresh));
    expect(events(c.w.s, 'tcp.fastopen').some((e) => e.a === TFO_EVENT.SYN_DATA_RESENT && e.b === 300)).toBe(true);
    c.sendNext({ flags: ACK });
    expect(c.collect(300e6)).toEqual([]);
    expect(c.sock!.sndUna).toBe(u32(c.iss + 301));
  });

  it('RFC 7413 §4.2.2: the SYN’s data is limited to the cached MSS less 40 bytes of option space (Linux); the rest follows the handshake', () => {
    const c = client({ cookie: COOKIE, mss: 1460 });
    c.sock!.send(3000);
    const syn = c.collect(10e6);
    expect(syn[0]!.dataLen).toBe(1420);
    synAck(c, 1420);
    const after = c.collect(10e6);
    c.sendNext({ flags: ACK });
    after.push(...c.collect(10e6)); // Nagle held the short tail until that ACK
    expect(after.filter((g) => g.dataLen > 0).map((g) => u32(g.seq - c.iss))).toEqual([1421, 1421 + c.sock!.mss]);
    expect(after.reduce((n, g) => n + g.dataLen, 0)).toBe(3000 - 1420);
  });

  it('RFC 7413 §4.2.2: when the SYN times out it is retransmitted without data and without the option; the data goes after the handshake', () => {
    const c = client({ cookie: COOKIE });
    c.sock!.send(200);
    expect(c.collect(10e6)[0]!.dataLen).toBe(200);
    const rtx = c.collect(1.1e9);
    expect(rtx.map(f)).toEqual(['SYN']);
    expect(rtx[0]!.seq).toBe(c.iss);
    expect(rtx[0]!.dataLen).toBe(0);
    expect(tfoOption(rtx[0])).toBeUndefined();
    synAck(c, 0);
    const after = c.collect(10e6);
    expect(after.map(f)).toEqual(['ACK']);
    expect(after[0]!.dataLen).toBe(200);
  });

  it('Linux syn_loss back-off (RFC 7413 §4.2.2 last client paragraph): after two SYN losses in a row without a cookie answer, the next connect sends a plain SYN', () => {
    const c = client({ cookie: COOKIE });
    const host = c.w.sut.tcp.fastOpen;
    host.entry('192.168.10.11').synLoss = 2;
    host.entry('192.168.10.11').lastSynLoss = c.w.now;
    const s = c.w.sut.tcp.connect(PEER_ADDR, PEER_PORT + 1, { fastOpenConnect: true });
    if (typeof s === 'string') throw new Error(s);
    c.w.run(10e6);
    const syns = c.w.take().filter((g) => g.dstPort === PEER_PORT + 1);
    expect(syns.map(f)).toEqual(['SYN']); // sent by connect() itself: not deferred
    expect(tfoOption(syns[0])).toBeUndefined();
    expect(events(c.w.s, 'tcp.fastopen').some((e) => e.a === TFO_EVENT.SUSPENDED)).toBe(true);
  });

  it('a SYN retransmission answered without cookie or data ACK counts as a lost Fast Open SYN (Linux tcp_rcv_fastopen_synack syn_drop)', () => {
    const c = client({ cookie: COOKIE });
    c.sock!.send(200);
    c.collect(1.1e9); // SYN with data, then the plain retransmission
    synAck(c, 0);
    c.collect(10e6);
    expect(c.w.sut.tcp.fastOpen.entry('192.168.10.11').synLoss).toBe(1);
  });

  it('net.ipv4.tcp_fastopen without the client bit: TCP_FASTOPEN_CONNECT has no effect (plain SYN)', () => {
    const c = client({ mode: 0, cookie: COOKIE });
    const syn = c.collect(10e6);
    expect(syn.map(f)).toEqual(['SYN']);
    expect(tfoOption(syn[0])).toBeUndefined();
    c.sock!.send(100);
    expect(c.collect(10e6)).toEqual([]);
  });

  it('an ordinary connect (no TCP_FASTOPEN_CONNECT) sends no Fast Open option, even with a cached cookie', () => {
    const c = reach('SYN-SENT');
    expect(tfoOption(c.w.rx[0])).toBeUndefined();
  });
});
