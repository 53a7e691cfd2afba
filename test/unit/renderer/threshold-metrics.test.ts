import { describe, expect, it } from 'vitest';
import {
  alarmFigures,
  confusionRows,
  recordedThreshold,
  sliderScale,
  thresholdMetrics,
} from '../../../src/renderer/logic/threshold-metrics.js';

// 4 abnormal windows (label 1) and 6 normal ones.
const windows = [
  { label: 1, score: 0.9 },
  { label: 1, score: 0.8 },
  { label: 1, score: 0.4 },
  { label: 1, score: 0.2 },
  { label: 0, score: 0.7 },
  { label: 0, score: 0.3 },
  { label: 0, score: 0.1 },
  { label: 0, score: 0.1 },
  { label: 0, score: 0.05 },
  { label: 0, score: 0 },
];

describe('threshold metrics', () => {
  it('counts the confusion matrix with alarm = score > threshold', () => {
    const m = thresholdMetrics(windows, 0.5);
    expect(m).toMatchObject({ tp: 2, fn: 2, fp: 1, tn: 5 });
    expect(m.precision).toBeCloseTo(2 / 3);
    expect(m.recall).toBeCloseTo(0.5);
    expect(m.f1).toBeCloseTo((2 * (2 / 3) * 0.5) / (2 / 3 + 0.5));
    expect(m.falseAlarmRate).toBeCloseTo(1 / 6);
    expect(m.missedAlarmRate).toBeCloseTo(0.5);
    // A score equal to the threshold does not alarm.
    expect(thresholdMetrics(windows, 0.8)).toMatchObject({ tp: 1, fp: 0 });
  });

  it('moves monotonically with the threshold', () => {
    const low = thresholdMetrics(windows, -1);
    expect(low).toMatchObject({ tp: 4, fn: 0, fp: 6, tn: 0, recall: 1, falseAlarmRate: 1, missedAlarmRate: 0 });
    const high = thresholdMetrics(windows, 1);
    expect(high).toMatchObject({ tp: 0, fp: 0, precision: 0, recall: 0, f1: 0, falseAlarmRate: 0, missedAlarmRate: 1 });
    let prevRecall = 1;
    for (let t = -0.1; t <= 1; t += 0.05) {
      const m = thresholdMetrics(windows, t);
      expect(m.recall).toBeLessThanOrEqual(prevRecall);
      expect(m.tp + m.fp + m.tn + m.fn).toBe(windows.length);
      prevRecall = m.recall;
    }
  });

  it('treats labels of 0.5 and above as abnormal, and handles no windows', () => {
    expect(thresholdMetrics([{ label: 0.5, score: 1 }], 0)).toMatchObject({ tp: 1 });
    expect(thresholdMetrics([], 0)).toMatchObject({ tp: 0, fp: 0, tn: 0, fn: 0, precision: 0, recall: 0, f1: 0 });
  });

  it('lays the matrix out as true class by alarm', () => {
    expect(confusionRows({ tp: 1, fp: 2, tn: 3, fn: 4 })).toEqual([
      { actual: 'abnormal', alarm: 1, noAlarm: 4 },
      { actual: 'normal', alarm: 2, noAlarm: 3 },
    ]);
  });

  it('scales the slider from below the lowest score to the highest, reaching the recorded threshold', () => {
    const s = sliderScale(windows, null, 100);
    expect(s.max).toBe(0.9);
    expect(s.min).toBeLessThan(0);
    expect(thresholdMetrics(windows, s.min).recall).toBe(1);
    expect(thresholdMetrics(windows, s.max).fp).toBe(0);
    expect(sliderScale(windows, 2).max).toBe(2);
    expect(sliderScale([], null)).toEqual({ min: 0, max: 1, step: 0.005 });
    const flat = sliderScale([{ label: 0, score: 3 }], null, 10);
    expect(flat.min).toBeLessThan(3);
    expect(flat.max).toBeGreaterThan(3);
  });

  it('reads the recorded threshold from the run artifact', () => {
    expect(recordedThreshold({ thresholds: { score: 0.42 } })).toBe(0.42);
    expect(recordedThreshold({ thresholds: {} })).toBeNull();
    expect(recordedThreshold(null)).toBeNull();
  });
});

describe('alarm figures at a threshold', () => {
  // Engine A fails at cycle 10 (abnormal from cycle 7); engine B does not fail. Listed out of time order on purpose.
  const scores: Record<string, readonly number[]> = {
    A: [0, 0, 0.6, 0, 0, 0, 0.2, 0.9, 0.9],
    B: [0.7, 0.7, 0, 0.8, 0],
  };
  const predictions = Object.entries(scores)
    .flatMap(([asset, list]) =>
      list.map((score, i) => ({ asset, t: i + 1, label: asset === 'A' && i + 1 >= 7 ? 1 : 0, score })),
    )
    .reverse();
  const failures = { timeKind: 'cycle' as const, failures: { A: 10, B: null } };

  it('counts rising edges while normal as false alarms, and the lead time from the first alarm in the abnormal period', () => {
    // A: a false alarm at 3, the failure warned at 8 (lead 2). B: false alarms rising at 1 and at 4.
    // Observed: 8 cycles of A and 4 of B, so 3 false alarms in 12 asset-cycles = 250 per asset-1000 cycles.
    expect(alarmFigures(predictions, failures, 0.5)).toEqual({
      meanLeadTime: 2,
      detectedFailures: 1,
      missedFailures: 0,
      detectedAnomalies: 0,
      missedAnomalies: 0,
      falseAlarms: 3,
      falseAlarmsPerAssetPeriod: 250,
      periodUnit: 'asset-1000-cycles',
    });
  });

  it('follows the threshold: lower warns earlier, higher misses the failure', () => {
    expect(alarmFigures(predictions, failures, 0.1)).toMatchObject({
      meanLeadTime: 3,
      detectedFailures: 1,
      falseAlarms: 3,
    });
    expect(alarmFigures(predictions, failures, 0.95)).toMatchObject({
      detectedFailures: 0,
      missedFailures: 1,
      falseAlarms: 0,
    });
  });

  it('is null for a run without failure times (RUL runs, runs from before they were kept)', () => {
    expect(alarmFigures(predictions, null, 0.5)).toBeNull();
  });
});
