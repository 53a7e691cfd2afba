import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../../src/main/core/app/app-core.js';
import { apiCaller } from '../../support/api-caller.js';

let root: string;
let core: AppCore | undefined;
const { call } = apiCaller(() => {
  if (core === undefined) throw new Error('no core');
  return core;
});

const start = async () =>
  createAppCore({ userDataDir: join(root, 'user-data'), shell: 'web', workspace: join(root, 'ws') });

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pdm-settings-'));
  core = await start();
});

afterAll(async () => {
  await core?.dispose();
  await rm(root, { recursive: true, force: true });
});

describe('workspace settings API against a real workspace', () => {
  it('display time zone: UTC by default, stored in the workspace, the same after the app reopens it', async () => {
    expect(await call('getWorkspaceSettings', {})).toEqual({ displayTimeZone: 'UTC' });
    expect(await call('setWorkspaceSettings', { displayTimeZone: 'Europe/Berlin' })).toEqual({
      displayTimeZone: 'Europe/Berlin',
    });
    await core?.dispose();
    core = await start();
    expect(await call('getWorkspaceSettings', {})).toEqual({ displayTimeZone: 'Europe/Berlin' });
    // An empty change keeps what is stored.
    expect(await call('setWorkspaceSettings', {})).toEqual({ displayTimeZone: 'Europe/Berlin' });
  });

  it('refuses a zone that is not an IANA name, naming it, and keeps the stored one', async () => {
    await expect(call('setWorkspaceSettings', { displayTimeZone: 'Mars/Olympus' })).rejects.toThrow(
      'unknown time zone "Mars/Olympus"',
    );
    expect(await call('getWorkspaceSettings', {})).toEqual({ displayTimeZone: 'Europe/Berlin' });
    expect(await call('setWorkspaceSettings', { displayTimeZone: 'UTC' })).toEqual({ displayTimeZone: 'UTC' });
  });
});
