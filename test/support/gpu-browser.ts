import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { repoRoot } from './serve.js';

/**
 * Debian's Chromium, headless, with WebGL (and WebGPU, where the build has it) on SwiftShader: the software
 * Vulkan device stands in for a GPU, slow but exact enough to check the GPU path's correctness.
 */
export const launchChromiumWithGpu = async (): Promise<Browser> =>
  chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-dev-shm-usage',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
      '--enable-unsafe-webgpu',
      '--enable-features=Vulkan',
    ],
  });

/** The built training Web Worker's URL path (its file name carries a content hash). */
export const trainWorkerPath = async (): Promise<string> => {
  const assets = await readdir(join(repoRoot, 'dist', 'renderer', 'assets'));
  const file = assets.find((name) => /^train-web-worker-.*\.js$/.test(name));
  if (file === undefined) throw new Error('no training worker in dist/renderer/assets: run "npm run build" first');
  return `/assets/${file}`;
};
