/**
 * Fetches a packet's bytes and field tree from the engine worker, cached per run (a uid names
 * a different packet in the next run) and per uid, with a small LRU bound.
 */
import { useEffect, useState } from 'react';
import type { PacketDetail } from '../../../worker/protocol.ts';
import type { EngineClient } from '../../runner/engine-client.ts';

const CACHE_SIZE = 256;
const caches = new WeakMap<object, Map<number, PacketDetail>>();

function cacheFor(run: object): Map<number, PacketDetail> {
  let c = caches.get(run);
  if (!c) {
    c = new Map();
    caches.set(run, c);
  }
  return c;
}

export type DetailState =
  | { readonly status: 'none' }
  | { readonly status: 'no-engine'; readonly uid: number }
  | { readonly status: 'loading'; readonly uid: number }
  | { readonly status: 'error'; readonly uid: number; readonly message: string }
  | { readonly status: 'ready'; readonly uid: number; readonly detail: PacketDetail };

export function usePacketDetail(engine: EngineClient | null, run: object | null, uid: number | null): DetailState {
  const cached = uid !== null && run ? cacheFor(run).get(uid) : undefined;
  const [fetched, setFetched] = useState<{ run: object | null; uid: number; result: DetailState } | null>(null);

  useEffect(() => {
    if (uid === null || !run || cached || !engine || !engine.running) return;
    let cancelled = false;
    engine.api.packet(uid).then(
      (detail) => {
        const cache = cacheFor(run);
        cache.set(uid, detail);
        if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
        if (!cancelled) setFetched({ run, uid, result: { status: 'ready', uid, detail } });
      },
      (err: unknown) => {
        if (!cancelled) setFetched({ run, uid, result: { status: 'error', uid, message: err instanceof Error ? err.message : String(err) } });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [engine, run, uid, cached]);

  if (uid === null) return { status: 'none' };
  if (cached) return { status: 'ready', uid, detail: cached };
  if (fetched && fetched.uid === uid && fetched.run === run) return fetched.result;
  if (!engine || !engine.running || !run) return { status: 'no-engine', uid };
  return { status: 'loading', uid };
}
