import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobState } from '../../src/shared/domain.js';
import type { TrainConfigInput } from '../../src/shared/training.js';
import type { ServedApp } from '../support/serve.js';
import { ARTIFACTS, openBrowserSession, tempHome, type BrowserSession } from '../support/session.js';

const SIGNALS = ['sensor_2', 'sensor_3', 'sensor_4', 'sensor_7', 'sensor_11', 'sensor_12'];
const engine = (n: number) => `FD001 engine ${String(n).padStart(3, '0')}`;

/** A small RUL run on engines 1-6, scored on the given evaluation engines and windows. */
const config = (name: string, evaluation: NonNullable<TrainConfigInput['evaluation']>): TrainConfigInput => ({
  name,
  dataset: {
    assets: { names: [1, 2, 3, 4, 5, 6].map(engine) },
    signals: SIGNALS,
    window: { length: 20, stride: 2 },
    label: { kind: 'rul', cap: 125 },
  },
  evaluation,
  model: { type: 'dense', units: [8] },
  training: { epochs: 2, batchSize: 128, seed: 1, patience: null },
});

describe('Compare two runs in Chromium at 1280 px', () => {
  let home: string;
  let session: BrowserSession;
  let app: ServedApp;
  let page: Page;

  beforeAll(async () => {
    home = await tempHome('pdm-e2e-compare-');
    session = await openBrowserSession(home);
    ({ app, page } = session);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  afterAll(async () => {
    await session?.close();
  });

  const train = async (c: TrainConfigInput): Promise<string> => {
    const { jobId } = await app.call<{ jobId: string }>('startTraining', { config: c });
    await expect
      .poll(async () => (await app.call<JobState>('getJob', { jobId })).status, { timeout: 90_000, interval: 250 })
      .not.toBe('running');
    const job = await app.call<JobState>('getJob', { jobId });
    expect(job.error).toBeNull();
    return job.training?.run ?? '';
  };

  it('shows both runs side by side without horizontal scrolling, and marks them not comparable', async () => {
    await page.goto(app.url);
    await page.getByTestId('open-sample').click();
    await page.getByTestId('workspace-path').waitFor({ timeout: 60_000 });
    // Scored on different data: each of two engines' last window, against every window of one engine.
    const lastRun = await train(
      config('last windows of 9 and 10', { assets: { names: [engine(9), engine(10)] }, windows: 'last' }),
    );
    const allRun = await train(config('every window of 9', { assets: { names: [engine(9)] }, windows: 'all' }));

    await page.getByTestId('area-models').click();
    await page.getByTestId('models-view').waitFor();
    const rows = page.locator('[data-testid="runs-table"] tbody tr');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(2);
    // The runs table says what each run was scored on.
    await expect
      .poll(() => page.getByTestId(`run-scope-${lastRun}`).textContent())
      .toMatch(/evaluation · 2 assets · 2 of \d+ windows/);

    await page.getByTestId(`run-compare-${lastRun}`).check();
    await page.getByTestId(`run-compare-${allRun}`).check();
    // Marked in the table against the first run picked, with the reasons in its tooltip.
    const mark = page.getByTestId(`run-not-comparable-${allRun}`);
    await mark.waitFor();
    expect(await mark.getAttribute('title')).toContain('different assets: 2 vs 1');

    await page.getByTestId('runs-compare').click();
    const panel = page.getByTestId('runs-compare-panel');
    await page.getByTestId('compare-card-b').waitFor();
    const warning = page.getByTestId('compare-not-comparable');
    await warning.waitFor();
    expect(await warning.textContent()).toMatch(
      /different assets: 2 vs 1.*different window counts: 2 of \d+ vs \d+ of \d+ scored/s,
    );

    // Both runs' headline figures are on screen, side by side, inside the 1280 px window.
    const figures = [];
    for (const side of ['a', 'b'] as const) {
      for (const key of ['rmse', 'mae', 'nasa_score']) {
        const cell = page.getByTestId(`compare-${side}-${key}`);
        await cell.scrollIntoViewIfNeeded();
        expect(Number(await cell.getAttribute('data-value'))).toBeGreaterThan(0);
        const box = await cell.boundingBox();
        if (box === null) throw new Error(`compare-${side}-${key} is not shown`);
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(1280);
        figures.push({ side, x: box.x });
      }
    }
    // Run b's figures stand to the right of run a's: two columns, not one below the other.
    const rightmostA = Math.max(...figures.filter((f) => f.side === 'a').map((f) => f.x));
    const leftmostB = Math.min(...figures.filter((f) => f.side === 'b').map((f) => f.x));
    expect(leftmostB).toBeGreaterThan(rightmostA);
    // Nothing scrolls sideways: not the page, not the panel, not the table of every field.
    const overflow = await page.evaluate(() => {
      const wide = (el: Element | null) => (el === null ? 0 : el.scrollWidth - el.clientWidth);
      return {
        page: wide(document.scrollingElement),
        panel: wide(document.querySelector('[data-testid="runs-compare-panel"]')),
        table: wide(document.querySelector('[data-testid="runs-compare-table"]')),
      };
    });
    expect(overflow).toEqual({ page: 0, panel: 0, table: 0 });
    const tableBox = await page.getByTestId('runs-compare-table').boundingBox();
    expect((tableBox?.x ?? 0) + (tableBox?.width ?? Infinity)).toBeLessThanOrEqual(1280);
    await panel.screenshot({ path: join(ARTIFACTS, 'e2e-run-compare.png') });
  }, 240_000);
});
