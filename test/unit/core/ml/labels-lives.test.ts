import { describe, expect, it } from 'vitest';
import { assetLives, failureTime, labelSteps } from '../../../../src/main/core/datasets/labels.js';
import type { AssetEvent, AssetSeries } from '../../../../src/main/core/datasets/series.js';
import { makeWindows } from '../../../../src/main/core/datasets/windows.js';
import { LabelSchema } from '../../../../src/shared/training.js';

// One reading per time unit, t = 0..99. The pump fails at 30 (repaired 30..35), at 70 (no end on the failure
// record: the repair is a maintenance work order 70..74), and runs on after that without failing again.
const pump: AssetSeries = {
  asset: 'P-101',
  t: Float64Array.from({ length: 100 }, (_, i) => i),
  values: [Float64Array.from({ length: 100 }, (_, i) => i)],
};
const events: AssetEvent[] = [
  { asset: 'P-101', kind: 'failure', start: 30, end: 35 },
  { asset: 'P-101', kind: 'inspection', start: 50, end: 51 },
  { asset: 'P-101', kind: 'failure', start: 70, end: null },
  { asset: 'P-101', kind: 'maintenance', start: 70, end: 74 },
  // Another asset's failure never cuts this one's lives.
  { asset: 'P-102', kind: 'failure', start: 10, end: 12 },
];
const at = (y: Float64Array, t: number) => y[t] as number;

describe('lives (install or repair -> failure)', () => {
  it('cuts a history with two failures and repairs into three lives, the last one censored', () => {
    expect(assetLives(pump, events, 'event-or-end')).toEqual([
      { start: 0, failure: 30, end: 30 },
      { start: 35, failure: 70, end: 70 },
      { start: 74, failure: null, end: 99 },
    ]);
    expect(failureTime(pump, events, 'event')).toBe(30);
  });

  it('keeps one life per run-to-failure unit (C-MAPSS): no events, failure at the end or after it', () => {
    expect(assetLives(pump, [], 'event-or-end')).toEqual([{ start: 0, failure: 99, end: 99 }]);
    expect(assetLives(pump, [], 'event')).toEqual([{ start: 0, failure: null, end: 99 }]);
    expect(assetLives(pump, [], 'event-or-end', 20)).toEqual([{ start: 0, failure: 119, end: 99 }]);
  });

  it('does not cut a life at routine maintenance without a failure', () => {
    const lives = assetLives(pump, [{ asset: 'P-101', kind: 'maintenance', start: 40, end: 45 }], 'event');
    expect(lives).toEqual([{ start: 0, failure: null, end: 99 }]);
  });
});

describe('labels per life', () => {
  it('RUL counts down to each failure, never negative, and is unlabelled during repairs and after the last one', () => {
    const y = labelSteps(pump, events, LabelSchema.parse({ kind: 'rul', cap: 20 }));
    expect(at(y, 0)).toBe(20);
    expect(at(y, 29)).toBe(1);
    expect(at(y, 30)).toBe(0);
    for (const t of [31, 34, 71, 73, 80, 99]) expect(Number.isNaN(at(y, t))).toBe(true);
    // The second life: the later failure is not ignored.
    expect(at(y, 35)).toBe(20);
    expect(at(y, 60)).toBe(10);
    expect(at(y, 69)).toBe(1);
    expect(Array.from(y).every((v) => Number.isNaN(v) || v >= 0)).toBe(true);
  });

  it('failure within horizon is 1 before each failure, 0 after the repair, unlabelled at a censored end', () => {
    const y = labelSteps(pump, events, LabelSchema.parse({ kind: 'failure-horizon', horizon: 10 }));
    expect(at(y, 19)).toBe(0);
    expect(at(y, 20)).toBe(1);
    expect(at(y, 30)).toBe(1);
    expect(Number.isNaN(at(y, 32))).toBe(true);
    expect(at(y, 36)).toBe(0);
    expect(at(y, 59)).toBe(0);
    expect(at(y, 60)).toBe(1);
    expect(at(y, 80)).toBe(0);
    // The record ends at 99: whether the pump fails by 99 + 10 is unknown.
    expect(Number.isNaN(at(y, 95))).toBe(true);
    // Only the repairs (31..34 and 71..73) are unlabelled before the censored end.
    expect(Array.from(y.subarray(0, 90)).filter(Number.isNaN).length).toBe(4 + 3);
  });

  it('anomaly labels: normal again after each repair, abnormal before each failure', () => {
    const y = labelSteps(
      pump,
      events,
      LabelSchema.parse({ kind: 'anomaly', normalSpan: 10, abnormalWithin: 5, failureAt: 'event' }),
    );
    expect(at(y, 0)).toBe(0);
    expect(Number.isNaN(at(y, 15))).toBe(true);
    expect(at(y, 25)).toBe(1);
    expect(at(y, 30)).toBe(1);
    expect(Number.isNaN(at(y, 33))).toBe(true);
    expect(at(y, 35)).toBe(0);
    expect(at(y, 44)).toBe(0);
    expect(Number.isNaN(at(y, 45))).toBe(true);
    expect(at(y, 65)).toBe(1);
    expect(at(y, 74)).toBe(0);
    expect(at(y, 83)).toBe(0);
    expect(Number.isNaN(at(y, 84))).toBe(true);
    expect(Number.isNaN(at(y, 99))).toBe(true);
  });

  it('windows from both lives are kept with their own labels', () => {
    const y = labelSteps(pump, events, LabelSchema.parse({ kind: 'rul', cap: null }));
    const w = makeWindows([pump], [y], 5, 1);
    // Life 1 ends 4..30 (27 windows), life 2 ends 35..70 (36); none at the repair or after the last one.
    expect(w.n).toBe(27 + 36);
    expect(Math.min(...w.y)).toBe(0);
    expect(Math.max(...w.y)).toBe(35);
  });
});
