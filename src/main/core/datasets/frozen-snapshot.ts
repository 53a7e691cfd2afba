import { join } from 'node:path';
import { z } from 'zod';
import { TimeKindSchema } from '../../../shared/domain.js';
import { AssetEventSchema, readSeriesFile, seriesLayout, SeriesLayoutSchema, writeSeriesFile } from './series-file.js';
import { DatasetError, datasetContentHash } from './prepare.js';
import type { AssetEvent } from './series.js';
import { SnapshotDefinitionSchema, type SnapshotData } from './snapshot.js';

/*
 * A dataset snapshot frozen to a file, so scoring it later does not depend on the workspace staying as it was.
 * Layout: one line of JSON (the header) and then, per asset in header order, its times and each signal's values
 * as little-endian float64 (`n` values each). The content hash is recomputed on load, over the same bytes and
 * events the snapshot was hashed over when it was made: a damaged or edited file cannot pass for the snapshot.
 */

const MAGIC = 'pdm-dataset-snapshot/1';

const HeaderSchema = z.object({
  format: z.literal(MAGIC),
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

/** Write the snapshot aside and rename it into place, so a crash leaves either the whole file or none. */
export const writeFrozenSnapshot = async (file: string, data: SnapshotData): Promise<void> => {
  const header = {
    format: MAGIC,
    id: data.id,
    contentHash: data.contentHash,
    definition: data.definition,
    assets: data.assets,
    timeKind: data.timeKind,
    windows: data.windows,
    events: data.events,
    series: seriesLayout(data.series),
  };
  await writeSeriesFile(file, header, data.series);
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
  const [series = []] = read.series([header.series]);
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
