import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Signal } from '../../src/shared/domain.js';
import type { ServedApp } from '../support/serve.js';
import { ARTIFACTS, openBrowserSession, tempHome, type BrowserSession } from '../support/session.js';

/** Sub-paths of each drawn line: one "M" (move) per unbroken stretch. */
const lineStretches = (page: Page) =>
  page.$$eval('[data-testid="trend-chart"] path.recharts-line-curve', (paths) =>
    paths.map((p) => (p.getAttribute('d') ?? '').match(/M/g)?.length ?? 0),
  );

describe('trend chart: missing data looks missing (browser mode, Chromium)', () => {
  let home: string;
  let session: BrowserSession;
  let app: ServedApp;
  let page: Page;

  beforeAll(async () => {
    home = await tempHome('pdm-e2e-gaps-');
    session = await openBrowserSession(home);
    ({ app, page } = session);
  });

  afterAll(async () => {
    await session?.close();
  });

  it('breaks the line of a signal at its 200-minute hole and shades it; a complete signal stays one line', async () => {
    // Two tags every minute for 1000 minutes; GAP has nothing from minute 400 to 599.
    const t0 = Date.UTC(2024, 4, 1);
    const lines = ['tag,time,value'];
    for (let i = 0; i < 1000; i++) {
      const time = new Date(t0 + i * 60_000).toISOString();
      lines.push(`FULL,${time},${Math.sin(i / 50).toFixed(4)}`);
      if (i < 400 || i >= 600) lines.push(`GAP,${time},${Math.cos(i / 50).toFixed(4)}`);
    }
    const file = join(home, 'pump-gaps.csv');
    await writeFile(file, `${lines.join('\n')}\n`);

    await page.goto(app.url);
    await page.getByTestId('workspace-path-input').fill(join(home, 'workspace'));
    await page.getByTestId('open-workspace').click();
    await page.getByTestId('import-button').click();
    await page.getByTestId('import-path-input').fill(file);
    await page.getByTestId('import-preview').click();
    await page.getByTestId('import-start').click();
    const summary = page.getByTestId('import-summary');
    await summary.waitFor({ timeout: 120_000 });
    expect(await summary.getAttribute('data-values')).toBe('1800');
    await page.getByTestId('import-close').click();

    const signals = await app.call<Signal[]>('listSignals');
    expect(signals.map((s) => s.tag).sort()).toEqual(['FULL', 'GAP']);
    const asset = signals[0]?.asset ?? '';
    await page.getByTestId(`asset-${asset}`).click();
    for (const s of signals) await page.getByTestId(`signal-${s.id}`).check();

    const chart = page.getByTestId('trend-chart');
    await expect
      .poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 20_000 })
      .toBeGreaterThan(0);
    // One band, for GAP, spanning its hole (between its readings at minutes 399 and 600).
    const bands = page.getByTestId('gap-band');
    await expect.poll(() => bands.count()).toBe(1);
    const gapSignal = signals.find((s) => s.tag === 'GAP');
    expect(await bands.first().getAttribute('data-signal-id')).toBe(String(gapSignal?.id));
    expect(await bands.first().locator('title').textContent()).toContain('no data from');
    await expect.poll(async () => (await lineStretches(page)).sort()).toEqual([1, 2]);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-trend-gap.png') });
  });
});
