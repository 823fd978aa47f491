/** The classic TCP pitfalls, reproduced: Nagle + delayed ACK, and TIME-WAIT port exhaustion. */
import { describe, expect, it } from 'vitest';
import { Session, builtinScenario } from '../../src/engine/index.ts';

function run(name: string, host: string, line: string, overrides: Record<string, unknown> = {}): { lines: string[]; status: number; s: Session } {
  const s = new Session({ ...builtinScenario(name)!, ...overrides }, { skipActions: true });
  s.runUntil(1e9);
  const lines: string[] = [];
  const status = s.exec(host, line, (l) => lines.push(l));
  return { lines, status, s };
}

const avgMs = (lines: string[]): number => Number(/avg ([\d.]+) ms/.exec(lines.at(-1)!)![1]);

describe('RFC 896 Nagle + RFC 1122 delayed ACK (write-write-read)', () => {
  it('every transaction stalls for the peer’s 200 ms delayed-ACK timer on a 2 ms path', () => {
    const { lines, status } = run('nagle', 'client', 'reqresp -c server -n 5');
    expect(status).toBe(0);
    expect(lines.filter((l) => l.startsWith('request'))).toHaveLength(5);
    expect(avgMs(lines)).toBeGreaterThan(200);
    expect(avgMs(lines)).toBeLessThan(206);
  });

  it('TCP_NODELAY removes the stall (one round trip per transaction)', () => {
    const { lines } = run('nagle', 'client', 'reqresp -c server -n 5 -N');
    expect(avgMs(lines)).toBeLessThan(3);
  });

  it('with Linux’s 40 ms delayed-ACK timer on the server the stall is ~40 ms', () => {
    const base = builtinScenario('nagle')!;
    const nodes = base.nodes.map((n) => (n.name === 'server' && n.kind === 'host' ? { ...n, tcp: { delayedAck: '40ms' } } : n));
    const { lines } = run('nagle', 'client', 'reqresp -c server -n 5', { nodes });
    expect(avgMs(lines)).toBeGreaterThan(40);
    expect(avgMs(lines)).toBeLessThan(46);
  });
});

describe('TIME-WAIT and ephemeral ports (RFC 9293 §3.6.1, 2·MSL)', () => {
  it('short connections closed by the client exhaust the 1,000-port range: "Cannot assign requested address"', () => {
    const { lines, status } = run('churn', 'client', 'churn -c server -p 80 -n 1200');
    expect(status).toBe(1);
    expect(lines.some((l) => /^churn: connect: Cannot assign requested address \(after (99\d|1000) connections\)$/.test(l))).toBe(true);
    expect(lines.some((l) => /1200 connections in .* 1000 completed, 200 failed: Cannot assign requested address$/.test(l))).toBe(true);
  });

  it('with Linux’s default range (32768–60999) the limit is 28,232 connections per 2·MSL', () => {
    const base = builtinScenario('churn')!;
    const nodes = base.nodes.map((n) => (n.name === 'client' && n.kind === 'host' ? { ...n, tcp: {} } : n));
    const { lines, status } = run('churn', 'client', 'churn -c server -p 80 -n 28300 -k 16', { nodes });
    expect(status).toBe(1);
    expect(lines.some((l) => /^churn: connect: Cannot assign requested address \(after 282\d\d connections\)$/.test(l))).toBe(true);
    expect(lines.some((l) => /28300 connections in .* 28232 completed, 68 failed: Cannot assign requested address$/.test(l))).toBe(true);
  }, 120_000);

  it('the ports come back once TIME-WAIT (2·MSL = 60 s) has passed', () => {
    const { s } = run('churn', 'client', 'churn -c server -p 80 -n 200');
    const tw = (): number => (s.world.node('client') as unknown as { tcp: { connections(): Array<{ state: string }> } }).tcp.connections().filter((c) => c.state === 'TIME-WAIT').length;
    s.runUntil(s.world.now + 0.1e9); // the last closes finish their FIN exchange
    expect(tw()).toBe(200);
    s.runUntil(s.world.now + 61e9);
    expect(tw()).toBe(0);
  });

  it('connection pooling (-P) needs one port; tcp_tw_reuse (-R) recycles TIME-WAIT ports', () => {
    const pooled = run('churn', 'client', 'churn -c server -p 80 -n 500 -P');
    expect(pooled.status).toBe(0);
    expect(pooled.lines.at(-1)).toBe('0 sockets in TIME-WAIT on this host');
    const base = builtinScenario('churn')!;
    // MSL 300 s keeps TIME-WAIT for 10 minutes; with -R, ports older than 1 s are reused.
    const nodes = base.nodes.map((n) => (n.name === 'client' && n.kind === 'host' ? { ...n, tcp: { msl: '300s' } } : n));
    const reuse = run('churn', 'client', 'churn -c server -p 80 -n 200 -k 1 -R', { nodes });
    expect(reuse.status).toBe(0);
  });
});
