import { join } from 'node:path';
import { z } from 'zod';
import { SignalSchema } from '../../../shared/domain.js';
import { AssetEventSchema, readSeriesFile, seriesLayout, SeriesLayoutSchema, writeSeriesFile } from './series-file.js';
import { DatasetError, type DatasetSource } from './prepare.js';
import type { AssetEvent, AssetSeries } from './series.js';

/*
 * Everything a dataset build read from the workspace, recorded, so the same build can run again later from the
 * recording alone: a run re-evaluates on exactly the data it was trained and scored on, after the workspace has
 * moved on. The file is one JSON header line, then each recorded series' times and values as little-endian
 * float64. Its integrity rests on what is rebuilt from it: the dataset's content hash must equal the run's.
 */

type Catalogue = Awaited<ReturnType<DatasetSource['signals']>>;
type GridRequest = Parameters<DatasetSource['gridSeries']>[0];

export interface SourceRecording {
  readonly catalogue: Catalogue;
  readonly grids: readonly { readonly request: GridRequest; readonly series: readonly AssetSeries[] }[];
  readonly events: readonly { readonly assets: readonly string[]; readonly events: readonly AssetEvent[] }[];
}

const requestKey = (request: GridRequest): string =>
  JSON.stringify([request.assets, request.tags, request.from ?? null, request.to ?? null, request.period, request.gap]);

/** A source that passes every call through to `source` and keeps what it answered. */
export const recordingSource = (
  source: DatasetSource,
): { readonly source: DatasetSource; readonly recording: () => SourceRecording } => {
  let catalogue: Catalogue = [];
  const grids: { request: GridRequest; series: AssetSeries[] }[] = [];
  const events: { assets: readonly string[]; events: AssetEvent[] }[] = [];
  return {
    source: {
      signals: async () => (catalogue = await source.signals()),
      gridSeries: async (request) => {
        const series = await source.gridSeries(request);
        grids.push({ request: { ...request, assets: [...request.assets], tags: [...request.tags] }, series });
        return series;
      },
      events: async (assets) => {
        const found = await source.events(assets);
        events.push({ assets: [...assets], events: found });
        return found;
      },
    },
    recording: () => ({ catalogue, grids, events }),
  };
};

/** A source that answers from a recording only; a call the recording does not hold is refused. */
export const replaySource = (recording: SourceRecording, label: string): DatasetSource => ({
  signals: async () => recording.catalogue,
  gridSeries: async (request) => {
    const key = requestKey(request);
    // A run recorded before gaps were kept asked for a forward-filled grid: its series answer a request for the
    // raw one (they hold no gap, so the gap policy leaves them as they are and the content hash still matches).
    const legacy = request.gap === 'none' ? requestKey({ ...request, gap: 'forward-fill' }) : null;
    const found =
      recording.grids.find((g) => requestKey(g.request) === key) ??
      recording.grids.find((g) => requestKey(g.request) === legacy);
    if (found === undefined) throw new DatasetError(`${label}: the recorded data holds no series for this request`);
    return [...found.series];
  },
  // Any recorded call that covered the assets answers, filtered: its events came in workspace order.
  events: async (assets) => {
    const found = recording.events.find((e) => assets.every((a) => e.assets.includes(a)));
    if (found === undefined) throw new DatasetError(`${label}: the recorded data holds no events for these assets`);
    return found.events.filter((e) => assets.includes(e.asset));
  },
});

const MAGIC = 'pdm-dataset-source/1';

const HeaderSchema = z.object({
  format: z.literal(MAGIC),
  catalogue: z.array(
    SignalSchema.pick({
      asset: true,
      tag: true,
      unit: true,
      samplePeriod: true,
      validMin: true,
      validMax: true,
      timeKind: true,
    }),
  ),
  grids: z.array(
    z.object({
      request: z.object({
        assets: z.array(z.string()),
        tags: z.array(z.string()),
        from: z.number().optional(),
        to: z.number().optional(),
        period: z.number(),
        gap: z.enum(['forward-fill', 'reject', 'none']),
      }),
      series: z.array(SeriesLayoutSchema),
    }),
  ),
  events: z.array(z.object({ assets: z.array(z.string()), events: z.array(AssetEventSchema) })),
});

/** Where a workspace keeps the recorded data of run `runId` (beside, not in, the run folder a registry packages). */
export const runSourceFile = (workspacePath: string, runId: string): string =>
  join(workspacePath, 'artifacts', 'datasets', `${runId}.source`);

/** The file layout of a recording: its header (JSON) and the series after it, in order. */
export const recordingLayout = (
  recording: SourceRecording,
): { readonly header: unknown; readonly series: readonly AssetSeries[] } => ({
  header: {
    format: MAGIC,
    catalogue: recording.catalogue,
    grids: recording.grids.map((g) => ({ request: g.request, series: seriesLayout(g.series) })),
    events: recording.events,
  },
  series: recording.grids.flatMap((g) => g.series),
});

/** Write aside and rename into place: a crash leaves the whole file or none. */
export const writeRecording = async (file: string, recording: SourceRecording): Promise<void> => {
  const { header, series } = recordingLayout(recording);
  await writeSeriesFile(file, header, series);
};

/** Read a recording; null when there is none (runs trained before recordings were kept). */
export const readRecording = async (file: string): Promise<SourceRecording | null> => {
  const damaged = (why: string) => new DatasetError(`${file}: the recorded dataset is damaged (${why})`);
  const read = await readSeriesFile(file, damaged);
  if (read === null) return null;
  const parsed = HeaderSchema.safeParse(read.header);
  if (!parsed.success) throw damaged('unreadable header');
  const header = parsed.data;
  const series = read.series(header.grids.map((g) => g.series));
  return {
    catalogue: header.catalogue,
    grids: header.grids.map((g, i) => ({ request: g.request, series: series[i] ?? [] })),
    events: header.events,
  };
};
