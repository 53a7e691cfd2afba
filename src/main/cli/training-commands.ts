import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ApiError } from '../../shared/api.js';
import { CMAPSS_PRESETS, cmapssFd001Config, type CmapssPreset } from '../core/runs/cmapss.js';
import { fail } from './cli-args.js';
import type { CliApi } from './cli-api.js';
import { listOutput, type Command } from './command.js';

const WORKSPACE = { workspace: { type: 'string', short: 'w' } } as const;

/** The training config's fields, for `help train` and `help datasets create`; docs/training.md has the rest. */
export const TRAIN_CONFIG_HELP = `  The config is a JSON training config (docs/training.md; example docs/examples/cmapss-fd001.json):
    name          the run's name
    dataset       assets {names: [...]} or {prefix: "..."}; signals [tag, ...]; window {length, stride};
                  from, to; resample {period, gap: forward-fill|reject}; smoothing (0-1, a list of up to 4, or null);
                  baseline (N: each signal's change from the mean of its first N steps in the life, as inputs);
                  age (true: age in life as an input);
                  normalisation z-score|min-max|none; validationFraction;
                  split {kind: "assets"} | {kind: "time", trainFraction | trainUntil};
                  label {kind: "rul", cap} | {kind: "failure-horizon", horizon} |
                        {kind: "anomaly", rule first-normal|lives|column, normalRows | normalSpan,
                         abnormalWithin, failureAt event|event-or-end, column {tag, normal, abnormal},
                         thresholdQuantile}
    evaluation    assets, windows last|all, finalRul: [numbers] or a file (relative to the config)
    model         {type: "dense", units} | {type: "gru"|"lstm", units, dense} |
                  {type: "cnn1d", filters, kernelSize, dense} | {type: "autoencoder", units} |
                  {type: "pca", varianceKept}
    training      epochs, batchSize, learningRate, loss mse|huber, patience, seed, ensemble, l2
    backend       auto|tensorflow-gpu|tensorflow|wasm|cpu
  Fields with defaults may be left out.`;

/** A JSON file as the user wrote it; the API validates it and names the offending field. */
const readJson = async (file: string): Promise<unknown> => {
  let text: string;
  try {
    text = await readFile(resolve(file), 'utf8');
  } catch {
    throw new ApiError('invalid-argument', `${file}: cannot read the file`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ApiError('invalid-argument', `${file}: not valid JSON (${(error as Error).message})`);
  }
};

/** The contract names a bad field as "startTraining: config.dataset.window: ..."; the user wrote it in `file`. */
const inConfigFile = async <T>(file: string, call: () => Promise<T>): Promise<T> => {
  try {
    return await call();
  } catch (error) {
    const field = error instanceof ApiError ? /^\w+: config\.(.*)$/s.exec(error.message) : null;
    if (error instanceof ApiError && error.code === 'invalid-argument' && field !== null)
      throw new ApiError('invalid-argument', `${file}: ${field[1] ?? ''}`);
    throw error;
  }
};

const TRAIN_USAGE = 'train --workspace <dir> --config <file.json> [--json]';

export const train: Command = {
  name: 'train',
  usage: TRAIN_USAGE,
  details: `  Train one model as a job (startTraining): epochs on stderr; Ctrl-C cancels and keeps nothing.
${TRAIN_CONFIG_HELP}`,
  options: { ...WORKSPACE, config: { type: 'string' } },
  run: async (args, api) => {
    const file = args.need('config', '<file.json>');
    const config = await readJson(file);
    const client = await api();
    await client.openWorkspace(args.str('workspace'), { mustExist: true });
    const { jobId } = await inConfigFile(file, () =>
      client.call('startTraining', { config: config as never, baseDir: dirname(resolve(file)) }),
    );
    const result = (await client.followJob(jobId, { json: args.json })).training;
    if (result === null || result === undefined) throw new Error('training finished without a result');
    return { value: result, text: `run ${result.run} on ${result.backend}: ${JSON.stringify(result.metrics)}` };
  },
};

export const evaluate: Command = {
  name: 'evaluate',
  usage: 'evaluate --workspace <dir> --run <id> [--dataset <id>] [--json]',
  details: `  Re-score a run from its folder and compare with its record (matchesRecord); --dataset scores a saved
  dataset snapshot instead (evaluateRun).`,
  options: { ...WORKSPACE, run: { type: 'string' }, dataset: { type: 'string' } },
  run: async (args, api) => {
    const id = args.need('run', '<id>');
    const datasetId = args.str('dataset');
    const client = await api();
    await client.openWorkspace(args.str('workspace'), { mustExist: true });
    const result = await client.call('evaluateRun', { id, ...(datasetId !== undefined ? { datasetId } : {}) });
    return {
      value: result,
      text:
        result.dataset?.source === 'snapshot'
          ? `run ${result.run} on dataset ${result.dataset.id} (${result.dataset.assets.length} assets, ${result.scoredWindows} windows): ${JSON.stringify(result.metrics)}`
          : `run ${result.run}: ${JSON.stringify(result.metrics)} (${result.matchesRecord ? 'matches' : 'differs from'} the record)`,
    };
  },
};

const listDatasets = async (client: CliApi) =>
  listOutput(
    'datasets',
    await client.call('listDatasets', {}),
    (d) => `${d.id}\t${d.name}\t${d.assets} assets\t${d.windows} windows\t${d.createdAt}`,
  );

export const datasetsList: Command = {
  name: 'datasets list',
  usage: 'datasets [list] --workspace <dir> [--json]',
  details: '  Saved dataset snapshots, newest first, with the runs trained on each (listDatasets).',
  options: { ...WORKSPACE },
  run: async (args, api) => {
    const client = await api();
    await client.openWorkspace(args.str('workspace'), { mustExist: true });
    return listDatasets(client);
  },
};

export const datasetsCreate: Command = {
  name: 'datasets create',
  usage: 'datasets create --workspace <dir> --config <file.json> [--json]',
  details: `  Build and save the snapshot of a training config's name, dataset and training.seed, without training
  (createDataset); evaluate --dataset then scores a run on it, whatever the workspace becomes.
${TRAIN_CONFIG_HELP}`,
  options: { ...WORKSPACE, config: { type: 'string' } },
  run: async (args, api) => {
    const file = args.need('config', '<file.json>');
    const config = await readJson(file);
    const client = await api();
    await client.openWorkspace(args.str('workspace'), { mustExist: true });
    const dataset = await inConfigFile(file, () => client.call('createDataset', { config: config as never }));
    return {
      value: dataset,
      text: `${dataset.created ? 'saved' : 'already saved:'} ${dataset.id} (${dataset.assets.length} assets, ${dataset.windows} windows)`,
    };
  },
};

export const runsList: Command = {
  name: 'runs list',
  usage: 'runs [list] --workspace <dir> [--json]',
  details: '  Runs, newest first (listRuns).',
  options: { ...WORKSPACE },
  run: async (args, api) => {
    const client = await api();
    await client.openWorkspace(args.str('workspace'), { mustExist: true });
    return listOutput(
      'runs',
      await client.call('listRuns', {}),
      (r) => `${r.id}\t${r.status}\t${r.modelType}\t${r.backend}\t${JSON.stringify(r.metrics)}`,
    );
  },
};

export const runsDelete: Command = {
  name: 'runs delete',
  usage: 'runs delete --workspace <dir> --run <id> [--json]',
  details: '  Delete a run with its folder and recording (deleteRun).',
  options: { ...WORKSPACE, run: { type: 'string' } },
  run: async (args, api) => {
    const id = args.need('run', '<id>');
    const client = await api();
    const path = await client.openWorkspace(args.str('workspace'), { mustExist: true });
    const result = await client.call('deleteRun', { id });
    if (!result.deleted) throw new ApiError('not-found', `no run "${id}" in ${path}`);
    return { value: result, text: `deleted ${id}` };
  },
};

const BENCHMARK_USAGE =
  'benchmark cmapss --data <dir> [--preset default|accurate] [--epochs N] [--workspace <dir>] [--json]';

export const benchmark: Command = {
  name: 'benchmark cmapss',
  usage: BENCHMARK_USAGE,
  details: `  C-MAPSS FD001 standard protocol end to end in a fresh workspace (or --workspace): startImport of
  train_FD001.txt and test_FD001.txt, then startTraining with docs/examples/cmapss-fd001.json's config.
  --data: the folder with train_FD001.txt, test_FD001.txt and RUL_FD001.txt.
  --preset: default (the dense model above) or accurate (5 dense members averaged, 5x the training; docs/training.md).`,
  options: { ...WORKSPACE, data: { type: 'string' }, epochs: { type: 'string' }, preset: { type: 'string' } },
  run: async (args, api) => {
    const data = resolve(args.need('data', '<dir>'));
    const epochs = args.int('epochs');
    const preset = (args.str('preset') ?? 'default') as CmapssPreset;
    if (!CMAPSS_PRESETS.includes(preset))
      fail(`benchmark cmapss: --preset: "${preset}" is not one of ${CMAPSS_PRESETS.join(', ')}`, BENCHMARK_USAGE);
    const files = ['train_FD001.txt', 'test_FD001.txt', 'RUL_FD001.txt'].map((f) => join(data, f));
    const missing = files.filter((f) => !existsSync(f));
    if (missing.length > 0) fail(`benchmark cmapss: missing ${missing.join(', ')}`, BENCHMARK_USAGE);
    const dir = args.str('workspace') ?? (await mkdtemp(join(tmpdir(), 'pdm-cmapss-')));
    const client = await api();
    const workspace = await client.openWorkspace(dir, { mustExist: false });
    process.stderr.write(`importing C-MAPSS FD001 into ${workspace}\n`);
    const imported = await client.call('startImport', { paths: files.slice(0, 2), options: { format: 'cmapss' } });
    await client.followJob(imported.jobId, { json: true });
    const { jobId } = await client.call('startTraining', {
      config: cmapssFd001Config(files[2] as string, epochs, preset),
      baseDir: data,
    });
    const run = (await client.followJob(jobId, { json: true })).training;
    if (run === null || run === undefined) throw new Error('training finished without a result');
    const result = {
      // Against RUL_FD001 as given; rmse_capped against the truth capped at 125 like the training labels.
      rmse: run.metrics['rmse'],
      rmse_capped: run.metrics['rmse_capped'],
      nasa_score: run.metrics['nasa_score'],
      mae: run.metrics['mae'],
      train_s: run.metrics['train_s'],
      epochs: run.metrics['epochs'],
      preset,
      backend: run.backend,
      run: run.run,
      workspace,
    };
    return {
      value: result,
      text: `FD001 test RMSE ${result.rmse} (capped at 125: ${result.rmse_capped}) PHM08 score ${result.nasa_score} in ${result.train_s} s on ${result.backend} (run ${result.run}, workspace ${workspace})`,
    };
  },
};

export const TRAINING_COMMANDS: readonly Command[] = [
  train,
  evaluate,
  datasetsList,
  datasetsCreate,
  runsList,
  runsDelete,
  benchmark,
];
