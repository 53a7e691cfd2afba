// Scoring throughput (issue 10): a deployment of N assets x T tags x D days of 1-minute data in a real workspace,
// scored end to end (DuckDB read, contract check, the package's pipeline, TF.js predict, scores stored), against
// the limit: plain model.predict on the same prepared windows in the same run. Then follow mode's latency from a
// value appearing in a PostgreSQL historian to its alert stored (bench/follow-latency.ts). Prints one JSON line.
// Usage: npx tsx bench/score.ts [--assets 20] [--tags 24] [--days 90] [--follow-events 10] [--follow-interval 1]
// (--follow-events 0 leaves the latency out)
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/main/core/ml/backend.js';
import { serialiseModel, WEIGHTS_FILE } from '../src/main/core/ml/model-io.js';
import { loadPackagePredictor } from '../src/main/core/ml/package-predictor.js';
import { parseRule } from '../src/shared/alert-rules.js';
import { pipelineOf, prepareWindows } from '../src/main/core/monitoring/score.js';
import { scoreDeployment } from '../src/main/core/monitoring/score-deployment.js';
import { createDeployment, readSignals } from '../src/main/core/workspace/monitoring-store.js';
import { Workspace } from '../src/main/core/workspace/workspace.js';
import type { ManifestCore } from '../src/shared/registry-manifest.js';
import { measureFollowLatency } from './follow-latency.js';
import { median, peakRssMiB } from './util.js';

const { values: args } = parseArgs({
  options: {
    assets: { type: 'string', default: '20' },
    tags: { type: 'string', default: '24' },
    days: { type: 'string', default: '90' },
    window: { type: 'string', default: '30' },
    'follow-events': { type: 'string', default: '10' },
    'follow-interval': { type: 'string', default: '1' },
  },
});
const assets = Number(args.assets);
const tagCount = Number(args.tags);
const days = Number(args.days);
const length = Number(args.window);
const MIN = 60e6;
const T0 = Date.UTC(2026, 0, 1) * 1000;
const minutes = days * 1440;
const tags = Array.from({ length: tagCount }, (_, i) => `tag_${String(i + 1).padStart(2, '0')}`);
const assetNames = Array.from({ length: assets }, (_, i) => `P-${String(101 + i)}`);

const root = await mkdtemp(join(tmpdir(), 'pdm-bench-score-'));
try {
  const backend = await selectBackend('auto', 'dense');
  const ws = await Workspace.open(join(root, 'ws'));
  const fillStarted = performance.now();
  await ws.monitoring(async (db) => {
    for (const asset of assetNames) {
      for (const tag of tags) {
        await db.run(
          `INSERT INTO signals (asset, tag, unit, sample_period, source, time_kind) VALUES ($1, $2, 'bar', $3, 'bench', 'timestamp')`,
          [asset, tag, MIN],
        );
      }
    }
    // Ordered by (signal, t), as ingest writes it.
    await db.run(
      `INSERT INTO readings SELECT s.id, ${T0} + g.i * ${MIN}, 5 + sin(g.i / 300.0 + s.id) + random() * 0.1, NULL
       FROM signals s, range(${minutes}) g(i) ORDER BY s.id, g.i`,
    );
  });
  const fillSeconds = (performance.now() - fillStarted) / 1000;

  // A small dense network over the window, saved and loaded back as a package would be.
  const model = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [length, tagCount] }),
      tf.layers.dense({ units: 32, activation: 'relu' }),
      tf.layers.dense({ units: 1 }),
    ],
  });
  const saved = await serialiseModel(model);
  const packageDir = join(root, 'package');
  await mkdir(packageDir);
  await writeFile(join(packageDir, 'model.json'), saved.modelJson);
  await writeFile(join(packageDir, WEIGHTS_FILE), saved.weights);
  const manifest: ManifestCore = {
    formatVersion: 1,
    name: 'bench',
    version: 1,
    task: 'failure-horizon',
    modelType: 'dense',
    createdAt: new Date().toISOString(),
    createdBy: 'bench',
    model: { format: 'tfjs-layers', modelFile: 'model.json', weightFiles: [WEIGHTS_FILE] },
    dataContract: {
      signals: tags.map((tag) => ({
        asset: null,
        tag,
        unit: 'bar',
        samplePeriod: MIN,
        validMin: null,
        validMax: null,
        missingPolicy: 'forward-fill' as const,
      })),
      features: tags,
      window: { length, stride: 1, timeKind: 'timestamp' },
      normalisation: { method: 'z-score', center: tags.map(() => 5), scale: tags.map(() => 1) },
    },
    outputs: [{ name: 'probability', unit: null, description: 'failure within horizon' }],
    thresholds: { score: 0.5 },
    evaluation: { metrics: {}, dataset: null },
    lineage: {
      runId: 'bench',
      trainedBy: 'bench',
      trainedAt: new Date().toISOString(),
      dataset: { id: 'bench', contentHash: '0', description: '' },
      config: { dataset: { resample: { period: MIN, gap: 'forward-fill' }, smoothing: 0.3 } },
      seed: 1,
      backend: backend.label,
      appVersion: 'bench',
      durationS: 0,
    },
    files: [],
  };
  const predictor = await loadPackagePredictor(manifest, packageDir);
  await ws.monitoring((db) =>
    createDeployment(
      db,
      {
        name: 'bench',
        model: { name: 'bench', stage: null, pinnedVersion: 1 },
        registry: root,
        role: 'champion',
        championId: null,
        assets: assetNames,
        mapping: Object.fromEntries(
          assetNames.map((asset) => [asset, Object.fromEntries(tags.map((tag) => [tag, { asset, tag }]))]),
        ),
        // A rule that the untrained network's arbitrary outputs never trip: alerts are not what is measured here.
        rule: parseRule({ direction: 'above', setLevel: 1e9, k: 3, n: 5 }),
        limits: {},
        currentVersion: 1,
        packageHash: 'bench',
        pendingVersion: null,
      },
      { actor: 'bench', at: new Date().toISOString() },
    ),
  );

  // Warm up the backend with a full batch (kernel set-up and WebAssembly memory growth happen on the first
  // large call) so neither measurement pays for it.
  const batch = 8192;
  await predictor.predict({ x: new Float32Array(batch * length * tagCount), n: batch, length, features: tagCount });

  // The limit: model.predict alone on the same prepared windows (first asset, batches of the same size).
  const pipeline = pipelineOf(manifest);
  const read = await ws.monitoring((db) =>
    readSignals(
      db,
      tags.map((tag) => ({ asset: assetNames[0]!, tag })),
      { from: 0, to: Number.MAX_SAFE_INTEGER },
    ),
  );
  const prepared = prepareWindows(
    pipeline,
    read.map((r) => ({ t: r.t, values: r.values })),
    { from: 0, to: Number.MAX_SAFE_INTEGER },
  );
  const size = length * tagCount;
  const predictAll = async () => {
    const started = performance.now();
    for (let s = 0; s < prepared.n; s += batch) {
      const n = Math.min(batch, prepared.n - s);
      await predictor.predict({ x: prepared.x.subarray(s * size, (s + n) * size), n, length, features: tagCount });
    }
    return (performance.now() - started) / 1000;
  };

  // Three of each, interleaved (the machine is shared): medians. Each scoring pass re-scores the whole range,
  // replacing the scores of the pass before.
  const limits: number[] = [];
  const passes: number[] = [];
  let result: Awaited<ReturnType<typeof scoreDeployment>> | null = null;
  for (let round = 0; round < 3; round += 1) {
    limits.push(prepared.n / (await predictAll()));
    const started = performance.now();
    result = await ws.monitoring((db) =>
      scoreDeployment(db, {
        deploymentId: 'dep-1',
        manifest,
        predictor,
        actor: 'bench',
        now: new Date().toISOString(),
        from: 0,
        to: Number.MAX_SAFE_INTEGER,
      }),
    );
    passes.push((performance.now() - started) / 1000);
  }
  if (result === null) throw new Error('no scoring pass ran');
  const endToEnd = median(passes);
  predictor.dispose();
  ws.close();

  // Measured after the throughput, alone: the two would slow each other down.
  const followEvents = Number(args['follow-events']);
  const followLatency =
    followEvents > 0
      ? await measureFollowLatency({ events: followEvents, intervalSeconds: Number(args['follow-interval']) })
      : null;

  const ours = result.windows / endToEnd;
  const limit = median(limits);
  console.log(
    JSON.stringify({
      assets,
      tags: tagCount,
      days,
      readings: assets * tagCount * minutes,
      windows: result.windows,
      alertsOpened: result.alerts.opened.length,
      backend: backend.label,
      fillSeconds: Number(fillSeconds.toFixed(1)),
      scoreSeconds: Number(endToEnd.toFixed(2)),
      windowsPerSecond: Math.round(ours),
      limitWindowsPerSecond: Math.round(limit),
      ratio: Number((ours / limit).toFixed(3)),
      stageSeconds: Object.fromEntries(Object.entries(result.seconds).map(([k, v]) => [k, Number(v.toFixed(2))])),
      peakRssMiB: Math.round(peakRssMiB()),
      followLatency,
    }),
  );
} finally {
  await rm(root, { recursive: true, force: true });
}
