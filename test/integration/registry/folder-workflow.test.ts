import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FolderStore } from '../../../src/main/core/registry/folder-store.js';
import { openRegistry } from '../../../src/main/core/registry/open-registry.js';
import type { Registry } from '../../../src/main/core/registry/registry-types.js';
import { cli, tempDir, writeRun } from './helpers.js';

describe('folder registry: publish and the approval workflow', () => {
  let root: string;
  let ws: string;
  let reg: string;
  const as = (user: string): Promise<Registry> => openRegistry(reg, { as: user });

  beforeAll(async () => {
    root = await tempDir();
    ws = join(root, 'ws');
    reg = join(root, 'registry');
    await FolderStore.open(reg, { create: true, config: { allowAs: true, fsync: false } });
    await writeRun(ws, 'run-1', {
      record: {
        dataset: { id: 'ds-1', contentHash: 'c'.repeat(64), description: '<script>alert(1)</script> & "quotes"' },
      },
    });
    await writeRun(ws, 'run-2');
  });

  it('publishes a run through the CLI and prints {"version": n}', async () => {
    const result = await cli([
      'publish',
      '--workspace',
      ws,
      '--run',
      'run-1',
      '--registry',
      reg,
      '--name',
      'pump-rul',
      '--as',
      'alice',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.json).toEqual({ name: 'pump-rul', version: 1 });
    const detail = await (await as('carol')).show('pump-rul', 1);
    expect(detail.stage).toBe('candidate');
    expect(detail.manifest.createdBy).toBe('alice');
    expect(detail.manifest.lineage).toMatchObject({
      runId: 'run-1',
      trainedBy: 'trainer',
      seed: 42,
      backend: 'cpu',
      appVersion: '0.1.0',
    });
    expect(detail.manifest.dataContract.signals[0]).toMatchObject({
      tag: 'sensor_2',
      unit: '°R',
      validMin: 600,
      missingPolicy: 'forward-fill',
    });
    expect(detail.manifest.evaluation.dataset?.id).toBe('ds-2');
    expect(detail.files.map((f) => f.name).sort()).toEqual([
      'manifest.json',
      'model-card.html',
      'model.json',
      'predictions.csv',
      'run.json',
      'run.sig',
      'weights.bin',
    ]);
    const card = await readFile(join(reg, 'models', 'pump-rul', '1', 'model-card.html'), 'utf8');
    expect(card).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
    expect(card).not.toContain('<script>');
  });

  it('refuses --as on a registry that does not allow it', async () => {
    const strict = join(root, 'strict');
    await FolderStore.open(strict, { create: true });
    const result = await cli([
      'publish',
      '--workspace',
      ws,
      '--run',
      'run-1',
      '--registry',
      strict,
      '--name',
      'm',
      '--as',
      'mallory',
      '--json',
    ]);
    expect(result.code).toBe(1);
    expect(result.json).toMatchObject({ error: { code: 'forbidden' } });
  });

  it('four eyes: neither the author nor the trainer may approve; another person can, with a reason', async () => {
    await expect(
      (await as('alice')).govern('approve', { name: 'pump-rul', version: 1, reason: 'looks good' }),
    ).rejects.toThrow(/four-eyes/);
    await expect(
      (await as('TRAINER')).govern('approve', { name: 'pump-rul', version: 1, reason: 'mine' }),
    ).rejects.toThrow(/four-eyes/);
    await expect((await as('bob')).govern('approve', { name: 'pump-rul', version: 1 })).rejects.toThrow(/reason/);
    const cliRefusal = await cli([
      'registry',
      'approve',
      '--registry',
      reg,
      '--name',
      'pump-rul',
      '--version',
      '1',
      '--reason',
      'x',
      '--as',
      'alice',
      '--json',
    ]);
    expect(cliRefusal.json).toMatchObject({ error: { code: 'forbidden' } });
    const ok = await (
      await as('bob')
    ).govern('approve', { name: 'pump-rul', version: 1, reason: 'RMSE 15.2 on FD001 test, below 18' });
    expect(ok.stage).toBe('approved');
    const manifest = JSON.parse(await readFile(join(reg, 'models', 'pump-rul', '1', 'manifest.json'), 'utf8')) as {
      approvals: unknown[];
      stage: string;
    };
    expect(manifest.stage).toBe('approved');
    expect(manifest.approvals).toEqual([
      expect.objectContaining({ decision: 'approved', by: 'bob', reason: 'RMSE 15.2 on FD001 test, below 18' }),
    ]);
  });

  it('promotes, keeps the previous production version, rolls back in one step', async () => {
    const bob = await as('bob');
    expect((await bob.govern('promote', { name: 'pump-rul', version: 1 })).production).toBe(1);
    const v2 = await (await as('alice')).publish({ runDir: join(ws, 'artifacts', 'runs', 'run-2'), name: 'pump-rul' });
    expect(v2.version).toBe(2);
    await expect(bob.govern('promote', { name: 'pump-rul', version: 2 })).rejects.toThrow(/only an approved/);
    await bob.govern('approve', { name: 'pump-rul', version: 2, reason: 'better PHM08' });
    const promoted = await bob.govern('promote', { name: 'pump-rul', version: 2, reason: 'go live' });
    expect(promoted).toMatchObject({ production: 2, rollbackTarget: 1 });
    const list = await bob.list();
    expect(list[0]?.versions.map((v) => [v.version, v.stage])).toEqual([
      [1, 'approved'],
      [2, 'production'],
    ]);
    await expect(bob.govern('archive', { name: 'pump-rul', version: 2 })).rejects.toThrow(/in production/);
    const rolled = await cli([
      'registry',
      'rollback',
      '--registry',
      reg,
      '--name',
      'pump-rul',
      '--reason',
      'false alarms',
      '--as',
      'bob',
      '--json',
    ]);
    expect(rolled.json).toMatchObject({ version: 1, stage: 'production', production: 1, rollbackTarget: null });
    expect((await bob.show('pump-rul', 2)).stage).toBe('approved');
    await bob.govern('reject', { name: 'pump-rul', version: 2, reason: 'too many false alarms on pump 7' });
    expect((await bob.show('pump-rul', 2)).manifest.approvals.map((a) => a.decision)).toEqual(['approved', 'rejected']);
    const archived = await bob.govern('archive', { name: 'pump-rul', version: 2 });
    expect(archived.stage).toBe('archived');
    const verify = await cli(['registry', 'verify', '--registry', reg, '--json']);
    expect(verify.code, verify.stdout).toBe(0);
    expect(verify.json).toMatchObject({ ok: true, checked: { entries: 9, packages: 2 } });
  });

  it('fetches a version, verified, into a new folder', async () => {
    const out = join(root, 'deploy');
    const result = await cli(['registry', 'fetch', '--registry', reg, '--name', 'pump-rul', '--out', out, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.json).toMatchObject({ version: 1 });
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as { stage: string };
    expect(manifest.stage).toBe('production');
  });

  it('refuses a run whose weights do not match model.json', async () => {
    const dir = await writeRun(ws, 'run-bad');
    await writeFile(join(dir, 'weights.bin'), Buffer.alloc(12));
    await expect((await as('alice')).publish({ runDir: dir, name: 'pump-rul' })).rejects.toThrow(
      /weights.bin: 12 bytes, but model.json's weightsManifest describes 20/,
    );
  });

  it("refuses a model whose input shape does not match the manifest's window x features contract", async () => {
    // The record promises windows of 2 steps x 2 features; this model takes 4 values per window.
    const flat = await writeRun(ws, 'run-flat', { inputShape: [4] });
    await expect((await as('alice')).publish({ runDir: flat, name: 'pump-rul' })).rejects.toThrow(
      "model.json takes input [4] per window, but run.json's data contract is a window of 2 steps x 2 features [2, 2]",
    );
    const transposed = await writeRun(ws, 'run-transposed', {
      inputShape: [2, 3],
      record: { window: { length: 3, stride: 1, timeKind: 'cycle' } },
    });
    await expect((await as('alice')).publish({ runDir: transposed, name: 'pump-rul' })).rejects.toThrow(
      /takes input \[2, 3\] per window, but .* a window of 3 steps x 2 features \[3, 2\]/,
    );
    // The fixture as written by default fits its contract and publishes.
    const fits = await writeRun(ws, 'run-fits');
    await expect((await as('alice')).publish({ runDir: fits, name: 'pump-rul-shape' })).resolves.toMatchObject({
      version: 1,
    });
  });
});
