import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPackagePredictor } from '../../../src/main/core/ml/package-predictor.js';
import { checkContract } from '../../../src/main/core/monitoring/contract-check.js';
import {
  historyNeeded,
  pipelineOf,
  scoreAsset,
  type FeatureReadings,
} from '../../../src/main/core/monitoring/score.js';
import { CMAPSS_FD001_SENSORS } from '../../../src/main/core/runs/cmapss.js';
import { parseTrainConfig } from '../../../src/main/core/runs/load-config.js';
import { trainRun } from '../../../src/main/core/runs/train-run.js';
import { readSignals } from '../../../src/main/core/workspace/monitoring-store.js';
import type { Manifest } from '../../../src/shared/registry-manifest.js';
import { TrainConfigSchema } from '../../../src/shared/training.js';
import { engines, openCmapssWorkspace, requireCmapss } from '../ml/helpers.js';
import { publishAndFetch, type RunPrediction } from './published-run.js';

/**
 * Train on C-MAPSS, publish to a registry folder, fetch the package back (hash-verified) and score workspace
 * data with the package's own pipeline: the scores are the run's own evaluation predictions, window by window.
 */
let env: Awaited<ReturnType<typeof openCmapssWorkspace>>;
let manifest: Manifest;
let packageDir: string;
let predictions: RunPrediction[];

beforeAll(async () => {
  requireCmapss();
  env = await openCmapssWorkspace(['train_FD001.txt']);
  const config = parseTrainConfig({
    name: 'monitoring FD001',
    dataset: {
      assets: { names: engines(1, 8) },
      signals: CMAPSS_FD001_SENSORS,
      window: { length: 30, stride: 1 },
      // Not today's default (null): the package must carry it.
      smoothing: 0.3,
      label: { kind: 'rul', cap: 125 },
      validationFraction: 0.25,
    },
    evaluation: { assets: { names: engines(9, 10) }, windows: 'all' },
    model: { type: 'dense', units: [8] },
    training: { epochs: 2, batchSize: 256, seed: 3, patience: null },
  });
  const run = await trainRun({ workspace: env.workspace, config, baseDir: process.cwd() });
  ({ manifest, packageDir, predictions } = await publishAndFetch(env.root, run.folder, 'fd001-rul'));
}, 300_000);
afterAll(async () => env?.close());

const readingsOf = async (asset: string, from: number, to: number): Promise<Map<string, FeatureReadings>> => {
  const read = await env.workspace.monitoring((db) =>
    readSignals(
      db,
      manifest.dataContract.features.map((tag) => ({ asset, tag })),
      { from, to },
    ),
  );
  return new Map(read.map((r) => [r.ref.tag, { t: r.t, values: r.values }]));
};

describe('scoring a published package on workspace data', () => {
  it("gives the run's own evaluation predictions, window by window, from the package alone", async () => {
    const pipeline = pipelineOf(manifest);
    expect(pipeline.smoothing).toEqual([0.3]);
    // Today's training default is no smoothing; the package's 0.3 is what scoring used.
    expect(
      TrainConfigSchema.shape.dataset.parse({ ...(manifest.lineage.config['dataset'] as object), smoothing: undefined })
        .smoothing,
    ).toBeNull();
    const predictor = await loadPackagePredictor(manifest, packageDir);
    try {
      for (const asset of engines(9, 10)) {
        const expected = predictions.filter((p) => p.asset === asset);
        expect(expected.length).toBeGreaterThan(50);
        const scores = await scoreAsset(pipeline, predictor, asset, await readingsOf(asset, 0, 10_000), {
          from: 0,
          to: 10_000,
        });
        expect(Array.from(scores.windowEnd)).toEqual(expected.map((p) => p.t));
        scores.value.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!.score, 4));
      }
    } finally {
      predictor.dispose();
    }
  });

  it('scores the last windows alone, with only the history the pipeline needs, to the same values', async () => {
    const pipeline = pipelineOf(manifest);
    const predictor = await loadPackagePredictor(manifest, packageDir);
    try {
      const asset = engines(9, 9)[0]!;
      const expected = predictions.filter((p) => p.asset === asset).slice(-5);
      const from = expected[0]!.t;
      const to = expected.at(-1)!.t;
      const scores = await scoreAsset(
        pipeline,
        predictor,
        asset,
        await readingsOf(asset, from - historyNeeded(pipeline), to),
        { from, to },
      );
      expect(Array.from(scores.windowEnd)).toEqual(expected.map((p) => p.t));
      scores.value.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!.score, 4));
    } finally {
      predictor.dispose();
    }
  });

  it("would score differently with today's default smoothing: the package pipeline matters", async () => {
    const pipeline = pipelineOf(manifest);
    const predictor = await loadPackagePredictor(manifest, packageDir);
    try {
      const asset = engines(10, 10)[0]!;
      const readings = await readingsOf(asset, 0, 10_000);
      const ours = await scoreAsset(pipeline, predictor, asset, readings, { from: 0, to: 10_000 });
      const defaults = await scoreAsset({ ...pipeline, smoothing: [] }, predictor, asset, readings, {
        from: 0,
        to: 10_000,
      });
      const largest = Math.max(...ours.value.map((v, i) => Math.abs(v - (defaults.value[i] as number))));
      expect(largest).toBeGreaterThan(0.01);
    } finally {
      predictor.dispose();
    }
  });

  it('checks the contract on the same readings first: all mapped, nothing blocks', async () => {
    const asset = engines(9, 9)[0]!;
    const readings = await readingsOf(asset, 0, 10_000);
    const [check] = checkContract({
      contract: manifest.dataContract,
      range: { from: 1, to: readings.get(manifest.dataContract.features[0]!)!.t.length },
      assets: [
        {
          asset,
          signals: new Map(
            manifest.dataContract.features.map((tag) => [
              tag,
              {
                signal: `${asset}/${tag}`,
                unit: null,
                t: readings.get(tag)!.t,
                values: Float64Array.from(readings.get(tag)!.values),
                quality: null,
              },
            ]),
          ),
        },
      ],
    });
    expect(check?.blocked).toBe(false);
    expect(check?.violations.filter((v) => v.severity === 'block')).toEqual([]);
  });
});
