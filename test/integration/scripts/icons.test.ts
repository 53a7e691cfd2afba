import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  generateIcons,
  ICO_SIZES,
  ICON_FILES,
  ICON_SOURCE,
  LINUX_SIZES,
} from '../../../scripts/icons/generate-icons.mjs';

/** `npm run icons`: every installer icon drawn from the one SVG source, in the formats each platform reads. */

const pngSize = (png: Buffer) => {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.toString('latin1', 12, 16)).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20), depth: png[24], colourType: png[25] };
};

/** Decode our PNG (8-bit RGBA, filters 0 and 1) to read pixels back. */
const decodePng = (png: Buffer) => {
  const { width, height } = pngSize(png);
  const chunks: Buffer[] = [];
  for (let o = 8; o < png.length;) {
    const length = png.readUInt32BE(o);
    if (png.toString('latin1', o + 4, o + 8) === 'IDAT') chunks.push(png.subarray(o + 8, o + 8 + length));
    o += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(chunks));
  const stride = width * 4;
  expect(raw.length).toBe((stride + 1) * height);
  const rgba = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y += 1) {
    const filter = raw[y * (stride + 1)];
    expect([0, 1]).toContain(filter);
    for (let i = 0; i < stride; i += 1) {
      const left = filter === 1 && i >= 4 ? (rgba[y * stride + i - 4] ?? 0) : 0;
      rgba[y * stride + i] = ((raw[y * (stride + 1) + 1 + i] ?? 0) + left) & 0xff;
    }
  }
  return {
    width,
    height,
    pixel: (x: number, y: number) => [...rgba.subarray((y * width + x) * 4, (y * width + x) * 4 + 4)],
  };
};

describe('npm run icons (scripts/icons/generate-icons.mjs)', () => {
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'pdm-icons-'));
    generateIcons({ outDir: out });
  });
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('writes every Linux size as an RGBA PNG of that size', async () => {
    for (const size of LINUX_SIZES) {
      const png = await readFile(join(out, 'icons', `${size}x${size}.png`));
      expect(pngSize(png)).toEqual({ width: size, height: size, depth: 8, colourType: 6 });
    }
    expect(pngSize(await readFile(join(out, 'icon.png')))).toMatchObject({ width: 1024, height: 1024 });
  });

  it('draws the source: transparent outside the rounded tile, the tile colour inside, the alarm dot orange', async () => {
    const icon = decodePng(await readFile(join(out, 'icon.png')));
    expect(icon.pixel(10, 10)[3]).toBe(0); // corner, outside the tile
    expect(icon.pixel(80, 80)[3]).toBe(0); // inside the bounding box but outside the rounded corner
    expect(icon.pixel(300, 300)).toEqual([0x12, 0x34, 0x4d, 255]); // the tile's fill
    expect(icon.pixel(784, 330)).toEqual([0xff, 0x6a, 0x3d, 255]); // the alarm dot's centre
  });

  it('writes an ICO with 16-256 px: small sizes as 32-bit BMP, large as PNG', async () => {
    const ico = await readFile(join(out, 'icon.ico'));
    expect(ico.readUInt16LE(2)).toBe(1);
    expect(ico.readUInt16LE(4)).toBe(ICO_SIZES.length);
    ICO_SIZES.forEach((size, i) => {
      const e = 6 + 16 * i;
      expect(ico[e] === 0 ? 256 : ico[e]).toBe(size);
      const offset = ico.readUInt32LE(e + 12);
      const length = ico.readUInt32LE(e + 8);
      expect(offset + length).toBeLessThanOrEqual(ico.length);
      const payload = ico.subarray(offset, offset + length);
      if (size <= 48) {
        expect(payload.readUInt32LE(0)).toBe(40); // BITMAPINFOHEADER
        expect(payload.readInt32LE(8)).toBe(size * 2);
        expect(payload.readUInt16LE(14)).toBe(32);
        expect(length).toBe(40 + size * size * 4 + Math.ceil(size / 32) * 4 * size);
      } else {
        expect(pngSize(payload)).toMatchObject({ width: size, height: size });
      }
    });
  });

  it('writes an ICNS whose entries are PNGs of the size of their type', async () => {
    const icns = await readFile(join(out, 'icon.icns'));
    expect(icns.toString('latin1', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const expected: Record<string, number> = {
      icp4: 16,
      icp5: 32,
      icp6: 64,
      ic07: 128,
      ic08: 256,
      ic09: 512,
      ic10: 1024,
    };
    const seen: Record<string, number> = {};
    for (let o = 8; o < icns.length;) {
      const type = icns.toString('latin1', o, o + 4);
      const length = icns.readUInt32BE(o + 4);
      seen[type] = pngSize(icns.subarray(o + 8, o + length)).width;
      o += length;
    }
    expect(seen).toMatchObject(expected);
    expect(seen).toMatchObject({ ic11: 32, ic12: 64, ic13: 256, ic14: 512 });
  });

  it('is deterministic: the same source gives the same bytes', async () => {
    const again = await mkdtemp(join(tmpdir(), 'pdm-icons-'));
    try {
      generateIcons({ outDir: again });
      for (const name of ICON_FILES)
        expect((await readFile(join(again, name))).equals(await readFile(join(out, name))), name).toBe(true);
    } finally {
      await rm(again, { recursive: true, force: true });
    }
  });

  it('refuses an element it cannot draw, naming the file and line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pdm-icons-'));
    try {
      const source = join(dir, 'icon.svg');
      const text = (await readFile(ICON_SOURCE, 'utf8')).replace('</svg>', '  <path d="M0 0 L10 10"/>\n</svg>');
      await writeFile(source, text);
      const line = text.split('\n').findIndex((l) => l.includes('<path')) + 1;
      expect(() => generateIcons({ source, outDir: dir })).toThrow(
        `${source} line ${line}: <path> is not supported by the icon rasteriser`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
