import { AttributeIds, VariableIds } from 'node-opcua';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectOpcua, type OpcuaConnection } from '../../../src/main/core/historians/opcua/connection.js';
import { importOpcuaHistory, serverNow } from '../../../src/main/core/historians/opcua/history-import.js';
import { parseInjections } from '../../../src/main/core/historians/simulator/injections.js';
import type { PlantSimulator } from '../../../src/main/core/historians/simulator/opcua-simulator.js';
import { DAY_MS, END_MS, openFixture, startSimulator, storedHistory, type Fixture } from './opcua-helpers.js';

/**
 * Follow mode on an accelerated simulator: the simulator's clock is its server's clock (ServerStatus/CurrentTime),
 * and an OPC UA "update to now" asks the server for its time instead of using this machine's. Before, the
 * server answered real time and the client updated to its own clock, so history running ahead of real time was
 * never fetched (the README said to give an --end in the past).
 */
const HOUR = 3_600_000;
/** One real second is an hour on the simulator. */
const SCALE = 3600;

let fx: Fixture;
let sim: PlantSimulator | null = null;
let c: OpcuaConnection | null = null;

const connect = async (s: PlantSimulator) =>
  connectOpcua({ endpoint: s.endpointUrl, securityMode: 'None', securityPolicy: 'None', userDataDir: fx.userData });

const readCurrentTime = async (connection: OpcuaConnection): Promise<Date> => {
  const [dv] = await connection.session.read([
    { nodeId: `ns=0;i=${VariableIds.Server_ServerStatus_CurrentTime}`, attributeId: AttributeIds.Value },
  ]);
  return dv?.value.value as Date;
};

beforeEach(async () => {
  fx = await openFixture();
});
afterEach(async () => {
  await c?.close();
  await sim?.stop();
  await fx?.close();
  c = null;
  sim = null;
});

describe('the simulator clock as the OPC UA server clock', () => {
  it('a time-scaled simulator serves its simulated time as ServerStatus/CurrentTime, ahead of real time', async () => {
    // No end: history ends "now" at the start and then grows an hour per real second.
    sim = await startSimulator(fx.root, { assets: 1, days: 1, endMs: undefined, timeScale: SCALE });
    c = await connect(sim);
    await new Promise((r) => setTimeout(r, 1500));
    const served = (await readCurrentTime(c)).getTime();
    const real = Date.now();
    // At least an hour ahead after 1.5 real seconds (the server refreshes the value about once a second).
    expect(served - real).toBeGreaterThan(HOUR / 2);
    expect(Math.abs(served - sim.historyEndMs())).toBeLessThan(2 * SCALE * 1000);
    expect(await serverNow(c.session)).toBeGreaterThanOrEqual(served);
  });

  it('a simulator without a time scale keeps real time as its CurrentTime', async () => {
    sim = await startSimulator(fx.root, { assets: 1, days: 1 });
    c = await connect(sim);
    const served = (await readCurrentTime(c)).getTime();
    expect(Math.abs(served - Date.now())).toBeLessThan(5000);
  });

  it('"update to now" fetches history that runs ahead of real time, up to the server clock', async () => {
    // History starts two days "in the future" and runs ahead from there: this machine's clock has none of it.
    const endMs = Date.now() + 2 * DAY_MS;
    sim = await startSimulator(fx.root, { assets: 1, days: 1, endMs, timeScale: SCALE });
    c = await connect(sim);
    const tag = sim.tags[0]!;
    const first = await importOpcuaHistory(fx.ws, c.session, {
      endpoint: sim.endpointUrl,
      nodeIds: [tag.nodeId],
      fromMs: endMs - DAY_MS,
    });
    expect(first.clock).toBe('server');
    expect(first.warnings).toEqual([]);
    // A day of minutes (dropouts aside), all after this machine's "now".
    expect(first.values).toBeGreaterThan(1000);
    await new Promise((r) => setTimeout(r, 2000));
    const update = await importOpcuaHistory(fx.ws, c.session, { endpoint: sim.endpointUrl, nodeIds: [tag.nodeId] });
    expect(update.resumed).toBe(true);
    expect(update.clock).toBe('server');
    // Two real seconds are two simulated hours: new minutes past the first import's end (allowing for dropouts).
    expect(update.values).toBeGreaterThan(30);
    const stored = await storedHistory(fx.ws, tag.series.asset, tag.series.name);
    expect(stored.lastMs).toBeGreaterThan(endMs + HOUR);
    expect(update.perTag[0]!.toMs).toBeGreaterThan(Date.now() + DAY_MS);
  });

  it('falls back to the local clock, with a warning, when the server gives no CurrentTime', async () => {
    sim = await startSimulator(fx.root, { assets: 1, days: 1, hideCurrentTime: true });
    c = await connect(sim);
    expect(await serverNow(c.session)).toBeNull();
    const tag = sim.tags[0]!;
    const before = Date.now();
    const result = await importOpcuaHistory(fx.ws, c.session, {
      endpoint: sim.endpointUrl,
      nodeIds: [tag.nodeId],
      fromMs: sim.historyEndMs() - 6 * HOUR,
    });
    expect(result.clock).toBe('local');
    expect(result.warnings).toEqual([expect.stringMatching(/does not give its current time.*this computer's clock/)]);
    expect(result.perTag[0]!.toMs).toBeGreaterThanOrEqual(before);
    expect(result.values).toBeGreaterThan(100);
  });

  it('an "update to now" goes on without a tag the server removed, naming it; with a start time it fails', async () => {
    // P-101.Speed disappears from the server after 2 simulated hours, about 2 real seconds after the start.
    const endMs = Date.now() + 2 * DAY_MS;
    sim = await startSimulator(fx.root, {
      assets: 1,
      days: 1,
      endMs,
      timeScale: SCALE,
      injections: parseInjections(
        [{ kind: 'remove', tag: 'P-101.Speed', from: new Date(endMs + 2 * HOUR).toISOString() }],
        'test',
      ),
    });
    c = await connect(sim);
    const ids = ['ns=1;s=P-101.Speed', 'ns=1;s=P-101.VibrationRMS'];
    const first = await importOpcuaHistory(fx.ws, c.session, {
      endpoint: sim.endpointUrl,
      nodeIds: ids,
      fromMs: endMs - 6 * HOUR,
    });
    expect(first.missing).toEqual([]);
    expect(first.tags).toBe(2);
    while (sim.historyEndMs() < endMs + 3 * HOUR) await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 300));
    expect(sim.tags.map((t) => t.nodeId)).not.toContain('ns=1;s=P-101.Speed');
    const update = await importOpcuaHistory(fx.ws, c.session, { endpoint: sim.endpointUrl, nodeIds: ids });
    expect(update.missing).toEqual(['ns=1;s=P-101.Speed']);
    expect(update.tags).toBe(1);
    expect(update.warnings).toEqual([
      expect.stringMatching(/^ns=1;s=P-101\.Speed: no longer on the server .*BadNodeIdUnknown.*skipped/),
    ]);
    expect(update.values).toBeGreaterThan(60);
    expect((await storedHistory(fx.ws, 'P-101', 'VibrationRMS')).lastMs).toBeGreaterThan(endMs + 2 * HOUR);
    // A request with a start time still refuses an unknown tag (most likely a typo), naming it.
    await expect(
      importOpcuaHistory(fx.ws, c.session, { endpoint: sim.endpointUrl, nodeIds: ids, fromMs: endMs }),
    ).rejects.toThrow(/unknown tag on the server: ns=1;s=P-101\.Speed/);
  });

  it('a tag removed while an "update to now" runs: what was stored stays, the others go on, a warning names it', async () => {
    // No time scale: the node is deleted by hand after the first stored answer, between two reads of its history
    // (in follow mode on a fast clock the injected removal can land inside a pass; that pass failed as a whole).
    sim = await startSimulator(fx.root, { assets: 1, days: 1 });
    c = await connect(sim);
    const ids = ['ns=1;s=P-101.Speed', 'ns=1;s=P-101.VibrationRMS'];
    const { namespace } = sim as unknown as {
      namespace: { deleteNode: (node: unknown) => void; addressSpace: { findNode: (id: string) => unknown } };
    };
    // The first import gives both tags a checkpoint four hours into the day; the update continues from there.
    await importOpcuaHistory(fx.ws, c.session, {
      endpoint: sim.endpointUrl,
      nodeIds: ids,
      fromMs: END_MS - DAY_MS,
      toMs: END_MS - 20 * HOUR,
    });
    let removed = false;
    const update = await importOpcuaHistory(
      fx.ws,
      c.session,
      { endpoint: sim.endpointUrl, nodeIds: ids, valuesPerRead: 100, readsInFlight: 1 },
      {
        progress: () => {
          if (removed) return;
          removed = true;
          namespace.deleteNode(namespace.addressSpace.findNode('ns=1;s=P-101.Speed'));
        },
      },
    );
    expect(removed).toBe(true);
    expect(update.missing).toEqual(['ns=1;s=P-101.Speed']);
    expect(update.warnings).toEqual([
      expect.stringMatching(/^ns=1;s=P-101\.Speed: removed from the server .* during the import \(BadNodeIdUnknown\)/),
    ]);
    const speed = await storedHistory(fx.ws, 'P-101', 'Speed');
    const vibration = await storedHistory(fx.ws, 'P-101', 'VibrationRMS');
    // Vibration arrived whole (one day of 1-minute readings); Speed kept what came before its removal, no more.
    expect(vibration.count).toBeGreaterThanOrEqual(1440);
    expect(speed.count).toBeGreaterThan(0);
    expect(speed.count).toBeLessThan(vibration.count);
  });
});
