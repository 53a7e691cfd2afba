import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectOpcua } from '../../../src/main/core/historians/opcua/connection.js';
import { importOpcuaHistory } from '../../../src/main/core/historians/opcua/history-import.js';
import { integerValue, type PlantSimulator } from '../../../src/main/core/historians/simulator/opcua-simulator.js';
import {
  DAY_MS,
  END_MS,
  duplicateReadings,
  expectedHistory,
  openFixture,
  startSimulator,
  storedHistory,
  type Fixture,
} from './opcua-helpers.js';

let fx: Fixture;
let sim: PlantSimulator;

beforeAll(async () => {
  fx = await openFixture();
  sim = await startSimulator(fx.root, { days: 30, integerTags: true });
});
afterAll(async () => {
  await sim?.stop();
  await fx?.close();
});

const connect = () =>
  connectOpcua({ endpoint: sim.endpointUrl, securityMode: 'None', securityPolicy: 'None', userDataDir: fx.userData });

const MINUTE = 60_000;

describe('OPC UA import fetches what was asked, including late data', () => {
  it('a range starting before the last import end fetches all of it (19 days after a 3-day import)', async () => {
    const [a, b] = sim.tags.slice(0, 2).map((t) => t.tag);
    if (a === undefined || b === undefined) throw new Error('no tags');
    const nodeIds = sim.tags.slice(0, 2).map((t) => t.nodeId);
    const end = END_MS - 5 * DAY_MS;
    const c = await connect();
    try {
      const first = await importOpcuaHistory(fx.ws, c.session, {
        endpoint: sim.endpointUrl,
        nodeIds,
        fromMs: end - 3 * DAY_MS,
        toMs: end,
      });
      expect(first.resumed).toBe(false);
      const second = await importOpcuaHistory(fx.ws, c.session, {
        endpoint: sim.endpointUrl,
        nodeIds,
        fromMs: end - 19 * DAY_MS,
        toMs: end,
      });
      for (const tag of [a, b]) {
        expect(await storedHistory(fx.ws, tag.asset, tag.info.name)).toEqual(
          expectedHistory(sim, tag.index, end - 19 * DAY_MS, end),
        );
      }
      const all = [a, b].reduce((s, t) => s + expectedHistory(sim, t.index, end - 19 * DAY_MS, end).count, 0);
      expect(first.values + second.values).toBe(all);
      // Only the 16 days not imported before were read again, plus the end of the first import from an hour
      // before its last value (late data): what that re-read found again are the duplicates.
      expect(second.resumed).toBe(true);
      let again = 0;
      for (const [i, tag] of [a, b].entries()) {
        const ranges = second.perTag[i]?.ranges ?? [];
        const last = (await storedHistory(fx.ws, tag.asset, tag.info.name)).lastMs ?? Number.NaN;
        expect(ranges).toEqual([
          { fromMs: end - 19 * DAY_MS, toMs: end - 3 * DAY_MS },
          { fromMs: last - 60 * MINUTE, toMs: end },
        ]);
        again += expectedHistory(sim, tag.index, last - 60 * MINUTE, end).count;
      }
      expect(second.duplicates).toBe(again);
      const coverage = await fx.ws.query<{ n: number; from_t: number; to_t: number }>(
        `SELECT count(*) AS n, min(from_t) AS from_t, max(to_t) AS to_t FROM historian_coverage`,
      );
      expect(coverage[0]).toEqual({ n: 2, from_t: (end - 19 * DAY_MS) * 1000, to_t: end * 1000 });
      expect(await duplicateReadings(fx.ws)).toBe(0);
    } finally {
      await c.close();
    }
  }, 120_000);

  it('late data: values a historian forwards later with older timestamps arrive with the look-back overlap', async () => {
    const [x, y] = [sim.tags[5], sim.tags[6]];
    if (x === undefined || y === undefined) throw new Error('no tags');
    const from = END_MS - 2 * DAY_MS;
    const cut = END_MS - DAY_MS;
    const later = cut + 2 * 60 * MINUTE;
    // The collector's link was down from 40 to 20 minutes before the first import: that stretch comes late.
    for (const { nodeId } of [x, y]) sim.withhold(nodeId, cut - 40 * MINUTE, cut - 20 * MINUTE);
    const late = (t: typeof x) => expectedHistory(sim, t.tag.index, cut - 40 * MINUTE, cut - 20 * MINUTE).count;
    expect(late(x)).toBeGreaterThan(10);
    expect(late(y)).toBeGreaterThan(10);
    const stored = async (t: typeof x) => storedHistory(fx.ws, t.tag.asset, t.tag.info.name);
    const c = await connect();
    try {
      await importOpcuaHistory(fx.ws, c.session, {
        endpoint: sim.endpointUrl,
        nodeIds: [x.nodeId, y.nodeId],
        fromMs: from,
        toMs: cut,
      });
      for (const t of [x, y])
        expect((await stored(t)).count).toBe(expectedHistory(sim, t.tag.index, from, cut).count - late(t));
      sim.forwardWithheld();
      // Without look-back, "update to now" starts where the last import ended: the late stretch stays missing.
      const blind = await importOpcuaHistory(fx.ws, c.session, {
        endpoint: sim.endpointUrl,
        nodeIds: [x.nodeId],
        toMs: later,
        overlapMs: 0,
      });
      expect(blind.resumed).toBe(true);
      // From the tag's last value on (within a sample period of the end).
      expect(blind.perTag[0]?.fromMs).toBeGreaterThan(cut - 2 * MINUTE);
      expect((await stored(x)).count).toBe(expectedHistory(sim, x.tag.index, from, later).count - late(x));
      // The default look-back (1 hour) reads the end of what was imported again and finds the late values.
      const update = await importOpcuaHistory(fx.ws, c.session, {
        endpoint: sim.endpointUrl,
        nodeIds: [y.nodeId],
        toMs: later,
      });
      expect(update.resumed).toBe(true);
      expect(update.perTag[0]?.fromMs).toBeLessThanOrEqual(cut - 60 * MINUTE);
      expect(await stored(y)).toEqual(expectedHistory(sim, y.tag.index, from, later));
      expect(await duplicateReadings(fx.ws)).toBe(0);
    } finally {
      sim.forwardWithheld();
      await c.close();
    }
  }, 120_000);

  it('a checkpoint without recorded coverage (an older import): an earlier start fetches the whole range', async () => {
    const info = sim.tags[3];
    if (info === undefined) throw new Error('no tag');
    const end = END_MS - 10 * DAY_MS;
    const c = await connect();
    try {
      await importOpcuaHistory(fx.ws, c.session, {
        endpoint: sim.endpointUrl,
        nodeIds: [info.nodeId],
        fromMs: end - DAY_MS,
        toMs: end,
      });
      await fx.ws.query(
        `DELETE FROM historian_coverage WHERE signal_id IN (SELECT id FROM signals WHERE tag = '${info.tag.info.name}')`,
      );
      const again = await importOpcuaHistory(fx.ws, c.session, {
        endpoint: sim.endpointUrl,
        nodeIds: [info.nodeId],
        fromMs: end - 4 * DAY_MS,
        toMs: end,
      });
      expect(again.values).toBe(expectedHistory(sim, info.tag.index, end - 4 * DAY_MS, end - DAY_MS).count);
      expect(await storedHistory(fx.ws, info.tag.asset, info.tag.info.name)).toEqual(
        expectedHistory(sim, info.tag.index, end - 4 * DAY_MS, end),
      );
    } finally {
      await c.close();
    }
  }, 60_000);

  it('decodes Int64 signed (negative values stay negative) and UInt64 unsigned (above 2^63)', async () => {
    const asset = sim.model.assets[0] as string;
    const from = END_MS - 3 * DAY_MS;
    const c = await connect();
    try {
      const result = await importOpcuaHistory(fx.ws, c.session, {
        endpoint: sim.endpointUrl,
        nodeIds: [`ns=1;s=${asset}.Position`, `ns=1;s=${asset}.EnergyCounter`],
        fromMs: from,
        toMs: END_MS,
      });
      expect(result.values).toBe(2 * 3 * 1440);
      const k0 = sim.model.firstIndex;
      const period = sim.model.options.periodMs;
      for (const name of ['Position', 'EnergyCounter'] as const) {
        const rows = await fx.ws.query<{ t: number; value: number }>(
          `SELECT t, value FROM readings r JOIN signals s ON s.id = r.signal_id
           WHERE s.asset = '${asset}' AND s.tag = '${name}' ORDER BY t`,
        );
        expect(rows).toHaveLength(3 * 1440);
        const wrong = rows.filter((r) => r.value !== Number(integerValue(name, r.t / 1000 / period, k0)));
        expect(wrong).toEqual([]);
      }
      const [range] = await fx.ws.query<{ lo: number; hi: number }>(
        `SELECT min(value) AS lo, max(value) AS hi FROM readings r JOIN signals s ON s.id = r.signal_id
         WHERE s.tag = 'Position'`,
      );
      expect(range?.lo).toBeLessThan(-1e9);
      expect(range?.hi).toBeLessThan(0);
      const [energy] = await fx.ws.query<{ lo: number }>(
        `SELECT min(value) AS lo FROM readings r JOIN signals s ON s.id = r.signal_id WHERE s.tag = 'EnergyCounter'`,
      );
      expect(energy?.lo).toBeGreaterThanOrEqual(2 ** 63);
    } finally {
      await c.close();
    }
  }, 60_000);

  it('builds trend tiles for a large signal, as a file import does', async () => {
    // One tag every second for 13 days: over a million readings, into a workspace of its own.
    const own = await openFixture();
    const dense = await startSimulator(own.root, { assets: 1, days: 13, periodMs: 1000 });
    const c = await connectOpcua({
      endpoint: dense.endpointUrl,
      securityMode: 'None',
      securityPolicy: 'None',
      userDataDir: own.userData,
    });
    try {
      const info = dense.tags[0];
      if (info === undefined) throw new Error('no tag');
      const fromMs = END_MS - 13 * DAY_MS;
      const result = await importOpcuaHistory(own.ws, c.session, {
        endpoint: dense.endpointUrl,
        nodeIds: [info.nodeId],
        fromMs,
        toMs: END_MS,
      });
      const expected = expectedHistory(dense, info.tag.index, fromMs, END_MS).count;
      expect(expected).toBeGreaterThan(1_000_000);
      expect(result.values).toBe(expected);
      const [id] = result.signalIds;
      const sets = await own.ws.query<{ signal_id: number; built_count: number }>(
        `SELECT signal_id, built_count FROM trend_tile_sets WHERE signal_id = ${id}`,
      );
      expect(sets).toEqual([{ signal_id: id, built_count: expected }]);
    } finally {
      await c.close();
      await dense.stop();
      await own.close();
    }
  }, 180_000);
});
