import type { TrainConfigInput } from '../../../shared/training.js';

/** FD001 sensors that vary; 1, 5, 6, 10, 16, 18 and 19 are constant in FD001 and carry no information. */
export const CMAPSS_FD001_SENSORS = [2, 3, 4, 7, 8, 9, 11, 12, 13, 14, 15, 17, 20, 21].map((n) => `sensor_${n}`);

/**
 * The documented default config (docs/training.md): the field's standard FD001 protocol (train on train_FD001,
 * RUL capped at 125, constant sensors dropped, z-score fitted on training units, windows of 30 cycles, the last
 * window of each test unit scored against RUL_FD001) with the default dense RUL model.
 */
/** Named configs `benchmark cmapss --preset` and bench/accuracy-cmapss.ts offer (docs/training.md, "Presets"). */
export const CMAPSS_PRESETS = ['default', 'accurate'] as const;
export type CmapssPreset = (typeof CMAPSS_PRESETS)[number];

/**
 * The "accurate" preset: the same protocol, data, model and schedule, five members from different seeds trained
 * side by side in one graph (models.ts); the saved model predicts their mean, which evens out the seed-to-seed
 * spread of a single dense model (docs/training.md, "Presets", has the figures and why not a 1D-CNN).
 */
const ACCURATE: { readonly name: string; readonly training: Partial<TrainConfigInput['training']> } = {
  name: 'C-MAPSS FD001 RUL (accurate: ensemble of 5 dense members)',
  training: { ensemble: 5 },
};

export const cmapssFd001Config = (
  rulFile: string,
  epochs?: number,
  preset: CmapssPreset = 'default',
): TrainConfigInput => {
  const config = defaultConfig(rulFile, epochs);
  switch (preset) {
    case 'default':
      return config;
    case 'accurate':
      return {
        ...config,
        name: ACCURATE.name,
        training: { ...config.training, ...ACCURATE.training },
      };
  }
};

const defaultConfig = (rulFile: string, epochs?: number): TrainConfigInput => ({
  name: 'C-MAPSS FD001 RUL (dense)',
  dataset: {
    assets: { prefix: 'train_FD001 engine' },
    signals: CMAPSS_FD001_SENSORS,
    window: { length: 30, stride: 1 },
    // A fast rate follows the sensors, a slow one keeps how far they drifted since the life began, and its change
    // from the engine's first 20 cycles separates wear from how the engine was built; with the age beside them the
    // model can tell a young engine from one in mid-life (docs/training.md, "Presets").
    smoothing: [0.3, 0.05],
    baseline: 20,
    age: true,
    normalisation: 'z-score',
    label: { kind: 'rul', cap: 125 },
    validationFraction: 0.2,
  },
  evaluation: { assets: { prefix: 'test_FD001 engine' }, windows: 'last', finalRul: rulFile },
  model: { type: 'dense', units: [128, 64] },
  training: {
    epochs: epochs ?? 60,
    batchSize: 256,
    learningRate: 0.001,
    loss: 'mse',
    patience: 10,
    seed: 42,
    ensemble: 1,
    l2: 0.001,
  },
  backend: 'auto',
});
