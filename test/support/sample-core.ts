import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { createAppCore, type AppCore } from '../../src/main/core/app/app-core.js';
import { apiCaller } from './api-caller.js';

/** The name the C-MAPSS FD001 sample's engine n gets at import. */
export const sampleEngine = (n: number): string => `cmapss-fd001-sample engine ${String(n).padStart(3, '0')}`;

/**
 * An app core (browser shell) on a fresh workspace that holds the C-MAPSS FD001 sample, imported through the API
 * before the file's tests; the folder is removed after them. `root()` is the temp folder (workspace at root/ws).
 */
export const useSampleCore = (prefix: string) => {
  let root: string | undefined;
  let core: AppCore | undefined;
  const current = (): AppCore => {
    if (core === undefined) throw new Error('the sample core is made in beforeAll');
    return core;
  };
  const caller = apiCaller(current);
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), prefix));
    core = await createAppCore({ userDataDir: join(root, 'user-data'), shell: 'web', workspace: join(root, 'ws') });
    const { jobId } = await caller.call('startImport', {
      paths: [resolve('resources/sample/cmapss-fd001-sample.txt')],
      options: {},
    });
    expect((await caller.settle(jobId)).status).toBe('done');
  }, 60_000);
  afterAll(async () => {
    await core?.dispose();
    if (root !== undefined) await rm(root, { recursive: true, force: true });
  });
  return {
    ...caller,
    core: current,
    root: (): string => {
      if (root === undefined) throw new Error('the sample core is made in beforeAll');
      return root;
    },
  };
};
