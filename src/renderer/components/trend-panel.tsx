import { useMemo } from 'react';
import type { QualityRow, Signal } from '../../shared/domain.js';
import type { WorkspaceEvent } from '../../shared/historian.js';
import type { ChartRange } from '../hooks/use-chart-range.js';
import { useChartInteraction } from '../hooks/use-chart-interaction.js';
import { useChartKeys } from '../hooks/use-chart-keys.js';
import { useServices } from '../hooks/services.js';
import { useElementSize } from '../hooks/use-element-size.js';
import { useTrend } from '../hooks/use-trend.js';
import { eventMarks } from '../logic/events.js';
import { worstSeverity, describeProblems } from '../logic/quality.js';
import { presetsFor, sameRange, presetRange } from '../logic/range-math.js';
import { formatDuration, formatTimeValue } from '../logic/time-format.js';
import { colorFor, completeResult, countPoints, planAxes, plotLayout, signalLabel } from '../logic/trend-data.js';
import { ChartExportMenu } from './chart-export-menu.js';
import { TrendChart, type DrawnSeries } from './trend-chart.js';

export interface TrendPanelProps {
  readonly picked: readonly Signal[];
  readonly chartRange: ChartRange;
  readonly quality: ReadonlyMap<number, QualityRow>;
  readonly refreshKey: number;
  /** Events of the charted assets, drawn over the trend. */
  readonly events?: readonly WorkspaceEvent[];
}

const PAN_STEP = 0.25;
const ZOOM_STEP = 0.5;
const MIN_CHART_HEIGHT = 220;

/** Toolbar, M4 trend chart and its caption for the picked signals. */
export function TrendPanel({ picked, chartRange, quality, refreshKey, events }: TrendPanelProps) {
  const [sizeRef, size, element] = useElementSize<HTMLDivElement>();
  const { displayZone } = useServices();
  const { display, extent, kind, range } = chartRange;
  const plan = useMemo(() => planAxes(picked), [picked]);
  const layout = plotLayout(size.width, plan.axes);
  const ids = useMemo(() => picked.map((s) => s.id), [picked]);
  const trend = useTrend(ids, range, layout.width, refreshKey);
  const series: DrawnSeries[] = useMemo(() => picked.map((signal, i) => ({ signal, color: colorFor(i) })), [picked]);
  // While a newly ticked signal loads, draw nothing rather than a partial chart; zoom and pan keep the old lines.
  const shown = useMemo(() => completeResult(trend.result, ids), [trend.result, ids]);
  const counts = countPoints(shown);
  const marks = useMemo(
    () =>
      display === null || events === undefined ? [] : eventMarks(events, kind, display.from, display.to, displayZone),
    [events, kind, display, displayZone],
  );

  const interaction = useChartInteraction({
    element,
    layout,
    display,
    bounds: extent,
    onZoomTo: chartRange.setRange,
    onPanTo: chartRange.setRange,
    onWheelZoom: chartRange.zoom,
  });

  const hasData = picked.length > 0 && display !== null;
  useChartKeys(hasData, (action) => {
    if (action === 'zoom-in') chartRange.zoom(ZOOM_STEP);
    else if (action === 'zoom-out') chartRange.zoom(1 / ZOOM_STEP);
    else if (action === 'pan-left') chartRange.pan(-PAN_STEP);
    else if (action === 'pan-right') chartRange.pan(PAN_STEP);
    else chartRange.reset();
  });

  const presets = presetsFor(kind);
  const activePreset = presets.find((p) => sameRange(presetRange(p.id, kind, extent), range))?.id;
  const chartHeight = Math.max(MIN_CHART_HEIGHT, size.height);

  return (
    <section className="panel trend-panel" aria-label="Trend">
      <div className="toolbar" role="toolbar" aria-label="Chart range">
        <div className="button-group">
          {presets.map((p) => (
            <button
              key={p.id}
              type="button"
              className={activePreset === p.id ? 'active' : undefined}
              aria-pressed={activePreset === p.id}
              disabled={!hasData}
              onClick={() => chartRange.preset(p.id)}
              data-testid={`range-${p.id}`}
            >
              {p.label}
            </button>
          ))}
        </div>
        <div className="button-group">
          <button
            type="button"
            title="Pan left (←)"
            aria-label="Pan left"
            disabled={!hasData}
            onClick={() => chartRange.pan(-PAN_STEP)}
            data-testid="pan-left"
          >
            ◀
          </button>
          <button
            type="button"
            title="Pan right (→)"
            aria-label="Pan right"
            disabled={!hasData}
            onClick={() => chartRange.pan(PAN_STEP)}
            data-testid="pan-right"
          >
            ▶
          </button>
          <button
            type="button"
            title="Zoom in (+)"
            aria-label="Zoom in"
            disabled={!hasData}
            onClick={() => chartRange.zoom(ZOOM_STEP)}
            data-testid="zoom-in"
          >
            +
          </button>
          <button
            type="button"
            title="Zoom out (−)"
            aria-label="Zoom out"
            disabled={!hasData}
            onClick={() => chartRange.zoom(1 / ZOOM_STEP)}
            data-testid="zoom-out"
          >
            −
          </button>
          <button type="button" title="Reset zoom (0)" onClick={chartRange.reset} data-testid="zoom-reset">
            Reset zoom
          </button>
        </div>
        <div className="range-label" aria-live="polite">
          {display !== null && picked.length > 0 ? (
            <>
              {formatTimeValue(display.from, kind, displayZone)} → {formatTimeValue(display.to, kind, displayZone)}
              <span className="muted"> ({formatDuration(display.to - display.from, kind)})</span>
            </>
          ) : null}
          {trend.loading ? <span className="spinner" aria-label="loading" /> : null}
        </div>
        <ChartExportMenu
          target={() => element.current}
          title={`Trend: ${picked.map((s) => `${s.asset} / ${s.tag}`).join(', ')}`}
          units={picked.map((s) => s.unit ?? '')}
          testId="trend-export"
          disabled={!hasData}
        />
      </div>
      <div
        ref={sizeRef}
        className={`chart-area${interaction.panning ? ' panning' : ''}`}
        tabIndex={0}
        aria-label="Trend chart. Drag to zoom into a range, shift+drag or arrow keys to pan, mouse wheel or +/- to zoom, 0 to reset."
        data-testid="trend-chart"
        data-points={counts.points}
        data-raw={counts.raw}
        data-series={shown?.series.length ?? 0}
        data-width={shown?.width ?? ''}
        data-from={shown?.from ?? ''}
        data-to={shown?.to ?? ''}
        data-time-kind={shown?.timeKind ?? kind}
        data-loading={trend.loading ? 'true' : 'false'}
        data-events={marks.length}
        onMouseDown={interaction.onMouseDown}
      >
        {picked.length === 0 ? (
          <div className="empty-state">Tick signals in the tree (up to 8) to draw their trend.</div>
        ) : display === null ? (
          <div className="empty-state">The picked signals have no readings yet.</div>
        ) : size.width > 0 ? (
          <div className="chart-canvas">
            <TrendChart
              width={size.width}
              height={chartHeight}
              result={shown}
              series={series}
              plan={plan}
              kind={kind}
              display={display}
              selection={interaction.selection}
              quality={quality}
              events={marks}
            />
          </div>
        ) : null}
      </div>
      <div className="chart-caption" data-testid="trend-caption">
        {picked.length > 0 ? (
          <>
            <span className="caption-total">
              {counts.points} points drawn (M4 of {counts.raw} readings)
            </span>
            <ul className="legend">
              {series.map(({ signal, color }) => {
                const q = quality.get(signal.id);
                const severity = worstSeverity(q);
                const n = counts.perSeries.get(signal.id);
                return (
                  <li key={signal.id} data-testid={`legend-${signal.id}`} data-points={n ?? 0}>
                    <span className="swatch" style={{ background: color }} />
                    <span className="legend-name" title={signalLabel(signal)}>
                      {signal.asset} / {signal.tag}
                      {signal.unit ? ` [${signal.unit}]` : ''}
                    </span>
                    <span className="muted">: {n ?? 0} pts</span>
                    {severity !== 'ok' && q !== undefined ? (
                      <span className={`badge ${severity}`} title={describeProblems(q)}>
                        {severity === 'bad' ? '⚠ data' : '△ data'}
                      </span>
                    ) : null}
                  </li>
                );
              })}
            </ul>
          </>
        ) : null}
      </div>
    </section>
  );
}
