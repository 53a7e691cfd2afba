import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPackagePredictor } from '../../../src/main/core/ml/package-predictor.js';
import { baselineOf, pipelineOf, scoreAsset, type FeatureReadings } from '../../../src/main/core/monitoring/score.js';
import { CMAPSS_FD001_SENSORS } from '../../../src/main/core/runs/cmapss.js';
import { parseTrainConfig } from '../../../src/main/core/runs/load-config.js';
import { trainRun } from '../../../src/main/core/runs/train-run.js';
import { lifeRecord, readSignals } from '../../../src/main/core/workspace/monitoring-store.js';
import { AGE_INPUT, changeInputName } from '../../../src/shared/model-inputs.js';
import type { Manifest } from '../../../src/shared/registry-manifest.js';
import { RunArtifactSchema, type RunArtifact } from '../../../src/shared/run-artifact.js';
import { engines, openCmapssWorkspace, requireCmapss } from '../ml/helpers.js';
import { publishAndFetch, type RunPrediction } from './published-run.js';

/**
 * A model that reads two smoothing rates, each signal's change from its life baseline and the age in life (the
 * FD001 default): trained, published, fetched and scored with the package's own pipeline gives the run's own
 * predictions, window by window.
 */
let env: Awaited<ReturnType<typeof openCmapssWorkspace>>;
let run: RunArtifact;
let manifest: Manifest;
let packageDir: string;
let predictions: RunPrediction[];
const sensors = CMAPSS_FD001_SENSORS.slice(0, 4);

beforeAll(async () => {
  requireCmapss();
  env = await openCmapssWorkspace(['train_FD001.txt']);
  const config = parseTrainConfig({
    name: 'two rates, baseline and age',
    dataset: {
      assets: { names: engines(1, 6) },
      signals: sensors,
      window: { length: 20, stride: 1 },
      smoothing: [0.3, 0.05],
      baseline: 20,
      age: true,
      label: { kind: 'rul', cap: 125 },
      validationFraction: 0.34,
    },
    evaluation: { assets: { names: engines(7, 8) }, windows: 'all' },
    model: { type: 'dense', units: [8] },
    training: { epochs: 2, batchSize: 256, seed: 5, patience: null },
  });
  const trained = await trainRun({ workspace: env.workspace, config, baseDir: process.cwd() });
  run = RunArtifactSchema.parse(JSON.parse(await readFile(join(trained.folder, 'run.json'), 'utf8')));
  ({ manifest, packageDir, predictions } = await publishAndFetch(env.root, trained.folder, 'fd001-inputs'));
}, 300_000);
afterAll(async () => env?.close());

const readingsOf = async (asset: string): Promise<Map<string, FeatureReadings>> => {
  const read = await env.workspace.monitoring((db) =>
    readSignals(
      db,
      sensors.map((tag) => ({ asset, tag })),
      { from: 0, to: 10_000 },
    ),
  );
  return new Map(read.map((r) => [r.ref.tag, { t: r.t, values: r.values }]));
};

describe('a model reading two smoothing rates, its change from the life baseline and its age in life', () => {
  it('records its inputs by name in the run, the contract and the model card, one normalisation entry each', async () => {
    const inputs = [...sensors, ...sensors.map((s) => `${s} (EWMA 0.05)`), ...sensors.map(changeInputName), AGE_INPUT];
    expect(run.features).toEqual(sensors);
    expect(run.inputs).toEqual(inputs);
    expect(run.normalisation.center).toHaveLength(13);
    expect(manifest.dataContract.features).toEqual(sensors);
    expect(manifest.dataContract.inputs).toEqual(inputs);
    const card = await readFile(join(packageDir, 'model-card.html'), 'utf8');
    expect(card).toContain('model input');
    expect(card).toContain('age in life');
    expect(card).toContain('change from life baseline');
  });

  it("scores the run's own predictions from the package, the age and baseline dated from the workspace record", async () => {
    const pipeline = pipelineOf(manifest);
    expect(pipeline).toMatchObject({ smoothing: [0.3, 0.05], baseline: 20, age: true });
    const predictor = await loadPackagePredictor(manifest, packageDir);
    try {
      for (const asset of engines(7, 8)) {
        const record = await env.workspace.monitoring((db) =>
          lifeRecord(
            db,
            sensors.map((tag) => ({ asset, tag })),
          ),
        );
        // C-MAPSS cycles start at 1 and these engines have no events: one life from the first cycle.
        expect(record).toEqual({ first: 1, events: [] });
        const expected = predictions.filter((p) => p.asset === asset);
        expect(expected.length).toBeGreaterThan(50);
        const readings = await readingsOf(asset);
        const ordered = sensors.map((tag) => readings.get(tag) as FeatureReadings);
        const lifeBaselines = [baselineOf(pipeline, 1, ordered)];
        expect(lifeBaselines[0]?.t).toHaveLength(20);
        const scores = await scoreAsset(pipeline, predictor, asset, readings, {
          from: 0,
          to: 10_000,
          lifeStarts: [1],
          lifeBaselines,
        });
        expect(Array.from(scores.windowEnd)).toEqual(expected.map((p) => p.t));
        scores.value.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!.score, 4));
        // Dated from a later start the same readings score differently: the age is an input, not decoration.
        const shifted = await scoreAsset(pipeline, predictor, asset, readings, {
          from: 0,
          to: 10_000,
          lifeStarts: [60],
          lifeBaselines,
        });
        expect(Math.max(...shifted.value.map((v, i) => Math.abs(v - (scores.value[i] as number))))).toBeGreaterThan(
          1e-3,
        );
        // So does a baseline one unit higher on every sensor: the change is an input too.
        const [own] = lifeBaselines;
        const rebased = await scoreAsset(pipeline, predictor, asset, readings, {
          from: 0,
          to: 10_000,
          lifeStarts: [1],
          lifeBaselines: [{ start: 1, t: own!.t, values: own!.values.map((v) => v.map((x) => x + 1)) }],
        });
        expect(Array.from(rebased.windowEnd)).toEqual(Array.from(scores.windowEnd));
        expect(Math.max(...rebased.value.map((v, i) => Math.abs(v - (scores.value[i] as number))))).toBeGreaterThan(
          1e-3,
        );
      }
    } finally {
      predictor.dispose();
    }
  });
});
