import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CMAPSS_FD001_SENSORS } from '../../../src/main/core/runs/cmapss.js';

const run = promisify(execFile);
const cli = async (...args: string[]) => {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/main/cli/main.ts', ...args], {
    maxBuffer: 1 << 24,
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '') as Record<string, unknown>;
};
/** A failing run's stderr, with its exit status as the first line ("exit 2"). */
const fail = async (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'src/main/cli/main.ts', ...args]).then(
    () => '',
    (error: { stderr: string; code: number }) => `exit ${error.code}\n${error.stderr}`,
  );

let dir: string;
const sample = 'resources/sample/cmapss-fd001-sample.txt';
const engine = (n: number) => `cmapss-fd001-sample engine ${String(n).padStart(3, '0')}`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pdm-cli-train-'));
  await cli('ingest', sample, '--workspace', join(dir, 'ws'), '--json');
}, 60_000);
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('CLI train and evaluate', () => {
  it('train --json prints {run, backend, metrics}; evaluate re-scores the run from its folder', async () => {
    const config = join(dir, 'config.json');
    await writeFile(
      config,
      JSON.stringify({
        name: 'sample',
        dataset: {
          assets: { names: [1, 2, 3, 4, 5, 6, 7, 8].map(engine) },
          signals: CMAPSS_FD001_SENSORS,
          window: { length: 30, stride: 2 },
          smoothing: 0.3,
          label: { kind: 'rul', cap: 125 },
        },
        evaluation: { assets: { names: [engine(9), engine(10)] }, windows: 'all' },
        model: { type: 'dense', units: [16] },
        training: { epochs: 3, seed: 5 },
      }),
    );
    const trained = await cli('train', '--workspace', join(dir, 'ws'), '--config', config, '--json');
    expect(trained).toMatchObject({ backend: 'wasm', run: expect.stringMatching(/^run-/) });
    expect((trained['metrics'] as Record<string, number>)['rmse']).toBeGreaterThan(0);
    const evaluated = await cli(
      'evaluate',
      '--workspace',
      join(dir, 'ws'),
      '--run',
      trained['run'] as string,
      '--json',
    );
    expect(evaluated['matchesRecord']).toBe(true);
    expect((evaluated['metrics'] as Record<string, number>)['rmse']).toBeCloseTo(
      (trained['metrics'] as Record<string, number>)['rmse'] as number,
      4,
    );

    const listed = (await cli('runs', '--workspace', join(dir, 'ws'), '--json'))['runs'] as {
      id: string;
      status: string;
    }[];
    expect(listed.find((r) => r.id === trained['run'])?.status).toBe('done');
    expect(
      await cli('runs', 'delete', '--run', trained['run'] as string, '--workspace', join(dir, 'ws'), '--json'),
    ).toEqual({ deleted: true });
    expect(existsSync(join(dir, 'ws', 'artifacts', 'runs', trained['run'] as string))).toBe(false);
  });

  it('datasets create/list save snapshots; evaluate --dataset scores a run on engines it never saw', async () => {
    const dataset = {
      signals: CMAPSS_FD001_SENSORS,
      window: { length: 30, stride: 5 },
      smoothing: 0.3,
      label: { kind: 'rul', cap: 125 },
    };
    const trainFile = join(dir, 'engines-1-6.json');
    await writeFile(
      trainFile,
      JSON.stringify({
        name: 'engines 1-6',
        dataset: { ...dataset, assets: { names: [1, 2, 3, 4, 5, 6].map(engine) } },
        model: { type: 'dense', units: [16] },
        training: { epochs: 2, seed: 5 },
      }),
    );
    const snapshotFile = join(dir, 'engines-7-10.json');
    await writeFile(
      snapshotFile,
      JSON.stringify({ name: 'engines 7-10', dataset: { ...dataset, assets: { names: [7, 8, 9, 10].map(engine) } } }),
    );
    const trained = await cli('train', '--workspace', join(dir, 'ws'), '--config', trainFile, '--json');
    const created = await cli('datasets', 'create', '--workspace', join(dir, 'ws'), '--config', snapshotFile, '--json');
    expect(created).toMatchObject({ id: expect.stringMatching(/^ds-[0-9a-f]{16}$/), windows: 145, created: true });
    const listed = (await cli('datasets', 'list', '--workspace', join(dir, 'ws'), '--json'))['datasets'] as {
      id: string;
      runs: string[];
    }[];
    expect(listed.map((d) => d.id)).toContain(created['id']);
    expect(listed.some((d) => d.runs.includes(trained['run'] as string))).toBe(true);

    const evaluated = await cli(
      'evaluate',
      '--workspace',
      join(dir, 'ws'),
      '--run',
      trained['run'] as string,
      '--dataset',
      created['id'] as string,
      '--json',
    );
    expect(evaluated['dataset']).toMatchObject({
      source: 'snapshot',
      id: created['id'],
      assets: [7, 8, 9, 10].map(engine),
      seenInTraining: [],
    });
    expect(evaluated['scoredWindows']).toBe(145);
    expect((evaluated['metrics'] as Record<string, number>)['rmse']).toBeGreaterThan(0);
    expect(
      await fail(
        'evaluate',
        '--workspace',
        join(dir, 'ws'),
        '--run',
        trained['run'] as string,
        '--dataset',
        'ds-nope',
        '--json',
      ),
    ).toMatch(/no dataset "ds-nope"/);
  });

  it('a bad config is refused with the problem named: exit 2 when the contract rejects it, 1 when the data does', async () => {
    const config = join(dir, 'bad.json');
    await writeFile(
      config,
      JSON.stringify({
        dataset: {
          assets: { prefix: 'cmapss' },
          signals: ['sensor_2'],
          window: { length: 500 },
          label: { kind: 'rul' },
        },
        model: { type: 'dense' },
      }),
    );
    expect(await fail('train', '--workspace', join(dir, 'ws'), '--config', config, '--json')).toMatch(
      /^exit 1\n[\s\S]*window length 500 is longer than the shortest asset/,
    );
    const invalid = join(dir, 'invalid.json');
    await writeFile(invalid, JSON.stringify({ dataset: { signals: [] }, model: { type: 'dense' } }));
    expect(await fail('train', '--workspace', join(dir, 'ws'), '--config', invalid, '--json')).toMatch(
      /^exit 2\npdm-studio: \S*invalid\.json: dataset\./,
    );
    expect(await fail('evaluate', '--workspace', join(dir, 'ws'), '--run', 'run-nope', '--json')).toMatch(
      /no run "run-nope"/,
    );
  });
});
