/**
 * tcpdump's fixed texts, as tcpdump 4.99.3 printed them in a network namespace (the live part of
 * test/oracle/tcpdump.test.ts compares them with the installed tcpdump).
 */
import { describe, expect, it } from 'vitest';
import { formatSllPrefix, formatTcpdumpBanner, formatTcpdumpNoDevice, formatTcpdumpStats, formatTcpdumpTimestamp } from './tcpdump-format.ts';

describe('tcpdump texts', () => {
  it('banner: two lines, one with -v (or -w), the cooked link type on any', () => {
    expect(formatTcpdumpBanner('eth0', { verbose: false })).toEqual([
      'tcpdump: verbose output suppressed, use -v[v]... for full protocol decode',
      'listening on eth0, link-type EN10MB (Ethernet), snapshot length 262144 bytes',
    ]);
    expect(formatTcpdumpBanner('any', { verbose: true })).toEqual(['tcpdump: data link type LINUX_SLL2', 'tcpdump: listening on any, link-type LINUX_SLL2 (Linux cooked v2), snapshot length 262144 bytes']);
  });

  it('statistics with singular and plural', () => {
    expect(formatTcpdumpStats(1, 2)).toEqual(['1 packet captured', '2 packets received by filter', '0 packets dropped by kernel']);
    expect(formatTcpdumpStats(0, 0)).toEqual(['0 packets captured', '0 packets received by filter', '0 packets dropped by kernel']);
  });

  it('no such device', () => {
    expect(formatTcpdumpNoDevice('eth9')).toEqual(['tcpdump: eth9: No such device exists', '(No such device exists)']);
  });

  it('timestamp columns for -t ... -ttttt', () => {
    const t = 3_723_000_456_789;
    expect(formatTcpdumpTimestamp(0, t, undefined, undefined)).toBe('01:02:03.000456 ');
    expect(formatTcpdumpTimestamp(1, t, undefined, undefined)).toBe('');
    expect(formatTcpdumpTimestamp(2, t, undefined, undefined)).toBe('3723.000456 ');
    expect(formatTcpdumpTimestamp(3, t, t - 1_500_000, undefined)).toBe(' 00:00:00.001500 ');
    expect(formatTcpdumpTimestamp(3, t, undefined, undefined)).toBe(' 00:00:00.000000 ');
    expect(formatTcpdumpTimestamp(4, t, undefined, undefined)).toBe('1970-01-01 01:02:03.000456 ');
    expect(formatTcpdumpTimestamp(4, 86_400e9 * 365, undefined, undefined)).toBe('1971-01-01 00:00:00.000000 ');
    expect(formatTcpdumpTimestamp(5, t, undefined, t - 2e9)).toBe(' 00:00:02.000000 ');
  });

  it('-i any columns', () => {
    expect(formatSllPrefix('eth0', 'Out')).toBe('eth0  Out ');
    expect(formatSllPrefix('eth1', 'In')).toBe('eth1  In  ');
    expect(formatSllPrefix('veth-long', 'B')).toBe('veth-long B   ');
  });
});
