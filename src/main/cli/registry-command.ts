import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ApiError } from '../../shared/api.js';
import type {
  RegistryGovernResult,
  RegistryModel,
  RegistryVerifyReport,
  RegistryVersionDetail,
} from '../../shared/registry.js';
import { fail, type Readers } from './cli-args.js';
import type { CliApi } from './cli-api.js';
import type { Command } from './command.js';

const TOKEN_ENV = 'PDM_REGISTRY_TOKEN';
/** The workspace's database file (core/workspace's WORKSPACE_FILE; not imported, so usage never loads DuckDB). */
const WORKSPACE_FILE = 'workspace.duckdb';
const isUrl = (location: string) => /^https?:\/\//i.test(location);

const CONNECT = {
  registry: { type: 'string' },
  token: { type: 'string' },
  as: { type: 'string' },
} as const;

const TOKEN_NOTE = `  A server registry needs a token: --token <t> or ${TOKEN_ENV}; it is never printed.`;

/**
 * Open the registry named by --registry through the API (openRegistry): a folder path (relative to here) or
 * a server URL with its token. `create`: a folder registry is created when missing (publish).
 */
const openRegistry = async (args: Readers, client: CliApi, create = false) => {
  const raw = args.need('registry', '<dir|url>');
  const server = isUrl(raw);
  const envToken = process.env[TOKEN_ENV];
  const token = args.str('token') ?? (envToken === '' ? undefined : envToken);
  if (server && token === undefined)
    throw new ApiError('unauthorized', `a registry server needs a token: --token <t> or ${TOKEN_ENV}`);
  const actAs = args.str('as');
  return client.call('openRegistry', {
    location: server ? raw : resolve(raw),
    ...(server && token !== undefined ? { token } : {}),
    ...(actAs !== undefined ? { actAs } : {}),
    ...(create && !server ? { create: true } : {}),
  });
};

type Ref = number | 'production' | 'latest';

const parseRef = (raw: string | undefined, fallback: Ref): Ref => {
  if (raw === undefined) return fallback;
  if (raw === 'production' || raw === 'latest') return raw;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) fail(`--version: a version number, "production" or "latest", not "${raw}"`);
  return n;
};

/** 'production' and 'latest' as the version number they name today. */
const versionNumber = async (client: CliApi, name: string, ref: Ref): Promise<number> => {
  if (typeof ref === 'number') return ref;
  const model = await client.call('listRegistryVersions', { name });
  const version = ref === 'production' ? model.production : Math.max(0, ...model.versions.map((v) => v.version));
  if (version === null || version === 0) throw new ApiError('not-found', `${name} has no ${ref} version`);
  return version;
};

const describeList = (models: readonly RegistryModel[]) =>
  models.length === 0
    ? 'no models'
    : models
        .map((m) =>
          [
            `${m.name}  production: ${m.production ?? '—'}  rollback to: ${m.rollbackTarget ?? '—'}`,
            ...m.versions.map(
              (v) =>
                `  v${v.version}  ${v.stage.padEnd(10)} ${v.createdAt}  ${v.createdBy}  ${Object.entries(v.metrics)
                  .map(([k, x]) => `${k}=${x}`)
                  .join(' ')}`,
            ),
          ].join('\n'),
        )
        .join('\n');

const describeDetail = (d: RegistryVersionDetail) =>
  [
    `${d.name} v${d.version}: ${d.stage} (${d.manifest.task}, ${d.manifest.modelType}); published ${d.manifest.createdAt} by ${d.manifest.createdBy}`,
    `run ${d.manifest.lineage.runId}, dataset ${d.manifest.lineage.dataset.contentHash}, seed ${d.manifest.lineage.seed}, backend ${d.manifest.lineage.backend}`,
    `metrics: ${Object.entries(d.manifest.evaluation.metrics)
      .map(([k, x]) => `${k}=${x}`)
      .join(' ')}`,
    ...d.manifest.approvals.map((a) => `${a.decision} by ${a.by} at ${a.at}: ${a.reason}`),
    ...d.files.map((f) => `${f.sha256}  ${f.name}  (${f.bytes} bytes)`),
    d.verification.ok ? 'verified' : `${d.verification.problems.length} problem(s) found`,
  ].join('\n');

const describeVerify = (r: RegistryVerifyReport) =>
  [
    r.ok
      ? `ok: ${r.checked.entries} audit entries, ${r.checked.packages} packages, ${r.checked.files} files verified`
      : `${r.problems.length} problem(s):\n${r.problems.map((p) => `  ${p.message}`).join('\n')}`,
    ...(r.notes ?? []).map((note) => `note: ${note}`),
  ].join('\n');

const governText = (r: RegistryGovernResult) =>
  `${r.name} v${r.version} is now ${r.stage}; production: ${r.production ?? 'none'}`;

const PUBLISH_USAGE = `publish --workspace <dir> --run <id> --registry <dir|url> --name <model> [--as <user>]
        [--idempotency-key <k>] [--json]
        (or --run-dir <folder> instead of --workspace/--run; repeating a publish with the same key returns its version)`;

/** A run folder outside any workspace (copied, or written by a tool): the registry client publishes it directly. */
const publishRunFolder = async (runDir: string, args: Readers) => {
  const { openRegistry: openCore } = await import('../core/registry/open-registry.js');
  const location = args.need('registry', '<dir|url>');
  const asUser = args.str('as');
  const token = args.str('token');
  const registry = await openCore(isUrl(location) ? location : resolve(location), {
    ...(asUser !== undefined ? { as: asUser } : {}),
    ...(token !== undefined ? { token } : {}),
    create: !isUrl(location),
  });
  const idempotencyKey = args.str('idempotency-key');
  return registry.publish({
    runDir,
    name: args.need('name', '<model>'),
    ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
  });
};

export const publish: Command = {
  name: 'publish',
  usage: PUBLISH_USAGE,
  details: `  Publish a finished run as the next version of a model (publishRun); a folder registry is created if missing.
${TOKEN_NOTE}`,
  options: {
    ...CONNECT,
    workspace: { type: 'string', short: 'w' },
    run: { type: 'string' },
    'run-dir': { type: 'string' },
    name: { type: 'string' },
    'idempotency-key': { type: 'string' },
  },
  run: async (args, api) => {
    const name = args.need('name', '<model>');
    const runDir = args.str('run-dir');
    if (runDir !== undefined) {
      const result = await publishRunFolder(resolve(runDir), args);
      return { value: result, text: `published ${result.name} version ${result.version}` };
    }
    const workspace = resolve(args.need('workspace', '<dir>'));
    const runId = args.need('run', '<id>');
    if (!existsSync(join(workspace, WORKSPACE_FILE))) {
      // Not a workspace, but it holds the run's folder: publish that folder as --run-dir would.
      const folder = join(workspace, 'artifacts', 'runs', runId);
      if (!existsSync(folder)) throw new ApiError('no-workspace', `workspace ${workspace} does not exist`);
      const result = await publishRunFolder(folder, args);
      return { value: result, text: `published ${result.name} version ${result.version}` };
    }
    const client = await api();
    await client.openWorkspace(workspace, { mustExist: true });
    const connection = await openRegistry(args, client, true);
    const idempotencyKey = args.str('idempotency-key');
    const result = await client.call('publishRun', {
      runId,
      name,
      ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
    });
    return { value: result, text: `published ${result.name} version ${result.version} to ${connection.location}` };
  },
};

const registryList: Command = {
  name: 'registry list',
  usage: 'registry list --registry <dir|url> [--json]',
  details: `  Models with their versions, stages and metrics (listRegistryModels).\n${TOKEN_NOTE}`,
  options: CONNECT,
  run: async (args, api) => {
    const client = await api();
    await openRegistry(args, client);
    const models = await client.call('listRegistryModels', {});
    return { value: { models }, text: describeList(models) };
  },
};

const registryShow: Command = {
  name: 'registry show',
  usage: 'registry show --registry <dir|url> --name <model> [--version <n|production|latest>] [--json]',
  details: `  One version: manifest, approvals, files and their verification (getRegistryVersion).\n${TOKEN_NOTE}`,
  options: { ...CONNECT, name: { type: 'string' }, version: { type: 'string' } },
  run: async (args, api) => {
    const name = args.need('name', '<model>');
    const ref = parseRef(args.str('version'), 'latest');
    const client = await api();
    await openRegistry(args, client);
    const detail = await client.call('getRegistryVersion', { name, version: await versionNumber(client, name, ref) });
    return { value: detail, text: describeDetail(detail) };
  },
};

const GOVERN = {
  approve: 'approveVersion',
  reject: 'rejectVersion',
  promote: 'promoteVersion',
  archive: 'archiveVersion',
} as const;

const governCommand = (action: keyof typeof GOVERN): Command => {
  const reasonRequired = action === 'approve' || action === 'reject';
  return {
    name: `registry ${action}`,
    usage: `registry ${action} --registry <dir|url> --name <model> --version <n> ${reasonRequired ? '--reason <text>' : '[--reason <text>]'} [--as <user>] [--json]`,
    details: `  ${action === 'approve' ? 'Approval needs a second person: the author cannot approve. ' : ''}(${GOVERN[action]})\n${TOKEN_NOTE}`,
    options: { ...CONNECT, name: { type: 'string' }, version: { type: 'string' }, reason: { type: 'string' } },
    run: async (args, api) => {
      const name = args.need('name', '<model>');
      const version = parseRef(args.need('version', '<n>'), 'latest');
      if (typeof version !== 'number') fail(`registry ${action}: --version takes a version number`);
      const reason = reasonRequired ? args.need('reason', '<text>') : args.str('reason');
      const client = await api();
      await openRegistry(args, client);
      const result = await client.call(GOVERN[action], {
        name,
        version: version as number,
        ...(reason !== undefined ? { reason } : {}),
      } as { name: string; version: number; reason: string });
      return { value: result, text: governText(result) };
    },
  };
};

const registryRollback: Command = {
  name: 'registry rollback',
  usage: 'registry rollback --registry <dir|url> --name <model> [--reason <text>] [--json]',
  details: `  Production goes back to the version promoted before the current one (rollbackModel).\n${TOKEN_NOTE}`,
  options: { ...CONNECT, name: { type: 'string' }, reason: { type: 'string' } },
  run: async (args, api) => {
    const name = args.need('name', '<model>');
    const reason = args.str('reason');
    const client = await api();
    await openRegistry(args, client);
    const result = await client.call('rollbackModel', { name, ...(reason !== undefined ? { reason } : {}) });
    return { value: result, text: governText(result) };
  },
};

const registryFetch: Command = {
  name: 'registry fetch',
  usage: 'registry fetch --registry <dir|url> --name <model> [--version <n|production|latest>] --out <dir> [--json]',
  details: `  Copy a version's package into the new folder --out, every file verified by SHA-256 before the folder
  appears (fetchRegistryVersion). Default version: production.\n${TOKEN_NOTE}`,
  options: { ...CONNECT, name: { type: 'string' }, version: { type: 'string' }, out: { type: 'string' } },
  run: async (args, api) => {
    const name = args.need('name', '<model>');
    const version = parseRef(args.str('version'), 'production');
    const out = resolve(args.need('out', '<dir>'));
    const client = await api();
    await openRegistry(args, client);
    const result = await client.call('fetchRegistryVersion', { name, version, out });
    return {
      value: result,
      text: `fetched ${result.name} v${result.version} (${result.files} files, verified) into ${result.dir}`,
    };
  },
};

const registryVerify: Command = {
  name: 'registry verify',
  usage: 'registry verify --registry <dir|url> [--json]',
  details: `  Check the audit chain and every package's hashes (verifyRegistry); exit status 1 if any problem is found.\n${TOKEN_NOTE}`,
  options: CONNECT,
  run: async (args, api) => {
    const client = await api();
    await openRegistry(args, client);
    const report = await client.call('verifyRegistry', {});
    return { value: report, text: describeVerify(report), exitCode: report.ok ? 0 : 1 };
  },
};

// Administration of the registry store itself (create a folder registry, run the server, issue tokens) is not
// something the app does, so these three call the registry core directly.

const registryInit: Command = {
  name: 'registry init',
  usage: 'registry init --registry <dir> [--allow-as] [--json]',
  details: '  Create a folder registry; --allow-as lets users act as another name (testing, shared service accounts).',
  options: { registry: { type: 'string' }, 'allow-as': { type: 'boolean' } },
  run: async (args) => {
    const { FolderStore } = await import('../core/registry/folder-store.js');
    const store = await FolderStore.open(resolve(args.need('registry', '<dir>')), {
      create: true,
      config: { allowAs: args.flag('allow-as') },
    });
    return { value: { registry: store.root, config: store.config }, text: `model registry ready at ${store.root}` };
  },
};

const registryServe: Command = {
  name: 'registry serve',
  usage: `registry serve --dir <dir> --users <file> [--port N] [--host 127.0.0.1] [--max-upload-mb N]
       [--tls-cert f --tls-key f] [--json]`,
  details: '  Serve a folder registry over HTTP(S) on the loopback interface until Ctrl-C.',
  options: {
    dir: { type: 'string' },
    users: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    'max-upload-mb': { type: 'string' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
  },
  run: async (args) => {
    const host = args.str('host') ?? '127.0.0.1';
    if (host !== '127.0.0.1' && host !== '::1' && host !== 'localhost')
      fail(
        'registry serve: --host: the registry server listens on the loopback interface only (put a TLS reverse proxy in front to share it)',
      );
    const mb = args.num('max-upload-mb');
    if (mb !== undefined && !(mb > 0)) fail('registry serve: --max-upload-mb: a positive number');
    const cert = args.str('tls-cert');
    const key = args.str('tls-key');
    if ((cert === undefined) !== (key === undefined)) fail('registry serve: --tls-cert and --tls-key go together');
    const { FolderStore } = await import('../core/registry/folder-store.js');
    const { UserDirectory } = await import('../core/registry/users.js');
    const { startRegistryServer } = await import('../core/registry/server.js');
    const store = await FolderStore.open(resolve(args.need('dir', '<dir>')), { create: true });
    const users = new UserDirectory(resolve(args.need('users', '<file>')));
    const server = await startRegistryServer({
      store,
      users,
      host,
      port: args.int('port') ?? 0,
      ...(mb !== undefined ? { maxUploadBytes: Math.floor(mb * 1024 * 1024) } : {}),
      ...(cert !== undefined && key !== undefined
        ? { tls: { cert: await readFile(cert), key: await readFile(key) } }
        : {}),
      log: (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
    });
    process.stdout.write(
      `${args.json ? JSON.stringify({ url: server.url }) : `model registry at ${server.url} serving ${store.root}`}\n`,
    );
    const stop = () => void server.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return null;
  },
};

const registrySignRun: Command = {
  name: 'registry sign-run',
  usage: 'registry sign-run --run-dir <folder> [--json]',
  details: '  Sign run.json as its trainer (you, the OS user) with your key, so that someone else may publish the run.',
  options: { 'run-dir': { type: 'string' } },
  run: async (args) => {
    const { defaultKeyDir, loadOrCreateKey } = await import('../core/registry/keys.js');
    const { osUser } = await import('../core/registry/open-registry.js');
    const { signRunRecord } = await import('../core/registry/run-signature.js');
    const runDir = resolve(args.need('run-dir', '<folder>'));
    const key = await loadOrCreateKey(defaultKeyDir(), osUser());
    const signature = await signRunRecord(runDir, key);
    return {
      value: { runDir, signer: signature.signer, keyId: signature.keyId },
      text: `signed ${runDir}/run.json as ${signature.signer} (key ${signature.keyId.slice(0, 16)}…)`,
    };
  },
};

const registryAddUser: Command = {
  name: 'registry add-user',
  usage: 'registry add-user --users <file> --user <name> --role viewer|author|approver|admin [--replace] [--json]',
  details: "  Add a server user; prints the user's token once (only its hash is stored).",
  options: {
    users: { type: 'string' },
    user: { type: 'string' },
    role: { type: 'string' },
    replace: { type: 'boolean' },
  },
  run: async (args) => {
    const { addUser, ROLES } = await import('../core/registry/users.js');
    const role = args.need('role', '<role>');
    if (!(ROLES as readonly string[]).includes(role)) fail(`registry add-user: --role: one of ${ROLES.join(', ')}`);
    const user = args.need('user', '<name>');
    const token = await addUser(resolve(args.need('users', '<file>')), user, role as (typeof ROLES)[number], {
      replace: args.flag('replace'),
    });
    // The one place a token is shown: to the administrator who hands it over.
    return {
      value: { user, role, token },
      text: `user ${user} (${role}) added; token (shown once, only its hash is stored):\n${token}`,
    };
  },
};

export const REGISTRY_COMMANDS: readonly Command[] = [
  publish,
  registryList,
  registryShow,
  governCommand('approve'),
  governCommand('reject'),
  governCommand('promote'),
  governCommand('archive'),
  registryRollback,
  registryFetch,
  registryVerify,
  registryInit,
  registryServe,
  registrySignRun,
  registryAddUser,
];
