/**
 * Human units in scenarios: durations ("10ms", "1.5s", "250us", "2m") → integer ns;
 * rates ("100Mbit", "1Gbit", "56kbit", "1e6") → bits per second. Return undefined on bad text.
 */
const DURATION: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, min: 60e9, h: 3600e9 };
const RATE: Record<string, number> = { bit: 1, bps: 1, kbit: 1e3, kbps: 1e3, mbit: 1e6, mbps: 1e6, gbit: 1e9, gbps: 1e9 };

export function parseDuration(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) && text >= 0 ? Math.round(text) : undefined;
  const m = /^\s*([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*(ns|us|µs|ms|s|m|min|h)\s*$/i.exec(text);
  if (!m) return undefined;
  const unit = DURATION[m[2]!.toLowerCase()];
  return unit === undefined ? undefined : Math.round(Number(m[1]) * unit);
}

export function parseRate(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) && text > 0 ? text : undefined;
  const m = /^\s*([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*([kmg]?(?:bit|bps))?\s*$/i.exec(text);
  if (!m) return undefined;
  const unit = RATE[(m[2] ?? 'bit').toLowerCase()];
  const v = Number(m[1]) * (unit ?? NaN);
  return v > 0 ? v : undefined;
}

export function formatDuration(ns: number): string {
  if (ns % 1e9 === 0) return `${ns / 1e9}s`;
  if (ns % 1e6 === 0) return `${ns / 1e6}ms`;
  if (ns % 1e3 === 0) return `${ns / 1e3}us`;
  return `${ns}ns`;
}
