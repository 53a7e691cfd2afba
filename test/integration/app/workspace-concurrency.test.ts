import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../../src/main/core/app/app-core.js';
import type { JobState } from '../../../src/shared/domain.js';
import { apiCaller } from '../../support/api-caller.js';

let root: string;
let core: AppCore;
const { call, settle } = apiCaller(() => core);

const T0 = Date.UTC(2026, 0, 1);

/** A long CSV (tag,time,value) with one reading per second of `tag` for seconds [from, to). */
const longCsv = async (name: string, tag: string, from: number, to: number, value: (i: number) => number) => {
  const lines = ['tag,time,value'];
  for (let i = from; i < to; i++) lines.push(`${tag},${new Date(T0 + i * 1000).toISOString()},${value(i)}`);
  const path = join(root, 'data', name);
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
};

const query = async <T>(sql: string): Promise<T[]> => {
  const ws = core.currentWorkspace();
  if (ws === null) throw new Error('no workspace');
  return ws.query<T>(sql);
};

const importAndSettle = async (paths: string[], asset: string): Promise<JobState> =>
  settle((await call('startImport', { paths, options: { asset } })).jobId);

/** Every done job's ingest records sum to what the job reported, and no record failed. */
const expectRecordsMatch = async (jobs: readonly JobState[]) => {
  const records = await call('listIngests', {});
  expect(records.filter((r) => r.status !== 'done')).toEqual([]);
  for (const job of jobs) {
    expect(job).toMatchObject({ status: 'done', error: null });
    for (const file of job.result?.files ?? []) {
      const record = records.find((r) => r.id === file.ingestId);
      expect(record, `ingest #${file.ingestId}`).toMatchObject({ values: file.values, rows: file.rows });
    }
  }
  const [stored] = await query<{ n: number }>('SELECT count(*) AS n FROM readings');
  expect(records.reduce((n, r) => n + r.values, 0)).toBe(stored?.n);
};

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'pdm-ws-concurrency-'));
  await writeFile(join(root, 'placeholder'), '');
  await import('node:fs/promises').then((fs) => fs.mkdir(join(root, 'data')));
  core = await createAppCore({ userDataDir: join(root, 'user-data'), shell: 'web', workspace: join(root, 'ws') });
});

afterEach(async () => {
  await core?.dispose();
  await rm(root, { recursive: true, force: true });
});

describe('one workspace, many concurrent API calls', () => {
  it('10 readings plus two overlapping 5,000-reading files imported at once give 5,005 rows', async () => {
    const first = await importAndSettle([await longCsv('first.csv', 'flow', 0, 10, (i) => i)], 'P-1');
    expect(first.result?.values).toBe(10);
    const b = await longCsv('b.csv', 'flow', 5, 5005, (i) => i + 0.5);
    const c = await longCsv('c.csv', 'flow', 5, 5005, (i) => i + 0.25);
    const [jobB, jobC] = await Promise.all([
      call('startImport', { paths: [b], options: { asset: 'P-1' } }),
      call('startImport', { paths: [c], options: { asset: 'P-1' } }),
    ]);
    const done = await Promise.all([settle(jobB.jobId), settle(jobC.jobId)]);
    const [counts] = await query<{ n: number; distinct_t: number }>(
      'SELECT count(*) AS n, count(DISTINCT (signal_id, t)) AS distinct_t FROM readings',
    );
    expect(counts).toEqual({ n: 5005, distinct_t: 5005 });
    // The first of the two stores the 4,995 new times; the second finds them all there.
    expect(done.map((j) => j.result?.values).sort()).toEqual([0, 4995]);
    await expectRecordsMatch([first, ...done]);
  });
});
