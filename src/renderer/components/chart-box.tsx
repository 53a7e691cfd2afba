import type { ReactNode } from 'react';
import { useElementSize } from '../hooks/use-element-size.js';

export interface ChartBoxProps {
  readonly height: number;
  readonly testId?: string;
  readonly label: string;
  /** Extra data-* attributes for tests and tools (e.g. the number of points drawn). */
  readonly data?: Readonly<Record<string, string | number>>;
  readonly children: (width: number) => ReactNode;
}

/** A chart container as wide as its parent: measures itself and draws the chart at that width. */
export function ChartBox({ height, testId, label, data, children }: ChartBoxProps) {
  const [ref, size] = useElementSize<HTMLDivElement>();
  const attributes = Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [`data-${k}`, String(v)]));
  return (
    <figure className="chart-box" ref={ref} style={{ height }} data-testid={testId} aria-label={label} {...attributes}>
      {size.width > 0 ? children(size.width) : null}
    </figure>
  );
}
