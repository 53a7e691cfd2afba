import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** A throwaway PostgreSQL cluster on 127.0.0.1 and a free port, from Debian's packages. */
export const PG_BIN = process.env['PDM_PG_BIN'] ?? '/usr/lib/postgresql/15/bin';
export const PG_PASSWORD = 'historian-secret';

export interface PgServer {
  readonly port: number;
  readonly url: string;
  /** Run SQL as the superuser (through psql). */
  psql(sql: string): Promise<string>;
  stop(): Promise<void>;
}

const freePort = (): Promise<number> =>
  new Promise((resolvePort, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });

export const startPostgres = async (): Promise<PgServer> => {
  if (!existsSync(join(PG_BIN, 'initdb')) || !existsSync(join(PG_BIN, 'postgres'))) {
    throw new Error(
      `PostgreSQL server binaries not found in ${PG_BIN}: run "sudo apt-get install -y postgresql" (or set PDM_PG_BIN)`,
    );
  }
  const root = await mkdtemp(join(tmpdir(), 'pdm-pg-'));
  const asRoot = process.getuid?.() === 0;
  const run = promisify(execFile);
  let uid = -1;
  let gid = -1;
  if (asRoot) {
    // PostgreSQL refuses to run as root: the cluster belongs to the 'postgres' OS user.
    uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
    gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    await chown(root, uid, gid);
  }
  await chmod(root, 0o700);
  const pwfile = join(root, 'pw');
  await writeFile(pwfile, PG_PASSWORD);
  if (asRoot) await chown(pwfile, uid, gid);
  const data = join(root, 'data');
  const as = (cmd: string, args: string[]): [string, string[]] =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  const [initCmd, initArgs] = as(join(PG_BIN, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=scram-sha-256',
    `--pwfile=${pwfile}`,
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  await run(initCmd, initArgs, { cwd: '/' });
  const port = await freePort();
  const [pgCmd, pgArgs] = as(join(PG_BIN, 'postgres'), [
    '-D',
    data,
    '-h',
    '127.0.0.1',
    '-p',
    String(port),
    '-k',
    root,
    '-c',
    'fsync=off',
  ]);
  const child: ChildProcess = spawn(pgCmd, pgArgs, { cwd: '/', stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const psql = async (sql: string): Promise<string> => {
    const { stdout } = await run(
      join(PG_BIN, 'psql'),
      [
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        '-U',
        'postgres',
        '-d',
        'postgres',
        '-At',
        '-v',
        'ON_ERROR_STOP=1',
        '-c',
        sql,
      ],
      {
        env: { ...process.env, PGPASSWORD: PG_PASSWORD },
        maxBuffer: 64 << 20,
      },
    );
    return stdout.trim();
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await psql('SELECT 1');
      break;
    } catch (error) {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`PostgreSQL did not start: ${log || (error as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    psql,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        // Signal the postmaster itself (runuser in between does not pass signals on): fast shutdown.
        const pid = Number((await readFile(join(data, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0]);
        if (pid > 0) process.kill(pid, 'SIGINT');
        else child.kill('SIGINT');
        const timer = setTimeout(() => {
          if (pid > 0) process.kill(pid, 'SIGKILL');
          child.kill('SIGKILL');
        }, 15_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(root, { recursive: true, force: true });
    },
  };
};
