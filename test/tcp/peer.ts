/**
 * A scripted TCP peer for packetdrill-style conformance tests (in the spirit of the FreeBSD
 * tcp-testsuite): the system under test (SUT) is bob's real TcpLayer; the peer is alice with
 * her own TcpLayer switched off, so every segment alice sends is crafted here and every segment
 * bob sends to alice is captured here instead of being answered by alice's stack.
 *
 * The peer keeps its own model of the connection (what it sent, what it saw bob send), so the
 * expected sequence and acknowledgment numbers in the tables are derived from the wire, not from
 * bob's internal variables.
 */
import { session } from '../engine/helpers.ts';
import type { Session } from '../../src/engine/index.ts';
import type { IpNode } from '../../src/engine/stack/host.ts';
import type { TcpSocket } from '../../src/engine/stack/tcp/socket.ts';
import type { Listener } from '../../src/engine/stack/tcp/layer.ts';
import type { TcpError, TcpSocketOptions, TcpState } from '../../src/engine/stack/tcp/types.ts';
import type { Ipv4Packet } from '../../src/engine/wire/ipv4.ts';
import type { TcpOption } from '../../src/engine/wire/tcp.ts';
import { TCP_FLAG, buildTcp, parseTcp } from '../../src/engine/wire/tcp.ts';
import { ip4 } from '../../src/engine/wire/addr.ts';

export const PEER_ADDR = ip4('192.168.10.11'); // alice
export const SUT_ADDR = ip4('192.168.10.12'); // bob
/** The SUT's listening port (passive opens). */
export const SUT_PORT = 80;
/** A SUT port nobody listens on (CLOSED). */
export const SUT_CLOSED_PORT = 81;
/** The peer's port (its TcpLayer is disabled, so any port works). */
export const PEER_PORT = 40000;
/** The peer's initial sequence number: close to 2^32 so the tables also cross the wrap. */
export const PEER_ISS = 0xfffffff0;

const FLAG_NAMES: Record<string, number> = { FIN: TCP_FLAG.FIN, SYN: TCP_FLAG.SYN, RST: TCP_FLAG.RST, PSH: TCP_FLAG.PSH, ACK: TCP_FLAG.ACK, URG: TCP_FLAG.URG, ECE: TCP_FLAG.ECE, CWR: TCP_FLAG.CWR };

/** 'SYN|ACK' → bits. '' or 'none' → 0. */
export function flagsOf(text: string): number {
  if (text === '' || text === 'none') return 0;
  let f = 0;
  for (const name of text.split('|')) {
    const bit = FLAG_NAMES[name.trim()];
    if (bit === undefined) throw new Error(`unknown TCP flag ${name}`);
    f |= bit;
  }
  return f;
}

/** bits → 'SYN|ACK' (fixed order). */
export function flagsText(f: number): string {
  const names = Object.entries(FLAG_NAMES)
    .filter(([, bit]) => (f & bit) !== 0)
    .map(([n]) => n);
  return names.length ? names.join('|') : 'none';
}

export const u32 = (n: number): number => n >>> 0;

/** One segment captured from the SUT. */
export interface Captured {
  readonly t: number;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly window: number;
  readonly options: readonly TcpOption[];
  readonly dataLen: number;
  readonly checksumOk: boolean;
}

export interface RawSegment {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  window?: number;
  options?: TcpOption[];
  data?: Uint8Array;
  /** Corrupt the TCP checksum after building the segment. */
  badChecksum?: boolean;
}

/** The wire-level harness: a Session on the 'lan' scenario, alice as scripted peer, bob as SUT. */
export class Wire {
  readonly s: Session;
  readonly peer: IpNode;
  readonly sut: IpNode;
  /** Everything the SUT sent to the peer, in order. */
  readonly rx: Captured[] = [];
  /** The SUT's state changes as it reports them in the trace ('tcp.state'), with their times. */
  readonly transitions: { t: number; text: string }[] = [];
  private cursor = 0;

  constructor(seed?: number) {
    this.s = session('lan', {}, seed);
    this.peer = this.s.host('alice');
    this.sut = this.s.host('bob');
    // Switch alice's TCP off: capture instead of answering (no RSTs from a socketless port).
    this.peer.tcp.input4 = (p: Ipv4Packet): void => {
      const r = parseTcp(p.payload, { v: 4, src: p.repr.src, dst: p.repr.dst });
      if (!r.ok) throw new Error(`SUT sent a malformed TCP segment: ${r.error.message}`);
      const v = r.value;
      this.rx.push({
        t: this.now,
        srcPort: v.repr.srcPort,
        dstPort: v.repr.dstPort,
        seq: v.repr.seq,
        ack: v.repr.ack,
        flags: v.repr.flags,
        window: v.repr.window,
        options: v.repr.options,
        dataLen: v.payload.length,
        checksumOk: v.checksumOk,
      });
    };
    const ev = this.s.world.trace.events;
    this.s.world.trace.listen((i) => {
      const e = ev.get(i);
      if (e.kind === 'tcp.state' && e.node === this.sut.id) this.transitions.push({ t: e.t, text: e.text ?? '' });
    });
    // Let both hosts settle (IPv6 DAD and the like) before the scripts start.
    this.run(100e6);
  }

  get now(): number {
    return this.s.world.now;
  }

  run(ns: number): void {
    this.s.runUntil(this.now + ns);
  }

  /** Segments captured since the last take(). */
  take(): Captured[] {
    const out = this.rx.slice(this.cursor);
    this.cursor = this.rx.length;
    return out;
  }

  send(seg: RawSegment): void {
    const repr = { srcPort: seg.srcPort, dstPort: seg.dstPort, seq: u32(seg.seq), ack: u32(seg.ack), flags: seg.flags, window: seg.window ?? 65535, urgent: 0, options: seg.options ?? [] };
    const data = seg.data ?? new Uint8Array(0);
    const r = this.peer.ipv4.send({
      dst: SUT_ADDR,
      protocol: 6,
      build: (src) => {
        const bytes = buildTcp(repr, data, { v: 4, src, dst: SUT_ADDR });
        if (seg.badChecksum) bytes[17] = bytes[17]! ^ 0x5a;
        return bytes;
      },
    });
    if (!r.ok) throw new Error(`peer send failed: ${r.error}`);
  }
}

export interface ConnOptions {
  /** Peer offers RFC 7323 timestamps in its SYN / SYN-ACK (and then sends them on every segment). */
  ts?: boolean;
  /** Peer offers this window-scale shift in its SYN / SYN-ACK. */
  wscale?: number;
  /** MSS the peer announces in its SYN (default 1460); null: no MSS option at all. */
  mss?: number | null;
  /** Peer offers SACK-permitted. */
  sack?: boolean;
  /** Socket options for the SUT (listener or connect). */
  sut?: Partial<TcpSocketOptions>;
}

/** Snapshot of the peer's model, used by the tables to compute expected numbers. */
export interface Ctx {
  /** Peer's ISS (= SUT's IRS). */
  readonly irs: number;
  /** SUT's ISS as seen on the wire (0 before the SUT sent a SYN). */
  readonly iss: number;
  /** Next sequence number the peer sends = the SUT's RCV.NXT. */
  readonly rcvNxt: number;
  /** SUT's SND.NXT as seen on the wire (highest seq + len the SUT sent). */
  readonly sndNxt: number;
  /** What the peer has acknowledged = the SUT's SND.UNA. */
  readonly sndUna: number;
  /** SUT's advertised receive window in bytes (scaled), from its last segment. */
  readonly rcvWnd: number;
  /** SUT's last TSval seen (0 if none). */
  readonly sutTsval: number;
  /** Peer's next TSval. */
  readonly tsval: number;
}

export interface PeerSegment {
  flags: number;
  seq?: number;
  ack?: number;
  window?: number;
  data?: number | Uint8Array;
  /** Replace the default options (the default adds timestamps when negotiated). */
  options?: TcpOption[];
  /** Override the TSval of the default timestamps option. */
  tsval?: number;
  badChecksum?: boolean;
}

/**
 * One connection between the scripted peer and the SUT, with the peer's view of both sequence
 * spaces. `passive`: the SUT listens on SUT_PORT and the peer connects; otherwise the SUT
 * connects to PEER_PORT.
 */
export class Conn implements Ctx {
  irs = PEER_ISS;
  iss = 0;
  rcvNxt = PEER_ISS;
  sndNxt = 0;
  sndUna = 0;
  rcvWnd = 0;
  sutTsval = 0;
  tsval = 1_000_000;
  sutWscale = 0;
  /** True once both sides agreed on timestamps (peer offered and SUT answered with them). */
  tsOk = false;
  private sawSyn = false;
  sutPort: number;
  peerPort = PEER_PORT;
  sock: TcpSocket | undefined;
  listener: Listener | undefined;
  /** Bytes the SUT's application received; EOF seen; error reported on close. */
  delivered = 0;
  eof = false;
  closeError: TcpError | 'none' | undefined;
  closedAt: number | undefined;
  /** The SUT application's connect callback ran (active opens). */
  connected = false;

  constructor(
    readonly w: Wire,
    readonly opts: ConnOptions = {},
    sutPort = SUT_PORT,
  ) {
    this.sutPort = sutPort;
  }

  snapshot(): Ctx {
    const { irs, iss, rcvNxt, sndNxt, sndUna, rcvWnd, sutTsval, tsval } = this;
    return { irs, iss, rcvNxt, sndNxt, sndUna, rcvWnd, sutTsval, tsval };
  }

  /** The SUT socket for this 4-tuple, if it exists in its TcpLayer. */
  liveSocket(): TcpSocket | undefined {
    return [...this.w.sut.tcp.sockets.values()].find((s) => s.localPort === this.sutPort && s.remotePort === this.peerPort);
  }

  /** The state of this 4-tuple at the SUT: the socket's, else LISTEN if a listener owns the port, else CLOSED. */
  state(): TcpState {
    const s = this.liveSocket();
    if (s) return s.state;
    return this.w.sut.tcp.listeners.has(this.sutPort) ? 'LISTEN' : 'CLOSED';
  }

  /** Attach the application callbacks (delivered bytes, EOF, close error) to a SUT socket. */
  adopt(s: TcpSocket): void {
    this.sock = s;
    s.onData = (d) => {
      this.delivered += d.length;
    };
    s.onConnect = () => {
      this.connected = true;
    };
    s.onEof = () => {
      this.eof = true;
    };
    const prev = s.onClose;
    s.onClose = (err) => {
      prev?.(err);
      this.closeError = err ?? 'none';
      this.closedAt = this.w.now;
    };
  }

  /** Time of the SUT's most recent transition into `state` (from its trace). */
  enteredAt(state: TcpState): number {
    const hit = this.w.transitions.filter((x) => x.text.endsWith(`→${state}`) && x.text.includes(`:${this.sutPort}>`)).at(-1);
    if (!hit) throw new Error(`the SUT never entered ${state}`);
    return hit.t;
  }

  /** Sends a segment from the peer; seq defaults to RCV.NXT, ack (if ACK is set) to SND.NXT. */
  send(p: PeerSegment): void {
    const data = typeof p.data === 'number' ? pattern(p.data) : (p.data ?? new Uint8Array(0));
    const options = p.options ?? (this.tsOk ? [{ kind: 'nop' } as const, { kind: 'nop' } as const, { kind: 'timestamps' as const, tsval: u32(p.tsval ?? this.tsval), tsecr: this.sutTsval }] : []);
    if (p.tsval === undefined && this.tsOk) this.tsval++;
    const seq = u32(p.seq ?? this.rcvNxt);
    const ack = (p.flags & TCP_FLAG.ACK) !== 0 ? u32(p.ack ?? this.sndNxt) : u32(p.ack ?? 0);
    this.w.send({ srcPort: this.peerPort, dstPort: this.sutPort, seq, ack, flags: p.flags, window: p.window ?? 65535, options, data, ...(p.badChecksum ? { badChecksum: true } : {}) });
  }

  /** Sends the next in-sequence segment and advances the peer's model (SEQ += len, SND.UNA from ack). */
  sendNext(p: PeerSegment): void {
    this.send(p);
    const len = (typeof p.data === 'number' ? p.data : (p.data?.length ?? 0)) + (p.flags & TCP_FLAG.SYN ? 1 : 0) + (p.flags & TCP_FLAG.FIN ? 1 : 0);
    this.rcvNxt = u32((p.seq ?? this.rcvNxt) + len);
    if (p.flags & TCP_FLAG.ACK) this.sndUna = u32(p.ack ?? this.sndNxt);
  }

  /** Updates the model from segments the SUT sent. */
  observe(segs: readonly Captured[]): void {
    for (const c of segs) {
      if (c.dstPort !== this.peerPort || c.srcPort !== this.sutPort) continue;
      if (c.flags & TCP_FLAG.RST) continue;
      if (c.flags & TCP_FLAG.SYN) {
        this.iss = c.seq;
        const ws = c.options.find((o) => o.kind === 'wscale');
        this.sutWscale = ws && ws.kind === 'wscale' && this.opts.wscale !== undefined ? ws.shift : 0;
        if (!this.sawSyn) {
          this.sawSyn = true;
          this.sndNxt = u32(c.seq + 1);
          this.sndUna = c.seq;
        }
        this.tsOk = this.opts.ts === true && c.options.some((o) => o.kind === 'timestamps');
      }
      const end = u32(c.seq + c.dataLen + (c.flags & TCP_FLAG.SYN ? 1 : 0) + (c.flags & TCP_FLAG.FIN ? 1 : 0));
      if (((end - this.sndNxt) | 0) > 0) this.sndNxt = end;
      this.rcvWnd = c.flags & TCP_FLAG.SYN ? c.window : c.window << this.sutWscale;
      const ts = c.options.find((o) => o.kind === 'timestamps');
      if (ts && ts.kind === 'timestamps') this.sutTsval = ts.tsval;
    }
  }

  /** Runs `ns` of simulated time, then returns (and learns from) what the SUT sent. */
  collect(ns = 100e6): Captured[] {
    this.w.run(ns);
    const got = this.w.take().filter((c) => c.srcPort === this.sutPort && c.dstPort === this.peerPort);
    this.observe(got);
    return got;
  }

  /** The SYN options the peer offers. */
  synOptions(): TcpOption[] {
    const o: TcpOption[] = this.opts.mss === null ? [] : [{ kind: 'mss', mss: this.opts.mss ?? 1460 }];
    if (this.opts.sack) o.push({ kind: 'sackPermitted' });
    if (this.opts.ts) o.push({ kind: 'timestamps', tsval: this.tsval++, tsecr: this.sutTsval });
    if (this.opts.wscale !== undefined) o.push({ kind: 'nop' }, { kind: 'wscale', shift: this.opts.wscale });
    return o;
  }
}

/** Deterministic payload bytes. */
export function pattern(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + 3) & 0xff;
  return b;
}

// ---- getting the SUT into each state via real exchanges --------------------------------------

export type SetupState =
  | 'CLOSED'
  | 'LISTEN'
  | 'SYN-SENT'
  | 'SYN-RECEIVED'
  | 'SYN-RECEIVED (active)'
  | 'ESTABLISHED'
  | 'ESTABLISHED (active)'
  | 'FIN-WAIT-1'
  | 'FIN-WAIT-2'
  | 'CLOSING'
  | 'TIME-WAIT'
  | 'CLOSE-WAIT'
  | 'LAST-ACK';

class SetupError extends Error {}

function expectOne(c: Conn, what: string, want: number): Captured {
  const got = c.collect(10e6);
  const seg = got.find((g) => g.flags === want);
  if (!seg || got.length !== 1) throw new SetupError(`setup: expected exactly one ${flagsText(want)} (${what}), got ${got.map((g) => flagsText(g.flags)).join(', ') || 'nothing'}`);
  return seg;
}

function mustBe(c: Conn, st: TcpState): void {
  const now = c.state();
  if (now !== st) throw new SetupError(`setup: SUT is ${now}, expected ${st}`);
}

/**
 * Builds a fresh world and drives the SUT into `state` with real segments. Every step checks
 * what the SUT sent, so a broken setup fails loudly instead of testing the wrong state.
 */
export function reach(state: SetupState, opts: ConnOptions = {}, seed?: number): Conn {
  const w = new Wire(seed);
  if (state === 'CLOSED') {
    const c = new Conn(w, opts, SUT_CLOSED_PORT);
    c.sndNxt = 0x12345678; // arbitrary: there is no connection
    c.sndUna = c.sndNxt;
    return c;
  }
  if (state === 'SYN-SENT' || state === 'SYN-RECEIVED (active)' || state === 'ESTABLISHED (active)') {
    const c = new Conn(w, opts, 0);
    const s = w.sut.tcp.connect(PEER_ADDR, PEER_PORT, opts.sut ?? {});
    if (typeof s === 'string') throw new SetupError(`connect failed: ${s}`);
    c.sutPort = s.localPort;
    c.adopt(s);
    expectOne(c, 'SYN', TCP_FLAG.SYN);
    mustBe(c, 'SYN-SENT');
    if (state === 'SYN-SENT') return c;
    if (state === 'SYN-RECEIVED (active)') {
      c.sendNext({ flags: TCP_FLAG.SYN, options: c.synOptions() });
      expectOne(c, 'SYN-ACK (simultaneous open)', TCP_FLAG.SYN | TCP_FLAG.ACK);
      mustBe(c, 'SYN-RECEIVED');
      return c;
    }
    c.sendNext({ flags: TCP_FLAG.SYN | TCP_FLAG.ACK, ack: u32(c.iss + 1), options: c.synOptions() });
    expectOne(c, 'ACK of SYN-ACK', TCP_FLAG.ACK);
    mustBe(c, 'ESTABLISHED');
    return c;
  }
  const c = new Conn(w, opts, SUT_PORT);
  c.listener = w.sut.tcp.listen(SUT_PORT, (s) => c.adopt(s), opts.sut ?? {});
  if (state === 'LISTEN') return c;
  c.sendNext({ flags: TCP_FLAG.SYN, options: c.synOptions() });
  expectOne(c, 'SYN-ACK', TCP_FLAG.SYN | TCP_FLAG.ACK);
  mustBe(c, 'SYN-RECEIVED');
  c.sock = c.liveSocket();
  if (state === 'SYN-RECEIVED') return c;
  c.sendNext({ flags: TCP_FLAG.ACK });
  c.collect(10e6);
  mustBe(c, 'ESTABLISHED');
  if (!c.sock || c.sock !== c.liveSocket()) throw new SetupError('setup: accept callback did not run');
  // The listener's work is done: without it, a vanished connection reads as CLOSED, not LISTEN.
  c.listener.close();
  c.listener = undefined;
  if (state === 'ESTABLISHED') return c;
  const sock = c.sock;
  if (state === 'CLOSE-WAIT' || state === 'LAST-ACK') {
    c.sendNext({ flags: TCP_FLAG.FIN | TCP_FLAG.ACK });
    expectOne(c, 'ACK of FIN', TCP_FLAG.ACK);
    mustBe(c, 'CLOSE-WAIT');
    if (state === 'CLOSE-WAIT') return c;
    sock.shutdown();
    expectOne(c, 'FIN', TCP_FLAG.FIN | TCP_FLAG.ACK);
    mustBe(c, 'LAST-ACK');
    return c;
  }
  sock.shutdown();
  expectOne(c, 'FIN', TCP_FLAG.FIN | TCP_FLAG.ACK);
  mustBe(c, 'FIN-WAIT-1');
  if (state === 'FIN-WAIT-1') return c;
  if (state === 'CLOSING') {
    // Simultaneous close: our FIN crosses theirs; it does not acknowledge the SUT's FIN.
    c.sendNext({ flags: TCP_FLAG.FIN | TCP_FLAG.ACK, ack: c.sndUna });
    expectOne(c, 'ACK of FIN', TCP_FLAG.ACK);
    mustBe(c, 'CLOSING');
    return c;
  }
  c.sendNext({ flags: TCP_FLAG.ACK });
  if (c.collect(10e6).length) throw new SetupError('setup: SUT answered the ACK of its FIN');
  mustBe(c, 'FIN-WAIT-2');
  if (state === 'FIN-WAIT-2') return c;
  c.sendNext({ flags: TCP_FLAG.FIN | TCP_FLAG.ACK });
  expectOne(c, 'ACK of FIN', TCP_FLAG.ACK);
  mustBe(c, 'TIME-WAIT');
  return c;
}
