import { z } from 'zod';
import { RunScopeSchema } from './run-scope.js';
import { RunEngineSchema } from './training-engine.js';

/**
 * What a finished training run leaves in `<workspace>/artifacts/runs/<runId>/`:
 *   run.json      this record (validated by RunArtifactSchema)
 *   model.json    TF.js layers model topology + weightsManifest (absent for non-TF models such as PCA)
 *   weights.bin   TF.js weights (the file names listed in model.json's weightsManifest)
 *   extra files   listed in `files` (e.g. pca.json, predictions.csv)
 * The registry packages a run from these files alone, so it never needs DuckDB or TensorFlow.js.
 * Written aside and renamed into place, so a run folder with run.json is always complete.
 */
export const RunSignalSchema = z.object({
  asset: z.string().nullable(),
  tag: z.string(),
  unit: z.string().nullable(),
  samplePeriod: z.number().nullable(),
  validMin: z.number().nullable(),
  validMax: z.number().nullable(),
  missingPolicy: z.enum(['reject', 'forward-fill', 'interpolate', 'zero']),
  /**
   * The rest of the gap policy (absent in runs trained before it was recorded): NULL, non-finite and bad-quality
   * readings are missing; forward-fill reaches at most `fillLimit` past the last good reading (null: no limit);
   * a window with more than `maxMissing` of its values not real is not scored; `windowsEnd: "reading"` scores
   * only windows that end on a real reading.
   */
  badQuality: z.literal('missing').optional(),
  fillLimit: z.number().nullable().optional(),
  maxMissing: z.number().optional(),
  windowsEnd: z.enum(['reading', 'any']).optional(),
});

/** What the gap policy did to a run's data (absent in runs trained before it was recorded). */
export const GapFiguresSchema = z.object({
  /** Grid values without a good reading, of all grid values; how many of them were forward-filled. */
  missingValues: z.number().int(),
  values: z.number().int(),
  filledValues: z.number().int(),
  /** Labelled windows, and those dropped for missing data or for ending on a forward-filled slot. */
  windows: z.number().int(),
  droppedMissing: z.number().int(),
  droppedSyntheticEnd: z.number().int(),
});

export const NormalisationSchema = z.object({
  method: z.enum(['z-score', 'min-max', 'none']),
  /** Per model input, in the order of the run's `inputs` (its `features` when it has no `inputs`). */
  center: z.array(z.number()),
  scale: z.array(z.number()),
});

/**
 * What a run's headline figures were computed on. Without an evaluation block they come from the validation assets,
 * which also chose the epoch (early stopping) and the alarm threshold: they flatter the model, and say so by name.
 */
export const METRICS_ON_LABELS = {
  evaluation: 'held-out evaluation',
  validation: 'validation (used for tuning)',
} as const;
export const MetricsOnSchema = z.object({
  kind: z.enum(['evaluation', 'validation']),
  label: z.enum([METRICS_ON_LABELS.evaluation, METRICS_ON_LABELS.validation]),
  assets: z.array(z.string()),
});
export type MetricsOn = z.infer<typeof MetricsOnSchema>;

export const RunArtifactSchema = z.object({
  formatVersion: z.literal(1),
  runId: z.string(),
  task: z.enum(['rul', 'anomaly', 'failure-horizon']),
  modelType: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  appVersion: z.string(),
  backend: z.string(),
  seed: z.number().int(),
  durationS: z.number(),
  dataset: z.object({ id: z.string(), contentHash: z.string(), description: z.string() }),
  config: z.record(z.string(), z.unknown()),
  signals: z.array(RunSignalSchema),
  features: z.array(z.string()),
  /**
   * The model's inputs when they are not `features` one to one (several smoothing rates, the age in life: see
   * model-inputs.ts); absent: the model reads `features`.
   */
  inputs: z.array(z.string()).optional(),
  window: z.object({ length: z.number().int(), stride: z.number().int(), timeKind: z.enum(['timestamp', 'cycle']) }),
  normalisation: NormalisationSchema,
  outputs: z.array(z.object({ name: z.string(), unit: z.string().nullable(), description: z.string() })),
  thresholds: z.record(z.string(), z.number()),
  metrics: z.record(z.string(), z.number()),
  evaluationDataset: z.object({ id: z.string(), contentHash: z.string(), description: z.string() }).nullable(),
  /**
   * How the rows were labelled (absent in runs trained before it was recorded): the rule, in words, and the assets
   * that `failureAt: "event-or-end"` took to fail at their last reading (no failure event).
   */
  labels: z
    .object({
      rule: z.enum(['lives', 'first-normal', 'column']),
      description: z.string(),
      endFailures: z.array(z.string()),
    })
    .optional(),
  /** What the headline figures were computed on (absent in runs trained before it was recorded). */
  scope: RunScopeSchema.optional(),
  /** What `metrics` were computed on (absent in runs from before it was recorded: see metricsOnOf). */
  metricsOn: MetricsOnSchema.optional(),
  /** Gap-policy figures per part of the data (training and validation; evaluation when there is one). */
  gaps: z.object({ training: GapFiguresSchema, evaluation: GapFiguresSchema.nullable() }).optional(),
  files: z.array(z.string()),
  /** Where the run trained, on which backend and adapter, and why (absent in runs trained before it was recorded). */
  engine: RunEngineSchema.optional(),
});
export type RunArtifact = z.infer<typeof RunArtifactSchema>;

/** What a run's figures were computed on; older runs say it only through `evaluationDataset` (null: validation). */
export const metricsOnOf = (artifact: Pick<RunArtifact, 'metricsOn' | 'evaluationDataset'>): MetricsOn => {
  if (artifact.metricsOn !== undefined) return artifact.metricsOn;
  const kind = artifact.evaluationDataset === null ? 'validation' : 'evaluation';
  return { kind, label: METRICS_ON_LABELS[kind], assets: [] };
};

/**
 * The alarm threshold a person chose for a run (with the threshold slider), kept beside run.json in the run folder
 * (run.json is signed by the trainer and never rewritten). It travels into the package manifest on publish and is
 * the default alert rule level of a deployment of that package.
 */
export const ALARM_THRESHOLD_FILE = 'alarm-threshold.json';
export const SavedAlarmThresholdSchema = z.object({
  /** Alarm when the output is above this value. */
  value: z.number().finite(),
  /** The output it applies to (the run's first output: `score`, or the failure probability). */
  output: z.string().min(1),
  by: z.string().min(1),
  reason: z.string().min(1).max(2000),
  at: z.string(),
});
export type SavedAlarmThreshold = z.infer<typeof SavedAlarmThresholdSchema>;

export const RUN_ARTIFACT_FILE = 'run.json';
export const runArtifactDir = (workspaceArtifactsDir: string, runId: string): string =>
  `${workspaceArtifactsDir}/runs/${runId}`;
