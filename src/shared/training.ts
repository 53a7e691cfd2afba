import { z } from 'zod';
import { RunScopeSchema } from './run-scope.js';
import { TrainEngineSchema } from './training-engine.js';
import { SavedAlarmThresholdSchema } from './run-artifact.js';
import { AlarmRuleFieldsSchema } from './alarm-rule.js';
import { MAX_BASELINE_STEPS, MAX_SMOOTHING_RATES } from './model-inputs.js';

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
 * A label column of the data file: a signal whose values are labels, not measurements (0/1, or a state code).
 * It is read on the same grid as the signals (a state holds until the next reading) and is never a model input.
 * Rows whose code is in `normal` are normal; rows whose code is in `abnormal` (default: every other code) are
 * abnormal; any other code, and rows without a value, are not labelled (not trained on, not scored).
 */
export const LabelColumnSchema = z.object({
  tag: z.string().min(1),
  normal: z.array(z.number()).min(1).default([0]),
  abnormal: z.array(z.number()).min(1).optional(),
});
export type LabelColumn = z.infer<typeof LabelColumnSchema>;

/**
 * Anomaly detection: the model learns what normal looks like from the normal windows of the training part;
 * evaluation counts the abnormal ones as positives. Which rows are normal is the labelling `rule`
 * (anomalyRule reads it; describeLabels in src/shared/label-rule.ts says it in words, in the dialog and the run
 * record):
 * - 'first-normal': the first `normalRows` rows, or the first `normalSpan` time units, of each asset are normal
 *   (default: its first 20% of rows) and every later row is abnormal, so every later row is scored. For labelled
 *   runs that start normal and then carry a fault.
 * - 'lives': normal within the first `normalSpan` (or `normalRows`) of each life (install or repair to failure,
 *   outside anomaly events), abnormal within `abnormalWithin` of a failure or inside an anomaly event, unlabelled
 *   between. A failure is a failure event; with `failureAt: "event-or-end"` an asset without one is taken to fail at
 *   its last reading (run-to-failure data such as C-MAPSS), which the run record lists by asset.
 * - 'column': the label column `column` (see LabelColumnSchema).
 * Without `rule`: 'column' when a column is named, 'lives' when `abnormalWithin` is given, else 'first-normal'.
 */
const AnomalyLabelSchema = z
  .object({
    kind: z.literal('anomaly'),
    rule: z.enum(['first-normal', 'lives', 'column']).optional(),
    normalRows: z.number().int().positive().optional(),
    normalSpan: z.number().positive().optional(),
    abnormalWithin: z.number().positive().optional(),
    column: LabelColumnSchema.optional(),
    failureAt: z.enum(['event', 'event-or-end']).default('event'),
    /** Threshold = this quantile of the anomaly score on validation windows of normal operation. */
    thresholdQuantile: z.number().gt(0.5).lt(1).default(0.99),
  })
  .refine((l) => l.normalRows === undefined || l.normalSpan === undefined, {
    message: 'give at most one of "normalRows" or "normalSpan"',
  })
  .refine((l) => anomalyRuleOf(l) !== 'lives' || l.abnormalWithin !== undefined, {
    message: 'the "lives" rule needs "abnormalWithin" (time before a failure that is abnormal)',
    path: ['abnormalWithin'],
  })
  .refine((l) => anomalyRuleOf(l) !== 'lives' || l.normalRows !== undefined || l.normalSpan !== undefined, {
    message: 'the "lives" rule needs "normalSpan" or "normalRows" (the normal start of each life)',
    path: ['normalSpan'],
  })
  .refine((l) => anomalyRuleOf(l) !== 'column' || l.column !== undefined, {
    message: 'the "column" rule needs "column": {"tag": ..., "normal": [codes]}',
    path: ['column'],
  });

/** The labelling rule of an anomaly label, explicit or implied by its fields (see AnomalyLabelSchema). */
export const anomalyRuleOf = (label: {
  readonly rule?: 'first-normal' | 'lives' | 'column' | undefined;
  readonly column?: unknown;
  readonly abnormalWithin?: number | undefined;
}): 'first-normal' | 'lives' | 'column' =>
  label.rule ?? (label.column !== undefined ? 'column' : label.abnormalWithin !== undefined ? 'lives' : 'first-normal');

/** 'first-normal' without normalRows or normalSpan: this fraction of each asset's rows is its normal start. */
export const DEFAULT_NORMAL_FRACTION = 0.2;

export const LabelSchema = z.discriminatedUnion('kind', [RulLabelSchema, HorizonLabelSchema, AnomalyLabelSchema]);
export type LabelConfig = z.infer<typeof LabelSchema>;

/**
 * How the data is split into training, validation and evaluation.
 * - `assets` (the default): whole assets on each side; validation assets are drawn from `assets` by seed, evaluation
 *   assets come from the `evaluation` block.
 * - `time`: every selected asset is cut in time. Its first part trains (the last `validationFraction` of that part
 *   validates, also by time), the rest is the evaluation part, scored after training. The cut is `trainUntil` (a
 *   moment on the data's axis, µs or cycles) or `trainFraction` of each asset's own time span. One asset is enough.
 *   No window spans a cut: each part is windowed on its own, so a window that ends in the evaluation part reads only
 *   evaluation-part readings (the first `window.length - 1` steps after a cut end no window). Labels are made on
 *   the whole record first (a failure after the cut still sets RUL before it).
 */
export const SplitSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('assets') }),
  z
    .object({
      kind: z.literal('time'),
      trainFraction: z.number().gt(0).lt(1).optional(),
      trainUntil: z.number().optional(),
    })
    .refine(
      (s) => (s.trainFraction === undefined) !== (s.trainUntil === undefined),
      'give exactly one of "trainFraction" or "trainUntil"',
    ),
]);
export type SplitConfig = z.infer<typeof SplitSchema>;

export const DatasetConfigSchema = z.object({
  /** Training (and validation) assets; with a split by time, also the evaluation assets (their later part). */
  assets: AssetSelectionSchema,
  /** By asset (absent: the default) or by time within each asset (see SplitSchema). */
  split: SplitSchema.optional(),
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
  /**
   * Causal exponential smoothing of each signal before windowing (so it applies unchanged at scoring time): one
   * weight of the newest reading, or several, each giving the model one input per signal (a fast rate follows the
   * signal, a slow one its level since the life began; see model-inputs.ts).
   */
  smoothing: z
    .union([z.number().gt(0).max(1), z.array(z.number().gt(0).max(1)).min(1).max(MAX_SMOOTHING_RATES)])
    .nullable()
    .default(null),
  /**
   * One more model input: the asset's age in its current life (time since its first reading in the dataset, or
   * since the repair after its latest failure), the covariate reliability engineers' life models start from.
   */
  age: z.boolean().default(false),
  /**
   * One more model input per signal: its change from its own baseline in the current life, the slowest-smoothed
   * value minus the mean of the first `baseline` grid steps of the life (a running mean until they have passed).
   * Lives start as for the age. null: no such inputs.
   */
  baseline: z.number().int().min(1).max(MAX_BASELINE_STEPS).nullable().default(null),
  normalisation: z.enum(['z-score', 'min-max', 'none']).default('z-score'),
  label: LabelSchema,
  /**
   * Held out for early stopping and threshold choice: this fraction of the training assets (split by asset), or the
   * last fraction of each asset's training part (split by time).
   */
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
  /** 1D convolution over time; trains on wasm too (forward-only convolutions, conv1d-grad.ts; saved as a plain Conv1D). */
  z.object({
    type: z.literal('cnn1d'),
    filters: z.array(z.number().int().min(1)).min(1).default([16, 16]),
    kernelSize: z.number().int().min(1).default(5),
    dense: z.array(z.number().int().min(1)).default([32]),
  }),
  /** Dense autoencoder for anomaly detection; the score is the mean squared reconstruction error. */
  z.object({ type: z.literal('autoencoder'), units: z.array(z.number().int().min(1)).min(1).default([64, 16]) }),
  /**
   * PCA Hotelling T-squared and Q (squared prediction error), computed in plain TypeScript. `statistic`: the score
   * is max(T2 / limit, Q / limit) (default), or Q alone, for plants whose normal but rare operating points (a pump
   * standing still) give large T2 and hide faults behind its limit: better on the simulator set (bench/anomaly.ts),
   * worse on C-MAPSS, where degradation moves along the retained components.
   */
  z.object({
    type: z.literal('pca'),
    varianceKept: z.number().gt(0).max(1).default(0.9),
    statistic: z.enum(['t2-q', 'q']).default('t2-q'),
  }),
]);
export type ModelConfig = z.infer<typeof ModelConfigSchema>;

export const TrainingConfigSchema = z.object({
  epochs: z.number().int().min(1).max(10_000).default(60),
  /**
   * Train for this many optimiser steps instead (epochs = steps / batches per epoch, rounded up), so small and
   * large datasets get the same amount of training. Unset: `epochs`, except for an anomaly autoencoder, which
   * trains for ANOMALY_STEPS (the run records the value used).
   */
  steps: z.number().int().min(1).max(1_000_000).optional(),
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

/** Backend override; 'webgpu' and 'webgl' exist only in the renderer engine (engine "renderer" or "auto"). */
export const BackendPreferenceSchema = z.enum([
  'auto',
  'tensorflow-gpu',
  'tensorflow',
  'wasm',
  'cpu',
  'webgpu',
  'webgl',
]);
export type BackendPreference = z.infer<typeof BackendPreferenceSchema>;

export const TrainConfigSchema = z.object({
  name: z.string().min(1).max(200).default('run'),
  dataset: DatasetConfigSchema,
  evaluation: EvaluationConfigSchema.optional(),
  model: ModelConfigSchema,
  training: TrainingConfigSchema.default(TrainingConfigSchema.parse({})),
  backend: BackendPreferenceSchema.default('auto'),
  /** Where the run trains (src/shared/training-engine.ts); absent: the Node worker, as before it existed. */
  engine: TrainEngineSchema.optional(),
  /**
   * Anomaly runs: how scores become alarms (src/shared/alarm-rule.ts); unset: the model type's default
   * (defaultAlarmRule), recorded with the run. Without an outer default, so "unset" survives parsing.
   */
  alarm: AlarmRuleFieldsSchema.optional(),
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
  /** What the figures were computed on (run.json `scope`); null for runs that did not record it or have no folder. */
  scope: RunScopeSchema.nullable().optional(),
});
export type RunSummary = z.infer<typeof RunSummarySchema>;

/** What a finished 'training' job reports (JobState.training). */
export const TrainingJobResultSchema = z.object({
  run: z.string(),
  backend: z.string(),
  metrics: z.record(z.string(), z.number()),
  /** What the metrics were computed on: "held-out evaluation" or "validation (used for tuning)". */
  metricsOn: z.string().optional(),
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
  /** The alarm threshold saved for this run (saveRunAlarmThreshold); null: none saved, the trained one applies. */
  alarmThreshold: SavedAlarmThresholdSchema.nullable().optional(),
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
      /** For `run`: "held-out evaluation", or "validation (used for tuning)" when the run had no evaluation set. */
      label: z.string().optional(),
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
