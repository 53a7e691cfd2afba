import { useEffect, useRef, useState } from 'react';
import type { SqlImportSummary } from '../../shared/domain.js';
import { useServices } from '../hooks/services.js';
import { useJob } from '../hooks/use-job.js';
import { isActive } from '../logic/job-tracker.js';
import {
  describeSqlSummary,
  emptySqlImportForm,
  sqlImportRequest,
  type SqlImportForm,
} from '../logic/sql-import-form.js';
import { Dialog } from './dialog.js';
import { ErrorBanner } from './error-banner.js';

export interface SqlHistorianDialogProps {
  readonly onClose: () => void;
  /** Called once when an import finished. */
  readonly onImported: (summary: SqlImportSummary) => void;
}

/**
 * Import from a PostgreSQL historian (startSqlImport, the same call as `pdm-studio import sql`): connection,
 * the query with $1/$2 for the range, long or wide rows; a cancellable job with progress.
 */
export function SqlHistorianDialog({ onClose, onImported }: SqlHistorianDialogProps) {
  const { api } = useServices();
  const job = useJob();
  const { view } = job;
  const active = isActive(view);
  const [form, setForm] = useState<SqlImportForm>(emptySqlImportForm);
  const [error, setError] = useState<string | null>(null);
  const reported = useRef<string | null>(null);
  const set = <K extends keyof SqlImportForm>(key: K, value: SqlImportForm[K]) =>
    setForm((f) => ({ ...f, [key]: value }));

  useEffect(() => {
    if (view.status === 'done' && view.sql !== null && view.jobId !== null && reported.current !== view.jobId) {
      reported.current = view.jobId;
      onImported(view.sql);
    }
  }, [view, onImported]);

  const start = () => {
    const built = sqlImportRequest(form);
    if ('error' in built) {
      setError(built.error);
      return;
    }
    setError(null);
    job.launch(() => api.startSqlImport(built.request)).catch(() => undefined);
  };

  return (
    <Dialog
      title="Connect historian (PostgreSQL)"
      onClose={onClose}
      wide
      testId="sql-historian-dialog"
      footer={
        <>
          {active ? (
            <button type="button" onClick={() => void job.cancel()} data-testid="sql-cancel">
              Cancel import
            </button>
          ) : null}
          <span className="spacer" />
          <button type="button" onClick={onClose} data-testid="sql-close">
            {view.status === 'done' ? 'Done' : 'Close'}
          </button>
          <button type="button" className="primary" disabled={active} onClick={start} data-testid="sql-import">
            Import
          </button>
        </>
      }
    >
      <fieldset className="form-grid" disabled={active}>
        <legend>PostgreSQL server</legend>
        <label className="span-2">
          URL
          <input
            type="text"
            value={form.url}
            placeholder="postgres://user@host:5432/database"
            onChange={(e) => set('url', e.target.value)}
            spellCheck={false}
            data-testid="sql-url"
          />
        </label>
        <label>
          Password (empty: none)
          <input
            type="password"
            value={form.password}
            onChange={(e) => set('password', e.target.value)}
            autoComplete="off"
            data-testid="sql-password"
          />
        </label>
        <label>
          Rows
          <select
            value={form.layout}
            onChange={(e) => set('layout', e.target.value === 'wide' ? 'wide' : 'long')}
            data-testid="sql-layout"
          >
            <option value="long">long: time, tag, value[, quality][, asset]</option>
            <option value="wide">wide: time and one column per tag</option>
          </select>
        </label>
        <label className="span-2">
          Query ($1 = from, $2 = to)
          <textarea
            className="json-editor"
            rows={4}
            value={form.query}
            onChange={(e) => set('query', e.target.value)}
            spellCheck={false}
            data-testid="sql-query"
          />
        </label>
        <label>
          From (UTC; empty: continue from the last import)
          <input
            type="text"
            value={form.from}
            placeholder="2024-03-01T00:00:00Z"
            onChange={(e) => set('from', e.target.value)}
            data-testid="sql-from"
          />
        </label>
        <label>
          To (UTC; empty: now)
          <input
            type="text"
            value={form.to}
            placeholder="now"
            onChange={(e) => set('to', e.target.value)}
            data-testid="sql-to"
          />
        </label>
        <label>
          Asset for tags without one (empty: the database name)
          <input
            type="text"
            value={form.asset}
            onChange={(e) => set('asset', e.target.value)}
            data-testid="sql-asset"
          />
        </label>
      </fieldset>
      <ErrorBanner message={error} onDismiss={() => setError(null)} testId="sql-form-error" />
      {view.status === 'failed' && view.error !== null ? (
        <ErrorBanner message={`Import failed: ${view.error}`} onDismiss={job.reset} testId="sql-job-error" />
      ) : null}
      {active || view.status === 'cancelled' ? (
        <div className="job-progress" data-testid="sql-job" data-status={view.status}>
          {view.status === 'cancelled' ? (
            <p className="warn-text" role="status">
              Import cancelled: nothing of it was stored.
            </p>
          ) : (
            <>
              <progress
                max={1}
                {...(view.fraction === null ? {} : { value: Math.min(1, Math.max(0, view.fraction)) })}
                aria-label="Import progress"
              />
              <span className="muted small">
                {view.fraction === null ? '' : `${Math.round(view.fraction * 100)} % · `}
                {view.message}
              </span>
            </>
          )}
        </div>
      ) : null}
      {view.status === 'done' && view.sql !== null ? (
        <div className="import-summary" role="status" data-testid="sql-summary" data-values={view.sql.values}>
          <h3>Import finished</h3>
          <p>{describeSqlSummary(view.sql)}</p>
        </div>
      ) : null}
    </Dialog>
  );
}
