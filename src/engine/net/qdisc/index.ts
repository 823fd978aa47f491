/**
 * Queue disciplines for a link's transmit side. `createQdisc` builds one from a QdiscConfig;
 * the frame helpers (flow hash, ECN) fill in the QueuedFrame fields the qdiscs read.
 */
import { CoDel } from './codel.ts';
import { DropTail } from './droptail.ts';
import { FqCodel } from './fq-codel.ts';
import type { Qdisc, QdiscConfig } from './types.ts';

export type { DequeueResult, Qdisc, QdiscConfig, QdiscKind, QueuedFrame } from './types.ts';
export { CoDel, codelControlLaw } from './codel.ts';
export { DropTail } from './droptail.ts';
export { FqCodel } from './fq-codel.ts';
export { ecnCapable, flowHashOfFrame, markCe } from './flow-hash.ts';

/** A qdisc for `cfg`; unset CoDel/fq_codel fields take the RFC 8289 / RFC 8290 / Linux defaults. */
export function createQdisc(cfg: QdiscConfig): Qdisc {
  const aqm = { targetNs: cfg.targetNs, intervalNs: cfg.intervalNs, ecn: cfg.ecn, ...(cfg.mtuBytes !== undefined ? { mtuBytes: cfg.mtuBytes } : {}) };
  switch (cfg.kind) {
    case 'droptail':
      return new DropTail(cfg.limit);
    case 'codel':
      return new CoDel({ limit: cfg.limit, ...aqm });
    case 'fq_codel':
      return new FqCodel({ limit: cfg.limit, flows: cfg.flows, quantum: cfg.quantum, ...aqm });
  }
}
