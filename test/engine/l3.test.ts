/**
 * IP behaviour: longest-prefix match, TTL/hop limit, ICMP errors, UDP, fragmentation,
 * path MTU discovery and its black hole, NAT and CGNAT, IPv6 neighbour and router discovery.
 */
import { describe, expect, it } from 'vitest';
import { events, run, session } from './helpers.ts';
import { builtinScenario } from '../../src/engine/index.ts';
import { RouteTable4, RouteTable6 } from '../../src/engine/stack/routing.ts';
import { ip4, ip6 } from '../../src/engine/wire/addr.ts';
import { parseEthernet } from '../../src/engine/wire/ethernet.ts';
import { parseIpv4 } from '../../src/engine/wire/ipv4.ts';
import { parseIcmpv4 } from '../../src/engine/wire/icmpv4.ts';
import type { IpNode } from '../../src/engine/stack/host.ts';
import type { Interface } from '../../src/engine/net/iface.ts';

const fakeIface = (name: string): Interface => ({ name, up: true }) as unknown as Interface;

describe('routing tables', () => {
  it('RFC 1812 §5.2.4.3: the longest matching prefix wins; default route catches the rest', () => {
    const t = new RouteTable4();
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(fakeIface) as [Interface, Interface, Interface, Interface];
    t.add({ prefix: 0, prefixLen: 0, gateway: ip4('192.0.2.1'), iface: a, metric: 0, origin: 'static' });
    t.add({ prefix: ip4('10.0.0.0'), prefixLen: 8, iface: b, metric: 0, origin: 'static' });
    t.add({ prefix: ip4('10.1.0.0'), prefixLen: 16, iface: c, metric: 0, origin: 'static' });
    t.add({ prefix: ip4('10.1.2.0'), prefixLen: 24, iface: d, metric: 0, origin: 'static' });
    expect(t.lookup(ip4('10.1.2.3'))!.iface.name).toBe('d');
    expect(t.lookup(ip4('10.1.3.3'))!.iface.name).toBe('c');
    expect(t.lookup(ip4('10.9.9.9'))!.iface.name).toBe('b');
    expect(t.lookup(ip4('8.8.8.8'))!.iface.name).toBe('a');
  });

  it('IPv6 longest-prefix match and default route', () => {
    const t = new RouteTable6();
    const [a, b, c] = ['a', 'b', 'c'].map(fakeIface) as [Interface, Interface, Interface];
    t.add({ prefix: new Uint8Array(16), prefixLen: 0, iface: a, metric: 1024, origin: 'static' });
    t.add({ prefix: ip6('2001:db8::'), prefixLen: 32, iface: b, metric: 256, origin: 'static' });
    t.add({ prefix: ip6('2001:db8:1::'), prefixLen: 48, iface: c, metric: 256, origin: 'static' });
    expect(t.lookup(ip6('2001:db8:1::5'))!.iface.name).toBe('c');
    expect(t.lookup(ip6('2001:db8:2::5'))!.iface.name).toBe('b');
    expect(t.lookup(ip6('2606:4700::1'))!.iface.name).toBe('a');
  });
});

describe('forwarding and ICMP errors', () => {
  it('RFC 1812 §5.3.1: a router decrements TTL and answers TTL 1 with time exceeded', () => {
    const s = session('routed');
    const { lines, status } = run(s, 'laptop', 'ping -c 2 -t 3 203.0.113.10');
    expect(lines).toContain('From 198.51.100.2 icmp_seq=1 Time to live exceeded');
    expect(lines).toContain('2 packets transmitted, 0 received, +2 errors, 100% packet loss, time 1000ms');
    expect(status).toBe(1);
    // Every forwarded copy has TTL one lower than its parent frame.
    const pk = s.world.trace.packets;
    for (const e of events(s, 'ip.forward')) {
      const child = parseEthernet(pk.bytes(e.pkt));
      const parent = parseEthernet(pk.bytes(e.b));
      if (!child.ok || !parent.ok || child.value.repr.ethertype !== 0x0800) continue;
      expect(child.value.payload[8]).toBe(parent.value.payload[8]! - 1);
    }
  });

  it('the reply TTL shows the hop count: 64 minus the routers on the way back', () => {
    const s = session('routed');
    const { lines } = run(s, 'laptop', 'ping -c 1 203.0.113.10');
    expect(lines[1]).toMatch(/ttl=59 /); // five routers between server and laptop
  });

  it('RFC 1122 §4.1.3.1: UDP to a closed port gets ICMP port unreachable', () => {
    const s = session('routed');
    const { lines } = run(s, 'laptop', 'traceroute -n -m 30 203.0.113.10');
    expect(lines.at(-1)).toMatch(/^ 6 {2}203\.0\.113\.10 /);
    expect(events(s, 'udp.drop').some((e) => e.text === 'port unreachable (no socket)')).toBe(true);
  });

  it('RFC 1812 §4.3.2.7: no ICMP error about an ICMP error', () => {
    const s = session('routed');
    run(s, 'laptop', 'ping -c 1 -t 1 203.0.113.10');
    // The time-exceeded reply itself never triggers another error.
    expect(events(s, 'icmp.tx').filter((e) => e.a === 11)).toHaveLength(1);
  });

  it('a silent router (icmpErrors off) shows as * * * in traceroute', () => {
    const base = session('routed').scenario;
    const nodes = base.nodes.map((n) => (n.name === 'r2' ? { ...n, icmpErrors: false } : n));
    const s = session('routed', { nodes });
    const { lines } = run(s, 'laptop', 'traceroute -n 203.0.113.10');
    expect(lines[4]).toBe(' 4  * * *');
    expect(lines.at(-1)).toMatch(/^ 6 {2}203\.0\.113\.10 /);
    expect(events(s, 'icmp.suppress').length).toBeGreaterThan(0);
  });
});

describe('fragmentation (RFC 791 §3.2)', () => {
  it('a 3000-byte ping is fragmented on a 1500 MTU and reassembled by the receiver', () => {
    const s = session('lan');
    const { lines } = run(s, 'alice', 'ping -c 1 -s 3000 192.168.10.12');
    expect(lines[1]).toMatch(/^3008 bytes from 192\.168\.10\.12: icmp_seq=1 ttl=64 time=/);
    const frags = events(s, 'ip.fragment');
    expect(frags.map((e) => e.a)).toEqual([3, 3]); // request and reply, three fragments each
    expect(events(s, 'ip.reassemble')).toHaveLength(2);
  });
});

describe('reassembly timeout', () => {
  /** The lan scenario with alice's link losing the second big frame alice sends (a middle fragment). */
  const lossy = (protocol: 'ipv4' | 'ipv6') => {
    const base = builtinScenario('lan')!;
    const links = (base.links ?? []).map((l, i) => (i === 0 ? { ...l, rules: [{ from: 'alice', match: { protocol, minLength: 1000 }, nth: 2, action: 'drop' as const }] } : l));
    return session('lan', { links });
  };

  it('RFC 792 / RFC 1122 §3.3.2: a datagram missing a fragment is given up after 30 s (Linux ipfrag_time) with Time Exceeded code 1', () => {
    const s = lossy('ipv4');
    const { lines } = run(s, 'alice', 'ping -c 1 -W 40 -s 3000 192.168.10.12');
    expect(lines[1]).toBe('From 192.168.10.12 icmp_seq=1 Frag reassembly time exceeded');
    const [gone] = events(s, 'ip.reassembly.timeout');
    const [first] = events(s, 'ip.fragment');
    expect(gone!.t - first!.t).toBeGreaterThanOrEqual(30e9);
    expect(gone!.t - first!.t).toBeLessThan(30.01e9);
  });

  it('RFC 8200 §4.5: IPv6 gives up after 60 s and sends Time Exceeded code 1 ("Defragmentation failure")', () => {
    const s = lossy('ipv6');
    const { lines } = run(s, 'alice', 'ping -6 -c 1 -W 70 -s 3000 fd00:10::12');
    expect(lines[1]).toBe('From fd00:10::12 icmp_seq=1 Time exceeded: Defragmentation failure');
    const [gone] = events(s, 'ip.reassembly.timeout');
    const [first] = events(s, 'ip.fragment');
    expect(gone!.t - first!.t).toBeGreaterThanOrEqual(60e9);
    expect(gone!.t - first!.t).toBeLessThan(60.01e9);
  });
});

describe('path MTU discovery (RFC 1191) and the black hole (RFC 2923 §2.1)', () => {
  it('DF packets too big for a link get "fragmentation needed" with the next-hop MTU; the sender adapts', () => {
    const s = session('pmtud');
    const { lines } = run(s, 'client', 'ping -c 3 -s 1472 172.16.3.20');
    expect(lines[1]).toBe('From 172.16.12.2 icmp_seq=1 Frag needed and DF set (mtu = 1400)');
    expect(lines.filter((l) => l.startsWith('1480 bytes from 172.16.3.20'))).toHaveLength(2);
    const upd = events(s, 'ip.pmtu.update');
    expect(upd[0]!.a).toBe(1400);
    // The ICMP message on the wire carries next-hop MTU 1400 in bytes 6-7 (RFC 1191 §4).
    const pk = s.world.trace.packets;
    const frag = events(s, 'icmp.rx').find((e) => e.a === 3 && e.b === 4)!;
    const ip = parseIpv4(parseEthernet(pk.bytes(frag.pkt)).ok ? (parseEthernet(pk.bytes(frag.pkt)) as { ok: true; value: { payload: Uint8Array } }).value.payload : new Uint8Array());
    expect(ip.ok).toBe(true);
    const icmp = ip.ok ? parseIcmpv4(ip.value.payload) : undefined;
    expect(icmp?.ok && icmp.value.msg.kind === 'destUnreachable' && icmp.value.msg.nextHopMtu).toBe(1400);
  });

  it('RFC 1191 with -M want (Linux): once the path MTU is known, the sender fragments to it itself; routers do not', () => {
    const s = session('pmtud');
    run(s, 'client', 'ping -c 3 -s 1472 172.16.3.20');
    const client = s.world.node('client')!.id;
    const requests = events(s, 'ip.fragment').filter((e) => e.node === client);
    // Echo requests 2 and 3: 1480 bytes of ICMP in a 1400-byte path: 1376 + 104 data bytes.
    expect(requests.map((e) => [e.a, e.b])).toEqual([
      [2, 1400],
      [2, 1400],
    ]);
    const fromClient = (e: { pkt: number }) => {
      const eth = parseEthernet(s.world.trace.packets.bytes(e.pkt));
      const ip = eth.ok ? parseIpv4(eth.value.payload) : undefined;
      return ip?.ok === true && ip.value.repr.src === ip4('172.16.1.10');
    };
    // No router fragments what the client sent (test/oracle/real-tools.test.ts: Linux does the
    // same); the server's replies (DF clear, its path MTU unknown) are fragmented on the way.
    const atRouters = events(s, 'ip.fragment').filter((e) => e.node !== client);
    expect(atRouters.filter(fromClient)).toEqual([]);
    expect(atRouters.length).toBeGreaterThan(0);
    expect(atRouters.every((e) => !fromClient(e))).toBe(true);
    expect(events(s, 'ip.reassemble').filter((e) => s.world.nodes[e.node]!.name === 'server').map((e) => [e.a, e.b])).toEqual([
      [2, 1500],
      [2, 1500],
    ]);
  });

  it('ping -M do refuses locally once the path MTU is known: "local error: message too long"', () => {
    const s = session('pmtud');
    const { lines } = run(s, 'client', 'ping -c 2 -M do -s 1472 172.16.3.20');
    expect(lines).toContain('ping: local error: message too long, mtu=1400');
  });

  it('with ICMP filtered, large packets vanish while small ones work', () => {
    const s = session('pmtud-blackhole');
    const small = run(s, 'client', 'ping -c 2 172.16.3.20');
    expect(small.lines).toContain('2 packets transmitted, 2 received, 0% packet loss, time 1000ms');
    const big = run(s, 'client', 'ping -c 3 -s 1472 172.16.3.20');
    expect(big.lines).toContain('3 packets transmitted, 0 received, 100% packet loss, time 2000ms');
    expect(big.lines.some((l) => l.startsWith('From'))).toBe(false);
    expect(events(s, 'fw.drop').length).toBe(3);
    expect(events(s, 'ip.pmtu.update')).toHaveLength(0);
  });

  it('IPv6: routers never fragment; Packet Too Big lowers the path MTU (RFC 8201)', () => {
    const s = session('pmtud');
    const { lines } = run(s, 'client', 'ping -6 -c 3 -s 1452 2001:db8:a3::20');
    expect(lines[1]).toBe('From 2001:db8:a12::2 icmp_seq=1 Packet too big: mtu=1400');
    expect(events(s, 'ip.pmtu.update').some((e) => e.a === 1400)).toBe(true);
    const routers = new Set(['r1', 'r2'].map((n) => s.world.node(n)!.id));
    expect(events(s, 'ip.fragment').filter((e) => routers.has(e.node))).toEqual([]);
  });

  it('IPv6 (RFC 8200 §4.5): then the sources fragment to the path MTU and the destinations reassemble, as on Linux (test/oracle/real-tools.test.ts)', () => {
    const s = session('pmtud');
    const { lines } = run(s, 'client', 'ping -6 -c 4 -s 1452 2001:db8:a3::20', 2e9);
    // Request 1 meets Packet Too Big; request 2 goes out in fragments but its 1500-byte reply
    // meets Packet Too Big on the way back (now the server knows too); 3 and 4 work both ways.
    expect(lines.filter((l) => / bytes from |^From /.test(l)).map((l) => l.replace(/ time=.*/, ''))).toEqual([
      'From 2001:db8:a12::2 icmp_seq=1 Packet too big: mtu=1400',
      '1460 bytes from 2001:db8:a3::20: icmp_seq=3 ttl=61',
      '1460 bytes from 2001:db8:a3::20: icmp_seq=4 ttl=61',
    ]);
    expect(lines).toContain('4 packets transmitted, 2 received, +1 errors, 50% packet loss, time 3000ms');
    const name = (e: { node: number }) => s.world.nodes[e.node]!.name;
    expect(events(s, 'ip.fragment').map((e) => [name(e), e.a, e.b])).toEqual([
      ['client', 2, 1400],
      ['client', 2, 1400],
      ['server', 2, 1400],
      ['client', 2, 1400],
      ['server', 2, 1400],
    ]);
    expect(events(s, 'ip.reassemble').map((e) => [name(e), e.a, e.b])).toEqual([
      ['server', 2, 1500],
      ['server', 2, 1500],
      ['client', 2, 1500],
      ['server', 2, 1500],
      ['client', 2, 1500],
    ]);
  });

  it('IPv6 on a link below the 1280-byte minimum (a hand-edited scenario): no fragments, a local error instead of a crash', () => {
    const base = builtinScenario('lan')!;
    const s = session('lan', { links: (base.links ?? []).map((l, i) => (i === 0 ? { ...l, mtu: 1000 } : l)) });
    const { lines } = run(s, 'alice', 'ping -6 -c 1 -s 1200 fd00:10::12');
    expect(lines).toContain('ping: local error: message too long, mtu: 1000');
    expect(events(s, 'ip.fragment')).toEqual([]);
  });

  it('IPv6 ping -M do still refuses locally above the path MTU', () => {
    const s = session('pmtud');
    const { lines } = run(s, 'client', 'ping -6 -c 2 -M do -s 1452 2001:db8:a3::20');
    expect(lines).toContain('ping: local error: message too long, mtu: 1400');
    expect(events(s, 'ip.fragment')).toEqual([]);
  });
});

describe('NAT (RFC 3022) and carrier-grade NAT (RFC 6598)', () => {
  it('the server sees the CGNAT public address; the laptop still gets its replies', () => {
    const s = session('routed');
    const { lines } = run(s, 'laptop', 'ping -c 2 203.0.113.10');
    expect(lines).toContain('2 packets transmitted, 2 received, 0% packet loss, time 1000ms');
    const server = s.world.node('server') as IpNode;
    const pk = s.world.trace.packets;
    const atServer = events(s, 'ip.rx.deliver').filter((e) => e.node === server.id);
    expect(atServer.length).toBe(2);
    for (const e of atServer) {
      const eth = parseEthernet(pk.bytes(e.pkt));
      const ip = eth.ok ? parseIpv4(eth.value.payload) : undefined;
      expect(ip?.ok && ip.value.checksumOk).toBe(true);
      expect(ip?.ok ? ip.value.repr.src : 0).toBe(ip4('198.51.100.1'));
    }
    expect(events(s, 'nat.map.add').map((e) => s.world.nodes[e.node]!.name)).toEqual(['home', 'cgnat']);
  });

  it('NAT mappings expire after their idle timeout', () => {
    const s = session('routed');
    run(s, 'laptop', 'ping -c 1 203.0.113.10');
    s.runUntil(s.world.now + 31e9);
    expect(events(s, 'nat.map.expire')).toHaveLength(2);
  });

  it('RFC 5508 §4.2: ICMP errors about translated packets are translated back (traceroute through two NATs)', () => {
    const s = session('routed');
    const { lines } = run(s, 'laptop', 'traceroute -n -q 1 203.0.113.10');
    expect(lines.slice(1).map((l) => l.trim().split(/\s+/)[1])).toEqual(['192.168.1.1', '100.64.0.1', '198.51.100.2', '198.51.100.6', '198.51.100.10', '203.0.113.10']);
  });
});

describe('IPv6 neighbour and router discovery (RFC 4861)', () => {
  it('hosts learn a default router from Router Advertisements and resolve neighbours with NS/NA', () => {
    const s = session('dual-stack');
    s.runUntil(2e9);
    expect(events(s, 'ndp.router').map((e) => s.world.nodes[e.node]!.name).sort()).toEqual(['client', 'server']);
    const { lines } = run(s, 'client', 'ping -6 -c 2 2001:db8:2::20');
    expect(lines[0]).toBe('PING 2001:db8:2::20(2001:db8:2::20) 56 data bytes');
    expect(lines[1]).toMatch(/^64 bytes from 2001:db8:2::20: icmp_seq=1 ttl=62 time=/);
    const ndpTypes = events(s, 'ndp.tx').map((e) => e.a);
    for (const t of [133, 134, 135, 136]) expect(ndpTypes).toContain(t);
  });

  it('RFC 4443 §3.3: hop limit exceeded is reported by traceroute -6', () => {
    const s = session('dual-stack');
    const { lines } = run(s, 'client', 'traceroute -n 2001:db8:2::20');
    expect(lines[0]).toBe('traceroute to 2001:db8:2::20 (2001:db8:2::20), 30 hops max, 80 byte packets');
    expect(lines.slice(1).map((l) => l.trim().split(/\s+/)[1])).toEqual(['2001:db8:1::1', '2001:db8:12::2', '2001:db8:2::20']);
  });
});
