import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { DatasetError, datasetContentHash } from './prepare.js';
import type { AssetEvent, AssetSeries } from './series.js';
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
  timeKind: z.enum(['timestamp', 'cycle']),
  windows: z.number().int().nonnegative(),
  events: z.array(z.object({ asset: z.string(), kind: z.string(), start: z.number(), end: z.number().nullable() })),
  series: z.array(z.object({ asset: z.string(), n: z.number().int().nonnegative(), signals: z.number().int().nonnegative() })),
});

/** Where a workspace keeps the frozen copy of snapshot `id`. */
export const frozenSnapshotFile = (workspacePath: string, id: string): string => join(workspacePath, 'artifacts', 'datasets', `${id}.snapshot`);

const bytesOf = (values: Float64Array): Uint8Array => new Uint8Array(values.buffer, values.byteOffset, values.byteLength);

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
    series: data.series.map((s) => ({ asset: s.asset, n: s.t.length, signals: s.values.length })),
  };
  await mkdir(dirname(file), { recursive: true });
  const partial = `${file}.partial-${randomBytes(4).toString('hex')}`;
  const handle = await open(partial, 'wx');
  try {
    await handle.write(`${JSON.stringify(header)}\n`);
    for (const s of data.series) {
      await handle.write(bytesOf(s.t));
      for (const v of s.values) await handle.write(bytesOf(v));
    }
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(partial, { force: true });
    throw error;
  }
  await handle.close();
  await rename(partial, file);
};

/** Read a frozen snapshot; null when there is none (snapshots saved before freezing existed). */
export const readFrozenSnapshot = async (file: string): Promise<SnapshotData | null> => {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const damaged = (why: string) => new DatasetError(`${file}: the frozen dataset snapshot is damaged (${why}); create the snapshot again`);
  const newline = bytes.indexOf(10);
  if (newline < 0) throw damaged('no header');
  let header: z.infer<typeof HeaderSchema>;
  try {
    header = HeaderSchema.parse(JSON.parse(bytes.subarray(0, newline).toString('utf8')));
  } catch {
    throw damaged('unreadable header');
  }
  const expected = header.series.reduce((sum, s) => sum + s.n * (1 + s.signals) * 8, 0);
  if (bytes.length - newline - 1 !== expected) throw damaged(`${bytes.length - newline - 1} data bytes where ${expected} belong`);
  let offset = newline + 1;
  // Copies, not views: a view needs 8-byte alignment, which the header's length does not give.
  const take = (n: number): Float64Array => {
    const out = new Float64Array(n);
    new Uint8Array(out.buffer).set(bytes.subarray(offset, offset + n * 8));
    offset += n * 8;
    return out;
  };
  const series: AssetSeries[] = header.series.map((s) => ({ asset: s.asset, t: take(s.n), values: Array.from({ length: s.signals }, () => take(s.n)) }));
  const events: AssetEvent[] = header.events;
  const contentHash = datasetContentHash(header.definition.dataset, header.definition.seed, series, events);
  if (contentHash !== header.contentHash || !header.id.startsWith('ds-') || !contentHash.startsWith(header.id.slice(3))) {
    throw damaged('its content hash does not match');
  }
  return { id: header.id, contentHash, definition: header.definition, assets: header.assets, timeKind: header.timeKind, series, events, windows: header.windows };
};
