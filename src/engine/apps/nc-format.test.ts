import { describe, expect, it } from 'vitest';
import {
  formatNcBadOption,
  formatNcBadPort,
  formatNcBadTimeout,
  formatNcConnectFailed,
  formatNcConnectionReceived,
  formatNcConnectionSucceeded,
  formatNcError,
  formatNcGetaddrinfo,
  formatNcHelp,
  formatNcListening,
  formatNcMissingArgument,
  formatNcUsage,
  NC_ERRORS,
} from './nc-format.ts';

// Every expected line below was copied from the real netcat-openbsd 1.219-1 (Debian 12) run in
// network namespaces A 10.0.0.1 -- B 10.0.0.2 with /etc/hosts "10.0.0.2 bee" in A.

describe('connect (-v)', () => {
  it('success', () => {
    expect(formatNcConnectionSucceeded({ host: '10.0.0.2', address: '10.0.0.2', port: 5000 })).toBe('Connection to 10.0.0.2 5000 port [tcp/*] succeeded!');
    expect(formatNcConnectionSucceeded({ host: 'bee', address: '10.0.0.2', port: 5000 })).toBe('Connection to bee (10.0.0.2) 5000 port [tcp/*] succeeded!');
    expect(formatNcConnectionSucceeded({ host: '10.0.0.2', address: '10.0.0.2', port: 80, service: 'http' })).toBe('Connection to 10.0.0.2 80 port [tcp/http] succeeded!');
    expect(formatNcConnectionSucceeded({ host: '10.0.0.2', address: '10.0.0.2', port: 80, service: 'http', numeric: true })).toBe(
      'Connection to 10.0.0.2 80 port [tcp/*] succeeded!',
    );
    expect(formatNcConnectionSucceeded({ host: '10.0.0.2', address: '10.0.0.2', port: 53, proto: 'udp', service: 'domain' })).toBe(
      'Connection to 10.0.0.2 53 port [udp/domain] succeeded!',
    );
  });

  it('failures', () => {
    expect(formatNcConnectFailed({ host: '10.0.0.2', address: '10.0.0.2', port: 5001, error: 'Connection refused' })).toBe(
      'nc: connect to 10.0.0.2 port 5001 (tcp) failed: Connection refused',
    );
    expect(formatNcConnectFailed({ host: 'bee', address: '10.0.0.2', port: 5001, error: 'Connection refused' })).toBe(
      'nc: connect to bee (10.0.0.2) port 5001 (tcp) failed: Connection refused',
    );
    expect(formatNcConnectFailed({ host: '10.0.0.3', port: 5001, timedOut: true })).toBe('nc: connect to 10.0.0.3 port 5001 (tcp) timed out: Operation now in progress');
    expect(formatNcConnectFailed({ host: '10.0.9.9', port: 5000, error: 'Connection timed out' })).toBe('nc: connect to 10.0.9.9 port 5000 (tcp) failed: Connection timed out');
    expect(formatNcConnectFailed({ host: '10.0.0.9', port: 22, error: 'No route to host' })).toBe('nc: connect to 10.0.0.9 port 22 (tcp) failed: No route to host');
  });
});

describe('listen (-l -v)', () => {
  it('listening and accepting', () => {
    expect(formatNcListening('0.0.0.0', 5000)).toBe('Listening on 0.0.0.0 5000');
    expect(formatNcListening('0.0.0.0', 7000, true)).toBe('Bound on 0.0.0.0 7000');
    expect(formatNcConnectionReceived('10.0.0.1', 52822)).toBe('Connection received on 10.0.0.1 52822');
  });
});

describe('errors and usage', () => {
  const usage = [
    'usage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]',
    '\t  [-m minttl] [-O length] [-P proxy_username] [-p source_port]',
    '\t  [-q seconds] [-s sourceaddr] [-T keyword] [-V rtable] [-W recvlimit]',
    '\t  [-w timeout] [-X proxy_protocol] [-x proxy_address[:port]]',
    '\t  [destination] [port]',
  ];

  it('usage and getopt errors', () => {
    expect(formatNcUsage()).toEqual(usage);
    expect(formatNcBadOption('Q')).toEqual(["nc: invalid option -- 'Q'", ...usage]);
    expect(formatNcMissingArgument('w')).toEqual(["nc: option requires an argument -- 'w'", ...usage]);
  });

  it('argument errors', () => {
    expect(formatNcError(NC_ERRORS.missingPort)).toBe('nc: missing port number');
    expect(formatNcError(NC_ERRORS.zWithListen)).toBe('nc: cannot use -z and -l');
    expect(formatNcError(NC_ERRORS.kWithoutListen)).toBe('nc: must use -l with -k');
    expect(formatNcBadPort('too large', '99999')).toBe('nc: port number too large: 99999');
    expect(formatNcBadPort('too small', '0')).toBe('nc: port number too small: 0');
    expect(formatNcBadPort('invalid', 'foo')).toBe('nc: port number invalid: foo');
    expect(formatNcBadTimeout('invalid', 'x')).toBe('nc: timeout invalid: x');
    expect(formatNcGetaddrinfo('nosuch', 80)).toBe('nc: getaddrinfo for host "nosuch" port 80: Name or service not known');
  });

  it('-h', () => {
    const help = formatNcHelp();
    expect(help[0]).toBe('OpenBSD netcat (Debian patchlevel 1.219-1)');
    expect(help.slice(1, 6)).toEqual(usage);
    expect(help[6]).toBe('\tCommand Summary:');
    expect(help).toContain('\t\t-l\t\tListen mode, for inbound connects');
    expect(help[help.length - 1]).toBe('\tPort numbers can be individual or ranges: lo-hi [inclusive]');
    expect(help).toHaveLength(43);
  });
});
