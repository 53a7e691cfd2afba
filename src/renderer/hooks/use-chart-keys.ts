import { useEffect, useRef } from 'react';

export type ChartKeyAction = 'zoom-in' | 'zoom-out' | 'pan-left' | 'pan-right' | 'reset';

/** The chart action of a key press, or null ('+'/'=' zoom in, '-' zoom out, arrows pan, '0' reset). */
export const chartKeyAction = (event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'>): ChartKeyAction | null => {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  switch (event.key) {
    case '+':
    case '=':
      return 'zoom-in';
    case '-':
    case '_':
      return 'zoom-out';
    case 'ArrowLeft':
      return 'pan-left';
    case 'ArrowRight':
      return 'pan-right';
    case '0':
      return 'reset';
    default:
      return null;
  }
};

const typingInto = (target: EventTarget | null): boolean => {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(target.type);
  return false;
};

/** Chart shortcuts anywhere in the window, except while typing or while a dialog is open. */
export const useChartKeys = (enabled: boolean, handle: (action: ChartKeyAction) => void): void => {
  const ref = useRef(handle);
  useEffect(() => {
    ref.current = handle;
  });
  useEffect(() => {
    if (!enabled) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || typingInto(event.target)) return;
      if (document.querySelector('dialog[open]') !== null) return;
      const action = chartKeyAction(event);
      if (action === null) return;
      event.preventDefault();
      ref.current(action);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [enabled]);
};
