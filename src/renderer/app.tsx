import { useCallback, useEffect, useState } from 'react';
import type { ApiOutput } from '../shared/api.js';
import type { WorkspaceInfo } from '../shared/domain.js';
import type { ApiClient } from './api-client.js';
import { ErrorBanner } from './components/error-banner.js';
import { StartScreen } from './components/start-screen.js';
import { StatusBar } from './components/status-bar.js';
import { TrainingEngineHost } from './components/training-engine-host.js';
import { Workbench } from './components/workbench.js';
import { ServicesProvider } from './hooks/services.js';
import { errorMessage } from './logic/errors.js';

export type AppInfo = ApiOutput<'getAppInfo'>;

/** The whole window: start screen or workbench, the error banner and the status bar. */
export function App({ client }: { client: ApiClient }) {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [loadFailed, setLoadFailed] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const reportError = useCallback((e: unknown) => setError(errorMessage(e)), []);

  const refreshInfo = useCallback(async () => {
    try {
      setInfo(await client.api.getAppInfo({}));
      setLoadFailed(false);
    } catch (e) {
      setLoadFailed(true);
      reportError(e);
    }
  }, [client, reportError]);

  useEffect(() => {
    void refreshInfo();
  }, [refreshInfo]);

  useEffect(
    () =>
      client.onEvent((event) => {
        if (event.type === 'workspace-changed') void refreshInfo();
      }),
    [client, refreshInfo],
  );

  const onWorkspaceOpened = useCallback(
    (workspace: WorkspaceInfo) => {
      setError(null);
      setInfo((current) => (current === null ? current : { ...current, workspace }));
      void refreshInfo();
    },
    [refreshInfo],
  );

  const onWorkspaceChanged = useCallback(() => void refreshInfo(), [refreshInfo]);
  const workspace = info?.workspace ?? null;

  return (
    <ServicesProvider
      client={client}
      reportError={reportError}
      shell={info?.shell ?? null}
      workspacePath={info?.workspace?.path ?? null}
    >
      <div className="app">
        <TrainingEngineHost />
        <ErrorBanner message={error} onDismiss={() => setError(null)} />
        <div className="app-content">
          {info === null ? (
            <main className="start-screen">
              <div className="start-card">
                <h1>PdM Studio</h1>
                {loadFailed ? (
                  <button type="button" className="primary" onClick={() => void refreshInfo()}>
                    Retry
                  </button>
                ) : (
                  <p className="busy" role="status">
                    <span className="spinner" /> Connecting…
                  </p>
                )}
              </div>
            </main>
          ) : workspace === null ? (
            <StartScreen sampleAvailable={info.sampleAvailable} onOpened={onWorkspaceOpened} />
          ) : (
            <Workbench
              key={workspace.path}
              workspace={workspace}
              sampleAvailable={info.sampleAvailable}
              onWorkspaceOpened={onWorkspaceOpened}
              onWorkspaceChanged={onWorkspaceChanged}
            />
          )}
        </div>
        <StatusBar shell={info?.shell ?? null} version={info?.version ?? null} workspace={workspace} />
      </div>
    </ServicesProvider>
  );
}
