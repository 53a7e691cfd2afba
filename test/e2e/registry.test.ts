import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FolderStore } from '../../src/main/core/registry/folder-store.js';
import { openRegistry, osUser } from '../../src/main/core/registry/open-registry.js';
import { writeRun } from '../integration/registry/helpers.js';
import type { ServedApp } from '../support/serve.js';
import { ARTIFACTS, openBrowserSession, tempHome, type BrowserSession } from '../support/session.js';

describe('registry view in the browser, end to end in Chromium', () => {
  let home: string;
  let registry: string;
  let session: BrowserSession;
  let app: ServedApp;
  let page: Page;

  beforeAll(async () => {
    home = await tempHome('pdm-e2e-reg-');
    // A folder registry that lets a second identity act (allowAs), with two versions published by the OS user.
    registry = join(home, 'registry');
    await FolderStore.open(registry, { create: true, config: { allowAs: true, fsync: false } });
    const author = await openRegistry(registry);
    const runs = join(home, 'trainer-workspace');
    await author.publish({ runDir: await writeRun(runs, 'run-a'), name: 'pump-rul' });
    await author.publish({
      runDir: await writeRun(runs, 'run-b', { record: { metrics: { rmse: 13.9, phm08: 395.5 } } }),
      name: 'pump-rul',
    });
    session = await openBrowserSession(home, { serveArgs: ['--workspace', join(home, 'workspace')], height: 1000 });
    ({ app, page } = session);
  });

  afterAll(async () => {
    await session?.close();
  });

  const connect = async (actAs?: string) => {
    await page.getByTestId('registry-location').fill(registry);
    if (actAs !== undefined) await page.getByTestId('registry-act-as').fill(actAs);
    await page.getByTestId('registry-connect-button').click();
    await page.getByTestId('registry-user').waitFor();
  };

  const act = async (action: string, reason?: string) => {
    await page.getByTestId(`registry-action-${action}`).click();
    const dialog = page.getByTestId('registry-confirm-dialog');
    await dialog.waitFor();
    if (reason !== undefined) await page.getByTestId('registry-reason').fill(reason);
    await page.getByTestId('registry-confirm-ok').click();
  };

  it('connects, shows models, versions and stages; four-eyes refuses the author; another person approves and promotes', async () => {
    await page.goto(app.url);
    // Keyboard: the Registry tab is a button in the header.
    await page.getByTestId('area-registry').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('registry-connect').waitFor();

    await connect();
    expect(await page.getByTestId('registry-user').textContent()).toBe(osUser());
    await page.getByTestId('registry-model-pump-rul').waitFor();
    expect(await page.getByTestId('registry-stage-1').getAttribute('data-stage')).toBe('candidate');
    expect(await page.getByTestId('registry-stage-2').getAttribute('data-stage')).toBe('candidate');

    // Metrics side by side.
    await page.getByTestId('registry-compare-1').check();
    await page.getByTestId('registry-compare-2').check();
    await page.getByTestId('registry-compare-button').click();
    expect(await page.getByTestId('registry-compare-rmse-1').textContent()).toBe('15.20');
    expect(await page.getByTestId('registry-compare-rmse-2').textContent()).toBe('13.90');
    expect(await page.getByTestId('registry-compare-rmse-2').getAttribute('class')).toContain('better');

    // Version detail: lineage, verification and the model card in a sandboxed frame.
    await page.getByTestId('registry-open-1').click();
    await expect.poll(() => page.getByTestId('registry-version-stage').getAttribute('data-stage')).toBe('candidate');
    expect(await page.getByTestId('registry-lineage-run').textContent()).toBe('run-a');
    expect(await page.getByTestId('registry-lineage').textContent()).toContain('a'.repeat(64));
    expect(await page.getByTestId('registry-verification').textContent()).toMatch(/every file matches/);
    const frame = page.getByTestId('registry-card');
    expect(await frame.getAttribute('sandbox')).toBe('');
    await expect
      .poll(() => page.frameLocator('[data-testid="registry-card"]').locator('h1').textContent(), { timeout: 10_000 })
      .toContain('pump-rul');

    // The author approving their own version: refused, and the dialog says why.
    await act('approve', 'looks good to me');
    const refusal = page.getByTestId('registry-refusal');
    await refusal.waitFor();
    expect(await refusal.getAttribute('data-code')).toBe('forbidden');
    expect(await refusal.textContent()).toMatch(/Refused by the four-eyes rule.*cannot approve/);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-registry-four-eyes.png') });
    await page.getByTestId('registry-confirm-cancel').click();
    expect(await page.getByTestId('registry-version-stage').getAttribute('data-stage')).toBe('candidate');

    // A second person (the registry allows acting as another user) approves and promotes.
    await page.getByTestId('registry-disconnect').click();
    await connect('bob');
    expect(await page.getByTestId('registry-user').textContent()).toBe('bob');
    await page.getByTestId('registry-open-1').click();
    await expect.poll(() => page.getByTestId('registry-version-stage').getAttribute('data-stage')).toBe('candidate');
    await act('approve', 'RMSE within spec on FD001 test');
    await expect.poll(() => page.getByTestId('registry-version-stage').getAttribute('data-stage')).toBe('approved');
    await act('promote');
    await expect.poll(() => page.getByTestId('registry-version-stage').getAttribute('data-stage')).toBe('production');
    expect(await page.getByTestId('registry-stage-1').getAttribute('data-stage')).toBe('production');
    expect(await page.getByTestId('registry-history').textContent()).toMatch(/approve.*bob.*RMSE within spec/);
    await expect
      .poll(() => page.frameLocator('[data-testid="registry-card"]').locator('.stage').textContent())
      .toBe('production');
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-registry-production.png') });

    await page.getByTestId('registry-verify').click();
    await expect.poll(() => page.getByTestId('registry-verify-report').getAttribute('data-ok')).toBe('true');
  });
});
