import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runArtifactDir } from '../../../shared/run-artifact.js';
import { RunScopeSchema, type RunScope } from '../../../shared/run-scope.js';
import { FAILURES_FILE, RunFailuresSchema, type RunDetail, type RunSummary } from '../../../shared/training.js';
import { dropRunRecording } from '../datasets/frozen-store.js';
import type { Workspace } from '../workspace/workspace.js';
import { readAlarmThreshold } from './alarm-threshold.js';

const readJson = async <T>(path: string, fallback: T): Promise<T> => {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return fallback;
  }
};

/** Parse predictions.csv (asset,t,label,score; the asset is JSON-quoted). */
export const parsePredictions = (csv: string): RunDetail['predictions'] =>
  csv
    .split('\n')
    .slice(1)
    .filter((line) => line !== '')
    .map((line) => {
      const close = line.lastIndexOf('",');
      const asset = JSON.parse(line.slice(0, close + 1)) as string;
      const [t, label, score] = line
        .slice(close + 2)
        .split(',')
        .map(Number);
      return { asset, t: t ?? NaN, label: label ?? NaN, score: score ?? NaN };
    });

/** A run's scope from its run.json (null: no folder, or trained before scopes were recorded). */
export const runScope = async (workspace: Workspace, id: string): Promise<RunScope | null> => {
  const raw = await readJson<{ scope?: unknown } | null>(
    join(runArtifactDir(join(workspace.path, 'artifacts'), id), 'run.json'),
    null,
  );
  const parsed = RunScopeSchema.safeParse(raw?.scope);
  return parsed.success ? parsed.data : null;
};

/** The runs table's rows: each run's summary with its scope, so runs scored on different data can be told apart. */
export const runSummaries = async (workspace: Workspace): Promise<RunSummary[]> =>
  Promise.all(
    (await workspace.runs()).map(async ({ config: _c, appVersion: _v, artifactDir: dir, message: _m, ...summary }) => ({
      ...summary,
      scope: dir === null ? null : await runScope(workspace, summary.id),
    })),
  );

/** A run's record plus what its folder holds, for the run view. */
export const runDetail = async (workspace: Workspace, id: string): Promise<RunDetail | null> => {
  const row = await workspace.run(id);
  if (row === null) return null;
  const { config: _config, appVersion: _appVersion, artifactDir: _dir, message: _message, ...summary } = row;
  const folder = runArtifactDir(join(workspace.path, 'artifacts'), id);
  const predictions = await readFile(join(folder, 'predictions.csv'), 'utf8').then(parsePredictions, () => []);
  return {
    summary: { ...summary, scope: await runScope(workspace, id) },
    artifact: await readJson<Record<string, unknown> | null>(join(folder, 'run.json'), null),
    history: await readJson(join(folder, 'history.json'), []),
    importance: await readJson(join(folder, 'importance.json'), []),
    predictions,
    failures: await readJson<unknown>(join(folder, FAILURES_FILE), null).then((raw) => {
      const parsed = RunFailuresSchema.safeParse(raw);
      return parsed.success ? parsed.data : null;
    }),
    alarmThreshold: await readAlarmThreshold(folder),
  };
};

/** Delete a run: its row and its folder. */
export const deleteRunAndFolder = async (workspace: Workspace, id: string): Promise<boolean> => {
  const deleted = await workspace.deleteRun(id);
  if (deleted) {
    await rm(runArtifactDir(join(workspace.path, 'artifacts'), id), { recursive: true, force: true });
    await dropRunRecording(workspace.path, id);
  }
  return deleted;
};
