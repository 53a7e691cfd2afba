import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IngestSummary, Reject } from '../../../../src/shared/domain.js';
import { hostile, longRows, mutatedFiles, type HostileFile } from '../../../fixtures/hostile/corpus.js';
import { seededRandom } from '../../../../src/shared/seeded-random.js';
import { openTempWorkspace, type TempWorkspace } from './helpers.js';

/**
 * The fuzz corpus of issue 9: each hostile file is imported exactly (every row stored or rejected with file, line,
 * field and a reason in the user's words) or refused with a message naming the file and the problem. Never a
 * hang, never DuckDB's own text or our SQL.
 */

let tw: TempWorkspace;
beforeEach(async () => {
  tw = await openTempWorkspace();
});
afterEach(async () => {
  await tw.close();
});

const write = async (f: HostileFile): Promise<string> => {
  const path = join(tw.root, 'data', f.name);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, f.content);
  return path;
};

/** Text that belongs to the engine or our SQL, never to a message for the user. */
const INTERNALS =
  /Error:|Binder|Parser|CAST|strict_mode|pdm-direct|pdm_|SELECT|read_csv|COLUMNS|INVALID|Invalid Input|STRUCT/;

const rejectsOf = async (summary: IngestSummary): Promise<Reject[]> => tw.ws.rejects(summary.files[0]?.ingestId, 1000);

const expectUserWords = (rejects: readonly Reject[]) => {
  for (const r of rejects) expect(r.reason).not.toMatch(INTERNALS);
};

const refusal = async (path: string, options = {}): Promise<string> => {
  const error = await tw.ingest(path, options).then(
    () => null,
    (e: unknown) => e as Error,
  );
  expect(error).toBeInstanceOf(Error);
  const message = error?.message ?? '';
  expect(message.startsWith(path)).toBe(true);
  expect(message).not.toMatch(INTERNALS);
  return message;
};

describe('hostile files: no silent loss', () => {
  it('unbalanced quote: the line is rejected, the rows after it are read again and stored', async () => {
    const path = await write(hostile.unbalancedQuote());
    const summary = await tw.ingest(path);
    expect(summary).toMatchObject({ rows: 20, values: 20, rejected: 1 });
    const rejects = await rejectsOf(summary);
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([
      [12, 'a quote (") opens in this line and never closes; the lines after it were read on their own'],
    ]);
    expect(rejects[0]?.raw?.startsWith('"T,')).toBe(true);
    expect((await tw.readings('unbalanced-quote', 'T')).map((r) => r.value)).toEqual(
      Array.from({ length: 21 }, (_, i) => i + 0.5).filter((v) => v !== 10.5),
    );
  });

  it('truncated last line: the summary flags the line without its line break', async () => {
    const path = await write(hostile.truncated());
    const summary = await tw.ingest(path);
    expect(summary.warnings).toEqual([
      `${path}: the file ends without a line break after "T,2024-02-01T00:00:01Z,12": check that its last line is complete (a cut-off copy loses digits)`,
    ]);
  });

  it('wide CSV: each empty cell is a reject (file, line, field); a row of empty cells does not vanish', async () => {
    const path = await write(hostile.wideEmptyCells());
    const summary = await tw.ingest(path);
    expect(summary).toMatchObject({ rows: 3, values: 8, rejected: 2 });
    expect((await rejectsOf(summary)).map((r) => [r.file, r.line, r.field, r.reason])).toEqual([
      [path, 3, 'B', 'B: empty'],
      [path, 4, 'A', 'A: empty'],
      [path, 4, 'B', 'B: empty'],
      [path, 4, 'C', 'C: empty'],
    ]);
    expect((await tw.readings('wide-empty', 'B')).map((r) => r.value)).toEqual([80.25, 81]);
  });

  it('wide CSV: one bad cell is rejected alone and the good cells of its row are kept', async () => {
    const path = await write(hostile.wideBadCell());
    const summary = await tw.ingest(path);
    expect(summary).toMatchObject({ rows: 3, values: 8, rejected: 1 });
    expect((await rejectsOf(summary)).map((r) => [r.line, r.field, r.reason])).toEqual([
      [3, 'B', 'B: "x5" is not a number'],
    ]);
    expect((await tw.readings('wide-bad-cell', 'A')).map((r) => r.value)).toEqual([1, 4, 7]);
    expect((await tw.readings('wide-bad-cell', 'C')).map((r) => r.value)).toEqual([3, 6, 9]);
  });

  it('Latin-1: read as Latin-1 with a warning, so "Druck [°C]" keeps its unit', async () => {
    const path = await write(hostile.latin1());
    const summary = await tw.ingest(path);
    expect(summary.values).toBe(2);
    expect(summary.warnings?.[0]).toMatch(/is not UTF-8 text: it is read as Latin-1/);
    expect((await tw.ws.signals()).map((s) => [s.tag, s.unit])).toEqual([['Druck', '°C']]);
  });

  it('UTF-16 with a byte-order mark imports; UTF-32 is refused by name', async () => {
    const utf16 = await write(hostile.utf16le());
    expect(await tw.ingest(utf16)).toMatchObject({ values: 2, rejected: 0, warnings: [] });
    expect((await tw.readings('utf16', 'A')).map((r) => r.value)).toEqual([1.5, 2.5]);
    expect(await refusal(await write(hostile.utf32le()))).toMatch(/UTF-32 text, which the importer does not read/);
  });

  it('two files named 0.csv in different folders do not merge silently into one asset', async () => {
    const a = await write({
      name: 'run-a/0.csv',
      content: Buffer.from(`tag,time,value\n${longRows(0, 5).join('\n')}\n`),
    });
    const b = await write({
      name: 'run-b/0.csv',
      content: Buffer.from(`tag,time,value\n${longRows(5, 10).join('\n')}\n`),
    });
    const together = await (
      await import('../../../../src/main/core/app/import-files.js')
    ).importFiles(tw.ws, [a, b], {});
    expect((await tw.ws.signals()).map((s) => `${s.asset}/${s.tag}`)).toEqual(['run-a/0/T', 'run-b/0/T']);
    expect(together.warnings?.length).toBe(2);
    expect(together.warnings?.[0]).toMatch(/2 files are named like this one/);
    // Imported one at a time, the second file is told that its default asset already holds another file's signals.
    const c = await write({
      name: 'run-c/1.csv',
      content: Buffer.from(`tag,time,value\n${longRows(20, 25).join('\n')}\n`),
    });
    const d = await write({
      name: 'run-d/1.csv',
      content: Buffer.from(`tag,time,value\n${longRows(5, 12).join('\n')}\n`),
    });
    expect((await tw.ingest(c)).warnings).toEqual([]);
    expect((await tw.ingest(d)).warnings?.[0]).toMatch(
      /asset "1" \(named after the file\) already holds signals from .*run-c\/1\.csv/,
    );
  });

  it('re-importing a file under other asset names says that the same content was imported before', async () => {
    const path = await write({
      name: 'plant.csv',
      content: Buffer.from(`tag,time,value\n${longRows(0, 5).join('\n')}\n`),
    });
    await tw.ingest(path);
    // Another default asset only: the same readings, nothing new, and the summary says so.
    expect((await tw.ingest(path, { asset: 'P-102' })).files[0]).toMatchObject({ previouslyImported: true, values: 0 });
    // Tags mapped to another asset: stored again (a deliberate copy), with a warning naming the earlier import.
    const again = await tw.ingest(path, { assets: { T: 'P-103' } });
    expect(again.values).toBe(5);
    expect(again.warnings?.[0]).toMatch(
      /the same content was imported before \(ingest #1, .*plant\.csv\) with other options/,
    );
  });
});

describe('hostile files: no hang, no internals in messages', () => {
  it('100,000 columns: refused fast with the column count', async () => {
    const path = await write(hostile.tooWide());
    const started = Date.now();
    expect(await refusal(path)).toMatch(/line 1 has 100,001 columns; at most 20,000 columns/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a valid 10,000-column wide CSV imports, detected and with the format given', async () => {
    const path = await write(hostile.wide10k());
    const summary = await tw.ingest(path);
    expect(summary).toMatchObject({ rows: 3, values: 30_000, rejected: 0, signals: 10_000 });
    const again = await openTempWorkspace();
    try {
      const given = await again.ingest(path, { delimiter: ',', format: 'wide-csv' });
      expect(given).toMatchObject({ values: 30_000 });
    } finally {
      await again.close();
    }
  }, 120_000);

  it('a named pipe is refused without opening it (opening would block)', async () => {
    const path = join(tw.root, 'data', 'pipe.csv');
    execFileSync('mkfifo', [path]);
    expect(await refusal(path)).toBe(
      `${path}: is a named pipe, not a regular file; save the data to a file and import that`,
    );
  });

  it('mixed LF/CRLF line endings: refused naming the first line that differs', async () => {
    const path = await write(hostile.mixedLineEndings());
    expect(await refusal(path)).toBe(
      `${path}: lines end in a mix of CRLF and LF: line 1 ends with CRLF, line 3 with LF; save the file with one kind of line ending`,
    );
    const record = (await tw.ws.ingests())[0];
    expect(record?.status).toBe('failed');
    expect(record?.message).not.toMatch(INTERNALS);
  });

  it('a NUL byte in a value: that line is rejected in words, the rest stored', async () => {
    const summary = await tw.ingest(await write(hostile.nulByte()));
    expect(summary).toMatchObject({ values: 19, rejected: 1 });
    const rejects = await rejectsOf(summary);
    expect(rejects.map((r) => [r.line, r.field, r.reason])).toEqual([
      [6, 'value', 'value: "4\u00005" is not a number'],
    ]);
  });

  it('a NUL byte in a tag or a time: the line is rejected in words (never our SQL); in a column name: refused', async () => {
    const summary = await tw.ingest(await write(hostile.nulInTagAndTime()));
    expect(summary).toMatchObject({ values: 18, rejected: 2, signals: 1 });
    const rejects = await rejectsOf(summary);
    expect(rejects.map((r) => [r.line, r.field, r.reason])).toEqual([
      [4, 'tag', 'tag: contains a NUL byte (binary data in a text file)'],
      [7, 'time', 'time: cannot parse "2024-02-01T00:00\\0:05Z"'],
    ]);
    const header = await write({
      name: 'nul-header.csv',
      content: Buffer.from('time,A\u0000B\n2024-01-01T00:00:00Z,1\n'),
    });
    expect(await refusal(header)).toBe(
      `${header}: line 1: the name of column 2 contains a NUL byte (binary data in a text file)`,
    );
  });

  it('a byte-order mark on a later line: that line is rejected naming the mark, no invisible second tag', async () => {
    const summary = await tw.ingest(await write(hostile.laterBom()));
    expect(summary).toMatchObject({ values: 19, rejected: 1, signals: 1 });
    const rejects = await rejectsOf(summary);
    expect(rejects.map((r) => [r.line, r.field])).toEqual([[8, 'tag']]);
    expect(rejects[0]?.reason).toMatch(/byte-order mark \(U\+FEFF\), as where two files were joined/);
  });

  it('a byte-order mark before a time in a wide CSV: the line is rejected naming the mark', async () => {
    const summary = await tw.ingest(await write(hostile.laterBomWide()));
    expect(summary).toMatchObject({ values: 3, rejected: 1 });
    const rejects = await rejectsOf(summary);
    expect(rejects.map((r) => [r.line, r.field, r.reason])).toEqual([
      [4, 'time', 'time: the line starts with a byte-order mark (U+FEFF), as where two files were joined; remove it'],
    ]);
  });

  it('empty column names: named after their position, with a warning', async () => {
    const summary = await tw.ingest(await write(hostile.emptyColumnNames()));
    expect(summary).toMatchObject({ values: 9, rejected: 0 });
    expect(summary.warnings?.[0]).toMatch(/line 1: columns 2, 4 have no name; named "column2", "column4"/);
    expect((await tw.ws.signals()).map((s) => s.tag)).toEqual(['B', 'column2', 'column4']);
  });

  it('a quoted line break inside a field imports (the sample is split into records, not lines)', async () => {
    const summary = await tw.ingest(await write(hostile.quotedNewline()));
    expect(summary).toMatchObject({ values: 20, rejected: 0 });
    expect((await tw.ws.signals()).map((s) => s.tag).sort()).toEqual(['T', 'T\nX']);
  });

  it('a 500 KB line imports: the sample grows until it holds whole lines', async () => {
    const file = hostile.hugeLine();
    const rows = longRows(0, 20);
    rows[0] = `T,2024-02-01T00:00:00Z,${'1'.repeat(500_000)}`;
    const early = await write({ name: 'huge-first.csv', content: Buffer.from(`tag,time,value\n${rows.join('\n')}\n`) });
    expect(await tw.ingest(await write(file))).toMatchObject({ values: 20, rejected: 0 });
    expect(await tw.ingest(early)).toMatchObject({ values: 20, rejected: 0 });
  });

  it('more than 10% of rows with a wrong field count: the message names those lines, and with the format chosen the rest imports', async () => {
    const path = await write(hostile.manyWrongCounts());
    expect(await refusal(path)).toMatch(
      /30 of the first 101 lines \(2, 3, 4, 12, 13, \.\.\.\) do not have the 3 fields of line 1/,
    );
    const summary = await tw.ingest(path, { delimiter: ',', format: 'long-csv' });
    expect(summary).toMatchObject({ values: 70, rejected: 30 });
    const rejects = await rejectsOf(summary);
    expect(rejects[0]).toMatchObject({ line: 2, reason: 'expected 3 fields, found 4' });
    expectUserWords(rejects);
  });

  it('year 294247 and offset +25:00 are rejected with the reason; the rest is stored', async () => {
    const summary = await tw.ingest(await write(hostile.outOfRangeTimes()));
    expect(summary).toMatchObject({ values: 18, rejected: 2 });
    expect((await rejectsOf(summary)).map((r) => [r.line, r.field, r.reason])).toEqual([
      [4, 'time', 'time: "294247-01-10T04:00:54Z" is out of range (years 1-9999)'],
      [5, 'time', 'time: "2024-02-01T00:00:03+25:00": the offset is out of range (at most ±18:00)'],
    ]);
  });

  it('ambiguous day/month order: the summary warns with an example', async () => {
    const path = await write(hostile.ambiguousDayMonth());
    const summary = await tw.ingest(path);
    expect(summary.warnings).toEqual([
      `${path}: time column "time": day/month order is ambiguous (no day above 12 in the sample; "01/02/2024 10:00:00" is read as day/month); check the timestamp format`,
    ]);
  });
});

describe('hostile files: seeded mutations', () => {
  it('30 mutated long and wide CSVs: each imports with its rejects in words, or is refused in words naming the file', async () => {
    for (const file of mutatedFiles(seededRandom(20241027), 30)) {
      const path = await write(file);
      const outcome = await tw.ingest(path).then(
        (summary) => ({ summary, error: null }),
        (error: unknown) => ({ summary: null, error: error as Error }),
      );
      if (outcome.error !== null) {
        expect(outcome.error.message.startsWith(path), outcome.error.message).toBe(true);
        expect(outcome.error.message).not.toMatch(INTERNALS);
        expect(outcome.error.message).not.toMatch(/cannot be read as/);
      } else {
        expectUserWords(await rejectsOf(outcome.summary));
      }
    }
  }, 180_000);
});
