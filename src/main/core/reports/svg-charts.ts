import { escapeHtml } from '../registry/model-card.js';
import type { ChartSpec, Tone } from './report-document.js';

/**
 * Charts as inline SVG written by hand: no chart library, no script, no external request, so the HTML prints the
 * same in any browser and a PDF needs no waiting for a canvas. Every chart carries class="chart" and a <title>
 * for screen readers; widths are in CSS pixels of a 680 px content column (A4 and Letter both fit it).
 */

export const CHART_WIDTH = 680;

export const TONE_COLOURS: Readonly<Record<Tone, string>> = {
  good: '#2e7d32',
  watch: '#d18f00',
  bad: '#c62828',
  none: '#7b8794',
};
const AXIS = '#9aa5b1';
const INK = '#1b1f24';

const n = (v: number) => (Number.isFinite(v) ? Math.round(v * 10) / 10 : 0);
const label = (x: number, y: number, text: string, anchor: 'start' | 'end' | 'middle' = 'start', size = 11) =>
  `<text x="${n(x)}" y="${n(y)}" font-size="${size}" text-anchor="${anchor}" fill="${INK}">${escapeHtml(text)}</text>`;
/** Room for the row labels left of a bar or interval chart's axis. */
const ROW_LABEL_PX = 172;
/**
 * A row label that fits `px` at `size`: SVG text does not wrap, and a right-aligned label longer than the room
 * ran off the chart's left edge (a fleet of "cmapss-fd001-sample engine 007" printed as "mapss-…"). The end of a
 * name tells assets apart (engine 007, P-101), so a long one keeps its end after an ellipsis; the full name is its
 * <title> and stands in the table beside the chart. Widths are estimated (0.6 em a character: system fonts differ).
 */
export const fitLabel = (text: string, px = ROW_LABEL_PX, size = 11): string => {
  const room = Math.floor(px / (size * 0.6));
  return text.length <= room ? text : `…${text.slice(text.length - (room - 1))}`;
};
const rowLabel = (x: number, y: number, text: string) => {
  const shown = fitLabel(text);
  if (shown === text) return label(x, y, text, 'end');
  return (
    `<text x="${n(x)}" y="${n(y)}" font-size="11" text-anchor="end" fill="${INK}">` +
    `<title>${escapeHtml(text)}</title>${escapeHtml(shown)}</text>`
  );
};
const compact = (v: number) =>
  Math.abs(v) >= 1e6 ? `${n(v / 1e6)}M` : Math.abs(v) >= 1e4 ? `${n(v / 1e3)}k` : String(n(v));

const svg = (height: number, title: string, body: string) =>
  `<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="${CHART_WIDTH}" height="${height}" ` +
  `viewBox="0 0 ${CHART_WIDTH} ${height}" role="img"><title>${escapeHtml(title)}</title>${body}</svg>`;

const bars = (rows: readonly { label: string; value: number; tone?: Tone }[], title: string, unit: string): string => {
  if (rows.length === 0) return svg(24, title, label(0, 16, 'nothing to show'));
  const row = 22;
  const left = ROW_LABEL_PX + 8;
  const right = 70;
  const max = Math.max(...rows.map((r) => r.value), 0) || 1;
  const scale = (CHART_WIDTH - left - right) / max;
  const body = rows
    .map((r, i) => {
      const y = i * row + 4;
      const w = Math.max(r.value > 0 ? 1 : 0, r.value * scale);
      return (
        rowLabel(left - 8, y + 14, r.label) +
        `<rect x="${left}" y="${y + 2}" width="${n(w)}" height="${row - 6}" fill="${TONE_COLOURS[r.tone ?? 'none']}"/>` +
        label(left + w + 6, y + 14, `${compact(r.value)}`)
      );
    })
    .join('');
  const h = rows.length * row + 20;
  return svg(
    h,
    title,
    `${body}<line x1="${left}" y1="2" x2="${left}" y2="${h - 16}" stroke="${AXIS}"/>` +
      label(CHART_WIDTH - right, h - 4, unit, 'end', 10),
  );
};

const columns = (
  cols: readonly { label: string; value: number }[],
  limit: number | null,
  title: string,
  unit: string,
): string => {
  const height = 160;
  const top = 14;
  const bottom = 28;
  const left = 36;
  const plot = height - top - bottom;
  if (cols.length === 0) return svg(24, title, label(0, 16, 'nothing to show'));
  const max = Math.max(...cols.map((c) => c.value), limit ?? 0, 1);
  const w = (CHART_WIDTH - left - 8) / cols.length;
  const every = Math.ceil(cols.length / 12);
  const body = cols
    .map((c, i) => {
      const h = (c.value / max) * plot;
      const x = left + i * w;
      return (
        (c.value > 0
          ? `<rect x="${n(x + w * 0.1)}" y="${n(top + plot - h)}" width="${n(Math.max(w * 0.8, 1))}" height="${n(h)}" fill="${TONE_COLOURS.none}"/>`
          : '') + (i % every === 0 ? label(x + w / 2, height - 12, c.label, 'middle', 9) : '')
      );
    })
    .join('');
  const limitLine =
    limit === null
      ? ''
      : `<line x1="${left}" x2="${CHART_WIDTH}" y1="${n(top + plot - (limit / max) * plot)}" y2="${n(top + plot - (limit / max) * plot)}" stroke="${TONE_COLOURS.bad}" stroke-dasharray="4 3"/>`;
  return svg(
    height,
    title,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plot}" stroke="${AXIS}"/>` +
      `<line x1="${left}" y1="${top + plot}" x2="${CHART_WIDTH}" y2="${top + plot}" stroke="${AXIS}"/>` +
      label(left - 4, top + 8, compact(max), 'end', 9) +
      label(left - 4, top + plot, '0', 'end', 9) +
      body +
      limitLine +
      label(CHART_WIDTH - 4, top + 8, unit, 'end', 10),
  );
};

const funnel = (stages: readonly { label: string; value: number }[], title: string): string => {
  const row = 30;
  const max = Math.max(...stages.map((s) => s.value), 1);
  const mid = CHART_WIDTH / 2 + 80;
  const span = CHART_WIDTH - 200;
  const body = stages
    .map((s, i) => {
      const w = Math.max((s.value / max) * span, s.value > 0 ? 2 : 0);
      const y = i * row + 4;
      return (
        label(150, y + 18, s.label, 'end') +
        `<rect x="${n(mid - w / 2)}" y="${y}" width="${n(w)}" height="${row - 6}" fill="${i === stages.length - 1 ? TONE_COLOURS.good : '#4a78b5'}"/>` +
        label(mid, y + 17, String(s.value), 'middle', 12)
      );
    })
    .join('');
  return svg(stages.length * row + 8, title, body);
};

const intervals = (
  rows: readonly { label: string; value: number; low: number; high: number }[],
  title: string,
  unit: string,
): string => {
  const row = 26;
  const left = ROW_LABEL_PX + 8;
  const right = 60;
  const max = Math.max(...rows.map((r) => r.high), 1);
  const x = (v: number) => left + (v / max) * (CHART_WIDTH - left - right);
  const body = rows
    .map((r, i) => {
      const y = i * row + 14;
      return (
        rowLabel(left - 8, y + 4, r.label) +
        `<line x1="${n(x(r.low))}" x2="${n(x(r.high))}" y1="${y}" y2="${y}" stroke="${INK}" stroke-width="2"/>` +
        `<line x1="${n(x(r.low))}" x2="${n(x(r.low))}" y1="${y - 6}" y2="${y + 6}" stroke="${INK}"/>` +
        `<line x1="${n(x(r.high))}" x2="${n(x(r.high))}" y1="${y - 6}" y2="${y + 6}" stroke="${INK}"/>` +
        `<circle cx="${n(x(r.value))}" cy="${y}" r="5" fill="#4a78b5"/>` +
        label(x(r.high) + 8, y + 4, `${n(r.value)} ${unit}`)
      );
    })
    .join('');
  return svg(rows.length * row + 10, title, body);
};

export const renderChart = (chart: ChartSpec, title: string): string => {
  switch (chart.kind) {
    case 'bars':
      return bars(chart.bars, title, chart.unit);
    case 'columns':
      return columns(chart.columns, chart.limit, title, chart.unit);
    case 'funnel':
      return funnel(chart.stages, title);
    case 'intervals':
      return intervals(chart.rows, title, chart.unit);
  }
};
