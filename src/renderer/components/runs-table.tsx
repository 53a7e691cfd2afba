import { scopeDifferences, scopeLabel } from '../../shared/run-scope.js';
import type { RunSummary } from '../../shared/training.js';
import {
  formatCreated,
  formatDuration,
  formatMetric,
  METRIC_COLUMNS,
  shortHash,
  type RunSort,
  type SortKey,
} from '../logic/run-list.js';

export interface RunsTableProps {
  readonly runs: readonly RunSummary[];
  readonly sort: RunSort;
  readonly onSort: (key: SortKey) => void;
  readonly selectedForCompare: readonly string[];
  readonly onToggleCompare: (id: string) => void;
  readonly openId: string | null;
  readonly onOpen: (id: string) => void;
  readonly onDelete: (run: RunSummary) => void;
}

interface Column {
  readonly key: SortKey;
  readonly label: string;
  readonly numeric?: boolean;
}

const COLUMNS: readonly Column[] = [
  { key: 'name', label: 'Run' },
  { key: 'task', label: 'Task' },
  { key: 'modelType', label: 'Model' },
  { key: 'backend', label: 'Backend' },
  { key: 'datasetHash', label: 'Dataset' },
  { key: 'seed', label: 'Seed', numeric: true },
  { key: 'createdAt', label: 'Created' },
  { key: 'durationS', label: 'Duration', numeric: true },
  ...METRIC_COLUMNS.map((m) => ({ key: `metric:${m.key}` as const, label: m.label, numeric: true })),
];

const testKey = (key: SortKey) => key.replace('metric:', '');

/** The runs of the workspace: sortable columns, pick two to compare, open one, delete one. */
export function RunsTable({
  runs,
  sort,
  onSort,
  selectedForCompare,
  onToggleCompare,
  openId,
  onOpen,
  onDelete,
}: RunsTableProps) {
  return (
    <div className="table-scroll">
      <table className="data-table runs-table" data-testid="runs-table" data-rows={runs.length}>
        <thead>
          <tr>
            <th scope="col">
              <span className="visually-hidden">Compare</span>
            </th>
            {COLUMNS.map((c) => (
              <th
                key={c.key}
                scope="col"
                className={c.numeric ? 'num' : undefined}
                aria-sort={sort.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
              >
                <button
                  type="button"
                  className="sort-button"
                  onClick={() => onSort(c.key)}
                  data-testid={`runs-sort-${testKey(c.key)}`}
                >
                  {c.label}
                  <span aria-hidden="true" className="sort-mark">
                    {sort.key === c.key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
                  </span>
                </button>
              </th>
            ))}
            <th scope="col">Scored on</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => {
            // Marked against the first run picked for Compare: its figures and this run's come from different data.
            const reference = runs.find((r) => r.id === selectedForCompare[0]);
            const reasons =
              reference === undefined || reference.id === run.id || run.status !== 'done'
                ? []
                : scopeDifferences(reference, run);
            return (
              <tr
                key={run.id}
                className={run.id === openId ? 'selected' : undefined}
                data-testid={`run-row-${run.id}`}
                data-run-id={run.id}
                data-status={run.status}
              >
                <td>
                  <input
                    type="checkbox"
                    checked={selectedForCompare.includes(run.id)}
                    onChange={() => onToggleCompare(run.id)}
                    aria-label={`Compare ${run.name}`}
                    data-testid={`run-compare-${run.id}`}
                  />
                </td>
                <td>
                  <button
                    type="button"
                    className="link-button run-name"
                    onClick={() => onOpen(run.id)}
                    title={run.id}
                    data-testid={`run-open-${run.id}`}
                  >
                    {run.name}
                  </button>
                  <div className="mono small muted">{run.id}</div>
                  {run.status !== 'done' ? (
                    <span className={`badge ${run.status === 'failed' ? 'bad' : 'warn'}`}>{run.status}</span>
                  ) : null}
                </td>
                <td>{run.task}</td>
                <td>{run.modelType}</td>
                <td>{run.backend}</td>
                <td className="mono" title={run.datasetHash}>
                  {shortHash(run.datasetHash)}
                </td>
                <td className="num">{run.seed}</td>
                <td title={run.createdAt}>{formatCreated(run.createdAt)}</td>
                <td className="num">{formatDuration(run.durationS)}</td>
                {METRIC_COLUMNS.map((m) => (
                  <td
                    key={m.key}
                    className="num"
                    data-testid={`run-metric-${m.key}`}
                    data-value={run.metrics[m.key] ?? ''}
                  >
                    {formatMetric(run.metrics[m.key])}
                  </td>
                ))}
                <td className="small" data-testid={`run-scope-${run.id}`}>
                  {scopeLabel(run.scope)}
                  {reasons.length > 0 ? (
                    <span
                      className="badge warn not-comparable"
                      title={`Not comparable with ${reference?.name ?? ''}: ${reasons.join('; ')}`}
                      data-testid={`run-not-comparable-${run.id}`}
                    >
                      not comparable
                    </span>
                  ) : null}
                </td>
                <td className="actions">
                  <button
                    type="button"
                    onClick={() => onDelete(run)}
                    aria-label={`Delete ${run.name}`}
                    data-testid={`run-delete-${run.id}`}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
