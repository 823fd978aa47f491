import type { ScenarioInput } from '../schema.ts';

/**
 *  laptop ── home (NAT) ── cgnat (CGNAT) ── r1 ── r2 ── r3 ── server
 *  192.168.1.10   100.64.0.10   198.51.100.1                 203.0.113.10
 *
 * The laptop sits behind a home router that masquerades 192.168.1.0/24 to 100.64.0.10, which
 * itself sits behind a carrier-grade NAT in 100.64.0.0/10 (RFC 6598) whose public address is
 * 198.51.100.1. Three transit routers lead to a server. Documentation prefixes (RFC 5737).
 */
export const routed: ScenarioInput = {
  name: 'routed',
  title: 'A routed path behind NAT and CGNAT',
  description: 'A laptop behind a home NAT and a carrier-grade NAT, three routers, and a server: traceroute, TTL and NAT translation.',
  defaultHost: 'laptop',
  nodes: [
    { name: 'laptop', kind: 'host', interfaces: [{ name: 'eth0', ipv4: ['192.168.1.10/24'] }], routes: [{ to: 'default', via: '192.168.1.1' }] },
    {
      name: 'home',
      kind: 'router',
      interfaces: [
        { name: 'eth0', ipv4: ['192.168.1.1/24'] },
        { name: 'eth1', ipv4: ['100.64.0.10/24'] },
      ],
      routes: [{ to: 'default', via: '100.64.0.1' }],
      nat: { outside: 'eth1' },
    },
    {
      name: 'cgnat',
      kind: 'router',
      interfaces: [
        { name: 'eth0', ipv4: ['100.64.0.1/24'] },
        { name: 'eth1', ipv4: ['198.51.100.1/30'] },
      ],
      routes: [{ to: 'default', via: '198.51.100.2' }],
      nat: { outside: 'eth1' },
    },
    {
      name: 'r1',
      kind: 'router',
      interfaces: [
        { name: 'eth0', ipv4: ['198.51.100.2/30'] },
        { name: 'eth1', ipv4: ['198.51.100.5/30'] },
      ],
      routes: [{ to: 'default', via: '198.51.100.6' }],
    },
    {
      name: 'r2',
      kind: 'router',
      interfaces: [
        { name: 'eth0', ipv4: ['198.51.100.6/30'] },
        { name: 'eth1', ipv4: ['198.51.100.9/30'] },
      ],
      routes: [
        { to: '198.51.100.0/30', via: '198.51.100.5' },
        { to: '203.0.113.0/24', via: '198.51.100.10' },
      ],
    },
    {
      name: 'r3',
      kind: 'router',
      interfaces: [
        { name: 'eth0', ipv4: ['198.51.100.10/30'] },
        { name: 'eth1', ipv4: ['203.0.113.1/24'] },
      ],
      routes: [{ to: 'default', via: '198.51.100.9' }],
    },
    { name: 'server', kind: 'host', interfaces: [{ name: 'eth0', ipv4: ['203.0.113.10/24'] }], routes: [{ to: 'default', via: '203.0.113.1' }] },
  ],
  links: [
    { a: 'laptop:eth0', b: 'home:eth0', bandwidth: '1Gbit', delay: '200us' },
    { a: 'home:eth1', b: 'cgnat:eth0', bandwidth: '100Mbit', delay: '4ms' },
    { a: 'cgnat:eth1', b: 'r1:eth0', bandwidth: '10Gbit', delay: '1ms' },
    { a: 'r1:eth1', b: 'r2:eth0', bandwidth: '10Gbit', delay: '8ms' },
    { a: 'r2:eth1', b: 'r3:eth0', bandwidth: '10Gbit', delay: '3ms' },
    { a: 'r3:eth1', b: 'server:eth0', bandwidth: '1Gbit', delay: '100us' },
  ],
  actions: [{ at: '0s', host: 'laptop', command: 'traceroute -n 203.0.113.10' }],
  examples: [
    { host: 'laptop', command: 'traceroute -n 203.0.113.10' },
    { host: 'laptop', command: 'ping -c 3 203.0.113.10' },
    { host: 'laptop', command: 'traceroute -I 203.0.113.10' },
  ],
};
