import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../../../src/shared/api.js';
import { CancelledError, isCancelledError } from '../../../../src/main/core/jobs/cancelled.js';
import { jobControl, subControl, throwIfCancelled } from '../../../../src/main/core/jobs/job-control.js';
import { Jobs } from '../../../../src/main/core/jobs/job-registry.js';
import { createLogger, LOG_FILE, NULL_LOGGER, setProcessLog } from '../../../../src/main/core/log/logger.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pdm-jobs-'));
  setProcessLog(createLogger(dir));
});
afterAll(async () => {
  setProcessLog(NULL_LOGGER);
  await rm(dir, { recursive: true, force: true });
});

/** A job that waits for its release (or its cancel, through the signal as a fetch or a stream would). */
const gate = () => {
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  return { release, released };
};

describe('the job model', () => {
  it('one CancelledError, also recognised by name across a thread boundary', () => {
    expect(new CancelledError()).toBeInstanceOf(Error);
    expect(new CancelledError().message).toBe('cancelled');
    expect(isCancelledError(new CancelledError('training cancelled'))).toBe(true);
    expect(isCancelledError({ name: 'CancelledError', message: 'x' })).toBe(true);
    expect(isCancelledError(new Error('cancelled'))).toBe(false);
  });

  it('a partial control is filled in; throwIfCancelled follows isCancelled or the signal', () => {
    const abort = new AbortController();
    const control = jobControl({ signal: abort.signal });
    expect(() => throwIfCancelled(control)).not.toThrow();
    abort.abort();
    expect(() => throwIfCancelled(control)).toThrow(CancelledError);
    expect(() => jobControl().progress(0.5, 'x')).not.toThrow();
  });

  it('subControl maps a step onto its share of the whole', () => {
    const seen: [number | null, string][] = [];
    const whole = jobControl({ progress: (f, m) => seen.push([f, m]) });
    subControl(whole, 1, 4, 'file 2 of 4: ').progress(0.5, 'reading');
    subControl(whole, 3, 4).progress(null, 'hashing');
    expect(seen).toEqual([
      [0.375, 'file 2 of 4: reading'],
      [null, 'hashing'],
    ]);
  });
});

describe('Jobs: the registry of running work', () => {
  it('lists running jobs first, publishes progress and the end, and logs start and end', async () => {
    const events: ApiEvent[] = [];
    const jobs = new Jobs((e) => events.push(e));
    const first = gate();
    const a = jobs.start('import', async (control) => {
      control.progress(0.5, 'half way');
      await first.released;
      return { files: [], rows: 1 } as never;
    });
    const b = jobs.start('training', async () => {
      throw new Error('config: epochs must be positive');
    });
    await jobs.settle(b);
    expect(jobs.list().map((j) => [j.id, j.status])).toEqual([
      [a, 'running'],
      [b, 'failed'],
    ]);
    expect(jobs.get(a)).toMatchObject({ kind: 'import', fraction: 0.5, message: 'half way' });
    expect(jobs.running()).toBe(true);
    first.release();
    expect(await jobs.settle(a)).toMatchObject({ status: 'done', fraction: 1 });
    expect(jobs.running()).toBe(false);
    expect(events).toContainEqual({ type: 'job-progress', jobId: a, fraction: 0.5, message: 'half way' });
    expect(events.filter((e) => e.type === 'job-finished')).toHaveLength(2);
    const log = (await readFile(join(dir, LOG_FILE), 'utf8')).trim().split('\n');
    const about = (id: string) => log.map((l) => JSON.parse(l)).filter((r) => r.fields?.job === id);
    expect(about(b).map((r) => [r.level, r.event])).toEqual([
      ['info', 'started'],
      ['error', 'failed'],
    ]);
    expect(about(b)[1]).toMatchObject({
      area: 'job',
      fields: { kind: 'training', error: 'config: epochs must be positive' },
    });
    expect(about(a).map((r) => r.event)).toEqual(['started', 'done']);
  });

  it('cancel aborts the signal, the job ends cancelled (not failed) and a second cancel is refused', async () => {
    const jobs = new Jobs(() => undefined);
    let sawAbort = false;
    const id = jobs.start(
      'opcua-import',
      (control) =>
        new Promise((_resolve, reject) => {
          control.signal.addEventListener('abort', () => {
            sawAbort = control.isCancelled();
            // Work that stops on cancel may throw anything on its way out: the job is still "cancelled".
            reject(new Error('socket closed'));
          });
        }),
    );
    expect(jobs.cancel(id)).toBe(true);
    expect(await jobs.settle(id)).toMatchObject({ status: 'cancelled', error: null, message: 'cancelled' });
    expect(sawAbort).toBe(true);
    expect(jobs.cancel(id)).toBe(false);
    expect(jobs.cancel('no-such-job')).toBe(false);
  });

  it('work that throws CancelledError by itself ends cancelled', async () => {
    const jobs = new Jobs(() => undefined);
    const id = jobs.start('training', async () => {
      throw new CancelledError('training cancelled');
    });
    expect(await jobs.settle(id)).toMatchObject({ status: 'cancelled' });
  });

  it('forgets old finished jobs but never a running one', async () => {
    const jobs = new Jobs(() => undefined);
    const held = gate();
    const running = jobs.start('import', async () => {
      await held.released;
      return {} as never;
    });
    for (let i = 0; i < 60; i += 1) await jobs.settle(jobs.start('import', async () => ({}) as never));
    expect(jobs.list()).toHaveLength(51);
    expect(jobs.list()[0]?.id).toBe(running);
    held.release();
    await jobs.settle(running);
  });

  it('throttles progress events but always sends the last message of a burst', async () => {
    const events: ApiEvent[] = [];
    const jobs = new Jobs((e) => events.push(e));
    const { release, released } = gate();
    const id = jobs.start('follow', async (control) => {
      control.progress(null, 'round 1: scoring');
      control.progress(null, 'round 1: scored');
      control.progress(null, 'round 1 done; next round in 60 s');
      await released;
      return undefined;
    });
    await new Promise((r) => setTimeout(r, 300));
    const messages = events.flatMap((e) => (e.type === 'job-progress' && e.jobId === id ? [e.message] : []));
    // The first goes at once, the middle one is dropped, the last follows within the throttle.
    expect(messages).toEqual(['round 1: scoring', 'round 1 done; next round in 60 s']);
    release();
    await jobs.settle(id);
  });
});
