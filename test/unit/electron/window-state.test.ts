import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_SIZE,
  loadWindowState,
  restoreBounds,
  saveWindowState,
  type Rect,
} from '../../../src/main/electron/window-state.js';

const laptop: Rect = { x: 0, y: 0, width: 1920, height: 1040 };
const rightMonitor: Rect = { x: 1920, y: 0, width: 2560, height: 1400 };

const inside = (inner: Rect, outer: Rect) =>
  inner.x >= outer.x &&
  inner.y >= outer.y &&
  inner.x + inner.width <= outer.x + outer.width &&
  inner.y + inner.height <= outer.y + outer.height;

describe('restoreBounds', () => {
  it('centres the default size on the primary display when nothing was saved', () => {
    const bounds = restoreBounds(null, [laptop, rightMonitor]);
    expect(bounds).toEqual({
      x: 320,
      y: 120,
      width: DEFAULT_SIZE.width,
      height: DEFAULT_SIZE.height,
      maximized: false,
    });
  });

  it('keeps saved bounds that are fully visible', () => {
    const saved = { x: 2000, y: 100, width: 1400, height: 900, maximized: true };
    expect(restoreBounds(saved, [laptop, rightMonitor])).toEqual(saved);
  });

  it('recentres on the primary display when the saved monitor is gone', () => {
    const saved = { x: 2000, y: 100, width: 1400, height: 900, maximized: false };
    const bounds = restoreBounds(saved, [laptop]);
    expect(inside(bounds, laptop)).toBe(true);
    expect(bounds).toMatchObject({ width: 1400, height: 900 });
  });

  it('pulls a window hanging off an edge back onto the display it mostly covers', () => {
    const saved = { x: 1700, y: -300, width: 1000, height: 800, maximized: false };
    const bounds = restoreBounds(saved, [laptop, rightMonitor]);
    expect(inside(bounds, rightMonitor)).toBe(true);
    expect(bounds).toMatchObject({ x: 1920, y: 0, width: 1000, height: 800 });
  });

  it('shrinks a window larger than the display to its work area', () => {
    const small: Rect = { x: 0, y: 25, width: 1280, height: 695 };
    const saved = { x: -50, y: 0, width: 2500, height: 1600, maximized: false };
    const bounds = restoreBounds(saved, [small]);
    expect(bounds).toEqual({ x: 0, y: 25, width: 1280, height: 695, maximized: false });
  });

  it('handles displays left of and above the primary (negative coordinates)', () => {
    const left: Rect = { x: -1600, y: -200, width: 1600, height: 900 };
    const saved = { x: -1500, y: -150, width: 1000, height: 700, maximized: false };
    expect(restoreBounds(saved, [laptop, left])).toEqual(saved);
    expect(inside(restoreBounds({ ...saved, x: -5000 }, [laptop, left]), laptop)).toBe(true);
  });
});

describe('window-state.json', () => {
  let dir = '';
  afterEach(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('round-trips through an atomic write', async () => {
    dir = await mkdtemp(join(tmpdir(), 'pdm-window-state-'));
    const file = join(dir, 'window-state.json');
    expect(await loadWindowState(file)).toBeNull();
    await saveWindowState(file, { x: 10.4, y: 20, width: 1000, height: 700 }, true);
    expect(await loadWindowState(file)).toEqual({ x: 10, y: 20, width: 1000, height: 700, maximized: true });
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ maximized: true });
  });

  it('treats a damaged file as no saved state', async () => {
    dir = await mkdtemp(join(tmpdir(), 'pdm-window-state-'));
    const file = join(dir, 'window-state.json');
    await writeFile(file, '{"x": 1, "y":');
    expect(await loadWindowState(file)).toBeNull();
    await writeFile(file, JSON.stringify({ x: 1, y: 2, width: -5, height: 10 }));
    expect(await loadWindowState(file)).toBeNull();
  });
});
