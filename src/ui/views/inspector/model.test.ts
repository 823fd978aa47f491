import { describe, expect, it } from 'vitest';
import { describeFrame } from '../../../engine/index.ts';
import type { FieldNode } from '../../../engine/index.ts';
import { runScenarioForView } from '../../../../test/ui/run-scenario.ts';
import { ancestorIds, bitPattern, collectErrors, describeRange, errorPaths, fieldAtByte, fieldById, flattenFields, hexRows, toHexStream, walkFields } from './model.ts';

const run = runScenarioForView('tcp-bulk', { untilNs: 1.2e9 });
const bytesOf = (uid: number): Uint8Array => run.session.world.trace.packets.bytes(uid);
function firstPacket(pred: (uid: number) => boolean): number {
  for (let uid = 0; uid < run.trace.packetCount; uid++) if (pred(uid)) return uid;
  throw new Error('no such packet');
}
const dataUid = firstPacket((u) => run.trace.packetProtoName(u) === 'tcp' && run.trace.packetLen(u) > 1000);
const dataBytes = bytesOf(dataUid);
const dataTree = describeFrame(dataBytes);
const arpUid = firstPacket((u) => run.trace.packetProtoName(u) === 'arp');

describe('flattenFields', () => {
  it('shows only layers when nothing is expanded', () => {
    const rows = flattenFields(dataTree, new Set());
    expect(rows.map((r) => r.id)).toEqual(['eth', 'ipv4', 'tcp', 'data']);
    expect(rows.every((r) => r.level === 1)).toBe(true);
    expect(rows[0]).toMatchObject({ posInSet: 1, setSize: 4, hasChildren: true, expanded: false });
  });

  it('expands by path id, with levels and repeated keys told apart', () => {
    const rows = flattenFields(dataTree, new Set(['tcp', 'tcp/options']));
    const ids = rows.map((r) => r.id);
    expect(ids).toContain('tcp/srcport');
    expect(ids).toContain('tcp/options/option.nop');
    expect(ids).toContain('tcp/options/option.nop#1');
    expect(ids).not.toContain('tcp/flags/flags.syn');
    const nop = rows.find((r) => r.id === 'tcp/options/option.nop#1')!;
    expect(nop.level).toBe(3);
    expect(nop.parentId).toBe('tcp/options');
    // every listed id resolves back to its node
    for (const r of rows) expect(fieldById(dataTree, r.id)).toBe(r.node);
  });

  it('flags errors on the field and on collapsed ancestors; errorPaths opens them', () => {
    const bad = bytesOf(arpUid).slice(0, 40); // truncated ARP
    const tree = describeFrame(bad);
    const collapsed = flattenFields(tree, new Set());
    expect(collapsed.find((r) => r.id === 'arp')!.hiddenError || collapsed.find((r) => r.id === 'arp')!.error !== undefined).toBe(true);
    const open = flattenFields(tree, errorPaths(tree));
    const tpa = open.find((r) => r.id === 'arp/arp.tpa');
    expect(tpa?.error).toMatch(/packet ends/);
    expect(collectErrors(tree).length).toBeGreaterThan(0);
  });

  it('flags a bad checksum', () => {
    const b = dataBytes.slice();
    b[24] = b[24]! ^ 0xff; // IPv4 header checksum
    const tree = describeFrame(b);
    const errs = collectErrors(tree);
    expect(errs.some((e) => e.id === 'ipv4/ipv4.checksum')).toBe(true);
    const rows = flattenFields(tree, new Set());
    expect(rows.find((r) => r.id === 'ipv4')!.hiddenError).toBe(true);
  });
});

describe('fieldAtByte', () => {
  const at = (o: number): string | undefined => fieldAtByte(dataTree, o)?.id;
  it('finds the innermost byte-level field', () => {
    expect(at(0)).toBe('eth/eth.dst'); // not its LG bit
    expect(at(12)).toBe('eth/eth.type');
    expect(at(14)).toBe('ipv4/ipv4.version'); // bit field among byte fields
    expect(at(20)).toBe('ipv4/ipv4.flags');
    expect(at(21)).toBe('ipv4/ipv4.frag_offset');
    expect(at(22)).toBe('ipv4/ipv4.ttl');
    expect(at(34)).toBe('tcp/srcport');
    expect(at(47)).toBe('tcp/flags'); // not one of the flag bits
    expect(at(55)).toBe('tcp/options/option.nop#1');
    expect(at(60)).toBe('tcp/options/option.timestamp');
    expect(at(100)).toBe('tcp/payload'); // deeper than the top-level Data node
  });
  it('returns null past the end', () => {
    expect(fieldAtByte(dataTree, dataBytes.length)).toBeNull();
    expect(fieldAtByte([], 0)).toBeNull();
  });
  it('agrees with the range of every leaf byte field', () => {
    walkFields(dataTree, (node, id, _p, depth) => {
      if (depth === 1 && !node.children && node.bitMask === undefined && node.end - node.start <= 8) {
        for (let o = node.start; o < node.end; o++) expect(fieldAtByte(dataTree, o)?.id).toBe(id);
      }
    });
  });
});

describe('hex and bits', () => {
  it('makes 16-byte rows with offsets, hex and ASCII', () => {
    const rows = hexRows(dataBytes);
    expect(rows).toHaveLength(Math.ceil(dataBytes.length / 16));
    expect(rows[1]!.label).toBe('0010');
    expect(rows[0]!.hex[12]).toBe('08'); // ethertype 0x0800
    expect(rows.at(-1)!.bytes.length).toBe(dataBytes.length % 16 || 16);
    expect(hexRows(new Uint8Array([0x41, 0x00, 0x7f]))[0]!.ascii.join('')).toBe('A..');
    expect(hexRows(new Uint8Array(0))).toEqual([]);
  });
  it('shows a bit field as Wireshark does', () => {
    const df = fieldById(dataTree, 'ipv4/ipv4.flags/ipv4.flags.df')!;
    expect(bitPattern(dataBytes, df)).toBe('.1.. ....');
    const ihl = fieldById(dataTree, 'ipv4/ipv4.ihl')!;
    expect(bitPattern(dataBytes, ihl)).toBe('.... 0101');
    const ack = fieldById(dataTree, 'tcp/flags/flags.ack')!;
    expect(bitPattern(dataBytes, ack)).toBe('.... .... ...1 ....');
    expect(bitPattern(dataBytes, fieldById(dataTree, 'ipv4/ipv4.ttl')!)).toBeNull();
  });
  it('copies hex and describes ranges', () => {
    expect(toHexStream(new Uint8Array([0, 0xab, 0x10]))).toBe('00ab10');
    expect(toHexStream(dataBytes, 12, 14)).toBe('0800');
    expect(describeRange({ start: 14, end: 34 })).toBe('bytes 14–33 (20 bytes)');
    expect(describeRange({ start: 22, end: 23 })).toBe('byte 22 (1 byte)');
    expect(ancestorIds('a/b/c')).toEqual(['a', 'a/b']);
  });
  it('every byte of routed-run frames maps to a field covering it, except trailing padding', () => {
    const routed = runScenarioForView('routed', { commands: [{ host: 'laptop', line: 'traceroute -n 203.0.113.10' }], untilNs: 3e9 });
    const seen = new Set<string>();
    for (let uid = 0; uid < Math.min(routed.trace.packetCount, 200); uid++) {
      const bytes = routed.session.world.trace.packets.bytes(uid);
      const tree: FieldNode[] = describeFrame(bytes);
      let described = 0;
      walkFields(tree, (n) => void (described = Math.max(described, n.end)));
      for (let o = 0; o < bytes.length; o++) {
        const hit = fieldAtByte(tree, o);
        if (o >= described) {
          expect(hit).toBeNull();
          continue;
        }
        expect(hit, `uid ${uid} byte ${o}`).not.toBeNull();
        expect(o >= hit!.node.start && o < hit!.node.end).toBe(true);
      }
      seen.add(routed.trace.packetProtoName(uid));
    }
    expect(seen.has('icmp')).toBe(true);
  });
});
