/**
 * Chart export: the rendered SVG as a standalone .svg file, or rasterised to a .png (2× for
 * crisp slides). The renderer draws with explicit attributes, so no stylesheet is needed.
 */

import { downloadBlob, svgToPng } from '../../components/download.ts';

export function svgText(svg: SVGSVGElement): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.removeAttribute('tabindex');
  clone.removeAttribute('class');
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(clone);
}

export function exportSvg(svg: SVGSVGElement, filename: string): void {
  downloadBlob(new Blob([svgText(svg)], { type: 'image/svg+xml' }), filename);
}

export async function exportPng(svg: SVGSVGElement, filename: string, scale = 2): Promise<void> {
  const width = Number(svg.getAttribute('width')) || svg.clientWidth;
  const height = Number(svg.getAttribute('height')) || svg.clientHeight;
  downloadBlob(await svgToPng(svgText(svg), width, height, scale), filename);
}
