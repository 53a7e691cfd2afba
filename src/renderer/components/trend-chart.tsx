import { useMemo } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceArea, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import type { QualityRow, Signal, TimeKind, TrendResult } from '../../shared/domain.js';
import { useServices } from '../hooks/services.js';
import type { EventMark } from '../logic/events.js';
import type { Range } from '../logic/range-math.js';
import { formatNumber, formatTick, formatTimeValue, tickStep, timeTicks } from '../logic/time-format.js';
import {
  CHART_MARGIN,
  X_AXIS_HEIGHT,
  Y_AXIS_WIDTH,
  displayDomain,
  formatAxisNumber,
  mergeSeries,
  resultGaps,
  seriesKey,
  valueAt,
  type AxisPlan,
  type Gap,
} from '../logic/trend-data.js';

export interface DrawnSeries {
  readonly signal: Signal;
  readonly color: string;
}

export interface TrendChartProps {
  readonly width: number;
  readonly height: number;
  readonly result: TrendResult | null;
  readonly series: readonly DrawnSeries[];
  readonly plan: AxisPlan;
  readonly kind: TimeKind;
  readonly display: Range;
  readonly selection: Range | null;
  readonly quality: ReadonlyMap<number, QualityRow>;
  /** Events of the charted assets: bands (with an end) and lines (points in time), coloured by kind. */
  readonly events?: readonly EventMark[];
}

interface ShapeProps {
  readonly x?: number;
  readonly y?: number;
  readonly width?: number;
  readonly height?: number;
  readonly x1?: number;
  readonly y1?: number;
  readonly x2?: number;
  readonly y2?: number;
  readonly clipPath?: string;
}

/** An event band with its tooltip; at least 2 px wide so a short outage stays visible. */
function EventBand({ mark, x, y, width, height, clipPath }: ShapeProps & { mark: EventMark }) {
  if (x === undefined || y === undefined || width === undefined || height === undefined) return <g />;
  const w = Math.max(2, width);
  return (
    <g clipPath={clipPath} data-testid="event-band" data-event-id={mark.event.id} data-kind={mark.event.kind}>
      <title>{mark.title}</title>
      <rect
        x={x - (w - width) / 2}
        y={y}
        width={w}
        height={height}
        fill={mark.color}
        fillOpacity={0.14}
        stroke={mark.color}
        strokeOpacity={0.5}
      />
    </g>
  );
}

/** A stretch of one signal without data: a grey band edged in the signal's colour, named in its tooltip. */
function GapBand({
  gap,
  color,
  title,
  x,
  y,
  width,
  height,
  clipPath,
}: ShapeProps & { gap: Gap; color: string; title: string }) {
  if (x === undefined || y === undefined || width === undefined || height === undefined) return <g />;
  return (
    <g clipPath={clipPath} data-testid="gap-band" data-signal-id={gap.signalId}>
      <title>{title}</title>
      <rect x={x} y={y} width={Math.max(1, width)} height={height} fill="#9ca3af" fillOpacity={0.16} />
      <rect x={x} y={y + height - 4} width={Math.max(1, width)} height={4} fill={color} fillOpacity={0.6} />
    </g>
  );
}

function EventLine({ mark, x1, y1, x2, y2, clipPath }: ShapeProps & { mark: EventMark }) {
  if (x1 === undefined || y1 === undefined || x2 === undefined || y2 === undefined) return <g />;
  return (
    <g clipPath={clipPath} data-testid="event-line" data-event-id={mark.event.id} data-kind={mark.event.kind}>
      <title>{mark.title}</title>
      <line x1={x1} y1={y1} x2={x2} y2={y2} stroke={mark.color} strokeWidth={2} strokeDasharray="4 2" />
      {/* A wider transparent line makes the tooltip easy to hit. */}
      <line x1={x1} y1={y1} x2={x2} y2={y2} stroke="transparent" strokeWidth={8} />
    </g>
  );
}

interface ReadoutProps {
  readonly active?: boolean;
  readonly label?: string | number;
  readonly kind: TimeKind;
  readonly result: TrendResult | null;
  readonly series: readonly DrawnSeries[];
  readonly gaps: readonly Gap[];
  readonly zone: string;
}

/** Cursor read-out: the time under the cursor and every signal's value there. */
function CursorReadout({ active, label, kind, result, series, gaps, zone }: ReadoutProps) {
  if (!active || label === undefined || result === null) return null;
  const t = Number(label);
  return (
    <div className="chart-readout" role="status">
      <div className="chart-readout-time">{formatTimeValue(t, kind, zone)}</div>
      <table>
        <tbody>
          {series.map(({ signal, color }) => {
            const s = result.series.find((x) => x.signalId === signal.id);
            const v =
              s === undefined
                ? null
                : valueAt(
                    s,
                    t,
                    gaps.filter((g) => g.signalId === signal.id),
                  );
            return (
              <tr key={signal.id}>
                <td>
                  <span className="swatch" style={{ background: color }} />
                  {signal.tag}
                </td>
                <td className="num">
                  {formatNumber(v)}
                  {signal.unit ? ` ${signal.unit}` : ''}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/**
 * The recharts drawing of an M4 trend: one line per signal, one y axis per unit, valid limits as dashed lines.
 * A line breaks where its signal has no data for longer than a few sample periods, and a band marks the stretch.
 */
export function TrendChart({
  width,
  height,
  result,
  series,
  plan,
  kind,
  display,
  selection,
  quality,
  events,
}: TrendChartProps) {
  const { displayZone } = useServices();
  const gaps = useMemo(
    () =>
      resultGaps(
        result,
        new Map(series.map(({ signal }) => [signal.id, signal.samplePeriod ?? quality.get(signal.id)?.period ?? null])),
      ),
    [result, series, quality],
  );
  const rows = useMemo(() => mergeSeries(result?.series ?? [], gaps), [result, gaps]);
  const colorOf = new Map(series.map(({ signal, color }) => [signal.id, color]));
  const tagOf = new Map(series.map(({ signal }) => [signal.id, `${signal.asset} / ${signal.tag}`]));
  const domain = displayDomain(display, kind);
  const maxTicks = Math.max(2, Math.floor(width / (kind === 'cycle' ? 70 : 110)));
  const ticks = useMemo(
    () => timeTicks(domain[0], domain[1], kind, maxTicks, displayZone),
    [domain[0], domain[1], kind, maxTicks, displayZone],
  );
  const step = tickStep(domain[0], domain[1], kind, maxTicks);
  const span = domain[1] - domain[0];
  const drawn = new Set(result?.series.map((s) => s.signalId) ?? []);
  const { axes, axisOf } = plan;
  const firstAxis = axes[0]?.id ?? 'none';
  const axisFor = (id: number) => axisOf.get(id) ?? firstAxis;

  return (
    <LineChart width={width} height={height} data={rows} margin={CHART_MARGIN} accessibilityLayer={false}>
      <CartesianGrid stroke="#e3e7ee" strokeDasharray="3 3" />
      <XAxis
        dataKey="t"
        type="number"
        domain={domain}
        allowDataOverflow
        ticks={ticks}
        tickFormatter={(t: number) => formatTick(t, kind, step, span, displayZone)}
        height={X_AXIS_HEIGHT}
        tick={{ fontSize: 11, fill: '#4b5563' }}
        stroke="#9ca3af"
      />
      {axes.map((axis) => (
        <YAxis
          key={axis.id}
          yAxisId={axis.id}
          orientation={axis.orientation}
          hide={axis.hide}
          width={Y_AXIS_WIDTH}
          domain={['auto', 'auto']}
          tickFormatter={formatAxisNumber}
          tick={{ fontSize: 11, fill: axis.color ?? '#4b5563' }}
          stroke={axis.color ?? '#9ca3af'}
          label={
            axis.label
              ? {
                  value: axis.label,
                  angle: -90,
                  position: axis.orientation === 'left' ? 'insideLeft' : 'insideRight',
                  style: { fontSize: 11, fill: axis.color ?? '#6b7280', textAnchor: 'middle' },
                }
              : undefined
          }
        />
      ))}
      <Tooltip
        isAnimationActive={false}
        cursor={{ stroke: '#6b7280', strokeDasharray: '2 2' }}
        content={(props) => (
          <CursorReadout
            active={props.active}
            label={props.label}
            kind={kind}
            result={result}
            series={series}
            gaps={gaps}
            zone={displayZone}
          />
        )}
      />
      {series
        .filter(({ signal }) => drawn.has(signal.id))
        .map(({ signal, color }) => (
          <Line
            key={signal.id}
            dataKey={seriesKey(signal.id)}
            name={signal.tag}
            yAxisId={axisFor(signal.id)}
            type="linear"
            stroke={color}
            strokeWidth={1.5}
            dot={false}
            activeDot={{ r: 3 }}
            isAnimationActive={false}
            connectNulls={false}
          />
        ))}
      {gaps.map((gap) => (
        <ReferenceArea
          key={`gap-${gap.signalId}-${gap.from}`}
          yAxisId={firstAxis}
          x1={gap.from}
          x2={gap.to}
          ifOverflow="hidden"
          shape={(props: ShapeProps) => (
            <GapBand
              {...props}
              gap={gap}
              color={colorOf.get(gap.signalId) ?? '#6b7280'}
              title={`${tagOf.get(gap.signalId) ?? ''}: no data from ${formatTimeValue(gap.from, kind, displayZone)} to ${formatTimeValue(gap.to, kind, displayZone)}`}
            />
          )}
        />
      ))}
      {series.flatMap(({ signal, color }) => {
        const limits: { value: number; label: string }[] = [];
        if (signal.validMin !== null) limits.push({ value: signal.validMin, label: 'min' });
        if (signal.validMax !== null) limits.push({ value: signal.validMax, label: 'max' });
        const q = quality.get(signal.id);
        const outOfRange = q !== undefined && q.outOfRange > 0;
        return limits.map((limit) => (
          <ReferenceLine
            key={`${signal.id}-${limit.label}`}
            yAxisId={axisFor(signal.id)}
            y={limit.value}
            stroke={outOfRange ? '#dc2626' : color}
            strokeDasharray="6 4"
            strokeOpacity={0.8}
            ifOverflow="hidden"
            label={{ value: `${signal.tag} ${limit.label}`, position: 'insideTopRight', fontSize: 10, fill: color }}
          />
        ));
      })}
      {(events ?? []).map((mark) =>
        mark.x2 === null ? (
          <ReferenceLine
            key={`event-${mark.event.id}`}
            yAxisId={firstAxis}
            x={mark.x1}
            ifOverflow="hidden"
            shape={(props: ShapeProps) => <EventLine {...props} mark={mark} />}
          />
        ) : (
          <ReferenceArea
            key={`event-${mark.event.id}`}
            yAxisId={firstAxis}
            x1={mark.x1}
            x2={mark.x2}
            ifOverflow="hidden"
            shape={(props: ShapeProps) => <EventBand {...props} mark={mark} />}
          />
        ),
      )}
      {selection !== null && (
        <ReferenceArea
          yAxisId={firstAxis}
          x1={selection.from}
          x2={selection.to}
          fill="#2563eb"
          fillOpacity={0.12}
          stroke="#2563eb"
          strokeOpacity={0.4}
          ifOverflow="hidden"
        />
      )}
    </LineChart>
  );
}
