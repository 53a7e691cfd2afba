import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditEntry } from './audit-entry.js';
import { RegistryError } from './errors.js';

/**
 * What this person's computer last saw of a registry's log: the newest entry they wrote or read under the
 * lock, kept in their own key folder (outside the registry). A registry rolled back to an earlier, fully
 * consistent copy (old log, old manifests, old audit.head: everything signed, just old) cannot be told from
 * inside the folder; each person who saw the later state can, and is refused instead of building on it.
 * Registries are told apart by the hash of their first entry.
 */
interface Seen {
  readonly seq: number;
  readonly hash: string;
  readonly action: string;
  readonly by: string;
  readonly at: string;
}

const pathOf = (keyDir: string, first: AuditEntry, principal: string) =>
  join(keyDir, 'seen', `${first.hash.slice(0, 32)}.${principal}.json`);

export const checkWitness = async (
  keyDir: string,
  principal: string,
  entries: readonly AuditEntry[],
): Promise<void> => {
  const first = entries[0];
  if (first === undefined) return;
  let seen: Seen;
  try {
    seen = JSON.parse(await readFile(pathOf(keyDir, first, principal), 'utf8')) as Seen;
  } catch {
    return; // never seen this registry from here
  }
  const last = entries.at(-1) as AuditEntry;
  const there = entries.find((e) => e.seq === seen.seq);
  if (seen.seq > last.seq || there?.hash !== seen.hash)
    throw new RegistryError(
      'integrity',
      `the registry's audit log was rolled back or rewritten: on ${seen.at} ${principal} saw entry seq ${seen.seq} (${seen.action} by ${seen.by}), ` +
        (seen.seq > last.seq
          ? `and the log now ends at seq ${last.seq}`
          : `and the log now has a different entry there`) +
        `; refused, nothing was changed (this computer's record: ${pathOf(keyDir, first, principal)})`,
    );
};

export const recordWitness = async (
  keyDir: string,
  principal: string,
  first: AuditEntry,
  last: AuditEntry,
): Promise<void> => {
  const path = pathOf(keyDir, first, principal);
  const seen: Seen = {
    seq: last.seq,
    hash: last.hash,
    action: last.action,
    by: last.actor,
    at: new Date().toISOString(),
  };
  await mkdir(join(keyDir, 'seen'), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(seen)}\n`, { mode: 0o600 });
  await rename(temp, path);
};
