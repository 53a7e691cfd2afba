import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatusCodes, type ClientSession, type DataValue } from 'node-opcua';
import { browseTags } from '../../../src/main/core/historians/opcua/browse.js';
import { connectOpcua, type OpcuaConnection } from '../../../src/main/core/historians/opcua/connection.js';
import { parseInjections } from '../../../src/main/core/historians/simulator/injections.js';
import type { PlantSimulator } from '../../../src/main/core/historians/simulator/opcua-simulator.js';
import type { Sample } from '../../../src/main/core/historians/simulator/plant-model.js';
import { DAY_MS, END_MS, openFixture, startSimulator, type Fixture } from './opcua-helpers.js';

const HOUR = 3_600_000;
const FROM = END_MS - 2 * DAY_MS;
const iso = (ms: number) => new Date(ms).toISOString();

let fx: Fixture;
let sim: PlantSimulator;
let c: OpcuaConnection;

beforeAll(async () => {
  fx = await openFixture();
  sim = await startSimulator(fx.root, {
    days: 10,
    assets: 2,
    injections: parseInjections(
      [
        { kind: 'drift', tag: 'P-101.VibrationRMS', from: iso(FROM), offset: 2.5 },
        { kind: 'unit', tag: 'P-101.BearingTemperature', from: iso(FROM), unit: 'degF' },
        { kind: 'remove', tag: 'P-102.Speed', from: iso(FROM) },
        { kind: 'rename', tag: 'P-101.Flow', from: iso(FROM), to: 'FlowPV' },
        { kind: 'period', tag: 'P-101.MotorCurrent', from: iso(FROM), periodS: 300 },
      ],
      'test',
    ),
  });
  c = await connectOpcua({
    endpoint: sim.endpointUrl,
    securityMode: 'None',
    securityPolicy: 'None',
    userDataDir: fx.userData,
  });
});
afterAll(async () => {
  await c?.close();
  await sim?.stop();
  await fx?.close();
});

const history = async (session: ClientSession, nodeId: string, fromMs: number, toMs: number) => {
  const result = await session.readHistoryValue(nodeId, new Date(fromMs), new Date(toMs));
  const values = ((result.historyData as { dataValues?: DataValue[] } | null)?.dataValues ?? []).map((dv) => ({
    t: dv.sourceTimestamp?.getTime() ?? 0,
    v: typeof dv.value.value === 'number' ? dv.value.value : null,
  }));
  return { status: result.statusCode, values };
};

/** What the seeded model (no injection) holds for a tag in [fromMs, toMs). */
const modelValues = (id: string, fromMs: number, toMs: number) => {
  const tag = sim.model.tags.find((t) => t.id === id);
  if (tag === undefined) throw new Error(id);
  const out: { t: number; v: number | null }[] = [];
  const s: Sample = { t: 0, value: null, status: 0 };
  for (let k = fromMs / 60_000; k < toMs / 60_000; k++)
    if (sim.model.sample(tag.index, k, s)) out.push({ t: s.t, v: s.value });
  return out;
};
const r4 = (v: number) => Math.round(v * 10_000) / 10_000;

describe('plant simulator injections over a real OPC UA server', () => {
  it('browse: the removed tag is gone, the renamed tag has its new name, the unit change is in EUInformation', async () => {
    const tags = await browseTags(c.session);
    const names = tags.map((t) => `${t.asset}.${t.name}`);
    expect(names).toHaveLength(11);
    expect(names).not.toContain('P-102.Speed');
    expect(names).not.toContain('P-101.Flow');
    expect(names).toContain('P-101.FlowPV');
    const temperature = tags.find((t) => t.name === 'BearingTemperature' && t.asset === 'P-101');
    expect(temperature).toMatchObject({ unit: '°F', low: 32, high: 302 });
    expect(tags.find((t) => t.name === 'BearingTemperature' && t.asset === 'P-102')).toMatchObject({ unit: '°C' });
    expect(sim.tags.map((t) => t.series.id).sort()).toEqual([...names].sort());
  });

  it('history: drift and unit change from the given time, removed tag unknown, renamed tag from the rename', async () => {
    const window = [FROM - 3 * HOUR, FROM + 3 * HOUR] as const;
    const vib = await history(c.session, 'ns=1;s=P-101.VibrationRMS', ...window);
    const vibModel = modelValues('P-101.VibrationRMS', ...window);
    expect(vib.values.map((x) => x.t)).toEqual(vibModel.map((x) => x.t));
    vib.values.forEach((x, i) => {
      const m = vibModel[i]?.v ?? null;
      expect(x.v).toBe(m === null ? null : x.t >= FROM ? r4(m + 2.5) : m);
    });
    const temp = await history(c.session, 'ns=1;s=P-101.BearingTemperature', ...window);
    const tempModel = modelValues('P-101.BearingTemperature', ...window);
    temp.values.forEach((x, i) => {
      const m = tempModel[i]?.v ?? null;
      expect(x.v).toBe(m === null ? null : x.t >= FROM ? r4((m * 9) / 5 + 32) : m);
    });
    expect(temp.values.some((x) => x.t >= FROM && (x.v ?? 0) > 100)).toBe(true);

    const removed = await history(c.session, 'ns=1;s=P-102.Speed', ...window);
    expect(removed.status.value).toBe(StatusCodes.BadNodeIdUnknown.value);
    expect(removed.values).toEqual([]);

    const renamed = await history(c.session, 'ns=1;s=P-101.FlowPV', ...window);
    expect(renamed.values.length).toBeGreaterThan(100);
    expect(renamed.values).toEqual(modelValues('P-101.Flow', FROM, window[1]));
    expect((await history(c.session, 'ns=1;s=P-101.Flow', ...window)).status.value).toBe(
      StatusCodes.BadNodeIdUnknown.value,
    );
  });

  it('history: the sample spacing changes from 60 s to 300 s at the given time', async () => {
    const h = await history(c.session, 'ns=1;s=P-101.MotorCurrent', FROM - 3 * HOUR, FROM + 3 * HOUR);
    const gaps = (xs: readonly { t: number }[]) => xs.slice(1).map((x, i) => x.t - (xs[i]?.t ?? 0));
    const before = h.values.filter((x) => x.t < FROM);
    const after = h.values.filter((x) => x.t >= FROM);
    expect(after.length).toBeGreaterThan(20);
    expect(Math.min(...gaps(before))).toBe(60_000);
    expect(Math.min(...gaps(after))).toBe(300_000);
    for (const x of after) expect(x.t % 300_000).toBe(0);
  });
});

describe('plant simulator clock with a time scale', () => {
  it("the server's now advances 3600 times faster; a tag removed one simulated hour later disappears", async () => {
    const origin = END_MS - DAY_MS;
    const root = await openFixture();
    const fast = await startSimulator(root.root, {
      days: 2,
      assets: 1,
      endMs: origin,
      timeScale: 3600,
      injections: parseInjections([{ kind: 'remove', tag: 'P-101.Speed', from: origin + HOUR }], 'test'),
    });
    const startedReal = Date.now();
    const conn = await connectOpcua({
      endpoint: fast.endpointUrl,
      securityMode: 'None',
      securityPolicy: 'None',
      userDataDir: root.userData,
    });
    try {
      expect(fast.tags.map((t) => t.series.id)).toContain('P-101.Speed');
      await new Promise((r) => setTimeout(r, 1500));
      const before = Date.now();
      const h = await history(conn.session, 'ns=1;s=P-101.VibrationRMS', origin, origin + 12 * HOUR);
      const after = Date.now();
      const newest = Math.max(...h.values.map((x) => x.t));
      // History grows 3600 s per real second: 1.5 s of real time is at least 1.5 h of plant data.
      expect(newest).toBeGreaterThanOrEqual(origin + (before - startedReal) * 3600 - 5 * 60_000);
      expect(newest).toBeLessThanOrEqual(origin + (after - startedReal + 1000) * 3600);
      expect(newest - origin).toBeGreaterThanOrEqual(1.5 * HOUR - 5 * 60_000);
      await new Promise((r) => setTimeout(r, 300));
      const names = (await browseTags(conn.session)).map((t) => t.name);
      expect(names).not.toContain('Speed');
      expect(names).toContain('VibrationRMS');
      expect(fast.tags.map((t) => t.series.id)).not.toContain('P-101.Speed');
    } finally {
      await conn.close();
      await fast.stop();
      await root.close();
    }
  });
});
