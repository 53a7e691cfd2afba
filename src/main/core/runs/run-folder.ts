import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  RUN_ARTIFACT_FILE,
  RunArtifactSchema,
  runArtifactDir,
  type RunArtifact,
} from '../../../shared/run-artifact.js';

/** `run-20261122T001500-3fa9c1`: sortable by time, unique across concurrent runs. */
export const newRunId = (now = new Date()): string =>
  `run-${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, '')}-${randomBytes(3).toString('hex')}`;

/**
 * Write the run folder the registry packages (src/shared/run-artifact.ts): every file into a hidden sibling
 * folder first, then one rename, so a folder named after the run always holds a complete run.json.
 */
export const writeRunFolder = async (
  artifactsDir: string,
  artifact: RunArtifact,
  files: readonly { name: string; data: Uint8Array }[],
): Promise<string> => {
  const record = RunArtifactSchema.parse(artifact);
  const finalDir = runArtifactDir(artifactsDir, record.runId);
  const tempDir = join(artifactsDir, 'runs', `.tmp-${record.runId}-${randomBytes(4).toString('hex')}`);
  await mkdir(tempDir, { recursive: true });
  try {
    for (const file of files) await writeFile(join(tempDir, file.name), file.data);
    await writeFile(join(tempDir, RUN_ARTIFACT_FILE), `${JSON.stringify(record, null, 2)}\n`);
    await rename(tempDir, finalDir);
  } catch (error) {
    await rm(tempDir, { recursive: true, force: true });
    throw error;
  }
  return finalDir;
};
