import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  cliLogDir,
  createLogger,
  LOG_FILE,
  logDirIn,
  NULL_LOGGER,
  processLog,
  setProcessLog,
} from '../../../../src/main/core/log/logger.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pdm-logger-'));
});
afterEach(async () => {
  setProcessLog(NULL_LOGGER);
  await rm(dir, { recursive: true, force: true });
});

const lines = async (file: string) =>
  (await readFile(file, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('structured log', () => {
  it('writes one JSON object per line: ts, level, area, event, pid, fields', async () => {
    const logger = createLogger(join(dir, 'logs'), { now: () => new Date('2026-01-02T03:04:05.000Z') });
    logger.info('import', 'file import finished', { rows: 3, file: '/data/a.csv' });
    logger.warn('registry', 'approve refused', { code: 'forbidden' });
    expect(logger.file).toBe(join(dir, 'logs', LOG_FILE));
    expect(await lines(join(dir, 'logs', LOG_FILE))).toEqual([
      {
        ts: '2026-01-02T03:04:05.000Z',
        level: 'info',
        area: 'import',
        event: 'file import finished',
        pid: process.pid,
        fields: { rows: 3, file: '/data/a.csv' },
      },
      {
        ts: '2026-01-02T03:04:05.000Z',
        level: 'warn',
        area: 'registry',
        event: 'approve refused',
        pid: process.pid,
        fields: { code: 'forbidden' },
      },
    ]);
  });

  it('redacts secrets in fields and in the event text', async () => {
    const logger = createLogger(dir);
    logger.error('historian', 'connect opc.tcp://op:s3cret@plc failed', {
      password: 'hunter2',
      error: new Error('token=abc123 rejected'),
    });
    const text = await readFile(join(dir, LOG_FILE), 'utf8');
    expect(text).not.toMatch(/s3cret|hunter2|abc123/);
    expect(text).toContain('opc.tcp://op:[redacted]@plc');
  });

  it('rotates at the size limit and keeps at most maxFiles files', async () => {
    const logger = createLogger(join(dir, 'rot'), { rotation: { maxBytes: 400, maxFiles: 3 } });
    for (let i = 0; i < 40; i += 1) logger.info('job', 'progress', { i, pad: 'x'.repeat(60) });
    const names = (await readdir(join(dir, 'rot'))).sort();
    expect(names).toEqual([LOG_FILE, `${LOG_FILE}.1`, `${LOG_FILE}.2`]);
    for (const name of names) {
      const text = await readFile(join(dir, 'rot', name), 'utf8');
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(400);
    }
    // The newest line is in the current file, older ones in .1, and lines are whole.
    const current = await lines(join(dir, 'rot', LOG_FILE));
    expect(current.at(-1)).toMatchObject({ fields: { i: 39 } });
    const older = await lines(join(dir, 'rot', `${LOG_FILE}.1`));
    expect((older.at(-1)?.['fields'] as { i: number }).i).toBe(((current[0]?.['fields'] as { i: number }).i ?? 0) - 1);
  });

  it('never throws when the folder cannot be written', async () => {
    const blocker = join(dir, 'a-file');
    await writeFile(blocker, 'not a folder');
    const logger = createLogger(join(blocker, 'logs'));
    const stderr = process.stderr.write.bind(process.stderr);
    let written = '';
    process.stderr.write = ((chunk: string) => {
      written += chunk;
      return true;
    }) as typeof process.stderr.write;
    try {
      expect(() => logger.error('app', 'disk full?', { password: 'p4ss' })).not.toThrow();
    } finally {
      process.stderr.write = stderr;
    }
    // stderr is the last resort, still without the secret.
    expect(written).toContain('disk full?');
    expect(written).not.toContain('p4ss');
  });

  it('the process log writes nowhere until a front end installs one', async () => {
    expect(processLog().file).toBeNull();
    const logger = createLogger(dir);
    setProcessLog(logger);
    expect(processLog()).toBe(logger);
  });

  it('the CLI writes to PDM_LOG_DIR, else to the app folder logs/', () => {
    expect(cliLogDir('/home/u/.config/pdm-studio', { PDM_LOG_DIR: '/var/log/pdm' })).toBe('/var/log/pdm');
    expect(cliLogDir('/home/u/.config/pdm-studio', {})).toBe(logDirIn('/home/u/.config/pdm-studio'));
    expect(cliLogDir('/home/u/.config/pdm-studio', { PDM_LOG_DIR: '' })).toBe(
      join('/home/u/.config/pdm-studio', 'logs'),
    );
  });
});
