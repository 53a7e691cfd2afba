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
  let registry = '';

  beforeAll(async () => {
    const home = await tempHome('pdm-e2e-mon-');
    const ws = join(home, 'workspace');
    registry = join(home, 'registry');
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
      // Version 2 (the same run published again), approved: a challenger to shadow with from the UI.
      await (
        await openRegistry(registry)
      ).publish({ runDir: run.folder, name: 'sample-rul', idempotencyKey: 'second-version' });
      await bob.govern('approve', { name: 'sample-rul', version: 2, reason: 'candidate' });
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
    await expect.poll(() => page.getByTestId('health-trend').count(), { timeout: 15_000 }).toBe(2);
    // The trends may first show the series from before the pass: wait for the bands of the new alerts.
    await expect.poll(() => page.getByTestId('alert-band').count(), { timeout: 15_000 }).toBeGreaterThan(0);

    const rows = page.getByTestId('alert-row');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const first = rows.first();
    const id = await first.getAttribute('data-alert');
    const row = page.locator(`[data-testid="alert-row"][data-alert="${id}"]`);
    await row.getByTestId('alert-ack').click();
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 15_000 }).toBe('acknowledged');
    expect(await row.getByTestId('alert-ack').isDisabled()).toBe(true);

    // Closing without a disposition is not sent: the form says what is missing.
    await row.getByTestId('alert-close').click();
    await page.getByTestId('alert-form-submit').click();
    expect(await page.locator('.inline-form .form-error').textContent()).toMatch(/choose a disposition/);
    await page.getByTestId('disposition-select').selectOption('false-alarm');
    await page.getByLabel('Cause').selectOption('sensor-fault');
    await page.getByTestId('alert-form-submit').click();
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 15_000 }).toBe('closed');
    expect(await row.textContent()).toContain('false-alarm');
    expect(await row.getByTestId('alert-close').isDisabled()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-monitor.png'), fullPage: true });
  });

  it('creates a deployment in the dialog, shadows it with a challenger, follows until an alert opens, and stops', async () => {
    await page.getByTestId('deployment-new').click();
    const dialog = page.getByTestId('deployment-dialog');
    await dialog.waitFor();
    await page.getByTestId('deployment-registry').fill(registry);
    await page.getByTestId('deployment-model').fill('sample-rul');
    await page.getByTestId('deployment-title').fill('engine 9 live');
    await page.locator('[data-testid="deployment-asset"][data-asset="cmapss-fd001-sample engine 009"]').check();
    await page.getByTestId('deployment-propose').click();
    // The proposed mapping: every contract signal mapped to the tag of the same name, each editable.
    await page.getByTestId('mapping-table').waitFor();
    const selects = page.getByTestId('mapping-select');
    expect(await selects.count()).toBeGreaterThan(5);
    expect(await selects.first().inputValue()).toBe(await selects.first().getAttribute('data-signal'));
    // The rule starts from the run's own evaluation (twice its RMSE, below for RUL).
    expect(await dialog.getByTestId('rule-direction').inputValue()).toBe('below');
    expect(Number(await dialog.getByTestId('rule-set').inputValue())).toBeGreaterThan(0);
    // Any RUL sets it, so the follow loop has an alert to raise.
    await dialog.getByTestId('rule-direction').selectOption('above');
    await dialog.getByTestId('rule-set').fill('-1000000000');
    await dialog.getByTestId('rule-clear').fill('');
    await page.getByTestId('deployment-create').click();
    await dialog.waitFor({ state: 'detached' });
    const item = page.getByTestId('deployment-item').filter({ hasText: 'engine 9 live' });
    await item.waitFor();
    expect(await item.getAttribute('class')).toBe('active');

    await page.getByTestId('challenger-version').fill('2');
    await page.getByTestId('challenger-add').click();
    await page.getByTestId('deployment-item').filter({ hasText: 'challenger of' }).waitFor({ timeout: 15_000 });

    await page.getByTestId('follow-interval').fill('2');
    await page.getByTestId('follow-toggle').click();
    await expect
      .poll(() => page.getByTestId('follow-switch').getAttribute('data-running'), { timeout: 15_000 })
      .toBe('yes');
    await expect
      .poll(() => page.getByTestId('follow-status').textContent(), { timeout: 60_000 })
      .toMatch(/[1-9]\d* alert\(s\) opened/);
    await expect.poll(() => page.getByTestId('alert-row').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await page.getByTestId('health-trend').count()).toBe(1);
    // The jobs panel lists the long-lived job while it runs, with what it did and when it goes again.
    await page.getByTestId('jobs-toggle').click();
    const followRow = page.getByTestId('job-row').filter({ hasText: 'Monitoring (follow)' });
    await expect.poll(() => followRow.getAttribute('data-status'), { timeout: 15_000 }).toBe('running');
    await expect.poll(() => followRow.textContent(), { timeout: 30_000 }).toMatch(/next round in/);
    await page.getByTestId('jobs-toggle').click();
    // Champion and challenger side by side: both raised the alert on the same data.
    const shadow = page.getByTestId('shadow-table');
    await shadow.waitFor({ timeout: 30_000 });
    await expect
      .poll(() => shadow.locator('[data-row="raised"] td.num').allTextContents(), { timeout: 30_000 })
      .toEqual(['1', '1']);
    await page.getByTestId('alert-figures').waitFor();
    await page.getByTestId('drift-panel').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-monitor-follow.png'), fullPage: true });

    await page.getByTestId('follow-toggle').click();
    // Stop waits for a round under way (champion and challenger) to end.
    await expect
      .poll(() => page.getByTestId('follow-switch').getAttribute('data-running'), { timeout: 60_000 })
      .toBe('no');
    expect(await page.getByTestId('follow-status').textContent()).toMatch(/^Stopped after \d+ round\(s\)/);
  }, 180_000);
});
