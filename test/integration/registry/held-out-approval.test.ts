import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FolderStore } from '../../../src/main/core/registry/folder-store.js';
import { openRegistry } from '../../../src/main/core/registry/open-registry.js';
import { addUser } from '../../../src/main/core/registry/users.js';
import { cli, repoRoot, tempDir, writeRun } from './helpers.js';

// A run without an evaluation block: its figures come from the validation assets that also chose epoch and threshold.
const validationOnly = {
  record: {
    evaluationDataset: null,
    metricsOn: {
      kind: 'validation' as const,
      label: 'validation (used for tuning)' as const,
      assets: ['train_FD001 engine 009'],
    },
  },
};

describe('approval needs a held-out evaluation set', () => {
  it('folder registry: a validation-only version is refused approval, naming what is missing; with one it passes', async () => {
    const root = await tempDir();
    const ws = join(root, 'ws');
    const reg = join(root, 'registry');
    await FolderStore.open(reg, { create: true, config: { allowAs: true, fsync: false } });
    await writeRun(ws, 'run-val', validationOnly);
    await writeRun(ws, 'run-eval');
    const alice = await openRegistry(reg, { as: 'alice' });
    const bob = await openRegistry(reg, { as: 'bob' });
    await alice.publish({ runDir: join(ws, 'artifacts', 'runs', 'run-val'), name: 'pump' });
    await alice.publish({ runDir: join(ws, 'artifacts', 'runs', 'run-eval'), name: 'pump' });

    // The package names where its figures come from: in the manifest and on the model card.
    const v1 = await bob.show('pump', 1);
    expect(v1.manifest.evaluation.figuresOn).toBe('validation (used for tuning)');
    const card = await readFile(join(reg, 'models', 'pump', '1', 'model-card.html'), 'utf8');
    expect(card).toContain('Figures on: validation (used for tuning).');
    expect(card).not.toContain('not recorded');
    expect((await bob.show('pump', 2)).manifest.evaluation.figuresOn).toBe('held-out evaluation');

    await expect(bob.govern('approve', { name: 'pump', version: 1, reason: 'RMSE fine' })).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(
        /^pump version 1 cannot be approved: it has no held-out evaluation set\. Its figures come from "validation \(used for tuning\)"/,
      ),
    });
    expect((await bob.show('pump', 1)).stage).toBe('candidate');
    expect(await bob.govern('approve', { name: 'pump', version: 2, reason: 'RMSE fine' })).toMatchObject({
      stage: 'approved',
    });
    // Rejecting (or archiving) a validation-only version stays possible.
    expect(await bob.govern('reject', { name: 'pump', version: 1, reason: 'no held-out set' })).toMatchObject({
      stage: 'rejected',
    });
  }, 60_000);

  describe('registry server', () => {
    let server: ChildProcess;
    let url: string;
    let ws: string;
    const tokens: Record<string, string> = {};

    beforeAll(async () => {
      const root = await tempDir();
      ws = join(root, 'ws');
      const usersFile = join(root, 'users.json');
      tokens.alice = await addUser(usersFile, 'alice', 'author');
      tokens.bob = await addUser(usersFile, 'bob', 'approver');
      await writeRun(ws, 'run-val', validationOnly);
      await writeRun(ws, 'run-eval');
      server = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          'src/main/cli/main.ts',
          'registry',
          'serve',
          '--dir',
          join(root, 'registry'),
          '--users',
          usersFile,
          '--port',
          '0',
          '--json',
        ],
        { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      url = await new Promise<string>((resolve, reject) => {
        let out = '';
        server.stdout?.on('data', (d: Buffer) => {
          out += d.toString();
          const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out);
          if (match?.[1] !== undefined) resolve(match[1]);
        });
        server.once('exit', (code) => reject(new Error(`registry serve exited with ${String(code)}`)));
      });
    }, 60_000);
    afterAll(() => {
      server?.kill('SIGTERM');
    });

    it('refuses approving a validation-only version with the same message; approves one with an evaluation set', async () => {
      const as = (user: string) => ({ PDM_REGISTRY_TOKEN: tokens[user] as string });
      for (const run of ['run-val', 'run-eval']) {
        const published = await cli(
          ['publish', '--workspace', ws, '--run', run, '--registry', url, '--name', 'pump', '--json'],
          as('alice'),
        );
        expect(published.code, published.stderr).toBe(0);
      }
      const approve = (version: string) =>
        cli(
          [
            'registry',
            'approve',
            '--registry',
            url,
            '--name',
            'pump',
            '--version',
            version,
            '--reason',
            'ok',
            '--json',
          ],
          as('bob'),
        );
      const refused = await approve('1');
      expect(refused.json).toMatchObject({
        error: {
          code: 'forbidden',
          message: expect.stringContaining('pump version 1 cannot be approved: it has no held-out evaluation set'),
        },
      });
      expect((await approve('2')).json).toMatchObject({ stage: 'approved' });
    }, 120_000);
  });
});
