import { useEffect, useRef } from 'react';
import { chartKeyAction, type ChartKeyAction } from '../logic/chart-keys.js';

export type { ChartKeyAction };

const typingInto = (target: EventTarget | null): boolean => {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement)
    return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(target.type);
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
