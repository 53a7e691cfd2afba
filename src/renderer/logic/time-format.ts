import { DateTime } from 'luxon';
import type { TimeKind } from '../../shared/domain.js';

/** Timestamps travel as microseconds since the Unix epoch; cycle-indexed signals use plain cycle numbers. */
export const US_PER_MS = 1_000;
export const US_PER_SECOND = 1_000_000;
export const US_PER_MINUTE = 60 * US_PER_SECOND;
export const US_PER_HOUR = 60 * US_PER_MINUTE;
export const US_PER_DAY = 24 * US_PER_HOUR;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

export type TimePrecision = 'day' | 'minute' | 'second' | 'millisecond';

/**
 * ISO-like and short: "2024-03-05 14:03:22" (precision picks how much is shown), as wall-clock time in `zone`
 * (the workspace's display time zone; default UTC). Offsets come from luxon, so DST changes are the zone's own.
 */
export const formatTimestamp = (us: number, precision: TimePrecision = 'second', zone = 'UTC'): string => {
  if (!Number.isFinite(us)) return '';
  const ms = Math.floor(us / US_PER_MS);
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return String(us);
  // Shift the instant by the zone's offset and read it with the UTC getters: the wall clock in that zone.
  const offsetMinutes = zone === 'UTC' ? 0 : DateTime.fromMillis(ms, { zone }).offset;
  const local = Number.isFinite(offsetMinutes) ? new Date(ms + offsetMinutes * 60_000) : date;
  const day = `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
  if (precision === 'day') return day;
  const minute = `${day} ${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`;
  if (precision === 'minute') return minute;
  const second = `${minute}:${pad(local.getUTCSeconds())}`;
  if (precision === 'second') return second;
  return `${second}.${pad(local.getUTCMilliseconds(), 3)}`;
};

/** Full read-out for a cursor position or a range end, with the zone's name beside it. */
export const formatTimeValue = (t: number, kind: TimeKind, zone = 'UTC'): string => {
  if (!Number.isFinite(t)) return '';
  if (kind === 'cycle') return `cycle ${formatCycle(t)}`;
  const hasMillis = Math.floor(t / US_PER_MS) % 1000 !== 0;
  return `${formatTimestamp(t, hasMillis ? 'millisecond' : 'second', zone)} ${zone}`;
};

export const formatCycle = (t: number): string => (Number.isInteger(t) ? String(t) : String(Math.round(t * 100) / 100));

const TIME_STEPS: readonly number[] = [1, 2, 5, 10, 20, 50, 100, 200, 500]
  .map((ms) => ms * US_PER_MS)
  .concat(
    [1, 2, 5, 10, 15, 30].map((s) => s * US_PER_SECOND),
    [1, 2, 5, 10, 15, 30].map((m) => m * US_PER_MINUTE),
    [1, 2, 3, 6, 12].map((h) => h * US_PER_HOUR),
    [1, 2, 7, 14, 30, 60, 91, 182, 365].map((d) => d * US_PER_DAY),
  );

/** 1, 2 or 5 times a power of ten, at least `raw`. */
export const niceStep = (raw: number): number => {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw * (1 - 1e-9)) return m * power;
  return 10 * power;
};

/** The tick spacing for a span: a calendar-friendly step for timestamps, a 1-2-5 step (integers) for cycles. */
export const tickStep = (from: number, to: number, kind: TimeKind, maxTicks: number): number => {
  const span = Math.max(to - from, 0);
  const raw = span / Math.max(1, maxTicks);
  if (kind === 'cycle') return Math.max(1, niceStep(raw));
  for (const step of TIME_STEPS) if (step >= raw) return step;
  const year = 365 * US_PER_DAY;
  return niceStep(raw / year) * year;
};

/**
 * Tick positions inside [from, to], aligned to multiples of the step on the wall clock of `zone` (its midnight
 * for day steps), using the zone's offset at `from` so ticks stay evenly spaced across a DST change.
 */
export const timeTicks = (from: number, to: number, kind: TimeKind, maxTicks: number, zone = 'UTC'): number[] => {
  if (!Number.isFinite(from) || !Number.isFinite(to) || to < from) return [];
  if (to === from) return [from];
  const step = tickStep(from, to, kind, maxTicks);
  const zoneOffset =
    kind === 'timestamp' && zone !== 'UTC' ? DateTime.fromMillis(Math.floor(from / US_PER_MS), { zone }).offset : 0;
  const shift = Number.isFinite(zoneOffset) ? zoneOffset * US_PER_MINUTE : 0;
  const ticks: number[] = [];
  for (let t = Math.ceil((from + shift) / step) * step - shift; t <= to && ticks.length < 1000; t += step) {
    ticks.push(t);
  }
  return ticks;
};

/** Axis label for a tick; the step decides the precision, the span whether the date is shown. */
export const formatTick = (t: number, kind: TimeKind, step: number, span: number, zone = 'UTC'): string => {
  if (kind === 'cycle') return formatCycle(t);
  if (step >= US_PER_DAY) return formatTimestamp(t, 'day', zone);
  const precision = step < US_PER_SECOND ? 'millisecond' : step < US_PER_MINUTE ? 'second' : 'minute';
  const full = formatTimestamp(t, precision, zone);
  // Within a day, the date is noise: keep the clock part ("14:05", "14:05:30"); otherwise "03-05 14:05".
  return span <= US_PER_DAY ? full.slice(11) : full.slice(5);
};

const trimNumber = (n: number, digits = 3): string => String(Number(n.toPrecision(digits)));

/** A duration in the signal's time unit: µs as "250 ms", "15 s", "2.5 h", "3 d"; cycles as "3 cycles". */
export const formatDuration = (value: number | null | undefined, kind: TimeKind): string => {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (kind === 'cycle') return `${trimNumber(value, 4)} ${value === 1 ? 'cycle' : 'cycles'}`;
  const abs = Math.abs(value);
  if (abs < US_PER_MS) return `${trimNumber(value)} µs`;
  if (abs < US_PER_SECOND) return `${trimNumber(value / US_PER_MS)} ms`;
  if (abs < US_PER_MINUTE) return `${trimNumber(value / US_PER_SECOND)} s`;
  if (abs < US_PER_HOUR) return `${trimNumber(value / US_PER_MINUTE)} min`;
  if (abs < US_PER_DAY) return `${trimNumber(value / US_PER_HOUR)} h`;
  return `${trimNumber(value / US_PER_DAY)} d`;
};

/** Values: up to 6 significant digits, no exponent for ordinary magnitudes, "—" for missing. */
export const formatNumber = (value: number | null | undefined): string => {
  if (value === null || value === undefined) return '—';
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e-4 && abs < 1e9) return String(Number(value.toPrecision(6)));
  return value.toExponential(4);
};

/** Counts with a thin grouping so 20631 reads as "20 631" in tables (not used where tests parse text). */
export const formatCount = (value: number): string =>
  Number.isFinite(value) ? Math.round(value).toLocaleString('en-US').replace(/,/g, '\u202f') : '—';
