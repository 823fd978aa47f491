/**
 * iproute2 6.1 formats on fixed data; expected lines are real `ip` output (trailing spaces
 * included). test/oracle/real-ip-tools.test.ts compares whole listings with the installed ip.
 */
import { describe, expect, it } from 'vitest';
import type { IpAddr, IpLink } from './ip-format.ts';
import { formatIpAddr, formatIpBriefAddr, formatIpBriefLink, formatIpLink, formatIpNeigh, formatIpRoute } from './ip-format.ts';

const eth0: IpLink = { index: 2, name: 'eth0', flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], mtu: 1500, qdisc: 'pfifo', state: 'UP', loopback: false, mac: '02:00:00:01:01:00', qlen: 1000 };
const addrs: IpAddr[] = [
  { family: 4, addr: '10.0.0.1', prefixLen: 24, brd: '10.0.0.255', scope: 'global' },
  { family: 4, addr: '10.0.0.7', prefixLen: 24, brd: '10.0.0.255', scope: 'global', secondary: true },
  { family: 6, addr: '2001:db8::1', prefixLen: 64, scope: 'global' },
  { family: 6, addr: 'fe80::ff:fe01:100', prefixLen: 64, scope: 'link' },
];

describe('ip formats', () => {
  it('ip addr, -4, -6', () => {
    expect(formatIpAddr(eth0, addrs)).toEqual([
      '2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc pfifo state UP group default qlen 1000',
      '    link/ether 02:00:00:01:01:00 brd ff:ff:ff:ff:ff:ff',
      '    inet 10.0.0.1/24 brd 10.0.0.255 scope global eth0',
      '       valid_lft forever preferred_lft forever',
      '    inet 10.0.0.7/24 brd 10.0.0.255 scope global secondary eth0',
      '       valid_lft forever preferred_lft forever',
      '    inet6 2001:db8::1/64 scope global ',
      '       valid_lft forever preferred_lft forever',
      '    inet6 fe80::ff:fe01:100/64 scope link ',
      '       valid_lft forever preferred_lft forever',
    ]);
    expect(formatIpAddr(eth0, addrs, 4)[0]).toBe('2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc pfifo state UP group default qlen 1000');
    expect(formatIpAddr(eth0, addrs, 6)).toHaveLength(5);
    expect(formatIpAddr(eth0, addrs, 6)[0]).toBe('2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 state UP qlen 1000');
  });

  it('ip link and the brief forms', () => {
    expect(formatIpLink(eth0)).toEqual(['2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc pfifo state UP mode DEFAULT group default qlen 1000', '    link/ether 02:00:00:01:01:00 brd ff:ff:ff:ff:ff:ff']);
    expect(formatIpBriefAddr(eth0, addrs)).toBe('eth0             UP             10.0.0.1/24 10.0.0.7/24 2001:db8::1/64 fe80::ff:fe01:100/64 ');
    expect(formatIpBriefLink(eth0)).toBe('eth0             UP             02:00:00:01:01:00 <BROADCAST,MULTICAST,UP,LOWER_UP> ');
  });

  it('routes', () => {
    expect(formatIpRoute({ family: 4, dest: 'default', via: '10.0.0.2', dev: 'eth0' })).toBe('default via 10.0.0.2 dev eth0 ');
    expect(formatIpRoute({ family: 4, dest: '10.0.0.0/24', dev: 'eth0', proto: 'kernel', scope: 'link', src: '10.0.0.1' })).toBe('10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.1 ');
    expect(formatIpRoute({ family: 4, dest: '10.5.0.0/16', via: '10.0.0.2', dev: 'eth0', metric: 10 })).toBe('10.5.0.0/16 via 10.0.0.2 dev eth0 metric 10 ');
    expect(formatIpRoute({ family: 6, dest: '2001:db8::/64', dev: 'eth0', proto: 'kernel', metric: 256 })).toBe('2001:db8::/64 dev eth0 proto kernel metric 256 pref medium');
    expect(formatIpRoute({ family: 6, dest: 'default', via: 'fe80::ff:fe02:100', dev: 'eth0', proto: 'ra', metric: 1024, expiresSec: 1799, hoplimit: 64 })).toBe(
      'default via fe80::ff:fe02:100 dev eth0 proto ra metric 1024 expires 1799sec hoplimit 64 pref medium',
    );
  });

  it('neighbours', () => {
    expect(formatIpNeigh({ addr: '10.0.0.2', dev: 'eth0', lladdr: '02:00:00:02:01:00', state: 'REACHABLE' })).toBe('10.0.0.2 dev eth0 lladdr 02:00:00:02:01:00 REACHABLE ');
    expect(formatIpNeigh({ addr: 'fe80::ff:fe02:100', dev: 'eth0', lladdr: '02:00:00:02:01:00', router: true, state: 'REACHABLE' }, false)).toBe('fe80::ff:fe02:100 lladdr 02:00:00:02:01:00 router REACHABLE ');
    expect(formatIpNeigh({ addr: '10.0.0.99', dev: 'eth0', state: 'INCOMPLETE' })).toBe('10.0.0.99 dev eth0 INCOMPLETE ');
  });
});
