/** net-tools arp formats; expected lines are real `arp -n` / `arp -a` output. */
import { describe, expect, it } from 'vitest';
import { ARP_ERRORS, ARP_HEADER, formatArpBsd, formatArpRow, formatArpVerboseSummary } from './arp-format.ts';

describe('arp formats', () => {
  it('Linux style rows', () => {
    expect(ARP_HEADER).toBe('Address                  HWtype  HWaddress           Flags Mask            Iface');
    expect(formatArpRow({ name: '10.0.0.2', ip: '10.0.0.2', mac: '02:00:00:02:01:00', iface: 'eth0' })).toBe('10.0.0.2                 ether   02:00:00:02:01:00   C                     eth0');
    expect(formatArpRow({ name: '10.0.0.99', ip: '10.0.0.99', iface: 'eth0' })).toBe('10.0.0.99                        (incomplete)                              eth0');
    expect(formatArpRow({ name: 'a-very-long-host-name-indeed.example', ip: '10.0.0.3', mac: '02:00:00:02:01:00', iface: 'eth1' }).slice(0, 25)).toBe('a-very-long-host-name-i  ');
  });

  it('BSD style and messages', () => {
    expect(formatArpBsd({ name: '10.0.0.2', ip: '10.0.0.2', mac: '02:00:00:02:01:00', iface: 'eth0' }, true)).toBe('? (10.0.0.2) at 02:00:00:02:01:00 [ether] on eth0');
    expect(formatArpBsd({ name: 'bob', ip: '10.0.0.2', iface: 'eth0' }, false)).toBe('bob (10.0.0.2) at <incomplete> on eth0');
    expect(formatArpVerboseSummary(2, 2)).toBe('Entries: 2\tSkipped: 0\tFound: 2');
    expect(ARP_ERRORS.noEntry('10.0.0.55', '10.0.0.55')).toBe('10.0.0.55 (10.0.0.55) -- no entry');
    expect(ARP_ERRORS.noMatch(2)).toBe('arp: in 2 entries no match found.');
  });
});
