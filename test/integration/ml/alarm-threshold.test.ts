import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSourceRefFile } from '../../../src/main/core/datasets/frozen-store.js';
import { FolderStore } from '../../../src/main/core/registry/folder-store.js';
import { openRegistry } from '../../../src/main/core/registry/open-registry.js';
import { CMAPSS_FD001_SENSORS } from '../../../src/main/core/runs/cmapss.js';
import { sampleEngine, useSampleCore } from '../../support/sample-core.js';

const { call, settle, root } = useSampleCore('pdm-alarm-threshold-');
const engine = sampleEngine;

describe("the slider's threshold saved as the run's alarm threshold", () => {
  it('is recorded in the run (value, who, why, when), carried into the package, and is a deployment’s default alert level', async () => {
    const { jobId } = await call('startTraining', {
      config: {
        name: 'pca alarms',
        dataset: {
          assets: { names: [1, 2, 3, 4, 5, 6, 7, 8].map(engine) },
          signals: CMAPSS_FD001_SENSORS,
          window: { length: 10, stride: 1 },
          label: { kind: 'anomaly', normalSpan: 60, abnormalWithin: 30 },
          validationFraction: 0.25,
        },
        evaluation: { assets: { names: [engine(9), engine(10)] }, windows: 'all' },
        model: { type: 'pca', varianceKept: 0.9 },
      },
    });
    const job = await settle(jobId);
    expect(job.status, job.error ?? '').toBe('done');
    const id = job.training?.run as string;

    // Refused without a reason, or for a run that does not exist.
    await expect(call('saveRunAlarmThreshold', { id, value: 1.5, reason: '  ' })).rejects.toMatchObject({
      code: 'invalid-argument',
    });
    await expect(call('saveRunAlarmThreshold', { id: 'run-nope', value: 1.5, reason: 'x' })).rejects.toMatchObject({
      code: 'not-found',
    });

    const before = Date.now();
    const saved = await call('saveRunAlarmThreshold', { id, value: 1.5, reason: 'fewer false alarms on engine 3' });
    expect(saved).toMatchObject({ value: 1.5, output: 'score', reason: 'fewer false alarms on engine 3' });
    expect(saved.by.length).toBeGreaterThan(0);
    expect(Date.parse(saved.at)).toBeGreaterThanOrEqual(before - 1000);
    expect((await call('getRun', { id })).alarmThreshold).toEqual(saved);
    // A second save replaces the first.
    const again = await call('saveRunAlarmThreshold', { id, value: 1.25, reason: 'review with operations' });
    expect((await call('getRun', { id })).alarmThreshold).toEqual(again);

    // Published: the manifest and the model card carry it.
    const reg = join(root(), 'registry');
    await FolderStore.open(reg, { create: true, config: { allowAs: true, fsync: false } });
    await call('openRegistry', { location: reg });
    const published = await call('publishRun', { runId: id, name: 'engine-alarms' });
    const bob = await openRegistry(reg, { as: 'bob' });
    const detail = await bob.show('engine-alarms', published.version);
    expect(detail.manifest.alarmThreshold).toEqual(again);
    const card = await readFile(
      join(reg, 'models', 'engine-alarms', String(published.version), 'model-card.html'),
      'utf8',
    );
    expect(card).toContain('review with operations');
    await bob.govern('approve', { name: 'engine-alarms', version: published.version, reason: 'held-out F1 fine' });
    await bob.govern('promote', { name: 'engine-alarms', version: published.version, reason: 'go' });

    // A deployment made without a rule alarms at the saved level, with the run's alarm rule persistence (3 of 5).
    expect(detail.manifest.alarmRule).toMatchObject({
      threshold: 1.25,
      thresholdSource: 'saved',
      rule: { persistence: { k: 3, n: 5 } },
    });
    const { deployment } = await call('createDeployment', {
      registry: reg,
      model: 'engine-alarms',
      assets: [engine(9)],
    });
    expect(deployment.rule).toMatchObject({ output: 'score', direction: 'above', setLevel: 1.25, k: 3, n: 5 });
    // A rule given at creation wins over the saved level.
    const own = await call('createDeployment', {
      registry: reg,
      model: 'engine-alarms',
      assets: [engine(10)],
      rule: { output: 'score', direction: 'above', setLevel: 2 },
    });
    expect(own.deployment.rule).toMatchObject({ setLevel: 2 });
  }, 180_000);
});

describe('retention of the data runs read, over the API', () => {
  it("defaults to keeping everything; keeping the newest run drops the older runs' data, which re-evaluate from the workspace", async () => {
    expect(await call('getFrozenDataRetention', {})).toEqual({ keepRuns: null, keepPublished: true });
    const before = (await call('listRuns', {})).map((r) => r.id);
    expect(before.length).toBeGreaterThan(0);
    const { jobId } = await call('startTraining', {
      config: {
        name: 'newest',
        dataset: {
          assets: { names: [1, 2, 3, 4].map(engine) },
          signals: CMAPSS_FD001_SENSORS,
          window: { length: 10, stride: 5 },
          label: { kind: 'rul', cap: 125 },
        },
        model: { type: 'dense', units: [4] },
        training: { epochs: 1, patience: null },
      },
    });
    const newest = (await settle(jobId)).training?.run as string;
    const ws = join(root(), 'ws');
    for (const id of [...before, newest]) expect(existsSync(runSourceRefFile(ws, id))).toBe(true);
    // The earlier run was published (previous test): keepPublished false lets its data go too.
    const applied = await call('setFrozenDataRetention', { keepRuns: 1, keepPublished: false });
    expect(applied).toMatchObject({ keepRuns: 1, keepPublished: false, dropped: before });
    expect(applied.bytesFreed).toBeGreaterThan(0);
    expect(await call('getFrozenDataRetention', {})).toEqual({ keepRuns: 1, keepPublished: false });
    for (const id of before) expect(existsSync(runSourceRefFile(ws, id))).toBe(false);
    expect(existsSync(runSourceRefFile(ws, newest))).toBe(true);
    expect((await call('evaluateRun', { id: before[0] as string })).matchesRecord).toBe(true);
  }, 180_000);
});
