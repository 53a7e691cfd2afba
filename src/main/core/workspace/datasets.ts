import type { Connection } from './database.js';

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
  // A long range on a fine grid is millions of slots: taken a chunk at a time, the event loop keeps turning.
  const bySignal = new Map<string, Map<string, Map<number, number>>>();
  for await (const rows of db.rowChunks<{ asset: string; tag: string; slot: number; value: number }>(
    `SELECT s.asset, s.tag, CAST(floor(r.t / $${names.length + 1}) AS BIGINT) AS slot, avg(r.value) AS value
     FROM readings r JOIN signals s ON s.id = r.signal_id WHERE ${scope} AND ${GOOD_READING}
     GROUP BY ALL ORDER BY 1, 2, 3`,
    [...names, period],
  )) {
    for (const row of rows) {
      let tagsOfAsset = bySignal.get(row.asset);
      if (tagsOfAsset === undefined) bySignal.set(row.asset, (tagsOfAsset = new Map()));
      let slots = tagsOfAsset.get(row.tag);
      if (slots === undefined) tagsOfAsset.set(row.tag, (slots = new Map()));
      slots.set(row.slot, row.value);
    }
  }
  return assets.map((asset) => {
    const tagsOfAsset = bySignal.get(asset);
    const slotsPerTag = tags.map((tag) => {
      const slots = tagsOfAsset?.get(tag);
      if (slots === undefined || slots.size === 0)
        throw new Error(`asset "${asset}" has no readings of "${tag}" in the chosen range`);
      return slots;
    });
    // The grid starts where every signal has begun (nothing to carry forward before that) and runs to the latest.
    // Loops, not Math.min(...keys): a long signal has more slots than a call can take arguments.
    let start = -Infinity;
    let end = -Infinity;
    for (const slots of slotsPerTag) {
      let first = Infinity;
      for (const slot of slots.keys()) {
        if (slot < first) first = slot;
        if (slot > end) end = slot;
      }
      if (first > start) start = first;
    }
    const n = end - start + 1;
    const t = new Float64Array(n);
    for (let i = 0; i < n; i += 1) t[i] = (start + i) * period;
    const values = slotsPerTag.map((slots, k) => {
      const out = new Float64Array(n);
      let lastValue = NaN;
      for (let i = 0; i < n; i += 1) {
        const v = slots.get(start + i);
        if (v !== undefined) lastValue = v;
        else if (request.gap === 'none') lastValue = NaN;
        else if (request.gap === 'reject') {
          throw new Error(
            `gap in data: ${asset}/${tags[k] ?? ''} has no reading at t=${(start + i) * period} (gap policy "reject")`,
          );
        }
        out[i] = lastValue;
      }
      return out;
    });
    return { asset, t, values };
  });
};

export interface EventRow {
  readonly asset: string;
  readonly kind: string;
  readonly start: number;
  readonly end: number | null;
}

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
