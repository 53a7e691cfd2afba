import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { checkAuditLog, readAuditHead, readAuditText } from './audit-log.js';
import { replay } from './governance.js';
import { SUMS_FILE } from './hash.js';
import { governanceOf, manifestCoreHash, ManifestSchema, serializeManifest, splitManifest } from './manifest.js';
import { MODEL_NAME_PATTERN, VERSION_PATTERN } from './names.js';
import { checkPackageFiles } from './package-check.js';
import type { FolderStore } from './folder-store.js';
import { MODELS_DIR, STAGING_DIR } from './folder-store.js';
import type { VerifyProblem, VerifyReport } from './registry-types.js';
import { GENERATED_FILES, MANIFEST_FILE } from './run-source.js';

/**
 * Checks a whole registry and names every problem precisely: each edited, inserted or deleted audit
 * entry by sequence number; each package file that does not match SHA256SUMS; each file or manifest that
 * differs from what its publish entry recorded (SHA256SUMS regenerated after an edit); each version folder
 * without a publish entry and each published version whose folder is gone.
 *
 * Consequences are not reported twice: when the log itself is damaged, the governance state replayed
 * from it is not compared with the manifests (it would differ for the same one reason).
 */
const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

export const verifyRegistry = async (store: FolderStore): Promise<VerifyReport> => {
  const root = store.root;
  const head = await readAuditHead(root).catch(() => null);
  const audit = checkAuditLog(await readAuditText(root), head);
  const problems: VerifyProblem[] = audit.problems.map((p) => ({ kind: 'audit', seq: p.seq, message: p.message }));
  const logIntact = audit.problems.length === 0;
  const { state, problems: ruleProblems } = replay(audit.entries);
  if (logIntact)
    for (const p of ruleProblems)
      problems.push({ kind: 'audit', seq: p.seq, message: `audit entry seq ${p.seq} breaks the rules: ${p.message}` });

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
      const checked = await checkPackageFiles(dir);
      files += checked.sums?.size ?? 0;
      for (const p of checked.problems)
        problems.push({ kind: 'package', model: name, version, file: p.file, message: `${where}: ${p.message}` });
      const v = state.get(name)?.versions.get(version);
      if (v === undefined) {
        if (logIntact)
          problems.push({
            kind: 'package',
            model: name,
            version,
            message: `${where} has no publish entry in the audit log: added by hand`,
          });
        continue;
      }
      if (audit.damaged.has(v.publishSeq) || checked.sums === null) continue;
      // Files that match SHA256SUMS but not the publish record: SHA256SUMS was rewritten to hide an edit.
      const bad = new Set(checked.problems.map((p) => p.file));
      for (const [file, recorded] of Object.entries(v.files)) {
        if (bad.has(file) || !checked.sums.has(file)) continue;
        // checkPackageFiles already hashed the file and found it equal to SHA256SUMS.
        if (checked.sums.get(file) !== recorded) {
          problems.push({
            kind: 'package',
            model: name,
            version,
            file,
            message: `${where}: ${file} differs from the hash recorded when it was published (audit seq ${v.publishSeq}): modified`,
          });
        }
      }
      for (const file of checked.sums.keys()) {
        if (!GENERATED_FILES.includes(file) && !(file in v.files)) {
          problems.push({
            kind: 'package',
            model: name,
            version,
            file,
            message: `${where}: ${file} was not part of the published package: added`,
          });
        }
      }
      if (bad.has(MANIFEST_FILE)) continue;
      try {
        const manifest = ManifestSchema.parse(JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')));
        const { core, governance } = splitManifest(manifest);
        if (manifestCoreHash(core) !== v.manifestCore) {
          problems.push({
            kind: 'package',
            model: name,
            version,
            file: MANIFEST_FILE,
            message: `${where}: ${MANIFEST_FILE} differs from what was published (audit seq ${v.publishSeq}): modified`,
          });
        } else if (
          logIntact &&
          serializeManifest(core, governance) !== serializeManifest(core, governanceOf(v.decisions, v.history, v.stage))
        ) {
          problems.push({
            kind: 'package',
            model: name,
            version,
            file: MANIFEST_FILE,
            message: `${where}: ${MANIFEST_FILE} says stage ${governance.stage}, the audit log says ${v.stage} (stage or approvals edited)`,
          });
        }
      } catch {
        problems.push({
          kind: 'package',
          model: name,
          version,
          file: MANIFEST_FILE,
          message: `${where}: ${MANIFEST_FILE} is not a valid manifest`,
        });
      }
    }
  }
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
  return {
    ok: problems.length === 0,
    problems,
    checked: { entries: audit.entries.length, packages, files },
    head: last === undefined ? null : { seq: last.seq, hash: last.hash },
  };
};
