import type { ScenarioInput } from '../schema.ts';

/**
 *  client ── 100 Mbit/s, 10 ms ── server          (RTT 20 ms)
 *
 * TCP Fast Open (RFC 7413). The client makes two short request/response connections with
 * TCP_FASTOPEN_CONNECT; the server's listener has TCP_FASTOPEN and net.ipv4.tcp_fastopen = 3.
 * The first connection's SYN asks for a cookie (an empty option, kind 34) and the SYN-ACK brings
 * one; its request goes after the handshake, so the response arrives 2 RTTs after connect().
 * The second SYN carries the cookie and the request itself; the server checks the cookie,
 * hands the request to the application at once, and the SYN-ACK acknowledges the data with the
 * response right behind it: 1 RTT. A ping first resolves ARP, so that neither connection pays
 * for it and the two compare like for like.
 */
export const tcpFastOpen: ScenarioInput = {
  name: 'tcp-fastopen',
  title: 'TCP Fast Open: a request in the SYN',
  description:
    'Two short request/response connections over a 20 ms RTT path (RFC 7413). Connection 1: the SYN asks for a cookie (TFO option, empty) and the SYN-ACK carries it; the request follows the handshake, so "request 1" takes 2 RTTs (~40 ms). Connection 2: the SYN carries the cookie and the 300-byte request (tcp.len > 0 on a SYN), the SYN-ACK acknowledges it and the response comes right after: ~20 ms. Look at the two SYNs and SYN-ACKs, the tcp.fastopen trace events and the "TCP Fast Open:" lines.',
  defaultHost: 'client',
  stopTime: '4s',
  nodes: [
    { name: 'client', kind: 'host', interfaces: [{ name: 'eth0', ipv4: ['10.40.0.10/24'] }], tcp: { fastOpen: 1 } },
    { name: 'server', kind: 'host', interfaces: [{ name: 'eth0', ipv4: ['10.40.0.20/24'] }], tcp: { fastOpen: 3 } },
  ],
  links: [{ a: 'client:eth0', b: 'server:eth0', bandwidth: '100Mbit', delay: '10ms' }],
  services: [{ host: 'server', command: 'reqresp -s -F' }],
  actions: [
    { at: '500ms', host: 'client', command: 'ping -c 1 server' },
    { at: '1s', host: 'client', command: 'reqresp -c server -n 1 -F' },
    { at: '2s', host: 'client', command: 'reqresp -c server -n 1 -F' },
  ],
  examples: [
    { host: 'client', command: 'reqresp -c server -n 1 -F' },
    { host: 'client', command: 'reqresp -c server -n 1' },
  ],
  capture: ['client:eth0'],
};
