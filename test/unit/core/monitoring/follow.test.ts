import { describe, expect, it } from 'vitest';
import { backoffFactor, followDeployment, type FollowFailure } from '../../../../src/main/core/monitoring/follow.js';
import type { ScoringResult } from '../../../../src/shared/monitoring.js';

const result = (windows: number, opened: string[] = []): ScoringResult => ({
  deployment: 'dep-1',
  modelVersion: 1,
  scored: windows > 0 ? 1 : 0,
  windows,
  blocked: [],
  violations: [],
  alerts: { opened, cleared: [], realerted: [] },
  drift: { signals: [] },
  upToDate: [],
  incompleteWindows: 0,
  pendingVersion: null,
  driftChecked: false,
});

describe('follow loop (the one behind monitor --follow and the app switch)', () => {
  it('stretches the wait after failures in a row: 1, 2, 4, 8, 8 intervals, back to 1 after a success', () => {
    expect([0, 1, 2, 3, 4, 5, 9].map(backoffFactor)).toEqual([1, 1, 2, 4, 8, 8, 8]);
  });

  it('updates then scores each round, retries failed rounds with backoff, and sums what it did', async () => {
    const order: string[] = [];
    const failures: FollowFailure[] = [];
    const waits: number[] = [];
    let round = 0;
    const summary = await followDeployment({
      intervalSeconds: 0.01,
      rounds: 6,
      update: async () => {
        order.push(`update ${round + 1}`);
        // Rounds 2, 3 and 4: the historian is away.
        if (round >= 1 && round <= 3) {
          round += 1;
          throw new Error('historian away');
        }
        return { values: 5, duplicates: 0 };
      },
      score: async () => {
        round += 1;
        order.push(`score ${round}`);
        return result(round, round === 1 ? ['A-1'] : []);
      },
      signal: new AbortController().signal,
      onFailure: (f) => failures.push(f),
      onWait: (seconds, failedInARow) => waits.push(failedInARow),
    });
    expect(order).toEqual([
      'update 1',
      'score 1',
      'update 2',
      'update 3',
      'update 4',
      'update 5',
      'score 5',
      'update 6',
      'score 6',
    ]);
    expect(failures.map((f) => [f.round, f.failedInARow, f.retryInSeconds])).toEqual([
      [2, 1, 0.01],
      [3, 2, 0.02],
      [4, 3, 0.04],
    ]);
    expect(failures[0]!.message).toBe('historian away');
    // The wait after each round knows how many failed in a row (the backoff it applies).
    expect(waits).toEqual([0, 1, 2, 3, 0]);
    expect(summary).toEqual({
      rounds: 6,
      windows: 1 + 5 + 6,
      opened: ['A-1'],
      cleared: [],
      failures: 3,
      stopped: 'rounds done',
    });
  });

  it('stops during a wait as soon as it is told, without another round', async () => {
    const stop = new AbortController();
    let scored = 0;
    const started = Date.now();
    const summary = await followDeployment({
      intervalSeconds: 60,
      update: null,
      score: async () => {
        scored += 1;
        setTimeout(() => stop.abort(), 20);
        return result(0);
      },
      signal: stop.signal,
    });
    expect(scored).toBe(1);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(summary).toMatchObject({ rounds: 1, stopped: 'interrupted', failures: 0 });
  });

  it('ends on an error it is told is fatal (a cancelled scoring job) instead of retrying', async () => {
    const summary = await followDeployment({
      intervalSeconds: 0,
      rounds: 5,
      update: null,
      score: async () => {
        throw new Error('cancelled');
      },
      isFatal: (e) => e instanceof Error && e.message === 'cancelled',
      signal: new AbortController().signal,
    });
    expect(summary).toMatchObject({ rounds: 0, failures: 0, stopped: 'rounds done' });
  });
});
