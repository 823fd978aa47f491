import type { ScenarioInput } from '../schema.ts';

/**
 *   alice ──┐
 *   bob ────┼── sw1 (learning switch)
 *   carol ──┘
 */
export const lan: ScenarioInput = {
  name: 'lan',
  title: 'A switched LAN',
  description: 'Three hosts on one learning switch: ARP, MAC learning, flooding and ping on a single subnet.',
  defaultHost: 'alice',
  nodes: [
    { name: 'alice', kind: 'host', interfaces: [{ name: 'eth0', ipv4: ['192.168.10.11/24'], ipv6: ['fd00:10::11/64'] }] },
    { name: 'bob', kind: 'host', interfaces: [{ name: 'eth0', ipv4: ['192.168.10.12/24'], ipv6: ['fd00:10::12/64'] }] },
    { name: 'carol', kind: 'host', interfaces: [{ name: 'eth0', ipv4: ['192.168.10.13/24'], ipv6: ['fd00:10::13/64'] }] },
    { name: 'sw1', kind: 'switch', ports: 4 },
  ],
  links: [
    { a: 'alice:eth0', b: 'sw1:p1', bandwidth: '1Gbit', delay: '50us' },
    { a: 'bob:eth0', b: 'sw1:p2', bandwidth: '1Gbit', delay: '50us' },
    { a: 'carol:eth0', b: 'sw1:p3', bandwidth: '100Mbit', delay: '50us' },
  ],
  actions: [{ at: '1s', host: 'alice', command: 'ping -c 3 192.168.10.12' }],
  examples: [
    { host: 'alice', command: 'ping -c 3 192.168.10.12' },
    { host: 'alice', command: 'ping -6 -c 2 fd00:10::13' },
  ],
  capture: ['sw1:p1', 'sw1:p2', 'sw1:p3'],
};
