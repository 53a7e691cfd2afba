import { alarmRuleOfConfig, type AlarmRule } from '../../../shared/alarm-rule.js';
import { metricsOnOf, type RunArtifact } from '../../../shared/run-artifact.js';
import {
  MANIFEST_FORMAT_VERSION,
  ManifestCoreSchema,
  ManifestGovernanceSchema,
  ManifestSchema,
  type Manifest,
  type ManifestCore,
  type ManifestAlarmRule,
  type ManifestGovernance,
} from '../../../shared/registry-manifest.js';
export { MANIFEST_FORMAT_VERSION, ManifestCoreSchema, ManifestGovernanceSchema, ManifestSchema };
export type { Manifest, ManifestCore, ManifestGovernance };
import { canonicalJson } from './canonical-json.js';
import type { Decision, StageEvent } from './governance.js';
import { sha256 } from './hash.js';
import type { RunSource } from './run-source.js';

const thresholdMethod = (rule: AlarmRule): string => {
  switch (rule.threshold) {
    case 'robust':
      return `robust threshold (median + ${rule.robustZ} robust sd of the log scores)`;
    case 'tail-fit':
      return `generalised Pareto tail fit at risk ${rule.tailRisk}`;
    case 'quantile':
      return 'empirical quantile';
  }
};

/**
 * The alarm rule an anomaly run was evaluated with, and the level it alarms at: the level a person saved for the
 * run (their name and reason) or else the run's own threshold (the trainer's, with how the rule computed it).
 * Null for tasks without an alarm rule, or a run that recorded no threshold.
 */
export const manifestAlarmRuleOf = (source: Pick<RunSource, 'run' | 'alarmThreshold'>): ManifestAlarmRule | null => {
  const { run, alarmThreshold: saved } = source;
  if (run.task !== 'anomaly') return null;
  // Runs recorded before alarm rules existed get the legacy rule they were evaluated with (alarm-rule.ts).
  const rule = alarmRuleOfConfig(run.config);
  const output = saved?.output ?? run.outputs[0]?.name ?? 'score';
  if (saved !== null) {
    return {
      output,
      threshold: saved.value,
      thresholdSource: 'saved',
      rule,
      by: saved.by,
      reason: saved.reason,
      at: saved.at,
    };
  }
  const threshold = run.thresholds['score'];
  if (threshold === undefined || !Number.isFinite(threshold)) return null;
  return {
    output,
    threshold,
    thresholdSource: 'run',
    rule,
    by: run.createdBy,
    reason: `set by training: ${thresholdMethod(rule)} of the validation normal windows' scores`,
    at: run.createdAt,
  };
};

export const buildManifestCore = (
  source: RunSource,
  input: { readonly name: string; readonly version: number; readonly createdBy: string; readonly createdAt: string },
): ManifestCore => {
  const run: RunArtifact = source.run;
  const alarmRule = manifestAlarmRuleOf(source);
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
    dataContract: {
      signals: run.signals,
      features: run.features,
      ...(run.inputs === undefined ? {} : { inputs: run.inputs }),
      window: run.window,
      normalisation: run.normalisation,
    },
    outputs: run.outputs,
    thresholds: run.thresholds,
    ...(source.alarmThreshold === null ? {} : { alarmThreshold: source.alarmThreshold }),
    ...(alarmRule === null ? {} : { alarmRule }),
    evaluation: { metrics: run.metrics, dataset: run.evaluationDataset, figuresOn: metricsOnOf(run).label },
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

export const governanceOf = (
  decisions: readonly Decision[],
  history: readonly StageEvent[],
  stage: ManifestGovernance['stage'],
  checkpoint: ManifestGovernance['checkpoint'] | null = null,
): ManifestGovernance => ({
  stage,
  approvals: decisions.map((d) => ({ ...d })),
  stageHistory: history.map((h) => ({ ...h })),
  ...(checkpoint === null || checkpoint === undefined ? {} : { checkpoint: { ...checkpoint } }),
});

/** The governance part a version's manifest must carry, replayed from the audit log. */
export const governanceOfVersion = (v: {
  readonly decisions: readonly Decision[];
  readonly history: readonly StageEvent[];
  readonly stage: ManifestGovernance['stage'];
  readonly checkpoint: ManifestGovernance['checkpoint'] | null;
}): ManifestGovernance => governanceOf(v.decisions, v.history, v.stage, v.checkpoint);

export const splitManifest = (manifest: Manifest): { core: ManifestCore; governance: ManifestGovernance } => {
  const { stage, approvals, stageHistory, checkpoint, ...core } = manifest;
  return {
    core,
    governance: { stage, approvals, stageHistory, ...(checkpoint === undefined ? {} : { checkpoint }) },
  };
};

export const serializeManifest = (core: ManifestCore, governance: ManifestGovernance): string =>
  `${JSON.stringify({ ...core, ...governance }, null, 2)}\n`;
