import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectOpcua } from '../../../src/main/core/historians/opcua/connection.js';
import { importOpcuaHistory } from '../../../src/main/core/historians/opcua/history-import.js';
import { browseTags } from '../../../src/main/core/historians/opcua/browse.js';
import type { PlantSimulator } from '../../../src/main/core/historians/simulator/opcua-simulator.js';
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
  sim = await startSimulator(fx.root);
});
afterAll(async () => {
  await sim?.stop();
  await fx?.close();
});

const connect = () =>
  connectOpcua({ endpoint: sim.endpointUrl, securityMode: 'None', securityPolicy: 'None', userDataDir: fx.userData });

describe('OPC UA HA import from the plant simulator', () => {
  it('browses historizing variables with units and ranges', async () => {
    const c = await connect();
    try {
      const tags = await browseTags(c.session);
      expect(tags).toHaveLength(24);
      expect(tags.find((t) => t.nodeId === 'ns=1;s=P-101.VibrationRMS')).toEqual({
        nodeId: 'ns=1;s=P-101.VibrationRMS',
        name: 'VibrationRMS',
        asset: 'P-101',
        unit: 'mm/s',
        low: 0,
        high: 50,
        historizing: true,
      });
      expect(new Set(tags.map((t) => t.unit))).toEqual(new Set(['mm/s', '°C', 'A', 'bar', 'm³/h', 'rpm']));
    } finally {
      await c.close();
    }
  });

  it('imports 20 tags x 100k values equal to the server history (count, first/last, checksum), then "update to now" adds nothing', async () => {
    const fromMs = END_MS - 71 * DAY_MS;
    const toMs = END_MS + 1;
    const chosen = sim.tags.slice(0, 20);
    const c = await connect();
    let lastProgress = 0;
    try {
      const result = await importOpcuaHistory(
        fx.ws,
        c.session,
        { endpoint: sim.endpointUrl, nodeIds: chosen.map((t) => t.nodeId), fromMs, toMs },
        { progress: (f) => (lastProgress = f ?? lastProgress) },
      );
      expect(result.tags).toBe(20);
      expect(result.resumed).toBe(false);
      expect(lastProgress).toBe(1);
      let total = 0;
      for (const { tag } of chosen) {
        const expected = expectedHistory(sim, tag.index, fromMs, toMs);
        expect(expected.count).toBeGreaterThanOrEqual(100_000);
        expect(await storedHistory(fx.ws, tag.asset, tag.info.name)).toEqual(expected);
        total += expected.count;
      }
      expect(result.values).toBe(total);
      expect(result.duplicates).toBe(0);
      expect(await duplicateReadings(fx.ws)).toBe(0);
      const signals = await fx.ws.signals();
      expect(signals.find((s) => s.tag === 'VibrationRMS' && s.asset === 'P-101')).toMatchObject({
        unit: 'mm/s',
        validMin: 0,
        validMax: 50,
      });
      // Sensor failures arrive as readings without a value and their bad status kept.
      const bad = await fx.ws.query<{ n: number }>(
        `SELECT count(*) AS n FROM readings WHERE value IS NULL AND quality = ${0x808c0000}`,
      );
      expect(bad[0]?.n).toBeGreaterThan(0);
      expect(sim.openContinuationPoints).toBe(0);

      const again = await importOpcuaHistory(fx.ws, c.session, {
        endpoint: sim.endpointUrl,
        nodeIds: chosen.map((t) => t.nodeId),
        toMs,
      });
      expect(again.resumed).toBe(true);
      expect(again.values).toBe(0);
      expect(await duplicateReadings(fx.ws)).toBe(0);
    } finally {
      await c.close();
    }
  }, 150_000);
});
