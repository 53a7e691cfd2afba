import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointSchema, type Checkpoint } from './audit-entry.js';
import {
  AUDIT_HEAD_FILE,
  checkAuditLog,
  checkCheckpoints,
  checkSignatures,
  readAuditHead,
  readAuditText,
} from './audit-log.js';
import { replay, type VersionState } from './governance.js';
import { SUMS_FILE } from './hash.js';
import { readRegisteredKeys } from './key-registry.js';
import { MODEL_NAME_PATTERN, VERSION_PATTERN } from './names.js';
import { checkPackageFiles } from './package-check.js';
import type { FolderStore } from './folder-store.js';
import { MODELS_DIR, STAGING_DIR } from './folder-store.js';
import type { VerifyProblem, VerifyReport } from './registry-types.js';
import { MANIFEST_FILE } from './run-source.js';
import { checkVersionFolder } from './version-check.js';

/**
 * Checks a whole registry and names every problem precisely: each edited, inserted or deleted audit
 * entry by sequence number; each entry whose signature is missing, made with a key other than its signer's
 * registered one, or does not verify (forged); each signed checkpoint (audit.head, manifests) naming an entry
 * the log no longer has (the tail was removed); and, through the same per-version check every load runs,
 * each package file that does not match SHA256SUMS or the publish record, each added file, each manifest or
 * model card that is not what the registry wrote.
 *
 * Consequences are not reported twice: when the log itself is damaged, the governance state replayed
 * from it is not compared with the manifests (it would differ for the same one reason).
 */
const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/** The checkpoint a manifest carries, read without trusting anything else in it. */
const manifestCheckpoint = async (dir: string): Promise<Checkpoint | null> => {
  try {
    const raw = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as { checkpoint?: unknown };
    const parsed = CheckpointSchema.safeParse(raw.checkpoint);
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
};

export const verifyRegistry = async (store: FolderStore): Promise<VerifyReport> => {
  const root = store.root;
  const head = await readAuditHead(root).catch(() => null);
  const keys = await readRegisteredKeys(root);
  const audit = checkAuditLog(await readAuditText(root), head);
  const signatures = checkSignatures(audit.entries, keys);
  const problems: VerifyProblem[] = [...audit.problems, ...signatures.problems].map((p) => ({
    kind: 'audit',
    seq: p.seq,
    message: p.message,
  }));
  const forged = new Set(signatures.problems.map((p) => p.seq));
  const logIntact = problems.length === 0;
  // A forged entry must not make the state: replay only what is signed as it should be.
  const { state, problems: ruleProblems } = replay(audit.entries.filter((e) => !forged.has(e.seq)));
  if (logIntact)
    for (const p of ruleProblems)
      problems.push({ kind: 'audit', seq: p.seq, message: `audit entry seq ${p.seq} breaks the rules: ${p.message}` });

  const evidence: { where: string; checkpoint: Checkpoint }[] = [];
  if (head?.sig !== undefined) {
    const parsed = CheckpointSchema.safeParse(head);
    if (parsed.success) evidence.push({ where: AUDIT_HEAD_FILE, checkpoint: parsed.data });
  }
  let packages = 0;
  let files = 0;
  const seen = new Set<string>();
  const modelNames = await readdir(join(root, MODELS_DIR)).catch(() => [] as string[]);
  for (const name of modelNames.sort()) {
    if (!MODEL_NAME_PATTERN.test(name)) {
      problems.push({
        kind: 'package',
        model: name,
        message: `${MODELS_DIR}/${name} is not a valid model name: added by hand`,
      });
      continue;
    }
    for (const folder of (await readdir(join(root, MODELS_DIR, name))).sort((a, b) => Number(a) - Number(b))) {
      const where = `${name} version ${folder}`;
      if (!VERSION_PATTERN.test(folder)) {
        problems.push({
          kind: 'package',
          model: name,
          message: `${MODELS_DIR}/${name}/${folder} is not a version folder: added by hand`,
        });
        continue;
      }
      const version = Number(folder);
      seen.add(`${name}/${version}`);
      packages += 1;
      const dir = join(root, MODELS_DIR, name, folder);
      const checkpoint = await manifestCheckpoint(dir);
      if (checkpoint !== null) evidence.push({ where: `${MODELS_DIR}/${name}/${folder}/${MANIFEST_FILE}`, checkpoint });
      const v: VersionState | undefined = state.get(name)?.versions.get(version);
      if (v === undefined || audit.damaged.has(v.publishSeq)) {
        const checked = await checkPackageFiles(dir);
        files += checked.sums?.size ?? 0;
        for (const p of checked.problems)
          problems.push({ kind: 'package', model: name, version, file: p.file, message: `${where}: ${p.message}` });
        if (v === undefined && logIntact)
          problems.push({
            kind: 'package',
            model: name,
            version,
            message: `${where} has no publish entry in the audit log: added by hand`,
          });
        continue;
      }
      const checked = await checkVersionFolder(dir, v, { contents: 'all', governance: logIntact });
      files += checked.sums?.size ?? 0;
      for (const p of checked.problems)
        problems.push({ kind: 'package', model: name, version, file: p.file, message: p.message });
    }
  }
  // Entries the chain or audit.head already reported missing or edited are not reported again from a manifest.
  const reported = new Set(audit.problems.map((p) => p.seq));
  const lastSeq = audit.entries.at(-1)?.seq ?? 0;
  if (head !== null) for (let seq = lastSeq + 1; seq <= head.seq; seq += 1) reported.add(seq);
  for (const p of checkCheckpoints(audit.entries, evidence, keys))
    if (!reported.has(p.seq)) problems.push({ kind: 'audit', seq: p.seq, message: p.message });
  const last = audit.entries.at(-1);
  for (const model of state.values()) {
    for (const v of model.versions.values()) {
      if (seen.has(`${model.name}/${v.version}`)) continue;
      // The newest publish may be mid-rename: its staging folder is still there and the next writer renames it.
      if (
        last !== undefined &&
        last.seq === v.publishSeq &&
        v.staging !== null &&
        (await exists(join(root, STAGING_DIR, v.staging, SUMS_FILE)))
      )
        continue;
      problems.push({
        kind: 'package',
        model: model.name,
        version: v.version,
        message: `${model.name} version ${v.version} was published (audit seq ${v.publishSeq}) but its folder is missing: deleted`,
      });
    }
  }
  const notes =
    signatures.legacy === 0
      ? []
      : [
          `${signatures.legacy} audit ${signatures.legacy === 1 ? 'entry is' : 'entries are'} unsigned (legacy): written before entries were signed; their authorship rests on the hash chain alone`,
        ];
  return {
    ok: problems.length === 0,
    problems,
    checked: { entries: audit.entries.length, packages, files },
    head: last === undefined ? null : { seq: last.seq, hash: last.hash },
    notes,
  };
};
