import { existsSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../../src/main/core/app/app-core.js';
import { tmpdir } from 'node:os';
import { FolderStore } from '../../../src/main/core/registry/folder-store.js';
import { startRegistryServer, type RegistryServer } from '../../../src/main/core/registry/server.js';
import { addUser, UserDirectory } from '../../../src/main/core/registry/users.js';
import { apiCaller } from '../../support/api-caller.js';
import { tempDir, writeRun } from '../registry/helpers.js';

let root: string;
let reg: string;
let core: AppCore;
const { call } = apiCaller(() => core);

beforeAll(async () => {
  root = await tempDir('pdm-app-fetch-');
  const ws = join(root, 'ws');
  core = await createAppCore({ userDataDir: join(root, 'user-data'), shell: 'web', workspace: ws });
  await writeRun(ws, 'run-1');
  await writeRun(ws, 'run-2', { record: { metrics: { rmse: 14.1, phm08: 380.2 }, seed: 7 } });
  reg = join(root, 'registry');
  await FolderStore.open(reg, { create: true, config: { allowAs: true, fsync: false } });
  await call('openRegistry', { location: reg });
  await call('publishRun', { runId: 'run-1', name: 'pump-rul' });
  await call('publishRun', { runId: 'run-2', name: 'pump-rul' });
}, 60_000);

afterAll(async () => {
  await core?.dispose();
  await rm(root, { recursive: true, force: true });
});

describe('fetchRegistryVersion over the app API (real folder registry)', () => {
  it('copies a version into a new folder, every file as published; "latest" names the newest version', async () => {
    const out = join(root, 'fetched-latest');
    const result = await call('fetchRegistryVersion', { name: 'pump-rul', version: 'latest', out });
    expect(result).toMatchObject({ name: 'pump-rul', version: 2, dir: out });
    const files = (await readdir(out)).sort();
    expect(files).toEqual((await readdir(join(reg, 'models', 'pump-rul', '2'))).sort());
    expect(result.files).toBeGreaterThanOrEqual(files.length - 1);
    for (const file of files) {
      expect(await readFile(join(out, file))).toEqual(await readFile(join(reg, 'models', 'pump-rul', '2', file)));
    }
  });

  it('production: refused while there is none; an existing or relative target is refused, nothing written', async () => {
    await expect(
      call('fetchRegistryVersion', { name: 'pump-rul', version: 'production', out: join(root, 'prod') }),
    ).rejects.toMatchObject({ code: 'not-found' });
    expect(existsSync(join(root, 'prod'))).toBe(false);
    await expect(
      call('fetchRegistryVersion', { name: 'pump-rul', version: 1, out: join(root, 'fetched-latest') }),
    ).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/already exists/) });
    await expect(
      call('fetchRegistryVersion', { name: 'pump-rul', version: 1, out: 'relative/folder' }),
    ).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/absolute path/) });
    await expect(
      call('fetchRegistryVersion', { name: '../etc', version: 1, out: join(root, 'x') }),
    ).rejects.toMatchObject({ code: 'invalid-argument' });
  });

  it('a tampered file is refused as integrity, naming it, and the target folder never appears', async () => {
    const weights = join(reg, 'models', 'pump-rul', '1', 'weights.bin');
    const bytes = await readFile(weights);
    bytes[0] = (bytes[0] ?? 0) ^ 0xff;
    await writeFile(weights, bytes);
    const out = join(root, 'fetched-tampered');
    await expect(call('fetchRegistryVersion', { name: 'pump-rul', version: 1, out })).rejects.toMatchObject({
      code: 'integrity',
      message: expect.stringMatching(/weights\.bin/),
    });
    expect(existsSync(out)).toBe(false);
    expect((await readdir(root)).filter((f) => f.startsWith('fetched-tampered'))).toEqual([]);
  });
});

describe('fetchRegistryVersion and getModelCard from a registry server: both through the registry client', () => {
  let server: RegistryServer;
  let serverRoot: string;
  let token: string;
  const cardFolders = async () => (await readdir(tmpdir())).filter((f) => f.startsWith('pdm-card-')).length;

  beforeAll(async () => {
    const usersFile = join(root, 'users.json');
    token = await addUser(usersFile, 'alice', 'author');
    serverRoot = join(root, 'server-registry');
    const store = await FolderStore.open(serverRoot, { create: true, config: { fsync: false } });
    server = await startRegistryServer({ store, users: new UserDirectory(usersFile) });
    await call('openRegistry', { location: server.url, token });
    await call('publishRun', { runId: 'run-1', name: 'fan' });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('fetches a version over HTTP, verified, and reads the model card from a verified copy it does not keep', async () => {
    await call('openRegistry', { location: server.url, token });
    const out = join(root, 'fan-v1');
    expect(await call('fetchRegistryVersion', { name: 'fan', version: 'latest', out })).toMatchObject({
      name: 'fan',
      version: 1,
      dir: out,
    });
    const card = await readFile(join(out, 'model-card.html'), 'utf8');
    const before = await cardFolders();
    expect(await call('getModelCard', { name: 'fan', version: 1 })).toBe(card);
    expect(await cardFolders()).toBe(before);
  });

  it('a package tampered with on the server: no fetch, and no model card from it either', async () => {
    const weights = join(serverRoot, 'models', 'fan', '1', 'weights.bin');
    const bytes = await readFile(weights);
    bytes[1] = (bytes[1] ?? 0) ^ 0xff;
    await writeFile(weights, bytes);
    await expect(
      call('fetchRegistryVersion', { name: 'fan', version: 1, out: join(root, 'fan-tampered') }),
    ).rejects.toMatchObject({ code: 'integrity', message: expect.stringMatching(/weights\.bin/) });
    expect(existsSync(join(root, 'fan-tampered'))).toBe(false);
    // This session keeps the card it verified before the tampering; a new connection reads the package afresh.
    expect(await call('getModelCard', { name: 'fan', version: 1 })).toContain('fan');
    await call('openRegistry', { location: server.url, token });
    await expect(call('getModelCard', { name: 'fan', version: 1 })).rejects.toMatchObject({ code: 'integrity' });
  });
});
