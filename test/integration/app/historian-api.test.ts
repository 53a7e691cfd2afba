import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../../src/shared/api.js';
import { createAppCore, type AppCore } from '../../../src/main/core/app/app-core.js';
import { apiCaller } from '../../support/api-caller.js';
import { workOrdersCsv } from '../../../src/main/core/historians/simulator/plant-model.js';
import type { PlantSimulator } from '../../../src/main/core/historians/simulator/opcua-simulator.js';
import { DAY_MS, END_MS, duplicateReadings, expectedHistory, startSimulator } from '../historians/opcua-helpers.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';

let root: string;
let core: AppCore;
let sim: PlantSimulator;
const events: ApiEvent[] = [];

const { call, settle } = apiCaller(() => core);

const FROM_US = (END_MS - 2 * DAY_MS) * 1000;
const TO_US = (END_MS - DAY_MS) * 1000;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pdm-app-hist-'));
  sim = await startSimulator(root, { days: 4, users: [{ userName: 'operator', password: 's3cret' }] });
  core = await createAppCore({ userDataDir: join(root, 'user-data'), shell: 'web', workspace: join(root, 'ws') });
  core.onEvent((e) => events.push(e));
});

afterAll(async () => {
  await core?.dispose();
  await sim?.stop();
  await rm(root, { recursive: true, force: true });
});

const anon = () => ({ endpoint: sim.endpointUrl, securityMode: 'None', securityPolicy: 'None' }) as const;
const login = () => ({ ...anon(), userName: 'operator', password: 's3cret' });

describe('historian API against a real workspace and the plant simulator', () => {
  it('browses historizing tags with units', async () => {
    const { tags } = await call('browseOpcua', login());
    expect(tags).toHaveLength(sim.tags.length);
    expect(tags.find((t) => t.nodeId === 'ns=1;s=P-101.VibrationRMS')).toMatchObject({
      name: 'VibrationRMS',
      asset: 'P-101',
      unit: 'mm/s',
      historizing: true,
    });
    await expect(call('browseOpcua', { ...login(), password: 'wrong' })).rejects.toMatchObject({
      code: 'failed',
      message: expect.stringContaining('wrong user name or password'),
    });
    await expect(call('browseOpcua', { ...anon(), endpoint: 'opc.tcp://127.0.0.1:1' })).rejects.toThrow(
      'connection refused',
    );
  });

  it('imports two tags as a job with progress, then "update to now" resumes from the checkpoints', async () => {
    const tags = [sim.tags[0]?.nodeId ?? '', sim.tags[1]?.nodeId ?? ''];
    const before = events.length;
    const { jobId } = await call('startOpcuaImport', { ...login(), tags, from: FROM_US, to: TO_US });
    const job = await settle(jobId);
    expect(job).toMatchObject({ kind: 'opcua-import', status: 'done', result: null });
    const expected = [0, 1].map((i) => expectedHistory(sim, i, END_MS - 2 * DAY_MS, END_MS - DAY_MS).count);
    expect(job.opcua).toMatchObject({ tags: 2, resumed: false, values: expected[0]! + expected[1]! });
    expect(events.slice(before).some((e) => e.type === 'job-progress' && e.jobId === jobId)).toBe(true);
    expect(events.slice(before).some((e) => e.type === 'job-finished' && e.job.id === jobId)).toBe(true);

    const again = await settle((await call('startOpcuaImport', { ...login(), tags })).jobId);
    expect(again.status).toBe('done');
    expect(again.opcua?.resumed).toBe(true);
    const more = [0, 1].map((i) => expectedHistory(sim, i, END_MS - DAY_MS, END_MS + 1).count);
    expect(again.opcua?.values).toBe(more[0]! + more[1]!);
    expect(await duplicateReadings(core.currentWorkspace()!)).toBe(0);
    const signals = await call('listSignals', {});
    expect(signals.map((s) => `${s.asset}/${s.tag}`).sort()).toEqual(
      ['P-101/BearingTemperature', 'P-101/VibrationRMS'].sort(),
    );
  });

  it('a failing import (unknown tag) ends as a failed job naming the tag', async () => {
    const { jobId } = await call('startOpcuaImport', {
      ...login(),
      tags: ['ns=1;s=P-999.Nothing'],
      from: FROM_US,
      to: TO_US,
    });
    const job = await settle(jobId);
    expect(job.status).toBe('failed');
    expect(job.error).toContain('unknown tag on the server: ns=1;s=P-999.Nothing');
  });

  it('cancels a running import', async () => {
    const slow = await startSimulator(root, { days: 4, readDelayMs: 300, maxValuesPerRead: 100 });
    try {
      const { jobId } = await call('startOpcuaImport', {
        ...anon(),
        endpoint: slow.endpointUrl,
        tags: [slow.tags[2]?.nodeId ?? ''],
        from: FROM_US,
        to: TO_US,
      });
      await new Promise((r) => setTimeout(r, 500));
      expect((await call('cancelJob', { jobId })).cancelled).toBe(true);
      expect((await settle(jobId)).status).toBe('cancelled');
    } finally {
      await slow.stop();
    }
  });

  it('an untrusted server certificate gives its own error code; trust once, then always', async () => {
    const secure = { ...login(), securityMode: 'SignAndEncrypt', securityPolicy: 'Basic256Sha256' } as const;
    await expect(call('browseOpcua', secure)).rejects.toMatchObject({
      code: 'untrusted-certificate',
      message: expect.stringContaining('is not trusted'),
    });
    expect((await call('browseOpcua', { ...secure, trustServer: 'once' })).tags.length).toBe(sim.tags.length);
    // Once means once: the next connection asks again.
    await expect(call('browseOpcua', secure)).rejects.toMatchObject({ code: 'untrusted-certificate' });
    expect((await call('browseOpcua', { ...secure, trustServer: 'always' })).tags.length).toBe(sim.tags.length);
    expect((await call('browseOpcua', secure)).tags.length).toBe(sim.tags.length);
  });

  it('saves connection profiles with the password encrypted and never returned', async () => {
    const saved = await call('saveConnectionProfile', {
      name: 'plant',
      endpoint: sim.endpointUrl,
      securityMode: 'None',
      securityPolicy: 'None',
      userName: 'operator',
      password: 's3cret',
    });
    expect(saved).toEqual({
      kind: 'opcua',
      name: 'plant',
      endpoint: sim.endpointUrl,
      securityMode: 'None',
      securityPolicy: 'None',
      userName: 'operator',
      hasPassword: true,
    });
    const onDisk = await readFile(join(root, 'ws', 'connections.json'), 'utf8');
    expect(onDisk).not.toContain('s3cret');
    expect(JSON.stringify(await call('listConnectionProfiles', {}))).not.toContain('s3cret');
    // Saving again without a password keeps the saved one; browsing by profile uses it.
    expect(
      (
        await call('saveConnectionProfile', {
          name: 'plant',
          endpoint: sim.endpointUrl,
          securityMode: 'None',
          securityPolicy: 'None',
          userName: 'operator',
        })
      ).hasPassword,
    ).toBe(true);
    expect((await call('browseOpcua', { ...anon(), userName: 'operator', profile: 'plant' })).tags.length).toBe(
      sim.tags.length,
    );
    await expect(call('browseOpcua', { ...anon(), userName: 'operator' })).rejects.toMatchObject({
      code: 'invalid-argument',
    });
    expect(await call('deleteConnectionProfile', { name: 'plant' })).toEqual({ deleted: true });
    expect(await call('listConnectionProfiles', {})).toEqual([]);
    expect(await call('deleteConnectionProfile', { name: 'plant' })).toEqual({ deleted: false });
  });

  it('adds, edits, lists and deletes events, and imports work orders', async () => {
    const start = FROM_US + 3_600_000_000;
    const added = await call('saveEvent', {
      asset: 'P-101',
      kind: 'inspection',
      start,
      code: 'VIB',
      description: 'checked bearing',
    });
    expect(added).toMatchObject({
      asset: 'P-101',
      kind: 'inspection',
      start,
      end: null,
      timeKind: 'timestamp',
      source: 'manual',
    });
    const edited = await call('saveEvent', {
      id: added.id,
      asset: 'P-101',
      kind: 'failure',
      start,
      end: start + 7_200_000_000,
      description: 'bearing seized',
    });
    expect(edited).toMatchObject({
      id: added.id,
      kind: 'failure',
      end: start + 7_200_000_000,
      code: null,
      description: 'bearing seized',
    });
    await expect(call('saveEvent', { asset: 'P-101', kind: 'note', start, end: start - 1 })).rejects.toMatchObject({
      code: 'invalid-argument',
    });
    await expect(call('saveEvent', { id: 999_999, asset: 'P-101', kind: 'note', start })).rejects.toMatchObject({
      code: 'not-found',
    });
    expect(events.some((e) => e.type === 'events-changed')).toBe(true);

    const file = join(root, 'work-orders.csv');
    const orders = sim.model.workOrdersBetween(sim.model.options.startMs, END_MS);
    await writeFile(file, workOrdersCsv(orders));
    const imported = await call('importEventsFile', { path: file });
    expect(imported).toMatchObject({ events: orders.length, rejected: 0, duplicates: 0 });
    const p101 = await call('listEvents', { assets: ['P-101'] });
    expect(p101.length).toBe(1 + orders.filter((o) => o.asset === 'P-101').length);
    expect(p101.every((e) => e.asset === 'P-101')).toBe(true);
    expect((await call('listEvents', {})).length).toBe(1 + orders.length);
    await expect(call('importEventsFile', { path: join(root, 'missing.csv') })).rejects.toMatchObject({
      code: 'not-found',
    });

    expect(await call('deleteEvent', { id: added.id })).toEqual({ deleted: true });
    expect(await call('deleteEvent', { id: added.id })).toEqual({ deleted: false });
    expect((await call('listEvents', {})).length).toBe(orders.length);
  });
});
