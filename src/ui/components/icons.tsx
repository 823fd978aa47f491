/** Transport icons as inline SVG (no icon font: glyphs like ⏮ are missing from many system fonts). */
const common = { width: 18, height: 18, viewBox: '0 0 24 24', 'aria-hidden': true, focusable: false, fill: 'currentColor' } as const;

export const PlayIcon = () => (
  <svg {...common}>
    <path d="M7 4.5v15l13-7.5z" />
  </svg>
);
export const PauseIcon = () => (
  <svg {...common}>
    <path d="M6 4h4v16H6zM14 4h4v16h-4z" />
  </svg>
);
export const StepBackIcon = () => (
  <svg {...common}>
    <path d="M5 4h2.5v16H5zM20 4.5v15L9 12z" />
  </svg>
);
export const StepForwardIcon = () => (
  <svg {...common}>
    <path d="M16.5 4H19v16h-2.5zM4 4.5v15L15 12z" />
  </svg>
);
