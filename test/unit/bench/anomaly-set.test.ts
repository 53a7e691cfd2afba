import { describe, expect, it } from 'vitest';
import { anomalyRun, FAULT_MODES, NORMAL_SHARE, runCsv } from '../../../bench/anomaly-set.js';
import { pcaAlarmScore } from '../../../src/main/core/ml/pca.js';

describe('the simulator anomaly test set (bench/anomaly-set.ts)', () => {
  it('is the same on every build: one run per failure mode, normal first part, one labelled fault up to the end', () => {
    for (const mode of FAULT_MODES) {
      const run = anomalyRun(2, mode);
      expect(run.mode).toBe(mode);
      expect(run.normalEnd).toBe(Math.floor(run.t.length * NORMAL_SHARE));
      // The normal part holds no fault; the fault is one interval that runs to the last row (the failure).
      expect(run.label.subarray(0, run.normalEnd).every((v) => v === 0)).toBe(true);
      const first = run.label.indexOf(1);
      expect(first).toBeGreaterThan(run.normalEnd);
      expect(run.label.subarray(first).every((v) => v === 1)).toBe(true);
      // Normal rows remain between the normal part and the fault, so the scored part has both.
      expect(first - run.normalEnd).toBeGreaterThan(10);
    }
    const a = anomalyRun(1, 'seal');
    const b = anomalyRun(1, 'seal');
    expect(runCsv(a)).toBe(runCsv(b));
    // Sensor faults are left in: some readings are missing (empty in the CSV).
    expect(a.values.some((column) => column.some((v) => Number.isNaN(v)))).toBe(true);
    expect(runCsv(a).split('\n')[0]).toBe(
      'time,VibrationRMS,BearingTemperature,MotorCurrent,DischargePressure,Flow,Speed,label,part',
    );
  });
});

describe('PCA alarm score', () => {
  it('uses T2 only when the run recorded a T2 limit', () => {
    expect(pcaAlarmScore({ t2: 10, q: 1 }, { t2: 5, q: 2 })).toBe(2);
    expect(pcaAlarmScore({ t2: 10, q: 1 }, { q: 2 })).toBe(0.5);
  });
});
