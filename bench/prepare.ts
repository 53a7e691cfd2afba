// Dataset preparation at scale: a synthetic plant workspace (assets x tags x readings every 10 s, a few gaps and a
// bad-quality stretch), prepared for training in a fresh process as `train` prepares it; prints seconds and the
// RSS it added (peak minus RSS after opening the workspace). Usage: npm run bench:prepare -- [--readings 6200000]
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Workspace } from '../src/main/core/workspace/workspace.js';
import { outDir, runChild } from './util.js';

const { values } = parseArgs({
  options: {
    readings: { type: 'string', default: '6200000' },
    assets: { type: 'string', default: '5' },
    tags: { type: 'string', default: '6' },
    /** Grid period in seconds (10: the readings' own period, one slot per reading). */
    period: { type: 'string', default: '10' },
    window: { type: 'string', default: '30' },
    stride: { type: 'string', default: '10' },
  },
});
const readings = Number(values.readings);
const assets = Number(values.assets);
const tags = Number(values.tags);
const perSignal = Math.ceil(readings / (assets * tags));
const STEP_US = 10_000_000; // a reading every 10 s
const folder = join(outDir, `prepare-${readings}-${assets}x${tags}`);

if (!existsSync(join(folder, 'ready'))) {
  await rm(folder, { recursive: true, force: true });
  await mkdir(folder, { recursive: true });
  const ws = await Workspace.open(folder);
  try {
    const signalRows = Array.from({ length: assets * tags }, (_, i) => {
      const asset = `P-${101 + Math.floor(i / tags)}`;
      return `(${i + 1}, '${asset}', 'tag${i % tags}', 'bench', 'timestamp')`;
    });
    await ws.query(`INSERT INTO signals (id, asset, tag, source, time_kind) VALUES ${signalRows.join(', ')}`);
    // Every 997th reading is missing (NULL) and every 1009th bad quality: the gap policy has work to do.
    await ws.query(`INSERT INTO readings
      SELECT (i // ${perSignal}) + 1 AS signal_id,
             CAST(1700000000000000 + (i % ${perSignal}) * ${STEP_US} AS BIGINT) AS t,
             CASE WHEN i % 997 = 0 THEN NULL ELSE sin(i / 5000.0) * 10 + (i // ${perSignal}) + (i % 13) / 10.0 END AS value,
             CASE WHEN i % 1009 = 0 THEN 2150891520 ELSE NULL END AS quality
      FROM range(${perSignal * assets * tags}) r(i)`);
  } finally {
    ws.close();
  }
  await mkdir(join(folder, 'ready'));
}

const config = {
  name: 'bench prepare',
  dataset: {
    assets: { names: Array.from({ length: assets - 1 }, (_, i) => `P-${101 + i}`) },
    signals: Array.from({ length: tags }, (_, k) => `tag${k}`),
    resample: { period: Number(values.period) * 1_000_000, gap: 'forward-fill', fillLimit: 600_000_000 },
    window: { length: Number(values.window), stride: Number(values.stride) },
    label: { kind: 'rul', cap: null },
    validationFraction: 0.25,
  },
  evaluation: { assets: { names: [`P-${100 + assets}`] }, windows: 'all' },
  model: { type: 'dense' },
  training: { epochs: 1 },
};

interface ChildResult {
  readonly seconds: number;
  readonly rssAfterOpenMiB: number;
  readonly peakRssMiB: number;
  readonly windows: number;
  readonly contentHash: string;
}
const child = await runChild<ChildResult>('bench/prepare-child.ts', [folder, JSON.stringify(config)]);
console.log(
  JSON.stringify(
    {
      benchmark: 'prepare',
      target: 'seconds < 15, extraRssMiB < 1024',
      readings: perSignal * assets * tags,
      assets,
      tags,
      grid: `${values.period} s, windows of ${values.window}, stride ${values.stride}`,
      ...child,
      extraRssMiB: Math.round(child.peakRssMiB - child.rssAfterOpenMiB),
    },
    null,
    2,
  ),
);
