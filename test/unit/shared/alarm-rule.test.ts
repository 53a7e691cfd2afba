import { describe, expect, it } from 'vitest';
import {
  alarmRuleOfConfig,
  alarmScores,
  AUTOENCODER_ALARM_RULE,
  DEFAULT_ALARM_RULE,
  defaultAlarmRule,
  ewma,
  fitGpd,
  LEGACY_ALARM_RULE,
  persistence,
  robustThreshold,
  ruleThreshold,
  tailThreshold,
} from '../../../src/shared/alarm-rule.js';
import { seededRandom } from '../../../src/shared/seeded-random.js';
import { TrainConfigSchema } from '../../../src/shared/training.js';

describe('alarm rule: smoothing and persistence', () => {
  it('EWMA by hand: alpha 0.5 over 0, 10, 0, 0 gives 0, 5, 2.5, 1.25, restarting at each asset', () => {
    expect([...ewma([0, 10, 0, 0], [0, 0, 0, 0], 0.5)]).toEqual([0, 5, 2.5, 1.25]);
    // A new asset starts from its own first score, not from the previous asset's level.
    expect([...ewma([0, 10, 4, 0], [0, 0, 1, 1], 0.5)]).toEqual([0, 5, 4, 2]);
  });

  it('persistence by hand: 2 of 3 is the 2nd largest of the last 3 windows; fewer than k seen: all must be above', () => {
    // windows: [1] -> 1; [1,5] -> 1; [1,5,2] -> 2; [5,2,0] -> 2; [2,0,6] -> 2
    expect([...persistence([1, 5, 2, 0, 6], [0, 0, 0, 0, 0], 2, 3)]).toEqual([1, 1, 2, 2, 2]);
    // A one-window spike never reaches 2 of 3 above a threshold of 3, a lasting rise does.
    const spike = persistence([0, 0, 9, 0, 0, 0], new Int32Array(6), 2, 3);
    expect(Math.max(...spike)).toBeLessThanOrEqual(3);
    const rise = persistence([0, 0, 9, 9, 9, 9], new Int32Array(6), 2, 3);
    expect(rise[3]).toBe(9);
    // The window of an asset never reaches into the previous asset's windows.
    expect([...persistence([9, 9, 0, 0], [0, 0, 1, 1], 2, 3)]).toEqual([9, 9, 0, 0]);
  });

  it('alarmScores chains smoothing then persistence; the legacy rule leaves scores as they are', () => {
    const raw = [0, 10, 0, 0];
    const asset = [0, 0, 0, 0];
    expect([...alarmScores(raw, asset, LEGACY_ALARM_RULE)]).toEqual(raw);
    const rule = { ...DEFAULT_ALARM_RULE, smoothing: 0.5, persistence: { k: 2, n: 2 } };
    // ewma 0, 5, 2.5, 1.25 -> 2nd largest of the last 2: 0, 0, 2.5, 1.25
    expect([...alarmScores(raw, asset, rule)]).toEqual([0, 0, 2.5, 1.25]);
  });
});

describe('alarm rule: threshold from a small normal sample', () => {
  it('GPD by probability-weighted moments, by hand on excesses 1, 2, 3, 4', () => {
    // p_j = (j - 0.35) / 4; a0 = 2.5; a1 = (0.8375*1 + 0.5875*2 + 0.3375*3 + 0.0875*4) / 4 = 0.84375;
    // k = a0 / (a0 - 2 a1) - 2 = 2.5 / 0.8125 - 2 = 1.076923 (shape = -k); scale = 2 a0 a1 / (a0 - 2 a1) = 5.192308
    const fit = fitGpd([4, 1, 3, 2]);
    expect(fit.shape).toBeCloseTo(-1.076923, 5);
    expect(fit.scale).toBeCloseTo(5.192308, 5);
  });

  it('GPD fit recovers an exponential tail (shape 0, scale 1) from its exact quantiles', () => {
    const m = 2000;
    const excesses = Array.from({ length: m }, (_, i) => -Math.log(1 - (i + 0.5) / m));
    const fit = fitGpd(excesses);
    expect(Math.abs(fit.shape)).toBeLessThan(0.02);
    expect(fit.scale).toBeCloseTo(1, 1);
  });

  it('tail fit extrapolates past the sample: exponential scores, risk 1e-4 is ln(1e4) = 9.21 where the sample ends at ~7', () => {
    const n = 1000;
    const scores = Array.from({ length: n }, (_, i) => -Math.log(1 - (i + 0.5) / n));
    const t = tailThreshold(scores, 1e-4);
    expect(Math.max(...scores)).toBeLessThan(7.7);
    expect(t.threshold).toBeGreaterThan(8.7);
    expect(t.threshold).toBeLessThan(9.8);
    expect(t.excesses).toBe(100);
  });

  it('tail fit at a risk inside the sample stays near the empirical quantile; tiny samples fall back to it', () => {
    const n = 1000;
    const scores = Array.from({ length: n }, (_, i) => -Math.log(1 - (i + 0.5) / n));
    // True 95% quantile of Exp(1): ln 20 = 2.996
    expect(tailThreshold(scores, 0.05).threshold).toBeCloseTo(Math.log(20), 1);
    const few = [1, 2, 3, 4, 5];
    expect(tailThreshold(few, 0.25).threshold).toBe(4);
    expect(tailThreshold(few, 0.25).excesses).toBe(0);
  });

  it('ruleThreshold: quantile rule uses the label quantile, tail-fit the rule risk', () => {
    const scores = Array.from({ length: 101 }, (_, i) => i);
    expect(ruleThreshold(scores, LEGACY_ALARM_RULE, 0.9)).toBe(90);
    const tail = ruleThreshold(scores, { ...DEFAULT_ALARM_RULE, threshold: 'tail-fit', tailRisk: 0.05 }, 0.9);
    expect(tail).toBeGreaterThan(90);
    expect(tail).toBeLessThan(100);
  });
});

describe('robust threshold', () => {
  it('by hand: log scores 0, 1, 2, 3, 4 have median 2 and MAD 1, so z = 2 gives exp(2 + 2 * 1.4826)', () => {
    const scores = [0, 1, 2, 3, 4].map((v) => Math.exp(v));
    expect(robustThreshold(scores, 2)).toBeCloseTo(Math.exp(2 + 2 * 1.4826), 6);
  });

  it('a stretch of unusual normal windows (under half the sample) barely moves it; a 0.99 quantile jumps onto it', () => {
    const quiet = Array.from({ length: 200 }, (_, i) => 1 + 0.1 * Math.sin(i));
    const withStopped = [...quiet.slice(0, 180), ...Array.from({ length: 20 }, () => 50)];
    const calm = robustThreshold(quiet, 1.75);
    expect(robustThreshold(withStopped, 1.75)).toBeLessThan(calm * 1.2);
    expect(ruleThreshold(withStopped, LEGACY_ALARM_RULE, 0.99)).toBe(50);
    expect(ruleThreshold(withStopped, DEFAULT_ALARM_RULE, 0.99)).toBeLessThan(2);
  });

  it('normal windows that all score 0 (a model that explains them exactly): any positive score alarms, none at 0', () => {
    const threshold = robustThreshold([0, 0, 0, 0], 1.75);
    expect(0 > threshold).toBe(false);
    expect(1e-9 > threshold).toBe(true);
  });
});

describe('alarm rule in a run config', () => {
  it('a recorded rule is read back; a run recorded before rules existed reads as the legacy rule', () => {
    const config = TrainConfigSchema.parse({
      dataset: {
        assets: { prefix: 'P-' },
        signals: ['Flow'],
        window: { length: 5 },
        label: { kind: 'anomaly', normalSpan: 10, abnormalWithin: 5 },
      },
      model: { type: 'pca' },
      alarm: {},
    });
    expect(config.alarm).toEqual(DEFAULT_ALARM_RULE);
    expect(alarmRuleOfConfig(config as unknown as Record<string, unknown>)).toEqual(DEFAULT_ALARM_RULE);
    const { alarm: _, ...old } = config;
    expect(alarmRuleOfConfig(old as unknown as Record<string, unknown>)).toEqual(LEGACY_ALARM_RULE);
    expect(DEFAULT_ALARM_RULE).toEqual({
      smoothing: null,
      persistence: { k: 3, n: 5 },
      threshold: 'robust',
      robustZ: 1.75,
      tailRisk: 0.05,
    });
  });
});

describe("the autoencoder's default alarm rule", () => {
  it('is its own: 15 of 20 windows over exp(median + 3.5 robust sd); every other model keeps the shared default', () => {
    expect(defaultAlarmRule('autoencoder')).toEqual(AUTOENCODER_ALARM_RULE);
    expect(AUTOENCODER_ALARM_RULE).toEqual({
      smoothing: null,
      persistence: { k: 15, n: 20 },
      threshold: 'robust',
      robustZ: 3.5,
      tailRisk: 0.05,
    });
    expect(defaultAlarmRule('pca')).toEqual(DEFAULT_ALARM_RULE);
    expect(defaultAlarmRule('dense')).toEqual(DEFAULT_ALARM_RULE);
  });

  it("a config without a rule stays without one when parsed, so training can pick the model's default", () => {
    const config = TrainConfigSchema.parse({
      dataset: {
        assets: { names: ['P-101'] },
        signals: ['Flow'],
        window: { length: 10 },
        label: { kind: 'anomaly', normalSpan: 10 },
      },
      model: { type: 'autoencoder' },
    });
    expect(config.alarm).toBeUndefined();
    expect(config.alarm ?? defaultAlarmRule(config.model.type)).toEqual(AUTOENCODER_ALARM_RULE);
  });

  it('a spike row seen by the 10 windows that hold it is no alarm (3 of 5 alarmed on it); a lasting fault still is', () => {
    // Window scores of a 10-row window: log-normal noise, then one spike row lifting the 10 windows that contain it,
    // or a fault that lasts. The threshold comes from the noise alone (the validation normal part).
    const random = seededRandom(7);
    const noise = () => Math.exp(0.3 * (random() + random() + random() - 1.5));
    const normal = Array.from({ length: 300 }, noise);
    const later = Array.from({ length: 80 }, noise);
    const spike = later.map((v, i) => v * (i >= 40 && i < 50 ? 8 : 1));
    const fault = later.map((v, i) => v * (i >= 40 ? 8 : 1));
    const alarms = (scores: number[], rule: typeof DEFAULT_ALARM_RULE) => {
      const threshold = ruleThreshold(alarmScores(normal, new Int32Array(normal.length), rule), rule, 0.99);
      return [...alarmScores(scores, new Int32Array(scores.length), rule)].map((s) => (s > threshold ? 1 : 0));
    };
    const count = (a: number[]) => a.reduce((s, v) => s + v, 0);
    // The spike adds alarms under 3 of 5, none under 15 of 20 (beside those the noise alone gives, if any).
    expect(count(alarms(spike, DEFAULT_ALARM_RULE))).toBeGreaterThan(count(alarms(later, DEFAULT_ALARM_RULE)));
    expect(alarms(spike, AUTOENCODER_ALARM_RULE)).toEqual(alarms(later, AUTOENCODER_ALARM_RULE));
    // The fault alarms on every window from its 15th on.
    expect(count(alarms(fault, AUTOENCODER_ALARM_RULE).slice(54))).toBe(80 - 54);
  });
});
