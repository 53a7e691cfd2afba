import type { Alert } from '../../../shared/monitoring.js';
import type { RuleEvent } from '../../../shared/alert-rules.js';

/**
 * Alert performance figures from alerts, their dispositions, the rule's set/clear transitions and failure
 * events, in the terms of alarm management (ISA-18.2 / EEMUA 191): floods, chattering and stale alarms next
 * to precision, false alarms per asset-month and lead time before failures.
 *
 * Times of alerts and transitions are on the data axis (µs for timestamp data): a backfilled quarter shows the
 * floods it would have caused. Staleness is wall-clock time, because it is about alerts sitting unhandled.
 */

const MINUTE_US = 60e6;
const HOUR_MS = 3600e3;
const MONTH_US = 30 * 24 * 3600e6;

export interface FigureOptions {
  /** More than `floodAlerts` alerts raised within `floodWindow` is a flood (default: more than 10 in 10 min). */
  readonly floodAlerts?: number;
  readonly floodWindow?: number;
  /** At least `chatterTransitions` sets and clears on one asset within `chatterWindow` (default: 3 in 1 min). */
  readonly chatterTransitions?: number;
  readonly chatterWindow?: number;
  /** Open longer than this (wall-clock ms) is stale (default 24 h). */
  readonly staleAfterMs?: number;
  /** How far before a failure an alert still counts as its warning (data axis; default: since the last failure). */
  readonly maxLead?: number | null;
}

export interface AlertFiguresInput {
  readonly alerts: readonly Alert[];
  /** The rule's transitions per asset, for chattering (a chattering alert may never reach the list twice). */
  readonly transitions?: readonly (RuleEvent & { readonly asset: string })[];
  /** Failure events on the data axis. */
  readonly failures: readonly { readonly asset: string; readonly t: number }[];
  /** The period the figures cover (data axis) and how many assets were monitored in it. */
  readonly period: { readonly from: number; readonly to: number };
  readonly assets: number;
  /** Wall-clock now (ISO), for staleness. */
  readonly now: string;
  readonly options?: FigureOptions;
}

export interface AlertFigures {
  readonly raised: number;
  readonly open: number;
  readonly closed: number;
  readonly confirmed: number;
  readonly falseAlarms: number;
  readonly notActionable: number;
  /** Confirmed / closed with any disposition (an alert needing no action is not a true positive); null: none closed. */
  readonly precision: number | null;
  readonly falseAlarmCauses: Readonly<Record<string, number>>;
  readonly falseAlarmsPerAssetMonth: number | null;
  /** Failures warned of by an alert not closed as a false alarm, the ones missed, and the mean lead time. */
  readonly failuresDetected: number;
  readonly failuresMissed: number;
  readonly meanLeadTime: number | null;
  readonly floods: readonly { readonly from: number; readonly to: number; readonly alerts: number }[];
  readonly chattering: readonly { readonly asset: string; readonly from: number; readonly transitions: number }[];
  readonly stale: readonly string[];
}

/** Episodes where more than `limit` times fall within a sliding `window`: each episode counted once. */
const bursts = (times: readonly number[], limit: number, window: number) => {
  const sorted = [...times].sort((a, b) => a - b);
  const out: { from: number; to: number; count: number }[] = [];
  let start = 0;
  let current: { from: number; to: number; count: number } | null = null;
  for (let end = 0; end < sorted.length; end += 1) {
    const t = sorted[end] as number;
    while (t - (sorted[start] as number) >= window) start += 1;
    const inWindow = end - start + 1;
    if (inWindow > limit) {
      if (current !== null && (sorted[start] as number) <= current.to) {
        current.to = t;
        current.count += 1;
      } else {
        current = { from: sorted[start] as number, to: t, count: inWindow };
        out.push(current);
      }
    }
  }
  return out;
};

export const alertFigures = (input: AlertFiguresInput): AlertFigures => {
  const o = input.options ?? {};
  const alerts = input.alerts;
  const closed = alerts.filter((a) => a.closed !== null);
  const kinds = closed.map((a) => a.closed?.disposition.kind);
  const confirmed = kinds.filter((k) => k === 'confirmed').length;
  const falseAlarms = kinds.filter((k) => k === 'false-alarm').length;
  const notActionable = kinds.filter((k) => k === 'not-actionable').length;
  const falseAlarmCauses: Record<string, number> = {};
  for (const a of closed) {
    const d = a.closed?.disposition;
    if (d?.kind === 'false-alarm') falseAlarmCauses[d.cause] = (falseAlarmCauses[d.cause] ?? 0) + 1;
  }
  const months = (input.period.to - input.period.from) / MONTH_US;
  const assetMonths = input.assets * months;

  // Lead time: for each failure, the earliest alert on its asset after the previous failure (and within
  // maxLead), unless it was closed as a false alarm.
  let detected = 0;
  let leadSum = 0;
  const failures = [...input.failures].sort((a, b) => a.t - b.t);
  failures.forEach((failure, i) => {
    const previous = failures
      .slice(0, i)
      .filter((f) => f.asset === failure.asset)
      .at(-1);
    const earliest = Math.max(
      previous?.t ?? -Infinity,
      o.maxLead === undefined || o.maxLead === null ? -Infinity : failure.t - o.maxLead,
    );
    const warning = alerts
      .filter(
        (a) =>
          a.asset === failure.asset &&
          a.raisedT > earliest &&
          a.raisedT <= failure.t &&
          a.closed?.disposition.kind !== 'false-alarm',
      )
      .sort((a, b) => a.raisedT - b.raisedT)[0];
    if (warning !== undefined) {
      detected += 1;
      leadSum += failure.t - warning.raisedT;
    }
  });

  const floods = bursts(
    alerts.map((a) => a.raisedT),
    o.floodAlerts ?? 10,
    o.floodWindow ?? 10 * MINUTE_US,
  ).map((b) => ({ from: b.from, to: b.to, alerts: b.count }));

  const chatterLimit = (o.chatterTransitions ?? 3) - 1;
  const chattering: { asset: string; from: number; transitions: number }[] = [];
  const byAsset = new Map<string, number[]>();
  for (const e of input.transitions ?? []) {
    if (e.kind === 'realert') continue;
    byAsset.set(e.asset, [...(byAsset.get(e.asset) ?? []), e.t]);
  }
  for (const [asset, times] of [...byAsset].sort(([a], [b]) => a.localeCompare(b))) {
    for (const b of bursts(times, chatterLimit, o.chatterWindow ?? MINUTE_US))
      chattering.push({ asset, from: b.from, transitions: b.count });
  }

  const now = Date.parse(input.now);
  const staleAfter = o.staleAfterMs ?? 24 * HOUR_MS;
  const stale = alerts
    .filter((a) => a.status !== 'closed' && now - Date.parse(a.raisedAt) > staleAfter)
    .filter((a) => a.shelf === null || now >= Date.parse(a.shelf.until))
    .map((a) => a.id);

  return {
    raised: alerts.length,
    open: alerts.length - closed.length,
    closed: closed.length,
    confirmed,
    falseAlarms,
    notActionable,
    precision: closed.length > 0 ? confirmed / closed.length : null,
    falseAlarmCauses,
    falseAlarmsPerAssetMonth: assetMonths > 0 ? falseAlarms / assetMonths : null,
    failuresDetected: detected,
    failuresMissed: failures.length - detected,
    meanLeadTime: detected > 0 ? leadSum / detected : null,
    floods,
    chattering,
    stale,
  };
};

/**
 * The same figures per asset and per calendar month (UTC, by when each alert was raised; timestamp data). A
 * failure is credited only to alerts raised in its own month: lead times across a month boundary are in the
 * whole-period figures.
 */
export const alertFiguresByAssetMonth = (
  input: AlertFiguresInput,
): { readonly asset: string; readonly month: string; readonly figures: AlertFigures }[] => {
  const monthOf = (t: number) => new Date(t / 1000).toISOString().slice(0, 7);
  const keys = new Map<string, { asset: string; month: string }>();
  for (const a of input.alerts)
    keys.set(`${a.asset}\u0000${monthOf(a.raisedT)}`, { asset: a.asset, month: monthOf(a.raisedT) });
  for (const f of input.failures) keys.set(`${f.asset}\u0000${monthOf(f.t)}`, { asset: f.asset, month: monthOf(f.t) });
  return [...keys.values()]
    .sort((a, b) => a.asset.localeCompare(b.asset) || a.month.localeCompare(b.month))
    .map(({ asset, month }) => {
      const start = Date.parse(`${month}-01T00:00:00Z`) * 1000;
      const next = new Date(start / 1000);
      next.setUTCMonth(next.getUTCMonth() + 1);
      const from = Math.max(start, input.period.from);
      const to = Math.min(next.getTime() * 1000, input.period.to);
      const inMonth = (t: number) => t >= start && t < next.getTime() * 1000;
      return {
        asset,
        month,
        figures: alertFigures({
          ...input,
          alerts: input.alerts.filter((a) => a.asset === asset && inMonth(a.raisedT)),
          transitions: input.transitions?.filter((e) => e.asset === asset && inMonth(e.t)),
          failures: input.failures.filter((f) => f.asset === asset && inMonth(f.t)),
          period: { from, to },
          assets: 1,
        }),
      };
    });
};
