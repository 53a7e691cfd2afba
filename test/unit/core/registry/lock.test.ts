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

  it('recovers a lock from another host once it has stayed unchanged for the stale period on our own clock', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pdm-lock-'));
    const path = join(dir, '.lock');
    await writeFile(
      path,
      JSON.stringify({ pid: 1, host: 'other-machine', createdAt: new Date().toISOString(), token: 'remote' }),
    );
    await expect(acquireLock(path, { staleMs: 60_000, timeoutMs: 150 })).rejects.toThrow(/other-machine/);
    // An mtime two minutes old says nothing by itself (the holder's clock may be behind ours)...
    const old = new Date(Date.now() - 120_000);
    await utimes(path, old, old);
    await expect(acquireLock(path, { staleMs: 60_000, timeoutMs: 300 })).rejects.toThrow(/other-machine/);
    // ...a lock seen unchanged for staleMs is abandoned.
    const started = performance.now();
    const held = await acquireLock(path, { staleMs: 400, timeoutMs: 3000 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(400);
    await held.release();
  });

  it('clock skew between hosts does not break mutual exclusion: a refreshed lock stamped far in the past is never taken', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pdm-lock-'));
    const path = join(dir, '.lock');
    await writeFile(
      path,
      JSON.stringify({ pid: 1, host: 'skewed-host', createdAt: new Date().toISOString(), token: 'alive' }),
    );
    // The holder's clock is 10 minutes behind ours; it refreshes its lock every 100 ms as a live holder does.
    const skew = 600_000;
    const refresh = setInterval(() => {
      const stamp = new Date(Date.now() - skew);
      void utimes(path, stamp, stamp).catch(() => undefined);
    }, 100);
    try {
      await expect(acquireLock(path, { staleMs: 500, timeoutMs: 2000 })).rejects.toThrow(
        /locked by pid 1 on skewed-host/,
      );
      expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ token: 'alive' });
    } finally {
      clearInterval(refresh);
    }
    // A holder whose clock is ahead (mtime in the future) and that then dies is still recovered.
    const ahead = new Date(Date.now() + skew);
    await utimes(path, ahead, ahead);
    const held = await acquireLock(path, { staleMs: 300, timeoutMs: 3000 });
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
