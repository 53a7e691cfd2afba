import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareDataset } from '../../../src/main/core/datasets/prepare.js';
import { Workspace } from '../../../src/main/core/workspace/workspace.js';
import { TrainConfigSchema } from '../../../src/shared/training.js';

// Plant data as historians deliver it: three pumps, a reading a minute for a day, with NULL readings (a dropout),
// readings with a bad status and an absurd value (a failed sensor), and a stretch with no readings at all.
const MIN = 60_000_000; // µs
const T0 = Date.UTC(2026, 0, 1) * 1000;
const PUMPS = ['P-101', 'P-102', 'P-103'];
const BAD = 0x808c0000; // OPC UA Bad_SensorFailure, as the simulator sends it

let root: string;
let ws: Workspace;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pdm-gaps-'));
  ws = await Workspace.open(join(root, 'ws'));
  const signals = PUMPS.flatMap((p, k) => [
    `(${2 * k + 1}, '${p}', 'BearingTemperature', 'sim', 'timestamp')`,
    `(${2 * k + 2}, '${p}', 'Flow', 'sim', 'timestamp')`,
  ]);
  await ws.query(`INSERT INTO signals (id, asset, tag, source, time_kind) VALUES ${signals.join(', ')}`);
  // Values stay within 0..100 except the bad-status ones (9999).
  await ws.query(`INSERT INTO readings
    SELECT s.id, ${T0} + i * ${MIN},
      CASE WHEN s.id = 1 AND i BETWEEN 100 AND 167 THEN NULL
           WHEN s.id = 3 AND i BETWEEN 300 AND 309 THEN 9999
           ELSE 40 + s.id + 10 * sin(i / 50.0) END,
      CASE WHEN s.id = 3 AND i BETWEEN 300 AND 309 THEN ${BAD} ELSE 0 END
    FROM range(1, ${2 * PUMPS.length + 1}) s(id), range(0, 1440) r(i)
    WHERE NOT (s.id IN (5, 6) AND i BETWEEN 600 AND 619)`);
});
afterAll(async () => {
  ws.close();
  await rm(root, { recursive: true, force: true });
});

const config = (resample: Record<string, unknown>) =>
  TrainConfigSchema.parse({
    dataset: {
      assets: { prefix: 'P-' },
      signals: ['BearingTemperature', 'Flow'],
      resample: { period: MIN, ...resample },
      window: { length: 10, stride: 1 },
      normalisation: 'none',
      label: { kind: 'rul', cap: null },
      validationFraction: 0.34,
    },
    evaluation: undefined,
    model: { type: 'dense', units: [4] },
  });

describe('missing and bad-quality readings on the dataset grid', () => {
  it('treats NULL and bad-status readings as missing and forward-fills them: no refusal, no 9999 trained on', async () => {
    const ds = await prepareDataset(ws, config({}), null);
    const x = [...ds.train.x, ...ds.validation.x];
    expect(x.every(Number.isFinite)).toBe(true);
    expect(Math.max(...x)).toBeLessThan(100);
    // 68 NULLs on P-101 and 10 bad readings on P-102 were missing; 2 x 20 empty slots on P-103 too.
    expect(ds.gaps.training).toMatchObject({ missingValues: 68 + 10 + 40, filledValues: 68 + 10 + 40 });
    // The windows ending in P-103's empty stretch (no signal measured then) are not scored.
    expect(ds.gaps.training.droppedSyntheticEnd).toBe(20);
    expect(ds.gaps.training.droppedMissing).toBe(0);
    expect(ds.train.n + ds.validation.n).toBe(ds.gaps.training.windows - 20);
    // The policy is part of the data contract the package carries.
    expect(ds.signals[0]).toMatchObject({
      missingPolicy: 'forward-fill',
      badQuality: 'missing',
      fillLimit: null,
      maxMissing: 1,
      windowsEnd: 'reading',
    });
  });

  it('a fill limit and a missing share drop the windows over long gaps instead', async () => {
    const ds = await prepareDataset(ws, config({ fillLimit: 5 * MIN, maxMissing: 0.2, windowsEnd: 'any' }), null);
    expect(ds.gaps.training.filledValues).toBe(5 + 5 + 2 * 5);
    expect(ds.gaps.training.droppedSyntheticEnd).toBe(0);
    expect(ds.gaps.training.droppedMissing).toBeGreaterThan(68);
    expect(ds.signals[0]).toMatchObject({ fillLimit: 5 * MIN, maxMissing: 0.2, windowsEnd: 'any' });
    const x = [...ds.train.x, ...ds.validation.x];
    expect(x.every(Number.isFinite)).toBe(true);
  });

  it('the "reject" policy refuses, naming asset, signal and what was missing', async () => {
    await expect(prepareDataset(ws, config({ gap: 'reject' }), null)).rejects.toThrow(
      /P-101\/BearingTemperature has 68 missing, non-finite or bad-quality values \(first at t=\d+\).*gap policy "reject"/,
    );
  });
});
