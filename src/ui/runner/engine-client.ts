/**
 * The UI side of the engine worker: starts the worker, checks its protocol version, and
 * exposes the EngineApi as promises (Comlink). A crashed worker (uncaught error, out of
 * memory) is reported through `onCrash` and can be replaced with `restart()`; the lab then
 * reloads the same scenario and seed, so nothing the user set up is lost.
 */
import * as Comlink from 'comlink';
import type { EngineApi } from '../../worker/protocol.ts';
import { PROTOCOL_VERSION } from '../../worker/protocol.ts';

export type RemoteEngine = Comlink.Remote<EngineApi>;

export interface EngineClientOptions {
  /** Creates the worker (tests and the embed bundle may pass their own). */
  makeWorker?: () => Worker;
  onCrash?: (message: string) => void;
}

function defaultWorker(): Worker {
  return new Worker(new URL('../../worker/engine.worker.ts', import.meta.url), { type: 'module', name: 'stackscope-engine' });
}

export class EngineClient {
  private worker: Worker | null = null;
  private remote: RemoteEngine | null = null;
  private crashed = false;

  constructor(private readonly opts: EngineClientOptions = {}) {}

  /** Starts (or restarts) the worker and checks it speaks our protocol version. */
  async start(): Promise<void> {
    this.dispose();
    const worker = (this.opts.makeWorker ?? defaultWorker)();
    this.worker = worker;
    this.crashed = false;
    worker.addEventListener('error', (e) => this.crash(e.message || 'the engine worker failed to start or crashed'));
    worker.addEventListener('messageerror', () => this.crash('the engine worker sent a message that could not be read'));
    this.remote = Comlink.wrap<EngineApi>(worker);
    const version = await this.remote.protocolVersion();
    if (version !== PROTOCOL_VERSION) {
      throw new Error(`engine worker speaks protocol ${version}, this page expects ${PROTOCOL_VERSION}: reload the page to update it`);
    }
  }

  private crash(message: string): void {
    if (this.crashed) return;
    this.crashed = true;
    this.opts.onCrash?.(message);
  }

  /** The engine API; throws if the worker is not running. */
  get api(): RemoteEngine {
    if (!this.remote || this.crashed) throw new Error('the engine is not running');
    return this.remote;
  }

  get running(): boolean {
    return this.remote !== null && !this.crashed;
  }

  /** Kills the worker: used to stop a runaway call and before a restart. */
  dispose(): void {
    if (this.remote) this.remote[Comlink.releaseProxy]();
    this.worker?.terminate();
    this.worker = null;
    this.remote = null;
  }
}
