import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppCore } from '../../../src/main/core/app/app-core.js';
import { dispatch } from '../../../src/main/core/app/dispatch.js';
import { requireBuild, startCli, type CliRun } from './run-cli.js';

let root: string;
let ws: string;
const sample = resolve('resources/sample/cmapss-fd001-sample.txt');
const signal = 'cmapss-fd001-sample engine 001/sensor_2';
const cli = (...args: string[]): Promise<CliRun> => startCli(args, { PDM_STUDIO_HOME: join(root, 'home') });

beforeAll(async () => {
  requireBuild();
  root = await mkdtemp(join(tmpdir(), 'pdm-cli-conv-'));
  ws = join(root, 'ws');
  const ingested = await cli('ingest', sample, '--workspace', ws, '--json');
  expect(ingested.code, ingested.stderr).toBe(0);
}, 60_000);

afterAll(async () => rm(root, { recursive: true, force: true }));

describe('pdm-studio help and usage (bin/pdm-studio.js)', () => {
  it('--help, -h, help and no arguments print the overview of every command and exit 0', async () => {
    for (const args of [['--help'], ['-h'], ['help'], []]) {
      const run = await cli(...args);
      expect(run.code, args.join(' ')).toBe(0);
      expect(run.stderr).toBe('');
      for (const command of ['ingest', 'trend', 'signals', 'train', 'datasets create', 'import sql', 'registry fetch'])
        expect(run.stdout).toContain(`  ${command} `);
    }
  });

  it("help <command>, <command> --help and <command> -h print that command's usage and exit 0", async () => {
    const help = await cli('help', 'trend');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: pdm-studio trend --workspace <dir> --signal <ref> --width <px>/);
    expect(help.stdout).not.toContain('ingest');
    for (const args of [
      ['trend', '--help'],
      ['trend', '-h'],
      ['trend', '--workspace', ws, '--help'],
    ]) {
      const run = await cli(...args);
      expect(run.code, args.join(' ')).toBe(0);
      expect(run.stdout, args.join(' ')).toBe(help.stdout);
    }
    const registry = await cli('registry', '--help');
    expect(registry.code).toBe(0);
    expect(registry.stdout).toMatch(/pdm-studio registry fetch --registry <dir\|url> --name <model>/);
    expect(registry.stdout).not.toMatch(/parseArgs|TypeError|ERR_/);
    expect((await cli('registry', 'fetch', '--help')).stdout).toMatch(/^usage: pdm-studio registry fetch/);
    expect((await cli('help', 'import')).stdout).toMatch(/import opcua[\s\S]*import sql[\s\S]*import events/);
    expect((await cli('import', 'sql', '-h')).stdout).toMatch(/^usage: pdm-studio import sql .*\n[\s\S]*\$1 = from/);
    expect((await cli('help', 'datasets')).stdout).toMatch(/datasets \[list\][\s\S]*datasets create/);
  });

  it("train's usage documents the training config's fields and points to docs/training.md", async () => {
    const run = await cli('train', '--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('docs/training.md');
    for (const field of ['dataset', 'window', 'label', 'model', 'epochs', 'batchSize', 'seed', 'backend'])
      expect(run.stdout).toContain(field);
    expect((await cli('help', 'datasets', 'create')).stdout).toContain('docs/training.md');
  });
});

describe('pdm-studio unknown flags and commands', () => {
  it("an unknown flag is named with the command's usage: exit 2; with --json an error object on stdout", async () => {
    const run = await cli('trend', '--workspace', ws, '--signal', signal, '--widht', '800');
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^pdm-studio: trend: unknown option --widht\n/);
    expect(run.stderr).toContain('usage: pdm-studio trend --workspace <dir>');
    const json = await cli('signals', '--workspace', ws, '--config', 'x.json', '--json');
    expect(json.code).toBe(2);
    expect(json.json).toEqual({ error: { code: 'invalid-argument', message: 'signals: unknown option --config' } });
    const registry = await cli('registry', 'list', '--registry', root, '--nmae', 'pump');
    expect(registry.code).toBe(2);
    expect(registry.stderr).toMatch(/registry list: unknown option --nmae[\s\S]*usage: pdm-studio registry list/);
  });

  it('an unknown command or subcommand says so with the usage: exit 2', async () => {
    const command = await cli('frobnicate', '--json');
    expect(command.code).toBe(2);
    expect(command.json).toMatchObject({
      error: { code: 'invalid-argument', message: 'unknown command "frobnicate"' },
    });
    const sub = await cli('registry', 'frob');
    expect(sub.code).toBe(2);
    expect(sub.stderr).toMatch(/registry: unknown subcommand "frob"[\s\S]*pdm-studio registry list/);
    const runs = await cli('runs', 'frob', '--workspace', ws);
    expect(runs.code).toBe(2);
    expect(runs.stderr).toMatch(/^pdm-studio: runs: unknown subcommand "frob"/);
    const bare = await cli('import', '--workspace', ws);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/^pdm-studio: import: name a subcommand[\s\S]*import opcua[\s\S]*import sql/);
  });
});

describe('read-only commands never create a workspace at a mistyped path', () => {
  const readOnly = (missing: string): string[][] => [
    ['signals', '--workspace', missing],
    ['trend', '--workspace', missing, '--signal', signal, '--width', '100'],
    ['quality', '--workspace', missing],
    ['runs', '--workspace', missing],
    ['datasets', 'list', '--workspace', missing],
    ['evaluate', '--workspace', missing, '--run', 'run-1'],
    ['export', '--workspace', missing, '--signal', signal, '--format', 'csv', '--out', join(root, 'out.csv')],
  ];

  it('a missing folder: "does not exist", exit 2, and the folder is still not there', async () => {
    const missing = join(root, 'wss');
    for (const args of readOnly(missing)) {
      const run = await cli(...args, '--json');
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toContain(`workspace ${missing} does not exist`);
      expect(run.json).toMatchObject({ error: { code: 'no-workspace' } });
      expect(existsSync(missing), args.join(' ')).toBe(false);
    }
    expect(existsSync(join(root, 'out.csv'))).toBe(false);
  });

  it('a folder that is not a workspace is left as it was', async () => {
    const folder = join(root, 'documents');
    await mkdir(folder);
    const run = await cli('signals', '--workspace', folder);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${folder} is not a workspace`);
    expect(await readdir(folder)).toEqual([]);
  });
});

describe('--json: the API result, or the error as the last stdout line', () => {
  it("signals, trend and quality print exactly what the API's handlers answer", async () => {
    const core = await createAppCore({ userDataDir: join(root, 'api-home'), shell: 'cli', workspace: ws });
    const api = async (method: string, input: unknown) => {
      const result = await dispatch(core.handlers, method, input);
      if (!result.ok) throw new Error(result.error.message);
      return result.result;
    };
    let expected: { signals: unknown; trend: unknown; quality: unknown };
    try {
      const [resolved] = (await api('resolveSignals', { refs: [signal] })) as { id: number }[];
      expected = {
        signals: { signals: await api('listSignals', {}) },
        trend: await api('queryTrend', { signalIds: [resolved?.id], width: 100 }),
        quality: { quality: await api('getQuality', { signalIds: [resolved?.id] }) },
      };
    } finally {
      await core.dispose();
    }
    expect((await cli('signals', '--workspace', ws, '--json')).json).toEqual(expected.signals);
    expect((await cli('trend', '--workspace', ws, '--signal', signal, '--width', '100', '--json')).json).toEqual(
      expected.trend,
    );
    expect((await cli('quality', '--workspace', ws, '--signal', signal, '--json')).json).toEqual(expected.quality);
  });

  it('failures print {"error":{"code","message"}} last: ingest of a missing file, an unknown run, an unknown signal', async () => {
    const ingest = await cli('ingest', join(root, 'no-such.csv'), '--workspace', ws, '--json');
    expect(ingest.code).not.toBe(0);
    expect(ingest.json).toMatchObject({
      error: { code: expect.any(String), message: expect.stringContaining('no-such.csv') },
    });
    const evaluate = await cli('evaluate', '--workspace', ws, '--run', 'run-nope', '--json');
    expect(evaluate.code).toBe(1);
    expect(evaluate.json).toEqual({ error: { code: 'not-found', message: 'no run "run-nope" in this workspace' } });
    const trend = await cli('trend', '--workspace', ws, '--signal', 'nope/nope', '--width', '10', '--json');
    expect(trend.json).toMatchObject({
      error: { code: 'not-found', message: expect.stringContaining('no signal "nope/nope"') },
    });
    const format = await cli('ingest', sample, '--workspace', ws, '--format', 'xlsx', '--json');
    expect(format.code).toBe(2);
    expect(format.json).toMatchObject({
      error: { code: 'invalid-argument', message: expect.stringContaining('xlsx') },
    });
  });
});
