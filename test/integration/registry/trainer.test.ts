import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FolderStore } from '../../../src/main/core/registry/folder-store.js';
import { HttpRegistry } from '../../../src/main/core/registry/http-registry.js';
import { openRegistry, osUser } from '../../../src/main/core/registry/open-registry.js';
import { startRegistryServer, type RegistryServer } from '../../../src/main/core/registry/server.js';
import { addUser, UserDirectory } from '../../../src/main/core/registry/users.js';
import { cli, tempDir, writeRun } from './helpers.js';

/** tina trains (her run is signed with her key), then edits createdBy so that the trainer looks like someone else. */
const editCreatedBy = async (runDir: string, to: string) => {
  const path = join(runDir, 'run.json');
  const record = JSON.parse(await readFile(path, 'utf8')) as { createdBy: string };
  record.createdBy = to;
  await writeFile(path, JSON.stringify(record, null, 2));
};

describe('the trainer comes from a signed run record or the login, never from an editable run.json field', () => {
  it('folder registry: tina cannot approve her own model after editing createdBy, with or without her signature', async () => {
    const root = await tempDir();
    const reg = join(root, 'registry');
    await FolderStore.open(reg, { create: true, config: { allowAs: true, fsync: false } });
    const alice = await openRegistry(reg, { as: 'alice' });
    const tina = await openRegistry(reg, { as: 'tina' });
    const ws = join(root, 'ws');

    const edited = await writeRun(ws, 'run-edited', { record: { createdBy: 'tina' } });
    await editCreatedBy(edited, 'sam');
    await expect(alice.publish({ runDir: edited, name: 'fan' })).rejects.toThrow(
      /run.json was changed after tina signed it \(run.sig\): refused/,
    );
    await rm(join(edited, 'run.sig'));
    await expect(alice.publish({ runDir: edited, name: 'fan' })).rejects.toThrow(
      /run.json says sam trained this run, but it is not signed/,
    );

    const signed = await writeRun(ws, 'run-signed', { record: { createdBy: 'tina' } });
    await alice.publish({ runDir: signed, name: 'fan' });
    await expect(tina.govern('approve', { name: 'fan', version: 1, reason: 'mine, looks good' })).rejects.toThrow(
      /four-eyes rule: tina published or trained fan version 1/,
    );
    const audit = (await readFile(join(reg, 'audit.jsonl'), 'utf8')).trim().split('\n');
    expect(JSON.parse(audit[0] as string)).toMatchObject({ action: 'publish', actor: 'alice', trainedBy: 'tina' });
    // An unsigned run is accepted from the person it names: the login is the trainer of record.
    const own = await writeRun(ws, 'run-own', { record: { createdBy: 'alice' }, sign: false });
    await alice.publish({ runDir: own, name: 'fan' });
    await expect(alice.govern('approve', { name: 'fan', version: 2, reason: 'x' })).rejects.toThrow(/four-eyes/);
  });

  it('registry server: the same edit is refused at publish; the signed trainer cannot approve', async () => {
    const root = await tempDir();
    const usersFile = join(root, 'users.json');
    const aliceToken = await addUser(usersFile, 'alice', 'author');
    const tinaToken = await addUser(usersFile, 'tina', 'approver');
    const store = await FolderStore.open(join(root, 'registry'), { create: true, config: { fsync: false } });
    const server: RegistryServer = await startRegistryServer({ store, users: new UserDirectory(usersFile) });
    try {
      const alice = new HttpRegistry(server.url, aliceToken);
      const tina = new HttpRegistry(server.url, tinaToken);
      const edited = await writeRun(join(root, 'ws'), 'run-edited', { record: { createdBy: 'tina' } });
      await editCreatedBy(edited, 'nobody');
      await expect(alice.publish({ runDir: edited, name: 'fan' })).rejects.toThrow(/changed after tina signed it/);
      await rm(join(edited, 'run.sig'));
      await expect(alice.publish({ runDir: edited, name: 'fan' })).rejects.toThrow(/not signed/);
      await alice.publish({
        runDir: await writeRun(join(root, 'ws'), 'run-signed', { record: { createdBy: 'tina' } }),
        name: 'fan',
      });
      await expect(tina.govern('approve', { name: 'fan', version: 1, reason: 'fine' })).rejects.toThrow(
        /four-eyes rule: tina published or trained fan version 1/,
      );
    } finally {
      await server.close();
    }
  });

  it('registry sign-run signs a run as the OS user, and only a run that names them', async () => {
    const root = await tempDir();
    const mine = await writeRun(join(root, 'ws'), 'run-mine', { record: { createdBy: osUser() }, sign: false });
    const signed = await cli(['registry', 'sign-run', '--run-dir', mine, '--json']);
    expect(signed.code, signed.stderr).toBe(0);
    expect(signed.json).toMatchObject({ signer: osUser() });
    expect(JSON.parse(await readFile(join(mine, 'run.sig'), 'utf8'))).toMatchObject({ signer: osUser() });
    const theirs = await writeRun(join(root, 'ws'), 'run-theirs', { record: { createdBy: 'zoe' }, sign: false });
    const refused = await cli(['registry', 'sign-run', '--run-dir', theirs, '--json']);
    expect(refused.code).toBe(1);
    expect(refused.json).toMatchObject({
      error: { message: expect.stringMatching(/names zoe as the trainer; only zoe can sign it/) },
    });
  });
});
