import type { Signal, TimeKind } from '../../shared/domain.js';
import { US_PER_DAY, US_PER_HOUR, US_PER_MS } from './time-format.js';

/** A closed range on the time axis, in the axis unit (µs or cycles). */
export interface Range {
  readonly from: number;
  readonly to: number;
}

export const spanOf = (r: Range): number => r.to - r.from;

export const sameRange = (a: Range | null, b: Range | null): boolean =>
  a === b || (a !== null && b !== null && a.from === b.from && a.to === b.to);

/** Smallest span a zoom may reach: 1 ms of timestamps, 2 cycles. */
export const minSpanFor = (kind: TimeKind): number => (kind === 'cycle' ? 2 : US_PER_MS);

/** Time range covered by the readings of these signals, or null when none has data. */
export const extentOf = (signals: readonly Signal[]): Range | null => {
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const s of signals) {
    if (s.firstT !== null && s.firstT < from) from = s.firstT;
    if (s.lastT !== null && s.lastT > to) to = s.lastT;
  }
  return Number.isFinite(from) && Number.isFinite(to) && to >= from ? { from, to } : null;
};

/**
 * Keep a range inside the bounds: a range wider than the bounds becomes the bounds, otherwise it is
 * shifted (keeping its span) until it fits.
 */
export const clampRange = (r: Range, bounds: Range | null): Range => {
  if (bounds === null) return r;
  const span = spanOf(r);
  if (span >= spanOf(bounds)) return { from: bounds.from, to: bounds.to };
  if (r.from < bounds.from) return { from: bounds.from, to: bounds.from + span };
  if (r.to > bounds.to) return { from: bounds.to - span, to: bounds.to };
  return r;
};

/**
 * Zoom by `factor` (< 1 zooms in, > 1 zooms out) keeping the value under `anchor` (0 = left edge,
 * 1 = right edge of the plot) where it is. The result never goes below `minSpan` nor outside the bounds.
 */
export const zoomRange = (r: Range, factor: number, anchor: number, bounds: Range | null, minSpan: number): Range => {
  const span = spanOf(r);
  if (!(span > 0) || !(factor > 0)) return r;
  const a = Math.min(1, Math.max(0, anchor));
  const pivot = r.from + a * span;
  const maxSpan = bounds === null ? Number.POSITIVE_INFINITY : spanOf(bounds);
  const next = Math.min(Math.max(span * factor, Math.min(minSpan, span)), Math.max(maxSpan, minSpan));
  return clampRange({ from: pivot - a * next, to: pivot - a * next + next }, bounds);
};

/** Shift by a fraction of the span (negative = towards earlier times), staying inside the bounds. */
export const panRange = (r: Range, fraction: number, bounds: Range | null): Range => {
  const delta = spanOf(r) * fraction;
  return clampRange({ from: r.from + delta, to: r.to + delta }, bounds);
};

/** Horizontal geometry of the plotting area inside the chart element, in CSS pixels. */
export interface PlotLayout {
  readonly left: number;
  readonly width: number;
}

/** Axis value under a pixel (relative to the chart element), clamped to the plot. */
export const pixelToValue = (px: number, layout: PlotLayout, r: Range): number => {
  if (layout.width <= 0) return r.from;
  const fraction = Math.min(1, Math.max(0, (px - layout.left) / layout.width));
  return r.from + fraction * spanOf(r);
};

export const pixelFraction = (px: number, layout: PlotLayout): number =>
  layout.width <= 0 ? 0.5 : Math.min(1, Math.max(0, (px - layout.left) / layout.width));

/** The range a drag selected, or null when the drag was too short to mean a zoom. */
export const rangeFromDrag = (px1: number, px2: number, layout: PlotLayout, r: Range, minPixels = 4): Range | null => {
  if (Math.abs(px2 - px1) < minPixels) return null;
  const a = pixelToValue(px1, layout, r);
  const b = pixelToValue(px2, layout, r);
  return a < b ? { from: a, to: b } : { from: b, to: a };
};

/** The range that a drag with shift (pan) of `dx` pixels moves to, from the range at drag start. */
export const rangeFromPanDrag = (start: Range, dx: number, layout: PlotLayout, bounds: Range | null): Range => {
  if (layout.width <= 0) return start;
  return panRange(start, -dx / layout.width, bounds);
};

export type RangePreset = 'all' | 'last-1h' | 'last-24h' | 'last-7d' | 'last-30d' | 'last-50' | 'last-200';

export interface PresetInfo {
  readonly id: RangePreset;
  readonly label: string;
  /** Length of the window ending at the latest reading; null for all data. */
  readonly length: number | null;
}

export const presetsFor = (kind: TimeKind): readonly PresetInfo[] =>
  kind === 'cycle'
    ? [
        { id: 'all', label: 'All', length: null },
        { id: 'last-50', label: 'Last 50 cycles', length: 50 },
        { id: 'last-200', label: 'Last 200 cycles', length: 200 },
      ]
    : [
        { id: 'all', label: 'All', length: null },
        { id: 'last-1h', label: 'Last 1 h', length: US_PER_HOUR },
        { id: 'last-24h', label: 'Last 24 h', length: US_PER_DAY },
        { id: 'last-7d', label: 'Last 7 d', length: 7 * US_PER_DAY },
        { id: 'last-30d', label: 'Last 30 d', length: 30 * US_PER_DAY },
      ];

/**
 * The range of a preset: null means "all data" (the query omits from/to); otherwise the window of the
 * preset's length ending at the latest reading, cut at the first reading.
 */
export const presetRange = (preset: RangePreset, kind: TimeKind, extent: Range | null): Range | null => {
  const info = presetsFor(kind).find((p) => p.id === preset);
  if (info === undefined || info.length === null || extent === null) return null;
  return { from: Math.max(extent.from, extent.to - info.length), to: extent.to };
};
