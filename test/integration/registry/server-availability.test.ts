import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FolderStore } from '../../../src/main/core/registry/folder-store.js';
import { formatSums, parseSums, sha256 } from '../../../src/main/core/registry/hash.js';
import { HttpRegistry } from '../../../src/main/core/registry/http-registry.js';
import { startRegistryServer, type RegistryServer, type ServerLimits } from '../../../src/main/core/registry/server.js';
import { addUser, UserDirectory } from '../../../src/main/core/registry/users.js';
import { tempDir, writeRun } from './helpers.js';

interface Reply {
  readonly status: number;
  readonly body: { ok: boolean; result?: Record<string, unknown>; error?: { code: string; message: string } };
}

describe('the registry server stays available', () => {
  let root: string;
  let reg: string;
  let usersFile: string;
  let run: string;
  let server: RegistryServer;
  let logged: string[];
  const tokens: Record<string, string> = {};

  const start = async (limits: Partial<ServerLimits> = {}) => {
    const store = await FolderStore.open(reg, { create: true, config: { fsync: false } });
    server = await startRegistryServer({
      store,
      users: new UserDirectory(usersFile),
      limits,
      log: (line) => logged.push(line),
    });
  };

  const call = (method: string, path: string, token: string, body?: unknown) =>
    new Promise<Reply>((resolve, reject) => {
      const target = new URL(server.url);
      const text = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        {
          host: target.hostname,
          port: target.port,
          method,
          path,
          headers: {
            authorization: `Bearer ${token}`,
            ...(text === undefined ? {} : { 'content-type': 'application/json' }),
          },
        },
        (res) => {
          let data = '';
          res.on('data', (d: Buffer) => (data += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(data) as Reply['body'] }));
        },
      );
      req.on('error', reject);
      req.end(text);
    });

  const openUpload = (user: string) => call('POST', '/v1/uploads', tokens[user] as string, { name: 'fan' });

  beforeEach(async () => {
    root = await tempDir();
    reg = join(root, 'registry');
    usersFile = join(root, 'users.json');
    run = await writeRun(join(root, 'ws'), 'run-1');
    logged = [];
    for (const [name, role] of [
      ['alice', 'author'],
      ['amos', 'author'],
      ['bob', 'approver'],
      ['dana', 'admin'],
    ] as const)
      tokens[name] = await addUser(usersFile, name, role);
  });

  afterEach(async () => {
    await server.close();
  });

  it('one author cannot take every upload slot: a per-user cap, and a slot kept for admins', async () => {
    await start({ maxUploads: 6, maxUploadsPerUser: 3, adminSlots: 1 });
    for (let i = 0; i < 3; i += 1) expect((await openUpload('alice')).status).toBe(200);
    const refused = await openUpload('alice');
    expect(refused.status).toBe(503);
    expect(refused.body.error?.message).toMatch(/alice already has 3 uploads in progress, the most one user may have/);
    expect((await openUpload('amos')).status).toBe(200);
    expect((await openUpload('amos')).status).toBe(200);
    // Five of six slots are taken: the last one is an admin's.
    const full = await openUpload('amos');
    expect(full.status).toBe(503);
    expect(full.body.error?.message).toMatch(/too many uploads in progress/);
    expect((await openUpload('dana')).status).toBe(200);
  });

  it('an idle upload expires within its idle time and its staging folder is removed', async () => {
    await start({ uploadIdleMs: 300 });
    const opened = await openUpload('alice');
    const id = opened.body.result?.uploadId as string;
    expect((await readdir(join(reg, '.staging'))).length).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const late = await call('DELETE', `/v1/uploads/${id}`, tokens.alice as string);
    expect(late.status).toBe(404);
    expect(await readdir(join(reg, '.staging'))).toEqual([]);
    expect(logged.join('\n')).toMatch(/upload [0-9a-f]{8} of alice expired after 300 ms idle/);
  });

  it('slow or stalled requests are cut off: headers, and a body that stops arriving', async () => {
    await start({ headersTimeoutMs: 400, socketIdleMs: 400, requestTimeoutMs: 5000 });
    const target = new URL(server.url);
    const closedAfter = (first: string) =>
      new Promise<number>((resolve, reject) => {
        const started = performance.now();
        const socket = connect(Number(target.port), target.hostname, () => socket.write(first));
        socket.on('data', () => undefined);
        socket.on('error', () => undefined);
        socket.on('close', () => resolve(performance.now() - started));
        setTimeout(() => reject(new Error('the server kept a stalled connection open for 5 s')), 5000).unref();
      });
    // Headers never finished.
    expect(await closedAfter('GET /v1/whoami HTTP/1.1\r\nHost: x\r\n')).toBeLessThan(3000);
    // A body announced as 1 MB, of which 10 bytes arrive.
    const opened = await openUpload('alice');
    const id = opened.body.result?.uploadId as string;
    expect(
      await closedAfter(
        `PUT /v1/uploads/${id}/files/weights.bin HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${tokens.alice}\r\n` +
          'Content-Type: application/octet-stream\r\nContent-Length: 1000000\r\n\r\n0123456789',
      ),
    ).toBeLessThan(3000);
    expect((await call('GET', '/v1/whoami', tokens.bob as string)).status).toBe(200);
  });

  it('the users file is reloaded on change; a damaged or deleted one fails closed, logged, until it is fixed', async () => {
    await start();
    expect((await call('GET', '/v1/whoami', tokens.bob as string)).body.result).toEqual({
      name: 'bob',
      role: 'approver',
    });
    const good = await readFile(usersFile, 'utf8');
    await writeFile(usersFile, '{"users": [ {"name": "bob", "role": "appr');
    const refused = await call('GET', '/v1/whoami', tokens.bob as string);
    expect(refused.status).toBe(503);
    expect(refused.body.error?.message).toMatch(/users file is missing or damaged/);
    expect(logged.join('\n')).toMatch(/error: users file .*users.json is not valid/);
    await rm(usersFile);
    expect((await call('GET', '/v1/whoami', tokens.dana as string)).status).toBe(503);
    expect(logged.join('\n')).toMatch(/users file .*cannot be read: ENOENT/);
    await writeFile(usersFile, good);
    expect((await call('GET', '/v1/whoami', tokens.bob as string)).status).toBe(200);
    // A user removed from the file loses access at once.
    const users = JSON.parse(good) as { users: { name: string }[] };
    await writeFile(usersFile, JSON.stringify({ users: users.users.filter((u) => u.name !== 'bob') }));
    expect((await call('GET', '/v1/whoami', tokens.bob as string)).status).toBe(401);
  });

  it('a repeated publish with the same idempotency key returns the version it made, across a server restart', async () => {
    await start();
    const client = () => new HttpRegistry(server.url, tokens.alice as string);
    expect(await client().publish({ runDir: run, name: 'fan', idempotencyKey: 'publish-0001' })).toEqual({
      name: 'fan',
      version: 1,
    });
    await server.close();
    await start();
    expect(await client().publish({ runDir: run, name: 'fan', idempotencyKey: 'publish-0001' })).toEqual({
      name: 'fan',
      version: 1,
    });
    expect(await client().publish({ runDir: run, name: 'fan', idempotencyKey: 'publish-0002' })).toEqual({
      name: 'fan',
      version: 2,
    });
    expect(await client().publish({ runDir: run, name: 'fan' })).toEqual({ name: 'fan', version: 3 });
    const models = await client().list();
    expect(models[0]?.versions.map((v) => v.version)).toEqual([1, 2, 3]);
    // Another user's key does not collide with alice's.
    expect(
      await new HttpRegistry(server.url, tokens.amos as string).publish({
        runDir: run,
        name: 'fan',
        idempotencyKey: 'publish-0001',
      }),
    ).toEqual({ name: 'fan', version: 4 });
  });

  it('the server signs its entries with its own key, the actor being the token user; a forged card is refused through it', async () => {
    await start();
    const alice = new HttpRegistry(server.url, tokens.alice as string);
    await alice.publish({ runDir: run, name: 'fan' });
    await new HttpRegistry(server.url, tokens.bob as string).govern('approve', {
      name: 'fan',
      version: 1,
      reason: 'fine',
    });
    const entries = (await readFile(join(reg, 'audit.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, string>);
    expect(entries.map((e) => [e.actor, e.signer])).toEqual([
      ['alice', '_server'],
      ['bob', '_server'],
    ]);
    expect((await alice.verify()).ok).toBe(true);
    const dir = join(reg, 'models', 'fan', '1');
    const card = (await readFile(join(dir, 'model-card.html'), 'utf8')).replace(
      '</body>',
      '<script>alert(1)</script></body>',
    );
    await writeFile(join(dir, 'model-card.html'), card);
    const sums = parseSums(await readFile(join(dir, 'SHA256SUMS'), 'utf8'));
    sums.set('model-card.html', sha256(card));
    await writeFile(join(dir, 'SHA256SUMS'), formatSums(sums));
    await expect(alice.fetch('fan', 1, join(root, 'out'))).rejects.toThrow(
      /fan version 1: model-card.html is not the card the registry renders/,
    );
    const direct = await call('GET', '/v1/models/fan/versions/1/files/model-card.html', tokens.bob as string);
    expect(direct.status).toBe(500);
    expect(direct.body.error?.code).toBe('integrity');
    expect((await alice.verifyVersion('fan', 1)).problems[0]?.file).toBe('model-card.html');
  });
});
