import type { Signal, TimeKind } from '../../shared/domain.js';
import type { EventEdit, EventKind, WorkspaceEvent } from '../../shared/historian.js';
import { parseTimeText } from '../../shared/time/time-rule.js';
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

export const formatEventTime = (t: number, kind: TimeKind, zone = 'UTC'): string =>
  kind === 'cycle'
    ? `cycle ${formatCycle(t)}`
    : formatTimestamp(t, Math.floor(t / US_PER_MS) % 60_000 === 0 ? 'minute' : 'second', zone);

/** One line for a tooltip: kind, asset, when (and how long), code and description. */
export const eventTitle = (e: WorkspaceEvent, zone = 'UTC'): string => {
  const when =
    e.end === null
      ? formatEventTime(e.start, e.timeKind, zone)
      : `${formatEventTime(e.start, e.timeKind, zone)} → ${formatEventTime(e.end, e.timeKind, zone)} (${formatDuration(e.end - e.start, e.timeKind)})`;
  const detail = [e.code, e.description].filter((s): s is string => s !== null && s !== '').join(': ');
  return `${EVENT_LABELS[e.kind]} · ${e.asset} · ${when}${e.timeKind === 'timestamp' ? ` ${zone}` : ''}${detail ? ` · ${detail}` : ''}`;
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
export const eventMarks = (
  events: readonly WorkspaceEvent[],
  kind: TimeKind,
  from: number,
  to: number,
  zone = 'UTC',
): EventMark[] =>
  events
    .filter((e) => e.timeKind === kind && (e.end ?? e.start) >= from && e.start <= to)
    .map((e) => ({
      event: e,
      color: EVENT_COLORS[e.kind],
      title: eventTitle(e, zone),
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

/** Text for a time field: "2024-03-05 14:03:22" (wall clock in `zone`) or a cycle number. */
export const timeToInput = (t: number, kind: TimeKind, zone = 'UTC'): string =>
  kind === 'cycle' ? formatCycle(t) : formatTimestamp(t, 'second', zone);

export type TimeInput = { readonly ok: true; readonly value: number } | { readonly ok: false; readonly reason: string };

/**
 * A time typed by the user: cycles as a number; timestamps by the one time rule (src/shared/time/time-rule.ts),
 * the same the command line and file import use: a naive time is wall-clock time in `zone` (default UTC), an
 * offset means that instant, a time the zone skips (spring forward) is refused with the reason. Returns µs or
 * cycles, or why the text is not a time.
 */
export const readTimeInput = (text: string, kind: TimeKind, zone = 'UTC'): TimeInput => {
  const s = text.trim();
  if (s === '') return { ok: false, reason: 'empty' };
  if (kind === 'cycle') {
    const n = Number(s);
    return Number.isFinite(n) ? { ok: true, value: n } : { ok: false, reason: `"${s}" is not a cycle number` };
  }
  const result = parseTimeText(s, zone);
  return result.ok ? { ok: true, value: result.micros } : { ok: false, reason: result.reason };
};

export const emptyEventForm = (asset: string, start: number | null, kind: TimeKind, zone = 'UTC'): EventForm => ({
  id: null,
  asset,
  kind: 'failure',
  start: start === null ? '' : timeToInput(start, kind, zone),
  end: '',
  code: '',
  description: '',
});

export const eventToForm = (e: WorkspaceEvent, zone = 'UTC'): EventForm => ({
  id: e.id,
  asset: e.asset,
  kind: e.kind,
  start: timeToInput(e.start, e.timeKind, zone),
  end: e.end === null ? '' : timeToInput(e.end, e.timeKind, zone),
  code: e.code ?? '',
  description: e.description ?? '',
});

export type FormCheck =
  { readonly ok: true; readonly edit: EventEdit } | { readonly ok: false; readonly error: string };

/** Validate the form into a saveEvent request; the message names the field. */
export const formToEdit = (form: EventForm, kind: TimeKind, zone = 'UTC'): FormCheck => {
  const asset = form.asset.trim();
  if (asset === '') return { ok: false, error: 'Asset: required' };
  const hint = kind === 'cycle' ? 'a cycle number' : `YYYY-MM-DD HH:MM[:SS] (${zone})`;
  const start = readTimeInput(form.start, kind, zone);
  if (!start.ok) return { ok: false, error: `Start: expected ${hint} (${start.reason})` };
  let end: number | null = null;
  if (form.end.trim() !== '') {
    const read = readTimeInput(form.end, kind, zone);
    if (!read.ok)
      return { ok: false, error: `End: expected ${hint}, or leave empty for a point event (${read.reason})` };
    end = read.value;
    if (end < start.value) return { ok: false, error: 'End: before the start' };
  }
  return {
    ok: true,
    edit: {
      ...(form.id === null ? {} : { id: form.id }),
      asset,
      kind: form.kind,
      start: start.value,
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
