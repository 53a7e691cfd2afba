import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock } from '../../../../src/main/core/registry/lock.js';

const deadPid = (): number => {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
};

describe('registry lock', () => {
  it('is exclusive: a second holder waits and times out naming the holder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pdm-lock-'));
    const path = join(dir, '.lock');
    const held = await acquireLock(path);
    await expect(acquireLock(path, { timeoutMs: 200 })).rejects.toThrow(new RegExp(`locked by pid ${process.pid} on`));
    await held.release();
    const again = await acquireLock(path, { timeoutMs: 200 });
    await again.release();
  });

  it('recovers a lock left by a dead process on this host', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pdm-lock-'));
    const path = join(dir, '.lock');
    await writeFile(
      path,
      JSON.stringify({ pid: deadPid(), host: hostname(), createdAt: new Date().toISOString(), token: 'crashed' }),
    );
    const held = await acquireLock(path, { timeoutMs: 1000 });
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ pid: process.pid });
    await held.release();
  });

  it('recovers a lock from another host only once it has gone stale', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pdm-lock-'));
    const path = join(dir, '.lock');
    await writeFile(
      path,
      JSON.stringify({ pid: 1, host: 'other-machine', createdAt: new Date().toISOString(), token: 'remote' }),
    );
    await expect(acquireLock(path, { staleMs: 60_000, timeoutMs: 150 })).rejects.toThrow(/other-machine/);
    const old = new Date(Date.now() - 120_000);
    await utimes(path, old, old);
    const held = await acquireLock(path, { staleMs: 60_000, timeoutMs: 1000 });
    await held.release();
  });

  it("keeps a held lock fresh, and release leaves someone else's lock alone", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pdm-lock-'));
    const path = join(dir, '.lock');
    const held = await acquireLock(path, { staleMs: 1000 });
    const old = new Date(Date.now() - 5000);
    await utimes(path, old, old);
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(Date.now() - (await stat(path)).mtimeMs).toBeLessThan(1000);
    await writeFile(path, JSON.stringify({ pid: process.pid, host: hostname(), createdAt: '', token: 'someone-else' }));
    await expect(held.check()).rejects.toThrow(/lost the registry lock/);
    await held.release();
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ token: 'someone-else' });
  });
});
