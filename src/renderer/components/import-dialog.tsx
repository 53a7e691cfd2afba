import { useEffect, useRef } from 'react';
import type { ImportPreview, IngestSummary, Reject } from '../../shared/domain.js';
import { ImportFormatSchema } from '../../shared/domain.js';
import { usePathPicker } from '../hooks/services.js';
import { useImportFlow, type ImportFlow } from '../hooks/use-import-flow.js';
import { DELIMITERS, describeDelimiter, editedSignal, tagsOnSeveralAssets } from '../logic/import-options.js';
import { isActive } from '../logic/job-tracker.js';
import { baseName } from '../logic/paths.js';
import { Dialog } from './dialog.js';
import { ErrorBanner } from './error-banner.js';

export interface ImportDialogProps {
  readonly onClose: () => void;
  /** Called once when an import finished successfully. */
  readonly onImported: (summary: IngestSummary) => void;
}

const MAX_SIGNAL_ROWS = 200;

const FORMAT_LABELS: Record<string, string> = {
  'wide-csv': 'Wide CSV (one column per signal)',
  'long-csv': 'Long CSV (time, tag, value)',
  parquet: 'Parquet',
  cmapss: 'C-MAPSS (unit, cycle, settings, sensors)',
};

function OverrideFields({ flow }: { flow: ImportFlow }) {
  const { form, setFormField, busy } = flow;
  return (
    <fieldset className="override-grid" disabled={busy}>
      <legend>Overrides (blank: detected from the file)</legend>
      <label>
        Format
        <select
          value={form.format}
          onChange={(e) => {
            const parsed = ImportFormatSchema.safeParse(e.target.value);
            setFormField('format', parsed.success ? parsed.data : '');
          }}
          data-testid="import-format"
        >
          <option value="">Detect</option>
          {ImportFormatSchema.options.map((f) => (
            <option key={f} value={f}>
              {FORMAT_LABELS[f] ?? f}
            </option>
          ))}
        </select>
      </label>
      <label>
        Delimiter
        <select
          value={form.delimiter}
          onChange={(e) => setFormField('delimiter', e.target.value)}
          data-testid="import-delimiter"
        >
          {DELIMITERS.map((d) => (
            <option key={d.label} value={d.value}>
              {d.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Decimal mark
        <select
          value={form.decimal}
          onChange={(e) =>
            setFormField('decimal', e.target.value === '.' || e.target.value === ',' ? e.target.value : '')
          }
          data-testid="import-decimal"
        >
          <option value="">Detect</option>
          <option value=".">Point .</option>
          <option value=",">Comma ,</option>
        </select>
      </label>
      <label>
        Timestamp format
        <input
          type="text"
          placeholder="ISO 8601, or e.g. %d.%m.%Y %H:%M:%S"
          value={form.timestampFormat}
          maxLength={64}
          onChange={(e) => setFormField('timestampFormat', e.target.value)}
          spellCheck={false}
          data-testid="import-timestamp-format"
        />
      </label>
      <label>
        Time zone (for times without offset)
        <input
          type="text"
          placeholder="UTC"
          value={form.timeZone}
          maxLength={64}
          onChange={(e) => setFormField('timeZone', e.target.value)}
          spellCheck={false}
          data-testid="import-time-zone"
        />
      </label>
      <label>
        Default asset
        <input
          type="text"
          placeholder="file name"
          value={form.asset}
          maxLength={200}
          onChange={(e) => setFormField('asset', e.target.value)}
          data-testid="import-asset"
        />
      </label>
    </fieldset>
  );
}

function PreviewView({ flow, preview }: { flow: ImportFlow; preview: ImportPreview }) {
  const several = tagsOnSeveralAssets(preview);
  const shownSignals = preview.signals.slice(0, MAX_SIGNAL_ROWS);
  const locked = isActive(flow.job.view);
  return (
    <div className={`preview${flow.previewStale ? ' stale' : ''}`} data-testid="import-preview-result">
      {flow.previewStale ? (
        <p className="muted small">
          The path or the overrides changed since this preview: Preview again to check them.
        </p>
      ) : null}
      <dl className="detected" data-testid="import-detected">
        <dt>Format</dt>
        <dd data-testid="detected-format">{FORMAT_LABELS[preview.format] ?? preview.format}</dd>
        <dt>Delimiter</dt>
        <dd data-testid="detected-delimiter">{describeDelimiter(preview.delimiter)}</dd>
        <dt>Decimal mark</dt>
        <dd>{preview.decimal === ',' ? 'Comma ,' : 'Point .'}</dd>
        <dt>Header row</dt>
        <dd>{preview.hasHeader ? 'yes' : 'no'}</dd>
        <dt>Timestamp format</dt>
        <dd>
          {preview.timeKind === 'cycle'
            ? 'cycle counter (no timestamps)'
            : (preview.timestampFormat ?? 'ISO 8601 (detected)')}
        </dd>
        <dt>Time zone</dt>
        <dd>{preview.timeZone}</dd>
      </dl>
      {preview.warnings.length > 0 ? (
        <ul className="warnings" data-testid="import-warnings">
          {preview.warnings.map((w, i) => (
            <li key={i}>{w}</li>
          ))}
        </ul>
      ) : null}
      <h3>Columns and sample rows</h3>
      <div className="table-scroll short">
        <table className="data-table compact" data-testid="import-sample">
          <thead>
            <tr>
              {preview.columns.map((c, i) => (
                <th key={i} scope="col" title={`${c.name}: ${c.type}`}>
                  <div>{c.name}</div>
                  <div className={`role role-${c.role}`}>{c.role}</div>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {preview.sampleRows.map((row, r) => (
              <tr key={r}>
                {row.map((cell, c) => (
                  <td key={c}>{cell}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3>
        Signals to create or extend <span className="muted">({preview.signals.length})</span>
      </h3>
      <div className="table-scroll short">
        <table className="data-table compact" data-testid="import-signals">
          <thead>
            <tr>
              <th scope="col">Asset</th>
              <th scope="col">Tag</th>
              <th scope="col">Unit</th>
            </tr>
          </thead>
          <tbody>
            {shownSignals.map((s, i) => {
              const edited = editedSignal(s, flow.edits);
              const fromFile = several.has(s.tag);
              return (
                <tr key={`${s.asset}/${s.tag}/${i}`}>
                  <td>
                    <input
                      type="text"
                      value={fromFile ? s.asset : edited.asset}
                      disabled={fromFile || locked}
                      title={fromFile ? 'This tag exists on several assets named by the file' : 'Asset for this tag'}
                      aria-label={`Asset of ${s.tag}`}
                      maxLength={200}
                      onChange={(e) => flow.editSignal(s.tag, 'asset', e.target.value)}
                    />
                  </td>
                  <td>{s.tag}</td>
                  <td>
                    <input
                      type="text"
                      value={edited.unit}
                      placeholder="none"
                      disabled={locked}
                      aria-label={`Unit of ${s.tag}`}
                      maxLength={50}
                      onChange={(e) => flow.editSignal(s.tag, 'unit', e.target.value)}
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {preview.signals.length > MAX_SIGNAL_ROWS ? (
        <p className="muted small">
          Showing the first {MAX_SIGNAL_ROWS}; edits of a tag apply to every asset that has it.
        </p>
      ) : null}
    </div>
  );
}

function RejectsTable({ rejects }: { rejects: readonly Reject[] }) {
  return (
    <div className="table-scroll short">
      <table className="data-table compact" data-testid="import-rejects">
        <thead>
          <tr>
            <th scope="col">File</th>
            <th scope="col" className="num">
              Line
            </th>
            <th scope="col">Field</th>
            <th scope="col">Reason</th>
            <th scope="col">Raw</th>
          </tr>
        </thead>
        <tbody>
          {rejects.map((r, i) => (
            <tr key={i}>
              <td className="ellipsis" title={r.file}>
                {baseName(r.file)}
              </td>
              <td className="num">{r.line ?? '—'}</td>
              <td>{r.field ?? '—'}</td>
              <td>{r.reason}</td>
              <td className="mono ellipsis" title={r.raw ?? ''}>
                {r.raw ?? ''}
              </td>
            </tr>
          ))}
          {rejects.length === 0 ? (
            <tr>
              <td colSpan={5} className="empty-state small">
                No rejects recorded.
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}

function SummaryView({ flow, summary }: { flow: ImportFlow; summary: IngestSummary }) {
  const again = summary.files.filter((f) => f.previouslyImported).length;
  return (
    <div
      className="import-summary"
      role="status"
      data-testid="import-summary"
      data-rows={summary.rows}
      data-values={summary.values}
      data-rejected={summary.rejected}
      data-duplicates={summary.duplicates}
      data-signals={summary.signals}
    >
      <h3>Import finished</h3>
      <dl className="summary-grid">
        <dt>Rows</dt>
        <dd>{summary.rows}</dd>
        <dt>Values</dt>
        <dd>{summary.values}</dd>
        <dt>Rejected</dt>
        <dd className={summary.rejected > 0 ? 'cell-bad' : undefined}>{summary.rejected}</dd>
        <dt>Duplicates</dt>
        <dd className={summary.duplicates > 0 ? 'cell-warn' : undefined}>{summary.duplicates}</dd>
        <dt>Signals</dt>
        <dd>{summary.signals}</dd>
        <dt>Time</dt>
        <dd>{summary.seconds.toFixed(1)} s</dd>
      </dl>
      {summary.duplicates > 0 || summary.duplicateRule ? (
        <p className="muted small">Duplicates: {summary.duplicateRule}</p>
      ) : null}
      {again > 0 ? (
        <p className="muted small">
          {again === 1 ? 'This file was' : `${again} files were`} imported before (same content hash).
        </p>
      ) : null}
      {summary.rejected > 0 ? (
        flow.rejects === null ? (
          <button
            type="button"
            onClick={() => void flow.showRejects()}
            disabled={flow.loadingRejects}
            data-testid="import-show-rejects"
          >
            {flow.loadingRejects ? 'Loading rejects…' : 'Show rejects'}
          </button>
        ) : (
          <RejectsTable rejects={flow.rejects} />
        )
      ) : null}
    </div>
  );
}

/** Import a file: preview what the importer detected, adjust, run as a cancellable job, review the summary. */
export function ImportDialog({ onClose, onImported }: ImportDialogProps) {
  const flow = useImportFlow();
  const picker = usePathPicker();
  const { view } = flow.job;
  const reported = useRef<string | null>(null);
  const pathInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (view.status === 'done' && view.summary !== null && view.jobId !== null && reported.current !== view.jobId) {
      reported.current = view.jobId;
      onImported(view.summary);
    }
  }, [view, onImported]);

  useEffect(() => {
    pathInput.current?.focus();
  }, []);

  const browse = async () => {
    try {
      const chosen = await picker.browse('open-file', 'Import file');
      if (chosen !== null) flow.setPath(chosen);
      else pathInput.current?.focus();
    } catch (e) {
      flow.fail(e);
    }
  };

  const active = isActive(view);
  const jobError = view.status === 'failed' ? view.error : null;
  const fraction = view.fraction;

  return (
    <Dialog
      title="Import data"
      onClose={onClose}
      wide
      testId="import-dialog"
      footer={
        <>
          {active ? (
            <button type="button" onClick={() => void flow.job.cancel()} data-testid="import-cancel">
              Cancel import
            </button>
          ) : null}
          <span className="spacer" />
          <button type="button" onClick={onClose} data-testid="import-close">
            {view.status === 'done' ? 'Done' : 'Close'}
          </button>
          <button
            type="button"
            className="primary"
            disabled={flow.busy || flow.path.trim() === ''}
            onClick={() => void flow.startImport()}
            data-testid="import-start"
          >
            {view.status === 'done' ? 'Import again' : 'Import'}
          </button>
        </>
      }
    >
      <form
        className="import-file"
        onSubmit={(e) => {
          e.preventDefault();
          void flow.runPreview();
        }}
      >
        <label htmlFor="import-path">File (CSV, Parquet or C-MAPSS text)</label>
        <div className="input-row">
          <input
            id="import-path"
            ref={pathInput}
            type="text"
            placeholder="/absolute/path/to/file.csv"
            value={flow.path}
            onChange={(e) => flow.setPath(e.target.value)}
            disabled={active}
            spellCheck={false}
            autoComplete="off"
            data-testid="import-path-input"
          />
          {picker.canBrowse ? (
            <button type="button" onClick={() => void browse()} disabled={active} data-testid="import-browse">
              Browse…
            </button>
          ) : null}
          <button type="submit" disabled={flow.busy || flow.path.trim() === ''} data-testid="import-preview">
            {flow.previewing ? 'Reading…' : flow.preview === null ? 'Preview' : 'Preview again'}
          </button>
        </div>
        {!picker.canBrowse ? (
          <p className="muted small">
            No file dialog here: type the absolute path (in browser mode: a path on the server machine).
          </p>
        ) : null}
      </form>
      <ErrorBanner message={flow.error} onDismiss={flow.clearError} testId="import-error" />
      {jobError !== null ? (
        <ErrorBanner message={`Import failed: ${jobError}`} onDismiss={flow.job.reset} testId="import-error" />
      ) : null}
      <OverrideFields flow={flow} />
      {view.status !== 'idle' && view.status !== 'done' && view.status !== 'failed' ? (
        <div className="job-progress" data-testid="import-job" data-status={view.status}>
          {view.status === 'cancelled' ? (
            <p className="warn-text" role="status">
              Import cancelled; the workspace keeps nothing from it.
            </p>
          ) : (
            <>
              <progress
                max={1}
                {...(fraction === null ? {} : { value: Math.min(1, Math.max(0, fraction)) })}
                aria-label="Import progress"
                data-testid="import-progress"
                data-fraction={fraction ?? ''}
              />
              <span className="muted small">
                {fraction === null ? '' : `${Math.round(fraction * 100)} % · `}
                {view.message}
              </span>
            </>
          )}
        </div>
      ) : null}
      {view.status === 'done' && view.summary !== null ? <SummaryView flow={flow} summary={view.summary} /> : null}
      {flow.preview !== null && view.status !== 'done' ? <PreviewView flow={flow} preview={flow.preview} /> : null}
    </Dialog>
  );
}
