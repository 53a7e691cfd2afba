// Browser mode: seconds from launching `pdm-studio serve` to the first chart drawn from the sample data.
// Chromium is started beforehand and not counted: a user's browser is already running.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../test/support/browser.js';
import { serveApp } from '../test/support/serve.js';
import { median } from './util.js';

const runs = Number(process.argv[2] ?? 3);
const browser = await launchChromium();
const samples: { serveS: number; firstChartS: number; sampleImportIncluded: boolean }[] = [];
for (let i = 0; i < runs; i++) {
  const home = await mkdtemp(join(tmpdir(), 'pdm-startup-'));
  const started = performance.now();
  const app = await serveApp(home);
  const served = performance.now();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(app.url);
  await page.getByTestId('open-sample').click();
  await page.locator('[data-testid^="asset-"]').first().click();
  await page.locator('input[type="checkbox"][data-testid^="signal-"]').first().check();
  await page.waitForFunction(
    () => Number(document.querySelector('[data-testid="trend-chart"]')?.getAttribute('data-points') ?? 0) > 0,
  );
  samples.push({
    serveS: (served - started) / 1000,
    firstChartS: (performance.now() - started) / 1000,
    sampleImportIncluded: true,
  });
  await page.close();
  await app.stop();
  await rm(home, { recursive: true, force: true });
}
await browser.close();
console.log(
  JSON.stringify(
    {
      benchmark: 'startup-browser-mode',
      target: 'a new user sees a chart within a minute',
      runs: samples,
      medianFirstChartS: Number(median(samples.map((s) => s.firstChartS)).toFixed(2)),
    },
    null,
    2,
  ),
);
