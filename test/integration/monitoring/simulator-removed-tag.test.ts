import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRule } from '../../../src/shared/alert-rules.js';
import { InjectedPlant, parseInjections } from '../../../src/main/core/historians/simulator/injections.js';
import { PlantModel, type Sample } from '../../../src/main/core/historians/simulator/plant-model.js';
import type { Predictor } from '../../../src/main/core/monitoring/score.js';
import { scoreDeployment } from '../../../src/main/core/monitoring/score-deployment.js';
import { createDeployment, listViolations } from '../../../src/main/core/workspace/monitoring-store.js';
import { Workspace } from '../../../src/main/core/workspace/workspace.js';
import { tempDir } from '../core/workspace/helpers.js';
import { pumpAnomalyManifest } from './pump-manifest.js';

const MIN_US = 60e6;
const DAY_MS = 86_400_000;
const START_MS = Date.UTC(2026, 0, 1);
const REMOVED_MS = START_MS + DAY_MS;

const manifest = pumpAnomalyManifest(1, '2025-12-01T00:00:00Z');

/** The last normalised vibration of each window: enough to score, the test is about the contract. */
const predictor: Predictor = {
  backend: 'plain TypeScript',
  predict: async (w) =>
    Float32Array.from({ length: w.n }, (_, i) => w.x[(i * w.length + w.length - 1) * w.features + 1] as number),
  dispose: () => undefined,
};

let dir: string;
let ws: Workspace;

/** Write what the simulator serves in [fromMs, toMs) for the series that exist, as an import would store it. */
const storeFromSimulator = async (plant: InjectedPlant, fromMs: number, toMs: number): Promise<void> => {
  const sample: Sample = { t: 0, value: null, status: 0 };
  await ws.monitoring(async (db) => {
    for (const s of plant.series) {
      if (!['DischargePressure', 'VibrationRMS'].includes(s.name)) continue;
      const t: number[] = [];
      const v: number[] = [];
      for (let k = fromMs / 60_000; k < toMs / 60_000; k++) {
        if (plant.sample(s, k, sample) && sample.value !== null) {
          t.push(sample.t * 1000);
          v.push(sample.value);
        }
      }
      if (t.length === 0) continue;
      const unit = plant.unitAt(s.tagIndex, fromMs).unit;
      await db.run(
        `INSERT INTO signals (asset, tag, unit, sample_period, source, time_kind)
         VALUES ($1, $2, $3, $4, 'opcua:simulator', 'timestamp') ON CONFLICT DO NOTHING`,
        [s.asset, s.name, unit, MIN_US],
      );
      const { id } = await db.one<{ id: number }>('SELECT id FROM signals WHERE asset = $1 AND tag = $2', [
        s.asset,
        s.name,
      ]);
      await db.run(`INSERT INTO readings SELECT $1, unnest($2::BIGINT[]), unnest($3::DOUBLE[]), NULL`, [
        id,
        JSON.stringify(t),
        JSON.stringify(v),
      ]);
    }
  });
};

beforeAll(async () => {
  dir = await tempDir('pdm-sim-removed-');
  ws = await Workspace.open(join(dir, 'ws'));
  await ws.monitoring((db) =>
    createDeployment(
      db,
      {
        name: 'pumps',
        model: { name: 'pump-anomaly', stage: 'production', pinnedVersion: null },
        registry: '/shared/models',
        role: 'champion',
        championId: null,
        assets: ['P-101', 'P-102'],
        mapping: Object.fromEntries(
          ['P-101', 'P-102'].map((a) => [
            a,
            {
              DischargePressure: { asset: a, tag: 'DischargePressure' },
              VibrationRMS: { asset: a, tag: 'VibrationRMS' },
            },
          ]),
        ),
        rule: parseRule({ direction: 'above', setLevel: 30, clearLevel: 20, k: 3, n: 5 }),
        limits: {},
        currentVersion: 1,
        packageHash: 'c'.repeat(64),
        pendingVersion: null,
      },
      { actor: 'maria', at: '2026-01-01T00:00:00.000Z' },
    ),
  );
});
afterAll(async () => {
  ws?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a tag removed in the plant simulator blocks scoring of its asset', () => {
  it('day 1 scores both pumps; after P-102.VibrationRMS is removed, P-102 is blocked naming the signal', async () => {
    const model = new PlantModel({
      seed: 7,
      assets: 2,
      startMs: START_MS,
      endMs: START_MS + 2 * DAY_MS,
      periodMs: 60_000,
    });
    const plant = new InjectedPlant(
      model,
      parseInjections(
        [{ kind: 'remove', tag: 'P-102.VibrationRMS', from: new Date(REMOVED_MS).toISOString() }],
        'test',
      ),
    );
    const pass = (now: number) =>
      ws.monitoring((db) =>
        scoreDeployment(db, {
          deploymentId: 'dep-1',
          manifest,
          predictor,
          actor: 'monitor',
          now: new Date(now).toISOString(),
        }),
      );

    await storeFromSimulator(plant, START_MS, REMOVED_MS);
    const first = await pass(REMOVED_MS);
    expect(first.scored).toBe(2);
    expect(first.blocked).toEqual([]);

    // Day 2: the historian no longer serves P-102.VibrationRMS; the follow-up import brings everything else.
    await storeFromSimulator(plant, REMOVED_MS, REMOVED_MS + DAY_MS);
    const second = await pass(REMOVED_MS + DAY_MS);
    expect(second.scored).toBe(1);
    expect(second.blocked).toHaveLength(1);
    expect(second.blocked[0]?.asset).toBe('P-102');
    expect(second.blocked[0]?.violations).toEqual([
      expect.objectContaining({
        signal: 'VibrationRMS',
        code: 'no-data',
        severity: 'block',
        message: expect.stringMatching(/^P-102: the model needs VibrationRMS \[mm\/s\]; .*has no data from/),
      }),
    ]);
    const stored = await ws.monitoring((db) => listViolations(db, { deploymentId: 'dep-1' }));
    expect(stored.filter((v) => v.severity === 'block').map((v) => [v.asset, v.signal, v.code])).toEqual([
      ['P-102', 'VibrationRMS', 'no-data'],
    ]);
  });
});
