import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Signal, WorkspaceInfo } from '../../shared/domain.js';
import { useApiEvents } from '../hooks/services.js';
import { useChartRange } from '../hooks/use-chart-range.js';
import { useEvents } from '../hooks/use-events.js';
import { useQuality } from '../hooks/use-quality.js';
import { useSignals } from '../hooks/use-signals.js';
import { assetsOf } from '../logic/events.js';
import { prunePicked, togglePick } from '../logic/selection.js';
import { compareNatural } from '../logic/signal-tree.js';
import { Dialog } from './dialog.js';
import { EventsPanel } from './events-panel.js';
import { ExploreHealth } from './explore-health.js';
import { ExportDialog } from './export-dialog.js';
import { HistorianDialog } from './historian-dialog.js';
import { ImportDialog } from './import-dialog.js';
import { ModelsView } from './models-view.js';
import { MonitorView } from './monitor-view.js';
import { ReportsView } from './reports-view.js';
import { QualityTable } from './quality-table.js';
import { RegistryView } from './registry-view.js';
import { SignalProperties } from './signal-properties.js';
import { SignalTree } from './signal-tree.js';
import { SqlHistorianDialog } from './sql-historian-dialog.js';
import { TrendPanel } from './trend-panel.js';
import { WorkspacePicker } from './workspace-picker.js';

export interface WorkbenchProps {
  readonly workspace: WorkspaceInfo;
  readonly sampleAvailable: boolean;
  readonly onWorkspaceOpened: (info: WorkspaceInfo) => void;
  readonly onWorkspaceChanged: () => void;
}

type OpenDialog = 'import' | 'historian' | 'sql-historian' | 'export' | 'switch' | null;
type Area = 'explore' | 'models' | 'registry' | 'monitor' | 'reports';

const MAX_QUALITY_SIGNALS = 64;

/** The main window once a workspace is open: signal tree, trend, data quality, import and export. */
export function Workbench({ workspace, sampleAvailable, onWorkspaceOpened, onWorkspaceChanged }: WorkbenchProps) {
  const signals = useSignals();
  const { byId } = signals;
  const [picked, setPicked] = useState<readonly number[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const [focusedAsset, setFocusedAsset] = useState<string | null>(null);
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const [area, setArea] = useState<Area>('explore');

  // Signals can disappear (re-import into another asset, workspace change): keep only existing picks.
  useEffect(() => {
    if (signals.loading) return;
    setPicked((p) => prunePicked(p, byId));
    setSelectedId((id) => (id !== null && !byId.has(id) ? null : id));
  }, [byId, signals.loading]);

  const pickedSignals = useMemo(
    () => picked.map((id) => byId.get(id)).filter((s): s is Signal => s !== undefined),
    [picked, byId],
  );
  const chartRange = useChartRange(pickedSignals);
  const pickedAssets = useMemo(() => assetsOf(pickedSignals), [pickedSignals]);
  const events = useEvents(pickedAssets);
  const eventStart =
    chartRange.display === null ? null : Math.round((chartRange.display.from + chartRange.display.to) / 2);

  const qualityScope = useMemo(() => {
    if (pickedSignals.length > 0)
      return { ids: pickedSignals.map((s) => s.id), label: 'signals on the chart', truncated: false };
    if (focusedAsset !== null) {
      const ids = signals.signals
        .filter((s) => s.asset === focusedAsset)
        .sort((a, b) => compareNatural(a.tag, b.tag))
        .map((s) => s.id);
      return {
        ids: ids.slice(0, MAX_QUALITY_SIGNALS),
        label: `all signals of ${focusedAsset}`,
        truncated: ids.length > MAX_QUALITY_SIGNALS,
      };
    }
    return { ids: [], label: '', truncated: false };
  }, [pickedSignals, focusedAsset, signals.signals]);
  const quality = useQuality(qualityScope.ids, signals.version);
  const qualityById = useMemo(() => new Map(quality.rows.map((r) => [r.signalId, r])), [quality.rows]);

  const refreshAll = useCallback(() => {
    void signals.refresh();
    onWorkspaceChanged();
  }, [signals.refresh, onWorkspaceChanged]);

  useApiEvents((event) => {
    if (event.type === 'workspace-changed') void signals.refresh();
    else if (event.type === 'job-finished' && event.job.status === 'done') refreshAll();
  });

  const onTogglePick = useCallback(
    (signal: Signal) => {
      const result = togglePick(picked, signal, byId);
      setPicked(result.picked);
      setNotice(result.notice);
    },
    [picked, byId],
  );

  const onSelect = useCallback((signal: Signal) => {
    setSelectedId((id) => (id === signal.id ? null : signal.id));
    setFocusedAsset(signal.asset);
  }, []);

  const selected = selectedId === null ? undefined : byId.get(selectedId);

  return (
    <div className="workbench">
      <header className="app-header">
        <div className="brand">PdM Studio</div>
        <div className="area-tabs" role="tablist" aria-label="Area">
          {(['explore', 'models'] as const).map((a) => (
            <button
              key={a}
              type="button"
              role="tab"
              aria-selected={area === a}
              className={area === a ? 'active' : undefined}
              onClick={() => setArea(a)}
              data-testid={`area-${a}`}
            >
              {a === 'explore' ? 'Explore' : 'Models'}
            </button>
          ))}
          <button
            type="button"
            role="tab"
            aria-selected={area === 'registry'}
            className={area === 'registry' ? 'active' : undefined}
            onClick={() => setArea('registry')}
            data-testid="area-registry"
          >
            Registry
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={area === 'monitor'}
            className={area === 'monitor' ? 'active' : undefined}
            onClick={() => setArea('monitor')}
            data-testid="area-monitor"
          >
            Monitor
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={area === 'reports'}
            className={area === 'reports' ? 'active' : undefined}
            onClick={() => setArea('reports')}
            data-testid="area-reports"
          >
            Reports
          </button>
        </div>
        <div className="workspace-path" title={workspace.path} data-testid="workspace-path">
          {workspace.path}
        </div>
        <nav className="header-actions" aria-label="Workspace actions">
          <button type="button" onClick={() => setDialog('import')} data-testid="import-button">
            Import…
          </button>
          <button type="button" onClick={() => setDialog('historian')} data-testid="historian-button">
            Connect historian…
          </button>
          <button type="button" onClick={() => setDialog('sql-historian')} data-testid="sql-historian-button">
            SQL historian…
          </button>
          <button type="button" onClick={() => setDialog('export')} data-testid="export-button">
            Export…
          </button>
          <button type="button" onClick={() => setDialog('switch')} data-testid="workspace-switcher">
            Switch workspace…
          </button>
        </nav>
      </header>
      {area === 'models' ? <ModelsView signals={signals.signals} /> : null}
      {area === 'registry' ? <RegistryView /> : null}
      {area === 'monitor' ? <MonitorView /> : null}
      {area === 'reports' ? <ReportsView /> : null}
      <div className="workbench-body" hidden={area !== 'explore'}>
        <aside className="sidebar" aria-label="Signals">
          <SignalTree
            signals={signals.signals}
            picked={picked}
            selectedId={selectedId}
            focusedAsset={focusedAsset}
            loading={signals.loading}
            onTogglePick={onTogglePick}
            onSelect={onSelect}
            onFocusAsset={setFocusedAsset}
            onClearPicked={() => {
              setPicked([]);
              setNotice(null);
            }}
          />
          {notice !== null ? (
            <div className="notice" role="status" data-testid="pick-notice">
              <span>{notice}</span>
              <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => setNotice(null)}>
                ×
              </button>
            </div>
          ) : null}
          {selected !== undefined ? (
            <SignalProperties
              key={selected.id}
              signal={selected}
              onSaved={(updated) => {
                signals.replace(updated);
                onWorkspaceChanged();
              }}
              onClose={() => setSelectedId(null)}
            />
          ) : null}
        </aside>
        <main className="main-area">
          <TrendPanel
            picked={pickedSignals}
            chartRange={chartRange}
            quality={qualityById}
            refreshKey={signals.version}
            events={events.events}
          />
          <ExploreHealth assets={pickedAssets} range={chartRange.range} />
          <EventsPanel state={events} assets={pickedAssets} signals={signals.signals} defaultStart={eventStart} />
          <QualityTable
            rows={quality.rows}
            byId={byId}
            loading={quality.loading}
            scope={qualityScope.label}
            truncated={qualityScope.truncated}
            onSelect={onSelect}
          />
        </main>
      </div>
      {dialog === 'import' ? <ImportDialog onClose={() => setDialog(null)} onImported={refreshAll} /> : null}
      {dialog === 'historian' ? <HistorianDialog onClose={() => setDialog(null)} onImported={refreshAll} /> : null}
      {dialog === 'sql-historian' ? (
        <SqlHistorianDialog onClose={() => setDialog(null)} onImported={refreshAll} />
      ) : null}
      {dialog === 'export' ? (
        <ExportDialog
          signals={pickedSignals}
          range={chartRange.range}
          kind={chartRange.kind}
          onClose={() => setDialog(null)}
        />
      ) : null}
      {dialog === 'switch' ? (
        <Dialog title="Switch workspace" onClose={() => setDialog(null)} testId="switch-dialog">
          <WorkspacePicker
            sampleAvailable={sampleAvailable}
            currentPath={workspace.path}
            onOpened={(info) => {
              setDialog(null);
              onWorkspaceOpened(info);
            }}
          />
        </Dialog>
      ) : null}
    </div>
  );
}
