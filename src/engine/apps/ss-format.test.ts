import { describe, expect, it } from 'vitest';
import { formatSs, formatSsTcpInfo, SS_STATE_NAMES, ssAddress, ssBandwidth, ssSendBps } from './ss-format.ts';
import type { SsSocket, SsTcpInfo } from './ss-format.ts';

// Every expected line below was copied from the real ss (iproute2 6.1, Debian 12) run in network
// namespaces A 10.0.0.1 -- B 10.0.0.2 (see test/oracle/real-tcp-tools.test.ts), with an iperf3
// transfer or a held-open nc connection. Its kernel used bbr by default.

describe('helpers', () => {
  it('ssAddress', () => {
    expect(ssAddress('10.0.0.1')).toBe('10.0.0.1');
    expect(ssAddress('0.0.0.0')).toBe('0.0.0.0');
    expect(ssAddress('::')).toBe('*');
    expect(ssAddress('::', true)).toBe('[::]');
    expect(ssAddress('::ffff:10.0.0.2')).toBe('[::ffff:10.0.0.2]');
    expect(ssAddress('fd00::1')).toBe('[fd00::1]');
  });

  it('state names by kernel state number', () => {
    expect(SS_STATE_NAMES[1]).toBe('ESTAB');
    expect(SS_STATE_NAMES[6]).toBe('TIME-WAIT');
    expect(SS_STATE_NAMES[10]).toBe('LISTEN');
    expect(SS_STATE_NAMES).toHaveLength(12);
  });

  it('send rate and bandwidth printing', () => {
    expect(ssBandwidth(ssSendBps(524, 1448, 69), true)).toBe('87971246377');
    expect(ssBandwidth(ssSendBps(5467, 1448, 116), true)).toBe('545945931034');
    expect(ssBandwidth(ssSendBps(10, 1448, 18), true)).toBe('6435555556');
    expect(ssSendBps(10, 1448, 0)).toBe(0);
    expect(ssBandwidth(52428800000, false)).toBe('52.4G');
    expect(ssBandwidth(1.5e12, false)).toBe('1.5T');
    expect(ssBandwidth(2970256410, false)).toBe('2.97G');
    expect(ssBandwidth(47281632, false)).toBe('47.3M');
    expect(ssBandwidth(1234, false)).toBe('1.23k');
    expect(ssBandwidth(999, false)).toBe('999');
  });
});

describe('formatSsTcpInfo', () => {
  it('cubic sender during an iperf3 transfer', () => {
    const info: SsTcpInfo = {
      ccName: 'cubic',
      wscale: { snd: 10, rcv: 10 },
      rtoMs: 204,
      rttMs: 0.116,
      rttVarMs: 0.155,
      mss: 1448,
      pmtu: 1500,
      rcvmss: 536,
      advmss: 1448,
      cwnd: 5467,
      ssthresh: 5467,
      bytesSent: 5243142093,
      bytesAcked: 5239210022,
      segsOut: 3639875,
      segsIn: 52340,
      dataSegsOut: 3639873,
      sendBps: ssSendBps(5467, 1448, 116),
      lastrcvMs: 1008,
      pacingRateBps: 653024048120,
      deliveryRateBps: 47281632,
      delivered: 3637158,
      busyUs: 1000_300,
      unacked: 2716,
      reordering: 300,
      rcvSpace: 14480,
      rcvSsthresh: 64088,
      notsent: 88,
      minRttMs: 0.001,
      sndWnd: 9318400,
    };
    expect(formatSsTcpInfo(info)).toBe(
      ' cubic wscale:10,10 rto:204 rtt:0.116/0.155 mss:1448 pmtu:1500 rcvmss:536 advmss:1448 cwnd:5467 ssthresh:5467 bytes_sent:5243142093 bytes_acked:5239210022 segs_out:3639875 segs_in:52340 data_segs_out:3639873 send 545945931034bps lastrcv:1008 pacing_rate 653024048120bps delivery_rate 47281632bps delivered:3637158 busy:1000ms unacked:2716 reordering:300 rcv_space:14480 rcv_ssthresh:64088 notsent:88 minrtt:0.001 snd_wnd:9318400',
    );
  });

  it('bbr sender with retransmits', () => {
    const info: SsTcpInfo = {
      ccName: 'bbr',
      wscale: { snd: 10, rcv: 10 },
      rtoMs: 204,
      rttMs: 0.069,
      rttVarMs: 0.052,
      mss: 1448,
      pmtu: 1500,
      rcvmss: 536,
      advmss: 1448,
      cwnd: 524,
      ssthresh: 1072,
      bytesSent: 2057292965,
      bytesRetrans: 9407656,
      bytesAcked: 2047168550,
      segsOut: 1425834,
      segsIn: 21955,
      dataSegsOut: 1425832,
      bbrInfo: { bwBps: 5430000000 * 8, mrttMs: 1 / 1000, pacingGain: 320 / 256, cwndGain: 512 / 256 },
      sendBps: ssSendBps(524, 1448, 69),
      lastrcvMs: 1008,
      pacingRateBps: 6719625000 * 8,
      deliveryRateBps: 2506153846 * 8,
      delivered: 1424425,
      busyUs: 996_000,
      unacked: 495,
      retrans: 0,
      retransTotal: 6503,
      dsackDups: 5770,
      reordering: 300,
      reordSeen: 210,
      rcvSpace: 14480,
      rcvSsthresh: 64088,
      notsent: 3260456,
      minRttMs: 0.001,
      sndWnd: 17582080,
    };
    expect(formatSsTcpInfo(info)).toBe(
      ' bbr wscale:10,10 rto:204 rtt:0.069/0.052 mss:1448 pmtu:1500 rcvmss:536 advmss:1448 cwnd:524 ssthresh:1072 bytes_sent:2057292965 bytes_retrans:9407656 bytes_acked:2047168550 segs_out:1425834 segs_in:21955 data_segs_out:1425832 bbr:(bw:43440000000bps,mrtt:0.001,pacing_gain:1.25,cwnd_gain:2) send 87971246377bps lastrcv:1008 pacing_rate 53757000000bps delivery_rate 20049230768bps delivered:1424425 busy:996ms unacked:495 retrans:0/6503 dsack_dups:5770 reordering:300 reord_seen:210 rcv_space:14480 rcv_ssthresh:64088 notsent:3260456 minrtt:0.001 snd_wnd:17582080',
    );
  });

  it('bbr startup gains, app_limited, a listening socket', () => {
    expect(formatSsTcpInfo({ ccName: 'bbr', bbrInfo: { bwBps: 1654857040, mrttMs: 0.007, pacingGain: 739 / 256, cwndGain: 739 / 256 } })).toBe(
      ' bbr bbr:(bw:1654857040bps,mrtt:0.007,pacing_gain:2.88672,cwnd_gain:2.88672)',
    );
    expect(formatSsTcpInfo({ ccName: 'bbr', cwnd: 10 }, true, true)).toBe(' bbr cwnd:10');
    expect(formatSsTcpInfo({ delivered: 1, appLimited: true, reordering: 3 })).toBe(' delivered:1 app_limited');
  });

  it('omits what ss omits: zeros, rto 3000, infinite ssthresh, sacked on LISTEN', () => {
    expect(formatSsTcpInfo({ rtoMs: 3000, ssthresh: 0x7fffffff, cwnd: 10, lost: 0, sacked: 2 })).toBe(' cwnd:10 sacked:2');
    expect(formatSsTcpInfo({ sacked: 2 }, true, true)).toBe('');
    expect(formatSsTcpInfo({ retrans: 1 })).toBe(' retrans:1/0');
    expect(formatSsTcpInfo({ rttMs: 0.05, rttVarMs: 0.025, atoMs: 40 })).toBe(' rtt:0.05/0.025 ato:40');
  });

  it('limited times and non-numeric rates', () => {
    expect(formatSsTcpInfo({ busyUs: 2_000_500, rwndLimitedUs: 500_250, sndbufLimitedUs: 1_000 })).toBe(' busy:2000ms rwnd_limited:500ms(25.0%) sndbuf_limited:1ms(0.0%)');
    expect(formatSsTcpInfo({ sendBps: 52428800000, pacingRateBps: 104857600000, pacingRateMaxBps: 1e9 }, false)).toBe(' send 52.4Gbps pacing_rate 105Gbps/1Gbps');
    expect(formatSsTcpInfo({ options: { ts: true, sack: true }, ccName: 'cubic' })).toBe(' ts sack cubic');
  });
});

// `ss -tina` in B, nc listening on 6000 with one client, and three TIME-WAIT sockets of earlier iperf3 runs
const LISTEN_ROW: SsSocket = {
  state: 'LISTEN',
  recvQ: 0,
  sendQ: 1,
  local: { address: '0.0.0.0', port: 6000 },
  peer: { address: '0.0.0.0', port: 0 },
  info: { ccName: 'bbr', cwnd: 10 },
};
const ESTAB_INFO: SsTcpInfo = {
  ccName: 'bbr',
  wscale: { snd: 10, rcv: 10 },
  rtoMs: 200,
  rttMs: 0.018,
  rttVarMs: 0.009,
  atoMs: 40,
  mss: 1448,
  pmtu: 1500,
  rcvmss: 536,
  advmss: 1448,
  cwnd: 10,
  bytesReceived: 5,
  segsOut: 1,
  segsIn: 3,
  dataSegsIn: 1,
  bbrInfo: { bwBps: 0, mrttMs: 0.018 },
  sendBps: ssSendBps(10, 1448, 18),
  lastsndMs: 28,
  lastrcvMs: 28,
  lastackMs: 28,
  pacingRateBps: 18391861400,
  delivered: 1,
  appLimited: true,
  reordering: 300,
  rcvSpace: 14480,
  rcvSsthresh: 64088,
  minRttMs: 0.018,
  sndWnd: 64512,
};
const ESTAB_ROW: SsSocket = {
  state: 'ESTAB',
  recvQ: 0,
  sendQ: 0,
  local: { address: '10.0.0.2', port: 6000 },
  peer: { address: '10.0.0.1', port: 33124 },
  info: ESTAB_INFO,
};
const timeWait = (port: number): SsSocket => ({
  state: 'TIME-WAIT',
  recvQ: 0,
  sendQ: 0,
  local: { address: ssAddress('::ffff:10.0.0.2'), port: 5201 },
  peer: { address: ssAddress('::ffff:10.0.0.1'), port },
});

describe('formatSs (piped: compact columns)', () => {
  it('ss -tina: Process column as wide as the longest info line, the last socket not measured', () => {
    const estabInfoLine = `\t${formatSsTcpInfo(ESTAB_INFO)}`;
    expect(estabInfoLine).toHaveLength(357);
    // the column is as wide as the whole token, "\n\t" included: the header line is 428 long
    const pad = (s: string): string => s.padEnd(357);
    const lines = formatSs([LISTEN_ROW, ESTAB_ROW, timeWait(39960), timeWait(60692), timeWait(60668)], { info: true });
    expect(lines[0]).toHaveLength(428);
    expect(lines).toEqual([
      `State     Recv-Q Send-Q     Local Address:Port      Peer Address:Port ${'Process'.padEnd(358)}`,
      'LISTEN    0      1                0.0.0.0:6000           0.0.0.0:*    ',
      pad('\t bbr cwnd:10'),
      'ESTAB     0      0               10.0.0.2:6000          10.0.0.1:33124',
      estabInfoLine,
      'TIME-WAIT 0      0      [::ffff:10.0.0.2]:5201 [::ffff:10.0.0.1]:39960',
      pad('\t'),
      'TIME-WAIT 0      0      [::ffff:10.0.0.2]:5201 [::ffff:10.0.0.1]:60692',
      pad('\t'),
      'TIME-WAIT 0      0      [::ffff:10.0.0.2]:5201 [::ffff:10.0.0.1]:60668',
      pad('\t'),
    ]);
  });

  it('ss -tin with one socket: the header is not padded, the info line is', () => {
    const lines = formatSs([{ ...ESTAB_ROW, local: { address: '10.0.0.1', port: 33124 }, peer: { address: '10.0.0.2', port: 6000 } }], { info: true });
    expect(lines[0]).toBe('State Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess');
    expect(lines[1]).toBe('ESTAB 0      0           10.0.0.1:33124     10.0.0.2:6000');
    expect(lines[2]).toBe(`\t${formatSsTcpInfo(ESTAB_INFO)}`);
  });

  it('ss -tln and ss -tn', () => {
    const listen: SsSocket = { state: 'LISTEN', recvQ: 0, sendQ: 4096, local: { address: '*', port: 5201 }, peer: { address: '*', port: 0 } };
    expect(formatSs([listen])).toEqual(['State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess', 'LISTEN 0      4096               *:5201            *:*          ']);
    const rows: SsSocket[] = [
      { state: 'ESTAB', recvQ: 0, sendQ: 0, local: { address: '10.0.0.1', port: 60662 }, peer: { address: '10.0.0.2', port: 5201 } },
      { state: 'ESTAB', recvQ: 0, sendQ: 2613112, local: { address: '10.0.0.1', port: 60668 }, peer: { address: '10.0.0.2', port: 5201 } },
    ];
    expect(formatSs(rows)).toEqual([
      'State Recv-Q Send-Q  Local Address:Port  Peer Address:PortProcess',
      'ESTAB 0      0            10.0.0.1:60662     10.0.0.2:5201       ',
      'ESTAB 0      2613112      10.0.0.1:60668     10.0.0.2:5201       ',
    ]);
  });

  it('header only when nothing matches; -H; state column hidden; Netid; users', () => {
    expect(formatSs([])).toEqual(['State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess']);
    expect(formatSs([], { noHeader: true })).toEqual([]);
    const listen: SsSocket = { state: 'LISTEN', recvQ: 0, sendQ: 1, local: { address: '0.0.0.0', port: 6000 }, peer: { address: '0.0.0.0', port: 0 } };
    expect(formatSs([listen], { state: false })).toEqual(['Recv-Q Send-Q Local Address:Port Peer Address:PortProcess', '0      1            0.0.0.0:6000      0.0.0.0:*          ']);
    expect(formatSs([{ ...listen, users: '("nc",pid=32619,fd=3)' }])).toEqual([
      'State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess',
      'LISTEN 0      1            0.0.0.0:6000      0.0.0.0:*    users:(("nc",pid=32619,fd=3))',
    ]);
    const tw = (local: string, localPort: number, peer: string, peerPort: number): SsSocket => ({
      netid: 'tcp',
      state: 'TIME-WAIT',
      recvQ: 0,
      sendQ: 0,
      local: { address: local, port: localPort },
      peer: { address: peer, port: peerPort },
    });
    // `ss -an -t -u`
    expect(formatSs([{ ...listen, netid: 'tcp' }, tw('10.0.0.2', 6000, '10.0.0.1', 36730), tw('[::ffff:10.0.0.2]', 5201, '[::ffff:10.0.0.1]', 51324)], { netid: true })).toEqual([
      'Netid State     Recv-Q Send-Q     Local Address:Port      Peer Address:Port Process',
      'tcp   LISTEN    0      1                0.0.0.0:6000           0.0.0.0:*           ',
      'tcp   TIME-WAIT 0      0               10.0.0.2:6000          10.0.0.1:36730       ',
      'tcp   TIME-WAIT 0      0      [::ffff:10.0.0.2]:5201 [::ffff:10.0.0.1]:51324       ',
    ]);
  });
});

describe('formatSs (terminal: spare width spread over the columns)', () => {
  it('ss -tn on a 120-column terminal', () => {
    const rows: SsSocket[] = [
      { state: 'ESTAB', recvQ: 0, sendQ: 0, local: { address: '10.0.0.1', port: 60662 }, peer: { address: '10.0.0.2', port: 5201 } },
      { state: 'ESTAB', recvQ: 0, sendQ: 1180024, local: { address: '10.0.0.1', port: 60668 }, peer: { address: '10.0.0.2', port: 5201 } },
    ];
    expect(formatSs(rows, { screenWidth: 120 })).toEqual([
      'State       Recv-Q        Send-Q                Local Address:Port                Peer Address:Port       Process       ',
      'ESTAB       0             0                          10.0.0.1:60662                   10.0.0.2:5201                     ',
      'ESTAB       0             1180024                    10.0.0.1:60668                   10.0.0.2:5201                     ',
    ]);
  });

  it('ss -tin on a 100-column terminal: spare width spread, the info text still unmeasured for the last socket', () => {
    // widths 6/7/7/15/4/14/5/14 = 72 columns; the 28 spare ones go 4 each to the last four and 3
    // each to the others
    expect(formatSs([LISTEN_ROW, ESTAB_ROW], { info: true, screenWidth: 100 })).toEqual([
      'State     Recv-Q    Send-Q       Local Address:Port         Peer Address:Port     Process           ',
      'LISTEN    0         1                  0.0.0.0:6000              0.0.0.0:*        ',
      '\t bbr cwnd:10    ',
      'ESTAB     0         0                 10.0.0.2:6000             10.0.0.1:33124    ',
      `\t${formatSsTcpInfo(ESTAB_INFO)}`,
    ]);
  });
});
