import { readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { importFiles } from '../../src/main/core/app/import-files.js';
import { openRegistry } from '../../src/main/core/registry/open-registry.js';
import { readTrainConfig } from '../../src/main/core/runs/load-config.js';
import { trainRun } from '../../src/main/core/runs/train-run.js';
import { Workspace } from '../../src/main/core/workspace/workspace.js';
import { ManifestSchema, type Manifest } from '../../src/shared/registry-manifest.js';
import { tempDir } from '../integration/registry/helpers.js';

/**
 * A real published package, made before the file's tests: the README's sample RUL model (engines 1-6 of the FD001
 * sample) trained for `epochs`, published to a registry folder and fetched to root/package. Removed after.
 */
export const useSamplePackage = (prefix: string, epochs: number) => {
  let root: string | undefined;
  let made: { readonly manifest: Manifest; readonly packageDir: string } | undefined;
  beforeAll(async () => {
    root = await tempDir(prefix);
    const workspace = await Workspace.open(join(root, 'ws'));
    try {
      await importFiles(workspace, [resolve('resources/sample/cmapss-fd001-sample.txt')], { format: 'cmapss' });
      const { config } = await readTrainConfig(resolve('docs/examples/sample-engines-1-6.json'));
      const run = await trainRun({
        workspace,
        config: { ...config, training: { ...config.training, epochs } },
        baseDir: process.cwd(),
      });
      const registry = await openRegistry(join(root, 'registry'), { create: true });
      const published = await registry.publish({ runDir: run.folder, name: 'sample-rul' });
      const packageDir = join(root, 'package');
      await registry.fetch('sample-rul', published.version, packageDir);
      const manifest = ManifestSchema.parse(JSON.parse(await readFile(join(packageDir, 'manifest.json'), 'utf8')));
      made = { manifest, packageDir };
    } finally {
      workspace.close();
    }
  }, 180_000);
  afterAll(async () => {
    if (root !== undefined) await rm(root, { recursive: true, force: true });
  });
  const get = () => {
    if (made === undefined || root === undefined) throw new Error('the sample package is made in beforeAll');
    return { ...made, root };
  };
  return get;
};
