import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../../src/main/core/app/app-core.js';
import { startWebServer, type WebServer } from '../../../src/main/web/server.js';

const get = (server: WebServer, path: string) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const url = new URL(server.origin);
    const req = request({ host: url.hostname, port: url.port, path, headers: { host: url.host } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });

describe('browser mode: malformed URLs', () => {
  let dir: string;
  let core: AppCore;
  let server: WebServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pdm-web-url-'));
    const staticDir = join(dir, 'static');
    await mkdir(staticDir);
    await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
    core = await createAppCore({ userDataDir: join(dir, 'home'), shell: 'web' });
    server = await startWebServer({ core, staticDir });
  });

  afterAll(async () => {
    await server.close();
    await core.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('GET /% and other broken percent-escapes answer 400, naming the path; the server keeps serving', async () => {
    for (const path of ['/%', '/%zz', '/assets/%E0%A4%A']) {
      const reply = await get(server, path);
      expect(reply.status, path).toBe(400);
      expect(JSON.parse(reply.body)).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
      expect(reply.body).toContain('malformed URL path');
    }
    expect((await get(server, '/')).status).toBe(200);
  });
});
