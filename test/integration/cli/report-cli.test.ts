import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workspace } from '../../../src/main/core/workspace/workspace.js';
import { reportBody, sha256Hex } from '../../../src/main/core/reports/render-html.js';
import { engines, requireCmapss } from '../ml/helpers.js';
import { tempDir } from '../registry/helpers.js';
import { promotedFd001Package } from '../monitoring/promoted-package.js';
import { buildFleet } from '../reports/fleet-fixture.js';
import { requireBuild, startCli, type CliRun } from './run-cli.js';

const run = promisify(execFile);
const pdfText = async (file: string) => (await run('pdftotext', [file, '-'], { maxBuffer: 64 << 20 })).stdout;

/**
 * `pdm-studio report ...`, `report assumptions` and `asset criticality` (bin/pdm-studio.js) against real
 * workspaces: a 50-asset fleet built through the monitoring store, and the FD001 flow end to end (train, publish,
 * approve by a second person, promote, deploy, score) for the model report.
 */
let root: string;
let fleetWs: string;
let flowWs: string;
let reg: string;
const cli = (...args: string[]): Promise<CliRun> => startCli(args, { PDM_STUDIO_HOME: join(root, 'home') });

beforeAll(async () => {
  requireBuild();
  requireCmapss();
  root = await tempDir('pdm-report-cli-');
  fleetWs = join(root, 'fleet');
  const fleet = await Workspace.open(fleetWs);
  try {
    await buildFleet(fleet, { assets: 12, days: 90, scoreEveryHours: 24 });
  } finally {
    fleet.close();
  }
  flowWs = join(root, 'flow');
  const flow = await Workspace.open(flowWs);
  try {
    ({ registry: reg } = await promotedFd001Package(flow, root, { name: 'report cli', evaluateOn: engines(9, 10) }));
  } finally {
    flow.close();
  }
}, 300_000);

afterAll(async () => {
  if (root !== undefined) await rm(root, { recursive: true, force: true });
});

describe('pdm-studio report', () => {
  it('report fleet --format pdf --json prints {path, pages, sha256, period, warnings}; the PDF carries the hash', async () => {
    const out = join(root, 'fleet.pdf');
    const r = await cli('report', 'fleet', '--workspace', fleetWs, '--format', 'pdf', '--out', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(Object.keys(r.json ?? {}).sort()).toEqual(['pages', 'path', 'period', 'sha256', 'warnings']);
    expect(r.json?.['path']).toBe(out);
    expect(r.json?.['pages']).toBeGreaterThanOrEqual(2);
    expect(r.json?.['period']).toMatchObject({ timeKind: 'timestamp', label: '2026-01-02 – 2026-04-01 (UTC)' });
    const text = await pdfText(out);
    expect(text).toContain(`SHA-256 ${String(r.json?.['sha256'])}`);
    expect(text).toContain('P-012');
  }, 120_000);

  it('report value --format html: the hash printed is the hash of the file body; assumptions set from a JSON file', async () => {
    const patch = join(root, 'roi.json');
    await writeFile(patch, JSON.stringify({ currency: 'USD', unplannedOutageHours: 48 }));
    const set = await cli('report', 'assumptions', '--workspace', fleetWs, '--set', patch, '--json');
    expect(set.code, set.stderr).toBe(0);
    expect(set.json).toMatchObject({ currency: 'USD', unplannedOutageHours: 48, plannedOutageHours: 6 });
    const out = join(root, 'value.html');
    const r = await cli(
      'report',
      'value',
      '--workspace',
      fleetWs,
      '--format',
      'html',
      '--out',
      out,
      '--locale',
      'en-US',
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.json?.['pages']).toBeNull();
    const html = await readFile(out, 'utf8');
    expect(sha256Hex(reportBody(html) ?? '')).toBe(r.json?.['sha256']);
    // (48 h − 6 h) × $12,000 + ($40,000 − $15,000) = $529,000, on Letter paper for en-US.
    expect(html).toContain('$529,000');
    expect(html).toContain('size: Letter');
  }, 120_000);

  it('asset criticality sets and lists; an unknown asset or level is refused in words', async () => {
    const set = await cli(
      'asset',
      'criticality',
      '--workspace',
      fleetWs,
      '--asset',
      'P-010',
      '--level',
      '4',
      '--class',
      'cooling pump',
      '--json',
    );
    expect(set.code, set.stderr).toBe(0);
    expect(set.json).toEqual({ asset: 'P-010', criticality: 4, assetClass: 'cooling pump', set: true });
    const list = await cli('asset', 'criticality', '--workspace', fleetWs, '--json');
    const assets = list.json?.['assets'] as { asset: string; criticality: number; set: boolean }[];
    expect(assets).toHaveLength(12);
    expect(assets.find((a) => a.asset === 'P-010')).toMatchObject({ criticality: 4, set: true });
    expect(assets.find((a) => a.asset === 'P-011')).toMatchObject({ criticality: 3, set: false });
    const unknown = await cli('asset', 'criticality', '--workspace', fleetWs, '--asset', 'P-999', '--level', '2');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no asset "P-999" in this workspace/);
    const level = await cli('asset', 'criticality', '--workspace', fleetWs, '--asset', 'P-010', '--level', '9');
    expect(level.code).toBe(2);
    expect(level.stderr).toMatch(/--level must be a whole number from 1 to 5/);
  }, 120_000);

  it('without a browser, PDF export fails naming what to install; HTML still works', async () => {
    const out = join(root, 'nobrowser.pdf');
    const r = await startCli(['report', 'fleet', '--workspace', fleetWs, '--format', 'pdf', '--out', out], {
      PDM_STUDIO_HOME: join(root, 'home'),
      PDM_CHROMIUM: join(root, 'no-such-browser'),
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/PDM_CHROMIUM is set to .*no-such-browser, but no browser is there/);
    const html = await startCli(
      ['report', 'fleet', '--workspace', fleetWs, '--format', 'html', '--out', join(root, 'nobrowser.html'), '--json'],
      { PDM_STUDIO_HOME: join(root, 'home'), PDM_CHROMIUM: join(root, 'no-such-browser') },
    );
    expect(html.code, html.stderr).toBe(0);
    expect(html.json?.['path']).toBe(join(root, 'nobrowser.html'));
  }, 120_000);

  it('end to end: trained, published, approved by bob, promoted, deployed and scored; the model report names it all', async () => {
    const dep = await cli(
      'deploy',
      'create',
      '--workspace',
      flowWs,
      '--registry',
      reg,
      '--name',
      'fd001-rul',
      '--assets',
      engines(9, 10).join(','),
      '--json',
    );
    expect(dep.code, dep.stderr).toBe(0);
    const id = String(dep.json?.['id']);
    const rule = await cli(
      'deploy',
      'set-rule',
      '--workspace',
      flowWs,
      '--deployment',
      id,
      '--direction',
      'below',
      '--set',
      '60',
      '--json',
    );
    expect(rule.code, rule.stderr).toBe(0);
    const scored = await cli('score', '--workspace', flowWs, '--deployment', id, '--json');
    expect(scored.code, scored.stderr).toBe(0);
    const out = join(root, 'model.pdf');
    const r = await cli('report', 'model', '--workspace', flowWs, '--format', 'pdf', '--out', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    const text = await pdfText(out);
    expect(text).toMatch(/Model report: fd001-rul version 1/);
    for (const section of [
      'Model details',
      'Intended use',
      'Factors',
      'Metrics',
      'Evaluation data',
      'Training data',
      'Quantitative analyses',
      'Caveats and recommendations',
      'Data contract',
      'Drift status',
      'Approvals and stage history',
      'Appendix: the engineer’s model card',
    ])
      expect(text).toContain(section);
    expect(text).toMatch(/bob approved it: “validated”/);
    expect(text).toMatch(/bob put it into production: “first release”/);
    expect(text).toContain(engines(9, 10)[0] as string);
    expect(r.json?.['warnings']).toEqual([]);
  }, 300_000);
});
