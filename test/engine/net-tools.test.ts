/**
 * The tcpdump, ip and arp commands inside simulated runs: what they see, when they stop, and
 * their errors. Output formats themselves are judged by the real tools in test/oracle/.
 */
import { describe, expect, it } from 'vitest';
import { Session, builtinScenario } from '../../src/engine/index.ts';
import { ip4 } from '../../src/engine/wire/addr.ts';
import { session, run } from './helpers.ts';

function withActions(name: string): Session {
  return new Session(builtinScenario(name)!);
}

function exec(s: Session, host: string, line: string, maxNs = 3600e9): { lines: string[]; status: number } {
  const lines: string[] = [];
  const status = s.exec(host, line, (l) => lines.push(l), maxNs);
  return { lines, status };
}

describe('tcpdump command', () => {
  it('-c stops after that many packets, with the statistics lines', () => {
    const s = withActions('lan');
    const r = exec(s, 'bob', 'tcpdump -n -c 3 icmp');
    expect(r.status).toBe(0);
    expect(r.lines).toEqual([
      'tcpdump: verbose output suppressed, use -v[v]... for full protocol decode',
      'listening on eth0, link-type EN10MB (Ethernet), snapshot length 262144 bytes',
      expect.stringMatching(/^00:00:01\.\d{6} IP 192\.168\.10\.11 > 192\.168\.10\.12: ICMP echo request, id \d+, seq 1, length 64$/),
      expect.stringMatching(/^00:00:01\.\d{6} IP 192\.168\.10\.12 > 192\.168\.10\.11: ICMP echo reply, id \d+, seq 1, length 64$/),
      expect.stringMatching(/^00:00:02\.\d{6} IP 192\.168\.10\.11 > 192\.168\.10\.12: ICMP echo request/),
      '3 packets captured',
      '3 packets received by filter',
      '0 packets dropped by kernel',
    ]);
  });

  it('runs until Ctrl-C (here: the time limit) and then prints the statistics', () => {
    const s = withActions('lan');
    const r = exec(s, 'alice', 'tcpdump -n arp', 1.5e9);
    expect(r.lines.slice(2, 4)).toEqual([expect.stringMatching(/ARP, Request who-has 192\.168\.10\.12 tell 192\.168\.10\.11/), expect.stringMatching(/ARP, Reply 192\.168\.10\.12 is-at 02:00:00:02:01:00/)]);
    expect(r.lines.slice(-4)).toEqual(['^C', '2 packets captured', '2 packets received by filter', '0 packets dropped by kernel']);
    expect(r.status).toBe(0);
  });

  it('-i any prefixes the interface and direction; -t drops the timestamp', () => {
    const s = withActions('dual-stack');
    const r = exec(s, 'r1', 'tcpdump -i any -t -n -c 2 icmp6 and host 2001:db8:2::20', 10e9);
    expect(r.lines.slice(3, 5)).toEqual(['eth0  In  IP6 2001:db8:1::10 > 2001:db8:2::20: ICMP6, echo request, id 51429, seq 1, length 64', 'eth1  Out IP6 2001:db8:1::10 > 2001:db8:2::20: ICMP6, echo request, id 51429, seq 1, length 64']);
  });

  it('relative TCP sequence numbers unless -S', () => {
    const rel = exec(withActions('nagle'), 'client', 'tcpdump -n -c 4 tcp');
    expect(rel.lines[4]).toMatch(/Flags \[\.\], ack 1, win/);
    const abs = exec(withActions('nagle'), 'client', 'tcpdump -n -S -c 4 tcp');
    expect(abs.lines[4]).toMatch(/Flags \[\.\], ack \d{5,}, win/);
  });

  it('errors: unknown interface, bad filter, bad count, bad option, unmodelled options', () => {
    const s = session('lan');
    expect(run(s, 'alice', 'tcpdump -i eth9')).toEqual({ lines: ['tcpdump: eth9: No such device exists', '(No such device exists)'], status: 1 });
    expect(run(s, 'alice', 'tcpdump port 99999')).toEqual({ lines: ['tcpdump: illegal port number 99999 > 65535'], status: 1 });
    expect(run(s, 'alice', 'tcpdump -c 0')).toEqual({ lines: ['tcpdump: invalid packet count 0'], status: 1 });
    const bad = run(s, 'alice', 'tcpdump -Z');
    expect(bad.lines[0]).toBe("tcpdump: invalid option -- 'Z'");
    expect(bad.status).toBe(1);
    expect(run(s, 'alice', 'tcpdump -w x.pcap').lines[0]).toMatch(/^tcpdump: -w .* export the capture/);
  });

  it('host names in filters come from the run hosts table', () => {
    const r = exec(withActions('lan'), 'carol', 'tcpdump -n -c 1 host alice and host bob', 5e9);
    expect(r.lines[2]).toMatch(/ARP, Request who-has 192\.168\.10\.12 tell 192\.168\.10\.11/);
  });
});

describe('ip command', () => {
  it('lists lo first and the scenario interfaces from ifindex 2', () => {
    const r = run(session('routed'), 'laptop', 'ip -br link');
    expect(r.lines[0]).toBe('lo               UNKNOWN        00:00:00:00:00:00 <LOOPBACK,UP,LOWER_UP> ');
    expect(r.lines[1]).toMatch(/^eth0 {13}UP {13}02:00:00:[0-9a-f:]+ <BROADCAST,MULTICAST,UP,LOWER_UP> $/);
  });

  it('a downed interface loses its routes and shows state DOWN', () => {
    const s = session('dual-stack');
    s.runUntil(2e9);
    s.host('r1').iface('eth1')!.up = false;
    expect(run(s, 'r1', 'ip link show eth1').lines[0]).toBe('3: eth1: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000');
    expect(run(s, 'r1', 'ip route').lines).toEqual(['10.1.0.0/24 dev eth0 proto kernel scope link src 10.1.0.1 ']);
  });

  it('neighbours being resolved are INCOMPLETE', () => {
    const s = session('lan');
    s.runUntil(2e9);
    const alice = s.host('alice');
    alice.arp.resolve(alice.ifaces[0]!, ip4('192.168.10.99'), () => {});
    expect(run(s, 'alice', 'ip neigh').lines).toEqual(['192.168.10.99 dev eth0 INCOMPLETE ']);
    expect(run(s, 'alice', 'arp -n').lines[1]).toBe('192.168.10.99                    (incomplete)                              eth0');
  });

  it('errors and unmodelled commands', () => {
    const s = session('lan');
    expect(run(s, 'alice', 'ip foo')).toEqual({ lines: ['Object "foo" is unknown, try "ip help".'], status: 1 });
    expect(run(s, 'alice', 'ip addr foo')).toEqual({ lines: ['Command "foo" is unknown, try "ip address help".'], status: 255 });
    expect(run(s, 'alice', 'ip link show eth7')).toEqual({ lines: ['Device "eth7" does not exist.'], status: 1 });
    expect(run(s, 'alice', 'ip addr add 10.0.0.1/24 dev eth0').status).toBe(2);
    expect(run(s, 'alice', 'ip rule').lines[0]).toMatch(/not modelled/);
  });
});

describe('arp command', () => {
  it('names from the hosts table unless -n', () => {
    const s = session('lan');
    run(s, 'alice', 'ping -c 1 192.168.10.12');
    expect(run(s, 'alice', 'arp').lines[1]).toBe('bob                      ether   02:00:00:02:01:00   C                     eth0');
    expect(run(s, 'alice', 'arp -a').lines).toEqual(['bob (192.168.10.12) at 02:00:00:02:01:00 [ether] on eth0']);
    expect(run(s, 'alice', 'arp -n bob').lines[1]).toMatch(/^192\.168\.10\.12 +ether/);
    expect(run(s, 'alice', 'arp carol').lines).toEqual(['carol (192.168.10.13) -- no entry']);
    expect(run(s, 'alice', 'arp nobody')).toEqual({ lines: ['nobody: Host name lookup failure'], status: 255 });
  });
});
