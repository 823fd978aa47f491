import type { ScenarioInput } from '../schema.ts';

/**
 *  client ── r1 ── r2 ── server      IPv4 and IPv6 on every link
 *
 * Hosts learn their IPv6 default router from Router Advertisements (RFC 4861) and resolve
 * neighbours with Neighbor Solicitations; routers have static routes.
 */
export const dualStack: ScenarioInput = {
  name: 'dual-stack',
  title: 'A dual-stack IPv4/IPv6 path',
  description: 'Two routers between a client and a server with both IPv4 and IPv6: NDP (RS/RA/NS/NA), hop limits and ping -6.',
  defaultHost: 'client',
  nodes: [
    {
      name: 'client',
      kind: 'host',
      interfaces: [{ name: 'eth0', ipv4: ['10.1.0.10/24'], ipv6: ['2001:db8:1::10/64'] }],
      routes: [{ to: 'default', via: '10.1.0.1' }],
    },
    {
      name: 'r1',
      kind: 'router',
      interfaces: [
        { name: 'eth0', ipv4: ['10.1.0.1/24'], ipv6: ['2001:db8:1::1/64'] },
        { name: 'eth1', ipv4: ['10.12.0.1/30'], ipv6: ['2001:db8:12::1/64'] },
      ],
      routes: [
        { to: 'default', via: '10.12.0.2' },
        { to: 'default6', via: '2001:db8:12::2' },
      ],
    },
    {
      name: 'r2',
      kind: 'router',
      interfaces: [
        { name: 'eth0', ipv4: ['10.12.0.2/30'], ipv6: ['2001:db8:12::2/64'] },
        { name: 'eth1', ipv4: ['10.2.0.1/24'], ipv6: ['2001:db8:2::1/64'] },
      ],
      routes: [
        { to: 'default', via: '10.12.0.1' },
        { to: 'default6', via: '2001:db8:12::1' },
      ],
    },
    {
      name: 'server',
      kind: 'host',
      interfaces: [{ name: 'eth0', ipv4: ['10.2.0.20/24'], ipv6: ['2001:db8:2::20/64'] }],
      routes: [{ to: 'default', via: '10.2.0.1' }],
    },
  ],
  links: [
    { a: 'client:eth0', b: 'r1:eth0', bandwidth: '1Gbit', delay: '1ms' },
    { a: 'r1:eth1', b: 'r2:eth0', bandwidth: '1Gbit', delay: '10ms' },
    { a: 'r2:eth1', b: 'server:eth0', bandwidth: '1Gbit', delay: '1ms' },
  ],
  actions: [
    { at: '2s', host: 'client', command: 'ping -6 -c 3 2001:db8:2::20' },
    { at: '6s', host: 'client', command: 'traceroute -n 2001:db8:2::20' },
  ],
  examples: [
    { host: 'client', command: 'ping -6 -c 3 2001:db8:2::20' },
    { host: 'client', command: 'ping -c 3 10.2.0.20' },
    { host: 'client', command: 'traceroute -n 2001:db8:2::20' },
  ],
};
