import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { LossPoint } from '../logic/loss-curve.js';
import { formatMetric } from '../logic/run-list.js';
import { ChartBox } from './chart-box.js';

export interface LossChartProps {
  readonly points: readonly LossPoint[];
  readonly epochs: number | null;
  readonly testId: string;
  readonly height?: number;
}

const LOSS_COLOR = '#2563eb';
const VAL_COLOR = '#d97706';

/** Training and validation loss per epoch (live while a job runs, or a finished run's history). */
export function LossChart({ points, epochs, testId, height = 220 }: LossChartProps) {
  const data = points.map((p) => ({ epoch: p.epoch, loss: p.loss, val_loss: p.valLoss }));
  const maxEpoch = Math.max(epochs ?? 0, points[points.length - 1]?.epoch ?? 0, 1);
  return (
    <ChartBox height={height} testId={testId} label="Loss per epoch" data={{ points: points.length }}>
      {(width) => (
        <LineChart width={width} height={height} data={data} margin={{ top: 8, right: 16, bottom: 4, left: 4 }}>
          <CartesianGrid stroke="#eef1f5" />
          <XAxis dataKey="epoch" type="number" domain={[1, maxEpoch]} allowDecimals={false} tick={{ fontSize: 11 }} />
          <YAxis
            width={56}
            tick={{ fontSize: 11 }}
            tickFormatter={(v: number) => formatMetric(v)}
            scale="auto"
            domain={['auto', 'auto']}
          />
          <Tooltip
            formatter={(v) => (typeof v === 'number' ? formatMetric(v) : String(v))}
            labelFormatter={(l) => `epoch ${String(l)}`}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Line
            type="linear"
            dataKey="loss"
            name="loss"
            stroke={LOSS_COLOR}
            dot={false}
            isAnimationActive={false}
            connectNulls
          />
          <Line
            type="linear"
            dataKey="val_loss"
            name="val_loss"
            stroke={VAL_COLOR}
            dot={false}
            isAnimationActive={false}
            connectNulls
          />
        </LineChart>
      )}
    </ChartBox>
  );
}
