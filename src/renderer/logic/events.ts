import type { Signal, TimeKind } from '../../shared/domain.js';
import type { EventEdit, EventKind, WorkspaceEvent } from '../../shared/historian.js';
import { formatCycle, formatDuration, formatTimestamp, US_PER_MS } from './time-format.js';

/** Events on the chart and in the events panel: colours, what is visible, the add/edit form. */

export const EVENT_KINDS: readonly EventKind[] = ['failure', 'maintenance', 'inspection', 'anomaly', 'note'];

export const EVENT_COLORS: Readonly<Record<EventKind, string>> = {
  failure: '#dc2626',
  maintenance: '#2563eb',
  inspection: '#16a34a',
  anomaly: '#d97706',
  note: '#6b7280',
};

export const EVENT_LABELS: Readonly<Record<EventKind, string>> = {
  failure: 'Failure',
  maintenance: 'Maintenance',
  inspection: 'Inspection',
  anomaly: 'Anomaly',
  note: 'Note',
};

/** The distinct assets of the picked signals, in pick order: whose events the chart shows. */
export const assetsOf = (signals: readonly Pick<Signal, 'asset'>[]): string[] => [
  ...new Set(signals.map((s) => s.asset)),
];

export const formatEventTime = (t: number, kind: TimeKind): string =>
  kind === 'cycle'
    ? `cycle ${formatCycle(t)}`
    : formatTimestamp(t, Math.floor(t / US_PER_MS) % 60_000 === 0 ? 'minute' : 'second');

/** One line for a tooltip: kind, asset, when (and how long), code and description. */
export const eventTitle = (e: WorkspaceEvent): string => {
  const when =
    e.end === null
      ? formatEventTime(e.start, e.timeKind)
      : `${formatEventTime(e.start, e.timeKind)} → ${formatEventTime(e.end, e.timeKind)} (${formatDuration(e.end - e.start, e.timeKind)})`;
  const detail = [e.code, e.description].filter((s): s is string => s !== null && s !== '').join(': ');
  return `${EVENT_LABELS[e.kind]} · ${e.asset} · ${when}${e.timeKind === 'timestamp' ? ' UTC' : ''}${detail ? ` · ${detail}` : ''}`;
};

export interface EventMark {
  readonly event: WorkspaceEvent;
  readonly color: string;
  readonly title: string;
  /** Band from x1 to x2, or a line at x1 when x2 is null (point event). */
  readonly x1: number;
  readonly x2: number | null;
}

/**
 * Events to draw over a chart showing [from, to] on the given axis: those on the same axis that overlap the
 * range, bands clipped to it (so a long outage still shows while zoomed into its middle).
 */
export const eventMarks = (events: readonly WorkspaceEvent[], kind: TimeKind, from: number, to: number): EventMark[] =>
  events
    .filter((e) => e.timeKind === kind && (e.end ?? e.start) >= from && e.start <= to)
    .map((e) => ({
      event: e,
      color: EVENT_COLORS[e.kind],
      title: eventTitle(e),
      x1: e.end === null ? e.start : Math.max(e.start, from),
      x2: e.end === null ? null : Math.min(e.end, to),
    }));

export interface EventForm {
  readonly id: number | null;
  readonly asset: string;
  readonly kind: EventKind;
  readonly start: string;
  readonly end: string;
  readonly code: string;
  readonly description: string;
}

/** Text for a time field: "2024-03-05 14:03:22" (UTC) or a cycle number. */
export const timeToInput = (t: number, kind: TimeKind): string =>
  kind === 'cycle' ? formatCycle(t) : formatTimestamp(t, 'second');

/**
 * A time typed by the user: cycles as a number; timestamps as "YYYY-MM-DD[ HH:MM[:SS]]" in UTC (or ISO 8601
 * with an offset). Returns µs or cycles, or null when unreadable.
 */
export const parseTimeInput = (text: string, kind: TimeKind): number | null => {
  const s = text.trim();
  if (s === '') return null;
  if (kind === 'cycle') {
    const n = Number(s);
    return Number.isFinite(n) ? n : null;
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(
    s,
  );
  if (m === null) return null;
  const [, y, mo, d, h = '0', mi = '0', sec = '0', ms = '0', zone] = m;
  let utc = Date.UTC(
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h),
    Number(mi),
    Number(sec),
    Number(ms.padEnd(3, '0')),
  );
  const check = new Date(utc);
  if (
    check.getUTCMonth() !== Number(mo) - 1 ||
    check.getUTCDate() !== Number(d) ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(sec) > 59
  )
    return null;
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    utc -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return utc * US_PER_MS;
};

export const emptyEventForm = (asset: string, start: number | null, kind: TimeKind): EventForm => ({
  id: null,
  asset,
  kind: 'failure',
  start: start === null ? '' : timeToInput(start, kind),
  end: '',
  code: '',
  description: '',
});

export const eventToForm = (e: WorkspaceEvent): EventForm => ({
  id: e.id,
  asset: e.asset,
  kind: e.kind,
  start: timeToInput(e.start, e.timeKind),
  end: e.end === null ? '' : timeToInput(e.end, e.timeKind),
  code: e.code ?? '',
  description: e.description ?? '',
});

export type FormCheck =
  { readonly ok: true; readonly edit: EventEdit } | { readonly ok: false; readonly error: string };

/** Validate the form into a saveEvent request; the message names the field. */
export const formToEdit = (form: EventForm, kind: TimeKind): FormCheck => {
  const asset = form.asset.trim();
  if (asset === '') return { ok: false, error: 'Asset: required' };
  const hint = kind === 'cycle' ? 'a cycle number' : 'YYYY-MM-DD HH:MM[:SS] (UTC)';
  const start = parseTimeInput(form.start, kind);
  if (start === null) return { ok: false, error: `Start: expected ${hint}` };
  let end: number | null = null;
  if (form.end.trim() !== '') {
    end = parseTimeInput(form.end, kind);
    if (end === null) return { ok: false, error: `End: expected ${hint}, or leave empty for a point event` };
    if (end < start) return { ok: false, error: 'End: before the start' };
  }
  return {
    ok: true,
    edit: {
      ...(form.id === null ? {} : { id: form.id }),
      asset,
      kind: form.kind,
      start,
      end,
      code: form.code.trim() === '' ? null : form.code.trim(),
      description: form.description.trim() === '' ? null : form.description.trim(),
    },
  };
};

/** The time axis an asset's events use: that of its signals (cycles only when all count cycles). */
export const timeKindOfAsset = (asset: string, signals: readonly Pick<Signal, 'asset' | 'timeKind'>[]): TimeKind => {
  const own = signals.filter((s) => s.asset === asset);
  return own.length > 0 && own.every((s) => s.timeKind === 'cycle') ? 'cycle' : 'timestamp';
};
