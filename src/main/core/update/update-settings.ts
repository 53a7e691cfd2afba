import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/write-file-atomic.js';
import { parseUpdateSource } from './update-source.js';

/*
 * The update source is one URL in the settings: `"updates": { "url": "..." }` in <user data>/settings.json,
 * which plant IT can deploy with the app, or PDM_STUDIO_UPDATE_URL for the whole machine (it wins). Other keys of
 * settings.json are kept as they are.
 */
export const SETTINGS_FILE = 'settings.json';
export const UPDATE_URL_ENV = 'PDM_STUDIO_UPDATE_URL';

export interface UpdateSetting {
  readonly url: string | null;
  /** Where the URL came from, for messages. */
  readonly from: string;
}

const readSettings = async (file: string): Promise<Record<string, unknown>> => {
  try {
    const value: unknown = JSON.parse(await readFile(file, 'utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}`);
  }
};

export const readUpdateSetting = async (
  userDataDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<UpdateSetting> => {
  const fromEnv = (env[UPDATE_URL_ENV] ?? '').trim();
  if (fromEnv !== '') return { url: fromEnv, from: UPDATE_URL_ENV };
  const file = join(userDataDir, SETTINGS_FILE);
  const updates = (await readSettings(file))['updates'];
  const url = typeof updates === 'object' && updates !== null ? (updates as Record<string, unknown>)['url'] : undefined;
  if (url === undefined || url === null || (typeof url === 'string' && url.trim() === ''))
    return { url: null, from: file };
  if (typeof url !== 'string') throw new Error(`${file}: updates.url must be a string`);
  return { url: url.trim(), from: file };
};

/** Set (or with null, clear) the update URL; refuses one that is not an http(s) URL or an absolute folder. */
export const saveUpdateUrl = async (userDataDir: string, url: string | null): Promise<void> => {
  if (url !== null) parseUpdateSource(url);
  const file = join(userDataDir, SETTINGS_FILE);
  const settings = await readSettings(file);
  const updates = typeof settings['updates'] === 'object' && settings['updates'] !== null ? settings['updates'] : {};
  await writeFileAtomic(
    file,
    `${JSON.stringify({ ...settings, updates: { ...updates, url: url === null ? null : url.trim() } }, null, 2)}\n`,
  );
};
