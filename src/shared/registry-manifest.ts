import { z } from 'zod';
import { AlarmRuleSchema } from './alarm-rule.js';
import { REGISTRY_STAGES } from './registry-stages.js';
import { NormalisationSchema, RunSignalSchema, SavedAlarmThresholdSchema } from './run-artifact.js';

/**
 * manifest.json of a model package (docs/registry-format.md, formatVersion 1): the registry writes and verifies
 * it with this schema, and the views read it with the same one.
 */
export const MANIFEST_FORMAT_VERSION = 1;

const RegistryStageSchema = z.enum(REGISTRY_STAGES);

/**
 * The anomaly alarm rule the run was evaluated with (src/shared/alarm-rule.ts: smoothing, k-of-n persistence, how
 * the threshold was set) and the level it alarms at: the saved alarm threshold when a person saved one (then `by`,
 * `reason` and `at` are theirs), else the threshold the run computed on its validation normal windows (then they
 * are the trainer's). Deployments of the package start from it. Absent in packages published before it existed,
 * and for tasks without an alarm rule (remaining useful life, failure within a horizon).
 */
export const ManifestAlarmRuleSchema = z.object({
  /** The output the level applies to (the run's first output, normally `score`). */
  output: z.string().min(1),
  /** Alarm when the output (after the rule's smoothing and persistence) is above this. */
  threshold: z.number().finite(),
  /** saved: a person saved the level for the run; run: the run's own threshold from its rule. */
  thresholdSource: z.enum(['saved', 'run']),
  rule: AlarmRuleSchema,
  by: z.string().min(1),
  reason: z.string().min(1),
  at: z.string(),
});
export type ManifestAlarmRule = z.infer<typeof ManifestAlarmRuleSchema>;

const DatasetRefSchema = z.object({ id: z.string(), contentHash: z.string(), description: z.string() });

export const ManifestCoreSchema = z.object({
  formatVersion: z.literal(MANIFEST_FORMAT_VERSION),
  name: z.string(),
  version: z.number().int().positive(),
  task: z.enum(['rul', 'anomaly', 'failure-horizon']),
  modelType: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  model: z.object({
    format: z.enum(['tfjs-layers', 'none']),
    modelFile: z.string().nullable(),
    weightFiles: z.array(z.string()),
  }),
  dataContract: z.object({
    signals: z.array(RunSignalSchema),
    features: z.array(z.string()),
    /** The model's inputs derived from `features` (smoothing rates, age in life), when they differ from them. */
    inputs: z.array(z.string()).optional(),
    window: z.object({ length: z.number().int(), stride: z.number().int(), timeKind: z.enum(['timestamp', 'cycle']) }),
    normalisation: NormalisationSchema,
  }),
  outputs: z.array(z.object({ name: z.string(), unit: z.string().nullable(), description: z.string() })),
  thresholds: z.record(z.string(), z.number()),
  /** The alarm threshold saved for the run (who, why, when): deployments default their alert rule to it. */
  alarmThreshold: SavedAlarmThresholdSchema.optional(),
  /** The anomaly alarm rule and its level (see ManifestAlarmRuleSchema); absent in older packages. */
  alarmRule: ManifestAlarmRuleSchema.optional(),
  evaluation: z.object({
    metrics: z.record(z.string(), z.number()),
    dataset: DatasetRefSchema.nullable(),
    /** "held-out evaluation", or "validation (used for tuning)": the assets that also chose epoch and threshold. */
    figuresOn: z.enum(['held-out evaluation', 'validation (used for tuning)']).optional(),
  }),
  lineage: z.object({
    runId: z.string(),
    trainedBy: z.string(),
    trainedAt: z.string(),
    dataset: DatasetRefSchema,
    config: z.record(z.string(), z.unknown()),
    seed: z.number().int(),
    backend: z.string(),
    appVersion: z.string(),
    durationS: z.number(),
  }),
  files: z.array(
    z.object({
      name: z.string(),
      role: z.enum(['run', 'model', 'weights', 'extra']),
      bytes: z.number().int().nonnegative(),
    }),
  ),
});
export type ManifestCore = z.infer<typeof ManifestCoreSchema>;

/** The governance part: replayed from the audit log and rewritten whenever it changes. */
export const ManifestGovernanceSchema = z.object({
  stage: RegistryStageSchema,
  approvals: z.array(
    z.object({ decision: z.enum(['approved', 'rejected']), by: z.string(), at: z.string(), reason: z.string() }),
  ),
  stageHistory: z.array(
    z.object({
      seq: z.number().int(),
      action: z.string(),
      stage: RegistryStageSchema,
      by: z.string(),
      at: z.string(),
      reason: z.string().nullable(),
    }),
  ),
  /**
   * The signed audit checkpoint of the last entry that changed this version (absent while the log is
   * unsigned): evidence, kept outside audit.jsonl, that the log reached at least this entry.
   */
  checkpoint: z
    .object({
      seq: z.number().int().positive(),
      hash: z.string(),
      action: z.string(),
      by: z.string(),
      signer: z.string(),
      key: z.string(),
      sig: z.string(),
    })
    .optional(),
});
export type ManifestGovernance = z.infer<typeof ManifestGovernanceSchema>;

export const ManifestSchema = ManifestCoreSchema.extend(ManifestGovernanceSchema.shape);
export type Manifest = z.infer<typeof ManifestSchema>;
