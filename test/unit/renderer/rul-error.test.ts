import { describe, expect, it } from 'vitest';
import { bucketWidth, errorByRul, niceStep, scatterAxis, thinOut } from '../../../src/renderer/logic/rul-error.js';

describe('error by remaining life', () => {
  it('buckets by (from, to] of true RUL with mean absolute error and bias', () => {
    const buckets = errorByRul(
      [
        { label: 0, score: 4 },
        { label: 10, score: 4 },
        { label: 11, score: 21 },
        { label: 20, score: 20 },
        { label: 125, score: 100 },
      ],
      10,
    );
    expect(buckets).toEqual([
      { from: 0, to: 10, count: 2, mae: 5, bias: -1 },
      { from: 10, to: 20, count: 2, mae: 5, bias: 5 },
      { from: 120, to: 130, count: 1, mae: 25, bias: -25 },
    ]);
  });

  it('puts a capped RUL of 125 in the band (100, 125]', () => {
    expect(errorByRul([{ label: 125, score: 125 }], 25)).toEqual([{ from: 100, to: 125, count: 1, mae: 0, bias: 0 }]);
  });

  it('skips non-finite values and refuses a bad width', () => {
    expect(errorByRul([{ label: NaN, score: 1 }], 10)).toEqual([]);
    expect(() => errorByRul([], 0)).toThrow();
  });

  it('picks a round band width for about six bands', () => {
    expect(bucketWidth([{ label: 125, score: 0 }])).toBe(25);
    expect(bucketWidth([{ label: 300, score: 0 }])).toBe(50);
    expect(bucketWidth([])).toBe(1);
  });

  it('gives a square scatter domain with round ticks covering true and predicted values', () => {
    expect(
      scatterAxis([
        { label: 10, score: 140.2 },
        { label: 125, score: -3.5 },
      ]),
    ).toEqual({ domain: [-50, 150], ticks: [-50, 0, 50, 100, 150] });
    expect(scatterAxis([{ label: 125, score: 100 }])).toEqual({ domain: [0, 125], ticks: [0, 25, 50, 75, 100, 125] });
    expect(scatterAxis([])).toEqual({ domain: [0, 1], ticks: [0, 1] });
    expect(niceStep(191)).toBe(50);
    expect(niceStep(0)).toBe(1);
  });

  it('thins a long list evenly, keeping the ends', () => {
    const items = Array.from({ length: 101 }, (_, i) => i);
    expect(thinOut(items, 5)).toEqual([0, 25, 50, 75, 100]);
    expect(thinOut([1, 2], 5)).toEqual([1, 2]);
    expect(thinOut(items, 0)).toEqual([]);
  });
});
