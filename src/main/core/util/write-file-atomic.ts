import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Write a small file so that a crash leaves either the old or the new content, never half of one. */
export const writeFileAtomic = async (file: string, content: string): Promise<void> => {
  await mkdir(dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  await writeFile(partial, content, 'utf8');
  await rename(partial, file);
};
