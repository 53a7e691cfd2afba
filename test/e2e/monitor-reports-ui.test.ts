import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/main/core/app/import-files.js';
import { FolderStore } from '../../src/main/core/registry/folder-store.js';
import { openRegistry } from '../../src/main/core/registry/open-registry.js';
import { readTrainConfig } from '../../src/main/core/runs/load-config.js';
import { trainRun } from '../../src/main/core/runs/train-run.js';
import { Workspace } from '../../src/main/core/workspace/workspace.js';
import type { ServedApp } from '../support/serve.js';
import { ARTIFACTS, openBrowserSession, tempHome, type BrowserSession } from '../support/session.js';

const run = promisify(execFile);

/*
 * Issues 10 and 11, "the same flow once in Chromium through the UI": from an approved production model to alerts
 * with dispositions in the Monitor area, the health trend on Explore, and the fleet health and alert performance
 * reports as HTML and PDF from the Reports area, read back as a reader would.
 *
 * Prepared before the app opens the workspace (the issues do not ask for these through the UI, and the workspace
 * has one DuckDB writer): the sample data and two test-cell engines imported as plain data files; a RUL model
 * trained on engines 1-6, published to a registry folder, approved by a second person (bob) and promoted to
 * production. Everything after that is clicks and keys in Chromium. The test reads the API only to look up a
 * signal's id for a locator (listSignals), never to act.
 */

const ENGINE = 'cmapss-fd001-sample engine 007';
/** Engine 7's data again, its sensor_11 (HPC outlet static pressure) named Ps30: mapped by hand. */
const RENAMED = 'test-cell engine 107';
/** Engine 8's data without sensor_12: the contract check blocks it and names the signal. */
const LACKING = 'test-cell engine 108';
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const SENSORS = Array.from({ length: 21 }, (_, i) => `sensor_${i + 1}`);

/** A wide CSV (cycle column, one column per tag) of one sample engine, with `rename` applied and `drop` left out. */
const testCellCsv = async (unit: number, rename: Record<string, string>, drop: readonly string[]) => {
  const lines = (await readFile(resolve('resources/sample/cmapss-fd001-sample.txt'), 'utf8'))
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => Number(f[0]) === unit);
  const keep = SENSORS.map((s, i) => ({ s, column: 5 + i })).filter(({ s }) => !drop.includes(s));
  const header = ['cycle', ...keep.map(({ s }) => rename[s] ?? s)].join(',');
  return [header, ...lines.map((f) => [f[1], ...keep.map(({ column }) => f[column])].join(','))].join('\n') + '\n';
};

const activeTestId = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);

describe('Monitoring and reports once through the UI, in Chromium (issues 10 and 11)', () => {
  let session: BrowserSession;
  let app: ServedApp;
  let page: Page;
  let home = '';
  let registry = '';

  beforeAll(async () => {
    home = await tempHome('pdm-e2e-monrep-');
    const ws = join(home, 'workspace');
    registry = join(home, 'registry');
    const renamedCsv = join(home, 'test-cell-107.csv');
    const lackingCsv = join(home, 'test-cell-108.csv');
    await writeFile(renamedCsv, await testCellCsv(7, { sensor_11: 'Ps30' }, []));
    await writeFile(lackingCsv, await testCellCsv(8, {}, ['sensor_12']));
    const workspace = await Workspace.open(ws);
    try {
      await importFiles(workspace, [resolve('resources/sample/cmapss-fd001-sample.txt')], { format: 'cmapss' });
      await importFiles(workspace, [renamedCsv], { format: 'wide-csv', asset: RENAMED });
      await importFiles(workspace, [lackingCsv], { format: 'wide-csv', asset: LACKING });
      const { config } = await readTrainConfig(resolve('docs/examples/sample-engines-1-6.json'));
      const trained = await trainRun({ workspace, config, baseDir: process.cwd() });
      await FolderStore.open(registry, { create: true, config: { allowAs: true, fsync: false } });
      await (await openRegistry(registry)).publish({ runDir: trained.folder, name: 'sample-rul' });
      const bob = await openRegistry(registry, { as: 'bob' });
      await bob.govern('approve', { name: 'sample-rul', version: 1, reason: 'checked on engines 9 and 10' });
      await bob.govern('promote', { name: 'sample-rul', version: 1 });
    } finally {
      workspace.close();
    }
    session = await openBrowserSession(home, { serveArgs: ['--workspace', ws], height: 1400 });
    ({ app, page } = session);
    // Browser mode's "Copy image" writes with the async Clipboard API; a user's Chromium asks once, here granted.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.origin });
  }, 240_000);

  afterAll(async () => {
    await session?.close();
  });

  it('deploys the production model with one mapping proposed and one edited by hand, and the contract check names what blocks', async () => {
    await page.goto(app.url);
    await page.getByTestId('area-monitor').click();
    await page.getByTestId('no-deployments').waitFor();
    await page.getByTestId('deployment-new').click();
    const dialog = page.getByTestId('deployment-dialog');
    await dialog.waitFor();
    await page.getByTestId('deployment-registry').fill(registry);
    await page.getByTestId('deployment-model').fill('sample-rul');
    expect(await page.getByTestId('deployment-follow').inputValue()).toBe('production');
    await page.getByTestId('deployment-title').fill('test cell');
    for (const asset of [ENGINE, RENAMED, LACKING]) {
      await page.locator(`[data-testid="deployment-asset"][data-asset="${asset}"]`).check();
    }
    await page.getByTestId('deployment-propose').click();
    await page.getByTestId('mapping-table').waitFor({ timeout: 30_000 });
    const mapping = (asset: string, signal: string) =>
      page.locator(`[data-testid="mapping-select"][data-asset="${asset}"][data-signal="${signal}"]`);
    // Proposed from the names: engine 7's sensor_11 maps itself; the test cell calls it Ps30, so it is left open.
    expect(await mapping(ENGINE, 'sensor_11').inputValue()).toBe('sensor_11');
    expect(await mapping(RENAMED, 'sensor_11').inputValue()).toBe('');
    expect(await mapping(LACKING, 'sensor_12').inputValue()).toBe('');
    // The deploy-time contract check: what is left unmapped says that it blocks scoring.
    expect(await mapping(LACKING, 'sensor_12').locator('option:checked').textContent()).toBe(
      '— unmapped (blocks scoring) —',
    );
    // Edited by hand, with the keyboard: focus the cell's list and choose Ps30.
    await mapping(RENAMED, 'sensor_11').focus();
    await mapping(RENAMED, 'sensor_11').selectOption('Ps30');
    expect(await mapping(RENAMED, 'sensor_11').inputValue()).toBe('Ps30');
    // The rule: remaining life below 40 cycles for 3 of 5 windows sets, above 60 clears.
    await dialog.getByTestId('rule-direction').selectOption('below');
    await dialog.getByTestId('rule-set').fill('40');
    await dialog.getByTestId('rule-clear').fill('60');
    await dialog.getByTestId('rule-k').fill('3');
    await dialog.getByTestId('rule-n').fill('5');
    await page.getByTestId('deployment-create').click();
    await dialog.waitFor({ state: 'detached', timeout: 30_000 });
    const item = page.getByTestId('deployment-item').filter({ hasText: 'test cell' });
    await item.waitFor();
    expect(await item.textContent()).toMatch(/^dep-1 · test cell · sample-rul v1$/);

    // The new deployment's three assets, not scored yet.
    await expect.poll(() => page.getByTestId('health-trend').count(), { timeout: 15_000 }).toBe(3);
    // A range that is not one is refused in words before anything runs.
    await page.getByTestId('score-from').fill('first');
    await page.getByTestId('score-now').click();
    expect(await page.getByTestId('score-problem').textContent()).toBe(
      'Score from: "first" is not a cycle number; give a cycle number.',
    );
    await page.getByTestId('score-from').fill('1');
    await page.getByTestId('score-to').fill('400');
    // Enter in the range field scores, as the button does.
    await page.getByTestId('score-to').press('Enter');
    await page.getByTestId('score-summary').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('score-problem').count()).toBe(0);
    const summary = (await page.getByTestId('score-summary').textContent()) ?? '';
    expect(summary).toMatch(/^2 assets scored \(\d+ windows\) with v1/);
    expect(summary).toContain(`1 blocked (${LACKING})`);
    const blocked = page.getByTestId('score-blocked');
    expect(await blocked.getAttribute('data-asset')).toBe(LACKING);
    expect(await blocked.textContent()).toMatch(/sensor_12/);
  }, 120_000);

  it('shows the health trends with the alert bands, and runs acknowledge and close with both dispositions; the figures follow', async () => {
    await expect.poll(() => page.getByTestId('health-trend').count(), { timeout: 15_000 }).toBe(3);
    await expect.poll(() => page.getByTestId('alert-band').count(), { timeout: 15_000 }).toBe(2);
    const rows = page.getByTestId('alert-row');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(2);
    const rowOf = (asset: string) => rows.filter({ hasText: asset });
    const figures = page.getByTestId('alert-figures');
    await expect.poll(() => figures.textContent()).toMatch(/2 raised · precision – ·/);

    // Engine 7: acknowledged, then closed as a confirmed failure with its failure mode, typed.
    const confirmed = rowOf(ENGINE);
    // Raised at, on the data's axis (it showed the bare number; on timestamp data that was raw microseconds).
    await expect.poll(() => confirmed.getByTestId('alert-raised').textContent()).toMatch(/^cycle \d+$/);
    await confirmed.getByTestId('alert-ack').click();
    await expect.poll(() => confirmed.getAttribute('data-status'), { timeout: 15_000 }).toBe('acknowledged');
    await confirmed.getByTestId('alert-close').click();
    // Escape leaves the form and gives the focus back to Close…; nothing is sent.
    await expect.poll(() => activeTestId(page)).toBe('disposition-select');
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('disposition-select').count()).toBe(0);
    expect(await activeTestId(page)).toBe('alert-close');
    expect(await confirmed.getAttribute('data-status')).toBe('acknowledged');
    await page.keyboard.press('Enter');
    await page.getByTestId('disposition-select').selectOption('confirmed');
    await page.getByLabel('Failure mode').fill('HPC degradation');
    await page.getByLabel('Failure mode').press('Enter');
    await expect.poll(() => confirmed.getAttribute('data-status'), { timeout: 15_000 }).toBe('closed');
    expect(await confirmed.textContent()).toContain('confirmed');

    // The test cell's copy of it: a false alarm (sensor fault).
    const falseAlarm = rowOf(RENAMED);
    await falseAlarm.getByTestId('alert-ack').click();
    await expect.poll(() => falseAlarm.getAttribute('data-status'), { timeout: 15_000 }).toBe('acknowledged');
    // From the keyboard: Enter on Close… puts the focus in the form's first field (it stayed on the button).
    await falseAlarm.getByTestId('alert-close').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => activeTestId(page)).toBe('disposition-select');
    await page.getByTestId('disposition-select').selectOption('false-alarm');
    await page.getByLabel('Cause').selectOption('sensor-fault');
    await page.getByTestId('alert-form-submit').click();
    await expect.poll(() => falseAlarm.getAttribute('data-status'), { timeout: 15_000 }).toBe('closed');
    expect(await falseAlarm.textContent()).toContain('false-alarm');

    // The figures read again: precision 1 of 2 closed, one confirmed and one false alarm in the per-month rows.
    await expect.poll(() => figures.textContent(), { timeout: 15_000 }).toMatch(/2 raised · precision 50 %/);
    const cells = async (asset: string) =>
      page.getByTestId('figures-row').filter({ hasText: asset }).locator('td.num').allTextContents();
    expect((await cells(ENGINE)).slice(0, 3)).toEqual(['1', '1', '0']);
    expect((await cells(RENAMED)).slice(0, 3)).toEqual(['1', '0', '1']);
    // Cycle data has no calendar months: counts over all cycles, no rate (it read "1970-01" and 3840000000.00).
    expect(await page.getByTestId('false-alarm-rate').textContent()).toBe(
      '1 false alarm(s) (cycle data: no rate per asset-month)',
    );
    expect(await page.getByTestId('figures-row').first().locator('td').nth(1).textContent()).toBe('all cycles');
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-monitor-reports-ui-monitor.png'), fullPage: true });
  }, 60_000);

  it('copies a health chart to the clipboard from the keyboard (browser mode: a PNG image on the clipboard)', async () => {
    const trend = page.locator(`[data-testid="health-trend"][data-asset="${ENGINE}"]`);
    await trend.getByTestId('health-export-button').focus();
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => activeTestId(page)).toBe('health-export-svg');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await activeTestId(page)).toBe('health-export-copy');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => trend.locator('.chart-export-status').textContent(), { timeout: 15_000 })
      .toBe('Copied to the clipboard');
    const pasted = await page.evaluate(async () => {
      const [item] = await navigator.clipboard.read();
      if (item === undefined) return null;
      const png = new Uint8Array(await (await item.getType('image/png')).arrayBuffer());
      const image = await createImageBitmap(new Blob([png], { type: 'image/png' }));
      return { types: item.types, head: [...png.slice(0, 8)], width: image.width, height: image.height };
    });
    expect(pasted?.types).toContain('image/png');
    expect(pasted?.head).toEqual(PNG_SIGNATURE);
    // The health chart (560 x 120) with its 44 px title header, at 2x.
    expect({ width: pasted?.width, height: pasted?.height }).toEqual({ width: 1120, height: 328 });
  }, 60_000);

  it('in the desktop app, Copy image hands the preload the PNG bytes and the SVG text of the chart', async () => {
    // The desktop preload's window.pdmDesktop, recorded: what the renderer sends is what main writes (the
    // handler's own test, test/unit/electron/chart-image-ipc.test.ts, reads it back from a fake clipboard).
    const desktopPage = await session.browser.newPage({ viewport: { width: 1400, height: 1400 } });
    try {
      await desktopPage.addInitScript(() => {
        const calls: unknown[] = [];
        Object.assign(window, { copiedImages: calls });
        window.pdmDesktop = {
          copyImage: async (image: { png: Uint8Array; svg: string }) => {
            calls.push({ head: [...image.png.slice(0, 8)], bytes: image.png.length, svg: image.svg });
          },
          saveImage: async () => ({ saved: false, path: null }),
        };
      });
      await desktopPage.goto(app.url);
      await desktopPage.getByTestId('area-monitor').click();
      const trend = desktopPage.locator(`[data-testid="health-trend"][data-asset="${ENGINE}"]`);
      await trend.getByTestId('health-export-button').click();
      await desktopPage.getByTestId('health-export-copy').click();
      await expect
        .poll(() => trend.locator('.chart-export-status').textContent(), { timeout: 15_000 })
        .toBe('Copied to the clipboard');
      const calls = (await desktopPage.evaluate(
        () => (window as unknown as { copiedImages: unknown[] }).copiedImages,
      )) as {
        head: number[];
        bytes: number;
        svg: string;
      }[];
      expect(calls).toHaveLength(1);
      expect(calls[0]?.head).toEqual(PNG_SIGNATURE);
      expect(calls[0]?.bytes).toBeGreaterThan(1000);
      expect(calls[0]?.svg).toMatch(/^<\?xml[^>]*>\s*<svg /);
      expect(calls[0]?.svg).toContain(`<title>Health of ${ENGINE} (rul)</title>`);
    } finally {
      await desktopPage.close();
    }
  }, 60_000);

  it('starts and stops follow from the Monitor area', async () => {
    await page.getByTestId('follow-interval').fill('2');
    await page.getByTestId('follow-toggle').click();
    await expect
      .poll(() => page.getByTestId('follow-switch').getAttribute('data-running'), { timeout: 15_000 })
      .toBe('yes');
    // At least one round done (everything is scored already: it finds nothing new), then Stop.
    await expect
      .poll(() => page.getByTestId('follow-status').textContent(), { timeout: 60_000 })
      .toMatch(/^Following every 2 s · [1-9]\d* round\(s\)/);
    await page.getByTestId('follow-toggle').click();
    await expect
      .poll(() => page.getByTestId('follow-switch').getAttribute('data-running'), { timeout: 60_000 })
      .toBe('no');
    expect(await page.getByTestId('follow-status').textContent()).toMatch(/^Stopped after \d+ round\(s\)/);
  }, 120_000);

  it('draws the model health under the sensors on Explore, with the alert rule and the alert as a band', async () => {
    await page.getByTestId('area-explore').click();
    const signals = await app.call<{ id: number; asset: string; tag: string }[]>('listSignals');
    const sensor = signals.find((s) => s.asset === ENGINE && s.tag === 'sensor_11');
    if (sensor === undefined) throw new Error('no sensor_11 on engine 7');
    await page.getByTestId('signal-filter').fill('engine 007');
    await page.getByTestId(`asset-${ENGINE}`).click();
    await page.getByTestId(`signal-${sensor.id}`).check();
    await page.getByTestId('trend-chart').waitFor({ timeout: 30_000 });
    const health = page.getByTestId('explore-health');
    await health.waitFor({ timeout: 30_000 });
    const trend = health.getByTestId('health-trend');
    expect(await trend.count()).toBe(1);
    expect(await trend.getAttribute('data-asset')).toBe(ENGINE);
    expect(await trend.textContent()).toContain('alert below 40');
    expect(await trend.getByTestId('alert-band').count()).toBe(1);
    // Under the sensors: the health panel starts below the trend chart.
    const chartBox = await page.getByTestId('trend-chart').boundingBox();
    const healthBox = await health.boundingBox();
    expect(healthBox?.y ?? 0).toBeGreaterThan((chartBox?.y ?? 0) + (chartBox?.height ?? 0) - 1);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-monitor-reports-ui-explore.png'), fullPage: true });
  }, 60_000);

  it('exports the fleet health and alert performance reports as HTML and PDF, which hold the assets and the alert counts', async () => {
    await page.getByTestId('area-reports').click();
    await page.getByTestId('reports-view').waitFor();
    const exportReport = async (kind: 'fleet' | 'alerts', format: 'html' | 'pdf') => {
      const out = join(home, `${kind} report.${format}`);
      await page.getByTestId('report-kind').selectOption(kind);
      await page.getByTestId('report-format').selectOption(format);
      await page.getByTestId('report-out').fill(out);
      await page.getByTestId('report-export').click();
      await page.getByTestId('report-result').waitFor({ timeout: 90_000 });
      expect(await page.getByTestId('report-result-path').textContent()).toBe(out);
      return { out, sha: (await page.getByTestId('report-result-sha256').textContent()) ?? '' };
    };
    const files = {
      fleetHtml: await exportReport('fleet', 'html'),
      fleetPdf: await exportReport('fleet', 'pdf'),
      alertsHtml: await exportReport('alerts', 'html'),
      alertsPdf: await exportReport('alerts', 'pdf'),
    };
    await expect.poll(() => page.getByTestId('report-exports').locator('tbody tr').count()).toBe(4);
    // Download: browser mode wrote the files on the serving machine; each comes to the browser's downloads as is.
    for (const { out } of Object.values(files)) {
      const row = page.getByTestId('report-export-row').filter({ hasText: out });
      const [download] = await Promise.all([page.waitForEvent('download'), row.getByTestId('report-download').click()]);
      expect(download.suggestedFilename()).toBe(out.slice(home.length + 1));
      const saved = await download.path();
      expect((await readFile(saved)).equals(await readFile(out))).toBe(true);
    }

    // HTML: self-contained, nothing fetched from anywhere (the SVG namespace is a name, not a request).
    for (const { out } of [files.fleetHtml, files.alertsHtml]) {
      const html = (await readFile(out, 'utf8')).replace(/xmlns(:\w+)?="http:\/\/www\.w3\.org\/[^"]*"/g, '');
      expect(html).not.toMatch(/https?:\/\//);
      expect(html).not.toMatch(/<script|<link|@import|<iframe/i);
    }
    // Read as a reader would, against the counts the workspace holds (read back through the API, not acted on).
    const held = await app.call<
      { asset: string; status: string; acknowledged: unknown; closed: { disposition: { kind: string } } | null }[]
    >('listAlerts', { deploymentId: 'dep-1' });
    const count = (predicate: (a: (typeof held)[number]) => boolean) => held.filter(predicate).length;
    const raised = held.length;
    const confirmedCount = count((a) => a.closed?.disposition.kind === 'confirmed');
    const falseCount = count((a) => a.closed?.disposition.kind === 'false-alarm');
    const openCount = count((a) => a.closed === null);
    expect({ raised, confirmedCount, falseCount, openCount }).toEqual({
      raised: 2,
      confirmedCount: 1,
      falseCount: 1,
      openCount: 0,
    });
    const pdfText = async (file: string) => {
      const layout = (await run('pdftotext', ['-layout', file, '-'])).stdout;
      // Table cells wrap long asset names over two lines: names are looked for in the text with spaces joined.
      const flowing = (await run('pdftotext', [file, '-'])).stdout.replace(/\s+/g, ' ');
      return { layout, flowing };
    };
    const fleet = await pdfText(files.fleetPdf.out);
    expect(fleet.layout).toContain(`SHA-256 ${files.fleetPdf.sha}`);
    for (const asset of [ENGINE, RENAMED, LACKING]) expect(fleet.flowing).toContain(asset);
    expect(fleet.layout).toMatch(new RegExp(`3 assets monitored\\s+2 act now\\s+0 watch\\s+0 healthy`));
    expect(fleet.layout).toMatch(new RegExp(`${openCount} open alerts`));
    expect(fleet.flowing).toContain(`${LACKING}: the model needs sensor_12; no signal maps to it`);
    const alerts = await pdfText(files.alertsPdf.out);
    expect(alerts.layout).toContain(`SHA-256 ${files.alertsPdf.sha}`);
    expect(alerts.layout).toMatch(new RegExp(`${raised} alerts raised\\s+50% precision\\s+${falseCount} false alarms`));
    expect(alerts.layout).toContain(`${confirmedCount} confirmed of ${confirmedCount + falseCount} closed`);
    expect(alerts.layout).toMatch(new RegExp(`^\\s*raised\\s+${raised}$`, 'm'));
    expect(alerts.layout).toMatch(new RegExp(`^\\s*acknowledged\\s+${raised}$`, 'm'));
    expect(alerts.layout).toMatch(new RegExp(`^\\s*confirmed\\s+${confirmedCount}$`, 'm'));
    expect(alerts.layout).toMatch(new RegExp(`^\\s*false alarm: sensor fault\\s+${falseCount}$`, 'm'));
    for (const asset of [ENGINE, RENAMED]) expect(alerts.flowing).toContain(asset);
    // The HTML carries the same figures (the PDF is the same HTML printed).
    const fleetHtml = await readFile(files.fleetHtml.out, 'utf8');
    for (const asset of [ENGINE, RENAMED, LACKING]) expect(fleetHtml).toContain(asset);
    expect(await readFile(files.alertsHtml.out, 'utf8')).toContain('false alarm: sensor fault');
  }, 300_000);
});
