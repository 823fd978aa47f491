/**
 * Congestion-control registry: the socket asks for an algorithm by name (like Linux's
 * net.ipv4.tcp_congestion_control). `rand` is a seeded stream from the engine (BBR's random
 * ProbeBW start phase); the loss-based algorithms are deterministic and ignore it.
 */
import { Bbr } from './bbr.ts';
import { Cubic } from './cubic.ts';
import { Reno } from './reno.ts';
import type { CongestionControl, CongestionControlName } from './types.ts';

export type { AckEvent, CongestionControl, CongestionControlName, RateSample } from './types.ts';
export { DeliveryRateEstimator } from './rate-sample.ts';
export type { SentMeta } from './rate-sample.ts';
export { Bbr, Cubic, Reno };

/** Every algorithm the engine offers, default first (Linux's default is CUBIC). */
export const CONGESTION_CONTROLS: readonly CongestionControlName[] = ['cubic', 'reno', 'bbr'];

export function createCongestionControl(name: CongestionControlName, opts: { rand: () => number }): CongestionControl {
  switch (name) {
    case 'reno':
      return new Reno();
    case 'cubic':
      return new Cubic();
    case 'bbr':
      return new Bbr(opts.rand);
  }
}
