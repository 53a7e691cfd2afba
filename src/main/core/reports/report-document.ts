import type { ReportKind, ReportPeriod } from '../../../shared/reports.js';

/**
 * A report as content, before HTML: every report assembles one of these from its figures, and the one renderer
 * (render-html.ts) turns any of them into HTML. Charts are data here; the renderer draws them as SVG.
 */

export type Tone = 'good' | 'watch' | 'bad' | 'none';

export interface Figure {
  readonly label: string;
  readonly value: string;
  readonly note?: string;
  readonly tone?: Tone;
}

export interface Cell {
  readonly text: string;
  readonly tone?: Tone;
  /** Right-aligned (numbers). */
  readonly numeric?: boolean;
}

export type ChartSpec =
  | {
      /** Horizontal bars, one per label. */
      readonly kind: 'bars';
      readonly bars: readonly { readonly label: string; readonly value: number; readonly tone?: Tone }[];
      readonly unit: string;
    }
  | {
      /** A funnel: each stage a bar no longer than the one before. */
      readonly kind: 'funnel';
      readonly stages: readonly { readonly label: string; readonly value: number }[];
    }
  | {
      /** Counts per day (columns), e.g. alerts per day, with an optional limit line (floods). */
      readonly kind: 'columns';
      readonly columns: readonly { readonly label: string; readonly value: number }[];
      readonly limit: number | null;
      readonly unit: string;
    }
  | {
      /** A point with its interval per row (metrics with bootstrap confidence intervals). */
      readonly kind: 'intervals';
      readonly rows: readonly {
        readonly label: string;
        readonly value: number;
        readonly low: number;
        readonly high: number;
      }[];
      readonly unit: string;
    };

export type Block =
  | { readonly kind: 'figures'; readonly figures: readonly Figure[] }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'list'; readonly items: readonly string[] }
  | {
      readonly kind: 'table';
      readonly caption: string;
      readonly head: readonly string[];
      readonly rows: readonly (readonly Cell[])[];
      /** Said instead of an empty table. */
      readonly empty: string;
    }
  | { readonly kind: 'chart'; readonly caption: string; readonly chart: ChartSpec }
  /** A formula printed beside its figure, with every term's value. */
  | { readonly kind: 'formula'; readonly formula: string; readonly terms: readonly Figure[]; readonly result: Figure }
  /** Trusted HTML made by the app itself (the engineer's model card); never user text. */
  | { readonly kind: 'html'; readonly html: string };

export interface Section {
  readonly title: string;
  /** Start this section on a new page. */
  readonly pageBreak?: boolean;
  readonly blocks: readonly Block[];
}

export interface ReportDocument {
  readonly kind: ReportKind;
  readonly title: string;
  readonly plant: string;
  readonly period: ReportPeriod;
  readonly generatedAt: string;
  /** Said on the first page before anything else (e.g. "No monitoring data in this period"). */
  readonly notices: readonly string[];
  /** The figures a manager reads first, on page 1. */
  readonly summary: readonly Figure[];
  readonly sections: readonly Section[];
  /** Things the reader should know that do not stop the report (also returned as the export's warnings). */
  readonly warnings: readonly string[];
}

export const cell = (text: string | number, options: { tone?: Tone; numeric?: boolean } = {}): Cell => ({
  text: String(text),
  ...(options.tone === undefined ? {} : { tone: options.tone }),
  ...(options.numeric === true || typeof text === 'number' ? { numeric: true } : {}),
});

export const NO_DATA_NOTICE = 'No monitoring data in this period: no scores and no alerts were recorded.';
