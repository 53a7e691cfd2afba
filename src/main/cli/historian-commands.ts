import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { format, parseArgs } from 'node:util';
import { defaultUserDataDir } from '../core/app/user-data.js';
import { parseTime, type ImportControl } from '../core/historians/control.js';
import { ProfileStore } from '../core/historians/profiles.js';
import { printResult, withWorkspace } from './cli-io.js';

/** Commands that talk to historians: simulate, browse, import opcua|sql|events. */
export const HISTORIAN_COMMANDS = new Set(['simulate', 'browse', 'import']);

export const HISTORIAN_USAGE = `  simulate [--port 4840] [--assets N] [--days D] [--seed S] [--end <iso>] [--work-orders <csv>]
           [--user NAME --password-file F]   plant simulator: an OPC UA server with history on 127.0.0.1
  browse --endpoint <opc.tcp://...> [--security-mode None|Sign|SignAndEncrypt] [--user NAME] [--trust-server] [--json]
  import opcua --workspace <dir> --endpoint <url> --tags <nodeId,...|@file> [--from <iso>] [--to <iso>|now]
         [--security-mode M] [--user NAME] [--profile NAME] [--save-profile NAME] [--trust-server] [--json]
  import sql --workspace <dir> --url <postgres://user@host/db> --query <file.sql> [--layout long|wide]
         [--from <iso>] [--to <iso>] [--asset NAME] [--json]      $1 = from, $2 = to (timestamptz) in the query
  import events --workspace <dir> <work-orders.csv> [--asset-map <csv: from,to>] [--time-zone <IANA>] [--json]
         times without an offset (here and in --from/--to) are read in --time-zone, default UTC
  Passwords come from --password-file or the PDM_PASSWORD environment variable, never from the command line.`;

const fail = (message: string): never => {
  throw new Error(message);
};

const readPassword = async (file: string | undefined): Promise<string | undefined> => {
  if (file !== undefined) return (await readFile(resolve(file), 'utf8')).replace(/\r?\n$/, '');
  return process.env['PDM_PASSWORD'];
};

const progressPrinter = (json: boolean): ImportControl['progress'] =>
  json
    ? () => undefined
    : (f, m) => process.stderr.write(`\r${f === null ? '' : `${Math.round(f * 100)}% `}${m}      `);

/** Cancel on Ctrl+C: the import stops at the next batch, releases what it holds, and says so. */
const cancelOnSignal = (): { isCancelled: () => boolean; dispose: () => void } => {
  let cancelled = false;
  const onSignal = () => {
    if (cancelled) process.exit(130);
    cancelled = true;
    process.stderr.write('\ncancelling (Ctrl+C again to quit at once)...\n');
  };
  process.on('SIGINT', onSignal);
  return { isCancelled: () => cancelled, dispose: () => process.off('SIGINT', onSignal) };
};

const OPTIONS = {
  workspace: { type: 'string', short: 'w' },
  endpoint: { type: 'string' },
  'security-mode': { type: 'string' },
  'security-policy': { type: 'string' },
  user: { type: 'string' },
  'password-file': { type: 'string' },
  profile: { type: 'string' },
  'save-profile': { type: 'string' },
  'trust-server': { type: 'boolean' },
  tags: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  port: { type: 'string' },
  assets: { type: 'string' },
  days: { type: 'string' },
  seed: { type: 'string' },
  end: { type: 'string' },
  period: { type: 'string' },
  'work-orders': { type: 'string' },
  'pki-dir': { type: 'string' },
  url: { type: 'string' },
  query: { type: 'string' },
  layout: { type: 'string' },
  asset: { type: 'string' },
  'asset-map': { type: 'string' },
  'time-zone': { type: 'string' },
  'values-per-read': { type: 'string' },
  json: { type: 'boolean' },
} as const;

const int = (name: string, raw: string | undefined, fallback: number): number => {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) fail(`--${name}: not a whole number: ${raw}`);
  return n;
};

type Values = ReturnType<typeof parse>['values'];
const parse = (args: readonly string[]) => parseArgs({ args: [...args], allowPositionals: true, options: OPTIONS });

/** Connection settings from the options, or from a saved profile (`--profile`), the password decrypted. */
const opcuaSettings = async (values: Values) => {
  const userDataDir = defaultUserDataDir();
  if (values.profile !== undefined) {
    if (values.workspace === undefined) fail('--profile needs --workspace (profiles are saved per workspace)');
    const profile = await new ProfileStore(resolve(values.workspace as string), userDataDir).get(values.profile);
    if (profile.kind !== 'opcua') fail(`profile "${values.profile}" is not an OPC UA connection`);
    const p = profile as Extract<typeof profile, { kind: 'opcua' }>;
    return {
      endpoint: p.endpoint,
      securityMode: p.securityMode,
      securityPolicy: p.securityPolicy,
      user: p.userName === null ? undefined : { userName: p.userName, password: p.plainPassword ?? '' },
      userDataDir,
    };
  }
  const endpoint = values.endpoint ?? fail('--endpoint <opc.tcp://host:port> is required');
  const securityMode = (values['security-mode'] ?? 'None') as 'None' | 'Sign' | 'SignAndEncrypt';
  if (!['None', 'Sign', 'SignAndEncrypt'].includes(securityMode)) fail('--security-mode: None, Sign or SignAndEncrypt');
  const securityPolicy = (values['security-policy'] ?? (securityMode === 'None' ? 'None' : 'Basic256Sha256')) as
    'None' | 'Basic256Sha256';
  if (!['None', 'Basic256Sha256'].includes(securityPolicy)) fail('--security-policy: None or Basic256Sha256');
  let user: { userName: string; password: string } | undefined;
  if (values.user !== undefined) {
    const password = await readPassword(values['password-file']);
    if (password === undefined) fail(`--user ${values.user}: give the password with --password-file or PDM_PASSWORD`);
    user = { userName: values.user, password: password as string };
  }
  return { endpoint, securityMode, securityPolicy, user, userDataDir };
};

const simulate = async (values: Values) => {
  const { PlantSimulator } = await import('../core/historians/simulator/opcua-simulator.js');
  const { workOrdersCsv } = await import('../core/historians/simulator/plant-model.js');
  const { join } = await import('node:path');
  const password = values.user === undefined ? undefined : await readPassword(values['password-file']);
  if (values.user !== undefined && password === undefined)
    fail('--user: give the password with --password-file or PDM_PASSWORD');
  const endMs = values.end === undefined ? undefined : parseTime(values.end, '--end');
  const sim = await PlantSimulator.start({
    port: int('port', values.port, 4840),
    assets: int('assets', values.assets, 4),
    days: int('days', values.days, 30),
    seed: int('seed', values.seed, 1),
    ...(endMs !== undefined ? { endMs } : {}),
    periodMs: int('period', values.period, 60) * 1000,
    pkiDir: values['pki-dir'] ?? join(defaultUserDataDir(), 'simulator-pki'),
    ...(values.user !== undefined ? { users: [{ userName: values.user, password: password as string }] } : {}),
  });
  let workOrders: string | null = null;
  if (values['work-orders'] !== undefined) {
    workOrders = resolve(values['work-orders']);
    const end = sim.historyEndMs();
    await writeFile(workOrders, workOrdersCsv(sim.model.workOrdersBetween(sim.model.options.startMs, end)));
  }
  const info = {
    endpoint: sim.endpointUrl,
    tags: sim.tags.length,
    assets: sim.model.assets.length,
    from: new Date(sim.model.options.startMs).toISOString(),
    to: endMs === undefined ? 'now (growing)' : new Date(endMs).toISOString(),
    workOrders,
  };
  printResult(
    values.json === true,
    info,
    `plant simulator on ${info.endpoint}: ${info.assets} assets, ${info.tags} tags with history from ${info.from}` +
      `${workOrders ? `; work orders in ${workOrders}` : ''}. Ctrl+C stops it.`,
  );
  await new Promise<void>((done) => {
    const stop = () => {
      sim.stop().then(done, done);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
};

const browse = async (values: Values) => {
  const { connectOpcua } = await import('../core/historians/opcua/connection.js');
  const { browseTags } = await import('../core/historians/opcua/browse.js');
  const settings = await opcuaSettings(values);
  const connection = await connectOpcua({ ...settings, trustServerCertificate: values['trust-server'] === true });
  try {
    const tags = await browseTags(connection.session);
    printResult(
      values.json === true,
      {
        tags: tags.map((t) => ({
          nodeId: t.nodeId,
          name: t.name,
          unit: t.unit,
          historizing: t.historizing,
          asset: t.asset,
          low: t.low,
          high: t.high,
        })),
      },
      tags
        .map((t) => `${t.nodeId}\t${t.asset ?? ''}\t${t.name}\t${t.unit ?? ''}\t${t.historizing ? 'history' : ''}`)
        .join('\n'),
    );
  } finally {
    await connection.close();
  }
};

const tagList = async (raw: string | undefined): Promise<string[]> => {
  if (raw === undefined) fail('--tags <nodeId,...|@file> is required');
  const text = (raw as string).startsWith('@')
    ? await readFile(resolve((raw as string).slice(1)), 'utf8')
    : (raw as string);
  const tags = text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0 && !s.startsWith('#'));
  if (tags.length === 0) fail('--tags: no tag given');
  return tags;
};

const importOpcua = async (values: Values) => {
  const { connectOpcua } = await import('../core/historians/opcua/connection.js');
  const { importOpcuaHistory } = await import('../core/historians/opcua/history-import.js');
  const settings = await opcuaSettings(values);
  const nodeIds = await tagList(values.tags);
  const fromMs = values.from === undefined ? undefined : parseTime(values.from, '--from', values['time-zone']);
  const toMs = values.to === undefined ? undefined : parseTime(values.to, '--to', values['time-zone']);
  const json = values.json === true;
  await withWorkspace(values.workspace, async (ws) => {
    const connection = await connectOpcua({ ...settings, trustServerCertificate: values['trust-server'] === true });
    const cancel = cancelOnSignal();
    try {
      const result = await importOpcuaHistory(
        ws,
        connection.session,
        {
          endpoint: settings.endpoint,
          nodeIds,
          fromMs,
          toMs,
          ...(values['values-per-read'] !== undefined
            ? { valuesPerRead: int('values-per-read', values['values-per-read'], 10_000) }
            : {}),
        },
        { isCancelled: cancel.isCancelled, progress: progressPrinter(json) },
      );
      if (values['save-profile'] !== undefined) {
        await new ProfileStore(ws.path, settings.userDataDir).save({
          kind: 'opcua',
          name: values['save-profile'],
          endpoint: settings.endpoint,
          securityMode: settings.securityMode,
          securityPolicy: settings.securityPolicy,
          userName: settings.user?.userName ?? null,
          plainPassword: settings.user?.password ?? null,
        });
      }
      if (!json) process.stderr.write('\n');
      printResult(
        json,
        { ...result, perTag: undefined, tagDetails: result.perTag },
        `${result.values} values from ${result.tags} tags in ${result.seconds.toFixed(1)} s (${result.duplicates} duplicates skipped${result.resumed ? '; resumed from checkpoints' : ''})`,
      );
    } finally {
      cancel.dispose();
      await connection.close();
    }
  });
};

const importSql = async (values: Values) => {
  const { importPostgres } = await import('../core/historians/sql/postgres-import.js');
  const url = values.url ?? fail('--url <postgres://user@host:port/db> is required');
  const queryFile = values.query ?? fail('--query <file.sql> is required');
  const query = await readFile(resolve(queryFile as string), 'utf8');
  const layout = (values.layout ?? 'long') as 'long' | 'wide';
  if (layout !== 'long' && layout !== 'wide') fail('--layout: long or wide');
  const json = values.json === true;
  const password = await readPassword(values['password-file']);
  await withWorkspace(values.workspace, async (ws) => {
    const cancel = cancelOnSignal();
    try {
      const result = await importPostgres(
        ws,
        {
          url: url as string,
          ...(password !== undefined ? { password } : {}),
          query,
          layout,
          fromMs: values.from === undefined ? undefined : parseTime(values.from, '--from', values['time-zone']),
          toMs: values.to === undefined ? undefined : parseTime(values.to, '--to', values['time-zone']),
          ...(values.asset !== undefined ? { asset: values.asset } : {}),
        },
        { isCancelled: cancel.isCancelled, progress: progressPrinter(json) },
      );
      if (!json) process.stderr.write('\n');
      printResult(
        json,
        result,
        `${result.values} values from ${result.rows} rows (${result.duplicates} duplicates skipped; ${result.signals} signals)`,
      );
    } finally {
      cancel.dispose();
    }
  });
};

const importEvents = async (values: Values, positionals: readonly string[]) => {
  const { importWorkOrders, readAssetMap } = await import('../core/historians/events/work-orders.js');
  const file = positionals[0] ?? fail('import events: name the work-order CSV file');
  const assetMap = values['asset-map'] === undefined ? {} : await readAssetMap(resolve(values['asset-map']));
  await withWorkspace(values.workspace, async (ws) => {
    const result = await importWorkOrders(ws, resolve(file as string), {
      assetMap,
      ...(values['time-zone'] !== undefined ? { timeZone: values['time-zone'] } : {}),
    });
    printResult(
      values.json === true,
      result,
      `${result.events} events imported (${result.rejected} rows rejected, ${result.duplicates} already present)`,
    );
  });
};

/** node-opcua logs warnings with console.log: keep stdout for results (with --json its last line is the JSON). */
const logsToStderr = () => {
  const toStderr = (...args: unknown[]) => {
    process.stderr.write(`${format(...args)}\n`);
  };
  console.log = toStderr;
  console.info = toStderr;
  console.warn = toStderr;
};

export const runHistorianCommand = async (command: string, args: readonly string[]): Promise<void> => {
  logsToStderr();
  if (command === 'import') {
    const [kind, ...rest] = args;
    const { values, positionals } = parse(rest);
    if (kind === 'opcua') return importOpcua(values);
    if (kind === 'sql') return importSql(values);
    if (kind === 'events') return importEvents(values, positionals);
    fail(`import: opcua, sql or events (files are imported with "ingest"), not "${kind ?? ''}"`);
  }
  const { values } = parse(args);
  if (command === 'simulate') return simulate(values);
  if (command === 'browse') return browse(values);
  fail(`unknown command ${command}`);
};
