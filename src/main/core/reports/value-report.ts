import type { Alert } from '../../../shared/monitoring.js';
import type { RoiAssumptions } from '../../../shared/reports.js';
import { formatter } from './format.js';
import type { ReportData, WorkspaceEvent } from './report-data.js';
import { cell, NO_DATA_NOTICE, type ReportDocument } from './report-document.js';

/**
 * Value (ROI) for a period (issue 11, report 4). The only evidence counted: a confirmed alert with a lead time,
 * i.e. raised before the work order it is linked to (or, without a link, before the next failure or maintenance
 * event of its asset). Each one turned an unplanned outage into a planned repair:
 *
 *   avoided cost = Σ over counted alerts [ (unplanned h − planned h) × downtime cost per h of the asset's class
 *                                          + (unplanned repair cost − planned repair cost) ]
 */

export const ROI_FORMULA =
  'avoided cost = Σ over counted alerts [ (unplanned outage h − planned outage h) × downtime cost per h (asset class) ' +
  '+ (unplanned repair cost − planned repair cost) ]';

export interface CountedAlert {
  readonly alert: Alert;
  readonly assetClass: string | null;
  readonly leadTime: number;
  readonly costPerHour: number;
  readonly avoidedHours: number;
  readonly avoidedCost: number;
}

export interface RoiFigures {
  readonly counted: readonly CountedAlert[];
  /** Confirmed alerts left out because no later work order or failure shows a lead time. */
  readonly confirmedWithoutLeadTime: number;
  readonly falseAlarms: number;
  readonly avoidedHours: number;
  readonly avoidedCost: number;
}

/** Time from the alert to the event that proves it: its linked work order, else the next failure/maintenance. */
export const leadTimeOf = (alert: Alert, events: readonly WorkspaceEvent[]): number | null => {
  const d = alert.closed?.disposition;
  if (d?.kind !== 'confirmed') return null;
  const linked = d.workOrderEventId === null ? undefined : events.find((e) => e.id === d.workOrderEventId);
  const proof =
    linked ??
    events.find(
      (e) => e.asset === alert.asset && (e.kind === 'failure' || e.kind === 'maintenance') && e.t > alert.raisedT,
    );
  if (proof === undefined) return null;
  const lead = proof.t - alert.raisedT;
  return lead > 0 ? lead : null;
};

export const costPerHour = (roi: RoiAssumptions, assetClass: string | null): number =>
  (assetClass === null ? undefined : roi.downtimeCostPerHour.byClass[assetClass]) ?? roi.downtimeCostPerHour.default;

export const roiFigures = (data: ReportData): RoiFigures => {
  const roi = data.roi;
  const lo = data.period.from ?? -Infinity;
  const hi = data.period.to ?? Infinity;
  const classes = new Map(data.criticality.map((c) => [c.asset, c.assetClass]));
  const inPeriod = data.alerts.filter((a) => a.raisedT >= lo && a.raisedT <= hi);
  const confirmed = inPeriod.filter((a) => a.closed?.disposition.kind === 'confirmed');
  const counted: CountedAlert[] = [];
  for (const alert of confirmed) {
    const leadTime = leadTimeOf(alert, data.events);
    if (leadTime === null) continue;
    const assetClass = classes.get(alert.asset) ?? null;
    const perHour = costPerHour(roi, assetClass);
    const avoidedHours = roi.unplannedOutageHours - roi.plannedOutageHours;
    counted.push({
      alert,
      assetClass,
      leadTime,
      costPerHour: perHour,
      avoidedHours,
      avoidedCost: avoidedHours * perHour + (roi.unplannedRepairCost - roi.plannedRepairCost),
    });
  }
  return {
    counted,
    confirmedWithoutLeadTime: confirmed.length - counted.length,
    falseAlarms: inPeriod.filter((a) => a.closed?.disposition.kind === 'false-alarm').length,
    avoidedHours: counted.reduce((s, c) => s + c.avoidedHours, 0),
    avoidedCost: counted.reduce((s, c) => s + c.avoidedCost, 0),
  };
};

export const valueReport = (
  data: ReportData,
  options: { readonly generatedAt: string; readonly locale: string },
): ReportDocument => {
  const f = formatter(options.locale, data.period.timeKind);
  const roi = data.roi;
  const r = roiFigures(data);
  const money = (v: number) => f.money(v, roi.currency);
  const warnings: string[] = [];
  if (r.confirmedWithoutLeadTime > 0)
    warnings.push(
      `${r.confirmedWithoutLeadTime} confirmed alert(s) are not counted: no later work order or failure shows a lead time`,
    );
  const byClass = Object.entries(roi.downtimeCostPerHour.byClass).sort(([a], [b]) => a.localeCompare(b));
  return {
    kind: 'value',
    title: 'Value (ROI)',
    plant: data.plant,
    period: data.period,
    generatedAt: options.generatedAt,
    notices: data.hasMonitoringData ? [] : [NO_DATA_NOTICE],
    summary: [
      { label: 'avoided cost', value: money(r.avoidedCost), tone: r.avoidedCost > 0 ? 'good' : 'none' },
      { label: 'avoided unplanned downtime', value: `${f.number(r.avoidedHours, 1)} h` },
      { label: 'alerts counted', value: String(r.counted.length), note: 'confirmed, with a lead time' },
      { label: 'false alarms', value: String(r.falseAlarms), note: 'not counted, not charged' },
    ],
    sections: [
      {
        title: 'How the figure is made',
        blocks: [
          {
            kind: 'formula',
            formula: ROI_FORMULA,
            terms: [
              { label: 'counted alerts', value: String(r.counted.length) },
              { label: 'unplanned outage', value: `${f.number(roi.unplannedOutageHours, 1)} h` },
              { label: 'planned outage', value: `${f.number(roi.plannedOutageHours, 1)} h` },
              { label: 'unplanned repair cost', value: money(roi.unplannedRepairCost) },
              { label: 'planned repair cost', value: money(roi.plannedRepairCost) },
            ],
            result: { label: 'avoided cost', value: money(r.avoidedCost) },
          },
          {
            kind: 'table',
            caption: 'Assumptions (edit them in the Reports area or with the API; every one is printed here)',
            head: ['assumption', 'value'],
            rows: [
              [cell('currency'), cell(roi.currency)],
              [
                cell('downtime cost per hour, default'),
                cell(money(roi.downtimeCostPerHour.default), { numeric: true }),
              ],
              ...byClass.map(([c, v]) => [
                cell(`downtime cost per hour, class ${c}`),
                cell(money(v), { numeric: true }),
              ]),
              [cell('mean unplanned outage'), cell(`${f.number(roi.unplannedOutageHours, 1)} h`, { numeric: true })],
              [cell('mean planned outage'), cell(`${f.number(roi.plannedOutageHours, 1)} h`, { numeric: true })],
              [cell('unplanned repair cost'), cell(money(roi.unplannedRepairCost), { numeric: true })],
              [cell('planned repair cost'), cell(money(roi.plannedRepairCost), { numeric: true })],
            ],
            empty: '',
          },
          {
            kind: 'text',
            text:
              'Only confirmed alerts with a lead time count: raised before the work order they are linked to ' +
              '(without a link, before the next failure or maintenance event of the asset). False alarms, ' +
              'not-actionable and open alerts are not counted.',
          },
        ],
      },
      {
        title: 'Counted alerts',
        blocks: [
          {
            kind: 'chart',
            caption: `Avoided cost per asset (${roi.currency})`,
            chart: {
              kind: 'bars',
              unit: roi.currency,
              bars: [...new Set(r.counted.map((c) => c.alert.asset))].sort().map((asset) => ({
                label: asset,
                value: r.counted.filter((c) => c.alert.asset === asset).reduce((s, c) => s + c.avoidedCost, 0),
                tone: 'good' as const,
              })),
            },
          },
          {
            kind: 'table',
            caption: 'Each counted alert and what it avoided',
            head: ['alert', 'asset', 'class', 'lead time', 'cost per h', 'avoided h', 'avoided cost'],
            rows: r.counted.map((c) => [
              cell(c.alert.id),
              cell(c.alert.asset),
              cell(c.assetClass ?? 'default'),
              cell(f.duration(c.leadTime), { numeric: true }),
              cell(money(c.costPerHour), { numeric: true }),
              cell(f.number(c.avoidedHours, 1), { numeric: true }),
              cell(money(c.avoidedCost), { numeric: true }),
            ]),
            empty: 'No confirmed alert with a lead time in this period: no value is claimed.',
          },
        ],
      },
    ],
    warnings,
  };
};
