import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { importFiles } from '../../../src/main/core/app/import-files.js';
import { CMAPSS_FD001_SENSORS } from '../../../src/main/core/runs/cmapss.js';
import { Workspace } from '../../../src/main/core/workspace/workspace.js';
import type { TrainConfigInput } from '../../../src/shared/training.js';

/** NASA C-MAPSS FD001 (public domain), next to the checkout as ARCHITECTURE.md describes. */
export const CMAPSS_DIR = process.env['CMAPSS_DIR'] ?? resolve('..', 'shared', 'data', 'cmapss');
export const RUL_FILE = join(CMAPSS_DIR, 'RUL_FD001.txt');

/** The C-MAPSS tests need the real benchmark: missing data is a failure that says where it looked, never a silent skip. */
export const requireCmapss = (): void => {
  if (!existsSync(join(CMAPSS_DIR, 'train_FD001.txt')))
    throw new Error(
      `C-MAPSS FD001 not found in ${CMAPSS_DIR}: put ../shared/data/cmapss beside the checkout or set CMAPSS_DIR`,
    );
};

export const openCmapssWorkspace = async (files = ['train_FD001.txt', 'test_FD001.txt']) => {
  const root = await mkdtemp(join(tmpdir(), 'pdm-ml-'));
  const workspace = await Workspace.open(join(root, 'ws'));
  await importFiles(
    workspace,
    files.map((f) => join(CMAPSS_DIR, f)),
    { format: 'cmapss' },
  );
  return {
    root,
    workspace,
    close: async () => {
      workspace.close();
      await rm(root, { recursive: true, force: true });
    },
  };
};

export const engines = (from: number, to: number, file = 'train_FD001') =>
  Array.from({ length: to - from + 1 }, (_, i) => `${file} engine ${String(from + i).padStart(3, '0')}`);

/** A small RUL config: the standard protocol with a cheap model and few epochs. */
export const smallRulConfig = (overrides: Partial<TrainConfigInput> = {}): TrainConfigInput => ({
  name: 'small FD001',
  dataset: {
    assets: { prefix: 'train_FD001 engine' },
    signals: CMAPSS_FD001_SENSORS,
    window: { length: 30, stride: 1 },
    smoothing: 0.3,
    label: { kind: 'rul', cap: 125 },
  },
  evaluation: { assets: { prefix: 'test_FD001 engine' }, windows: 'last', finalRul: RUL_FILE },
  model: { type: 'dense', units: [32] },
  training: { epochs: 12, batchSize: 256, learningRate: 0.002, patience: null, seed: 7, l2: 0 },
  ...overrides,
});
