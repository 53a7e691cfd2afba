import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CancelledError } from '../../../../src/main/core/jobs/cancelled.js';
import { join } from 'node:path';
import { openTempWorkspace, sqlString, utcMicros, withScratchDuckDB, type TempWorkspace } from './helpers.js';

/*
 * The direct path: a clean long CSV of new signals goes from the reader into `readings` in one sorted statement.
 * Everything it cannot store as is goes to the staged path; these tests pin down which path ran through the
 * progress messages ('reading and storing' is the direct statement, 'reading' the staging one).
 */

let tw: TempWorkspace;
beforeEach(async () => {
  tw = await openTempWorkspace();
});
afterEach(async () => {
  await tw.close();
});

const T0 = utcMicros(2024, 3, 1);
const iso = (minute: number) => new Date(T0 / 1000 + minute * 60_000).toISOString().replace('.000Z', '');

/** Time-major rows: every tag at minute 0, then every tag at minute 1, ... */
const rows = (tags: readonly string[], minutes: number, from = 0) =>
  Array.from({ length: minutes }, (_, m) =>
    tags.map((tag, k) => `${tag},${iso(from + m)},${(from + m) * 10 + k}`),
  ).flat();
const csv = (lines: readonly string[]) => `tag,time,value\n${lines.join('\n')}\n`;

const recorder = () => {
  const messages: string[] = [];
  return { messages, progress: (_f: number | null, m: string) => void messages.push(m), isCancelled: () => false };
};

/** Readings out of (signal, time) order in storage order: zero when the import wrote them clustered. */
const outOfOrder = () =>
  tw.count(`SELECT count(*) AS n FROM (
      SELECT signal_id, t, lag(signal_id) OVER w AS ps, lag(t) OVER w AS pt FROM readings WINDOW w AS (ORDER BY rowid))
    WHERE ps > signal_id OR (ps = signal_id AND pt >= t)`);

describe('long CSV straight into readings', () => {
  it('a clean file of new signals is stored sorted by (signal, time) in one statement, hashed while it imports', async () => {
    const path = await tw.file('clean.csv', csv(rows(['P1', 'P2', 'P3'], 400)));
    const memoryLimit = () => tw.ws.query<{ m: string }>(`SELECT current_setting('memory_limit') AS m`);
    const everyday = await memoryLimit();
    const control = recorder();
    const summary = await tw.ingest(path, {}, control);
    // The import's larger sort budget is given back.
    expect(await memoryLimit()).toEqual(everyday);
    expect(control.messages).toContain('reading and storing');
    expect(control.messages).not.toContain('reading');
    expect(summary).toMatchObject({ rows: 1200, values: 1200, rejected: 0, duplicates: 0, signals: 3 });
    expect(await outOfOrder()).toBe(0);
    expect(await tw.readings('clean', 'P2')).toHaveLength(400);
    expect((await tw.readings('clean', 'P3'))[399]).toEqual({ t: T0 + 399 * 60_000_000, value: 3992, quality: null });
    const [record] = await tw.ws.query<{ sha256: string; bytes: number }>('SELECT sha256, bytes FROM ingests');
    expect(record?.sha256).toBe(
      createHash('sha256')
        .update(await readFile(path))
        .digest('hex'),
    );
    expect(summary.files[0]?.sha256).toBe(record?.sha256);
    expect(record?.bytes).toBe((await stat(path)).size);
  });

  it('a tag first seen after the surveyed head of the file is found by surveying the whole file', async () => {
    // 100,000 rows of P1 before P2 appears: the head survey sees only P1.
    const lines = [...rows(['P1'], 100_000), ...rows(['P2'], 50, 100_000)];
    const control = recorder();
    const summary = await tw.ingest(await tw.file('late-tag.csv', csv(lines)), {}, control);
    expect(control.messages).toContain('reading and storing');
    expect(summary).toMatchObject({ values: 100_050, signals: 2, rejected: 0 });
    expect((await tw.ws.signals()).map((s) => [s.tag, s.count])).toEqual([
      ['P1', 100_000],
      ['P2', 50],
    ]);
    expect(await outOfOrder()).toBe(0);
  });

  it('rows the reader rejects (a value that is not a number, a wrong column count) are kept aside by line, still in one statement', async () => {
    const lines = rows(['P1', 'P2'], 20);
    lines.splice(5, 0, `P1,${iso(50)},oops`);
    lines.splice(9, 0, `P2,${iso(51)},1,extra`);
    const control = recorder();
    const summary = await tw.ingest(await tw.file('reader-rejects.csv', csv(lines)), {}, control);
    expect(control.messages).toContain('reading and storing');
    expect(summary).toMatchObject({ values: 40, rejected: 2 });
    const rejects = await tw.ws.query<{ line: number; reason: string }>(
      'SELECT line, reason FROM rejects ORDER BY line',
    );
    expect(rejects.map((r) => r.line)).toEqual([7, 11]);
  });

  it('an empty value hands the file to the staged path, which keeps it aside with its line', async () => {
    const lines = rows(['P1', 'P2'], 20);
    lines.splice(3, 0, `P1,${iso(60)},`);
    const control = recorder();
    const summary = await tw.ingest(await tw.file('empty-value.csv', csv(lines)), {}, control);
    expect(control.messages).toContain('reading');
    expect(summary).toMatchObject({ values: 40, rejected: 1 });
    expect(await tw.ws.query('SELECT line, field, reason FROM rejects')).toEqual([
      { line: 5, field: 'value', reason: 'value: empty' },
    ]);
    expect(await tw.count('SELECT count(*) AS n FROM signals')).toBe(2);
    expect(await outOfOrder()).toBe(0);
  });

  it('a repeated (signal, time) hands over to the exact path: the first row wins and nothing is stored twice', async () => {
    const lines = rows(['P1', 'P2'], 20);
    lines.push(`P1,${iso(3)},999`);
    const control = recorder();
    const summary = await tw.ingest(await tw.file('repeat.csv', csv(lines)), {}, control);
    expect(summary).toMatchObject({ values: 40, duplicates: 1 });
    expect((await tw.readings('repeat', 'P1'))[3]?.value).toBe(30);
    expect(
      await tw.count('SELECT count(*) AS n FROM (SELECT signal_id, t FROM readings GROUP BY ALL HAVING count(*) > 1)'),
    ).toBe(0);
  });

  it('signals that already hold readings go the staged path, which adds only what is new', async () => {
    await tw.ingest(await tw.file('plant.csv', csv(rows(['P1'], 10))));
    const control = recorder();
    const summary = await tw.ingest(await tw.file('plant.csv', csv(rows(['P1'], 20))), {}, control);
    expect(control.messages).toContain('reading');
    expect(summary).toMatchObject({ values: 10, duplicates: 10 });
    expect(await tw.readings('plant', 'P1')).toHaveLength(20);
  });

  it('a file the size of an earlier import is hashed first: identical content stores nothing, other content imports', async () => {
    const first = await tw.ingest(await tw.file('a.csv', csv(rows(['P1'], 30))));
    expect(first.values).toBe(30);
    const again = await tw.ingest(await tw.file('a-copy.csv', csv(rows(['P1'], 30))));
    expect(again.files[0]?.previouslyImported).toBe(true);
    // Same size, one digit changed: not a repeat.
    const changed = csv(rows(['P1'], 30)).replace(`${iso(29)},290`, `${iso(29)},291`);
    const other = await tw.ingest(await tw.file('a.csv', changed));
    expect(other.files[0]?.previouslyImported).toBe(false);
    expect(other).toMatchObject({ values: 0, duplicates: 30 });
  });

  it('reports progress inside the long statement, not only between steps', async () => {
    const path = join(tw.root, 'data', 'big.csv');
    await withScratchDuckDB((all) =>
      all(`COPY (SELECT 'T' || (i % 50) AS tag, TIMESTAMP '2024-01-01' + to_seconds(i // 50) AS time, (i % 997) / 10 AS value
               FROM range(3000000) r(i)) TO ${sqlString(path)} (HEADER, DELIMITER ',', TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%S')`),
    );
    const fractions: number[] = [];
    const summary = await tw.ingest(
      path,
      {},
      {
        isCancelled: () => false,
        progress: (f, m) => void (m === 'reading and storing' && f !== null && fractions.push(f)),
      },
    );
    expect(summary.values).toBe(3_000_000);
    // The step spans 0.1..0.92 of the file's bar: DuckDB's own progress moves it in between.
    expect(fractions.some((f) => f > 0.1 && f < 0.92)).toBe(true);
  });

  it('cancelled at any progress callback it leaves nothing, and the rerun stores every reading once', async () => {
    const path = await tw.file('cancel.csv', csv(rows(['P1', 'P2', 'P3'], 2000)));
    let completed = false;
    let cancellations = 0;
    for (let n = 1; n <= 40 && !completed; n++) {
      const messages: string[] = [];
      const control = {
        progress: (_f: number | null, m: string) => void messages.push(m),
        isCancelled: () => messages.length >= n,
      };
      try {
        const summary = await tw.ingest(path, {}, control);
        completed = true;
        expect(summary.values).toBe(6000);
      } catch (error) {
        expect(error, `cancel after ${n}: ${messages.join(' > ')}`).toBeInstanceOf(CancelledError);
        cancellations++;
        expect(await tw.count('SELECT count(*) AS n FROM readings')).toBe(0);
        expect(await tw.count('SELECT count(*) AS n FROM signals')).toBe(0);
        expect(await tw.count('SELECT count(*) AS n FROM rejects')).toBe(0);
        expect((await tw.ws.ingests())[0]?.status).toBe('cancelled');
      }
    }
    expect(completed).toBe(true);
    expect(cancellations).toBeGreaterThanOrEqual(2);
    expect(await tw.count('SELECT count(*) AS n FROM readings')).toBe(6000);
    expect(await outOfOrder()).toBe(0);
  });
});
