import { CRITICALITY_DEFAULT } from '../../../shared/reports.js';
import type { Deployment } from '../../../shared/monitoring.js';
import { formatter } from './format.js';
import type { ReportData } from './report-data.js';
import { cell, NO_DATA_NOTICE, type Block, type ReportDocument, type Tone } from './report-document.js';

/**
 * Fleet health for a period (issue 11, report 1): each monitored asset in a health band from its latest model
 * output and open alerts, a risk ranking (band weight x criticality), remaining life where a RUL model is
 * deployed, open alerts with their age, and data health (contract blocks, data that stopped arriving).
 */

export const HEALTH_BANDS = ['act-now', 'watch', 'healthy', 'no-data'] as const;
export type HealthBand = (typeof HEALTH_BANDS)[number];

export const BAND_LABELS: Readonly<Record<HealthBand, string>> = {
  'act-now': 'act now',
  watch: 'watch',
  healthy: 'healthy',
  'no-data': 'no data',
};
const BAND_TONES: Readonly<Record<HealthBand, Tone>> = {
  'act-now': 'bad',
  watch: 'watch',
  healthy: 'good',
  'no-data': 'none',
};
/** Risk = band weight x criticality: an unknown health counts as healthy, so risk never hides behind no data. */
export const BAND_WEIGHTS: Readonly<Record<HealthBand, number>> = {
  'act-now': 3,
  watch: 2,
  healthy: 1,
  'no-data': 1,
};

/** Within this fraction of the set level (on the healthy side) an asset is on watch. */
export const WATCH_MARGIN = 0.1;
/** Timestamp data older than this at the period's end has stopped arriving. */
export const STALE_DATA_US = 24 * 3600e6;

export interface AssetHealth {
  readonly asset: string;
  readonly criticality: number;
  readonly assetClass: string | null;
  readonly deploymentId: string | null;
  readonly output: string | null;
  readonly latest: number | null;
  readonly latestT: number | null;
  readonly band: HealthBand;
  readonly risk: number;
  /** Remaining life where the output is a RUL: the latest estimate, and the range over the recent windows. */
  readonly rul: {
    readonly estimate: number;
    readonly low: number;
    readonly high: number;
    readonly windows: number;
  } | null;
  readonly openAlerts: readonly { readonly id: string; readonly age: number }[];
  readonly dataIssues: readonly string[];
}

const isRul = (output: string) => /rul|remaining/i.test(output);

const bandOf = (deployment: Deployment, latest: number | null, openAlerts: number): HealthBand => {
  if (latest === null) return openAlerts > 0 ? 'act-now' : 'no-data';
  if (openAlerts > 0) return 'act-now';
  const rule = deployment.rule;
  if (rule === null) return 'healthy';
  const worse = rule.direction === 'above' ? 1 : -1;
  if (worse * (latest - rule.setLevel) >= 0) return 'act-now';
  const clear = rule.clearLevel ?? rule.setLevel;
  const margin = Math.abs(rule.setLevel) * WATCH_MARGIN;
  if (worse * (latest - clear) > 0 || Math.abs(latest - rule.setLevel) <= margin) return 'watch';
  return 'healthy';
};

const worst = (a: HealthBand, b: HealthBand): HealthBand =>
  HEALTH_BANDS.indexOf(a) <= HEALTH_BANDS.indexOf(b) ? a : b;

/** One row per monitored asset: the worst band over the deployments that monitor it. */
export const fleetHealth = (data: ReportData): AssetHealth[] => {
  const to = data.period.to ?? Number.MAX_SAFE_INTEGER;
  const crit = new Map(data.criticality.map((c) => [c.asset, c]));
  const assets = [...new Set(data.deployments.flatMap((d) => d.assets))].sort((a, b) => a.localeCompare(b));
  return assets.map((asset) => {
    const open = data.alerts.filter((a) => a.asset === asset && a.status !== 'closed' && a.raisedT <= to);
    interface Chosen {
      readonly deploymentId: string;
      readonly output: string | null;
      readonly latest: number | null;
      readonly latestT: number | null;
    }
    let band: HealthBand = 'no-data';
    let chosen = null as Chosen | null;
    let rul: AssetHealth['rul'] = null;
    for (const d of data.deployments.filter((x) => x.assets.includes(asset))) {
      const series = data.scores.find((s) => s.deploymentId === d.id && s.asset === asset);
      const values = (series?.value ?? []).filter((v): v is number => v !== null);
      const latest = values.at(-1) ?? null;
      const b = bandOf(d, latest, open.filter((a) => a.deploymentId === d.id).length);
      if (chosen === null || worst(b, band) === b) {
        band = worst(b, band);
        chosen = {
          deploymentId: d.id,
          output: series?.output ?? d.rule?.output ?? null,
          latest,
          latestT: series?.t.at(-1) ?? null,
        };
      }
      if (series !== undefined && isRul(series.output) && latest !== null) {
        rul = { estimate: latest, low: Math.min(...values), high: Math.max(...values), windows: values.length };
      }
    }
    const issues: string[] = [];
    const blocks = data.violations.filter((v) => v.asset === asset && v.severity === 'block');
    for (const message of new Set(blocks.map((v) => v.message))) issues.push(message);
    // Warnings do not stop scoring but still mean the data is not what the model was trained on.
    const warns = data.violations.filter((v) => v.asset === asset && v.severity === 'warn');
    if (warns.length > 0) {
      const codes = [...new Set(warns.map((v) => `${v.signal} ${v.code}`))].sort();
      issues.push(
        `${warns.length} contract warning(s): ${codes.slice(0, 4).join(', ')}${codes.length > 4 ? ', …' : ''}`,
      );
    }
    const last = data.lastReading.get(asset);
    if (last === undefined) issues.push('no readings in the workspace');
    else if (data.period.timeKind === 'timestamp' && data.period.to !== null && last < data.period.to - STALE_DATA_US)
      issues.push(`data stopped arriving: newest reading ${new Date(last / 1000).toISOString().slice(0, 16)} UTC`);
    const c = crit.get(asset);
    const criticality = c?.criticality ?? CRITICALITY_DEFAULT;
    return {
      asset,
      criticality,
      assetClass: c?.assetClass ?? null,
      deploymentId: chosen?.deploymentId ?? null,
      output: chosen?.output ?? null,
      latest: chosen?.latest ?? null,
      latestT: chosen?.latestT ?? null,
      band,
      risk: BAND_WEIGHTS[band] * criticality,
      rul,
      openAlerts: open.map((a) => ({ id: a.id, age: to - a.raisedT })),
      dataIssues: issues,
    };
  });
};

export const bandCounts = (rows: readonly AssetHealth[]): Readonly<Record<HealthBand, number>> => {
  const counts: Record<HealthBand, number> = { 'act-now': 0, watch: 0, healthy: 0, 'no-data': 0 };
  for (const r of rows) counts[r.band] += 1;
  return counts;
};

/** Highest risk first; ties: the more critical, then by name. */
export const riskRanking = (rows: readonly AssetHealth[]): AssetHealth[] =>
  [...rows].sort((a, b) => b.risk - a.risk || b.criticality - a.criticality || a.asset.localeCompare(b.asset));

export const fleetReport = (
  data: ReportData,
  options: { readonly generatedAt: string; readonly locale: string },
): ReportDocument => {
  const f = formatter(options.locale, data.period.timeKind);
  const rows = fleetHealth(data);
  const counts = bandCounts(rows);
  const ranked = riskRanking(rows);
  const openAlerts = rows.flatMap((r) => r.openAlerts.map((a) => ({ ...a, asset: r.asset })));
  const dataIssues = rows.filter((r) => r.dataIssues.length > 0);
  const notices = data.hasMonitoringData ? [] : [NO_DATA_NOTICE];
  const warnings: string[] = [];
  if (data.deployments.length === 0) warnings.push('no active deployment in this workspace: nothing is monitored');
  const unset = data.criticality.filter((c) => !c.set && rows.some((r) => r.asset === c.asset)).length;
  if (unset > 0)
    warnings.push(`${unset} asset(s) have no criticality set; the default (${CRITICALITY_DEFAULT}) is used`);

  const matrix: Block = {
    kind: 'table',
    caption: 'Assets by health band (from the latest model output and open alerts)',
    head: ['asset', 'class', 'act now', 'watch', 'healthy', 'no data', 'latest output', 'at'],
    rows: rows.map((r) => [
      cell(r.asset),
      cell(r.assetClass ?? '—'),
      ...HEALTH_BANDS.map((b) => (r.band === b ? cell('●', { tone: BAND_TONES[b] }) : cell(''))),
      cell(f.number(r.latest), { numeric: true }),
      cell(f.time(r.latestT)),
    ]),
    empty: 'No asset is monitored.',
  };
  const rulRows = rows.filter((r) => r.rul !== null);
  return {
    kind: 'fleet',
    title: 'Fleet health',
    plant: data.plant,
    period: data.period,
    generatedAt: options.generatedAt,
    notices,
    summary: [
      { label: 'assets monitored', value: String(rows.length) },
      { label: 'act now', value: String(counts['act-now']), tone: counts['act-now'] > 0 ? 'bad' : 'good' },
      { label: 'watch', value: String(counts.watch), tone: counts.watch > 0 ? 'watch' : 'good' },
      { label: 'healthy', value: String(counts.healthy), tone: 'good' },
      { label: 'open alerts', value: String(openAlerts.length), tone: openAlerts.length > 0 ? 'bad' : 'good' },
      { label: 'data problems', value: String(dataIssues.length), tone: dataIssues.length > 0 ? 'watch' : 'good' },
    ],
    sections: [
      {
        title: 'Health bands',
        blocks: [
          {
            kind: 'chart',
            caption: 'Assets per health band',
            chart: {
              kind: 'bars',
              unit: 'assets',
              bars: HEALTH_BANDS.map((b) => ({ label: BAND_LABELS[b], value: counts[b], tone: BAND_TONES[b] })),
            },
          },
          {
            kind: 'text',
            text:
              `Act now: an open alert, or the latest output past the alert rule's set level. Watch: past the clear ` +
              `level, or within ${WATCH_MARGIN * 100}% of the set level. Healthy: neither. No data: nothing scored.`,
          },
        ],
      },
      {
        title: 'Risk ranking',
        blocks: [
          {
            kind: 'chart',
            caption: 'Ten highest risks (risk = band weight × criticality)',
            chart: {
              kind: 'bars',
              unit: 'risk',
              bars: ranked.slice(0, 10).map((r) => ({ label: r.asset, value: r.risk, tone: BAND_TONES[r.band] })),
            },
          },
          {
            kind: 'table',
            caption: 'Risk ranking: band weight (act now 3, watch 2, healthy or no data 1) × criticality (1–5)',
            head: ['rank', 'asset', 'band', 'criticality', 'risk', 'open alerts'],
            rows: ranked.map((r, i) => [
              cell(i + 1),
              cell(r.asset),
              cell(BAND_LABELS[r.band], { tone: BAND_TONES[r.band] }),
              cell(r.criticality),
              cell(r.risk),
              cell(r.openAlerts.length),
            ]),
            empty: 'No asset is monitored.',
          },
        ],
      },
      { title: 'Asset × health band', pageBreak: true, blocks: [matrix] },
      {
        title: 'Estimated remaining life',
        blocks: [
          {
            kind: 'table',
            caption: 'Latest estimate and its range over the most recent scored windows (model output units)',
            head: ['asset', 'estimate', 'interval (low – high)', 'windows'],
            rows: rulRows.map((r) => [
              cell(r.asset),
              cell(f.number(r.rul?.estimate ?? null, 1), { numeric: true }),
              cell(`${f.number(r.rul?.low ?? null, 1)} – ${f.number(r.rul?.high ?? null, 1)}`, { numeric: true }),
              cell(r.rul?.windows ?? 0),
            ]),
            empty: 'No remaining-useful-life model is deployed on these assets.',
          },
        ],
      },
      {
        title: 'Open alerts',
        blocks: [
          {
            kind: 'table',
            caption: 'Alerts not closed at the end of the period, oldest first',
            head: ['alert', 'asset', 'age at period end'],
            rows: [...openAlerts]
              .sort((a, b) => b.age - a.age)
              .map((a) => [cell(a.id), cell(a.asset), cell(f.duration(a.age), { numeric: true })]),
            empty: 'No open alerts.',
          },
        ],
      },
      {
        title: 'Data health',
        blocks: [
          {
            kind: 'table',
            caption: 'Assets whose data broke the contract (blocked or warned) or stopped arriving',
            head: ['asset', 'problem'],
            rows: dataIssues.flatMap((r) =>
              r.dataIssues.map((issue) => [cell(r.asset), cell(issue, { tone: 'watch' })]),
            ),
            empty: 'Every monitored asset delivered data the models accept.',
          },
        ],
      },
    ],
    warnings,
  };
};
