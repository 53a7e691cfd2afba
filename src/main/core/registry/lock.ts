import { randomUUID } from 'node:crypto';
import { readFile, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { RegistryError } from './errors.js';

/**
 * An exclusive lock for a registry folder that works on network shares: a file created with O_EXCL
 * ('wx'), holding pid, host, time and a random token. The holder refreshes its mtime while it holds it.
 *
 * A lock is stale when its process is gone (same host, pid not alive) or when the observer has seen it
 * unchanged (same content, same mtime) for `staleMs` by the observer's own monotonic clock. The holder's
 * wall clock is never compared with the observer's: two hosts on a share whose clocks differ by more than
 * `staleMs` would otherwise each think the other's fresh lock abandoned. Breaking a stale lock is itself serialised through a
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

/** The holder is a process of this host that no longer runs: stale at once. */
const holderIsDead = (observed: Observed): boolean => {
  const owner = parseOwner(observed.raw);
  return owner !== null && owner.host === hostname() && !isPidAlive(owner.pid);
};

/**
 * Watches a file for staleness on this process's monotonic clock: stale once it has been seen with the
 * same content and mtime for `staleMs`. A holder refreshes the mtime every staleMs/3, so a live lock keeps
 * changing whatever its host's clock says; an abandoned one stops, and is judged so staleMs after we first
 * saw it stop (a late observer waits up to one stale period more: the price of not trusting clocks).
 */
export class StaleWatch {
  private seen: { raw: string; mtimeMs: number; since: number } | null = null;

  constructor(
    private readonly staleMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  isStale(observed: Observed): boolean {
    const seen = this.seen;
    if (seen === null || seen.raw !== observed.raw || seen.mtimeMs !== observed.mtimeMs) {
      this.seen = { raw: observed.raw, mtimeMs: observed.mtimeMs, since: this.now() };
      return false;
    }
    return this.now() - seen.since > this.staleMs;
  }
}

const BREAK_STALE_MS = 10_000;

const breakStale = async (path: string, judged: Observed, breakWatch: StaleWatch): Promise<void> => {
  const breakPath = `${path}.break`;
  try {
    await writeFile(breakPath, JSON.stringify({ pid: process.pid, host: hostname() }), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Someone else is breaking it; a break file is held for microseconds, so one that stays is a crash.
    const other = await observe(breakPath);
    if (other !== null && (holderIsDead(other) || breakWatch.isStale(other)))
      await unlink(breakPath).catch(() => undefined);
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
  const watch = new StaleWatch(staleMs);
  const breakWatch = new StaleWatch(BREAK_STALE_MS);
  for (;;) {
    try {
      await writeFile(path, JSON.stringify(owner), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const observed = await observe(path);
    if (observed !== null && (holderIsDead(observed) || watch.isStale(observed))) {
      await breakStale(path, observed, breakWatch);
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
