import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { AssetSeries } from './series.js';

/*
 * The container both frozen dataset files use: one line of JSON (the header), then the series' times and values
 * as float64 arrays back to back, little-endian (every platform the app ships for). The header says, per series,
 * its asset, length and number of signals (SeriesLayoutSchema); the rest of the header is the file's business.
 */

export const SeriesLayoutSchema = z.object({
  asset: z.string(),
  n: z.number().int().nonnegative(),
  signals: z.number().int().nonnegative(),
});
export type SeriesLayout = z.infer<typeof SeriesLayoutSchema>;

export const AssetEventSchema = z.object({
  asset: z.string(),
  kind: z.string(),
  start: z.number(),
  end: z.number().nullable(),
});

export const seriesLayout = (series: readonly AssetSeries[]): SeriesLayout[] =>
  series.map((s) => ({ asset: s.asset, n: s.t.length, signals: s.values.length }));

const bytesOf = (values: Float64Array): Uint8Array =>
  new Uint8Array(values.buffer, values.byteOffset, values.byteLength);

/** Write the header and the series aside and rename into place, synced: a crash leaves the whole file or none. */
export const writeSeriesFile = async (file: string, header: unknown, series: readonly AssetSeries[]): Promise<void> => {
  await mkdir(dirname(file), { recursive: true });
  const partial = `${file}.partial-${randomBytes(4).toString('hex')}`;
  const handle = await open(partial, 'wx');
  try {
    await handle.write(`${JSON.stringify(header)}\n`);
    for (const s of series) {
      await handle.write(bytesOf(s.t));
      for (const values of s.values) await handle.write(bytesOf(values));
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

export interface SeriesFile {
  /** The header line, parsed as JSON (not yet checked). */
  readonly header: unknown;
  /** The series laid out as `layouts` says, in order; refused unless the data is exactly that long. */
  series(layouts: readonly (readonly SeriesLayout[])[]): AssetSeries[][];
}

/** Read a series file; null when it does not exist. `damaged` makes the error for a file that is not one. */
export const readSeriesFile = async (file: string, damaged: (why: string) => Error): Promise<SeriesFile | null> => {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const newline = bytes.indexOf(10);
  if (newline < 0) throw damaged('no header');
  let header: unknown;
  try {
    header = JSON.parse(bytes.subarray(0, newline).toString('utf8'));
  } catch {
    throw damaged('unreadable header');
  }
  return {
    header,
    series: (layouts) => {
      const expected = layouts.flat().reduce((sum, s) => sum + s.n * (1 + s.signals) * 8, 0);
      const dataBytes = bytes.length - newline - 1;
      if (dataBytes !== expected) throw damaged(`${dataBytes} data bytes where ${expected} belong`);
      let offset = newline + 1;
      // Copies, not views: a view needs 8-byte alignment, which the header's length does not give.
      const take = (n: number): Float64Array => {
        const out = new Float64Array(n);
        new Uint8Array(out.buffer).set(bytes.subarray(offset, offset + n * 8));
        offset += n * 8;
        return out;
      };
      return layouts.map((group) =>
        group.map((s) => ({
          asset: s.asset,
          t: take(s.n),
          values: Array.from({ length: s.signals }, () => take(s.n)),
        })),
      );
    },
  };
};
