import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { format } from 'node:util';
import { ApiError } from '../../shared/api.js';
import type {
  Alert,
  Deployment,
  DispositionInput,
  FollowSource,
  ScoringResult,
  ShadowReport,
  SignalMapping,
} from '../../shared/monitoring.js';
import { followDeployment } from '../core/monitoring/follow.js';
import { updateFromSource } from '../core/monitoring/follow-source.js';
import { FALSE_ALARM_CAUSES } from '../../shared/monitoring.js';
import { fail, type Readers } from './cli-args.js';
import type { CliApi } from './cli-api.js';
import { listOutput, type Command } from './command.js';

/**
 * The monitoring loop on the command line (issue 10 §6), a thin client of the monitoring API: deployments,
 * scoring passes as jobs, follow mode, and the alert lifecycle. docs/monitoring.md has the details.
 */

const WORKSPACE = { workspace: { type: 'string', short: 'w' } } as const;
const DEPLOYMENT = { deployment: { type: 'string', short: 'd' } } as const;

const open = async (args: Readers, api: () => Promise<CliApi>): Promise<CliApi> => {
  const client = await api();
  await client.openWorkspace(args.str('workspace'), { mustExist: true });
  return client;
};

/** "--assets a,b --assets c" -> [a, b, c]. */
const listOf = (values: readonly string[] | undefined): string[] =>
  (values ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');

/**
 * "--map contract=tag" maps the contract signal to the workspace tag of the same name on every deployed asset;
 * "--map contract=" leaves it unmapped (that asset then blocks, naming the signal).
 */
const mappingOf = (maps: readonly string[], assets: readonly string[], usage: string): SignalMapping | undefined => {
  if (maps.length === 0) return undefined;
  const pairs = maps.map((m) => {
    const at = m.indexOf('=');
    if (at <= 0) fail(`deploy create: --map ${m}: expected contract-signal=workspace-tag`, usage);
    return [m.slice(0, at), m.slice(at + 1)] as const;
  });
  return Object.fromEntries(
    assets.map((asset) => [
      asset,
      Object.fromEntries(pairs.map(([signal, tag]) => [signal, tag === '' ? null : { asset, tag }])),
    ]),
  );
};

const modelOf = (d: Deployment): string =>
  `${d.model.name} ${d.model.pinnedVersion === null ? `(${d.model.stage ?? ''})` : `pinned`} v${d.currentVersion ?? '-'}` +
  (d.pendingVersion === null ? '' : ` (v${d.pendingVersion} waiting: deploy confirm)`);

const ruleText = (d: Deployment): string =>
  d.rule === null
    ? 'no alert rule'
    : `alert when ${d.rule.output} ${d.rule.direction} ${d.rule.setLevel}` +
      (d.rule.clearLevel === undefined ? '' : `, clear at ${d.rule.clearLevel}`) +
      ` (${d.rule.k} of ${d.rule.n}, on-delay ${d.rule.onDelay}, off-delay ${d.rule.offDelay}, re-alert ${d.rule.reAlert ?? 'never'})`;

const deploymentText = (d: Deployment): string => {
  const unmapped = Object.entries(d.mapping).flatMap(([asset, tags]) =>
    Object.entries(tags)
      .filter(([, ref]) => ref === null)
      .map(([signal]) => `${asset}: ${signal}`),
  );
  return [
    `${d.id}\t${d.name}\t${modelOf(d)}\t${d.status}`,
    `  registry ${d.registry}`,
    `  assets ${d.assets.join(', ')}`,
    `  ${ruleText(d)}`,
    unmapped.length === 0 ? '  every contract signal is mapped' : `  unmapped (blocks scoring): ${unmapped.join('; ')}`,
  ].join('\n');
};

const CREATE_USAGE =
  'deploy create --workspace <dir> --registry <dir|url> --name <model> [--stage production|approved | --version N] ' +
  '[--assets a,b,...] [--map contract-signal=workspace-tag ...] [--title <text>] [--json]';

export const deployCreate: Command = {
  name: 'deploy create',
  usage: CREATE_USAGE,
  details: `  Deploy a registry model on workspace assets (createDeployment): it follows the stage (default production)
  or stays on --version. Each contract signal maps to the asset's workspace signal of the same tag (or spelled
  alike); --map overrides one on every asset, --map signal= leaves it unmapped. A registry server's token comes
  from --token or $PDM_REGISTRY_TOKEN. --assets defaults to every asset of the workspace.`,
  options: {
    ...WORKSPACE,
    registry: { type: 'string' },
    token: { type: 'string' },
    name: { type: 'string' },
    title: { type: 'string' },
    stage: { type: 'string' },
    version: { type: 'string' },
    assets: { type: 'string', multiple: true },
    map: { type: 'string', multiple: true },
  },
  run: async (args, api) => {
    const registry = args.need('registry', '<dir|url>');
    const model = args.need('name', '<model>');
    const stage = args.str('stage');
    if (stage !== undefined && stage !== 'production' && stage !== 'approved')
      fail(`deploy create: --stage must be production or approved, not ${stage}`, CREATE_USAGE);
    const version = args.int('version');
    const client = await open(args, api);
    let assets = listOf(args.list('assets'));
    if (assets.length === 0) assets = [...new Set((await client.call('listSignals', {})).map((s) => s.asset))];
    if (assets.length === 0) throw new ApiError('not-found', 'the workspace has no assets yet: import data first');
    const mapping = mappingOf(listOf(args.list('map')), assets, CREATE_USAGE);
    const token = args.str('token');
    const title = args.str('title');
    const created = await client.call('createDeployment', {
      registry: /^https?:\/\//i.test(registry) ? registry : resolve(registry),
      model,
      assets,
      ...(stage === undefined ? {} : { stage: stage as 'production' | 'approved' }),
      ...(version === undefined ? {} : { version }),
      ...(mapping === undefined ? {} : { mapping }),
      ...(token === undefined ? {} : { token }),
      ...(title === undefined ? {} : { name: title }),
    });
    return {
      value: { ...created.deployment, unmapped: created.unmapped },
      text: `deployed ${created.deployment.id}\n${deploymentText(created.deployment)}`,
    };
  },
};

export const deployList: Command = {
  name: 'deploy list',
  usage: 'deploy list --workspace <dir> [--json]',
  details: '  Deployments of the workspace, oldest first (listDeployments).',
  options: { ...WORKSPACE },
  run: async (args, api) => {
    const client = await open(args, api);
    return listOutput('deployments', await client.call('listDeployments', {}), (d) => deploymentText(d));
  },
};

export const deployShow: Command = {
  name: 'deploy show',
  usage: 'deploy show --workspace <dir> --deployment <id> [--json]',
  details: '  One deployment: model and version (and a version waiting for confirmation), mapping, rule.',
  options: { ...WORKSPACE, ...DEPLOYMENT },
  run: async (args, api) => {
    const id = args.need('deployment', '<id>');
    const client = await open(args, api);
    const d = await client.call('getDeployment', { id });
    return { value: d, text: deploymentText(d) };
  },
};

export const deployConfirm: Command = {
  name: 'deploy confirm',
  usage: 'deploy confirm --workspace <dir> --deployment <id> [--json]',
  details: `  Switch to the version the followed stage now points to (confirmVersionSwitch); until then scores keep
  coming from the current version.`,
  options: { ...WORKSPACE, ...DEPLOYMENT },
  run: async (args, api) => {
    const id = args.need('deployment', '<id>');
    const client = await open(args, api);
    const d = await client.call('confirmVersionSwitch', { id });
    return { value: d, text: `${d.id} now scores with ${d.model.name} v${d.currentVersion ?? '-'}` };
  },
};

const CHALLENGER_USAGE =
  'deploy set-challenger --workspace <dir> --deployment <champion id> --version N [--title <text>] [--json]';

export const deploySetChallenger: Command = {
  name: 'deploy set-challenger',
  usage: CHALLENGER_USAGE,
  details: `  Shadow the deployment with another version of its model (createChallenger): same assets, mapping, rule and
  limits. Every scoring pass of the champion (score, monitor, the app) scores the challenger on the same data;
  its scores and alerts are kept apart. "deploy compare" shows what would have happened.`,
  options: {
    ...WORKSPACE,
    ...DEPLOYMENT,
    version: { type: 'string' },
    title: { type: 'string' },
    token: { type: 'string' },
  },
  run: async (args, api) => {
    const championId = args.need('deployment', '<champion id>');
    const version = args.int('version') ?? fail('deploy set-challenger: --version N is required', CHALLENGER_USAGE);
    const title = args.str('title');
    const token = args.str('token');
    const client = await open(args, api);
    const d = await client.call('createChallenger', {
      championId,
      version,
      ...(title === undefined ? {} : { name: title }),
      ...(token === undefined ? {} : { token }),
    });
    return {
      value: d,
      text: `challenger ${d.id} (v${d.currentVersion ?? '-'}) shadows ${championId}\n${deploymentText(d)}`,
    };
  },
};

const sideText = (label: string, s: ShadowReport['champion']): string =>
  `${label} ${s.deployment} v${s.modelVersion ?? '-'}: ${s.raised} alert(s) raised; confirmed ${s.confirmed}, ` +
  `false alarm ${s.falseAlarms}, not actionable ${s.notActionable}, no disposition ${s.undispositioned}`;

export const deployCompare: Command = {
  name: 'deploy compare',
  usage: 'deploy compare --workspace <dir> --deployment <challenger id> [--tolerance T] [--json]',
  details: `  Champion vs challenger side by side (compareChallenger): alerts raised and, where technicians closed the
  champion's alerts, confirmed vs false for each. Alerts on the same asset within --tolerance (data axis; default
  10 cycles or one day) are the same warning.`,
  options: { ...WORKSPACE, ...DEPLOYMENT, tolerance: { type: 'string' } },
  run: async (args, api) => {
    const challengerId = args.need('deployment', '<challenger id>');
    const tolerance = args.num('tolerance');
    const client = await open(args, api);
    const r = await client.call('compareChallenger', {
      challengerId,
      ...(tolerance === undefined ? {} : { tolerance }),
    });
    return {
      value: r,
      text: [
        sideText('champion  ', r.champion),
        sideText('challenger', r.challenger),
        ...r.byAsset.map(
          (a) =>
            `  ${a.asset}: both ${a.matched}, champion only ${a.championOnly}, challenger only ${a.challengerOnly}; ` +
            `confirmed failures also caught ${a.confirmedAlsoRaised}, missed ${a.confirmedMissed}; false alarms spared ${a.falseAlarmsSpared}`,
        ),
      ].join('\n'),
    };
  },
};

const RULE_USAGE =
  'deploy set-rule --workspace <dir> --deployment <id> (--direction above|below --set N [--clear N] [--k N --n N] ' +
  '[--on-delay T] [--off-delay T] [--re-alert T] | --none) [--json]';

export const deploySetRule: Command = {
  name: 'deploy set-rule',
  usage: RULE_USAGE,
  details: `  The deployment's alert rule (setAlertRule): alert when the model output passes --set (above for anomaly
  scores and failure probabilities, below for remaining useful life) in k of the last n windows, clear when it
  passes back --clear (hysteresis); delays and re-alert in the data's time unit (µs or cycles). --none removes it.`,
  options: {
    ...WORKSPACE,
    ...DEPLOYMENT,
    direction: { type: 'string' },
    set: { type: 'string' },
    clear: { type: 'string' },
    k: { type: 'string' },
    n: { type: 'string' },
    'on-delay': { type: 'string' },
    'off-delay': { type: 'string' },
    're-alert': { type: 'string' },
    output: { type: 'string' },
    none: { type: 'boolean' },
  },
  run: async (args, api) => {
    const id = args.need('deployment', '<id>');
    let rule = null;
    if (!args.flag('none')) {
      const direction = args.need('direction', 'above|below');
      if (direction !== 'above' && direction !== 'below')
        fail(`deploy set-rule: --direction must be above or below, not ${direction}`, RULE_USAGE);
      const setLevel = args.num('set') ?? fail('deploy set-rule: --set <level> is required', RULE_USAGE);
      const optional = {
        clearLevel: args.num('clear'),
        k: args.int('k'),
        n: args.int('n'),
        onDelay: args.num('on-delay'),
        offDelay: args.num('off-delay'),
        reAlert: args.num('re-alert'),
        output: args.str('output'),
      };
      rule = {
        direction: direction as 'above' | 'below',
        setLevel,
        ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
      };
    }
    const client = await open(args, api);
    const d = await client.call('setAlertRule', { id, rule });
    return { value: d, text: `${d.id}: ${ruleText(d)}` };
  },
};

const scoringText = (r: ScoringResult): string =>
  [
    `${r.deployment} v${r.modelVersion}: ${r.scored} asset(s) scored, ${r.windows} window(s)` +
      (r.upToDate.length > 0 ? `, ${r.upToDate.length} up to date` : ''),
    ...r.blocked.map((b) => `  blocked ${b.asset}: ${b.violations.map((v) => v.message).join('; ')}`),
    ...r.violations.filter((v) => v.severity === 'warn').map((v) => `  warning ${v.asset}: ${v.message}`),
    `  alerts opened ${r.alerts.opened.join(', ') || 'none'}; cleared ${r.alerts.cleared.join(', ') || 'none'}`,
    r.driftChecked
      ? `  drift flagged on ${
          r.drift.signals
            .filter((f) => f.flagged)
            .map((f) => `${f.asset}/${f.signal ?? 'all signals (PCA)'} (${f.readings} readings)`)
            .join(', ') || 'nothing'
        }`
      : '  drift not judged: the package carries no reference statistics',
    ...(r.pendingVersion === null
      ? []
      : [`  v${r.pendingVersion} is now in the followed stage: deploy confirm to switch`]),
  ].join('\n');

/** The scoring pass's JSON as issue 10 §6 names it (drift.signals: the findings). */
const scoringValue = (r: ScoringResult) => r;

const SCORE_USAGE = 'score --workspace <dir> --deployment <id> [--from T --to T] [--json]';

/** The time axis value of an option: a number (µs or cycles) or an ISO time (as µs since 1970). */
const timeOption = (args: Readers, name: string, usage: string): number | undefined => {
  const raw = args.str(name);
  if (raw === undefined) return undefined;
  if (/^-?\d+(\.\d+)?$/.test(raw.trim())) return Number(raw);
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) fail(`--${name}: "${raw}" is neither a number (µs or cycles) nor an ISO time`, usage);
  return ms * 1000;
};

const runScoring = async (
  client: CliApi,
  input: { deploymentId: string; from?: number; to?: number; token?: string },
  json: boolean,
): Promise<ScoringResult> => {
  const { jobId } = await client.call('startScoring', input);
  const job = await client.followJob(jobId, { json });
  if (job.scoring === null || job.scoring === undefined) throw new Error('scoring finished without a result');
  return job.scoring;
};

export const score: Command = {
  name: 'score',
  usage: SCORE_USAGE,
  details: `  One scoring pass as a job (startScoring): data contract check (a blocked asset is not scored and says
  why; the others go on), the package's own pipeline, the alert rule, drift. Without --from/--to each asset is
  scored from just after its last scored window. Times: numbers on the data's axis (µs or cycles) or ISO times.
  Ctrl-C cancels.`,
  options: { ...WORKSPACE, ...DEPLOYMENT, from: { type: 'string' }, to: { type: 'string' }, token: { type: 'string' } },
  run: async (args, api) => {
    const deploymentId = args.need('deployment', '<id>');
    const from = timeOption(args, 'from', SCORE_USAGE);
    const to = timeOption(args, 'to', SCORE_USAGE);
    const token = args.str('token');
    const client = await open(args, api);
    const result = await runScoring(
      client,
      {
        deploymentId,
        ...(from === undefined ? {} : { from }),
        ...(to === undefined ? {} : { to }),
        ...(token === undefined ? {} : { token }),
      },
      args.json,
    );
    return { value: scoringValue(result), text: scoringText(result) };
  },
};

/**
 * monitor's stdout is a stream of one line per pass (JSON lines with --json): libraries that print with console
 * (node-opcua's warnings) go to stderr instead, as in historian-commands.ts.
 */
const consoleToStderr = (): void => {
  const toStderr = (...args: unknown[]) => {
    process.stderr.write(`${format(...args)}\n`);
  };
  console.log = toStderr;
  console.info = toStderr;
  console.warn = toStderr;
};

const MONITOR_USAGE =
  'monitor --workspace <dir> --deployment <id> --follow [--interval S] [--rounds N] ' +
  '[--opcua-profile <name> --tags <nodeId,...> | --sql-url <postgres://...> --sql-query <file.sql> ' +
  '[--layout long|wide] [--asset NAME] [--sql-from <ISO time>] [--sql-profile <name>] [--password-file F]] [--json]';

/** Where each round fetches new history from, from the options (null: score what the workspace holds). */
const followSourceOf = async (args: Readers): Promise<FollowSource | null> => {
  const opcua = args.str('opcua-profile');
  const tags = listOf(args.list('tags'));
  const sqlUrl = args.str('sql-url');
  if (opcua !== undefined && sqlUrl !== undefined)
    fail('monitor: one historian per follow: --opcua-profile or --sql-url, not both', MONITOR_USAGE);
  if (opcua !== undefined || tags.length > 0) {
    const together = '--opcua-profile and --tags go together (the connection and the tags to update)';
    if (tags.length === 0) fail(`monitor: ${together}`, MONITOR_USAGE);
    return { kind: 'opcua', profile: opcua ?? fail(`monitor: ${together}`, MONITOR_USAGE), tags };
  }
  if (sqlUrl === undefined) {
    if (args.str('sql-query') !== undefined) fail('monitor: --sql-query needs --sql-url', MONITOR_USAGE);
    return null;
  }
  const queryFile = args.need('sql-query', '<file.sql>');
  const query = await readFile(resolve(queryFile), 'utf8').catch(() => {
    throw new ApiError('invalid-argument', `${queryFile}: cannot read the query file`);
  });
  const layout = args.str('layout') ?? 'long';
  if (layout !== 'long' && layout !== 'wide') fail(`monitor: --layout must be long or wide, not ${layout}`);
  const passwordFile = args.str('password-file');
  const password =
    passwordFile === undefined
      ? undefined
      : (
          await readFile(resolve(passwordFile), 'utf8').catch(() => {
            throw new ApiError('invalid-argument', `${passwordFile}: cannot read the password file`);
          })
        ).trim();
  const profile = args.str('sql-profile');
  const asset = args.str('asset');
  const from = timeOption(args, 'sql-from', MONITOR_USAGE);
  return {
    kind: 'postgres',
    url: sqlUrl,
    query,
    layout: layout as 'long' | 'wide',
    ...(profile === undefined ? {} : { profile }),
    ...(password === undefined ? {} : { password }),
    ...(asset === undefined ? {} : { asset }),
    ...(from === undefined ? {} : { from }),
  };
};

export const monitor: Command = {
  name: 'monitor',
  usage: MONITOR_USAGE,
  details: `  Follow mode: a scoring pass "since the last score" (contract check, score, alert rules, drift) every
  --interval seconds (default 60) until Ctrl-C, or --rounds passes. Each pass first fetches what is new ("update
  to now", from each tag's or the query's checkpoint, so nothing is fetched twice) from an OPC UA historian
  (--opcua-profile, a connection saved by "import opcua --save-profile", with --tags) or a PostgreSQL historian
  (--sql-url and --sql-query as for "import sql"; the password from --password-file or the saved --sql-profile;
  --sql-from: where a query never imported before starts).
  Without either it uses the source stored with the deployment (saved by the app's follow switch), else it
  scores what is in the workspace. The loop is the app's Start/Stop follow (startFollow).
  Each pass prints one line (with --json, one JSON object per line). A failed pass (historian, registry or
  workspace unavailable) is reported on stderr and tried again after 1, 2, 4, then 8 intervals; the exit status
  is 1 when any pass failed.`,
  options: {
    ...WORKSPACE,
    ...DEPLOYMENT,
    follow: { type: 'boolean' },
    interval: { type: 'string' },
    rounds: { type: 'string' },
    token: { type: 'string' },
    'opcua-profile': { type: 'string' },
    tags: { type: 'string', multiple: true },
    'sql-url': { type: 'string' },
    'sql-query': { type: 'string' },
    'sql-profile': { type: 'string' },
    layout: { type: 'string' },
    asset: { type: 'string' },
    'password-file': { type: 'string' },
    'sql-from': { type: 'string' },
  },
  run: async (args, api) => {
    const deploymentId = args.need('deployment', '<id>');
    const given = await followSourceOf(args);
    consoleToStderr();
    if (!args.flag('follow')) fail('monitor: --follow is required (for one pass, use "score")', MONITOR_USAGE);
    const interval = args.num('interval') ?? 60;
    if (interval < 0) fail('monitor: --interval must be 0 or more seconds', MONITOR_USAGE);
    const rounds = args.int('rounds');
    const token = args.str('token');
    const client = await open(args, api);
    // Fails early, in words, on a deployment that does not exist.
    const deployment = await client.call('getDeployment', { id: deploymentId });
    // Without historian options, the source stored with the deployment (the app's follow switch saves it).
    const source = given ?? deployment.followSource ?? null;
    const stop = new AbortController();
    const onSigint = () => stop.abort();
    process.on('SIGINT', onSigint);
    const where = source === null ? '' : source.kind === 'opcua' ? source.profile : 'the SQL historian';
    let summary;
    try {
      summary = await followDeployment({
        intervalSeconds: interval,
        ...(rounds === undefined ? {} : { rounds }),
        update:
          source === null
            ? null
            : () =>
                updateFromSource(
                  { call: client.call, waitJob: (jobId) => client.followJob(jobId, { json: args.json }) },
                  source,
                ),
        score: () => runScoring(client, { deploymentId, ...(token === undefined ? {} : { token }) }, args.json),
        signal: stop.signal,
        isFatal: (error) => error instanceof ApiError && error.code === 'cancelled',
        onRound: ({ round, at, updated, result }) =>
          process.stdout.write(
            `${args.json ? JSON.stringify({ round, at, updated, ...result }) : `${at} ${updated === null ? '' : `updated ${updated.values} value(s) from ${where}; `}${scoringText(result)}`}\n`,
          ),
        onFailure: ({ at, message, retryInSeconds }) =>
          process.stderr.write(`${at} scoring pass failed: ${message}; trying again in ${retryInSeconds} s\n`),
      });
    } finally {
      process.off('SIGINT', onSigint);
    }
    const value = { deployment: deploymentId, ...summary };
    return {
      value,
      exitCode: summary.failures > 0 ? 1 : 0,
      text: `monitor stopped (${summary.stopped}) after ${summary.rounds} pass(es), ${summary.failures} failed: ${summary.windows} window(s), alerts opened ${summary.opened.join(', ') || 'none'}`,
    };
  },
};

const alertLine = (a: Alert & { shelved?: boolean }): string =>
  `${a.id}\t${a.deploymentId}\t${a.asset}\t${a.status}${a.shelved === true ? ' (shelved)' : ''}\tv${a.modelVersion}\t` +
  `raised at ${a.raisedT} (${a.raisedValue.toPrecision(4)})${a.clearedT === null ? '' : `, cleared at ${a.clearedT}`}` +
  (a.closed === null ? '' : `\t${a.closed.disposition.kind}`);

export const alertsList: Command = {
  name: 'alerts list',
  usage:
    'alerts [list] --workspace <dir> [--deployment <id>] [--asset <name>] [--status open|acknowledged|closed] ' +
    '[--role champion|challenger|all] [--json]',
  details: `  Alerts, oldest first (listAlerts); shelved ones say so. Without --deployment only champion alerts (the ones
  technicians work); a challenger's with --deployment <challenger> or --role.`,
  options: {
    ...WORKSPACE,
    ...DEPLOYMENT,
    asset: { type: 'string' },
    status: { type: 'string' },
    role: { type: 'string' },
  },
  run: async (args, api) => {
    const role = args.str('role');
    if (role !== undefined && !['champion', 'challenger', 'all'].includes(role))
      fail(`alerts list: --role must be champion, challenger or all, not ${role}`);
    const status = args.str('status');
    if (status !== undefined && !['open', 'acknowledged', 'closed'].includes(status))
      fail(`alerts list: --status must be open, acknowledged or closed, not ${status}`);
    const deploymentId = args.str('deployment');
    const asset = args.str('asset');
    const client = await open(args, api);
    const alerts = await client.call('listAlerts', {
      ...(deploymentId === undefined ? {} : { deploymentId }),
      ...(asset === undefined ? {} : { asset }),
      ...(status === undefined ? {} : { status: status as Alert['status'] }),
      ...(role === undefined ? {} : { role: role as 'champion' | 'challenger' | 'all' }),
    });
    return listOutput('alerts', alerts, alertLine);
  },
};

const ALERT = { alert: { type: 'string', short: 'a' } } as const;

export const alertsAck: Command = {
  name: 'alerts ack',
  usage: 'alerts ack --workspace <dir> --alert <id> [--note <text>] [--json]',
  details: '  Acknowledge an open alert (acknowledgeAlert): someone is looking at it.',
  options: { ...WORKSPACE, ...ALERT, note: { type: 'string' } },
  run: async (args, api) => {
    const id = args.need('alert', '<id>');
    const note = args.str('note');
    const client = await open(args, api);
    const a = await client.call('acknowledgeAlert', { id, ...(note === undefined ? {} : { note }) });
    return { value: a, text: alertLine(a) };
  },
};

const CLOSE_USAGE =
  'alerts close --workspace <dir> --alert <id> --disposition confirmed|false-alarm|not-actionable ' +
  `[--failure-mode <text>] [--work-order <event id>] [--cause ${FALSE_ALARM_CAUSES.join('|')}] [--note <text>] [--json]`;

export const alertsClose: Command = {
  name: 'alerts close',
  usage: CLOSE_USAGE,
  details: `  Close an alert with its disposition (closeAlert): confirmed needs --failure-mode (optionally the work
  order event), false-alarm needs --cause. A confirmed or false alarm becomes an event the next training run
  can use as a label.`,
  options: {
    ...WORKSPACE,
    ...ALERT,
    disposition: { type: 'string' },
    'failure-mode': { type: 'string' },
    'work-order': { type: 'string' },
    cause: { type: 'string' },
    note: { type: 'string' },
  },
  run: async (args, api) => {
    const id = args.need('alert', '<id>');
    const kind = args.need('disposition', 'confirmed|false-alarm|not-actionable');
    const note = args.str('note') ?? null;
    let disposition: DispositionInput;
    switch (kind) {
      case 'confirmed':
        disposition = {
          kind,
          failureMode: args.need('failure-mode', '<text> (a confirmed alert needs its failure mode)'),
          workOrderEventId: args.int('work-order') ?? null,
          note,
        };
        break;
      case 'false-alarm': {
        const cause = args.need('cause', FALSE_ALARM_CAUSES.join('|'));
        if (!(FALSE_ALARM_CAUSES as readonly string[]).includes(cause))
          fail(`alerts close: --cause must be one of ${FALSE_ALARM_CAUSES.join(', ')}, not ${cause}`, CLOSE_USAGE);
        disposition = { kind, cause: cause as (typeof FALSE_ALARM_CAUSES)[number], note };
        break;
      }
      case 'not-actionable':
        disposition = { kind, note };
        break;
      default:
        return fail(
          `alerts close: --disposition must be confirmed, false-alarm or not-actionable, not ${kind}`,
          CLOSE_USAGE,
        );
    }
    const client = await open(args, api);
    const a = await client.call('closeAlert', { id, disposition });
    return { value: a, text: alertLine(a) };
  },
};

const SHELVE_USAGE =
  'alerts shelve --workspace <dir> --alert <id> --reason <text> (--hours N | --until <ISO time>) [--json]';

export const alertsShelve: Command = {
  name: 'alerts shelve',
  usage: SHELVE_USAGE,
  details:
    '  Shelve an alert for a while (shelveAlert): a reason is required and the shelf always expires (30 days at most).',
  options: { ...WORKSPACE, ...ALERT, reason: { type: 'string' }, hours: { type: 'string' }, until: { type: 'string' } },
  run: async (args, api) => {
    const id = args.need('alert', '<id>');
    const reason = args.need('reason', '<text>');
    const hours = args.num('hours');
    const untilArg = args.str('until');
    if ((hours === undefined) === (untilArg === undefined))
      fail('alerts shelve: give the shelf an end: --hours N or --until <ISO time> (one of them)', SHELVE_USAGE);
    const until = untilArg ?? new Date(Date.now() + (hours as number) * 3600_000).toISOString();
    const client = await open(args, api);
    const a = await client.call('shelveAlert', { id, reason, until });
    return { value: a, text: `${alertLine(a)}\tshelved until ${a.shelf?.until ?? until}` };
  },
};

export const MONITORING_COMMANDS: readonly Command[] = [
  deployCreate,
  deployList,
  deployShow,
  deploySetRule,
  deployConfirm,
  deploySetChallenger,
  deployCompare,
  score,
  monitor,
  alertsList,
  alertsAck,
  alertsClose,
  alertsShelve,
];
