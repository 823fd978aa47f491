/**
 * Links, switches and ARP: timing, queues, loss, scripted faults, MAC learning and ageing,
 * neighbour caches.
 */
import { describe, expect, it } from 'vitest';
import { events, run, session } from './helpers.ts';
import { Session } from '../../src/engine/index.ts';
import { bulkPath } from '../../src/engine/scenario/builtin/tcp.ts';
import { readMac, formatMac } from '../../src/engine/wire/addr.ts';
import type { Switch } from '../../src/engine/net/switch.ts';
import type { IpNode } from '../../src/engine/stack/host.ts';

describe('links', () => {
  it('IEEE 802.3 timing: a frame arrives (8 + frame + 4) byte-times plus propagation delay after it starts', () => {
    const s = session('lan', { links: [{ a: 'alice:eth0', b: 'sw1:p1', bandwidth: '10Mbit', delay: '1ms' }, { a: 'bob:eth0', b: 'sw1:p2', bandwidth: '10Mbit', delay: '1ms' }] });
    run(s, 'alice', 'ping -c 1 192.168.10.12');
    const tx = events(s, 'phy.txBegin').find((e) => s.world.trace.packets.bytes(e.pkt)[12] === 0x08 && s.world.trace.packets.bytes(e.pkt)[13] === 0x00)!;
    const rx = events(s, 'phy.rxEnd').find((e) => e.pkt === tx.pkt && e.a === tx.a)!;
    const frameLen = s.world.trace.packets.bytes(tx.pkt).length; // 98 bytes: 14 + 20 + 8 + 56
    expect(frameLen).toBe(98);
    expect(rx.t - tx.t).toBe(Math.ceil(((frameLen + 12) * 8 * 1e9) / 10e6) + 1e6);
  });

  it('drop-tail queue: frames beyond the limit are dropped with a trace event', () => {
    const s = session('lan', { links: [{ a: 'alice:eth0', b: 'sw1:p1', bandwidth: '1Mbit', queue: 2 }, { a: 'bob:eth0', b: 'sw1:p2' }] });
    run(s, 'alice', 'ping -c 1 192.168.10.12');
    const { lines } = run(s, 'alice', 'ping -q -c 20 -i 0.002 -s 1400 192.168.10.12');
    const drops = events(s, 'link.drop').filter((e) => e.text === 'queue full (drop-tail)');
    expect(drops.length).toBeGreaterThan(0);
    expect(lines.join('\n')).toMatch(/20 packets transmitted, \d+ received/);
  });

  it('random loss follows the configured probability (seeded, reproducible)', () => {
    const mk = (seed: number) => {
      const s = session('lan', { links: [{ a: 'alice:eth0', b: 'sw1:p1', loss: 0.2 }, { a: 'bob:eth0', b: 'sw1:p2' }] }, seed);
      run(s, 'alice', 'ping -q -c 400 -i 0.01 192.168.10.12');
      return events(s, 'link.drop').filter((e) => e.text === 'random loss').length;
    };
    const a = mk(5);
    expect(a).toBe(mk(5));
    // ~20% of ~400 requests and their ARP traffic on alice's link (both directions).
    expect(a).toBeGreaterThan(110);
    expect(a).toBeLessThan(210);
  });

  it('scripted rule drops exactly the Nth matching packet', () => {
    const s = session('lan', {
      links: [{ a: 'alice:eth0', b: 'sw1:p1', rules: [{ from: 'alice', match: { protocol: 'icmp' }, nth: 2, action: 'drop' }] }, { a: 'bob:eth0', b: 'sw1:p2' }],
    });
    const { lines } = run(s, 'alice', 'ping -c 3 192.168.10.12');
    expect(lines.filter((l) => l.includes('bytes from')).map((l) => /icmp_seq=(\d+)/.exec(l)![1])).toEqual(['1', '3']);
    expect(lines).toContain('3 packets transmitted, 2 received, 33.3333% packet loss, time 2000ms');
  });

  it('scripted corruption is caught by the receiver’s checksum, not delivered', () => {
    const s = session('lan', {
      links: [{ a: 'alice:eth0', b: 'sw1:p1', rules: [{ from: 'alice', match: { protocol: 'icmp' }, nth: 1, action: 'corrupt' }] }, { a: 'bob:eth0', b: 'sw1:p2' }],
    });
    const { lines } = run(s, 'alice', 'ping -c 2 192.168.10.12');
    expect(events(s, 'link.corrupt')).toHaveLength(1);
    expect(events(s, 'ip.drop').some((e) => e.text === 'bad ICMP checksum')).toBe(true);
    expect(lines).toContain('2 packets transmitted, 1 received, 50% packet loss, time 1000ms');
  });

  it('scripted delay reorders: the delayed reply arrives after a later one', () => {
    const s = session('lan', {
      links: [{ a: 'bob:eth0', b: 'sw1:p2', rules: [{ from: 'bob', match: { protocol: 'icmp' }, nth: 1, action: 'delay', delay: '1500ms' }] }, { a: 'alice:eth0', b: 'sw1:p1' }],
    });
    const { lines } = run(s, 'alice', 'ping -c 3 192.168.10.12');
    const seqs = lines.filter((l) => l.includes('bytes from')).map((l) => Number(/icmp_seq=(\d+)/.exec(l)![1]));
    expect(seqs).toEqual([2, 1, 3]);
  });
});

describe('IEEE 802.1D learning switch', () => {
  it('floods unknown destinations, learns sources, then forwards out of one port', () => {
    const s = session('lan');
    run(s, 'alice', 'ping -c 2 192.168.10.12');
    expect(events(s, 'sw.flood').length).toBeGreaterThan(0); // the ARP request (broadcast)
    const learned = events(s, 'sw.learn').map((e) => formatMac(e.a));
    expect(learned).toContain('02:00:00:01:01:00'); // alice
    expect(learned).toContain('02:00:00:02:01:00'); // bob
    const forwards = events(s, 'sw.forward');
    expect(forwards.length).toBeGreaterThanOrEqual(4); // ARP reply + 2 requests + 2 replies (some before learning)
    const sw = s.world.node('sw1') as Switch;
    expect(sw.table.size).toBeGreaterThanOrEqual(2);
  });

  it('ages a MAC entry idle for the ageing time (300 s default)', () => {
    const s = session('lan');
    run(s, 'alice', 'ping -c 1 192.168.10.12');
    // The last frames are bob's unicast ARP probe and alice's answer, ~5 s after the ping.
    s.runUntil(s.world.now + 310e9);
    const aged = events(s, 'sw.age');
    expect(aged.length).toBeGreaterThanOrEqual(2);
    expect((s.world.node('sw1') as Switch).table.size).toBe(0);
  });
});

describe('ARP (RFC 826) and the neighbour cache', () => {
  it('queues packets while resolving, sends them after the reply, and caches the mapping', () => {
    const s = session('lan');
    const { lines } = run(s, 'alice', 'ping -c 1 192.168.10.12');
    expect(lines[1]).toMatch(/^64 bytes from 192\.168\.10\.12: icmp_seq=1 ttl=64 time=/);
    expect(events(s, 'arp.queue').length).toBeGreaterThan(0);
    expect(events(s, 'arp.tx.request')).toHaveLength(1);
    expect(events(s, 'arp.tx.reply')).toHaveLength(1);
    const alice = s.world.node('alice') as IpNode;
    expect([...alice.arp.entries.values()].map((e) => formatMac(e.mac))).toEqual(['02:00:00:02:01:00']);
    // bob learned alice from the request (RFC 826 merge: the request was for him).
    expect((s.world.node('bob') as IpNode).arp.entries.size).toBe(1);
  });

  it('Linux NUD: an entry learned from a request is STALE; used, it goes DELAY, and 5 s later PROBE sends a unicast ARP request', () => {
    const s = session('lan');
    run(s, 'alice', 'ping -c 1 192.168.10.12');
    const bob = s.world.node('bob') as IpNode;
    const alice = s.world.node('alice') as IpNode;
    const stateOf = (n: IpNode) => [...n.arp.entries.values()].map((e) => e.state);
    // alice asked and got a reply: REACHABLE. bob learned alice from her request (STALE) and
    // answering her echo request used the entry (DELAY).
    expect(stateOf(alice)).toEqual(['reachable']);
    expect(stateOf(bob)).toEqual(['delay']);
    s.runUntil(s.world.now + 6e9);
    const requests = events(s, 'arp.tx.request');
    expect(requests.map((e) => s.world.nodes[e.node]!.name)).toEqual(['alice', 'bob']);
    const probe = requests[1]!;
    const firstPing = events(s, 'icmp.tx')[0]!;
    expect((probe.t - firstPing.t) / 1e9).toBeCloseTo(5, 2);
    // The probe is unicast to alice's MAC (RFC 4861 §7.3.3's idea, as Linux does for ARP too).
    const frame = s.world.trace.packets.bytes(probe.pkt >= 0 ? probe.pkt : events(s, 'phy.txBegin').find((e) => e.t >= probe.t && e.node === bob.id)!.pkt);
    expect(formatMac(readMac(frame, 0))).toBe('02:00:00:01:01:00');
    expect(stateOf(bob)).toEqual(['reachable']);
    expect(events(s, 'arp.cache.state').map((e) => `${s.world.nodes[e.node]!.name} ${e.text}`)).toEqual(['bob DELAY', 'bob PROBE', 'bob REACHABLE']);
  });

  it('REACHABLE decays to STALE (no probe while unused); the next packet goes out at once and is followed by a probe', () => {
    const s = session('lan');
    run(s, 'alice', 'ping -c 1 192.168.10.12');
    const alice = s.world.node('alice') as IpNode;
    s.runUntil(s.world.now + 61e9);
    expect([...alice.arp.entries.values()].map((e) => e.state)).toEqual(['stale']);
    expect(events(s, 'arp.cache.expire')).toEqual([]);
    const before = events(s, 'arp.tx.request').length;
    const { lines } = run(s, 'alice', 'ping -c 1 192.168.10.12', 0);
    expect(lines[1]).toMatch(/^64 bytes from 192\.168\.10\.12/);
    // No broadcast request before the ping: it used the STALE entry; the probe follows 5 s later.
    expect(events(s, 'arp.tx.request').length).toBe(before);
    s.runUntil(s.world.now + 6e9);
    expect(events(s, 'arp.tx.request').filter((e) => s.world.nodes[e.node]!.name === 'alice').length).toBe(2);
  });

  it('a TCP sender making progress keeps its next hop REACHABLE without probes (Linux dst_confirm); a router, which only forwards, probes', () => {
    const s = new Session(bulkPath({ bandwidth: '2Mbit', seconds: 45 }), { skipActions: true });
    const lines: string[] = [];
    s.runUntil(1e9);
    expect(s.exec('sender', 'iperf3 -c 10.10.2.20 -t 45', (l) => lines.push(l))).toBe(0);
    expect(s.world.now).toBeGreaterThan(45e9);
    const requests = events(s, 'arp.tx.request').map((e) => [s.world.nodes[e.node]!.name, e.t] as const);
    expect(requests.filter(([n, t]) => n === 'sender' && t > 2e9)).toEqual([]);
    expect(requests.filter(([n, t]) => n === 'r1' && t > 10e9).length).toBeGreaterThan(0);
  });

  it('RFC 1122 §2.3.2.1: an unanswered address fails after 3 probes; ping reports Destination Host Unreachable', () => {
    const s = session('lan');
    const { lines, status } = run(s, 'alice', 'ping -c 2 192.168.10.99');
    expect(events(s, 'arp.tx.request').length).toBe(3);
    expect(lines).toContain('From 192.168.10.11 icmp_seq=1 Destination Host Unreachable');
    expect(lines.some((l) => /^2 packets transmitted, 0 received, \+\d errors, 100% packet loss/.test(l))).toBe(true);
    expect(status).toBe(1);
  });
});

describe('link MTU', () => {
  it('a link MTU lowers both interfaces’ MTU, so IP fragments to fit', () => {
    const s = session('lan', { links: [{ a: 'alice:eth0', b: 'sw1:p1', mtu: 1000 }, { a: 'bob:eth0', b: 'sw1:p2', mtu: 1000 }] });
    const { lines } = run(s, 'alice', 'ping -c 1 -s 1200 192.168.10.12');
    expect(lines[1]).toMatch(/^1208 bytes from 192\.168\.10\.12/);
    expect(events(s, 'ip.fragment')[0]!.b).toBe(1000);
  });

  it('frames larger than the medium carries are lost as giants', () => {
    // alice's interface thinks 1500, but the far link only carries 1000-byte packets.
    const s = session('lan', { links: [{ a: 'alice:eth0', b: 'sw1:p1' }, { a: 'bob:eth0', b: 'sw1:p2', mtu: 1000 }] });
    (s.world.node('sw1')!.iface('p2')!).mtu = 1500;
    const { lines } = run(s, 'alice', 'ping -c 1 -s 1200 -W 1 192.168.10.12');
    expect(events(s, 'link.drop').some((e) => e.text === 'frame exceeds link MTU 1000')).toBe(true);
    expect(lines).toContain('1 packets transmitted, 0 received, 100% packet loss, time 0ms');
  });
});
