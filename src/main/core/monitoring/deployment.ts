import { AlertRuleSchema, type Deployment, type SignalMapping, type SignalRef } from '../../../shared/monitoring.js';
import type { Manifest } from '../../../shared/registry-manifest.js';
import { manifestCoreHash, splitManifest } from '../registry/manifest.js';
import type { Registry } from '../registry/registry-types.js';
import { ruleOfAlarmRule } from './rule-defaults.js';
import type { Connection } from '../workspace/database.js';
import {
  changeDeployment,
  createDeployment,
  getDeployment,
  type DeploymentInput,
} from '../workspace/monitoring-store.js';

/**
 * Deployments against a registry: the signal mapping proposed from names, the version a deployment follows,
 * and the rule that a changed production version is only shown (pending) until a person confirms the switch.
 */

/** Tag names compared without case, spaces, dashes, underscores or dots: "Discharge_Pressure" is "dischargepressure". */
const loose = (tag: string): string => tag.toLowerCase().replace(/[\s_.-]+/g, '');

/**
 * For each asset, each contract tag mapped to the asset's workspace signal of the same tag (exactly, else
 * loosely); null where none matches, for the user to map by hand (a model trained on P-101 applied to P-105
 * whose historian names differ). Two loose matches are ambiguous and stay unmapped.
 */
export const proposeMapping = (
  contractTags: readonly string[],
  assets: readonly string[],
  catalogue: readonly SignalRef[],
): SignalMapping =>
  Object.fromEntries(
    assets.map((asset) => {
      const own = catalogue.filter((s) => s.asset === asset);
      return [
        asset,
        Object.fromEntries(
          contractTags.map((tag) => {
            const exact = own.find((s) => s.tag === tag);
            if (exact !== undefined) return [tag, { asset, tag: exact.tag }];
            const close = own.filter((s) => loose(s.tag) === loose(tag));
            return [tag, close.length === 1 ? { asset, tag: close[0]!.tag } : null];
          }),
        ),
      ];
    }),
  );

/** What identifies a package: the hash of its manifest core, which the registry's publish entry binds to every file's hash. */
export const packageHashOf = (manifest: Manifest): string => manifestCoreHash(splitManifest(manifest).core);

/** The version a deployment's model reference points to now (the stage's current version, or the pinned one). */
export const resolveVersion = async (
  registry: Pick<Registry, 'show' | 'list'>,
  model: Deployment['model'],
): Promise<{ readonly version: number; readonly manifest: Manifest; readonly packageHash: string }> => {
  if (model.pinnedVersion !== null) {
    const detail = await registry.show(model.name, model.pinnedVersion);
    return { version: detail.version, manifest: detail.manifest, packageHash: packageHashOf(detail.manifest) };
  }
  if (model.stage === 'production') {
    const detail = await registry.show(model.name, 'production');
    return { version: detail.version, manifest: detail.manifest, packageHash: packageHashOf(detail.manifest) };
  }
  // 'approved': the newest approved version.
  const list = await registry.list();
  const versions = list.find((m) => m.name === model.name)?.versions ?? [];
  const approved = versions.filter((v) => v.stage === 'approved').map((v) => v.version);
  if (approved.length === 0) throw new Error(`model ${model.name} has no approved version`);
  const detail = await registry.show(model.name, Math.max(...approved));
  return { version: detail.version, manifest: detail.manifest, packageHash: packageHashOf(detail.manifest) };
};

/** Create a deployment on the version its reference points to now: creating it is the first confirmation. */
export const deployFromRegistry = async (
  db: Connection,
  registry: Pick<Registry, 'show' | 'list'>,
  input: Omit<DeploymentInput, 'currentVersion' | 'packageHash' | 'pendingVersion' | 'mapping'> & {
    readonly mapping?: SignalMapping;
    readonly catalogue: readonly SignalRef[];
  },
  by: { readonly actor: string; readonly at: string },
): Promise<Deployment> => {
  const resolved = await resolveVersion(registry, input.model);
  const { catalogue, mapping, ...rest } = input;
  const proposed = proposeMapping(
    resolved.manifest.dataContract.signals.map((s) => s.tag),
    input.assets,
    catalogue,
  );
  // A mapping given by the user wins, tag by tag, over the proposal.
  const merged: SignalMapping = Object.fromEntries(
    input.assets.map((asset) => [asset, { ...proposed[asset], ...(mapping?.[asset] ?? {}) }]),
  );
  // No rule given: the package's alarm rule (level and k-of-n persistence) when it carries one; in packages from
  // before it, the alarm threshold saved for the run (if any), alarming above it.
  const saved = resolved.manifest.alarmThreshold;
  const carried = resolved.manifest.alarmRule;
  const rule =
    rest.rule ??
    (carried !== undefined
      ? AlertRuleSchema.parse(ruleOfAlarmRule(carried).rule)
      : saved === undefined
        ? null
        : AlertRuleSchema.parse({ output: saved.output, direction: 'above', setLevel: saved.value }));
  return createDeployment(
    db,
    {
      ...rest,
      rule,
      mapping: merged,
      currentVersion: resolved.version,
      packageHash: resolved.packageHash,
      pendingVersion: null,
    },
    by,
  );
};

/**
 * Look at the registry: when the followed stage now points to another version (a promotion or a rollback), the
 * deployment shows it as pending, and keeps scoring with its current version until confirmVersion.
 */
export const checkForNewVersion = async (
  db: Connection,
  registry: Pick<Registry, 'show' | 'list'>,
  deploymentId: string,
  by: { readonly actor: string; readonly at: string },
): Promise<Deployment> => {
  const deployment = await getDeployment(db, deploymentId);
  if (deployment === null) throw new Error(`no deployment "${deploymentId}" in this workspace`);
  if (deployment.model.pinnedVersion !== null) return deployment;
  const { version } = await resolveVersion(registry, deployment.model);
  const pending = version === deployment.currentVersion ? null : version;
  if (pending === deployment.pendingVersion) return deployment;
  return changeDeployment(db, deploymentId, { kind: 'production-changed', version }, by);
};

/** The user confirms the pending version: from now on, scores are made (and recorded) with it. */
export const confirmVersion = async (
  db: Connection,
  registry: Pick<Registry, 'show'>,
  deploymentId: string,
  by: { readonly actor: string; readonly at: string },
): Promise<Deployment> => {
  const deployment = await getDeployment(db, deploymentId);
  if (deployment === null) throw new Error(`no deployment "${deploymentId}" in this workspace`);
  if (deployment.pendingVersion === null) {
    throw new Error(`deployment ${deploymentId} has no new version waiting for confirmation`);
  }
  const detail = await registry.show(deployment.model.name, deployment.pendingVersion);
  return changeDeployment(
    db,
    deploymentId,
    { kind: 'switch-version', version: detail.version, packageHash: packageHashOf(detail.manifest) },
    by,
  );
};
