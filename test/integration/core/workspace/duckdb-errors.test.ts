import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  csvReadFailureOf,
  directStopOf,
  isEngineMessage,
  raiseDirectStop,
  readerRejectReasonSql,
  swallowedLinesSql,
} from '../../../../src/main/core/workspace/duckdb-errors.js';
import { tempDir } from './helpers.js';

/**
 * The error adapter is the only code that reads DuckDB's error text. Each message it relies on is produced here
 * by the real engine, so a DuckDB upgrade that rewords one fails this file, not an import in the field.
 */

let instance: DuckDBInstance;
let db: DuckDBConnection;
let dir: string;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  db = await instance.connect();
  dir = await tempDir('pdm-errors-');
});
afterAll(() => {
  db.closeSync();
  instance.closeSync();
});

const failureOf = async (sql: string): Promise<unknown> =>
  db.run(sql).then(
    () => null,
    (error: unknown) => error,
  );

const csv = async (name: string, text: string | Buffer): Promise<string> => {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
};

const read = (path: string, columns: Record<string, string>, rejects: string) =>
  `SELECT * FROM read_csv('${path}', header = true, delim = ',', quote = '"', escape = '"', auto_detect = false,
     columns = {${Object.entries(columns)
       .map(([k, v]) => `'${k}': '${v}'`)
       .join(', ')}}, store_rejects = true, rejects_table = '${rejects}', rejects_scan = '${rejects}_scan')`;

/** The reasons the adapter gives for the reader's rejects in table `rejects`, by line. */
const reasons = async (rejects: string): Promise<[number, string, boolean][]> => {
  const reader = await db.runAndReadAll(
    `SELECT line, ${readerRejectReasonSql('time', null, 'quality')} AS reason, ${swallowedLinesSql} AS swallowed
     FROM ${rejects} ORDER BY line, column_name`,
  );
  return reader.getRowObjectsJS().map((r) => [Number(r['line']), String(r['reason']), r['swallowed'] === true]);
};

describe('DuckDB error adapter', () => {
  it('reads back both direct-route markers raised inside a statement, and nothing else', async () => {
    expect(directStopOf(await failureOf(`SELECT ${raiseDirectStop('row to reject')}`))).toBe('row to reject');
    expect(directStopOf(await failureOf(`SELECT ${raiseDirectStop('tag outside the survey')}`))).toBe(
      'tag outside the survey',
    );
    expect(directStopOf(await failureOf(`SELECT error('something else')`))).toBeNull();
  });

  it('recognises mixed CRLF/LF line endings from the strict CSV reader', async () => {
    const path = await csv('mixed.csv', 'tag,time,value\r\nT,a,1\r\nT,b,2\nT,c,3\r\nT,d,4\n');
    const error = await failureOf(read(path, { tag: 'VARCHAR', time: 'VARCHAR', value: 'DOUBLE' }, 'r_mixed'));
    expect(error).not.toBeNull();
    expect(csvReadFailureOf(error)).toEqual({ kind: 'mixed line endings' });
    expect(isEngineMessage(error)).toBe(true);
  });

  it('recognises a file that is not UTF-8', async () => {
    const path = await csv('latin.csv', Buffer.from('tag,time,value\nT\xe9,a,1\n', 'latin1'));
    const error = await failureOf(
      `SELECT * FROM read_csv('${path}', header = true, delim = ',', auto_detect = false, columns = {'tag': 'VARCHAR', 'time': 'VARCHAR', 'value': 'DOUBLE'})`,
    );
    expect(csvReadFailureOf(error)).toEqual({ kind: 'not utf-8' });
  });

  it('recognises running out of memory', async () => {
    // An instance of its own: the memory limit is instance-wide.
    const small = await DuckDBInstance.create(':memory:', { memory_limit: '2MB' });
    const connection = await small.connect();
    try {
      const error = await connection
        .run(`CREATE TEMP TABLE big AS SELECT i, md5(i::VARCHAR) FROM range(3000000) r(i) ORDER BY 2`)
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(csvReadFailureOf(error)).toEqual({ kind: 'out of memory' });
      expect(isEngineMessage(error)).toBe(true);
    } finally {
      connection.closeSync();
      small.closeSync();
    }
  });

  it('flags engine text (Binder, Parser, Conversion errors) so it never reaches the user as is', async () => {
    expect(isEngineMessage(await failureOf(`SELECT no_such_column FROM range(1)`))).toBe(true);
    expect(isEngineMessage(await failureOf(`SELEC 1`))).toBe(true);
    expect(isEngineMessage(await failureOf(`SELECT 'x'::INTEGER`))).toBe(true);
    expect(isEngineMessage(new Error('/data/a.csv: the file is empty'))).toBe(false);
  });

  it('turns each reader reject into a reason in the user words: casts, field counts, unclosed quotes', async () => {
    const path = await csv(
      'rejects.csv',
      [
        'tag,time,value,quality',
        'T,2024-01-01T00:00:00,1,0', // 2 good
        'T,2024-01-01T00:00:01,abc,0', // 3 value not a number
        'T,2024-13-01T00:00:02,1,0', // 4 bad time
        'T,2024-01-01T00:00:03,1,-1', // 5 quality not a code
        'T,2024-01-01T00:00:04,1,0,extra', // 6 too many fields
        'T,2024-01-01T00:00:05,1', // 7 too few
        '"T,2024-01-01T00:00:06,1,0', // 8 unclosed quote swallowing what follows
        'T,2024-01-01T00:00:07,1,0',
        '',
      ].join('\n'),
    );
    await db.run(read(path, { tag: 'VARCHAR', time: 'TIMESTAMP', value: 'DOUBLE', quality: 'UINTEGER' }, 'r_all'));
    expect(await reasons('r_all')).toEqual([
      [3, 'value: "abc" is not a number', false],
      [4, 'time: cannot parse "2024-13-01T00:00:02"', false],
      [5, 'quality: "-1" is not a quality code (a whole number from 0)', false],
      [6, 'expected 4 fields, found 5', false],
      [7, 'expected 4 fields, found 3', false],
      [8, 'a quote (") opens in this line and never closes, or text follows a closing quote', true],
    ]);
  });
});
