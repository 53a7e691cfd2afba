import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../../src/main/core/app/app-core.js';
import { apiCaller } from '../../support/api-caller.js';
import { CMAPSS_FD001_SENSORS } from '../../../src/main/core/runs/cmapss.js';
import type { ApiEvent } from '../../../src/shared/api.js';

let root: string;
let core: AppCore;
const events: ApiEvent[] = [];

const { call, settle } = apiCaller(() => core);
const engine = (n: number) => `cmapss-fd001-sample engine ${String(n).padStart(3, '0')}`;
const config = (epochs: number, windowLength = 30) => ({
  name: 'api',
  dataset: {
    assets: { names: [1, 2, 3, 4, 5, 6, 7, 8].map(engine) },
    signals: CMAPSS_FD001_SENSORS,
    window: { length: windowLength, stride: 2 },
    smoothing: 0.3,
    label: { kind: 'rul', cap: 125 },
  },
  evaluation: { assets: { names: [engine(9), engine(10)] }, windows: 'all' },
  model: { type: 'dense', units: [16] },
  training: { epochs, seed: 5, patience: null },
});

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pdm-app-train-'));
  core = await createAppCore({ userDataDir: join(root, 'user-data'), shell: 'web', workspace: join(root, 'ws') });
  core.onEvent((e) => events.push(e));
  const { jobId } = await call('startImport', {
    paths: [resolve('resources/sample/cmapss-fd001-sample.txt')],
    options: {},
  });
  expect((await settle(jobId)).status).toBe('done');
}, 60_000);
afterAll(async () => {
  await core?.dispose();
  await rm(root, { recursive: true, force: true });
});

describe('training over the API', () => {
  it('startTraining runs a job with live loss events; runs can be listed, opened, evaluated and deleted', async () => {
    const { jobId } = await call('startTraining', { config: config(3) });
    const job = await settle(jobId);
    expect(job).toMatchObject({
      kind: 'training',
      status: 'done',
      training: { backend: 'wasm', run: expect.stringMatching(/^run-/) },
    });
    const epochs = events.filter((e) => e.type === 'training-progress' && e.jobId === jobId);
    expect(epochs.map((e) => (e.type === 'training-progress' ? e.epoch : 0))).toEqual([1, 2, 3]);
    const id = job.training?.run as string;

    expect((await call('listRuns', {})).map((r) => r.id)).toContain(id);
    const detail = await call('getRun', { id });
    expect(detail.history).toHaveLength(3);
    expect(detail.importance).toHaveLength(14);
    expect(detail.predictions.length).toBeGreaterThan(50);
    expect(detail.predictions[0]).toMatchObject({ asset: engine(9) });
    expect((await call('evaluateRun', { id })).matchesRecord).toBe(true);
    // On a saved snapshot: the run's own training snapshot, whose assets the model has seen.
    const datasetId = (await call('listRuns', {})).find((r) => r.id === id)?.datasetId as string;
    const onSnapshot = await call('evaluateRun', { id, datasetId });
    expect(onSnapshot.dataset).toMatchObject({
      source: 'snapshot',
      id: datasetId,
      seenInTraining: [1, 2, 3, 4, 5, 6, 7, 8].map(engine),
    });
    await expect(call('evaluateRun', { id, datasetId: 'ds-nope' })).rejects.toMatchObject({ code: 'not-found' });
    // Kept once per distinct content in the store, the run holding a reference to it.
    const recorded = join(root, 'ws', 'artifacts', 'datasets', `${id}.source-ref`);
    expect(existsSync(recorded)).toBe(true);
    const { sha256 } = JSON.parse(readFileSync(recorded, 'utf8')) as { sha256: string };
    const stored = join(root, 'ws', 'artifacts', 'datasets', 'store', `${sha256}.source`);
    expect(existsSync(stored)).toBe(true);
    expect(await call('deleteRun', { id })).toEqual({ deleted: true });
    await expect(call('getRun', { id })).rejects.toMatchObject({ code: 'not-found' });
    // The data kept for re-evaluating the run goes with it (no other run referenced the same content).
    expect(existsSync(recorded)).toBe(false);
    expect(existsSync(stored)).toBe(false);
  });

  it('a bad config fails the job with the problem named; Cancel cancels', async () => {
    const bad = await settle((await call('startTraining', { config: config(3, 500) })).jobId);
    expect(bad.status).toBe('failed');
    expect(bad.error).toMatch(/window length 500 is longer than the shortest asset/);
    await expect(
      call('startTraining', { config: { ...config(3), model: { type: 'transformer' } } }),
    ).rejects.toMatchObject({ code: 'invalid-argument' });

    const { jobId } = await call('startTraining', { config: config(1000) });
    while (!events.some((e) => e.type === 'training-progress' && e.jobId === jobId))
      await new Promise((r) => setTimeout(r, 20));
    expect(await call('cancelJob', { jobId })).toEqual({ cancelled: true });
    expect((await settle(jobId)).status).toBe('cancelled');
    const cancelled = (await call('listRuns', {})).find((r) => r.status === 'cancelled');
    expect(cancelled).toBeDefined();
    // A cancelled run has nothing to re-evaluate: the data it read is not kept.
    expect(existsSync(join(root, 'ws', 'artifacts', 'datasets', `${cancelled?.id ?? ''}.source-ref`))).toBe(false);
  });
});
