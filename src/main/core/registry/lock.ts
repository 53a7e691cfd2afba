import { randomUUID } from 'node:crypto';
import { readFile, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { RegistryError } from './errors.js';

/**
 * An exclusive lock for a registry folder that works on network shares: a file created with O_EXCL
 * ('wx'), holding pid, host, time and a random token. The holder refreshes its mtime while it holds it.
 *
 * A lock is stale when its process is gone (same host, pid not alive) or when its mtime is older than
 * `staleMs` (another host, or a pid that was reused). Breaking a stale lock is itself serialised through a
 * second O_EXCL file (`<lock>.break`), and the breaker re-reads the lock under it and removes it only if
 * it is still the very lock it judged stale; so two processes that both see a stale lock cannot end up
 * removing a fresh lock that a third process has just taken.
 */
export interface LockOptions {
  readonly staleMs?: number;
  /** Give up waiting after this long. */
  readonly timeoutMs?: number;
}

export interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly createdAt: string;
  readonly token: string;
}

export interface HeldLock {
  readonly owner: LockOwner;
  /** Throws if the lock was broken by someone else (we were paused for longer than staleMs). */
  readonly check: () => Promise<void>;
  readonly release: () => Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const isPidAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const parseOwner = (raw: string): LockOwner | null => {
  try {
    const owner = JSON.parse(raw) as Partial<LockOwner>;
    return typeof owner.pid === 'number' && typeof owner.host === 'string' && typeof owner.token === 'string'
      ? (owner as LockOwner)
      : null;
  } catch {
    return null;
  }
};

interface Observed {
  readonly raw: string;
  readonly mtimeMs: number;
}

const observe = async (path: string): Promise<Observed | null> => {
  try {
    const [raw, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    return { raw, mtimeMs: info.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
};

export const isStale = (observed: Observed, staleMs: number, now = Date.now()): boolean => {
  const owner = parseOwner(observed.raw);
  if (owner !== null && owner.host === hostname() && !isPidAlive(owner.pid)) return true;
  // An empty or half-written file is a lock being created: only age makes it stale.
  return now - observed.mtimeMs > staleMs;
};

const BREAK_STALE_MS = 10_000;

const breakStale = async (path: string, judged: Observed): Promise<void> => {
  const breakPath = `${path}.break`;
  try {
    await writeFile(breakPath, JSON.stringify({ pid: process.pid, host: hostname() }), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Someone else is breaking it; a break file is held for microseconds, so an old one is a crash.
    const other = await observe(breakPath);
    if (other !== null && isStale(other, BREAK_STALE_MS)) await unlink(breakPath).catch(() => undefined);
    return;
  }
  try {
    const now = await observe(path);
    if (now !== null && now.raw === judged.raw && now.mtimeMs === judged.mtimeMs)
      await unlink(path).catch(() => undefined);
  } finally {
    await unlink(breakPath).catch(() => undefined);
  }
};

export const acquireLock = async (path: string, options: LockOptions = {}): Promise<HeldLock> => {
  const staleMs = options.staleMs ?? 30_000;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const owner: LockOwner = {
    pid: process.pid,
    host: hostname(),
    createdAt: new Date().toISOString(),
    token: randomUUID(),
  };
  let wait = 2;
  for (;;) {
    try {
      await writeFile(path, JSON.stringify(owner), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const observed = await observe(path);
    if (observed !== null && isStale(observed, staleMs)) {
      await breakStale(path, observed);
      continue;
    }
    if (Date.now() > deadline) {
      const holder = observed === null ? null : parseOwner(observed.raw);
      const who = holder === null ? 'another process' : `pid ${holder.pid} on ${holder.host} since ${holder.createdAt}`;
      throw new RegistryError('unavailable', `registry is locked by ${who} (${path}); try again`);
    }
    // Jittered backoff so waiting publishers do not retry in lockstep.
    await sleep(wait + Math.random() * wait);
    wait = Math.min(wait * 2, 100);
  }
  const heartbeat = setInterval(
    () => {
      const now = new Date();
      utimes(path, now, now).catch(() => undefined);
    },
    Math.max(50, Math.floor(staleMs / 3)),
  );
  heartbeat.unref();
  const ours = async () => parseOwner((await observe(path))?.raw ?? '')?.token === owner.token;
  return {
    owner,
    check: async () => {
      if (!(await ours()))
        throw new RegistryError(
          'conflict',
          `lost the registry lock ${path} (held longer than ${staleMs} ms?); nothing was changed`,
        );
    },
    release: async () => {
      clearInterval(heartbeat);
      if (await ours()) await unlink(path).catch(() => undefined);
    },
  };
};
