import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openRegistry } from '../../../src/main/core/registry/open-registry.js';
import { ManifestSchema, type Manifest } from '../../../src/shared/registry-manifest.js';

/** One window's prediction as the run wrote it (predictions.csv). */
export interface RunPrediction {
  readonly asset: string;
  readonly t: number;
  readonly score: number;
}

/**
 * Publish a run folder to a new registry folder under `root`, fetch the package back (hash-verified) into
 * `root/fetched`, and read the run's own predictions: what a scoring test compares the package's scores with.
 */
export const publishAndFetch = async (
  root: string,
  runFolder: string,
  name: string,
): Promise<{ manifest: Manifest; packageDir: string; predictions: RunPrediction[] }> => {
  const registry = await openRegistry(join(root, 'registry'), { create: true });
  const published = await registry.publish({ runDir: runFolder, name });
  const packageDir = join(root, 'fetched');
  await registry.fetch(name, published.version, packageDir);
  const manifest = ManifestSchema.parse(JSON.parse(await readFile(join(packageDir, 'manifest.json'), 'utf8')));
  const csv = await readFile(join(runFolder, 'predictions.csv'), 'utf8');
  const predictions = csv
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      // asset (JSON string without commas), t, label, score
      const [asset, t, , score] = line.split(',');
      return { asset: JSON.parse(asset as string) as string, t: Number(t), score: Number(score) };
    });
  return { manifest, packageDir, predictions };
};
