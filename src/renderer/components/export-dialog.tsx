import { useState, type FormEvent } from 'react';
import type { ExportFormat, Signal, TimeKind } from '../../shared/domain.js';
import { ExportFormatSchema } from '../../shared/domain.js';
import { usePathPicker, useServices } from '../hooks/services.js';
import { errorMessage } from '../logic/errors.js';
import type { Range } from '../logic/range-math.js';
import { withExtension } from '../logic/paths.js';
import { formatTimeValue } from '../logic/time-format.js';
import { Dialog } from './dialog.js';
import { ErrorBanner } from './error-banner.js';

export interface ExportDialogProps {
  readonly signals: readonly Signal[];
  /** The chart's zoomed range; null exports all readings. */
  readonly range: Range | null;
  readonly kind: TimeKind;
  readonly onClose: () => void;
}

const FORMAT_HINTS: Record<ExportFormat, string> = {
  csv: 'CSV: long format (signal, asset, tag, time, value), opens anywhere',
  parquet: 'Parquet: compact, typed; pandas, pyarrow, DuckDB',
  arrow: 'Arrow IPC file: zero-copy for pyarrow and DuckDB',
};

/** Export the picked signals over the chart's range to CSV, Parquet or Arrow. */
export function ExportDialog({ signals, range, kind, onClose }: ExportDialogProps) {
  const { api, displayZone } = useServices();
  const picker = usePathPicker();
  const [format, setFormat] = useState<ExportFormat>('csv');
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [written, setWritten] = useState<{ path: string; rows: number } | null>(null);

  const browse = async () => {
    try {
      const chosen = await picker.browse('save-file', 'Export readings');
      if (chosen !== null) setPath(withExtension(chosen, format));
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const target = path.trim();
    if (signals.length === 0 || target === '') return;
    setBusy(true);
    setError(null);
    setWritten(null);
    try {
      const result = await api.exportData({
        signalIds: signals.map((s) => s.id),
        format,
        path: target,
        ...(range === null ? {} : { from: range.from, to: range.to }),
      });
      setWritten(result);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title="Export readings" onClose={onClose} testId="export-dialog">
      <form className="export-form" onSubmit={submit}>
        <p>
          {signals.length === 0 ? (
            <span className="warn-text">Tick the signals to export in the tree first.</span>
          ) : (
            <>
              {signals.length} signal{signals.length === 1 ? '' : 's'} ({signals.map((s) => s.tag).join(', ')}),{' '}
              {range === null
                ? 'all readings'
                : `${formatTimeValue(range.from, kind, displayZone)} → ${formatTimeValue(range.to, kind, displayZone)} (the chart's range)`}
              .
            </>
          )}
        </p>
        <fieldset className="format-choice" disabled={busy}>
          <legend>Format</legend>
          {ExportFormatSchema.options.map((f) => (
            <label key={f} className="radio">
              <input
                type="radio"
                name="export-format"
                value={f}
                checked={format === f}
                onChange={() => {
                  setFormat(f);
                  setPath((p) => withExtension(p, f));
                }}
                data-testid={`export-format-${f}`}
              />
              {FORMAT_HINTS[f]}
            </label>
          ))}
        </fieldset>
        <label htmlFor="export-path">Output file</label>
        <div className="input-row">
          <input
            id="export-path"
            type="text"
            placeholder={`/absolute/path/to/readings.${format}`}
            value={path}
            onChange={(e) => setPath(e.target.value)}
            spellCheck={false}
            autoComplete="off"
            data-testid="export-path-input"
          />
          {picker.canBrowse ? (
            <button type="button" onClick={() => void browse()} disabled={busy}>
              Browse…
            </button>
          ) : null}
        </div>
        <ErrorBanner message={error} onDismiss={() => setError(null)} testId="export-error" />
        {written !== null ? (
          <p className="ok-text" role="status" data-testid="export-result" data-rows={written.rows}>
            Wrote {written.rows} rows to {written.path}
          </p>
        ) : null}
        <div className="form-actions">
          <button type="button" onClick={onClose} data-testid="export-close">
            Close
          </button>
          <button
            type="submit"
            className="primary"
            disabled={busy || signals.length === 0 || path.trim() === ''}
            data-testid="export-start"
          >
            {busy ? 'Exporting…' : 'Export'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
