import type { ScenarioInput } from '../schema.ts';

/**
 * A mini internet for DNS. All addresses are documentation prefixes (RFC 5737); the names
 * mimic the real hierarchy but everything here is simulated.
 *
 *   laptop ─┐                        ┌─ a-root  a.root-servers.net  192.0.2.1   (., root-servers.net, arpa, 2.0.192.in-addr.arpa)
 *   phone ──┴─ lan ─ home ─ isp ─ ix ─┼─ b-root  b.root-servers.net  192.0.2.17
 *                                    ├─ gtld-a  a.gtld-servers.net  192.0.2.33  (com, net)
 *             resolver1 203.0.113.53 ┤─ gtld-b  b.gtld-servers.net  192.0.2.49  (com, net)
 *             resolver2 203.0.113.99 ┤─ tld-org a0.nic.org          192.0.2.65  (org)
 *                                    ├─ tld-de  a.nic.de            192.0.2.81  (de)
 *                                    ├─ ns1     ns1.example.com     198.51.100.1  (example.com, 100.51.198.in-addr.arpa)
 *                                    ├─ ns-net  ns.example.net      198.51.100.17 (example.net, example.org, beispiel.de,
 *                                    │                                             example.com secondary, 113.0.203.in-addr.arpa)
 *                                    ├─ ns-cdn  ns.cdn.example.net  198.51.100.33 (cdn.example.net)
 *                                    ├─ ns-eng  ns.eng.example.com  198.51.100.49 (eng.example.com, a delegated subzone)
 *                                    └─ web     198.51.100.81 (example.com, www) and 198.51.100.82 (example.org)
 *
 * resolver1 iterates with full query names; resolver2 uses QNAME minimisation (RFC 9156).
 * www.example.com is a CNAME into another zone (example.com.cdn.example.net, TTL 60); the
 * example.org and reverse-zone delegations have no glue (their name server lives in .net).
 * The scripted run shows the TTL-staleness pitfall: the CDN address changes at t=5 s, and
 * resolver1 keeps answering the old one from its cache until the 60-second TTL runs out.
 */

const ROOT_HINTS = [
  { name: 'a.root-servers.net', address: '192.0.2.1' },
  { name: 'b.root-servers.net', address: '192.0.2.17' },
];

const rootZone = [
  '$TTL 518400',
  '.                   86400  IN SOA a.root-servers.net. nstld.verisign-grs.com. 2024010100 1800 900 604800 86400',
  '.                          IN NS  a.root-servers.net.',
  '.                          IN NS  b.root-servers.net.',
  'a.root-servers.net.        IN A   192.0.2.1',
  'b.root-servers.net.        IN A   192.0.2.17',
  'com.                172800 IN NS  a.gtld-servers.net.',
  'com.                172800 IN NS  b.gtld-servers.net.',
  'net.                172800 IN NS  a.gtld-servers.net.',
  'net.                172800 IN NS  b.gtld-servers.net.',
  'a.gtld-servers.net. 172800 IN A   192.0.2.33',
  'b.gtld-servers.net. 172800 IN A   192.0.2.49',
  'org.                172800 IN NS  a0.nic.org.',
  'a0.nic.org.         172800 IN A   192.0.2.65',
  'de.                 172800 IN NS  a.nic.de.',
  'a.nic.de.           172800 IN A   192.0.2.81',
  'arpa.               172800 IN NS  a.root-servers.net.',
  'arpa.               172800 IN NS  b.root-servers.net.',
];

const arpaZone = [
  '$TTL 172800',
  '@ 86400 IN SOA a.root-servers.net. nstld.verisign-grs.com. 2024010100 1800 900 604800 86400',
  '@ IN NS a.root-servers.net.',
  '@ IN NS b.root-servers.net.',
  '2.0.192.in-addr.arpa.    IN NS a.root-servers.net.',
  '2.0.192.in-addr.arpa.    IN NS b.root-servers.net.',
  '100.51.198.in-addr.arpa. IN NS ns1.example.com.',
  '113.0.203.in-addr.arpa.  IN NS ns.example.net.',
];

const rootServersNet = [
  '$TTL 3600000',
  '@ IN SOA a.root-servers.net. nstld.verisign-grs.com. 2024010100 14400 7200 1209600 3600000',
  '@ IN NS a.root-servers.net.',
  '@ IN NS b.root-servers.net.',
  'a IN A 192.0.2.1',
  'b IN A 192.0.2.17',
];

const rev192 = [
  '$TTL 86400',
  '@ IN SOA a.root-servers.net. nstld.verisign-grs.com. 1 1800 900 604800 3600',
  '@ IN NS a.root-servers.net.',
  '@ IN NS b.root-servers.net.',
  '1  IN PTR a.root-servers.net.',
  '17 IN PTR b.root-servers.net.',
  '33 IN PTR a.gtld-servers.net.',
  '49 IN PTR b.gtld-servers.net.',
  '65 IN PTR a0.nic.org.',
  '81 IN PTR a.nic.de.',
];

const tld = (origin: string, mname: string, ns: string[], body: string[]): string[] => [
  '$TTL 172800',
  `@ 900 IN SOA ${mname} nstld.verisign-grs.com. 1704067200 1800 900 604800 900`,
  ...ns.map((n) => `@ IN NS ${n}`),
  ...body,
  `; end of ${origin}`,
];

const comZone = tld('com', 'a.gtld-servers.net.', ['a.gtld-servers.net.', 'b.gtld-servers.net.'], [
  'example.com.     IN NS ns1.example.com.',
  'example.com.     IN NS ns.example.net.',
  'ns1.example.com. IN A  198.51.100.1',
]);

const netZone = tld('net', 'a.gtld-servers.net.', ['a.gtld-servers.net.', 'b.gtld-servers.net.'], [
  'a.gtld-servers.net. IN A 192.0.2.33',
  'b.gtld-servers.net. IN A 192.0.2.49',
  'root-servers.net.   IN NS a.root-servers.net.',
  'root-servers.net.   IN NS b.root-servers.net.',
  'a.root-servers.net. IN A 192.0.2.1',
  'b.root-servers.net. IN A 192.0.2.17',
  'example.net.        IN NS ns.example.net.',
  'ns.example.net.     IN A  198.51.100.17',
]);

const orgZone = tld('org', 'a0.nic.org.', ['a0.nic.org.'], ['a0.nic.org. IN A 192.0.2.65', '; no glue: the name server of example.org lives under .net', 'example.org. IN NS ns.example.net.']);

const deZone = tld('de', 'a.nic.de.', ['a.nic.de.'], ['a.nic.de. IN A 192.0.2.81', 'beispiel.de. IN NS ns.example.net.']);

const exampleCom = [
  '$TTL 3600',
  '@        IN SOA   ns1.example.com. hostmaster.example.com. 2024010101 7200 3600 1209600 300',
  '@        IN NS    ns1.example.com.',
  '@        IN NS    ns.example.net.',
  '@        IN A     198.51.100.81',
  '@        IN AAAA  2001:db8:100::81',
  '@        IN MX    10 mail.example.com.',
  '@        IN TXT   "v=spf1 mx -all"',
  '@        IN CAA   0 issue "letsencrypt.org"',
  '@        IN HTTPS 1 . alpn="h2,h3" ipv4hint=198.51.100.81',
  'ns1      IN A     198.51.100.1',
  'mail     IN A     198.51.100.81',
  'www  300 IN CNAME example.com.cdn.example.net.',
  'ftp      IN CNAME www.example.com.',
  '_imaps._tcp IN SRV 0 1 993 mail.example.com.',
  '; a big TXT RRset: over 512 octets, so answers without EDNS are truncated (TC=1)',
  'big      IN TXT   "lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat."',
  'big      IN TXT   "duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur. excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id est laborum."',
  'big      IN TXT   "sed ut perspiciatis unde omnis iste natus error sit voluptatem accusantium doloremque laudantium, totam rem aperiam, eaque ipsa quae ab illo inventore veritatis et quasi architecto beatae vitae dicta sunt explicabo."',
  '; a delegated subzone on its own server (glue below the cut)',
  'eng      IN NS    ns.eng.example.com.',
  'ns.eng   IN A     198.51.100.49',
];

const engZone = [
  '$TTL 3600',
  '@     IN SOA ns.eng.example.com. hostmaster.example.com. 1 3600 900 604800 60',
  '@     IN NS  ns.eng.example.com.',
  'ns    IN A   198.51.100.49',
  'wiki  IN A   198.51.100.81',
  'build IN A   198.51.100.81',
];

const exampleNet = [
  '$TTL 3600',
  '@         IN SOA ns.example.net. hostmaster.example.net. 2024010101 7200 3600 1209600 300',
  '@         IN NS  ns.example.net.',
  'ns        IN A   198.51.100.17',
  'resolver1 IN A   203.0.113.53',
  'resolver2 IN A   203.0.113.99',
  'cdn       IN NS  ns.cdn.example.net.',
  'ns.cdn    IN A   198.51.100.33',
];

const cdnZone = [
  '$TTL 60',
  '@           IN SOA  ns.cdn.example.net. ops.example.net. 1 600 60 86400 30',
  '@      3600 IN NS   ns.cdn.example.net.',
  'ns     3600 IN A    198.51.100.33',
  'example.com IN A    198.51.100.81',
  'example.com IN AAAA 2001:db8:100::81',
];

const exampleOrg = [
  '$TTL 3600',
  '@   IN SOA   ns.example.net. hostmaster.example.org. 2024010101 7200 3600 1209600 300',
  '@   IN NS    ns.example.net.',
  '@   IN A     198.51.100.82',
  'www IN CNAME example.org.',
];

const beispielDe = [
  '$TTL 3600',
  '@   IN SOA ns.example.net. hostmaster.beispiel.de. 1 7200 3600 1209600 300',
  '@   IN NS  ns.example.net.',
  '@   IN A   198.51.100.82',
  'www IN A   198.51.100.82',
];

const rev198 = [
  '$TTL 86400',
  '@  IN SOA ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 3600',
  '@  IN NS  ns1.example.com.',
  '1  IN PTR ns1.example.com.',
  '17 IN PTR ns.example.net.',
  '33 IN PTR ns.cdn.example.net.',
  '49 IN PTR ns.eng.example.com.',
  '81 IN PTR example.com.',
  '82 IN PTR example.org.',
];

const rev203 = [
  '$TTL 86400',
  '@  IN SOA ns.example.net. hostmaster.example.net. 1 7200 3600 1209600 3600',
  '@  IN NS  ns.example.net.',
  '53 IN PTR resolver1.example.net.',
  '99 IN PTR resolver2.example.net.',
];

/** A server on its own /28 behind ix: the server takes the first address, ix the last. */
type DnsInput = Extract<ScenarioInput['nodes'][number], { kind: 'host' }>['dns'];

function server(name: string, addr: string, dns: DnsInput, extra: string[] = []): ScenarioInput['nodes'][number] {
  const last = addr.split('.').map(Number);
  const gw = [...last.slice(0, 3), (last[3]! & ~15) + 14].join('.');
  return { name, kind: 'host', interfaces: [{ name: 'eth0', ipv4: [`${addr}/28`, ...extra.map((a) => `${a}/28`)] }], routes: [{ to: 'default', via: gw }], ...(dns ? { dns } : {}) };
}

const SERVERS: [string, string, string][] = [
  ['a-root', '192.0.2.1', '10ms'],
  ['b-root', '192.0.2.17', '20ms'],
  ['gtld-a', '192.0.2.33', '12ms'],
  ['gtld-b', '192.0.2.49', '24ms'],
  ['tld-org', '192.0.2.65', '15ms'],
  ['tld-de', '192.0.2.81', '30ms'],
  ['ns1', '198.51.100.1', '8ms'],
  ['ns-net', '198.51.100.17', '14ms'],
  ['ns-cdn', '198.51.100.33', '2ms'],
  ['ns-eng', '198.51.100.49', '18ms'],
  ['web', '198.51.100.81', '2ms'],
  ['resolver1', '203.0.113.53', '500us'],
  ['resolver2', '203.0.113.99', '1ms'],
];

const zone = (origin: string, file: string[]): { origin: string; file: string[] } => ({ origin, file });
const rootServer = { authoritative: { zones: [zone('.', rootZone), zone('root-servers.net', rootServersNet), zone('arpa', arpaZone), zone('2.0.192.in-addr.arpa', rev192)] } };
const gtld = { authoritative: { zones: [zone('com', comZone), zone('net', netZone)] } };

export const dns: ScenarioInput = {
  name: 'dns',
  title: 'A mini internet: root, TLDs, authoritative servers and resolvers',
  description:
    'Two root servers, .com/.net/.org/.de servers, authoritative zones with a delegated subzone, a CNAME into a CDN zone and reverse zones, two recursive resolvers (one with QNAME minimisation) and clients with stub resolvers: dig +trace, caching, negative answers, truncation and TCP, and stale answers until the TTL runs out.',
  defaultHost: 'laptop',
  stopTime: '80s',
  nodes: [
    {
      name: 'laptop',
      kind: 'host',
      interfaces: [{ name: 'eth0', ipv4: ['203.0.113.130/26'] }],
      routes: [{ to: 'default', via: '203.0.113.129' }],
      dns: { resolvConf: { nameservers: ['203.0.113.53'] } },
    },
    {
      name: 'phone',
      kind: 'host',
      interfaces: [{ name: 'eth0', ipv4: ['203.0.113.131/26'] }],
      routes: [{ to: 'default', via: '203.0.113.129' }],
      dns: { resolvConf: { nameservers: ['203.0.113.99', '203.0.113.53'], timeout: 2 } },
    },
    { name: 'lan', kind: 'switch', ports: 4 },
    {
      name: 'home',
      kind: 'router',
      interfaces: [
        { name: 'eth0', ipv4: ['203.0.113.129/26'] },
        { name: 'eth1', ipv4: ['203.0.113.6/30'] },
      ],
      routes: [{ to: 'default', via: '203.0.113.5' }],
    },
    {
      name: 'isp',
      kind: 'router',
      interfaces: [
        { name: 'eth0', ipv4: ['203.0.113.5/30'] },
        { name: 'eth1', ipv4: ['203.0.113.2/30'] },
      ],
      routes: [
        { to: '203.0.113.128/26', via: '203.0.113.6' },
        { to: 'default', via: '203.0.113.1' },
      ],
    },
    {
      name: 'ix',
      kind: 'router',
      interfaces: [
        { name: 'eth0', ipv4: ['203.0.113.1/30'] },
        ...SERVERS.map(([, addr], i) => {
          const p = addr.split('.').map(Number);
          return { name: `eth${i + 1}`, ipv4: [`${[...p.slice(0, 3), (p[3]! & ~15) + 14].join('.')}/28`] };
        }),
      ],
      routes: [{ to: '203.0.113.128/26', via: '203.0.113.2' }],
    },
    server('a-root', '192.0.2.1', rootServer),
    server('b-root', '192.0.2.17', rootServer),
    server('gtld-a', '192.0.2.33', gtld),
    server('gtld-b', '192.0.2.49', gtld),
    server('tld-org', '192.0.2.65', { authoritative: { zones: [zone('org', orgZone)] } }),
    server('tld-de', '192.0.2.81', { authoritative: { zones: [zone('de', deZone)] } }),
    server('ns1', '198.51.100.1', { authoritative: { zones: [zone('example.com', exampleCom), zone('100.51.198.in-addr.arpa', rev198)] } }),
    server('ns-net', '198.51.100.17', {
      authoritative: {
        zones: [zone('example.net', exampleNet), zone('example.org', exampleOrg), zone('beispiel.de', beispielDe), zone('example.com', exampleCom), zone('113.0.203.in-addr.arpa', rev203)],
      },
    }),
    server('ns-cdn', '198.51.100.33', { authoritative: { zones: [zone('cdn.example.net', cdnZone)] } }),
    server('ns-eng', '198.51.100.49', { authoritative: { zones: [zone('eng.example.com', engZone)] } }),
    server('web', '198.51.100.81', undefined, ['198.51.100.82']),
    server('resolver1', '203.0.113.53', { recursive: { rootHints: ROOT_HINTS } }),
    server('resolver2', '203.0.113.99', { recursive: { rootHints: ROOT_HINTS, qnameMinimisation: true } }),
  ],
  links: [
    { a: 'laptop:eth0', b: 'lan:p1', bandwidth: '1Gbit', delay: '100us' },
    { a: 'phone:eth0', b: 'lan:p2', bandwidth: '300Mbit', delay: '2ms' },
    { a: 'home:eth0', b: 'lan:p3', bandwidth: '1Gbit', delay: '100us' },
    { a: 'home:eth1', b: 'isp:eth0', bandwidth: '100Mbit', delay: '5ms' },
    { a: 'isp:eth1', b: 'ix:eth0', bandwidth: '10Gbit', delay: '2ms' },
    ...SERVERS.map(([host, , delay], i) => ({ a: `ix:eth${i + 1}`, b: `${host}:eth0`, bandwidth: '1Gbit', delay })),
  ],
  // The default capture takes one end of every link, so a query crossing ix is seen on two
  // links with the same ID: tshark calls that a retransmission (and resolvers do retransmit).
  expectedExperts: ['^DNS (query|response) retransmission'],
  actions: [
    { at: '0s', host: 'laptop', command: 'dig www.example.com' },
    { at: '5s', host: 'ns-cdn', command: 'zone-set cdn.example.net "example.com 60 IN A 198.51.100.82"' },
    { at: '20s', host: 'laptop', command: 'dig +noall +answer www.example.com' },
    { at: '70s', host: 'laptop', command: 'dig +noall +answer www.example.com' },
  ],
  examples: [
    { host: 'laptop', command: 'dig www.example.com' },
    { host: 'laptop', command: 'dig +trace www.example.com' },
    { host: 'laptop', command: 'dig example.com MX' },
    { host: 'laptop', command: 'dig nosuch.example.com' },
    { host: 'laptop', command: 'dig -x 198.51.100.81' },
    { host: 'laptop', command: 'dig @192.0.2.1 +norecurse www.example.com' },
    { host: 'laptop', command: 'dig +noedns big.example.com TXT' },
    { host: 'phone', command: 'dig +short wiki.eng.example.com' },
    { host: 'laptop', command: 'host www.example.com' },
    { host: 'laptop', command: 'nslookup example.org' },
    { host: 'laptop', command: 'ping -c 3 www.example.com' },
  ],
};
