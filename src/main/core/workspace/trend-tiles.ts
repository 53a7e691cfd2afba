import type { TrendSeries } from '../../../shared/domain.js';
import type { Connection } from './database.js';
import { m4Points, type M4Bucket } from './m4.js';

/**
 * Pre-aggregated M4 tiles, so a trend over tens of millions of readings of one signal answers in milliseconds.
 *
 * M4 of a union is M4 of the parts' M4s: a tile keeps the first, last, minimum and maximum reading of a time
 * slice, and a pixel column made of whole tiles takes its four points from theirs. Tiles sit on one global
 * grid: a tile of exponent e covers [j·4^e, (j+1)·4^e) in the signal's time unit, for every signal. A tiled
 * query widens the requested range slightly (under 1/16) so that it starts on the grid and each pixel column
 * is a whole number of tiles; the answer is then exactly M4 over the raw readings of the returned range, which
 * the result states. Each signal keeps exponents from about 16 readings a tile upwards.
 *
 * Tiles are derived data: they record the reading count they were built from, and a signal whose count has
 * changed since is answered from raw readings until the tiles are rebuilt.
 */
export const TILE_MIN_READINGS = 1_000_000;
const TILE_BASE_READINGS = 16;
/** Tiles per pixel column at least: bounds how far a snapped range may differ from the requested one. */
const MIN_TILES_PER_COLUMN = 16;
const MAX_EXPONENT = 30;

const tileWidth = (exponent: number): number => 4 ** exponent;

export interface TileSet {
  readonly signalId: number;
  readonly minExponent: number;
  readonly maxExponent: number;
  readonly builtCount: number;
}

/** (Re)build the tiles of one signal; a signal below `minReadings` gets none (raw M4 is fast enough). */
export const buildTiles = async (
  db: Connection,
  signalId: number,
  minReadings = TILE_MIN_READINGS,
): Promise<boolean> => {
  const stats = await db.one<{ n: number; first: number | null; last: number | null }>(
    'SELECT count(*) AS n, min(t) AS "first", max(t) AS "last" FROM readings WHERE signal_id = $1',
    [signalId],
  );
  return db.transaction(async () => {
    await db.run('DELETE FROM trend_tiles WHERE signal_id = $1', [signalId]);
    await db.run('DELETE FROM trend_tile_sets WHERE signal_id = $1', [signalId]);
    if (stats.n < minReadings || stats.first === null || stats.last === null) return false;
    const span = Math.max(stats.last - stats.first, 1);
    let minExponent = 0;
    while (minExponent < MAX_EXPONENT && tileWidth(minExponent) < (span / stats.n) * TILE_BASE_READINGS) minExponent++;
    let maxExponent = minExponent;
    while (maxExponent < MAX_EXPONENT && span / tileWidth(maxExponent) > 256) maxExponent++;
    await db.run(
      `INSERT INTO trend_tiles
       SELECT $1, $2, t // $3 AS tile, count(*), min(t), arg_min(value, t), max(t), arg_max(value, t),
              arg_min(t, (value, t)), min(value), arg_max(t, (value, -t)), max(value)
       FROM readings WHERE signal_id = $1 AND isfinite(value) GROUP BY tile`,
      [signalId, minExponent, BigInt(tileWidth(minExponent))],
    );
    for (let e = minExponent + 1; e <= maxExponent; e++) {
      await db.run(
        `INSERT INTO trend_tiles
         SELECT signal_id, $2, tile // 4 AS parent, sum(n), min(t_first), arg_min(v_first, t_first),
                max(t_last), arg_max(v_last, t_last), arg_min(t_min, (v_min, t_min)), min(v_min), arg_max(t_max, (v_max, -t_max)), max(v_max)
         FROM trend_tiles WHERE signal_id = $1 AND exponent = $3 GROUP BY signal_id, parent`,
        [signalId, e, e - 1],
      );
    }
    await db.run('INSERT INTO trend_tile_sets VALUES ($1, $2, $3, $4)', [signalId, minExponent, maxExponent, stats.n]);
    return true;
  });
};

/** Tile sets that still match their signal's readings. */
export const currentTileSets = async (
  db: Connection,
  counts: ReadonlyMap<number, number>,
): Promise<Map<number, TileSet>> => {
  const ids = [...counts.keys()].map((id) => Math.trunc(id));
  if (ids.length === 0) return new Map();
  const rows = await db.all<{ signal_id: number; min_exponent: number; max_exponent: number; built_count: number }>(
    `SELECT * FROM trend_tile_sets WHERE signal_id IN (${ids.join(', ')})`,
  );
  return new Map(
    rows
      .filter((r) => counts.get(r.signal_id) === r.built_count)
      .map((r) => [
        r.signal_id,
        { signalId: r.signal_id, minExponent: r.min_exponent, maxExponent: r.max_exponent, builtCount: r.built_count },
      ]),
  );
};

export interface SnappedRange {
  readonly from: number;
  /** to - from: width × tiles per column × tile width, so columns are whole tiles. */
  readonly to: number;
  readonly exponent: number;
}

/** The grid-aligned range to use, or null when the range is too narrow for the coarsest usable tiles. */
export const snapRange = (from: number, to: number, width: number, sets: readonly TileSet[]): SnappedRange | null => {
  if (sets.length === 0 || to <= from) return null;
  const columnWidth = (to - from) / width;
  let exponent = -1;
  for (let e = MAX_EXPONENT; e >= 0; e--) {
    if (tileWidth(e) * MIN_TILES_PER_COLUMN <= columnWidth) {
      exponent = e;
      break;
    }
  }
  if (exponent < Math.min(...sets.map((s) => s.minExponent))) return null;
  const grid = tileWidth(exponent);
  const tilesPerColumn = Math.ceil(columnWidth / grid);
  const snappedFrom = Math.floor(from / grid) * grid;
  let snappedTo = snappedFrom + width * tilesPerColumn * grid;
  // Widening from down to the grid may leave `to` outside: one more tile per column covers it.
  if (snappedTo < to) snappedTo = snappedFrom + width * (tilesPerColumn + 1) * grid;
  if (!Number.isSafeInteger(snappedTo)) return null;
  return { from: snappedFrom, to: snappedTo, exponent };
};

/** Exact M4 over [range.from, range.to] from one signal's tiles (plus the readings at exactly range.to). */
export const tiledM4 = async (
  db: Connection,
  set: TileSet,
  range: SnappedRange,
  width: number,
): Promise<TrendSeries | null> => {
  const exponent = Math.min(range.exponent, set.maxExponent);
  if (exponent < set.minExponent) return null;
  const w = tileWidth(exponent);
  const columnSpan = (range.to - range.from) / width;
  const firstTile = range.from / w;
  const endTile = range.to / w;
  const buckets = await db.all<M4Bucket>(
    `WITH parts AS (
       SELECT (tile * ${w} - ${range.from}) // ${columnSpan} AS px, n, t_first, v_first, t_last, v_last, t_min, v_min, t_max, v_max
       FROM trend_tiles WHERE signal_id = ${set.signalId} AND exponent = ${exponent} AND tile >= ${firstTile} AND tile < ${endTile}
       UNION ALL
       SELECT ${width - 1}, 1, t, value, t, value, t, value, t, value
       FROM readings WHERE signal_id = ${set.signalId} AND t = ${range.to} AND isfinite(value)
     )
     SELECT min(t_first) AS t_first, arg_min(v_first, t_first) AS v_first, max(t_last) AS t_last,
            arg_max(v_last, t_last) AS v_last, arg_min(t_min, (v_min, t_min)) AS t_min, min(v_min) AS v_min,
            arg_max(t_max, (v_max, -t_max)) AS t_max, max(v_max) AS v_max, sum(n) AS n
     FROM parts GROUP BY px ORDER BY px`,
  );
  return { signalId: set.signalId, ...m4Points(buckets) };
};
