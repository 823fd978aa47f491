/** RFC 6298 retransmission-timer properties, checked on the estimator and on a live connection. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RttEstimator } from '../../src/engine/stack/tcp/rtt.ts';
import { session } from '../engine/helpers.ts';
import type { IpNode } from '../../src/engine/stack/host.ts';
import { ip4 } from '../../src/engine/wire/addr.ts';

describe('RFC 6298 estimator', () => {
  it('RFC 6298 (2.1): before any sample the RTO is 1 s', () => {
    expect(new RttEstimator('rfc6298').rto).toBe(1e9);
    expect(new RttEstimator('linux').rto).toBe(1e9);
  });

  it('RFC 6298 (2.2): the first sample R sets SRTT = R, RTTVAR = R/2, RTO = SRTT + 4·RTTVAR (floored at 1 s)', () => {
    const e = new RttEstimator('rfc6298');
    e.sample(400e6);
    expect(e.srtt).toBe(400e6);
    expect(e.rttvar).toBe(200e6);
    expect(e.rto).toBe(1.2e9);
    const small = new RttEstimator('rfc6298');
    small.sample(10e6);
    expect(small.rto).toBe(1e9); // (2.4) RTO is at least 1 s
  });

  it('RFC 6298 (2.3): later samples use α = 1/8, β = 1/4', () => {
    const e = new RttEstimator('rfc6298');
    e.sample(400e6);
    e.sample(200e6);
    expect(e.rttvar).toBeCloseTo(0.75 * 200e6 + 0.25 * 200e6, 0);
    expect(e.srtt).toBeCloseTo(0.875 * 400e6 + 0.125 * 200e6, 0);
  });

  it('Linux profile: RTO = SRTT + max(4·RTTVAR, 200 ms)', () => {
    const e = new RttEstimator('linux');
    e.sample(4e6);
    expect(e.rto).toBe(204e6);
  });

  it('RFC 6298 (5.5): each expiry doubles the RTO, up to the maximum', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1e6, max: 2e9 }), fc.integer({ min: 1, max: 12 }), (r, n) => {
        const e = new RttEstimator('rfc6298');
        e.sample(r);
        const start = e.rto;
        for (let i = 0; i < n; i++) e.backoff();
        expect(e.rto).toBe(Math.min(start * 2 ** n, e.maxRtoNs));
      }),
    );
  });
});

describe('RFC 6298 on a connection', () => {
  it('RFC 6298 (3) Karn: a retransmitted segment gives no RTT sample; RTO backs off 1 s, 2 s, 4 s while the peer is silent', () => {
    const s = session('lan', {
      links: [
        { a: 'alice:eth0', b: 'sw1:p1', rules: [{ from: 'alice', match: { protocol: 'tcp', dstPort: 7000, minLength: 100 }, nth: 1, andAfter: true, action: 'drop' }] },
        { a: 'bob:eth0', b: 'sw1:p2' },
      ],
    });
    const alice = s.world.node('alice') as IpNode;
    const bob = s.world.node('bob') as IpNode;
    bob.tcp.listen(7000, () => undefined, {});
    s.runUntil(1e9);
    const c = alice.tcp.connect(ip4('192.168.10.12'), 7000, { rtoProfile: 'rfc6298' });
    if (typeof c === 'string') throw new Error(c);
    c.onConnect = () => void c.send(500);
    s.runUntil(1.5e9);
    const rttEvents = (): number => s.world.trace.events.countKind('tcp.rtt');
    const samplesAfterHandshake = rttEvents();
    const rtos: number[] = [];
    s.world.trace.listen((i) => {
      const e = s.world.trace.events.get(i);
      if (e.kind === 'tcp.rto' && e.node === alice.id) rtos.push(e.t);
    });
    s.runUntil(9e9);
    // Every data transmission was dropped: timer fired at 1 s, then 2 s and 4 s later.
    expect(rtos.length).toBeGreaterThanOrEqual(3);
    const gaps = rtos.slice(1).map((t, i) => Math.round((t - rtos[i]!) / 1e9));
    expect(gaps.slice(0, 2)).toEqual([2, 4]);
    expect(rttEvents()).toBe(samplesAfterHandshake);
  });
});
