import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectOpcua } from '../../../src/main/core/historians/opcua/connection.js';
import { importOpcuaHistory } from '../../../src/main/core/historians/opcua/history-import.js';
import {
  DAY_MS,
  END_MS,
  duplicateReadings,
  expectedHistory,
  openFixture,
  startSimulator,
  storedHistory,
  workspaceCounts,
  type Fixture,
} from './opcua-helpers.js';

let fx: Fixture;
beforeEach(async () => {
  fx = await openFixture();
});
afterEach(async () => {
  await fx.close();
});

const FROM = END_MS - 10 * DAY_MS;
const TO = END_MS + 1;
const empty = { signals: 0, readings: 0, ingests: 0, checkpoints: 0 };

describe('OPC UA HA import: failures name their cause and leave the workspace unchanged', () => {
  it('unreachable endpoint', async () => {
    await expect(
      connectOpcua({
        endpoint: 'opc.tcp://127.0.0.1:1',
        securityMode: 'None',
        securityPolicy: 'None',
        userDataDir: fx.userData,
      }),
    ).rejects.toThrow('cannot reach opc.tcp://127.0.0.1:1: connection refused');
    expect(await workspaceCounts(fx.ws)).toMatchObject(empty);
  });

  it('untrusted server certificate, wrong password, and anonymous where a login is required', async () => {
    const sim = await startSimulator(fx.root, { users: [{ userName: 'operator', password: 'right' }], days: 2 });
    try {
      const base = {
        endpoint: sim.endpointUrl,
        securityMode: 'SignAndEncrypt',
        securityPolicy: 'Basic256Sha256',
        userDataDir: fx.userData,
      } as const;
      // First contact over a secure channel: the server's certificate is unknown, so it is refused...
      await expect(connectOpcua({ ...base, user: { userName: 'operator', password: 'right' } })).rejects.toThrow(
        `the certificate of ${sim.endpointUrl} is not trusted`,
      );
      // ...until the user trusts it once (it is added to the trust list and trusted from then on).
      await expect(
        connectOpcua({ ...base, trustServerCertificate: true, user: { userName: 'operator', password: 'wrong' } }),
      ).rejects.toThrow(`${sim.endpointUrl} rejected the login of user "operator": wrong user name or password`);
      await expect(connectOpcua({ ...base, securityMode: 'None', securityPolicy: 'None' })).rejects.toThrow(
        /does not allow anonymous access/,
      );
      const ok = await connectOpcua({ ...base, user: { userName: 'operator', password: 'right' } });
      const result = await importOpcuaHistory(fx.ws, ok.session, {
        endpoint: sim.endpointUrl,
        nodeIds: [sim.tags[0]?.nodeId ?? ''],
        fromMs: END_MS - DAY_MS,
        toMs: TO,
      });
      expect(result.values).toBe(expectedHistory(sim, 0, END_MS - DAY_MS, TO).count);
      await ok.close();
    } finally {
      await sim.stop();
    }
  }, 60_000);

  it('unknown tag, and a server without history support', async () => {
    const sim = await startSimulator(fx.root, { days: 2 });
    const bare = await startSimulator(fx.root, { days: 2, history: false });
    try {
      const c = await connectOpcua({
        endpoint: sim.endpointUrl,
        securityMode: 'None',
        securityPolicy: 'None',
        userDataDir: fx.userData,
      });
      await expect(
        importOpcuaHistory(fx.ws, c.session, {
          endpoint: sim.endpointUrl,
          nodeIds: [sim.tags[0]?.nodeId ?? '', 'ns=1;s=P-999.Nothing'],
          fromMs: FROM,
          toMs: TO,
        }),
      ).rejects.toThrow('unknown tag on the server: ns=1;s=P-999.Nothing');
      await c.close();
      const b = await connectOpcua({
        endpoint: bare.endpointUrl,
        securityMode: 'None',
        securityPolicy: 'None',
        userDataDir: fx.userData,
      });
      await expect(
        importOpcuaHistory(fx.ws, b.session, {
          endpoint: bare.endpointUrl,
          nodeIds: [bare.tags[0]?.nodeId ?? ''],
          fromMs: FROM,
          toMs: TO,
        }),
      ).rejects.toThrow('the server keeps no history for VibrationRMS (ns=1;s=P-101.VibrationRMS)');
      await b.close();
      expect(await workspaceCounts(fx.ws)).toMatchObject(empty);
    } finally {
      await sim.stop();
      await bare.stop();
    }
  }, 60_000);

  it('a server repeating the same continuation point is stopped, not looped on', async () => {
    const sim = await startSimulator(fx.root, { days: 12, repeatContinuationPoint: true, maxValuesPerRead: 1000 });
    try {
      const c = await connectOpcua({
        endpoint: sim.endpointUrl,
        securityMode: 'None',
        securityPolicy: 'None',
        userDataDir: fx.userData,
      });
      await expect(
        importOpcuaHistory(fx.ws, c.session, {
          endpoint: sim.endpointUrl,
          nodeIds: [sim.tags[0]?.nodeId ?? ''],
          fromMs: FROM,
          toMs: TO,
        }),
      ).rejects.toThrow(/repeated the same continuation point for P-101\/VibrationRMS without sending data/);
      expect(sim.historyReads).toBeLessThan(5);
      await c.close();
    } finally {
      await sim.stop();
    }
  });

  it('cancel releases the continuation points; re-running completes', async () => {
    const sim = await startSimulator(fx.root, { days: 12, maxValuesPerRead: 500 });
    try {
      const c = await connectOpcua({
        endpoint: sim.endpointUrl,
        securityMode: 'None',
        securityPolicy: 'None',
        userDataDir: fx.userData,
      });
      const nodeIds = sim.tags.slice(0, 6).map((t) => t.nodeId);
      let cancel = false;
      await expect(
        importOpcuaHistory(
          fx.ws,
          c.session,
          { endpoint: sim.endpointUrl, nodeIds, fromMs: FROM, toMs: TO, valuesPerRead: 500 },
          {
            isCancelled: () => cancel,
            progress: (f) => {
              if ((f ?? 0) > 0.2) cancel = true;
            },
          },
        ),
      ).rejects.toThrow('cancelled');
      expect(sim.openContinuationPoints).toBe(0);
      expect(sim.releasedContinuationPoints).toBeGreaterThan(0);
      expect((await fx.ws.ingests())[0]).toMatchObject({ status: 'cancelled' });
      const again = await importOpcuaHistory(fx.ws, c.session, {
        endpoint: sim.endpointUrl,
        nodeIds,
        fromMs: FROM,
        toMs: TO,
      });
      expect(again.resumed).toBe(true);
      for (const { tag } of sim.tags.slice(0, 6))
        expect(await storedHistory(fx.ws, tag.asset, tag.info.name)).toEqual(expectedHistory(sim, tag.index, FROM, TO));
      expect(await duplicateReadings(fx.ws)).toBe(0);
      await c.close();
    } finally {
      await sim.stop();
    }
  });

  it('server stopped mid-import, restarted, import re-run: complete data, zero duplicates', async () => {
    const first = await startSimulator(fx.root, { days: 12, maxValuesPerRead: 1000, readDelayMs: 20 });
    const port = first.port;
    const nodeIds = first.tags.slice(0, 8).map((t) => t.nodeId);
    const c = await connectOpcua({
      endpoint: first.endpointUrl,
      securityMode: 'None',
      securityPolicy: 'None',
      userDataDir: fx.userData,
    });
    let stopping: Promise<void> | null = null;
    const error = await importOpcuaHistory(
      fx.ws,
      c.session,
      { endpoint: first.endpointUrl, nodeIds, fromMs: FROM, toMs: TO, valuesPerRead: 1000 },
      {
        progress: (f) => {
          if ((f ?? 0) > 0.3 && stopping === null) stopping = first.stop();
        },
      },
    ).then(
      () => null,
      (e: Error) => e,
    );
    await stopping;
    await c.close();
    expect(error?.message).toMatch(
      /values were stored before the failure with their checkpoints: run the same import again to resume/,
    );
    const partial = (await fx.ws.info()).readings;
    expect(partial).toBeGreaterThan(0);
    expect(await duplicateReadings(fx.ws)).toBe(0);

    const second = await startSimulator(fx.root, { days: 12, port });
    try {
      const c2 = await connectOpcua({
        endpoint: second.endpointUrl,
        securityMode: 'None',
        securityPolicy: 'None',
        userDataDir: fx.userData,
      });
      const result = await importOpcuaHistory(fx.ws, c2.session, {
        endpoint: second.endpointUrl,
        nodeIds,
        fromMs: FROM,
        toMs: TO,
      });
      await c2.close();
      expect(result.resumed).toBe(true);
      let total = 0;
      for (const { tag } of second.tags.slice(0, 8)) {
        const expected = expectedHistory(second, tag.index, FROM, TO);
        expect(await storedHistory(fx.ws, tag.asset, tag.info.name)).toEqual(expected);
        total += expected.count;
      }
      expect((await fx.ws.info()).readings).toBe(total);
      expect(result.values).toBe(total - partial);
      expect(await duplicateReadings(fx.ws)).toBe(0);
    } finally {
      await second.stop();
    }
  }, 90_000);
});
