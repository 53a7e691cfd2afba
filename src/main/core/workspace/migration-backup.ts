import { constants } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import type { Connection } from './database.js';

/** `workspace.duckdb.bak-v6-20261201-221500`: the schema version it holds and when it was taken (UTC). */
export const backupName = (file: string, fromVersion: number, at: Date): string => {
  const stamp = at
    .toISOString()
    .replace(/\.\d+Z$/, '')
    .replaceAll('-', '')
    .replaceAll(':', '')
    .replace('T', '-');
  return `${file}.bak-v${fromVersion}-${stamp}`;
};

/**
 * Before migrations change an existing workspace, copy its file aside: a migration that fails half-way, or an
 * app version the user goes back to, still has the data as it was. CHECKPOINT first writes everything the WAL
 * holds into the file, so the copy alone is the whole workspace; nothing else writes while the workspace opens.
 */
export const backupBeforeMigrating =
  (file: string, now: () => Date = () => new Date()) =>
  async (db: Connection, fromVersion: number): Promise<string> => {
    await db.run('CHECKPOINT');
    const target = backupName(file, fromVersion, now());
    // Never overwrite: an earlier backup of the same second is as good, and a user's copy must not be clobbered.
    await copyFile(file, target, constants.COPYFILE_EXCL).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') {
        throw new Error(`cannot back up ${file} before migrating it (${error.message}); nothing was changed`, {
          cause: error,
        });
      }
    });
    return target;
  };
