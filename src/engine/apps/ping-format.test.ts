import { describe, expect, it } from 'vitest';
import {
  cFormatFixed,
  cFormatG,
  formatPingBadOption,
  formatPingError,
  formatPingHeader,
  formatPingIcmpError,
  formatPingInvalidArgument,
  formatPingLocalError,
  formatPingMissingArgument,
  formatPingNoDestination,
  formatPingReply,
  formatPingRtt,
  formatPingStats,
  formatPingUnknownHost,
  formatPingUsage,
  PING_ERROR_ICMP,
  pingAddress,
  pingIcmpText,
} from './ping-format.ts';
import type { PingErrorKind } from './ping-format.ts';

// Every expectation below was typed from the real iputils-ping 20221126 (Debian 12) running in
// network namespaces: A 10.0.0.2 -- R1 10.0.0.1|10.0.1.1 -- R2 10.0.1.2|10.0.2.1 -- B 10.0.2.2
// (v6: fd00::2 -- fd00::1|fd00:1::1 -- fd00:1::2|fd00:2::1 -- fd00:2::2).

describe('cFormatG / cFormatFixed (glibc printf)', () => {
  it('formats packet loss like %g of a float', () => {
    const loss = (tx: number, rx: number): string => cFormatG(Math.fround(((tx - rx) * 100) / tx));
    expect(loss(3, 2)).toBe('33.3333');
    expect(loss(3, 1)).toBe('66.6667');
    expect(loss(2, 0)).toBe('100');
    expect(loss(3, 3)).toBe('0');
    expect(loss(4, 3)).toBe('25');
    expect(loss(7, 6)).toBe('14.2857');
    // exact binary ties round half to even, as glibc does (JS toPrecision would give 12.6563)
    expect(loss(640, 559)).toBe('12.6562');
    expect(loss(640, 561)).toBe('12.3438');
  });

  it('switches to exponent form like %g', () => {
    expect(cFormatG(1e-5)).toBe('1e-05');
    expect(cFormatG(0.0001234567)).toBe('0.000123457');
    expect(cFormatG(123456789)).toBe('1.23457e+08');
    expect(cFormatG(999999.5)).toBe('1e+06');
    expect(cFormatG(-2.5)).toBe('-2.5');
  });

  it('formats %.Nf with exact rounding', () => {
    expect(cFormatFixed(0.208, 3)).toBe('0.208');
    expect(cFormatFixed(0.0005, 3)).toBe('0.001'); // the double is just above 0.0005
    expect(cFormatFixed(9.9996, 3)).toBe('10.000');
    expect(cFormatFixed(10007.201, 3)).toBe('10007.201');
    expect(cFormatFixed(0, 3)).toBe('0.000');
    expect(cFormatFixed(2.5, 0)).toBe('2');
    expect(cFormatFixed(3.5, 0)).toBe('4');
    expect(cFormatFixed(0.00001, 3)).toBe('0.000');
  });
});

describe('pingAddress', () => {
  it('shows name (address) only when a name is known and output is not numeric', () => {
    expect(pingAddress('10.0.2.2')).toBe('10.0.2.2');
    expect(pingAddress('10.0.2.2', 'bee')).toBe('bee (10.0.2.2)');
    expect(pingAddress('10.0.2.2', 'bee', true)).toBe('10.0.2.2');
    expect(pingAddress('fd00::1', 'rtr1v6')).toBe('rtr1v6 (fd00::1)');
  });
});

describe('formatPingHeader', () => {
  it('v4', () => {
    expect(formatPingHeader({ target: '10.0.2.2', address: '10.0.2.2', v6: false, dataLen: 56 })).toBe('PING 10.0.2.2 (10.0.2.2) 56(84) bytes of data.');
    expect(formatPingHeader({ target: '10.0.2.2', address: '10.0.2.2', v6: false, dataLen: 1400 })).toBe('PING 10.0.2.2 (10.0.2.2) 1400(1428) bytes of data.');
    expect(formatPingHeader({ target: '10.0.2.2', address: '10.0.2.2', v6: false, dataLen: 8 })).toBe('PING 10.0.2.2 (10.0.2.2) 8(36) bytes of data.');
    expect(formatPingHeader({ target: 'bee', address: '10.0.2.2', v6: false, dataLen: 56 })).toBe('PING bee (10.0.2.2) 56(84) bytes of data.');
    // -R adds 40 bytes of IP options
    expect(formatPingHeader({ target: '10.0.2.2', address: '10.0.2.2', v6: false, dataLen: 56, ipOptionsLen: 40 })).toBe('PING 10.0.2.2 (10.0.2.2) 56(124) bytes of data.');
  });

  it('v4 with -I', () => {
    expect(formatPingHeader({ target: '10.0.2.2', address: '10.0.2.2', v6: false, dataLen: 56, source: '10.0.0.2', device: 'sxa0' })).toBe(
      'PING 10.0.2.2 (10.0.2.2) from 10.0.0.2 sxa0: 56(84) bytes of data.',
    );
    expect(formatPingHeader({ target: '10.0.2.2', address: '10.0.2.2', v6: false, dataLen: 56, source: '10.0.0.2' })).toBe(
      'PING 10.0.2.2 (10.0.2.2) from 10.0.0.2 : 56(84) bytes of data.',
    );
  });

  it('v6', () => {
    expect(formatPingHeader({ target: 'fd00:2::2', address: 'fd00:2::2', v6: true, dataLen: 56 })).toBe('PING fd00:2::2(fd00:2::2) 56 data bytes');
    expect(formatPingHeader({ target: 'fd00:2::2', address: 'fd00:2::2', v6: true, dataLen: 1400 })).toBe('PING fd00:2::2(fd00:2::2) 1400 data bytes');
    expect(formatPingHeader({ target: 'bee6', address: 'fd00:2::2', v6: true, dataLen: 56, addressName: 'bee6' })).toBe('PING bee6(bee6 (fd00:2::2)) 56 data bytes');
    expect(formatPingHeader({ target: 'fd00:2::2', address: 'fd00:2::2', v6: true, dataLen: 56, source: 'fd00::2', device: 'sxa0' })).toBe(
      'PING fd00:2::2(fd00:2::2) from fd00::2 sxa0: 56 data bytes',
    );
    expect(formatPingHeader({ target: 'fd00:2::2', address: 'fd00:2::2', v6: true, dataLen: 56, source: 'fd00::2' })).toBe(
      'PING fd00:2::2(fd00:2::2) from fd00::2 : 56 data bytes',
    );
  });
});

describe('formatPingRtt', () => {
  it('uses iputils thresholds and rounding', () => {
    expect(formatPingRtt(0)).toBe('0.000');
    expect(formatPingRtt(45)).toBe('0.045');
    expect(formatPingRtt(523)).toBe('0.523');
    expect(formatPingRtt(999)).toBe('0.999');
    expect(formatPingRtt(1000)).toBe('1.00');
    expect(formatPingRtt(1234)).toBe('1.23');
    expect(formatPingRtt(1235)).toBe('1.24');
    expect(formatPingRtt(9994)).toBe('9.99');
    expect(formatPingRtt(9995)).toBe('10.0');
    expect(formatPingRtt(12345)).toBe('12.3');
    expect(formatPingRtt(12350)).toBe('12.4');
    expect(formatPingRtt(99949)).toBe('99.9');
    expect(formatPingRtt(99950)).toBe('100');
    expect(formatPingRtt(1844124)).toBe('1844');
    expect(formatPingRtt(2048907)).toBe('2049');
  });
});

describe('formatPingReply', () => {
  it('prints replies as observed', () => {
    expect(formatPingReply({ bytes: 64, from: '10.0.2.2', seq: 1, ttl: 62, rttUs: 523 })).toBe('64 bytes from 10.0.2.2: icmp_seq=1 ttl=62 time=0.523 ms');
    expect(formatPingReply({ bytes: 64, from: 'fd00:2::2', seq: 1, ttl: 62, rttUs: 2048907 })).toBe('64 bytes from fd00:2::2: icmp_seq=1 ttl=62 time=2049 ms');
    expect(formatPingReply({ bytes: 64, from: pingAddress('10.0.2.2', 'bee'), seq: 2, ttl: 62, rttUs: 61 })).toBe(
      '64 bytes from bee (10.0.2.2): icmp_seq=2 ttl=62 time=0.061 ms',
    );
  });

  it('omits time when ping does no timing (-s below 16)', () => {
    expect(formatPingReply({ bytes: 16, from: '10.0.2.2', seq: 1, ttl: 62 })).toBe('16 bytes from 10.0.2.2: icmp_seq=1 ttl=62');
    expect(formatPingReply({ bytes: 12, from: '10.0.2.2', seq: 2, ttl: 62 })).toBe('12 bytes from 10.0.2.2: icmp_seq=2 ttl=62');
  });

  it('marks duplicates and truncation', () => {
    expect(formatPingReply({ bytes: 64, from: '10.0.0.2', seq: 3, ttl: 64, rttUs: 45, duplicate: true })).toBe('64 bytes from 10.0.0.2: icmp_seq=3 ttl=64 time=0.045 ms (DUP!)');
    expect(formatPingReply({ bytes: 40, from: '10.0.0.2', seq: 3, ttl: 64, rttUs: 45, truncated: true, duplicate: true })).toBe(
      '40 bytes from 10.0.0.2: icmp_seq=3 ttl=64 (truncated)',
    );
  });
});

describe('formatPingError', () => {
  it('prints the observed v4 errors', () => {
    expect(formatPingError({ from: '10.0.0.1', seq: 1, kind: 'ttlExceeded' })).toBe('From 10.0.0.1 icmp_seq=1 Time to live exceeded');
    expect(formatPingError({ from: '10.0.0.1', seq: 2, kind: 'netUnreachable' })).toBe('From 10.0.0.1 icmp_seq=2 Destination Net Unreachable');
    expect(formatPingError({ from: '10.0.0.1', seq: 1, kind: 'hostUnreachable' })).toBe('From 10.0.0.1 icmp_seq=1 Destination Host Unreachable');
    expect(formatPingError({ from: '10.0.0.1', seq: 1, kind: 'adminProhibited' })).toBe('From 10.0.0.1 icmp_seq=1 Packet filtered');
    expect(formatPingError({ from: '10.0.0.1', seq: 1, kind: 'fragNeeded', mtu: 1400 })).toBe('From 10.0.0.1 icmp_seq=1 Frag needed and DF set (mtu = 1400)');
    expect(formatPingError({ from: '21.4.9.97', seq: 1, kind: 'portUnreachable' })).toBe('From 21.4.9.97 icmp_seq=1 Destination Port Unreachable');
  });

  it('prints the v4 errors taken from ping.c', () => {
    expect(formatPingError({ from: '10.0.0.1', seq: 1, kind: 'protocolUnreachable' })).toBe('From 10.0.0.1 icmp_seq=1 Destination Protocol Unreachable');
    expect(formatPingError({ from: '10.0.0.1', seq: 1, kind: 'fragReassemblyExceeded' })).toBe('From 10.0.0.1 icmp_seq=1 Frag reassembly time exceeded');
  });

  it('prints the observed v6 errors', () => {
    expect(formatPingError({ from: 'fd00::1', seq: 1, kind: 'v6HopLimitExceeded' })).toBe('From fd00::1 icmp_seq=1 Time exceeded: Hop limit');
    expect(formatPingError({ from: 'fd00::1', seq: 2, kind: 'v6NoRoute' })).toBe('From fd00::1 icmp_seq=2 Destination unreachable: No route');
    expect(formatPingError({ from: 'fd00::1', seq: 1, kind: 'v6AdminProhibited' })).toBe('From fd00::1 icmp_seq=1 Destination unreachable: Administratively prohibited');
    expect(formatPingError({ from: 'fd00::1', seq: 1, kind: 'v6AddrUnreachable' })).toBe('From fd00::1 icmp_seq=1 Destination unreachable: Address unreachable');
    expect(formatPingError({ from: 'fd00::1', seq: 1, kind: 'v6PacketTooBig', mtu: 1400 })).toBe('From fd00::1 icmp_seq=1 Packet too big: mtu=1400');
    expect(formatPingError({ from: pingAddress('fd00::1', 'rtr1v6'), seq: 1, kind: 'v6HopLimitExceeded' })).toBe('From rtr1v6 (fd00::1) icmp_seq=1 Time exceeded: Hop limit');
  });

  it('prints the v6 errors taken from ping6_common.c', () => {
    expect(formatPingError({ from: 'fd00::1', seq: 1, kind: 'v6PortUnreachable' })).toBe('From fd00::1 icmp_seq=1 Destination unreachable: Port unreachable');
    expect(formatPingError({ from: 'fd00::1', seq: 1, kind: 'v6FragReassemblyExceeded' })).toBe('From fd00::1 icmp_seq=1 Time exceeded: Defragmentation failure');
  });

  it('covers every kind through the raw ICMP mapping', () => {
    for (const kind of Object.keys(PING_ERROR_ICMP) as PingErrorKind[]) {
      const icmp = PING_ERROR_ICMP[kind];
      expect(formatPingError({ from: 'x', seq: 7, kind, mtu: 1280 })).toBe(formatPingIcmpError({ from: 'x', seq: 7, ...icmp, info: 1280 }));
    }
  });
});

describe('pingIcmpText', () => {
  it('handles codes outside the named kinds', () => {
    expect(pingIcmpText({ v6: false, type: 3, code: 10 })).toBe('Destination Host Prohibited');
    expect(pingIcmpText({ v6: false, type: 3, code: 99 })).toBe('Dest Unreachable, Bad Code: 99');
    expect(pingIcmpText({ v6: false, type: 11, code: 5 })).toBe('Time exceeded, Bad Code: 5');
    expect(pingIcmpText({ v6: false, type: 12, code: 0, info: 20 })).toBe('Parameter problem: pointer = 20');
    expect(pingIcmpText({ v6: false, type: 42, code: 0 })).toBe('Bad ICMP type: 42');
    expect(pingIcmpText({ v6: true, type: 1, code: 9 })).toBe('Destination unreachable: Unknown code 9');
    expect(pingIcmpText({ v6: true, type: 2, code: 1, info: 1280 })).toBe('Packet too big: mtu=1280, code=1');
    expect(pingIcmpText({ v6: true, type: 4, code: 1, info: 40 })).toBe('Parameter problem: Unknown header at 40');
    expect(pingIcmpText({ v6: true, type: 77, code: 0 })).toBe('unknown icmp type: 77');
  });
});

describe('formatPingLocalError', () => {
  it('differs between v4 and v6 exactly as observed', () => {
    expect(formatPingLocalError('messageTooLong', 1400)).toBe('ping: local error: message too long, mtu=1400');
    expect(formatPingLocalError('messageTooLong', 1400, true)).toBe('ping: local error: message too long, mtu: 1400');
  });
});

describe('formatPingStats', () => {
  it('reproduces a v4 run (ping -c 3 -i 0.2 10.0.2.2)', () => {
    expect(formatPingStats({ target: '10.0.2.2', transmitted: 3, received: 3, errors: 0, duplicates: 0, elapsedMs: 408, rttsUs: [523, 49, 61] })).toEqual([
      '',
      '--- 10.0.2.2 ping statistics ---',
      '3 packets transmitted, 3 received, 0% packet loss, time 408ms',
      'rtt min/avg/max/mdev = 0.049/0.211/0.523/0.220 ms',
    ]);
  });

  it('reproduces a v6 run with overlapping probes (pipe 2)', () => {
    expect(formatPingStats({ target: 'fd00:2::2', transmitted: 2, received: 2, errors: 0, duplicates: 0, elapsedMs: 205, rttsUs: [2048907, 1844124], pipe: 2 })).toEqual([
      '',
      '--- fd00:2::2 ping statistics ---',
      '2 packets transmitted, 2 received, 0% packet loss, time 205ms',
      'rtt min/avg/max/mdev = 1844.124/1946.515/2048.907/102.391 ms, pipe 2',
    ]);
  });

  it('reproduces single-reply and no-reply runs (trailing empty line)', () => {
    expect(formatPingStats({ target: 'bee6', transmitted: 1, received: 1, errors: 0, duplicates: 0, elapsedMs: 0, rttsUs: [47] })).toEqual([
      '',
      '--- bee6 ping statistics ---',
      '1 packets transmitted, 1 received, 0% packet loss, time 0ms',
      'rtt min/avg/max/mdev = 0.047/0.047/0.047/0.000 ms',
    ]);
    expect(formatPingStats({ target: '10.0.2.2', transmitted: 2, received: 0, errors: 2, duplicates: 0, elapsedMs: 201, rttsUs: [] })).toEqual([
      '',
      '--- 10.0.2.2 ping statistics ---',
      '2 packets transmitted, 0 received, +2 errors, 100% packet loss, time 201ms',
      '',
    ]);
    expect(formatPingStats({ target: 'bee', transmitted: 1, received: 0, errors: 0, duplicates: 0, elapsedMs: 0, rttsUs: [] })).toEqual([
      '',
      '--- bee ping statistics ---',
      '1 packets transmitted, 0 received, 100% packet loss, time 0ms',
      '',
    ]);
  });

  it('omits the rtt line without timing (-s 8)', () => {
    expect(formatPingStats({ target: '10.0.2.2', transmitted: 2, received: 2, errors: 0, duplicates: 0, elapsedMs: 1028, rttsUs: [], timing: false })).toEqual([
      '',
      '--- 10.0.2.2 ping statistics ---',
      '2 packets transmitted, 2 received, 0% packet loss, time 1028ms',
      '',
    ]);
  });

  it('appends ipg/ewma for -i 0 / -f / -A', () => {
    expect(
      formatPingStats({ target: '10.0.2.2', transmitted: 5, received: 5, errors: 0, duplicates: 0, elapsedMs: 0, elapsedUs: 209, rttsUs: [84, 9, 6, 7, 25], ipgEwma: true }),
    ).toEqual([
      '',
      '--- 10.0.2.2 ping statistics ---',
      '5 packets transmitted, 5 received, 0% packet loss, time 0ms',
      'rtt min/avg/max/mdev = 0.006/0.026/0.084/0.029 ms, ipg/ewma 0.052/0.054 ms',
    ]);
  });

  it('prints fractional loss with %g and the +N counters in iputils order', () => {
    expect(formatPingStats({ target: 'h', transmitted: 3, received: 2, errors: 1, duplicates: 1, corrupted: 1, elapsedMs: 2003, rttsUs: [100, 200, 300] })).toEqual([
      '',
      '--- h ping statistics ---',
      '3 packets transmitted, 2 received, +1 duplicates, +1 corrupted, +1 errors, 33.3333% packet loss, time 2003ms',
      // duplicates are part of the rtt statistics: total = received + duplicates
      'rtt min/avg/max/mdev = 0.100/0.200/0.300/0.081 ms',
    ]);
  });

  it('prints "pipe N" alone when nothing came back', () => {
    expect(formatPingStats({ target: 'h', transmitted: 3, received: 0, errors: 0, duplicates: 0, elapsedMs: 2040, rttsUs: [], pipe: 3 })[3]).toBe('pipe 3');
  });

  it('computes mdev with integer arithmetic like iputils', () => {
    const line = (rtts: number[]): string | undefined =>
      formatPingStats({ target: 'h', transmitted: rtts.length, received: rtts.length, errors: 0, duplicates: 0, elapsedMs: 0, rttsUs: rtts })[3];
    expect(line([45, 60, 48])).toBe('rtt min/avg/max/mdev = 0.045/0.051/0.060/0.006 ms');
    expect(line([87, 79])).toBe('rtt min/avg/max/mdev = 0.079/0.083/0.087/0.004 ms');
    expect(line([54, 61])).toBe('rtt min/avg/max/mdev = 0.054/0.057/0.061/0.003 ms');
    // large values take the tsum >= INT_MAX branch without losing precision
    expect(line([2_000_000_000, 1_000_000_000])).toBe('rtt min/avg/max/mdev = 1000000.000/1500000.000/2000000.000/500000.000 ms');
  });
});

describe('usage and option errors', () => {
  it('prints the usage text of this ping', () => {
    const usage = formatPingUsage();
    expect(usage).toHaveLength(50);
    expect(usage.slice(0, 3)).toEqual(['', 'Usage', '  ping [options] <destination>']);
    expect(usage).toContain('  -C                 call connect() syscall on socket creation');
    expect(usage).toContain('  -e <identifier>    define identifier for ping session, default is random for');
    expect(usage[usage.length - 1]).toBe('For more details see ping(8).');
  });

  it('prints a bad option like getopt', () => {
    expect(formatPingBadOption('z')).toEqual(["ping: invalid option -- 'z'", ...formatPingUsage()]);
    expect(formatPingBadOption('-Z')[0]).toBe("ping: invalid option -- 'Z'");
    expect(formatPingBadOption('--foo')[0]).toBe("ping: invalid option -- '-'");
    expect(formatPingMissingArgument('-c')).toEqual(["ping: option requires an argument -- 'c'", ...formatPingUsage()]);
  });

  it('prints the other command-line errors', () => {
    expect(formatPingInvalidArgument('abc')).toBe("ping: invalid argument: 'abc'");
    expect(formatPingInvalidArgument('0', { min: 1, max: '9223372036854775807' })).toBe("ping: invalid argument: '0': out of range: 1 <= value <= 9223372036854775807");
    expect(formatPingInvalidArgument('256', { min: 0, max: 255 })).toBe("ping: invalid argument: '256': out of range: 0 <= value <= 255");
    expect(formatPingNoDestination()).toBe('ping: usage error: Destination address required');
    expect(formatPingUnknownHost('nosuchhost.invalid')).toBe('ping: nosuchhost.invalid: Name or service not known');
    expect(formatPingUnknownHost('10.0.0.1', 'Address family for hostname not supported')).toBe('ping: 10.0.0.1: Address family for hostname not supported');
  });
});
