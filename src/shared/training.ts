import { z } from 'zod';

/**
 * The training configuration: one JSON document that defines the dataset, the model and the training
 * schedule. The CLI reads it from a file, the app builds it in a form; both validate it with this schema,
 * and the run record stores it verbatim so a run can be repeated exactly. docs/training.md explains every
 * field with a worked C-MAPSS FD001 example.
 */

/** Assets by exact names, or every asset whose name starts with a prefix (sorted by name). */
export const AssetSelectionSchema = z
  .object({
    names: z.array(z.string().min(1)).min(1).optional(),
    prefix: z.string().min(1).optional(),
  })
  .refine((s) => (s.names === undefined) !== (s.prefix === undefined), 'give exactly one of "names" or "prefix"');
export type AssetSelection = z.infer<typeof AssetSelectionSchema>;

/** Remaining useful life: cycles (or seconds) until failure, capped because early life carries no signal. */
const RulLabelSchema = z.object({
  kind: z.literal('rul'),
  /** Piecewise-linear target: RUL above `cap` is reported as `cap` (the field uses 125 cycles for C-MAPSS). */
  cap: z.number().positive().nullable().default(125),
  /**
   * Where an asset fails: at each failure event (its history is cut into lives, each from install or the end of
   * a repair to the next failure, labelled on its own), or (for run-to-failure data such as C-MAPSS training
   * units) at its last reading when it has no failure event.
   */
  failureAt: z.enum(['event', 'event-or-end']).default('event-or-end'),
});

/** Failure within horizon H: 1 when a failure starts within H time units after the window's end. */
const HorizonLabelSchema = z.object({
  kind: z.literal('failure-horizon'),
  horizon: z.number().positive(),
  failureAt: z.enum(['event', 'event-or-end']).default('event-or-end'),
});

/**
 * Anomaly detection: the model learns what normal looks like from windows that end within the first
 * `normalSpan` time units of each life of each training asset (a life runs from install or a repair to the next
 * failure; outside anomaly events); windows ending within `abnormalWithin` of a failure are the positives
 * evaluation counts.
 */
const AnomalyLabelSchema = z.object({
  kind: z.literal('anomaly'),
  normalSpan: z.number().positive(),
  abnormalWithin: z.number().positive(),
  failureAt: z.enum(['event', 'event-or-end']).default('event-or-end'),
  /** Threshold = this quantile of the anomaly score on validation windows of normal operation. */
  thresholdQuantile: z.number().gt(0.5).lt(1).default(0.99),
});

export const LabelSchema = z.discriminatedUnion('kind', [RulLabelSchema, HorizonLabelSchema, AnomalyLabelSchema]);
export type LabelConfig = z.infer<typeof LabelSchema>;

export const DatasetConfigSchema = z.object({
  /** Training (and validation) assets. Test assets never appear here: the split is by asset. */
  assets: AssetSelectionSchema,
  /** Tags present on every selected asset, e.g. "sensor_2". */
  signals: z.array(z.string().min(1)).min(1),
  /** Keep readings with from <= t <= to (µs or cycles). */
  from: z.number().optional(),
  to: z.number().optional(),
  /**
   * Common grid every signal is put on: one value per `period` time units (cycles for cycle-indexed data, µs for
   * timestamps). A NULL, non-finite or bad-quality reading counts as missing, like no reading at all. A grid slot
   * without a good reading is handled by the gap policy: `gap` forward-fills the last good value (at most
   * `fillLimit` time units past it; null: no limit) or rejects the dataset; a window is dropped when it still holds
   * a gap, or when more than `maxMissing` of its values are not real readings; with `windowsEnd: "reading"` only
   * windows that end on a real reading are trained on and scored. Cycle data with one reading per cycle needs none.
   */
  resample: z
    .object({
      period: z.number().positive(),
      gap: z.enum(['forward-fill', 'reject']).default('forward-fill'),
      fillLimit: z.number().positive().nullable().default(null),
      maxMissing: z.number().min(0).max(1).default(1),
      windowsEnd: z.enum(['reading', 'any']).default('reading'),
    })
    .default({ period: 1, gap: 'forward-fill', fillLimit: null, maxMissing: 1, windowsEnd: 'reading' }),
  window: z.object({ length: z.number().int().min(1).max(2000), stride: z.number().int().min(1).default(1) }),
  /** Exponential smoothing of each signal before windowing (causal, so it applies unchanged at scoring time). */
  smoothing: z.number().gt(0).max(1).nullable().default(null),
  normalisation: z.enum(['z-score', 'min-max', 'none']).default('z-score'),
  label: LabelSchema,
  /** Fraction of training assets held out (by asset) for early stopping and threshold choice. */
  validationFraction: z.number().gt(0).lt(1).default(0.2),
});
export type DatasetConfig = z.infer<typeof DatasetConfigSchema>;

/** Held-out assets scored after training; `finalRul` gives the true RUL after each asset's last reading. */
export const EvaluationConfigSchema = z.object({
  assets: AssetSelectionSchema,
  /** Which windows are scored: the last of each asset (the C-MAPSS protocol) or all of them. */
  windows: z.enum(['last', 'all']).default('last'),
  /**
   * True RUL after the last reading of each evaluation asset, in asset-name order: a list or a path to a file
   * with one number per line (relative to the config file), e.g. C-MAPSS RUL_FD001.txt.
   */
  finalRul: z.union([z.array(z.number().nonnegative()), z.string().min(1)]).optional(),
});
export type EvaluationConfig = z.infer<typeof EvaluationConfigSchema>;

export const ModelConfigSchema = z.discriminatedUnion('type', [
  /** Dense layers over the flattened window. Fast on every backend. */
  z.object({ type: z.literal('dense'), units: z.array(z.number().int().min(1)).min(1).default([64, 32]) }),
  /** Gated recurrent unit over the window, then dense. Gradients exist on wasm and cpu. */
  z.object({
    type: z.literal('gru'),
    units: z.number().int().min(1).default(32),
    dense: z.array(z.number().int().min(1)).default([16]),
  }),
  z.object({
    type: z.literal('lstm'),
    units: z.number().int().min(1).default(32),
    dense: z.array(z.number().int().min(1)).default([16]),
  }),
  /** 1D convolution over time, computed as im2col + matMul so it trains on wasm too (saved as a plain Conv1D). */
  z.object({
    type: z.literal('cnn1d'),
    filters: z.array(z.number().int().min(1)).min(1).default([16, 16]),
    kernelSize: z.number().int().min(1).default(5),
    dense: z.array(z.number().int().min(1)).default([32]),
  }),
  /** Dense autoencoder for anomaly detection; the score is the mean squared reconstruction error. */
  z.object({ type: z.literal('autoencoder'), units: z.array(z.number().int().min(1)).min(1).default([64, 16]) }),
  /** PCA Hotelling T-squared and Q (squared prediction error), computed in plain TypeScript. */
  z.object({ type: z.literal('pca'), varianceKept: z.number().gt(0).max(1).default(0.9) }),
]);
export type ModelConfig = z.infer<typeof ModelConfigSchema>;

export const TrainingConfigSchema = z.object({
  epochs: z.number().int().min(1).max(10_000).default(60),
  batchSize: z.number().int().min(1).default(256),
  learningRate: z.number().positive().default(0.001),
  loss: z.enum(['mse', 'huber']).default('mse'),
  /** Stop when validation loss has not improved for this many epochs, keeping the best weights. */
  patience: z.number().int().min(1).nullable().default(10),
  seed: z.number().int().default(42),
  /** Members trained side by side from different seeds; the model predicts their mean. */
  ensemble: z.number().int().min(1).max(16).default(1),
  l2: z.number().min(0).default(0),
});
export type TrainingConfig = z.infer<typeof TrainingConfigSchema>;

export const BackendPreferenceSchema = z.enum(['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
export type BackendPreference = z.infer<typeof BackendPreferenceSchema>;

export const TrainConfigSchema = z.object({
  name: z.string().min(1).max(200).default('run'),
  dataset: DatasetConfigSchema,
  evaluation: EvaluationConfigSchema.optional(),
  model: ModelConfigSchema,
  training: TrainingConfigSchema.default(TrainingConfigSchema.parse({})),
  backend: BackendPreferenceSchema.default('auto'),
});
export type TrainConfig = z.infer<typeof TrainConfigSchema>;
export type TrainConfigInput = z.input<typeof TrainConfigSchema>;

/** One progress report from a training worker. */
export interface TrainProgress {
  readonly phase: 'preparing' | 'training' | 'evaluating';
  readonly epoch: number;
  readonly epochs: number;
  readonly loss: number | null;
  readonly valLoss: number | null;
  readonly message: string;
}

/** A run as the runs table lists it. */
export const RunSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  task: z.string(),
  modelType: z.string(),
  status: z.enum(['done', 'failed', 'cancelled']),
  backend: z.string(),
  seed: z.number(),
  datasetId: z.string(),
  datasetHash: z.string(),
  createdAt: z.string(),
  durationS: z.number(),
  metrics: z.record(z.string(), z.number()),
});
export type RunSummary = z.infer<typeof RunSummarySchema>;

/** What a finished 'training' job reports (JobState.training). */
export const TrainingJobResultSchema = z.object({
  run: z.string(),
  backend: z.string(),
  metrics: z.record(z.string(), z.number()),
});
export type TrainingJobResult = z.infer<typeof TrainingJobResultSchema>;

/** One scored window of a run (predictions.csv): `label` is the true RUL or 0/1, `score` the model's output. */
export const RunPredictionSchema = z.object({ asset: z.string(), t: z.number(), label: z.number(), score: z.number() });

/**
 * failures.json of a classifier run: each scored asset's failure time (null: no failure), or its failure times
 * when it failed more than once (one per life), on the run's time axis.
 */
export const FAILURES_FILE = 'failures.json';
export const RunFailuresSchema = z.object({
  timeKind: z.enum(['timestamp', 'cycle']),
  failures: z.record(z.string(), z.union([z.number(), z.array(z.number())]).nullable()),
});
export type RunFailures = z.infer<typeof RunFailuresSchema>;

/**
 * A run in full for the run view: its record, loss curves, permutation importance and every scored window
 * (enough to plot predicted vs true and to recompute alarm metrics live while a threshold slider moves).
 */
export const RunDetailSchema = z.object({
  summary: RunSummarySchema,
  /** run.json (src/shared/run-artifact.ts); null for a failed or cancelled run, which has no folder. */
  artifact: z.record(z.string(), z.unknown()).nullable(),
  history: z.array(z.object({ epoch: z.number(), loss: z.number(), valLoss: z.number() })),
  importance: z.array(z.object({ signal: z.string(), increase: z.number() })),
  predictions: z.array(RunPredictionSchema),
  /** Classifier runs trained since failures.json was written; null for RUL runs and older runs. */
  failures: RunFailuresSchema.nullable(),
});
export type RunDetail = z.infer<typeof RunDetailSchema>;

export const RunEvaluationSchema = z.object({
  run: z.string(),
  backend: z.string(),
  metrics: z.record(z.string(), z.number()),
  recorded: z.record(z.string(), z.number()),
  matchesRecord: z.boolean(),
  /**
   * The data scored: the run's own evaluation (or validation) assets, or a saved snapshot chosen by id;
   * `seenInTraining` lists scored assets the run trained or validated on.
   */
  dataset: z
    .object({
      source: z.enum(['run', 'snapshot']),
      id: z.string(),
      contentHash: z.string(),
      assets: z.array(z.string()),
      seenInTraining: z.array(z.string()),
    })
    .optional(),
  scoredWindows: z.number(),
  windowsPerSecond: z.number(),
  explanations: z.array(
    z.object({
      asset: z.string(),
      t: z.number(),
      label: z.number(),
      score: z.number(),
      drivers: z.array(z.object({ signal: z.string(), effect: z.number() })),
    }),
  ),
});
export type RunEvaluation = z.infer<typeof RunEvaluationSchema>;
