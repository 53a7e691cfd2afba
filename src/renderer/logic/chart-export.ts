/*
 * Chart images for reports: the pure part (no DOM). A chart's <svg> is serialised by the view with its computed
 * styles inlined (so the file looks the same outside the app's stylesheet); this module wraps it in a standalone
 * SVG document with a white background, the chart's title and units, and names the files.
 */

export type ChartImageFormat = 'svg' | 'png';

/** Height of the title and units lines above the chart. */
export const HEADER_HEIGHT = 44;
/** PNG pixels per SVG pixel: sharp on high-density screens and in printed reports. */
export const PNG_SCALE = 2;

/** The presentation properties copied from computed style: what a chart's look depends on outside the app. */
export const EXPORT_STYLE_PROPERTIES = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'stroke-linecap',
  'stroke-linejoin',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'text-anchor',
  'dominant-baseline',
  'visibility',
  'display',
] as const;

export interface ChartImageMeta {
  readonly title: string;
  /** Units of the chart's values, e.g. ['mm/s', '°C']; empty when the values have none. */
  readonly units: readonly string[];
}

export const escapeXml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;',
  );

/**
 * One element's `style` attribute from its computed style: only the export properties, only values that say
 * something (an empty value or 'normal' font style adds nothing), in a fixed order so files compare.
 */
export const inlineStyle = (valueOf: (property: string) => string): string =>
  EXPORT_STYLE_PROPERTIES.map((property) => [property, valueOf(property).trim()] as const)
    .filter(([, value]) => value !== '' && value !== 'auto')
    .map(([property, value]) => `${property}:${value}`)
    .join(';');

/** "Units: mm/s, °C" or nothing. */
export const unitsLine = (units: readonly string[]): string => {
  const distinct = [...new Set(units.map((u) => u.trim()).filter((u) => u !== ''))];
  return distinct.length === 0 ? '' : `Units: ${distinct.join(', ')}`;
};

/**
 * A standalone SVG document: white background, title and units, then the chart (its serialised <svg>, which
 * keeps its own coordinate system) moved down below them.
 */
export const standaloneSvg = (chartSvg: string, width: number, height: number, meta: ChartImageMeta): string => {
  const w = Math.max(1, Math.round(width));
  const total = Math.max(1, Math.round(height)) + HEADER_HEIGHT;
  const units = unitsLine(meta.units);
  const font = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"';
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${w}" height="${total}" viewBox="0 0 ${w} ${total}">`,
    `<title>${escapeXml(meta.title)}</title>`,
    `<rect x="0" y="0" width="${w}" height="${total}" fill="#ffffff"/>`,
    `<text x="12" y="19" ${font} font-size="14" font-weight="600" fill="#111827">${escapeXml(meta.title)}</text>`,
    units === '' ? '' : `<text x="12" y="36" ${font} font-size="11" fill="#4b5563">${escapeXml(units)}</text>`,
    `<g transform="translate(0 ${HEADER_HEIGHT})">${chartSvg}</g>`,
    '</svg>',
  ]
    .filter((line) => line !== '')
    .join('\n');
};

/** Pixel size of the PNG drawn from a standalone SVG of this chart size (header included). */
export const pngSize = (width: number, height: number): { readonly width: number; readonly height: number } => ({
  width: Math.max(1, Math.round(width)) * PNG_SCALE,
  height: (Math.max(1, Math.round(height)) + HEADER_HEIGHT) * PNG_SCALE,
});

/** Two-digit parts of a UTC time, for file names that sort by time. */
const stamp = (at: Date): string => {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${at.getUTCFullYear()}${p(at.getUTCMonth() + 1)}${p(at.getUTCDate())}-${p(at.getUTCHours())}${p(at.getUTCMinutes())}${p(at.getUTCSeconds())}`;
};

/**
 * A file name that is safe on Windows, macOS and Linux: "pdm-<title>-<yyyymmdd-hhmmss>.<ext>", the title in
 * lower-case ASCII words joined by '-', at most 60 characters of it.
 */
export const chartFileName = (title: string, format: ChartImageFormat, at: Date): string => {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `pdm-${slug === '' ? 'chart' : slug}-${stamp(at)}.${format}`;
};

/** A data: URL for an SVG document (for drawing it into a canvas). */
export const svgDataUrl = (svg: string): string => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
