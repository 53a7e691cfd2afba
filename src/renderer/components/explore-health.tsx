import { useCallback, useEffect, useState } from 'react';
import type { HealthSeries } from '../../shared/api.js';
import { useApiEvents, useServices } from '../hooks/services.js';
import { HealthTrend } from './monitor-view.js';

export interface ExploreHealthProps {
  /** Assets of the signals on the chart: their health trends are drawn under the sensors. */
  readonly assets: readonly string[];
  /** The trend's zoomed range (null: everything), so the health trend covers what the sensors show. */
  readonly range: { readonly from: number; readonly to: number } | null;
}

const WIDTH = 560;

/**
 * Issue 10: "the model output appears as a health trend on Explore, under the sensors of that asset, with the
 * alert threshold and the alerts as bands". One trend per champion deployment scoring a charted asset; the
 * challengers stay in the Monitor area, so Explore shows what the plant acts on.
 */
export function ExploreHealth({ assets, range }: ExploreHealthProps) {
  const { api, reportError } = useServices();
  const [series, setSeries] = useState<readonly HealthSeries[]>([]);
  const key = assets.join('\n');
  const from = range?.from;
  const to = range?.to;

  const load = useCallback(async () => {
    const wanted = key === '' ? [] : key.split('\n');
    if (wanted.length === 0) return setSeries([]);
    try {
      const deployments = (await api.listDeployments({})).filter((d) => d.role === 'champion');
      const pairs = deployments.flatMap((d) =>
        d.assets.filter((a) => wanted.includes(a)).map((asset) => ({ deploymentId: d.id, asset })),
      );
      const loaded = await Promise.all(
        pairs.map((p) =>
          api.getHealthSeries({
            ...p,
            width: WIDTH,
            ...(from === undefined ? {} : { from }),
            ...(to === undefined ? {} : { to }),
          }),
        ),
      );
      setSeries(loaded.filter((s) => s.windows > 0));
    } catch (error) {
      reportError(error);
    }
  }, [api, key, from, to, reportError]);

  useEffect(() => {
    void load();
  }, [load]);
  useApiEvents((event) => {
    if (event.type === 'workspace-changed') void load();
  });

  if (series.length === 0) return null;
  return (
    <section className="panel explore-health" aria-label="Model health" data-testid="explore-health">
      <div className="panel-title">
        <h2>Model health</h2>
        <span className="muted small">
          deployed model output for the charted assets, with the alert rule and alerts
        </span>
      </div>
      {series.map((s) => (
        <div key={`${s.deploymentId} ${s.asset}`} data-deployment={s.deploymentId}>
          <HealthTrend series={s} />
        </div>
      ))}
    </section>
  );
}
