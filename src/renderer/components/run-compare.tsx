import { useMemo, useState } from 'react';
import { useRunDetail } from '../hooks/use-runs.js';
import { diffRuns, type ComparableRun } from '../logic/run-list.js';

export interface RunCompareProps {
  readonly ids: readonly [string, string];
  readonly onClose: () => void;
}

const comparable = (detail: ReturnType<typeof useRunDetail>['data']): ComparableRun | null => {
  if (detail === null) return null;
  const config = detail.artifact?.['config'];
  return {
    summary: detail.summary,
    config: typeof config === 'object' && config !== null ? (config as Record<string, unknown>) : null,
  };
};

/** Two runs side by side: run facts, config and metrics, differences highlighted (better metric in green). */
export function RunCompare({ ids, onClose }: RunCompareProps) {
  const a = useRunDetail(ids[0]);
  const b = useRunDetail(ids[1]);
  const [onlyDifferences, setOnlyDifferences] = useState(false);
  const rows = useMemo(() => {
    const ra = comparable(a.data);
    const rb = comparable(b.data);
    return ra === null || rb === null ? [] : diffRuns(ra, rb);
  }, [a.data, b.data]);
  const shown = onlyDifferences ? rows.filter((r) => r.differs || r.section === 'run') : rows;
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
      {rows.length > 0 ? (
        <div className="table-scroll">
          <table
            className="data-table compare-table"
            data-testid="runs-compare-table"
            data-differences={rows.filter((r) => r.differs).length}
          >
            <thead>
              <tr>
                <th scope="col">Field</th>
                <th scope="col">{a.data?.summary.name}</th>
                <th scope="col">{b.data?.summary.name}</th>
              </tr>
            </thead>
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
        </div>
      ) : null}
    </section>
  );
}
