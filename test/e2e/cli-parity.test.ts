import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FolderStore } from '../../src/main/core/registry/folder-store.js';
import { openRegistry } from '../../src/main/core/registry/open-registry.js';
import { PG_PASSWORD, startPostgres, type PgServer } from '../integration/historians/postgres-server.js';
import { writeRun } from '../integration/registry/helpers.js';
import type { ServedApp } from '../support/serve.js';
import { openBrowserSession, tempHome, type BrowserSession } from '../support/session.js';

/** What only the CLI could do before (SQL historian, registry fetch, dataset snapshots), now in the app. */
describe('CLI parity in the app, end to end in Chromium', () => {
  let home: string;
  let registry: string;
  let pg: PgServer;
  let session: BrowserSession;
  let app: ServedApp;
  let page: Page;

  beforeAll(async () => {
    home = await tempHome('pdm-e2e-parity-');
    registry = join(home, 'registry');
    await FolderStore.open(registry, { create: true, config: { fsync: false } });
    await (await openRegistry(registry)).publish({ runDir: await writeRun(join(home, 'runs'), 'run-a'), name: 'pump' });
    pg = await startPostgres();
    await pg.psql(`
      CREATE TABLE points (ts timestamptz NOT NULL, tag text NOT NULL, value double precision);
      INSERT INTO points SELECT timestamptz '2024-01-01 00:00:00+00' + i * interval '1 minute', 'PT-' || k, i + k
        FROM generate_series(0, 999) i, generate_series(1, 2) k;
    `);
    session = await openBrowserSession(home);
    ({ app, page } = session);
    await page.goto(app.url);
    await page.getByTestId('open-sample').click();
    await page.getByTestId('workspace-path').waitFor({ timeout: 60_000 });
  }, 120_000);

  afterAll(async () => {
    await session?.close();
    await pg?.stop();
  });

  // First, while the workspace holds only the sample engines (the form's defaults pick them by name prefix).
  it('Save dataset snapshot in the training dialog: frozen once, the same definition again is recognised', async () => {
    await page.getByTestId('area-models').click();
    await page.getByTestId('models-train').click();
    await page.getByTestId('train-dialog').waitFor();
    await page.getByTestId('train-signals-none').click();
    for (const tag of ['sensor_2', 'sensor_3', 'sensor_4']) await page.getByTestId(`train-signal-${tag}`).check();
    await page.getByTestId('train-window-length').fill('20');
    await page.getByTestId('dataset-save').click();
    const saved = page.getByTestId('dataset-saved');
    await saved.waitFor({ timeout: 60_000 });
    const id = await saved.getAttribute('data-id');
    expect(id).toMatch(/^ds-[0-9a-f]{16}$/);
    expect(Number(await saved.getAttribute('data-windows'))).toBeGreaterThan(0);
    expect(await saved.textContent()).toMatch(/^Saved dataset snapshot ds-/);
    await page.getByTestId('dataset-save').click();
    await expect.poll(() => saved.textContent()).toMatch(new RegExp(`^Already saved as ${id ?? ''}`));
    await page.getByTestId('train-close').click();
    await page.getByTestId('train-dialog').waitFor({ state: 'detached' });
    await page.getByTestId('area-explore').click();
  });

  it('SQL historian…: imports a PostgreSQL table as a job and reports what it stored', async () => {
    await page.getByTestId('sql-historian-button').click();
    await page.getByTestId('sql-historian-dialog').waitFor();
    await page.getByTestId('sql-url').fill(pg.url);
    await page.getByTestId('sql-password').fill(PG_PASSWORD);
    await page.getByTestId('sql-query').fill('SELECT ts AS time, tag, value FROM points');
    await page.getByTestId('sql-import').click();
    // The query lacks $1/$2: refused in the form, naming the field, before anything is sent.
    await expect.poll(() => page.getByTestId('sql-form-error').textContent()).toContain('Query: use $1');
    await page
      .getByTestId('sql-query')
      .fill('SELECT ts AS time, tag, value FROM points WHERE ts >= $1 AND ts < $2 ORDER BY ts');
    await page.getByTestId('sql-from').fill('2024-01-01T00:00:00Z');
    await page.getByTestId('sql-to').fill('2024-01-02T00:00:00Z');
    await page.getByTestId('sql-asset').fill('line-7');
    await page.getByTestId('sql-import').click();
    const summary = page.getByTestId('sql-summary');
    await summary.waitFor({ timeout: 60_000 });
    expect(await summary.getAttribute('data-values')).toBe('2000');
    expect(await summary.textContent()).toContain('2,000 values from 2,000 rows into 2 signals');
    await page.getByTestId('sql-close').click();
    await page.getByTestId('sql-historian-dialog').waitFor({ state: 'detached' });
  });

  it('Fetch package… copies a registry version into a new folder, verified', async () => {
    await page.getByTestId('area-registry').click();
    await page.getByTestId('registry-location').fill(registry);
    await page.getByTestId('registry-connect-button').click();
    await page.getByTestId('registry-open-1').click();
    await page.getByTestId('registry-fetch').click();
    await page.getByTestId('registry-fetch-dialog').waitFor();
    await page.getByTestId('registry-fetch-target').fill('relative/folder');
    expect(await page.getByTestId('registry-fetch-ok').isDisabled()).toBe(true);
    const target = join(home, 'fetched', 'pump-v1');
    await page.getByTestId('registry-fetch-target').fill(target);
    await page.getByTestId('registry-fetch-ok').click();
    await page.getByTestId('registry-fetch-done').waitFor();
    expect(await page.getByTestId('registry-fetch-done').textContent()).toContain(target);
    expect((await readdir(target)).sort()).toEqual((await readdir(join(registry, 'models', 'pump', '1'))).sort());
    // Again into the same folder: refused, the folder untouched.
    await page.getByTestId('registry-fetch-close').click();
    await page.getByTestId('registry-fetch').click();
    await page.getByTestId('registry-fetch-target').fill(target);
    await page.getByTestId('registry-fetch-ok').click();
    await expect.poll(() => page.getByTestId('registry-fetch-refusal').getAttribute('data-code')).toBe('conflict');
    expect(existsSync(join(target, 'SHA256SUMS'))).toBe(true);
  });
});
