import type { ScenarioInput } from '../schema.ts';

/** tshark's sequence-analysis findings that loss and recovery legitimately produce. */
export const TCP_LOSS_EXPERTS = ['suspected\\) (out-of-order segment|retransmission|fast retransmission|spurious retransmission)', '^Duplicate ACK', 'Previous segment\\(s\\) not captured', 'ACKed segment that wasn.t captured'];

export interface BulkPathParams {
  name?: string;
  title?: string;
  description?: string;
  /** Bottleneck rate, one-way delay (whole path), random loss on the bottleneck, queue (packets). */
  bandwidth?: string;
  delay?: string;
  loss?: number;
  queue?: number;
  qdisc?: 'droptail' | 'codel' | 'fq_codel';
  cc?: 'reno' | 'cubic' | 'bbr';
  seconds?: number;
}

/**
 *  sender ──1 Gbit/s, 0.5 ms── r1 ══bottleneck══ receiver
 *
 * The bottleneck (r1 → receiver) has the configured rate, delay, loss and queue; the access
 * link is fast so the queue builds at r1, as on a real path. `iperf3 -s` runs on the receiver.
 */
export function bulkPath(p: BulkPathParams = {}): ScenarioInput {
  const delayMs = parseFloat(p.delay ?? '10ms');
  const seconds = p.seconds ?? 10;
  return {
    name: p.name ?? 'tcp-bulk',
    title: p.title ?? 'A bulk TCP transfer over a bottleneck',
    description:
      p.description ??
      `One ${p.cc ?? 'cubic'} flow through a ${p.bandwidth ?? '100Mbit'} bottleneck, ${p.delay ?? '10ms'} one way, ${p.queue ?? 100}-packet ${p.qdisc ?? 'droptail'} queue${p.loss ? `, ${p.loss * 100}% loss` : ''}: iperf3, cwnd, retransmissions.`,
    defaultHost: 'sender',
    stopTime: `${seconds + 3}s`,
    nodes: [
      { name: 'sender', kind: 'host', interfaces: [{ name: 'eth0', ipv4: ['10.10.1.10/24'] }], routes: [{ to: 'default', via: '10.10.1.1' }], tcp: { cc: p.cc ?? 'cubic' } },
      {
        name: 'r1',
        kind: 'router',
        interfaces: [
          { name: 'eth0', ipv4: ['10.10.1.1/24'] },
          { name: 'eth1', ipv4: ['10.10.2.1/24'] },
        ],
      },
      { name: 'receiver', kind: 'host', interfaces: [{ name: 'eth0', ipv4: ['10.10.2.20/24'] }], routes: [{ to: 'default', via: '10.10.2.1' }] },
    ],
    links: [
      { a: 'sender:eth0', b: 'r1:eth0', bandwidth: '1Gbit', delay: '500us', queue: 1000 },
      { a: 'r1:eth1', b: 'receiver:eth0', bandwidth: p.bandwidth ?? '100Mbit', delay: `${Math.max(delayMs - 0.5, 0)}ms`, loss: p.loss ?? 0, queue: p.queue ?? 100, qdisc: p.qdisc ?? 'droptail' },
    ],
    services: [{ host: 'receiver', command: 'iperf3 -s' }],
    actions: [
      { at: '1s', host: 'sender', command: `iperf3 -c 10.10.2.20 -t ${seconds}` },
      { at: `${Math.min(4, seconds)}s`, host: 'sender', command: 'ss -tin' },
    ],
    examples: [
      { host: 'sender', command: `iperf3 -c 10.10.2.20 -t 5` },
      { host: 'sender', command: `iperf3 -c 10.10.2.20 -t 5 -C bbr` },
    ],
    capture: ['sender:eth0'],
    // Seen from the sender, a loss shows as retransmissions that tshark may call out-of-order
    // (sent within an RTT of the original), and the receiver's duplicate ACKs.
    expectedExperts: TCP_LOSS_EXPERTS,
  };
}


export const tcpBulk = bulkPath();

export const lossyLongFat = bulkPath({
  name: 'lossy-lfn',
  title: 'A lossy long fat network',
  description: 'A 100 Mbit/s path with 50 ms RTT and 1% random loss: loss-based CUBIC collapses, model-based BBR does not.',
  bandwidth: '100Mbit',
  delay: '25ms',
  loss: 0.01,
  queue: 500,
  seconds: 20,
});

/**
 *  laptop ── home ══ 10 Mbit/s uplink, 1000-packet queue ══ isp ── server
 *
 * An upload fills the home router's oversized buffer: ping times to the server grow from
 * ~20 ms to over a second. The fq_codel variant keeps them near the base RTT.
 */
function bufferbloat(qdisc: 'droptail' | 'fq_codel'): ScenarioInput {
  return {
    name: qdisc === 'droptail' ? 'bufferbloat' : 'bufferbloat-fq-codel',
    title: qdisc === 'droptail' ? 'Bufferbloat on a home uplink' : 'The same uplink with fq_codel',
    description:
      qdisc === 'droptail'
        ? 'A bulk upload fills a 1000-packet drop-tail queue on a 10 Mbit/s uplink; pings queue behind it.'
        : 'The same upload behind fq_codel (RFC 8290): the queue stays short and pings stay fast.',
    defaultHost: 'laptop',
    stopTime: '14s',
    nodes: [
      { name: 'laptop', kind: 'host', interfaces: [{ name: 'eth0', ipv4: ['192.168.1.10/24'] }], routes: [{ to: 'default', via: '192.168.1.1' }] },
      {
        name: 'home',
        kind: 'router',
        interfaces: [
          { name: 'eth0', ipv4: ['192.168.1.1/24'] },
          { name: 'wan', ipv4: ['198.51.100.2/30'] },
        ],
        routes: [{ to: 'default', via: '198.51.100.1' }],
        nat: { outside: 'wan' },
      },
      {
        name: 'isp',
        kind: 'router',
        interfaces: [
          { name: 'eth0', ipv4: ['198.51.100.1/30'] },
          { name: 'eth1', ipv4: ['203.0.113.1/24'] },
        ],
      },
      { name: 'server', kind: 'host', interfaces: [{ name: 'eth0', ipv4: ['203.0.113.10/24'] }], routes: [{ to: 'default', via: '203.0.113.1' }] },
    ],
    links: [
      { a: 'laptop:eth0', b: 'home:eth0', bandwidth: '1Gbit', delay: '200us', queue: 1000 },
      { a: 'home:wan', b: 'isp:eth0', bandwidth: '10Mbit', delay: '8ms', queue: 1000, qdisc },
      { a: 'isp:eth1', b: 'server:eth0', bandwidth: '1Gbit', delay: '2ms' },
    ],
    services: [{ host: 'server', command: 'iperf3 -s' }],
    actions: [
      { at: '1s', host: 'laptop', command: 'iperf3 -c 203.0.113.10 -t 10' },
      { at: '1s', host: 'laptop', command: 'ping -c 12 203.0.113.10' },
    ],
    examples: [{ host: 'laptop', command: 'ping -c 3 203.0.113.10' }],
    capture: ['laptop:eth0'],
    expectedExperts: TCP_LOSS_EXPERTS,
  };
}

export const bufferbloatDropTail = bufferbloat('droptail');
export const bufferbloatFqCodel = bufferbloat('fq_codel');
