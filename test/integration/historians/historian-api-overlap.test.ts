import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../../src/main/core/app/app-core.js';
import type { PlantSimulator } from '../../../src/main/core/historians/simulator/opcua-simulator.js';
import { apiCaller } from '../../support/api-caller.js';
import { DAY_MS, END_MS, expectedHistory, startSimulator, storedHistory } from './opcua-helpers.js';

let root: string;
let core: AppCore;
let sim: PlantSimulator;
const { call, settle } = apiCaller(() => core);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pdm-api-overlap-'));
  sim = await startSimulator(root, { days: 4 });
  core = await createAppCore({ userDataDir: join(root, 'user-data'), shell: 'web', workspace: join(root, 'ws') });
});

afterAll(async () => {
  await core?.dispose();
  await sim?.stop();
  await rm(root, { recursive: true, force: true });
});

const MINUTE = 60_000;
const connection = () => ({ endpoint: sim.endpointUrl, securityMode: 'None', securityPolicy: 'None' }) as const;

describe('API: the look-back for late data is an option of startOpcuaImport', () => {
  it('overlapMs 0 leaves a stretch forwarded late missing; a look-back reaching it fetches it', async () => {
    const info = sim.tags[2];
    if (info === undefined) throw new Error('no tag');
    const { tag, nodeId } = info;
    const from = END_MS - 2 * DAY_MS;
    const cut = END_MS - DAY_MS;
    // Late by 90 minutes: beyond the default hour of look-back, within a look-back of 2 hours.
    sim.withhold(nodeId, cut - 100 * MINUTE, cut - 90 * MINUTE);
    const late = expectedHistory(sim, tag.index, cut - 100 * MINUTE, cut - 90 * MINUTE).count;
    expect(late).toBeGreaterThan(5);
    const first = await settle(
      (await call('startOpcuaImport', { ...connection(), tags: [nodeId], from: from * 1000, to: cut * 1000 })).jobId,
    );
    expect(first.status).toBe('done');
    sim.forwardWithheld();
    const stored = () => {
      const ws = core.currentWorkspace();
      if (ws === null) throw new Error('no workspace open');
      return storedHistory(ws, tag.asset, tag.info.name);
    };

    const blind = await settle(
      (await call('startOpcuaImport', { ...connection(), tags: [nodeId], to: cut * 1000, overlapMs: 0 })).jobId,
    );
    expect(blind.status).toBe('done');
    expect((await stored()).count).toBe(expectedHistory(sim, tag.index, from, cut).count - late);

    const reaching = await settle(
      (await call('startOpcuaImport', { ...connection(), tags: [nodeId], to: cut * 1000, overlapMs: 120 * MINUTE }))
        .jobId,
    );
    expect(reaching.status).toBe('done');
    expect(reaching.opcua?.values).toBe(late);
    expect(await stored()).toEqual(expectedHistory(sim, tag.index, from, cut));

    await expect(call('startOpcuaImport', { ...connection(), tags: [nodeId], overlapMs: -1 })).rejects.toMatchObject({
      code: 'invalid-argument',
    });
  }, 120_000);
});
