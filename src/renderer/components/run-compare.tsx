import { useMemo, useState } from 'react';
import { scopeDifferences, scopeLabel } from '../../shared/run-scope.js';
import type { RunDetail } from '../../shared/training.js';
import { useRunDetail } from '../hooks/use-runs.js';
import { betterSide, diffRuns, formatMetric, keyMetricsFor, type ComparableRun } from '../logic/run-list.js';
import '../run-compare.css';

export interface RunCompareProps {
  readonly ids: readonly [string, string];
  readonly onClose: () => void;
}

const comparable = (detail: RunDetail | null): ComparableRun | null => {
  if (detail === null) return null;
  const config = detail.artifact?.['config'];
  return {
    summary: detail.summary,
    config: typeof config === 'object' && config !== null ? (config as Record<string, unknown>) : null,
  };
};

/** One run's column head: what it is, what it was scored on, and its headline figures (the better one marked). */
function RunCard({ side, run, other }: { side: 'a' | 'b'; run: RunDetail; other: RunDetail }) {
  const s = run.summary;
  const labels = run.artifact?.['labels'];
  const description =
    typeof labels === 'object' && labels !== null ? (labels as { description?: unknown }).description : undefined;
  return (
    <div className="compare-card" data-testid={`compare-card-${side}`}>
      <h4 title={s.id}>{s.name}</h4>
      <div className="small muted mono">{s.id}</div>
      <div className="small">
        {s.task} · {s.modelType} · seed {s.seed}
      </div>
      <div className="small" data-testid={`compare-scope-${side}`}>
        Scored on: {scopeLabel(s.scope)}
      </div>
      {typeof description === 'string' ? <div className="small muted">Labels: {description}</div> : null}
      <dl className="compare-figures">
        {keyMetricsFor(s.task).map((m) => {
          const mine = s.metrics[m.key];
          const theirs = other.summary.metrics[m.key];
          const better = mine !== undefined && theirs !== undefined ? betterSide(m.key, mine, theirs) === 'a' : false;
          return (
            <div key={m.key} className={better ? 'better' : undefined}>
              <dt>{m.label}</dt>
              <dd data-testid={`compare-${side}-${m.key}`} data-value={mine ?? ''}>
                {formatMetric(mine)}
              </dd>
            </div>
          );
        })}
      </dl>
    </div>
  );
}

/**
 * Two runs side by side in two columns that fit the window: each run's headline figures and scope on top, a
 * warning when they were scored on different data (with the reasons), then every run fact, config field and metric
 * with the differences highlighted (long values wrap instead of widening the table).
 */
export function RunCompare({ ids, onClose }: RunCompareProps) {
  const a = useRunDetail(ids[0]);
  const b = useRunDetail(ids[1]);
  const [onlyDifferences, setOnlyDifferences] = useState(false);
  const rows = useMemo(() => {
    const ra = comparable(a.data);
    const rb = comparable(b.data);
    return ra === null || rb === null ? [] : diffRuns(ra, rb);
  }, [a.data, b.data]);
  const reasons = useMemo(
    () => (a.data === null || b.data === null ? [] : scopeDifferences(a.data.summary, b.data.summary)),
    [a.data, b.data],
  );
  const shown = onlyDifferences ? rows.filter((r) => r.differs || r.key === 'name') : rows;
  const error = a.error ?? b.error;

  return (
    <section className="panel run-compare" aria-label="Compare runs" data-testid="runs-compare-panel">
      <div className="panel-title">
        <h3>Compare runs</h3>
        <label className="inline small">
          <input
            type="checkbox"
            checked={onlyDifferences}
            onChange={(e) => setOnlyDifferences(e.target.checked)}
            data-testid="compare-only-differences"
          />
          only differences
        </label>
        <span className="spacer" />
        <button
          type="button"
          className="icon-button"
          aria-label="Close comparison"
          onClick={onClose}
          data-testid="compare-close"
        >
          ×
        </button>
      </div>
      {error !== null ? <p className="form-error">{error}</p> : null}
      {a.loading || b.loading ? (
        <p className="busy">
          <span className="spinner" /> Loading…
        </p>
      ) : null}
      {a.data !== null && b.data !== null ? (
        <>
          {reasons.length > 0 ? (
            <div className="compare-warning" role="alert" data-testid="compare-not-comparable">
              <strong>Not comparable:</strong> the figures come from different data.
              <ul>
                {reasons.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
            </div>
          ) : (
            <p className="small compare-same" data-testid="compare-comparable">
              Both runs were scored on the same data: their figures compare.
            </p>
          )}
          <div className="compare-columns">
            <RunCard side="a" run={a.data} other={b.data} />
            <RunCard side="b" run={b.data} other={a.data} />
          </div>
        </>
      ) : null}
      {rows.length > 0 ? (
        <table
          className="data-table compare-table"
          data-testid="runs-compare-table"
          data-differences={rows.filter((r) => r.differs).length}
        >
          <colgroup>
            <col className="compare-key" />
            <col />
            <col />
          </colgroup>
          <tbody>
            {(['run', 'config', 'metrics'] as const).map((section) => {
              const inSection = shown.filter((r) => r.section === section);
              if (inSection.length === 0) return null;
              return [
                <tr key={`h-${section}`} className="section-row">
                  <th colSpan={3} scope="colgroup">
                    {section === 'run' ? 'Run' : section === 'config' ? 'Config' : 'Metrics'}
                  </th>
                </tr>,
                ...inSection.map((r) => (
                  <tr
                    key={`${section}-${r.key}`}
                    className={r.differs ? 'differs' : undefined}
                    data-differs={r.differs ? 'true' : 'false'}
                    data-key={r.key}
                  >
                    <th scope="row" className="mono">
                      {r.key}
                    </th>
                    <td className={`mono${r.better === 'a' ? ' better' : ''}`}>{r.a}</td>
                    <td className={`mono${r.better === 'b' ? ' better' : ''}`}>{r.b}</td>
                  </tr>
                )),
              ];
            })}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
