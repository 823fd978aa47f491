/**
 * Virtual scrolling with fixed-height rows (pure): which rows to render for a scroll position,
 * and where. Browsers cap element heights (Firefox near 17.9 million px), so beyond `maxPx` the
 * scroll range is compressed: the spacer stays at `maxPx` and scroll positions map linearly onto
 * the full list. Rows are positioned relative to the current scrollTop, so they never drift.
 */
export const MAX_SCROLL_PX = 8_000_000;

export interface VirtualWindow {
  /** Height of the scroll spacer (px). */
  readonly spacer: number;
  /** Rows [first, last) to render. */
  readonly first: number;
  readonly last: number;
  /** Full-list pixels per spacer pixel (1 unless compressed). */
  readonly ratio: number;
  /** Top (px, in the spacer's coordinates) of the row at this position. */
  readonly virtualTop: number;
}

function ratioFor(rows: number, rowH: number, viewportH: number, maxPx: number): { spacer: number; ratio: number } {
  const total = rows * rowH;
  const spacer = Math.min(total, maxPx);
  const scrollable = Math.max(0, spacer - viewportH);
  const full = Math.max(0, total - viewportH);
  return { spacer, ratio: scrollable > 0 ? full / scrollable : 1 };
}

export function virtualWindow(scrollTop: number, viewportH: number, rows: number, rowH: number, maxPx = MAX_SCROLL_PX, overscan = 4): VirtualWindow {
  const { spacer, ratio } = ratioFor(rows, rowH, viewportH, maxPx);
  const maxTop = Math.max(0, spacer - viewportH);
  const st = Math.max(0, Math.min(scrollTop, maxTop));
  const virtualTop = st * ratio;
  const first = Math.max(0, Math.floor(virtualTop / rowH) - overscan);
  const last = Math.min(rows, Math.ceil((virtualTop + viewportH) / rowH) + overscan);
  return { spacer, first, last, ratio, virtualTop };
}

/** Where row `r` goes (px from the top of the spacer) for a given window and scrollTop. */
export function rowTop(w: VirtualWindow, r: number, rowH: number, scrollTop: number): number {
  return scrollTop + r * rowH - w.virtualTop;
}

/** Whether row `r` is fully visible. */
export function isRowVisible(scrollTop: number, viewportH: number, rows: number, rowH: number, r: number, maxPx = MAX_SCROLL_PX): boolean {
  const w = virtualWindow(scrollTop, viewportH, rows, rowH, maxPx, 0);
  const top = r * rowH - w.virtualTop;
  return top >= -0.5 && top + rowH <= viewportH + 0.5;
}

/**
 * The scrollTop that shows row `r`: unchanged when it is already visible ('nearest'), or with the
 * row at the top, bottom or centre of the viewport.
 */
export function scrollTopFor(r: number, scrollTop: number, viewportH: number, rows: number, rowH: number, align: 'nearest' | 'start' | 'end' | 'center' = 'nearest', maxPx = MAX_SCROLL_PX): number {
  const { spacer, ratio } = ratioFor(rows, rowH, viewportH, maxPx);
  const maxTop = Math.max(0, spacer - viewportH);
  const cur = Math.max(0, Math.min(scrollTop, maxTop)) * ratio;
  const rowStart = r * rowH;
  const rowEnd = rowStart + rowH;
  let target: number;
  switch (align) {
    case 'start':
      target = rowStart;
      break;
    case 'end':
      target = rowEnd - viewportH;
      break;
    case 'center':
      target = rowStart - (viewportH - rowH) / 2;
      break;
    default:
      if (rowStart >= cur && rowEnd <= cur + viewportH) return scrollTop;
      target = rowStart < cur ? rowStart : rowEnd - viewportH;
  }
  return Math.max(0, Math.min(maxTop, target / ratio));
}
