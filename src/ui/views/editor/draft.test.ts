import { describe, expect, test } from 'vitest';
import { addLink, addNode, freshName, removeLink, removeNode, setAddresses, setLinkField } from './draft.ts';
import type { Draft } from './draft.ts';
import { Session, builtinScenario, parseScenario } from '../../../engine/index.ts';

function lan(): Draft {
  return JSON.parse(JSON.stringify(parseScenario(builtinScenario('lan')))) as Draft;
}

describe('scenario draft edits', () => {
  test('adding a host and linking it to the switch gives a scenario the engine builds', () => {
    let d = addNode(lan(), 'host');
    expect(d.nodes.at(-1)).toEqual({ name: 'host1', kind: 'host', interfaces: [] });
    d = addLink(d, 'host1', 'sw1');
    expect(d.links.at(-1)).toMatchObject({ a: 'host1:eth0', b: 'sw1:p4' });
    d = setAddresses(d, 'host1', 'eth0', '192.168.10.50/24, fd00:10::50/64');
    const s = new Session(d, { skipActions: true });
    const out: string[] = [];
    expect(s.exec('host1', 'ping -c 1 192.168.10.11', (l) => out.push(l))).toBe(0);
  });

  test('a full switch grows a port instead of failing', () => {
    let d = lan();
    d = addNode(d, 'host', 'x1');
    d = addLink(d, 'x1', 'sw1');
    d = addNode(d, 'host', 'x2');
    d = addLink(d, 'x2', 'sw1');
    expect(d.links.at(-1)!.b).toBe('sw1:p5');
    expect(d.nodes.find((n) => n.name === 'sw1')!.ports).toBe(5);
  });

  test('removing a device removes its links, commands and captures', () => {
    const d = removeNode(lan(), 'alice');
    expect(d.nodes.map((n) => n.name)).not.toContain('alice');
    expect(d.links.some((l) => l.a.startsWith('alice:') || l.b.startsWith('alice:'))).toBe(false);
    expect(d.actions ?? []).toEqual([]);
    expect((d.examples ?? []).some((e) => e.host === 'alice')).toBe(false);
    expect(() => new Session(d)).not.toThrow();
  });

  test('link fields: numbers for loss/queue/mtu, text for rates and durations, empty removes', () => {
    let d = setLinkField(lan(), 0, 'loss', '0.1');
    d = setLinkField(d, 0, 'delay', '5ms');
    d = setLinkField(d, 0, 'mtu', '');
    expect(d.links[0]).toMatchObject({ loss: 0.1, delay: '5ms' });
    expect('mtu' in d.links[0]!).toBe(false);
    expect(removeLink(d, 0).links.length).toBe(d.links.length - 1);
  });

  test('names never collide', () => {
    const d = addNode(addNode(lan(), 'router'), 'router');
    expect(d.nodes.filter((n) => n.kind === 'router').map((n) => n.name)).toEqual(['r1', 'r2']);
    expect(freshName(d, 'r')).toBe('r3');
    expect(() => addNode(d, 'host', 'alice')).toThrow(/already a device named alice/);
  });
});
