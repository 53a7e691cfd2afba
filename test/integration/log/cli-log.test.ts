import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOG_FILE } from '../../../src/main/core/log/logger.js';

const run = promisify(execFile);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pdm-cli-log-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Run the CLI from source with its log in `logDir`; answers stderr (the commands here fail on purpose). */
const cliFails = (logDir: string, args: readonly string[], env: Record<string, string> = {}) =>
  run(process.execPath, ['--import', 'tsx', 'src/main/cli/main.ts', ...args], {
    env: { ...process.env, PDM_LOG_DIR: logDir, PDM_STUDIO_HOME: join(dir, 'home'), ...env },
  }).then(
    () => {
      throw new Error('the command was expected to fail');
    },
    (error: { stderr: string }) => error.stderr,
  );

const lines = async (logDir: string) =>
  (await readFile(join(logDir, LOG_FILE), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { level: string; area: string; event: string; fields?: Record<string, unknown> });

describe('the CLI writes the structured log to PDM_LOG_DIR', () => {
  it('a failed import: the command, then one line naming the file and the reason', async () => {
    const logDir = join(dir, 'logs-ingest');
    const file = join(dir, 'no-time.csv');
    await writeFile(file, 'a;b;c\nx;y;z\n');
    const stderr = await cliFails(logDir, ['ingest', file, '--workspace', join(dir, 'ws')]);
    expect(stderr).toContain('no time column found');
    const log = await lines(logDir);
    expect(log[0]).toMatchObject({
      area: 'cli',
      event: 'command',
      fields: { command: `ingest ${file}`, options: ['--workspace'] },
    });
    const failed = log.filter((l) => l.area === 'import' && l.level === 'error');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      event: 'file import failed',
      fields: { file, error: { message: expect.stringContaining('no time column found') } },
    });
  });

  it('a refused OPC UA connection names endpoint and user, never the password', async () => {
    const logDir = join(dir, 'logs-browse');
    const password = 's3cret-from-env';
    const stderr = await cliFails(
      logDir,
      ['browse', '--endpoint', 'opc.tcp://127.0.0.1:1', '--user', 'operator', '--json'],
      { PDM_PASSWORD: password },
    );
    expect(stderr).toMatch(/refused|unreachable|connect/i);
    const log = await lines(logDir);
    expect(log.find((l) => l.event === 'opcua connect failed')).toMatchObject({
      level: 'warn',
      area: 'historian',
      fields: { endpoint: 'opc.tcp://127.0.0.1:1', user: 'operator', reason: 'unreachable' },
    });
    expect(log.at(-1)).toMatchObject({ level: 'error', area: 'cli', event: 'command failed' });
    expect(await readFile(join(logDir, LOG_FILE), 'utf8')).not.toContain(password);
  });
});
