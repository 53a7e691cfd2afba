import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Signal } from '../../src/shared/domain.js';
import type { ServedApp } from '../support/serve.js';
import { ARTIFACTS, openBrowserSession, tempHome, type BrowserSession } from '../support/session.js';

describe('display time zone: chosen in the status bar, stored in the workspace (browser mode, Chromium)', () => {
  let home: string;
  let session: BrowserSession;
  let app: ServedApp;
  let page: Page;

  beforeAll(async () => {
    home = await tempHome('pdm-e2e-zone-');
    session = await openBrowserSession(home);
    ({ app, page } = session);
  });

  afterAll(async () => {
    await session?.close();
  });

  it('shows the chart range in Europe/Berlin wall-clock time across the spring change, with the zone name', async () => {
    // One tag every minute from 2024-03-31 00:00 to 01:59 UTC: 01:00-04:59 in Berlin (02:xx is skipped there).
    const t0 = Date.UTC(2024, 2, 31, 0);
    const lines = ['tag,time,value'];
    for (let i = 0; i < 120; i++) lines.push(`FLOW,${new Date(t0 + i * 60_000).toISOString()},${i}`);
    const file = join(home, 'flow.csv');
    await writeFile(file, `${lines.join('\n')}\n`);

    await page.goto(app.url);
    await page.getByTestId('workspace-path-input').fill(join(home, 'workspace'));
    await page.getByTestId('open-workspace').click();
    await page.getByTestId('import-button').click();
    await page.getByTestId('import-path-input').fill(file);
    await page.getByTestId('import-preview').click();
    await page.getByTestId('import-start').click();
    await page.getByTestId('import-summary').waitFor({ timeout: 120_000 });
    await page.getByTestId('import-close').click();

    const zone = page.getByTestId('display-zone');
    expect(await zone.inputValue()).toBe('UTC');
    await zone.fill('Europe/Berlin');
    await zone.press('Enter');
    await expect
      .poll(() => app.call<{ displayTimeZone: string }>('getWorkspaceSettings'))
      .toEqual({ displayTimeZone: 'Europe/Berlin' });

    const signals = await app.call<Signal[]>('listSignals');
    const asset = signals[0]?.asset ?? '';
    await page.getByTestId(`asset-${asset}`).click();
    for (const s of signals) await page.getByTestId(`signal-${s.id}`).check();
    const label = page.locator('.range-label');
    await expect
      .poll(() => label.textContent(), { timeout: 20_000 })
      .toContain('2024-03-31 01:00:00 Europe/Berlin → 2024-03-31 03:59:00 Europe/Berlin');
    // Time axis labels jump from 01:45 to 03:00: the skipped hour has no tick.
    const ticks = (
      await page.$$eval('[data-testid="trend-chart"] text', (els) => els.map((e) => e.textContent ?? ''))
    ).filter((t) => /^\d\d:\d\d$/.test(t));
    expect(ticks).toContain('01:45');
    expect(ticks).toContain('03:00');
    expect(ticks.filter((t) => t.startsWith('02:'))).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-display-zone.png') });
  });
});
