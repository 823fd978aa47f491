/**
 * The scenario format: plain data (JSON), validated with zod. A scenario is a topology
 * (hosts, routers, switches, links with bandwidth, delay, loss, MTU, queue and scripted fault
 * rules), per-node configuration (addresses, routes, NAT, firewall), scripted terminal commands
 * and a seed. Errors name the offending path, e.g. `links[2].bandwidth: ...`.
 */
import { z } from 'zod';
import { parseIpv4, parseIpv6 } from '../wire/addr.ts';
import { parseDuration, parseRate } from './units.ts';

const duration = z.union([z.string(), z.number()]).refine((v) => parseDuration(v) !== undefined, { message: 'expected a duration such as "10ms", "1.5s" or a number of nanoseconds' });
const rate = z.union([z.string(), z.number()]).refine((v) => parseRate(v) !== undefined, { message: 'expected a rate such as "100Mbit", "1Gbit" or bits per second' });

const ipv4Prefix = z.string().refine((s) => {
  const [a, len, ...rest] = s.split('/');
  return rest.length === 0 && a !== undefined && parseIpv4(a) !== undefined && len !== undefined && /^\d+$/.test(len) && Number(len) <= 32;
}, { message: 'expected an IPv4 address with prefix length, e.g. "192.168.1.10/24"' });

const ipv6Prefix = z.string().refine((s) => {
  const [a, len, ...rest] = s.split('/');
  return rest.length === 0 && a !== undefined && parseIpv6(a) !== undefined && len !== undefined && /^\d+$/.test(len) && Number(len) <= 128;
}, { message: 'expected an IPv6 address with prefix length, e.g. "2001:db8::10/64"' });

const ipAddress = z.string().refine((s) => parseIpv4(s) !== undefined || parseIpv6(s) !== undefined, { message: 'expected an IPv4 or IPv6 address' });

const name = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,31}$/, 'names start with a letter and use letters, digits, "-" and "_" (max 32)');

export const InterfaceSchema = z.strictObject({
  name: name,
  ipv4: z.array(ipv4Prefix).default([]),
  ipv6: z.array(ipv6Prefix).default([]),
  mtu: z.number().int().min(68).max(65535).default(1500),
  mac: z.string().regex(/^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/, 'expected a MAC like "02:00:00:00:01:01"').optional(),
});

export const RouteSchema = z.strictObject({
  to: z.union([z.literal('default'), z.literal('default6'), ipv4Prefix, ipv6Prefix]),
  via: ipAddress.optional(),
  dev: name.optional(),
  metric: z.number().int().min(0).default(0),
});

export const PacketMatchSchema = z.strictObject({
  protocol: z.enum(['arp', 'ipv4', 'ipv6', 'icmp', 'icmpv6', 'udp', 'tcp']).optional(),
  src: ipAddress.optional(),
  dst: ipAddress.optional(),
  srcPort: z.number().int().min(0).max(65535).optional(),
  dstPort: z.number().int().min(0).max(65535).optional(),
  icmpType: z.number().int().min(0).max(255).optional(),
  minLength: z.number().int().min(0).optional(),
});

export const FirewallRuleSchema = z.strictObject({
  chain: z.enum(['input', 'forward', 'output']),
  match: PacketMatchSchema,
  action: z.literal('drop').default('drop'),
  label: z.string().default('firewall rule'),
});

/** Per-host TCP defaults (sysctl-like); sockets may override them (e.g. iperf3 -C). */
export const TcpConfigSchema = z.strictObject({
  cc: z.enum(['reno', 'cubic', 'bbr']).optional(),
  ecn: z.boolean().optional(),
  sack: z.boolean().optional(),
  timestamps: z.boolean().optional(),
  windowScaling: z.boolean().optional(),
  nodelay: z.boolean().optional(),
  quickack: z.boolean().optional(),
  /** Delayed-ACK timeout (Linux 40 ms; classic BSD/Windows 200 ms). */
  delayedAck: duration.optional(),
  /** 'linux' (RTO floor 200 ms over SRTT) or 'rfc6298' (minimum RTO 1 s). */
  rto: z.enum(['linux', 'rfc6298']).optional(),
  /** Maximum segment lifetime; TIME-WAIT lasts twice this. */
  msl: duration.optional(),
  rcvbuf: z.number().int().min(1024).optional(),
  sndbuf: z.number().int().min(1024).optional(),
  /** net.ipv4.ip_local_port_range for TCP connections (Linux default 32768–60999). */
  portRange: z.tuple([z.number().int().min(1024).max(65535), z.number().int().min(1024).max(65535)]).refine(([lo, hi]) => lo <= hi, { message: 'the first port must not exceed the second' }).optional(),
  /** net.ipv4.tcp_tw_reuse for outgoing connections. */
  twReuse: z.boolean().optional(),
  /**
   * net.ipv4.tcp_fastopen (RFC 7413 TCP Fast Open): 1 = clients may use it (Linux default),
   * 2 = listeners that set TCP_FASTOPEN accept it, 3 = both, 0 = off.
   */
  fastOpen: z.number().int().min(0).max(3).optional(),
  /** net.ipv4.tcp_fastopen_key: the server's cookie key, four 32-bit hex words (random per run otherwise). */
  fastOpenKey: z.string().regex(/^[0-9a-fA-F]{1,8}(-[0-9a-fA-F]{1,8}){3}$/, 'expected four hex words like "00112233-44556677-8899aabb-ccddeeff"').optional(),
});

/** A DNS name as typed in scenarios ("example.com", "example.com." or "." for the root). */
const dnsName = z.string().min(1).max(254).regex(/^(\.|[A-Za-z0-9_*-]+(\.[A-Za-z0-9_-]+)*\.?)$/, 'expected a domain name such as "example.com" or "."');

/** One zone served by an authoritative server: its origin and master-file text (RFC 1035 §5). */
export const DnsZoneSchema = z.strictObject({
  origin: dnsName,
  /** Zone-file text; an array is joined with newlines (easier to write in JSON). */
  file: z.union([z.string(), z.array(z.string())]),
});

/** Per-host DNS: resolv.conf, an authoritative server, a recursive resolver. */
export const DnsHostSchema = z.strictObject({
  /** /etc/resolv.conf of the host (stub resolver used by ping, dig, host, nslookup). */
  resolvConf: z
    .strictObject({
      nameservers: z.array(ipAddress).max(3).default([]),
      search: z.array(dnsName).max(6).default([]),
      /** Seconds per try (options timeout:n, glibc default 5). */
      timeout: z.number().int().min(1).max(30).default(5),
      /** Rounds over the nameservers (options attempts:n, default 2). */
      attempts: z.number().int().min(1).max(5).default(2),
      ndots: z.number().int().min(0).max(15).default(1),
      edns0: z.boolean().default(false),
    })
    .optional(),
  /** An authoritative-only server (UDP and TCP port 53). */
  authoritative: z
    .strictObject({
      zones: z.array(DnsZoneSchema).min(1),
      /** Largest UDP answer with EDNS (default 1232). */
      udpMax: z.number().int().min(512).max(4096).default(1232),
      tcp: z.boolean().default(true),
    })
    .optional(),
  /** A recursive resolver (UDP and TCP port 53), iterating from the root hints. */
  recursive: z
    .strictObject({
      rootHints: z.array(z.strictObject({ name: dnsName, address: ipAddress })).min(1),
      qnameMinimisation: z.boolean().default(false),
      /** EDNS UDP payload size offered to servers; 0 sends queries without EDNS. */
      ednsBufferSize: z.number().int().min(0).max(4096).default(1232),
      /** Initial timeout per server (doubled on the second round). */
      timeout: duration.default('800ms'),
      attempts: z.number().int().min(1).max(5).default(2),
      maxTtl: z.number().int().min(1).default(86400),
      maxNegativeTtl: z.number().int().min(1).default(3600),
    })
    .optional(),
});

const nodeCommon = {
  name,
  interfaces: z.array(InterfaceSchema).default([]),
  routes: z.array(RouteSchema).default([]),
  /** Sends ICMP errors (time exceeded, unreachable). A router with this off is a silent hop. */
  icmpErrors: z.boolean().default(true),
  icmpEcho: z.boolean().default(true),
  firewall: z.array(FirewallRuleSchema).default([]),
  tcp: TcpConfigSchema.optional(),
  /** DNS roles of this node: resolv.conf, authoritative zones, recursive resolver. */
  dns: DnsHostSchema.optional(),
  /** Position in the topology view (optional; laid out automatically otherwise). */
  position: z.tuple([z.number(), z.number()]).optional(),
};

export const HostSchema = z.strictObject({ ...nodeCommon, kind: z.literal('host') });
export const RouterSchema = z.strictObject({
  ...nodeCommon,
  kind: z.literal('router'),
  /** Source NAT (masquerade) out of `outside`, using that interface's first IPv4 address. */
  nat: z.strictObject({ outside: name, udpTimeout: duration.optional(), icmpTimeout: duration.optional() }).optional(),
});
export const SwitchSchema = z.strictObject({
  name,
  kind: z.literal('switch'),
  ports: z.number().int().min(2).max(64).default(8),
  agingTime: duration.default('300s'),
  position: z.tuple([z.number(), z.number()]).optional(),
});

export const NodeSchema = z.discriminatedUnion('kind', [HostSchema, RouterSchema, SwitchSchema]);

export const FaultRuleSchema = z.strictObject({
  from: name.optional(),
  match: PacketMatchSchema.default({}),
  nth: z.number().int().min(1).default(1),
  andAfter: z.boolean().default(false),
  action: z.enum(['drop', 'delay', 'corrupt']),
  delay: duration.optional(),
  offset: z.number().int().min(0).optional(),
  label: z.string().optional(),
});

const endpoint = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*:[A-Za-z][A-Za-z0-9_.-]*$/, 'expected "node:interface", e.g. "h1:eth0"');

export const LinkSchema = z.strictObject({
  a: endpoint,
  b: endpoint,
  bandwidth: rate.default('1Gbit'),
  delay: duration.default('100us'),
  loss: z.number().min(0).max(1).default(0),
  queue: z.number().int().min(1).max(1_000_000).default(100),
  /** Queue discipline on both transmit sides: drop-tail (default), CoDel or fq_codel (RFC 8289/8290). */
  qdisc: z.enum(['droptail', 'codel', 'fq_codel']).default('droptail'),
  /** AQM marks ECN-capable packets instead of dropping (default: codel off, fq_codel on, as Linux). */
  ecn: z.boolean().optional(),
  /** Largest IP packet the link carries; sets both interfaces' MTU (overrides theirs). */
  mtu: z.number().int().min(68).max(65535).optional(),
  rules: z.array(FaultRuleSchema).default([]),
});

export const ActionSchema = z.strictObject({
  at: duration.default(0),
  host: name,
  command: z.string().min(1),
});

export const ScenarioSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,47}$/, 'scenario names are lowercase words joined by "-"'),
  title: z.string().default(''),
  description: z.string().default(''),
  seed: z.number().int().min(0).max(0xffffffff).default(1),
  stopTime: duration.default('60s'),
  /** Default host for terminal commands (`exec` without --host). */
  defaultHost: name.optional(),
  /** Interfaces captured by default ("node:iface"); default: one end of every link. */
  capture: z.array(endpoint).optional(),
  nodes: z.array(NodeSchema).min(1),
  links: z.array(LinkSchema).default([]),
  actions: z.array(ActionSchema).default([]),
  /** Daemons started at t=0 on every run, also under `exec` (e.g. "iperf3 -s" on a server). */
  services: z.array(z.strictObject({ host: name, command: z.string().min(1) })).default([]),
  /**
   * tshark expert-info messages (regular expressions) this scenario produces on purpose, e.g.
   * retransmissions in a loss lesson. Any other warning or error fails the capture oracle.
   */
  expectedExperts: z.array(z.string()).default([]),
  /** Example commands shown to learners and run by tests. */
  examples: z.array(z.strictObject({ host: name, command: z.string() })).default([]),
});

export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type Scenario = z.output<typeof ScenarioSchema>;
export type NodeSpec = z.output<typeof NodeSchema>;
export type TcpConfig = z.output<typeof TcpConfigSchema>;
export type DnsHostConfig = z.output<typeof DnsHostSchema>;

export class ScenarioError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(path ? `${path}: ${message}` : message);
    this.name = 'ScenarioError';
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

/** Validates untrusted scenario data; throws ScenarioError naming the first offending path. */
export function parseScenario(data: unknown): Scenario {
  const r = ScenarioSchema.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') message = `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    const path = formatPath(issue.path);
    throw new ScenarioError(message, issue.code === 'unrecognized_keys' && issue.keys.length === 1 ? (path ? `${path}.${issue.keys[0]}` : issue.keys[0]!) : path);
  }
  return r.data;
}
