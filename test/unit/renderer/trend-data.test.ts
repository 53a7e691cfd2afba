import { describe, expect, it } from 'vitest';
import type { TrendResult } from '../../../src/shared/domain.js';
import {
  CHART_MARGIN,
  Y_AXIS_WIDTH,
  MAX_VISIBLE_AXES,
  colorFor,
  completeResult,
  countPoints,
  displayDomain,
  findGaps,
  formatAxisNumber,
  medianSpacing,
  mergeSeries,
  resultGaps,
  planAxes,
  plotLayout,
  valueAt,
} from '../../../src/renderer/logic/trend-data.js';

const result: TrendResult = {
  from: 0,
  to: 10,
  width: 2,
  timeKind: 'cycle',
  series: [
    { signalId: 1, t: [0, 2, 5, 10], v: [1, 3, 0, 5], rawCount: 11 },
    { signalId: 2, t: [0, 4, 10], v: [10, 20, 30], rawCount: 3 },
  ],
};

describe('mergeSeries', () => {
  it('makes one row per distinct time, sorted, each signal valued on its line (point or straight segment)', () => {
    const rows = mergeSeries(result.series);
    expect(rows.map((r) => r.t)).toEqual([0, 2, 4, 5, 10]);
    expect(rows[0]).toEqual({ t: 0, s1: 1, s2: 10 });
    expect(rows[1]).toEqual({ t: 2, s1: 3, s2: 15 });
    expect(rows[2]).toEqual({ t: 4, s1: 1, s2: 20 });
  });

  it('breaks a line at its gaps: null at a row in the gap, other lines unaffected', () => {
    const series = [
      { signalId: 1, t: [0, 1, 2, 10, 11], v: [1, 1, 1, 5, 5], rawCount: 5 },
      { signalId: 2, t: [0, 4, 8, 12], v: [0, 4, 8, 12], rawCount: 4 },
    ];
    const gaps = [{ signalId: 1, from: 2, to: 10 }];
    const rows = mergeSeries(series, gaps);
    expect(rows.map((r) => r.t)).toEqual([0, 1, 2, 4, 6, 8, 10, 11, 12]);
    const at = (t: number) => rows.find((r) => r.t === t);
    expect(at(2)).toEqual({ t: 2, s1: 1, s2: 2 });
    // The gap's middle row exists for the break, and signal 2 goes straight on through it.
    expect(at(6)).toEqual({ t: 6, s1: null, s2: 6 });
    expect(at(4)).toEqual({ t: 4, s1: null, s2: 4 });
    expect(at(10)).toEqual({ t: 10, s1: 5, s2: 10 });
    expect(at(12)).toEqual({ t: 12, s2: 12 });
  });
});

describe('gaps: where a series has no data', () => {
  it('a pause longer than 3 sample periods is a gap; the period is the signal own, else the median spacing', () => {
    const s = { signalId: 7, t: [0, 10, 20, 30, 70, 80, 200] };
    expect(medianSpacing(s.t)).toBe(10);
    expect(findGaps(s, null, 1)).toEqual([
      { signalId: 7, from: 30, to: 70 },
      { signalId: 7, from: 80, to: 200 },
    ]);
    // With a configured period of 20, a pause of 40 is no gap.
    expect(findGaps(s, 20, 1)).toEqual([{ signalId: 7, from: 80, to: 200 }]);
    expect(findGaps({ signalId: 7, t: [5] }, null, 1)).toEqual([]);
  });

  it('never flags less than one pixel column (M4 points of one column may lie almost a column apart)', () => {
    // 10 columns over [0, 1000): the points of a column are up to 100 apart without any gap.
    const s = { signalId: 1, t: [0, 99, 100, 199, 200, 299, 700, 799] };
    expect(findGaps(s, 1, 100)).toEqual([{ signalId: 1, from: 299, to: 700 }]);
    const r: TrendResult = {
      from: 0,
      to: 1000,
      width: 10,
      timeKind: 'timestamp',
      series: [{ ...s, v: s.t, rawCount: 800 }],
    };
    expect(resultGaps(r, new Map([[1, 1]]))).toEqual([{ signalId: 1, from: 299, to: 700 }]);
    expect(resultGaps(null, new Map())).toEqual([]);
  });
});

describe('countPoints', () => {
  it('totals drawn points and raw readings', () => {
    const counts = countPoints(result);
    expect(counts.points).toBe(7);
    expect(counts.raw).toBe(14);
    expect(counts.perSeries.get(1)).toBe(4);
    expect(counts.perSeries.get(2)).toBe(3);
    expect(countPoints(null)).toEqual({ points: 0, raw: 0, perSeries: new Map() });
  });
});

describe('valueAt', () => {
  const s = { t: [0, 2, 5, 10], v: [1, 3, 0, 5] };
  it('returns the point itself or interpolates between neighbours', () => {
    expect(valueAt(s, 2)).toBe(3);
    expect(valueAt(s, 1)).toBe(2);
    expect(valueAt(s, 7.5)).toBe(2.5);
    expect(valueAt(s, 10)).toBe(5);
  });
  it('is null inside a gap of the series', () => {
    expect(valueAt(s, 7.5, [{ signalId: 1, from: 5, to: 10 }])).toBeNull();
    expect(valueAt(s, 5, [{ signalId: 1, from: 5, to: 10 }])).toBe(0);
    expect(valueAt(s, 1, [{ signalId: 1, from: 5, to: 10 }])).toBe(2);
  });
  it('is null outside the series', () => {
    expect(valueAt(s, -1)).toBeNull();
    expect(valueAt(s, 11)).toBeNull();
    expect(valueAt({ t: [], v: [] }, 0)).toBeNull();
  });
});

describe('axes and layout', () => {
  it('gives each unit an axis and each unitless signal its own, alternating sides', () => {
    const plan = planAxes([
      { id: 1, unit: '°C', tag: 'a' },
      { id: 2, unit: 'bar', tag: 'b' },
      { id: 3, unit: '°C', tag: 'c' },
      { id: 4, unit: null, tag: 'sensor_2' },
    ]);
    expect(plan.axes.map((a) => [a.label, a.orientation, a.hide])).toEqual([
      ['°C', 'left', false],
      ['bar', 'right', false],
      ['sensor_2', 'left', false],
    ]);
    expect(plan.axisOf.get(1)).toBe(plan.axisOf.get(3));
    expect(plan.axes[0]?.color).toBeNull(); // shared by two signals
    expect(plan.axes[1]?.color).toBe(colorFor(1));
    expect(plan.axes[2]?.color).toBe(colorFor(3));
    expect(planAxes([]).axes).toHaveLength(1);
  });

  it('hides the ticks of axes beyond the visible limit', () => {
    const plan = planAxes(Array.from({ length: 6 }, (_, i) => ({ id: i, unit: null, tag: `t${i}` })));
    expect(plan.axes.filter((a) => !a.hide)).toHaveLength(MAX_VISIBLE_AXES);
    expect(plan.axes).toHaveLength(6);
  });

  it('computes the plot area from the visible axes', () => {
    const layout = plotLayout(800, [
      { orientation: 'left', hide: false },
      { orientation: 'right', hide: false },
      { orientation: 'left', hide: false },
      { orientation: 'right', hide: true },
    ]);
    expect(layout.left).toBe(CHART_MARGIN.left + 2 * Y_AXIS_WIDTH);
    expect(layout.width).toBe(800 - CHART_MARGIN.left - CHART_MARGIN.right - 3 * Y_AXIS_WIDTH);
    expect(plotLayout(10, [{ orientation: 'left', hide: false }]).width).toBe(0);
  });

  it('draws a result only when it has every picked signal', () => {
    expect(completeResult(result, [1, 2])).toBe(result);
    expect(completeResult(result, [2])?.series.map((s) => s.signalId)).toEqual([2]);
    expect(completeResult(result, [1, 3])).toBeNull();
    expect(completeResult(result, [])).toBeNull();
    expect(completeResult(null, [1])).toBeNull();
  });

  it('widens a single-instant domain', () => {
    expect(displayDomain({ from: 3, to: 3 }, 'cycle')).toEqual([2, 4]);
    expect(displayDomain({ from: 3, to: 9 }, 'cycle')).toEqual([3, 9]);
  });

  it('formats y ticks compactly and cycles colours', () => {
    expect(formatAxisNumber(1234.5678)).toBe('1235');
    expect(formatAxisNumber(0.000012)).toBe('1.20e-5');
    expect(colorFor(8)).toBe(colorFor(0));
  });
});
