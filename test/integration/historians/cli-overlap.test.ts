import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_PASSWORD, startPostgres, type PgServer } from './postgres-server.js';

const run = promisify(execFile);
const env = () => ({ ...process.env, PDM_PASSWORD: PG_PASSWORD });
const cli = async (...args: string[]) => {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/main/cli/main.ts', ...args], {
    env: env(),
    maxBuffer: 1 << 24,
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '') as Record<string, unknown>;
};
const failure = async (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'src/main/cli/main.ts', ...args], { env: env() }).then(
    () => '',
    (error: { stderr: string; stdout: string }) => `${error.stderr}${error.stdout}`,
  );

let server: PgServer;
let dir: string;
const T0 = Date.UTC(2024, 5, 1);
const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

beforeAll(async () => {
  server = await startPostgres();
  dir = await mkdtemp(join(tmpdir(), 'pdm-cli-overlap-'));
  // Two hours of one tag every minute, minutes 100-109 not yet forwarded by the collector.
  await server.psql(`
    CREATE TABLE points (ts timestamptz NOT NULL, tag text NOT NULL, value double precision);
    INSERT INTO points SELECT timestamptz '${iso(T0)}' + i * interval '1 minute', 'LT-1', i
      FROM generate_series(0, 119) i WHERE i NOT BETWEEN 100 AND 109;
  `);
  await writeFile(
    join(dir, 'query.sql'),
    'SELECT ts AS time, tag, value FROM points WHERE ts >= $1 AND ts < $2 ORDER BY ts',
  );
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('CLI: import sql --overlap MINUTES', () => {
  it('0 re-reads nothing imported before; 30 re-reads the last half hour and picks up late rows', async () => {
    const common = ['import', 'sql', '--workspace', join(dir, 'ws'), '--url', server.url];
    const args = [...common, '--query', join(dir, 'query.sql'), '--json'];
    const first = await cli(...args, '--from', iso(T0), '--to', iso(T0 + 2 * 60 * MINUTE));
    expect(first).toMatchObject({ values: 110, resumed: false });
    await server.psql(`INSERT INTO points SELECT timestamptz '${iso(T0)}' + i * interval '1 minute', 'LT-1', i
      FROM generate_series(100, 109) i;`);
    const blind = await cli(...args, '--to', iso(T0 + 3 * 60 * MINUTE), '--overlap', '0');
    expect(blind).toMatchObject({ values: 0, resumed: true });
    expect(blind['ranges']).toEqual([{ fromMs: T0 + 119 * MINUTE, toMs: T0 + 3 * 60 * MINUTE }]);
    const late = await cli(...args, '--to', iso(T0 + 3 * 60 * MINUTE), '--overlap', '30');
    expect(late).toMatchObject({ values: 10, resumed: true });
    expect(late['ranges']).toEqual([{ fromMs: T0 + 89 * MINUTE, toMs: T0 + 3 * 60 * MINUTE }]);
    expect(await failure(...args, '--overlap', 'an hour')).toContain('--overlap');
  }, 120_000);
});
