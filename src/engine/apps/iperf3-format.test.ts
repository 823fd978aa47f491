import { describe, expect, it } from 'vitest';
import {
  formatIperfAccepted,
  formatIperfBadOption,
  formatIperfBitrate,
  formatIperfConnected,
  formatIperfConnecting,
  formatIperfDone,
  formatIperfError,
  formatIperfHeader,
  formatIperfInterval,
  formatIperfMissingArgument,
  formatIperfParameterError,
  formatIperfReverse,
  formatIperfServerListening,
  formatIperfStatsNotAvailable,
  formatIperfSummary,
  formatIperfTransfer,
  formatIperfUnrecognizedOption,
  formatIperfUsage,
  formatIperfVersion,
  IPERF_ERRORS,
  IPERF_PARAMETER_ERRORS,
  IPERF_SEPARATOR,
  iperfUnits,
} from './iperf3-format.ts';

// Every expected line below was copied from the real iperf 3.12 (Debian 12) running between two
// network namespaces, A 10.0.0.1 -- B 10.0.0.2 (see test/oracle/real-tcp-tools.test.ts).

const KB = 1024;
const MB = 1024 * KB;
const GB = 1024 * MB;

describe('iperfUnits (unit_snprintf)', () => {
  it('bytes: adaptive 1024 units, 4 columns, %4.2f/%4.1f/%4.0f', () => {
    expect(iperfUnits(0, 'A')).toBe('0.00 Byte');
    expect(iperfUnits(1000, 'A')).toBe('1000 Byte');
    expect(iperfUnits(1023, 'A')).toBe('1023 Byte');
    expect(iperfUnits(1024, 'A')).toBe('1.00 KByte');
    expect(iperfUnits(512 * KB, 'A')).toBe(' 512 KByte');
    expect(iperfUnits(MB, 'A')).toBe('1.00 MByte');
    expect(iperfUnits(11.2 * MB, 'A')).toBe('11.2 MByte');
    expect(iperfUnits(1087242240, 'A')).toBe('1.01 GByte');
    expect(iperfUnits(4.26 * GB, 'A')).toBe('4.26 GByte');
    expect(iperfUnits(236 * 1448, 'A')).toBe(' 334 KByte');
    expect(iperfUnits(5467 * 1448, 'A')).toBe('7.55 MByte');
  });

  it('switches precision exactly at 9.995 / 99.95 / 999.5 and units at 1024', () => {
    expect(iperfUnits(9.994 * MB, 'A')).toBe('9.99 MByte');
    expect(iperfUnits(9.995 * MB, 'A')).toBe('10.0 MByte');
    expect(iperfUnits(99.94 * MB, 'A')).toBe('99.9 MByte');
    expect(iperfUnits(99.95 * MB, 'A')).toBe(' 100 MByte');
    expect(iperfUnits(999.4 * MB, 'A')).toBe(' 999 MByte');
    expect(iperfUnits(999.5 * MB, 'A')).toBe('1000 MByte');
    expect(iperfUnits(1023.7 * MB, 'A')).toBe('1024 MByte');
    expect(iperfUnits(1024 * MB, 'A')).toBe('1.00 GByte');
    expect(iperfUnits(2048 * GB, 'A')).toBe('2.00 TByte');
    expect(iperfUnits(5000 * GB * 1024, 'A')).toBe('5000 TByte');
  });

  it('rates: lower case is bits (×8), 1000 units', () => {
    expect(iperfUnits(94.1e6 / 8, 'a')).toBe('94.1 Mbit');
    expect(iperfUnits(18.2e9 / 8, 'a')).toBe('18.2 Gbit');
    expect(iperfUnits(999.7e6 / 8, 'a')).toBe('1000 Mbit');
    expect(iperfUnits(1e9 / 8, 'a')).toBe('1.00 Gbit');
    expect(iperfUnits(100, 'a')).toBe(' 800 bit');
    expect(iperfUnits(0, 'a')).toBe('0.00 bit');
  });

  it('forced units (-f)', () => {
    expect(iperfUnits(18.2e9 / 8, 'm')).toBe('18200 Mbit');
    expect(iperfUnits(94.1e6 / 8, 'k')).toBe('94100 Kbit');
    expect(iperfUnits(94.1e6 / 8, 'g')).toBe('0.09 Gbit');
    expect(iperfUnits(11.2 * MB, 'K')).toBe('11469 KByte');
    expect(iperfUnits(11.2 * MB, 'M')).toBe('11.2 MByte');
  });

  it('Transfer and Bitrate columns', () => {
    expect(formatIperfTransfer(1048576)).toBe('1.00 MBytes');
    expect(formatIperfTransfer(524288)).toBe(' 512 KBytes');
    expect(formatIperfBitrate(2213150720 / 1.000954)).toBe('17.7 Gbits/sec');
    expect(formatIperfBitrate(11.2 * MB, 'M')).toBe('11.2 MBytes/sec');
    expect(formatIperfBitrate(11.2e6, 'M')).toBe('10.7 MBytes/sec');
  });
});

describe('client transcript', () => {
  it('iperf3 -c 10.0.0.2 -t 1 -i 0.5, from the exact facts `iperf3 -d` reports', () => {
    const lines = [
      formatIperfConnecting('10.0.0.2'),
      formatIperfConnected({ id: 5, localAddress: '10.0.0.1', localPort: 60892, remoteAddress: '10.0.0.2', remotePort: 5201 }),
      formatIperfHeader({ retr: true, cwnd: true }),
      // interval_len is a float in iperf
      formatIperfInterval({ id: 5, start: 0, end: 0.5, bytes: 1087242240, seconds: Math.fround(0.500309), retr: 5551, cwndBytes: 236 * 1448 }),
      formatIperfInterval({ id: 5, start: 0.5, end: 1, bytes: 1125908480, seconds: Math.fround(0.500645), retr: 5729, cwndBytes: 240 * 1448 }),
      IPERF_SEPARATOR,
      formatIperfHeader({ retr: true }),
      formatIperfSummary({ id: 5, start: 0, end: 1.000954, bytes: 2213150720, retr: 11280, kind: 'sender' }),
      formatIperfSummary({ id: 5, start: 0, end: 1.001353, bytes: 2213150720, kind: 'receiver' }),
      ...formatIperfDone(),
    ];
    expect(lines).toEqual([
      'Connecting to host 10.0.0.2, port 5201',
      '[  5] local 10.0.0.1 port 60892 connected to 10.0.0.2 port 5201',
      '[ ID] Interval           Transfer     Bitrate         Retr  Cwnd',
      '[  5]   0.00-0.50   sec  1.01 GBytes  17.4 Gbits/sec  5551    334 KBytes       ',
      '[  5]   0.50-1.00   sec  1.05 GBytes  18.0 Gbits/sec  5729    339 KBytes       ',
      '- - - - - - - - - - - - - - - - - - - - - - - - -',
      '[ ID] Interval           Transfer     Bitrate         Retr',
      '[  5]   0.00-1.00   sec  2.06 GBytes  17.7 Gbits/sec  11280             sender',
      '[  5]   0.00-1.00   sec  2.06 GBytes  17.7 Gbits/sec                  receiver',
      '',
      'iperf Done.',
    ]);
  });

  it('-R: the client receives (no Retr/Cwnd in its intervals)', () => {
    expect(formatIperfReverse('10.0.0.2')).toBe('Reverse mode, remote host 10.0.0.2 is sending');
    expect(formatIperfHeader()).toBe('[ ID] Interval           Transfer     Bitrate');
    expect(formatIperfInterval({ id: 5, start: 0, end: 1, bytes: 1.83 * GB, bitsPerSecond: 15.8e9 })).toBe(
      '[  5]   0.00-1.00   sec  1.83 GBytes  15.8 Gbits/sec                  ',
    );
    expect(formatIperfSummary({ id: 5, start: 0, end: 2, bytes: 3.87 * GB, bitsPerSecond: 16.6e9, retr: 9384, kind: 'sender' })).toBe(
      '[  5]   0.00-2.00   sec  3.87 GBytes  16.6 Gbits/sec  9384             sender',
    );
  });

  it('-n 1M: sub-second "0.00-0.00" lines, small retransmit counts right-aligned in 3', () => {
    expect(formatIperfInterval({ id: 5, start: 0, end: 0, bytes: MB, bitsPerSecond: 18.7e9, retr: 0, cwndBytes: 400 * KB })).toBe(
      '[  5]   0.00-0.00   sec  1.00 MBytes  18.7 Gbits/sec    0    400 KBytes       ',
    );
    expect(formatIperfSummary({ id: 5, start: 0, end: 0, bytes: MB, bitsPerSecond: 18.7e9, retr: 0, kind: 'sender' })).toBe(
      '[  5]   0.00-0.00   sec  1.00 MBytes  18.7 Gbits/sec    0             sender',
    );
    expect(formatIperfInterval({ id: 5, start: 2, end: 2, bytes: 1.25 * MB, bitsPerSecond: 7.73e9, retr: 122, cwndBytes: 393 * KB })).toBe(
      '[  5]   2.00-2.00   sec  1.25 MBytes  7.73 Gbits/sec  122    393 KBytes       ',
    );
  });

  it('bitrate from bytes and duration (default: end - start)', () => {
    expect(formatIperfInterval({ id: 5, start: 0, end: 1, bytes: 11744051 })).toBe('[  5]   0.00-1.00   sec  11.2 MBytes  94.0 Mbits/sec                  ');
    expect(formatIperfInterval({ id: 5, start: 9, end: 10, bytes: 0 })).toBe('[  5]   9.00-10.00  sec  0.00 Bytes  0.00 bits/sec                  ');
    expect(formatIperfInterval({ id: 5, start: 99, end: 100, bytes: 0 })).toBe('[  5]  99.00-100.00 sec  0.00 Bytes  0.00 bits/sec                  ');
  });

  it('-O, -P and --bidir variants', () => {
    expect(formatIperfInterval({ id: 5, start: 0, end: 1, bytes: MB, bitsPerSecond: 8.39e6, retr: 0, cwndBytes: 64 * KB, omitted: true })).toBe(
      '[  5]   0.00-1.00   sec  1.00 MBytes  8.39 Mbits/sec    0   64.0 KBytes       (omitted)',
    );
    expect(formatIperfInterval({ id: 'SUM', start: 0, end: 1, bytes: 2 * MB, bitsPerSecond: 16.8e6, retr: 3, cwndBytes: 64 * KB })).toBe(
      '[SUM]   0.00-1.00   sec  2.00 MBytes  16.8 Mbits/sec    3             ',
    );
    expect(formatIperfHeader({ bidir: true, retr: true, cwnd: true })).toBe('[ ID][Role] Interval           Transfer     Bitrate         Retr  Cwnd');
    expect(formatIperfInterval({ id: 5, role: '[TX-C]', start: 0, end: 1, bytes: MB, bitsPerSecond: 8.39e6 })).toBe(
      '[  5][TX-C]   0.00-1.00   sec  1.00 MBytes  8.39 Mbits/sec                  ',
    );
    expect(formatIperfStatsNotAvailable(5, 'receiver')).toBe('[  5] (receiver statistics not available)');
  });
});

describe('server transcript', () => {
  it('iperf3 -s -1 while a client sends for 2 s', () => {
    const lines = [
      ...formatIperfServerListening(5201, 1),
      formatIperfAccepted('10.0.0.1', 58274),
      formatIperfConnected({ id: 5, localAddress: '10.0.0.2', localPort: 5201, remoteAddress: '10.0.0.1', remotePort: 58278 }),
      formatIperfHeader(),
      formatIperfInterval({ id: 5, start: 0, end: 1, bytes: 1.95 * GB, bitsPerSecond: 16.8e9 }),
      formatIperfInterval({ id: 5, start: 1, end: 2, bytes: 2.14 * GB, bitsPerSecond: 18.3e9 }),
      formatIperfInterval({ id: 5, start: 2, end: 2, bytes: 129 * KB, bitsPerSecond: 11.5e9 }),
      IPERF_SEPARATOR,
      formatIperfHeader(),
      formatIperfSummary({ id: 5, start: 0, end: 2, bytes: 4.09 * GB, bitsPerSecond: 17.5e9, kind: 'receiver' }),
    ];
    expect(lines).toEqual([
      '-----------------------------------------------------------',
      'Server listening on 5201 (test #1)',
      '-----------------------------------------------------------',
      'Accepted connection from 10.0.0.1, port 58274',
      '[  5] local 10.0.0.2 port 5201 connected to 10.0.0.1 port 58278',
      '[ ID] Interval           Transfer     Bitrate',
      '[  5]   0.00-1.00   sec  1.95 GBytes  16.8 Gbits/sec                  ',
      '[  5]   1.00-2.00   sec  2.14 GBytes  18.3 Gbits/sec                  ',
      '[  5]   2.00-2.00   sec   129 KBytes  11.5 Gbits/sec                  ',
      '- - - - - - - - - - - - - - - - - - - - - - - - -',
      '[ ID] Interval           Transfer     Bitrate',
      '[  5]   0.00-2.00   sec  4.09 GBytes  17.5 Gbits/sec                  receiver',
    ]);
    expect(formatIperfServerListening(5201, 2)[1]).toBe('Server listening on 5201 (test #2)');
  });
});

describe('errors and usage', () => {
  it('runtime errors', () => {
    expect(formatIperfError(IPERF_ERRORS.connect, 'Connection refused')).toBe('iperf3: error - unable to connect to server: Connection refused');
    expect(formatIperfError(IPERF_ERRORS.connect, 'Connection timed out')).toBe('iperf3: error - unable to connect to server: Connection timed out');
    expect(formatIperfError(IPERF_ERRORS.serverBusy)).toBe('iperf3: error - the server is busy running a test. try again later');
  });

  it('parameter errors: message and an empty line on stderr (usage goes to stdout)', () => {
    expect(formatIperfParameterError(IPERF_PARAMETER_ERRORS.noRole)).toEqual(['iperf3: parameter error - must either be a client (-c) or server (-s)', '']);
    expect(formatIperfParameterError(IPERF_PARAMETER_ERRORS.bothRoles)).toEqual(['iperf3: parameter error - cannot be both server and client', '']);
    expect(formatIperfParameterError(IPERF_PARAMETER_ERRORS.badPort)[0]).toBe('iperf3: parameter error - port number must be between 1 and 65535 inclusive');
  });

  it('getopt errors are followed by the long usage', () => {
    const usage = formatIperfUsage();
    expect(usage).toHaveLength(96);
    expect(usage[0]).toBe('Usage: iperf3 [-s|-c host] [options]');
    expect(usage[1]).toBe('       iperf3 [-h|--help] [-v|--version]');
    expect(usage[2]).toBe('');
    expect(usage).toContain("  -Z, --zerocopy            use a 'zero copy' method of sending data");
    expect(usage).toContain('  -B, --bind <host>[%<dev>] bind to the interface associated with the address <host>');
    expect(usage).toContain('  --rcv-timeout #           idle timeout for receiving data (default 120000 ms)');
    expect(usage).toContain('                            (default 128 KB for TCP, dynamic or 1460 for UDP)');
    expect(usage[95]).toBe('Report bugs to:     https://github.com/esnet/iperf');
    expect(formatIperfBadOption('Q')).toEqual(["iperf3: invalid option -- 'Q'", ...usage]);
    expect(formatIperfMissingArgument('c')).toEqual(["iperf3: option requires an argument -- 'c'", ...usage]);
    expect(formatIperfUnrecognizedOption('--bogus')).toEqual(["iperf3: unrecognized option '--bogus'", ...usage]);
  });

  it('version', () => {
    const v = formatIperfVersion('Linux vm 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01) x86_64');
    expect(v[0]).toBe('iperf 3.12 (cJSON 1.7.15)');
    expect(v).toHaveLength(3);
  });
});
