import { describe, expect, it } from 'vitest';
import {
  formatTracerouteBadArgument,
  formatTracerouteBadOption,
  formatTracerouteExtraArg,
  formatTracerouteHeader,
  formatTracerouteHop,
  formatTracerouteMissingArgument,
  formatTracerouteUnknownHost,
  formatTracerouteUsage,
  TRACEROUTE_RANGE_ERRORS,
  tracerouteAnnotation,
  tracerouteDefaultPacketLen,
  tracerouteOptionArgName,
} from './traceroute-format.ts';

// Expectations typed from the real traceroute 2.1.2 (Debian 12) in network namespaces:
// A 10.0.0.2 -- R1 10.0.0.1|10.0.1.1 -- R2 10.0.1.2|10.0.2.1 (silent) -- B 10.0.2.2.

describe('formatTracerouteHeader', () => {
  it('prints the observed headers', () => {
    expect(formatTracerouteHeader({ target: '10.0.2.2', address: '10.0.2.2', maxHops: 30, packetLen: 60 })).toBe('traceroute to 10.0.2.2 (10.0.2.2), 30 hops max, 60 byte packets');
    expect(formatTracerouteHeader({ target: 'fd00:2::2', address: 'fd00:2::2', maxHops: 30, packetLen: 80 })).toBe('traceroute to fd00:2::2 (fd00:2::2), 30 hops max, 80 byte packets');
    expect(formatTracerouteHeader({ target: 'bee-alias', address: '10.0.2.2', maxHops: 30, packetLen: 1500 })).toBe('traceroute to bee-alias (10.0.2.2), 30 hops max, 1500 byte packets');
  });

  it('knows the default packet lengths', () => {
    expect(tracerouteDefaultPacketLen(false)).toBe(60);
    expect(tracerouteDefaultPacketLen(true)).toBe(80);
  });
});

describe('formatTracerouteHop', () => {
  const n = { numeric: true };
  const r = { numeric: false };

  it('prints answered hops with -n', () => {
    expect(
      formatTracerouteHop(1, [{ address: '10.0.0.1', rttUs: 208 }, { address: '10.0.0.1', rttUs: 158 }, { address: '10.0.0.1', rttUs: 152 }], n),
    ).toBe(' 1  10.0.0.1  0.208 ms  0.158 ms  0.152 ms');
    expect(formatTracerouteHop(1, [{ address: 'fd00::1', rttUs: 33 }, { address: 'fd00::1', rttUs: 5 }, { address: 'fd00::1', rttUs: 3 }], n)).toBe(
      ' 1  fd00::1  0.033 ms  0.005 ms  0.003 ms',
    );
    expect(formatTracerouteHop(1, [{ address: '10.0.0.1', rttUs: 313 }, { address: '10.0.0.1', rttUs: 10007201 }, {}], r)).toBe(
      ' 1  10.0.0.1 (10.0.0.1)  0.313 ms  10007.201 ms *',
    );
  });

  it('prints silent hops and a late first answer', () => {
    expect(formatTracerouteHop(2, [{}, {}, {}], n)).toBe(' 2  * * *');
    expect(formatTracerouteHop(7, [{}, { address: '10.0.2.2', rttUs: 67 }, { address: '10.0.2.2', rttUs: 6 }], n)).toBe(' 7  * 10.0.2.2  0.067 ms  0.006 ms');
    expect(formatTracerouteHop(6, [{}, { address: '10.0.2.2', rttUs: 78 }, { address: '10.0.2.2', rttUs: 7 }], r)).toBe(' 6  * 10.0.2.2 (10.0.2.2)  0.078 ms  0.007 ms');
  });

  it('prints names, or the address twice without one', () => {
    expect(formatTracerouteHop(3, [1, 2, 3].map((i) => ({ address: '10.0.2.2', name: 'bee', rttUs: [14, 4, 4][i - 1] })), r)).toBe(
      ' 3  bee (10.0.2.2)  0.014 ms  0.004 ms  0.004 ms',
    );
    expect(formatTracerouteHop(2, [{ address: 'fd00:1::2', rttUs: 15 }, { address: 'fd00:1::2', rttUs: 4 }, { address: 'fd00:1::2', rttUs: 3 }], r)).toBe(
      ' 2  fd00:1::2 (fd00:1::2)  0.015 ms  0.004 ms  0.003 ms',
    );
  });

  it('repeats the address when it changes between probes', () => {
    expect(
      formatTracerouteHop(4, [{ address: '10.0.3.1', rttUs: 1500 }, { address: '10.0.4.1', rttUs: 2250 }, { address: '10.0.4.1', rttUs: 2000 }], n),
    ).toBe(' 4  10.0.3.1  1.500 ms 10.0.4.1  2.250 ms  2.000 ms');
    // an expired probe in between does not reset the comparison
    expect(formatTracerouteHop(4, [{ address: '10.0.3.1', rttUs: 1500 }, {}, { address: '10.0.3.1', rttUs: 2000 }], n)).toBe(' 4  10.0.3.1  1.500 ms *  2.000 ms');
    expect(formatTracerouteHop(4, [{ address: '10.0.3.1', rttUs: 1500 }, {}, { address: '10.0.4.1', rttUs: 2000 }], n)).toBe(' 4  10.0.3.1  1.500 ms * 10.0.4.1  2.000 ms');
  });

  it('appends annotations after the time', () => {
    expect(formatTracerouteHop(1, [213, 122, 113].map((t) => ({ address: '10.0.0.1', rttUs: t, annotation: '!H' })), n)).toBe(
      ' 1  10.0.0.1  0.213 ms !H  0.122 ms !H  0.113 ms !H',
    );
    expect(formatTracerouteHop(2, [2, 3, 2].map((t) => ({ address: '10.0.0.1', rttUs: t, annotation: '!F-1400' })), n)).toBe(
      ' 2  10.0.0.1  0.002 ms !F-1400  0.003 ms !F-1400  0.002 ms !F-1400',
    );
    expect(formatTracerouteHop(1, [35, 3, 3].map((t) => ({ address: 'fd00::1', rttUs: t, annotation: '!X' })), n)).toBe(
      ' 1  fd00::1  0.035 ms !X  0.003 ms !X  0.003 ms !X',
    );
  });

  it('pads the ttl to two columns', () => {
    expect(formatTracerouteHop(12, [{}], n)).toBe('12  *');
    expect(formatTracerouteHop(100, [{}], n)).toBe('100  *');
  });
});

describe('tracerouteAnnotation', () => {
  it('maps v4 ICMP like parse_icmp_res()', () => {
    const v4 = (type: number, code: number, mtu?: number): string | undefined => tracerouteAnnotation({ v6: false, type, code, mtu });
    expect(v4(11, 0)).toBeUndefined();
    expect(v4(3, 3)).toBeUndefined();
    expect(v4(0, 0)).toBeUndefined();
    expect([0, 6, 8, 11].map((c) => v4(3, c))).toEqual(['!N', '!N', '!N', '!N']);
    expect([1, 7, 12].map((c) => v4(3, c))).toEqual(['!H', '!H', '!H']);
    expect([9, 10, 13].map((c) => v4(3, c))).toEqual(['!X', '!X', '!X']);
    expect(v4(3, 2)).toBe('!P');
    expect(v4(3, 4, 1400)).toBe('!F-1400');
    expect(v4(3, 4)).toBe('!F-0');
    expect(v4(3, 5)).toBe('!S');
    expect(v4(3, 14)).toBe('!V');
    expect(v4(3, 15)).toBe('!C');
    expect(v4(3, 16)).toBe('!<16>');
    expect(v4(11, 1)).toBe('!<11-1>');
    expect(v4(12, 0)).toBe('!<12-0>');
  });

  it('maps v6 ICMP like parse_icmp_res()', () => {
    const v6 = (type: number, code: number, mtu?: number): string | undefined => tracerouteAnnotation({ v6: true, type, code, mtu });
    expect(v6(3, 0)).toBeUndefined();
    expect(v6(1, 4)).toBeUndefined();
    expect(v6(129, 0)).toBeUndefined();
    expect(v6(1, 0)).toBe('!N');
    expect(v6(1, 1)).toBe('!X');
    expect(v6(1, 2)).toBe('!H');
    expect(v6(1, 3)).toBe('!H');
    expect(v6(1, 5)).toBe('!<5>');
    expect(v6(2, 0, 1400)).toBe('!F-1400');
    expect(v6(3, 1)).toBe('!<3-1>');
    expect(v6(4, 0)).toBe('!<4-0>');
  });
});

describe('usage and command-line errors', () => {
  it('prints the usage text', () => {
    const usage = formatTracerouteUsage();
    expect(usage).toHaveLength(87);
    expect(usage[0]).toBe('Usage:');
    expect(usage[1]).toBe(
      '  traceroute [ -46dFITnreAUDV ] [ -f first_ttl ] [ -g gate,... ] [ -i device ] [ -m max_ttl ] [ -N squeries ] [ -p port ] [ -t tos ] [ -l flow_label ] [ -w MAX,HERE,NEAR ] [ -q nqueries ] [ -s src_addr ] [ -z sendwait ] [ --fwmark=num ] host [ packetlen ]',
    );
    expect(usage).toContain('  --help                      Read this help and exit');
    expect(usage).toContain("                              `-N 1'");
    expect(usage[usage.length - 1]).toBe('                    allowed value');
  });

  it('prints bad options as observed', () => {
    expect(formatTracerouteBadOption('-Y')).toEqual(["Bad option `-Y' (argc 1)"]);
    expect(formatTracerouteBadOption('Y', 2)).toEqual(["Bad option `-Y' (argc 2)"]);
    expect(formatTracerouteBadOption('--bogus')).toEqual(["Bad option `--bogus' (argc 1)"]);
    expect(formatTracerouteBadOption('-h')).toEqual(["Bad option `-h' (argc 1)"]);
  });

  it('prints missing and bad option arguments as observed', () => {
    expect(formatTracerouteMissingArgument('-z')).toEqual(["Option `-z' (argc 1) requires an argument: `-z sendwait'"]);
    expect(formatTracerouteMissingArgument('-m')).toEqual(["Option `-m' (argc 1) requires an argument: `-m max_ttl'"]);
    expect(formatTracerouteMissingArgument('-w')).toEqual(["Option `-w' (argc 1) requires an argument: `-w MAX,HERE,NEAR'"]);
    expect(formatTracerouteMissingArgument('-O')).toEqual(["Option `-O' (argc 1) requires an argument: `-O OPTS,...'"]);
    expect(formatTracerouteMissingArgument('-g')).toEqual(["Option `-g' (argc 1) requires an argument: `-g gate,...'"]);
    expect(formatTracerouteMissingArgument('--max-hops')).toEqual(["Option `--max-hops' (argc 1) requires an argument: `--max-hops=max_ttl'"]);
    expect(formatTracerouteMissingArgument('--sport')).toEqual(["Option `--sport' (argc 1) requires an argument: `--sport=num'"]);
    expect(tracerouteOptionArgName('-q')).toBe('nqueries');
    expect(tracerouteOptionArgName('-n')).toBeUndefined();
    expect(formatTracerouteBadArgument('-m', 'abc', 2)).toEqual(["Cannot handle `-m' option with arg `abc' (argc 2)"]);
    expect(formatTracerouteBadArgument('--max-hops', '', 1)).toEqual(["Cannot handle `--max-hops' option with arg `' (argc 1)"]);
  });

  it('prints the other errors as observed', () => {
    expect(formatTracerouteExtraArg('70', 3, 3)).toEqual(["Extra arg `70' (position 3, argc 3)"]);
    expect(formatTracerouteUnknownHost('nosuchhost.invalid')).toEqual([
      'nosuchhost.invalid: Name or service not known',
      'Cannot handle "host" cmdline arg `nosuchhost.invalid\' on position 1 (argc 1)',
    ]);
    expect(TRACEROUTE_RANGE_ERRORS.probesPerHop).toBe('no more than 10 probes per hop');
    expect(TRACEROUTE_RANGE_ERRORS.maxHops).toBe('max hops cannot be more than 255');
    expect(TRACEROUTE_RANGE_ERRORS.firstHop).toBe('first hop out of range');
  });
});
