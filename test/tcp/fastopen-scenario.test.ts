/**
 * The `tcp-fastopen` scenario judged by tshark (Wireshark's TCP dissector and its TFO analysis
 * are the outside judge): two request/response connections from the client; the first asks for
 * a cookie (RFC 7413 §4.2.1), the second sends its request in the SYN with it (§4.2.2) and gets
 * its response one round trip earlier. Then the same with the server's key changed (an invalid
 * cookie) and with Fast Open switched off on the server (§4.2.2 server step 1).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Capture, Session, builtinScenario, captureInterfaces } from '../../src/engine/index.ts';
import { parseDuration } from '../../src/engine/scenario/units.ts';
import { hex, parseFastOpenKey } from '../../src/engine/stack/tcp/fastopen.ts';
import { siphash24 } from '../../src/engine/stack/tcp/siphash.ts';
import { events } from '../engine/helpers.ts';
import { analyzeCapture, tsharkAvailable, tsharkFields } from '../oracle/tshark.ts';

const dir = mkdtempSync(join(tmpdir(), 'stackscope-tfo-'));
const SC = builtinScenario('tcp-fastopen')!;
/** Round-trip time from the scenario's one link. */
const RTT_MS = (2 * parseDuration(SC.links![0]!.delay!)!) / 1e6;
const SERVER_PORT = '7000';

interface Run {
  s: Session;
  file: string;
  lines: string[];
}

/** Runs the scenario, with `between` applied at 1.5 s (after connection 1, before connection 2). */
function run(name: string, between?: (s: Session) => void): Run {
  const lines: string[] = [];
  const s = new Session(SC, { onActionOutput: (_h, l) => lines.push(l) });
  const cap = new Capture(s.world, captureInterfaces(s.world, s.scenario.capture));
  if (between) {
    s.runUntil(1.5e9);
    between(s);
  }
  s.runUntil();
  cap.stop();
  const file = join(dir, `${name}.pcap`);
  writeFileSync(file, cap.pcap.toBytes());
  return { s, file, lines };
}

interface Syn {
  t: number;
  stream: number;
  fromServer: boolean;
  len: number;
  request: boolean;
  cookie: string;
  tfoSyn: boolean;
  tfoAck: boolean;
  tfoIgnored: boolean;
}

/** tshark's view of every SYN and SYN-ACK. */
function syns(file: string): Syn[] {
  const fields = ['frame.time_relative', 'tcp.stream', 'tcp.srcport', 'tcp.len', 'tcp.options.tfo.request', 'tcp.options.tfo.cookie', 'tcp.analysis.tfo_syn', 'tcp.analysis.tfo_ack', 'tcp.analysis.tfo_ignored'];
  return tsharkFields(file, fields, { filter: 'tcp.flags.syn == 1' }).map(([t, stream, sport, len, req, cookie, tfoSyn, tfoAck, tfoIgnored]) => ({
    t: Number(t) * 1e3,
    stream: Number(stream),
    fromServer: sport === SERVER_PORT,
    len: Number(len),
    request: req !== '',
    cookie: cookie ?? '',
    tfoSyn: tfoSyn !== '',
    tfoAck: tfoAck !== '',
    tfoIgnored: tfoIgnored !== '',
  }));
}

/** Per TCP stream: ms from the client's SYN to the first response byte reaching the client (tshark times). */
function responseTimes(file: string): number[] {
  const rows = tsharkFields(file, ['tcp.stream', 'frame.time_relative', 'tcp.srcport', 'tcp.flags.syn', 'tcp.len'], { filter: 'tcp' });
  const start = new Map<number, number>();
  const first = new Map<number, number>();
  for (const [stream, t, sport, syn, len] of rows) {
    const k = Number(stream);
    if (sport !== SERVER_PORT && syn === '1' && !start.has(k)) start.set(k, Number(t) * 1e3);
    if (sport === SERVER_PORT && Number(len) > 0 && !first.has(k)) first.set(k, Number(t) * 1e3);
  }
  return [...start.keys()].sort((a, b) => a - b).map((k) => first.get(k)! - start.get(k)!);
}

const requestTimes = (lines: string[]): number[] => lines.filter((l) => l.startsWith('request 1: ')).map((l) => Number(/([\d.]+) ms/.exec(l)![1]));

function expectClean(file: string): void {
  const r = analyzeCapture(file);
  expect(r.malformed).toBe(0);
  expect(r.badChecksums).toBe(0);
  expect(r.expertErrors).toEqual([]);
}

describe('tcp-fastopen scenario configuration', () => {
  it('host tcp.fastOpenKey sets the server key (net.ipv4.tcp_fastopen_key): the client caches SipHash-2-4(key, client ‖ server)', () => {
    const key = '01234567-89abcdef-fedcba98-76543210';
    const nodes = SC.nodes.map((n) => (n.name === 'server' && n.kind === 'host' ? { ...n, tcp: { fastOpen: 3, fastOpenKey: key } } : n));
    const s = new Session({ ...SC, nodes });
    s.runUntil();
    const want = siphash24(parseFastOpenKey(key)!, Uint8Array.of(10, 40, 0, 10, 10, 40, 0, 20));
    expect(hex(s.host('client').tcp.fastOpen.cachedCookie('10.40.0.20')!)).toBe(hex(want));
  });

  it('host tcp.fastOpen is net.ipv4.tcp_fastopen: 0–3 only', () => {
    const nodes = SC.nodes.map((n) => (n.name === 'server' && n.kind === 'host' ? { ...n, tcp: { fastOpen: 4 } } : n));
    expect(() => new Session({ ...SC, nodes })).toThrow(/nodes\[1\]\.tcp\.fastOpen/);
  });
});

describe.skipIf(!tsharkAvailable())('tcp-fastopen scenario through tshark (RFC 7413)', () => {
  it('RFC 7413 §4.2.1 then §4.2.2: cookie request, cookie in the SYN-ACK, then a SYN with that cookie and 300 bytes that the SYN-ACK acknowledges', () => {
    const { file, lines } = run('fastopen');
    expectClean(file);
    const [syn1, synAck1, syn2, synAck2, ...rest] = syns(file);
    expect(rest).toEqual([]);
    // Connection 1: the SYN requests a cookie and carries no data; the SYN-ACK carries an 8-byte cookie.
    expect(syn1).toMatchObject({ fromServer: false, request: true, cookie: '', len: 0 });
    expect(synAck1).toMatchObject({ fromServer: true, request: false, len: 0 });
    expect(synAck1!.cookie).toMatch(/^[0-9a-f]{16}$/);
    // Connection 2: the SYN carries the cookie and the request; tshark sees the SYN-ACK accept it.
    expect(syn2).toMatchObject({ fromServer: false, request: false, cookie: synAck1!.cookie, len: 300, tfoSyn: true });
    expect(synAck2).toMatchObject({ fromServer: true, cookie: '', tfoAck: true, tfoIgnored: false });
    // The Fast Open option (kind 34) is on exactly those three segments.
    expect(tsharkFields(file, ['frame.number'], { filter: 'tcp.option_kind == 34' })).toHaveLength(3);
    expect(lines.filter((l) => l.startsWith('TCP Fast Open: '))).toEqual([
      `TCP Fast Open: cookie requested; the server sent cookie ${synAck1!.cookie}`,
      `TCP Fast Open: 300 bytes sent in the SYN with cookie ${synAck1!.cookie}; the SYN-ACK acknowledged them`,
    ]);
  });

  it('RFC 7413 §1/§4.2.2: the second request’s response arrives one RTT earlier (2 RTTs → 1 RTT after connect())', () => {
    const { file, lines } = run('fastopen-timing');
    const [first, second] = responseTimes(file);
    // Serialisation at 100 Mbit/s adds well under a millisecond per exchange.
    expect(first).toBeGreaterThan(2 * RTT_MS);
    expect(first).toBeLessThan(2 * RTT_MS + 0.5);
    expect(second).toBeGreaterThan(RTT_MS);
    expect(second).toBeLessThan(RTT_MS + 0.5);
    expect(first! - second!).toBeCloseTo(RTT_MS, 0);
    // The application sees the same: request 1 is timed from connect().
    const [app1, app2] = requestTimes(lines);
    expect(app1! - app2!).toBeCloseTo(RTT_MS, 0);
    expect(app2).toBeCloseTo(RTT_MS, 0);
  });

  it('RFC 7413 §4.2.2 invalid cookie (server key changed): the SYN-ACK ignores the data and brings a new cookie; the client resends the request after the handshake (2 RTTs)', () => {
    const { s, file, lines } = run('fastopen-badcookie', (x) => x.host('server').tcp.fastOpen.setKey(parseFastOpenKey('deadbeef-0-0-1')!));
    expectClean(file);
    const [, synAck1, syn2, synAck2] = syns(file);
    expect(syn2).toMatchObject({ cookie: synAck1!.cookie, len: 300 });
    expect(synAck2).toMatchObject({ tfoIgnored: true, tfoAck: false });
    expect(synAck2!.cookie).toMatch(/^[0-9a-f]{16}$/);
    expect(synAck2!.cookie).not.toBe(synAck1!.cookie);
    // The request goes again right after the SYN-ACK: seq 1, 300 bytes.
    const resent = tsharkFields(file, ['tcp.seq', 'tcp.len'], { filter: `tcp.stream == 1 && tcp.dstport == ${SERVER_PORT} && tcp.len > 0 && tcp.flags.syn == 0` });
    expect(resent).toEqual([['1', '300']]);
    const [, second] = responseTimes(file);
    expect(second).toBeGreaterThan(2 * RTT_MS);
    expect(second).toBeLessThan(2 * RTT_MS + 0.5);
    expect(lines.at(-1)).toBe(`TCP Fast Open: 300 bytes sent in the SYN with cookie ${synAck1!.cookie}; the SYN-ACK acknowledged only the SYN, the rest went again (new cookie ${synAck2!.cookie})`);
    expect(events(s, 'tcp.fastopen').some((e) => e.text?.includes(`invalid cookie ${synAck1!.cookie}`))).toBe(true);
  });

  it('RFC 7413 §4.2.2 server step 1: with Fast Open off on the server (net.ipv4.tcp_fastopen = 1) the option is ignored, the SYN data is not delivered early and the client resends it', () => {
    const { s, file } = run('fastopen-off', (x) => {
      const server = x.host('server');
      server.tcpDefaults = { ...server.tcpDefaults, fastOpen: 1 };
    });
    expectClean(file);
    const [, , syn2, synAck2] = syns(file);
    expect(syn2).toMatchObject({ len: 300, tfoSyn: true });
    expect(synAck2).toMatchObject({ cookie: '', tfoIgnored: true, tfoAck: false });
    const resent = tsharkFields(file, ['tcp.seq', 'tcp.len'], { filter: `tcp.stream == 1 && tcp.dstport == ${SERVER_PORT} && tcp.len > 0 && tcp.flags.syn == 0` });
    expect(resent).toEqual([['1', '300']]);
    const [, second] = responseTimes(file);
    expect(second).toBeGreaterThan(2 * RTT_MS);
    const texts = events(s, 'tcp.fastopen').map((e) => e.text ?? '');
    expect(texts.some((t) => t.includes('Fast Open off (net.ipv4.tcp_fastopen has no server bit): option ignored; 300 bytes of SYN data dropped'))).toBe(true);
  });

  it('RFC 7413 §4.2.1: a server with Fast Open off from the start sends no cookie, so both connections ask again and both take 2 RTTs', () => {
    const nodes = SC.nodes.map((n) => (n.name === 'server' && n.kind === 'host' ? { ...n, tcp: { fastOpen: 1 } } : n));
    const lines: string[] = [];
    const s = new Session({ ...SC, nodes }, { onActionOutput: (_h, l) => lines.push(l) });
    s.runUntil();
    expect(lines.filter((l) => l.startsWith('TCP Fast Open: '))).toEqual(['TCP Fast Open: cookie requested; the server sent none', 'TCP Fast Open: cookie requested; the server sent none']);
    for (const t of requestTimes(lines)) expect(t).toBeCloseTo(2 * RTT_MS, 0);
  });
});
