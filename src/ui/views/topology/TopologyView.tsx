/**
 * Topology view: devices and links (SVG, focusable, draggable) with the frames in flight at the
 * time cursor moving along their links at their real timing (canvas).
 *
 * Thin shell: layout (./layout.ts), static model and geometry (./model.ts), frames in flight
 * (./flight-index.ts, incremental, no trace scan per frame) and the canvas renderer
 * (./render.ts) are pure modules. The canvas is redrawn in requestAnimationFrame only when the
 * cursor, trace, selection, layout or size changed; React does not re-render per frame.
 */
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent, MouseEvent as ReactMouseEvent, PointerEvent as ReactPointerEvent } from 'react';
import { useLab, useLabContext, useTraceConsumer } from '../../lab/context.ts';
import { DROP_COLOUR, protoColour, SELECT_COLOUR } from '../../theme/palette.ts';
import { dropMarkersAt, flightIndexFor, FrameSet, framesInFlight, MarkerSet } from './flight-index.ts';
import { formatBandwidth, formatDuration } from './format.ts';
import { clamp01, layoutTopology, mergePositions, transposeLayout } from './layout.ts';
import type { LinkModel, NodeModel, TopologyModel } from './model.ts';
import { dropLingerNs, labelVisibility, LinkGeometry, PROTO_GLYPH, topologyModel } from './model.ts';
import { topologyPerf } from './perf.ts';
import { drawFlight, HitBuffer, hitTest, PixelLayer } from './render.ts';
import '../view-frame.css';
import './topology.css';

const NODE_RADIUS = 22;
const A11Y_LIST_LIMIT = 25;
const A11Y_REFRESH_MS = 500;
const LEGEND: readonly [string, string][] = [
  ['tcp', 'TCP'],
  ['udp', 'UDP'],
  ['icmp', 'ICMP'],
  ['arp', 'ARP / NDP'],
  ['dns', 'DNS'],
  ['tls', 'TLS / QUIC'],
  ['http', 'HTTP / BGP'],
];

interface InFlightItem {
  readonly uid: number;
  readonly label: string;
}

function cssVar(el: Element | null, name: string, fallback: string): string {
  if (!el) return fallback;
  const v = getComputedStyle(el).getPropertyValue(name).trim();
  return v || fallback;
}

function prefersReducedMotion(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}

export default function TopologyView() {
  const { store, trace } = useLabContext();
  const topology = useLab((s) => s.topology);
  const userPositions = useLab((s) => s.positions);
  const selection = useLab((s) => s.selection);
  const theme = useLab((s) => s.theme);
  const select = useLab((s) => s.select);
  // Fold new events into the flight index in a task of its own, not in the draw's frame.
  useTraceConsumer(() => void flightIndexFor(trace, store.getState().topology));

  const containerRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [size, setSize] = useState({ w: 0, h: 0 });
  const [inFlight, setInFlight] = useState<{ count: number; items: readonly InFlightItem[] }>({ count: 0, items: [] });

  const hasTopology = topology !== null;
  useEffect(() => {
    const el = containerRef.current;
    if (!el) return;
    const measure = () => setSize({ w: Math.max(1, Math.round(el.clientWidth)), h: Math.max(1, Math.round(el.clientHeight)) });
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [hasTopology]);

  // Views taller than wide get the layout on its side (a long path runs top to bottom).
  const portrait = size.h > size.w * 1.15;
  const layout = useMemo(() => (topology ? (portrait ? transposeLayout(layoutTopology(topology)) : layoutTopology(topology)) : new Map()), [topology, portrait]);
  const model = useMemo<TopologyModel | null>(() => (topology ? topologyModel(topology, mergePositions(topology, layout, userPositions)) : null), [topology, layout, userPositions]);
  const geometry = useMemo(() => (model && size.w > 0 ? LinkGeometry.build(model, size.w, size.h, NODE_RADIUS + 2) : null), [model, size]);
  const visible = useMemo(() => (model && size.w > 0 ? labelVisibility(model, size.w, size.h, NODE_RADIUS) : null), [model, size]);
  const nodeNames = useMemo(() => new Map(model?.nodes.map((n) => [n.id, n.name]) ?? []), [model]);
  const linkNames = useMemo(() => new Map(model?.links.map((l) => [l.id, `${nodeNames.get(l.a) ?? '?'}–${nodeNames.get(l.b) ?? '?'}`]) ?? []), [model, nodeNames]);

  // --- canvas drawing (per animation frame, outside React) ---------------------------------
  const frames = useRef(new FrameSet()).current;
  const markers = useRef(new MarkerSet()).current;
  const hits = useRef(new HitBuffer()).current;
  const layer = useRef(new PixelLayer()).current;
  const a11yStamp = useRef(0);
  const drawState = useRef({ geometry, size, linkNames, nodeNames });
  drawState.current = { geometry, size, linkNames, nodeNames };
  const requestRef = useRef<() => void>(() => {});
  const colours = useRef({ halo: '#ffffff', text: '#111111' });

  const draw = useCallback(() => {
    const canvas = canvasRef.current;
    const { geometry: g, size: sz, linkNames: ln } = drawState.current;
    if (!canvas || !g) return;
    const start = performance.now();
    const s = store.getState();
    // Frames are rasterised in JS: cap the backing store at 1.5× to bound the pixel work on HiDPI.
    const dpr = Math.min(window.devicePixelRatio || 1, 1.5);
    const bw = Math.round(sz.w * dpr);
    const bh = Math.round(sz.h * dpr);
    const ctx = canvas.getContext('2d', { willReadFrequently: false });
    if (canvas.width !== bw || canvas.height !== bh) {
      canvas.width = bw;
      canvas.height = bh;
    }
    if (!ctx) return;
    const ix = flightIndexFor(trace, s.topology);
    framesInFlight(ix, s.cursorNs, frames, s.cursorEvents);
    dropMarkersAt(ix, s.cursorNs, dropLingerNs(s.speed), markers);
    const queried = performance.now();
    const sel = s.selection.packet;
    drawFlight({
      ctx,
      width: sz.w,
      height: sz.h,
      dpr,
      geometry: g,
      frames,
      markers,
      protoColours: protoColours(trace.protoClasses),
      protoGlyphs: protoGlyphs(trace.protoClasses),
      selectedOrigin: sel !== null && sel >= 0 && sel < trace.packetCount ? trace.packetOrigin(sel) : -1,
      selectColour: SELECT_COLOUR,
      dropColour: DROP_COLOUR,
      haloColour: colours.current.halo,
      textColour: colours.current.text,
      lineWidth: 5,
      minLengthPx: 6,
      laneOffset: 3.5,
      nodeRadius: NODE_RADIUS,
      glyphLimit: 60,
      fade: !prefersReducedMotion(),
      hits,
      layer,
    });
    if (topologyPerf.onDraw) {
      const drawn = performance.now();
      if (topologyPerf.flush) ctx.getImageData(0, 0, 1, 1);
      const end = performance.now();
      topologyPerf.phases = { query: queried - start, draw: drawn - queried, flush: end - drawn };
      topologyPerf.onDraw(end - start, frames.n);
    }

    // Accessible list of frames in flight: refreshed at most twice a second while playing.
    const now = performance.now();
    if (!s.playing || now - a11yStamp.current > A11Y_REFRESH_MS) {
      a11yStamp.current = now;
      const items: InFlightItem[] = [];
      for (let k = 0; k < frames.n && items.length < A11Y_LIST_LIMIT; k++) {
        const uid = frames.uid[k]!;
        const proto = trace.packetProtoName(uid).toUpperCase();
        const pct = Math.round(frames.head[k]! * 100);
        items.push({ uid, label: `${proto} frame ${uid} on link ${ln.get(frames.link[k]!) ?? frames.link[k]}, ${pct}% of the way${frames.lost[k] ? ', lost' : ''}` });
      }
      const count = frames.n;
      setInFlight((prev) => (prev.count === count && sameItems(prev.items, items) ? prev : { count, items }));
    }
  }, [store, trace, frames, markers, hits, layer]);

  useEffect(() => {
    let raf = 0;
    const request = () => {
      if (raf === 0)
        raf = requestAnimationFrame(() => {
          raf = 0;
          draw();
        });
    };
    requestRef.current = request;
    const unsubscribe = store.subscribe((s, prev) => {
      if (s.cursorNs !== prev.cursorNs || s.cursorEvents !== prev.cursorEvents || s.traceVersion !== prev.traceVersion || s.selection !== prev.selection || s.topology !== prev.topology || s.speed !== prev.speed) request();
    });
    request();
    return () => {
      unsubscribe();
      cancelAnimationFrame(raf);
      requestRef.current = () => {};
    };
  }, [store, draw]);

  useEffect(() => {
    const el = containerRef.current;
    colours.current = { halo: cssVar(el, '--ss-panel', '#ffffff'), text: cssVar(el, '--ss-fg', '#111111') };
    requestRef.current();
  }, [geometry, theme]);

  // --- interaction ----------------------------------------------------------------------------
  const localPoint = (clientX: number, clientY: number): [number, number] => {
    const r = containerRef.current!.getBoundingClientRect();
    return [clientX - r.left, clientY - r.top];
  };

  const onClickCapture = (e: ReactMouseEvent) => {
    if ((e.target as Element).closest('.ss-topology-node, .ss-topology-toolbar, .ss-topology-a11y')) return;
    const [x, y] = localPoint(e.clientX, e.clientY);
    const uid = hitTest(hits, x, y, 8);
    if (uid >= 0) {
      e.stopPropagation();
      select({ packet: uid });
    }
  };

  const moveNode = useCallback(
    (name: string, x: number, y: number) => {
      const positions = store.getState().positions;
      store.getState().set({ positions: { ...positions, [name]: [clamp01(x), clamp01(y)] } });
    },
    [store],
  );

  if (!topology || !model) {
    return (
      <div className="ss-view-frame ss-view-frame-empty ss-topology" ref={containerRef}>
        <p>No scenario loaded.</p>
      </div>
    );
  }

  return (
    <div className="ss-view-frame ss-topology">
      <div className="ss-view-frame-toolbar ss-topology-toolbar">
        <span className="ss-topology-count" aria-live="off">
          {inFlight.count} {inFlight.count === 1 ? 'frame' : 'frames'} in flight
        </span>
        <ul className="ss-topology-legend" aria-label="Protocol colours and letters">
          {LEGEND.map(([cls, label]) => (
            <li key={cls}>
              <span className="ss-topology-swatch" style={{ background: protoColour(cls) }} aria-hidden="true">
                {PROTO_GLYPH[cls]}
              </span>
              {label}
            </li>
          ))}
          <li>
            <span className="ss-topology-swatch ss-topology-swatch-drop" aria-hidden="true">
              ✕
            </span>
            drop
          </li>
        </ul>
        <button type="button" className="ss-topology-button" onClick={() => store.getState().set({ positions: {} })} disabled={Object.keys(userPositions).length === 0}>
          Reset layout
        </button>
      </div>
      <div className="ss-topology-stage" ref={containerRef} onClickCapture={onClickCapture} data-own-keys="">
        {size.w > 0 && (
          <svg className="ss-topology-links" width={size.w} height={size.h} role="group" aria-label="Links">
            {model.links.map((l) => (
              <LinkShape key={l.id} link={l} model={model} w={size.w} h={size.h} selected={selection.link === l.id} names={nodeNames} showLabel={visible?.linkLabels.has(l.id) ?? true} onSelect={() => select({ link: l.id })} />
            ))}
          </svg>
        )}
        <canvas ref={canvasRef} className="ss-topology-canvas" style={{ width: size.w, height: size.h }} aria-hidden="true" />
        {size.w > 0 && (
          <svg className="ss-topology-nodes" width={size.w} height={size.h} role="group" aria-label="Devices">
            {model.nodes.map((n) => (
              <NodeShape
                key={n.id}
                node={n}
                w={size.w}
                h={size.h}
                selected={selection.node === n.id}
                showAddress={visible?.addresses.has(n.id) ?? true}
                onSelect={() => select({ node: n.id })}
                onMove={moveNode}
                toLocal={localPoint}
              />
            ))}
          </svg>
        )}
        <section className="ss-topology-a11y" aria-label="Frames in flight">
          <p>
            {inFlight.count} {inFlight.count === 1 ? 'frame' : 'frames'} in flight at the cursor
            {inFlight.count > inFlight.items.length ? ` (first ${inFlight.items.length} listed)` : ''}.
          </p>
          <ul>
            {inFlight.items.map((it) => (
              <li key={it.uid + ':' + it.label}>
                <button type="button" onClick={() => select({ packet: it.uid })} aria-pressed={selection.packet === it.uid}>
                  {it.label}
                </button>
              </li>
            ))}
          </ul>
        </section>
      </div>
    </div>
  );
}

function sameItems(a: readonly InFlightItem[], b: readonly InFlightItem[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.uid !== b[i]!.uid || a[i]!.label !== b[i]!.label) return false;
  return true;
}

let glyphCache: { classes: readonly string[]; glyphs: string[] } | null = null;
function protoGlyphs(classes: readonly string[]): string[] {
  if (glyphCache?.classes !== classes) glyphCache = { classes, glyphs: classes.map((c) => PROTO_GLYPH[c] ?? '?') };
  return glyphCache.glyphs;
}

let colourCache: { classes: readonly string[]; colours: string[] } | null = null;
function protoColours(classes: readonly string[]): string[] {
  if (colourCache?.classes !== classes) colourCache = { classes, colours: classes.length > 0 ? classes.map(protoColour) : [protoColour('other')] };
  return colourCache.colours;
}

const LinkShape = memo(function LinkShape(props: { link: LinkModel; model: TopologyModel; w: number; h: number; selected: boolean; names: ReadonlyMap<number, string>; showLabel: boolean; onSelect: () => void }) {
  const { link, model, w, h, selected } = props;
  const a = model.nodes.find((n) => n.id === link.a);
  const b = model.nodes.find((n) => n.id === link.b);
  if (!a || !b) return null;
  const x0 = a.x * w;
  const y0 = a.y * h;
  const x1 = b.x * w;
  const y1 = b.y * h;
  const mx = (x0 + x1) / 2;
  const my = (y0 + y1) / 2;
  const len = Math.hypot(x1 - x0, y1 - y0) || 1;
  // Label above the line (perpendicular offset, pointing up).
  let nx = -(y1 - y0) / len;
  let ny = (x1 - x0) / len;
  if (ny > 0) [nx, ny] = [-nx, -ny];
  const name = `${props.names.get(link.a) ?? '?'}–${props.names.get(link.b) ?? '?'}`;
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      props.onSelect();
    }
  };
  return (
    <g
      className={`ss-topology-link${selected ? ' is-selected' : ''}`}
      tabIndex={0}
      role="button"
      aria-pressed={selected}
      aria-label={`Link ${name}: ${formatBandwidth(link.bandwidthBps)}, ${formatDuration(link.delayNs)} delay`}
      onClick={props.onSelect}
      onKeyDown={onKey}
    >
      <title>{`${name}\n${link.label}`}</title>
      <line className="ss-topology-link-hit" x1={x0} y1={y0} x2={x1} y2={y1} />
      <line className="ss-topology-link-line" x1={x0} y1={y0} x2={x1} y2={y1} />
      {(props.showLabel || selected) && (
        <text className="ss-topology-link-label" x={mx + nx * 16} y={my + ny * 16} textAnchor="middle">
          {link.label}
        </text>
      )}
    </g>
  );
});

const NodeShape = memo(function NodeShape(props: {
  node: NodeModel;
  w: number;
  h: number;
  selected: boolean;
  showAddress: boolean;
  onSelect: () => void;
  onMove: (name: string, x: number, y: number) => void;
  toLocal: (cx: number, cy: number) => [number, number];
}) {
  const { node, w, h, selected, showAddress, onSelect, onMove, toLocal } = props;
  const drag = useRef<{ id: number; x0: number; y0: number; moved: boolean } | null>(null);
  const x = node.x * w;
  const y = node.y * h;

  const onPointerDown = (e: ReactPointerEvent<SVGGElement>) => {
    if (e.button !== 0) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { id: e.pointerId, x0: e.clientX, y0: e.clientY, moved: false };
  };
  const onPointerMove = (e: ReactPointerEvent<SVGGElement>) => {
    const d = drag.current;
    if (!d || d.id !== e.pointerId) return;
    if (!d.moved && Math.hypot(e.clientX - d.x0, e.clientY - d.y0) < 4) return;
    d.moved = true;
    const [lx, ly] = toLocal(e.clientX, e.clientY);
    onMove(node.name, lx / w, ly / h);
  };
  const onPointerUp = (e: ReactPointerEvent<SVGGElement>) => {
    const d = drag.current;
    if (!d || d.id !== e.pointerId) return;
    drag.current = null;
    if (e.currentTarget.hasPointerCapture(e.pointerId)) e.currentTarget.releasePointerCapture(e.pointerId);
    if (!d.moved) onSelect();
  };
  const onKey = (e: KeyboardEvent) => {
    const step = e.shiftKey ? 0.005 : 0.025;
    const moves: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    const m = moves[e.key];
    if (m) {
      e.preventDefault();
      onMove(node.name, node.x + m[0], node.y + m[1]);
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onSelect();
    }
  };
  const kindLabel = node.kind === 'host' ? 'Host' : node.kind === 'router' ? 'Router' : 'Switch';
  return (
    <g
      className={`ss-topology-node ss-topology-node-${node.kind}${selected ? ' is-selected' : ''}`}
      transform={`translate(${x},${y})`}
      tabIndex={0}
      role="button"
      aria-pressed={selected}
      aria-label={`${kindLabel} ${node.name}${node.addresses.length ? `, ${node.addresses.filter((a) => !a.startsWith('fe80')).join(', ')}` : ''}. Enter selects; arrow keys move it.`}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={() => (drag.current = null)}
      onKeyDown={onKey}
    >
      <title>{`${kindLabel} ${node.name}${node.address ? `\n${node.address}` : ''}`}</title>
      <circle className="ss-topology-focus" r={NODE_RADIUS + 6} />
      {selected && <circle className="ss-topology-selring" r={NODE_RADIUS + 4} />}
      {node.kind === 'router' && (
        <g className="ss-topology-icon">
          <circle r={NODE_RADIUS - 2} />
          <path d="M-10 0h20M0 -10v20M6 -4l4 4-4 4M-6 -4l-4 4 4 4M-4 -6l4 -4 4 4M-4 6l4 4 4 -4" className="ss-topology-glyph" />
        </g>
      )}
      {node.kind === 'switch' && (
        <g className="ss-topology-icon">
          <rect x={-NODE_RADIUS} y={-14} width={NODE_RADIUS * 2} height={28} rx={4} />
          <path d="M-12 -5h22l-4 -4M12 5h-22l4 4" className="ss-topology-glyph" />
        </g>
      )}
      {node.kind === 'host' && (
        <g className="ss-topology-icon">
          <rect x={-18} y={-16} width={36} height={24} rx={3} />
          <path d="M-8 14h16M0 8v6" className="ss-topology-glyph" />
        </g>
      )}
      <text className="ss-topology-name" y={NODE_RADIUS + 14} textAnchor="middle">
        {node.name}
      </text>
      {node.address && (showAddress || selected) && (
        <text className="ss-topology-addr" y={NODE_RADIUS + 27} textAnchor="middle">
          {node.address}
        </text>
      )}
    </g>
  );
});
