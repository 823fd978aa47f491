/**
 * TCP conformance: every segment type in every state, in the spirit of the FreeBSD
 * tcp-testsuite (packetdrill state/event scripts), checked against RFC 9293 §3.10.7 "SEGMENT
 * ARRIVES", RFC 5961 (challenge ACKs), RFC 7323 (window scale, timestamps, PAWS) and RFC 5681
 * §4.2 (immediate duplicate ACKs). The system under test is bob's TcpLayer; alice is a scripted
 * peer (see peer.ts and README.md).
 *
 * Each row: the state the SUT is driven into by real exchanges, the segment(s) the peer injects,
 * the segments the SUT must send back within `within` (default 100 ms — below the smallest RTO,
 * above the 40 ms delayed-ACK timer), and the state the 4-tuple must be in afterwards.
 * Sequence numbers are computed from the peer's own model of the connection (Ctx), not read from
 * the SUT.
 *
 * Rows with `bug` are skipped: the engine does not do what the RFC says (see the `// BUG:` note).
 */
import { describe, expect, it } from 'vitest';
import type { TcpError, TcpState } from '../../src/engine/stack/tcp/types.ts';
import type { TcpOption } from '../../src/engine/wire/tcp.ts';
import { TCP_FLAG } from '../../src/engine/wire/tcp.ts';
import type { Captured, Conn, ConnOptions, Ctx, SetupState } from './peer.ts';
import { flagsOf, flagsText, reach, u32 } from './peer.ts';

type Num = number | ((c: Ctx) => number);

interface Inject {
  flags: string;
  /** Default: RCV.NXT (the next in-sequence number). */
  seq?: Num;
  /** Default when ACK is set: SND.NXT. */
  ack?: Num;
  /** Payload length. */
  data?: number;
  window?: number;
  tsval?: Num;
  options?: TcpOption[] | ((c: Conn) => TcpOption[]);
  badChecksum?: boolean;
}

interface Resp {
  /** 'RST|ACK?': RST required, ACK optional (a trailing '?' marks a flag either way). */
  flags: string;
  seq?: Num;
  ack?: Num;
  /** Payload length (default 0). */
  data?: number;
}

interface Case {
  name: string;
  state: SetupState;
  opts?: ConnOptions;
  /** Extra steps after reaching the state, before the snapshot (e.g. close the receive window). */
  prep?: (c: Conn) => void;
  inject: Inject | Inject[];
  /** Runs right after the injection (e.g. the application writes). */
  after?: (c: Conn) => void;
  /** Exactly these segments, in order; 'any' leaves the reply unchecked. */
  resp: Resp[] | 'any';
  next: TcpState;
  /** Error the application saw when the connection closed ('none': closed without error). */
  error?: TcpError | 'none';
  /** Bytes delivered to the application by the injection. */
  delivered?: number;
  within?: number;
  check?: (got: readonly Captured[], c: Conn, ctx: Ctx) => void;
  /** One line: why this row is skipped (the engine disagrees with the RFC). */
  bug?: string;
}

// ---- shorthands -----------------------------------------------------------------------------

/** The peer's next sequence number (= SUT's RCV.NXT) plus d. */
const R =
  (d = 0) =>
  (c: Ctx): number =>
    u32(c.rcvNxt + d);
/** SUT's SND.NXT plus d. */
const S =
  (d = 0) =>
  (c: Ctx): number =>
    u32(c.sndNxt + d);
/** SUT's ISS plus d. */
const ISS =
  (d = 0) =>
  (c: Ctx): number =>
    u32(c.iss + d);
/** Peer's ISS (SUT's IRS) plus d. */
const IRS =
  (d = 0) =>
  (c: Ctx): number =>
    u32(c.irs + d);
/** What the peer has acknowledged so far (SUT's SND.UNA). */
const UNA = (c: Ctx): number => c.sndUna;
/** Just past the SUT's advertised receive window. */
const BEYOND_WINDOW = (c: Ctx): number => u32(c.rcvNxt + c.rcvWnd + 100);

/** An ACK carrying SEQ=SND.NXT, ACK=RCV.NXT: the reply to an unacceptable segment, and the RFC 5961 challenge ACK. */
const ACK_NOW: Resp = { flags: 'ACK', seq: S(), ack: R() };
const synOpts = (c: Conn): TcpOption[] => c.synOptions();
const hasOpt = (seg: Captured | undefined, kind: TcpOption['kind']): boolean => seg?.options.some((o) => o.kind === kind) ?? false;

/** The SUT writes `n` bytes and the peer acknowledges them all: SND.UNA moves past ISS+1. */
const sutSendsAcked =
  (n: number) =>
  (c: Conn): void => {
    c.sock!.send(n);
    c.collect();
    c.sendNext({ flags: TCP_FLAG.ACK });
    c.collect();
    if (c.sndUna !== u32(c.iss + 1 + n)) throw new Error('setup: the SUT did not send its data');
  };

/** Puts 4096 bytes into a 4096-byte receive buffer the application does not read: RCV.WND = 0. */
function closeWindow(c: Conn): void {
  c.sock!.pauseReading(true);
  for (const n of [1460, 1460, 1176]) c.sendNext({ flags: TCP_FLAG.ACK, data: n });
  c.collect();
  if (c.rcvWnd !== 0) throw new Error(`setup: receive window is ${c.rcvWnd}, expected 0`);
}

// ---- the table ------------------------------------------------------------------------------

const CASES: Case[] = [
  // ==== CLOSED (RFC 9293 §3.10.7.1): no TCB; port 81 has no listener ====
  { name: 'RFC 9293 §3.10.7.1 CLOSED: SYN to a closed port → RST|ACK, seq = 0, ack = SEQ+1', state: 'CLOSED', inject: { flags: 'SYN', seq: 1000 }, resp: [{ flags: 'RST|ACK', seq: 0, ack: 1001 }], next: 'CLOSED' },
  { name: 'RFC 9293 §3.10.7.1 CLOSED: SYN with 10 data bytes → RST|ACK, ack = SEQ+SEG.LEN (11)', state: 'CLOSED', inject: { flags: 'SYN', seq: 1000, data: 10 }, resp: [{ flags: 'RST|ACK', seq: 0, ack: 1011 }], next: 'CLOSED' },
  { name: 'RFC 9293 §3.10.7.1 CLOSED: ACK → RST with seq = SEG.ACK', state: 'CLOSED', inject: { flags: 'ACK', seq: 1000, ack: 5555 }, resp: [{ flags: 'RST', seq: 5555 }], next: 'CLOSED' },
  { name: 'RFC 9293 §3.10.7.1 CLOSED: SYN|ACK → RST with seq = SEG.ACK', state: 'CLOSED', inject: { flags: 'SYN|ACK', seq: 1000, ack: 0xfffffffe }, resp: [{ flags: 'RST', seq: 0xfffffffe }], next: 'CLOSED' },
  { name: 'RFC 9293 §3.10.7.1 CLOSED: FIN|ACK → RST with seq = SEG.ACK', state: 'CLOSED', inject: { flags: 'FIN|ACK', seq: 1000, ack: 777 }, resp: [{ flags: 'RST', seq: 777 }], next: 'CLOSED' },
  { name: 'RFC 9293 §3.10.7.1 CLOSED: data without ACK → RST|ACK, ack = SEQ+SEG.LEN', state: 'CLOSED', inject: { flags: 'PSH', seq: 1000, data: 20 }, resp: [{ flags: 'RST|ACK', seq: 0, ack: 1020 }], next: 'CLOSED' },
  { name: 'RFC 9293 §3.10.7.1 CLOSED: FIN without ACK → RST|ACK, ack = SEQ+1 (FIN counts)', state: 'CLOSED', inject: { flags: 'FIN', seq: 0xffffffff }, resp: [{ flags: 'RST|ACK', seq: 0, ack: 0 }], next: 'CLOSED' },
  { name: 'RFC 9293 §3.10.7.1 CLOSED: RST → discarded, no reply', state: 'CLOSED', inject: { flags: 'RST', seq: 1000 }, resp: [], next: 'CLOSED' },
  { name: 'RFC 9293 §3.10.7.1 CLOSED: RST|ACK → discarded, no reply', state: 'CLOSED', inject: { flags: 'RST|ACK', seq: 1000, ack: 2000 }, resp: [], next: 'CLOSED' },
  { name: 'RFC 9293 §3.1 CLOSED: SYN with a bad checksum → dropped silently', state: 'CLOSED', inject: { flags: 'SYN', seq: 1000, badChecksum: true }, resp: [], next: 'CLOSED' },

  // ==== LISTEN (§3.10.7.2) ====
  {
    name: 'RFC 9293 §3.10.7.2 LISTEN: SYN → SYN|ACK with ack = SEQ+1 and an MSS option, SYN-RECEIVED',
    state: 'LISTEN',
    inject: { flags: 'SYN', options: synOpts },
    resp: [{ flags: 'SYN|ACK', ack: IRS(1) }],
    next: 'SYN-RECEIVED',
    check: (got) => expect(hasOpt(got[0], 'mss')).toBe(true),
  },
  { name: 'RFC 9293 §3.10.7.2 LISTEN: RST → ignored, stays LISTEN', state: 'LISTEN', inject: { flags: 'RST' }, resp: [], next: 'LISTEN' },
  { name: 'RFC 9293 §3.10.7.2 LISTEN: RST|ACK → ignored, stays LISTEN', state: 'LISTEN', inject: { flags: 'RST|ACK', ack: 4242 }, resp: [], next: 'LISTEN' },
  { name: 'RFC 9293 §3.10.7.2 LISTEN: ACK → RST with seq = SEG.ACK, stays LISTEN', state: 'LISTEN', inject: { flags: 'ACK', ack: 4242 }, resp: [{ flags: 'RST', seq: 4242 }], next: 'LISTEN' },
  { name: 'RFC 9293 §3.10.7.2 LISTEN: SYN|ACK → RST with seq = SEG.ACK (ACK checked before SYN)', state: 'LISTEN', inject: { flags: 'SYN|ACK', ack: 4242, options: synOpts }, resp: [{ flags: 'RST', seq: 4242 }], next: 'LISTEN' },
  { name: 'RFC 9293 §3.10.7.2 LISTEN: FIN without ACK → dropped silently', state: 'LISTEN', inject: { flags: 'FIN' }, resp: [], next: 'LISTEN' },
  { name: 'RFC 9293 §3.10.7.2 LISTEN: data without SYN or ACK → dropped silently', state: 'LISTEN', inject: { flags: 'PSH', data: 10 }, resp: [], next: 'LISTEN' },
  { name: 'RFC 9293 §3.1 LISTEN: SYN with a bad checksum → dropped, no SYN-ACK', state: 'LISTEN', inject: { flags: 'SYN', options: synOpts, badChecksum: true }, resp: [], next: 'LISTEN' },
  {
    name: 'RFC 7323 §1.3/§2.2 LISTEN: SYN without Window Scale → SYN-ACK without Window Scale',
    state: 'LISTEN',
    inject: { flags: 'SYN', options: [{ kind: 'mss', mss: 1460 }] },
    resp: [{ flags: 'SYN|ACK', ack: IRS(1) }],
    next: 'SYN-RECEIVED',
    check: (got) => expect(hasOpt(got[0], 'wscale')).toBe(false),
  },
  {
    name: 'RFC 7323 §3.2 LISTEN: SYN without Timestamps → SYN-ACK without TSopt',
    state: 'LISTEN',
    inject: { flags: 'SYN', options: [{ kind: 'mss', mss: 1460 }] },
    resp: [{ flags: 'SYN|ACK', ack: IRS(1) }],
    next: 'SYN-RECEIVED',
    check: (got) => expect(hasOpt(got[0], 'timestamps')).toBe(false),
  },
  {
    name: 'RFC 7323 §2.2 LISTEN: SYN with Window Scale → SYN-ACK with Window Scale',
    state: 'LISTEN',
    opts: { wscale: 7 },
    inject: { flags: 'SYN', options: synOpts },
    resp: [{ flags: 'SYN|ACK', ack: IRS(1) }],
    next: 'SYN-RECEIVED',
    check: (got) => expect(hasOpt(got[0], 'wscale')).toBe(true),
  },
  {
    name: 'RFC 7323 §3.2 LISTEN: SYN with TSopt → SYN-ACK with TSopt, TSecr = the SYN’s TSval',
    state: 'LISTEN',
    opts: { ts: true },
    inject: { flags: 'SYN', options: synOpts },
    resp: [{ flags: 'SYN|ACK', ack: IRS(1) }],
    next: 'SYN-RECEIVED',
    check: (got, _c, ctx) => expect(got[0]?.options.find((o) => o.kind === 'timestamps')).toMatchObject({ tsecr: ctx.tsval }),
  },

  // ==== SYN-SENT (§3.10.7.3): the SUT connected to the peer ====
  { name: 'RFC 9293 §3.10.7.3 SYN-SENT: SYN|ACK acking the SYN → ESTABLISHED, ACK seq = ISS+1, ack = SEQ+1', state: 'SYN-SENT', inject: { flags: 'SYN|ACK', ack: ISS(1), options: synOpts }, resp: [{ flags: 'ACK', seq: ISS(1), ack: IRS(1) }], next: 'ESTABLISHED', error: undefined, check: (_g, c) => expect(c.connected, 'onConnect called').toBe(true) },
  { name: 'RFC 9293 §3.10.7.3 SYN-SENT: SYN|ACK with SEG.ACK = ISS (=< ISS) → RST seq = SEG.ACK, stays SYN-SENT', state: 'SYN-SENT', inject: { flags: 'SYN|ACK', ack: ISS(0), options: synOpts }, resp: [{ flags: 'RST', seq: ISS(0) }], next: 'SYN-SENT' },
  { name: 'RFC 9293 §3.10.7.3 SYN-SENT: SYN|ACK with SEG.ACK > SND.NXT → RST seq = SEG.ACK, stays SYN-SENT', state: 'SYN-SENT', inject: { flags: 'SYN|ACK', ack: ISS(2), options: synOpts }, resp: [{ flags: 'RST', seq: ISS(2) }], next: 'SYN-SENT' },
  { name: 'RFC 9293 §3.10.7.3 SYN-SENT: bare ACK with an unacceptable ACK → RST seq = SEG.ACK', state: 'SYN-SENT', inject: { flags: 'ACK', ack: ISS(-1000) }, resp: [{ flags: 'RST', seq: ISS(-1000) }], next: 'SYN-SENT' },
  { name: 'RFC 9293 §3.10.7.3 SYN-SENT: bare ACK acking the SYN (no SYN, no RST) → dropped silently', state: 'SYN-SENT', inject: { flags: 'ACK', ack: ISS(1) }, resp: [], next: 'SYN-SENT' },
  { name: 'RFC 9293 §3.10.7.3 SYN-SENT: RST|ACK acking the SYN → connection refused, CLOSED', state: 'SYN-SENT', inject: { flags: 'RST|ACK', seq: 0, ack: ISS(1) }, resp: [], next: 'CLOSED', error: 'ECONNREFUSED' },
  { name: 'RFC 9293 §3.10.7.3 SYN-SENT: RST without ACK → dropped, stays SYN-SENT', state: 'SYN-SENT', inject: { flags: 'RST', seq: 0 }, resp: [], next: 'SYN-SENT' },
  { name: 'RFC 9293 §3.10.7.3 / RFC 5961 §3.2 SYN-SENT: RST|ACK with an unacceptable ACK → dropped, stays SYN-SENT', state: 'SYN-SENT', inject: { flags: 'RST|ACK', seq: 0, ack: ISS(5) }, resp: [], next: 'SYN-SENT' },
  { name: 'RFC 9293 §3.5 simultaneous open: SYN-SENT + SYN → SYN-RECEIVED, SYN|ACK seq = ISS, ack = SEQ+1', state: 'SYN-SENT', inject: { flags: 'SYN', options: synOpts }, resp: [{ flags: 'SYN|ACK', seq: ISS(0), ack: IRS(1) }], next: 'SYN-RECEIVED' },
  {
    name: 'RFC 9293 §3.10.7.3 SYN-SENT: SYN|ACK carrying data → ESTABLISHED, data delivered, ACK = SEQ+1+LEN',
    state: 'SYN-SENT',
    inject: { flags: 'SYN|ACK', ack: ISS(1), options: synOpts, data: 10 },
    resp: [{ flags: 'ACK', seq: ISS(1), ack: IRS(11) }],
    next: 'ESTABLISHED',
    delivered: 10,
  },
  {
    name: 'RFC 9293 §3.10.7.3 SYN-SENT: SYN|ACK|FIN → ESTABLISHED then CLOSE-WAIT, ACK = SEQ+2',
    state: 'SYN-SENT',
    inject: { flags: 'SYN|ACK|FIN', ack: ISS(1), options: synOpts },
    resp: [{ flags: 'ACK', seq: ISS(1), ack: IRS(2) }],
    next: 'CLOSE-WAIT',
  },
  { name: 'RFC 9293 §3.10.7.3 SYN-SENT: FIN without ACK → dropped, stays SYN-SENT', state: 'SYN-SENT', inject: { flags: 'FIN' }, resp: [], next: 'SYN-SENT' },
  { name: 'RFC 9293 §3.1 SYN-SENT: SYN|ACK with a bad checksum → dropped, stays SYN-SENT', state: 'SYN-SENT', inject: { flags: 'SYN|ACK', ack: ISS(1), options: synOpts, badChecksum: true }, resp: [], next: 'SYN-SENT' },
  {
    name: 'RFC 7323 §3.2 SYN-SENT: SYN|ACK without TSopt → no TSopt on the SUT’s ACK',
    state: 'SYN-SENT',
    inject: { flags: 'SYN|ACK', ack: ISS(1), options: [{ kind: 'mss', mss: 1460 }] },
    resp: [{ flags: 'ACK', seq: ISS(1), ack: IRS(1) }],
    next: 'ESTABLISHED',
    check: (got) => expect(hasOpt(got[0], 'timestamps')).toBe(false),
  },
  {
    name: 'RFC 7323 §2.2 SYN-SENT: SYN|ACK without Window Scale → the SUT’s window field is unscaled (65535 for a 6 MB buffer)',
    state: 'SYN-SENT',
    inject: { flags: 'SYN|ACK', ack: ISS(1), options: [{ kind: 'mss', mss: 1460 }] },
    resp: [{ flags: 'ACK', seq: ISS(1), ack: IRS(1) }],
    next: 'ESTABLISHED',
    check: (got) => expect(got[0]?.window).toBe(65535),
  },
  {
    name: 'RFC 7323 §2.3 SYN-SENT: SYN|ACK with Window Scale → the SUT’s ACK window field is right-shifted by its own shift',
    state: 'SYN-SENT',
    opts: { wscale: 2 },
    inject: { flags: 'SYN|ACK', ack: ISS(1), options: synOpts },
    resp: [{ flags: 'ACK', seq: ISS(1), ack: IRS(1) }],
    next: 'ESTABLISHED',
    check: (got, c) => {
      expect(c.sutWscale).toBeGreaterThan(0);
      expect(got[0]!.window).toBeLessThan(65535);
      expect(got[0]!.window * 2 ** c.sutWscale).toBeGreaterThan(65535);
    },
  },

  // ==== SYN-RECEIVED (§3.10.7.4), passive open ====
  { name: 'RFC 9293 §3.10.7.4 SYN-RECEIVED: ACK acking the SYN-ACK → ESTABLISHED, no reply', state: 'SYN-RECEIVED', inject: { flags: 'ACK' }, resp: [], next: 'ESTABLISHED' },
  { name: 'RFC 9293 §3.10.7.4 SYN-RECEIVED: ACK > SND.NXT → RST seq = SEG.ACK, stays SYN-RECEIVED', state: 'SYN-RECEIVED', inject: { flags: 'ACK', ack: ISS(100) }, resp: [{ flags: 'RST', seq: ISS(100) }], next: 'SYN-RECEIVED' },
  { name: 'RFC 9293 §3.10.7.4 SYN-RECEIVED: ACK = SND.UNA (not > SND.UNA) → RST seq = SEG.ACK, stays SYN-RECEIVED', state: 'SYN-RECEIVED', inject: { flags: 'ACK', ack: ISS(0) }, resp: [{ flags: 'RST', seq: ISS(0) }], next: 'SYN-RECEIVED' },
  { name: 'RFC 9293 §3.10.7.4 SYN-RECEIVED (passive): RST with SEQ = RCV.NXT → back to LISTEN, no reply', state: 'SYN-RECEIVED', inject: { flags: 'RST' }, resp: [], next: 'LISTEN' },
  { name: 'RFC 5961 §3.2 SYN-RECEIVED: in-window RST with inexact seq → challenge ACK, stays SYN-RECEIVED', state: 'SYN-RECEIVED', inject: { flags: 'RST', seq: R(10) }, resp: [ACK_NOW], next: 'SYN-RECEIVED' },
  { name: 'RFC 9293 §3.10.7.4 SYN-RECEIVED: out-of-window RST → dropped silently', state: 'SYN-RECEIVED', inject: { flags: 'RST', seq: BEYOND_WINDOW }, resp: [], next: 'SYN-RECEIVED' },
  { name: 'RFC 9293 §3.10.7.4 SYN-RECEIVED: retransmitted SYN (SEQ = IRS) → SYN|ACK retransmitted, stays SYN-RECEIVED', state: 'SYN-RECEIVED', inject: { flags: 'SYN', seq: IRS(0), options: synOpts }, resp: [{ flags: 'SYN|ACK', seq: ISS(0), ack: IRS(1) }], next: 'SYN-RECEIVED' },
  {
    name: 'RFC 9293 §3.10.7.4 (fourth) SYN-RECEIVED (passive): in-window SYN with a new ISN → connection returns to LISTEN',
    state: 'SYN-RECEIVED',
    inject: { flags: 'SYN', seq: R(1000), options: synOpts },
    resp: 'any',
    next: 'LISTEN',
  },
  { name: 'RFC 9293 §3.10.7.4 SYN-RECEIVED: FIN|ACK acking the SYN-ACK → ESTABLISHED then CLOSE-WAIT, ACK = SEQ+1', state: 'SYN-RECEIVED', inject: { flags: 'FIN|ACK' }, resp: [{ flags: 'ACK', seq: ISS(1), ack: R(1) }], next: 'CLOSE-WAIT' },
  { name: 'RFC 9293 §3.10.7.4 SYN-RECEIVED: FIN without ACK → dropped (ACK bit off), stays SYN-RECEIVED', state: 'SYN-RECEIVED', inject: { flags: 'FIN' }, resp: [], next: 'SYN-RECEIVED' },
  { name: 'RFC 9293 §3.10.7.4 SYN-RECEIVED: data with an acceptable ACK → ESTABLISHED, data delivered and ACKed', state: 'SYN-RECEIVED', inject: { flags: 'ACK|PSH', data: 100 }, resp: [{ flags: 'ACK', seq: ISS(1), ack: R(100) }], next: 'ESTABLISHED', delivered: 100 },
  { name: 'RFC 9293 §3.10.7.4 SYN-RECEIVED: data beyond the window → ACK (SEQ = SND.NXT, ACK = RCV.NXT), stays SYN-RECEIVED', state: 'SYN-RECEIVED', inject: { flags: 'ACK', seq: BEYOND_WINDOW, data: 10 }, resp: [ACK_NOW], next: 'SYN-RECEIVED' },
  { name: 'RFC 9293 §3.1 SYN-RECEIVED: the handshake ACK with a bad checksum → dropped, stays SYN-RECEIVED', state: 'SYN-RECEIVED', inject: { flags: 'ACK', badChecksum: true }, resp: [], next: 'SYN-RECEIVED' },

  // ==== SYN-RECEIVED after a simultaneous open (§3.5 figure 7) ====
  {
    name: 'RFC 9293 §3.5 figure 7 simultaneous open: SYN-RECEIVED + SYN|ACK acking our SYN → ESTABLISHED',
    state: 'SYN-RECEIVED (active)',
    inject: { flags: 'SYN|ACK', seq: IRS(0), ack: ISS(1), options: synOpts },
    resp: 'any',
    next: 'ESTABLISHED',
  },
  { name: 'RFC 9293 §3.5 simultaneous open: SYN-RECEIVED + ACK acking our SYN → ESTABLISHED', state: 'SYN-RECEIVED (active)', inject: { flags: 'ACK', ack: ISS(1) }, resp: [], next: 'ESTABLISHED' },
  {
    name: 'RFC 9293 §3.10.1 simultaneous open: reaching ESTABLISHED from SYN-RECEIVED completes the user’s active OPEN (connect callback)',
    state: 'SYN-RECEIVED (active)',
    inject: { flags: 'ACK', ack: ISS(1) },
    resp: [],
    next: 'ESTABLISHED',
    check: (_g, c) => expect(c.connected, 'onConnect called').toBe(true),
  },
  { name: 'RFC 9293 §3.10.7.4 SYN-RECEIVED (active): RST with SEQ = RCV.NXT → connection refused, CLOSED', state: 'SYN-RECEIVED (active)', inject: { flags: 'RST' }, resp: [], next: 'CLOSED', error: 'ECONNREFUSED' },

  // ==== ESTABLISHED ====
  { name: 'RFC 9293 §3.10.7.4 ESTABLISHED: acceptable pure ACK → no reply', state: 'ESTABLISHED', inject: { flags: 'ACK' }, resp: [], next: 'ESTABLISHED' },
  { name: 'RFC 9293 §3.10.7.4 ESTABLISHED: ACK of data never sent (SEG.ACK > SND.NXT) → ACK, segment dropped', state: 'ESTABLISHED', inject: { flags: 'ACK', ack: S(1000) }, resp: [ACK_NOW], next: 'ESTABLISHED' },
  { name: 'RFC 9293 §3.10.7.4 ESTABLISHED: ACK of unsent data with payload → ACK, payload not delivered', state: 'ESTABLISHED', inject: { flags: 'ACK|PSH', ack: S(1000), data: 50 }, resp: [ACK_NOW], next: 'ESTABLISHED', delivered: 0 },
  { name: 'RFC 9293 §3.10.7.4 ESTABLISHED: in-window in-order data → delivered, ACK = SEQ+LEN (delayed ≤ 100 ms)', state: 'ESTABLISHED', inject: { flags: 'ACK|PSH', data: 100 }, resp: [{ flags: 'ACK', seq: S(), ack: R(100) }], next: 'ESTABLISHED', delivered: 100 },
  { name: 'RFC 9293 §3.10.7.4 ESTABLISHED: data wholly left of RCV.NXT (old duplicate) → ACK, nothing delivered', state: 'ESTABLISHED', inject: { flags: 'ACK', seq: R(-100), data: 50 }, resp: [ACK_NOW], next: 'ESTABLISHED', delivered: 0 },
  { name: 'RFC 9293 §3.10.7.4 ESTABLISHED: data overlapping RCV.NXT → only the new part delivered, ACK = RCV.NXT+new', state: 'ESTABLISHED', inject: { flags: 'ACK|PSH', seq: R(-10), data: 30 }, resp: [{ flags: 'ACK', seq: S(), ack: R(20) }], next: 'ESTABLISHED', delivered: 20 },
  { name: 'RFC 9293 §3.10.7.4 ESTABLISHED: data right of the window → ACK, nothing delivered', state: 'ESTABLISHED', inject: { flags: 'ACK', seq: BEYOND_WINDOW, data: 10 }, resp: [ACK_NOW], next: 'ESTABLISHED', delivered: 0 },
  { name: 'RFC 5681 §4.2 ESTABLISHED: out-of-order in-window data → immediate duplicate ACK (ACK = RCV.NXT)', state: 'ESTABLISHED', inject: { flags: 'ACK', seq: R(100), data: 10 }, resp: [ACK_NOW], next: 'ESTABLISHED', delivered: 0, within: 1e6 },
  {
    name: 'RFC 9293 §3.10.7.4 ESTABLISHED: out-of-order data, then the hole filled → both delivered, cumulative ACK',
    state: 'ESTABLISHED',
    inject: [
      { flags: 'ACK', seq: R(10), data: 10 },
      { flags: 'ACK', seq: R(0), data: 10 },
    ],
    resp: [ACK_NOW, { flags: 'ACK', seq: S(), ack: R(20) }],
    next: 'ESTABLISHED',
    delivered: 20,
  },
  {
    name: 'RFC 9293 §3.10.7.4 ESTABLISHED: data+FIN beyond a hole, then the hole filled → all delivered, FIN processed, CLOSE-WAIT',
    state: 'ESTABLISHED',
    inject: [
      { flags: 'FIN|ACK', seq: R(10), data: 10 },
      { flags: 'ACK', seq: R(0), data: 10 },
    ],
    resp: [ACK_NOW, { flags: 'ACK', seq: S(), ack: R(21) }],
    next: 'CLOSE-WAIT',
    delivered: 20,
  },
  { name: 'RFC 9293 §3.10.7.4 ESTABLISHED: data without the ACK bit → dropped silently', state: 'ESTABLISHED', inject: { flags: 'PSH', data: 10 }, resp: [], next: 'ESTABLISHED', delivered: 0 },
  { name: 'RFC 9293 §3.1 ESTABLISHED: data with a bad checksum → dropped silently, nothing delivered', state: 'ESTABLISHED', inject: { flags: 'ACK|PSH', data: 10, badChecksum: true }, resp: [], next: 'ESTABLISHED', delivered: 0 },
  { name: 'RFC 9293 §3.10.7.4 ESTABLISHED: FIN → ACK = SEQ+1, CLOSE-WAIT', state: 'ESTABLISHED', inject: { flags: 'FIN|ACK' }, resp: [{ flags: 'ACK', seq: S(), ack: R(1) }], next: 'CLOSE-WAIT', check: (_g, c) => expect(c.eof).toBe(true) },
  { name: 'RFC 9293 §3.10.7.4 ESTABLISHED: data+FIN → data delivered, ACK = SEQ+LEN+1, CLOSE-WAIT', state: 'ESTABLISHED', inject: { flags: 'FIN|ACK|PSH', data: 40 }, resp: [{ flags: 'ACK', seq: S(), ack: R(41) }], next: 'CLOSE-WAIT', delivered: 40 },
  {
    name: 'RFC 5681 §4.2 ESTABLISHED: out-of-order FIN (beyond a hole) → immediate duplicate ACK, stays ESTABLISHED',
    state: 'ESTABLISHED',
    inject: { flags: 'FIN|ACK', seq: R(100) },
    resp: [ACK_NOW],
    next: 'ESTABLISHED',
    within: 1e6,
  },
  { name: 'RFC 9293 §3.10.7.4 ESTABLISHED: RST with SEQ = RCV.NXT → CLOSED, "connection reset"', state: 'ESTABLISHED', inject: { flags: 'RST' }, resp: [], next: 'CLOSED', error: 'ECONNRESET' },
  { name: 'RFC 9293 §3.10.7.4 ESTABLISHED: RST|ACK with SEQ = RCV.NXT → CLOSED, "connection reset"', state: 'ESTABLISHED', inject: { flags: 'RST|ACK' }, resp: [], next: 'CLOSED', error: 'ECONNRESET' },
  { name: 'RFC 5961 §3.2 ESTABLISHED: in-window RST with inexact seq → challenge ACK, stays ESTABLISHED', state: 'ESTABLISHED', inject: { flags: 'RST', seq: R(1) }, resp: [ACK_NOW], next: 'ESTABLISHED' },
  { name: 'RFC 5961 §3.2 ESTABLISHED: in-window RST at the far end of the window → challenge ACK', state: 'ESTABLISHED', inject: { flags: 'RST|ACK', seq: (c) => u32(c.rcvNxt + c.rcvWnd - 1) }, resp: [ACK_NOW], next: 'ESTABLISHED' },
  { name: 'RFC 5961 §3.2 ESTABLISHED: RST right of the window → dropped silently', state: 'ESTABLISHED', inject: { flags: 'RST', seq: BEYOND_WINDOW }, resp: [], next: 'ESTABLISHED' },
  { name: 'RFC 5961 §3.2 ESTABLISHED: RST left of the window (SEQ = RCV.NXT-1) → dropped silently', state: 'ESTABLISHED', inject: { flags: 'RST', seq: R(-1) }, resp: [], next: 'ESTABLISHED' },
  { name: 'RFC 9293 §3.1 ESTABLISHED: exact RST with a bad checksum → ignored', state: 'ESTABLISHED', inject: { flags: 'RST', badChecksum: true }, resp: [], next: 'ESTABLISHED' },
  { name: 'RFC 5961 §4.2 ESTABLISHED: in-window SYN → challenge ACK, stays ESTABLISHED', state: 'ESTABLISHED', inject: { flags: 'SYN', seq: R(1), options: synOpts }, resp: [ACK_NOW], next: 'ESTABLISHED' },
  { name: 'RFC 5961 §4.2 ESTABLISHED: out-of-window SYN → ACK (irrespective of the sequence number), stays ESTABLISHED', state: 'ESTABLISHED', inject: { flags: 'SYN', seq: R(0x40000000), options: synOpts }, resp: [ACK_NOW], next: 'ESTABLISHED' },
  { name: 'RFC 9293 §3.10.7.4 ESTABLISHED: old duplicate SYN|ACK (SEQ = IRS) → ACK, stays ESTABLISHED', state: 'ESTABLISHED (active)', inject: { flags: 'SYN|ACK', seq: IRS(0), ack: ISS(1), options: synOpts }, resp: [ACK_NOW], next: 'ESTABLISHED' },
  {
    name: 'RFC 9293 §3.10.7.4 ESTABLISHED, RCV.WND = 0: a one-byte window probe is not acceptable → ACK = RCV.NXT (window 0)',
    state: 'ESTABLISHED',
    opts: { sut: { rcvbuf: 4096 } },
    prep: closeWindow,
    inject: { flags: 'ACK', data: 1 },
    resp: [ACK_NOW],
    next: 'ESTABLISHED',
    check: (got) => expect(got[0]?.window).toBe(0),
  },
  { name: 'RFC 9293 §3.10.7.4 ESTABLISHED, RCV.WND = 0: a pure ACK with SEQ = RCV.NXT is acceptable → no reply', state: 'ESTABLISHED', opts: { sut: { rcvbuf: 4096 } }, prep: closeWindow, inject: { flags: 'ACK' }, resp: [], next: 'ESTABLISHED' },
  { name: 'RFC 9293 §3.10.7.4 ESTABLISHED, RCV.WND = 0: RST with SEQ = RCV.NXT still resets', state: 'ESTABLISHED', opts: { sut: { rcvbuf: 4096 } }, prep: closeWindow, inject: { flags: 'RST' }, resp: [], next: 'CLOSED', error: 'ECONNRESET' },
  {
    name: 'RFC 1122 §4.2.3.3 ESTABLISHED: when the application drains a closed receive window, the SUT announces the reopened window',
    state: 'ESTABLISHED',
    opts: { sut: { rcvbuf: 4096 } },
    prep: closeWindow,
    inject: [],
    after: (c) => c.sock!.pauseReading(false),
    resp: [ACK_NOW],
    next: 'ESTABLISHED',
    delivered: 4096,
    check: (got) => expect(got[0]?.window).toBe(4096),
  },
  { name: 'RFC 1122 §4.2.3.6 ESTABLISHED: a keep-alive probe (SEQ = RCV.NXT−1, no data) → ACK', state: 'ESTABLISHED', inject: { flags: 'ACK', seq: R(-1) }, resp: [ACK_NOW], next: 'ESTABLISHED', within: 1e6 },
  { name: 'RFC 1122 §4.2.3.6 ESTABLISHED: a BSD-style keep-alive probe (SEQ = RCV.NXT−1, one garbage byte) → ACK, nothing delivered', state: 'ESTABLISHED', inject: { flags: 'ACK', seq: R(-1), data: 1 }, resp: [ACK_NOW], next: 'ESTABLISHED', delivered: 0, within: 1e6 },
  {
    name: 'RFC 9293 §3.5.1 / RFC 5961 §4 ESTABLISHED half-open recovery: SYN → challenge ACK → RST with SEQ = its ACK → CLOSED',
    state: 'ESTABLISHED',
    inject: [
      { flags: 'SYN', seq: R(0x40000000), options: synOpts },
      { flags: 'RST', seq: R() },
    ],
    resp: [ACK_NOW],
    next: 'CLOSED',
    error: 'ECONNRESET',
  },
  {
    name: 'RFC 9293 §3.10.7.4 ESTABLISHED: data straddling the right window edge → only the in-window part accepted, ACK = right edge',
    state: 'ESTABLISHED',
    opts: { sut: { rcvbuf: 4096 } },
    prep: (c) => c.sock!.pauseReading(true),
    inject: [
      { flags: 'ACK', data: 1460 },
      { flags: 'ACK', seq: R(1460), data: 1460 },
      { flags: 'ACK', seq: R(2920), data: 1460 },
    ],
    resp: [
      { flags: 'ACK', seq: S(), ack: R(2920) },
      { flags: 'ACK', seq: S(), ack: (c) => u32(c.rcvNxt + c.rcvWnd) },
    ],
    next: 'ESTABLISHED',
    check: (got, _c, ctx) => {
      expect(ctx.rcvWnd).toBe(4096);
      expect(got[1]?.window).toBe(0);
    },
  },
  {
    name: 'RFC 9293 §3.10.7.4 ESTABLISHED: an old ACK (SEG.ACK < SND.UNA) is ignored but its data is processed',
    state: 'ESTABLISHED',
    prep: sutSendsAcked(100),
    inject: { flags: 'ACK|PSH', ack: ISS(1), data: 10 },
    resp: [{ flags: 'ACK', seq: S(), ack: R(10) }],
    next: 'ESTABLISHED',
    delivered: 10,
  },
  {
    name: 'RFC 9293 §3.10.7.4 ESTABLISHED: a segment with SEG.SEQ = SND.WL1 and SEG.ACK < SND.WL2 does not update the send window',
    state: 'ESTABLISHED',
    prep: sutSendsAcked(100),
    inject: { flags: 'ACK', ack: ISS(51), window: 0 },
    after: (c) => {
      c.sock!.send(1000);
    },
    resp: [{ flags: 'ACK', seq: S(), ack: R(), data: 1000 }],
    next: 'ESTABLISHED',
  },
  {
    name: 'RFC 9293 §3.7.1 ESTABLISHED: no MSS option in the SYN → the SUT assumes 536 and sends no larger segment',
    state: 'ESTABLISHED',
    opts: { mss: null },
    inject: { flags: 'ACK' },
    after: (c) => {
      c.sock!.send(1000);
    },
    resp: [{ flags: 'ACK', seq: S(), ack: R(), data: 536 }],
    next: 'ESTABLISHED',
  },
  {
    name: 'RFC 9293 §3.7.1 ESTABLISHED: the SUT’s segments respect the peer’s MSS (1000)',
    state: 'ESTABLISHED',
    opts: { mss: 1000 },
    inject: { flags: 'ACK' },
    after: (c) => {
      c.sock!.send(3000);
    },
    resp: [0, 1000, 2000].map((off) => ({ flags: 'ACK', seq: S(off), ack: R(), data: 1000 })),
    next: 'ESTABLISHED',
  },
  {
    name: 'RFC 6928 ESTABLISHED: the initial window is 10 segments — ten MSS-sized segments sent before any ACK',
    state: 'ESTABLISHED',
    inject: { flags: 'ACK' },
    after: (c) => {
      c.sock!.send(30000);
    },
    resp: Array.from({ length: 10 }, (_, i) => ({ flags: 'ACK', seq: S(1460 * i), ack: R(), data: 1460 })),
    next: 'ESTABLISHED',
  },
  {
    name: 'RFC 1122 §4.2.3.4 (Nagle) ESTABLISHED: a second small write waits while the first is unacknowledged',
    state: 'ESTABLISHED',
    inject: { flags: 'ACK' },
    after: (c) => {
      c.sock!.send(10);
      c.w.run(1e6);
      c.sock!.send(10);
    },
    resp: [{ flags: 'ACK', seq: S(), ack: R(), data: 10 }],
    next: 'ESTABLISHED',
  },
  {
    name: 'RFC 2018 §4 ESTABLISHED (SACK): the duplicate ACK for out-of-order data carries a SACK block for it',
    state: 'ESTABLISHED',
    opts: { sack: true },
    inject: { flags: 'ACK', seq: R(100), data: 10 },
    resp: [ACK_NOW],
    next: 'ESTABLISHED',
    within: 1e6,
    check: (got, _c, ctx) => expect(got[0]?.options.find((o) => o.kind === 'sack')).toEqual({ kind: 'sack', blocks: [[u32(ctx.rcvNxt + 100), u32(ctx.rcvNxt + 110)]] }),
  },
  {
    name: 'RFC 7323 §3.2 ESTABLISHED (timestamps): a non-RST segment without TSopt → silently dropped (SHOULD)',
    state: 'ESTABLISHED',
    opts: { ts: true },
    inject: { flags: 'ACK|PSH', data: 10, options: [] },
    resp: [],
    next: 'ESTABLISHED',
    delivered: 0,
  },
  {
    name: 'RFC 7323 §2.3 ESTABLISHED: the peer’s window field is scaled by its shift (100 << 2 = 400 bytes sendable)',
    state: 'ESTABLISHED',
    opts: { wscale: 2 },
    inject: { flags: 'ACK', window: 100 },
    after: (c) => {
      c.sock!.send(1000);
    },
    resp: [{ flags: 'ACK', seq: S(), ack: R(), data: 400 }],
    next: 'ESTABLISHED',
  },
  {
    name: 'RFC 7323 §4.3 ESTABLISHED: the ACK of in-sequence data echoes its TSval in TSecr',
    state: 'ESTABLISHED',
    opts: { ts: true },
    inject: { flags: 'ACK|PSH', data: 10 },
    resp: [{ flags: 'ACK', seq: S(), ack: R(10) }],
    next: 'ESTABLISHED',
    delivered: 10,
    check: (got, _c, ctx) => expect(got[0]?.options.find((o) => o.kind === 'timestamps')).toMatchObject({ tsecr: ctx.tsval }),
  },
  {
    name: 'RFC 7323 §4.3 ESTABLISHED: an out-of-order segment does not update TS.Recent — the duplicate ACK echoes the older TSval',
    state: 'ESTABLISHED',
    opts: { ts: true },
    inject: { flags: 'ACK', seq: R(100), data: 10 },
    resp: [ACK_NOW],
    next: 'ESTABLISHED',
    within: 1e6,
    check: (got, _c, ctx) => expect(got[0]?.options.find((o) => o.kind === 'timestamps')).toMatchObject({ tsecr: ctx.tsval - 1 }),
  },
  { name: 'RFC 7323 §5.3 ESTABLISHED: PAWS — data with TSval older than TS.Recent → ACK, not delivered', state: 'ESTABLISHED', opts: { ts: true }, inject: { flags: 'ACK|PSH', data: 10, tsval: (c) => c.tsval - 1000 }, resp: [ACK_NOW], next: 'ESTABLISHED', delivered: 0 },
  { name: 'RFC 7323 §5.3 (R1) ESTABLISHED: PAWS does not apply to RST — exact RST with an old TSval resets', state: 'ESTABLISHED', opts: { ts: true }, inject: { flags: 'RST', tsval: (c) => c.tsval - 1000 }, resp: [], next: 'CLOSED', error: 'ECONNRESET' },

  // ==== FIN-WAIT-1: the SUT sent FIN, not yet acknowledged ====
  { name: 'RFC 9293 §3.10.7.4 FIN-WAIT-1: ACK of our FIN → FIN-WAIT-2, no reply', state: 'FIN-WAIT-1', inject: { flags: 'ACK' }, resp: [], next: 'FIN-WAIT-2' },
  { name: 'RFC 9293 §3.10.7.4 FIN-WAIT-1: ACK not covering our FIN → stays FIN-WAIT-1', state: 'FIN-WAIT-1', inject: { flags: 'ACK', ack: UNA }, resp: [], next: 'FIN-WAIT-1' },
  { name: 'RFC 9293 §3.6 simultaneous close: FIN-WAIT-1 + FIN (our FIN unacked) → CLOSING, ACK = SEQ+1', state: 'FIN-WAIT-1', inject: { flags: 'FIN|ACK', ack: UNA }, resp: [{ flags: 'ACK', seq: S(), ack: R(1) }], next: 'CLOSING' },
  { name: 'RFC 9293 §3.10.7.4 FIN-WAIT-1: FIN|ACK acking our FIN → TIME-WAIT, ACK = SEQ+1', state: 'FIN-WAIT-1', inject: { flags: 'FIN|ACK' }, resp: [{ flags: 'ACK', seq: S(), ack: R(1) }], next: 'TIME-WAIT' },
  { name: 'RFC 9293 §3.10.7.4 FIN-WAIT-1: in-window data → delivered and ACKed (half-close)', state: 'FIN-WAIT-1', inject: { flags: 'ACK|PSH', ack: UNA, data: 100 }, resp: [{ flags: 'ACK', seq: S(), ack: R(100) }], next: 'FIN-WAIT-1', delivered: 100 },
  { name: 'RFC 9293 §3.10.7.4 FIN-WAIT-1: RST with SEQ = RCV.NXT → CLOSED, "connection reset"', state: 'FIN-WAIT-1', inject: { flags: 'RST' }, resp: [], next: 'CLOSED', error: 'ECONNRESET' },
  { name: 'RFC 5961 §3.2 FIN-WAIT-1: in-window RST with inexact seq → challenge ACK (SEQ = SND.NXT after the FIN)', state: 'FIN-WAIT-1', inject: { flags: 'RST', seq: R(5) }, resp: [ACK_NOW], next: 'FIN-WAIT-1' },
  { name: 'RFC 5961 §4.2 FIN-WAIT-1: SYN → challenge ACK', state: 'FIN-WAIT-1', inject: { flags: 'SYN', seq: R(5), options: synOpts }, resp: [ACK_NOW], next: 'FIN-WAIT-1' },
  { name: 'RFC 9293 §3.10.7.4 FIN-WAIT-1: ACK beyond our FIN (SEG.ACK > SND.NXT) → ACK, stays FIN-WAIT-1', state: 'FIN-WAIT-1', inject: { flags: 'ACK', ack: S(10) }, resp: [ACK_NOW], next: 'FIN-WAIT-1' },

  // ==== FIN-WAIT-2 ====
  { name: 'RFC 9293 §3.10.7.4 FIN-WAIT-2: FIN → ACK = SEQ+1, TIME-WAIT', state: 'FIN-WAIT-2', inject: { flags: 'FIN|ACK' }, resp: [{ flags: 'ACK', seq: S(), ack: R(1) }], next: 'TIME-WAIT' },
  { name: 'RFC 9293 §3.10.7.4 FIN-WAIT-2: in-window data → delivered and ACKed', state: 'FIN-WAIT-2', inject: { flags: 'ACK|PSH', data: 100 }, resp: [{ flags: 'ACK', seq: S(), ack: R(100) }], next: 'FIN-WAIT-2', delivered: 100 },
  { name: 'RFC 9293 §3.10.7.4 FIN-WAIT-2: data+FIN → delivered, ACK = SEQ+LEN+1, TIME-WAIT', state: 'FIN-WAIT-2', inject: { flags: 'FIN|ACK|PSH', data: 100 }, resp: [{ flags: 'ACK', seq: S(), ack: R(101) }], next: 'TIME-WAIT', delivered: 100 },
  { name: 'RFC 9293 §3.10.7.4 FIN-WAIT-2: data right of the window → ACK, not delivered', state: 'FIN-WAIT-2', inject: { flags: 'ACK', seq: BEYOND_WINDOW, data: 10 }, resp: [ACK_NOW], next: 'FIN-WAIT-2', delivered: 0 },
  { name: 'RFC 9293 §3.10.7.4 FIN-WAIT-2: RST with SEQ = RCV.NXT → CLOSED, "connection reset"', state: 'FIN-WAIT-2', inject: { flags: 'RST' }, resp: [], next: 'CLOSED', error: 'ECONNRESET' },
  { name: 'RFC 5961 §3.2 FIN-WAIT-2: in-window RST with inexact seq → challenge ACK', state: 'FIN-WAIT-2', inject: { flags: 'RST', seq: R(7) }, resp: [ACK_NOW], next: 'FIN-WAIT-2' },
  { name: 'RFC 5961 §4.2 FIN-WAIT-2: SYN → challenge ACK', state: 'FIN-WAIT-2', inject: { flags: 'SYN', seq: R(7), options: synOpts }, resp: [ACK_NOW], next: 'FIN-WAIT-2' },
  { name: 'RFC 9293 §3.10.7.4 FIN-WAIT-2: ACK of data never sent → ACK', state: 'FIN-WAIT-2', inject: { flags: 'ACK', ack: S(10) }, resp: [ACK_NOW], next: 'FIN-WAIT-2' },

  // ==== CLOSING ====
  { name: 'RFC 9293 §3.10.7.4 CLOSING: ACK of our FIN → TIME-WAIT, no reply', state: 'CLOSING', inject: { flags: 'ACK' }, resp: [], next: 'TIME-WAIT' },
  { name: 'RFC 9293 §3.10.7.4 CLOSING: ACK not covering our FIN → stays CLOSING', state: 'CLOSING', inject: { flags: 'ACK', ack: UNA }, resp: [], next: 'CLOSING' },
  { name: 'RFC 9293 §3.10.7.4 CLOSING: retransmitted FIN → ACK, stays CLOSING', state: 'CLOSING', inject: { flags: 'FIN|ACK', seq: R(-1), ack: UNA }, resp: [ACK_NOW], next: 'CLOSING' },
  { name: 'RFC 9293 §3.10.7.4 CLOSING: RST with SEQ = RCV.NXT → CLOSED', state: 'CLOSING', inject: { flags: 'RST' }, resp: [], next: 'CLOSED' },
  { name: 'RFC 5961 §3.2 CLOSING: in-window RST with inexact seq → challenge ACK', state: 'CLOSING', inject: { flags: 'RST', seq: R(3) }, resp: [ACK_NOW], next: 'CLOSING' },
  { name: 'RFC 5961 §4.2 CLOSING: SYN → challenge ACK', state: 'CLOSING', inject: { flags: 'SYN', seq: R(3), options: synOpts }, resp: [ACK_NOW], next: 'CLOSING' },

  // ==== TIME-WAIT ====
  { name: 'RFC 9293 §3.10.7.4 TIME-WAIT: retransmitted FIN → ACK, stays TIME-WAIT (2·MSL restarted, see the timed tests)', state: 'TIME-WAIT', inject: { flags: 'FIN|ACK', seq: R(-1) }, resp: [ACK_NOW], next: 'TIME-WAIT' },
  { name: 'RFC 9293 §3.10.7.4 TIME-WAIT: pure ACK → no reply, stays TIME-WAIT', state: 'TIME-WAIT', inject: { flags: 'ACK' }, resp: [], next: 'TIME-WAIT' },
  { name: 'RFC 9293 §3.10.7.4 TIME-WAIT: RST with SEQ = RCV.NXT → CLOSED', state: 'TIME-WAIT', inject: { flags: 'RST' }, resp: [], next: 'CLOSED' },
  { name: 'RFC 5961 §3.2 TIME-WAIT: in-window RST with inexact seq → challenge ACK, stays TIME-WAIT', state: 'TIME-WAIT', inject: { flags: 'RST', seq: R(9) }, resp: [ACK_NOW], next: 'TIME-WAIT' },
  { name: 'RFC 9293 §3.10.7.4 TIME-WAIT: out-of-window RST → dropped silently', state: 'TIME-WAIT', inject: { flags: 'RST', seq: BEYOND_WINDOW }, resp: [], next: 'TIME-WAIT' },
  { name: 'RFC 5961 §4.2 TIME-WAIT: in-window SYN (no timestamps) → challenge ACK, stays TIME-WAIT', state: 'TIME-WAIT', inject: { flags: 'SYN', seq: R(9), options: synOpts }, resp: [ACK_NOW], next: 'TIME-WAIT' },

  // ==== CLOSE-WAIT: the peer closed ====
  { name: 'RFC 9293 §3.10.7.4 CLOSE-WAIT: retransmitted FIN → ACK, stays CLOSE-WAIT', state: 'CLOSE-WAIT', inject: { flags: 'FIN|ACK', seq: R(-1) }, resp: [ACK_NOW], next: 'CLOSE-WAIT' },
  { name: 'RFC 9293 §3.10.7.4 CLOSE-WAIT: data after the FIN → segment text ignored (not delivered)', state: 'CLOSE-WAIT', inject: { flags: 'ACK|PSH', data: 10 }, resp: 'any', next: 'CLOSE-WAIT', delivered: 0 },
  { name: 'RFC 9293 §3.10.7.4 CLOSE-WAIT: RST with SEQ = RCV.NXT → CLOSED, "connection reset"', state: 'CLOSE-WAIT', inject: { flags: 'RST' }, resp: [], next: 'CLOSED', error: 'ECONNRESET' },
  { name: 'RFC 5961 §3.2 CLOSE-WAIT: in-window RST with inexact seq → challenge ACK', state: 'CLOSE-WAIT', inject: { flags: 'RST', seq: R(2) }, resp: [ACK_NOW], next: 'CLOSE-WAIT' },
  { name: 'RFC 5961 §4.2 CLOSE-WAIT: SYN → challenge ACK', state: 'CLOSE-WAIT', inject: { flags: 'SYN', seq: R(2), options: synOpts }, resp: [ACK_NOW], next: 'CLOSE-WAIT' },
  { name: 'RFC 9293 §3.10.7.4 CLOSE-WAIT: ACK of data never sent → ACK', state: 'CLOSE-WAIT', inject: { flags: 'ACK', ack: S(10) }, resp: [ACK_NOW], next: 'CLOSE-WAIT' },

  // ==== LAST-ACK ====
  { name: 'RFC 9293 §3.10.7.4 LAST-ACK: ACK of our FIN → CLOSED, no reply', state: 'LAST-ACK', inject: { flags: 'ACK' }, resp: [], next: 'CLOSED', error: 'none' },
  { name: 'RFC 9293 §3.10.7.4 LAST-ACK: ACK not covering our FIN → stays LAST-ACK', state: 'LAST-ACK', inject: { flags: 'ACK', ack: UNA }, resp: [], next: 'LAST-ACK' },
  { name: 'RFC 9293 §3.10.7.4 LAST-ACK: retransmitted FIN → ACK, stays LAST-ACK', state: 'LAST-ACK', inject: { flags: 'FIN|ACK', seq: R(-1), ack: UNA }, resp: [ACK_NOW], next: 'LAST-ACK' },
  { name: 'RFC 9293 §3.10.7.4 LAST-ACK: RST with SEQ = RCV.NXT → CLOSED', state: 'LAST-ACK', inject: { flags: 'RST' }, resp: [], next: 'CLOSED' },
  { name: 'RFC 5961 §3.2 LAST-ACK: in-window RST with inexact seq → challenge ACK', state: 'LAST-ACK', inject: { flags: 'RST', seq: R(4) }, resp: [ACK_NOW], next: 'LAST-ACK' },
  { name: 'RFC 5961 §4.2 LAST-ACK: SYN → challenge ACK', state: 'LAST-ACK', inject: { flags: 'SYN', seq: R(4), options: synOpts }, resp: [ACK_NOW], next: 'LAST-ACK' },
  { name: 'RFC 9293 §3.10.7.4 LAST-ACK: ACK beyond our FIN (SEG.ACK > SND.NXT) → ACK, stays LAST-ACK', state: 'LAST-ACK', inject: { flags: 'ACK', ack: S(10) }, resp: [ACK_NOW], next: 'LAST-ACK' },

  // ==== ABORT user call (RFC 9293 §3.10.5): RST <SEQ=SND.NXT> only in the states that list it ====
  ...(['SYN-RECEIVED', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT'] as const).map(
    (st): Case => ({ name: `RFC 9293 §3.10.5 ABORT in ${st}: RST with SEQ = SND.NXT, CLOSED`, state: st, inject: [], after: (c) => c.sock!.abort(), resp: [{ flags: 'RST|ACK?', seq: S() }], next: st === 'SYN-RECEIVED' ? 'LISTEN' : 'CLOSED' }),
  ),
  { name: 'RFC 9293 §3.10.5 ABORT in SYN-SENT: no RST, CLOSED', state: 'SYN-SENT', inject: [], after: (c) => c.sock!.abort(), resp: [], next: 'CLOSED' },
  { name: 'RFC 9293 §3.10.5 ABORT in TIME-WAIT: no RST, CLOSED', state: 'TIME-WAIT', inject: [], after: (c) => c.sock!.abort(), resp: [], next: 'CLOSED' },
  { name: 'RFC 9293 §3.10.5 ABORT in CLOSING: no RST ("respond with ok and delete the TCB"), CLOSED', state: 'CLOSING', inject: [], after: (c) => c.sock!.abort(), resp: [], next: 'CLOSED' },
  { name: 'RFC 9293 §3.10.5 ABORT in LAST-ACK: no RST ("respond with ok and delete the TCB"), CLOSED', state: 'LAST-ACK', inject: [], after: (c) => c.sock!.abort(), resp: [], next: 'CLOSED' },
];

// ---- the runner -----------------------------------------------------------------------------

/** TCP_TABLE_BUGS=1 runs the rows marked `bug` too (to check a fix before removing the mark). */
const RUN_BUGS = process.env.TCP_TABLE_BUGS === '1';

const num = (n: Num, c: Ctx): number => u32(typeof n === 'number' ? n : n(c));

interface Shape {
  flags: string;
  seq: number;
  ack: number;
  data: number;
}

function runCase(tc: Case): void {
  const c = reach(tc.state, tc.opts ?? {});
  tc.prep?.(c);
  const deliveredBefore = c.delivered;
  const ctx = c.snapshot();
  const injects = Array.isArray(tc.inject) ? tc.inject : [tc.inject];
  for (const inj of injects) {
    c.send({
      flags: flagsOf(inj.flags),
      ...(inj.seq !== undefined ? { seq: num(inj.seq, ctx) } : {}),
      ...(inj.ack !== undefined ? { ack: num(inj.ack, ctx) } : {}),
      ...(inj.data !== undefined ? { data: inj.data } : {}),
      ...(inj.window !== undefined ? { window: inj.window } : {}),
      ...(inj.tsval !== undefined ? { tsval: num(inj.tsval, ctx) } : {}),
      ...(inj.options !== undefined ? { options: typeof inj.options === 'function' ? inj.options(c) : inj.options } : {}),
      ...(inj.badChecksum ? { badChecksum: true } : {}),
    });
    // Let each segment arrive (the LAN's one-way delay is ~0.1 ms) before the next step.
    c.w.run(1e6);
  }
  tc.after?.(c);
  const got = c.collect(tc.within ?? 100e6);
  for (const g of got) expect(g.checksumOk, 'the SUT sent a segment with a bad checksum').toBe(true);

  if (tc.resp !== 'any') {
    // PSH is never constrained; flags written 'NAME?' are optional.
    const optional = tc.resp.map((r) => TCP_FLAG.PSH | flagsOf(r.flags.split('|').filter((f) => f.endsWith('?')).map((f) => f.slice(0, -1)).join('|')));
    const required = (r: Resp): number => flagsOf(r.flags.split('|').filter((f) => !f.endsWith('?')).join('|'));
    const actual: Shape[] = got.map((g, i) => ({ flags: flagsText(g.flags & ~(optional[i] ?? TCP_FLAG.PSH)), seq: g.seq, ack: g.ack, data: g.dataLen }));
    const expected: Shape[] = tc.resp.map((r, i) => ({
      flags: flagsText(required(r) & ~optional[i]!),
      // Unspecified numbers are not constrained: copy them from the actual segment.
      seq: r.seq !== undefined ? num(r.seq, ctx) : (got[i]?.seq ?? 0),
      ack: r.ack !== undefined ? num(r.ack, ctx) : (got[i]?.ack ?? 0),
      data: r.data ?? 0,
    }));
    expect(actual, 'segments the SUT sent').toEqual(expected);
  }
  expect(c.state(), 'next state').toBe(tc.next);
  if ('error' in tc) expect(c.closeError, 'error reported to the application').toBe(tc.error);
  if (tc.delivered !== undefined) expect(c.delivered - deliveredBefore, 'bytes delivered to the application').toBe(tc.delivered);
  tc.check?.(got, c, ctx);
}

describe('TCP state/event table (RFC 9293 §3.10.7, RFC 5961, RFC 7323)', () => {
  for (const tc of CASES) {
    if (tc.bug && !RUN_BUGS) it.skip(`${tc.name} [BUG: ${tc.bug}]`, () => runCase(tc));
    else it(tc.name, () => runCase(tc));
  }

  it('the table is large and its names are unique', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });
});
