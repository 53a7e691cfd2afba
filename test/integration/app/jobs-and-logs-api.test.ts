import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../../src/shared/api.js';
import { createAppCore, type AppCore } from '../../../src/main/core/app/app-core.js';
import { dispatch } from '../../../src/main/core/app/dispatch.js';
import { LOG_FILE, NULL_LOGGER, setProcessLog } from '../../../src/main/core/log/logger.js';
import { FolderStore } from '../../../src/main/core/registry/folder-store.js';
import { osUser } from '../../../src/main/core/registry/open-registry.js';
import { startRegistryServer, type RegistryServer } from '../../../src/main/core/registry/server.js';
import { addUser, UserDirectory } from '../../../src/main/core/registry/users.js';
import { startWebServer } from '../../../src/main/web/server.js';
import { apiCaller } from '../../support/api-caller.js';
import { tempDir, writeRun } from '../registry/helpers.js';

/*
 * The jobs panel's API (listJobs, cancelJob) on a real import into a real DuckDB workspace, and the structured
 * log a support engineer reads: userData/logs/pdm-studio.jsonl, one line per operation, no secrets.
 */

let root: string;
let core: AppCore;
let userData: string;
const events: ApiEvent[] = [];
const { call, settle } = apiCaller(() => core);

const PASSWORD = 'hunter2-plant-secret';

beforeAll(async () => {
  root = await tempDir('pdm-app-jobs-');
  userData = join(root, 'user-data');
  core = await createAppCore({ userDataDir: userData, shell: 'web', workspace: join(root, 'ws') });
  core.onEvent((e) => events.push(e));
  // A secret the session knows: a saved connection with a password. It must never reach the log.
  await call('saveConnectionProfile', {
    name: 'plant',
    endpoint: 'opc.tcp://127.0.0.1:4840',
    securityMode: 'None',
    securityPolicy: 'None',
    userName: 'operator',
    password: PASSWORD,
  });
}, 60_000);

afterAll(async () => {
  await core?.dispose();
  setProcessLog(NULL_LOGGER);
  await rm(root, { recursive: true, force: true });
});

interface LogLine {
  readonly ts: string;
  readonly level: string;
  readonly area: string;
  readonly event: string;
  readonly fields?: Record<string, unknown>;
}

const logText = () => readFile(join(userData, 'logs', LOG_FILE), 'utf8');
const logLines = async (): Promise<LogLine[]> =>
  (await logText())
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as LogLine);

/** A wide CSV big enough that its import is still running after its first progress event. */
const wideCsv = (rows: number) => {
  const start = Date.UTC(2025, 0, 1);
  const lines = ['time,Pump A vibration [mm/s],Pump A temperature [°C]'];
  for (let i = 0; i < rows; i += 1)
    lines.push(`${new Date(start + i * 1000).toISOString()},${(i % 97) / 10},${40 + (i % 13)}`);
  return `${lines.join('\n')}\n`;
};

describe('jobs over the API', () => {
  it('listJobs shows a running import with its progress; cancelJob cancels it and nothing is stored', async () => {
    const file = join(root, 'big.csv');
    await writeFile(file, wideCsv(200_000));
    // At the job's first progress event the import is certainly running: ask the API right then, through
    // dispatch as both transports do (its answer is computed before dispatch first awaits).
    let listed: Promise<unknown> | null = null;
    let cancelled: Promise<unknown> | null = null;
    const stop = core.onEvent((event) => {
      if (event.type !== 'job-progress' || listed !== null) return;
      listed = dispatch(core.handlers, 'listJobs', {});
      cancelled = dispatch(core.handlers, 'cancelJob', { jobId: event.jobId });
    });
    const { jobId } = await call('startImport', { paths: [file], options: {} });
    const job = await settle(jobId);
    stop();
    expect(await listed).toMatchObject({
      ok: true,
      result: [expect.objectContaining({ id: jobId, kind: 'import', status: 'running', error: null })],
    });
    expect(await cancelled).toEqual({ ok: true, result: { cancelled: true } });
    expect(job).toMatchObject({ id: jobId, status: 'cancelled', error: null, result: null });
    expect(await call('cancelJob', { jobId })).toEqual({ cancelled: false });
    expect(await call('listJobs', {})).toEqual([expect.objectContaining({ id: jobId, status: 'cancelled' })]);
    expect((await call('getAppInfo', {})).workspace?.readings).toBe(0);
    const finished = events.find((e) => e.type === 'job-finished' && e.job.id === jobId);
    expect(finished).toMatchObject({ job: { status: 'cancelled' } });
    const lines = (await logLines()).filter((l) => l.fields?.['job'] === jobId || l.fields?.['file'] === file);
    expect(lines.map((l) => `${l.area} ${l.event}`)).toEqual([
      'job started',
      'import file import started',
      'job cancel-requested',
      'import file import cancelled',
      'job cancelled',
    ]);
  });

  it('a later import completes; listJobs lists running jobs first, then newest first', async () => {
    const file = join(root, 'small.csv');
    await writeFile(file, wideCsv(500));
    const { jobId } = await call('startImport', { paths: [file], options: {} });
    expect(await settle(jobId)).toMatchObject({ status: 'done', result: { values: 1000 } });
    const jobs = await call('listJobs', {});
    expect(jobs.map((j) => j.status)).toEqual(['done', 'cancelled']);
    expect(jobs[0]?.id).toBe(jobId);
  });
});

describe('the structured log', () => {
  it('a failed import leaves one clear line naming the file and the reason, without secrets', async () => {
    const file = join(root, 'work-orders-export.csv');
    await writeFile(file, 'a;b;c\nx;y;z\n');
    const { jobId } = await call('startImport', { paths: [file], options: {} });
    const job = await settle(jobId);
    expect(job).toMatchObject({ status: 'failed', error: expect.stringMatching(/no time column found/) });
    const failures = (await logLines()).filter((l) => l.area === 'import' && l.level === 'error');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      event: 'file import failed',
      fields: {
        file,
        workspace: join(root, 'ws'),
        error: { name: 'Error', message: `${file}: no time column found: name one (time, timestamp, date or cycle)` },
      },
    });
    // The job's own end is logged too, with its id, so a support engineer can tie the line to the view.
    expect(
      (await logLines()).filter((l) => l.area === 'job' && l.fields?.['job'] === jobId).map((l) => l.event),
    ).toEqual(['started', 'failed']);
    // One error line for one failure: the job's end line refers to it at info level instead of repeating it.
    const errorsAboutIt = (await logLines()).filter(
      (l) => l.level === 'error' && (l.fields?.['job'] === jobId || l.fields?.['file'] === file),
    );
    expect(errorsAboutIt.map((l) => `${l.area} ${l.event}`)).toEqual(['import file import failed']);
    expect(await logText()).not.toContain(PASSWORD);
  });

  it('an author approving their own model in a folder registry leaves one warning naming the rule', async () => {
    const ws = join(root, 'ws');
    await writeRun(ws, 'run-log-1');
    const reg = join(root, 'folder-registry');
    await FolderStore.open(reg, { create: true, config: { fsync: false } });
    await call('openRegistry', { location: reg });
    await call('publishRun', { runId: 'run-log-1', name: 'pump-rul' });
    await expect(call('approveVersion', { name: 'pump-rul', version: 1, reason: 'looks fine' })).rejects.toMatchObject({
      code: 'forbidden',
    });
    const lines = (await logLines()).filter((l) => l.area === 'registry');
    const refused = lines.filter((l) => l.event.endsWith('refused'));
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({
      level: 'warn',
      event: 'approve refused',
      fields: {
        registry: reg,
        user: osUser(),
        model: 'pump-rul',
        version: 1,
        code: 'forbidden',
        reason: expect.stringMatching(/four-eyes rule: .* cannot approve/),
      },
    });
    expect(lines.map((l) => l.event)).toContain('publish done');
    expect(await logText()).not.toContain(PASSWORD);
  });

  it('a refusal by a registry server is logged on both sides without the token', async () => {
    const usersFile = join(root, 'users.json');
    const alice = await addUser(usersFile, 'alice', 'author');
    const store = await FolderStore.open(join(root, 'server-registry'), { create: true, config: { fsync: false } });
    const server: RegistryServer = await startRegistryServer({ store, users: new UserDirectory(usersFile) });
    try {
      await call('openRegistry', { location: server.url, token: alice });
      await call('publishRun', { runId: 'run-log-1', name: 'fan' });
      await expect(call('approveVersion', { name: 'fan', version: 1, reason: 'mine' })).rejects.toMatchObject({
        code: 'forbidden',
      });
    } finally {
      await server.close();
    }
    const refused = (await logLines()).filter((l) => l.area === 'registry' && l.level === 'warn');
    expect(refused.map((l) => l.event)).toEqual(['approve refused', 'server refused', 'approve refused']);
    expect(refused[1]).toMatchObject({
      fields: {
        method: 'POST',
        path: '/v1/models/fan/approve',
        code: 'forbidden',
        reason: 'alice (author) may not approve',
      },
    });
    expect(refused[2]).toMatchObject({ fields: { registry: server.url, code: 'forbidden' } });
    const text = await logText();
    expect(text).not.toContain(alice);
    expect(text).not.toContain(alice.slice(4, 20));
  });

  it('a failed API call is logged with its method and message, never its arguments', async () => {
    const file = join(root, 'orders.csv');
    await writeFile(file, 'nothing;useful\n1;2\n');
    const refused = await call('importEventsFile', { path: file }).then(
      () => ({ code: 'none', message: 'the call succeeded' }),
      (error: { code: string; message: string }) => error,
    );
    expect(refused).toMatchObject({ code: 'failed' });
    const failed = (await logLines()).filter((l) => l.event === 'api call failed');
    expect(failed).toEqual([
      expect.objectContaining({
        level: 'warn',
        area: 'app',
        fields: { method: 'importEventsFile', code: 'failed', message: refused.message },
      }),
    ]);
  });

  it('browser mode: a request with a wrong token is refused and logged without the token it carried', async () => {
    const staticDir = join(root, 'static');
    await mkdir(staticDir, { recursive: true });
    await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
    const server = await startWebServer({ core, staticDir });
    const guess = 'guessed-token-0123456789abcdef';
    try {
      const response = await fetch(`${server.origin}/api/listJobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-pdm-token': guess },
        body: '{}',
      });
      expect(response.status).toBe(401);
    } finally {
      await server.close();
    }
    const refused = (await logLines()).filter((l) => l.area === 'web');
    expect(refused).toEqual([
      expect.objectContaining({
        level: 'warn',
        event: 'request refused',
        fields: { status: 401, path: '/api/listJobs', reason: 'missing or wrong token' },
      }),
    ]);
    expect(await logText()).not.toContain(guess);
  });

  it('openLogFolder: browser mode answers the path; the desktop opens it', async () => {
    const dir = join(userData, 'logs');
    expect(await call('openLogFolder', {})).toEqual({ path: dir, opened: false });
    const opened: string[] = [];
    const desktop = await createAppCore({
      userDataDir: join(root, 'desktop-data'),
      shell: 'electron',
      openPath: async (path) => {
        opened.push(path);
        return '';
      },
    });
    try {
      const answer = await dispatch(desktop.handlers, 'openLogFolder', {});
      expect(answer).toEqual({ ok: true, result: { path: join(root, 'desktop-data', 'logs'), opened: true } });
      expect(opened).toEqual([join(root, 'desktop-data', 'logs')]);
      const failing = await createAppCore({
        userDataDir: join(root, 'desktop-data'),
        shell: 'electron',
        openPath: async () => 'no file manager',
      });
      expect(await dispatch(failing.handlers, 'openLogFolder', {})).toMatchObject({
        ok: false,
        error: { code: 'failed', message: expect.stringMatching(/could not open the log folder .*: no file manager/) },
      });
      await failing.dispose();
    } finally {
      await desktop.dispose();
    }
  });
});
