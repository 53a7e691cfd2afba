import { inlineStyle, pngSize, standaloneSvg, svgDataUrl, type ChartImageMeta } from '../logic/chart-export.js';

/*
 * Chart images, the DOM part: copy a drawn chart's <svg> with its computed styles inlined, draw it to a canvas for
 * PNG, and hand a file to the browser. The document building and naming are in logic/chart-export.ts.
 */

/** Parts of a live chart that show the pointer's position, not the data: left out of the image. */
const TRANSIENT = '.recharts-tooltip-cursor, .recharts-active-dot, .recharts-tooltip-wrapper';

/** The chart's drawing inside a container: recharts' surface, else the first <svg>. */
export const chartSvgIn = (container: Element | null): SVGSVGElement | null =>
  container?.querySelector<SVGSVGElement>('svg.recharts-surface') ??
  container?.querySelector<SVGSVGElement>('svg') ??
  null;

export interface ChartSvg {
  readonly svg: string;
  readonly width: number;
  readonly height: number;
}

/** The chart as a standalone SVG document (white background, title, units, styles inlined). */
export const serialiseChart = (svg: SVGSVGElement, meta: ChartImageMeta): ChartSvg => {
  const box = svg.getBoundingClientRect();
  const width = Number(svg.getAttribute('width')) || box.width;
  const height = Number(svg.getAttribute('height')) || box.height;
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const originals = [svg, ...svg.querySelectorAll('*')];
  const copies = [clone, ...clone.querySelectorAll('*')];
  originals.forEach((element, i) => {
    const style = inlineStyle((property) => getComputedStyle(element).getPropertyValue(property));
    if (style !== '') copies[i]?.setAttribute('style', style);
  });
  for (const transient of clone.querySelectorAll(TRANSIENT)) transient.remove();
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  const markup = new XMLSerializer().serializeToString(clone);
  return { svg: standaloneSvg(markup, width, height, meta), width, height };
};

/** The standalone SVG drawn to a canvas at 2x, as PNG. */
export const renderPng = async (chart: ChartSvg): Promise<Blob> => {
  const size = pngSize(chart.width, chart.height);
  const image = new Image();
  await new Promise<void>((resolve, reject) => {
    image.onload = () => resolve();
    image.onerror = () => reject(new Error('the chart could not be drawn as an image'));
    image.src = svgDataUrl(chart.svg);
  });
  const canvas = document.createElement('canvas');
  canvas.width = size.width;
  canvas.height = size.height;
  const context = canvas.getContext('2d');
  if (context === null) throw new Error('this browser cannot draw images (no 2D canvas)');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, size.width, size.height);
  context.drawImage(image, 0, 0, size.width, size.height);
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob === null ? reject(new Error('the chart could not be encoded as PNG')) : resolve(blob)),
      'image/png',
    ),
  );
};

/** Browser mode: hand the file to the browser's download. */
export const downloadFile = (blob: Blob, name: string): void => {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = name;
  anchor.style.display = 'none';
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  // The download has taken the data by the time the click returns in current browsers; keep it a while anyway.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
};
