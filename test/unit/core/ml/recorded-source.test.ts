import { describe, expect, it } from 'vitest';
import { replaySource, type SourceRecording } from '../../../../src/main/core/datasets/recorded-source.js';

// A run recorded before gaps were kept asked the workspace for a forward-filled grid; today's dataset build asks
// for the raw grid ('none'). Its recording must still answer, or the run could no longer be re-evaluated.
const recording = (gap: 'forward-fill' | 'reject' | 'none'): SourceRecording => ({
  catalogue: [],
  grids: [
    {
      request: { assets: ['P-101'], tags: ['Flow'], period: 60e6, gap },
      series: [{ asset: 'P-101', t: Float64Array.from([0, 60e6]), values: [Float64Array.from([1, 1])] }],
    },
  ],
  events: [],
});

describe('replaying a recorded dataset source', () => {
  it('answers a raw-grid request from a recording made before gaps were kept (forward-filled)', async () => {
    const source = replaySource(recording('forward-fill'), 'run-1');
    const [series] = await source.gridSeries({ assets: ['P-101'], tags: ['Flow'], period: 60e6, gap: 'none' });
    expect(Array.from(series?.values[0] ?? [])).toEqual([1, 1]);
  });

  it('never answers a request with another policy from it', async () => {
    await expect(
      replaySource(recording('none'), 'run-1').gridSeries({
        assets: ['P-101'],
        tags: ['Flow'],
        period: 60e6,
        gap: 'reject',
      }),
    ).rejects.toThrow('run-1: the recorded data holds no series for this request');
  });
});
