import { useCallback, useEffect, useRef, useState } from 'react';
import type { HealthSeries } from '../../shared/api.js';
import type { Deployment, ScoringResult } from '../../shared/monitoring.js';
import type { ListedAlert } from '../logic/monitoring.js';
import { useApiEvents, useServices } from './services.js';

export interface MonitoringState {
  readonly deployments: readonly Deployment[];
  readonly selected: Deployment | null;
  readonly select: (id: string) => void;
  readonly alerts: readonly ListedAlert[];
  readonly health: ReadonlyMap<string, HealthSeries>;
  readonly lastScoring: ScoringResult | null;
  readonly loading: boolean;
  readonly refresh: () => Promise<void>;
}

/** Deployments, the selected one's alerts and health series; refreshed when a scoring job or the workspace changes. */
export const useMonitoring = (width: number): MonitoringState => {
  const { api, reportError } = useServices();
  const [deployments, setDeployments] = useState<readonly Deployment[]>([]);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [alerts, setAlerts] = useState<readonly ListedAlert[]>([]);
  const [health, setHealth] = useState<ReadonlyMap<string, HealthSeries>>(new Map());
  const [lastScoring, setLastScoring] = useState<ScoringResult | null>(null);
  const [loading, setLoading] = useState(true);
  const seq = useRef(0);

  const refresh = useCallback(async () => {
    const id = ++seq.current;
    setLoading(true);
    try {
      const list = await api.listDeployments({});
      if (id !== seq.current) return;
      setDeployments(list);
      const current = list.find((d) => d.id === selectedId) ?? list[0] ?? null;
      if (current === null) {
        setAlerts([]);
        setHealth(new Map());
        return;
      }
      if (current.id !== selectedId) setSelectedId(current.id);
      const [listed, ...series] = await Promise.all([
        api.listAlerts({ deploymentId: current.id }),
        ...current.assets.slice(0, 12).map((asset) => api.getHealthSeries({ deploymentId: current.id, asset, width })),
      ]);
      if (id !== seq.current) return;
      setAlerts(listed);
      setHealth(new Map(series.map((s) => [s.asset, s])));
    } catch (error) {
      if (id === seq.current) reportError(error);
    } finally {
      if (id === seq.current) setLoading(false);
    }
  }, [api, reportError, selectedId, width]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  useApiEvents((event) => {
    if (event.type === 'job-finished' && event.job.kind === 'scoring') {
      if (event.job.scoring !== null && event.job.scoring !== undefined) setLastScoring(event.job.scoring);
      void refresh();
    } else if (event.type === 'workspace-changed') void refresh();
  });

  return {
    deployments,
    selected: deployments.find((d) => d.id === selectedId) ?? null,
    select: setSelectedId,
    alerts,
    health,
    lastScoring,
    loading,
    refresh,
  };
};
