import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { RegistryError } from '../core/registry/errors.js';
import { FolderStore } from '../core/registry/folder-store.js';
import { checkRunId, checkVersion } from '../core/registry/names.js';
import { defaultKeyDir, loadOrCreateKey } from '../core/registry/keys.js';
import { isRegistryUrl, openRegistry, osUser, TOKEN_ENV } from '../core/registry/open-registry.js';
import { signRunRecord } from '../core/registry/run-signature.js';
import type {
  GovernAction,
  ModelSummary,
  VersionDetail,
  VersionRef,
  VerifyReport,
} from '../core/registry/registry-types.js';
import { startRegistryServer } from '../core/registry/server.js';
import { addUser, ROLES, UserDirectory, type Role } from '../core/registry/users.js';

export const REGISTRY_USAGE = `  publish --workspace <dir> --run <id> --registry <dir|url> --name <model> [--as <user>] [--idempotency-key <k>] [--json]
          (or --run-dir <folder> instead of --workspace/--run; repeating a publish with the same key returns its version)
  registry list --registry <dir|url> [--json]
  registry show --registry <dir|url> --name <model> [--version <n|production|latest>] [--json]
  registry approve|reject --registry <dir|url> --name <model> --version <n> --reason <text> [--as <user>] [--json]
  registry promote|archive --registry <dir|url> --name <model> --version <n> [--reason <text>] [--json]
  registry rollback --registry <dir|url> --name <model> [--reason <text>] [--json]
  registry fetch --registry <dir|url> --name <model> [--version <n|production|latest>] --out <dir> [--json]
  registry verify --registry <dir|url> [--json]          exit status 1 if any problem is found
  registry init --registry <dir> [--allow-as]
  registry sign-run --run-dir <folder> [--json]      sign run.json as its trainer (you, the OS user) with your key
  registry serve --dir <dir> --users <file> [--port N] [--max-upload-mb N] [--tls-cert f --tls-key f]
  registry add-user --users <file> --user <name> --role viewer|author|approver|admin [--replace] [--json]
  A server registry needs a token: --token <t> or ${TOKEN_ENV}; it is never printed.`;

const OPTIONS = {
  workspace: { type: 'string' },
  run: { type: 'string' },
  'run-dir': { type: 'string' },
  registry: { type: 'string' },
  name: { type: 'string' },
  version: { type: 'string' },
  reason: { type: 'string' },
  as: { type: 'string' },
  token: { type: 'string' },
  out: { type: 'string' },
  dir: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  users: { type: 'string' },
  user: { type: 'string' },
  role: { type: 'string' },
  replace: { type: 'boolean' },
  'allow-as': { type: 'boolean' },
  'max-upload-mb': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  json: { type: 'boolean' },
  'idempotency-key': { type: 'string' },
} as const;

const usage = (message: string): never => {
  throw new RegistryError('invalid-argument', message);
};

const out = (json: boolean, value: unknown, text: string) =>
  process.stdout.write(`${json ? JSON.stringify(value) : text}\n`);

const need = (value: string | undefined, option: string): string => value ?? usage(`--${option} is required`);

const parseRef = (raw: string | undefined, fallback: VersionRef): VersionRef =>
  raw === undefined ? fallback : raw === 'production' || raw === 'latest' ? raw : checkVersion(raw);

const describeList = (models: readonly ModelSummary[]) =>
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

const describeDetail = (d: VersionDetail) =>
  [
    `${d.name} v${d.version}: ${d.stage} (${d.manifest.task}, ${d.manifest.modelType}); published ${d.manifest.createdAt} by ${d.manifest.createdBy}`,
    `run ${d.manifest.lineage.runId}, dataset ${d.manifest.lineage.dataset.contentHash}, seed ${d.manifest.lineage.seed}, backend ${d.manifest.lineage.backend}`,
    `metrics: ${Object.entries(d.manifest.evaluation.metrics)
      .map(([k, x]) => `${k}=${x}`)
      .join(' ')}`,
    ...d.manifest.approvals.map((a) => `${a.decision} by ${a.by} at ${a.at}: ${a.reason}`),
    ...d.files.map((f) => `${f.sha256}  ${f.name}  (${f.bytes} bytes)`),
  ].join('\n');

const describeVerify = (r: VerifyReport) =>
  [
    r.ok
      ? `ok: ${r.checked.entries} audit entries, ${r.checked.packages} packages, ${r.checked.files} files verified`
      : `${r.problems.length} problem(s):\n${r.problems.map((p) => `  ${p.message}`).join('\n')}`,
    ...(r.notes ?? []).map((note) => `note: ${note}`),
  ].join('\n');

const serve = async (values: Record<string, string | boolean | undefined>, json: boolean) => {
  const host = (values.host as string | undefined) ?? '127.0.0.1';
  if (host !== '127.0.0.1' && host !== '::1' && host !== 'localhost')
    usage(
      '--host: the registry server listens on the loopback interface only (put a TLS reverse proxy in front to share it)',
    );
  const store = await FolderStore.open(resolve(need(values.dir as string | undefined, 'dir')), { create: true });
  const users = new UserDirectory(resolve(need(values.users as string | undefined, 'users')));
  const mb = values['max-upload-mb'] === undefined ? undefined : Number(values['max-upload-mb']);
  if (mb !== undefined && !(mb > 0)) usage('--max-upload-mb: a positive number');
  const cert = values['tls-cert'] as string | undefined;
  const key = values['tls-key'] as string | undefined;
  if ((cert === undefined) !== (key === undefined)) usage('--tls-cert and --tls-key go together');
  const server = await startRegistryServer({
    store,
    users,
    host,
    port: values.port === undefined ? 0 : Number(values.port),
    ...(mb !== undefined ? { maxUploadBytes: Math.floor(mb * 1024 * 1024) } : {}),
    ...(cert !== undefined && key !== undefined
      ? { tls: { cert: await readFile(cert), key: await readFile(key) } }
      : {}),
    log: (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
  });
  out(json, { url: server.url }, `model registry at ${server.url} serving ${store.root}`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
};

/** Signs a run record with the OS user's key (created on first use in their key folder). */
const signRun = async (runDir: string, json: boolean) => {
  const key = await loadOrCreateKey(defaultKeyDir(), osUser());
  const signature = await signRunRecord(resolve(runDir), key);
  out(
    json,
    { runDir: resolve(runDir), signer: signature.signer, keyId: signature.keyId },
    `signed ${resolve(runDir)}/run.json as ${signature.signer} (key ${signature.keyId.slice(0, 16)}…)`,
  );
};

/** `pdm-studio publish ...` and `pdm-studio registry <sub> ...`. */
export const registryCommand = async (command: 'publish' | 'registry', argv: readonly string[]): Promise<void> => {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: OPTIONS });
  const json = values.json === true;
  const sub = command === 'publish' ? 'publish' : positionals[0];
  const open = (create = false) =>
    openRegistry(need(values.registry, 'registry'), {
      ...(values.as !== undefined ? { as: values.as } : {}),
      ...(values.token !== undefined ? { token: values.token } : {}),
      create,
    });
  switch (sub) {
    case 'publish': {
      const name = need(values.name, 'name');
      const runDir =
        values['run-dir'] !== undefined
          ? resolve(values['run-dir'])
          : join(
              resolve(need(values.workspace, 'workspace')),
              'artifacts',
              'runs',
              checkRunId(need(values.run, 'run')),
            );
      const location = need(values.registry, 'registry');
      const registry = await open(!isRegistryUrl(location));
      const idempotencyKey = values['idempotency-key'];
      const result = await registry.publish({
        runDir,
        name,
        ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
      });
      out(json, result, `published ${result.name} version ${result.version} to ${registry.location}`);
      return;
    }
    case 'list': {
      const models = await (await open()).list();
      out(json, { models }, describeList(models));
      return;
    }
    case 'show': {
      const detail = await (await open()).show(need(values.name, 'name'), parseRef(values.version, 'latest'));
      out(json, detail, describeDetail(detail));
      return;
    }
    case 'approve':
    case 'reject':
    case 'promote':
    case 'archive':
    case 'rollback': {
      const action: GovernAction = sub;
      const result = await (
        await open()
      ).govern(action, {
        name: need(values.name, 'name'),
        ...(action !== 'rollback' ? { version: checkVersion(need(values.version, 'version')) } : {}),
        ...(values.reason !== undefined ? { reason: values.reason } : {}),
      });
      out(
        json,
        result,
        `${result.name} v${result.version} is now ${result.stage}; production: ${result.production ?? 'none'}`,
      );
      return;
    }
    case 'fetch': {
      const result = await (
        await open()
      ).fetch(need(values.name, 'name'), parseRef(values.version, 'production'), resolve(need(values.out, 'out')));
      out(
        json,
        result,
        `fetched ${result.name} v${result.version} (${result.files} files, verified) into ${result.dir}`,
      );
      return;
    }
    case 'verify': {
      const report = await (await open()).verify();
      out(json, report, describeVerify(report));
      if (!report.ok) process.exitCode = 1;
      return;
    }
    case 'init': {
      const store = await FolderStore.open(resolve(need(values.registry, 'registry')), {
        create: true,
        config: { allowAs: values['allow-as'] === true },
      });
      out(json, { registry: store.root, config: store.config }, `model registry ready at ${store.root}`);
      return;
    }
    case 'serve':
      await serve(values, json);
      return;
    case 'sign-run':
      await signRun(need(values['run-dir'], 'run-dir'), json);
      return;
    case 'add-user': {
      const role = need(values.role, 'role');
      if (!(ROLES as readonly string[]).includes(role)) usage(`--role: one of ${ROLES.join(', ')}`);
      const user = need(values.user, 'user');
      const token = await addUser(resolve(need(values.users, 'users')), user, role as Role, {
        replace: values.replace === true,
      });
      // The one place a token is shown: to the administrator who hands it over. Only its hash is stored.
      out(
        json,
        { user, role, token },
        `user ${user} (${role}) added; token (shown once, only its hash is stored):\n${token}`,
      );
      return;
    }
    case undefined:
    case 'help':
      out(false, null, `pdm-studio\n${REGISTRY_USAGE}`);
      return;
    default:
      usage(`registry: unknown subcommand "${sub ?? ''}"\n\n${REGISTRY_USAGE}`);
  }
};

/** Runs a registry command with the CLI's error convention: message on stderr, and JSON when asked. */
export const runRegistryCommand = async (command: 'publish' | 'registry', argv: readonly string[]): Promise<void> => {
  try {
    await registryCommand(command, argv);
  } catch (error) {
    const code = error instanceof RegistryError ? error.code : 'failed';
    const message = error instanceof Error ? error.message : String(error);
    if (argv.includes('--json')) process.stdout.write(`${JSON.stringify({ error: { code, message } })}\n`);
    process.stderr.write(`pdm-studio: ${message}\n`);
    process.exitCode = code === 'invalid-argument' ? 2 : 1;
  }
};
