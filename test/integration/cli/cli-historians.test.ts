import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlantSimulator } from '../../../src/main/core/historians/simulator/opcua-simulator.js';
import { workOrdersCsv } from '../../../src/main/core/historians/simulator/plant-model.js';
import { OpcuaImportSummarySchema } from '../../../src/shared/domain.js';
import { DAY_MS, END_MS, startSimulator } from '../historians/opcua-helpers.js';
import { requireBuild, startCli, type CliRun } from './run-cli.js';

let root: string;
let sim: PlantSimulator;
const USER = { userName: 'operator', password: 'op-secret-42' };

beforeAll(async () => {
  requireBuild();
  root = await mkdtemp(join(tmpdir(), 'pdm-cli-hist-'));
  sim = await startSimulator(root, { assets: 1, days: 3, users: [USER] });
}, 60_000);

afterAll(async () => {
  await sim?.stop();
  await rm(root, { recursive: true, force: true });
});

const cli = (args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> =>
  startCli(args, { PDM_STUDIO_HOME: join(root, 'home'), PDM_PASSWORD: '', ...env });

describe('pdm-studio browse / import opcua / import events: thin callers of the API (bin/pdm-studio.js)', () => {
  it('browse needs the password; with it, lists the historizing tags (browseOpcua)', async () => {
    const refused = await cli(['browse', '--endpoint', sim.endpointUrl, '--user', USER.userName, '--json']);
    expect(refused.code).toBe(2);
    expect(refused.json).toMatchObject({
      error: { code: 'invalid-argument', message: expect.stringMatching(/password/) },
    });
    const browsed = await cli(['browse', '--endpoint', sim.endpointUrl, '--user', USER.userName, '--json'], {
      PDM_PASSWORD: USER.password,
    });
    expect(browsed.code, browsed.stderr).toBe(0);
    const tags = (browsed.json?.['tags'] ?? []) as { nodeId: string; historizing: boolean }[];
    expect(tags.length).toBe(sim.tags.length);
    expect(tags.every((t) => t.historizing)).toBe(true);
  });

  it('import opcua prints the job result; a saved profile then supplies endpoint, user and password', async () => {
    const ws = join(root, 'ws');
    const tag = sim.tags[0]?.nodeId ?? '';
    const passwordFile = join(root, 'password.txt');
    await writeFile(passwordFile, `${USER.password}\n`);
    const from = new Date(END_MS - 2 * DAY_MS).toISOString();
    const to = new Date(END_MS - DAY_MS).toISOString();
    const first = await cli([
      'import',
      'opcua',
      '--workspace',
      ws,
      '--endpoint',
      sim.endpointUrl,
      '--user',
      USER.userName,
      '--password-file',
      passwordFile,
      '--tags',
      tag,
      '--from',
      from,
      '--to',
      to,
      '--save-profile',
      'plant',
      '--json',
    ]);
    expect(first.code, first.stderr).toBe(0);
    const summary = OpcuaImportSummarySchema.strict().parse(first.json);
    expect(summary).toMatchObject({ tags: 1, resumed: false, duplicates: 0 });
    expect(summary.values).toBe(1440);
    expect(first.stderr).not.toContain(USER.password);

    // No endpoint, user or password on the command line: the profile has them, the API decrypts the password.
    const next = await cli([
      'import',
      'opcua',
      '--workspace',
      ws,
      '--profile',
      'plant',
      '--tags',
      tag,
      '--to',
      new Date(END_MS).toISOString(),
      '--json',
    ]);
    expect(next.code, next.stderr).toBe(0);
    expect(next.json).toMatchObject({ tags: 1, resumed: true, values: 1440 });
    const unknown = await cli(['import', 'opcua', '--workspace', ws, '--profile', 'nope', '--tags', tag, '--json']);
    expect(unknown.json).toMatchObject({ error: { code: 'not-found', message: expect.stringContaining('nope') } });
  }, 60_000);

  it('import events imports work orders through importEventsFile', async () => {
    const file = join(root, 'work-orders.csv');
    await writeFile(file, workOrdersCsv(sim.model.workOrdersBetween(sim.model.options.startMs, END_MS)));
    const run = await cli(['import', 'events', '--workspace', join(root, 'ws'), file, '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json).toMatchObject({ file, rejected: 0, duplicates: 0 });
    expect(Object.keys(run.json ?? {}).sort()).toEqual(
      ['assets', 'duplicates', 'events', 'file', 'rejected', 'unmatchedAssets'].sort(),
    );
  });
});
