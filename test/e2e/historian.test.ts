import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Signal } from '../../src/shared/domain.js';
import type { WorkspaceEvent } from '../../src/shared/historian.js';
import { PlantSimulator } from '../../src/main/core/historians/simulator/opcua-simulator.js';
import { expectedHistory } from '../integration/historians/opcua-helpers.js';
import type { ServedApp } from '../support/serve.js';
import { ARTIFACTS, openBrowserSession, tempHome, type BrowserSession } from '../support/session.js';

const END_MS = Date.UTC(2025, 0, 1);
const FROM_MS = END_MS - 6 * 3_600_000;

describe('historian in the browser: connect, browse, import, chart, add an event', () => {
  let home: string;
  let sim: PlantSimulator;
  let session: BrowserSession;
  let app: ServedApp;
  let page: Page;

  beforeAll(async () => {
    home = await tempHome('pdm-e2e-hist-');
    // The plant simulator in this process, on a free port of 127.0.0.1.
    sim = await PlantSimulator.start({
      port: 0,
      seed: 3,
      assets: 2,
      days: 2,
      endMs: END_MS,
      pkiDir: join(home, 'sim-pki'),
    });
    session = await openBrowserSession(home, { height: 1000 });
    ({ app, page } = session);
  });

  afterAll(async () => {
    await session?.close();
    await sim?.stop();
  });

  it('imports two tags from the OPC UA simulator, charts them, and draws an added event as a band', async () => {
    await page.goto(app.url);
    await page.getByTestId('workspace-path-input').fill(join(home, 'workspace'));
    await page.getByTestId('open-workspace').click();

    await page.getByTestId('historian-button').click();
    await page.getByTestId('historian-endpoint').fill(sim.endpointUrl);
    await page.getByTestId('historian-browse').click();
    const tags = page.getByTestId('historian-tags');
    await tags.waitFor({ timeout: 30_000 });
    expect(Number(await tags.getAttribute('data-count'))).toBe(sim.tags.length);

    const vibration = sim.tags.findIndex((t) => t.nodeId === 'ns=1;s=P-101.VibrationRMS');
    const temperature = sim.tags.findIndex((t) => t.nodeId === 'ns=1;s=P-101.BearingTemperature');
    expect(vibration).toBeGreaterThanOrEqual(0);
    expect(temperature).toBeGreaterThanOrEqual(0);
    await page.getByTestId('historian-filter').fill('p-101 vibration');
    await page.getByTestId('historian-tag-ns=1;s=P-101.VibrationRMS').check();
    await page.getByTestId('historian-filter').fill('P-101 bearing');
    await page.getByTestId('historian-tag-ns=1;s=P-101.BearingTemperature').check();
    await page.getByTestId('historian-from').fill('2024-12-31 18:00');
    await page.getByTestId('historian-to').fill('2025-01-01 00:00');
    await page.getByTestId('historian-import').click();

    const summary = page.getByTestId('historian-summary');
    await summary.waitFor({ timeout: 30_000 });
    const expected =
      expectedHistory(sim, vibration, FROM_MS, END_MS).count + expectedHistory(sim, temperature, FROM_MS, END_MS).count;
    expect(Number(await summary.getAttribute('data-values'))).toBe(expected);
    expect(await summary.getAttribute('data-tags')).toBe('2');
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-historian-import.png') });
    await page.getByTestId('historian-close').click();

    const signals = await app.call<Signal[]>('listSignals');
    expect(signals).toHaveLength(2);
    await page.getByTestId('signal-filter').fill('P-101');
    await page.getByTestId('asset-P-101').click();
    for (const s of signals) await page.getByTestId(`signal-${s.id}`).check();
    const chart = page.getByTestId('trend-chart');
    await expect
      .poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 20_000 })
      .toBeGreaterThan(0);
    expect(await chart.getAttribute('data-series')).toBe('2');

    // Add a one-hour failure in the middle of the range: it appears in the table and as a band on the chart.
    await page.getByTestId('event-add').click();
    await page.getByTestId('event-kind').selectOption('failure');
    await page.getByTestId('event-start').fill('2024-12-31 20:00:00');
    await page.getByTestId('event-end').fill('2024-12-31 21:00:00');
    await page.getByTestId('event-code').fill('BRG');
    await page.getByTestId('event-description').fill('bearing replaced');
    await page.getByTestId('event-save').click();
    await page.getByTestId('event-dialog').waitFor({ state: 'detached' });

    const band = page.locator('[data-testid="trend-chart"] [data-testid="event-band"]');
    await expect.poll(() => band.count(), { timeout: 10_000 }).toBe(1);
    expect(await band.getAttribute('data-kind')).toBe('failure');
    expect(await band.locator('title').textContent()).toContain('bearing replaced');
    const box = await band.locator('rect').boundingBox();
    const chartBox = await chart.boundingBox();
    // One hour of six: about a sixth of the plot width.
    expect(box !== null && chartBox !== null && box.width > chartBox.width / 12 && box.width < chartBox.width / 3).toBe(
      true,
    );
    const stored = await app.call<WorkspaceEvent[]>('listEvents', { assets: ['P-101'] });
    expect(stored).toMatchObject([
      {
        asset: 'P-101',
        kind: 'failure',
        start: Date.UTC(2024, 11, 31, 20) * 1000,
        end: Date.UTC(2024, 11, 31, 21) * 1000,
        code: 'BRG',
      },
    ]);
    await expect.poll(() => page.getByTestId(`event-row-${stored[0]?.id}`).count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-historian-event.png') });
  });
});
