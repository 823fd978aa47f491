/**
 * Topology view benchmark page (a Vite entry: src/ui/views/bench/topology-bench.html).
 *
 * Mounts the real TopologyView on a synthetic run with N frames in flight (default 5,000),
 * advances the time cursor once per animation frame (as the transport bar does during playback)
 * and records, per drawn frame, the time the view spends querying frames in flight and drawing
 * them (with the canvas forced to rasterise), plus the requestAnimationFrame intervals.
 * Results go to window.__benchResult and the page. URL parameters: frames, warmup, inflight.
 */
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { LabContext } from '../../lab/context.ts';
import type { Lab } from '../../lab/context.ts';
import { createLabStore } from '../../lab/store.ts';
import TopologyView from '../topology/TopologyView.tsx';
import { topologyPerf } from '../topology/perf.ts';
import { syntheticRun } from './synthetic.ts';

export interface Stats {
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
  readonly mean: number;
}

export interface BenchResult {
  readonly frames: number;
  readonly canvas: string;
  readonly devicePixelRatio: number;
  /** Frames in flight per drawn frame. */
  readonly inFlight: { readonly min: number; readonly max: number; readonly mean: number };
  /** Per drawn frame: frames-in-flight query + canvas draw + rasterisation, ms. */
  readonly drawMs: Stats;
  /** The same split into phases. */
  readonly phasesMs: { readonly query: Stats; readonly draw: Stats; readonly flush: Stats };
  /** Interval between animation frames, ms (vsync-bound: ~16.7 when every frame makes it). */
  readonly frameIntervalMs: Stats;
  readonly buildMs: number;
  readonly events: number;
}

declare global {
  interface Window {
    __benchResult?: BenchResult | { error: string };
  }
}

function stats(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] ?? 0;
  const r = (v: number) => Math.round(v * 1000) / 1000;
  return { p50: r(q(0.5)), p95: r(q(0.95)), max: r(s[s.length - 1] ?? 0), mean: r(s.reduce((a, b) => a + b, 0) / Math.max(1, s.length)) };
}

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const frames = Number(params.get('frames') ?? 300);
  const warmup = Number(params.get('warmup') ?? 30);
  const target = Number(params.get('inflight') ?? 5000);
  const out = document.getElementById('result')!;
  const stage = document.getElementById('stage')!;

  const t0 = performance.now();
  const run = syntheticRun({ inFlight: target, durationNs: 80e6 });
  const buildMs = performance.now() - t0;
  const store = createLabStore({ status: 'ready', topology: run.topology, traceVersion: run.trace.version, cursorNs: run.steadyFromNs, playing: true, speed: 0.001 });
  store.getState().select({ packet: run.selectUid });
  const lab: Lab = { store, trace: run.trace, engine: null };
  createRoot(stage).render(createElement(LabContext.Provider, { value: lab }, createElement(TopologyView)));

  const draws: number[] = [];
  const counts: number[] = [];
  const intervals: number[] = [];
  const phases: { query: number[]; draw: number[]; flush: number[] } = { query: [], draw: [], flush: [] };
  let measuring = false;
  topologyPerf.flush = true;
  topologyPerf.onDraw = (ms, n) => {
    if (!measuring) return;
    draws.push(ms);
    counts.push(n);
    phases.query.push(topologyPerf.phases.query);
    phases.draw.push(topologyPerf.phases.draw);
    phases.flush.push(topologyPerf.phases.flush);
  };

  // Let React mount and the first draw happen.
  await new Promise((r) => setTimeout(r, 300));

  const span = run.steadyToNs - run.steadyFromNs;
  const step = span / (frames + warmup + 10);
  let i = 0;
  let last = 0;
  await new Promise<void>((resolve) => {
    const tick = (now: number) => {
      if (i === warmup) measuring = true;
      if (measuring && last > 0) intervals.push(now - last);
      last = now;
      // As the transport does: the cursor's time and the number of events applied at it (the
      // view draws what happened up to that event).
      const t = run.steadyFromNs + i * step;
      store.getState().seekTime(t, run.trace.upperBound(t));
      i++;
      if (draws.length >= frames) resolve();
      else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  topologyPerf.onDraw = null;

  // A benchmark of an empty canvas would look very fast: refuse to report one.
  if (Math.max(...counts) < target * 0.9) throw new Error(`only ${Math.max(...counts)} of ${target} frames in flight were drawn: the benchmark is not measuring what it says`);
  const canvas = stage.querySelector('canvas');
  const result: BenchResult = {
    frames: draws.length,
    canvas: canvas ? `${canvas.width}x${canvas.height}` : 'none',
    devicePixelRatio: window.devicePixelRatio,
    inFlight: { min: Math.min(...counts), max: Math.max(...counts), mean: Math.round(counts.reduce((a, b) => a + b, 0) / counts.length) },
    drawMs: stats(draws),
    phasesMs: { query: stats(phases.query), draw: stats(phases.draw), flush: stats(phases.flush) },
    frameIntervalMs: stats(intervals),
    buildMs: Math.round(buildMs),
    events: run.trace.length,
  };
  window.__benchResult = result;
  out.textContent = JSON.stringify(result, null, 2);
}

main().catch((e: unknown) => {
  window.__benchResult = { error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) };
  document.getElementById('result')!.textContent = String(e);
});
