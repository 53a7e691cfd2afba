/**
 * npm run bench:train: the Node training bench against its PyTorch peer (bench/train-cmapss.ts, which takes this
 * script's arguments), then the renderer engine's GPU path in headless Chromium (bench/train-browser.ts, its own
 * defaults; it serves the built app, so it runs only after `npm run build`). Each prints its own JSON object.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './util.js';

const tsx = (script: string, args: readonly string[]): number =>
  spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'bench', script), ...args], { stdio: 'inherit' })
    .status ?? 1;

const node = tsx('train-cmapss.ts', process.argv.slice(2));
if (existsSync(join(repoRoot, 'dist', 'renderer', 'index.html'))) {
  process.exitCode = node || tsx('train-browser.ts', []);
} else {
  console.log(
    JSON.stringify({ bench: 'train-browser', skipped: 'run `npm run build` first: it serves the built app' }),
  );
  process.exitCode = node;
}
