import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { writeFileAtomic } from '../core/util/write-file-atomic.js';

/** A rectangle in screen coordinates (Electron's Rectangle). */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** What window-state.json holds: the normal (un-maximised) bounds and whether the window was maximised. */
export const WindowStateSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  maximized: z.boolean().default(false),
});
export type WindowState = z.infer<typeof WindowStateSchema>;

export const DEFAULT_SIZE = { width: 1280, height: 800 } as const;
export const MIN_SIZE = { width: 800, height: 560 } as const;

/** Bounds to create the window with: always fully inside one display's work area. */
export interface RestoredBounds extends Rect {
  readonly maximized: boolean;
}

const intersectionArea = (a: Rect, b: Rect): number => {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
};

const centred = (area: Rect, width: number, height: number): Rect => {
  const w = Math.min(width, area.width);
  const h = Math.min(height, area.height);
  return {
    x: Math.round(area.x + (area.width - w) / 2),
    y: Math.round(area.y + (area.height - h) / 2),
    width: w,
    height: h,
  };
};

/**
 * Where to put the window given the saved state and the displays' work areas (primary first).
 * - no saved state, or the saved bounds overlap no display (a monitor was unplugged): default size, centred
 *   on the primary display;
 * - otherwise on the display the bounds overlap most, shrunk to fit its work area and moved fully onto it.
 */
export const restoreBounds = (saved: WindowState | null, workAreas: readonly Rect[]): RestoredBounds => {
  const primary = workAreas[0] ?? { x: 0, y: 0, width: DEFAULT_SIZE.width, height: DEFAULT_SIZE.height };
  if (saved === null) return { ...centred(primary, DEFAULT_SIZE.width, DEFAULT_SIZE.height), maximized: false };
  let best: Rect | null = null;
  let bestArea = 0;
  for (const area of workAreas) {
    const overlap = intersectionArea(saved, area);
    if (overlap > bestArea) {
      best = area;
      bestArea = overlap;
    }
  }
  if (best === null) return { ...centred(primary, saved.width, saved.height), maximized: saved.maximized };
  const width = Math.min(Math.max(saved.width, Math.min(MIN_SIZE.width, best.width)), best.width);
  const height = Math.min(Math.max(saved.height, Math.min(MIN_SIZE.height, best.height)), best.height);
  const x = Math.min(Math.max(saved.x, best.x), best.x + best.width - width);
  const y = Math.min(Math.max(saved.y, best.y), best.y + best.height - height);
  return { x, y, width, height, maximized: saved.maximized };
};

/** Read window-state.json; a missing or damaged file means "no saved state". */
export const loadWindowState = async (file: string): Promise<WindowState | null> => {
  try {
    const parsed = WindowStateSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
};

export const saveWindowState = async (file: string, bounds: Rect, maximized: boolean): Promise<void> => {
  const state: WindowState = {
    x: Math.round(bounds.x),
    y: Math.round(bounds.y),
    width: Math.max(1, Math.round(bounds.width)),
    height: Math.max(1, Math.round(bounds.height)),
    maximized,
  };
  await writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`);
};
