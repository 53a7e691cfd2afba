import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServedApp } from '../support/serve.js';
import { ARTIFACTS, openBrowserSession, tempHome, type BrowserSession } from '../support/session.js';

/** Wide CSV files of `rows` seconds each, one after the other in time: an import that runs for a while. */
const writeWideFiles = async (dir: string, files: number, rows: number): Promise<string[]> => {
  const paths: string[] = [];
  const start = Date.UTC(2025, 0, 1);
  for (let f = 0; f < files; f += 1) {
    const lines = ['time,Pump A vibration [mm/s],Pump A temperature [°C]'];
    for (let i = 0; i < rows; i += 1) {
      const t = f * rows + i;
      lines.push(`${new Date(start + t * 1000).toISOString()},${(t % 97) / 10},${40 + (t % 13)}`);
    }
    const path = join(dir, `part-${f}.csv`);
    await writeFile(path, `${lines.join('\n')}\n`);
    paths.push(path);
  }
  return paths;
};

describe('jobs panel in the status bar, browser mode in Chromium', () => {
  let home: string;
  let session: BrowserSession;
  let app: ServedApp;
  let page: Page;

  beforeAll(async () => {
    home = await tempHome('pdm-e2e-jobs-');
    session = await openBrowserSession(home);
    ({ app, page } = session);
  });

  afterAll(async () => {
    await session?.close();
  });

  it('lists a running import with its progress, cancels it, and shows the log folder', async () => {
    await page.goto(app.url);
    await app.call('openWorkspace', { path: join(home, 'workspace') });
    const toggle = page.getByTestId('jobs-toggle');
    await expect.poll(() => toggle.textContent()).toBe('No jobs');

    const paths = await writeWideFiles(home, 8, 150_000);
    const { jobId } = await app.call<{ jobId: string }>('startImport', { paths, options: {} });
    await expect.poll(() => toggle.textContent(), { timeout: 10_000 }).toBe('1 job running');
    await toggle.click();
    const row = page.getByTestId('job-row');
    await expect.poll(() => row.getAttribute('data-status')).toBe('running');
    expect(await row.textContent()).toContain('File import');
    await page.screenshot({ path: join(ARTIFACTS, 'jobs-panel-running.png') });

    await page.getByTestId('job-cancel').click();
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 60_000 }).toBe('cancelled');
    expect(await toggle.textContent()).toBe('No jobs running');
    expect(await app.call<{ status: string }>('getJob', { jobId })).toMatchObject({ status: 'cancelled' });

    await page.getByTestId('open-log-folder').click();
    await expect.poll(() => page.getByTestId('log-path').textContent()).toBe(`Logs: ${join(home, 'logs')}`);
    await page.screenshot({ path: join(ARTIFACTS, 'jobs-panel-cancelled.png') });
    const log = await readFile(join(home, 'logs', 'pdm-studio.jsonl'), 'utf8');
    expect(log).toContain(`"event":"cancelled","pid"`);
    expect(log).toContain(jobId);
  });
});
