import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/shared/training.js';
import type { ServedApp } from '../support/serve.js';
import { ARTIFACTS, openBrowserSession, tempHome, type BrowserSession } from '../support/session.js';

describe('train dialog: split by time and anomaly label rules, in Chromium', () => {
  let home: string;
  let session: BrowserSession;
  let app: ServedApp;
  let page: Page;

  beforeAll(async () => {
    home = await tempHome('pdm-e2e-train-rules-');
    session = await openBrowserSession(home, { height: 1100 });
    ({ app, page } = session);
  });

  afterAll(async () => {
    await session?.close();
  });

  it('trains an anomaly model on one engine split by time, with the labelling rule shown before and after', async () => {
    await page.goto(app.url);
    await page.getByTestId('open-sample').click();
    await page.getByTestId('workspace-path').waitFor({ timeout: 60_000 });
    await page.getByTestId('area-models').click();
    await page.getByTestId('models-train').click();
    await page.getByTestId('train-dialog').waitFor();

    // One engine: by time it is enough (split by asset needs two). The form seeds itself once the signals load.
    await expect.poll(() => page.locator('[data-testid="train-signal-list"] input').count()).toBe(24);
    await page.getByTestId('train-signals-none').click();
    for (const tag of ['sensor_2', 'sensor_3', 'sensor_4', 'sensor_7', 'sensor_11']) {
      await page.getByTestId(`train-signal-${tag}`).check();
    }
    await page.getByTestId('train-asset-prefix').fill('FD001 engine 001');
    await page.getByTestId('train-task').selectOption('anomaly');
    await page.getByTestId('train-model').selectOption('pca');
    await page.getByTestId('train-window-length').fill('10');

    // Lives on cycle counters: the end of each engine is its failure, said in words and in a box one can untick.
    const rule = page.getByTestId('train-label-rule');
    expect(await page.getByTestId('train-anomaly-rule').inputValue()).toBe('lives');
    expect(await page.getByTestId('train-end-is-failure').isChecked()).toBe(true);
    await expect.poll(() => rule.textContent()).toContain('an asset without one is taken to fail at its last reading');
    await page.getByTestId('train-end-is-failure').uncheck();
    await expect.poll(() => rule.textContent()).toContain('Failures: failure events only.');

    // The first 60 cycles of the engine are normal, every later one abnormal; the first 70% trains.
    await page.getByTestId('train-anomaly-rule').selectOption('first-normal');
    await page.getByTestId('train-normal-start').fill('60 rows');
    await expect
      .poll(() => rule.textContent())
      .toBe('Labels: Normal: the first 60 rows of each asset. Abnormal: every later row (all of them are scored).');
    await page.getByTestId('train-split').selectOption('time');
    expect(await page.getByTestId('train-percent').inputValue()).toBe('70');
    expect(await page.getByTestId('train-evaluation-prefix').count()).toBe(0);
    await page.getByTestId('train-validation').fill('0.3');
    expect(await page.getByTestId('train-asset-prefix').inputValue()).toBe('FD001 engine 001');
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-train-dialog-rules.png'), fullPage: true });

    await page.getByTestId('train-start').click();
    const result = page.getByTestId('train-result');
    await result.waitFor({ timeout: 90_000 });
    const runId = (await result.getAttribute('data-run')) ?? '';
    const [run] = (await app.call<RunSummary[]>('listRuns')).filter((r) => r.id === runId);
    expect(run?.scope).toMatchObject({ part: 'evaluation', split: 'time', truth: 'labels' });
    expect(run?.scope?.assets.map((a) => a.asset)).toEqual(['FD001 engine 001']);
    expect(run?.scope?.windowsScored).toBe(run?.scope?.windowsTotal);
    await page.getByTestId('train-close').click();

    // The run view says what it was scored on and how it was labelled.
    await page.getByTestId(`run-open-${runId}`).click();
    const scope = page.getByTestId('run-detail-scope');
    await scope.waitFor();
    expect(await scope.textContent()).toMatch(
      /^Scored on: evaluation \(later part\) · 1 asset · \d+ of \d+ windows · Labels: Normal: the first 60 rows/,
    );
  }, 240_000);
});
