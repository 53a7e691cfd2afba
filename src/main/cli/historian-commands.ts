import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { format } from 'node:util';
import { ApiError } from '../../shared/api.js';
import type { OpcuaConnect } from '../../shared/historian.js';
import { defaultUserDataDir } from '../core/app/user-data.js';
import { parseTime } from '../core/historians/control.js';
import type { Injection } from '../core/historians/simulator/injections.js';
import { fail, type Readers } from './cli-args.js';
import type { CliApi } from './cli-api.js';
import type { Command } from './command.js';

const PASSWORD_NOTE =
  '  Passwords come from --password-file or the PDM_PASSWORD environment variable, never from the command line.';

/** A password file's content (without its final newline), else PDM_PASSWORD; the API decides what else to try. */
const readPassword = async (file: string | undefined): Promise<string | undefined> => {
  if (file !== undefined) return (await readFile(resolve(file), 'utf8')).replace(/\r?\n$/, '');
  const env = process.env['PDM_PASSWORD'];
  return env === undefined || env === '' ? undefined : env;
};

/** An ISO 8601 option as the API's µs. */
const micros = (args: Readers, name: string): number | undefined => {
  const raw = args.str(name);
  return raw === undefined ? undefined : parseTime(raw, `--${name}`, args.str('time-zone')) * 1000;
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

const CONNECT_OPTIONS = {
  endpoint: { type: 'string' },
  'security-mode': { type: 'string' },
  'security-policy': { type: 'string' },
  user: { type: 'string' },
  'password-file': { type: 'string' },
  profile: { type: 'string' },
  'trust-server': { type: 'boolean' },
} as const;

/**
 * The connection as the API takes it. With --profile, the endpoint, security and user come from the saved
 * profile (listConnectionProfiles) and the API resolves its saved password; options given override them.
 */
const opcuaConnect = async (args: Readers, client: CliApi): Promise<OpcuaConnect> => {
  const profileName = args.str('profile');
  let saved: Partial<OpcuaConnect> = {};
  if (profileName !== undefined) {
    const profile = (await client.call('listConnectionProfiles', {})).find((p) => p.name === profileName);
    if (profile === undefined)
      throw new ApiError('not-found', `no saved connection "${profileName}" in this workspace`);
    if (profile.kind !== 'opcua') fail(`--profile ${profileName}: not an OPC UA connection`);
    if (profile.kind === 'opcua') {
      saved = {
        endpoint: profile.endpoint,
        securityMode: profile.securityMode,
        securityPolicy: profile.securityPolicy,
        ...(profile.userName !== null ? { userName: profile.userName } : {}),
      };
    }
  }
  const endpoint = args.str('endpoint') ?? saved.endpoint ?? fail('--endpoint <opc.tcp://host:port> is required');
  const securityMode = (args.str('security-mode') ?? saved.securityMode ?? 'None') as OpcuaConnect['securityMode'];
  const securityPolicy = (args.str('security-policy') ??
    saved.securityPolicy ??
    (securityMode === 'None' ? 'None' : 'Basic256Sha256')) as OpcuaConnect['securityPolicy'];
  const userName = args.str('user') ?? saved.userName;
  const password = userName === undefined ? undefined : await readPassword(args.str('password-file'));
  if (userName !== undefined && password === undefined && profileName === undefined)
    fail(`--user ${userName}: give the password with --password-file or PDM_PASSWORD`);
  return {
    endpoint,
    securityMode,
    securityPolicy,
    ...(userName !== undefined ? { userName } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(profileName !== undefined ? { profile: profileName } : {}),
    ...(args.flag('trust-server') ? { trustServer: 'once' as const } : {}),
  };
};

/** The injections of --inject (repeatable) and --injections <file.json>, validated. */
const simulatorInjections = async (args: Readers) => {
  const { parseInjectFlag, parseInjections } = await import('../core/historians/simulator/injections.js');
  const list: Injection[] = [];
  const file = args.str('injections');
  if (file !== undefined) {
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(resolve(file), 'utf8'));
    } catch (e) {
      fail(`simulate: --injections ${file}: ${e instanceof Error ? e.message : String(e)}`);
    }
    try {
      list.push(...parseInjections(raw, `--injections ${file}`));
    } catch (e) {
      fail(`simulate: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  for (const flag of args.list('inject') ?? []) {
    try {
      list.push(parseInjectFlag(flag));
    } catch (e) {
      fail(`simulate: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return list;
};

export const simulate: Command = {
  name: 'simulate',
  usage: `simulate [--port 4840] [--assets N] [--days D] [--seed S] [--end <iso>] [--period S] [--work-orders <csv>]
         [--inject KIND:TAG[:key=value,...]@<iso>]... [--injections <file.json>] [--time-scale N]
         [--user NAME --password-file F] [--pki-dir DIR] [--json]`,
  details: `  The plant simulator: an OPC UA server with history on 127.0.0.1, for trying imports (Ctrl-C stops it).
  It is a test fixture, not part of the app, so it runs the simulator directly.
  Faults from a given time (repeat --inject, or a JSON list in --injections; TAG is "<asset>.<name>"):
    drift:P-101.VibrationRMS:offset=2.5@2026-01-10T00:00Z        value x gain + offset (gain=1.1, rampHours=24)
    unit:P-101.BearingTemperature:unit=degF@2026-01-10T00:00Z    unit and values converted (degF, K, psi, kPa, in/s, l/s)
    remove:P-102.Speed@2026-01-10T00:00Z                          the tag leaves browse and history
    rename:P-101.Flow:to=FlowPV@2026-01-10T00:00Z                 the tag is served as P-101.FlowPV from then on
    period:P-101.MotorCurrent:periodS=300@2026-01-10T00:00Z       sample period (a multiple of --period)
  The JSON form is a list of {"kind", "tag", "from", ...the same keys}.
  --time-scale N: the server's clock runs N times faster than real time, from --end (or now), for follow-mode tests;
  the server serves that clock as ServerStatus/CurrentTime, which "update to now" (import, monitor --follow) asks for.
${PASSWORD_NOTE}`,
  options: {
    port: { type: 'string' },
    assets: { type: 'string' },
    days: { type: 'string' },
    seed: { type: 'string' },
    end: { type: 'string' },
    period: { type: 'string' },
    'work-orders': { type: 'string' },
    inject: { type: 'string', multiple: true },
    injections: { type: 'string' },
    'time-scale': { type: 'string' },
    'pki-dir': { type: 'string' },
    user: { type: 'string' },
    'password-file': { type: 'string' },
  },
  run: async (args) => {
    logsToStderr();
    const { PlantSimulator } = await import('../core/historians/simulator/opcua-simulator.js');
    const { workOrdersCsv } = await import('../core/historians/simulator/plant-model.js');
    const injections = await simulatorInjections(args);
    const timeScale = args.num('time-scale');
    if (timeScale !== undefined && !(timeScale > 0)) fail(`simulate: --time-scale: must be above 0, not ${timeScale}`);
    const userName = args.str('user');
    const password = userName === undefined ? undefined : await readPassword(args.str('password-file'));
    if (userName !== undefined && password === undefined)
      fail('simulate: --user: give the password with --password-file or PDM_PASSWORD');
    const end = args.str('end');
    const endMs = end === undefined ? undefined : parseTime(end, '--end');
    const started = PlantSimulator.start({
      port: args.int('port') ?? 4840,
      assets: args.int('assets') ?? 4,
      days: args.int('days') ?? 30,
      seed: args.int('seed') ?? 1,
      ...(endMs !== undefined ? { endMs } : {}),
      periodMs: (args.int('period') ?? 60) * 1000,
      pkiDir: args.str('pki-dir') ?? join(defaultUserDataDir(), 'simulator-pki'),
      ...(userName !== undefined && password !== undefined ? { users: [{ userName, password }] } : {}),
      ...(injections.length > 0 ? { injections } : {}),
      ...(timeScale !== undefined ? { timeScale } : {}),
    });
    // An injection naming a tag the plant lacks is the user's mistake: say so without a stack trace.
    const sim = await started.catch((e: unknown) =>
      e instanceof Error && /^injection \d+/.test(e.message) ? fail(`simulate: ${e.message}`) : Promise.reject(e),
    );
    let workOrders: string | null = null;
    const workOrdersFile = args.str('work-orders');
    if (workOrdersFile !== undefined) {
      workOrders = resolve(workOrdersFile);
      await writeFile(
        workOrders,
        workOrdersCsv(sim.model.workOrdersBetween(sim.model.options.startMs, sim.historyEndMs())),
      );
    }
    const info = {
      endpoint: sim.endpointUrl,
      tags: sim.tags.length,
      assets: sim.model.assets.length,
      from: new Date(sim.model.options.startMs).toISOString(),
      to:
        timeScale !== undefined
          ? `growing ${timeScale}x faster than real time`
          : endMs === undefined
            ? 'now (growing)'
            : new Date(endMs).toISOString(),
      workOrders,
      injections: injections.length,
    };
    process.stdout.write(
      `${
        args.json
          ? JSON.stringify(info)
          : `plant simulator on ${info.endpoint}: ${info.assets} assets, ${info.tags} tags with history from ${info.from}` +
            `${workOrders ? `; work orders in ${workOrders}` : ''}. Ctrl+C stops it.`
      }\n`,
    );
    await new Promise<void>((done) => {
      const stop = () => {
        sim.stop().then(done, done);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return null;
  },
};

export const browse: Command = {
  name: 'browse',
  usage: `browse --endpoint <opc.tcp://...> [--security-mode None|Sign|SignAndEncrypt] [--security-policy P]
       [--user NAME] [--password-file F] [--profile NAME --workspace <dir>] [--trust-server] [--json]`,
  details: `  The server's historizing variables with units (browseOpcua). --profile: a connection saved in the workspace.
${PASSWORD_NOTE}`,
  options: { ...CONNECT_OPTIONS, workspace: { type: 'string', short: 'w' } },
  run: async (args, api) => {
    logsToStderr();
    const client = await api();
    if (args.str('profile') !== undefined) {
      if (args.str('workspace') === undefined)
        fail('browse: --profile needs --workspace (profiles are saved per workspace)');
      await client.openWorkspace(args.str('workspace'), { mustExist: true });
    }
    const result = await client.call('browseOpcua', await opcuaConnect(args, client));
    return {
      value: result,
      text: result.tags
        .map((t) => `${t.nodeId}\t${t.asset ?? ''}\t${t.name}\t${t.unit ?? ''}\t${t.historizing ? 'history' : ''}`)
        .join('\n'),
    };
  },
};

const tagList = async (raw: string | undefined): Promise<string[]> => {
  if (raw === undefined) return fail('import opcua: --tags <nodeId,...|@file> is required');
  const text = raw.startsWith('@') ? await readFile(resolve(raw.slice(1)), 'utf8') : raw;
  const tags = text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0 && !s.startsWith('#'));
  if (tags.length === 0) fail('import opcua: --tags: no tag given');
  return tags;
};

/** `--overlap` minutes as the API's ms; omitted: the importer's default (60 minutes). */
const overlapOption = (args: Readers): { overlapMs?: number } => {
  const raw = args.str('overlap');
  if (raw === undefined) return {};
  const minutes = Number(raw);
  if (!Number.isFinite(minutes) || minutes < 0) fail(`--overlap: minutes, 0 or more: ${raw}`);
  return { overlapMs: Math.round(minutes * 60_000) };
};

const OVERLAP_NOTE = `  Imports fetch only the parts of the range not imported before, re-reading the last --overlap minutes
  (default 60) of what was, for values a store-and-forward historian delivers late.`;

export const importOpcua: Command = {
  name: 'import opcua',
  usage: `import opcua --workspace <dir> --endpoint <url> --tags <nodeId,...|@file> [--from <iso>] [--to <iso>|now]
       [--time-zone <IANA>] [--overlap MINUTES] [--security-mode M] [--user NAME] [--password-file F] [--profile NAME] [--save-profile NAME]
       [--trust-server] [--json]`,
  details: `  Raw history of the tags as a job (startOpcuaImport); without --from each tag continues from its checkpoint.
  Progress on stderr; Ctrl-C cancels. --save-profile keeps the connection (password encrypted) for the app.
${OVERLAP_NOTE}
${PASSWORD_NOTE}`,
  options: {
    ...CONNECT_OPTIONS,
    workspace: { type: 'string', short: 'w' },
    'save-profile': { type: 'string' },
    tags: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    overlap: { type: 'string' },
    'time-zone': { type: 'string' },
  },
  run: async (args, api) => {
    logsToStderr();
    const tags = await tagList(args.str('tags'));
    const from = micros(args, 'from');
    const to = micros(args, 'to');
    const client = await api();
    await client.openWorkspace(args.str('workspace'), { mustExist: false });
    const connect = await opcuaConnect(args, client);
    const { jobId } = await client.call('startOpcuaImport', {
      ...connect,
      tags,
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
      ...overlapOption(args),
    });
    const result = (await client.followJob(jobId, { json: args.json })).opcua;
    if (result === null || result === undefined) throw new Error('the import finished without a summary');
    const saveAs = args.str('save-profile');
    if (saveAs !== undefined) {
      await client.call('saveConnectionProfile', {
        name: saveAs,
        endpoint: connect.endpoint,
        securityMode: connect.securityMode,
        securityPolicy: connect.securityPolicy,
        userName: connect.userName ?? null,
        ...(connect.password !== undefined ? { password: connect.password } : {}),
      });
    }
    return {
      value: result,
      text:
        `${result.values} values from ${result.tags} tags in ${result.seconds.toFixed(1)} s (${result.duplicates} duplicates skipped${result.resumed ? '; resumed from checkpoints' : ''})` +
        (result.warnings ?? []).map((w) => `\nwarning: ${w}`).join(''),
    };
  },
};

export const importSql: Command = {
  name: 'import sql',
  usage: `import sql --workspace <dir> --url <postgres://user@host/db> --query <file.sql> [--layout long|wide]
       [--from <iso>] [--to <iso>] [--time-zone <IANA>] [--overlap MINUTES] [--asset NAME] [--password-file F] [--profile NAME] [--json]`,
  details: `  A PostgreSQL historian as a job (startSqlImport). In the query $1 = from and $2 = to (timestamptz); long rows
  are (time, tag, value[, quality][, asset]), wide rows a time column and one column per tag. Without --from
  it continues from the last import of the same query. --profile: a saved PostgreSQL connection's password.
${OVERLAP_NOTE}
${PASSWORD_NOTE}`,
  options: {
    workspace: { type: 'string', short: 'w' },
    url: { type: 'string' },
    query: { type: 'string' },
    layout: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    'time-zone': { type: 'string' },
    asset: { type: 'string' },
    'password-file': { type: 'string' },
    profile: { type: 'string' },
    overlap: { type: 'string' },
  },
  run: async (args, api) => {
    const url = args.need('url', '<postgres://user@host:port/db>');
    const queryFile = args.need('query', '<file.sql>');
    const layout = args.str('layout') ?? 'long';
    if (layout !== 'long' && layout !== 'wide') fail('import sql: --layout: long or wide');
    const query = await readFile(resolve(queryFile), 'utf8').catch(() => {
      throw new ApiError('invalid-argument', `${queryFile}: cannot read the query file`);
    });
    const password = await readPassword(args.str('password-file'));
    const profile = args.str('profile');
    const asset = args.str('asset');
    const from = micros(args, 'from');
    const to = micros(args, 'to');
    const client = await api();
    await client.openWorkspace(args.str('workspace'), { mustExist: false });
    const { jobId } = await client.call('startSqlImport', {
      url,
      query,
      layout: layout as 'long' | 'wide',
      ...(password !== undefined ? { password } : {}),
      ...(profile !== undefined ? { profile } : {}),
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
      ...overlapOption(args),
      ...(asset !== undefined ? { asset } : {}),
    });
    const result = (await client.followJob(jobId, { json: args.json })).sql;
    if (result === null || result === undefined) throw new Error('the import finished without a summary');
    return {
      value: result,
      text: `${result.values} values from ${result.rows} rows (${result.duplicates} duplicates skipped; ${result.signals} signals)`,
    };
  },
};

export const importEvents: Command = {
  name: 'import events',
  usage: 'import events --workspace <dir> <work-orders.csv> [--asset-map <csv: from,to>] [--time-zone <IANA>] [--json]',
  details: `  Work orders from a CMMS CSV export as events (importEventsFile); --asset-map renames CMMS assets.
  Times without an offset are read in --time-zone (default UTC), by the same rule as file imports.`,
  options: {
    workspace: { type: 'string', short: 'w' },
    'asset-map': { type: 'string' },
    'time-zone': { type: 'string' },
  },
  positionals: true,
  run: async (args, api) => {
    const file = args.positionals[0] ?? fail('import events: name the work-order CSV file');
    if (args.positionals.length > 1) fail(`import events: one file at a time, not also "${args.positionals[1] ?? ''}"`);
    const mapFile = args.str('asset-map');
    let assetMap: Record<string, string> | undefined;
    if (mapFile !== undefined) {
      const { readAssetMap } = await import('../core/historians/events/work-orders.js');
      assetMap = await readAssetMap(resolve(mapFile));
    }
    const client = await api();
    await client.openWorkspace(args.str('workspace'), { mustExist: false });
    const result = await client.call('importEventsFile', {
      path: resolve(file),
      ...(assetMap !== undefined ? { assetMap } : {}),
      ...(args.str('time-zone') !== undefined ? { timeZone: args.str('time-zone') } : {}),
    });
    return {
      value: result,
      text: `${result.events} events imported (${result.rejected} rows rejected, ${result.duplicates} already present)`,
    };
  },
};

export const HISTORIAN_COMMANDS: readonly Command[] = [simulate, browse, importOpcua, importSql, importEvents];
