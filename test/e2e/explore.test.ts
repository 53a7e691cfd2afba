import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Signal, TrendResult } from '../../src/shared/domain.js';
import { repoRoot, type ServedApp } from '../support/serve.js';
import { ARTIFACTS, openBrowserSession, tempHome, type BrowserSession } from '../support/session.js';

const TRAIN = join(repoRoot, '..', 'shared', 'data', 'cmapss', 'train_FD001.txt');
const ASSET = 'train_FD001 engine 001';

/** Vertices recharts drew: one "M" or "L" command per point of each line path. */
const drawnVertices = (page: Page) =>
  page.$$eval('[data-testid="trend-chart"] path.recharts-line-curve', (paths) =>
    paths.map((p) => (p.getAttribute('d') ?? '').match(/[ML]/g)?.length ?? 0),
  );

describe('browser mode, end to end in Chromium', () => {
  let home: string;
  let session: BrowserSession;
  let app: ServedApp;
  let page: Page;

  beforeAll(async () => {
    if (!existsSync(TRAIN))
      throw new Error(`C-MAPSS FD001 not found at ${TRAIN}: put ../shared/data/cmapss beside the checkout`);
    home = await tempHome('pdm-e2e-');
    session = await openBrowserSession(home);
    ({ app, page } = session);
  });

  afterAll(async () => {
    await session?.close();
  });

  it('opens a workspace, imports C-MAPSS FD001, charts two sensors with M4 and zooms', async () => {
    await page.goto(app.url);
    expect(page.url()).not.toContain('token=');

    await page.getByTestId('workspace-path-input').fill(join(home, 'workspace'));
    await page.getByTestId('open-workspace').click();

    await page.getByTestId('import-button').click();
    await page.getByTestId('import-path-input').fill(TRAIN);
    await page.getByTestId('import-preview').click();
    await page.getByTestId('import-start').click();
    const summary = page.getByTestId('import-summary');
    await summary.waitFor({ timeout: 120_000 });
    expect(await summary.getAttribute('data-rows')).toBe('20631');
    expect(await summary.getAttribute('data-values')).toBe('495144');
    expect(await summary.getAttribute('data-rejected')).toBe('0');
    await page.getByTestId('import-close').click();

    const signals = await app.call<Signal[]>('listSignals');
    const pick = (tag: string) => {
      const found = signals.find((s) => s.asset === ASSET && s.tag === tag);
      if (found === undefined) throw new Error(`no ${tag}`);
      return found;
    };
    const sensors = [pick('sensor_2'), pick('sensor_3')];
    await page.getByTestId('signal-filter').fill('engine 001');
    await page.getByTestId(`asset-${ASSET}`).click();
    for (const s of sensors) await page.getByTestId(`signal-${s.id}`).check();

    const chart = page.getByTestId('trend-chart');
    await expect
      .poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 20_000 })
      .toBeGreaterThan(0);
    const box = await chart.boundingBox();
    if (box === null) throw new Error('chart not visible');
    const fullPoints = Number(await chart.getAttribute('data-points'));
    // Engine 1 ran 192 cycles: fewer readings than pixel columns, so M4 keeps every reading.
    expect(fullPoints).toBe(2 * 192);
    await expect.poll(async () => (await drawnVertices(page)).reduce((a, b) => a + b, 0)).toBe(fullPoints);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-trend-full.png') });

    // Zoom by dragging across the middle third of the plot.
    const fromBefore = Number(await chart.getAttribute('data-from'));
    const toBefore = Number(await chart.getAttribute('data-to'));
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width * 0.4, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, y, { steps: 5 });
    await page.mouse.move(box.x + box.width * 0.6, y, { steps: 5 });
    await page.mouse.up();
    await expect
      .poll(async () => Number(await chart.getAttribute('data-to')) - Number(await chart.getAttribute('data-from')), {
        timeout: 10_000,
      })
      .toBeLessThan(toBefore - fromBefore);
    const from = Number(await chart.getAttribute('data-from'));
    const to = Number(await chart.getAttribute('data-to'));
    expect(from).toBeGreaterThanOrEqual(fromBefore);
    expect(to).toBeLessThanOrEqual(toBefore);

    // What the page drew equals what the workspace's M4 answers for that range, and never exceeds 4 per pixel column.
    await expect
      .poll(async () => {
        const zoomedPoints = Number(await chart.getAttribute('data-points'));
        return zoomedPoints > 0 && zoomedPoints < fullPoints;
      })
      .toBe(true);
    const zoomedPoints = Number(await chart.getAttribute('data-points'));
    const width = Number(await chart.getAttribute('data-width'));
    const reference = await app.call<TrendResult>('queryTrend', {
      signalIds: sensors.map((s) => s.id),
      from,
      to,
      width,
    });
    expect(zoomedPoints).toBe(reference.series.reduce((n, s) => n + s.t.length, 0));
    for (const s of reference.series) expect(s.t.length).toBeLessThanOrEqual(4 * width);
    await expect.poll(async () => (await drawnVertices(page)).reduce((a, b) => a + b, 0)).toBe(zoomedPoints);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-trend-zoomed.png') });

    await page.getByTestId('zoom-reset').click();
    await expect.poll(async () => Number(await chart.getAttribute('data-points'))).toBe(fullPoints);
    await page.getByTestId('quality-table').waitFor();
  });
});
