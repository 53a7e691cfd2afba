import { spawn, spawnSync } from 'node:child_process';
import { readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FolderStore } from '../../../src/main/core/registry/folder-store.js';
import { checkPackageFiles } from '../../../src/main/core/registry/package-check.js';
import { openRegistry } from '../../../src/main/core/registry/open-registry.js';
import { cli, repoRoot, tempDir, writeRun } from './helpers.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const WEIGHT_BYTES = 32 * 1024 * 1024;

/** Every version folder that is visible must be complete and match its SHA256SUMS. */
const expectOnlyWholeVersions = async (reg: string) => {
  const dir = join(reg, 'models', 'pump');
  const versions = await readdir(dir).catch(() => [] as string[]);
  for (const version of versions) {
    const { problems } = await checkPackageFiles(join(dir, version));
    expect(problems, `version ${version}`).toEqual([]);
  }
  return versions.length;
};

describe('a publish killed with SIGKILL', () => {
  it('never leaves a visible partial version, and the next publish succeeds', async () => {
    const root = await tempDir();
    const ws = join(root, 'ws');
    const reg = join(root, 'registry');
    await FolderStore.open(reg, { create: true });
    await writeRun(ws, 'run-1', { weightBytes: WEIGHT_BYTES });
    let duringCopy = 0;
    for (let round = 0; round < 5; round += 1) {
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          'src/main/cli/main.ts',
          'publish',
          '--workspace',
          ws,
          '--run',
          'run-1',
          '--registry',
          reg,
          '--name',
          'pump',
          '--json',
        ],
        {
          cwd: repoRoot,
          stdio: 'ignore',
        },
      );
      const exited = new Promise((resolve) => child.once('exit', resolve));
      // Wait until this publisher has started staging, then kill it at a random point of the copy.
      const staging = join(reg, '.staging');
      for (let i = 0; i < 3000 && child.exitCode === null; i += 1) {
        if ((await readdir(staging)).length > 0) break;
        await sleep(2);
      }
      // Rounds 0-3 stop at a random fraction of the weights copy; round 4 at a random later moment.
      const target = Math.random() * WEIGHT_BYTES;
      let partial = false;
      if (round < 4) {
        for (let i = 0; i < 5000 && child.exitCode === null && !partial; i += 1) {
          for (const id of await readdir(staging)) {
            const size = await stat(join(staging, id, 'weights.bin')).then(
              (s) => s.size,
              () => -1,
            );
            if (size >= target && size < WEIGHT_BYTES) partial = true;
          }
          if (!partial) await sleep(1);
        }
      } else {
        await sleep(Math.random() * 300);
      }
      child.kill('SIGKILL');
      await exited;
      if (partial) duringCopy += 1;
      await expectOnlyWholeVersions(reg);
    }
    // Not an assertion (timing on a busy machine varies), but shows the kills did land in the copy.
    console.log(`SIGKILL landed during the weights copy in ${duringCopy} of 5 rounds`);
    const next = await cli([
      'publish',
      '--workspace',
      ws,
      '--run',
      'run-1',
      '--registry',
      reg,
      '--name',
      'pump',
      '--json',
    ]);
    expect(next.code, next.stderr).toBe(0);
    const visible = await expectOnlyWholeVersions(reg);
    expect(next.json?.version).toBeGreaterThanOrEqual(visible);
    const verify = await cli(['registry', 'verify', '--registry', reg, '--json']);
    expect(verify.json, JSON.stringify(verify.json)).toMatchObject({ ok: true });
    // The killed publishers' staging folders were cleaned up by the next publish.
    expect(await readdir(join(reg, '.staging'))).toEqual([]);
  });

  it('a lock left by a crashed publisher is recovered by the next one', async () => {
    const root = await tempDir();
    const reg = join(root, 'registry');
    await FolderStore.open(reg, { create: true, config: { fsync: false } });
    const run = await writeRun(join(root, 'ws'), 'run-1');
    const dead = Number(
      spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString(),
    );
    await writeFile(
      join(reg, '.lock'),
      JSON.stringify({ pid: dead, host: hostname(), createdAt: new Date().toISOString(), token: 'x' }),
    );
    const result = await cli(['publish', '--run-dir', run, '--registry', reg, '--name', 'pump', '--json']);
    expect(result.json).toEqual({ name: 'pump', version: 1 });
  });

  it('a publisher killed after its audit entry but before the rename is finished by the next writer', async () => {
    const root = await tempDir();
    const reg = join(root, 'registry');
    await FolderStore.open(reg, { create: true, config: { fsync: false } });
    const run = await writeRun(join(root, 'ws'), 'run-1');
    const registry = await openRegistry(reg);
    await registry.publish({ runDir: run, name: 'pump' });
    // Put the world back to the instant between the two steps.
    const entry = JSON.parse((await readFile(join(reg, 'audit.jsonl'), 'utf8')).trim()) as { staging: string };
    await rename(join(reg, 'models', 'pump', '1'), join(reg, '.staging', entry.staging));
    expect((await registry.publish({ runDir: run, name: 'pump' })).version).toBe(2);
    expect((await registry.list())[0]?.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(await registry.verify()).toMatchObject({ ok: true });
  });
});
