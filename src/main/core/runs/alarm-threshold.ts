import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import {
  ALARM_THRESHOLD_FILE,
  RUN_ARTIFACT_FILE,
  RunArtifactSchema,
  SavedAlarmThresholdSchema,
  runArtifactDir,
  type SavedAlarmThreshold,
} from '../../../shared/run-artifact.js';
import type { Workspace } from '../workspace/workspace.js';

/** A refused save, in the user's words (no such run, no folder, a task without an alarm threshold). */
export class AlarmThresholdError extends Error {
  override readonly name = 'AlarmThresholdError';
  constructor(
    readonly code: 'not-found' | 'invalid-argument',
    message: string,
  ) {
    super(message);
  }
}

const osUser = (): string => {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
};

/** The threshold saved in a run folder, or null when none was saved (or the file is not one). */
export const readAlarmThreshold = async (runFolder: string): Promise<SavedAlarmThreshold | null> => {
  let text: string;
  try {
    text = await readFile(join(runFolder, ALARM_THRESHOLD_FILE), 'utf8');
  } catch {
    return null;
  }
  const parsed = SavedAlarmThresholdSchema.safeParse(JSON.parse(text) as unknown);
  return parsed.success ? parsed.data : null;
};

/**
 * Save `value` as run `runId`'s alarm threshold, recording who (the OS user unless given), why and when. Only runs
 * that alarm on a score (anomaly, failure within a horizon) have one; written aside and renamed into place.
 */
export const saveAlarmThreshold = async (
  workspace: Workspace,
  runId: string,
  input: { readonly value: number; readonly reason: string; readonly by?: string; readonly at?: string },
): Promise<SavedAlarmThreshold> => {
  const row = await workspace.run(runId);
  if (row === null) throw new AlarmThresholdError('not-found', `no run "${runId}" in this workspace`);
  const folder = runArtifactDir(join(workspace.path, 'artifacts'), runId);
  const text = await readFile(join(folder, RUN_ARTIFACT_FILE), 'utf8').catch(() => null);
  if (text === null)
    throw new AlarmThresholdError(
      'not-found',
      `run "${runId}" has no folder (it ${row.status === 'done' ? 'lost it' : row.status})`,
    );
  const artifact = RunArtifactSchema.parse(JSON.parse(text));
  if (artifact.task === 'rul')
    throw new AlarmThresholdError(
      'invalid-argument',
      `run "${runId}" predicts remaining useful life: set its alert level in the deployment's rule, not as an alarm threshold`,
    );
  const reason = input.reason.trim();
  if (reason === '')
    throw new AlarmThresholdError('invalid-argument', 'reason: say why this threshold (it is recorded)');
  if (!Number.isFinite(input.value))
    throw new AlarmThresholdError('invalid-argument', `value: ${input.value} is not a finite number`);
  const saved: SavedAlarmThreshold = {
    value: input.value,
    output: artifact.outputs[0]?.name ?? 'score',
    by: input.by ?? osUser(),
    reason,
    at: input.at ?? new Date().toISOString(),
  };
  const file = join(folder, ALARM_THRESHOLD_FILE);
  const partial = `${file}.partial-${randomBytes(4).toString('hex')}`;
  await writeFile(partial, `${JSON.stringify(saved, null, 2)}\n`);
  await rename(partial, file);
  return saved;
};
