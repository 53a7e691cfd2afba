import { useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, ReferenceLine, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { RunDetail } from '../../shared/training.js';
import { formatMetric } from '../logic/run-list.js';
import { bucketWidth, errorByRul, scatterAxis, thinOut } from '../logic/rul-error.js';
import { ChartBox } from './chart-box.js';

type Predictions = RunDetail['predictions'];

const MAX_SCATTER_POINTS = 4000;
const ACCENT = '#2563eb';

/** Predicted against true remaining life, with the y = x line of a perfect model. */
export function RulScatter({ predictions }: { predictions: Predictions }) {
  const points = useMemo(
    () =>
      thinOut(predictions, MAX_SCATTER_POINTS).map((p) => ({ actual: p.label, predicted: p.score, asset: p.asset })),
    [predictions],
  );
  const { domain, ticks } = useMemo(() => scatterAxis(predictions), [predictions]);
  const height = 320;
  return (
    <ChartBox
      height={height}
      testId="run-scatter"
      label="Predicted against true remaining life"
      data={{ points: points.length }}
    >
      {(width) => (
        <ScatterChart width={Math.min(width, 520)} height={height} margin={{ top: 8, right: 16, bottom: 24, left: 8 }}>
          <CartesianGrid stroke="#eef1f5" />
          <XAxis
            type="number"
            dataKey="actual"
            name="true RUL"
            domain={domain}
            ticks={ticks}
            tick={{ fontSize: 11 }}
            label={{ value: 'true RUL', position: 'insideBottom', offset: -12, fontSize: 12 }}
          />
          <YAxis
            type="number"
            dataKey="predicted"
            name="predicted RUL"
            domain={domain}
            ticks={ticks}
            width={48}
            tick={{ fontSize: 11 }}
            label={{ value: 'predicted', angle: -90, position: 'insideLeft', fontSize: 12 }}
          />
          <ReferenceLine
            segment={[
              { x: domain[0], y: domain[0] },
              { x: domain[1], y: domain[1] },
            ]}
            stroke="#9ca3af"
            strokeDasharray="4 3"
            ifOverflow="hidden"
          />
          <Tooltip
            formatter={(v) => (typeof v === 'number' ? formatMetric(v) : String(v))}
            cursor={{ strokeDasharray: '3 3' }}
          />
          <Scatter data={points} fill={ACCENT} fillOpacity={0.55} isAnimationActive={false} shape="circle" />
        </ScatterChart>
      )}
    </ChartBox>
  );
}

/** Mean absolute error by band of true remaining life: is the model good where it matters (near failure)? */
export function ErrorByRulChart({ predictions }: { predictions: Predictions }) {
  const buckets = useMemo(() => errorByRul(predictions, bucketWidth(predictions)), [predictions]);
  const data = buckets.map((b) => ({ band: `${b.from}–${b.to}`, mae: b.mae, bias: b.bias, count: b.count }));
  const height = 240;
  return (
    <ChartBox
      height={height}
      testId="run-error-by-rul"
      label="Mean absolute error by true remaining life"
      data={{ buckets: buckets.length }}
    >
      {(width) => (
        <BarChart
          width={Math.min(width, 520)}
          height={height}
          data={data}
          margin={{ top: 8, right: 16, bottom: 24, left: 8 }}
        >
          <CartesianGrid stroke="#eef1f5" vertical={false} />
          <XAxis
            dataKey="band"
            tick={{ fontSize: 11 }}
            label={{ value: 'true RUL band', position: 'insideBottom', offset: -12, fontSize: 12 }}
          />
          <YAxis
            width={48}
            tick={{ fontSize: 11 }}
            label={{ value: 'MAE', angle: -90, position: 'insideLeft', fontSize: 12 }}
          />
          <Tooltip formatter={(v, name) => [typeof v === 'number' ? formatMetric(v) : String(v), String(name)]} />
          <Bar dataKey="mae" name="MAE" fill={ACCENT} isAnimationActive={false} />
        </BarChart>
      )}
    </ChartBox>
  );
}

/** Permutation importance: how much the error grows when a signal is shuffled across windows. */
export function ImportanceChart({ importance }: { importance: RunDetail['importance'] }) {
  const data = useMemo(() => [...importance].sort((a, b) => b.increase - a.increase), [importance]);
  const height = Math.max(120, 22 * data.length + 40);
  return (
    <ChartBox
      height={height}
      testId="run-importance"
      label="Permutation importance per signal"
      data={{ signals: data.length }}
    >
      {(width) => (
        <BarChart
          width={Math.min(width, 620)}
          height={height}
          data={data}
          layout="vertical"
          margin={{ top: 4, right: 24, bottom: 4, left: 8 }}
        >
          <CartesianGrid stroke="#eef1f5" horizontal={false} />
          <XAxis type="number" tick={{ fontSize: 11 }} tickFormatter={(v: number) => formatMetric(v)} />
          <YAxis type="category" dataKey="signal" width={110} tick={{ fontSize: 11 }} interval={0} />
          <Tooltip formatter={(v) => [typeof v === 'number' ? formatMetric(v) : String(v), 'error increase']} />
          <ReferenceLine x={0} stroke="#9ca3af" />
          <Bar dataKey="increase" fill="#0d9488" isAnimationActive={false} />
        </BarChart>
      )}
    </ChartBox>
  );
}
