import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CMAPSS_FD001_SENSORS } from '../../../src/main/core/runs/cmapss.js';
import { sampleEngine, useSampleCore } from '../../support/sample-core.js';

const { call, root } = useSampleCore('pdm-app-datasets-');
const engine = sampleEngine;

const config = (names: readonly number[], seed = 42) => ({
  name: `engines ${names.join(',')}`,
  dataset: {
    assets: { names: names.map(engine) },
    signals: CMAPSS_FD001_SENSORS,
    window: { length: 30, stride: 5 },
    smoothing: 0.3,
    label: { kind: 'rul', cap: 125 },
  },
  training: { seed },
  // A whole training config is accepted; the model part plays no role in a snapshot.
  model: { type: 'dense', units: [8] },
});

describe('createDataset and listDatasets over the app API (real workspace)', () => {
  it('saves a frozen snapshot once per definition and lists it; the same definition again is the same id', async () => {
    const created = await call('createDataset', { config: config([7, 8, 9, 10]) });
    expect(created).toMatchObject({
      id: expect.stringMatching(/^ds-[0-9a-f]{16}$/),
      name: 'engines 7,8,9,10',
      assets: [7, 8, 9, 10].map(engine),
      windows: 145,
      created: true,
    });
    expect(existsSync(join(root(), 'ws', 'artifacts', 'datasets', `${created.id}.snapshot`))).toBe(true);
    const again = await call('createDataset', { config: config([7, 8, 9, 10]) });
    expect(again).toEqual({ ...created, created: false });
    const other = await call('createDataset', { config: config([7, 8, 9, 10], 7) });
    expect(other.id).not.toBe(created.id);
    const listed = await call('listDatasets', {});
    expect(listed.map((d) => d.id).sort()).toEqual([created.id, other.id].sort());
    expect(listed.find((d) => d.id === created.id)).toMatchObject({ assets: 4, windows: 145, runs: [] });
  });

  it('refuses a config the contract rejects, naming the field, and assets the workspace lacks, naming them', async () => {
    const bad = config([1]);
    await expect(
      call('createDataset', { config: { ...bad, dataset: { ...bad.dataset, window: { length: 0 } } } }),
    ).rejects.toMatchObject({
      code: 'invalid-argument',
      message: expect.stringMatching(/^createDataset: config\.dataset\.window\.length: /),
    });
    await expect(
      call('createDataset', {
        config: { ...bad, dataset: { ...bad.dataset, assets: { names: ['no such engine'] } } },
      }),
    ).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/no such engine/) });
    expect((await call('listDatasets', {})).length).toBe(2);
  });
});
