/**
 * Charts: for a TCP flow, cwnd/ssthresh (with retransmissions), RTT, bytes in flight and
 * throughput; for a link, queue length per direction (with drops). All follow the time cursor
 * (history drawn, the future hidden or faded); clicking a chart or using the arrow keys on it
 * moves the cursor. Lazy-loaded: d3 is imported only in this folder.
 */
import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent, MouseEvent } from 'react';
import type { Topology } from '../../../engine/index.ts';
import { useLab, useTrace, useTraceConsumer } from '../../lab/context.ts';
import { ConnectionList, peerConnection } from '../events/flows.ts';
import { formatDuration, formatTime } from '../events/format.ts';
import { FlowExtractor, LinkActivity, LinkExtractor } from './series.ts';
import type { CursorSummary } from './model.ts';
import { chartModel, cursorSummary, domainEnd, formatSi, timeAtX } from './model.ts';
import type { ChartSpec, WindowUnits } from './specs.ts';
import { cwndChart, inflightChart, queueChart, rttChart, throughputChart } from './specs.ts';
import type { ChartColours, ChartHandle } from './render.ts';
import { MARGIN, createChart } from './render.ts';
import { cancelTask, scheduleTask } from '../../lab/tasks.ts';
import { exportPng, exportSvg } from './export.ts';
import './charts.css';

const CHART_HEIGHT = 190;

function cssVar(el: Element | null, name: string, fallback: string): string {
  if (!el) return fallback;
  const v = getComputedStyle(el).getPropertyValue(name).trim();
  return v || fallback;
}

function directionNamer(topology: Topology | null): (iface: number, node: number) => string {
  return (iface, node) => {
    const n = topology?.nodes.find((x) => x.id === node);
    const i = n?.ifaces.find((x) => x.id === iface);
    const link = i && i.link >= 0 ? topology?.links.find((l) => l.id === i.link) : undefined;
    const far = link ? (link.a.iface === iface ? link.b.node : link.a.node) : -1;
    const farName = topology?.nodes.find((x) => x.id === far)?.name;
    return `${n?.name ?? `node ${node}`}${i ? `:${i.name}` : ''}${farName ? ` → ${farName}` : ''}`;
  };
}

export default function ChartsView() {
  const trace = useTrace();
  const traceVersion = useLab((s) => s.traceVersion);
  const run = useLab((s) => s.run);
  const topology = useLab((s) => s.topology);
  const theme = useLab((s) => s.theme);
  const cursorNs = useLab((s) => s.cursorNs);
  const headNs = useLab((s) => s.headNs);
  const cursorEvents = useLab((s) => s.cursorEvents);
  const selFlow = useLab((s) => s.selection.flow);
  const selLink = useLab((s) => s.selection.link);
  const select = useLab((s) => s.select);
  const seekTime = useLab((s) => s.seekTime);
  const [units, setUnits] = useState<WindowUnits>('bytes');
  const [showFuture, setShowFuture] = useState(false);
  const baseId = useId();

  // Incremental scanners, one set per run (`run` changes when the buffer is reset).
  const scanners = useMemo(() => ({ conns: new ConnectionList(trace), links: new LinkActivity(trace), run }), [trace, run]);
  const conns = useMemo(() => {
    void traceVersion;
    scanners.links.update();
    return scanners.conns.update();
  }, [scanners, traceVersion]);

  const flow = selFlow ?? scanners.conns.busiest()?.name ?? null;
  const peer = flow ? peerConnection(flow, conns.map((c) => c.name)) : null;
  const link = selLink ?? scanners.links.busiest() ?? bottleneck(topology);

  const flowEx = useMemo(() => (flow ? new FlowExtractor(trace, flow, peer) : null), [trace, flow, peer, scanners]);
  const linkEx = useMemo(() => (link !== null ? new LinkExtractor(trace, link) : null), [trace, link, scanners]);
  // New events are folded into the scanners in a task of their own as they arrive, so a trace
  // notice's render has little left to scan.
  useTraceConsumer(() => {
    scanners.links.update();
    scanners.conns.update();
    flowEx?.update();
    linkEx?.update();
  });
  const fs = useMemo(() => {
    void traceVersion;
    return flowEx?.update() ?? null;
  }, [flowEx, traceVersion]);
  const ls = useMemo(() => {
    void traceVersion;
    return linkEx?.update() ?? null;
  }, [linkEx, traceVersion]);

  const specs = useMemo(() => {
    void traceVersion;
    const out: ChartSpec[] = [];
    if (fs) out.push(cwndChart(fs, units), rttChart(fs), inflightChart(fs, units), throughputChart(fs, trace));
    if (ls) {
      const limit = topology?.links.find((l) => l.id === ls.link)?.queueLimit ?? null;
      out.push(queueChart(ls, directionNamer(topology), limit));
    }
    return out;
  }, [fs, ls, units, trace, topology, traceVersion]);

  // One shared time axis, so the cursor lines up across charts.
  const lastNs = trace.length ? trace.timeAt(trace.length - 1) : 0;
  const flowInfo = conns.find((c) => c.name === flow);
  const linkFirst = ls?.directions.reduce((m, d) => Math.min(m, d.length.firstT), Infinity) ?? Infinity;
  let t0 = Math.min(flowInfo?.firstNs ?? Infinity, linkFirst);
  if (!Number.isFinite(t0)) t0 = 0;
  const t1 = domainEnd(t0, Math.max(lastNs, headNs, cursorNs));
  const domain = useMemo(() => [t0, t1] as const, [t0, t1]);

  // Width of the plots.
  const rootRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(640);
  useLayoutEffect(() => {
    const el = rootRef.current;
    if (!el) return;
    const measure = (): void => setWidth(Math.max(260, Math.floor(el.clientWidth - 16)));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [run]);

  // Colours come from the lab's CSS custom properties; re-read them when the theme changes
  // (the app applies it to the document after this view's effects run, hence the observer).
  const [colours, setColours] = useState<ChartColours | null>(null);
  useLayoutEffect(() => {
    const el = rootRef.current;
    const resolve = (): void => {
      const next: ChartColours = {
        fg: cssVar(el, '--ss-fg', '#1b1b1b'),
        muted: cssVar(el, '--ss-muted', '#5c5c5c'),
        border: cssVar(el, '--ss-border', '#c8c8c8'),
        bg: cssVar(el, '--ss-panel', '#ffffff'),
        cursor: cssVar(el, '--ss-accent', '#0072b2'),
      };
      setColours((prev) => (prev && JSON.stringify(prev) === JSON.stringify(next) ? prev : next));
    };
    resolve();
    const raf = requestAnimationFrame(resolve);
    const mo = new MutationObserver(resolve);
    mo.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme', 'class', 'style'] });
    const mq = window.matchMedia?.('(prefers-color-scheme: dark)');
    mq?.addEventListener('change', resolve);
    return () => {
      cancelAnimationFrame(raf);
      mo.disconnect();
      mq?.removeEventListener('change', resolve);
    };
  }, [theme, run]);

  if (!run) {
    return (
      <div className="ss-charts" ref={rootRef}>
        <p className="ss-charts-empty">No run loaded.</p>
      </div>
    );
  }

  const seek = (t: number): void => {
    const clamped = Math.max(0, Math.min(t, lastNs));
    seekTime(clamped, trace.upperBound(clamped));
  };

  return (
    <div className="ss-charts" ref={rootRef}>
      <div className="ss-charts-toolbar" role="toolbar" aria-label="Chart options">
        <label className="ss-charts-field">
          <span>TCP flow</span>
          <select value={flow ?? ''} onChange={(e) => select({ flow: e.target.value || null })} disabled={conns.length === 0}>
            {conns.length === 0 && <option value="">No TCP connections yet</option>}
            {conns.map((c) => (
              <option key={c.name} value={c.name}>
                {c.name} ({topology?.nodes.find((n) => n.id === c.node)?.name ?? `node ${c.node}`})
              </option>
            ))}
          </select>
        </label>
        <label className="ss-charts-field">
          <span>Link</span>
          <select value={link ?? ''} onChange={(e) => select({ link: e.target.value === '' ? null : Number(e.target.value) })}>
            {(topology?.links ?? []).map((l) => (
              <option key={l.id} value={l.id}>
                {l.name}
              </option>
            ))}
          </select>
        </label>
        <fieldset className="ss-charts-units">
          <legend>Window units</legend>
          {(['bytes', 'packets'] as const).map((u) => (
            <label key={u}>
              <input type="radio" name={`${baseId}-units`} value={u} checked={units === u} onChange={() => setUnits(u)} />
              {u}
            </label>
          ))}
        </fieldset>
        <label className="ss-charts-check">
          <input type="checkbox" checked={showFuture} onChange={(e) => setShowFuture(e.target.checked)} />
          <span>Show the future faded</span>
        </label>
      </div>
      {flow && peer === null && fs && fs.received.length === 0 && (
        <p className="ss-charts-note">The far end of {flow} is not in the trace: throughput shows the send rate.</p>
      )}
      {specs.length === 0 && <p className="ss-charts-empty">No TCP flow or link queue to chart yet.</p>}
      <div className="ss-charts-list">
        {colours &&
          specs.map((spec) => (
            <ChartPanel
              key={spec.id}
              spec={spec}
              domain={domain}
              cursorNs={cursorNs}
              cursorEvents={cursorEvents}
              showFuture={showFuture}
              width={width}
              colours={colours}
              traceVersion={traceVersion}
              onSeek={seek}
              fileStem={`${run.scenarioName}-${spec.id}`}
            />
          ))}
      </div>
    </div>
  );
}

function bottleneck(topology: Topology | null): number | null {
  const links = topology?.links ?? [];
  if (!links.length) return null;
  return links.reduce((a, b) => (b.bandwidthBps < a.bandwidthBps ? b : a)).id;
}

interface PanelProps {
  spec: ChartSpec;
  domain: readonly [number, number];
  cursorNs: number;
  cursorEvents: number;
  showFuture: boolean;
  width: number;
  colours: ChartColours;
  traceVersion: number;
  onSeek: (t: number) => void;
  fileStem: string;
}

function summarise(spec: ChartSpec, sum: CursorSummary, cursorNs: number): string {
  const parts = sum.latest.map((l) => {
    if (!Number.isFinite(l.value)) return `${l.label}: none yet`;
    if (spec.yLabel === 'ms') return `${l.label} ${formatDuration(l.value * 1e6)}`;
    return `${l.label} ${formatSi(l.value)} ${spec.yLabel}`;
  });
  for (const c of sum.counts) if (c.count) parts.push(`${c.label}: ${c.count}`);
  if (spec.limit) parts.push(spec.limit.label);
  return `At ${formatTime(cursorNs)} s: ${parts.join('; ')}.`;
}

function ChartPanel({ spec, domain, cursorNs, cursorEvents, showFuture, width, colours, traceVersion, onSeek, fileStem }: PanelProps) {
  const svgRef = useRef<SVGSVGElement>(null);
  const handle = useRef<ChartHandle | null>(null);
  const summaryId = useId();
  const [exportError, setExportError] = useState<string | null>(null);

  const plotW = Math.max(10, width - MARGIN.left - MARGIN.right);
  const cursorRef = useRef({ cursorNs, showFuture });
  cursorRef.current = { cursorNs, showFuture };
  useLayoutEffect(() => {
    if (svgRef.current) handle.current = createChart(svgRef.current);
  }, []);
  // The drawn model does not depend on the cursor: it changes when the data, domain or size do.
  // Building it and bringing the SVG up to date is one job in a task of its own, outside React's
  // render (lab/tasks.ts), so charts updating together never hold the main thread as one task.
  useEffect(() => {
    void traceVersion;
    const key = handle;
    scheduleTask(key, () => {
      const model = chartModel({ series: spec.series, markers: spec.markers, limit: spec.limit, domain, width: plotW });
      const c = cursorRef.current;
      handle.current?.update({ width, height: CHART_HEIGHT, model, title: spec.title, yLabel: spec.yLabel, colours, cursorNs: c.cursorNs, showFuture: c.showFuture });
    });
    return () => cancelTask(key);
  }, [spec, domain, plotW, width, colours, traceVersion]);
  const sum = useMemo(() => cursorSummary(spec.series, spec.markers, cursorEvents), [spec, cursorEvents]);
  const empty = spec.series.every((s) => s.data.length === 0);

  // Moving the cursor only moves the veil over the future and the cursor line.
  useEffect(() => {
    handle.current?.setCursor(cursorNs, showFuture);
  }, [cursorNs, showFuture]);

  const onClick = (e: MouseEvent<SVGSVGElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    const x = e.clientX - rect.left - MARGIN.left;
    if (x < 0 || x > plotW) return;
    onSeek(timeAtX(x, plotW, domain));
  };

  const onKey = (e: KeyboardEvent<SVGSVGElement>) => {
    const span = domain[1] - domain[0];
    const step = e.shiftKey ? span / 10 : span / 100;
    let t: number | null = null;
    if (e.key === 'ArrowRight') t = cursorNs + step;
    else if (e.key === 'ArrowLeft') t = cursorNs - step;
    else if (e.key === 'Home') t = domain[0];
    else if (e.key === 'End') t = domain[1];
    if (t === null) return;
    e.preventDefault();
    onSeek(Math.max(domain[0], Math.min(domain[1], t)));
  };

  const doExport = async (kind: 'svg' | 'png') => {
    const svg = svgRef.current;
    if (!svg) return;
    setExportError(null);
    try {
      if (kind === 'svg') exportSvg(svg, `${fileStem}.svg`);
      else await exportPng(svg, `${fileStem}.png`);
    } catch (err) {
      setExportError(err instanceof Error ? err.message : String(err));
    }
  };

  const summary = summarise(spec, sum, cursorNs);

  return (
    <figure className="ss-charts-panel">
      <div className="ss-charts-panel-head">
        <figcaption className="ss-charts-caption">{spec.title}</figcaption>
        <div className="ss-charts-actions">
          <button type="button" className="ss-charts-button" onClick={() => void doExport('svg')} aria-label={`Export ${spec.label} as SVG`}>
            SVG
          </button>
          <button type="button" className="ss-charts-button" onClick={() => void doExport('png')} aria-label={`Export ${spec.label} as PNG`}>
            PNG
          </button>
        </div>
      </div>
      <svg
        ref={svgRef}
        className="ss-charts-svg"
        role="img"
        aria-label={spec.label}
        aria-describedby={summaryId}
        tabIndex={0}
        width={width}
        height={CHART_HEIGHT}
        aria-keyshortcuts="ArrowLeft ArrowRight Home End"
        onClick={onClick}
        onKeyDown={onKey}
      >
      </svg>
      <p id={summaryId} className="ss-charts-summary">
        {empty ? 'No data yet.' : summary}
        <span className="ss-charts-hint"> Click the chart, or focus it and use the arrow keys, to move the time cursor.</span>
      </p>
      {exportError && (
        <p className="ss-charts-note" role="alert">
          Export failed: {exportError}
        </p>
      )}
    </figure>
  );
}
