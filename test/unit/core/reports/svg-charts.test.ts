import { describe, expect, it } from 'vitest';
import { fitLabel, renderChart } from '../../../../src/main/core/reports/svg-charts.js';

/* Report charts: row labels stay inside the chart (the fleet report's risk ranking cut "cmapss-…" to "mapss-…"). */

describe('report chart row labels', () => {
  it('keeps short names and shortens long ones at the front, keeping the end that tells assets apart', () => {
    expect(fitLabel('P-101')).toBe('P-101');
    const long = 'cmapss-fd001-sample engine 007';
    const shown = fitLabel(long);
    expect(shown.startsWith('…')).toBe(true);
    expect(shown.endsWith('engine 007')).toBe(true);
    // 172 px of room at 11 px, 0.6 em a character: 26 characters at most.
    expect(shown.length).toBeLessThanOrEqual(26);
  });

  it('draws a long asset name in the bars chart within the room left of the axis, with the full name as its title', () => {
    const svg = renderChart(
      {
        kind: 'bars',
        unit: 'risk',
        bars: [
          { label: 'cmapss-fd001-sample engine 007', value: 9, tone: 'bad' },
          { label: 'P-101', value: 3 },
        ],
      },
      'Ten highest risks',
    );
    const texts = [...svg.matchAll(/<text x="([\d.]+)"[^>]*text-anchor="end"[^>]*>(.*?)<\/text>/g)].map((m) => ({
      x: Number(m[1]),
      body: m[2] ?? '',
    }));
    const engine = texts.find((t) => t.body.includes('engine 007'));
    expect(engine?.body).toBe(
      '<title>cmapss-fd001-sample engine 007</title>' + fitLabel('cmapss-fd001-sample engine 007'),
    );
    // Right-aligned at x: the estimated width of what is drawn fits between the chart's left edge and x.
    const drawn = fitLabel('cmapss-fd001-sample engine 007');
    expect(drawn.length * 11 * 0.6).toBeLessThanOrEqual(engine?.x ?? 0);
    expect(texts.find((t) => t.body === 'P-101')).toBeDefined();
  });
});
