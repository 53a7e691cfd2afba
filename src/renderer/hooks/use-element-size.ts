import { useCallback, useEffect, useRef, useState } from 'react';

export interface Size {
  readonly width: number;
  readonly height: number;
}

/** Tracks an element's content-box size (rounded CSS pixels) with a ResizeObserver. */
export const useElementSize = <T extends HTMLElement>(): [
  (element: T | null) => void,
  Size,
  React.RefObject<T | null>,
] => {
  const [size, setSize] = useState<Size>({ width: 0, height: 0 });
  const ref = useRef<T | null>(null);
  const observer = useRef<ResizeObserver | null>(null);

  const measure = useCallback((width: number, height: number) => {
    const next = { width: Math.round(width), height: Math.round(height) };
    setSize((prev) => (prev.width === next.width && prev.height === next.height ? prev : next));
  }, []);

  const callbackRef = useCallback(
    (element: T | null) => {
      observer.current?.disconnect();
      observer.current = null;
      ref.current = element;
      if (element === null) return;
      const rect = element.getBoundingClientRect();
      measure(rect.width, rect.height);
      if (typeof ResizeObserver === 'undefined') return;
      observer.current = new ResizeObserver((entries) => {
        const entry = entries[entries.length - 1];
        if (entry) measure(entry.contentRect.width, entry.contentRect.height);
      });
      observer.current.observe(element);
    },
    [measure],
  );

  useEffect(() => () => observer.current?.disconnect(), []);
  return [callbackRef, size, ref];
};
