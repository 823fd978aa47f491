/**
 * Web Worker entry: exposes an EngineHost over Comlink. Trace batches are transferred, not
 * cloned (DESIGN.md: compact trace, no millions of objects crossing threads).
 */
import * as Comlink from 'comlink';
import { EngineHost } from './engine-host.ts';
import { batchTransferables } from './batch.ts';
import type { AdvanceResult } from './protocol.ts';

class TransferringHost extends EngineHost {
  override advance(untilNs: number, maxEvents: number): AdvanceResult {
    const r = super.advance(untilNs, maxEvents);
    return Comlink.transfer(r, batchTransferables(r.batch));
  }

  /** For end-to-end tests of the stuck-engine watchdog: keeps the worker busy for `ms` (at most a minute). */
  hangForTesting(ms: number): void {
    const end = Date.now() + Math.min(ms, 60_000);
    while (Date.now() < end) {
      // busy, as an engine bug looping inside one event would be
    }
  }

  /** For end-to-end tests of crash recovery: fails the worker the way a real bug would. */
  crashForTesting(): void {
    setTimeout(() => {
      throw new Error('simulated engine failure');
    });
  }
}

Comlink.expose(new TransferringHost());
