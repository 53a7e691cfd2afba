import { readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../../src/main/core/app/app-core.js';
import { apiCaller } from '../../support/api-caller.js';
import { buildFleet } from '../reports/fleet-fixture.js';
import { tempDir } from '../registry/helpers.js';

/**
 * readReportExport, behind browser mode's Download of an exported report: a real workspace with a monitored
 * fleet, a real HTML export through the API, read back byte for byte; only recorded exports can be read.
 */
let root: string;
let core: AppCore;
const { call, settle } = apiCaller(() => core);

beforeAll(async () => {
  root = await tempDir('pdm-report-download-');
  core = await createAppCore({ userDataDir: join(root, 'user-data'), shell: 'web', workspace: join(root, 'ws') });
  await buildFleet(core.currentWorkspace()!, { assets: 8, days: 90, scoreEveryHours: 24 });
}, 120_000);

afterAll(async () => {
  await core?.dispose();
  if (root !== undefined) await rm(root, { recursive: true, force: true });
});

describe('readReportExport (browser mode Download)', () => {
  it('returns the exported file as it is on disk; an unknown export and a moved file are refused in words', async () => {
    const out = join(root, 'fleet.html');
    const { jobId } = await call('startReport', { kind: 'fleet', format: 'html', out });
    expect((await settle(jobId)).status).toBe('done');
    const [entry] = await call('listReportExports', {});
    expect(entry?.path).toBe(out);

    const file = await call('readReportExport', { id: entry!.id });
    const onDisk = await readFile(out);
    expect(file).toMatchObject({ name: 'fleet.html', format: 'html', bytes: onDisk.length });
    expect(Buffer.from(file.dataBase64, 'base64').equals(onDisk)).toBe(true);

    await expect(call('readReportExport', { id: entry!.id + 100 })).rejects.toMatchObject({
      code: 'not-found',
      message: `no exported report #${entry!.id + 100} in this workspace`,
    });
    await rename(out, join(root, 'moved.html'));
    await expect(call('readReportExport', { id: entry!.id })).rejects.toMatchObject({
      code: 'not-found',
      message: `${out}: the exported report is no longer there (moved or deleted)`,
    });
  }, 120_000);
});
