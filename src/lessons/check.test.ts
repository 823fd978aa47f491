import { describe, expect, it } from 'vitest';
import { evaluateCheck, sameLinkValue } from './check.ts';
import type { ObservedEvent, UiSnapshot } from './check.ts';

const ev = (kind: string, node?: string, text?: string): ObservedEvent => ({ kind, node, text });

describe('checks', () => {
  it('output: matches and notMatches (multi-line: ^ and $ at line ends)', () => {
    const c = { output: { matches: '^1 packets transmitted', notMatches: '100% packet loss' } };
    expect(evaluateCheck(c, { output: 'PING x\n1 packets transmitted, 1 received, 0% packet loss' }).ok).toBe(true);
    expect(evaluateCheck(c, { output: '1 packets transmitted, 0 received, 100% packet loss' }).ok).toBe(false);
    expect(evaluateCheck(c, { output: '' }).ok).toBe(false);
    expect(evaluateCheck({ output: { notMatches: 'error' } }, { output: '' }).failures).toContain('The command printed nothing.');
  });

  it('trace: kind, node, text and counts; a list must all hold', () => {
    const events = [ev('icmp.tx', 'r1', undefined), ev('icmp.tx', 'server'), ev('tcp.state', 'a', 'SYN-SENT>ESTABLISHED')];
    expect(evaluateCheck({ trace: { kind: 'icmp.tx' } }, { events }).ok).toBe(true);
    expect(evaluateCheck({ trace: { kind: 'icmp.tx', count: { exactly: 2 } } }, { events }).ok).toBe(true);
    expect(evaluateCheck({ trace: { kind: 'icmp.tx', count: { atMost: 1 } } }, { events }).ok).toBe(false);
    expect(evaluateCheck({ trace: { kind: 'icmp.tx', node: 'r2' } }, { events }).failures[0]).toMatch(/at least one icmp.tx events on r2.*recorded 0/);
    expect(evaluateCheck({ trace: { kind: 'tcp.state', text: 'ESTABLISHED$' } }, { events }).ok).toBe(true);
    expect(evaluateCheck({ trace: [{ kind: 'tcp.state' }, { kind: 'arp.rx' }] }, { events }).ok).toBe(false);
    expect(evaluateCheck({ trace: { kind: 'icmp.tx' } }, { events: [] }).ok).toBe(false);
  });

  it('ui: paused, selected packet, link fields with units', () => {
    const ui: UiSnapshot = { paused: true, selectedPacket: { stack: ['ipv4', 'icmp'], src: '10.0.0.1', dst: '10.0.0.2', icmpType: 8 }, links: [{ loss: 0.1, delay: '10ms', bandwidth: '100Mbit' }] };
    expect(evaluateCheck({ ui: { paused: true, selectedPacket: { protocol: 'icmp', icmpType: 8 } } }, { ui }).ok).toBe(true);
    expect(evaluateCheck({ ui: { selectedPacket: { protocol: 'arp' } } }, { ui }).failures).toEqual(['The selected packet is not a ARP packet.']);
    expect(evaluateCheck({ ui: { link: { index: 0, field: 'loss', equals: 0.1 } } }, { ui }).ok).toBe(true);
    expect(evaluateCheck({ ui: { link: { index: 0, field: 'delay', equals: '10000us' } } }, { ui }).ok).toBe(true);
    expect(evaluateCheck({ ui: { link: { index: 1, field: 'delay', equals: '1ms' } } }, { ui }).ok).toBe(false);
    expect(sameLinkValue('100Mbit', '100000 kbit')).toBe(true);
    expect(sameLinkValue('droptail', 'fq_codel')).toBe(false);
  });
});
