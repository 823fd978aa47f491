/**
 * Canvas renderer for the moving parts of the topology view: frames in flight and drop markers.
 * Takes one config object. Frames are rasterised into a reused pixel buffer (see PixelLayer),
 * glyphs and drop markers drawn with canvas calls on top. Fills a hit buffer for click selection.
 */
import { DROP_NODE } from './flight-index.ts';
import type { FrameSet, MarkerSet } from './flight-index.ts';
import type { LinkGeometry } from './model.ts';
import { segmentDistance, visibleExtent } from './model.ts';

/** The segments drawn in the last frame, for hit testing clicks. */
export class HitBuffer {
  n = 0;
  seg = new Float32Array(4 * 256);
  uid = new Int32Array(256);
  /** Drop markers: x, y, uid. */
  mn = 0;
  mark = new Float32Array(2 * 64);
  muid = new Int32Array(64);

  reserve(n: number): void {
    if (this.uid.length >= n) return;
    const m = Math.max(n, this.uid.length * 2);
    const s = new Float32Array(4 * m);
    s.set(this.seg);
    this.seg = s;
    const u = new Int32Array(m);
    u.set(this.uid);
    this.uid = u;
  }

  reserveMarks(n: number): void {
    if (this.muid.length >= n) return;
    const m = Math.max(n, this.muid.length * 2);
    const s = new Float32Array(2 * m);
    s.set(this.mark);
    this.mark = s;
    const u = new Int32Array(m);
    u.set(this.muid);
    this.muid = u;
  }
}

/** The packet uid drawn nearest to (x, y) within `tolerance` px, or -1. Later (top) draws win ties. */
export function hitTest(hits: HitBuffer, x: number, y: number, tolerance: number): number {
  let best = -1;
  let bestD = tolerance;
  for (let k = 0; k < hits.mn; k++) {
    const d = Math.hypot(x - hits.mark[2 * k]!, y - hits.mark[2 * k + 1]!);
    if (d <= bestD && hits.muid[k]! >= 0) {
      best = hits.muid[k]!;
      bestD = d;
    }
  }
  for (let k = 0; k < hits.n; k++) {
    const s = hits.seg;
    const d = segmentDistance(x, y, s[4 * k]!, s[4 * k + 1]!, s[4 * k + 2]!, s[4 * k + 3]!);
    if (d <= bestD) {
      best = hits.uid[k]!;
      bestD = d;
    }
  }
  return best;
}

export interface FlightRenderConfig {
  /** The canvas context; its backing store must be width × dpr by height × dpr pixels. */
  readonly ctx: CanvasRenderingContext2D;
  /** CSS pixel size of the canvas and the device pixel ratio of its backing store. */
  readonly width: number;
  readonly height: number;
  readonly dpr: number;
  readonly geometry: LinkGeometry;
  readonly frames: FrameSet;
  readonly markers: MarkerSet;
  /** Colour and glyph per protocol class index (TraceBuffer.packetProto). */
  readonly protoColours: readonly string[];
  readonly protoGlyphs: readonly string[];
  /** Origin uid of the selected packet's rewrite chain (all its hops highlight), or -1. */
  readonly selectedOrigin: number;
  readonly selectColour: string;
  readonly dropColour: string;
  /** Halo behind glyphs and markers (the view background). */
  readonly haloColour: string;
  readonly textColour: string;
  readonly lineWidth: number;
  readonly minLengthPx: number;
  /** Sideways offset of each direction from the link centre line. */
  readonly laneOffset: number;
  readonly nodeRadius: number;
  /** Draw protocol letters on frames when at most this many are in flight. */
  readonly glyphLimit: number;
  /** Fade drop markers out as they age (off for reduced motion: shown solid, then gone). */
  readonly fade: boolean;
  readonly hits?: HitBuffer;
  /** Reused pixel buffer of the frame layer. */
  readonly layer: PixelLayer;
}

/**
 * The frame layer's pixels. Frames are rasterised in JS straight into an ImageData (thick
 * segments with anti-aliased long edges) and put on the canvas in one call: with thousands of
 * frames this is several times cheaper than canvas path stroking in a software-rendered browser,
 * and its cost hardly grows with the number of frames.
 */
export class PixelLayer {
  width = 0;
  height = 0;
  image: ImageData | null = null;
  buf = new Uint32Array(0);

  ensure(ctx: CanvasRenderingContext2D, width: number, height: number): void {
    if (this.image && this.width === width && this.height === height) return;
    this.width = width;
    this.height = height;
    this.image = ctx.createImageData(Math.max(1, width), Math.max(1, height));
    this.buf = new Uint32Array(this.image.data.buffer);
  }
}

/** "#rrggbb" → little-endian RGBA word (alpha in the top byte). */
export function packColour(hex: string): number {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex.trim());
  const v = m ? parseInt(m[1]!, 16) : 0x999999;
  return ((0xff << 24) | ((v & 0xff) << 16) | (v & 0xff00) | ((v >> 16) & 0xff)) >>> 0;
}

/** Blends colour `c` (opaque RGBA word) over pixel i with coverage `cov` in 0..1. */
function plot(buf: Uint32Array, i: number, c: number, cov: number): void {
  if (cov >= 0.999) {
    buf[i] = c;
    return;
  }
  if (cov <= 0.004) return;
  const d = buf[i]!;
  const da = (d >>> 24) / 255;
  const outA = cov + da * (1 - cov);
  const k = da * (1 - cov);
  const r = ((c & 0xff) * cov + (d & 0xff) * k) / outA;
  const g = (((c >>> 8) & 0xff) * cov + ((d >>> 8) & 0xff) * k) / outA;
  const b = (((c >>> 16) & 0xff) * cov + ((d >>> 16) & 0xff) * k) / outA;
  buf[i] = (((outA * 255 + 0.5) << 24) | ((b + 0.5) << 16) | ((g + 0.5) << 8) | (r + 0.5)) >>> 0;
}

/**
 * Rasterises a thick segment (device pixels): walks the major axis one pixel at a time and fills
 * the perpendicular span, anti-aliasing its two edges.
 */
export function rasterSegment(layer: PixelLayer, x0: number, y0: number, x1: number, y1: number, halfWidth: number, colour: number): void {
  const { buf, width: W, height: H } = layer;
  const dx = x1 - x0;
  const dy = y1 - y0;
  if (Math.abs(dx) >= Math.abs(dy)) {
    if (dx < 0) return rasterSegment(layer, x1, y1, x0, y0, halfWidth, colour);
    const m = dx > 0 ? dy / dx : 0;
    const R = halfWidth * Math.sqrt(1 + m * m);
    const xa = Math.max(0, Math.floor(x0));
    const xb = Math.min(W - 1, Math.max(Math.floor(x1), xa));
    for (let x = xa; x <= xb; x++) {
      const yc = y0 + (x + 0.5 - x0) * m;
      const ya = yc - R;
      const yb = yc + R;
      const ra = Math.max(0, Math.floor(ya));
      const rb = Math.min(H - 1, Math.floor(yb));
      for (let y = ra; y <= rb; y++) {
        const cov = Math.min(y + 1, yb) - Math.max(y, ya);
        plot(buf, y * W + x, colour, cov);
      }
    }
  } else {
    if (dy < 0) return rasterSegment(layer, x1, y1, x0, y0, halfWidth, colour);
    const m = dx / dy;
    const R = halfWidth * Math.sqrt(1 + m * m);
    const ya = Math.max(0, Math.floor(y0));
    const yb = Math.min(H - 1, Math.max(Math.floor(y1), ya));
    for (let y = ya; y <= yb; y++) {
      const xc = x0 + (y + 0.5 - y0) * m;
      const xl = xc - R;
      const xr = xc + R;
      const ca = Math.max(0, Math.floor(xl));
      const cb = Math.min(W - 1, Math.floor(xr));
      const row = y * W;
      for (let x = ca; x <= cb; x++) {
        const cov = Math.min(x + 1, xr) - Math.max(x, xl);
        plot(buf, row + x, colour, cov);
      }
    }
  }
}

/** Open merged runs per link direction (index link * 2 + side). */
class Runs {
  active = new Uint8Array(0);
  colour = new Uint32Array(0);
  lo = new Float32Array(0);
  hi = new Float32Array(0);

  reset(links: number): void {
    const n = links * 2;
    if (this.active.length !== n) {
      this.active = new Uint8Array(n);
      this.colour = new Uint32Array(n);
      this.lo = new Float32Array(n);
      this.hi = new Float32Array(n);
    } else this.active.fill(0);
  }
}
const runs = new Runs();

function rasterRun(cfg: FlightRenderConfig, r: number, off: number, half: number): void {
  const g = cfg.geometry;
  const link = r >> 1;
  const side = r & 1;
  const [x0, y0] = g.point(link, side, runs.lo[r]!, off);
  const [x1, y1] = g.point(link, side, runs.hi[r]!, off);
  const dpr = cfg.dpr;
  rasterSegment(cfg.layer, x0 * dpr, y0 * dpr, x1 * dpr, y1 * dpr, half, runs.colour[r]!);
  runs.active[r] = 0;
}

/** Adds frame k's drawn segment to the hit buffer. */
function record(cfg: FlightRenderConfig, k: number, off: number, t: number, h: number): void {
  const hits = cfg.hits!;
  const fs = cfg.frames;
  const [x0, y0] = cfg.geometry.point(fs.link[k]!, fs.side[k]!, t, off);
  const [x1, y1] = cfg.geometry.point(fs.link[k]!, fs.side[k]!, h, off);
  const n = hits.n++;
  hits.seg[4 * n] = x0;
  hits.seg[4 * n + 1] = y0;
  hits.seg[4 * n + 2] = x1;
  hits.seg[4 * n + 3] = y1;
  hits.uid[n] = fs.uid[k]!;
}

let packed: { colours: readonly string[]; words: Uint32Array } | null = null;
function packedColours(colours: readonly string[]): Uint32Array {
  if (packed?.colours !== colours) packed = { colours, words: Uint32Array.from(colours, packColour) };
  return packed.words;
}

export function drawFlight(cfg: FlightRenderConfig): void {
  const { ctx, frames: fs, geometry: g } = cfg;
  const hits = cfg.hits;
  if (hits) {
    hits.n = 0;
    hits.mn = 0;
    hits.reserve(fs.n);
  }
  const layer = cfg.layer;
  const dpr = cfg.dpr;
  layer.ensure(ctx, Math.round(cfg.width * dpr), Math.round(cfg.height * dpr));
  layer.buf.fill(0);

  const words = packedColours(cfg.protoColours);
  const off = cfg.laneOffset;
  const half = (cfg.lineWidth / 2) * dpr;
  // Consecutive frames of one colour on one link direction whose drawn extents touch are
  // rasterised as one segment (same pixels, far fewer spans when a link is busy). Frames come
  // link by link in send order, so merging neighbours keeps the painting order.
  runs.reset(g.len.length);
  let selectedCount = 0;
  for (let k = 0; k < fs.n; k++) {
    if (cfg.selectedOrigin >= 0 && fs.origin[k] === cfg.selectedOrigin) {
      selectedCount++;
      continue;
    }
    const c = words[Math.min(fs.proto[k]!, words.length - 1)]!;
    const link = fs.link[k]!;
    const side = fs.side[k]!;
    const len = g.len[link]!;
    const [t, h] = visibleExtent(fs.tail[k]!, fs.head[k]!, len, cfg.minLengthPx);
    if (hits) record(cfg, k, off, t, h);
    const r = link * 2 + side;
    const eps = 1 / Math.max(len, 1);
    if (runs.active[r] && runs.colour[r] === c && t <= runs.hi[r]! + eps && h >= runs.lo[r]! - eps) {
      if (t < runs.lo[r]!) runs.lo[r] = t;
      if (h > runs.hi[r]!) runs.hi[r] = h;
      continue;
    }
    if (runs.active[r]) rasterRun(cfg, r, off, half);
    runs.active[r] = 1;
    runs.colour[r] = c;
    runs.lo[r] = t;
    runs.hi[r] = h;
  }
  for (let r = 0; r < runs.active.length; r++) if (runs.active[r]) rasterRun(cfg, r, off, half);
  // The selected packet (and its rewritten copies on other hops): thicker, outlined, on top.
  if (selectedCount > 0) {
    const outline = packColour(cfg.textColour);
    const sel = packColour(cfg.selectColour);
    for (let k = 0; k < fs.n; k++) if (fs.origin[k] === cfg.selectedOrigin) segment(cfg, k, off, false, half * 2.4 + dpr, outline);
    for (let k = 0; k < fs.n; k++) if (fs.origin[k] === cfg.selectedOrigin) segment(cfg, k, off, true, half * 2.4, sel);
  }
  ctx.putImageData(layer.image!, 0, 0);

  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  if (fs.n <= cfg.glyphLimit && fs.n > 0) {
    ctx.font = '600 10px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.lineWidth = 3;
    ctx.lineJoin = 'round';
    ctx.strokeStyle = cfg.haloColour;
    ctx.fillStyle = cfg.textColour;
    for (let k = 0; k < fs.n; k++) {
      const link = fs.link[k]!;
      const [, h] = visibleExtent(fs.tail[k]!, fs.head[k]!, g.len[link]!, cfg.minLengthPx);
      const [x, y] = g.point(link, fs.side[k]!, h, off * 3.2);
      const glyph = cfg.protoGlyphs[fs.proto[k]!] ?? '?';
      ctx.strokeText(glyph, x, y);
      ctx.fillText(glyph, x, y);
    }
  }

  drawMarkers(cfg);
  ctx.globalAlpha = 1;
}

function segment(cfg: FlightRenderConfig, k: number, off: number, record: boolean, half: number, colour: number): void {
  const { frames: fs, geometry: g, dpr } = cfg;
  const link = fs.link[k]!;
  const side = fs.side[k]!;
  const [t, h] = visibleExtent(fs.tail[k]!, fs.head[k]!, g.len[link]!, cfg.minLengthPx);
  const ff0 = side === 0 ? t : 1 - t;
  const ff1 = side === 0 ? h : 1 - h;
  const o = side === 0 ? off : -off;
  const ax = g.ax[link]!;
  const ay = g.ay[link]!;
  const dx = g.bx[link]! - ax;
  const dy = g.by[link]! - ay;
  const ox = g.nx[link]! * o;
  const oy = g.ny[link]! * o;
  const x0 = ax + dx * ff0 + ox;
  const y0 = ay + dy * ff0 + oy;
  const x1 = ax + dx * ff1 + ox;
  const y1 = ay + dy * ff1 + oy;
  rasterSegment(cfg.layer, x0 * dpr, y0 * dpr, x1 * dpr, y1 * dpr, half, colour);
  const hits = cfg.hits;
  if (record && hits) {
    const n = hits.n++;
    hits.seg[4 * n] = x0;
    hits.seg[4 * n + 1] = y0;
    hits.seg[4 * n + 2] = x1;
    hits.seg[4 * n + 3] = y1;
    hits.uid[n] = fs.uid[k]!;
  }
}

function drawMarkers(cfg: FlightRenderConfig): void {
  const { ctx, markers: ms, geometry: g } = cfg;
  if (ms.n === 0) return;
  const hits = cfg.hits;
  hits?.reserveMarks(ms.n);
  const size = 6;
  for (let k = 0; k < ms.n; k++) {
    let x: number;
    let y: number;
    if (ms.kind[k] === DROP_NODE) {
      const node = ms.node[k]!;
      x = (g.nodeX[node] ?? 0) + cfg.nodeRadius * 0.9;
      y = (g.nodeY[node] ?? 0) - cfg.nodeRadius * 0.9;
    } else {
      [x, y] = g.point(ms.link[k]!, ms.side[k]!, ms.frac[k]!, cfg.laneOffset);
    }
    ctx.globalAlpha = cfg.fade ? Math.max(0.15, 1 - ms.age[k]!) : 1;
    const selected = cfg.selectedOrigin >= 0 && ms.origin[k] === cfg.selectedOrigin;
    ctx.lineCap = 'round';
    ctx.lineWidth = 6;
    ctx.strokeStyle = cfg.haloColour;
    cross(ctx, x, y, size);
    ctx.lineWidth = selected ? 4 : 3;
    ctx.strokeStyle = selected ? cfg.selectColour : cfg.dropColour;
    cross(ctx, x, y, size);
    if (hits) {
      const n = hits.mn++;
      hits.mark[2 * n] = x;
      hits.mark[2 * n + 1] = y;
      hits.muid[n] = ms.uid[k]!;
    }
  }
  ctx.lineCap = 'butt';
}

function cross(ctx: CanvasRenderingContext2D, x: number, y: number, s: number): void {
  ctx.beginPath();
  ctx.moveTo(x - s, y - s);
  ctx.lineTo(x + s, y + s);
  ctx.moveTo(x + s, y - s);
  ctx.lineTo(x - s, y + s);
  ctx.stroke();
}
