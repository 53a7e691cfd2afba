import { useState } from 'react';
import { useJobs } from '../hooks/use-jobs.js';
import { jobsSummary, kindLabel, rowStatus, runningCount } from '../logic/jobs-list.js';

/**
 * The status bar's jobs entry: a summary ("2 jobs running") that opens a list of what runs (kind, progress,
 * message, Cancel) and what ended lately, plus "Open log folder" (browser mode shows the path instead).
 */
export function JobsPanel() {
  const { rows, cancel, openLogFolder } = useJobs();
  const [open, setOpen] = useState(false);
  const [logPath, setLogPath] = useState<string | null>(null);
  const running = runningCount(rows);

  return (
    <div className="jobs-panel" data-testid="jobs-panel" data-running={running}>
      <button
        type="button"
        className={`jobs-toggle${running > 0 ? ' busy' : ''}`}
        aria-expanded={open}
        data-testid="jobs-toggle"
        onClick={() => setOpen((o) => !o)}
      >
        {running > 0 ? <span className="spinner" aria-hidden="true" /> : null}
        {jobsSummary(rows)}
      </button>
      {open ? (
        <div className="jobs-popover" role="dialog" aria-label="Jobs" data-testid="jobs-list">
          {rows.length === 0 ? <p className="muted">Nothing has run yet.</p> : null}
          <ul>
            {rows.map((row) => (
              <li key={row.id} className={`job-row job-${row.status}`} data-testid="job-row" data-status={row.status}>
                <span className="job-kind">{kindLabel(row.kind)}</span>
                {row.status === 'running' ? (
                  <progress max={1} value={row.fraction ?? undefined} aria-label={`${kindLabel(row.kind)} progress`} />
                ) : null}
                <span className="job-status" title={rowStatus(row)}>
                  {rowStatus(row)}
                </span>
                {row.status === 'running' ? (
                  <button
                    type="button"
                    disabled={row.cancelling}
                    data-testid="job-cancel"
                    onClick={() => void cancel(row.id)}
                  >
                    Cancel
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
          <div className="jobs-footer">
            <button
              type="button"
              data-testid="open-log-folder"
              onClick={() => void openLogFolder().then((path) => setLogPath(path))}
            >
              Open log folder
            </button>
            {logPath !== null ? (
              <span className="log-path" data-testid="log-path">
                Logs: <code>{logPath}</code>
              </span>
            ) : null}
          </div>
        </div>
      ) : null}
    </div>
  );
}
