import { describe, expect, it } from 'vitest';
import {
  chartFileName,
  escapeXml,
  HEADER_HEIGHT,
  inlineStyle,
  pngSize,
  standaloneSvg,
  svgDataUrl,
  unitsLine,
} from '../../../src/renderer/logic/chart-export.js';

const AT = new Date(Date.UTC(2026, 11, 2, 1, 5, 9));

describe('chart image export (pure part)', () => {
  it('names files after the chart title and the time, safely on every OS', () => {
    expect(chartFileName('Trend: P-101 / VibrationRMS, Bearing temp [°C]', 'svg', AT)).toBe(
      'pdm-trend-p-101-vibrationrms-bearing-temp-c-20261202-010509.svg',
    );
    expect(chartFileName('Health of Pumpe Süd', 'png', AT)).toBe('pdm-health-of-pumpe-sud-20261202-010509.png');
    expect(chartFileName('***', 'png', AT)).toBe('pdm-chart-20261202-010509.png');
    const long = chartFileName('x'.repeat(50) + ' ' + 'y'.repeat(50), 'svg', AT);
    expect(long).toBe(`pdm-${'x'.repeat(50)}-${'y'.repeat(9)}-20261202-010509.svg`);
    expect(chartFileName('a/b\\c:d*e?f"g<h>i|j', 'svg', AT)).toBe('pdm-a-b-c-d-e-f-g-h-i-j-20261202-010509.svg');
  });

  it('inlines only the presentation properties that say something, in a fixed order', () => {
    const computed: Record<string, string> = {
      stroke: 'rgb(37, 99, 235)',
      fill: 'none',
      'stroke-width': '1.5px',
      'font-size': '',
      'dominant-baseline': 'auto',
      color: 'red',
    };
    expect(inlineStyle((p) => computed[p] ?? '')).toBe('fill:none;stroke:rgb(37, 99, 235);stroke-width:1.5px');
  });

  it('wraps the chart in a standalone SVG with a white background, the title and the units', () => {
    const chart = '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100"><path d="M0,0L10,10"/></svg>';
    const svg = standaloneSvg(chart, 300, 100, { title: 'Flow & level <P-1>', units: ['m3/h', 'm', 'm3/h', ' '] });
    expect(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')).toBe(
      true,
    );
    expect(svg).toContain(`width="300" height="${100 + HEADER_HEIGHT}" viewBox="0 0 300 ${100 + HEADER_HEIGHT}"`);
    expect(svg).toContain(`<rect x="0" y="0" width="300" height="${100 + HEADER_HEIGHT}" fill="#ffffff"/>`);
    expect(svg).toContain('<title>Flow &amp; level &lt;P-1&gt;</title>');
    expect(svg).toContain('>Units: m3/h, m</text>');
    expect(svg).toContain(`<g transform="translate(0 ${HEADER_HEIGHT})">${chart}</g>`);
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(standaloneSvg(chart, 300, 100, { title: 't', units: [] })).not.toContain('Units');
  });

  it('escapes text for XML, sizes the PNG at 2x and makes data URLs', () => {
    expect(escapeXml(`a<b>&"c'`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;');
    expect(unitsLine(['°C'])).toBe('Units: °C');
    expect(pngSize(800.4, 300)).toEqual({ width: 1600, height: (300 + HEADER_HEIGHT) * 2 });
    expect(svgDataUrl('<svg a="1"/>')).toBe('data:image/svg+xml;charset=utf-8,%3Csvg%20a%3D%221%22%2F%3E');
  });
});
