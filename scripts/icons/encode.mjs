// Icon file encoders with Node built-ins only (zlib for PNG's deflate and CRC-32).
//  - PNG: 8-bit RGBA, non-interlaced.
//  - ICO (Windows, NSIS, MSI): 16-48 px as 32-bit BMP entries (read by every Windows and NSIS version),
//    larger as PNG entries (Windows Vista and later; 256 px is the size electron-builder requires).
//  - ICNS (macOS): PNG payloads under the OSType of each size (icp4 ... ic10, and the @2x types ic11-ic14).
import { crc32, deflateSync } from 'node:zlib';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const chunk = (type, data) => {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
};

/** @param {Buffer} rgba @param {number} width @param {number} height @returns {Buffer} */
export const encodePng = (rgba, width, height) => {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type: RGBA
  // 10-12: compression, filter method, interlace: all 0
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y += 1) {
    // filter type 1 (Sub): flat icon areas become runs of zeros, which deflate well
    const row = y * (stride + 1);
    raw[row] = 1;
    for (let i = 0; i < stride; i += 1) {
      const left = i >= 4 ? rgba[y * stride + i - 4] : 0;
      raw[row + 1 + i] = (rgba[y * stride + i] - left) & 0xff;
    }
  }
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
};

/** A 32-bit BMP icon entry: BITMAPINFOHEADER, bottom-up BGRA rows, then the 1-bit AND mask. */
const bmpEntry = (rgba, size) => {
  const header = Buffer.alloc(40);
  header.writeUInt32LE(40, 0);
  header.writeInt32LE(size, 4);
  header.writeInt32LE(size * 2, 8); // colour rows + mask rows
  header.writeUInt16LE(1, 12); // planes
  header.writeUInt16LE(32, 14); // bits per pixel
  const pixels = Buffer.alloc(size * size * 4);
  const maskStride = Math.ceil(size / 32) * 4;
  const mask = Buffer.alloc(maskStride * size);
  for (let y = 0; y < size; y += 1) {
    const src = (size - 1 - y) * size * 4;
    for (let x = 0; x < size; x += 1) {
      const s = src + x * 4;
      const d = (y * size + x) * 4;
      pixels[d] = rgba[s + 2];
      pixels[d + 1] = rgba[s + 1];
      pixels[d + 2] = rgba[s];
      pixels[d + 3] = rgba[s + 3];
      if (rgba[s + 3] === 0) mask[y * maskStride + (x >> 3)] |= 0x80 >> (x & 7);
    }
  }
  return Buffer.concat([header, pixels, mask]);
};

/**
 * @param {readonly { size: number, rgba: Buffer }[]} images
 * @returns {Buffer}
 */
export const encodeIco = (images) => {
  const dir = Buffer.alloc(6 + 16 * images.length);
  dir.writeUInt16LE(0, 0);
  dir.writeUInt16LE(1, 2); // type: icon
  dir.writeUInt16LE(images.length, 4);
  const payloads = images.map(({ size, rgba }) => (size <= 48 ? bmpEntry(rgba, size) : encodePng(rgba, size, size)));
  let offset = dir.length;
  images.forEach(({ size }, i) => {
    const e = 6 + 16 * i;
    dir[e] = size >= 256 ? 0 : size; // 0 means 256
    dir[e + 1] = size >= 256 ? 0 : size;
    dir.writeUInt16LE(1, e + 4); // planes
    dir.writeUInt16LE(32, e + 6); // bits per pixel
    dir.writeUInt32LE(payloads[i].length, e + 8);
    dir.writeUInt32LE(offset, e + 12);
    offset += payloads[i].length;
  });
  return Buffer.concat([dir, ...payloads]);
};

/** ICNS OSTypes with PNG payloads, by pixel size (the @2x types reuse the same pixels). */
export const ICNS_TYPES = [
  { type: 'icp4', size: 16 },
  { type: 'icp5', size: 32 },
  { type: 'icp6', size: 64 },
  { type: 'ic07', size: 128 },
  { type: 'ic08', size: 256 },
  { type: 'ic09', size: 512 },
  { type: 'ic10', size: 1024 },
  { type: 'ic11', size: 32 },
  { type: 'ic12', size: 64 },
  { type: 'ic13', size: 256 },
  { type: 'ic14', size: 512 },
];

/** @param {(size: number) => Buffer} pngOfSize @returns {Buffer} */
export const encodeIcns = (pngOfSize) => {
  const entries = ICNS_TYPES.map(({ type, size }) => {
    const png = pngOfSize(size);
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(8 + entries.reduce((sum, e) => sum + e.length, 0), 4);
  return Buffer.concat([head, ...entries]);
};
