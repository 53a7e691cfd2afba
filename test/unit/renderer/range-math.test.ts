import { describe, expect, it } from 'vitest';
import type { Signal } from '../../../src/shared/domain.js';
import {
  clampRange,
  extentOf,
  panRange,
  pixelToValue,
  presetRange,
  presetsFor,
  rangeFromDrag,
  rangeFromPanDrag,
  sameRange,
  zoomRange,
} from '../../../src/renderer/logic/range-math.js';
import { US_PER_DAY, US_PER_HOUR } from '../../../src/renderer/logic/time-format.js';

const signal = (
  id: number,
  firstT: number | null,
  lastT: number | null,
  timeKind: Signal['timeKind'] = 'cycle',
): Signal => ({
  id,
  asset: 'a',
  tag: `t${id}`,
  unit: null,
  samplePeriod: null,
  validMin: null,
  validMax: null,
  source: 'test',
  timeKind,
  count: 10,
  firstT,
  lastT,
});

describe('extentOf', () => {
  it('spans the readings of all signals and ignores empty ones', () => {
    expect(extentOf([signal(1, 5, 100), signal(2, 1, 50), signal(3, null, null)])).toEqual({ from: 1, to: 100 });
    expect(extentOf([signal(3, null, null)])).toBeNull();
    expect(extentOf([])).toBeNull();
  });
});

describe('clampRange', () => {
  const bounds = { from: 0, to: 100 };
  it('shifts a range back inside, keeping its span', () => {
    expect(clampRange({ from: -10, to: 10 }, bounds)).toEqual({ from: 0, to: 20 });
    expect(clampRange({ from: 90, to: 110 }, bounds)).toEqual({ from: 80, to: 100 });
    expect(clampRange({ from: 10, to: 20 }, bounds)).toEqual({ from: 10, to: 20 });
  });
  it('caps a range wider than the bounds', () => {
    expect(clampRange({ from: -50, to: 200 }, bounds)).toEqual(bounds);
  });
  it('leaves a range alone without bounds', () => {
    expect(clampRange({ from: -50, to: 200 }, null)).toEqual({ from: -50, to: 200 });
  });
});

describe('zoomRange', () => {
  const bounds = { from: 0, to: 1000 };
  it('zooms in around the centre', () => {
    expect(zoomRange({ from: 0, to: 1000 }, 0.5, 0.5, bounds, 2)).toEqual({ from: 250, to: 750 });
  });
  it('keeps the value under the cursor in place', () => {
    const r = zoomRange({ from: 0, to: 1000 }, 0.5, 0.2, bounds, 2);
    expect(r).toEqual({ from: 100, to: 600 });
    // The anchor value 200 stays at 20 % of the new range.
    expect(r.from + 0.2 * (r.to - r.from)).toBe(200);
  });
  it('zooms out no further than the data', () => {
    expect(zoomRange({ from: 400, to: 600 }, 10, 0.5, bounds, 2)).toEqual(bounds);
    expect(zoomRange({ from: 0, to: 200 }, 2, 0.5, bounds, 2)).toEqual({ from: 0, to: 400 });
  });
  it('stops at the minimum span', () => {
    const r = zoomRange({ from: 100, to: 104 }, 0.1, 0.5, bounds, 2);
    expect(r.to - r.from).toBe(2);
  });
});

describe('panRange', () => {
  it('moves by a fraction of the span and stops at the edges', () => {
    const bounds = { from: 0, to: 100 };
    expect(panRange({ from: 20, to: 40 }, 0.25, bounds)).toEqual({ from: 25, to: 45 });
    expect(panRange({ from: 20, to: 40 }, -2, bounds)).toEqual({ from: 0, to: 20 });
    expect(panRange({ from: 70, to: 90 }, 1, bounds)).toEqual({ from: 80, to: 100 });
  });
});

describe('pixel conversions', () => {
  const layout = { left: 68, width: 400 };
  const r = { from: 0, to: 1000 };
  it('maps pixels to axis values, clamped to the plot', () => {
    expect(pixelToValue(68, layout, r)).toBe(0);
    expect(pixelToValue(268, layout, r)).toBe(500);
    expect(pixelToValue(1000, layout, r)).toBe(1000);
    expect(pixelToValue(0, layout, r)).toBe(0);
  });
  it('turns a drag into a sorted range, ignoring clicks', () => {
    expect(rangeFromDrag(268, 168, layout, r)).toEqual({ from: 250, to: 500 });
    expect(rangeFromDrag(200, 202, layout, r)).toBeNull();
  });
  it('pans opposite to the drag direction', () => {
    expect(rangeFromPanDrag({ from: 400, to: 600 }, 100, layout, { from: 0, to: 1000 })).toEqual({
      from: 350,
      to: 550,
    });
  });
});

describe('presets', () => {
  it('offers time presets for timestamps and cycle presets for cycles', () => {
    expect(presetsFor('timestamp').map((p) => p.id)).toEqual(['all', 'last-1h', 'last-24h', 'last-7d', 'last-30d']);
    expect(presetsFor('cycle').map((p) => p.id)).toEqual(['all', 'last-50', 'last-200']);
  });
  it('ends at the latest reading and starts no earlier than the first', () => {
    const extent = { from: 0, to: 10 * US_PER_DAY };
    expect(presetRange('last-1h', 'timestamp', extent)).toEqual({ from: extent.to - US_PER_HOUR, to: extent.to });
    expect(presetRange('last-30d', 'timestamp', extent)).toEqual(extent);
    expect(presetRange('last-50', 'cycle', { from: 1, to: 192 })).toEqual({ from: 142, to: 192 });
    expect(presetRange('all', 'cycle', { from: 1, to: 192 })).toBeNull();
    expect(presetRange('last-50', 'cycle', null)).toBeNull();
  });
  it('compares ranges', () => {
    expect(sameRange(null, null)).toBe(true);
    expect(sameRange({ from: 1, to: 2 }, { from: 1, to: 2 })).toBe(true);
    expect(sameRange({ from: 1, to: 2 }, null)).toBe(false);
  });
});
