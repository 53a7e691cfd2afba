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
  formatAxisNumber,
  mergeSeries,
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
  it('makes one row per distinct time, sorted, with a key per signal', () => {
    const rows = mergeSeries(result.series);
    expect(rows.map((r) => r.t)).toEqual([0, 2, 4, 5, 10]);
    expect(rows[0]).toEqual({ t: 0, s1: 1, s2: 10 });
    expect(rows[1]).toEqual({ t: 2, s1: 3 });
    expect(rows[2]).toEqual({ t: 4, s2: 20 });
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
