import type { Connection } from './database.js';
import { listEventRecords } from './event-edits.js';

/** Readings of one asset on a common grid, as the dataset builder needs them. */
export interface GridSeries {
  readonly asset: string;
  readonly t: Float64Array;
  readonly values: Float64Array[];
}

export interface SeriesRequest {
  readonly assets: readonly string[];
  readonly tags: readonly string[];
  readonly from?: number | undefined;
  readonly to?: number | undefined;
  /** Grid spacing in the signals' time unit; readings in one slot are averaged. */
  readonly period: number;
  /** What an empty slot gets: the last value, a refusal, or NaN ('none': the dataset builder applies its policy). */
  readonly gap: 'forward-fill' | 'reject' | 'none';
}

/** OPC UA status severity "bad" (top bit); NULL quality is good (files without a status column). */
const BAD_QUALITY = 0x80000000;
/** A reading that is not missing: a finite value with a good or uncertain status. */
const GOOD_READING = `r.value IS NOT NULL AND isfinite(r.value) AND (r.quality IS NULL OR r.quality < ${BAD_QUALITY})`;

const inList = (values: readonly string[], offset: number): string => values.map((_, i) => `$${i + offset}`).join(', ');

/**
 * Load the requested signals of the requested assets onto a grid of `period` (averaging the good readings that
 * share a slot) in one query, then fill empty slots per the gap policy. A NULL, NaN or bad-quality reading is
 * missing, like no reading at all: averaging it in would train on a sensor's failure as if it were the machine.
 * The "reject" policy refuses them, naming signal and time.
 */
export const loadGridSeries = async (db: Connection, request: SeriesRequest): Promise<GridSeries[]> => {
  const { assets, tags, period } = request;
  const names: string[] = [...assets, ...tags];
  const range: string[] = [];
  if (request.from !== undefined) range.push(`r.t >= ${Number(request.from)}`);
  if (request.to !== undefined) range.push(`r.t <= ${Number(request.to)}`);
  const scope = `s.asset IN (${inList(assets, 1)}) AND s.tag IN (${inList(tags, assets.length + 1)})
    ${range.length > 0 ? `AND ${range.join(' AND ')}` : ''}`;
  if (request.gap === 'reject') {
    const bad = await db.all<{ asset: string; tag: string; n: number; first_t: number }>(
      `SELECT s.asset, s.tag, count(*) AS n, min(r.t) AS first_t FROM readings r JOIN signals s ON s.id = r.signal_id
       WHERE ${scope} AND NOT (${GOOD_READING})
       GROUP BY ALL ORDER BY 1, 2 LIMIT 5`,
      names,
    );
    if (bad.length > 0) {
      const first = bad[0] as { asset: string; tag: string; n: number; first_t: number };
      throw new Error(
        `NaN in data: ${first.asset}/${first.tag} has ${first.n} missing, non-finite or bad-quality values (first at t=${first.first_t})` +
          `${bad.length > 1 ? ` and ${bad.length - 1} more signals too` : ''}; the gap policy "reject" refuses them: choose "forward-fill" or exclude that range`,
      );
    }
  }
  // Where each signal of each asset starts and ends on the grid: one cheap aggregate, so a signal without readings
  // is named before the grid is built, and the grid's bounds are known (its arrays are allocated once).
  const bounds = await db.all<{ asset: string; tag: string; first: number; last: number }>(
    `SELECT s.asset, s.tag, CAST(floor(min(r.t) / $${names.length + 1}) AS BIGINT) AS first,
       CAST(floor(max(r.t) / $${names.length + 1}) AS BIGINT) AS last
     FROM readings r JOIN signals s ON s.id = r.signal_id WHERE ${scope} AND ${GOOD_READING} GROUP BY ALL`,
    [...names, period],
  );
  const grids = assets.map((asset) => {
    // The grid starts where every signal has begun (nothing to carry forward before that) and runs to the latest.
    let start = -Infinity;
    let end = -Infinity;
    for (const tag of tags) {
      const b = bounds.find((row) => row.asset === asset && row.tag === tag);
      if (b === undefined) throw new Error(`asset "${asset}" has no readings of "${tag}" in the chosen range`);
      start = Math.max(start, b.first);
      end = Math.max(end, b.last);
    }
    const n = end - start + 1;
    const t = new Float64Array(n);
    for (let i = 0; i < n; i += 1) t[i] = (start + i) * period;
    return { asset, start, end, t, values: tags.map(() => new Float64Array(n)) };
  });
  // Grid, averaging and fill in DuckDB: one row per slot with one column per signal, read column-wise into the
  // arrays above. Forward fill carries a value only along the grid (from its start), like a reading would.
  const p = names.length + 2;
  const tagColumns = tags.map((_, k) => `avg(r.value) FILTER (WHERE s.tag = $${assets.length + 1 + k}) AS v${k}`);
  const filled = tags.map((_, k) =>
    request.gap === 'forward-fill' ? `last_value(p.v${k} IGNORE NULLS) OVER w AS v${k}` : `p.v${k}`,
  );
  const sql = `WITH a(idx, name, lo, hi) AS (
      SELECT * FROM (VALUES ${grids.map((g, i) => `(${i}, $${i + 1}, ${g.start}, ${g.end})`).join(', ')})),
    grid AS (SELECT idx AS ai, unnest(range(lo, hi + 1)) AS slot FROM a),
    p AS (
      SELECT a.idx AS ai, CAST(floor(r.t / $${p - 1}) AS BIGINT) AS slot, ${tagColumns.join(', ')}
      FROM readings r JOIN signals s ON s.id = r.signal_id JOIN a ON a.name = s.asset
      WHERE ${scope} AND ${GOOD_READING} GROUP BY ALL)
    SELECT CAST(grid.ai AS DOUBLE) AS ai, ${filled.join(', ')}
    FROM grid LEFT JOIN p ON p.ai = grid.ai AND p.slot = grid.slot
    ${request.gap === 'forward-fill' ? 'WINDOW w AS (PARTITION BY grid.ai ORDER BY grid.slot ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)' : ''}
    ORDER BY grid.ai, grid.slot`;
  const filledUpTo = grids.map(() => 0);
  await db.numberColumns(sql, [...names, period], (columns, rows) => {
    const ai = columns[0] as Float64Array;
    for (let i = 0; i < rows;) {
      const which = ai[i] as number;
      const grid = grids[which];
      if (grid === undefined) throw new Error(`grid: unexpected asset index ${which}`);
      let j = i;
      while (j < rows && ai[j] === which) j += 1;
      const at = filledUpTo[which] as number;
      grid.values.forEach((values, k) => values.set((columns[k + 1] as Float64Array).subarray(i, j), at));
      filledUpTo[which] = at + (j - i);
      i = j;
    }
  });
  return grids.map((g, which) => {
    if (filledUpTo[which] !== g.t.length)
      throw new Error(`grid of "${g.asset}": ${filledUpTo[which]} of ${g.t.length} slots read`);
    if (request.gap === 'reject') {
      g.values.forEach((values, k) => {
        const i = values.findIndex((v) => Number.isNaN(v));
        if (i >= 0)
          throw new Error(
            `gap in data: ${g.asset}/${tags[k] ?? ''} has no reading at t=${(g.start + i) * period} (gap policy "reject")`,
          );
      });
    }
    return { asset: g.asset, t: g.t, values: g.values };
  });
};

export interface EventRow {
  readonly asset: string;
  readonly kind: string;
  readonly start: number;
  readonly end: number | null;
}

/**
 * Events of the given assets in the shape datasets label windows with, by asset then start: dataset content
 * hashes cover this list in this order, and scoring dates an asset's lives from the same list.
 */
export const listEventRows = async (db: Connection, assets: readonly string[]): Promise<EventRow[]> =>
  (await listEventRecords(db, assets))
    .map((e) => ({ asset: e.asset, kind: e.kind, start: e.startT, end: e.endT }))
    .sort((a, b) => (a.asset < b.asset ? -1 : a.asset > b.asset ? 1 : a.start - b.start));

export interface DatasetSnapshot {
  readonly id: string;
  readonly name: string;
  readonly definition: unknown;
  readonly contentHash: string;
  readonly assets: number;
  readonly windows: number;
}

/** A snapshot is identified by its content hash: the same definition over the same data is stored once. */
export const saveDatasetSnapshot = async (db: Connection, snapshot: DatasetSnapshot): Promise<void> => {
  await db.run(
    `INSERT INTO datasets (id, name, definition, content_hash, assets, windows) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (id) DO NOTHING`,
    [
      snapshot.id,
      snapshot.name,
      JSON.stringify(snapshot.definition),
      snapshot.contentHash,
      snapshot.assets,
      snapshot.windows,
    ],
  );
};

export interface DatasetSnapshotRow extends DatasetSnapshot {
  readonly createdAt: string;
}

interface DbDatasetRow {
  id: string;
  name: string;
  definition: string;
  content_hash: string;
  assets: number;
  windows: number | bigint;
  created_at: string;
}

const DATASET_SELECT = `SELECT id, name, CAST(definition AS VARCHAR) AS definition, content_hash, assets, windows,
  strftime(created_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS created_at FROM datasets`;

const toSnapshot = (r: DbDatasetRow): DatasetSnapshotRow => ({
  id: r.id,
  name: r.name,
  definition: JSON.parse(r.definition) as unknown,
  contentHash: r.content_hash,
  assets: Number(r.assets),
  windows: Number(r.windows),
  createdAt: r.created_at,
});

/** Every saved snapshot, newest first. */
export const listDatasetSnapshots = async (db: Connection): Promise<DatasetSnapshotRow[]> =>
  (await db.all<DbDatasetRow>(`${DATASET_SELECT} ORDER BY created_at DESC, id`)).map(toSnapshot);

export const getDatasetSnapshot = async (db: Connection, id: string): Promise<DatasetSnapshotRow | null> => {
  const rows = await db.all<DbDatasetRow>(`${DATASET_SELECT} WHERE id = $1`, [id]);
  return rows[0] === undefined ? null : toSnapshot(rows[0]);
};
