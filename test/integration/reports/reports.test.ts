import { execFile } from 'node:child_process';
import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPdfPrinter } from '../../../src/main/core/reports/chromium-printer.js';
import { exportReport, type ExportDeps } from '../../../src/main/core/reports/export-report.js';
import { reportBody, sha256Hex } from '../../../src/main/core/reports/render-html.js';
import { listReportExports } from '../../../src/main/core/workspace/report-store.js';
import { Workspace } from '../../../src/main/core/workspace/workspace.js';
import { ReportRequestSchema, type ReportRequestInput } from '../../../src/shared/reports.js';
import { tempDir } from '../core/workspace/helpers.js';
import { buildFleet, DAY_US, type FleetFixture } from './fleet-fixture.js';

const run = promisify(execFile);

/** The text of a PDF page by page, as pdftotext reads it (form feed between pages). */
const pdfPages = async (file: string, layout = false): Promise<string[]> =>
  (await run('pdftotext', [...(layout ? ['-layout'] : []), file, '-'], { maxBuffer: 64 << 20 })).stdout
    .split('\f')
    .slice(0, -1);

/** Every page rendered by pdftoppm (grey, 40 dpi): per page, the fraction of non-white pixels, overall and per band. */
const pageInk = async (file: string, dir: string): Promise<{ ink: number; bands: number[] }[]> => {
  const prefix = join(dir, 'page');
  await run('pdftoppm', ['-r', '40', '-gray', file, prefix]);
  const files = (await readdir(dir)).filter((f) => f.startsWith('page') && f.endsWith('.pgm')).sort();
  return Promise.all(
    files.map(async (f) => {
      const bytes = await readFile(join(dir, f));
      // P5 header: "P5\n<w> <h>\n255\n"
      const header = bytes.subarray(0, 40).toString('latin1');
      const m = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(header);
      if (m === null) throw new Error(`${f}: not a PGM`);
      const [w, h] = [Number(m[1]), Number(m[2])];
      const pixels = bytes.subarray(bytes.length - w * h);
      const dark = (from: number, to: number) => {
        let n = 0;
        for (let i = from * w; i < to * w; i += 1) if ((pixels[i] as number) < 200) n += 1;
        return n / ((to - from) * w);
      };
      const bands = Array.from({ length: 10 }, (_, i) =>
        dark(Math.floor((i * h) / 10), Math.floor(((i + 1) * h) / 10)),
      );
      return { ink: dark(0, h), bands };
    }),
  );
};

describe('reports for managers, from a 50-asset, 90-day monitored fleet', () => {
  let root: string;
  let ws: Workspace;
  let fleet: FleetFixture;
  let deps: ExportDeps;
  const out = (name: string) => join(root, 'out', name);
  const request = (input: Omit<ReportRequestInput, 'out'> & { out: string }) => ReportRequestSchema.parse(input);

  beforeAll(async () => {
    root = await tempDir('pdm-reports-');
    ws = await Workspace.open(join(root, 'workspace'));
    fleet = await buildFleet(ws);
    deps = {
      workspace: ws,
      printer: defaultPdfPrinter,
      actor: 'maria',
      defaultLocale: 'en-GB',
      now: () => new Date('2026-04-02T09:30:00Z'),
    };
  }, 120_000);

  afterAll(async () => {
    ws?.close();
    if (process.env['PDM_KEEP_REPORTS'] === undefined) await rm(root, { recursive: true, force: true });
    else console.log(`reports kept in ${root}`);
  });

  it('fleet HTML: self-contained, charts as inline SVG, the hash is the body hash and is in the audit of exports', async () => {
    const result = await exportReport(
      deps,
      request({ kind: 'fleet', format: 'html', out: out('fleet.html'), plant: 'Riverside plant' }),
    );
    const html = await readFile(result.path, 'utf8');
    expect(result.pages).toBeNull();
    expect(sha256Hex(reportBody(html) ?? '')).toBe(result.sha256);
    expect(html).toContain(`<meta name="pdm-report-sha256" content="${result.sha256}">`);
    expect(html.match(/<svg class="chart"/g)?.length).toBeGreaterThanOrEqual(2);
    // No external request: no src/href/url() at all, and no http(s) link but the SVG namespace.
    expect(html).not.toMatch(/\ssrc=|\shref=|url\(|@import/);
    expect(html.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, '')).not.toMatch(/https?:\/\//);
    expect(html).toContain('size: A4');
    expect(html).toContain('<thead>');
    expect(result.period.label).toBe('2026-01-01 – 2026-04-01 (UTC)');
    expect(result.warnings).toEqual([expect.stringMatching(/48 asset\(s\) have no criticality set/)]);
    const exports = await ws.monitoringRead((db) => listReportExports(db));
    expect(exports[0]).toMatchObject({
      kind: 'fleet',
      format: 'html',
      sha256: result.sha256,
      path: result.path,
      who: 'maria',
    });
    expect(exports[0]?.parameters).toMatchObject({
      from: fleet.from + 3600e6,
      to: fleet.to,
      paper: 'a4',
      plant: 'Riverside plant',
    });
  });

  it('fleet PDF: pdftotext finds the assets, bands and counts; every page has ink; charts drawn; pages within bounds with repeated table headers', async () => {
    const result = await exportReport(
      deps,
      request({ kind: 'fleet', format: 'pdf', out: out('fleet.pdf'), plant: 'Riverside plant' }),
    );
    const pages = await pdfPages(result.path);
    expect(pages.length).toBe(result.pages);
    expect(result.pages).toBeGreaterThanOrEqual(3);
    expect(result.pages).toBeLessThanOrEqual(12);
    const text = pages.join('\n');
    for (const asset of fleet.assets) expect(text).toContain(asset);
    const first = pages[0] ?? '';
    expect(first).toMatch(/Fleet health/);
    expect(first).toMatch(/Riverside plant/);
    expect(first).toMatch(/50\s+assets monitored/);
    expect(first).toMatch(/3\s+act now/);
    expect(first).toMatch(/2\s+watch/);
    expect(first).toMatch(/45\s+healthy/);
    expect(first).toMatch(/1\s+open alerts/);
    // Header and footer on every page: plant, period, page x of y, the SHA-256.
    pages.forEach((p, i) => {
      expect(p).toContain(`page ${i + 1} of ${pages.length}`);
      expect(p).toContain(result.sha256);
      expect(p).toContain('2026-01-01 – 2026-04-01 (UTC)');
    });
    // Risk ranking: P-001 (act now x criticality 5 = 15) first.
    expect(text).toMatch(/1\s+P-001\s+act now\s+5\s+15/);
    expect(text).toMatch(/P-050\s+data stopped arriving/);
    expect(text).toMatch(/P-049: the model needs vibration/);
    // The 50-row tables run over pages: their header row is printed again on the next page.
    const laidOut = await pdfPages(result.path, true);
    const headerPages = laidOut.filter((p) => /rank\s+asset\s+band\s+criticality\s+risk\s+open alerts/.test(p)).length;
    expect(headerPages).toBeGreaterThanOrEqual(2);
    expect(
      laidOut.filter((p) => /asset\s+class\s+act now\s+watch\s+healthy\s+no data/.test(p)).length,
    ).toBeGreaterThanOrEqual(1);
    const dir = await tempDir('pdm-pages-');
    try {
      const ink = await pageInk(result.path, dir);
      expect(ink.length).toBe(result.pages);
      for (const page of ink) expect(page.ink).toBeGreaterThan(0.01);
      // Page 1 carries the band chart under the summary: solid bars make its middle bands far darker than text.
      expect(Math.max(...(ink[0]?.bands ?? []))).toBeGreaterThan(0.05);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('value PDF: the ROI figure with its formula and every assumption; only the confirmed alert with a lead time counts', async () => {
    const result = await exportReport(deps, request({ kind: 'value', format: 'pdf', out: out('value.pdf') }));
    const text = (await pdfPages(result.path)).join('\n');
    // (36 h − 6 h) × €12,000 (boiler feed pump) + (€40,000 − €15,000) = €385,000
    expect(text).toContain('€385,000');
    expect(text).toMatch(/avoided cost = Σ over counted alerts/);
    for (const figure of ['€12,000', '€5,000', '36 h', '6 h', '€40,000', '€15,000', 'boiler feed pump'])
      expect(text).toContain(figure);
    expect(text).toMatch(/A-1\s+P-001\s+boiler feed pump[\s\S]{0,120}?10 days/);
    expect(text).not.toMatch(/A-2\s+P-002/);
    expect(result.warnings).toEqual([expect.stringMatching(/1 confirmed alert\(s\) are not counted/)]);
  }, 120_000);

  it('alert performance PDF: funnel, precision from dispositions, missed failure, ten worst assets', async () => {
    const result = await exportReport(deps, request({ kind: 'alerts', format: 'pdf', out: out('alerts.pdf') }));
    const text = (await pdfPages(result.path)).join('\n');
    expect(text).toMatch(/5\s+alerts raised/);
    expect(text).toMatch(/50%\s+precision/);
    expect(text).toMatch(/2 confirmed of 4 closed/);
    expect(text).toMatch(/1\s+failures missed/);
    expect(text).toMatch(/false alarm: sensor fault\s+2/);
    // Ten worst: P-006 with its two false alarms first.
    expect(text).toMatch(/P-006\s+2\s+0\s+2\s+0%/);
  }, 120_000);

  it('a workspace with no deployment at all: every report still exports and says there is no monitoring data', async () => {
    const empty = await Workspace.open(join(root, 'empty'));
    try {
      for (const kind of ['fleet', 'alerts', 'value'] as const) {
        const result = await exportReport(
          { ...deps, workspace: empty },
          request({ kind, format: 'html', out: out(`empty-${kind}.html`) }),
        );
        expect(result.period).toMatchObject({ from: null, to: null, label: 'no monitoring data' });
        expect(result.warnings[0]).toBe('No monitoring data in this period: no scores and no alerts were recorded.');
        expect(await readFile(result.path, 'utf8')).toContain('<p class="notice">No monitoring data in this period');
      }
      await expect(
        exportReport({ ...deps, workspace: empty }, request({ kind: 'model', format: 'html', out: out('m.html') })),
      ).rejects.toThrow('the model report needs a deployment and this workspace has none');
    } finally {
      empty.close();
    }
  });

  it('a period without monitoring data says so on page 1 of the PDF', async () => {
    const result = await exportReport(
      deps,
      request({
        kind: 'fleet',
        format: 'pdf',
        out: out('empty.pdf'),
        from: fleet.to + 10 * DAY_US,
        to: fleet.to + 40 * DAY_US,
      }),
    );
    const pages = await pdfPages(result.path);
    expect(pages[0]).toMatch(/No monitoring data in this period/);
    expect(result.warnings[0]).toMatch(/No monitoring data in this period/);
  }, 120_000);
});
