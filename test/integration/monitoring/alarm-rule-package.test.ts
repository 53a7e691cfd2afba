import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployFromRegistry } from '../../../src/main/core/monitoring/deployment.js';
import { ruleDefaultsOf } from '../../../src/main/core/monitoring/rule-defaults.js';
import { FolderStore } from '../../../src/main/core/registry/folder-store.js';
import { openRegistry } from '../../../src/main/core/registry/open-registry.js';
import { ManifestSchema } from '../../../src/shared/registry-manifest.js';
import type { RunArtifact } from '../../../src/shared/run-artifact.js';
import { Workspace } from '../../../src/main/core/workspace/workspace.js';
import { tempDir, writeRun } from '../registry/helpers.js';

/**
 * The anomaly alarm rule (src/shared/alarm-rule.ts) travels from the run into the package's manifest and becomes
 * a new deployment's default alert rule. Real registry folders, real workspaces (DuckDB).
 */

const anomalyRun = (alarm: Record<string, unknown> | undefined): Partial<RunArtifact> => ({
  task: 'anomaly',
  modelType: 'autoencoder',
  createdBy: 'alice',
  createdAt: '2026-10-30T10:00:00.000Z',
  config: { model: { type: 'autoencoder' }, ...(alarm === undefined ? {} : { alarm }) },
  outputs: [{ name: 'score', unit: null, description: 'reconstruction error' }],
  // A squared reconstruction error: far below 1, kept exactly (a 4-digit rounding would move it).
  thresholds: { score: 0.001234567 },
  metrics: { val_f1: 0.8 },
});

const RULE = {
  smoothing: 0.3,
  persistence: { k: 4, n: 6 },
  threshold: 'tail-fit',
  robustZ: 1.75,
  tailRisk: 0.02,
};

const deployInput = (registry: string, model: string, assets: readonly string[]) => ({
  name: `watch ${model}`,
  registry,
  model: { name: model, stage: 'production' as const, pinnedVersion: null },
  role: 'champion' as const,
  championId: null,
  assets: [...assets],
  catalogue: assets.flatMap((asset) => [
    { asset, tag: 'sensor_2' },
    { asset, tag: 'sensor_3' },
  ]),
  rule: null,
  limits: {},
});

let root: string;
let ws: Workspace;
const by = { actor: 'maria', at: '2026-11-01T08:00:00.000Z' };

beforeAll(async () => {
  root = await tempDir('pdm-alarm-rule-pkg-');
  ws = await Workspace.open(join(root, 'ws'));
});
afterAll(async () => {
  ws?.close();
  await rm(root, { recursive: true, force: true });
});

describe('publish carries the anomaly alarm rule into the manifest; deploy starts from it', () => {
  let reg: string;
  beforeAll(async () => {
    reg = join(root, 'registry');
    await FolderStore.open(reg, { create: true, config: { allowAs: true, fsync: false } });
    const runs = join(root, 'runs');
    const alice = await openRegistry(reg, { as: 'alice' });
    // v1 of pump-anomaly: the run's own threshold; pump-anomaly-saved: a level a person saved for the run.
    await alice.publish({ runDir: await writeRun(runs, 'run-1', { record: anomalyRun(RULE) }), name: 'pump-anomaly' });
    const saved = await writeRun(runs, 'run-2', { record: anomalyRun(RULE) });
    await writeFile(
      join(saved, 'alarm-threshold.json'),
      JSON.stringify({
        value: 0.002,
        output: 'score',
        by: 'maria',
        reason: 'fewer false alarms on P-103 after review',
        at: '2026-10-31T09:00:00.000Z',
      }),
    );
    await alice.publish({ runDir: saved, name: 'pump-anomaly-saved' });
    const bob = await openRegistry(reg, { as: 'bob' });
    for (const name of ['pump-anomaly', 'pump-anomaly-saved']) {
      await bob.govern('approve', { name, version: 1, reason: 'validated' });
      await bob.govern('promote', { name, version: 1, reason: 'release' });
    }
  });

  it("publish -> the manifest holds the run's rule and level, with who set it and why; the model card shows it", async () => {
    const bob = await openRegistry(reg, { as: 'bob' });
    const own = (await bob.show('pump-anomaly', 1)).manifest;
    expect(own.alarmRule).toEqual({
      output: 'score',
      threshold: 0.001234567,
      thresholdSource: 'run',
      rule: RULE,
      by: 'alice',
      reason: "set by training: generalised Pareto tail fit at risk 0.02 of the validation normal windows' scores",
      at: '2026-10-30T10:00:00.000Z',
    });
    const saved = (await bob.show('pump-anomaly-saved', 1)).manifest;
    expect(saved.alarmRule).toEqual({
      output: 'score',
      threshold: 0.002,
      thresholdSource: 'saved',
      rule: RULE,
      by: 'maria',
      reason: 'fewer false alarms on P-103 after review',
      at: '2026-10-31T09:00:00.000Z',
    });
    // The manifest on disk is what the registry's validation reads back, field for field.
    const onDisk = JSON.parse(await readFile(join(reg, 'models', 'pump-anomaly-saved', '1', 'manifest.json'), 'utf8'));
    expect(ManifestSchema.parse(onDisk).alarmRule).toEqual(saved.alarmRule);
    const card = await readFile(join(reg, 'models', 'pump-anomaly-saved', '1', 'model-card.html'), 'utf8');
    expect(card).toContain('data-alarm-rule');
    expect(card).toContain('score above <strong>0.002000</strong> in 4 of the last 6 windows');
    expect(card).toContain('EWMA smoothing (weight 0.3000)');
    expect(card).toContain('by maria');
    expect(card).toContain('fewer false alarms on P-103 after review');
  });

  it("deploy -> the default alert rule is the package's rule: its level, k of n, and the smoothing it cannot apply said in the basis", async () => {
    const registry = await openRegistry(reg, { as: 'maria' });
    const own = await ws.monitoring((db) =>
      deployFromRegistry(db, registry, deployInput(reg, 'pump-anomaly', ['P-101']), by),
    );
    expect(own.rule).toEqual({
      output: 'score',
      direction: 'above',
      setLevel: 0.001234567,
      k: 4,
      n: 6,
      onDelay: 0,
      offDelay: 0,
      reAlert: null,
    });
    const saved = await ws.monitoring((db) =>
      deployFromRegistry(db, registry, deployInput(reg, 'pump-anomaly-saved', ['P-102']), by),
    );
    expect(saved.rule).toMatchObject({ output: 'score', direction: 'above', setLevel: 0.002, k: 4, n: 6 });
    // The rule the deploy dialog proposes is the same one, and says where it comes from.
    const manifest = (await registry.show('pump-anomaly-saved', 1)).manifest;
    const proposed = ruleDefaultsOf(manifest);
    expect(proposed.rule).toEqual({ output: 'score', direction: 'above', setLevel: 0.002, k: 4, n: 6 });
    expect(proposed.basis).toContain('the alarm threshold maria saved for the run');
    expect(proposed.basis).toContain('4 of 6 windows above it');
    expect(proposed.basis).toContain('EWMA weight 0.3');
  });

  it('a run without smoothing and with the default rule deploys with 3 of 5 and says nothing about smoothing', async () => {
    const runs = join(root, 'runs');
    const alice = await openRegistry(reg, { as: 'alice' });
    const defaultRule = {
      smoothing: null,
      persistence: { k: 3, n: 5 },
      threshold: 'robust',
      robustZ: 1.75,
      tailRisk: 0.05,
    };
    await alice.publish({ runDir: await writeRun(runs, 'run-3', { record: anomalyRun(defaultRule) }), name: 'plain' });
    const manifest = (await alice.show('plain', 1)).manifest;
    expect(manifest.alarmRule?.rule).toEqual(defaultRule);
    const proposed = ruleDefaultsOf(manifest);
    expect(proposed.rule).toMatchObject({ setLevel: 0.001234567, k: 3, n: 5 });
    expect(proposed.basis).not.toContain('EWMA');
  });
});

describe('packages published before the manifest carried the alarm rule', () => {
  // test/fixtures/registry-before-alarm-rule was written by the app at commit 77a1a71 (before this change): two
  // anomaly packages, one with a saved alarm threshold (0.02 by maria), one with only the run's threshold 0.0123,
  // both approved and in production. Copied, since opening a registry may repair and lock it.
  let reg: string;
  beforeAll(async () => {
    reg = join(root, 'old-registry');
    await cp(resolve('test/fixtures/registry-before-alarm-rule'), reg, { recursive: true });
  });

  it('still load (no alarmRule) and deploy with the previous defaults', async () => {
    const registry = await openRegistry(reg, { as: 'maria' });
    const savedManifest = (await registry.show('pump-anomaly-saved', 1)).manifest;
    expect(savedManifest.alarmRule).toBeUndefined();
    expect(savedManifest.alarmThreshold).toMatchObject({ value: 0.02, by: 'maria' });
    // deploy create without a rule: the saved level, alarming above it, every window alone (as before).
    const saved = await ws.monitoring((db) =>
      deployFromRegistry(db, registry, deployInput(reg, 'pump-anomaly-saved', ['P-201']), by),
    );
    expect(saved.rule).toMatchObject({ output: 'score', direction: 'above', setLevel: 0.02, k: 1, n: 1 });
    expect(saved.packageHash).not.toBeNull();
    // Without a saved level: no rule until a person sets one (as before).
    const plain = await ws.monitoring((db) =>
      deployFromRegistry(db, registry, deployInput(reg, 'pump-anomaly', ['P-202']), by),
    );
    expect(plain.rule).toBeNull();
    // The deploy dialog's proposal: the run's threshold, 3 of 5, clear at 90% (as before).
    const manifest = (await registry.show('pump-anomaly', 1)).manifest;
    expect(ruleDefaultsOf(manifest)).toEqual({
      rule: { output: 'score', direction: 'above', setLevel: 0.0123, clearLevel: 0.01107, k: 3, n: 5 },
      basis: "the run's threshold on validation windows (0.0123)",
    });
  });
});
