import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import {
  Float64,
  Int64,
  RecordBatch,
  RecordBatchFileWriter,
  Schema,
  Field,
  Struct,
  TimestampMicrosecond,
  Uint32,
  Utf8,
  makeData,
  vectorFromArray,
  type Data,
} from 'apache-arrow';
import type { ExportFormat, TimeKind } from '../../../shared/domain.js';
import { quoteLiteral, type Connection } from './database.js';

export interface ExportRequest {
  readonly signalIds: readonly number[];
  readonly from: number | undefined;
  readonly to: number | undefined;
  readonly format: ExportFormat;
  readonly path: string;
}

/** `rawTime`: the stored integer (µs or cycles) instead of a TIMESTAMPTZ, for writers that type it themselves. */
const selection = (req: ExportRequest, timeKind: TimeKind, rawTime = false): string => {
  const ids = req.signalIds.map((id) => Math.trunc(id)).join(', ');
  const time = rawTime ? 'r.t AS t' : timeKind === 'timestamp' ? 'make_timestamptz(r.t) AS "time"' : 'r.t AS cycle';
  const range = [
    req.from !== undefined ? `r.t >= ${Math.floor(req.from)}` : null,
    req.to !== undefined ? `r.t <= ${Math.ceil(req.to)}` : null,
  ]
    .filter((c) => c !== null)
    .map((c) => ` AND ${c}`)
    .join('');
  return `SELECT s.asset, s.tag, s.unit, ${time}, r.value, r.quality
          FROM readings r JOIN signals s ON s.id = r.signal_id
          WHERE r.signal_id IN (${ids})${range}
          ORDER BY s.asset, s.tag, r.t`;
};

const BATCH_ROWS = 65_536;

const writeArrow = async (db: Connection, sql: string, timeKind: TimeKind, path: string): Promise<number> => {
  const timeField =
    timeKind === 'timestamp'
      ? new Field('time', new TimestampMicrosecond('UTC'), false)
      : new Field('cycle', new Int64(), false);
  const schema = new Schema([
    new Field('asset', new Utf8(), false),
    new Field('tag', new Utf8(), false),
    new Field('unit', new Utf8(), true),
    timeField,
    new Field('value', new Float64(), true),
    new Field('quality', new Uint32(), true),
  ]);
  const out = createWriteStream(path);
  const fileWriter = new RecordBatchFileWriter();
  fileWriter.pipe(out);
  let rows = 0;
  const flush = (
    asset: string[],
    tag: string[],
    unit: (string | null)[],
    t: bigint[],
    value: (number | null)[],
    quality: (number | null)[],
  ) => {
    const times = BigInt64Array.from(t);
    const children: Data[] = [
      vectorFromArray(asset, new Utf8()).data[0] as Data,
      vectorFromArray(tag, new Utf8()).data[0] as Data,
      vectorFromArray(unit, new Utf8()).data[0] as Data,
      timeKind === 'timestamp'
        ? (makeData({ type: new TimestampMicrosecond('UTC'), length: times.length, data: times }) as Data)
        : (makeData({ type: new Int64(), length: times.length, data: times }) as Data),
      vectorFromArray(value, new Float64()).data[0] as Data,
      vectorFromArray(quality, new Uint32()).data[0] as Data,
    ];
    const data = makeData({ type: new Struct(schema.fields), length: times.length, nullCount: 0, children });
    fileWriter.write(new RecordBatch(schema, data));
    rows += times.length;
  };
  let cols: [string[], string[], (string | null)[], bigint[], (number | null)[], (number | null)[]] = [
    [],
    [],
    [],
    [],
    [],
    [],
  ];
  for await (const chunk of db.stream(sql)) {
    for (const row of chunk) {
      cols[0].push(String(row[0]));
      cols[1].push(String(row[1]));
      cols[2].push(row[2] === null ? null : String(row[2]));
      cols[3].push(BigInt(row[3] as number | bigint));
      cols[4].push(row[4] === null ? null : Number(row[4]));
      cols[5].push(row[5] === null ? null : Number(row[5]));
    }
    if (cols[0].length >= BATCH_ROWS) {
      flush(...cols);
      cols = [[], [], [], [], [], []];
    }
  }
  if (cols[0].length > 0 || rows === 0) flush(...cols);
  fileWriter.finish();
  await new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
  });
  return rows;
};

/** Write the selection to a file that pandas, pyarrow and DuckDB read; written aside, then renamed. */
export const exportReadings = async (db: Connection, req: ExportRequest): Promise<number> => {
  const kinds = await db.all<{ time_kind: TimeKind }>(
    `SELECT DISTINCT time_kind FROM signals WHERE id IN (${req.signalIds.map((id) => Math.trunc(id)).join(', ')})`,
  );
  if (kinds.length === 0) throw new Error('export: none of the signals exists');
  if (kinds.length > 1)
    throw new Error('export: choose signals with the same time axis (timestamps or cycles), not both');
  const timeKind = kinds[0]?.time_kind ?? 'timestamp';
  const sql = selection(req, timeKind);
  const partial = `${req.path}.partial`;
  try {
    let rows: number;
    switch (req.format) {
      case 'csv':
      case 'parquet': {
        const options = req.format === 'csv' ? 'FORMAT csv, HEADER true' : 'FORMAT parquet, COMPRESSION zstd';
        const selectionTimes =
          req.format === 'csv'
            ? sql.replace('make_timestamptz(r.t)', "strftime(make_timestamptz(r.t), '%Y-%m-%dT%H:%M:%S.%fZ')")
            : sql;
        await db.run(`COPY (${selectionTimes}) TO ${quoteLiteral(partial)} (${options})`);
        const counted = await db.one<{ n: number }>(`SELECT count(*) AS n FROM (${sql})`);
        rows = counted.n;
        break;
      }
      case 'arrow':
        rows = await writeArrow(db, selection(req, timeKind, true), timeKind, partial);
        break;
      default: {
        const unknown: never = req.format;
        throw new Error(`unknown export format ${String(unknown)}`);
      }
    }
    await rename(partial, req.path);
    return rows;
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
};
