import type { ScenarioInput } from '../schema.ts';

/**
 *  client ── r1 ── r2 ═══ r3 ── server
 *          1500   1500  1400  1500          (the r2–r3 link is a 1400-byte tunnel)
 *
 * Path MTU discovery (RFC 1191): a 1500-byte packet with DF set cannot cross r2→r3, so r2
 * answers "fragmentation needed, next-hop MTU 1400" and the client lowers its path MTU.
 * In the black-hole variant a firewall on r1 drops all ICMP (RFC 2923 §2.1): the client never
 * learns, and every large packet silently disappears while small ones work.
 */
function pmtuScenario(blackhole: boolean): ScenarioInput {
  return {
    name: blackhole ? 'pmtud-blackhole' : 'pmtud',
    title: blackhole ? 'Path MTU black hole' : 'Path MTU discovery',
    description: blackhole
      ? 'A 1400-byte link in the path and a firewall that drops ICMP: small pings work, large ones vanish.'
      : 'A 1400-byte link in the path: a large ping with DF triggers "fragmentation needed" and the sender adapts.',
    defaultHost: 'client',
    nodes: [
      { name: 'client', kind: 'host', interfaces: [{ name: 'eth0', ipv4: ['172.16.1.10/24'], ipv6: ['2001:db8:a1::10/64'] }], routes: [{ to: 'default', via: '172.16.1.1' }] },
      {
        name: 'r1',
        kind: 'router',
        interfaces: [
          { name: 'eth0', ipv4: ['172.16.1.1/24'], ipv6: ['2001:db8:a1::1/64'] },
          { name: 'eth1', ipv4: ['172.16.12.1/30'], ipv6: ['2001:db8:a12::1/64'] },
        ],
        routes: [
          { to: 'default', via: '172.16.12.2' },
          { to: 'default6', via: '2001:db8:a12::2' },
        ],
        firewall: blackhole ? [{ chain: 'forward', match: { protocol: 'icmp', icmpType: 3 }, action: 'drop', label: 'overzealous firewall: drop ICMP unreachable' }, { chain: 'forward', match: { protocol: 'icmpv6', icmpType: 2 }, action: 'drop', label: 'overzealous firewall: drop ICMPv6 packet too big' }] : [],
      },
      {
        name: 'r2',
        kind: 'router',
        interfaces: [
          { name: 'eth0', ipv4: ['172.16.12.2/30'], ipv6: ['2001:db8:a12::2/64'] },
          { name: 'tun0', ipv4: ['172.16.23.1/30'], ipv6: ['2001:db8:a23::1/64'], mtu: 1400 },
        ],
        routes: [
          { to: '172.16.1.0/24', via: '172.16.12.1' },
          { to: '2001:db8:a1::/64', via: '2001:db8:a12::1' },
          { to: 'default', via: '172.16.23.2' },
          { to: 'default6', via: '2001:db8:a23::2' },
        ],
      },
      {
        name: 'r3',
        kind: 'router',
        interfaces: [
          { name: 'tun0', ipv4: ['172.16.23.2/30'], ipv6: ['2001:db8:a23::2/64'], mtu: 1400 },
          { name: 'eth1', ipv4: ['172.16.3.1/24'], ipv6: ['2001:db8:a3::1/64'] },
        ],
        routes: [
          { to: 'default', via: '172.16.23.1' },
          { to: 'default6', via: '2001:db8:a23::1' },
        ],
      },
      { name: 'server', kind: 'host', interfaces: [{ name: 'eth0', ipv4: ['172.16.3.20/24'], ipv6: ['2001:db8:a3::20/64'] }], routes: [{ to: 'default', via: '172.16.3.1' }] },
    ],
    links: [
      { a: 'client:eth0', b: 'r1:eth0', bandwidth: '1Gbit', delay: '500us' },
      { a: 'r1:eth1', b: 'r2:eth0', bandwidth: '1Gbit', delay: '5ms' },
      { a: 'r2:tun0', b: 'r3:tun0', bandwidth: '100Mbit', delay: '10ms' },
      { a: 'r3:eth1', b: 'server:eth0', bandwidth: '1Gbit', delay: '500us' },
    ],
    actions: [
      { at: '0s', host: 'client', command: 'ping -c 2 -s 56 172.16.3.20' },
      { at: '3s', host: 'client', command: 'ping -c 3 -s 1472 172.16.3.20' },
    ],
    examples: [
      { host: 'client', command: 'ping -c 3 -s 1472 172.16.3.20' },
      { host: 'client', command: 'ping -c 3 -M do -s 1472 172.16.3.20' },
      { host: 'client', command: 'traceroute -n 172.16.3.20' },
    ],
  };
}

export const pmtud = pmtuScenario(false);
export const pmtudBlackhole = pmtuScenario(true);
