/** Simulated time for display: seconds with microsecond precision ("1.250000 s"). */
export function formatTime(ns: number): string {
  return `${(ns / 1e9).toFixed(6)} s`;
}

export function formatSpeed(s: number | 'max'): string {
  return s === 'max' ? 'As fast as possible' : `${s}×`;
}
