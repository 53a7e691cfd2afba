#!/usr/bin/env node
// `npm run icons` (also run by `npm run dist`): every icon file the installers need, drawn from the one source
// image resources/build/icon-source.svg into resources/build (electron-builder's buildResources folder):
//   icon.png (1024 px), icon.ico (Windows, NSIS and MSI), icon.icns (macOS and the dmg),
//   icons/<n>x<n>.png (Linux AppImage and deb: the hicolor theme sizes).
// The outputs are build products (resources/build/.gitignore); `node scripts/icons/generate-icons.mjs --out DIR`
// writes them elsewhere.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeIcns, encodeIco, encodePng } from './encode.mjs';
import { parseIconSvg, rasterise } from './svg-raster.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const ICON_SOURCE = join(root, 'resources', 'build', 'icon-source.svg');
export const DEFAULT_OUT = join(root, 'resources', 'build');

export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
export const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];

/** Every file generateIcons writes, relative to its output folder. */
export const ICON_FILES = [
  'icon.png',
  'icon.ico',
  'icon.icns',
  ...LINUX_SIZES.map((size) => `icons/${size}x${size}.png`),
];

const writeAtomic = (file, data) => {
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, data);
  renameSync(partial, file);
};

/**
 * Draw and write every icon file.
 * @param {{ source?: string, outDir?: string }} [options]
 * @returns {string[]} the files written (absolute paths)
 */
export const generateIcons = (options = {}) => {
  const source = options.source ?? ICON_SOURCE;
  const outDir = options.outDir ?? DEFAULT_OUT;
  const icon = parseIconSvg(readFileSync(source, 'utf8'), source);
  const pixels = new Map();
  const rgbaOf = (size) => {
    if (!pixels.has(size)) pixels.set(size, rasterise(icon, size));
    return pixels.get(size);
  };
  const pngs = new Map();
  const pngOf = (size) => {
    if (!pngs.has(size)) pngs.set(size, encodePng(rgbaOf(size), size, size));
    return pngs.get(size);
  };
  const outputs = new Map([
    ['icon.png', pngOf(1024)],
    ['icon.ico', encodeIco(ICO_SIZES.map((size) => ({ size, rgba: rgbaOf(size) })))],
    ['icon.icns', encodeIcns(pngOf)],
    ...LINUX_SIZES.map((size) => [`icons/${size}x${size}.png`, pngOf(size)]),
  ]);
  const written = [];
  for (const name of ICON_FILES) {
    const file = join(outDir, name);
    writeAtomic(file, outputs.get(name));
    written.push(file);
  }
  return written;
};

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out');
  const outDir = outIndex >= 0 && args[outIndex + 1] !== undefined ? resolve(args[outIndex + 1]) : DEFAULT_OUT;
  try {
    const started = Date.now();
    const files = generateIcons({ outDir });
    process.stdout.write(
      `icons: ${files.length} files from ${ICON_SOURCE} in ${outDir} (${Date.now() - started} ms)\n`,
    );
  } catch (error) {
    process.stderr.write(`icons: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
