import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareDataset } from '../../../src/main/core/datasets/prepare.js';
import type { WindowSet } from '../../../src/main/core/datasets/windows.js';
import type { EventInput } from '../../../src/main/core/workspace/events.js';
import { Workspace } from '../../../src/main/core/workspace/workspace.js';
import { TrainConfigSchema, type TrainConfigInput } from '../../../src/shared/training.js';

// Simulator-like plant data in a real workspace: four pumps with a reading every 10 minutes for 30 days, each
// failing twice. The first failure's work order spans the repair (10 h); the second has no end and its repair is
// a separate maintenance work order (6 h). After that the pumps run on, not failed yet.
const MIN = 60_000_000; // µs
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 0, 1) * 1000;
const PUMPS = ['P-101', 'P-102', 'P-103', 'P-104'];
const life = (k: number) => {
  const failure1 = T0 + (8 + k) * DAY;
  const repaired1 = failure1 + 10 * HOUR;
  const failure2 = T0 + (20 + k) * DAY;
  const repaired2 = failure2 + 6 * HOUR;
  return { failure1, repaired1, failure2, repaired2 };
};

let root: string;
let ws: Workspace;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pdm-lives-'));
  ws = await Workspace.open(join(root, 'ws'));
  const signals = PUMPS.flatMap((p, k) => [
    `(${2 * k + 1}, '${p}', 'BearingTemperature', 'sim', 'timestamp')`,
    `(${2 * k + 2}, '${p}', 'Vibration', 'sim', 'timestamp')`,
  ]);
  await ws.query(`INSERT INTO signals (id, asset, tag, source, time_kind) VALUES ${signals.join(', ')}`);
  await ws.query(`INSERT INTO readings
    SELECT s.id, ${T0} + i * ${10 * MIN}, 40 + s.id + sin(i / 30.0), 0
    FROM range(1, ${2 * PUMPS.length + 1}) s(id), range(0, ${30 * 144}) r(i)`);
  const events: EventInput[] = PUMPS.flatMap((asset, k) => {
    const l = life(k);
    return [
      { asset, kind: 'failure', startT: l.failure1, endT: l.repaired1, code: 'BRG', description: 'bearing seized' },
      { asset, kind: 'inspection', startT: l.failure1 + 3 * DAY, endT: null, code: 'INSP', description: null },
      { asset, kind: 'failure', startT: l.failure2, endT: null, code: 'SEAL', description: 'seal leak' },
      { asset, kind: 'maintenance', startT: l.failure2, endT: l.repaired2, code: 'RPR', description: 'seal replaced' },
    ];
  });
  await ws.importEvents(join(root, 'work-orders.csv'), 'sha', events, []);
});
afterAll(async () => {
  ws.close();
  await rm(root, { recursive: true, force: true });
});

const config = (label: TrainConfigInput['dataset']['label']) =>
  TrainConfigSchema.parse({
    dataset: {
      assets: { prefix: 'P-' },
      signals: ['BearingTemperature', 'Vibration'],
      resample: { period: 10 * MIN },
      window: { length: 12, stride: 6 },
      label,
      validationFraction: 0.25,
    },
    model: { type: 'dense', units: [4] },
  });

/** Every window of a set with its asset's failure times. */
const windowsOf = (set: WindowSet) =>
  Array.from({ length: set.n }, (_, i) => {
    const asset = set.assets[set.asset[i] as number] as string;
    return { end: set.end[i] as number, y: set.y[i] as number, ...life(PUMPS.indexOf(asset)) };
  });

describe('labels per life on plant data in a workspace', () => {
  it('RUL counts down to each of two failures per pump: never negative, nothing during repairs or after the last', async () => {
    const ds = await prepareDataset(ws, config({ kind: 'rul', cap: 3 * DAY, failureAt: 'event' }), null);
    const all = [...windowsOf(ds.train), ...windowsOf(ds.validation)];
    expect(all.length).toBeGreaterThan(0);
    for (const w of all) {
      expect(w.y).toBeGreaterThanOrEqual(0);
      expect(w.y).toBeLessThanOrEqual(3 * DAY);
      // No window ends while the pump is down for repair, or after the last repair (no failure known yet).
      expect(w.end > w.failure1 && w.end < w.repaired1).toBe(false);
      expect(w.end > w.failure2).toBe(false);
      const target = w.end <= w.failure1 ? w.failure1 : w.failure2;
      // Labels are stored as float32.
      expect(w.y).toBe(Math.fround(Math.min(3 * DAY, target - w.end)));
    }
    // The second life of every pump is used, not ignored.
    const secondLife = all.filter((w) => w.end >= w.repaired1);
    expect(new Set(secondLife.map((w) => w.failure2)).size).toBe(PUMPS.length);
    expect(secondLife.some((w) => w.y < HOUR)).toBe(true);
    // Alarm figures see both failures of each validation pump.
    for (const [i, name] of ds.split.validation.entries()) {
      const l = life(PUMPS.indexOf(name));
      expect(ds.failures.validation[i]).toEqual([l.failure1, l.failure2]);
    }
  });

  it('failure within 7 days: defined labels only, positives before both failures of every pump', async () => {
    const ds = await prepareDataset(
      ws,
      config({ kind: 'failure-horizon', horizon: 7 * DAY, failureAt: 'event' }),
      null,
    );
    const all = [...windowsOf(ds.train), ...windowsOf(ds.validation)];
    for (const w of all) expect([0, 1]).toContain(w.y);
    const positives = all.filter((w) => w.y === 1);
    expect(positives.filter((w) => w.end <= w.failure1).length).toBeGreaterThan(0);
    expect(positives.filter((w) => w.end >= w.repaired1).length).toBeGreaterThan(0);
    // Right after the first repair the pump is new again: more than 7 days to the next failure.
    for (const w of all.filter((x) => x.end >= x.repaired1 && x.failure2 - x.end > 7 * DAY)) expect(w.y).toBe(0);
  });

  it('anomaly: the autoencoder also learns from the normal start of each pump after its repair', async () => {
    const ds = await prepareDataset(
      ws,
      config({ kind: 'anomaly', normalSpan: 2 * DAY, abnormalWithin: DAY, failureAt: 'event' }),
      null,
    );
    const train = windowsOf(ds.train);
    expect(train.every((w) => w.y === 0)).toBe(true);
    expect(train.some((w) => w.end >= w.repaired1 && w.end < w.repaired1 + 2 * DAY)).toBe(true);
    expect(train.some((w) => w.end >= w.repaired2 && w.end < w.repaired2 + 2 * DAY)).toBe(true);
    const validation = windowsOf(ds.validation);
    // Abnormal only within a day of a failure, not from the first failure to the end of the record.
    for (const w of validation.filter((x) => x.y === 1)) {
      const toFailure1 = w.failure1 - w.end;
      const toFailure2 = w.failure2 - w.end;
      expect((toFailure1 >= 0 && toFailure1 <= DAY) || (toFailure2 >= 0 && toFailure2 <= DAY)).toBe(true);
    }
  });
});
