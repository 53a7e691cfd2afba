import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../../src/main/core/app/app-core.js';
import { apiCaller } from '../../support/api-caller.js';
import { FolderStore } from '../../../src/main/core/registry/folder-store.js';
import { osUser } from '../../../src/main/core/registry/open-registry.js';
import { startRegistryServer, type RegistryServer } from '../../../src/main/core/registry/server.js';
import { addUser, UserDirectory } from '../../../src/main/core/registry/users.js';
import { tempDir, writeRun } from '../registry/helpers.js';

let root: string;
let core: AppCore;
let ws: string;

const { call } = apiCaller(() => core);

beforeAll(async () => {
  root = await tempDir('pdm-app-reg-');
  ws = join(root, 'ws');
  core = await createAppCore({ userDataDir: join(root, 'user-data'), shell: 'web', workspace: ws });
  await writeRun(ws, 'run-1');
  await writeRun(ws, 'run-2', { record: { metrics: { rmse: 14.1, phm08: 380.2 }, seed: 7 } });
}, 60_000);

afterAll(async () => {
  await core?.dispose();
  await rm(root, { recursive: true, force: true });
});

describe('registry over the app API: folder registry', () => {
  const me = osUser();
  let reg: string;

  beforeAll(async () => {
    reg = join(root, 'folder-registry');
    await FolderStore.open(reg, { create: true, config: { allowAs: true, fsync: false } });
  });

  it('refuses calls before a registry is open and validates locations, names and versions', async () => {
    await expect(call('listRegistryModels', {})).rejects.toMatchObject({
      code: 'not-found',
      message: expect.stringMatching(/no model registry is open/),
    });
    expect(await call('getRegistryConnection', {})).toBeNull();
    await expect(call('openRegistry', { location: 'relative/path' })).rejects.toMatchObject({
      code: 'invalid-argument',
      message: expect.stringMatching(/absolute path/),
    });
    await expect(call('openRegistry', { location: 'http://10.0.0.5:8080' })).rejects.toMatchObject({
      code: 'invalid-argument',
      message: expect.stringMatching(/127\.0\.0\.1/),
    });
    await expect(call('openRegistry', { location: 'http://u:p@127.0.0.1:1' })).rejects.toMatchObject({
      code: 'invalid-argument',
    });
    await expect(call('openRegistry', { location: 'ftp://127.0.0.1/x' })).rejects.toMatchObject({
      code: 'invalid-argument',
    });
    await expect(call('openRegistry', { location: join(root, 'nothing-here') })).rejects.toMatchObject({
      code: 'not-found',
      message: expect.stringMatching(/not a model registry/),
    });
    await expect(
      call('openRegistry', { location: reg, token: 'pdm_abcdefghijklmnopqrstuvwxyz' }),
    ).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/only for a registry server/) });
    const opened = await call('openRegistry', { location: reg });
    expect(opened).toEqual({ location: reg, kind: 'folder', user: me, role: null, allowAs: true });
    for (const name of ['../evil', 'Pump', '/etc', 'a/b', '']) {
      await expect(call('listRegistryVersions', { name })).rejects.toMatchObject({ code: 'invalid-argument' });
    }
    await expect(call('getRegistryVersion', { name: 'pump', version: 0 })).rejects.toMatchObject({
      code: 'invalid-argument',
    });
    await expect(call('getRegistryVersion', { name: 'pump', version: 1.5 })).rejects.toMatchObject({
      code: 'invalid-argument',
    });
    await expect(call('publishRun', { runId: '../../etc', name: 'pump' })).rejects.toMatchObject({
      code: 'invalid-argument',
    });
    await expect(call('approveVersion', { name: 'pump', version: 1, reason: '   ' })).rejects.toMatchObject({
      code: 'invalid-argument',
      message: expect.stringMatching(/reason/),
    });
  });

  it('publishes runs of the workspace; lists models, versions, detail with lineage and verification, the model card', async () => {
    expect(await call('publishRun', { runId: 'run-1', name: 'pump-rul' })).toEqual({ name: 'pump-rul', version: 1 });
    expect(await call('publishRun', { runId: 'run-2', name: 'pump-rul' })).toEqual({ name: 'pump-rul', version: 2 });
    await expect(call('publishRun', { runId: 'no-such-run', name: 'pump-rul' })).rejects.toMatchObject({
      code: 'invalid-argument',
    });
    const models = await call('listRegistryModels', {});
    expect(models.map((m) => m.name)).toEqual(['pump-rul']);
    const model = await call('listRegistryVersions', { name: 'pump-rul' });
    expect(model.versions.map((v) => [v.version, v.stage, v.createdBy, v.metrics.rmse])).toEqual([
      [1, 'candidate', me, 15.2],
      [2, 'candidate', me, 14.1],
    ]);
    const detail = await call('getRegistryVersion', { name: 'pump-rul', version: 2 });
    expect(detail).toMatchObject({
      name: 'pump-rul',
      version: 2,
      stage: 'candidate',
      verification: { ok: true, problems: [] },
    });
    expect(detail.manifest.lineage).toMatchObject({
      runId: 'run-2',
      seed: 7,
      backend: 'cpu',
      appVersion: '0.1.0',
      dataset: { contentHash: 'a'.repeat(64) },
    });
    expect(detail.manifest.stageHistory).toEqual([
      expect.objectContaining({ action: 'publish', stage: 'candidate', by: me }),
    ]);
    const card = await call('getModelCard', { name: 'pump-rul', version: 2 });
    expect(card).toBe(await readFile(join(reg, 'models', 'pump-rul', '2', 'model-card.html'), 'utf8'));
    expect(card).toMatch(/^<!doctype html>/);
    expect(card).not.toMatch(/<script/i);
    await expect(call('getRegistryVersion', { name: 'pump-rul', version: 9 })).rejects.toMatchObject({
      code: 'not-found',
    });
  });

  it('four eyes: the OS user who published cannot approve; another identity (allowAs) can; promote, rollback, archive, reject', async () => {
    const refused = call('approveVersion', { name: 'pump-rul', version: 1, reason: 'looks fine' });
    await expect(refused).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(/four-eyes rule: .* cannot approve/),
    });
    const bob = await call('openRegistry', { location: reg, actAs: 'bob' });
    expect(bob.user).toBe('bob');
    expect(await call('approveVersion', { name: 'pump-rul', version: 1, reason: 'RMSE fine' })).toMatchObject({
      version: 1,
      stage: 'approved',
    });
    await expect(call('promoteVersion', { name: 'pump-rul', version: 2 })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/only an approved version/),
    });
    expect(await call('promoteVersion', { name: 'pump-rul', version: 1 })).toMatchObject({
      stage: 'production',
      production: 1,
    });
    expect(await call('approveVersion', { name: 'pump-rul', version: 2, reason: 'better RMSE' })).toMatchObject({
      stage: 'approved',
    });
    expect(await call('promoteVersion', { name: 'pump-rul', version: 2, reason: 'go' })).toMatchObject({
      production: 2,
      rollbackTarget: 1,
    });
    expect(await call('rollbackModel', { name: 'pump-rul', reason: 'drift on line 3' })).toMatchObject({
      version: 1,
      stage: 'production',
      production: 1,
    });
    expect(await call('archiveVersion', { name: 'pump-rul', version: 2 })).toMatchObject({
      version: 2,
      stage: 'archived',
    });
    await expect(call('rollbackModel', { name: 'pump-rul' })).rejects.toMatchObject({ code: 'conflict' });
    await call('publishRun', { runId: 'run-1', name: 'pump-rul' });
    expect(await call('rejectVersion', { name: 'pump-rul', version: 3, reason: 'duplicate of v1' })).toMatchObject({
      stage: 'rejected',
    });
    const detail = await call('getRegistryVersion', { name: 'pump-rul', version: 1 });
    expect(detail.manifest.approvals).toEqual([
      expect.objectContaining({ decision: 'approved', by: 'bob', reason: 'RMSE fine' }),
    ]);
    expect(detail.manifest.stageHistory.map((h) => h.action)).toEqual([
      'publish',
      'approve',
      'promote',
      'promote',
      'rollback',
    ]);
    expect(await call('verifyRegistry', {})).toMatchObject({ ok: true, checked: { packages: 3 } });
  });

  it('acting as someone else is refused where registry.json does not allow it', async () => {
    const strict = join(root, 'strict-registry');
    await FolderStore.open(strict, { create: true, config: { fsync: false } });
    await expect(call('openRegistry', { location: strict, actAs: 'bob' })).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(/not allowed/),
    });
    expect(await call('openRegistry', { location: strict })).toMatchObject({ user: me, allowAs: false });
  });

  it('tampering: a flipped byte shows in the version verification and in verify; an edited manifest is refused', async () => {
    await call('openRegistry', { location: reg });
    const weights = join(reg, 'models', 'pump-rul', '2', 'weights.bin');
    const bytes = await readFile(weights);
    bytes[0] = (bytes[0] ?? 0) ^ 0xff;
    await writeFile(weights, bytes);
    const detail = await call('getRegistryVersion', { name: 'pump-rul', version: 2 });
    expect(detail.verification.ok).toBe(false);
    expect(detail.verification.problems).toEqual([
      expect.objectContaining({
        file: 'weights.bin',
        message: expect.stringMatching(/weights\.bin does not match SHA256SUMS/),
      }),
    ]);
    expect((await call('getRegistryVersion', { name: 'pump-rul', version: 1 })).verification.ok).toBe(true);
    const report = await call('verifyRegistry', {});
    expect(report.ok).toBe(false);
    expect(report.problems).toHaveLength(1);
    const manifest = join(reg, 'models', 'pump-rul', '3', 'manifest.json');
    await writeFile(manifest, (await readFile(manifest, 'utf8')).replace('"rejected"', '"approved"'));
    await expect(call('getRegistryVersion', { name: 'pump-rul', version: 3 })).rejects.toMatchObject({
      code: 'integrity',
      message: expect.stringMatching(/manifest\.json does not match SHA256SUMS/),
    });
    expect(await call('closeRegistry', {})).toEqual({ closed: true });
    expect(await call('getRegistryConnection', {})).toBeNull();
  });
});

describe('registry over the app API: registry server on 127.0.0.1', () => {
  let server: RegistryServer;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    const usersFile = join(root, 'users.json');
    tokens.alice = await addUser(usersFile, 'alice', 'author');
    tokens.bob = await addUser(usersFile, 'bob', 'approver');
    tokens.vera = await addUser(usersFile, 'vera', 'viewer');
    const store = await FolderStore.open(join(root, 'server-registry'), { create: true, config: { fsync: false } });
    server = await startRegistryServer({ store, users: new UserDirectory(usersFile) });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('needs a valid token: none, unknown and malformed are refused; act-as is not accepted', async () => {
    await expect(call('openRegistry', { location: server.url })).rejects.toMatchObject({
      code: 'unauthorized',
      message: expect.stringMatching(/needs a token/),
    });
    await expect(
      call('openRegistry', { location: server.url, token: 'pdm_unknown-token-0123456789' }),
    ).rejects.toMatchObject({
      code: 'unauthorized',
      message: expect.stringMatching(/refused the token: unknown token/),
    });
    await expect(call('openRegistry', { location: server.url, token: 'short' })).rejects.toMatchObject({
      code: 'invalid-argument',
    });
    await expect(
      call('openRegistry', { location: server.url, token: tokens.alice, actAs: 'bob' }),
    ).rejects.toMatchObject({ code: 'invalid-argument' });
  });

  it('an author publishes; the author cannot approve; a viewer cannot publish (403); an approver approves and promotes', async () => {
    const alice = await call('openRegistry', { location: `${server.url}/`, token: tokens.alice });
    expect(alice).toEqual({ location: server.url, kind: 'server', user: 'alice', role: 'author', allowAs: false });
    expect(JSON.stringify(alice)).not.toContain(tokens.alice);
    expect(JSON.stringify(await call('getRegistryConnection', {}))).not.toContain(tokens.alice);
    expect(await call('publishRun', { runId: 'run-1', name: 'fan' })).toEqual({ name: 'fan', version: 1 });
    await expect(call('approveVersion', { name: 'fan', version: 1, reason: 'mine' })).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(/alice \(author\) may not approve/),
    });

    await call('openRegistry', { location: server.url, token: tokens.vera });
    const viewer = call('publishRun', { runId: 'run-2', name: 'fan' });
    await expect(viewer).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(/vera \(viewer\) may not publish/),
    });
    await viewer.catch((error: Error) => expect(error.message).not.toContain(tokens.vera));
    expect((await call('listRegistryVersions', { name: 'fan' })).versions).toHaveLength(1);

    const bob = await call('openRegistry', { location: server.url, token: tokens.bob });
    expect(bob).toMatchObject({ user: 'bob', role: 'approver' });
    expect(await call('approveVersion', { name: 'fan', version: 1, reason: 'reviewed' })).toMatchObject({
      stage: 'approved',
    });
    expect(await call('promoteVersion', { name: 'fan', version: 1 })).toMatchObject({
      stage: 'production',
      production: 1,
    });
    const detail = await call('getRegistryVersion', { name: 'fan', version: 1 });
    expect(detail).toMatchObject({
      stage: 'production',
      manifest: { createdBy: 'alice', lineage: { runId: 'run-1' } },
      verification: { ok: true },
    });
    const card = await call('getModelCard', { name: 'fan', version: 1 });
    expect(card).toContain('fan <small>version 1</small>');
    expect(card).toContain('production');
    expect(await call('verifyRegistry', {})).toMatchObject({ ok: true });
  });

  it('four eyes on the server: an admin who published cannot approve their own version', async () => {
    tokens.dana = await addUser(join(root, 'users.json'), 'dana', 'admin');
    await call('openRegistry', { location: server.url, token: tokens.dana });
    const { version } = await call('publishRun', { runId: 'run-2', name: 'fan' });
    await expect(call('approveVersion', { name: 'fan', version, reason: 'mine' })).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(/four-eyes/),
    });
  });

  it('a stopped server is reported as unavailable', async () => {
    await server.close();
    await expect(call('listRegistryModels', {})).rejects.toMatchObject({
      code: 'failed',
      message: expect.stringMatching(/registry is unavailable/),
    });
  });
});
