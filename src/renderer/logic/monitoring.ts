import type { HealthSeries } from '../../shared/api.js';
import type { Alert, DispositionInput, FalseAlarmCause, ScoringResult } from '../../shared/monitoring.js';
import { FALSE_ALARM_CAUSES } from '../../shared/monitoring.js';

/**
 * The Monitor area's decisions, kept out of the components so they can be tested: what a health chart draws,
 * which alert actions a row offers, what a close or shelve form sends, and the one-line scoring summary.
 */

export type ListedAlert = Alert & { readonly shelved: boolean };

export interface AlertActions {
  readonly acknowledge: boolean;
  readonly shelve: boolean;
  readonly close: boolean;
}

/** open -> acknowledged -> closed: acknowledge only an open alert; nothing after closing. */
export const alertActions = (alert: Pick<Alert, 'status'> & { readonly shelved: boolean }): AlertActions => {
  switch (alert.status) {
    case 'open':
      return { acknowledge: true, shelve: !alert.shelved, close: true };
    case 'acknowledged':
      return { acknowledge: false, shelve: !alert.shelved, close: true };
    case 'closed':
      return { acknowledge: false, shelve: false, close: false };
  }
};

export type DispositionKind = DispositionInput['kind'];

export interface CloseForm {
  readonly kind: DispositionKind | '';
  readonly failureMode: string;
  readonly cause: FalseAlarmCause | '';
  readonly note: string;
}

export const emptyCloseForm: CloseForm = { kind: '', failureMode: '', cause: '', note: '' };

/** The disposition a close form sends, or what is still missing, in the user's words. */
export const dispositionOf = (
  form: CloseForm,
): { readonly ok: true; readonly disposition: DispositionInput } | { readonly ok: false; readonly message: string } => {
  const note = form.note.trim() === '' ? null : form.note.trim();
  switch (form.kind) {
    case '':
      return { ok: false, message: 'choose a disposition: confirmed, false alarm or not actionable' };
    case 'confirmed':
      return form.failureMode.trim() === ''
        ? { ok: false, message: 'a confirmed alert needs its failure mode' }
        : { ok: true, disposition: { kind: 'confirmed', failureMode: form.failureMode.trim(), note } };
    case 'false-alarm':
      return form.cause === '' || !FALSE_ALARM_CAUSES.includes(form.cause)
        ? { ok: false, message: 'a false alarm needs its cause' }
        : { ok: true, disposition: { kind: 'false-alarm', cause: form.cause, note } };
    case 'not-actionable':
      return { ok: true, disposition: { kind: 'not-actionable', note } };
  }
};

export const MAX_SHELVE_HOURS = 30 * 24;

/** The shelf's end from "hours from now": a shelf needs a reason and always expires (30 days at most). */
export const shelveRequest = (
  reason: string,
  hoursText: string,
  nowMs: number,
):
  | { readonly ok: true; readonly reason: string; readonly until: string }
  | { readonly ok: false; readonly message: string } => {
  if (reason.trim() === '') return { ok: false, message: 'shelving needs a reason' };
  const hours = Number(hoursText);
  if (hoursText.trim() === '' || !Number.isFinite(hours) || hours <= 0)
    return { ok: false, message: 'give the shelf a duration in hours (more than 0)' };
  if (hours > MAX_SHELVE_HOURS)
    return { ok: false, message: `a shelf lasts at most ${MAX_SHELVE_HOURS} hours (30 days)` };
  return { ok: true, reason: reason.trim(), until: new Date(nowMs + hours * 3600_000).toISOString() };
};

export interface HealthChart {
  /** SVG path of the health line ("M x y L x y ..."), broken where a window could not be scored. */
  readonly path: string;
  /** y of the set and clear levels, when a rule exists and the level is inside the value range. */
  readonly setY: number | null;
  readonly clearY: number | null;
  /** Alert bands: x from raising to clearing (to the right edge while still active). */
  readonly bands: readonly {
    readonly id: string;
    readonly x0: number;
    readonly x1: number;
    readonly status: Alert['status'];
  }[];
  readonly min: number;
  readonly max: number;
}

/** Maps a health series into a width x height box (y grows downwards), keeping the rule's levels in view. */
export const healthChart = (series: HealthSeries, width: number, height: number): HealthChart | null => {
  const values = series.value.filter((v): v is number => v !== null);
  if (series.t.length === 0 || values.length === 0) return null;
  const levels =
    series.rule === null ? [] : [series.rule.setLevel, series.rule.clearLevel].filter((l) => Math.abs(l) < 1e12);
  let min = Math.min(...values, ...levels);
  let max = Math.max(...values, ...levels);
  if (max === min) {
    min -= 1;
    max += 1;
  }
  const t0 = series.t[0] as number;
  const t1 = series.t[series.t.length - 1] as number;
  const span = t1 === t0 ? 1 : t1 - t0;
  const x = (t: number) => Math.min(width, Math.max(0, ((t - t0) / span) * width));
  const y = (v: number) => height - ((v - min) / (max - min)) * height;
  let path = '';
  let pen = false;
  series.t.forEach((t, i) => {
    const v = series.value[i];
    if (v === null || v === undefined) {
      pen = false;
      return;
    }
    path += `${pen ? 'L' : 'M'}${x(t).toFixed(1)} ${y(v).toFixed(1)} `;
    pen = true;
  });
  const levelY = (l: number | undefined) => (l === undefined || l < min || l > max ? null : y(l));
  return {
    path: path.trim(),
    setY: series.rule === null ? null : levelY(series.rule.setLevel),
    clearY:
      series.rule === null || series.rule.clearLevel === series.rule.setLevel ? null : levelY(series.rule.clearLevel),
    bands: series.alerts
      .filter((a) => a.raisedT <= t1 && (a.clearedT ?? Infinity) >= t0)
      .map((a) => ({ id: a.id, x0: x(a.raisedT), x1: a.clearedT === null ? width : x(a.clearedT), status: a.status })),
    min,
    max,
  };
};

/** One line after a "Score now": what was scored, blocked and raised. */
export const scoringSummary = (r: ScoringResult): string => {
  const parts = [
    `${r.scored} asset${r.scored === 1 ? '' : 's'} scored (${r.windows} window${r.windows === 1 ? '' : 's'}) with v${r.modelVersion}`,
  ];
  if (r.upToDate.length > 0) parts.push(`${r.upToDate.length} up to date`);
  if (r.blocked.length > 0) parts.push(`${r.blocked.length} blocked (${r.blocked.map((b) => b.asset).join(', ')})`);
  const warnings = r.violations.filter((v) => v.severity === 'warn').length;
  if (warnings > 0) parts.push(`${warnings} contract warning${warnings === 1 ? '' : 's'}`);
  parts.push(`${r.alerts.opened.length} alert${r.alerts.opened.length === 1 ? '' : 's'} opened`);
  if (r.alerts.cleared.length > 0) parts.push(`${r.alerts.cleared.length} cleared`);
  const flagged = r.drift.signals.filter((f) => f.flagged).length;
  parts.push(
    r.driftChecked
      ? `drift flagged on ${flagged} chunk${flagged === 1 ? '' : 's'}`
      : 'drift not judged (no reference in the package)',
  );
  if (r.pendingVersion !== null) parts.push(`v${r.pendingVersion} waits for confirmation`);
  return parts.join(' · ');
};
