import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../../src/main/core/app/app-core.js';
import { startWebServer, type WebServer } from '../../../src/main/web/server.js';

/** Raw HTTP so the test controls Host and Origin headers exactly (fetch would set them itself). */
const raw = (
  server: WebServer,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
) =>
  new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
    const url = new URL(server.origin);
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path,
        method: init.method ?? 'GET',
        headers: { host: url.host, ...init.headers },
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    if (init.body !== undefined) req.write(init.body);
    req.end();
  });

describe('web transport', () => {
  let dir: string;
  let core: AppCore;
  let server: WebServer;
  const call = (method: string, body: unknown, headers: Record<string, string> = {}) =>
    raw(server, `/api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-pdm-token': server.token, ...headers },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pdm-web-'));
    const staticDir = join(dir, 'static');
    await mkdir(staticDir);
    await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
    await writeFile(join(dir, 'secret.txt'), 'TOP-SECRET-CONTENT');
    core = await createAppCore({ userDataDir: join(dir, 'home'), shell: 'web' });
    server = await startWebServer({ core, staticDir });
  });

  afterAll(async () => {
    await server.close();
    await core.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 only and puts the token in the URL fragment', () => {
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.url).toBe(`${server.origin}/#token=${server.token}`);
    expect(server.token.length).toBeGreaterThanOrEqual(32);
  });

  it('serves the app with a strict Content-Security-Policy', async () => {
    const res = await raw(server, '/');
    expect(res.status).toBe(200);
    expect(String(res.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('isolates the page (COOP + COEP) on pages and API answers, so the training worker gets SharedArrayBuffer', async () => {
    for (const res of [await raw(server, '/'), await call('getAppInfo', {})]) {
      expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(res.headers['cross-origin-embedder-policy']).toBe('require-corp');
    }
    expect(String((await raw(server, '/')).headers['content-security-policy'])).toContain("'wasm-unsafe-eval'");
  });

  it('refuses API calls without the token or with a wrong one', async () => {
    expect((await call('getAppInfo', {}, { 'x-pdm-token': '' })).status).toBe(401);
    expect((await call('getAppInfo', {}, { 'x-pdm-token': `${server.token}x` })).status).toBe(401);
    expect((await raw(server, '/api/events')).status).toBe(401);
    const ok = await call('getAppInfo', {});
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ ok: true, result: { shell: 'web', workspace: null } });
  });

  it('refuses foreign Host (DNS rebinding) and cross-origin requests', async () => {
    expect((await call('getAppInfo', {}, { host: 'evil.example:80' })).status).toBe(421);
    expect((await call('getAppInfo', {}, { origin: 'http://evil.example' })).status).toBe(403);
  });

  it('validates arguments against the contract and names the field', async () => {
    const res = await call('queryTrend', { signalIds: [1], width: 'wide' });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.message).toContain('width');
    const unknown = await call('deleteEverything', {});
    expect(unknown.status).toBe(400);
    const relative = await call('openWorkspace', { path: 'relative/dir' });
    expect(JSON.parse(relative.body).error.message).toContain('absolute');
  });

  it('answers no-workspace calls with a clear error', async () => {
    const res = await call('listSignals', {});
    expect(res.status).toBe(409);
    expect(JSON.parse(res.body).error.message).toBe('open a workspace first');
  });

  it('never serves files outside the renderer folder', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt']) {
      const res = await raw(server, path);
      expect(res.status).not.toBe(200);
      expect(res.body).not.toContain('TOP-SECRET-CONTENT');
    }
  });

  it('takes a whole run back from the window engine (over 1 MiB) (other calls keep the 1 MiB limit: below)', async () => {
    const big = 'x'.repeat(2 << 20);
    const finished = await call('finishTrainingHandoff', { runId: 'r', outcome: { ok: true, result: big } });
    // Past the body limit, refused only because no window is training run "r".
    expect(finished.status).toBe(404);
    expect(JSON.parse(finished.body).error.message).toContain('training run r is not being trained by a window');
  });

  it('rejects oversized bodies', async () => {
    const res = await call('getAppInfo', { pad: 'x'.repeat(2 << 20) });
    expect(res.status).toBe(400);
  });
});
