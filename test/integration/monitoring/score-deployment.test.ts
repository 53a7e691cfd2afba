import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseRule } from '../../../src/shared/alert-rules.js';
import { pcaReference, signalReference } from '../../../src/main/core/monitoring/drift.js';
import type { Predictor } from '../../../src/main/core/monitoring/score.js';
import { scoreDeployment } from '../../../src/main/core/monitoring/score-deployment.js';
import {
  checkMonitoringAudit,
  createDeployment,
  lifeRecord,
  listAlerts,
  listDriftResults,
  listViolations,
  monitoringAudit,
  scoreSeries,
} from '../../../src/main/core/workspace/monitoring-store.js';
import { Workspace } from '../../../src/main/core/workspace/workspace.js';
import type { DriftReference } from '../../../src/shared/monitoring.js';
import { seededRandom } from '../../../src/shared/seeded-random.js';
import type { ManifestCore } from '../../../src/shared/registry-manifest.js';
import { tempDir } from '../core/workspace/helpers.js';
import { pumpAnomalyManifest } from './pump-manifest.js';

const MIN = 60e6;
const T0 = Date.UTC(2026, 10, 1) * 1000;
const DAY = 1440;

const manifest = pumpAnomalyManifest(2, '2026-10-01T00:00:00Z');

/** The model: the mean normalised vibration over the window's last 3 steps (high when vibration rises). */
const predictor: Predictor = {
  backend: 'plain TypeScript',
  predict: async (w) =>
    Float32Array.from({ length: w.n }, (_, i) => {
      let s = 0;
      for (let step = w.length - 3; step < w.length; step += 1)
        s += w.x[(i * w.length + step) * w.features + 1] as number;
      return s / 3;
    }),
  dispose: () => undefined,
};

let dir: string;
let ws: Workspace;

const gauss = (random: () => number) => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

/** Minute readings of one signal for minutes [start, end), value(i) with i the minute since T0. */
const addReadings = async (
  asset: string,
  tag: string,
  unit: string,
  start: number,
  end: number,
  value: (i: number) => number,
) => {
  await ws.monitoring(async (db) => {
    await db.run(
      `INSERT INTO signals (asset, tag, unit, sample_period, source, time_kind) VALUES ($1, $2, $3, $4, 'test', 'timestamp')
       ON CONFLICT DO NOTHING`,
      [asset, tag, unit, MIN],
    );
    const { id } = await db.one<{ id: number }>('SELECT id FROM signals WHERE asset = $1 AND tag = $2', [asset, tag]);
    const t = Array.from({ length: end - start }, (_, k) => T0 + (start + k) * MIN);
    const v = Array.from({ length: end - start }, (_, k) => value(start + k));
    await db.run(`INSERT INTO readings SELECT $1, unnest($2::BIGINT[]), unnest($3::DOUBLE[]), NULL`, [
      id,
      JSON.stringify(t),
      JSON.stringify(v),
    ]);
  });
};

const random = seededRandom(5);
const noise = Array.from({ length: 3 * DAY }, () => gauss(random));
const pressure = (i: number) => 6 + 0.5 * noise[i]!;
/** Vibration normal (2 +- 0.3 mm/s) except a rise to 3.5 mm/s for 4 hours on day 2. */
const vibration = (i: number) =>
  2 + 0.3 * noise[(i + 777) % noise.length]! + (i >= DAY + 600 && i < DAY + 840 ? 1.5 : 0);

/** The pump package with life inputs added to its recorded dataset, and a normalisation for its inputs. */
const withLifeInputs = (
  inputs: Record<string, unknown>,
  normalisation: { center: number[]; scale: number[] },
): ManifestCore => {
  const base = pumpAnomalyManifest(2, '2026-10-01T00:00:00Z');
  const dataset = base.lineage.config['dataset'] as Record<string, unknown>;
  return {
    ...base,
    dataContract: { ...base.dataContract, normalisation: { method: 'z-score', ...normalisation } },
    lineage: { ...base.lineage, config: { ...base.lineage.config, dataset: { ...dataset, ...inputs } } },
  };
};

/** A model returning its input `k` at each window's last step. */
const lastStepInput = (k: number): Predictor => ({
  backend: 'plain TypeScript',
  predict: async (w) =>
    Float32Array.from({ length: w.n }, (_, i) => w.x[(i * w.length + w.length - 1) * w.features + k] as number),
  dispose: () => undefined,
});

/** P-101 failed at minute DAY + 900; the repair work order ran until DAY + 960: a new life starts there. */
const repairOnDay2 = () =>
  ws.monitoring((db) =>
    db.run(
      `INSERT INTO events (asset, kind, start_t, end_t, time_kind, source) VALUES
         ('P-101', 'failure', $1, NULL, 'timestamp', 'test'), ('P-101', 'maintenance', $2, $3, 'timestamp', 'test')`,
      [T0 + (DAY + 900) * MIN, T0 + (DAY + 900) * MIN, T0 + (DAY + 960) * MIN],
    ),
  );

beforeEach(async () => {
  dir = await tempDir('pdm-score-dep-');
  ws = await Workspace.open(join(dir, 'ws'));
  // P-101: both signals, pressure in bar. P-105: pressure in kPa (converted), no vibration tag at all.
  await addReadings('P-101', 'DischargePressure', 'bar', 0, 2 * DAY, pressure);
  await addReadings('P-101', 'VibrationRMS', 'mm/s', 0, 2 * DAY, vibration);
  await addReadings('P-105', 'DischargePressure', 'kPa', 0, 2 * DAY, (i) => 100 * pressure(i));
  await ws.monitoring((db) =>
    createDeployment(
      db,
      {
        name: 'pumps',
        model: { name: 'pump-anomaly', stage: 'production', pinnedVersion: null },
        registry: '/shared/models',
        role: 'champion',
        championId: null,
        assets: ['P-101', 'P-105'],
        mapping: {
          'P-101': {
            DischargePressure: { asset: 'P-101', tag: 'DischargePressure' },
            VibrationRMS: { asset: 'P-101', tag: 'VibrationRMS' },
          },
          'P-105': { DischargePressure: { asset: 'P-105', tag: 'DischargePressure' }, VibrationRMS: null },
        },
        rule: parseRule({ direction: 'above', setLevel: 3, clearLevel: 1, k: 3, n: 5 }),
        limits: {},
        currentVersion: 2,
        packageHash: 'c'.repeat(64),
        pendingVersion: null,
      },
      { actor: 'maria', at: '2026-11-03T00:00:00.000Z' },
    ),
  );
});
afterEach(async () => {
  ws.close();
  await rm(dir, { recursive: true, force: true });
});

const pass = (extra: Partial<Parameters<typeof scoreDeployment>[1]> = {}) =>
  ws.monitoring((db) =>
    scoreDeployment(db, {
      deploymentId: 'dep-1',
      manifest,
      predictor,
      actor: 'monitor',
      now: '2026-11-03T01:00:00.000Z',
      ...extra,
    }),
  );

describe('scoring a deployment', () => {
  it('scores the assets that pass the contract, blocks the one that lacks a signal, and raises an alert', async () => {
    const result = await pass();
    expect(result.scored).toBe(1);
    // Every minute from the 10th of day 1 to the end of day 2.
    expect(result.windows).toBe(2 * DAY - 9);
    expect(result.blocked).toEqual([
      {
        asset: 'P-105',
        violations: [
          expect.objectContaining({
            code: 'unmapped',
            message: 'P-105: the model needs VibrationRMS [mm/s]; no signal maps to it',
          }),
        ],
      },
    ]);
    const stored = await ws.monitoring((db) => listViolations(db, { deploymentId: 'dep-1' }));
    expect(stored.map((v) => [v.asset, v.code, v.severity])).toEqual([['P-105', 'unmapped', 'block']]);
    // The rise on day 2 opens one alert, and its end clears it.
    expect(result.alerts.opened).toEqual(['A-1']);
    expect(result.alerts.cleared).toEqual(['A-1']);
    const [alert] = await ws.monitoring((db) => listAlerts(db, { deploymentId: 'dep-1' }));
    expect(alert?.asset).toBe('P-101');
    expect(alert?.raisedT).toBeGreaterThanOrEqual(T0 + (DAY + 600) * MIN);
    expect(alert?.raisedT).toBeLessThan(T0 + (DAY + 620) * MIN);
    expect(alert?.clearedT).toBeGreaterThanOrEqual(T0 + (DAY + 840) * MIN);
    expect(alert?.status).toBe('open');
    // Scores carry the exact version and package hash.
    const series = await ws.monitoring((db) =>
      scoreSeries(db, { deploymentId: 'dep-1', asset: 'P-101', output: 'score' }),
    );
    expect(series.t.length).toBe(2 * DAY - 9);
    expect(new Set(series.modelVersion)).toEqual(new Set([2]));
    expect(series.packageHashes).toEqual(['c'.repeat(64)]);
    const audit = await ws.monitoring((db) => monitoringAudit(db));
    expect(audit.map((e) => e.action)).toEqual(['deploy', 'raise', 'clear']);
    expect(await ws.monitoring((db) => checkMonitoringAudit(db))).toEqual([]);
  });

  it('continues since the last score: new windows only, no duplicates, the rule resumes its state', async () => {
    // Day 1 and the first part of day 2 (up to the rise); then the rest arrives and is scored.
    await pass({ to: T0 + (DAY + 700) * MIN });
    const first = await ws.monitoring((db) => listAlerts(db, { deploymentId: 'dep-1' }));
    expect(first.map((a) => [a.id, a.clearedT])).toEqual([['A-1', null]]);
    const second = await pass();
    expect(second.windows).toBe(2 * DAY - 1 - (DAY + 700));
    expect(second.alerts).toEqual({ opened: [], cleared: ['A-1'], realerted: [] });
    const series = await ws.monitoring((db) =>
      scoreSeries(db, { deploymentId: 'dep-1', asset: 'P-101', output: 'score' }),
    );
    expect(series.t.length).toBe(2 * DAY - 9);
    expect(new Set(series.t).size).toBe(series.t.length);
    // Nothing new on P-101: nothing scored and no violation recorded for it (follow mode polls often). P-105,
    // never scored, says again why it is blocked.
    const violationsBefore = (await ws.monitoring((db) => listViolations(db, { deploymentId: 'dep-1' }))).length;
    const idle = await pass();
    expect([idle.windows, idle.upToDate, idle.blocked.map((b) => b.asset)]).toEqual([0, ['P-101'], ['P-105']]);
    const after = await ws.monitoring((db) => listViolations(db, { deploymentId: 'dep-1' }));
    expect(after.slice(violationsBefore).map((v) => [v.asset, v.code])).toEqual([['P-105', 'unmapped']]);
    // New data on day 3 is picked up by the next pass.
    await addReadings('P-101', 'DischargePressure', 'bar', 2 * DAY, 2 * DAY + 60, pressure);
    await addReadings('P-101', 'VibrationRMS', 'mm/s', 2 * DAY, 2 * DAY + 60, vibration);
    expect((await pass()).windows).toBe(60);
    // A tag that stops reporting (removed in the historian) blocks the asset, naming the signal and the span since
    // the last scored window (00:59), instead of its last value being carried forward into new windows.
    await addReadings('P-101', 'DischargePressure', 'bar', 2 * DAY + 60, 2 * DAY + 120, pressure);
    const stale = await pass();
    expect(stale.windows).toBe(0);
    const p101 = stale.blocked.filter((b) => b.asset === 'P-101');
    expect(p101.map((b) => b.violations.map((v) => [v.code, v.signal]))).toEqual([[['no-data', 'VibrationRMS']]]);
    expect(p101[0]?.violations[0]?.message).toBe(
      'P-101: the model needs VibrationRMS [mm/s]; P-101/VibrationRMS has no data from 2026-11-03T00:59:00Z to 2026-11-03T01:59:00Z (no readings)',
    );
  });

  it('converts a unit with a conversion: P-105 in kPa scores once its vibration is mapped', async () => {
    await addReadings('P-105', 'VibrationRMS', 'in/s', 0, 2 * DAY, (i) => vibration(i) / 25.4);
    await ws.monitoring(async (db) => {
      const { changeDeployment, getDeployment } = await import('../../../src/main/core/workspace/monitoring-store.js');
      const d = await getDeployment(db, 'dep-1');
      await changeDeployment(
        db,
        'dep-1',
        {
          kind: 'set-mapping',
          mapping: {
            ...d!.mapping,
            'P-105': {
              DischargePressure: { asset: 'P-105', tag: 'DischargePressure' },
              VibrationRMS: { asset: 'P-105', tag: 'VibrationRMS' },
            },
          },
        },
        { actor: 'maria', at: '2026-11-03T00:30:00.000Z' },
      );
    });
    const result = await pass();
    expect(result.blocked).toEqual([]);
    expect(result.scored).toBe(2);
    const a = await ws.monitoring((db) => scoreSeries(db, { deploymentId: 'dep-1', asset: 'P-101', output: 'score' }));
    const b = await ws.monitoring((db) => scoreSeries(db, { deploymentId: 'dep-1', asset: 'P-105', output: 'score' }));
    // Same vibration in another unit gives the same health series.
    expect(b.value.length).toBe(a.value.length);
    b.value.forEach((v, i) => expect(v).toBeCloseTo(a.value[i] as number, 6));
  });

  it('judges drift per day against the package reference: the vibration rise is flagged on that signal', async () => {
    const refRandom = seededRandom(9);
    const n = 20_000;
    const p = Float64Array.from({ length: n }, () => 6 + 0.5 * gauss(refRandom));
    const v = Float64Array.from({ length: n }, () => 2 + 0.3 * gauss(refRandom));
    const reference: DriftReference = {
      signals: [
        signalReference('DischargePressure', p, { unit: 'bar' }),
        signalReference('VibrationRMS', v, { unit: 'mm/s' }),
      ],
      multivariate: pcaReference({ tags: ['DischargePressure', 'VibrationRMS'], values: [p, v] }),
    };
    const result = await pass({ reference, importance: new Map([['VibrationRMS', 2]]) });
    // Per signal: only vibration, only on day 2. The multivariate check may see the same day; never day 1.
    expect(result.drift.signals.filter((f) => f.signal !== null).map((f) => [f.asset, f.signal, f.from])).toEqual([
      ['P-101', 'VibrationRMS', T0 + DAY * MIN],
    ]);
    expect(result.drift.signals.every((f) => f.from === T0 + DAY * MIN)).toBe(true);
    expect(result.drift.signals[0]).toMatchObject({
      method: 'wasserstein',
      readings: DAY,
      referenceReadings: n,
      importance: 2,
      outputRising: true,
    });
    const stored = await ws.monitoring((db) => listDriftResults(db, { deploymentId: 'dep-1' }));
    // 2 days x (2 signals + PCA) judged and stored, the flagged one first.
    expect(stored).toHaveLength(6);
    expect(stored[0]).toMatchObject({ signal: 'VibrationRMS', flagged: true });
  });

  it('refuses to score with another version than the deployment confirmed', async () => {
    await expect(
      ws.monitoring((db) =>
        scoreDeployment(db, {
          deploymentId: 'dep-1',
          manifest: { ...manifest, version: 3 },
          predictor,
          actor: 'x',
          now: '2026-11-03T00:00:00Z',
        }),
      ),
    ).rejects.toThrow('deployment dep-1 scores with pump-anomaly v2, not pump-anomaly v3');
  });

  it('with a stride above 1, an asset whose new readings complete no window yet is reported up to date', async () => {
    const strided: ManifestCore = {
      ...manifest,
      dataContract: { ...manifest.dataContract, window: { ...manifest.dataContract.window, stride: 7 } },
    };
    const first = await pass({ manifest: strided });
    expect(first.scored).toBe(1);
    const series = await ws.monitoring((db) =>
      scoreSeries(db, { deploymentId: 'dep-1', asset: 'P-101', output: 'score' }),
    );
    const lastWindow = series.t[series.t.length - 1] as number;
    // The newest reading lies after the last window end, but not a full stride after it.
    const lastReading = T0 + (2 * DAY - 1) * MIN;
    expect(lastReading).toBeGreaterThan(lastWindow);
    expect(lastReading - lastWindow).toBeLessThan(7 * MIN);
    const second = await pass({ manifest: strided });
    expect(second).toMatchObject({ scored: 0, windows: 0, upToDate: ['P-101'] });
  });
  it("dates the age-in-life input from the asset's first reading in the workspace, then from the end of each repair", async () => {
    // The same package reading the age too (normalised in minutes); the model returns the age at each window's end.
    const aged = withLifeInputs({ age: true }, { center: [6, 2, 0], scale: [0.5, 0.3, MIN] });
    await repairOnDay2();
    // Scored from day 2 on: the age still counts from the first reading (minute 0), not from where the pass read.
    await pass({ manifest: aged, predictor: lastStepInput(2), from: T0 + DAY * MIN });
    const series = await ws.monitoring((db) =>
      scoreSeries(db, { deploymentId: 'dep-1', asset: 'P-101', output: 'score' }),
    );
    const at = (minute: number) => series.value[series.t.indexOf(T0 + minute * MIN)];
    expect(series.t[0]).toBe(T0 + DAY * MIN);
    expect(at(DAY)).toBeCloseTo(DAY, 3);
    expect(at(DAY + 959)).toBeCloseTo(DAY + 959, 3);
    expect(at(DAY + 960)).toBeCloseTo(0, 3);
    expect(at(2 * DAY - 1)).toBeCloseTo(DAY - 961, 3);
    // The record starts where every signal the model reads has begun, as a training dataset's grid does.
    await addReadings('P-101', 'BearingTemperature', 'degC', 30, 60, () => 40);
    const record = await ws.monitoring((db) =>
      lifeRecord(db, [
        { asset: 'P-101', tag: 'VibrationRMS' },
        { asset: 'P-101', tag: 'BearingTemperature' },
      ]),
    );
    expect(record.first).toBe(T0 + 30 * MIN);
    expect(record.events.map((e) => e.kind)).toEqual(['failure', 'maintenance']);
  });
  it("subtracts each life's baseline, read from the first minutes of the life even when a pass starts later", async () => {
    // The package reads each signal's change from the mean of the life's first 30 grid steps (unsmoothed: the
    // reading itself); the model returns vibration's change at each window's end.
    const rebased = withLifeInputs({ baseline: 30 }, { center: [6, 2, 0, 0], scale: [0.5, 0.3, 1, 1] });
    // The second life's baseline is minutes DAY + 960..989.
    await repairOnDay2();
    const result = await pass({ manifest: rebased, predictor: lastStepInput(3), from: T0 + DAY * MIN });
    expect(result.scored).toBe(1);
    const series = await ws.monitoring((db) =>
      scoreSeries(db, { deploymentId: 'dep-1', asset: 'P-101', output: 'score' }),
    );
    const at = (minute: number) => series.value[series.t.indexOf(T0 + minute * MIN)] as number;
    const mean = (from: number, to: number) => {
      let sum = 0;
      for (let i = from; i < to; i += 1) sum += vibration(i);
      return sum / (to - from);
    };
    // Day 2 is scored alone, and the first life's baseline is still its first 30 minutes on day 1.
    expect(series.t[0]).toBe(T0 + DAY * MIN);
    expect(at(DAY)).toBeCloseTo(vibration(DAY) - mean(0, 30), 4);
    expect(at(DAY + 959)).toBeCloseTo(vibration(DAY + 959) - mean(0, 30), 4);
    // The second life: a running mean over its first minutes, then the mean of its first 30.
    expect(at(DAY + 960)).toBeCloseTo(0, 4);
    expect(at(DAY + 970)).toBeCloseTo(vibration(DAY + 970) - mean(DAY + 960, DAY + 971), 4);
    expect(at(DAY + 1200)).toBeCloseTo(vibration(DAY + 1200) - mean(DAY + 960, DAY + 990), 4);
  });
});
