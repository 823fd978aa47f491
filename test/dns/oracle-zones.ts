/**
 * A small DNS tree on 127.0.N.1 addresses, served both by the bridge (for the real dig, host
 * and nslookup) and inside a simulated star topology (for our commands), so both see the same
 * answers byte for byte.
 *
 *   127.0.1.1 a.root-servers.net  .                      127.0.3.1 ns1.example.com  example.com, 1.0.127.in-addr.arpa
 *   127.0.2.1 a.gtld-servers.net  com, net              127.0.4.1 ns.example.net   example.net (cdn data)
 *   127.0.5.1 a recursive resolver (the bridge fakes a cold-cache resolver; the simulation runs ours)
 */
import type { ScenarioInput } from '../../src/engine/index.ts';
import { Session } from '../../src/engine/index.ts';
import { loadZone, startAuthoritative } from '../../src/engine/stack/dns/host-dns.ts';
import { AuthServer } from '../../src/engine/stack/dns/auth.ts';
import { RecursiveServer } from '../../src/engine/stack/dns/recursive.ts';
import type { BridgeServer } from './bridge.ts';

export const ORACLE_SERVERS: BridgeServer[] = [
  {
    address: '127.0.1.1',
    zones: [
      {
        origin: '.',
        file: [
          '$TTL 518400',
          '. 86400 IN SOA a.root-servers.net. nstld.verisign-grs.com. 2024010100 1800 900 604800 86400',
          '. IN NS a.root-servers.net.',
          'a.root-servers.net. IN A 127.0.1.1',
          'com. 172800 IN NS a.gtld-servers.net.',
          'net. 172800 IN NS a.gtld-servers.net.',
          'a.gtld-servers.net. 172800 IN A 127.0.2.1',
          'arpa. 172800 IN NS a.root-servers.net.',
        ],
      },
      {
        origin: 'arpa',
        file: ['$TTL 172800', '@ 86400 IN SOA a.root-servers.net. nstld.verisign-grs.com. 1 1800 900 604800 86400', '@ IN NS a.root-servers.net.', '1.0.127.in-addr.arpa. IN NS ns1.example.com.'],
      },
    ],
  },
  {
    address: '127.0.2.1',
    zones: [
      {
        origin: 'com',
        file: [
          '$TTL 172800',
          '@ 900 IN SOA a.gtld-servers.net. nstld.verisign-grs.com. 1704067200 1800 900 604800 900',
          '@ IN NS a.gtld-servers.net.',
          'example.com. IN NS ns1.example.com.',
          'ns1.example.com. IN A 127.0.3.1',
        ],
      },
      {
        origin: 'net',
        file: [
          '$TTL 172800',
          '@ 900 IN SOA a.gtld-servers.net. nstld.verisign-grs.com. 1704067200 1800 900 604800 900',
          '@ IN NS a.gtld-servers.net.',
          'a.gtld-servers.net. IN A 127.0.2.1',
          'example.net. IN NS ns.example.net.',
          'ns.example.net. IN A 127.0.4.1',
        ],
      },
    ],
  },
  {
    address: '127.0.3.1',
    zones: [
      {
        origin: 'example.com',
        file: [
          '$TTL 3600',
          '@ IN SOA ns1.example.com. hostmaster.example.com. 2024010101 7200 3600 1209600 300',
          '@ IN NS ns1.example.com.',
          '@ IN A 127.0.3.80',
          '@ IN AAAA 2001:db8:100::81',
          '@ IN MX 10 mail.example.com.',
          '@ IN MX 20 mail2.example.net.',
          '@ IN TXT "v=spf1 mx -all"',
          '@ IN CAA 0 issue "letsencrypt.org"',
          '@ IN HTTPS 1 . alpn="h2,h3" ipv4hint=127.0.3.80',
          'ns1 IN A 127.0.3.1',
          'mail IN A 127.0.3.25',
          'www 300 IN CNAME example.com.cdn.example.net.',
          'ftp IN CNAME www.example.com.',
          '_imaps._tcp IN SRV 0 1 993 mail.example.com.',
          'big IN TXT "lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat."',
          'big IN TXT "duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur. excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id est laborum."',
          'big IN TXT "sed ut perspiciatis unde omnis iste natus error sit voluptatem accusantium doloremque laudantium, totam rem aperiam, eaque ipsa quae ab illo inventore veritatis et quasi architecto beatae vitae dicta sunt explicabo."',
          'multi IN A 127.0.3.81',
          'multi IN A 127.0.3.82',
          'empty IN TXT ""',
        ],
      },
      {
        origin: '1.0.127.in-addr.arpa',
        file: ['$TTL 86400', '@ IN SOA ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 3600', '@ IN NS ns1.example.com.', '1 IN PTR a.root-servers.net.'],
      },
    ],
  },
  {
    address: '127.0.4.1',
    zones: [
      {
        origin: 'example.net',
        file: [
          '$TTL 3600',
          '@ IN SOA ns.example.net. hostmaster.example.net. 1 7200 3600 1209600 300',
          '@ IN NS ns.example.net.',
          'ns IN A 127.0.4.1',
          'example.com.cdn IN A 127.0.3.80',
          'example.com.cdn IN AAAA 2001:db8:100::80',
          'mail2 IN A 127.0.4.25',
        ],
      },
    ],
  },
  { address: '127.0.5.1', zones: [], recursive: true },
];

/** The same servers in a star around one router, plus a client at 127.0.9.1 (servers started by oracleSession). */
export function oracleScenario(): ScenarioInput {
  const subnet = (a: string): string => a.split('.').slice(0, 3).join('.');
  return {
    name: 'dns-oracle',
    stopTime: '60s',
    nodes: [
      { name: 'client', kind: 'host', interfaces: [{ name: 'eth0', ipv4: ['127.0.9.1/24'] }], routes: [{ to: 'default', via: '127.0.9.254' }], dns: { resolvConf: { nameservers: ['127.0.1.1'] } } },
      {
        name: 'r',
        kind: 'router',
        interfaces: [{ name: 'eth0', ipv4: ['127.0.9.254/24'] }, ...ORACLE_SERVERS.map((s, i) => ({ name: `eth${i + 1}`, ipv4: [`${subnet(s.address)}.254/24`] }))],
      },
      ...ORACLE_SERVERS.map((s, i) => ({
        name: `s${i + 1}`,
        kind: 'host' as const,
        interfaces: [{ name: 'eth0', ipv4: [`${s.address}/24`] }],
        routes: [{ to: 'default', via: `${subnet(s.address)}.254` }],
      })),
    ],
    links: [{ a: 'client:eth0', b: 'r:eth0', delay: '1ms' }, ...ORACLE_SERVERS.map((_, i) => ({ a: `r:eth${i + 1}`, b: `s${i + 1}:eth0`, delay: '2ms' }))],
  };
}

/** A session of oracleScenario() with each server's zones served on `port`. */
export function oracleSession(port: number): Session {
  const s = new Session(oracleScenario());
  ORACLE_SERVERS.forEach((srv, i) => {
    const host = s.host(`s${i + 1}`);
    if (srv.recursive) {
      new RecursiveServer(host, { rootHints: [{ name: 'a.root-servers.net', address: '127.0.1.1' }] }).start(port);
      return;
    }
    const zones = srv.zones.map((z) => {
      const r = loadZone(z.origin, z.file.join('\n'));
      if (!r.ok) throw new Error(r.errors.join('; '));
      return r.zone;
    });
    startAuthoritative(host, zones, {}, port);
    // The simulated resolver asks on port 53, as resolvers do.
    const on53 = new AuthServer(host);
    for (const z of zones) on53.addZone(z);
    on53.start(53);
  });
  return s;
}
