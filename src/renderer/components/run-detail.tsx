import { RunEngineLine } from './run-engine-line.js';
import { useMemo } from 'react';
import { scopeLabel } from '../../shared/run-scope.js';
import { METRICS_ON_LABELS, MetricsOnSchema } from '../../shared/run-artifact.js';
import type { RunDetail } from '../../shared/training.js';
import { useRunDetail, useRunEvaluation } from '../hooks/use-runs.js';
import { compareNatural } from '../logic/signal-tree.js';
import { formatCreated, formatDuration, formatMetric, keyMetricsFor, shortHash } from '../logic/run-list.js';
import { LossChart } from './loss-chart.js';
import { ErrorByRulChart, ImportanceChart, RulScatter } from './run-charts.js';
import { ThresholdPanel } from './threshold-panel.js';

export interface RunDetailViewProps {
  readonly id: string;
  readonly onClose: () => void;
}

/** What the run's figures were computed on (runs from before it was recorded: from their evaluation dataset). */
const figuresOn = (artifact: RunDetail['artifact']): string | null => {
  const recorded = MetricsOnSchema.safeParse(artifact?.['metricsOn']);
  if (recorded.success) return recorded.data.label;
  if (artifact === null || !('evaluationDataset' in artifact)) return null;
  return artifact['evaluationDataset'] === null ? METRICS_ON_LABELS.validation : METRICS_ON_LABELS.evaluation;
};

function MetricsList({ detail }: { detail: RunDetail }) {
  const { metrics, task } = detail.summary;
  const key = keyMetricsFor(task).map((m) => m.key);
  const others = Object.keys(metrics)
    .filter((k) => !key.includes(k))
    .sort(compareNatural);
  const on = figuresOn(detail.artifact);
  return (
    <div className="run-metrics" data-testid="run-detail-metrics">
      {on !== null ? (
        <p className="small" data-testid="run-detail-figures-on">
          Figures on: <strong>{on}</strong>
          {on === METRICS_ON_LABELS.validation
            ? ' (no held-out evaluation set: these assets also chose the epoch and the threshold; a version needs one to be approved)'
            : null}
        </p>
      ) : null}
      <dl className="summary-grid key-metrics">
        {keyMetricsFor(task).map((m) => (
          <div key={m.key} style={{ display: 'contents' }}>
            <dt>{m.label}</dt>
            <dd data-testid={`run-detail-${m.key}`}>{formatMetric(metrics[m.key])}</dd>
          </div>
        ))}
      </dl>
      {others.length > 0 ? (
        <details>
          <summary className="small">All metrics ({Object.keys(metrics).length})</summary>
          <table className="data-table compact">
            <tbody>
              {others.map((k) => (
                <tr key={k}>
                  <th scope="row" className="mono">
                    {k}
                  </th>
                  <td className="num">{formatMetric(metrics[k])}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}
    </div>
  );
}

/** Per-prediction drivers (evaluateRun): the signals that moved the worst windows' scores most. */
function Explanations({ id }: { id: string }) {
  const evaluation = useRunEvaluation(id);
  const data = evaluation.data;
  return (
    <section className="run-section" aria-label="Which signals drove the predictions">
      <div className="panel-title">
        <h4>Which signals drove the worst predictions</h4>
        <button
          type="button"
          onClick={() => void evaluation.run()}
          disabled={evaluation.loading}
          data-testid="run-explain"
        >
          {data === null ? 'Re-score and explain' : 'Re-score again'}
        </button>
      </div>
      {evaluation.loading ? (
        <p className="busy" role="status">
          <span className="spinner" /> Scoring…
        </p>
      ) : null}
      {evaluation.error !== null ? <p className="form-error">{evaluation.error}</p> : null}
      {data !== null ? (
        <>
          <p className="small" data-testid="run-reproduced" data-matches={data.matchesRecord ? 'true' : 'false'}>
            {data.matchesRecord
              ? 'Re-scoring reproduces the recorded metrics'
              : 'Re-scoring differs from the recorded metrics'}{' '}
            ({data.scoredWindows} windows, {Math.round(data.windowsPerSecond).toLocaleString('en-US')} windows/s on{' '}
            {data.backend}).
          </p>
          <table className="data-table" data-testid="run-explanations">
            <thead>
              <tr>
                <th scope="col">Asset</th>
                <th scope="col" className="num">
                  t
                </th>
                <th scope="col" className="num">
                  true
                </th>
                <th scope="col" className="num">
                  score
                </th>
                <th scope="col">Drivers (effect when replaced by the training mean)</th>
              </tr>
            </thead>
            <tbody>
              {data.explanations.map((e) => (
                <tr key={`${e.asset}-${e.t}`}>
                  <td>{e.asset}</td>
                  <td className="num">{e.t}</td>
                  <td className="num">{formatMetric(e.label)}</td>
                  <td className="num">{formatMetric(e.score)}</td>
                  <td>
                    {e.drivers.map((d) => (
                      <span key={d.signal} className="driver">
                        <span className="mono">{d.signal}</span> {d.effect >= 0 ? '+' : ''}
                        {formatMetric(d.effect)}
                      </span>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  );
}

/** One run: metrics, loss history, plots for its task, importance, and per-prediction drivers. */
/** The labelling rule in words from run.json (null for runs trained before it was recorded). */
const labelsOf = (detail: RunDetail): string | null => {
  const labels = detail.artifact?.['labels'];
  const description =
    typeof labels === 'object' && labels !== null ? (labels as { description?: unknown }).description : undefined;
  return typeof description === 'string' ? description : null;
};

export function RunDetailView({ id, onClose }: RunDetailViewProps) {
  const { data: detail, loading, error } = useRunDetail(id);
  const history = useMemo(
    () => (detail?.history ?? []).map((h) => ({ epoch: h.epoch, loss: h.loss, valLoss: h.valLoss })),
    [detail],
  );

  return (
    <section
      className="panel run-detail"
      aria-label="Run"
      data-testid="run-detail"
      data-run-id={id}
      data-task={detail?.summary.task ?? ''}
    >
      <div className="panel-title">
        <h3>{detail?.summary.name ?? id}</h3>
        <span className="mono small muted">{id}</span>
        <span className="spacer" />
        <button
          type="button"
          className="icon-button"
          aria-label="Close run"
          onClick={onClose}
          data-testid="run-detail-close"
        >
          ×
        </button>
      </div>
      {loading ? (
        <p className="busy" role="status">
          <span className="spinner" /> Loading run…
        </p>
      ) : null}
      {error !== null ? <p className="form-error">{error}</p> : null}
      {detail !== null ? (
        <>
          <p className="small muted">
            {detail.summary.task} · {detail.summary.modelType} · backend {detail.summary.backend} · seed{' '}
            {detail.summary.seed} · dataset{' '}
            <span className="mono" title={detail.summary.datasetHash}>
              {shortHash(detail.summary.datasetHash)}
            </span>{' '}
            · {formatCreated(detail.summary.createdAt)} · {formatDuration(detail.summary.durationS)}
            {detail.summary.status !== 'done' ? <span className="badge bad"> {detail.summary.status}</span> : null}
          </p>
          <p className="small" data-testid="run-detail-scope">
            Scored on: {scopeLabel(detail.summary.scope)}
            {labelsOf(detail) === null ? null : <> · Labels: {labelsOf(detail)}</>}
          </p>
          <RunEngineLine artifact={detail.artifact} />
          <MetricsList detail={detail} />
          <div className="run-grid">
            {detail.summary.task === 'rul' && detail.predictions.length > 0 ? (
              <>
                <section className="run-section">
                  <h4>Predicted vs true remaining life</h4>
                  <RulScatter predictions={detail.predictions} />
                </section>
                <section className="run-section">
                  <h4>Error by remaining life</h4>
                  <ErrorByRulChart predictions={detail.predictions} />
                </section>
              </>
            ) : null}
            {detail.summary.task !== 'rul' ? (
              <section className="run-section span-all">
                <h4>Alarm threshold</h4>
                <ThresholdPanel detail={detail} />
              </section>
            ) : null}
            {history.length > 0 ? (
              <section className="run-section">
                <h4>Loss per epoch</h4>
                <LossChart points={history} epochs={null} testId="run-history-chart" />
              </section>
            ) : null}
            {detail.importance.length > 0 ? (
              <section className="run-section">
                <h4>Permutation importance</h4>
                <ImportanceChart importance={detail.importance} />
              </section>
            ) : null}
          </div>
          {detail.artifact !== null ? <Explanations id={id} /> : null}
        </>
      ) : null}
    </section>
  );
}
