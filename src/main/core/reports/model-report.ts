import type { Deployment } from '../../../shared/monitoring.js';
import type { Manifest } from '../registry/manifest.js';
import { alertFigures } from '../monitoring/alert-figures.js';
import { bootstrapOverAssets, type Interval } from './bootstrap.js';
import { formatter, type Formatter } from './format.js';
import type { ReportData } from './report-data.js';
import { cell, NO_DATA_NOTICE, type Block, type ReportDocument, type Section } from './report-document.js';

/**
 * The model report for one deployed model version (issue 11, report 3), in the sections of Mitchell et al.,
 * "Model Cards for Model Reporting" (FAT* 2019): model details, intended use, factors, metrics (field metrics
 * with 95% bootstrap intervals over assets), evaluation data, training data, quantitative analyses, caveats and
 * recommendations; then the data contract, drift status, approvals and stage history in plain words. The
 * engineer's model card (registry/model-card.ts) follows as an appendix.
 */

export interface ModelSource {
  /** The package's manifest from the registry; null when the registry could not be read (said in the report). */
  readonly manifest: Manifest | null;
  /** The engineer's card as HTML (body only), for the appendix. */
  readonly cardBody: string | null;
  readonly problem: string | null;
}

const TASKS: Readonly<Record<Manifest['task'], string>> = {
  rul: 'estimates the remaining useful life of each asset',
  anomaly: 'scores how unusual each asset’s recent behaviour is',
  'failure-horizon': 'estimates the probability that each asset fails within its horizon',
};

const MONTH_US = 30 * 24 * 3600e6;

interface AssetCounts {
  readonly asset: string;
  readonly confirmed: number;
  readonly closed: number;
  readonly falseAlarms: number;
  readonly months: number;
  readonly leadSum: number;
  readonly detected: number;
}

export interface FieldMetrics {
  readonly precision: Interval | null;
  readonly falseAlarmsPerAssetMonth: Interval | null;
  readonly meanLeadTime: Interval | null;
  readonly perAsset: readonly AssetCounts[];
}

const sum = (xs: readonly AssetCounts[], key: keyof Omit<AssetCounts, 'asset'>) => xs.reduce((s, x) => s + x[key], 0);

/** Pooled field metrics of one deployment with bootstrap intervals over its assets. */
export const fieldMetrics = (data: ReportData, deployment: Deployment, now: string): FieldMetrics => {
  const from = data.period.from ?? 0;
  const to = data.period.to ?? 0;
  const months = data.period.timeKind === 'timestamp' ? (to - from) / MONTH_US : 0;
  const perAsset: AssetCounts[] = deployment.assets.map((asset) => {
    const alerts = data.alerts.filter(
      (a) => a.deploymentId === deployment.id && a.asset === asset && a.raisedT >= from && a.raisedT <= to,
    );
    const g = alertFigures({
      alerts,
      failures: data.events.filter((e) => e.kind === 'failure' && e.asset === asset),
      period: { from, to },
      assets: 1,
      now,
    });
    return {
      asset,
      confirmed: g.confirmed,
      closed: g.closed,
      falseAlarms: g.falseAlarms,
      months,
      leadSum: (g.meanLeadTime ?? 0) * g.failuresDetected,
      detected: g.failuresDetected,
    };
  });
  const ratio =
    (num: keyof Omit<AssetCounts, 'asset'>, den: keyof Omit<AssetCounts, 'asset'>) =>
    (sample: readonly AssetCounts[]) => {
      const d = sum(sample, den);
      return d > 0 ? sum(sample, num) / d : null;
    };
  return {
    precision: bootstrapOverAssets(perAsset, ratio('confirmed', 'closed')),
    falseAlarmsPerAssetMonth: months > 0 ? bootstrapOverAssets(perAsset, ratio('falseAlarms', 'months')) : null,
    meanLeadTime: bootstrapOverAssets(perAsset, ratio('leadSum', 'detected')),
    perAsset,
  };
};

const classCounts = (data: ReportData, assets: readonly string[]): [string, number][] => {
  const counts = new Map<string, number>();
  for (const a of assets) {
    const k = data.criticality.find((c) => c.asset === a)?.assetClass ?? 'not set';
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts].sort(([a], [b]) => a.localeCompare(b));
};

const interval = (i: Interval | null, show: (v: number) => string) =>
  i === null ? '—' : `${show(i.value)} (95% interval ${show(i.low)} – ${show(i.high)}, ${i.assets} assets)`;

const plainStage = (h: Manifest['stageHistory'][number], f: Formatter): string => {
  const when = h.at.slice(0, 10);
  const why = h.reason === null || h.reason === '' ? '' : `: “${h.reason}”`;
  void f;
  switch (h.action) {
    case 'publish':
      return `${when}: ${h.by} published it as a candidate${why}.`;
    case 'approve':
      return `${when}: ${h.by} approved it${why}.`;
    case 'reject':
      return `${when}: ${h.by} rejected it${why}.`;
    case 'promote':
      return `${when}: ${h.by} put it into production${why}.`;
    case 'rollback':
      return `${when}: ${h.by} rolled production back to it${why}.`;
    case 'archive':
      return `${when}: ${h.by} archived it${why}.`;
    default:
      return `${when}: ${h.by} — ${h.action}, now ${h.stage}${why}.`;
  }
};

export const modelReport = (
  data: ReportData,
  source: ModelSource,
  options: { readonly generatedAt: string; readonly locale: string },
): ReportDocument => {
  const deployment = data.deployments[0];
  const f = formatter(options.locale, data.period.timeKind);
  const m = source.manifest;
  const warnings: string[] = [];
  if (deployment === undefined) warnings.push('no deployment: the model report needs --deployment <id>');
  if (source.problem !== null) warnings.push(source.problem);
  const field = deployment === undefined ? null : fieldMetrics(data, deployment, options.generatedAt);
  const drift = data.drift.filter((d) => d.flagged);
  const blocks = data.violations.filter((v) => v.severity === 'block');
  const name = m === null ? (deployment?.model.name ?? '—') : `${m.name} version ${m.version}`;
  const task = m === null ? 'unknown (registry not read)' : TASKS[m.task];
  const caveats: string[] = [];
  if (field !== null && (field.precision?.assets ?? 0) < 5)
    caveats.push(
      'Fewer than five assets have closed alerts: the intervals are wide; read them as a range, not a figure.',
    );
  if (drift.length > 0)
    caveats.push(
      `Input drift was flagged ${drift.length} time(s) on ${[...new Set(drift.map((d) => d.signal ?? 'all signals'))].join(', ')}: outputs there may be less reliable.`,
    );
  if (blocks.length > 0)
    caveats.push(
      `${new Set(blocks.map((b) => b.asset)).size} asset(s) were not scored at times because their data broke the contract.`,
    );
  if (m !== null && m.task === 'rul')
    caveats.push('Remaining-life estimates are capped where training capped them; early in life they read as the cap.');
  caveats.push('Recommendation: review false alarms by cause each month and retrain when drift persists.');

  const metricsBlocks: Block[] = [
    {
      kind: 'table',
      caption: 'In the field (this period): pooled over assets, 95% bootstrap interval over assets (1000 resamples)',
      head: ['metric', 'value'],
      rows:
        field === null
          ? []
          : [
              [cell('precision of closed alerts'), cell(interval(field.precision, (v) => f.percent(v)))],
              [
                cell('false alarms per asset-month'),
                cell(interval(field.falseAlarmsPerAssetMonth, (v) => f.number(v))),
              ],
              [cell('mean lead time before failures'), cell(interval(field.meanLeadTime, (v) => f.duration(v)))],
            ],
      empty: 'No deployment.',
    },
  ];
  if (field !== null && field.precision !== null) {
    metricsBlocks.push({
      kind: 'chart',
      caption: 'Precision with its 95% interval',
      chart: {
        kind: 'intervals',
        unit: '%',
        rows: [
          {
            label: 'precision',
            value: field.precision.value * 100,
            low: field.precision.low * 100,
            high: field.precision.high * 100,
          },
        ],
      },
    });
  }
  metricsBlocks.push({
    kind: 'table',
    caption: 'At evaluation (from the package; one figure per metric, no interval recorded)',
    head: ['metric', 'value'],
    rows: m === null ? [] : Object.entries(m.evaluation.metrics).map(([k, v]) => [cell(k), cell(f.number(v, 3))]),
    empty: 'Not available.',
  });

  const sections: Section[] = [
    {
      title: 'Model details',
      blocks: [
        {
          kind: 'table',
          caption: 'What is deployed',
          head: ['', 'value'],
          rows: [
            [cell('model'), cell(name)],
            [cell('type'), cell(m?.modelType ?? '—')],
            [cell('published'), cell(m === null ? '—' : `${m.createdAt.slice(0, 10)} by ${m.createdBy}`)],
            [cell('current stage'), cell(m?.stage ?? '—')],
            [cell('deployment'), cell(deployment === undefined ? '—' : `${deployment.id} (${deployment.name})`)],
            [cell('package hash'), cell(deployment?.packageHash ?? '—')],
          ],
          empty: '',
        },
      ],
    },
    {
      title: 'Intended use',
      blocks: [
        {
          kind: 'text',
          text:
            `The model ${task}. It is deployed on ${deployment?.assets.length ?? 0} asset(s): ` +
            `${(deployment?.assets ?? []).join(', ') || 'none'}. ` +
            (deployment?.rule === null || deployment === undefined
              ? 'No alert rule is set: it raises no alerts.'
              : `It raises an alert when ${deployment.rule.output} goes ${deployment.rule.direction} ${f.number(deployment.rule.setLevel)} in ${deployment.rule.k} of ${deployment.rule.n} windows.`) +
            ' It supports a maintenance decision; it does not replace an inspection.',
        },
      ],
    },
    {
      title: 'Factors',
      blocks: [
        {
          kind: 'table',
          caption: 'Asset classes the model is applied to (set per asset by the engineer)',
          head: ['asset class', 'assets'],
          rows: classCounts(data, deployment?.assets ?? []).map(([k, n]) => [cell(k), cell(n)]),
          empty: 'No assets.',
        },
        {
          kind: 'text',
          text: 'Operating mode is not recorded in the workspace: figures are not split by it.',
        },
      ],
    },
    { title: 'Metrics', blocks: metricsBlocks },
    {
      title: 'Evaluation data',
      blocks: [
        {
          kind: 'text',
          text:
            m?.evaluation.dataset == null
              ? 'Not recorded in the package.'
              : `${m.evaluation.dataset.description} (dataset ${m.evaluation.dataset.id}).`,
        },
      ],
    },
    {
      title: 'Training data',
      blocks: [
        {
          kind: 'text',
          text:
            m === null
              ? 'Not available.'
              : `${m.lineage.dataset.description} (dataset ${m.lineage.dataset.id}), trained ${m.lineage.trainedAt.slice(0, 10)} by ${m.lineage.trainedBy}.`,
        },
      ],
    },
    {
      title: 'Quantitative analyses',
      pageBreak: true,
      blocks: [
        {
          kind: 'table',
          caption: 'Per asset in this period',
          head: ['asset', 'closed alerts', 'confirmed', 'false alarms', 'failures warned of'],
          rows: (field?.perAsset ?? []).map((a) => [
            cell(a.asset),
            cell(a.closed),
            cell(a.confirmed),
            cell(a.falseAlarms),
            cell(a.detected),
          ]),
          empty: 'No assets.',
        },
      ],
    },
    { title: 'Caveats and recommendations', blocks: [{ kind: 'list', items: caveats }] },
    {
      title: 'Data contract',
      blocks: [
        {
          kind: 'table',
          caption: 'The signals the model needs; data outside these terms is flagged or not scored',
          head: ['signal', 'unit', 'sample period', 'valid range', 'missing data'],
          rows: (m?.dataContract.signals ?? []).map((s) => [
            cell(s.tag),
            cell(s.unit ?? '—'),
            cell(s.samplePeriod ?? '—'),
            cell(`${s.validMin ?? '−∞'} … ${s.validMax ?? '+∞'}`),
            cell(s.missingPolicy),
          ]),
          empty: 'Not available.',
        },
        {
          kind: 'text',
          text:
            blocks.length === 0
              ? 'No asset was blocked by a contract violation in this period.'
              : `${blocks.length} blocking violation(s) in this period, e.g. ${blocks[0]?.message ?? ''}`,
        },
      ],
    },
    {
      title: 'Drift status',
      blocks: [
        {
          kind: 'table',
          caption: 'Flagged drift in this period (sample size beside every flag)',
          head: ['asset', 'signal', 'method', 'value', 'threshold', 'readings'],
          rows: drift.map((d) => [
            cell(d.asset),
            cell(d.signal ?? 'all (PCA)'),
            cell(d.method),
            cell(f.number(d.value, 3)),
            cell(f.number(d.threshold, 3)),
            cell(d.readings),
          ]),
          empty: 'No drift flagged in this period.',
        },
      ],
    },
    {
      title: 'Approvals and stage history',
      blocks: [
        {
          kind: 'list',
          items:
            m === null
              ? ['Not available: the registry could not be read.']
              : [
                  ...m.approvals.map(
                    (a) =>
                      `${a.at.slice(0, 10)}: ${a.by} ${a.decision === 'approved' ? 'approved' : 'rejected'} it: “${a.reason}”.`,
                  ),
                  ...m.stageHistory.map((h) => plainStage(h, f)),
                ],
        },
      ],
    },
  ];
  if (source.cardBody !== null) {
    sections.push({
      title: 'Appendix: the engineer’s model card',
      pageBreak: true,
      blocks: [{ kind: 'html', html: source.cardBody }],
    });
  }
  return {
    kind: 'model',
    title: `Model report: ${name}`,
    plant: data.plant,
    period: data.period,
    generatedAt: options.generatedAt,
    notices: data.hasMonitoringData ? [] : [NO_DATA_NOTICE],
    summary: [
      { label: 'model', value: name },
      { label: 'assets', value: String(deployment?.assets.length ?? 0) },
      { label: 'precision', value: f.percent(field?.precision?.value ?? null) },
      {
        label: 'drift flags',
        value: String(drift.length),
        tone: drift.length > 0 ? 'watch' : 'good',
      },
    ],
    sections,
    warnings,
  };
};
