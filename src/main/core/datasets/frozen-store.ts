import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { Workspace } from '../workspace/workspace.js';
import {
  readRecording,
  recordingLayout,
  runSourceFile,
  writeRecording,
  type SourceRecording,
} from './recorded-source.js';
import type { AssetSeries } from './series.js';

/*
 * The data each run read, kept once per distinct content. Runs trained on the same data (a sweep of model settings,
 * a rerun) read identical bytes: each run keeps a small reference (`<run>.source-ref`, the content's SHA-256) and
 * the bytes live once in `artifacts/datasets/store/<sha256>.source`. 306 small runs once wrote 189 MB of copies
 * for a 9.6 MB workspace. Runs recorded before the store existed keep their own `<run>.source`, read as before.
 * A retention setting drops the recordings of older runs (those runs then re-evaluate from the workspace, as runs
 * from before recordings did); published runs keep theirs unless told otherwise.
 */

const REF_FORMAT = 'pdm-dataset-source-ref/1';
const RefSchema = z.object({
  format: z.literal(REF_FORMAT),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  published: z.boolean().default(false),
});
type Ref = z.infer<typeof RefSchema>;

const datasetsDir = (workspacePath: string) => join(workspacePath, 'artifacts', 'datasets');
export const frozenStoreDir = (workspacePath: string): string => join(datasetsDir(workspacePath), 'store');
const blobFile = (workspacePath: string, sha256: string) => join(frozenStoreDir(workspacePath), `${sha256}.source`);
export const runSourceRefFile = (workspacePath: string, runId: string): string =>
  join(datasetsDir(workspacePath), `${runId}.source-ref`);

const bytesOf = (values: Float64Array): Uint8Array =>
  new Uint8Array(values.buffer, values.byteOffset, values.byteLength);

/** SHA-256 of the file the recording is written as (header line, then the series), without writing it. */
const contentHash = (header: unknown, series: readonly AssetSeries[]): string => {
  const hash = createHash('sha256');
  hash.update(`${JSON.stringify(header)}\n`);
  for (const s of series) {
    hash.update(bytesOf(s.t));
    for (const values of s.values) hash.update(bytesOf(values));
  }
  return hash.digest('hex');
};

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

const writeRef = async (file: string, ref: Ref): Promise<void> => {
  const partial = `${file}.partial`;
  await mkdir(dirname(file), { recursive: true });
  await writeFile(partial, `${JSON.stringify(ref)}\n`);
  await rename(partial, file);
};

const readRef = async (file: string): Promise<Ref | null> => {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const parsed = RefSchema.safeParse(JSON.parse(text) as unknown);
  if (!parsed.success) throw new Error(`${file}: not a dataset reference (${parsed.error.issues[0]?.message ?? ''})`);
  return parsed.data;
};

/** Keep what run `runId` read: stored once per content (written only if no run stored the same bytes before). */
export const keepRunRecording = async (workspacePath: string, runId: string, recording: SourceRecording) => {
  const { header, series } = recordingLayout(recording);
  const sha256 = contentHash(header, series);
  const blob = blobFile(workspacePath, sha256);
  // The reference first: a retention sweep running meanwhile then sees the content as referenced and keeps it.
  await writeRef(runSourceRefFile(workspacePath, runId), { format: REF_FORMAT, sha256, published: false });
  if (!(await exists(blob))) await writeRecording(blob, recording);
  return { sha256, file: blob };
};

/** The data run `runId` read at training: through its reference, or its own file (older layout); null: none kept. */
export const readRunRecording = async (workspacePath: string, runId: string): Promise<SourceRecording | null> => {
  const ref = await readRef(runSourceRefFile(workspacePath, runId));
  if (ref === null) return readRecording(runSourceFile(workspacePath, runId));
  const file = blobFile(workspacePath, ref.sha256);
  // The bytes must still be what the reference names: a damaged or swapped file is refused, not scored.
  const bytes = await readFile(file).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new Error(
      `run ${runId}: its recorded data ${ref.sha256.slice(0, 12)} is missing from ${frozenStoreDir(workspacePath)}`,
    );
  });
  if (createHash('sha256').update(bytes).digest('hex') !== ref.sha256)
    throw new Error(
      `run ${runId}: its recorded data does not match its hash ${ref.sha256.slice(0, 12)} (${file} is damaged)`,
    );
  return readRecording(file);
};

/** Published runs keep their recorded data under the retention setting's "published" rule. */
export const markRunPublished = async (workspacePath: string, runId: string): Promise<void> => {
  const file = runSourceRefFile(workspacePath, runId);
  const ref = await readRef(file).catch(() => null);
  if (ref !== null && !ref.published) await writeRef(file, { ...ref, published: true });
};

/** Forget what run `runId` read (its reference, or its own file), then drop stored data no run references. */
export const dropRunRecording = async (workspacePath: string, runId: string): Promise<void> => {
  await rm(runSourceRefFile(workspacePath, runId), { force: true });
  await rm(runSourceFile(workspacePath, runId), { force: true });
  await collectUnreferenced(workspacePath);
};

const collectUnreferenced = async (workspacePath: string): Promise<number> => {
  const dir = datasetsDir(workspacePath);
  const names = await readdir(dir).catch(() => [] as string[]);
  const referenced = new Set<string>();
  for (const name of names.filter((n) => n.endsWith('.source-ref'))) {
    const ref = await readRef(join(dir, name)).catch(() => null);
    if (ref !== null) referenced.add(ref.sha256);
  }
  let freed = 0;
  for (const name of await readdir(frozenStoreDir(workspacePath)).catch(() => [] as string[])) {
    const sha = name.replace(/\.source$/, '');
    if (name.endsWith('.source') && !referenced.has(sha)) {
      const file = join(frozenStoreDir(workspacePath), name);
      freed += (await stat(file)).size;
      await rm(file, { force: true });
    }
  }
  return freed;
};

/** The retention setting, as stored in the workspace's settings table. */
export const FROZEN_KEEP_RUNS_KEY = 'frozen_data_keep_runs';
export const FROZEN_KEEP_PUBLISHED_KEY = 'frozen_data_keep_published';

export interface FrozenRetention {
  /** Keep the recorded data of the newest N runs; null: of every run. */
  readonly keepRuns: number | null;
  /** Keep published runs' recorded data whatever their age. */
  readonly keepPublished: boolean;
}

export const frozenRetention = (settings: Readonly<Record<string, string>>): FrozenRetention => {
  const n = Number(settings[FROZEN_KEEP_RUNS_KEY] ?? '');
  return {
    keepRuns: Number.isInteger(n) && n >= 1 ? n : null,
    keepPublished: settings[FROZEN_KEEP_PUBLISHED_KEY] !== 'false',
  };
};

/**
 * Apply the workspace's retention setting: runs beyond the newest `keepRuns` (published ones kept, if so set) lose
 * their recorded data, and stored data no run references any more is deleted. Returns the runs affected and the
 * bytes freed.
 */
export const applyFrozenRetention = async (
  workspace: Workspace,
): Promise<{ readonly dropped: string[]; readonly bytesFreed: number }> => {
  const retention = frozenRetention(await workspace.settings());
  const dropped: string[] = [];
  let legacyBytes = 0;
  if (retention.keepRuns !== null) {
    const runs = [...(await workspace.runs())].sort((a, b) =>
      a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? 1 : -1,
    );
    for (const run of runs.slice(retention.keepRuns)) {
      const ref = await readRef(runSourceRefFile(workspace.path, run.id)).catch(() => null);
      if (ref?.published === true && retention.keepPublished) continue;
      const own = await stat(runSourceFile(workspace.path, run.id)).catch(() => null);
      if (ref === null && own === null) continue;
      await rm(runSourceRefFile(workspace.path, run.id), { force: true });
      await rm(runSourceFile(workspace.path, run.id), { force: true });
      legacyBytes += own?.size ?? 0;
      dropped.push(run.id);
    }
  }
  return { dropped, bytesFreed: legacyBytes + (await collectUnreferenced(workspace.path)) };
};
