import { readFile } from 'node:fs/promises';
import { DatasetConfigSchema, TrainConfigSchema } from '../../../shared/training.js';
import { frozenSnapshotFile, readFrozenSnapshot, writeFrozenSnapshot } from './frozen-snapshot.js';
import { DatasetError } from './prepare.js';
import { loadSnapshotData, SnapshotDefinitionSchema, type SnapshotData, type SnapshotDefinition } from './snapshot.js';
import type { Workspace } from '../workspace/workspace.js';
import type { DatasetSnapshotRow } from '../workspace/datasets.js';

/** The parts of a training config a snapshot needs; `model` and `evaluation` may be present and are ignored. */
const SnapshotConfigSchema = TrainConfigSchema.pick({ name: true, dataset: true, training: true });

export interface CreatedSnapshot {
  readonly id: string;
  readonly name: string;
  readonly contentHash: string;
  readonly assets: string[];
  readonly signals: string[];
  readonly windows: number;
  /** false when the same definition over the same data was already saved (same id). */
  readonly created: boolean;
}

/** Parse the dataset part of a training config (file contents), reporting problems with their JSON path. */
export const parseSnapshotConfig = (raw: unknown): { name: string; definition: SnapshotDefinition } => {
  const parsed = SnapshotConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`invalid training config: ${issues.join('; ')}`);
  }
  return { name: parsed.data.name, definition: { dataset: parsed.data.dataset, seed: parsed.data.training.seed } };
};

export const readSnapshotConfig = async (file: string): Promise<{ name: string; definition: SnapshotDefinition }> => {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: not a readable JSON file (${error instanceof Error ? error.message : String(error)})`);
  }
  return parseSnapshotConfig(raw);
};

/**
 * `datasets create`: build the snapshot a training config's `dataset` part defines, without training, and
 * save it in the `datasets` table under an id derived from its content hash.
 */
export const createDatasetSnapshot = async (
  workspace: Workspace,
  input: { name: string; definition: SnapshotDefinition },
): Promise<CreatedSnapshot> => {
  // A job lock from the first read to the saved row: no import or edit changes the data the hash covers meanwhile.
  const { data, existed } = await workspace.exclusive('dataset snapshot', async () => {
    const loaded = await loadSnapshotData(workspace, input.definition);
    if (loaded.windows === 0) throw new DatasetError("empty split: the snapshot's assets give no labelled windows");
    const known = (await workspace.dataset(loaded.id)) !== null;
    await freezeSnapshot(workspace, loaded);
    await workspace.saveDataset({
      id: loaded.id,
      name: input.name,
      definition: input.definition,
      contentHash: loaded.contentHash,
      assets: loaded.assets.length,
      windows: loaded.windows,
    });
    return { data: loaded, existed: known };
  });
  return {
    id: data.id,
    name: input.name,
    contentHash: data.contentHash,
    assets: data.assets,
    signals: [...input.definition.dataset.signals],
    windows: data.windows,
    created: !existed,
  };
};

/** Keep the snapshot's data in the workspace's artifacts, once: later scoring reads it from there. */
export const freezeSnapshot = async (workspace: Workspace, data: SnapshotData): Promise<void> => {
  const file = frozenSnapshotFile(workspace.path, data.id);
  const existing = await readFrozenSnapshot(file).catch(() => null);
  if (existing?.contentHash !== data.contentHash) await writeFrozenSnapshot(file, data);
};

/**
 * A saved snapshot's definition. Snapshots saved by training before `datasets create` existed stored the bare
 * dataset config; their split seed (part of the hash) is the seed of a run trained on them.
 */
export const snapshotDefinition = async (
  workspace: Workspace,
  row: DatasetSnapshotRow,
): Promise<SnapshotDefinition> => {
  const current = SnapshotDefinitionSchema.safeParse(row.definition);
  if (current.success) return current.data;
  const legacy = DatasetConfigSchema.safeParse(row.definition);
  if (!legacy.success) throw new Error(`dataset ${row.id}: its stored definition is not a dataset definition`);
  const run = (await workspace.runs()).find((r) => r.datasetId === row.id);
  const seed = (run?.config as { training?: { seed?: unknown } } | undefined)?.training?.seed;
  if (typeof seed !== 'number') {
    throw new Error(
      `dataset ${row.id}: saved without its seed by an older version and no run uses it; recreate it with "pdm-studio datasets create"`,
    );
  }
  return { dataset: legacy.data, seed };
};

/**
 * A saved snapshot's data: its frozen copy when it has one (checked against its content hash, so the workspace may
 * have changed since), else rebuilt from the workspace and refused unless it hashes as saved, for snapshots saved
 * before copies were kept.
 */
export const loadSavedSnapshot = async (workspace: Workspace, id: string): Promise<SnapshotData> => {
  const row = await workspace.dataset(id);
  if (row === null) throw new Error(`no dataset "${id}" in ${workspace.path} (see "pdm-studio datasets list")`);
  const frozen = await readFrozenSnapshot(frozenSnapshotFile(workspace.path, id));
  if (frozen !== null) {
    if (frozen.contentHash !== row.contentHash)
      throw new DatasetError(
        `dataset ${id}: its frozen copy holds other data than the snapshot saved (content hash ${frozen.contentHash.slice(0, 12)} ≠ ${row.contentHash.slice(0, 12)})`,
      );
    return frozen;
  }
  const definition = await snapshotDefinition(workspace, row);
  let data: SnapshotData;
  try {
    data = await loadSnapshotData(workspace, definition);
  } catch (error) {
    throw new DatasetError(
      `dataset ${id}: the workspace data no longer matches the snapshot: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (data.contentHash !== row.contentHash) {
    throw new DatasetError(
      `dataset ${id}: the workspace data no longer matches the snapshot (content hash ${data.contentHash.slice(0, 12)} ≠ saved ${row.contentHash.slice(0, 12)}); ` +
        'create a new snapshot with "pdm-studio datasets create"',
    );
  }
  return data;
};

export interface SnapshotListing {
  readonly id: string;
  readonly name: string;
  readonly contentHash: string;
  readonly assets: number;
  readonly windows: number;
  readonly createdAt: string;
  readonly definition: unknown;
  /** Runs trained on this snapshot. */
  readonly runs: string[];
}

/** `datasets list`: every saved snapshot, newest first, with the runs trained on it. */
export const listDatasetSnapshots = async (workspace: Workspace): Promise<SnapshotListing[]> => {
  const runs = await workspace.runs();
  return (await workspace.datasets()).map((d) => ({
    id: d.id,
    name: d.name,
    contentHash: d.contentHash,
    assets: d.assets,
    windows: d.windows,
    createdAt: d.createdAt,
    definition: d.definition,
    runs: runs.filter((r) => r.datasetId === d.id).map((r) => r.id),
  }));
};
