import { z } from 'zod';
import { NormalisationSchema, RunSignalSchema, type RunArtifact } from '../../../shared/run-artifact.js';
import { canonicalJson } from './canonical-json.js';
import { STAGES, type Decision, type StageEvent } from './governance.js';
import { sha256 } from './hash.js';
import type { RunSource } from './run-source.js';

/** manifest.json of a model package: see docs/registry-format.md (formatVersion 1). */
export const MANIFEST_FORMAT_VERSION = 1;

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
    window: z.object({ length: z.number().int(), stride: z.number().int(), timeKind: z.enum(['timestamp', 'cycle']) }),
    normalisation: NormalisationSchema,
  }),
  outputs: z.array(z.object({ name: z.string(), unit: z.string().nullable(), description: z.string() })),
  thresholds: z.record(z.string(), z.number()),
  evaluation: z.object({ metrics: z.record(z.string(), z.number()), dataset: DatasetRefSchema.nullable() }),
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
  files: z.array(z.object({ name: z.string(), role: z.enum(['run', 'model', 'weights', 'extra']), bytes: z.number().int().nonnegative() })),
});
export type ManifestCore = z.infer<typeof ManifestCoreSchema>;

/** The governance part: replayed from the audit log and rewritten whenever it changes. */
export const ManifestGovernanceSchema = z.object({
  stage: z.enum(STAGES),
  approvals: z.array(z.object({ decision: z.enum(['approved', 'rejected']), by: z.string(), at: z.string(), reason: z.string() })),
  stageHistory: z.array(
    z.object({
      seq: z.number().int(),
      action: z.string(),
      stage: z.enum(STAGES),
      by: z.string(),
      at: z.string(),
      reason: z.string().nullable(),
    }),
  ),
});
export type ManifestGovernance = z.infer<typeof ManifestGovernanceSchema>;

export const ManifestSchema = ManifestCoreSchema.extend(ManifestGovernanceSchema.shape);
export type Manifest = z.infer<typeof ManifestSchema>;

export const buildManifestCore = (
  source: RunSource,
  input: { readonly name: string; readonly version: number; readonly createdBy: string; readonly createdAt: string },
): ManifestCore => {
  const run: RunArtifact = source.run;
  return {
    formatVersion: MANIFEST_FORMAT_VERSION,
    name: input.name,
    version: input.version,
    task: run.task,
    modelType: run.modelType,
    createdAt: input.createdAt,
    createdBy: input.createdBy,
    model: {
      format: source.modelFormat,
      modelFile: source.modelFormat === 'tfjs-layers' ? 'model.json' : null,
      weightFiles: source.files.filter((f) => f.role === 'weights').map((f) => f.name),
    },
    dataContract: { signals: run.signals, features: run.features, window: run.window, normalisation: run.normalisation },
    outputs: run.outputs,
    thresholds: run.thresholds,
    evaluation: { metrics: run.metrics, dataset: run.evaluationDataset },
    lineage: {
      runId: run.runId,
      trainedBy: run.createdBy,
      trainedAt: run.createdAt,
      dataset: run.dataset,
      config: run.config,
      seed: run.seed,
      backend: run.backend,
      appVersion: run.appVersion,
      durationS: run.durationS,
    },
    files: source.files.map((f) => ({ name: f.name, role: f.role, bytes: f.bytes })),
  };
};

export const manifestCoreHash = (core: ManifestCore): string => sha256(canonicalJson(core));

export const governanceOf = (decisions: readonly Decision[], history: readonly StageEvent[], stage: ManifestGovernance['stage']): ManifestGovernance => ({
  stage,
  approvals: decisions.map((d) => ({ ...d })),
  stageHistory: history.map((h) => ({ ...h })),
});

export const splitManifest = (manifest: Manifest): { core: ManifestCore; governance: ManifestGovernance } => {
  const { stage, approvals, stageHistory, ...core } = manifest;
  return { core, governance: { stage, approvals, stageHistory } };
};

export const serializeManifest = (core: ManifestCore, governance: ManifestGovernance): string =>
  `${JSON.stringify({ ...core, ...governance }, null, 2)}\n`;
