import { resolve } from 'node:path';
import { ImportFormatSchema, type ImportOptions } from '../../shared/domain.js';
import { isKnownZone } from '../../shared/time/time-rule.js';
import { fail } from './cli-args.js';
import type { CliApi } from './cli-api.js';
import { listOutput, type Command } from './command.js';

const WORKSPACE = { workspace: { type: 'string', short: 'w' } } as const;
const SIGNALS = { signal: { type: 'string', multiple: true } } as const;
const RANGE = { from: { type: 'string' }, to: { type: 'string' } } as const;

const RANGE_NOTE = '  --from/--to: µs since 1970 (UTC) for timestamp signals, cycles for cycle-indexed ones.';
const SIGNAL_NOTE = '  A signal is named by id, by tag when it is unique, or as asset/tag.';

const signalIds = async (api: CliApi, refs: readonly string[]): Promise<number[]> =>
  (await api.call('resolveSignals', { refs: [...refs] })).map((s) => s.id);

const INGEST_USAGE = `ingest <file...> --workspace <dir> [--format wide-csv|long-csv|csv|parquet|cmapss] [--delimiter ;]
       [--decimal ,] [--timestamp-format "%d.%m.%Y %H:%M:%S"] [--time-zone Europe/Berlin] [--asset NAME] [--json]`;

export const ingest: Command = {
  name: 'ingest',
  usage: INGEST_USAGE,
  details: `  Import files into the workspace (created when missing); Ctrl-C cancels.
  --format csv (or none): detected from the file. --delimiter \\t for tab. --time-zone: IANA zone for times
  without an offset (default UTC). --asset: asset for tags that name none (default: the file name).`,
  options: {
    ...WORKSPACE,
    format: { type: 'string' },
    delimiter: { type: 'string' },
    decimal: { type: 'string' },
    'timestamp-format': { type: 'string' },
    'time-zone': { type: 'string' },
    asset: { type: 'string' },
  },
  positionals: true,
  run: async (args, api) => {
    if (args.positionals.length === 0) fail('ingest: name at least one file', INGEST_USAGE);
    const rawFormat = args.str('format');
    const format = rawFormat === undefined || rawFormat === 'csv' ? undefined : ImportFormatSchema.safeParse(rawFormat);
    if (format !== undefined && !format.success)
      fail(`ingest: --format: unknown format "${rawFormat ?? ''}"`, INGEST_USAGE);
    const decimal = args.str('decimal');
    if (decimal !== undefined && decimal !== '.' && decimal !== ',')
      fail('ingest: --decimal: "." or ","', INGEST_USAGE);
    const zone = args.str('time-zone');
    if (zone !== undefined && !isKnownZone(zone))
      fail(
        `ingest: --time-zone: unknown time zone "${zone}": use an IANA name such as Europe/Berlin or UTC`,
        INGEST_USAGE,
      );
    const delimiter = args.str('delimiter');
    const options: ImportOptions = {
      ...(format?.success ? { format: format.data } : {}),
      ...(delimiter !== undefined ? { delimiter: delimiter === '\\t' ? '\t' : delimiter } : {}),
      ...(decimal !== undefined ? { decimal: decimal as '.' | ',' } : {}),
      ...(args.str('timestamp-format') !== undefined ? { timestampFormat: args.str('timestamp-format') } : {}),
      ...(args.str('time-zone') !== undefined ? { timeZone: args.str('time-zone') } : {}),
      ...(args.str('asset') !== undefined ? { asset: args.str('asset') } : {}),
    };
    const client = await api();
    await client.openWorkspace(args.str('workspace'), { mustExist: false });
    const { jobId } = await client.call('startImport', {
      paths: args.positionals.map((p) => resolve(p)),
      options,
    });
    const summary = (await client.followJob(jobId, { json: args.json })).result;
    if (summary === null) throw new Error('the import finished without a summary');
    // The planner's warnings (encoding, ambiguous day/month, renamed assets): in the JSON, and on stderr.
    if (!args.json) for (const warning of summary.warnings ?? []) process.stderr.write(`warning: ${warning}\n`);
    return {
      value: summary,
      text: `${summary.rows} rows, ${summary.values} values stored, ${summary.rejected} rejected, ${summary.duplicates} duplicates (${summary.duplicateRule}); ${summary.signals} signals`,
    };
  },
};

const TREND_USAGE = 'trend --workspace <dir> --signal <ref> --width <px> [--from N] [--to N] [--json]';

export const trend: Command = {
  name: 'trend',
  usage: TREND_USAGE,
  details: `  The signal's M4 summary at a chart width: never more than 4 x width points (queryTrend).
${SIGNAL_NOTE}
${RANGE_NOTE}`,
  options: { ...WORKSPACE, ...SIGNALS, ...RANGE, width: { type: 'string' } },
  run: async (args, api) => {
    const ref = args.list('signal')?.[0] ?? fail('trend: --signal <ref> is required', TREND_USAGE);
    const width = args.num('width') ?? fail('trend: --width <px> is required', TREND_USAGE);
    const from = args.num('from');
    const to = args.num('to');
    const client = await api();
    await client.openWorkspace(args.str('workspace'), { mustExist: true });
    const ids = await signalIds(client, [ref]);
    const result = await client.call('queryTrend', {
      signalIds: ids,
      width: Math.trunc(width),
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
    });
    const series = result.series[0];
    return {
      value: result,
      text: `${series?.t.length ?? 0} points summarising ${series?.rawCount ?? 0} readings`,
    };
  },
};

export const signals: Command = {
  name: 'signals',
  usage: 'signals --workspace <dir> [--json]',
  details: '  Every signal: id, asset, tag, unit, readings (listSignals).',
  options: { ...WORKSPACE },
  run: async (args, api) => {
    const client = await api();
    await client.openWorkspace(args.str('workspace'), { mustExist: true });
    return listOutput(
      'signals',
      await client.call('listSignals', {}),
      (s) => `${s.id}\t${s.asset}\t${s.tag}\t${s.unit ?? ''}\t${s.count}`,
    );
  },
};

export const quality: Command = {
  name: 'quality',
  usage: 'quality --workspace <dir> [--signal <ref>...] [--json]',
  details: `  Data quality per signal: counts, gaps, bad and out-of-range readings (getQuality); all signals by default.
${SIGNAL_NOTE}`,
  options: { ...WORKSPACE, ...SIGNALS },
  run: async (args, api) => {
    const client = await api();
    await client.openWorkspace(args.str('workspace'), { mustExist: true });
    const refs = args.list('signal');
    const rows = await client.call(
      'getQuality',
      refs === undefined ? {} : { signalIds: await signalIds(client, refs) },
    );
    return listOutput('quality', rows, (r) => JSON.stringify(r));
  },
};

const EXPORT_USAGE =
  'export --workspace <dir> --signal <ref> [--signal <ref>...] --format csv|parquet|arrow --out <file> [--from N] [--to N] [--json]';

export const exportCommand: Command = {
  name: 'export',
  usage: EXPORT_USAGE,
  details: `  Write the signals' readings to a file pandas, pyarrow and DuckDB read (exportData).
${SIGNAL_NOTE}
${RANGE_NOTE}`,
  options: { ...WORKSPACE, ...SIGNALS, ...RANGE, format: { type: 'string' }, out: { type: 'string' } },
  run: async (args, api) => {
    const format = args.str('format');
    if (format !== 'csv' && format !== 'parquet' && format !== 'arrow')
      fail('export: --format csv|parquet|arrow is required', EXPORT_USAGE);
    const out = resolve(args.need('out', '<file>'));
    const refs = args.list('signal') ?? fail('export: --signal <ref> is required', EXPORT_USAGE);
    const from = args.num('from');
    const to = args.num('to');
    const client = await api();
    await client.openWorkspace(args.str('workspace'), { mustExist: true });
    const result = await client.call('exportData', {
      signalIds: await signalIds(client, refs),
      format: format as 'csv' | 'parquet' | 'arrow',
      path: out,
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
    });
    return { value: result, text: `${result.rows} rows written to ${result.path}` };
  },
};

export const WORKSPACE_COMMANDS: readonly Command[] = [ingest, trend, signals, quality, exportCommand];
