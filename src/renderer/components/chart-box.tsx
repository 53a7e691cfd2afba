import type { ReactNode } from 'react';
import { useElementSize } from '../hooks/use-element-size.js';
import { ChartExportMenu } from './chart-export-menu.js';

export interface ChartBoxProps {
  readonly height: number;
  readonly testId?: string;
  readonly label: string;
  /** Units of the values drawn, printed under the title of an exported image. */
  readonly units?: readonly string[];
  /** Extra data-* attributes for tests and tools (e.g. the number of points drawn). */
  readonly data?: Readonly<Record<string, string | number>>;
  readonly children: (width: number) => ReactNode;
}

/** A chart container as wide as its parent: measures itself, draws the chart at that width, and exports it. */
export function ChartBox({ height, testId, label, units, data, children }: ChartBoxProps) {
  const [ref, size, element] = useElementSize<HTMLDivElement>();
  const attributes = Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [`data-${k}`, String(v)]));
  return (
    <figure className="chart-box" data-testid={testId} aria-label={label} {...attributes}>
      <div className="chart-box-bar">
        <ChartExportMenu
          target={() => element.current}
          title={label}
          units={units ?? []}
          testId={`${testId ?? 'chart'}-export`}
          disabled={size.width === 0}
        />
      </div>
      <div ref={ref} style={{ height }}>
        {size.width > 0 ? children(size.width) : null}
      </div>
    </figure>
  );
}
