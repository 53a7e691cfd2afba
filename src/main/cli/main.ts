#!/usr/bin/env node
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { importFiles } from '../core/app/import-files.js';
import { HISTORIAN_COMMANDS, HISTORIAN_USAGE, runHistorianCommand } from './historian-commands.js';
import { ImportFormatSchema } from '../../shared/domain.js';
import { printResult, withWorkspace } from './cli-io.js';
import { installCliLog } from './cli-log.js';

const USAGE = `pdm-studio <command> [options]

Commands:
  ingest <file...> --workspace <dir> [--format wide-csv|long-csv|csv|parquet|cmapss] [--delimiter ;]
         [--decimal ,] [--timestamp-format "%d.%m.%Y %H:%M:%S"] [--time-zone Europe/Berlin] [--asset NAME] [--json]
  trend --workspace <dir> --signal <id|tag|asset/tag> [--from N] [--to N] --width <px> [--json]
  signals --workspace <dir> [--json]
  quality --workspace <dir> [--signal <ref>] [--json]
  export --workspace <dir> --signal <ref> [--signal <ref>...] --format csv|parquet|arrow --out <file> [--json]
  train --workspace <dir> --config <file.json> [--json]   train one model (docs/training.md); Ctrl-C cancels
  evaluate --workspace <dir> --run <id> [--dataset <id>] [--json]
         re-score a run from its folder, compare with its record; --dataset scores a saved snapshot instead
  datasets [list] --workspace <dir> [--json]              saved dataset snapshots (newest first)
  datasets create --workspace <dir> --config <file.json> [--json]
         build and save the snapshot of a training config's "dataset" part, without training
  runs [delete --run <id>] --workspace <dir> [--json]     list runs (newest first) or delete one with its folder
  benchmark cmapss --data <dir> [--epochs N] [--workspace <dir>] [--json]
         FD001 standard protocol end to end in a fresh workspace
  serve [--workspace <dir>] [--port N]   browser mode on 127.0.0.1; prints the URL with its token
${HISTORIAN_USAGE}
  publish ... | registry list|show|approve|reject|promote|rollback|archive|fetch|verify|serve|add-user ...
         model registry (folder or server); "pdm-studio registry help" for its options

With --json the last line printed on stdout is one JSON object.`;

const fail = (message: string): never => {
  process.stderr.write(`pdm-studio: ${message}\n`);
  process.exit(2);
};

const main = async (argv: readonly string[]) => {
  const [command, ...rest] = argv;
  if (command !== undefined && HISTORIAN_COMMANDS.has(command)) return runHistorianCommand(command, rest);
  // The registry commands parse their own options (they run without a workspace).
  if (command === 'publish' || command === 'registry') {
    const { runRegistryCommand } = await import('./registry-command.js');
    return runRegistryCommand(command, rest);
  }
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      workspace: { type: 'string', short: 'w' },
      format: { type: 'string' },
      delimiter: { type: 'string' },
      decimal: { type: 'string' },
      'timestamp-format': { type: 'string' },
      'time-zone': { type: 'string' },
      asset: { type: 'string' },
      signal: { type: 'string', multiple: true },
      from: { type: 'string' },
      to: { type: 'string' },
      width: { type: 'string' },
      out: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      json: { type: 'boolean' },
      config: { type: 'string' },
      run: { type: 'string' },
      dataset: { type: 'string' },
      data: { type: 'string' },
      epochs: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const json = values.json === true;
  const number = (name: string, raw: string | undefined) => {
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isFinite(n)) fail(`--${name}: not a number: ${raw}`);
    return n;
  };
  switch (command) {
    case 'ingest': {
      if (positionals.length === 0) fail('ingest: name at least one file');
      const rawFormat = values.format === 'csv' ? undefined : values.format;
      const format = rawFormat === undefined ? undefined : ImportFormatSchema.safeParse(rawFormat);
      if (format !== undefined && !format.success) fail(`--format: unknown format "${rawFormat ?? ''}"`);
      const decimal = values.decimal;
      if (decimal !== undefined && decimal !== '.' && decimal !== ',') fail('--decimal: "." or ","');
      const summary = await withWorkspace(values.workspace, (w) =>
        importFiles(
          w,
          positionals.map((p) => resolve(p)),
          {
            ...(format?.success ? { format: format.data } : {}),
            ...(values.delimiter !== undefined
              ? { delimiter: values.delimiter === '\\t' ? '\t' : values.delimiter }
              : {}),
            ...(decimal !== undefined ? { decimal: decimal as '.' | ',' } : {}),
            ...(values['timestamp-format'] !== undefined ? { timestampFormat: values['timestamp-format'] } : {}),
            ...(values['time-zone'] !== undefined ? { timeZone: values['time-zone'] } : {}),
            ...(values.asset !== undefined ? { asset: values.asset } : {}),
          },
          {
            isCancelled: () => false,
            progress: json
              ? () => undefined
              : (f, m) => process.stderr.write(`\r${Math.round((f ?? 0) * 100)}% ${m}   `),
          },
        ),
      );
      if (!json) process.stderr.write('\n');
      printResult(
        json,
        summary,
        `${summary.rows} rows, ${summary.values} values stored, ${summary.rejected} rejected, ${summary.duplicates} duplicates (${summary.duplicateRule}); ${summary.signals} signals`,
      );
      return;
    }
    case 'trend': {
      const ref = values.signal?.[0];
      if (ref === undefined) fail('trend: --signal is required');
      const width = number('width', values.width) ?? fail('trend: --width is required');
      const result = await withWorkspace(values.workspace, async (w) => {
        const signal = await w.resolveSignal(ref as string);
        return w.trend([signal.id], Math.trunc(width), number('from', values.from), number('to', values.to));
      });
      const series = result.series[0];
      const points = series?.t.length ?? 0;
      printResult(
        json,
        {
          signalId: series?.signalId,
          points,
          rawCount: series?.rawCount ?? 0,
          from: result.from,
          to: result.to,
          width: result.width,
          timeKind: result.timeKind,
          t: series?.t,
          v: series?.v,
        },
        `${points} points summarising ${series?.rawCount ?? 0} readings`,
      );
      return;
    }
    case 'signals': {
      const signals = await withWorkspace(values.workspace, (w) => w.signals());
      printResult(
        json,
        { signals },
        signals.map((s) => `${s.id}\t${s.asset}\t${s.tag}\t${s.unit ?? ''}\t${s.count}`).join('\n'),
      );
      return;
    }
    case 'quality': {
      const rows = await withWorkspace(values.workspace, async (w) => {
        const ids =
          values.signal === undefined
            ? undefined
            : await Promise.all(values.signal.map(async (r) => (await w.resolveSignal(r)).id));
        return w.quality(ids);
      });
      printResult(json, { quality: rows }, rows.map((r) => JSON.stringify(r)).join('\n'));
      return;
    }
    case 'export': {
      const format = values.format;
      if (format !== 'csv' && format !== 'parquet' && format !== 'arrow') fail('export: --format csv|parquet|arrow');
      if (values.out === undefined) fail('export: --out <file> is required');
      if (values.signal === undefined) fail('export: --signal is required');
      const out = resolve(values.out as string);
      const rows = await withWorkspace(values.workspace, async (w) => {
        const ids = await Promise.all((values.signal ?? []).map(async (r) => (await w.resolveSignal(r)).id));
        return w.export({
          signalIds: ids,
          from: number('from', values.from),
          to: number('to', values.to),
          format: format as 'csv',
          path: out,
        });
      });
      printResult(json, { path: out, rows }, `${rows} rows written to ${out}`);
      return;
    }
    case 'train': {
      if (values.workspace === undefined) fail('train: --workspace <dir> is required');
      if (values.config === undefined) fail('train: --config <file.json> is required');
      const { trainCommand } = await import('./train.js');
      const result = await trainCommand({
        workspace: values.workspace as string,
        config: values.config as string,
        json,
      });
      printResult(json, result, `run ${result.run} on ${result.backend}: ${JSON.stringify(result.metrics)}`);
      return;
    }
    case 'evaluate': {
      if (values.run === undefined) fail('evaluate: --run <id> is required');
      const { evaluateRun } = await import('../core/training/evaluate-run.js');
      const result = await withWorkspace(values.workspace, (w) =>
        evaluateRun(w, values.run as string, process.cwd(), { datasetId: values.dataset }),
      );
      printResult(
        json,
        result,
        result.dataset.source === 'snapshot'
          ? `run ${result.run} on dataset ${result.dataset.id} (${result.dataset.assets.length} assets, ${result.scoredWindows} windows): ${JSON.stringify(result.metrics)}`
          : `run ${result.run}: ${JSON.stringify(result.metrics)} (${result.matchesRecord ? 'matches' : 'differs from'} the record)`,
      );
      return;
    }
    case 'datasets': {
      const { datasetsCommand } = await import('./datasets.js');
      const result = await withWorkspace(values.workspace, (w) => datasetsCommand(w, positionals[0], values.config));
      const text =
        'datasets' in result
          ? result.datasets
              .map((d) => `${d.id}\t${d.name}\t${d.assets} assets\t${d.windows} windows\t${d.createdAt}`)
              .join('\n')
          : `${result.dataset.created ? 'saved' : 'already saved:'} ${result.dataset.id} (${result.dataset.assets.length} assets, ${result.dataset.windows} windows)`;
      printResult(json, result, text);
      return;
    }
    case 'runs': {
      const { runsCommand } = await import('./runs.js');
      const result = await withWorkspace(values.workspace, (w) => runsCommand(w, positionals[0], values.run));
      const text =
        result.runs !== undefined
          ? result.runs
              .map((r) => `${r.id}\t${r.status}\t${r.modelType}\t${r.backend}\t${JSON.stringify(r.metrics)}`)
              .join('\n')
          : `deleted ${result.deleted}`;
      printResult(json, result, text);
      return;
    }
    case 'benchmark': {
      if (positionals[0] !== 'cmapss') fail('benchmark: only "benchmark cmapss --data <dir>" exists');
      if (values.data === undefined)
        fail('benchmark cmapss: --data <dir with train_FD001.txt, test_FD001.txt, RUL_FD001.txt> is required');
      const { benchmarkCmapss } = await import('./benchmark.js');
      const epochs = number('epochs', values.epochs);
      const result = await benchmarkCmapss({
        data: values.data as string,
        epochs,
        workspace: values.workspace,
        quiet: false,
      });
      printResult(
        json,
        result,
        `FD001 test RMSE ${result.rmse} (capped at 125: ${result.rmse_capped}) PHM08 score ${result.nasa_score} in ${result.train_s} s on ${result.backend} (run ${result.run}, workspace ${result.workspace})`,
      );
      return;
    }
    case 'serve': {
      const { serveCommand } = await import('./serve.js');
      await serveCommand({ workspace: values.workspace, port: number('port', values.port), host: values.host });
      return;
    }
    case undefined:
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return;
    default:
      fail(`unknown command "${command}"\n\n${USAGE}`);
  }
};

const cliLog = installCliLog(process.argv.slice(2));
main(process.argv.slice(2)).catch((error: unknown) => {
  cliLog.error('cli', 'command failed', { error });
  fail(error instanceof Error ? error.message : String(error));
});
