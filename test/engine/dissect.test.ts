/**
 * The packet inspector's whole-frame dissection: layers chain correctly, byte ranges are
 * absolute and nested inside their layer, ICMP errors show the quoted packet, and arbitrary
 * bytes never throw.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { describeFrame } from '../../src/engine/index.ts';
import type { FieldNode } from '../../src/engine/index.ts';
import { events, run, session } from './helpers.ts';

function walk(n: FieldNode, f: (n: FieldNode, parent?: FieldNode) => void, parent?: FieldNode): void {
  f(n, parent);
  for (const c of n.children ?? []) walk(c, f, n);
}

describe('describeFrame', () => {
  it('a traceroute time-exceeded frame: Ethernet / IPv4 / ICMP with the quoted IPv4 + UDP probe inside', () => {
    const s = session('routed');
    run(s, 'laptop', 'traceroute -n -q 1 -m 2 203.0.113.10');
    const te = events(s, 'icmp.rx').find((e) => e.a === 11)!;
    const bytes = s.world.trace.packets.bytes(te.pkt);
    const layers = describeFrame(bytes);
    expect(layers.map((l) => l.key)).toEqual(['eth', 'ipv4', 'icmp']);
    const quoted = layers[2]!.children!.find((c) => c.key === 'quoted')!;
    // Routers quote the whole 60-byte probe (RFC 1812 §4.3.2.3: up to 576 bytes), data included.
    expect(quoted.children!.map((c) => c.key)).toEqual(['ipv4', 'udp', 'data']);
    expect(quoted.start).toBe(14 + 20 + 8);
    for (const l of layers) {
      walk(l, (n, parent) => {
        expect(n.start).toBeGreaterThanOrEqual(0);
        expect(n.end).toBeLessThanOrEqual(bytes.length);
        expect(n.start).toBeLessThanOrEqual(n.end);
        if (parent && parent.key !== 'quoted' && n.key !== 'quoted') {
          expect(n.start).toBeGreaterThanOrEqual(parent.start);
          expect(n.end).toBeLessThanOrEqual(parent.end);
        }
      });
    }
    // Every top-level header field cites where it is defined.
    for (const l of layers) for (const c of l.children ?? []) if (c.key !== 'quoted' && c.key !== 'data') expect(c.rfc, `${l.key}/${c.key}`).toMatch(/RFC|IEEE/);
  });

  it('ARP and ICMPv6 neighbour discovery frames dissect to their layers', () => {
    const s = session('dual-stack');
    run(s, 'client', 'ping -6 -c 1 2001:db8:2::20');
    run(s, 'client', 'ping -c 1 10.2.0.20');
    const keys = new Set<string>();
    for (let uid = 0; uid < s.world.trace.packets.count; uid++) keys.add(describeFrame(s.world.trace.packets.bytes(uid)).map((l) => l.key).join('/'));
    expect(keys).toContain('eth/arp');
    expect(keys).toContain('eth/ipv6/icmpv6');
    expect(keys).toContain('eth/ipv4/icmp');
  });

  it('never throws on arbitrary or truncated bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        expect(() => describeFrame(b)).not.toThrow();
      }),
      { numRuns: 2000 },
    );
    const s = session('routed');
    run(s, 'laptop', 'traceroute -n -q 1 -m 3 203.0.113.10');
    for (let uid = 0; uid < s.world.trace.packets.count; uid++) {
      const full = s.world.trace.packets.bytes(uid);
      for (let n = 0; n <= full.length; n += 7) expect(() => describeFrame(full.subarray(0, n))).not.toThrow();
    }
  });
});
