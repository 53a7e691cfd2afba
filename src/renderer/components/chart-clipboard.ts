import type { DesktopImageBridge } from '../desktop-bridge.js';
import { renderPng, type ChartSvg } from './chart-image.js';

/*
 * "Copy image": the chart as PNG and as SVG text on the clipboard. The desktop app hands both to the preload
 * (the main process writes them in one ClipboardItem); browser mode writes them with the async Clipboard API,
 * which Chromium offers on 127.0.0.1 (a secure context) for a click.
 */

const PNG_TYPE = 'image/png';
const SVG_TYPE = 'image/svg+xml';

/** True where "Copy image" can work: the desktop bridge, or a browser with clipboard.write and ClipboardItem. */
export const canCopyChart = (desktop: DesktopImageBridge | null): boolean =>
  desktop !== null ||
  (typeof navigator !== 'undefined' &&
    typeof navigator.clipboard?.write === 'function' &&
    typeof globalThis.ClipboardItem === 'function');

export const copyChart = async (chart: ChartSvg, desktop: DesktopImageBridge | null): Promise<void> => {
  if (desktop !== null) {
    const png = new Uint8Array(await (await renderPng(chart)).arrayBuffer());
    await desktop.copyImage({ png, svg: chart.svg });
    return;
  }
  // The item is made in the click's own task with promised payloads: the PNG takes a moment to draw, and
  // browsers accept the write only while the user's click still counts.
  const items: Record<string, Promise<Blob>> = { [PNG_TYPE]: renderPng(chart) };
  if (typeof ClipboardItem.supports === 'function' && ClipboardItem.supports(SVG_TYPE)) {
    items[SVG_TYPE] = Promise.resolve(new Blob([chart.svg], { type: SVG_TYPE }));
  }
  await navigator.clipboard.write([new ClipboardItem(items)]);
};
