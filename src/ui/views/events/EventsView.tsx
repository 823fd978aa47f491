/**
 * Event list: every trace event up to the time cursor (optionally the future greyed), virtualised
 * with fixed-height rows so a million events scroll smoothly, with filters (node, layer, kind,
 * text, selected packet/flow). Selecting a row selects its event and packet; Enter moves the time
 * cursor to it. The list follows the cursor during playback until the user scrolls away.
 *
 * Doubles as an accessible transcript: an ARIA grid with row indices, and a polite live region
 * announcing the newest event during playback at most once per second.
 */
import { useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent, ReactElement, UIEvent } from 'react';
import { useLab, useTrace } from '../../lab/context.ts';
import { EventFormatter, kindLayer, layersOf, nodeNames } from './format.ts';
import { EventIndex } from './filter.ts';
import type { EventFilter, EventScope } from './filter.ts';
import { isRowVisible, rowTop, scrollTopFor, virtualWindow } from './virtual.ts';
import './events.css';

const ROW_H = 22;
/** Events scanned per slice while filtering (slices run until ~8 ms of a frame are used). */
const SLICE = 20_000;
const ANNOUNCE_MS = 1000;

export default function EventsView() {
  const trace = useTrace();
  const traceVersion = useLab((s) => s.traceVersion);
  const run = useLab((s) => s.run);
  const topology = useLab((s) => s.topology);
  const cursorEvents = useLab((s) => s.cursorEvents);
  const playing = useLab((s) => s.playing);
  const selection = useLab((s) => s.selection);
  const select = useLab((s) => s.select);
  const seekTime = useLab((s) => s.seekTime);
  const baseId = useId();

  // ---- filters -------------------------------------------------------------------------
  const [node, setNode] = useState<number | null>(null);
  const [layer, setLayer] = useState<string | null>(null);
  const [kind, setKind] = useState<number | null>(null);
  const [textInput, setTextInput] = useState('');
  const [text, setText] = useState('');
  const [scope, setScope] = useState<EventScope>('all');
  const [showFuture, setShowFuture] = useState(false);
  const [follow, setFollow] = useState(true);

  useEffect(() => {
    const t = setTimeout(() => setText(textInput), 200);
    return () => clearTimeout(t);
  }, [textInput]);

  const kinds = trace.kinds;
  const layers = useMemo(() => layersOf(kinds), [kinds]);
  const fmt = useMemo(() => new EventFormatter(kinds, nodeNames(topology)), [kinds, topology]);

  // Packet scope keys on the packet's origin, so selecting another hop of the same packet
  // (e.g. by clicking a row of this list) does not rescan.
  const packetOrigin = selection.packet !== null && selection.packet < trace.packetCount ? trace.packetOrigin(selection.packet) : selection.packet;
  const filter: EventFilter = useMemo(
    () => ({ node, layer, kind, text, scope, packet: scope === 'packet' ? packetOrigin : null, flow: scope === 'flow' ? selection.flow : null }),
    [node, layer, kind, text, scope, packetOrigin, selection.flow],
  );
  // `run` is a dependency on purpose: a new run resets the same buffer.
  const index = useMemo(() => new EventIndex(trace, filter, fmt), [trace, filter, fmt, run]);

  // Scan the trace in slices (a text search over a million events spans a few frames).
  const [, setTick] = useState(0);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let cancelled = false;
    let shown = performance.now();
    const step = (): void => {
      const t0 = performance.now();
      let done = index.done;
      while (!done && performance.now() - t0 < 12) done = index.advance(SLICE);
      // Re-render when done, and every ~150 ms while a long scan runs (progress, first rows).
      if (done || t0 - shown > 150) {
        shown = t0;
        setTick((x) => x + 1);
      }
      if (!done && !cancelled) timer = setTimeout(step, 0);
    };
    step();
    return () => {
      cancelled = true;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [index, traceVersion]);

  // ---- rows ----------------------------------------------------------------------------
  const pastCount = index.countBefore(cursorEvents);
  const total = showFuture ? index.count : pastCount;
  const selPos = selection.event !== null ? index.positionOf(selection.event) : -1;
  const selRow = selPos >= 0 && selPos < total ? selPos : -1;
  const curPos = cursorEvents > 0 ? index.positionAtOrBefore(cursorEvents - 1) : -1;

  // The grid is the scroll container (so it is focusable and scrollable by keyboard); its
  // header row is sticky, and the rows' viewport is the grid's height minus the header's.
  const gridRef = useRef<HTMLDivElement>(null);
  const headRef = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewportH, setViewportH] = useState(400);
  const programmaticTop = useRef<number | null>(null);

  const hasRun = run !== null;
  useLayoutEffect(() => {
    const el = gridRef.current;
    if (!el) return;
    const measure = (): void => setViewportH(Math.max(ROW_H, (el.clientHeight || 400) - (headRef.current?.offsetHeight ?? ROW_H)));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [hasRun]);

  const scrollTo = useCallback((top: number) => {
    const el = gridRef.current;
    if (!el || Math.abs(el.scrollTop - top) < 1) return;
    programmaticTop.current = top;
    el.scrollTop = top;
    setScrollTop(el.scrollTop);
  }, []);

  // Follow the cursor: keep its row in view as it moves (playback, seeking).
  useLayoutEffect(() => {
    const el = gridRef.current;
    if (!follow || !el || curPos < 0) return;
    scrollTo(scrollTopFor(curPos, el.scrollTop, viewportH, total, ROW_H, 'nearest'));
  }, [follow, curPos, total, viewportH, scrollTo]);

  const onScroll = (e: UIEvent<HTMLDivElement>) => {
    const st = e.currentTarget.scrollTop;
    const mine = programmaticTop.current !== null && Math.abs(st - programmaticTop.current) < 2;
    programmaticTop.current = null;
    // The user scrolled the cursor's row out of view: stop following until they ask again.
    if (!mine && follow && curPos >= 0 && !isRowVisible(st, viewportH, total, ROW_H, curPos)) setFollow(false);
    setScrollTop(st);
  };

  const win = virtualWindow(scrollTop, viewportH, total, ROW_H);

  const selectRow = useCallback(
    (k: number) => {
      if (k < 0 || k >= total) return;
      const i = index.at(k);
      const pkt = trace.pktAt(i);
      select({ event: i, packet: pkt >= 0 ? pkt : null });
      const el = gridRef.current;
      if (el) scrollTo(scrollTopFor(k, el.scrollTop, viewportH, total, ROW_H, 'nearest'));
    },
    [index, trace, select, total, viewportH, scrollTo],
  );

  const seekTo = useCallback(
    (k: number) => {
      if (k < 0 || k >= index.count) return;
      const i = index.at(k);
      seekTime(trace.timeAt(i), i + 1);
    },
    [index, trace, seekTime],
  );

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const page = Math.max(1, Math.floor(viewportH / ROW_H) - 1);
    const from = selRow >= 0 ? selRow : curPos >= 0 ? curPos : -1;
    let k: number;
    switch (e.key) {
      case 'ArrowDown':
        k = from + 1;
        break;
      case 'ArrowUp':
        k = from < 0 ? 0 : from - 1;
        break;
      case 'PageDown':
        k = from + page;
        break;
      case 'PageUp':
        k = from - page;
        break;
      case 'Home':
        k = 0;
        break;
      case 'End':
        k = total - 1;
        break;
      case 'Enter':
        if (selRow >= 0) seekTo(selRow);
        e.preventDefault();
        return;
      default:
        return;
    }
    e.preventDefault();
    if (total > 0) selectRow(Math.max(0, Math.min(total - 1, k)));
  };

  // ---- live transcript -----------------------------------------------------------------
  const [announcement, setAnnouncement] = useState('');
  const lastAnnounce = useRef(0);
  useEffect(() => {
    if (!playing || curPos < 0) return;
    const say = (): void => {
      lastAnnounce.current = performance.now();
      setAnnouncement(fmt.sentence(trace, index.at(curPos)));
    };
    const wait = lastAnnounce.current + ANNOUNCE_MS - performance.now();
    if (wait <= 0) {
      say();
      return;
    }
    const t = setTimeout(say, wait);
    return () => clearTimeout(t);
  }, [playing, curPos, fmt, trace, index]);

  // ---- render --------------------------------------------------------------------------
  if (!run) {
    return (
      <div className="ss-events-view">
        <p className="ss-events-empty">No run loaded.</p>
      </div>
    );
  }

  const kindOptions = kinds.map((k, id) => ({ id, name: k.name, layer: kindLayer(k.name), description: k.description }));
  const selectedOrigin = selection.packet !== null && selection.packet < trace.packetCount ? trace.packetOrigin(selection.packet) : -1;
  const rows: ReactElement[] = [];
  for (let k = win.first; k < win.last; k++) {
    const i = index.at(k);
    const r = fmt.row(trace, i);
    const future = i >= cursorEvents;
    const name = r.kind;
    const bad = /\.(drop|fail)$|^link\.corrupt$|^tcp\.(retransmit|rst)$/.test(name);
    const pkt = trace.pktAt(i);
    const related = selectedOrigin >= 0 && pkt >= 0 && pkt < trace.packetCount && trace.packetOrigin(pkt) === selectedOrigin;
    const cls =
      'ss-events-row' +
      (k === selRow ? ' ss-events-row-selected' : '') +
      (k === curPos ? ' ss-events-row-cursor' : '') +
      (future ? ' ss-events-row-future' : '') +
      (bad ? ' ss-events-row-bad' : '') +
      (related ? ' ss-events-row-related' : '');
    rows.push(
      <div
        key={k}
        id={`${baseId}-r-${k}`}
        role="row"
        aria-rowindex={k + 2}
        aria-selected={k === selRow}
        aria-current={k === curPos ? 'time' : undefined}
        className={cls}
        style={{ top: rowTop(win, k, ROW_H, scrollTop) }}
        onClick={() => {
          selectRow(k);
          gridRef.current?.focus({ preventScroll: true });
        }}
        onDoubleClick={() => seekTo(k)}
        title={r.description}
      >
        <span role="gridcell" className="ss-events-cell ss-events-time">
          <span aria-hidden="true" className="ss-events-marker">
            {k === curPos ? '▶' : ''}
          </span>
          {r.time}
          {future && <span className="ss-events-sr"> (after the cursor)</span>}
          {k === curPos && <span className="ss-events-sr"> (time cursor)</span>}
        </span>
        <span role="gridcell" className="ss-events-cell ss-events-node">
          {r.node}
        </span>
        <span role="gridcell" className="ss-events-cell ss-events-kind">
          {bad && (
            <span aria-hidden="true" className="ss-events-glyph">
              ✕{' '}
            </span>
          )}
          {r.kind}
        </span>
        <span role="gridcell" className="ss-events-cell ss-events-desc">
          {r.description}
        </span>
        <span role="gridcell" className="ss-events-cell ss-events-pkt">
          {related && (
            <span aria-hidden="true" className="ss-events-glyph">
              ●{' '}
            </span>
          )}
          {r.packet}
        </span>
      </div>,
    );
  }

  const filtering = !index.done;
  const scopeUnavailable = (scope === 'packet' && selection.packet === null) || (scope === 'flow' && selection.flow === null);

  return (
    <div className="ss-events-view">
      <div className="ss-events-toolbar" role="toolbar" aria-label="Event filters">
        <label className="ss-events-field">
          <span>Node</span>
          <select value={node ?? ''} onChange={(e) => setNode(e.target.value === '' ? null : Number(e.target.value))}>
            <option value="">All nodes</option>
            {(topology?.nodes ?? []).map((n) => (
              <option key={n.id} value={n.id}>
                {n.name}
              </option>
            ))}
          </select>
        </label>
        <label className="ss-events-field">
          <span>Layer</span>
          <select
            value={layer ?? ''}
            onChange={(e) => {
              const l = e.target.value === '' ? null : e.target.value;
              setLayer(l);
              if (l !== null && kind !== null && kindLayer(kinds[kind]?.name ?? '') !== l) setKind(null);
            }}
          >
            <option value="">All layers</option>
            {layers.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <label className="ss-events-field">
          <span>Kind</span>
          <select value={kind ?? ''} onChange={(e) => setKind(e.target.value === '' ? null : Number(e.target.value))}>
            <option value="">All kinds</option>
            {layers
              .filter((l) => layer === null || l === layer)
              .map((l) => (
                <optgroup key={l} label={l}>
                  {kindOptions
                    .filter((k) => k.layer === l)
                    .map((k) => (
                      <option key={k.id} value={k.id} title={k.description}>
                        {k.name}
                      </option>
                    ))}
                </optgroup>
              ))}
          </select>
        </label>
        <label className="ss-events-field ss-events-search">
          <span>Search</span>
          <input type="search" value={textInput} placeholder="text in any column" onChange={(e) => setTextInput(e.target.value)} />
        </label>
        <label className="ss-events-field">
          <span>Show</span>
          <select value={scope} onChange={(e) => setScope(e.target.value as EventScope)}>
            <option value="all">All events</option>
            <option value="packet">Only the selected packet</option>
            <option value="flow">Only the selected flow</option>
          </select>
        </label>
        <label className="ss-events-check">
          <input type="checkbox" checked={showFuture} onChange={(e) => setShowFuture(e.target.checked)} />
          <span>Future events</span>
        </label>
        <button type="button" className="ss-events-button" aria-pressed={follow} onClick={() => setFollow((f) => !f)} title="Keep the time cursor's event in view">
          <span aria-hidden="true">{follow ? '✓ ' : ''}</span>
          Follow cursor
        </button>
      </div>

      <p className="ss-events-status">
        {scopeUnavailable ? (scope === 'packet' ? 'No packet selected: showing every event. ' : 'No flow selected: showing every event. ') : ''}
        {total.toLocaleString('en-US')} {showFuture ? 'events' : 'events up to the cursor'}
        {index.identity ? '' : ` (filtered from ${trace.length.toLocaleString('en-US')})`}
        {filtering && (
          <>
            {' · '}
            <label>
              filtering <progress max={1} value={index.progress} />
            </label>
          </>
        )}
      </p>

      {total === 0 && !filtering && <p className="ss-events-empty">{index.identity ? 'No events yet.' : 'No events match the filters.'}</p>}
      <div
        ref={gridRef}
        className="ss-events-grid"
        role="grid"
        aria-label="Trace events"
        aria-rowcount={total + 1}
        aria-colcount={5}
        aria-readonly="true"
        aria-busy={filtering || undefined}
        aria-activedescendant={selRow >= win.first && selRow < win.last ? `${baseId}-r-${selRow}` : undefined}
        tabIndex={0}
        onKeyDown={onKeyDown}
        onScroll={onScroll}
      >
        <div role="rowgroup" className="ss-events-head" ref={headRef}>
          <div role="row" aria-rowindex={1} className="ss-events-row ss-events-headrow">
            <span role="columnheader" className="ss-events-cell ss-events-time">
              Time (s)
            </span>
            <span role="columnheader" className="ss-events-cell ss-events-node">
              Node
            </span>
            <span role="columnheader" className="ss-events-cell ss-events-kind">
              Kind
            </span>
            <span role="columnheader" className="ss-events-cell ss-events-desc">
              Description
            </span>
            <span role="columnheader" className="ss-events-cell ss-events-pkt">
              Packet
            </span>
          </div>
        </div>
        <div role="rowgroup" className="ss-events-body" style={{ height: win.spacer }}>
          {rows.length > 0 ? (
            rows
          ) : (
            // A grid's row group must hold rows (ARIA): say why it is empty instead.
            <div role="row" aria-rowindex={2} className="ss-events-row">
              <span role="gridcell" aria-colspan={5} className="ss-events-cell ss-muted">
                No events at this time (or none match the filters).
              </span>
            </div>
          )}
        </div>
      </div>

      <div className="ss-events-sr" role="status" aria-live="polite" aria-atomic="true">
        {playing ? announcement : ''}
      </div>
    </div>
  );
}
