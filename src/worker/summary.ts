/**
 * One-line packet summaries for the UI. Until the tcpdump-style summariser lands in the
 * engine, the layer names of the dissection stand in.
 */
import { describeFrame } from '../engine/index.ts';

export function frameSummary(bytes: Uint8Array): string {
  return describeFrame(bytes)
    .map((l) => l.name)
    .join(' / ');
}
