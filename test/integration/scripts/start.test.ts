import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseLaunch, electronPackageDir } from '../../../scripts/electron-binary.mjs';
import { repoRoot, serveApp, type ServedApp } from '../../support/serve.js';

/** `npm start` as the README runs it: on a machine without Electron's binary it says so once and serves browser mode. */
describe('npm start (scripts/start.mjs)', () => {
  let home: string;
  let app: ServedApp & { readonly stdout: () => string };

  beforeAll(async () => {
    // Where Electron could start, this test is about browser mode still: force it there, detect it here.
    if (chooseLaunch({ packageDir: electronPackageDir(repoRoot) }).mode === 'electron')
      process.env['PDM_STUDIO_BROWSER'] = '1';
    home = await mkdtemp(join(tmpdir(), 'pdm-start-'));
    app = await serveApp(home, ['--port', '0'], ['scripts/start.mjs']);
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await rm(home, { recursive: true, force: true });
  });

  it('prints one line saying why, then the 127.0.0.1 URL with a per-launch token', () => {
    const lines = app.stdout().trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/starting in browser mode/);
    expect(lines[1]).toMatch(/^PdM Studio \(browser mode\) at http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{20,}$/);
  });

  it('serves the app, and its API only to the token', async () => {
    const page = await fetch(app.origin);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(await page.text()).toContain('<div id="root">');
    expect(await app.call<{ version: string }>('getAppInfo')).toMatchObject({ version: expect.any(String) });
    const refused = await fetch(`${app.origin}/api/getAppInfo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(refused.status).toBe(401);
  });
});

/** Browser mode as the desktop app: the workspace open when it last stopped comes back, unless it was deleted. */
describe('browser mode reopens the last workspace', () => {
  let root: string;
  let app: (ServedApp & { readonly stdout: () => string }) | undefined;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'pdm-reopen-serve-'));
  });

  afterAll(async () => {
    await app?.stop();
    await rm(root, { recursive: true, force: true });
  });

  const workspaceOf = async (served: ServedApp) =>
    (await served.call<{ workspace: { path: string } | null }>('getAppInfo')).workspace;

  it('without --workspace reopens the one open at the last stop; a deleted one is not recreated', async () => {
    const home = join(root, 'home');
    const ws = join(root, 'ws');
    app = await serveApp(home, ['--workspace', ws]);
    expect((await workspaceOf(app))?.path).toBe(ws);
    await app.stop();

    app = await serveApp(home);
    expect(app.stdout()).toContain(`Reopened the last workspace ${ws}`);
    expect((await workspaceOf(app))?.path).toBe(ws);
    await app.stop();

    await rm(ws, { recursive: true, force: true });
    app = await serveApp(home);
    expect(app.stdout()).toContain(`Last workspace not reopened: workspace ${ws} does not exist`);
    expect(await workspaceOf(app)).toBeNull();
    expect(existsSync(ws)).toBe(false);
  }, 120_000);
});
