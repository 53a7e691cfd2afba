/**
 * What the desktop app's preload adds for chart images (`window.pdmDesktop`): the clipboard and a native save
 * dialog, which a browser page cannot reach. Absent in browser mode, where files go to the browser's download.
 */
export interface DesktopImageBridge {
  /** The chart as PNG bytes and as SVG text, both put on the clipboard in one write. */
  readonly copyImage: (image: { readonly png: Uint8Array; readonly svg: string }) => Promise<void>;
  readonly saveImage: (request: {
    readonly name: string;
    readonly data: Uint8Array;
  }) => Promise<{ readonly saved: boolean; readonly path: string | null }>;
}

declare global {
  interface Window {
    pdmDesktop?: DesktopImageBridge;
  }
}

export const desktopImageBridge = (): DesktopImageBridge | null =>
  typeof window !== 'undefined' && window.pdmDesktop !== undefined ? window.pdmDesktop : null;
