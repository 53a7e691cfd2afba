import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUSES, readFuses } from '../../../scripts/packaging/fuses.mjs';
import { repoRoot } from '../../support/serve.js';

/*
 * electron-builder packages the real app (the built dist/, electron-builder.yml, its hooks) into an unpacked
 * Linux app. Electron's own binary cannot be downloaded here, so a stand-in Electron distribution is packaged
 * (a small executable carrying Electron's fuse wire): everything else is electron-builder's real work, and the
 * fuses are read back from the packaged binary. Needs `npm run build` first (npm test builds before it runs).
 */

const require = createRequire(import.meta.url);
const asar = require('@electron/asar') as { listPackage(file: string): string[] };
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

let work: string;
let result: { status: number | null; output: string };
const unpacked = () => join(work, 'out', 'linux-unpacked');

beforeAll(async () => {
  for (const built of ['dist/main/electron/main.js', 'dist/main/electron/preload.cjs', 'dist/renderer/index.html'])
    if (!existsSync(join(repoRoot, built))) throw new Error(`${built} is missing: run "npm run build" first`);
  work = await mkdtemp(join(tmpdir(), 'pdm-package-'));
  const electron = join(work, 'electron-dist');
  await mkdir(join(electron, 'resources'), { recursive: true });
  // Electron's defaults on its fuse wire (run-as-node on, inspect on, ...), and a 9th fuse @electron/fuses does not know.
  const binary = join(electron, 'electron');
  await writeFile(
    binary,
    Buffer.concat([
      Buffer.from('#!/bin/sh\necho stand-in\n#'),
      Buffer.from(SENTINEL, 'latin1'),
      Buffer.from([1, 9]),
      Buffer.from('101110011\n', 'latin1'),
    ]),
  );
  await chmod(binary, 0o755);
  await writeFile(join(electron, 'LICENSE'), 'stand-in');
  await writeFile(join(electron, 'version'), 'stand-in');
  const run = spawnSync(
    process.execPath,
    [
      join(repoRoot, 'node_modules', 'electron-builder', 'cli.js'),
      '--config',
      'electron-builder.yml',
      '--linux',
      'dir',
      `-c.electronDist=${electron}`,
      `-c.directories.output=${join(work, 'out')}`,
      '--publish',
      'never',
    ],
    {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, PDM_STUDIO_UNSIGNED: '-unsigned', CSC_IDENTITY_AUTO_DISCOVERY: 'false' },
      timeout: 420_000,
    },
  );
  result = { status: run.status, output: `${run.stdout}${run.stderr}` };
}, 480_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('electron-builder packaging with electron-builder.yml (stand-in Electron binary)', () => {
  it('succeeds', () => {
    expect(result.status, result.output.slice(-3000)).toBe(0);
  });

  it('sets the fuses in the packaged binary (read back with @electron/fuses)', async () => {
    expect(await readFuses(join(unpacked(), 'pdm-studio'))).toEqual(FUSES);
  });

  it('packs the built app into app.asar without source maps, and the sample data beside it', () => {
    const files = asar.listPackage(join(unpacked(), 'resources', 'app.asar'));
    expect(files).toEqual(
      expect.arrayContaining([
        '/package.json',
        '/dist/main/electron/main.js',
        '/dist/main/electron/preload.cjs',
        '/dist/main/cli/main.js',
        '/dist/renderer/index.html',
        '/dist/main/core/update/update-check.js',
        '/node_modules/electron-updater',
      ]),
    );
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(statSync(join(unpacked(), 'resources', 'app.asar')).size).toBeLessThan(400 * 1024 * 1024);
    expect(files.some((f) => f.startsWith('/node_modules/electron/') || f.startsWith('/node_modules/vitest'))).toBe(
      false,
    );
    expect(existsSync(join(unpacked(), 'resources', 'resources', 'sample', 'cmapss-fd001-sample.txt'))).toBe(true);
  });

  it('writes the generic update configuration electron-updater reads', async () => {
    const text = await readFile(join(unpacked(), 'resources', 'app-update.yml'), 'utf8');
    expect(text).toMatch(/^provider: generic$/m);
  });
});
