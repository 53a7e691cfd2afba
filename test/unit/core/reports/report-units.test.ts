import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootstrapOverAssets } from '../../../../src/main/core/reports/bootstrap.js';
import { browserCandidates, findChromium } from '../../../../src/main/core/reports/chromium-printer.js';
import { countPdfPages } from '../../../../src/main/core/reports/pdf-printer.js';
import { paperFor } from '../../../../src/shared/reports.js';

describe('finding a Chromium-family browser for PDF', () => {
  it('PDM_CHROMIUM wins when it points at an executable', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pdm-chromium-'));
    try {
      const fake = join(dir, 'chrome');
      await writeFile(fake, '#!/bin/sh\n');
      await chmod(fake, 0o755);
      expect(await findChromium('linux', { PDM_CHROMIUM: fake })).toBe(fake);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a PDM_CHROMIUM that points nowhere is named in the error', async () => {
    await expect(findChromium('linux', { PDM_CHROMIUM: '/nowhere/chrome' })).rejects.toThrow(
      'PDM_CHROMIUM is set to /nowhere/chrome, but no browser is there',
    );
  });

  it('with no browser installed, the error says what to install and that HTML works without one', async () => {
    // Windows paths under roots that do not exist here: nothing is found.
    const env = { PROGRAMFILES: '/nowhere/Program Files', LOCALAPPDATA: '/nowhere/AppData/Local' };
    const error: Error = await findChromium('win32', env).then(
      () => new Error('found one'),
      (e: unknown) => e as Error,
    );
    expect(error.message).toMatch(/needs a Chromium-family browser and none was found/);
    expect(error.message).toMatch(/install Google Chrome or Microsoft Edge, or set PDM_CHROMIUM/);
    expect(error.message).toMatch(/HTML export works without one/);
  });

  it('looks at the standard Chrome and Edge paths per platform', () => {
    expect(browserCandidates('win32', { PROGRAMFILES: 'C:\\Program Files' })).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/Google.Chrome.Application.chrome\.exe$/),
        expect.stringMatching(/Microsoft.Edge.Application.msedge\.exe$/),
      ]),
    );
    expect(browserCandidates('darwin', {})).toContain('/Applications/Google Chrome.app/Contents/MacOS/Google Chrome');
    expect(browserCandidates('linux', {})[0]).toBe('/usr/bin/chromium');
  });
});

describe('report helpers', () => {
  it('paper follows the locale under auto: Letter for the US and Canada, A4 elsewhere', () => {
    expect(paperFor('auto', 'en-US')).toBe('letter');
    expect(paperFor('auto', 'fr-CA')).toBe('letter');
    expect(paperFor('auto', 'de-DE')).toBe('a4');
    expect(paperFor('auto', 'en-GB')).toBe('a4');
    expect(paperFor('auto', 'en')).toBe('a4');
    expect(paperFor('a4', 'en-US')).toBe('a4');
  });

  it('counts page objects, not the page tree', () => {
    const pdf = Buffer.from('1 0 obj <</Type /Pages /Count 2>> 2 0 obj <</Type /Page>> 3 0 obj <</Type/Page /X 1>>');
    expect(countPdfPages(pdf)).toBe(2);
  });

  it('bootstrap over assets: a seeded interval around the pooled value, narrower with more assets', () => {
    const precision = (xs: readonly { c: number; n: number }[]) => {
      const n = xs.reduce((s, x) => s + x.n, 0);
      return n === 0 ? null : xs.reduce((s, x) => s + x.c, 0) / n;
    };
    const few = [
      { c: 1, n: 1 },
      { c: 0, n: 1 },
      { c: 1, n: 2 },
    ];
    const many = Array.from({ length: 39 }, (_, i) => few[i % 3] as { c: number; n: number });
    const a = bootstrapOverAssets(few, precision);
    const b = bootstrapOverAssets(many, precision);
    expect(a?.value).toBeCloseTo(0.5, 10);
    expect(b?.value).toBeCloseTo(0.5, 10);
    expect(a?.low).toBeLessThanOrEqual(0.5);
    expect(a?.high).toBeGreaterThanOrEqual(0.5);
    expect((b?.high ?? 0) - (b?.low ?? 0)).toBeLessThan((a?.high ?? 0) - (a?.low ?? 0));
    expect(bootstrapOverAssets(few, precision)).toEqual(a);
    expect(bootstrapOverAssets([], precision)).toBeNull();
  });
});
