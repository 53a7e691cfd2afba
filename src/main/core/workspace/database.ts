import {
  DOUBLE,
  DuckDBDataChunk,
  DuckDBInstance,
  INTEGER,
  JSDuckDBValueConverter,
  UINTEGER,
  type DuckDBConnection,
  type DuckDBValue,
} from '@duckdb/node-api';

export type Row = Record<string, unknown>;
export type Params = readonly DuckDBValue[];

/** A column of numbers for `Connection.appendColumns`; null is SQL NULL. */
export interface AppendColumn {
  readonly type: 'INTEGER' | 'UINTEGER' | 'DOUBLE';
  readonly values: ArrayLike<number | null>;
}

const APPEND_TYPES = { INTEGER, UINTEGER, DOUBLE } as const;
/** Rows converted to objects between two turns of the event loop (see `all`). */
const YIELD_EVERY_ROWS = 8192;
/** Rows per appended data chunk (DuckDB's vector size). */
const APPEND_CHUNK = 2048;

/** DuckDB returns BIGINT and HUGEINT as bigint; the app's numbers stay well inside 2^53. */
const plain = (value: unknown): unknown => {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object' && value.constructor === Object) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
};

/** One DuckDB connection with the few operations the workspace needs. */
export class Connection {
  constructor(
    private readonly connection: DuckDBConnection,
    /** The instance's configured memory budget, for statements that raise it for a while and put it back. */
    readonly memoryLimit: string,
  ) {}

  async run(sql: string, params: Params = []): Promise<void> {
    await this.connection.run(sql, params.length > 0 ? [...params] : undefined);
  }

  /** Run a statement that changes rows; returns how many it changed. */
  async change(sql: string, params: Params = []): Promise<number> {
    return (await this.connection.run(sql, params.length > 0 ? [...params] : undefined)).rowsChanged;
  }

  /**
   * All rows of a result as objects. DuckDB computes the result off the JS thread; turning it into objects is JS
   * work, done a few chunks per turn of the event loop (see `rowChunks`). Hot paths ask for bounded results.
   */
  async all<T = Row>(sql: string, params: Params = []): Promise<T[]> {
    const rows: T[] = [];
    for await (const chunk of this.rowChunks<T>(sql, params)) for (const row of chunk) rows.push(row);
    return rows;
  }

  /**
   * The rows of a computed result as objects, a chunk (2,048 rows) at a time, giving the event loop a turn every
   * few thousand rows, so that neither the conversion nor the caller's work per chunk holds it for long
   * (getRowObjectsJS over 300,000 rows held it for 3 s). The result is complete before the first chunk, so the
   * connection is free for other statements while the caller works through it.
   */
  async *rowChunks<T = Row>(sql: string, params: Params = []): AsyncGenerator<T[]> {
    const result = await this.connection.run(sql, params.length > 0 ? [...params] : undefined);
    const names = result.deduplicatedColumnNames();
    let sinceYield = 0;
    for (;;) {
      const chunk = await result.fetchChunk();
      if (chunk === null || chunk.rowCount === 0) return;
      yield chunk.convertRows(JSDuckDBValueConverter).map((values) => {
        const row: Row = {};
        values.forEach((value, index) => {
          row[names[index] ?? String(index)] = plain(value);
        });
        return row as T;
      });
      sinceYield += chunk.rowCount;
      if (sinceYield >= YIELD_EVERY_ROWS) {
        sinceYield = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
  }

  /**
   * A result whose columns are all numbers, read column by column into typed arrays (NULL is NaN): no object per
   * row and no per-value conversion, which is what made a grid of millions of slots cost seconds and gigabytes.
   * `onChunk` receives each data chunk's columns; the arrays are reused, so it copies what it keeps.
   */
  async numberColumns(
    sql: string,
    params: Params,
    onChunk: (columns: readonly Float64Array[], rowCount: number) => void,
  ): Promise<void> {
    const result = await this.connection.run(sql, params.length > 0 ? [...params] : undefined);
    const columns = Array.from({ length: result.columnCount }, () => new Float64Array(APPEND_CHUNK));
    let sinceYield = 0;
    for (;;) {
      const chunk = await result.fetchChunk();
      if (chunk === null || chunk.rowCount === 0) return;
      const n = chunk.rowCount;
      columns.forEach((column, index) => {
        if (column.length < n) columns[index] = new Float64Array(n);
        const out = columns[index] as Float64Array;
        const vector = chunk.getColumnVector(index);
        for (let i = 0; i < n; i++) {
          const v = vector.getItem(i);
          out[i] = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : NaN;
        }
      });
      onChunk(columns, n);
      sinceYield += n;
      if (sinceYield >= YIELD_EVERY_ROWS * 8) {
        sinceYield = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
  }

  async one<T = Row>(sql: string, params: Params = []): Promise<T> {
    const rows = await this.all<T>(sql, params);
    const first = rows[0];
    if (first === undefined) throw new Error(`query returned no row: ${sql.slice(0, 80)}`);
    return first;
  }

  /** Rows in chunks of a few thousand, for results too large to hold at once. */
  async *stream(sql: string, params: Params = []): AsyncGenerator<unknown[][]> {
    const result = await this.connection.stream(sql, params.length > 0 ? [...params] : undefined);
    for (;;) {
      const chunk = await result.fetchChunk();
      if (chunk === null || chunk.rowCount === 0) return;
      yield chunk.getRows() as unknown[][];
    }
  }

  /**
   * Append rows given as columns of numbers to `table` (in `catalog`, e.g. 'temp' for a temporary table) through
   * DuckDB's appender: no SQL text and no per-value objects, several times faster than casting JSON lists.
   * The rows join the connection's open transaction, if any. The columns must have the same length.
   */
  async appendColumns(
    table: string,
    columns: readonly AppendColumn[],
    options: { readonly schema?: string; readonly catalog?: string } = {},
  ): Promise<void> {
    const rows = columns[0]?.values.length ?? 0;
    if (columns.some((c) => c.values.length !== rows))
      throw new Error('appendColumns: the columns must have the same length');
    if (rows === 0) return;
    const appender = await this.connection.createAppender(table, options.schema ?? null, options.catalog ?? null);
    try {
      const chunk = DuckDBDataChunk.create(columns.map((c) => APPEND_TYPES[c.type]));
      for (let start = 0; start < rows; start += APPEND_CHUNK) {
        const n = Math.min(APPEND_CHUNK, rows - start);
        chunk.reset();
        chunk.rowCount = n;
        columns.forEach((column, index) => {
          const vector = chunk.getColumnVector(index);
          const values = column.values;
          for (let i = 0; i < n; i++) vector.setItem(i, values[start + i] ?? null);
          vector.flush();
        });
        appender.appendDataChunk(chunk);
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }

  /** Run statements atomically: a failure or cancellation rolls everything back. */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.run('BEGIN TRANSACTION');
    try {
      const result = await work();
      await this.run('COMMIT');
      return result;
    } catch (error) {
      await this.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  /** Fraction of the running query done, or null when DuckDB cannot tell. */
  progress(): number | null {
    const p = this.connection.progress.percentage;
    return p >= 0 ? p / 100 : null;
  }

  interrupt(): void {
    this.connection.interrupt();
  }

  close(): void {
    this.connection.closeSync();
  }
}

export class Database {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly memoryLimit: string,
  ) {}

  static async open(file: string, options: { readonly memoryLimit?: string; readonly tempDirectory?: string } = {}) {
    const memoryLimit = options.memoryLimit ?? '1GB';
    const config: Record<string, string> = { memory_limit: memoryLimit };
    if (options.tempDirectory !== undefined) config['temp_directory'] = options.tempDirectory;
    return new Database(await DuckDBInstance.create(file, config), memoryLimit);
  }

  async connect(): Promise<Connection> {
    const connection = new Connection(await this.instance.connect(), this.memoryLimit);
    await connection.run("SET TimeZone = 'UTC'");
    // DuckDB tracks a query's progress only with its progress bar on; it must not print it to our stdout.
    await connection.run('SET enable_progress_bar = true');
    await connection.run('SET enable_progress_bar_print = false');
    return connection;
  }

  close(): void {
    this.instance.closeSync();
  }
}

/** Quote an identifier for SQL text (column names come from user files). */
export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** Quote a string literal for the few places DuckDB takes no parameter (table function options). */
export const quoteLiteral = (value: string): string => `'${value.replaceAll("'", "''")}'`;
