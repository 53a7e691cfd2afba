import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importFiles } from '../../../../src/main/core/app/import-files.js';
import { Database } from '../../../../src/main/core/workspace/database.js';
import { CancelledError } from '../../../../src/main/core/jobs/cancelled.js';
import { Workspace, WORKSPACE_FILE } from '../../../../src/main/core/workspace/workspace.js';
import { openTempWorkspace, sqlString, utcMicros, withScratchDuckDB, type TempWorkspace } from './helpers.js';

let tw: TempWorkspace;
beforeEach(async () => {
  tw = await openTempWorkspace();
});
afterEach(async () => {
  await tw.close();
});

const T0 = utcMicros(2024, 3, 1);
const iso = (minute: number) => new Date(T0 / 1000 + minute * 60_000).toISOString();

/** Cancel once `n` progress callbacks have been seen. */
const cancelAfter = (n: number) => {
  const messages: string[] = [];
  return {
    messages,
    progress: (_fraction: number | null, message: string) => {
      messages.push(message);
    },
    isCancelled: () => messages.length >= n,
  };
};

const longCsv = (tags: readonly string[], minutes: number, bad = true) =>
  `${[
    'tag,time,value',
    ...Array.from({ length: minutes }, (_, m) => tags.map((tag, k) => `${tag},${iso(m)},${m * 10 + k}`)).flat(),
    ...(bad ? [`${tags[0]},${iso(minutes)},oops`] : []),
  ].join('\n')}\n`;

interface Snapshot {
  readonly readings: unknown;
  readonly signals: unknown;
  readonly rejects: number;
}
const snapshot = async (): Promise<Snapshot> => ({
  readings: await tw.ws.query('SELECT signal_id, t, value, quality FROM readings ORDER BY ALL'),
  signals: await tw.ws.query('SELECT id, asset, tag, unit, time_kind FROM signals ORDER BY id'),
  rejects: await tw.count('SELECT count(*) AS n FROM rejects'),
});

describe('cancelling an import', () => {
  it('after the first progress callback: nothing stored, record says cancelled; a second run imports everything once', async () => {
    const file = await tw.file('cancel-me.csv', longCsv(['A', 'B', 'C'], 200));
    const control = cancelAfter(1);
    const error = await tw.ingest(file, {}, control).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledError);
    expect(control.messages.length).toBeGreaterThanOrEqual(1);
    expect(await tw.count('SELECT count(*) AS n FROM readings')).toBe(0);
    expect(await tw.count('SELECT count(*) AS n FROM signals')).toBe(0);
    expect(await tw.count('SELECT count(*) AS n FROM rejects')).toBe(0);
    const [record] = await tw.ws.ingests();
    expect(record).toMatchObject({ status: 'cancelled', message: 'cancelled by user', values: 0, rows: 0 });
    expect(record?.finishedAt).not.toBeNull();

    const summary = await tw.ingest(file);
    expect(summary).toMatchObject({ values: 600, rows: 600, rejected: 1, duplicates: 0, signals: 3 });
    expect(summary.files[0]?.previouslyImported).toBe(false);
    expect(await tw.count('SELECT count(*) AS n FROM readings')).toBe(600);
    expect(await tw.count('SELECT count(*) AS n FROM (SELECT DISTINCT signal_id, t FROM readings)')).toBe(600);
    expect(await tw.count('SELECT count(*) AS n FROM rejects')).toBe(1);
    expect((await tw.ws.ingests()).map((r) => r.status)).toEqual(['done', 'cancelled']);
  });

  const formats: [string, number, () => Promise<string>][] = [
    ['long CSV', 300, () => tw.file('more.csv', longCsv(['A', 'D'], 300))],
    [
      'wide CSV',
      300,
      () =>
        tw.file(
          'more.csv',
          `time,A,D\n${Array.from({ length: 300 }, (_, m) => `${iso(m)},${m},${-m}`).join('\n')}\nbad,1,2\n`,
        ),
    ],
    [
      'Parquet',
      299, // one empty value
      async () => {
        const path = join(tw.root, 'data', 'more.parquet');
        await withScratchDuckDB((all) =>
          all(`COPY (SELECT CASE WHEN i % 2 = 0 THEN 'A' ELSE 'D' END AS tag, TIMESTAMPTZ '2024-03-01 00:00:00+00' + to_minutes((i // 2)::BIGINT) AS time,
                  CASE WHEN i = 7 THEN NULL ELSE i END::DOUBLE AS value FROM range(600) r(i)) TO ${sqlString(path)} (FORMAT parquet)`),
        );
        return path;
      },
    ],
  ];

  for (const [name, countD, write] of formats) {
    it(`${name}: cancelled at any point it leaves the workspace as it was, and the rerun stores every reading once`, async () => {
      // Existing data that shares signal A with the file.
      await tw.ingest(await tw.file('existing.csv', longCsv(['A', 'B'], 50, false)), { asset: 'more' });
      const before = await snapshot();
      const file = await write();
      let completed = false;
      let cancellations = 0;
      for (let n = 1; n <= 60 && !completed; n++) {
        const control = cancelAfter(n);
        try {
          const summary = await tw.ingest(file, {}, control);
          completed = true;
          expect(summary.files[0]?.previouslyImported).toBe(false);
          expect(summary.rejected).toBe(1);
          expect(summary.values + summary.duplicates).toBe(300 + countD);
          expect(summary.duplicates).toBe(50);
        } catch (error) {
          expect(error, `cancel after ${n} callbacks`).toBeInstanceOf(CancelledError);
          cancellations++;
          expect(await snapshot(), `cancel after ${n}: ${control.messages.join(' > ')}`).toEqual(before);
          expect((await tw.ws.ingests())[0]?.status).toBe('cancelled');
        }
      }
      expect(completed).toBe(true);
      expect(cancellations).toBeGreaterThanOrEqual(4);
      // Exactly once: every (signal, time) once, A's existing 50 minutes kept.
      const signals = await tw.ws.signals();
      expect(signals.map((s) => [s.tag, s.count])).toEqual([
        ['A', 300],
        ['B', 50],
        ['D', countD],
      ]);
      expect(
        await tw.count(
          'SELECT count(*) AS n FROM (SELECT signal_id, t FROM readings GROUP BY ALL HAVING count(*) > 1)',
        ),
      ).toBe(0);
      const statuses = (await tw.ws.ingests()).map((r) => r.status);
      expect(statuses.filter((s) => s === 'done')).toHaveLength(2);
      expect(statuses.filter((s) => s === 'cancelled')).toHaveLength(cancellations);
    });
  }

  it('C-MAPSS: cancelled before storing leaves nothing', async () => {
    const line = (u: number, c: number) =>
      `${u} ${c} 0.1 0.2 100.0 ${Array.from({ length: 21 }, (_, i) => (i + c / 7).toFixed(3)).join(' ')}`;
    const file = await tw.file(
      'c_FD001.txt',
      `${Array.from({ length: 40 }, (_, c) => line(1 + (c % 2), c + 1)).join('\n')}\n`,
    );
    let completed = false;
    for (let n = 1; n <= 30 && !completed; n++) {
      try {
        await tw.ingest(file, {}, cancelAfter(n));
        completed = true;
      } catch (error) {
        expect(error).toBeInstanceOf(CancelledError);
        expect(await tw.count('SELECT count(*) AS n FROM readings')).toBe(0);
        expect(await tw.count('SELECT count(*) AS n FROM signals')).toBe(0);
      }
    }
    expect(completed).toBe(true);
    expect(await tw.count('SELECT count(*) AS n FROM readings')).toBe(40 * 24);
  });

  it('in a multi-file import, the files already done stay done', async () => {
    const one = await tw.file('one.csv', longCsv(['A'], 10, false));
    const two = await tw.file('two.csv', longCsv(['B'], 10, false));
    let seenSecond = false;
    const error = await importFiles(
      tw.ws,
      [one, two],
      {},
      {
        progress: (_f, message) => {
          if (message.startsWith('file 2 of 2')) seenSecond = true;
        },
        isCancelled: () => seenSecond,
      },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledError);
    expect((await tw.ws.signals()).map((s) => s.tag)).toEqual(['A']);
    const again = await importFiles(tw.ws, [one, two], {});
    expect(again.files.map((f) => f.previouslyImported)).toEqual([true, false]);
    expect(again.values).toBe(10);
    expect(await tw.count('SELECT count(*) AS n FROM readings')).toBe(20);
  });
});

describe('a failing import', () => {
  it('a signal indexed by cycles imported as timestamps: refused, workspace unchanged, record failed', async () => {
    await tw.ingest(await tw.file('cycles.csv', `tag,cycle,value\nT,1,1\nT,2,2\nU,1,3\n`), { asset: 'E1' });
    const before = await snapshot();
    const clash = await tw.file(
      'times.csv',
      `${['tag,time,value', `New,${iso(0)},1`, `T,${iso(0)},5`, `T,${iso(1)},6`, `T,${iso(2)},x`, `New,later,1`].join('\n')}\n`,
    );
    await expect(tw.ingest(clash, { asset: 'E1' })).rejects.toThrow(
      /signal "E1 \/ T" is indexed by cycle, this file by timestamp/,
    );
    expect(await snapshot()).toEqual(before);
    const [record] = await tw.ws.ingests();
    expect(record).toMatchObject({ status: 'failed', values: 0 });
    expect(record?.message).toMatch(/indexed by cycle/);
    // The failed record does not count as an earlier import of that file.
    const fixed = await tw.ingest(clash, { asset: 'E2' });
    expect(fixed).toMatchObject({ values: 3, rejected: 2 });
  });

  it('an import interrupted by a crash is marked failed when the workspace is opened again', async () => {
    tw.ws.close();
    const path = join(tw.root, 'workspace');
    const database = await Database.open(join(path, WORKSPACE_FILE));
    const db = await database.connect();
    await db.run(`INSERT INTO ingests (file, format, sha256, status) VALUES ('/x.csv', 'long-csv', 'abc', 'running')`);
    db.close();
    database.close();
    const reopened = await Workspace.open(path);
    try {
      const [record] = await reopened.ingests();
      expect(record).toMatchObject({ status: 'failed', file: '/x.csv' });
      expect(record?.message).toMatch(/interrupted/);
    } finally {
      reopened.close();
    }
    // Let afterEach's close() be a no-op for the closed workspace.
    Object.assign(tw, { ws: { close: () => undefined } });
  });
});
