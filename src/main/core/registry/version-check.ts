import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Checkpoint } from './audit-entry.js';
import type { VersionState } from './governance.js';
import { SUMS_FILE } from './hash.js';
import { governanceOfVersion, manifestCoreHash, ManifestSchema, serializeManifest, splitManifest } from './manifest.js';
import { renderModelCard } from './model-card.js';
import { checkPackageFiles, type FileProblem } from './package-check.js';
import { GENERATED_FILES, MANIFEST_FILE, MODEL_CARD_FILE } from './run-source.js';

/**
 * The one check of a version folder, used by `verify` (every version) and by every load (fetch, show, the
 * server's file endpoints, the app's view): each file against SHA256SUMS, SHA256SUMS against the hash-chained
 * publish record, no file that was not published, the manifest against the published manifest and the stage
 * replayed from the audit log, and the model card against the card the registry renders from that manifest.
 * A forged card (a <script> added) with SHA256SUMS rewritten to match fails the last check: the card is not
 * free text, it is a function of the manifest.
 */
export interface VersionCheck {
  readonly problems: readonly FileProblem[];
  readonly sums: Map<string, string> | null;
  /** The signed checkpoint the manifest carries (evidence that the log reached it), if any. */
  readonly checkpoint: Checkpoint | null;
  /** The problems are only the manifest's governance part lagging the log (a writer between two steps). */
  readonly onlyGovernanceLag: boolean;
}

export interface VersionCheckOptions {
  /** 'all' hashes every file; 'small' only manifest and card (the caller hashes the rest as it copies). */
  readonly contents: 'all' | 'small';
  /** Compare the manifest's stage and approvals with the replayed log (false when the log itself is damaged). */
  readonly governance: boolean;
}

export const checkVersionFolder = async (
  dir: string,
  v: VersionState,
  options: VersionCheckOptions,
): Promise<VersionCheck> => {
  const where = `${v.name} version ${v.version}`;
  const checked = await checkPackageFiles(
    dir,
    options.contents === 'all' ? {} : { hashOnly: new Set([MANIFEST_FILE, MODEL_CARD_FILE]) },
  );
  const problems: FileProblem[] = checked.problems.map((p) => ({ file: p.file, message: `${where}: ${p.message}` }));
  const sums = checked.sums;
  if (sums === null) return { problems, sums, checkpoint: null, onlyGovernanceLag: false };
  const bad = new Set(checked.problems.map((p) => p.file));
  for (const [file, recorded] of Object.entries(v.files)) {
    if (bad.has(file)) continue;
    const listed = sums.get(file);
    if (listed === undefined)
      problems.push({
        file,
        message: `${where}: ${file} was published (audit seq ${v.publishSeq}) but is not in ${SUMS_FILE}: removed`,
      });
    else if (listed !== recorded)
      problems.push({
        file,
        message: `${where}: ${file} in ${SUMS_FILE} differs from the hash recorded when it was published (audit seq ${v.publishSeq}): modified`,
      });
  }
  for (const file of sums.keys()) {
    if (!GENERATED_FILES.includes(file) && !(file in v.files))
      problems.push({ file, message: `${where}: ${file} was not part of the published package: added` });
  }
  for (const file of [MANIFEST_FILE, MODEL_CARD_FILE])
    if (!sums.has(file)) problems.push({ file, message: `${where}: ${file} is not listed in ${SUMS_FILE}` });
  if (bad.has(MANIFEST_FILE) || !sums.has(MANIFEST_FILE))
    return { problems, sums, checkpoint: null, onlyGovernanceLag: false };
  let checkpoint: Checkpoint | null = null;
  let governanceLag = false;
  try {
    const manifestText = await readFile(join(dir, MANIFEST_FILE), 'utf8');
    const manifest = ManifestSchema.parse(JSON.parse(manifestText));
    const { core, governance } = splitManifest(manifest);
    checkpoint = (governance.checkpoint as Checkpoint | undefined) ?? null;
    if (manifestCoreHash(core) !== v.manifestCore) {
      problems.push({
        file: MANIFEST_FILE,
        message: `${where}: ${MANIFEST_FILE} differs from what was published (audit seq ${v.publishSeq}): modified`,
      });
    } else if (options.governance) {
      const expected = governanceOfVersion(v);
      if (serializeManifest(core, governance) !== serializeManifest(core, expected)) {
        governanceLag = true;
        problems.push({
          file: MANIFEST_FILE,
          message: `${where}: ${MANIFEST_FILE} says stage ${governance.stage}, the audit log says ${v.stage} (stage or approvals edited)`,
        });
      }
    }
    if (!bad.has(MODEL_CARD_FILE) && sums.has(MODEL_CARD_FILE)) {
      // Rendered with the hashes of the publish record, so an edited file is reported once, as itself.
      const card = await readFile(join(dir, MODEL_CARD_FILE), 'utf8');
      if (card !== renderModelCard(manifest, new Map(Object.entries(v.files))))
        problems.push({
          file: MODEL_CARD_FILE,
          message: `${where}: ${MODEL_CARD_FILE} is not the card the registry renders from ${MANIFEST_FILE}: modified`,
        });
    }
  } catch {
    problems.push({ file: MANIFEST_FILE, message: `${where}: ${MANIFEST_FILE} is not a valid manifest` });
  }
  return {
    problems,
    sums,
    checkpoint,
    onlyGovernanceLag: governanceLag && problems.length === 1,
  };
};
