/**
 * Instrumentation hook for the topology benchmark page (src/ui/views/bench/). Off by default;
 * costs one null check per drawn frame.
 */
export const topologyPerf: {
  /** Called after every canvas draw with the time spent (query + draw), in ms. */
  onDraw: ((ms: number, framesInFlight: number) => void) | null;
  /** Force the canvas to rasterise before timing ends (reads back one pixel). */
  flush: boolean;
  /** Time of the last draw's phases (ms): frames-in-flight query, canvas calls, rasterisation. */
  phases: { query: number; draw: number; flush: number };
} = { onDraw: null, flush: false, phases: { query: 0, draw: 0, flush: 0 } };
