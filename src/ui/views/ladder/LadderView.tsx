/**
 * Ladder (sequence) diagram: one lane per endpoint, time flowing down, an arrow per message from
 * its send time at the origin to its arrival at the destination (slanted by the real delay).
 * Zoom/scroll in time (wheel, buttons, keyboard), follows the time cursor during playback,
 * aggregates dense windows into density bands, exports SVG and PNG.
 *
 * Thin shell: ./ladder-index.ts (incremental arrows), ./model.ts (pure window → model),
 * ./render.ts (d3 SVG renderer + export).
 */
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { useLab, useLabContext, useTrace, useTraceConsumer } from '../../lab/context.ts';
import { DROP_COLOUR, protoColour, SELECT_COLOUR } from '../../theme/palette.ts';
import { ladderIndexFor } from './ladder-index.ts';
import { protoLabel } from './labels.ts';
import { buildLadderModel, laneOrder } from './model.ts';
import type { ArrowModel, BandModel } from './model.ts';
import { arrowKey, bandKey, ladderScales, ladderSvgString, MARGIN, renderLadder } from './render.ts';
import { downloadBlob, svgToPng } from '../../components/download.ts';
import type { LadderColours } from './render.ts';
import { labelCache, useLabels } from './useLabels.ts';
import '../view-frame.css';
import './ladder.css';

/** Above this many messages in the window, everything is drawn as density bands. */
const MAX_ARROWS = 1500;
/** Time bins of this height; a bin holding more than MAX_PER_BIN messages becomes bands. */
const BAND_PX = 20;
const MAX_PER_BIN = 6;
const MODEL_INTERVAL_MS = 200;
const MIN_SPAN_NS = 1000;
/** Where the cursor sits in a new window, and where following pages the window on. */
const FOLLOW_AT = 0.75;
const FOLLOW_PAGE_AT = 0.95;
const FOLLOW_REPLACE_AT = 0.55;

/** A window of whole nanoseconds (so its span, and the model's time bins, stay exactly the same while it scrolls). */
function windowAt(t0: number, span: number): { t0: number; t1: number } {
  const s = Math.max(MIN_SPAN_NS, Math.round(span));
  const a = Math.max(0, Math.round(t0));
  return { t0: a, t1: a + s };
}

function placeAround(cursor: number, span: number, at = FOLLOW_AT): { t0: number; t1: number } {
  return windowAt(cursor - span * at, span);
}

function cssVar(el: Element | null, name: string, fallback: string): string {
  if (!el) return fallback;
  return getComputedStyle(el).getPropertyValue(name).trim() || fallback;
}

export default function LadderView() {
  const { store, engine } = useLabContext();
  const trace = useTrace();
  const topology = useLab((s) => s.topology);
  const run = useLab((s) => s.run);
  const traceVersion = useLab((s) => s.traceVersion);
  const selected = useLab((s) => s.selection.packet);
  const select = useLab((s) => s.select);
  const theme = useLab((s) => s.theme);
  const playing = useLab((s) => s.playing);

  const [showRouters, setShowRouters] = useState(false);
  const [follow, setFollow] = useState(true);
  const [win, setWin] = useState<{ t0: number; t1: number } | null>(null);
  const [focusKey, setFocusKey] = useState<string | null>(null);
  const [size, setSize] = useState({ w: 0, h: 0 });
  const [status, setStatus] = useState('');
  const stageRef = useRef<HTMLDivElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const helpId = useId();

  useEffect(() => {
    const el = stageRef.current;
    if (!el) return;
    const measure = () => setSize({ w: Math.max(1, el.clientWidth), h: Math.max(1, el.clientHeight) });
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [topology]);

  // Default span: ~20 × the sum of all link delays (a few round trips), 1 ms … 2 s.
  const defaultSpan = useMemo(() => {
    const sum = topology?.links.reduce((s, l) => s + l.delayNs, 0) ?? 0;
    return Math.min(2e9, Math.max(1e6, sum * 20));
  }, [topology]);

  // Reset the window when the run changes.
  useEffect(() => {
    setWin(null);
    setFollow(true);
  }, [run]);

  const view = win ?? placeAround(store.getState().cursorNs, defaultSpan);

  // Index and lanes (recomputed as the trace grows). New events are folded into the index in a
  // task of their own as they arrive, so the render's catch-up is small.
  useTraceConsumer(() => void (topology && ladderIndexFor(trace, topology, showRouters)));
  const ix = useMemo(() => (topology ? ladderIndexFor(trace, topology, showRouters) : null), [trace, topology, showRouters, traceVersion]);
  const endpointCount = ix?.endpoints.size ?? 0;
  const lanes = useMemo(() => (topology && ix ? laneOrder(topology, ix) : []), [topology, ix, endpointCount]);

  // While playing, new messages are picked up at most 5 times a second (the cursor line still
  // moves every frame); paused, at once.
  const [modelVersion, setModelVersion] = useState(traceVersion);
  const lastModel = useRef(0);
  useEffect(() => {
    if (traceVersion === modelVersion) return;
    const wait = playing ? MODEL_INTERVAL_MS - (performance.now() - lastModel.current) : 0;
    const apply = () => {
      lastModel.current = performance.now();
      setModelVersion(traceVersion);
    };
    if (wait <= 0) {
      apply();
      return;
    }
    const id = setTimeout(apply, wait);
    return () => clearTimeout(id);
  }, [traceVersion, modelVersion, playing]);

  // Labels load lazily for the arrows on screen; the model is rebuilt when they arrive.
  const cache = labelCache(run);
  const [labelsVersion, setLabelsVersion] = useState(0);
  const bins = Math.max(1, (size.h - MARGIN.top - MARGIN.bottom) / BAND_PX);
  const model = useMemo(
    () =>
      ix
        ? buildLadderModel(ix, lanes, {
            t0: view.t0,
            t1: view.t1,
            maxArrows: MAX_ARROWS,
            bins,
            maxPerBin: MAX_PER_BIN,
            label: (u) => cache?.get(u),
            fallbackLabel: (uid) => protoLabel(trace.packetProtoName(uid)).text,
          })
        : null,
    [ix, lanes, view.t0, view.t1, bins, cache, trace, modelVersion, labelsVersion],
  );
  const missing = useMemo(() => (model && cache ? model.arrows.filter((a) => !cache.has(a.uid)).map((a) => a.uid) : []), [model, cache]);
  const loaded = useLabels(engine, run, missing);
  useEffect(() => setLabelsVersion(loaded), [loaded]);

  const colours = useMemo<LadderColours>(() => {
    const el = stageRef.current;
    return {
      bg: cssVar(el, '--ss-panel', '#ffffff'),
      fg: cssVar(el, '--ss-fg', '#16191d'),
      muted: cssVar(el, '--ss-muted', '#5b636e'),
      border: cssVar(el, '--ss-border', '#d5d9df'),
      accent: cssVar(el, '--ss-accent', '#0072b2'),
      focus: cssVar(el, '--ss-focus', '#e69f00'),
      select: SELECT_COLOUR,
      drop: DROP_COLOUR,
      proto: (trace.protoClasses.length ? trace.protoClasses : ['other']).map(protoColour),
    };
  }, [theme, trace.protoClasses, size.w > 0]);

  const selectedOrigin = selected !== null && selected >= 0 && selected < trace.packetCount ? trace.packetOrigin(selected) : -1;

  const zoomTo = useCallback((t0: number, t1: number) => setWin(windowAt(t0, t1 - t0)), []);

  const onSelectArrow = useCallback((a: ArrowModel) => select({ packet: a.uid }), [select]);
  const onSelectBand = useCallback(
    (b: BandModel) => {
      setFollow(false);
      zoomTo(b.t0, b.t1);
    },
    [zoomTo],
  );

  useEffect(() => {
    const svg = svgRef.current;
    if (!svg || !model || size.w <= 0) return;
    // Keep the roving tab stop on an item that still exists, else the first one.
    const keys = [...model.arrows.map(arrowKey), ...model.bands.map(bandKey)];
    const focus = focusKey !== null && keys.includes(focusKey) ? focusKey : (model.arrows[0] ? arrowKey(model.arrows[0]) : model.bands[0] ? bandKey(model.bands[0]) : null);
    renderLadder({ svg, model, width: size.w, height: size.h, colours, selectedOrigin, focusKey: focus, onSelectArrow, onSelectBand, onFocusItem: setFocusKey });
  }, [model, size, colours, selectedOrigin, focusKey, onSelectArrow, onSelectBand]);

  // Follow the cursor during playback: the messages so far are above it (the engine runs up to
  // the cursor), so it sits low in the window; when it nears the bottom the window pages on.
  useEffect(() => {
    if (!follow) return;
    const check = (cursor: number) => {
      setWin((w) => {
        const cur = w ?? placeAround(cursor, defaultSpan);
        const span = cur.t1 - cur.t0;
        if (cursor >= cur.t0 && cursor <= cur.t0 + span * FOLLOW_PAGE_AT) return w ?? cur;
        return placeAround(cursor, span, FOLLOW_REPLACE_AT);
      });
    };
    check(store.getState().cursorNs);
    return store.subscribe((s, prev) => {
      if (s.cursorNs !== prev.cursorNs) check(s.cursorNs);
    });
  }, [follow, store, defaultSpan]);

  const zoom = (factor: number, around?: number) => {
    const span = view.t1 - view.t0;
    const c = around ?? (follow ? store.getState().cursorNs : (view.t0 + view.t1) / 2);
    const frac = span > 0 ? (c - view.t0) / span : 0.5;
    const next = Math.max(MIN_SPAN_NS, span * factor);
    zoomTo(c - frac * next, c - frac * next + next);
  };
  const scroll = (dt: number) => {
    setFollow(false);
    zoomTo(view.t0 + dt, view.t1 + dt);
  };
  const fitAll = () => {
    setFollow(false);
    if (model?.extent) {
      const [a, b] = model.extent;
      const pad = (b - a) * 0.03 || 1e6;
      zoomTo(a - pad, b + pad);
    }
  };

  // Wheel scrolls in time, Ctrl/⌘+wheel zooms around the pointer. A native non-passive listener,
  // so the page neither scrolls nor zooms underneath.
  const onWheel = (e: WheelEvent) => {
    if (!model) return;
    e.preventDefault();
    const sc = ladderScales(model, size.w, size.h);
    const rect = stageRef.current!.getBoundingClientRect();
    if (e.ctrlKey || e.metaKey) {
      zoom(e.deltaY > 0 ? 1.25 : 0.8, sc.t(e.clientY - rect.top));
    } else {
      const dy = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaMode === 2 ? e.deltaY * sc.plotH : e.deltaY;
      scroll(((view.t1 - view.t0) / sc.plotH) * dy);
    }
  };
  const wheelRef = useRef(onWheel);
  wheelRef.current = onWheel;
  useEffect(() => {
    const el = stageRef.current;
    if (!el) return;
    const handler = (e: WheelEvent) => wheelRef.current(e);
    el.addEventListener('wheel', handler, { passive: false });
    return () => el.removeEventListener('wheel', handler);
  }, [topology]);

  const onKeyDown = (e: KeyboardEvent) => {
    const span = view.t1 - view.t0;
    // Arrows and bands in time order.
    const items = Array.from(svgRef.current?.querySelectorAll<SVGGElement>('g.arrow, g.band') ?? []).sort((a, b) => Number(a.dataset.t) - Number(b.dataset.t));
    const idx = items.findIndex((el) => el === document.activeElement);
    const focusItem = (el: SVGGElement | undefined) => {
      if (!el) return;
      el.focus();
      setFocusKey(el.dataset.key ?? null);
    };
    switch (e.key) {
      case '+':
      case '=':
        zoom(0.5);
        break;
      case '-':
      case '_':
        zoom(2);
        break;
      case 'PageDown':
        scroll(span * 0.9);
        break;
      case 'PageUp':
        scroll(-span * 0.9);
        break;
      case 'ArrowDown':
      case 'ArrowUp': {
        if (items.length === 0) return;
        focusItem(items[Math.min(items.length - 1, Math.max(0, idx + (e.key === 'ArrowDown' ? 1 : -1)))]);
        break;
      }
      case 'Home':
      case 'End': {
        focusItem(e.key === 'Home' ? items[0] : items[items.length - 1]);
        break;
      }
      case 'Enter':
      case ' ': {
        if (idx < 0 || !model) return;
        const key = items[idx]!.dataset.key;
        const a = model.arrows.find((x) => arrowKey(x) === key);
        const b = model.bands.find((x) => bandKey(x) === key);
        if (a) onSelectArrow(a);
        else if (b) onSelectBand(b);
        break;
      }
      default:
        return;
    }
    e.preventDefault();
  };

  const exportTitle = () => `Stackscope ladder — ${run?.scenarioName ?? 'run'} ${(view.t0 / 1e9).toFixed(6)}–${(view.t1 / 1e9).toFixed(6)} s`;
  const exportName = (ext: string) => `ladder-${run?.scenarioName ?? 'run'}-${Math.round(view.t0 / 1e3)}us.${ext}`;
  const exportSvg = () => {
    if (!model) return;
    const text = ladderSvgString(model, size.w, size.h, colours, exportTitle());
    downloadBlob(new Blob([text], { type: 'image/svg+xml' }), exportName('svg'));
    setStatus('SVG exported.');
  };
  const exportPng = async () => {
    if (!model) return;
    try {
      const text = ladderSvgString(model, size.w, size.h, colours, exportTitle());
      downloadBlob(await svgToPng(text, size.w, size.h, 2), exportName('png'));
      setStatus('PNG exported.');
    } catch (err) {
      setStatus(`PNG export failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  if (!topology) {
    return (
      <div className="ss-view-frame ss-view-frame-empty ss-ladder">
        <p>No scenario loaded.</p>
      </div>
    );
  }

  const count = model?.visibleCount ?? 0;
  return (
    <div className="ss-view-frame ss-ladder">
      <div className="ss-view-frame-toolbar ss-ladder-toolbar" role="toolbar" aria-label="Ladder diagram controls">
        <button type="button" onClick={() => zoom(0.5)} aria-label="Zoom in (+)">
          +
        </button>
        <button type="button" onClick={() => zoom(2)} aria-label="Zoom out (−)">
          −
        </button>
        <button type="button" onClick={fitAll} disabled={!model?.extent}>
          Fit all
        </button>
        <button type="button" aria-pressed={follow} onClick={() => setFollow((f) => !f)}>
          Follow cursor
        </button>
        <label className="ss-ladder-check">
          <input type="checkbox" checked={showRouters} onChange={(e) => setShowRouters(e.target.checked)} />
          Routers as lanes
        </label>
        <span className="ss-ladder-status">
          {`${count.toLocaleString()} ${count === 1 ? 'message' : 'messages'}`}
          {model?.aggregated ? ' · dense parts as bands (click one to zoom in)' : ''}
        </span>
        <button type="button" onClick={exportSvg} disabled={!model}>
          Export SVG
        </button>
        <button type="button" onClick={() => void exportPng()} disabled={!model}>
          Export PNG
        </button>
      </div>
      <p id={helpId} className="ss-ladder-help">
        Time flows down. Wheel scrolls, Ctrl+wheel or +/− zooms, PageUp/PageDown scroll; arrow keys move between messages, Enter selects.
      </p>
      <div className="ss-ladder-stage" ref={stageRef} onKeyDown={onKeyDown} data-own-keys="">
        <svg ref={svgRef} className="ss-ladder-svg" role="group" aria-label="Ladder diagram" aria-describedby={helpId} />
        {model && <CursorLine t0={view.t0} t1={view.t1} height={size.h} />}
      </div>
      <p className="ss-ladder-live" role="status">
        {status}
      </p>
    </div>
  );
}

/** The time cursor: its own component so only it re-renders every animation frame. */
function CursorLine(props: { t0: number; t1: number; height: number }) {
  const cursor = useLab((s) => s.cursorNs);
  const plotH = props.height - MARGIN.top - MARGIN.bottom;
  const span = props.t1 - props.t0 || 1;
  const y = MARGIN.top + ((cursor - props.t0) / span) * plotH;
  if (y < MARGIN.top - 1 || y > props.height - MARGIN.bottom + 1) return null;
  return (
    <div className="ss-ladder-cursor" style={{ transform: `translateY(${y}px)`, left: MARGIN.left - 6 }} aria-hidden="true">
      <span>{(cursor / 1e9).toFixed(6)} s</span>
    </div>
  );
}
