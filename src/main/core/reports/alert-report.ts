import type { Alert } from '../../../shared/monitoring.js';
import { alertFigures, type AlertFigures } from '../monitoring/alert-figures.js';
import { formatter } from './format.js';
import { unitsPerDay, type ReportData, type WorkspaceEvent } from './report-data.js';
import { cell, NO_DATA_NOTICE, type ReportDocument } from './report-document.js';

/**
 * Alert performance for a period (issue 11, report 2): the funnel raised -> acknowledged -> confirmed -> linked to
 * a work order -> failure avoided, precision from dispositions, false alarms per asset-month, lead time against
 * failures (monitoring/alert-figures.ts), ISA-18.2-style figures (alerts per day, floods, chattering, stale) and
 * the ten worst assets.
 */

export interface Funnel {
  readonly raised: number;
  readonly acknowledged: number;
  readonly confirmed: number;
  readonly linkedToWorkOrder: number;
  /** Confirmed, linked to a work order, and no failure of the asset between the alert and the work order. */
  readonly failureAvoided: number;
}

const confirmedWorkOrder = (a: Alert): number | null =>
  a.closed?.disposition.kind === 'confirmed' ? a.closed.disposition.workOrderEventId : null;

export const alertFunnel = (alerts: readonly Alert[], events: readonly WorkspaceEvent[]): Funnel => {
  const byId = new Map(events.map((e) => [e.id, e]));
  const confirmed = alerts.filter((a) => a.closed?.disposition.kind === 'confirmed');
  const linked = confirmed.filter((a) => confirmedWorkOrder(a) !== null);
  const avoided = linked.filter((a) => {
    const wo = byId.get(confirmedWorkOrder(a) ?? -1);
    if (wo === undefined) return false;
    return !events.some((e) => e.kind === 'failure' && e.asset === a.asset && e.t >= a.raisedT && e.t < wo.t);
  });
  return {
    raised: alerts.length,
    acknowledged: alerts.filter((a) => a.acknowledged !== null || a.closed !== null).length,
    confirmed: confirmed.length,
    linkedToWorkOrder: linked.length,
    failureAvoided: avoided.length,
  };
};

/** Alerts raised in the period (an alert still open from before the period is not counted again). */
const raisedIn = (data: ReportData): Alert[] => {
  const lo = data.period.from ?? -Infinity;
  const hi = data.period.to ?? Infinity;
  return data.alerts.filter((a) => a.raisedT >= lo && a.raisedT <= hi);
};

export interface AlertPerformance {
  readonly alerts: readonly Alert[];
  readonly assets: number;
  readonly funnel: Funnel;
  readonly figures: AlertFigures;
  readonly perDay: readonly { readonly label: string; readonly value: number }[];
  readonly alertsPerDay: number | null;
  readonly worst: readonly { readonly asset: string; readonly figures: AlertFigures }[];
}

const figuresFor = (data: ReportData, alerts: readonly Alert[], assets: readonly string[], now: string) => {
  const set = new Set(assets);
  return alertFigures({
    alerts,
    // The rule's transitions are not stored; an alert's raise and clear are the ones that reached the list.
    transitions: alerts.flatMap((a) => [
      { kind: 'set' as const, t: a.raisedT, value: a.raisedValue, asset: a.asset },
      ...(a.clearedT === null ? [] : [{ kind: 'clear' as const, t: a.clearedT, value: a.raisedValue, asset: a.asset }]),
    ]),
    failures: data.events
      .filter((e) => e.kind === 'failure' && set.has(e.asset))
      .map((e) => ({ asset: e.asset, t: e.t })),
    period: { from: data.period.from ?? 0, to: data.period.to ?? 0 },
    assets: assets.length,
    now,
    options: data.period.timeKind === 'cycle' ? { floodWindow: 1, chatterWindow: 1 } : {},
  });
};

export const alertPerformance = (data: ReportData, now: string): AlertPerformance => {
  const alerts = raisedIn(data);
  const assets = [...new Set(data.deployments.flatMap((d) => d.assets))].sort((a, b) => a.localeCompare(b));
  const figures = figuresFor(data, alerts, assets, now);
  const perDayUnit = unitsPerDay(data.period.timeKind);
  const from = data.period.from ?? 0;
  const to = data.period.to ?? 0;
  const days = Math.max(1, Math.ceil((to - from + 1) / perDayUnit));
  // At most 92 columns: longer periods group days into equal bins.
  const bin = Math.ceil(days / 92);
  const perDay = Array.from({ length: Math.ceil(days / bin) }, (_, i) => {
    const start = from + i * bin * perDayUnit;
    const label =
      data.period.timeKind === 'timestamp' ? new Date(start / 1000).toISOString().slice(5, 10) : String(start);
    return { label, value: 0 };
  });
  for (const a of alerts) {
    const i = Math.floor((a.raisedT - from) / (perDayUnit * bin));
    const slot = perDay[Math.min(Math.max(i, 0), perDay.length - 1)];
    if (slot !== undefined) slot.value += 1;
  }
  const worst = assets
    .map((asset) =>
      figuresFor(
        data,
        alerts.filter((a) => a.asset === asset),
        [asset],
        now,
      ),
    )
    .map((f, i) => ({ asset: assets[i] as string, figures: f }))
    .filter((w) => w.figures.raised > 0 || w.figures.failuresMissed > 0)
    .sort(
      (a, b) =>
        b.figures.falseAlarms - a.figures.falseAlarms ||
        b.figures.failuresMissed - a.figures.failuresMissed ||
        b.figures.raised - a.figures.raised ||
        a.asset.localeCompare(b.asset),
    )
    .slice(0, 10);
  return {
    alerts,
    assets: assets.length,
    funnel: alertFunnel(alerts, data.events),
    figures,
    perDay,
    alertsPerDay: data.period.from === null ? null : alerts.length / days,
    worst,
  };
};

export const alertReport = (
  data: ReportData,
  options: { readonly generatedAt: string; readonly locale: string },
): ReportDocument => {
  const f = formatter(options.locale, data.period.timeKind);
  const p = alertPerformance(data, options.generatedAt);
  const g = p.figures;
  const day = data.period.timeKind === 'cycle' ? 'cycle' : 'day';
  const warnings: string[] = [];
  if (g.closed === 0 && g.raised > 0) warnings.push('no alert of the period is closed yet: precision is unknown');
  return {
    kind: 'alerts',
    title: 'Alert performance',
    plant: data.plant,
    period: data.period,
    generatedAt: options.generatedAt,
    notices: data.hasMonitoringData ? [] : [NO_DATA_NOTICE],
    summary: [
      { label: 'alerts raised', value: String(g.raised) },
      { label: 'precision', value: f.percent(g.precision), note: `${g.confirmed} confirmed of ${g.closed} closed` },
      // Cycle-indexed data has no calendar: a rate per asset-month would be made up.
      data.period.timeKind === 'cycle'
        ? { label: 'false alarms', value: String(g.falseAlarms), note: 'cycle data: no rate per asset-month' }
        : {
            label: 'false alarms per asset-month',
            value: f.number(g.falseAlarmsPerAssetMonth),
            tone: (g.falseAlarmsPerAssetMonth ?? 0) > 1 ? 'bad' : 'good',
          },
      { label: 'mean lead time', value: f.duration(g.meanLeadTime), note: `${g.failuresDetected} failures warned of` },
      { label: 'failures missed', value: String(g.failuresMissed), tone: g.failuresMissed > 0 ? 'bad' : 'good' },
      { label: `alerts per ${day}`, value: f.number(p.alertsPerDay) },
    ],
    sections: [
      {
        title: 'From alert to avoided failure',
        blocks: [
          {
            kind: 'chart',
            caption: 'Alert funnel',
            chart: {
              kind: 'funnel',
              stages: [
                { label: 'raised', value: p.funnel.raised },
                { label: 'acknowledged', value: p.funnel.acknowledged },
                { label: 'confirmed', value: p.funnel.confirmed },
                { label: 'linked to a work order', value: p.funnel.linkedToWorkOrder },
                { label: 'failure avoided', value: p.funnel.failureAvoided },
              ],
            },
          },
          {
            kind: 'text',
            text:
              'Precision = confirmed ÷ closed with any disposition. Failure avoided: a confirmed alert linked to a ' +
              'work order, with no failure of the asset between the alert and the work order.',
          },
          {
            kind: 'table',
            caption: 'Dispositions of closed alerts',
            head: ['disposition', 'alerts'],
            rows: [
              [cell('confirmed'), cell(g.confirmed)],
              [cell('not actionable'), cell(g.notActionable)],
              ...Object.entries(g.falseAlarmCauses)
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([cause, n]) => [cell(`false alarm: ${cause.replace(/-/g, ' ')}`), cell(n)]),
              [cell('still open'), cell(g.open)],
            ],
            empty: 'No alerts.',
          },
        ],
      },
      {
        title: 'Alarm-management figures (ISA-18.2 style)',
        blocks: [
          {
            kind: 'chart',
            caption: `Alerts raised per ${day}${p.perDay.length > 0 && p.perDay.length < 92 ? '' : ' (grouped)'}`,
            chart: { kind: 'columns', columns: p.perDay, limit: null, unit: 'alerts' },
          },
          {
            kind: 'figures',
            figures: [
              {
                label: 'floods',
                value: String(g.floods.length),
                note: 'more than 10 alerts in 10 minutes',
                tone: g.floods.length > 0 ? 'bad' : 'good',
              },
              {
                label: 'chattering',
                value: String(g.chattering.length),
                note: '3 or more raises and clears within a minute on one asset',
                tone: g.chattering.length > 0 ? 'bad' : 'good',
              },
              {
                label: 'stale',
                value: String(g.stale.length),
                note: 'open more than 24 h',
                tone: g.stale.length > 0 ? 'watch' : 'good',
              },
            ],
          },
          {
            kind: 'table',
            caption: 'Floods',
            head: ['from', 'to', 'alerts'],
            rows: g.floods.map((x) => [cell(f.time(x.from)), cell(f.time(x.to)), cell(x.alerts)]),
            empty: 'No floods.',
          },
        ],
      },
      {
        title: 'Ten worst assets',
        pageBreak: true,
        blocks: [
          {
            kind: 'table',
            caption: 'Most false alarms first, then most missed failures',
            head: ['asset', 'raised', 'confirmed', 'false alarms', 'precision', 'missed failures', 'mean lead time'],
            rows: p.worst.map((w) => [
              cell(w.asset),
              cell(w.figures.raised),
              cell(w.figures.confirmed),
              cell(w.figures.falseAlarms, { tone: w.figures.falseAlarms > 0 ? 'bad' : 'good' }),
              cell(f.percent(w.figures.precision), { numeric: true }),
              cell(w.figures.failuresMissed),
              cell(f.duration(w.figures.meanLeadTime), { numeric: true }),
            ]),
            empty: 'No asset raised an alert or missed a failure in this period.',
          },
        ],
      },
    ],
    warnings,
  };
};
