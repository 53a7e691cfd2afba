import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ALARM_THRESHOLD_FILE,
  RUN_ARTIFACT_FILE,
  RunArtifactSchema,
  SavedAlarmThresholdSchema,
  type RunArtifact,
  type SavedAlarmThreshold,
} from '../../../shared/run-artifact.js';
import { RegistryError } from './errors.js';
import { checkFileName, checkRunId } from './names.js';
import { checkModelInputShape } from './input-shape.js';
import { parseTfjsModel } from './tfjs-model.js';

export const MODEL_FILE = 'model.json';
/** Same name as in run-signature.ts (kept here too, so this module does not depend on signing). */
const RUN_SIGNATURE_FILE = 'run.sig';
export const MANIFEST_FILE = 'manifest.json';
export const MODEL_CARD_FILE = 'model-card.html';
/** Written by the registry (and rewritten when the governance state changes), never taken from a run. */
export const GENERATED_FILES: readonly string[] = [MANIFEST_FILE, MODEL_CARD_FILE, 'SHA256SUMS'];

export type FileRole = 'run' | 'model' | 'weights' | 'extra';

export interface SourceFile {
  readonly name: string;
  readonly role: FileRole;
  readonly bytes: number;
}

export interface RunSource {
  readonly dir: string;
  readonly run: RunArtifact;
  readonly modelFormat: 'tfjs-layers' | 'none';
  readonly files: readonly SourceFile[];
  /** The alarm threshold saved for the run (alarm-threshold.json beside run.json), or null. */
  readonly alarmThreshold: SavedAlarmThreshold | null;
}

const regularFileSize = async (dir: string, name: string): Promise<number | null> => {
  try {
    const info = await lstat(join(dir, name));
    // A symlink could smuggle any file of the publisher's machine into a shared registry.
    if (!info.isFile()) throw new RegistryError('invalid-argument', `${name} in ${dir} is not a regular file`);
    return info.size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
};

/**
 * Reads and checks a run folder in the format of src/shared/run-artifact.ts: run.json valid, model.json
 * a TF.js layers model whose weight files exist with exactly the bytes its manifest implies, extra files
 * present and plainly named. Used on the publisher's run folder and again on the staged copy.
 */
export const readRunSource = async (dir: string): Promise<RunSource> => {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(join(dir, RUN_ARTIFACT_FILE), 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'not JSON';
    throw new RegistryError('invalid-argument', `${RUN_ARTIFACT_FILE} in ${dir}: ${reason}`);
  }
  const parsed = RunArtifactSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RegistryError(
      'invalid-argument',
      `${RUN_ARTIFACT_FILE} is not a valid run record: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`,
    );
  }
  const run = parsed.data;
  checkRunId(run.runId);
  const files: SourceFile[] = [];
  const add = async (name: string, role: FileRole) => {
    checkFileName(name);
    if (GENERATED_FILES.includes(name))
      throw new RegistryError('invalid-argument', `${name} is written by the registry; a run may not contain it`);
    if (files.some((f) => f.name === name)) throw new RegistryError('invalid-argument', `${name} is listed twice`);
    const bytes = await regularFileSize(dir, name);
    if (bytes === null) throw new RegistryError('invalid-argument', `${name} is missing from ${dir}`);
    files.push({ name, role, bytes });
    return bytes;
  };
  await add(RUN_ARTIFACT_FILE, 'run');
  let modelFormat: RunSource['modelFormat'] = 'none';
  if ((await regularFileSize(dir, MODEL_FILE)) !== null) {
    modelFormat = 'tfjs-layers';
    await add(MODEL_FILE, 'model');
    const modelText = await readFile(join(dir, MODEL_FILE), 'utf8');
    const groups = parseTfjsModel(modelText);
    // parseTfjsModel has refused text that is not JSON.
    checkModelInputShape(JSON.parse(modelText), {
      length: run.window.length,
      features: (run.inputs ?? run.features).length,
    });
    for (const group of groups) {
      let total = 0;
      for (const path of group.paths) total += await add(path, 'weights');
      if (group.expectedBytes !== null && total !== group.expectedBytes) {
        throw new RegistryError(
          'invalid-argument',
          `${group.paths.join(', ')}: ${total} bytes, but model.json's weightsManifest describes ${group.expectedBytes}`,
        );
      }
    }
  }
  for (const name of run.files) {
    if (files.some((f) => f.name === name)) continue;
    await add(name, 'extra');
  }
  // The alarm threshold a person saved for the run travels with it (the manifest carries it too).
  let alarmThreshold: SavedAlarmThreshold | null = null;
  if ((await regularFileSize(dir, ALARM_THRESHOLD_FILE)) !== null) {
    let saved: unknown;
    try {
      saved = JSON.parse(await readFile(join(dir, ALARM_THRESHOLD_FILE), 'utf8'));
    } catch {
      saved = null;
    }
    const parsed = SavedAlarmThresholdSchema.safeParse(saved);
    if (!parsed.success)
      throw new RegistryError('invalid-argument', `${ALARM_THRESHOLD_FILE} in ${dir} is not a saved alarm threshold`);
    alarmThreshold = parsed.data;
    if (!files.some((f) => f.name === ALARM_THRESHOLD_FILE)) await add(ALARM_THRESHOLD_FILE, 'extra');
  }
  // The trainer's signature over run.json travels with the package (see run-signature.ts).
  if (!files.some((f) => f.name === RUN_SIGNATURE_FILE) && (await regularFileSize(dir, RUN_SIGNATURE_FILE)) !== null)
    await add(RUN_SIGNATURE_FILE, 'run');
  return { dir, run, modelFormat, files, alarmThreshold };
};
