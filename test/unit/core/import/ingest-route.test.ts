import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planImport, type ParquetDescription } from '../../../../src/main/core/import/plan.js';
import { afterHandover, chooseRoute } from '../../../../src/main/core/workspace/ingest-route.js';

/** The direct-vs-staged decision is a plan made before reading, not a reaction to caught exceptions. */

let dir: string;
const noParquet = async (): Promise<ParquetDescription> => {
  throw new Error('not Parquet');
};
const plan = async (name: string, text: string, options = {}) => {
  const path = join(dir, name);
  await writeFile(path, text);
  return planImport(path, options, noParquet);
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pdm-route-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const LONG = 'tag,time,value\nT,2024-01-01T00:00:00,1\nT,2024-01-01T00:00:01,2\n';

describe('chooseRoute', () => {
  it('a long CSV in UTC goes direct', async () => {
    expect(chooseRoute(await plan('a.csv', LONG))).toEqual({ path: 'direct' });
  });

  it('a long CSV read in a zone with clock changes is staged (file order resolves repeated autumn times)', async () => {
    expect(chooseRoute(await plan('b.csv', LONG, { timeZone: 'Europe/Berlin' }))).toEqual({
      path: 'staged',
      exact: false,
      reason: 'local times in a zone with clock changes',
    });
    // A fixed-offset zone keeps the direct route.
    expect(chooseRoute(await plan('c.csv', LONG, { timeZone: 'Etc/GMT-3' }))).toEqual({ path: 'direct' });
  });

  it('wide CSV is always staged', async () => {
    expect(chooseRoute(await plan('d.csv', 'time,A\n2024-01-01T00:00:00,1\n2024-01-01T00:00:01,2\n'))).toMatchObject({
      path: 'staged',
      reason: 'not long CSV',
    });
  });

  it('a hand-over names its reason; only repeated readings need exact duplicate detection', () => {
    expect(afterHandover('repeated readings')).toEqual({ path: 'staged', exact: true, reason: 'repeated readings' });
    expect(afterHandover('rows to reject')).toEqual({ path: 'staged', exact: false, reason: 'rows to reject' });
    expect(afterHandover('tags beyond the survey').path).toBe('staged');
  });
});
