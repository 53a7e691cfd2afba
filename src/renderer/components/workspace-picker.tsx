import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { RecentWorkspace, WorkspaceInfo } from '../../shared/domain.js';
import { usePathPicker, useServices } from '../hooks/services.js';
import { errorMessage } from '../logic/errors.js';
import { ErrorBanner } from './error-banner.js';

export interface WorkspacePickerProps {
  readonly sampleAvailable: boolean;
  readonly onOpened: (info: WorkspaceInfo) => void;
  /** Report errors to the app's banner; without it they show inside the picker (e.g. in a dialog). */
  readonly onError?: (error: unknown) => void;
  readonly currentPath?: string | null;
}

/** Open a workspace folder (native dialog or typed path), a recent one, or the sample data. */
export function WorkspacePicker({ sampleAvailable, onOpened, onError, currentPath = null }: WorkspacePickerProps) {
  const { api } = useServices();
  const picker = usePathPicker();
  const [path, setPath] = useState('');
  const [recent, setRecent] = useState<readonly RecentWorkspace[]>([]);
  const [busy, setBusy] = useState<string | null>(null);
  const [localError, setLocalError] = useState<string | null>(null);
  const [hint, setHint] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);

  const fail = (error: unknown) => {
    if (onError) onError(error);
    else setLocalError(errorMessage(error));
  };

  useEffect(() => {
    let live = true;
    api.listRecentWorkspaces({}).then(
      (list) => {
        if (live) setRecent(list);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api]);

  const run = async (label: string, work: () => Promise<WorkspaceInfo>) => {
    setBusy(label);
    setLocalError(null);
    try {
      onOpened(await work());
    } catch (error) {
      fail(error);
    } finally {
      setBusy(null);
    }
  };

  const open = (target: string) => run(`Opening ${target}…`, () => api.openWorkspace({ path: target }));

  const browse = async () => {
    try {
      const chosen = await picker.browse('directory', 'Open workspace folder');
      if (chosen !== null) await open(chosen);
      else input.current?.focus(); // cancelled, or no dialog in this shell: the typed path is the way
    } catch (error) {
      fail(error);
    }
  };

  /** The main button: opens the typed path, or asks for a folder when nothing is typed. */
  const onOpenClick = async () => {
    const typed = path.trim();
    if (typed !== '') {
      await open(typed);
      return;
    }
    try {
      const chosen = await picker.browse('directory', 'Open workspace folder');
      if (chosen !== null) await open(chosen);
      else {
        setHint('Type the absolute path of the workspace folder (in browser mode: a path on the server machine).');
        input.current?.focus();
      }
    } catch (error) {
      fail(error);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void onOpenClick();
  };

  return (
    <div className="workspace-picker" aria-busy={busy !== null}>
      <div className="picker-sample">
        <button
          type="button"
          className="primary big"
          disabled={busy !== null}
          onClick={() => void run('Opening the sample workspace…', () => api.openSampleWorkspace({}))}
          data-testid="open-sample"
        >
          Open sample data
        </button>
        <p className="muted">
          {sampleAvailable
            ? 'NASA C-MAPSS turbofan run-to-failure data (FD001), imported into a fresh workspace.'
            : 'The sample data is not installed with this copy; the button reports why.'}
        </p>
      </div>
      <form className="picker-open" onSubmit={submit}>
        <label htmlFor="workspace-path">Workspace folder</label>
        <div className="input-row">
          <input
            id="workspace-path"
            ref={input}
            type="text"
            placeholder="/absolute/path/to/workspace (created if missing)"
            value={path}
            onChange={(e) => setPath(e.target.value)}
            spellCheck={false}
            autoComplete="off"
            data-testid="workspace-path-input"
          />
          {picker.canBrowse ? (
            <button type="button" disabled={busy !== null} onClick={() => void browse()} data-testid="workspace-browse">
              Browse…
            </button>
          ) : null}
          <button type="submit" className="primary" disabled={busy !== null} data-testid="open-workspace">
            Open workspace
          </button>
        </div>
        {hint !== null || !picker.canBrowse ? (
          <p className="muted small">
            {hint ?? 'No folder dialog here: type the absolute path (in browser mode: a path on the server machine).'}
          </p>
        ) : null}
      </form>
      {busy !== null ? (
        <p className="busy" role="status">
          <span className="spinner" /> {busy}
        </p>
      ) : null}
      {onError === undefined ? (
        <ErrorBanner message={localError} onDismiss={() => setLocalError(null)} testId="picker-error" />
      ) : null}
      <div className="picker-recent">
        <h3>Recent workspaces</h3>
        {recent.length === 0 ? (
          <p className="muted small">None yet.</p>
        ) : (
          <ul className="recent-list" data-testid="recent-workspaces">
            {recent.map((r) => (
              <li key={r.path}>
                <button
                  type="button"
                  className="recent-item"
                  disabled={busy !== null || r.path === currentPath}
                  onClick={() => void open(r.path)}
                  title={r.path}
                >
                  <span className="recent-path">{r.path}</span>
                  <span className="muted small">
                    {r.path === currentPath
                      ? 'open now'
                      : `opened ${r.openedAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, '')}`}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
