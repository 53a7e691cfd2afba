import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/main/core/app/import-files.js';
import { parseRule } from '../../src/shared/alert-rules.js';
import { deployFromRegistry } from '../../src/main/core/monitoring/deployment.js';
import { FolderStore } from '../../src/main/core/registry/folder-store.js';
import { openRegistry } from '../../src/main/core/registry/open-registry.js';
import { readTrainConfig } from '../../src/main/core/runs/load-config.js';
import { trainRun } from '../../src/main/core/runs/train-run.js';
import { Workspace } from '../../src/main/core/workspace/workspace.js';
import type { ServedApp } from '../support/serve.js';
import { ARTIFACTS, openBrowserSession, tempHome, type BrowserSession } from '../support/session.js';

const ENGINES = ['cmapss-fd001-sample engine 007', 'cmapss-fd001-sample engine 008'];

describe('Monitor area in the browser, end to end in Chromium', () => {
  let session: BrowserSession;
  let app: ServedApp;
  let page: Page;

  beforeAll(async () => {
    const home = await tempHome('pdm-e2e-mon-');
    const ws = join(home, 'workspace');
    const registry = join(home, 'registry');
    // The sample engines 1-6 train a small RUL model; it is published, approved by a second person, promoted,
    // and deployed on engines 7 and 8 with a rule, all before the app opens the workspace (one DuckDB writer).
    const workspace = await Workspace.open(ws);
    try {
      await importFiles(workspace, [resolve('resources/sample/cmapss-fd001-sample.txt')], { format: 'cmapss' });
      const { config } = await readTrainConfig(resolve('docs/examples/sample-engines-1-6.json'));
      const run = await trainRun({ workspace, config, baseDir: process.cwd() });
      await FolderStore.open(registry, { create: true, config: { allowAs: true, fsync: false } });
      await (await openRegistry(registry)).publish({ runDir: run.folder, name: 'sample-rul' });
      const bob = await openRegistry(registry, { as: 'bob' });
      await bob.govern('approve', { name: 'sample-rul', version: 1, reason: 'checked' });
      await bob.govern('promote', { name: 'sample-rul', version: 1 });
      await workspace.monitoring((db) =>
        deployFromRegistry(
          db,
          bob,
          {
            name: 'engines 7 and 8',
            model: { name: 'sample-rul', stage: 'production', pinnedVersion: null },
            registry,
            role: 'champion',
            championId: null,
            assets: ENGINES,
            catalogue: ENGINES.flatMap((asset) => config.dataset.signals.map((tag) => ({ asset, tag }))),
            rule: parseRule({ direction: 'below', setLevel: 40, clearLevel: 60, k: 3, n: 5 }),
            limits: {},
          },
          { actor: 'maria', at: new Date().toISOString() },
        ),
      );
    } finally {
      workspace.close();
    }
    session = await openBrowserSession(home, { serveArgs: ['--workspace', ws], height: 1200 });
    ({ app, page } = session);
  }, 120_000);

  afterAll(async () => {
    await session?.close();
  });

  it('scores now with progress, draws the health trends with alert bands, and runs the alert lifecycle', async () => {
    await page.goto(app.url);
    await page.getByTestId('area-monitor').click();
    await page.getByTestId('monitor-view').waitFor();
    expect(await page.getByTestId('deployment-item').textContent()).toMatch(/dep-1 · engines 7 and 8 · sample-rul v1/);

    await page.getByTestId('score-now').click();
    await page.getByTestId('score-summary').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('score-summary').textContent()).toMatch(/^2 assets scored \(\d+ windows\) with v1/);
    await expect.poll(() => page.getByTestId('health-trend').count()).toBe(2);
    // The figures exist before scoring ("Not scored yet"); their bands come with the refresh the job's end starts.
    await expect.poll(() => page.getByTestId('alert-band').count()).toBeGreaterThan(0);

    const rows = page.getByTestId('alert-row');
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    const first = rows.first();
    const id = await first.getAttribute('data-alert');
    const row = page.locator(`[data-testid="alert-row"][data-alert="${id}"]`);
    await row.getByTestId('alert-ack').click();
    await expect.poll(() => row.getAttribute('data-status')).toBe('acknowledged');
    expect(await row.getByTestId('alert-ack').isDisabled()).toBe(true);

    // Closing without a disposition is not sent: the form says what is missing.
    await row.getByTestId('alert-close').click();
    await page.getByTestId('alert-form-submit').click();
    expect(await page.locator('.inline-form .form-error').textContent()).toMatch(/choose a disposition/);
    await page.getByTestId('disposition-select').selectOption('false-alarm');
    await page.getByLabel('Cause').selectOption('sensor-fault');
    await page.getByTestId('alert-form-submit').click();
    await expect.poll(() => row.getAttribute('data-status')).toBe('closed');
    expect(await row.textContent()).toContain('false-alarm');
    expect(await row.getByTestId('alert-close').isDisabled()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-monitor.png'), fullPage: true });
  });
});
