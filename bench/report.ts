/**
 * Report bench (issue 11): a fleet report over 50 assets and 90 days of hourly scores, exported to PDF through
 * the Chromium-family browser found on the machine, as `report fleet --format pdf` does. Prints JSON: seconds
 * to fill the workspace (not part of the figure), seconds per export (HTML only, and PDF), and pages.
 * Target: PDF under 10 s on 2 cores. `npm run bench:report [-- --assets 50 --days 90 --runs 3]`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultPdfPrinter } from '../src/main/core/reports/chromium-printer.js';
import { exportReport } from '../src/main/core/reports/export-report.js';
import { Workspace } from '../src/main/core/workspace/workspace.js';
import { ReportRequestSchema } from '../src/shared/reports.js';
import { buildFleet } from '../test/integration/reports/fleet-fixture.js';
import { median, peakRssMiB } from './util.js';

const { values: args } = parseArgs({
  options: {
    assets: { type: 'string', default: '50' },
    days: { type: 'string', default: '90' },
    runs: { type: 'string', default: '3' },
  },
});
const assets = Number(args.assets);
const days = Number(args.days);
const runs = Number(args.runs);

const root = await mkdtemp(join(tmpdir(), 'pdm-bench-report-'));
try {
  const ws = await Workspace.open(join(root, 'ws'));
  const fillStarted = performance.now();
  const fleet = await buildFleet(ws, { assets, days });
  const fillSeconds = (performance.now() - fillStarted) / 1000;
  const deps = { workspace: ws, printer: defaultPdfPrinter, actor: 'bench', defaultLocale: 'en-GB' };
  const time = async (format: 'html' | 'pdf', i: number) => {
    const started = performance.now();
    const result = await exportReport(
      deps,
      ReportRequestSchema.parse({ kind: 'fleet', format, out: join(root, `fleet-${i}.${format}`) }),
    );
    return { seconds: (performance.now() - started) / 1000, pages: result.pages };
  };
  const html: number[] = [];
  const pdf: number[] = [];
  let pages: number | null = null;
  for (let i = 0; i < runs; i += 1) {
    html.push((await time('html', i)).seconds);
    const p = await time('pdf', i);
    pdf.push(p.seconds);
    pages = p.pages;
  }
  ws.close();
  console.log(
    JSON.stringify({
      bench: 'report',
      report: 'fleet',
      assets: fleet.assets.length,
      days,
      scores: fleet.assets.length * days * 24,
      fillSeconds: Number(fillSeconds.toFixed(2)),
      htmlSeconds: { median: Number(median(html).toFixed(3)), runs: html.map((s) => Number(s.toFixed(3))) },
      pdfSeconds: { median: Number(median(pdf).toFixed(3)), runs: pdf.map((s) => Number(s.toFixed(3))) },
      pages,
      targetPdfSeconds: 10,
      peakRssMiB: Math.round(peakRssMiB()),
    }),
  );
} finally {
  await rm(root, { recursive: true, force: true });
}
