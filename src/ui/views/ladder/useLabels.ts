/**
 * Loads arrow labels lazily from the engine worker, for the packets a view currently shows:
 * tcpdump-style summaries (engine.api.summaries) when the worker provides them, else the field
 * tree of each packet (engine.api.packet). Cached per run; re-renders the caller when new labels
 * arrive.
 */
import { useEffect, useState } from 'react';
import type { EngineClient } from '../../runner/engine-client.ts';
import { labelFromFields, labelFromSummary } from './labels.ts';
import type { PacketLabel } from './labels.ts';

const caches = new WeakMap<object, Map<number, PacketLabel>>();
const PACKET_BATCH = 64;

export function labelCache(run: object | null): Map<number, PacketLabel> | null {
  if (!run) return null;
  let c = caches.get(run);
  if (!c) {
    c = new Map();
    caches.set(run, c);
  }
  return c;
}

/** Returns a version number that changes when labels for `uids` arrived (read them from labelCache(run)). */
export function useLabels(engine: EngineClient | null, run: object | null, uids: readonly number[]): number {
  const [version, setVersion] = useState(0);
  const key = uids.join(',');
  useEffect(() => {
    const cache = labelCache(run);
    if (!cache || !engine || !engine.running) return;
    const missing = [...new Set(uids)].filter((u) => u >= 0 && !cache.has(u));
    if (missing.length === 0) return;
    let cancelled = false;
    (async () => {
      try {
        const summaries = await engine.api.summaries(missing);
        const unparsed: number[] = [];
        missing.forEach((uid, i) => {
          const l = labelFromSummary(summaries[i] ?? '');
          if (l) cache.set(uid, l);
          else unparsed.push(uid);
        });
        if (!cancelled && unparsed.length < missing.length) setVersion((v) => v + 1);
        for (let i = 0; i < unparsed.length && !cancelled; i += PACKET_BATCH) {
          const batch = unparsed.slice(i, i + PACKET_BATCH);
          const details = await Promise.all(batch.map((u) => engine.api.packet(u).catch(() => null)));
          details.forEach((d, j) => {
            if (d) cache.set(batch[j]!, labelFromFields(d.fields));
          });
          if (!cancelled) setVersion((v) => v + 1);
        }
      } catch {
        // The engine restarted or the run changed: labels fall back to protocol names.
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [engine, run, key]);
  return version;
}
