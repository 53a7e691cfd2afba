import { useCallback, useEffect, useRef, useState, type MouseEvent as ReactMouseEvent } from 'react';
import {
  pixelFraction,
  pixelToValue,
  rangeFromDrag,
  rangeFromPanDrag,
  type PlotLayout,
  type Range,
} from '../logic/range-math.js';

export interface ChartInteractionOptions {
  readonly element: React.RefObject<HTMLElement | null>;
  readonly layout: PlotLayout;
  /** The range the axis currently shows; null: nothing to interact with. */
  readonly display: Range | null;
  readonly bounds: Range | null;
  readonly onZoomTo: (range: Range) => void;
  readonly onPanTo: (range: Range) => void;
  readonly onWheelZoom: (factor: number, anchor: number) => void;
}

export interface ChartInteraction {
  /** The range being drag-selected (for a ReferenceArea), in axis units. */
  readonly selection: Range | null;
  readonly panning: boolean;
  readonly onMouseDown: (event: ReactMouseEvent<HTMLElement>) => void;
}

/** Wheel steps: one notch zooms in to 80 % or out to 125 % around the cursor. */
export const WHEEL_ZOOM_IN = 0.8;
export const WHEEL_ZOOM_OUT = 1.25;

/** Drag to select a range (zoom), shift+drag to pan, wheel to zoom around the cursor. */
export const useChartInteraction = (options: ChartInteractionOptions): ChartInteraction => {
  const latest = useRef(options);
  useEffect(() => {
    latest.current = options;
  });
  const [selection, setSelection] = useState<Range | null>(null);
  const [panning, setPanning] = useState(false);

  const localX = (clientX: number): number => {
    const rect = latest.current.element.current?.getBoundingClientRect();
    return rect === undefined ? 0 : clientX - rect.left;
  };

  const onMouseDown = useCallback((event: ReactMouseEvent<HTMLElement>) => {
    const { display, layout } = latest.current;
    if (event.button !== 0 || display === null || layout.width <= 0) return;
    const startPx = localX(event.clientX);
    if (startPx < layout.left || startPx > layout.left + layout.width) return;
    event.preventDefault();
    latest.current.element.current?.focus({ preventScroll: true });
    const startRange = display;
    const shift = event.shiftKey;
    if (shift) setPanning(true);

    const move = (e: MouseEvent) => {
      const px = localX(e.clientX);
      const current = latest.current;
      if (shift) {
        current.onPanTo(rangeFromPanDrag(startRange, px - startPx, current.layout, current.bounds));
      } else {
        const a = pixelToValue(startPx, current.layout, startRange);
        const b = pixelToValue(px, current.layout, startRange);
        setSelection(a < b ? { from: a, to: b } : { from: b, to: a });
      }
    };
    const up = (e: MouseEvent) => {
      window.removeEventListener('mousemove', move);
      window.removeEventListener('mouseup', up);
      setPanning(false);
      setSelection(null);
      if (shift) return;
      const picked = rangeFromDrag(startPx, localX(e.clientX), latest.current.layout, startRange);
      if (picked !== null) latest.current.onZoomTo(picked);
    };
    window.addEventListener('mousemove', move);
    window.addEventListener('mouseup', up);
  }, []);

  // React's onWheel is passive; a native listener can keep the page from scrolling while zooming.
  useEffect(() => {
    const element = options.element.current;
    if (element === null) return;
    const wheel = (e: WheelEvent) => {
      const { display, layout } = latest.current;
      if (display === null || layout.width <= 0 || e.deltaY === 0) return;
      const px = localX(e.clientX);
      if (px < layout.left || px > layout.left + layout.width) return;
      e.preventDefault();
      latest.current.onWheelZoom(e.deltaY < 0 ? WHEEL_ZOOM_IN : WHEEL_ZOOM_OUT, pixelFraction(px, layout));
    };
    element.addEventListener('wheel', wheel, { passive: false });
    return () => element.removeEventListener('wheel', wheel);
  }, [options.element]);

  return { selection, panning, onMouseDown };
};
