import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workspace } from '../../src/main/core/workspace/workspace.js';
import { buildFleet } from '../integration/reports/fleet-fixture.js';
import type { ServedApp } from '../support/serve.js';
import { openBrowserSession, tempHome, type BrowserSession } from '../support/session.js';

const run = promisify(execFile);

describe('Reports area in the browser, end to end in Chromium', () => {
  let session: BrowserSession;
  let app: ServedApp;
  let page: Page;
  let home: string;

  beforeAll(async () => {
    home = await tempHome('pdm-e2e-rep-');
    const ws = join(home, 'workspace');
    // A monitored fleet (deployment, scores, alerts with dispositions), built before the app opens the
    // workspace (one DuckDB writer).
    const workspace = await Workspace.open(ws);
    try {
      await buildFleet(workspace, { assets: 8, days: 90, scoreEveryHours: 24 });
    } finally {
      workspace.close();
    }
    session = await openBrowserSession(home, { serveArgs: ['--workspace', ws], height: 1400 });
    ({ app, page } = session);
  }, 120_000);

  afterAll(async () => {
    await session?.close();
  });

  it('sets a criticality, exports the fleet report as PDF and shows path, pages and SHA-256', async () => {
    await page.goto(app.url);
    await page.getByTestId('area-reports').click();
    await page.getByTestId('reports-view').waitFor();

    // P-004 (watch, criticality 4 in the fixture: risk 8, fourth) set to 5: risk 10, second after P-001 (15).
    await expect.poll(() => page.getByTestId('criticality-row').count()).toBe(8);
    const row = page.getByTestId('criticality-row').filter({ hasText: 'P-004' });
    await row.getByTestId('criticality-level').selectOption('5');
    await row.getByTestId('criticality-class').fill('cooling pump');
    await row.getByTestId('criticality-save').click();
    await expect.poll(() => row.getByTestId('criticality-save').isDisabled()).toBe(true);

    const out = join(home, 'fleet report.pdf');
    await page.getByTestId('report-kind').selectOption('fleet');
    await page.getByTestId('report-format').selectOption('pdf');
    await page.getByTestId('report-out').fill(out);
    await page.getByTestId('report-export').click();
    await page.getByTestId('report-result').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('report-result-path').textContent()).toBe(out);
    const pages = Number(await page.getByTestId('report-result-pages').textContent());
    expect(pages).toBeGreaterThanOrEqual(2);
    const sha = (await page.getByTestId('report-result-sha256').textContent()) ?? '';
    expect(sha).toMatch(/^[0-9a-f]{64}$/);
    await expect.poll(() => page.getByTestId('report-exports').locator('tbody tr').count()).toBe(1);

    const text = (await run('pdftotext', [out, '-'])).stdout;
    expect(text).toContain(`SHA-256 ${sha}`);
    expect(text).toMatch(/1\s+P-001\s+act now\s+5\s+15/);
    expect(text).toMatch(/2\s+P-004\s+watch\s+5\s+10/);
    expect(text).toContain('cooling pump');
  }, 120_000);

  it('refuses a relative file name in words, before any job starts', async () => {
    await page.getByTestId('report-out').fill('fleet.pdf');
    await page.getByTestId('report-export').click();
    expect(await page.getByTestId('report-problem').textContent()).toMatch(/full path/);
  });
});
