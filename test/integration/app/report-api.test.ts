import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../../src/main/core/app/app-core.js';
import { apiCaller } from '../../support/api-caller.js';
import { tempDir } from '../registry/helpers.js';
import { buildFleet } from '../reports/fleet-fixture.js';

/**
 * Reports over the app API (dispatch, as both transports call it): the export job's progress and Cancel with the
 * real Chromium printer, refusals in the user's words, and the engineer's inputs (criticality, ROI assumptions).
 */
let root: string;
let core: AppCore;
const { call, settle } = apiCaller(() => core);

beforeAll(async () => {
  root = await tempDir('pdm-report-api-');
  core = await createAppCore({ userDataDir: join(root, 'user-data'), shell: 'web', workspace: join(root, 'ws') });
  await buildFleet(core.currentWorkspace()!, { assets: 10, days: 90, scoreEveryHours: 24 });
}, 120_000);

afterAll(async () => {
  await core?.dispose();
  if (root !== undefined) await rm(root, { recursive: true, force: true });
});

describe('reports over the app API', () => {
  it('exports as a job with progress; the result and the audit of exports agree', async () => {
    const out = join(root, 'alerts.pdf');
    const { jobId } = await call('startReport', { kind: 'alerts', format: 'pdf', out });
    // Progress as a view sees it: the job's message while it runs (events are throttled, the state is not).
    const messages = new Set<string>();
    let job = await call('getJob', { jobId });
    while (job.status === 'running') {
      messages.add(job.message);
      await new Promise((resolve) => setTimeout(resolve, 20));
      job = await call('getJob', { jobId });
    }
    expect(job.status, job.error ?? '').toBe('done');
    expect(job.kind).toBe('report');
    expect(job.report).toMatchObject({ kind: 'alerts', format: 'pdf', path: out, warnings: [] });
    expect((await readFile(out)).subarray(0, 5).toString()).toBe('%PDF-');
    expect([...messages]).toContainEqual(expect.stringMatching(/^printing to PDF with Chromium-family browser at /));
    const [latest] = await call('listReportExports', {});
    expect(latest).toMatchObject({ kind: 'alerts', sha256: job.report?.sha256, pages: job.report?.pages, path: out });
  }, 120_000);

  it('Cancel while printing ends the job cancelled, writes no file and records no export', async () => {
    const out = join(root, 'cancelled.pdf');
    const before = (await call('listReportExports', {})).length;
    const { jobId } = await call('startReport', { kind: 'fleet', format: 'pdf', out });
    let job = await call('getJob', { jobId });
    while (job.status === 'running' && !job.message.startsWith('printing to PDF')) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      job = await call('getJob', { jobId });
    }
    expect(job.status).toBe('running');
    expect(await call('cancelJob', { jobId })).toEqual({ cancelled: true });
    job = await settle(jobId);
    expect(job.status).toBe('cancelled');
    expect(existsSync(out)).toBe(false);
    expect(await call('listReportExports', {})).toHaveLength(before);
  }, 120_000);

  it('refuses a relative file, an unknown deployment, and an unknown asset, in words', async () => {
    await expect(call('startReport', { kind: 'fleet', format: 'html', out: 'fleet.html' })).rejects.toMatchObject({
      code: 'invalid-argument',
      message: expect.stringMatching(/must be an absolute path, not "fleet.html"/),
    });
    await expect(
      call('startReport', { kind: 'fleet', format: 'html', out: join(root, 'x.html'), deploymentId: 'dep-9' }),
    ).rejects.toMatchObject({ code: 'not-found', message: 'no deployment "dep-9" in this workspace' });
    await expect(call('startReport', { kind: 'roi', format: 'html', out: join(root, 'x.html') })).rejects.toMatchObject(
      {
        code: 'invalid-argument',
        message: expect.stringMatching(/^startReport: kind:/),
      },
    );
    await expect(call('setAssetCriticality', { asset: 'P-999', criticality: 2 })).rejects.toMatchObject({
      code: 'not-found',
      message: 'no asset "P-999" in this workspace',
    });
  });

  it('the model report of a deployment whose registry is gone still exports, and says what is missing', async () => {
    const { jobId } = await call('startReport', { kind: 'model', format: 'html', out: join(root, 'model.html') });
    const job = await settle(jobId);
    expect(job.status, job.error ?? '').toBe('done');
    expect(job.report?.warnings).toEqual([
      expect.stringMatching(/^the registry \/nonexistent\/registry could not be read .*: model details, approvals/),
    ]);
    const html = await readFile(join(root, 'model.html'), 'utf8');
    expect(html).toContain('Approvals and stage history');
    expect(html).toContain('Not available: the registry could not be read.');
  }, 120_000);

  it('criticality and ROI assumptions round-trip; unset assets carry the default', async () => {
    expect(await call('setAssetCriticality', { asset: 'P-003', criticality: 1, assetClass: 'spare pump' })).toEqual({
      asset: 'P-003',
      criticality: 1,
      assetClass: 'spare pump',
      set: true,
    });
    const list = await call('listAssetCriticality', {});
    expect(list.find((c) => c.asset === 'P-003')).toMatchObject({ criticality: 1, set: true });
    expect(list.find((c) => c.asset === 'P-005')).toMatchObject({ criticality: 3, set: false, assetClass: null });
    const roi = await call('getRoiAssumptions', {});
    expect(roi.unplannedOutageHours).toBe(36);
    const next = await call('setRoiAssumptions', { ...roi, currency: 'GBP', plannedOutageHours: 2 });
    expect(next).toMatchObject({ currency: 'GBP', plannedOutageHours: 2, unplannedOutageHours: 36 });
    expect(await call('getRoiAssumptions', {})).toEqual(next);
    await expect(call('setRoiAssumptions', { ...roi, plannedOutageHours: -1 })).rejects.toMatchObject({
      code: 'invalid-argument',
    });
  });
});
