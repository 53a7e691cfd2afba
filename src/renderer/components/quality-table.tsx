import type { QualityRow, Signal } from '../../shared/domain.js';
import { qualitySeverity, type Severity } from '../logic/quality.js';
import { formatCount, formatDuration, formatNumber } from '../logic/time-format.js';

export interface QualityTableProps {
  readonly rows: readonly QualityRow[];
  readonly byId: ReadonlyMap<number, Signal>;
  readonly loading: boolean;
  readonly scope: string;
  readonly truncated: boolean;
  readonly onSelect: (signal: Signal) => void;
}

const cellClass = (severity: Severity): string => `num${severity === 'ok' ? '' : ` cell-${severity}`}`;

/** Data-quality summary per signal; problem counts are highlighted amber (suspicious) or red (wrong). */
export function QualityTable({ rows, byId, loading, scope, truncated, onSelect }: QualityTableProps) {
  return (
    <section className="panel quality-panel" aria-label="Data quality">
      <div className="panel-title">
        <h2>Data quality</h2>
        <span className="muted">
          {scope}
          {truncated ? ' (first 64 signals)' : ''}
        </span>
        {loading ? <span className="spinner" aria-label="loading" /> : null}
      </div>
      <div className="table-scroll">
        <table className="data-table quality-table" data-testid="quality-table" aria-busy={loading}>
          <thead>
            <tr>
              <th scope="col">Signal</th>
              <th scope="col" className="num">
                Count
              </th>
              <th scope="col" className="num">
                Min
              </th>
              <th scope="col" className="num">
                Max
              </th>
              <th scope="col" className="num">
                Mean
              </th>
              <th scope="col" className="num">
                Period
              </th>
              <th scope="col" className="num">
                Gaps
              </th>
              <th scope="col" className="num">
                Largest gap
              </th>
              <th scope="col" className="num">
                Flatlines
              </th>
              <th scope="col" className="num">
                Non-finite
              </th>
              <th scope="col" className="num">
                Out of range
              </th>
              <th scope="col" className="num">
                Bad quality
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => {
              const signal = byId.get(row.signalId);
              const kind = signal?.timeKind ?? 'timestamp';
              const sev = qualitySeverity(row);
              return (
                <tr key={row.signalId} data-testid={`quality-row-${row.signalId}`}>
                  <th scope="row">
                    {signal ? (
                      <button
                        type="button"
                        className="link-button"
                        onClick={() => onSelect(signal)}
                        title={`${signal.asset} / ${signal.tag}`}
                      >
                        <span className="muted">{signal.asset} / </span>
                        {signal.tag}
                      </button>
                    ) : (
                      `#${row.signalId}`
                    )}
                  </th>
                  <td className="num">{formatCount(row.count)}</td>
                  <td className="num">{formatNumber(row.min)}</td>
                  <td className="num">{formatNumber(row.max)}</td>
                  <td className="num">{formatNumber(row.mean)}</td>
                  <td className="num">{formatDuration(row.period, kind)}</td>
                  <td className={cellClass(sev.gaps)}>{row.gaps}</td>
                  <td className={cellClass(sev.gaps)}>{formatDuration(row.largestGap, kind)}</td>
                  <td
                    className={cellClass(sev.flatlines)}
                    title={row.flatlines > 0 ? `${row.flatlineReadings} readings in flat runs` : undefined}
                  >
                    {row.flatlines}
                  </td>
                  <td className={cellClass(sev.nonFinite)}>{row.nonFinite}</td>
                  <td className={cellClass(sev.outOfRange)}>{row.outOfRange}</td>
                  <td className={cellClass(sev.badQuality)}>{row.badQuality}</td>
                </tr>
              );
            })}
            {rows.length === 0 ? (
              <tr>
                <td colSpan={12} className="empty-state small">
                  {loading ? 'Loading…' : 'Tick signals or open an asset in the tree to see its data quality.'}
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </section>
  );
}
