import type { ScenarioInput } from '../schema.ts';

/**
 *  client ── 1 Gbit/s, 1 ms ── server
 *
 * The Nagle + delayed-ACK stall (RFC 896, RFC 1122 §4.2.3.2): the client writes a request in two
 * parts; Nagle holds the second part until the first is acknowledged, and the server delays that
 * ACK (200 ms, the classic BSD/Windows timer) because it has nothing to send yet. Every
 * transaction waits ~200 ms on a 2 ms path. TCP_NODELAY (or TCP_QUICKACK) removes the stall.
 */
export const nagle: ScenarioInput = {
  name: 'nagle',
  title: 'Nagle meets delayed ACK',
  description: 'A request written in two parts stalls ~200 ms per transaction on a 2 ms path; TCP_NODELAY fixes it.',
  defaultHost: 'client',
  stopTime: '8s',
  nodes: [
    { name: 'client', kind: 'host', interfaces: [{ name: 'eth0', ipv4: ['10.20.0.10/24'] }] },
    { name: 'server', kind: 'host', interfaces: [{ name: 'eth0', ipv4: ['10.20.0.20/24'] }], tcp: { delayedAck: '200ms' } },
  ],
  links: [{ a: 'client:eth0', b: 'server:eth0', bandwidth: '1Gbit', delay: '1ms' }],
  services: [{ host: 'server', command: 'reqresp -s' }],
  actions: [
    { at: '1s', host: 'client', command: 'reqresp -c server -n 5' },
    { at: '4s', host: 'client', command: 'reqresp -c server -n 5 -N' },
  ],
  examples: [
    { host: 'client', command: 'reqresp -c server -n 5' },
    { host: 'client', command: 'reqresp -c server -n 5 -N' },
  ],
  capture: ['client:eth0'],
};

/**
 *  client ── 10 Gbit/s, 50 µs ── server
 *
 * Connection churn: every request opens a new connection that the client closes first, leaving
 * it in TIME-WAIT for 2·MSL (60 s). The client's port range is narrowed to 1,000 ports (as a
 * teacher would with `sysctl net.ipv4.ip_local_port_range="40000 40999"`; Linux's default
 * 32768–60999 runs out after 28,232 connections a minute): connect() then fails with "Cannot
 * assign requested address". Reusing TIME-WAIT ports (-R, like net.ipv4.tcp_tw_reuse) or one
 * persistent connection (-P) avoids it.
 */
export const churn: ScenarioInput = {
  name: 'churn',
  title: 'Connection churn and TIME-WAIT',
  description: 'Short connections closed by the client pile up in TIME-WAIT until ephemeral ports run out.',
  defaultHost: 'client',
  stopTime: '30s',
  nodes: [
    { name: 'client', kind: 'host', interfaces: [{ name: 'eth0', ipv4: ['10.30.0.10/24'] }], tcp: { portRange: [40000, 40999] } },
    { name: 'server', kind: 'host', interfaces: [{ name: 'eth0', ipv4: ['10.30.0.20/24'] }] },
  ],
  links: [{ a: 'client:eth0', b: 'server:eth0', bandwidth: '10Gbit', delay: '50us', queue: 10000 }],
  services: [{ host: 'server', command: 'reqresp -s -p 80' }],
  actions: [{ at: '1s', host: 'client', command: 'churn -c server -p 80 -n 1200' }],
  examples: [
    { host: 'client', command: 'churn -c server -p 80 -n 1200' },
    { host: 'client', command: 'churn -c server -p 80 -n 1200 -P' },
  ],
  capture: ['client:eth0'],
};
