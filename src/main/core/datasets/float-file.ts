import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/*
 * The container both frozen dataset files use: one line of JSON (the header), then float64 arrays back to back,
 * little-endian (every platform the app ships for). What the arrays are is the header's business.
 */

const bytesOf = (values: Float64Array): Uint8Array => new Uint8Array(values.buffer, values.byteOffset, values.byteLength);

/** Write aside and rename into place, synced: a crash leaves the whole file or none. */
export const writeFloatFile = async (file: string, header: unknown, arrays: Iterable<Float64Array>): Promise<void> => {
  await mkdir(dirname(file), { recursive: true });
  const partial = `${file}.partial-${randomBytes(4).toString('hex')}`;
  const handle = await open(partial, 'wx');
  try {
    await handle.write(`${JSON.stringify(header)}\n`);
    for (const values of arrays) await handle.write(bytesOf(values));
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(partial, { force: true });
    throw error;
  }
  await handle.close();
  await rename(partial, file);
};

export interface FloatFile {
  /** The header line, parsed as JSON (not yet checked). */
  readonly header: unknown;
  /** Bytes after the header line. */
  readonly dataBytes: number;
  /** The next `n` values, copied (a view would need 8-byte alignment, which the header's length does not give). */
  take(n: number): Float64Array;
}

/** Read a float file; null when it does not exist. `damaged` makes the error for a file that is not one. */
export const readFloatFile = async (file: string, damaged: (why: string) => Error): Promise<FloatFile | null> => {
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
  let offset = newline + 1;
  return {
    header,
    dataBytes: bytes.length - newline - 1,
    take: (n) => {
      if (offset + n * 8 > bytes.length) throw damaged('cut short');
      const out = new Float64Array(n);
      new Uint8Array(out.buffer).set(bytes.subarray(offset, offset + n * 8));
      offset += n * 8;
      return out;
    },
  };
};
