import { useMemo, useState } from 'react';
import type { SavedAlarmThreshold } from '../../shared/run-artifact.js';
import type { RunDetail } from '../../shared/training.js';
import { useServices } from '../hooks/services.js';
import { errorMessage } from '../logic/errors.js';
import { formatMetric } from '../logic/run-list.js';
import {
  alarmFigures,
  confusionRows,
  recordedThreshold,
  sliderScale,
  thresholdMetrics,
} from '../logic/threshold-metrics.js';
import { formatDuration } from '../logic/time-format.js';

export interface ThresholdPanelProps {
  readonly detail: RunDetail;
}

const pct = (v: number) => `${(100 * v).toFixed(1)} %`;

/**
 * An alarm threshold slider: precision, recall, F1, alarm rates, the confusion matrix and, where the run kept its
 * assets' failure times, lead time and false alarms per asset-period follow it live.
 */
/**
 * "Save as the run's alarm threshold": the slider's value, with a reason, recorded in the run (who and when by
 * main); it goes into the package on publish and becomes deployments' default alert level.
 */
function SaveThreshold({
  runId,
  threshold,
  saved,
  onSaved,
}: {
  readonly runId: string;
  readonly threshold: number;
  readonly saved: SavedAlarmThreshold | null;
  readonly onSaved: (saved: SavedAlarmThreshold) => void;
}) {
  const { api } = useServices();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      onSaved(await api.saveRunAlarmThreshold({ id: runId, value: threshold, reason }));
      setReason('');
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="threshold-save" data-testid="threshold-save">
      {saved !== null ? (
        <p className="small" data-testid="threshold-saved">
          Run&apos;s alarm threshold: <strong>{formatMetric(saved.value)}</strong> (saved by {saved.by} at {saved.at}:{' '}
          {saved.reason})
        </p>
      ) : null}
      <input
        type="text"
        placeholder="Why this threshold (recorded)"
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        aria-label="Reason for the alarm threshold"
        data-testid="threshold-reason"
      />
      <button
        type="button"
        disabled={busy || reason.trim() === ''}
        onClick={() => void save()}
        data-testid="threshold-save-button"
      >
        Save as the run&apos;s alarm threshold
      </button>
      {error !== null ? <p className="form-error">{error}</p> : null}
    </div>
  );
}

export function ThresholdPanel({ detail }: ThresholdPanelProps) {
  const recorded = recordedThreshold(detail.artifact);
  const [saved, setSaved] = useState<SavedAlarmThreshold | null>(detail.alarmThreshold ?? null);
  const scale = useMemo(() => sliderScale(detail.predictions, recorded), [detail.predictions, recorded]);
  const [threshold, setThreshold] = useState<number>(
    () => detail.alarmThreshold?.value ?? recorded ?? (scale.min + scale.max) / 2,
  );
  const m = useMemo(() => thresholdMetrics(detail.predictions, threshold), [detail.predictions, threshold]);
  const alarms = useMemo(
    () => alarmFigures(detail.predictions, detail.failures, threshold),
    [detail.predictions, detail.failures, threshold],
  );

  if (detail.predictions.length === 0)
    return <p className="muted">This run has no scored windows to set a threshold on.</p>;

  const stats: readonly (readonly [string, string, string])[] = [
    ['precision', 'Precision', pct(m.precision)],
    ['recall', 'Recall', pct(m.recall)],
    ['f1', 'F1', formatMetric(m.f1)],
    ['false-alarm-rate', 'False-alarm rate', pct(m.falseAlarmRate)],
    ['missed-alarm-rate', 'Missed-alarm rate', pct(m.missedAlarmRate)],
    ...(alarms === null || detail.failures === null
      ? []
      : ([
          [
            'mean-lead-time',
            'Mean lead time',
            alarms.detectedFailures + alarms.detectedAnomalies > 0
              ? formatDuration(alarms.meanLeadTime, detail.failures.timeKind)
              : '—',
          ],
          [
            'failures-detected',
            'Failures detected',
            `${alarms.detectedFailures} of ${alarms.detectedFailures + alarms.missedFailures}`,
          ],
          [
            'anomalies-detected',
            'Anomaly events detected',
            `${alarms.detectedAnomalies} of ${alarms.detectedAnomalies + alarms.missedAnomalies}`,
          ],
          ['false-alarms', 'False alarms', String(alarms.falseAlarms)],
          [
            'false-alarms-per-period',
            alarms.periodUnit === 'asset-month' ? 'False alarms per asset-month' : 'False alarms per asset-1000 cycles',
            Number.isFinite(alarms.falseAlarmsPerAssetPeriod)
              ? formatMetric(alarms.falseAlarmsPerAssetPeriod)
              : 'under a day of data',
          ],
        ] as const)),
  ];

  return (
    <section className="threshold-panel" aria-label="Alarm threshold" data-testid="threshold-panel">
      <label className="threshold-slider">
        <span>
          Alarm when score &gt; <strong data-testid="threshold-value">{formatMetric(threshold)}</strong>
          {recorded !== null ? <span className="muted small"> (trained: {formatMetric(recorded)})</span> : null}
        </span>
        <input
          type="range"
          min={scale.min}
          max={scale.max}
          step={scale.step}
          value={threshold}
          onChange={(e) => setThreshold(Number(e.target.value))}
          aria-valuetext={formatMetric(threshold)}
          data-testid="threshold-slider"
        />
      </label>
      {recorded !== null ? (
        <button
          type="button"
          className="link-button"
          onClick={() => setThreshold(recorded)}
          data-testid="threshold-reset"
        >
          Back to the trained threshold
        </button>
      ) : null}
      <SaveThreshold runId={detail.summary.id} threshold={threshold} saved={saved} onSaved={setSaved} />
      <div className="threshold-results">
        <dl className="summary-grid">
          {stats.map(([id, label, value]) => (
            <div key={id} style={{ display: 'contents' }}>
              <dt>{label}</dt>
              <dd data-testid={`threshold-${id}`}>{value}</dd>
            </div>
          ))}
        </dl>
        <table
          className="data-table confusion"
          data-testid="confusion-matrix"
          data-tp={m.tp}
          data-fp={m.fp}
          data-tn={m.tn}
          data-fn={m.fn}
        >
          <caption className="small muted">Windows: true class by alarm</caption>
          <thead>
            <tr>
              <th scope="col">true \ predicted</th>
              <th scope="col">alarm</th>
              <th scope="col">no alarm</th>
            </tr>
          </thead>
          <tbody>
            {confusionRows(m).map((row) => (
              <tr key={row.actual}>
                <th scope="row">{row.actual}</th>
                <td className={`num ${row.actual === 'abnormal' ? 'cell-good' : 'cell-bad'}`}>{row.alarm}</td>
                <td className={`num ${row.actual === 'abnormal' ? 'cell-bad' : 'cell-good'}`}>{row.noAlarm}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
