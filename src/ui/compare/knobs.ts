/**
 * "One knob changed": derive run B's scenario from run A's by changing one thing, so the
 * difference between two side-by-side runs has one cause. Link knobs act on the bottleneck
 * (the slowest link; on a tie, the longest delay), where a change matters most.
 */
export type Knob = 'seed' | 'cc' | 'loss' | 'qdisc' | 'bandwidth' | 'delay' | 'queue';

export const KNOBS: readonly { knob: Knob; label: string; placeholder: string }[] = [
  { knob: 'cc', label: 'TCP congestion control', placeholder: 'reno | cubic | bbr' },
  { knob: 'loss', label: 'Bottleneck loss', placeholder: '0.01' },
  { knob: 'qdisc', label: 'Bottleneck queue discipline', placeholder: 'droptail | codel | fq_codel' },
  { knob: 'bandwidth', label: 'Bottleneck bandwidth', placeholder: '10Mbit' },
  { knob: 'delay', label: 'Bottleneck delay', placeholder: '25ms' },
  { knob: 'queue', label: 'Bottleneck queue (packets)', placeholder: '100' },
  { knob: 'seed', label: 'Seed', placeholder: '2' },
];

interface LinkLike {
  a: string;
  b: string;
  bandwidth?: string | number;
  delay?: string | number;
  [k: string]: unknown;
}
interface ScenarioLike {
  nodes: { kind: string; tcp?: Record<string, unknown>; [k: string]: unknown }[];
  links: LinkLike[];
  [k: string]: unknown;
}

const RATE_UNITS: Record<string, number> = { '': 1, bit: 1, kbit: 1e3, mbit: 1e6, gbit: 1e9, bps: 1, kbps: 1e3, mbps: 1e6, gbps: 1e9 };
const TIME_UNITS: Record<string, number> = { '': 1, ns: 1, us: 1e3, ms: 1e6, s: 1e9 };

function num(v: string | number | undefined, units: Record<string, number>, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v === 'number') return v;
  const m = /^\s*([\d.]+)\s*([a-zA-Z]*)\s*$/.exec(v);
  const f = m ? units[m[2]!.toLowerCase()] : undefined;
  return m && f !== undefined ? Number(m[1]) * f : dflt;
}

/** Index of the bottleneck link: lowest bandwidth, then longest delay. */
export function bottleneck(s: ScenarioLike): number {
  let best = -1;
  let bestBw = Infinity;
  let bestDelay = -1;
  s.links.forEach((l, i) => {
    const bw = num(l.bandwidth, RATE_UNITS, 1e9);
    const d = num(l.delay, TIME_UNITS, 100e3);
    if (bw < bestBw || (bw === bestBw && d > bestDelay)) {
      best = i;
      bestBw = bw;
      bestDelay = d;
    }
  });
  return best;
}

/** Run B's scenario and seed. Throws with a readable message for a value that cannot apply. */
export function applyKnob(s: ScenarioLike, seed: number, knob: Knob, value: string): { scenario: ScenarioLike; seed: number } {
  const v = value.trim();
  if (!v) throw new Error('give run B a value for the knob');
  if (knob === 'seed') {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error('a seed is a whole number from 0 to 4294967295');
    return { scenario: s, seed: n };
  }
  if (knob === 'cc') {
    if (!['reno', 'cubic', 'bbr'].includes(v)) throw new Error('congestion control is reno, cubic or bbr');
    return { scenario: { ...s, nodes: s.nodes.map((n) => (n.kind === 'switch' ? n : { ...n, tcp: { ...(n.tcp ?? {}), cc: v } })) }, seed };
  }
  const i = bottleneck(s);
  if (i < 0) throw new Error('this scenario has no links');
  let val: string | number = v;
  if (knob === 'loss' || knob === 'queue') {
    val = Number(v);
    if (!Number.isFinite(val) || val < 0) throw new Error(`${knob} must be a non-negative number`);
  }
  if (knob === 'qdisc' && !['droptail', 'codel', 'fq_codel'].includes(v)) throw new Error('queue discipline is droptail, codel or fq_codel');
  return { scenario: { ...s, links: s.links.map((l, k) => (k === i ? { ...l, [knob]: val } : l)) }, seed };
}
