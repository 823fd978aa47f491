/**
 * Small formatting helpers shared by the topology, ladder and layers views (pure).
 */

/** "1 Gbit/s", "100 Mbit/s", "2.5 Gbit/s". */
export function formatBandwidth(bps: number): string {
  if (!Number.isFinite(bps) || bps <= 0) return '∞';
  const units: [number, string][] = [
    [1e12, 'Tbit/s'],
    [1e9, 'Gbit/s'],
    [1e6, 'Mbit/s'],
    [1e3, 'kbit/s'],
  ];
  for (const [scale, unit] of units) if (bps >= scale) return `${trim(bps / scale)} ${unit}`;
  return `${trim(bps)} bit/s`;
}

/** A duration in ns as "50 µs", "10 ms", "1.5 s", "120 ns". */
export function formatDuration(ns: number): string {
  const a = Math.abs(ns);
  if (a >= 1e9) return `${trim(ns / 1e9)} s`;
  if (a >= 1e6) return `${trim(ns / 1e6)} ms`;
  if (a >= 1e3) return `${trim(ns / 1e3)} µs`;
  return `${trim(ns)} ns`;
}

/** Simulated time as seconds with enough digits for the scale ("1.000250 s"). */
export function formatSeconds(ns: number, digits = 6): string {
  return `${(ns / 1e9).toFixed(digits)} s`;
}

function trim(v: number): string {
  const s = v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** The address shown under a node: its first global IPv4, else global IPv6, else nothing. */
export function firstAddress(addresses: readonly string[]): string | null {
  const v4 = addresses.find((a) => !a.includes(':'));
  if (v4) return v4;
  const v6 = addresses.find((a) => !a.toLowerCase().startsWith('fe80:'));
  return v6 ?? null;
}
