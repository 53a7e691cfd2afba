import type { WorkspaceInfo } from '../../shared/domain.js';
import { formatCount } from '../logic/time-format.js';
import { JobsPanel } from './jobs-panel.js';
import { TimeZoneControl } from './time-zone-control.js';

export interface StatusBarProps {
  readonly shell: 'electron' | 'web' | 'cli' | null;
  readonly version: string | null;
  readonly workspace: WorkspaceInfo | null;
}

export function StatusBar({ shell, version, workspace }: StatusBarProps) {
  return (
    <footer className="status-bar" data-testid="status-bar">
      <span data-testid="status-shell">
        {shell === null
          ? 'connecting…'
          : shell === 'electron'
            ? 'Desktop'
            : shell === 'cli'
              ? 'Command line'
              : 'Browser mode'}
      </span>
      {version !== null ? <span>PdM Studio {version}</span> : null}
      {shell !== null ? <JobsPanel /> : null}
      {workspace !== null ? (
        <span
          className="status-workspace"
          data-testid="status-workspace"
          data-signals={workspace.signals}
          data-readings={workspace.readings}
        >
          DuckDB workspace · {formatCount(workspace.signals)} signals · {formatCount(workspace.assets)} assets ·{' '}
          {formatCount(workspace.readings)} readings · schema v{workspace.schemaVersion}
        </span>
      ) : (
        <span>No workspace open</span>
      )}
      {workspace !== null ? <TimeZoneControl /> : null}
    </footer>
  );
}
