import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workspace } from '../../src/main/core/workspace/workspace.js';
import type { ServedApp } from '../support/serve.js';
import { ARTIFACTS, openBrowserSession, tempHome, type BrowserSession } from '../support/session.js';

// Timestamped plant data as a historian delivers it: a reading a minute for two days on three pumps, with a
// stretch of NULL readings and a stretch of bad-status readings. Training refused it before ("NaN in data").
const MIN = 60_000_000;
const T0 = Date.UTC(2026, 0, 1) * 1000;

describe('training on timestamped plant data from the app', () => {
  let home: string;
  let session: BrowserSession;
  let app: ServedApp;
  let page: Page;

  beforeAll(async () => {
    home = await tempHome('pdm-e2e-plant-');
    const dir = join(home, 'plant');
    const ws = await Workspace.open(dir);
    await ws.query(`INSERT INTO signals (id, asset, tag, source, time_kind) VALUES
      (1, 'P-101', 'BearingTemperature', 'sim', 'timestamp'), (2, 'P-101', 'Flow', 'sim', 'timestamp'),
      (3, 'P-102', 'BearingTemperature', 'sim', 'timestamp'), (4, 'P-102', 'Flow', 'sim', 'timestamp'),
      (5, 'P-103', 'BearingTemperature', 'sim', 'timestamp'), (6, 'P-103', 'Flow', 'sim', 'timestamp')`);
    await ws.query(`INSERT INTO readings
      SELECT s.id, ${T0} + i * ${MIN},
        CASE WHEN s.id = 1 AND i BETWEEN 100 AND 167 THEN NULL ELSE 40 + s.id + 10 * sin(i / 50.0) END,
        CASE WHEN s.id = 3 AND i BETWEEN 300 AND 309 THEN ${0x808c0000} ELSE 0 END
      FROM range(1, 7) s(id), range(0, 2880) r(i)`);
    ws.close();
    session = await openBrowserSession(home, { serveArgs: ['--workspace', dir] });
    ({ app, page } = session);
  });

  afterAll(async () => {
    await session?.close();
  });

  it('offers a 1-minute grid and a 7-day horizon, and trains despite NULL and bad-quality readings', async () => {
    await page.goto(app.url);
    await page.getByTestId('workspace-path').waitFor({ timeout: 60_000 });
    await page.getByTestId('area-models').click();
    await page.getByTestId('models-train').click();
    await page.getByTestId('train-dialog').waitFor();

    // Units a person reads on a timestamp axis, never raw microseconds.
    expect(await page.getByTestId('train-grid').inputValue()).toBe('1 min');
    expect(await page.getByTestId('train-rul-cap').inputValue()).toBe('30 d');
    expect(await page.getByTestId('train-gap-policy').inputValue()).toBe('forward-fill');
    await page.getByTestId('train-task').selectOption('failure-horizon');
    expect(await page.getByTestId('train-horizon').inputValue()).toBe('7 d');
    await page.getByTestId('train-horizon').fill('7');
    await expect.poll(() => page.getByTestId('train-form-error').textContent()).toContain('Horizon: enter a duration');
    await page.getByTestId('train-task').selectOption('rul');

    // RUL to the end of each record (no failure events here), small and quick.
    await page.getByTestId('train-rul-cap').fill('1 d');
    await page.getByTestId('train-fill-limit').fill('2 h');
    await page.getByTestId('train-window-length').fill('10');
    await page.getByTestId('train-window-stride').fill('10');
    await page.getByTestId('train-units').fill('8');
    await page.getByTestId('train-epochs').fill('2');
    await expect.poll(() => page.getByTestId('train-form-error').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-train-plant-dialog.png'), fullPage: true });
    await page.getByTestId('train-start').click();
    const result = page.getByTestId('train-result');
    await page
      .locator('[data-testid="train-result"], [data-testid="train-error"]')
      .first()
      .waitFor({ timeout: 120_000 });
    expect(
      await page.getByTestId('train-error').count(),
      (await page.getByTestId('train-job').textContent()) ?? '',
    ).toBe(0);
    expect(Number(await result.getAttribute('data-rmse'))).toBeGreaterThan(0);

    // The run record carries the gap policy in its data contract and what the policy did.
    const [run] = await app.call<{ id: string }[]>('listRuns');
    const detail = await app.call<{ artifact: Record<string, unknown> }>('getRun', { id: run?.id ?? '' });
    const signals = detail.artifact['signals'] as Record<string, unknown>[];
    expect(signals[0]).toMatchObject({
      samplePeriod: MIN,
      missingPolicy: 'forward-fill',
      badQuality: 'missing',
      fillLimit: 2 * 60 * MIN,
    });
    const gaps = detail.artifact['gaps'] as { training: { missingValues: number; filledValues: number } };
    expect(gaps.training).toMatchObject({ missingValues: 68 + 10, filledValues: 68 + 10 });
  });
});
