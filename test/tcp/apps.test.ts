/**
 * TCP terminal commands end to end in the simulator: iperf3's report layout, ss -tin on a live
 * transfer, nc's messages and the socket errors real tools print (RST → "Connection refused").
 */
import { describe, expect, it } from 'vitest';
import { Session } from '../../src/engine/index.ts';
import type { ScenarioInput } from '../../src/engine/index.ts';
import { bulkPath } from '../../src/engine/scenario/builtin/tcp.ts';

const pair: ScenarioInput = {
  name: 'nc-pair',
  nodes: [
    { name: 'a', kind: 'host', interfaces: [{ name: 'eth0', ipv4: ['10.0.0.1/24'] }] },
    { name: 'b', kind: 'host', interfaces: [{ name: 'eth0', ipv4: ['10.0.0.2/24'] }] },
  ],
  links: [{ a: 'a:eth0', b: 'b:eth0', delay: '5ms' }],
  services: [{ host: 'b', command: 'nc -lv 5000' }],
};

describe('iperf3', () => {
  it('client prints the iperf3 3.12 layout: connect line, intervals with Retr and Cwnd, sender/receiver summary', () => {
    const s = new Session(bulkPath({ queue: 1000, seconds: 3 }), { skipActions: true });
    s.runUntil(1e9);
    const lines: string[] = [];
    expect(s.exec('sender', 'iperf3 -c 10.10.2.20 -t 3', (l) => lines.push(l))).toBe(0);
    expect(lines[0]).toBe('Connecting to host 10.10.2.20, port 5201');
    expect(lines[1]).toMatch(/^\[ {2}5\] local 10\.10\.1\.10 port \d+ connected to 10\.10\.2\.20 port 5201$/);
    expect(lines[2]).toBe('[ ID] Interval           Transfer     Bitrate         Retr  Cwnd');
    for (const l of lines.slice(3, 6)) expect(l).toMatch(/^\[ {2}5\] +\d\.00-\d\.00 +sec +[\d.]+ MBytes +[\d.]+ Mbits\/sec +\d+ +[\d.]+ [KM]Bytes {7}$/);
    expect(lines[6]).toBe('- - - - - - - - - - - - - - - - - - - - - - - - -');
    expect(lines[8]).toMatch(/^\[ {2}5\] {3}0\.00-3\.00 {3}sec .* sender$/);
    expect(lines[9]).toMatch(/^\[ {2}5\] {3}0\.00-3\.\d\d {3}sec .* receiver$/);
    expect(lines.slice(-2)).toEqual(['', 'iperf Done.']);
  });

  it('connection refused: "iperf3: error - unable to connect to server: Connection refused"', () => {
    const s = new Session({ ...bulkPath({}), services: [] }, { skipActions: true });
    s.runUntil(1e9);
    const lines: string[] = [];
    expect(s.exec('sender', 'iperf3 -c 10.10.2.20', (l) => lines.push(l))).toBe(1);
    expect(lines).toEqual(['Connecting to host 10.10.2.20, port 5201', 'iperf3: error - unable to connect to server: Connection refused']);
  });
});

describe('ss -tin', () => {
  it('shows an established connection with its congestion state during a transfer', () => {
    const outputs: string[] = [];
    const s = new Session(bulkPath({ queue: 1000, seconds: 5 }), { onActionOutput: (h, l) => h === 'sender' && outputs.push(l) });
    s.runUntil(6e9);
    const i = outputs.findIndex((l) => l.startsWith('State'));
    expect(outputs[i]).toMatch(/^State +Recv-Q +Send-Q +Local Address:Port +Peer Address:Port ?Process$/);
    expect(outputs[i + 1]).toMatch(/^ESTAB +0 +\d+ +10\.10\.1\.10:\d+ +10\.10\.2\.20:5201 *$/);
    expect(outputs[i + 2]).toMatch(/^\t cubic wscale:7,7 rto:\d+ rtt:[\d.]+\/[\d.]+ ato:40 mss:1448 pmtu:1500 rcvmss:1460 advmss:1460 cwnd:\d+ .*bytes_sent:\d+ .*minrtt:[\d.]+/);
  });
});

describe('nc', () => {
  it('-v reports success like OpenBSD netcat and sends its input', () => {
    const s = new Session(pair, {});
    const lines: string[] = [];
    expect(s.exec('a', 'nc -vN 10.0.0.2 5000', (l) => lines.push(l), 60e9, 'hello\n')).toBe(0);
    expect(lines).toEqual(['Connection to 10.0.0.2 5000 port [tcp/*] succeeded!']);
  });

  it('a closed port answers RST: "nc: connect to 10.0.0.2 port 5001 (tcp) failed: Connection refused"', () => {
    const s = new Session(pair, {});
    const lines: string[] = [];
    expect(s.exec('a', 'nc -v 10.0.0.2 5001', (l) => lines.push(l))).toBe(1);
    expect(lines).toEqual(['nc: connect to 10.0.0.2 port 5001 (tcp) failed: Connection refused']);
    expect(s.world.trace.events.countKind('tcp.rst')).toBeGreaterThan(0);
  });

  it('the listener prints what the client sends, line by line', () => {
    const out: string[] = [];
    const s = new Session(pair, { onActionOutput: (h, l) => h === 'b' && out.push(l) });
    s.exec('a', 'nc -N 10.0.0.2 5000', () => undefined, 60e9, 'first line\nsecond line\n');
    s.runUntil(s.world.now + 1e9);
    expect(out).toEqual(['Listening on 0.0.0.0 5000', 'Connection received on 10.0.0.1 ' + out[1]!.split(' ').pop(), 'first line', 'second line']);
  });
});
