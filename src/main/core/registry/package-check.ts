import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RegistryError } from './errors.js';
import { hashFile, parseSums, sha256, SUMS_FILE } from './hash.js';
import { ManifestSchema, type Manifest } from './manifest.js';
import { MANIFEST_FILE, MODEL_CARD_FILE } from './run-source.js';

/** Checks a package folder file by file against its SHA256SUMS; each problem names its file. */
export interface FileProblem {
  readonly file: string;
  readonly message: string;
}

export const checkPackageFiles = async (
  dir: string,
  options: { readonly hashOnly?: ReadonlySet<string> } = {},
): Promise<{ sums: Map<string, string> | null; problems: FileProblem[] }> => {
  const problems: FileProblem[] = [];
  let sums: Map<string, string>;
  try {
    sums = parseSums(await readFile(join(dir, SUMS_FILE), 'utf8'));
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    return {
      sums: null,
      problems: [{ file: SUMS_FILE, message: missing ? `${SUMS_FILE} is missing` : (error as Error).message }],
    };
  }
  const present = new Set((await readdir(dir)).filter((name) => name !== SUMS_FILE));
  for (const [name, expected] of sums) {
    if (!present.delete(name)) {
      problems.push({ file: name, message: `${name} is listed in ${SUMS_FILE} but missing` });
      continue;
    }
    const info = await lstat(join(dir, name));
    if (!info.isFile()) {
      problems.push({ file: name, message: `${name} is not a regular file` });
      continue;
    }
    // A caller that hashes the bytes itself as it copies them (fetch) asks only for the small files.
    if (options.hashOnly !== undefined && !options.hashOnly.has(name)) continue;
    const actual = (await hashFile(join(dir, name))).sha256;
    if (actual !== expected)
      problems.push({
        file: name,
        message: `${name} does not match ${SUMS_FILE} (expected sha256 ${expected.slice(0, 12)}…, found ${actual.slice(0, 12)}…): modified`,
      });
  }
  for (const name of present) problems.push({ file: name, message: `${name} is not listed in ${SUMS_FILE}: added` });
  return { sums, problems };
};

export interface GovernedFiles {
  readonly sums: Map<string, string>;
  readonly manifestText: string;
  readonly manifest: Manifest;
  readonly cardText: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Reads the three small files that change with the governance state (manifest, card, SHA256SUMS) as one
 * consistent set. A writer replaces them one rename at a time, so a reader that catches them in between
 * waits briefly and reads again; a mismatch that persists is tampering and is refused naming the file.
 */
export const readGovernedFiles = async (dir: string, label: string): Promise<GovernedFiles> => {
  let lastError: RegistryError | null = null;
  for (let attempt = 0; attempt < 8; attempt += 1) {
    if (attempt > 0) await sleep(10 * 2 ** Math.min(attempt, 5));
    let sumsText: string;
    let manifestText: string;
    let cardText: string;
    try {
      [sumsText, manifestText, cardText] = await Promise.all([
        readFile(join(dir, SUMS_FILE), 'utf8'),
        readFile(join(dir, MANIFEST_FILE), 'utf8'),
        readFile(join(dir, MODEL_CARD_FILE), 'utf8'),
      ]);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      lastError = new RegistryError(
        'integrity',
        `${label}: ${(error as NodeJS.ErrnoException).path ?? 'a file'} is missing`,
      );
      continue;
    }
    const sums = parseSums(sumsText);
    const wrong = [
      [MANIFEST_FILE, manifestText],
      [MODEL_CARD_FILE, cardText],
    ].find(([name, text]) => sums.get(name as string) !== sha256(text as string));
    if (wrong !== undefined) {
      lastError = new RegistryError(
        'integrity',
        `${label}: ${wrong[0] as string} does not match ${SUMS_FILE}; the package was modified and is refused`,
      );
      continue;
    }
    const parsed = ManifestSchema.safeParse(JSON.parse(manifestText));
    if (!parsed.success) throw new RegistryError('integrity', `${label}: ${MANIFEST_FILE} is not a valid manifest`);
    return { sums, manifestText, manifest: parsed.data, cardText };
  }
  throw lastError ?? new RegistryError('integrity', `${label}: unreadable`);
};
