import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Signal } from '../../shared/domain.js';
import type { RunSummary } from '../../shared/training.js';
import { useRuns } from '../hooks/use-runs.js';
import { useTraining } from '../hooks/use-training.js';
import { isActive } from '../logic/job-tracker.js';
import { curveProgress } from '../logic/loss-curve.js';
import {
  DEFAULT_SORT,
  filterRuns,
  nextSort,
  sortRuns,
  toggleCompare,
  type RunSort,
  type SortKey,
} from '../logic/run-list.js';
import { Dialog } from './dialog.js';
import { RunCompare } from './run-compare.js';
import { RunDetailView } from './run-detail.js';
import { RunsTable } from './runs-table.js';
import { TrainDialog } from './train-dialog.js';

export interface ModelsViewProps {
  readonly signals: readonly Signal[];
}

/** The Models area: train a model, the runs table (sort, filter, compare, delete) and one run in detail. */
export function ModelsView({ signals }: ModelsViewProps) {
  const runs = useRuns();
  const [training, setTraining] = useState(false);
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<RunSort>(DEFAULT_SORT);
  const [compareIds, setCompareIds] = useState<readonly string[]>([]);
  const [comparing, setComparing] = useState<readonly [string, string] | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);
  const [toDelete, setToDelete] = useState<RunSummary | null>(null);

  const shown = useMemo(() => sortRuns(filterRuns(runs.runs, filter), sort), [runs.runs, filter, sort]);
  const onSort = useCallback((key: SortKey) => setSort((s) => nextSort(s, key)), []);
  const job = useTraining();
  const finishedRun = job.view.status === 'done' ? (job.view.training?.run ?? null) : null;
  const reported = useRef<string | null>(null);
  useEffect(() => {
    // The runs table also refreshes on 'job-finished'; this covers a finish that came by polling.
    if (finishedRun !== null && reported.current !== finishedRun) {
      reported.current = finishedRun;
      void runs.refresh();
    }
  }, [finishedRun, runs.refresh]);
  const background =
    !training && isActive(job.view)
      ? curveProgress(job.epochs === null ? undefined : { epochs: job.epochs, points: job.points })
      : null;
  const openRun = useCallback((id: string) => {
    setTraining(false);
    setOpenId(id);
  }, []);

  const confirmDelete = async () => {
    if (toDelete === null) return;
    const id = toDelete.id;
    setToDelete(null);
    await runs.remove(id);
    setCompareIds((ids) => ids.filter((x) => x !== id));
    setComparing((c) => (c !== null && c.includes(id) ? null : c));
    setOpenId((o) => (o === id ? null : o));
  };

  const [first, second] = compareIds;

  return (
    <main className="models-area" data-testid="models-view">
      <section className="panel runs-panel" aria-label="Runs">
        <div className="panel-title">
          <h3>Runs</h3>
          <span className="muted small" data-testid="runs-count">
            {shown.length === runs.runs.length ? `${runs.runs.length}` : `${shown.length} of ${runs.runs.length}`}
          </span>
          <span className="spacer" />
          <input
            type="search"
            className="runs-filter"
            placeholder="Filter runs (name, task, model, backend…)"
            aria-label="Filter runs"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            data-testid="runs-filter"
          />
          <button
            type="button"
            disabled={first === undefined || second === undefined}
            onClick={() => first !== undefined && second !== undefined && setComparing([first, second])}
            title="Tick two runs to compare them"
            data-testid="runs-compare"
          >
            Compare ({compareIds.length}/2)
          </button>
          <button type="button" onClick={() => void runs.refresh()} data-testid="runs-refresh">
            Refresh
          </button>
          {!training && isActive(job.view) ? (
            <button type="button" onClick={() => setTraining(true)} data-testid="models-training-status">
              <span className="spinner" /> Training
              {background === null ? '…' : ` epoch ${background.epoch}/${background.epochs}`}
            </button>
          ) : null}
          <button type="button" className="primary" onClick={() => setTraining(true)} data-testid="models-train">
            Train model…
          </button>
        </div>
        {runs.runs.length === 0 && !runs.loading ? (
          <p className="empty-state small" data-testid="runs-empty">
            No runs yet. <strong>Train model…</strong> builds a dataset from this workspace and trains one.
          </p>
        ) : (
          <RunsTable
            runs={shown}
            sort={sort}
            onSort={onSort}
            selectedForCompare={compareIds}
            onToggleCompare={(id) => setCompareIds((ids) => toggleCompare(ids, id))}
            openId={openId}
            onOpen={setOpenId}
            onDelete={setToDelete}
          />
        )}
      </section>
      {comparing !== null ? (
        <RunCompare key={comparing.join('|')} ids={comparing} onClose={() => setComparing(null)} />
      ) : null}
      {openId !== null ? <RunDetailView key={openId} id={openId} onClose={() => setOpenId(null)} /> : null}
      {training ? (
        <TrainDialog signals={signals} job={job} onClose={() => setTraining(false)} onOpenRun={openRun} />
      ) : null}
      {toDelete !== null ? (
        <Dialog
          title="Delete run"
          onClose={() => setToDelete(null)}
          testId="run-delete-dialog"
          footer={
            <>
              <span className="spacer" />
              <button type="button" onClick={() => setToDelete(null)} data-testid="run-delete-cancel">
                Keep it
              </button>
              <button
                type="button"
                className="danger"
                onClick={() => void confirmDelete()}
                data-testid="run-delete-confirm"
              >
                Delete
              </button>
            </>
          }
        >
          <p>
            Delete run <strong>{toDelete.name}</strong> (<span className="mono">{toDelete.id}</span>) with its model and
            artifacts? This cannot be undone.
          </p>
        </Dialog>
      ) : null}
    </main>
  );
}
