/**
 * The trace vocabulary: every observable thing the engine does is one of these named events
 * (layer.direction.phase style, as ns-3 names its trace sources). Drops and errors are events,
 * never exceptions. The trace is the contract between the engine and every view.
 *
 * Each event has: time (ns), node, interface, packet uid, two numeric arguments (a, b) and an
 * optional interned text. `args` names a/b for the JSON dump and the event list.
 */
export interface TraceKindInfo {
  readonly name: string;
  readonly description: string;
  readonly args?: readonly [a?: string, b?: string];
  readonly text?: string;
}

export const TRACE_KINDS = [
  // Physical layer and links
  { name: 'phy.txBegin', description: 'A frame starts serialising onto a link', args: ['link', 'wireBytes'] },
  { name: 'phy.txEnd', description: 'The last bit of a frame left the transmitting interface', args: ['link', 'wireBytes'] },
  { name: 'phy.rxEnd', description: 'A whole frame arrived at the receiving interface', args: ['link', 'wireBytes'] },
  { name: 'link.enqueue', description: 'A frame joined an interface transmit queue', args: ['link', 'queueLen'] },
  { name: 'link.dequeue', description: 'A frame left the transmit queue after waiting (sojourn ns)', args: ['link', 'queueLen'] },
  { name: 'link.mark', description: 'An AQM marked a frame Congestion Experienced instead of dropping it (RFC 3168)', args: ['link', 'queueLen'], text: 'qdisc' },
  { name: 'link.drop', description: 'A link or its queue lost a frame', args: ['link', 'queueLen'], text: 'reason' },
  { name: 'link.delay', description: 'A scripted rule held a frame back', args: ['link', 'delayNs'], text: 'rule' },
  { name: 'link.corrupt', description: 'A scripted rule flipped bits in a frame', args: ['link', 'offset'], text: 'rule' },
  // Ethernet and switching
  { name: 'eth.rx.drop', description: 'An interface discarded a received frame', text: 'reason' },
  { name: 'sw.learn', description: 'A switch learned (or moved) a MAC address on a port', args: ['mac', 'port'] },
  { name: 'sw.age', description: 'A switch forgot a MAC address that was idle too long', args: ['mac', 'port'] },
  { name: 'sw.forward', description: 'A switch forwarded a frame out of one known port', args: ['inPort', 'outPort'] },
  { name: 'sw.flood', description: 'A switch flooded a frame out of every other port', args: ['inPort', 'ports'] },
  // ARP and NDP
  { name: 'arp.tx.request', description: 'ARP request sent: who has this IPv4 address?', args: ['targetIp'] },
  { name: 'arp.tx.reply', description: 'ARP reply sent', args: ['targetIp'] },
  { name: 'arp.rx', description: 'ARP packet received', args: ['op', 'senderIp'] },
  { name: 'arp.cache.add', description: 'Neighbour cache learned an IPv4 → MAC mapping (REACHABLE if solicited, else STALE)', args: ['ip', 'mac'], text: 'state' },
  { name: 'arp.cache.state', description: 'Neighbour cache entry changed state (REACHABLE, STALE, DELAY, PROBE: Linux NUD)', args: ['ip', 'mac'], text: 'state' },
  { name: 'arp.cache.expire', description: 'Neighbour cache entry removed: its unicast probes went unanswered', args: ['ip', 'mac'] },
  { name: 'arp.queue', description: 'Packet held while its next hop is being resolved', args: ['ip', 'queued'] },
  { name: 'arp.fail', description: 'Address resolution failed; held packets are dropped', args: ['ip', 'dropped'] },
  { name: 'ndp.tx', description: 'NDP message sent (RS, RA, NS or NA)', args: ['icmpType'] },
  { name: 'ndp.rx', description: 'NDP message received', args: ['icmpType'] },
  { name: 'ndp.cache.add', description: 'Neighbour cache learned an IPv6 → MAC mapping (REACHABLE if solicited, else STALE)', args: ['mac', 'nudState'], text: 'ip' },
  { name: 'ndp.cache.state', description: 'IPv6 neighbour cache entry changed state (REACHABLE, STALE, DELAY, PROBE: Linux NUD)', args: ['mac', 'nudState'], text: 'ip' },
  { name: 'ndp.cache.expire', description: 'IPv6 neighbour cache entry removed: its unicast probes went unanswered', args: ['mac'], text: 'ip' },
  { name: 'ndp.fail', description: 'IPv6 neighbour resolution failed', args: ['dropped'], text: 'ip' },
  { name: 'ndp.router', description: 'Host learned a default router from a Router Advertisement', args: ['lifetime'], text: 'router' },
  // IP
  { name: 'ip.tx', description: 'Locally originated IP packet sent', args: ['protocol', 'length'] },
  { name: 'ip.rx.deliver', description: 'IP packet delivered to this host’s upper layer', args: ['protocol', 'length'] },
  { name: 'ip.forward', description: 'Router forwarded an IP packet (TTL/hop limit decremented)', args: ['ttl', 'parentPacket'] },
  { name: 'ip.drop', description: 'IP layer dropped a packet', args: ['protocol'], text: 'reason' },
  { name: 'ip.fragment', description: 'Packet split into fragments to fit the MTU', args: ['fragments', 'mtu'] },
  { name: 'ip.reassemble', description: 'Fragments reassembled into one datagram', args: ['fragments', 'length'] },
  { name: 'ip.reassembly.timeout', description: 'Reassembly gave up waiting for missing fragments', args: ['ident'] },
  { name: 'ip.pmtu.update', description: 'Path MTU to a destination lowered by an ICMP message', args: ['mtu', 'old'], text: 'destination' },
  { name: 'route.add', description: 'Route installed', args: ['prefixLen', 'metric'], text: 'route' },
  { name: 'route.remove', description: 'Route removed', args: ['prefixLen'], text: 'route' },
  { name: 'fw.drop', description: 'A firewall rule dropped a packet', args: ['rule'], text: 'reason' },
  // NAT
  { name: 'nat.map.add', description: 'NAT created a mapping inside addr:port → public port', args: ['protocol', 'publicPort'], text: 'mapping' },
  { name: 'nat.map.expire', description: 'NAT mapping timed out', args: ['protocol', 'publicPort'], text: 'mapping' },
  { name: 'nat.translate', description: 'NAT rewrote a packet’s addresses/ports', args: ['direction', 'protocol'], text: 'mapping' },
  { name: 'nat.drop', description: 'NAT had no mapping for an inbound packet', args: ['protocol'], text: 'reason' },
  // ICMP
  { name: 'icmp.tx', description: 'ICMP message sent', args: ['type', 'code'] },
  { name: 'icmp.rx', description: 'ICMP message received', args: ['type', 'code'] },
  { name: 'icmp.suppress', description: 'ICMP error not sent (RFC 1122 §3.2.2 rules)', args: ['type', 'code'], text: 'reason' },
  // UDP
  { name: 'udp.tx', description: 'UDP datagram sent', args: ['srcPort', 'dstPort'] },
  { name: 'udp.rx', description: 'UDP datagram delivered to a socket', args: ['srcPort', 'dstPort'] },
  { name: 'udp.drop', description: 'UDP datagram dropped', args: ['srcPort', 'dstPort'], text: 'reason' },
  // TCP (text = the connection, "10.0.0.1:40000>10.0.0.2:5201")
  { name: 'tcp.state', description: 'A TCP connection changed state (RFC 9293 §3.3.2)', text: 'transition' },
  { name: 'tcp.tx', description: 'TCP segment sent', args: ['seq', 'length'], text: 'connection' },
  { name: 'tcp.rx', description: 'TCP segment received by a connection', args: ['seq', 'length'], text: 'connection' },
  { name: 'tcp.retransmit', description: 'TCP retransmitted a segment (reason: RTO, fast retransmit, SACK, probe)', args: ['seq', 'length'], text: 'reason' },
  { name: 'tcp.cwnd', description: 'Congestion window / slow-start threshold changed (bytes)', args: ['cwnd', 'ssthresh'], text: 'connection' },
  { name: 'tcp.rtt', description: 'RTT sample and smoothed RTT (ns)', args: ['sample', 'srtt'], text: 'connection' },
  { name: 'tcp.rto', description: 'Retransmission timer fired; RTO backed off (ns)', args: ['rto', 'backoffs'], text: 'connection' },
  { name: 'tcp.recovery', description: 'Entered (a=1) or left (a=0) loss recovery', args: ['entered', 'recoveryPoint'], text: 'connection' },
  { name: 'tcp.sack', description: 'SACK blocks received (text lists them)', args: ['blocks'], text: 'blocks' },
  { name: 'tcp.window', description: 'Peer’s advertised receive window (bytes, after scaling)', args: ['window'], text: 'connection' },
  { name: 'tcp.inflight', description: 'Bytes in flight (RFC 6675 pipe) and pacing rate (bytes/s)', args: ['inflight', 'pacingRate'], text: 'connection' },
  { name: 'tcp.ecn', description: 'ECN event: CE received, ECE sent/received, CWR sent', args: ['flag'], text: 'event' },
  { name: 'tcp.rst', description: 'RST sent or received (text: why)', args: ['sent'], text: 'reason' },
  { name: 'tcp.drop', description: 'TCP segment discarded (text: why)', args: ['seq'], text: 'reason' },
  { name: 'tcp.fastopen', description: 'TCP Fast Open (RFC 7413): a cookie requested, issued, cached or rejected; data in a SYN sent, accepted or resent (event codes: stack/tcp/fastopen.ts)', args: ['event', 'bytes'], text: 'event' },
  // Applications and simulation
  { name: 'app.start', description: 'An application or terminal command started', text: 'command' },
  { name: 'app.output', description: 'A line of terminal output', text: 'line' },
  { name: 'app.exit', description: 'An application or terminal command finished', args: ['status'], text: 'command' },
  { name: 'sim.budget', description: 'The run stopped: its event budget was used up', args: ['events'] },
  // DNS (text: "name TYPE", with the server where one is involved)
  { name: 'dns.query', description: 'DNS query sent (b = 1 over TCP)', args: ['id', 'tcp'], text: 'question' },
  { name: 'dns.response', description: 'DNS response received (a = message ID, b = RCODE)', args: ['id', 'rcode'], text: 'question' },
  { name: 'dns.serverAnswer', description: 'A DNS server answered a query (a = RCODE, b = answer records)', args: ['rcode', 'answers'], text: 'question' },
  { name: 'dns.referral', description: 'A resolver followed a referral to a child zone (a = NS records, b = glue records kept)', args: ['ns', 'glue'], text: 'zone' },
  { name: 'dns.cacheHit', description: 'Answered from the cache (a = remaining TTL s, b = 1 for a negative entry)', args: ['ttl', 'negative'], text: 'question' },
  { name: 'dns.cacheMiss', description: 'Not in the cache (or expired): the resolver has to ask', text: 'question' },
  { name: 'dns.cacheStore', description: 'An RRset or negative answer stored in the cache (a = TTL s, b = records; 0 = negative)', args: ['ttl', 'records'], text: 'question' },
  { name: 'dns.timeout', description: 'No answer from a DNS server within the timeout (a = timeout ms); the next server is tried', args: ['timeoutMs'], text: 'question' },
  { name: 'dns.lame', description: 'A server refused, failed or answered without authority (a = RCODE); the next server is tried', args: ['rcode'], text: 'reason' },
  { name: 'dns.truncated', description: 'A UDP answer had TC=1; retrying over TCP', args: ['id'], text: 'question' },
  { name: 'dns.drop', description: 'A DNS message was ignored or refused (malformed, unexpected ID, source or question)', text: 'reason' },
  { name: 'dns.resolved', description: 'A resolution finished (a = RCODE, b = answer records)', args: ['rcode', 'answers'], text: 'question' },
] as const satisfies readonly TraceKindInfo[];

export type TraceKind = (typeof TRACE_KINDS)[number]['name'];

export const KIND_ID: Readonly<Record<TraceKind, number>> = Object.fromEntries(TRACE_KINDS.map((k, i) => [k.name, i])) as Record<TraceKind, number>;

export function kindInfo(id: number): TraceKindInfo {
  const k = TRACE_KINDS[id];
  if (!k) throw new RangeError(`unknown trace kind id ${id}`);
  return k;
}

/** The layer a kind belongs to ("phy", "arp", "ip", ...): its first name component. */
export function kindLayer(name: string): string {
  return name.slice(0, name.indexOf('.'));
}
