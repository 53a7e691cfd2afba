// Registry publish and fetch of a 50 MB package, to a folder and to the registry server on 127.0.0.1,
// against the limits: a plain file copy and a plain HTTP transfer of the same bytes (no hashing, no checks).
// Usage: npx tsx bench/registry.ts [--mb 50] [--repeat 3]
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FolderRegistry } from '../src/main/core/registry/folder-registry.js';
import { FolderStore } from '../src/main/core/registry/folder-store.js';
import { hashFile } from '../src/main/core/registry/hash.js';
import { HttpRegistry } from '../src/main/core/registry/http-registry.js';
import { addUser } from '../src/main/core/registry/users.js';
import { writeRun } from '../test/integration/registry/helpers.js';
import { median, outDir, repoRoot } from './util.js';

const { values } = parseArgs({
  options: { mb: { type: 'string', default: '50' }, repeat: { type: 'string', default: '3' } },
});
const bytes = Math.round((Number(values.mb) * 1024 * 1024) / 4) * 4;
const repeat = Number(values.repeat);
const root = join(outDir, 'registry');
await rm(root, { recursive: true, force: true });
await mkdir(root, { recursive: true });
const runDir = await writeRun(join(root, 'ws'), 'run-bench', { weightBytes: bytes });
const runFiles = await readdir(runDir);
let serial = 0;
const fresh = (label: string) => join(root, `${label}-${(serial += 1)}`);

const time = async (work: () => Promise<unknown>): Promise<number> => {
  const start = performance.now();
  await work();
  return (performance.now() - start) / 1000;
};
const measure = async (work: () => Promise<unknown>) => {
  const runs: number[] = [];
  for (let i = 0; i < repeat; i += 1) runs.push(await time(work));
  return median(runs);
};
const compare = (ours: number, limit: number) => ({
  oursS: Number(ours.toFixed(3)),
  limitS: Number(limit.toFixed(3)),
  ratioToLimit: Number((limit / ours).toFixed(3)),
  oursMBps: Math.round(bytes / 1048576 / ours),
});

const plainCopy = async (from: string, to: string) => {
  await mkdir(to);
  for (const f of await readdir(from)) await copyFile(join(from, f), join(to, f));
};

const startChild = async (args: readonly string[]): Promise<{ child: ChildProcess; url: string }> => {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const url = await new Promise<string>((resolve) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /"url":"([^"]+)"/.exec(out);
      if (m?.[1] !== undefined) resolve(m[1]);
    });
  });
  return { child, url };
};

const plainPut = (url: string, file: string) =>
  new Promise<void>((resolve, reject) => {
    void stat(file).then((info) => {
      const req = request(
        `${url}/${serial}-${file.split('/').pop() ?? ''}`,
        { method: 'PUT', headers: { 'content-length': info.size } },
        (res) => {
          res.resume();
          res.on('end', resolve);
        },
      );
      req.on('error', reject);
      createReadStream(file, { highWaterMark: 1 << 20 }).pipe(req);
    });
  });
const plainGet = (url: string, name: string, to: string) =>
  new Promise<void>((resolve, reject) => {
    request(`${url}/${name}`, (res) => {
      const out = createWriteStream(to);
      res.pipe(out);
      out.on('close', resolve);
    })
      .on('error', reject)
      .end();
  });

// Folder registry (fsync on, the default, and off).
const folder = async (fsync: boolean) => {
  const store = await FolderStore.open(join(root, `folder-${fsync ? 'fsync' : 'nofsync'}`), {
    create: true,
    config: { fsync },
  });
  const registry = new FolderRegistry(store, 'bench');
  const publish = compare(
    await measure(() => registry.publish({ runDir, name: 'bench' })),
    await measure(() => plainCopy(runDir, fresh('copy'))),
  );
  const pkg = store.versionDir('bench', 1);
  const fetch = compare(
    await measure(() => registry.fetch('bench', 1, fresh('fetch'))),
    await measure(() => plainCopy(pkg, fresh('copy'))),
  );
  return { publish, fetch };
};

const server = async () => {
  const usersFile = join(root, 'users.json');
  const token = await addUser(usersFile, 'author', 'admin');
  const reg = await startChild([
    'src/main/cli/main.ts',
    'registry',
    'serve',
    '--dir',
    join(root, 'server-registry'),
    '--users',
    usersFile,
    '--json',
  ]);
  const plainDir = join(root, 'plain-server');
  await mkdir(plainDir);
  const plain = await startChild(['bench/registry-plain-server.ts', plainDir]);
  try {
    const client = new HttpRegistry(reg.url, token);
    const publish = compare(
      await measure(() => client.publish({ runDir, name: 'bench' })),
      await measure(async () => {
        serial += 1;
        for (const f of runFiles) await plainPut(plain.url, join(runDir, f));
      }),
    );
    const prefix = `${serial}-`;
    const names = (await readdir(plainDir)).filter((x) => x.startsWith(prefix));
    const fetch = compare(
      await measure(() => client.fetch('bench', 1, fresh('http-fetch'))),
      await measure(async () => {
        const to = fresh('plain-get');
        await mkdir(to);
        for (const n of names) await plainGet(plain.url, n, join(to, n));
      }),
    );
    return { publish, fetch };
  } finally {
    reg.child.kill('SIGTERM');
    plain.child.kill('SIGTERM');
    await Promise.all([once(reg.child, 'exit'), once(plain.child, 'exit')]);
  }
};

// Any verified copy must hash every byte once: this CPU's SHA-256 speed is a floor under "ours".
const weights = join(runDir, 'weights.bin');
const sha256FloorS = await measure(() => hashFile(weights));

const result = {
  benchmark: 'registry',
  packageMiB: Number((bytes / 1048576).toFixed(1)),
  repeat,
  sha256FloorS: Number(sha256FloorS.toFixed(3)),
  target: 'ratioToLimit >= 0.7 (limit = plain copy / plain HTTP transfer of the same bytes)',
  folder: await folder(true),
  folderNoFsync: await folder(false),
  server: await server(),
};
console.log(JSON.stringify(result, null, 2));
await rm(root, { recursive: true, force: true });
