import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { RegistryError } from './errors.js';
import { checkFileName } from './names.js';

export const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

export interface FileDigest {
  readonly sha256: string;
  readonly bytes: number;
}

const CHUNK = 1 << 20;

/**
 * Copies `from` to a new file `to` (fails if it exists) and returns the SHA-256 of the bytes written.
 * One pass: the hash is taken from the very buffer that is written, while the next chunk is being
 * read and the previous one written on the thread pool, so hashing overlaps the I/O.
 */
export const copyWithHash = async (
  from: string,
  to: string,
  options: { readonly fsync?: boolean } = {},
): Promise<FileDigest> => {
  const source = await open(from, 'r');
  try {
    const target = await open(to, 'wx');
    try {
      const hash = createHash('sha256');
      const buffers: readonly Buffer[] = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
      let bytes = 0;
      let turn = 0;
      let writing: Promise<unknown> = Promise.resolve();
      let reading = source.read(buffers[0] as Buffer, 0, CHUNK, null);
      for (;;) {
        const { bytesRead } = await reading;
        if (bytesRead === 0) break;
        const buffer = buffers[turn % 2] as Buffer;
        // The other buffer is free only once its write has finished.
        await writing;
        reading = source.read(buffers[(turn + 1) % 2] as Buffer, 0, CHUNK, null);
        const chunk = buffer.subarray(0, bytesRead);
        hash.update(chunk);
        writing = target.write(chunk, 0, bytesRead, null);
        bytes += bytesRead;
        turn += 1;
      }
      await writing;
      if (options.fsync === true) await target.sync();
      return { sha256: hash.digest('hex'), bytes };
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
};

/** Streams a file through SHA-256 (never loads it whole). */
export const hashFile = async (path: string): Promise<FileDigest> => {
  const handle = await open(path, 'r');
  try {
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(CHUNK);
    let bytes = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      bytes += bytesRead;
    }
    return { sha256: hash.digest('hex'), bytes };
  } finally {
    await handle.close();
  }
};

export const SUMS_FILE = 'SHA256SUMS';

/** The `sha256sum` text format (two spaces), sorted by name, so `sha256sum -c SHA256SUMS` checks a package. */
export const formatSums = (sums: ReadonlyMap<string, string>): string =>
  [...sums.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, hex]) => `${hex}  ${name}\n`)
    .join('');

export const parseSums = (text: string): Map<string, string> => {
  const sums = new Map<string, string>();
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((line, index) => {
    const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (match === null)
      throw new RegistryError('integrity', `${SUMS_FILE} line ${index + 1} is not "<sha256>  <file>"`);
    const name = checkFileName(match[2]);
    if (sums.has(name)) throw new RegistryError('integrity', `${SUMS_FILE} lists ${name} twice`);
    sums.set(name, match[1] as string);
  });
  return sums;
};
