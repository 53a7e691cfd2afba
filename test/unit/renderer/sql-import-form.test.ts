import { describe, expect, it } from 'vitest';
import { SqlImportRequestSchema } from '../../../src/shared/sql-import.js';
import {
  describeSqlSummary,
  emptySqlImportForm,
  sqlImportRequest,
  type SqlImportForm,
} from '../../../src/renderer/logic/sql-import-form.js';

const form = (patch: Partial<SqlImportForm>): SqlImportForm => ({
  ...emptySqlImportForm,
  url: 'postgres://reader@db.plant:5432/historian',
  ...patch,
});

describe('SQL historian dialog: the form becomes a startSqlImport request', () => {
  it('builds a request the contract accepts: times as µs (no offset = UTC), empty fields left out', () => {
    const built = sqlImportRequest(
      form({ password: 's3cret', from: '2024-03-01T06:00:00', to: '2024-03-02T00:00:00+01:00', asset: ' line 2 ' }),
    );
    expect(built).toEqual({
      request: {
        url: 'postgres://reader@db.plant:5432/historian',
        query: emptySqlImportForm.query,
        layout: 'long',
        password: 's3cret',
        from: Date.UTC(2024, 2, 1, 6) * 1000,
        to: Date.UTC(2024, 2, 1, 23) * 1000,
        asset: 'line 2',
      },
    });
    if ('request' in built) expect(SqlImportRequestSchema.safeParse(built.request).success).toBe(true);
    expect(sqlImportRequest(form({}))).toEqual({
      request: { url: 'postgres://reader@db.plant:5432/historian', query: emptySqlImportForm.query, layout: 'long' },
    });
  });

  it('names the field with the problem', () => {
    expect(sqlImportRequest(form({ url: 'mysql://x@h/db' }))).toEqual({ error: expect.stringMatching(/^URL: /) });
    expect(sqlImportRequest(form({ url: 'postgres://reader:pw@h/db' }))).toEqual({
      error: expect.stringMatching(/^URL: leave the password out/),
    });
    expect(sqlImportRequest(form({ query: '  ' }))).toEqual({ error: expect.stringMatching(/^Query: /) });
    expect(sqlImportRequest(form({ query: 'SELECT ts, tag, value FROM t' }))).toEqual({
      error: expect.stringMatching(/^Query: use \$1 \(from\) and \$2 \(to\)/),
    });
    expect(sqlImportRequest(form({ from: 'yesterday' }))).toEqual({
      error: expect.stringMatching(/^From: not a time/),
    });
    expect(sqlImportRequest(form({ from: '2024-03-02', to: '2024-03-01' }))).toEqual({
      error: 'To: must be after From',
    });
  });

  it('describes the summary in words', () => {
    expect(
      describeSqlSummary({
        rows: 10_800,
        values: 10_800,
        duplicates: 0,
        signals: 3,
        signalIds: [1, 2, 3],
        resumed: true,
        fromMs: 0,
        toMs: 1,
        ranges: [],
        seconds: 0.4,
        ingestId: 1,
      }),
    ).toBe('10,800 values from 10,800 rows into 3 signals; 0 duplicates skipped; continued from the last import.');
  });
});
