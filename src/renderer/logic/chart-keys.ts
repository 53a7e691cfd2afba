export type ChartKeyAction = 'zoom-in' | 'zoom-out' | 'pan-left' | 'pan-right' | 'reset';

/** The chart action of a key press, or null ('+'/'=' zoom in, '-' zoom out, arrows pan, '0' reset). */
export const chartKeyAction = (
  event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'>,
): ChartKeyAction | null => {
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
