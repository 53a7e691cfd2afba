import { describe, expect, it } from 'vitest';
import { classificationMetrics } from '../../../../src/main/core/ml/evaluation.js';
import {
  alarmMetrics,
  confusion,
  errorByRemainingLife,
  quantile,
  rulFigures,
  rulMetrics,
} from '../../../../src/main/core/ml/metrics.js';

describe('RUL metrics', () => {
  it('computes RMSE, MAE and the asymmetric PHM08 score by their definitions', () => {
    // d = predicted - true: -13 (early), +10 (late), 0.
    const m = rulMetrics([87, 60, 20], [100, 50, 20]);
    expect(m.rmse).toBeCloseTo(Math.sqrt((169 + 100) / 3), 10);
    expect(m.mae).toBeCloseTo(23 / 3, 10);
    expect(m.nasaScore).toBeCloseTo(Math.exp(1) - 1 + (Math.exp(1) - 1), 10);
    expect(m.count).toBe(3);
  });

  it('punishes a late prediction more than an equally early one', () => {
    expect(rulMetrics([110], [100]).nasaScore).toBeGreaterThan(rulMetrics([90], [100]).nasaScore);
  });

  it('groups errors by band of true remaining life', () => {
    const bands = errorByRemainingLife([10, 30, 40, 120], [5, 30, 45, 125], 25);
    expect(bands).toEqual([
      { from: 0, to: 25, count: 1, rmse: 5, bias: 5 },
      { from: 25, to: 50, count: 2, rmse: Math.sqrt(25 / 2), bias: -2.5 },
      { from: 100, to: 125, count: 1, rmse: 5, bias: -5 },
    ]);
  });
});

describe('alarm metrics', () => {
  it('confusion counts and rates', () => {
    const c = confusion([0.9, 0.8, 0.1, 0.7, 0.2], [1, 0, 1, 1, 0], 0.5);
    expect([c.tp, c.fp, c.tn, c.fn]).toEqual([2, 1, 1, 1]);
    expect(c.precision).toBeCloseTo(2 / 3);
    expect(c.recall).toBeCloseTo(2 / 3);
    expect(c.f1).toBeCloseTo(2 / 3);
    expect(c.falseAlarmRate).toBeCloseTo(0.5);
    expect(c.missedAlarmRate).toBeCloseTo(1 / 3);
  });

  it('counts consecutive alarming windows as one alarm and measures lead time to failure', () => {
    // Asset 0 fails at t=10: a false alarm at t=2-3 (one rising edge), the real alarm from t=7.
    // Asset 1 fails at t=10 with no alarm: a missed failure.
    const score = [0, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
    const label = [0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 1, 1];
    const asset = [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1];
    const end = [1, 2, 3, 4, 5, 6, 7, 8, 9, 3, 4, 5, 6, 7, 8, 9];
    const m = alarmMetrics({
      score,
      label,
      asset,
      end,
      failureTimes: new Map([
        [0, 10],
        [1, 10],
      ]),
      threshold: 0.5,
      timeKind: 'cycle',
    });
    expect(m.falseAlarms).toBe(1);
    expect(m.detectedFailures).toBe(1);
    expect(m.missedFailures).toBe(1);
    expect(m.meanLeadTime).toBe(3);
    // 8 + 6 cycles observed: 1 false alarm per 14 cycles = 71.4 per 1000 cycles.
    expect(m.falseAlarmsPerAssetPeriod).toBeCloseTo(1000 / 14);
    expect(m.periodUnit).toBe('asset-1000-cycles');
  });

  it('quantile interpolates linearly', () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5], 1)).toBe(5);
  });
});

describe('RUL figures against the true and the capped RUL', () => {
  it('reports rmse against the truth and rmse_capped against the capped labels, named', () => {
    // Two test units: 40 and 145 cycles left (truth), capped at 125 for training; the model says 40 and 125.
    const figures = rulFigures([40, 125], { y: [40, 125], truth: [40, 145] }, (x) => x, 'cycle');
    expect(figures['rmse']).toBeCloseTo(Math.sqrt(400 / 2), 10);
    expect(figures['rmse_capped']).toBe(0);
    expect(figures['scored_windows']).toBe(2);
    // Timestamped RUL (µs): the PHM08 score, defined on cycles, would overflow to Infinity; it is left out.
    const hours = rulFigures([0], { y: [36e8], truth: [36e8] }, (x) => x, 'timestamp');
    expect(hours['nasa_score']).toBeUndefined();
    expect(hours['rmse']).toBe(36e8);
    // Uncapped labels have no second figure.
    expect(rulFigures([1], { y: [2] }, (x) => x, 'cycle')).toEqual({
      rmse: 1,
      mae: 1,
      nasa_score: Math.exp(1 / 13) - 1,
      scored_windows: 1,
    });
  });
});

describe('alarm metrics per life', () => {
  it('counts each failure of an asset that failed twice: detected, missed and lead time per life', () => {
    // One asset, windows at t = 1..20; failures at 10 and 20 (repaired in between). Abnormal: 8-10 and 18-20.
    const end = Array.from({ length: 20 }, (_, i) => i + 1);
    const label = end.map((t) => ((t >= 8 && t <= 10) || t >= 18 ? 1 : 0));
    const base = { label, asset: end.map(() => 0), end, threshold: 0.5, timeKind: 'cycle' as const };
    // Alarms from t = 8 before the first failure and from t = 19 before the second.
    const both = alarmMetrics({
      ...base,
      score: end.map((t) => ((t >= 8 && t <= 10) || t >= 19 ? 1 : 0)),
      failureTimes: new Map([[0, [10, 20]]]),
    });
    expect(both).toMatchObject({ detectedFailures: 2, missedFailures: 0, falseAlarms: 0, meanLeadTime: 1.5 });
    // No alarm before the second failure: that one is missed, not hidden behind the first one's detection.
    const second = alarmMetrics({
      ...base,
      score: end.map((t) => (t >= 8 && t <= 10 ? 1 : 0)),
      failureTimes: new Map([[0, [10, 20]]]),
    });
    expect(second).toMatchObject({ detectedFailures: 1, missedFailures: 1, meanLeadTime: 2 });
  });

  it('counts anomaly events: detected or missed on their own, not as the failure, with lead time to their end', () => {
    // One asset, windows at t = 1..20, failure at 20 (abnormal 18-20); an anomaly event labelled at 5-7 and
    // another at 12-13. Alarms at 6-7 (inside the first event) and at 19-20 (before the failure).
    const end = Array.from({ length: 20 }, (_, i) => i + 1);
    const label = end.map((t) => ((t >= 5 && t <= 7) || (t >= 12 && t <= 13) || t >= 18 ? 1 : 0));
    const m = alarmMetrics({
      score: end.map((t) => ((t >= 6 && t <= 7) || t >= 19 ? 1 : 0)),
      label,
      asset: end.map(() => 0),
      end,
      failureTimes: new Map([[0, 20]]),
      threshold: 0.5,
      timeKind: 'cycle',
    });
    // Before this rule the alarm at 6 counted as the failure's first warning (lead 14) and the events did not count.
    expect(m).toMatchObject({ detectedFailures: 1, missedFailures: 0, detectedAnomalies: 1, missedAnomalies: 1 });
    // Leads: failure 20 - 19 = 1; first event 7 - 6 = 1.
    expect(m.meanLeadTime).toBe(1);
    expect(m.falseAlarms).toBe(0);
    // An asset with anomaly events and no failure at all.
    const none = alarmMetrics({
      score: [0, 1, 0, 0],
      label: [0, 1, 1, 0],
      asset: [0, 0, 0, 0],
      end: [1, 2, 3, 4],
      failureTimes: new Map([[0, null]]),
      threshold: 0.5,
      timeKind: 'cycle',
    });
    expect(none).toMatchObject({ detectedAnomalies: 1, missedAnomalies: 0, meanLeadTime: 1, detectedFailures: 0 });
  });

  it('gives false alarms per asset-month only over at least a day of data', () => {
    const minute = 60e6;
    const short = {
      score: [0, 1, 0, 1, 0],
      label: [0, 0, 0, 0, 0],
      asset: [0, 0, 0, 0, 0],
      end: [0, 1, 2, 3, 4].map((i) => i * minute),
      failureTimes: new Map<number, number | null>([[0, null]]),
      threshold: 0.5,
      timeKind: 'timestamp' as const,
    };
    // 2 false alarms in 4 minutes would read as 21,600 per asset-month: not reported.
    const m = alarmMetrics(short);
    expect(m.falseAlarms).toBe(2);
    expect(m.falseAlarmsPerAssetPeriod).toBeNaN();
    // The same two alarms over two days: 30 per asset-month.
    const day = 24 * 60 * minute;
    const long = alarmMetrics({ ...short, end: [0, 0.5, 1, 1.5, 2].map((d) => d * day) });
    expect(long.falseAlarmsPerAssetPeriod).toBeCloseTo(30);
  });
});

describe('run figures for alarms', () => {
  it('leave out false alarms per asset-month under a day of data, and name anomaly events detected and missed', () => {
    const minute = 60e6;
    const set = {
      x: new Float32Array(4),
      y: Float32Array.from([0, 1, 1, 0]),
      n: 4,
      length: 1,
      features: 1,
      asset: new Int32Array(4),
      end: Float64Array.from([0, 1, 2, 3], (i) => i * minute),
      assets: ['P-101'],
    };
    const figures = classificationMetrics([0, 1, 0, 1], set, [null], 0.5, 'timestamp', '');
    expect(figures['false_alarms']).toBe(1);
    expect(figures).not.toHaveProperty('false_alarms_per_asset_month');
    expect(figures['detected_anomalies']).toBe(1);
    expect(figures['missed_anomalies']).toBe(0);
  });
});
