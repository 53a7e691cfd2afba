import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Workspace } from '../../../src/main/core/workspace/workspace.js';

let dir: string;
let ws: Workspace;
const S = 1_000_000; // µs per second

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pdm-grid-'));
  ws = await Workspace.open(dir);
  await ws.query(`INSERT INTO signals (id, asset, tag, source, time_kind) VALUES
    (1, 'pump', 'temp', 'test', 'timestamp'), (2, 'pump', 'flow', 'test', 'timestamp')`);
  // temp every second from t=0..9 except t=5 (a gap); flow starts at t=2, two readings in the slot of t=3.
  await ws.query(`INSERT INTO readings VALUES
    ${[0, 1, 2, 3, 4, 6, 7, 8, 9].map((t) => `(1, ${t * S}, ${t}, NULL)`).join(', ')},
    ${[2, 3, 4, 5, 6, 7, 8, 9].map((t) => `(2, ${t * S}, ${10 * t}, NULL)`).join(', ')}, (2, ${3 * S + S / 2}, 40, NULL)`);
});
afterEach(async () => {
  ws.close();
  await rm(dir, { recursive: true, force: true });
});

describe('dataset grid (resampling with a stated gap policy)', () => {
  it('starts where every signal has begun, averages readings in one slot and forward-fills gaps', async () => {
    const [pump] = await ws.gridSeries({ assets: ['pump'], tags: ['temp', 'flow'], period: S, gap: 'forward-fill' });
    expect(Array.from(pump?.t ?? [])).toEqual([2, 3, 4, 5, 6, 7, 8, 9].map((t) => t * S));
    expect(Array.from(pump?.values[0] ?? [])).toEqual([2, 3, 4, 4, 6, 7, 8, 9]);
    expect(Array.from(pump?.values[1] ?? [])).toEqual([20, 35, 40, 50, 60, 70, 80, 90]);
  });

  it('refuses a gap when the policy is "reject", naming asset, signal and time', async () => {
    await expect(ws.gridSeries({ assets: ['pump'], tags: ['temp', 'flow'], period: S, gap: 'reject' })).rejects.toThrow(
      `gap in data: pump/temp has no reading at t=${5 * S} (gap policy "reject")`,
    );
  });
});
