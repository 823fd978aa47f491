/**
 * JSON-lines trace dump: one object per event, with the kind's argument names, node and
 * interface names resolved. Stable field order, so dumps diff cleanly.
 */
import type { World } from '../net/world.ts';
import { KIND_ID, TRACE_KINDS } from './kinds.ts';
import type { TraceKindInfo } from './kinds.ts';

export function eventToJson(world: World, index: number): string {
  const e = world.trace.events.get(index);
  const info: TraceKindInfo = TRACE_KINDS[KIND_ID[e.kind]]!;
  const o: Record<string, unknown> = { t_ns: e.t, event: e.kind };
  if (e.node >= 0) o.node = world.nodes[e.node]?.name;
  if (e.iface >= 0) o.iface = world.ifaces[e.iface]?.name;
  if (e.pkt >= 0) o.packet = e.pkt;
  const [an, bn] = info.args ?? [];
  if (an) o[an] = e.a;
  if (bn) o[bn] = e.b;
  if (e.text !== undefined) o[info.text ?? 'text'] = e.text;
  return JSON.stringify(o);
}

export function traceToJsonLines(world: World, from = 0, to = world.trace.events.length): string {
  const lines: string[] = [];
  for (let i = from; i < to; i++) lines.push(eventToJson(world, i));
  return lines.length ? lines.join('\n') + '\n' : '';
}
