import { describe, expect, it } from 'vitest';
import { pipelineOf, scoreAsset, type FeatureReadings } from '../../../src/main/core/monitoring/score.js';
import { loadWorkerScorer } from '../../../src/main/core/monitoring/worker-scorer.js';
import { seededRandom } from '../../../src/shared/seeded-random.js';
import { useSamplePackage } from '../../support/sample-package.js';

/**
 * Issue 10: heavy scoring work runs off the main event loop. The scoring worker builds the grid and the windows
 * where the model predicts, so while a long series is scored the main loop's timers keep firing (the app's API
 * and the follow loop stay responsive), and the scores are exactly those of building the windows in-thread.
 */
const samplePackage = useSamplePackage('pdm-score-responsive-', 1);

/** The longest gap between ticks of a 2 ms timer while `work` runs: how long the main loop was held. */
const timerLag = async <T>(work: () => Promise<T>): Promise<{ result: T; maxLagMs: number; ticks: number }> => {
  let last = performance.now();
  let maxLagMs = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxLagMs = Math.max(maxLagMs, now - last);
    last = now;
    ticks += 1;
  }, 2);
  try {
    last = performance.now();
    const result = await work();
    maxLagMs = Math.max(maxLagMs, performance.now() - last);
    return { result, maxLagMs, ticks };
  } finally {
    clearInterval(timer);
  }
};

describe('scoring keeps the main event loop responsive', () => {
  it('builds windows in the worker: the same scores as in-thread, with the main loop held far less', async () => {
    const { manifest, packageDir } = samplePackage();
    const pipeline = pipelineOf(manifest);
    // A long cycle series (200 000 cycles of every contract signal): the size where in-thread window building shows.
    const n = 200_000;
    const random = seededRandom(5);
    const t = Float64Array.from({ length: n }, (_, i) => i + 1);
    const readings = new Map<string, FeatureReadings>(
      pipeline.features.map((tag, f) => [
        tag,
        {
          t,
          values: Float64Array.from(
            { length: n },
            () => (pipeline.normalisation.center[f] ?? 0) + (random() - 0.5) * (pipeline.normalisation.scale[f] ?? 1),
          ),
        },
      ]),
    );
    const range = { from: 1, to: n };
    const scorer = await loadWorkerScorer(manifest, packageDir);
    try {
      // The old way: windows built on this thread, only predictions in the worker.
      const inThread = await timerLag(() =>
        scoreAsset(
          pipeline,
          { backend: 'x', predict: (w) => scorer.predict(w), dispose: () => {} },
          'E1',
          readings,
          range,
        ),
      );
      const inWorker = await timerLag(() => scoreAsset(pipeline, scorer, 'E1', readings, range));
      expect(inWorker.result.windowEnd).toEqual(inThread.result.windowEnd);
      expect(inWorker.result.value).toEqual(inThread.result.value);
      // One window end on every cycle that is a multiple of the stride, from the first full window on.
      const { length, stride } = pipeline.window;
      expect(inWorker.result.windowEnd.length).toBe(t.filter((c) => c >= length && c % stride === 0).length);
      // Timings on a shared machine vary; the comparison within one run does not depend on the load much.
      console.info(
        `scoring ${n} cycles: main loop held at most ${inThread.maxLagMs.toFixed(0)} ms building windows in-thread, ` +
          `${inWorker.maxLagMs.toFixed(0)} ms with the scoring worker`,
      );
      expect(inWorker.maxLagMs).toBeLessThan(inThread.maxLagMs / 2);
      expect(inWorker.ticks).toBeGreaterThan(0);
    } finally {
      scorer.dispose();
    }
  }, 300_000);
});
