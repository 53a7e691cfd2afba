import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../../src/shared/api.js';
import { startCoreHost, type CoreHost, type CoreHostOptions } from '../../../src/main/core-host/host-client.js';
import { forkCoreHost } from '../../../src/main/core-host/fork-host.js';
import { WORKSPACE_FILE } from '../../../src/main/core/workspace/workspace.js';
import { apiCaller } from '../../support/api-caller.js';

/*
 * The core in its own process (child_process.fork of src/main/core-host/host-process.ts, the protocol Electron's
 * utilityProcess speaks too): real DuckDB workspace, real files, a real crash.
 */

let root: string;
let host: CoreHost | null;
const { call, settle } = apiCaller(() => {
  if (host === null) throw new Error('no host');
  return { ...host, currentWorkspace: () => null };
});

const T0 = Date.UTC(2026, 0, 1);

/** A long CSV written in slices: the parent's heap stays small, so its own GC does not show up as timer lag. */
const longCsv = async (name: string, tag: string, count: number): Promise<string> => {
  const path = join(root, 'data', name);
  const file = await open(path, 'w');
  try {
    await file.write('tag,time,value\n');
    const SLICE = 20_000;
    for (let from = 0; from < count; from += SLICE) {
      const lines: string[] = [];
      for (let i = from; i < Math.min(count, from + SLICE); i++) {
        lines.push(`${tag},${new Date(T0 + i * 1000).toISOString()},${Math.sin(i / 500)}\n`);
      }
      await file.write(lines.join(''));
    }
  } finally {
    await file.close();
  }
  return path;
};

const start = async (extra: Partial<CoreHostOptions> = {}): Promise<CoreHost> => {
  host = await startCoreHost({
    spawn: forkCoreHost(),
    userDataDir: join(root, 'user-data'),
    shell: 'web',
    workspace: join(root, 'ws'),
    ...extra,
  });
  return host;
};

const processAlive = (pid: number | undefined): boolean => {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'pdm-core-host-'));
  await mkdir(join(root, 'data'));
  host = null;
});

afterEach(async () => {
  await host?.dispose();
  await rm(root, { recursive: true, force: true });
});

describe('the core host process', () => {
  it('runs the core in another process: calls, errors and job events round trip', async () => {
    const core = await start();
    expect(core.pid()).not.toBe(process.pid);
    expect(processAlive(core.pid())).toBe(true);
    const events: ApiEvent[] = [];
    core.onEvent((event) => events.push(event));

    const info = await call('getAppInfo', {});
    expect(info).toMatchObject({ shell: 'web', workspace: { path: join(root, 'ws'), readings: 0 } });

    // The host's own validation and errors come back with their code and words.
    await expect(call('openWorkspace', { path: 'relative/ws' })).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(call('getJob', { jobId: 'nope' })).rejects.toMatchObject({
      code: 'not-found',
      message: 'no job nope',
    });

    const file = await longCsv('flow.csv', 'flow', 500);
    const { jobId } = await call('startImport', { paths: [file], options: { asset: 'P-1' } });
    expect(await settle(jobId)).toMatchObject({ status: 'done', result: { values: 500 } });
    await expect.poll(() => events.some((e) => e.type === 'job-finished' && e.job.id === jobId)).toBe(true);
    const finished = events.find((e) => e.type === 'job-finished');
    expect(finished).toMatchObject({ job: { id: jobId, status: 'done', result: { values: 500 } } });
    expect(events).toContainEqual({ type: 'workspace-changed' });
    const [signal] = await call('listSignals', {});
    const trend = await call('queryTrend', { signalIds: [signal?.id ?? -1], width: 100 });
    expect(trend.series[0]?.rawCount).toBe(500);
  });

  it("keeps the parent's event loop free while a 1M-reading import runs in the host (never busy 50 ms, timer lag p95 under 50 ms)", async () => {
    const file = await longCsv('big.csv', 'vibration', 1_000_000);
    const core = await start();
    const lags: number[] = [];
    /** How long this process's event loop itself was busy between two ticks (eventLoopUtilization's active time). */
    const busy: number[] = [];
    const TICK_MS = 10;
    let expected = performance.now() + TICK_MS;
    let utilisation = performance.eventLoopUtilization();
    const timer = setInterval(() => {
      const now = performance.now();
      lags.push(now - expected);
      expected = now + TICK_MS;
      const next = performance.eventLoopUtilization();
      busy.push(next.active - utilisation.active);
      utilisation = next;
    }, TICK_MS);
    try {
      const { jobId } = await call('startImport', { paths: [file], options: { asset: 'P-9' } });
      const job = await settle(jobId);
      expect(job).toMatchObject({ status: 'done', result: { values: 1_000_000 } });
      expect(job.result?.seconds).toBeGreaterThan(0.5);
    } finally {
      clearInterval(timer);
    }
    expect(lags.length).toBeGreaterThan(50);
    const shown = (values: number[]) => values.map(Math.round).join(' ');
    // The loop never ran for 50 ms without the timer getting its turn: nothing of the import runs here. (With the
    // core in this process the loop is busy up to about 70 ms at a stretch while the import's rows are handled.)
    expect(Math.max(...busy), `event loop busy between ticks (ms): ${shown(busy)}`).toBeLessThan(50);
    // The timer's wall-clock lag also counts the OS not scheduling this process at all: on a quiet machine the
    // maximum is far under 50 ms; with the two cores shared by many test processes single ticks wait longer with
    // the loop idle (the busy check above tells the two apart), so the wall-clock bound is on the 95th percentile.
    const sorted = [...lags].sort((a, b) => a - b);
    expect(sorted[Math.floor(sorted.length * 0.95)], `timer lags (ms): ${shown(lags)}`).toBeLessThan(50);
    expect(core.restarts()).toBe(0);
  }, 180_000);

  it("prints a PDF report with the shell's printer (Electron's printToPDF in the app) across the process boundary", async () => {
    const printed: { html: string; paper: string; footer: string }[] = [];
    // The shell's printer: in the app, Electron's printToPDF of a hidden window (it cannot run here).
    const fakePdf = Buffer.from(
      '%PDF-1.4\n1 0 obj << /Type /Page >> endobj\n2 0 obj << /Type /Page >> endobj\n%%EOF\n',
    );
    await start({
      pdfPrinter: async () => ({
        name: 'Electron',
        print: async (html, options) => {
          printed.push({ html, paper: options.paper, footer: options.footerTemplate });
          return new Uint8Array(fakePdf);
        },
      }),
    });
    const out = join(root, 'fleet.pdf');
    const { jobId } = await call('startReport', { kind: 'fleet', format: 'pdf', out, paper: 'a4' });
    const job = await settle(jobId);
    expect(job).toMatchObject({ status: 'done' });
    expect(printed).toHaveLength(1);
    expect(printed[0]?.html).toMatch(/Fleet health/i);
    expect(printed[0]?.paper).toBe('a4');
    expect(printed[0]?.footer).toMatch(/SHA-256 [0-9a-f]{64}/);
    // The bytes the shell printed are the file the host wrote, and the export is audited with its page count.
    expect(Buffer.compare(await readFile(out), fakePdf)).toBe(0);
    const [exported] = await call('listReportExports', {});
    expect(exported).toMatchObject({ kind: 'fleet', pages: 2 });
  });

  it('a host that dies is reported, its unanswered calls fail clearly, and it restarts with the workspace open', async () => {
    const crashes: string[] = [];
    const core = await start({ onCrash: (message) => crashes.push(message) });
    const file = await longCsv('flow.csv', 'flow', 200);
    await settle((await call('startImport', { paths: [file], options: { asset: 'P-1' } })).jobId);
    const events: ApiEvent[] = [];
    core.onEvent((event) => events.push(event));
    const first = core.pid();

    const unanswered = call('listSignals', {});
    process.kill(first ?? -1, 'SIGKILL');
    await expect(unanswered).rejects.toMatchObject({
      code: 'failed',
      message:
        'listSignals: the core process stopped unexpectedly (was killed by SIGKILL) before answering; it was restarted: try again',
    });
    expect(crashes).toEqual([
      `The PdM Studio core process stopped unexpectedly (was killed by SIGKILL). It restarts and reopens the workspace ${join(root, 'ws')}; work that was running in it (imports, training) was interrupted: start it again.`,
    ]);

    // The next call waits for the new process, which has the workspace open again with its data.
    expect((await call('getAppInfo', {})).workspace).toMatchObject({ path: join(root, 'ws'), readings: 200 });
    expect(core.restarts()).toBe(1);
    expect(core.pid()).not.toBe(first);
    expect(processAlive(first)).toBe(false);
    await expect.poll(() => events).toContainEqual({ type: 'workspace-changed' });
  });

  it('shutdown closes the workspace cleanly: the process ends and no WAL is left', async () => {
    const core = await start();
    const file = await longCsv('flow.csv', 'flow', 20_000);
    await settle((await call('startImport', { paths: [file], options: { asset: 'P-1' } })).jobId);
    await call('updateSignals', { ids: [(await call('listSignals', {}))[0]?.id ?? -1], patch: { unit: 'm3/h' } });
    const pid = core.pid();
    const wal = join(root, 'ws', `${WORKSPACE_FILE}.wal`);
    await core.dispose();
    host = null;
    expect(processAlive(pid)).toBe(false);
    expect(existsSync(join(root, 'ws', WORKSPACE_FILE))).toBe(true);
    expect(existsSync(wal)).toBe(false);
    // Calls after shutdown say so instead of hanging.
    await expect(core.handlers.getAppInfo({})).rejects.toThrow('getAppInfo: the app is shutting down');
    // And what was written is there for the next start.
    await start();
    expect((await call('listSignals', {}))[0]).toMatchObject({ unit: 'm3/h' });
  });

  it('the host checks what it is sent: garbage is ignored, a call before the start is answered, not dropped', async () => {
    const channel = forkCoreHost()();
    const received: unknown[] = [];
    channel.onMessage((message) => received.push(message));
    const exited = new Promise<string>((resolve) => channel.onExit(resolve));
    channel.send({ kind: 'call', id: 1, method: 'getAppInfo', input: {} });
    channel.send({ kind: 'launch-missiles' } as never);
    channel.send({ kind: 'call', id: 'two', method: 'getAppInfo', input: {} } as never);
    await expect
      .poll(() => received, { timeout: 30_000 })
      .toEqual([
        {
          kind: 'reply',
          id: 1,
          reply: { ok: false, error: { code: 'failed', message: 'getAppInfo: the core is not running' } },
        },
      ]);
    channel.send({
      kind: 'init',
      init: {
        userDataDir: join(root, 'user-data'),
        shell: 'web',
        bridged: { selectPath: false, openPath: false, secretCipher: null },
      },
    });
    await expect.poll(() => received.length, { timeout: 30_000 }).toBe(2);
    expect(received[1]).toMatchObject({ kind: 'ready', pid: channel.pid });
    channel.send({ kind: 'call', id: 3, method: 'noSuchMethod', input: {} });
    await expect.poll(() => received.length, { timeout: 10_000 }).toBe(3);
    expect(received[2]).toEqual({
      kind: 'reply',
      id: 3,
      reply: { ok: false, error: { code: 'invalid-argument', message: 'unknown method "noSuchMethod"' } },
    });
    channel.send({ kind: 'shutdown' });
    expect(await exited).toBe('exited with code 0');
    expect(received.at(-1)).toEqual({ kind: 'closed' });
  });

  it('a workspace that cannot be opened fails the start with the reason', async () => {
    await writeFile(join(root, 'not-a-folder'), 'x');
    await expect(start({ workspace: join(root, 'not-a-folder', 'ws') })).rejects.toMatchObject({ code: 'failed' });
  });
});
