import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { TimeKindSchema } from '../../../shared/domain.js';
import { AssetEventSchema, readSeriesFile, seriesLayout, SeriesLayoutSchema, writeSeriesFile } from './series-file.js';
import { DatasetError, datasetContentHash } from './prepare.js';
import type { AssetEvent, AssetSeries } from './series.js';
import { SnapshotDefinitionSchema, type SnapshotData } from './snapshot.js';

/*
 * Layout 2 (written now): `<id>.snapshot` holds the header line only, naming its data by SHA-256; the data (the
 * series as below) lives once per distinct content in `store/<sha256>.series`. Training freezes a snapshot per
 * run, and runs that differ only in their seed or settings have different snapshot ids over the same data: they
 * now share one copy. Layout 1 files (header and data in one file) are still read.
 *
 * A dataset snapshot frozen to a file, so scoring it later does not depend on the workspace staying as it was.
 * Layout: one line of JSON (the header) and then, per asset in header order, its times and each signal's values
 * as little-endian float64 (`n` values each). The content hash is recomputed on load, over the same bytes and
 * events the snapshot was hashed over when it was made: a damaged or edited file cannot pass for the snapshot.
 */

const MAGIC = 'pdm-dataset-snapshot/1';
const MAGIC_SHARED = 'pdm-dataset-snapshot/2';
const SERIES_MAGIC = 'pdm-series/1';

const HeaderSchema = z.object({
  format: z.union([z.literal(MAGIC), z.literal(MAGIC_SHARED)]),
  /** Layout 2: the SHA-256 of the shared series file that holds the data. */
  data: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  id: z.string(),
  contentHash: z.string().regex(/^[0-9a-f]{64}$/),
  definition: SnapshotDefinitionSchema,
  assets: z.array(z.string()),
  timeKind: TimeKindSchema,
  windows: z.number().int().nonnegative(),
  events: z.array(AssetEventSchema),
  series: z.array(SeriesLayoutSchema),
});

/** Where a workspace keeps the frozen copy of snapshot `id`. */
export const frozenSnapshotFile = (workspacePath: string, id: string): string =>
  join(workspacePath, 'artifacts', 'datasets', `${id}.snapshot`);

const seriesBlob = (snapshotFile: string, sha256: string) => join(dirname(snapshotFile), 'store', `${sha256}.series`);

const bytesOf = (values: Float64Array): Uint8Array =>
  new Uint8Array(values.buffer, values.byteOffset, values.byteLength);

/**
 * Write the snapshot: its data once per distinct content (skipped when another snapshot stored the same series),
 * then its header. Each file is written aside and renamed into place, so a crash leaves whole files or none.
 */
export const writeFrozenSnapshot = async (file: string, data: SnapshotData): Promise<void> => {
  const layout = seriesLayout(data.series);
  const blobHeader = { format: SERIES_MAGIC, series: layout };
  const hash = createHash('sha256');
  hash.update(`${JSON.stringify(blobHeader)}\n`);
  for (const s of data.series) {
    hash.update(bytesOf(s.t));
    for (const values of s.values) hash.update(bytesOf(values));
  }
  const sha256 = hash.digest('hex');
  const blob = seriesBlob(file, sha256);
  const present = await stat(blob).then(
    () => true,
    () => false,
  );
  if (!present) await writeSeriesFile(blob, blobHeader, data.series);
  const header = {
    format: MAGIC_SHARED,
    data: sha256,
    id: data.id,
    contentHash: data.contentHash,
    definition: data.definition,
    assets: data.assets,
    timeKind: data.timeKind,
    windows: data.windows,
    events: data.events,
    series: layout,
  };
  await writeSeriesFile(file, header, []);
};

/** Read a frozen snapshot; null when there is none (snapshots saved before freezing existed). */
export const readFrozenSnapshot = async (file: string): Promise<SnapshotData | null> => {
  const damaged = (why: string) =>
    new DatasetError(`${file}: the frozen dataset snapshot is damaged (${why}); create the snapshot again`);
  const read = await readSeriesFile(file, damaged);
  if (read === null) return null;
  const parsed = HeaderSchema.safeParse(read.header);
  if (!parsed.success) throw damaged('unreadable header');
  const header = parsed.data;
  let series: AssetSeries[];
  if (header.format === MAGIC_SHARED) {
    read.series([]);
    const blob = seriesBlob(file, header.data ?? '');
    const bytes = await readFile(blob).catch(() => {
      throw damaged(`its data ${blob} is missing`);
    });
    if (createHash('sha256').update(bytes).digest('hex') !== header.data)
      throw damaged('its content hash does not match');
    const shared = await readSeriesFile(blob, damaged);
    [series = []] = shared?.series([header.series]) ?? [];
  } else {
    [series = []] = read.series([header.series]);
  }
  const events: AssetEvent[] = header.events;
  const contentHash = datasetContentHash(header.definition.dataset, header.definition.seed, series, events);
  if (
    contentHash !== header.contentHash ||
    !header.id.startsWith('ds-') ||
    !contentHash.startsWith(header.id.slice(3))
  ) {
    throw damaged('its content hash does not match');
  }
  return {
    id: header.id,
    contentHash,
    definition: header.definition,
    assets: header.assets,
    timeKind: header.timeKind,
    series,
    events,
    windows: header.windows,
  };
};
