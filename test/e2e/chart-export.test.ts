import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobState, Signal } from '../../src/shared/domain.js';
import { type ServedApp } from '../support/serve.js';
import { ARTIFACTS, openBrowserSession, tempHome, type BrowserSession } from '../support/session.js';

/*
 * Chart images in browser mode: the trend chart's Export menu downloads an SVG (styles inline, white background,
 * title and units) and a PNG drawn from it at 2x. The files are checked as a user's tools would read them.
 */

const T0 = Date.UTC(2026, 0, 1);

/** PNG width and height from its IHDR chunk (bytes 16-23). */
const pngDimensions = (png: Buffer) => ({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) });

const download = async (page: Page, item: string): Promise<{ name: string; path: string }> => {
  await page.getByTestId('trend-export-button').click();
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(item).click()]);
  const path = await file.path();
  return { name: file.suggestedFilename(), path };
};

describe('chart image export in Chromium', () => {
  let home: string;
  let session: BrowserSession;
  let app: ServedApp;
  let page: Page;

  beforeAll(async () => {
    home = await tempHome('pdm-e2e-chart-export-');
    session = await openBrowserSession(home, { serveArgs: ['--workspace', join(home, 'ws')] });
    ({ app, page } = session);
    const lines = ['time,Flow [m3/h]'];
    for (let i = 0; i < 500; i++)
      lines.push(`${new Date(T0 + i * 60_000).toISOString()},${50 + 10 * Math.sin(i / 40)}`);
    const csv = join(home, 'flow.csv');
    await writeFile(csv, `${lines.join('\n')}\n`);
    const { jobId } = await app.call<{ jobId: string }>('startImport', { paths: [csv], options: { asset: 'P-1' } });
    for (let status = 'running'; status === 'running'; await new Promise((r) => setTimeout(r, 100))) {
      status = (await app.call<JobState>('getJob', { jobId })).status;
      if (status !== 'running' && status !== 'done') throw new Error(`import ${status}`);
    }
  });

  afterAll(async () => {
    await session?.close();
  });

  it('exports the trend chart as SVG and PNG: the SVG parses and holds the drawn series, the PNG is 2x and not blank', async () => {
    const [signal] = await app.call<Signal[]>('listSignals');
    if (signal === undefined) throw new Error('no signal');
    await page.goto(app.url);
    await page.getByTestId('asset-P-1').click();
    await page.getByTestId(`signal-${signal.id}`).check();
    const chart = page.getByTestId('trend-chart');
    await expect.poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 20_000 }).toBe(500);
    // The chart settles after the points arrive (the responsive container measures its width a frame later, seen
    // in CI): take the line once two reads 250 ms apart agree, so the export is compared with what stays on screen.
    const livePath = () =>
      page.$eval('[data-testid="trend-chart"] path.recharts-line-curve', (p) => p.getAttribute('d'));
    let drawn: string | null = null;
    await expect
      .poll(
        async () => {
          const before = await livePath();
          await new Promise((r) => setTimeout(r, 250));
          drawn = await livePath();
          return before !== null && before === drawn;
        },
        { timeout: 20_000 },
      )
      .toBe(true);
    expect(drawn).toMatch(/^M/);

    // Keyboard: the menu button opens with Enter, the first item takes focus, Escape closes and returns focus.
    await page.getByTestId('trend-export-button').focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('trend-export-svg');
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('trend-export-png');
    await page.keyboard.press('Escape');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('trend-export-button');
    expect(await page.getByTestId('trend-export-svg').count()).toBe(0);

    const svgFile = await download(page, 'trend-export-svg');
    expect(svgFile.name).toMatch(/^pdm-trend-p-1-flow-\d{8}-\d{6}\.svg$/);
    const svgText = await readFile(svgFile.path, 'utf8');
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      const root = doc.documentElement;
      return {
        error: doc.querySelector('parsererror')?.textContent ?? null,
        root: root.nodeName,
        width: Number(root.getAttribute('width')),
        height: Number(root.getAttribute('height')),
        background: root.querySelector(':scope > rect')?.getAttribute('fill') ?? null,
        texts: [...root.querySelectorAll(':scope > text')].map((t) => t.textContent),
        series: [...doc.querySelectorAll('path.recharts-line-curve')].map((p) => ({
          d: p.getAttribute('d'),
          style: p.getAttribute('style') ?? '',
        })),
      };
    }, svgText);
    expect(parsed.error).toBeNull();
    expect(parsed.root).toBe('svg');
    expect(parsed.background).toBe('#ffffff');
    expect(parsed.texts).toEqual(['Trend: P-1 / Flow', 'Units: m3/h']);
    expect(parsed.series).toHaveLength(1);
    expect(parsed.series[0]?.d).toBe(drawn);
    // The line's look travels with it: stroke and width inline, no stylesheet needed.
    expect(parsed.series[0]?.style).toMatch(/stroke:rgb\(\d+, \d+, \d+\)/);
    expect(parsed.series[0]?.style).toContain('fill:none');

    const pngFile = await download(page, 'trend-export-png');
    expect(pngFile.name).toMatch(/^pdm-trend-p-1-flow-\d{8}-\d{6}\.png$/);
    const png = await readFile(pngFile.path);
    await copyFile(pngFile.path, join(ARTIFACTS, 'e2e-chart-export.png'));
    await copyFile(svgFile.path, join(ARTIFACTS, 'e2e-chart-export.svg'));
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // 2x of the standalone SVG: the chart's own size plus the 44 px title and units header.
    const live = await page.$eval('[data-testid="trend-chart"] svg.recharts-surface', (svg) => ({
      width: Number(svg.getAttribute('width')),
      height: Number(svg.getAttribute('height')),
    }));
    expect({ width: parsed.width, height: parsed.height }).toEqual({ width: live.width, height: live.height + 44 });
    expect(pngDimensions(png)).toEqual({ width: live.width * 2, height: (live.height + 44) * 2 });
    const pixels = await page.evaluate(async (base64) => {
      const image = new Image();
      image.src = `data:image/png;base64,${base64}`;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.naturalWidth;
      canvas.height = image.naturalHeight;
      const context = canvas.getContext('2d');
      if (context === null) throw new Error('no canvas');
      context.drawImage(image, 0, 0);
      const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
      let nonWhite = 0;
      let transparent = 0;
      for (let i = 0; i < data.length; i += 4) {
        if ((data[i + 3] ?? 0) < 255) transparent++;
        else if ((data[i] ?? 0) < 240 || (data[i + 1] ?? 0) < 240 || (data[i + 2] ?? 0) < 240) nonWhite++;
      }
      return { nonWhite, transparent, total: data.length / 4 };
    }, png.toString('base64'));
    expect(pixels.transparent).toBe(0);
    // The line, axes, grid and title are drawn: far more than a few stray pixels, far less than a filled image.
    expect(pixels.nonWhite).toBeGreaterThan(pixels.total * 0.005);
    expect(pixels.nonWhite).toBeLessThan(pixels.total * 0.5);
  });
});
