import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareDataset } from '../../../src/main/core/datasets/prepare.js';
import { recordingSource } from '../../../src/main/core/datasets/recorded-source.js';
import { CancelledError } from '../../../src/main/core/jobs/cancelled.js';
import { evaluateRun } from '../../../src/main/core/runs/evaluate-run.js';
import { prepareInWorker } from '../../../src/main/core/ml/worker-client.js';
import { parseTrainConfig, resolveFinalRul } from '../../../src/main/core/runs/load-config.js';
import { trainRun } from '../../../src/main/core/runs/train-run.js';
import type { TrainProgress } from '../../../src/shared/training.js';
import { openCmapssWorkspace, requireCmapss, smallRulConfig } from './helpers.js';

let env: Awaited<ReturnType<typeof openCmapssWorkspace>>;

beforeAll(async () => {
  requireCmapss();
  env = await openCmapssWorkspace();
}, 120_000);
afterAll(async () => env?.close());

const request = (config: ReturnType<typeof parseTrainConfig>, finalRul: readonly number[] | null) => ({
  runId: 'prepare-test',
  config,
  finalRul,
  appVersion: 'test',
  createdBy: 'test',
  createdAt: new Date().toISOString(),
});

describe('dataset preparation in the training worker', () => {
  it('builds the same dataset in the worker (SQL on the main thread) as on the main thread', async () => {
    const config = parseTrainConfig(smallRulConfig());
    const finalRul = await resolveFinalRul(config, process.cwd());
    const here = await prepareDataset(env.workspace, config, finalRul);
    const progress: string[] = [];
    const recorder = recordingSource(env.workspace);
    const there = await prepareInWorker(request(config, finalRul), recorder.source, (p) => progress.push(p.message));
    expect(there.contentHash).toBe(here.contentHash);
    expect(there.evaluationHash).toBe(here.evaluationHash);
    expect(there.normalisation).toEqual(here.normalisation);
    expect(there.split).toEqual(here.split);
    expect([there.train.n, there.validation.n, there.evaluation?.n]).toEqual([
      here.train.n,
      here.validation.n,
      here.evaluation?.n,
    ]);
    // The reads ran here (recorded for the run), the build there, reporting each step.
    expect(recorder.recording().grids.map((g) => g.request.assets.length)).toEqual([100, 100]);
    expect(progress).toEqual(
      expect.arrayContaining([
        'preparing dataset: reading 100 assets x 14 signals onto the grid',
        'preparing dataset: reading 100 assets x 14 signals onto the grid',
        `dataset ready: ${here.train.n + here.validation.n} windows`,
      ]),
    );
  }, 120_000);

  it('cancel while the dataset is being built stops the worker; no run is recorded', async () => {
    const before = (await env.workspace.runs()).length;
    const messages: string[] = [];
    let cancel = false;
    const run = trainRun({
      workspace: env.workspace,
      config: parseTrainConfig(smallRulConfig({ training: { epochs: 50, patience: null, seed: 1 } })),
      baseDir: process.cwd(),
      onProgress: (p: TrainProgress) => {
        messages.push(p.message);
        if (p.message.includes('onto the grid')) cancel = true;
      },
      isCancelled: () => cancel,
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(messages.some((m) => m.startsWith('epoch'))).toBe(false);
    expect(messages.filter((m) => m.startsWith('dataset ready'))).toEqual([]);
    expect((await env.workspace.runs()).length).toBe(before);
  }, 120_000);

  it("evaluate rebuilds the run's windows and scores them in a worker, with progress and cancel", async () => {
    const run = await trainRun({
      workspace: env.workspace,
      config: parseTrainConfig(smallRulConfig({ training: { epochs: 2, patience: null, seed: 2 } })),
      baseDir: process.cwd(),
    });
    const messages: string[] = [];
    const again = await evaluateRun(env.workspace, run.runId, process.cwd(), {
      control: { progress: (_f, message) => messages.push(message) },
    });
    expect(again.matchesRecord).toBe(true);
    expect(again.metrics['rmse']).toBeCloseTo(run.metrics['rmse'] as number, 4);
    expect(again.dataset).toMatchObject({ source: 'run', label: 'held-out evaluation' });
    expect(again.dataset?.assets).toHaveLength(100);
    // 'scoring' comes from the worker (job-progress messages), after this thread's 'preparing the data'.
    expect(messages).toEqual(expect.arrayContaining(['reading the run', 'preparing the data', 'scoring']));

    // Cancelled once the worker has started rebuilding (its own "preparing the data", the second one seen here):
    // the worker stops between its reads.
    let seen = 0;
    const after: string[] = [];
    const cancelled = evaluateRun(env.workspace, run.runId, process.cwd(), {
      control: {
        isCancelled: () => seen >= 2,
        progress: (_f, message) => {
          if (message === 'preparing the data') seen += 1;
          else if (seen >= 2) after.push(message);
        },
      },
    });
    await expect(cancelled).rejects.toBeInstanceOf(CancelledError);
    // Cancel is polled: on a loaded machine the worker can reach 'scoring' before the poll sees it, so the run is
    // only required to end cancelled (no result), not to stop before a given stage.
    expect(after.filter((m) => m === 'scoring').length).toBeLessThanOrEqual(1);
  }, 180_000);
});
