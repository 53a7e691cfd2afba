import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../../src/main/core/app/app-core.js';
import { DRIFT_REFERENCE_FILE } from '../../../src/main/core/monitoring/drift.js';
import { openRegistry } from '../../../src/main/core/registry/open-registry.js';
import { CMAPSS_FD001_SENSORS } from '../../../src/main/core/runs/cmapss.js';
import { listDriftResults } from '../../../src/main/core/workspace/monitoring-store.js';
import { DriftReferenceSchema, type DriftFinding, type DriftReference } from '../../../src/shared/monitoring.js';
import { apiCaller } from '../../support/api-caller.js';
import { promotedFd001Package } from './promoted-package.js';
import { engines, requireCmapss } from '../ml/helpers.js';
import { tempDir } from '../registry/helpers.js';

/**
 * Issue 10 §5 end to end: training writes drift-reference.json into the run folder, publishing carries it in the
 * package (listed in SHA256SUMS), and scoring the promoted package judges drift per signal. A copy of engine 9
 * with one signal shifted by 1 reference sd is flagged on that signal where the original is not.
 */
let root: string;
let core: AppCore;
let reg: string;
let runFolder: string;
let reference: DriftReference;
const { call, settle } = apiCaller(() => core);
const E9 = engines(9, 9)[0]!;
const SHIFTED = 'E9-shifted';

beforeAll(async () => {
  requireCmapss();
  root = await tempDir('pdm-drift-ref-');
  core = await createAppCore({ userDataDir: join(root, 'user-data'), shell: 'web', workspace: join(root, 'ws') });
  const workspace = core.currentWorkspace()!;
  ({ runFolder, registry: reg } = await promotedFd001Package(workspace, root, { name: 'drift reference' }));
  reference = DriftReferenceSchema.parse(JSON.parse(await readFile(join(runFolder, DRIFT_REFERENCE_FILE), 'utf8')));
}, 300_000);

afterAll(async () => {
  await core?.dispose();
  if (root !== undefined) await rm(root, { recursive: true, force: true });
});

/** Copy engine 9's signals as another asset, one of them shifted by `shift` (its own units). */
const copyEngine = async (asset: string, tag: string, shift: number) =>
  core.currentWorkspace()!.monitoring(async (db) => {
    await db.run(
      `INSERT INTO signals (asset, tag, unit, sample_period, valid_min, valid_max, source, time_kind)
       SELECT $2, tag, unit, sample_period, valid_min, valid_max, source, time_kind FROM signals WHERE asset = $1`,
      [E9, asset],
    );
    await db.run(
      `INSERT INTO readings
       SELECT c.id, r.t, r.value + CASE WHEN o.tag = $3 THEN $4 ELSE 0 END, r.quality
       FROM readings r JOIN signals o ON o.id = r.signal_id JOIN signals c ON c.asset = $2 AND c.tag = o.tag
       WHERE o.asset = $1`,
      [E9, asset, tag, shift],
    );
  });

const scoreOn = async (asset: string): Promise<{ driftChecked: boolean; findings: DriftFinding[] }> => {
  const created = await call('createDeployment', { registry: reg, model: 'fd001-rul', assets: [asset] });
  const job = await settle((await call('startScoring', { deploymentId: created.deployment.id })).jobId);
  expect(job).toMatchObject({ status: 'done', error: null });
  const findings = await core
    .currentWorkspace()!
    .monitoringRead((db) => listDriftResults(db, { deploymentId: created.deployment.id }));
  return { driftChecked: job.scoring!.driftChecked, findings };
};

describe('training writes the drift reference the package carries', () => {
  let unshifted: DriftFinding[] = [];

  it('writes drift-reference.json per signal from the training data, with the run importance', async () => {
    expect(reference.signals.map((s) => s.tag)).toEqual(CMAPSS_FD001_SENSORS);
    const importance = JSON.parse(await readFile(join(runFolder, 'importance.json'), 'utf8')) as {
      signal: string;
      increase: number;
    }[];
    for (const s of reference.signals) {
      // Engines 1-6 of FD001: 1000+ cycles of raw sensor values (contract units, not z-scores).
      expect(s.count).toBeGreaterThan(1000);
      expect(Math.abs(s.mean)).toBeGreaterThan(1);
      expect(s.importance).toBe(importance.find((r) => r.signal === s.tag)?.increase);
    }
    // Calibrated on chunks of 50 cycles, the size scoring judges in.
    expect(reference.signals.some((s) => s.calibration?.chunkSize === 50)).toBe(true);
    expect(reference.multivariate?.tags).toEqual(CMAPSS_FD001_SENSORS);
  });

  it('publishing carries it: listed in the run, the manifest and SHA256SUMS of the fetched package', async () => {
    const run = JSON.parse(await readFile(join(runFolder, 'run.json'), 'utf8')) as { files: string[] };
    expect(run.files).toContain(DRIFT_REFERENCE_FILE);
    const fetched = await (await openRegistry(reg)).fetch('fd001-rul', 1, join(root, 'fetched'));
    const sums = await readFile(join(fetched.dir, 'SHA256SUMS'), 'utf8');
    expect(sums).toMatch(new RegExp(`^[0-9a-f]{64} +\\*?${DRIFT_REFERENCE_FILE.replace('.', '\\.')}$`, 'm'));
    const manifest = JSON.parse(await readFile(join(fetched.dir, 'manifest.json'), 'utf8')) as {
      files: { name: string; role: string }[];
    };
    expect(manifest.files).toContainEqual(expect.objectContaining({ name: DRIFT_REFERENCE_FILE, role: 'extra' }));
  });

  it('scoring the promoted package checks drift, with a judged finding per signal and chunk', async () => {
    const { driftChecked, findings } = await scoreOn(E9);
    expect(driftChecked).toBe(true);
    unshifted = findings;
    const perSignal = findings.filter((f) => f.signal !== null);
    expect(new Set(perSignal.map((f) => f.signal))).toEqual(new Set(CMAPSS_FD001_SENSORS));
    // Engine 9 has 201 cycles: chunks of 50 cycles, the last (cycles 200-201) too small to judge.
    for (const tag of CMAPSS_FD001_SENSORS) expect(perSignal.filter((f) => f.signal === tag)).toHaveLength(4);
    expect(perSignal.every((f) => f.calibrated && f.importance !== null)).toBe(true);
    expect(findings.some((f) => f.method === 'pca-reconstruction')).toBe(true);
  }, 120_000);

  it('flags a signal shifted by 1 reference sd where the unshifted engine is not flagged', async () => {
    // A signal the unshifted engine does not drift on in any chunk: only the shift can flag it.
    const quiet = reference.signals.find(
      (s) => s.kind === 'numeric' && !unshifted.some((f) => f.signal === s.tag && f.flagged),
    );
    expect(quiet).toBeDefined();
    // Run-to-failure data: a healthy engine starts on one side of the training mean (the degradation trend moves
    // it to the other). The shift is 1 sd further away from the training mean, so it is a shift, not a return.
    const { start } = await core.currentWorkspace()!.monitoringRead((db) =>
      db.one<{ start: number }>(
        `SELECT avg(r.value) AS start FROM readings r JOIN signals s ON s.id = r.signal_id
           WHERE s.asset = $1 AND s.tag = $2 AND r.t < 50`,
        [E9, quiet!.tag],
      ),
    );
    await copyEngine(SHIFTED, quiet!.tag, Math.sign(start - quiet!.mean) * quiet!.sd);
    const result = await scoreOn(SHIFTED);
    expect(result.driftChecked).toBe(true);
    const shifted = result.findings.filter((f) => f.signal === quiet!.tag);
    expect(shifted).toHaveLength(4);
    // The first 50 cycles, judged on the same threshold as the original engine's, now drift.
    const first = shifted.find((f) => f.from === 0)!;
    expect(first.flagged).toBe(true);
    expect(first.value).toBeGreaterThan(unshifted.find((f) => f.signal === quiet!.tag && f.from === 0)!.value);
    // Ranked first among the flagged findings: the shifted signal is what to look at.
    expect(result.findings[0]).toMatchObject({ asset: SHIFTED, signal: quiet!.tag, flagged: true });
    // The other signals are judged as on the original engine: the shift is what was found.
    for (const f of result.findings.filter((x) => x.signal !== null && x.signal !== quiet!.tag)) {
      expect(f.flagged).toBe(unshifted.find((u) => u.signal === f.signal && u.from === f.from)?.flagged);
    }
  }, 120_000);
});
