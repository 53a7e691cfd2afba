import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../../src/main/core/registry/users.js';
import { cli, repoRoot, tempDir, writeRun } from './helpers.js';

interface Raw {
  readonly status: number;
  readonly body: string;
}

describe('registry server over HTTP on 127.0.0.1', () => {
  let root: string;
  let reg: string;
  let ws: string;
  let url: string;
  let server: ChildProcess;
  const tokens: Record<string, string> = {};

  /** Raw HTTP so the request path reaches the server exactly as written (fetch would normalise "..") */
  const raw = (
    method: string,
    path: string,
    token: string | null,
    body?: string | Buffer,
    headers: Record<string, string> = {},
  ) =>
    new Promise<Raw>((resolve, reject) => {
      const target = new URL(url);
      const req = request(
        {
          host: target.hostname,
          port: target.port,
          method,
          path,
          headers: {
            ...(token === null ? {} : { authorization: `Bearer ${token}` }),
            ...(body !== undefined && typeof body === 'string' ? { 'content-type': 'application/json' } : {}),
            ...headers,
          },
        },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  const as = (user: string) => ({ PDM_REGISTRY_TOKEN: tokens[user] as string });

  beforeAll(async () => {
    root = await tempDir();
    reg = join(root, 'registry');
    ws = join(root, 'ws');
    const usersFile = join(root, 'users.json');
    const created = await cli([
      'registry',
      'add-user',
      '--users',
      usersFile,
      '--user',
      'vera',
      '--role',
      'viewer',
      '--json',
    ]);
    tokens.vera = created.json?.token as string;
    tokens.alice = await addUser(usersFile, 'alice', 'author');
    tokens.bob = await addUser(usersFile, 'bob', 'approver');
    tokens.dana = await addUser(usersFile, 'dana', 'admin');
    await writeRun(ws, 'run-1');
    await writeRun(ws, 'run-big', { weightBytes: 2 * 1024 * 1024 });
    server = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/main/cli/main.ts',
        'registry',
        'serve',
        '--dir',
        reg,
        '--users',
        usersFile,
        '--port',
        '0',
        '--max-upload-mb',
        '1',
        '--json',
      ],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      server.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out);
        if (match?.[1] !== undefined) resolve(match[1]);
      });
      server.once('exit', (code) => reject(new Error(`registry serve exited with ${String(code)}`)));
    });
  });

  afterAll(() => {
    server?.kill('SIGTERM');
  });

  it('stores only token hashes in the users file', async () => {
    const text = await readFile(join(root, 'users.json'), 'utf8');
    for (const token of Object.values(tokens)) expect(text).not.toContain(token);
    expect(text).toContain('tokenSha256');
  });

  it('401 without a token or with an unknown one', async () => {
    expect((await raw('GET', '/v1/models', null)).status).toBe(401);
    expect((await raw('GET', '/v1/models', 'pdm_not-a-real-token-at-all')).status).toBe(401);
    const noToken = await cli(['registry', 'list', '--registry', url, '--json'], { PDM_REGISTRY_TOKEN: '' });
    expect(noToken.json).toMatchObject({ error: { code: 'unauthorized' } });
  });

  it('403 when a viewer publishes', async () => {
    const result = await cli(
      ['publish', '--workspace', ws, '--run', 'run-1', '--registry', url, '--name', 'pump', '--json'],
      as('vera'),
    );
    expect(result.json).toMatchObject({ error: { code: 'forbidden' } });
    expect((await raw('POST', '/v1/uploads', tokens.vera as string, JSON.stringify({ name: 'pump' }))).status).toBe(
      403,
    );
    expect(result.stdout + result.stderr).not.toContain(tokens.vera);
  });

  it('an author publishes through the CLI; fetch is verified end to end', async () => {
    const result = await cli(
      ['publish', '--workspace', ws, '--run', 'run-1', '--registry', url, '--name', 'pump', '--json'],
      as('alice'),
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.json).toEqual({ name: 'pump', version: 1 });
    expect(result.stdout + result.stderr).not.toContain(tokens.alice);
    const show = await cli(
      ['registry', 'show', '--registry', url, '--name', 'pump', '--version', '1', '--json'],
      as('vera'),
    );
    expect(show.json).toMatchObject({ name: 'pump', version: 1, stage: 'candidate', manifest: { createdBy: 'alice' } });
    const out = join(root, 'fetched');
    const fetched = await cli(
      ['registry', 'fetch', '--registry', url, '--name', 'pump', '--version', 'latest', '--out', out, '--json'],
      as('vera'),
    );
    expect(fetched.code, fetched.stderr).toBe(0);
    expect((await readdir(out)).sort()).toEqual([
      'SHA256SUMS',
      'manifest.json',
      'model-card.html',
      'model.json',
      'predictions.csv',
      'run.json',
      'run.sig',
      'weights.bin',
    ]);
  });

  it('four eyes on the server: the token user who published cannot approve; roles are enforced', async () => {
    const published = await cli(
      ['publish', '--workspace', ws, '--run', 'run-1', '--registry', url, '--name', 'pump', '--json'],
      as('dana'),
    );
    expect(published.json).toMatchObject({ version: 2 });
    const own = await cli(
      ['registry', 'approve', '--registry', url, '--name', 'pump', '--version', '2', '--reason', 'mine', '--json'],
      as('dana'),
    );
    expect(own.json).toMatchObject({ error: { code: 'forbidden', message: expect.stringContaining('four-eyes') } });
    const author = await cli(
      ['registry', 'approve', '--registry', url, '--name', 'pump', '--version', '1', '--reason', 'x', '--json'],
      as('alice'),
    );
    expect(author.json).toMatchObject({ error: { code: 'forbidden' } });
    const ok = await cli(
      ['registry', 'approve', '--registry', url, '--name', 'pump', '--version', '1', '--reason', 'RMSE fine', '--json'],
      as('bob'),
    );
    expect(ok.json).toMatchObject({ version: 1, stage: 'approved' });
    const promoted = await cli(
      ['registry', 'promote', '--registry', url, '--name', 'pump', '--version', '1', '--json'],
      as('bob'),
    );
    expect(promoted.json).toMatchObject({ production: 1 });
    const asFlag = await cli(['registry', 'list', '--registry', url, '--as', 'bob', '--json'], as('vera'));
    expect(asFlag.json).toMatchObject({ error: { code: 'invalid-argument' } });
  });

  it('refuses ../ and absolute paths anywhere in a request', async () => {
    const token = tokens.dana as string;
    const paths = [
      '/v1/models/../../etc/passwd',
      '/v1/models/%2e%2e/versions/1',
      '/v1/models/pump/versions/1/files/..%2f..%2fregistry.json',
      '/v1/models/pump/versions/1/files/%2Fetc%2Fpasswd',
      '/v1/models/pump/versions/1/files/..',
      '//etc/passwd',
      '/v1/models/pump/versions/..%5c..%5cx',
      'http://127.0.0.1/etc/passwd',
    ];
    for (const path of paths) {
      const reply = await raw('GET', path, token);
      expect(reply.status, path).toBe(400);
    }
    for (const name of ['../evil', '/etc/passwd', 'a/b', '..']) {
      const reply = await raw('POST', '/v1/uploads', token, JSON.stringify({ name }));
      expect(reply.status, name).toBe(400);
    }
    const upload = JSON.parse((await raw('POST', '/v1/uploads', token, JSON.stringify({ name: 'pump' }))).body) as {
      result: { uploadId: string };
    };
    const id = upload.result.uploadId;
    expect((await raw('PUT', `/v1/uploads/${id}/files/..%2F..%2Fevil`, token, Buffer.from('x'))).status).toBe(400);
    expect((await raw('PUT', `/v1/uploads/${id}/files/%2Ftmp%2Fevil`, token, Buffer.from('x'))).status).toBe(400);
    expect(
      (await raw('POST', '/v1/models/pump/approve', token, JSON.stringify({ version: 1, reason: 'x', path: '../x' })))
        .status,
    ).toBe(400);
    expect(await readdir(root)).not.toContain('evil');
    expect((await raw('DELETE', `/v1/uploads/${id}`, token)).status).toBe(200);
  });

  it('uploads are size-limited and hash-checked before anything becomes visible', async () => {
    const big = await cli(
      ['publish', '--workspace', ws, '--run', 'run-big', '--registry', url, '--name', 'pump', '--json'],
      as('alice'),
    );
    expect(big.json).toMatchObject({ error: { code: 'too-large' } });
    const token = tokens.alice as string;
    const startUpload = async () =>
      (
        JSON.parse((await raw('POST', '/v1/uploads', token, JSON.stringify({ name: 'pump' }))).body) as {
          result: { uploadId: string; maxBytes: number };
        }
      ).result;
    const refused = await startUpload();
    expect(refused.maxBytes).toBe(1024 * 1024);
    // A client that ignores the advertised limit is refused by the server on the declared length, before its body is read.
    const declaredTooLarge = await new Promise<number>((resolve, reject) => {
      const target = new URL(url);
      const req = request({
        host: target.hostname,
        port: target.port,
        method: 'PUT',
        path: `/v1/uploads/${refused.uploadId}/files/weights.bin`,
        headers: { authorization: `Bearer ${token}`, 'content-length': 2 * 1024 * 1024 },
      });
      req.on('response', (res) => {
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(declaredTooLarge).toBe(413);
    expect((await raw('DELETE', `/v1/uploads/${refused.uploadId}`, token)).status).toBe(404);
    const { uploadId } = await startUpload();
    const dir = join(ws, 'artifacts', 'runs', 'run-1');
    const files: Record<string, string> = {};
    for (const name of ['run.json', 'model.json', 'weights.bin', 'predictions.csv']) {
      const reply = await raw('PUT', `/v1/uploads/${uploadId}/files/${name}`, token, await readFile(join(dir, name)), {
        'content-type': 'application/octet-stream',
      });
      expect(reply.status).toBe(200);
      files[name] = (JSON.parse(reply.body) as { result: { sha256: string } }).result.sha256;
    }
    files['weights.bin'] = 'f'.repeat(64);
    const commit = await raw('POST', `/v1/uploads/${uploadId}/commit`, token, JSON.stringify({ files }));
    expect(commit.status).toBe(400);
    expect(commit.body).toMatch(/weights.bin: the bytes received do not match/);
    const list = await cli(['registry', 'list', '--registry', url, '--json'], as('vera'));
    const models = (list.json as { models: { versions: unknown[] }[] }).models;
    expect(models[0]?.versions).toHaveLength(2);
    expect(await readdir(join(reg, '.staging'))).toEqual([]);
  });

  it('verify works through the server', async () => {
    const result = await cli(['registry', 'verify', '--registry', url, '--json'], as('vera'));
    expect(result.json).toMatchObject({ ok: true, checked: { packages: 2 } });
  });

  it('a file tampered with on the server is refused by the fetching client, naming it; nothing is left behind', async () => {
    const weights = join(reg, 'models', 'pump', '1', 'weights.bin');
    const original = await readFile(weights);
    const flipped = Buffer.from(original);
    flipped[3] = (flipped[3] ?? 0) ^ 0x10;
    await writeFile(weights, flipped);
    try {
      const out = join(root, 'fetched-tampered');
      const fetched = await cli(
        ['registry', 'fetch', '--registry', url, '--name', 'pump', '--version', '1', '--out', out, '--json'],
        as('vera'),
      );
      expect(fetched.code).toBe(1);
      expect(fetched.json).toMatchObject({
        error: { code: 'integrity', message: expect.stringContaining('weights.bin does not match SHA256SUMS') },
      });
      expect((await readdir(root)).filter((name) => name.startsWith('fetched-tampered'))).toEqual([]);
    } finally {
      await writeFile(weights, original);
    }
  });
});
